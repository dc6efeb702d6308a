"""What a take's files may hold: each field of its record and each kind of event of its cast,
checked, so that whatever is shown cannot hang or break the show (a take is input)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from director.fields import shown
from director.pacing import MAX_SPEED

FORMAT = 2
"""The layout a take is recorded in: 2, the stage at a fixed size (1, before it was kept: the
show's own layout and size). A take of another format is refused, and recorded afresh."""
MAX_SIZE = (500, 200)
"""The largest screen a take may have, in columns and rows (as --record-size's largest): its
every frame is drawn in a fraction of a second."""
MAX_CAST_BYTES = 50_000_000
"""A take's cast larger than this is not one."""
MAX_SECONDS = 2 * 3600
"""The longest a take may play at --speed 1."""


class Refused(Exception):
    """A take that is there but cannot be used, and why: truncated, not a cast, its scene
    changed, or a field or an event of it beyond what can be shown."""


Event = tuple[float, str, str]
"""An event of a cast: [seconds, kind, data]."""


def read_json(text: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError:
        raise ValueError("not JSON") from None


def _text(value: object) -> str:
    if not isinstance(value, str) or not _encodes(value):
        raise ValueError(f"must be text, not {shown(value)}")
    return value


def _encodes(text: str) -> bool:
    """Whether `text` can be written out (JSON can carry a lone surrogate; no terminal can)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {shown(value)}")
    return value


def _number(low: float, high: float, above: bool = False) -> Callable[[object], float]:
    """A number from `low` (or `above` it) to `high`: finite, not true or false."""

    def check(value: object) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
            or not math.isfinite(value)
            or (above and value == low)
        ):
            least = f"more than {low:g} and at most" if above else f"from {low:g} to"
            raise ValueError(f"must be a number {least} {high:g}, not {shown(value)}")
        return float(value)

    return check


def _count(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}, not {shown(value)}")
        return value

    return check


def _digest(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError(f"must be a sha256 in hex, not {shown(value)}")
    return value


def _moment(value: object) -> datetime:
    try:
        made = datetime.fromisoformat(_text(value))
        if made.tzinfo is None:
            raise ValueError
        made.astimezone()  # as the audience is told it: a year 1 or 9999 may not convert
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"must be an ISO 8601 time with its zone, not {shown(value)}") from None
    return made


_COLUMNS, _ROWS = _count(1, MAX_SIZE[0]), _count(1, MAX_SIZE[1])


def _size(value: object) -> tuple[int, int]:
    """A screen's size: [columns, rows] in the record."""
    try:
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError
        return _COLUMNS(value[0]), _ROWS(value[1])
    except ValueError:
        most = list(MAX_SIZE)
        raise ValueError(f"must be [columns, rows] up to {most}, not {shown(value)}") from None


def _resize(value: object) -> str:
    """A screen's new size: "COLSxROWS" in an "r" event."""
    found = re.fullmatch(r"(\d{1,6})x(\d{1,6})", value) if isinstance(value, str) else None
    try:
        if not found:
            raise ValueError
        _COLUMNS(int(found[1]))
        _ROWS(int(found[2]))
    except ValueError:
        most = "x".join(map(str, MAX_SIZE))
        raise ValueError(f"must be COLSxROWS, at most {most}, not {shown(value)}") from None
    return value


CLAIM = {"claim": _text, "held": _flag, "seen": _text}
"""A claim checked when the take was made: what it says, whether it held, what was seen."""


def _claims(value: object) -> list[dict[str, object]]:
    if not isinstance(value, list) or not all(
        isinstance(claim, dict) and claim.keys() == CLAIM.keys() for claim in value
    ):
        raise ValueError(f"must be a list of {{claim, held, seen}}, not {shown(value)}")
    return [{name: check(claim[name]) for name, check in CLAIM.items()} for claim in value]


REQUIRED = object()
RECORD: dict[str, tuple[Callable[[object], object], object]] = {
    "format": (_count(1, FORMAT), 1),
    "scene": (_text, REQUIRED),
    "title": (_text, ""),
    "made": (_moment, REQUIRED),
    "address": (_text, ""),
    "fingerprint": (_text, REQUIRED),
    "size": (_size, REQUIRED),
    "speed": (_number(0, MAX_SPEED, above=True), 1.0),  # --speed's range
    "cast_bytes": (_count(0, MAX_CAST_BYTES), REQUIRED),
    "cast_sha256": (_digest, REQUIRED),
    "claims": (_claims, []),
}
"""A take's record, field by field: how each is checked, and its default (if it may be left
out: takes recorded before it was kept)."""

KINDS: dict[str, Callable[[object], str]] = {"o": _text, "m": _text, "r": _resize}
"""The kinds of event a take's cast may hold (output, marker, resize), and how each one's
data is checked."""


def read_record(data: object) -> dict[str, Any]:
    """A take's record, checked field by field; ValueError names the first field that fails."""
    if not isinstance(data, dict):
        raise ValueError(f"must be a JSON object, not {shown(data)}")
    record = {}
    for name, (check, default) in RECORD.items():
        if name in data:
            record[name] = _as(f"field '{name}'", check, data[name])
        elif default is REQUIRED:
            raise ValueError(f"field '{name}' is missing")
        else:
            record[name] = default
    return record


def older(record: dict[str, Any]) -> str | None:
    """Why a take's checked record is of a layout no longer recorded, if it is."""
    if record["format"] == FORMAT:
        return None
    return (
        f"recorded in an older layout (format {record['format']}): recorded afresh when the "
        "scene next verifies"
    )


def _as(what: str, check: Callable[[object], Any], value: object) -> Any:
    """`value` checked; ValueError says `what` failed."""
    try:
        return check(value)
    except ValueError as error:
        raise ValueError(f"{what} {error}") from None


def read_events(name: str, data: bytes, speed: float) -> list[Event]:
    """The events of an asciicast v2, each one checked: a known kind, its data, a time that
    never goes back and stays within MAX_SECONDS at --speed 1; Refused if one is not."""
    try:
        header, *lines = data.decode("utf-8").split("\n")  # by "\n" only: JSON escapes it
        meta = read_json(header)
        if not isinstance(meta, dict) or meta.get("version") != 2:
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        raise Refused(f"{name} is not an asciicast v2") from None
    if lines and lines[-1] == "":
        lines.pop()
    most, events, last = MAX_SECONDS / speed, [], 0.0
    for number, line in enumerate(lines, 2):
        try:
            event = read_json(line)
            if not isinstance(event, list) or len(event) != 3:
                raise ValueError(f"must be an event [time, kind, data], not {shown(event)}")
            at, kind, data = event
            last = _as("its time", _number(last, most), at)
            if not isinstance(kind, str) or kind not in KINDS:
                raise ValueError(f"its kind must be one of {', '.join(KINDS)}, not {shown(kind)}")
            events.append((last, kind, _as("its data", KINDS[kind], data)))
        except ValueError as error:
            raise Refused(f"{name}, line {number}: {error}") from None
    return events
