"""What a take's files may hold: each field of its record and each event of its cast, checked
as a hand-editor could spoil them, each refusal saying which field or line and why."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from director.take_files import FORMAT, Refused
from director.takes import Takes
from tests.unit.conftest import HELD, recorded
from tests.unit.conftest import TAKEN as SCENE
from tests.unit.conftest import TAKEN_SHOW as SHOW


def test_a_file_that_is_not_a_cast_is_refused_even_with_a_matching_record(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, "not a cast at all\n", (100, 30), "localhost:7233", HELD)
    with pytest.raises(Refused, match=r"intro\.cast is not an asciicast v2"):
        takes.load(SHOW, SCENE)


DROP = object()
"""A record field left out."""


NAN, INF = float("nan"), float("inf")
OLDER = "recorded in an older layout (format 1): recorded afresh when the scene next verifies"
"""Why a take of the layout recorded before the stage's fixed size is refused, whole."""


# Each: the record's fields changed, the cast's events in place of the take's (a text is a
# raw line), and the reason it is refused. The record's cast_bytes and cast_sha256 are made
# to match, as a hand-editor would.
HAND_EDITED = {
    "kind-a-number": (
        {}, [[0, 5, "x"]], "intro.cast, line 2: its kind must be one of o, m, r, not 5"
    ),
    "kind-a-part-of-omr": ({}, [[0, "om", "x"]], "its kind must be one of o, m, r, not 'om'"),
    "kind-empty": ({}, [[0, "", "x"]], "its kind must be one of o, m, r, not ''"),
    "kind-input": ({}, [[0, "i", "x"]], "its kind must be one of o, m, r, not 'i'"),
    "time-a-string": ({}, [["0.5", "o", "x"]], "its time must be a number from 0 to 7200"),
    "time-true": ({}, [[True, "o", "x"]], "its time must be a number from 0 to 7200, not True"),
    "time-nan": ({}, [[NAN, "o", "x"]], "its time must be a number from 0 to 7200, not nan"),
    "time-inf": ({}, [[INF, "o", "x"]], "its time must be a number from 0 to 7200, not inf"),
    "time-1e12": ({}, [[1e12, "o", "x"]], "must be a number from 0 to 7200, not 1000000000000.0"),
    "time-negative": ({}, [[-1, "o", "x"]], "its time must be a number from 0 to 7200, not -1"),
    "time-goes-back": (
        {}, [[2, "o", "x"], [1, "o", "y"]], "line 3: its time must be a number from 2 to 7200"
    ),
    "longer-than-two-hours-at-speed-1": (
        {"speed": 10}, [[721, "o", "x"]], "its time must be a number from 0 to 720, not 721"
    ),
    "time-inf-at-a-tiny-speed": ({"speed": 1e-320}, [[INF, "o", "x"]], "not inf"),
    "output-a-number": ({}, [[0.5, "o", 5]], "intro.cast, line 2: its data must be text, not 5"),
    "output-a-lone-surrogate": ({}, [[0.5, "o", "\ud800"]], "must be text, not '\\ud800'"),
    "marker-a-list": ({}, [[0.5, "m", ["x"]]], "must be text, not ['x']"),
    "resize-a-number": ({}, [[0.5, "r", 5]], "must be COLSxROWS, at most 500x200, not 5"),
    "resize-huge": (
        {}, [[0.5, "r", "100000x100000"]], "must be COLSxROWS, at most 500x200, not '100000x"
    ),
    "resize-to-nothing": ({}, [[0.5, "r", "0x10"]], "must be COLSxROWS, at most 500x200"),
    "resize-unparsed": ({}, [[0.5, "r", "80 x 24"]], "must be COLSxROWS"),
    "event-of-two": ({}, [[0.5, "o"]], "must be an event [time, kind, data], not [0.5, 'o']"),
    "event-an-object": ({}, [{"t": 1}], "must be an event [time, kind, data], not {'t': 1}"),
    "event-not-json": ({}, ["[0.5, 'o', 'x']"], "intro.cast, line 2: not JSON"),
    "event-nested-too-deeply": ({}, ["[" * 100_000], "intro.cast, line 2: nested too deeply"),
    "event-a-blank-line": ({}, ["", [0.5, "o", "x"]], "intro.cast, line 2: not JSON"),
    "claims-a-number": (
        {"claims": 5}, None, "intro.json is not a take's record: field 'claims' must be a list of "
        "{claim, held, seen}, not 5"
    ),
    "claims-held-text": (
        {"claims": [{"claim": "x", "held": "yes", "seen": ""}]}, None, "must be true or false"
    ),
    "claims-claim-a-number": (
        {"claims": [{"claim": 1, "held": True, "seen": ""}]}, None, "must be text, not 1"
    ),
    "claims-a-field-short": (
        {"claims": [{"claim": "x", "held": True}]}, None, "field 'claims' must be a list of"
    ),
    "speed-0": ({"speed": 0}, None, "field 'speed' must be a number more than 0 and at most 1e+06"),
    "speed-negative": ({"speed": -2}, None, "field 'speed' must be a number more than 0"),
    "speed-nan": ({"speed": NAN}, None, "at most 1e+06, not nan"),
    "speed-inf": ({"speed": INF}, None, "more than 0 and at most 1e+06, not inf"),
    "speed-beyond-the-flag": ({"speed": 1e7}, None, "field 'speed' must be a number"),
    "speed-text": ({"speed": "fast"}, None, "field 'speed' must be a number"),
    "size-huge": (
        {"size": [100000, 100000]}, None,
        "field 'size' must be [columns, rows] up to [500, 200], not [100000, 100000]",
    ),
    "size-no-rows": ({"size": [100, 0]}, None, "field 'size' must be [columns, rows]"),
    "size-a-fraction": ({"size": [100.5, 30]}, None, "field 'size' must be [columns, rows]"),
    "size-true": ({"size": [True, 30]}, None, "field 'size' must be [columns, rows]"),
    "size-one-number": ({"size": [100]}, None, "field 'size' must be [columns, rows]"),
    "size-text": ({"size": "100x30"}, None, "field 'size' must be [columns, rows]"),
    "made-not-a-time": ({"made": "yesterday"}, None, "field 'made' must be an ISO 8601 time"),
    "made-without-its-zone": (
        {"made": "2026-11-25T16:54:00"}, None, "field 'made' must be an ISO 8601 time with its zone"
    ),
    "made-beyond-the-calendar": (
        {"made": "0001-01-01T00:00:00+23:00"}, None, "field 'made' must be an ISO 8601 time"
    ),
    "made-a-number": ({"made": 5}, None, "field 'made' must be an ISO 8601 time"),
    "made-missing": ({"made": DROP}, None, "field 'made' is missing"),
    "fingerprint-missing": ({"fingerprint": DROP}, None, "field 'fingerprint' is missing"),
    "fingerprint-a-list": ({"fingerprint": []}, None, "field 'fingerprint' must be text"),
    "address-a-number": ({"address": 5}, None, "field 'address' must be text, not 5"),
    "title-null": ({"title": None}, None, "field 'title' must be text, not None"),
    "cast-bytes-text": ({"cast_bytes": "12"}, None, "field 'cast_bytes' must be a whole number"),
    "cast-sha256-short": ({"cast_sha256": "abc"}, None, "field 'cast_sha256' must be a sha256"),
    "format-missing": ({"format": DROP}, None, OLDER),  # recorded before it was kept
    "format-1": ({"format": 1}, None, OLDER),
    "format-newer": ({"format": 3}, None, "field 'format' must be a whole number from 1 to 2"),
    "format-text": ({"format": "2"}, None, "field 'format' must be a whole number"),
}  # fmt: skip


def hand_edited(
    tmp_path: Path, fields: dict, events: list | None, cast: bytes | None = None
) -> Takes:
    """A take saved, then edited by hand: its record's `fields` changed, its cast's `events`
    in place of its own (or the whole `cast`); the record's cast_bytes and cast_sha256 made
    to match the cast."""
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    cast_path, record_path = takes.paths(SCENE)
    if cast is not None:
        cast_path.write_bytes(cast)
    if events is not None:
        header = cast_path.read_text().split("\n")[0]
        lines = [e if isinstance(e, str) else json.dumps(e) for e in events]
        cast_path.write_text("\n".join([header, *lines]) + "\n")
    data = cast_path.read_bytes()
    record = json.loads(record_path.read_text())
    record.update(cast_bytes=len(data), cast_sha256=hashlib.sha256(data).hexdigest())
    record.update(fields)
    record = {name: value for name, value in record.items() if value is not DROP}
    record_path.write_text(json.dumps(record))
    return takes


@pytest.mark.parametrize(("fields", "events", "why"), HAND_EDITED.values(), ids=HAND_EDITED)
def test_a_hand_edited_take_is_refused_with_its_reason(
    tmp_path: Path, fields: dict, events: list | None, why: str
) -> None:
    takes = hand_edited(tmp_path, fields, events)
    with pytest.raises(Refused) as refused:
        takes.load(SHOW, SCENE)
    assert why in str(refused.value)
    assert takes.state(SHOW, SCENE) == f"unusable: {refused.value}"
    assert not takes.usable(SHOW, SCENE)


@pytest.mark.parametrize(
    "cast",
    [b'{"version": 3}\n', b"[2]\n", b"", b'{"version": 2, "title": "caf\xe9"}\n'],
    ids=["v3", "a-list", "empty", "not-utf8"],
)
def test_a_cast_that_is_not_an_asciicast_v2_is_refused(tmp_path: Path, cast: bytes) -> None:
    takes = hand_edited(tmp_path, {}, None, cast)
    assert takes.state(SHOW, SCENE) == "unusable: intro.cast is not an asciicast v2"


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (b"[]", "intro.json is not a take's record: must be a JSON object, not []"),
        (b"{", "intro.json is not a take's record: not JSON"),
        (b"[" * 100_000, "intro.json is not a take's record: nested too deeply"),
        (b'{"scene": "caf\xe9"}', "its record cannot be read: not UTF-8 text (byte 15)"),
        (b"{}\0", "its record cannot be read: a binary file, not text"),
        (b" " * 1_000_001 + b"{}", "its record cannot be read: larger than 1 MB"),
    ],
    ids=["a-list", "not-json", "nested", "not-utf8", "binary", "huge"],
)
def test_a_record_that_is_not_one_is_refused(tmp_path: Path, record: bytes, why: str) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    takes.paths(SCENE)[1].write_bytes(record)
    assert takes.state(SHOW, SCENE) == f"unusable: {why}"


def test_a_cast_too_large_to_be_a_take_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    monkeypatch.setattr("director.takes.MAX_CAST_BYTES", 100)
    assert takes.state(SHOW, SCENE) == "unusable: its cast cannot be read: larger than 100 bytes"


def test_a_take_of_an_older_layout_is_refused_whole_and_recorded_afresh(tmp_path: Path) -> None:
    takes = hand_edited(tmp_path, {"format": DROP}, None)
    assert takes.state(SHOW, SCENE) == f"unusable: {OLDER}"
    takes.save(SHOW, SCENE, recorded(), (80, 24), "localhost:7233", HELD)  # it verifies again
    assert json.loads(takes.paths(SCENE)[1].read_text())["format"] == FORMAT
    assert takes.state(SHOW, SCENE).startswith("verified ")
