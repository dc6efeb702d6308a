"""Takes: kept whole or not at all, read back as they were written, refused (with the reason)
when truncated, not a cast, or made for a scene that has changed since."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style

from director.claims import Verdict
from director.keys import Action, Press
from director.pacing import MAX_SPEED
from director.recording import Cast
from director.results import SceneResult, summary_rows
from director.scenes import Scene, Show
from director.steps import Narrate, Pause
from director.take_files import MAX_SECONDS, MAX_SIZE, Refused
from director.takes import Player, SafetyNet, Take, Takes, fingerprint
from tests.unit.conftest import Clock, narrator
from tests.unit.conftest import said as said_text

SCENE = Scene("intro", "Intro", Path("intro.toml"), (Narrate(title="Hi", body="."), Pause()))
SHOW = Show("Talk", (SCENE,), limit=10, interval=1.0)
HELD = [Verdict("it starts again at 1", True, "first after restart: 1")]


def recorded() -> str:
    cast = Cast(None, (100, 30), "Talk")
    cast.write("old scene\n")
    cast.restart()  # a new scene: what came before is not its take
    cast.marker("Scene: Intro")
    cast.write("\x1b[1mHi\x1b[0m\n")
    return cast.text()


def test_a_take_is_read_back_as_it_was_kept(tmp_path: Path) -> None:
    takes = Takes(tmp_path / "takes")
    assert takes.load(SHOW, SCENE) is None and takes.state(SHOW, SCENE) == "none"
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    take = takes.load(SHOW, SCENE)
    assert take is not None
    assert take.size == (100, 30) and take.address == "localhost:7233"
    assert [event[1:] for event in take.events] == [
        ("m", "Scene: Intro"),
        ("o", "\x1b[1mHi\x1b[0m\r\n"),
    ]
    assert take.claims == [
        {"claim": "it starts again at 1", "held": True, "seen": "first after restart: 1"}
    ]
    assert takes.state(SHOW, SCENE) == f"verified {take.when}"
    assert sorted(p.name for p in (tmp_path / "takes").iterdir()) == ["intro.cast", "intro.json"]


def test_a_scene_that_changed_since_refuses_its_take(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    edited = replace(SCENE, steps=(Narrate(title="Hello", body="."), Pause()))
    assert fingerprint(SHOW, edited) != fingerprint(SHOW, SCENE)
    with pytest.raises(Refused, match="the scene changed since it was recorded"):
        takes.load(SHOW, edited)
    slower = replace(SHOW, interval=2.0)  # the counters count differently: another take
    with pytest.raises(Refused, match="changed"):
        takes.load(slower, SCENE)


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (
            lambda c, r: c.write_bytes(c.read_bytes()[:-40]),
            "intro.cast is truncated or was changed",
        ),
        (lambda c, r: r.write_text("{"), "intro.json is not a take's record"),
        (lambda c, r: c.unlink(), "its cast cannot be read"),
    ],
    ids=["truncated", "record-broken", "cast-gone"],
)
def test_a_spoilt_take_is_refused_with_the_reason(tmp_path: Path, spoil: object, why: str) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    spoil(*takes.paths(SCENE))  # type: ignore[operator]
    with pytest.raises(Refused, match=why):
        takes.load(SHOW, SCENE)
    assert takes.state(SHOW, SCENE).startswith("unusable: ")


def test_a_file_that_is_not_a_cast_is_refused_even_with_a_matching_record(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, "not a cast at all\n", (100, 30), "localhost:7233", HELD)
    with pytest.raises(Refused, match=r"intro\.cast is not an asciicast v2"):
        takes.load(SHOW, SCENE)


def test_a_save_cut_short_never_leaves_a_mixed_take_in_use(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "old:1", HELD)
    cast_path, record_path = takes.paths(SCENE)
    # Cut short after the new cast was in place, before its record: the old record does not
    # vouch for the new cast.
    cast_path.write_text(recorded().replace("Hi", "Hello"))
    with pytest.raises(Refused, match="truncated or was changed"):
        takes.load(SHOW, SCENE)
    # A record that cannot be replaced fails the save, and leaves nothing written aside.
    record_path.unlink()
    record_path.mkdir()
    with pytest.raises(OSError):
        takes.save(SHOW, SCENE, recorded(), (100, 30), "new:2", HELD)
    assert not list(tmp_path.glob(".*.new"))


def test_a_takes_folder_that_cannot_be_made_is_an_os_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        Takes(tmp_path / "file" / "takes").save(SHOW, SCENE, recorded(), (100, 30), "a", HELD)


def test_the_player_draws_the_take_as_a_terminal_would_at_its_own_pace() -> None:
    events = [[0.5, "o", "\x1b[1;31mred\x1b[0m 1\r\n"], [2.0, "o", "\r\x1b[38;2;10;20;30mtrue"]]
    take = Take("intro", datetime.now(UTC), "a", [], (20, 3), 1.0, events)
    player = Player(take)
    assert player.length == 2.0
    assert not player.until(0.1) and player.frame().plain == ""
    assert player.until(1.0)
    frame = player.frame()
    assert frame.plain == "red 1"
    assert frame.get_style_at_offset(Console(), 0) == Style(color="red", bold=True)
    assert player.until(2.0)
    assert [row.rstrip() for row in player.frame().plain.split("\n")] == ["red 1", "true"]
    frame = player.frame()
    truecolor = frame.get_style_at_offset(Console(), frame.plain.index("true")).color
    assert truecolor is not None and truecolor.triplet.hex == "#0a141e"


def test_the_summary_says_a_scene_was_shown_from_its_take() -> None:
    result = SceneResult(SCENE, failure="Intro, step 2 (pause): it broke")
    result.shown_from = "2026-11-25 16:54"
    [(title, _, _, failure)] = summary_rows([result])
    assert title == "Intro"
    assert (
        failure
        == "Intro, step 2 (pause): it broke; shown from its verified take of 2026-11-25 16:54"
    )


def test_a_scene_has_a_usable_take_only_when_it_can_be_shown(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    assert not takes.usable(SHOW, SCENE)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    assert takes.usable(SHOW, SCENE)
    takes.paths(SCENE)[0].write_text("")
    assert not takes.usable(SHOW, SCENE)


DROP = object()
"""A record field left out."""
NAN, INF = float("nan"), float("inf")
FIFO = "not a regular file (a device, a FIFO or a socket)"

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


def test_a_take_whose_files_are_not_regular_files_is_refused_unopened(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    cast_path, record_path = takes.paths(SCENE)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    cast_path.unlink()
    os.mkfifo(cast_path)  # nothing ever writes to it: opened for reading, it would block
    assert takes.state(SHOW, SCENE) == f"unusable: its cast cannot be read: {FIFO}"
    cast_path.unlink()
    cast_path.mkdir()
    assert takes.state(SHOW, SCENE) == "unusable: its cast cannot be read: a directory, not a file"
    record_path.unlink()
    os.mkfifo(record_path)
    assert takes.state(SHOW, SCENE) == f"unusable: its record cannot be read: {FIFO}"


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


def test_a_take_that_printed_a_lot_is_played_a_bounded_piece_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fed: list[str] = []

    def feed(self: object, text: str, seconds: float) -> int:
        fed.append(text[:50_000])  # what the emulator takes in the time it is given
        return len(fed[-1])

    monkeypatch.setattr("director.terminal.Emulator.feed", feed)
    said = "".join(f"line {n}\r\n" for n in range(100_000))
    events = [(0.0, "o", said), (0.0, "m", "x"), (1.0, "o", "more")]
    player = Player(Take("intro", datetime.now(UTC), "a", [], (80, 24), 1.0, events))
    calls = 0
    while player.until(0.5):
        calls += 1
    assert "".join(fed) == said and calls == -(-len(said) // 50_000)
    assert player.until(1.0) and fed[-1] == "more"


@pytest.mark.parametrize("costly", ["\x1b#8", "\x1b[2J", "\x1b[H\x1b[999L"])
def test_a_take_of_sequences_that_redraw_every_cell_is_played_in_time_not_all_at_once(
    costly: str,
) -> None:
    """A few bytes that make the emulator redraw a 500x200 screen: a take of a few kB of
    them would take minutes to feed at once; each call feeds for FEED_TIME and returns."""
    events = [(0.0, "o", costly * 20_000), (0.0, "o", "the end")]
    player = Player(Take("intro", datetime.now(UTC), "a", [], (500, 200), 1.0, events))
    calls = 0
    while player._next < len(events) and calls < 3:
        player.until(1.0)
        calls += 1
    assert player._next == 0 and 0 < player._fed < len(events[0][2]), "a bounded piece a call"


def test_what_passes_the_check_plays_to_its_end() -> None:
    """The check's limits, every one at its edge, then played: nothing hangs or breaks."""
    events = [
        (0.0, "r", "1x1"),
        (0.0, "o", "\x1b[1;2A\x1b[?5K\x1b[9999999999J\x1b[99999999@ pyte cannot take these"),
        (0.001, "r", f"{MAX_SIZE[0]}x{MAX_SIZE[1]}"),
        (0.002, "o", "\x1b[400;1Hlast"),
        (MAX_SECONDS / MAX_SPEED, "m", "end"),
    ]
    take = Take("intro", datetime.now(UTC), "a", [], MAX_SIZE, MAX_SPEED, events)
    player = Player(take)
    assert player.until(player.length)
    assert player.frame().plain.endswith("last")


@pytest.mark.parametrize("left", ["fifo", "link", "folder"])
def test_what_is_left_at_an_old_aside_name_is_never_written_through(
    tmp_path: Path, left: str
) -> None:
    takes = Takes(tmp_path / "takes")
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    for name in (".intro.cast.new", ".intro.json.new"):
        aside = tmp_path / "takes" / name
        if left == "fifo":
            os.mkfifo(aside)  # opened for writing, it would wait for a reader for good
        elif left == "link":
            aside.symlink_to(tmp_path / f"victim{name}")
        else:
            aside.mkdir()
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    assert takes.state(SHOW, SCENE).startswith("verified")
    assert not list(tmp_path.glob("victim*")), "nothing written through a link"
    assert not (tmp_path / "takes" / "intro.cast").is_symlink()


def test_a_take_that_cannot_be_written_whole_leaves_the_earlier_one_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    real = os.fdopen

    def full(fd: int, mode: str) -> object:  # the record, written second, finds the disk full
        if len(list(tmp_path.glob(".*.new"))) == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real(fd, mode)

    monkeypatch.setattr("director.files.os.fdopen", full)
    with pytest.raises(OSError):
        takes.save(SHOW, SCENE, recorded() + "more", (100, 30), "localhost:7233", HELD)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
    assert takes.state(SHOW, SCENE).startswith("verified"), "the earlier take is whole"


class Recording:
    """What the safety net records a scene through: a cast."""

    def __init__(self) -> None:
        self.cast = Cast(None, (100, 30), "Talk")
        self.cast.write("Hi\n")


def test_the_safety_net_keeps_a_verified_scene_and_says_once_when_it_cannot(
    tmp_path: Path,
) -> None:
    said = narrator()
    net = SafetyNet(Takes(tmp_path / "takes"), Recording(), said)  # type: ignore[arg-type]
    net.keep(SHOW, SCENE, SceneResult(SCENE, verdicts=HELD), "localhost:7233", 2.0)
    take = Takes(tmp_path / "takes").load(SHOW, SCENE)
    assert take is not None and take.speed == 2.0 and take.claims[0]["held"] is True
    (tmp_path / "blocked").write_text("a file where the folder goes")
    net = SafetyNet(Takes(tmp_path / "blocked"), Recording(), said)  # type: ignore[arg-type]
    for _ in range(2):
        net.keep(SHOW, SCENE, SceneResult(SCENE), "localhost:7233", 1.0)
    assert net.unwritable and said_text(said).count("No take is kept") == 1


def test_the_safety_net_shows_a_take_and_hands_a_move_back(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    clock = Clock()
    net = SafetyNet(takes, None, narrator(), clock)

    def wait(press: Press | None) -> Callable[[float], Press | None]:
        def waited(seconds: float) -> Press | None:
            clock.now += seconds
            return press

        return waited

    shown = SceneResult(SCENE)
    assert net.show(SHOW, SCENE, shown, 1.0, wait(None)) is None and shown.shown_from
    cut = SceneResult(SCENE)
    back = Press(Action.BACK)
    assert net.show(SHOW, SCENE, cut, 1.0, wait(back)) == back and cut.shown_from is None
    skipped = SceneResult(SCENE)
    assert net.show(SHOW, SCENE, skipped, 1.0, wait(Press(Action.NEXT))) is None
    assert skipped.shown_from, "a key moves on: the take counts as shown"
