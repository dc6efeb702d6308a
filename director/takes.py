"""Takes: each verified scene's recording (an asciicast v2 of what the audience saw) and its
record (when, on which Temporal, which claims held), kept to be shown if the scene fails."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text

from director.claims import Verdict
from director.scenes import Scene, Show
from director.terminal import Emulator


class Refused(Exception):
    """A take that is there but cannot be used: truncated, not a cast, or its scene changed."""


@dataclass(frozen=True)
class Take:
    """One scene's verified take, as read back: its record and its cast's events."""

    scene: str
    made: datetime
    address: str
    claims: list[dict[str, object]]
    size: tuple[int, int]
    speed: float
    """The --speed it was recorded at: played back at --speed, it keeps its own pace."""
    events: list[list]
    """The cast's events: [seconds, kind, data]."""

    @property
    def when(self) -> str:
        """When it was made, as the audience is told: "2026-11-25 16:54"."""
        return self.made.astimezone().strftime("%Y-%m-%d %H:%M")


def fingerprint(show: Show, scene: Scene) -> str:
    """What the take depends on: the scene's title and steps (as loaded, every default
    filled in), and the talk's counting (limit and interval)."""
    data = repr((scene.title, scene.steps, show.limit, show.interval))
    return hashlib.sha256(data.encode()).hexdigest()


class Takes:
    """The takes folder: `SCENE.cast` and `SCENE.json` a scene."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def paths(self, scene: Scene) -> tuple[Path, Path]:
        return self.folder / f"{scene.name}.cast", self.folder / f"{scene.name}.json"

    def save(
        self,
        show: Show,
        scene: Scene,
        cast: str,
        size: tuple[int, int],
        address: str,
        verdicts: list[Verdict],
        speed: float = 1.0,
    ) -> None:
        """Keep a verified scene's take; the older one is replaced only once both files of the
        new one are whole (written aside, then renamed; the record, renamed last, names the
        cast's length and hash). OSError if the folder cannot be written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = cast.encode()
        record = {
            "scene": scene.name,
            "title": scene.title,
            "made": datetime.now(UTC).isoformat(),
            "address": address,
            "fingerprint": fingerprint(show, scene),
            "size": list(size),
            "speed": speed,
            "cast_bytes": len(data),
            "cast_sha256": hashlib.sha256(data).hexdigest(),
            "claims": [{"claim": v.claim, "held": v.held, "seen": v.seen} for v in verdicts],
        }
        cast_path, record_path = self.paths(scene)
        for path, content in ((cast_path, data), (record_path, json.dumps(record).encode())):
            aside = path.with_name(f".{path.name}.new")
            try:
                aside.write_bytes(content)
                os.replace(aside, path)
            finally:
                with contextlib.suppress(OSError):
                    aside.unlink()

    def load(self, show: Show, scene: Scene) -> Take | None:
        """The scene's take; None if it has none; Refused (saying why) if it cannot be used."""
        cast_path, record_path = self.paths(scene)
        try:
            text = record_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise Refused(f"its record cannot be read: {error.strerror}") from None
        try:
            record = json.loads(text)
            made = datetime.fromisoformat(record["made"])
            expected = (int(record["cast_bytes"]), str(record["cast_sha256"]))
            size = (int(record["size"][0]), int(record["size"][1]))
            speed = float(record.get("speed", 1.0))
        except (ValueError, KeyError, TypeError, IndexError):
            raise Refused(f"{record_path.name} is not a take's record") from None
        if record.get("fingerprint") != fingerprint(show, scene):
            raise Refused("the scene changed since it was recorded")
        try:
            data = cast_path.read_bytes()
        except OSError as error:
            raise Refused(f"its cast cannot be read: {error.strerror}") from None
        if (len(data), hashlib.sha256(data).hexdigest()) != expected:
            raise Refused(f"{cast_path.name} is truncated or was changed")
        address, claims = str(record.get("address", "")), list(record.get("claims", []))
        return Take(scene.name, made, address, claims, size, speed, _events(cast_path, data))

    def usable(self, show: Show, scene: Scene) -> bool:
        """Whether the scene has a take that can be shown."""
        try:
            return self.load(show, scene) is not None
        except Refused:
            return False

    def state(self, show: Show, scene: Scene) -> str:
        """For --list: when its take was made, or why there is none to use."""
        try:
            take = self.load(show, scene)
        except Refused as why:
            return f"unusable: {why}"
        return f"verified {take.when}" if take else "none"


def _events(path: Path, data: bytes) -> list[list]:
    """The events of an asciicast v2; Refused if it is not one."""
    try:
        header, *lines = data.decode("utf-8").splitlines()
        if json.loads(header).get("version") != 2:
            raise ValueError
        events = [json.loads(line) for line in lines]
        if not all(isinstance(e, list) and len(e) == 3 and e[1] in "omr" for e in events):
            raise ValueError
    except (ValueError, AttributeError, UnicodeDecodeError):
        raise Refused(f"{path.name} is not an asciicast v2") from None
    return events


class Player:
    """Plays a take's cast through a terminal emulator: the screen it shows at any time."""

    def __init__(self, take: Take) -> None:
        self.take = take
        self._terminal = Emulator(*take.size)
        self._next = 0

    @property
    def length(self) -> float:
        """The take's length in seconds, at its own pace."""
        return self.take.events[-1][0] if self.take.events else 0.0

    def until(self, seconds: float) -> bool:
        """Play the events up to `seconds` into the take; whether any changed the screen."""
        events, changed = self.take.events, False
        while self._next < len(events) and events[self._next][0] <= seconds:
            _, kind, data = events[self._next]
            if kind == "o":
                self._terminal.feed(data)
                changed = True
            elif kind == "r" and (size := data.split("x")) and len(size) == 2:
                with contextlib.suppress(ValueError):
                    self._terminal.resize(int(size[0]), int(size[1]))
            self._next += 1
        return changed

    def frame(self) -> Text:
        """The emulated screen now, its colours and styles kept."""
        return self._terminal.text()
