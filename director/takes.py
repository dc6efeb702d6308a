"""Takes and the safety net: each verified scene's recording (an asciicast v2 of what the
audience saw) and its record (when, on which Temporal, which claims held), kept to be shown if
the scene fails."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text

from director.claims import Verdict
from director.files import Missing, Unreadable, read_bytes, read_text, write_whole
from director.layouts import LAYOUTS
from director.replays import Replay
from director.scenes import Scene, Show
from director.take_files import (
    FORMAT,
    MAX_CAST_BYTES,
    Event,
    Refused,
    older,
    read_events,
    read_json,
    read_record,
)
from director.terminal import FEED_TIME, Emulator

TAKE_LAYOUT = LAYOUTS["stage"]
"""The layout every take is recorded in, whatever the show's (a piped run's included)."""
TAKE_SIZE: tuple[int, int] = TAKE_LAYOUT.minimum or (80, 24)
"""The size every take is recorded at: the smallest stage's, so it is shown whole on any."""

if TYPE_CHECKING:
    from director.keys import Press
    from director.narration import Narrator
    from director.pacing import Wait
    from director.recording import Recorder
    from director.results import SceneResult


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
    events: list[Event]

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
            "format": FORMAT,
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
        write_whole({cast_path: data, record_path: json.dumps(record).encode()})

    def load(self, show: Show, scene: Scene) -> Take | None:
        """The scene's take; None if it has none; Refused (saying why) if it cannot be used.
        Both files are input: each field of the record and each event of the cast is checked
        (see take_files), so that whatever is shown cannot hang or break the show."""
        cast_path, record_path = self.paths(scene)
        try:
            text = read_text(record_path)
        except Missing:
            return None
        except Unreadable as error:
            raise Refused(f"its record cannot be read: {error}") from None
        try:
            record = read_record(read_json(text))
        except ValueError as error:
            raise Refused(f"{record_path.name} is not a take's record: {error}") from None
        if why := older(record):
            raise Refused(why)
        if record["fingerprint"] != fingerprint(show, scene):
            raise Refused("the scene changed since it was recorded")
        try:
            data = read_bytes(cast_path, MAX_CAST_BYTES)
        except Unreadable as error:
            raise Refused(f"its cast cannot be read: {error}") from None
        expected = (record["cast_bytes"], record["cast_sha256"])
        if (len(data), hashlib.sha256(data).hexdigest()) != expected:
            raise Refused(f"{cast_path.name} is truncated or was changed")
        events = read_events(cast_path.name, data, record["speed"])
        return Take(
            scene.name, record["made"], record["address"], record["claims"], record["size"],
            record["speed"], events,
        )  # fmt: skip

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


class Player:
    """Plays a take's cast through a terminal emulator: the screen it shows at any time."""

    def __init__(self, take: Take) -> None:
        self.take = take
        self._terminal = Emulator(*take.size)
        self._next = 0
        self._fed = 0
        """How much of the next event's output was fed already."""

    @property
    def length(self) -> float:
        """The take's length in seconds, at its own pace."""
        return self.take.events[-1][0] if self.take.events else 0.0

    def until(self, seconds: float) -> bool:
        """Play the events up to `seconds` into the take, for FEED_TIME at most a call (a
        few bytes may cost the emulator a redraw of every cell); whether any changed the
        screen."""
        events, changed = self.take.events, False
        deadline = time.monotonic() + FEED_TIME
        while self._next < len(events) and events[self._next][0] <= seconds:
            _, kind, data = events[self._next]
            if kind == "o":
                left = max(0.0, deadline - time.monotonic())
                self._fed += self._terminal.feed(data[self._fed :], left)
                changed = True
                if self._fed < len(data):  # the rest on the next call
                    break
            elif kind == "r":  # COLSxROWS within MAX_SIZE, as load checked
                columns, rows = data.split("x")
                self._terminal.resize(int(columns), int(rows))
            self._next, self._fed = self._next + 1, 0
            if time.monotonic() > deadline:
                break
        return changed

    def frame(self) -> Text:
        """The emulated screen now, its colours and styles kept."""
        return self._terminal.text()


class SafetyNet:
    """Each scene verified live becomes its take; a scene that fails live (or, offline, every
    scene) is followed by its take, labelled, at its own pace."""

    def __init__(
        self,
        takes: Takes | None,
        recorder: Recorder | None,
        narrator: Narrator,
        clock: Callable[[], float] = time.monotonic,
        on: bool = True,
    ) -> None:
        self.takes = takes
        self.recorder = recorder
        """Records each scene as the audience sees it: a verified scene's take."""
        self.narrator = narrator
        self.clock = clock
        self.on = on
        """Whether a scene that fails live is followed by its verified take."""
        self.unwritable = False
        """Whether the takes folder could not be written: said once, and no take kept."""

    def scene_begins(self) -> None:
        """A scene begins: its recording starts afresh."""
        if self.recorder is not None:
            self.recorder.cast.restart()

    def keep(
        self, show: Show, scene: Scene, result: SceneResult, address: str, speed: float
    ) -> None:
        """The scene verified: its recording becomes its take (a folder that cannot be
        written is said once, and the show goes on)."""
        if self.recorder is None or self.takes is None or self.unwritable:
            return
        cast = self.recorder.cast
        try:
            self.takes.save(show, scene, cast.text(), cast.size, address, result.verdicts, speed)
        except OSError as error:
            self.unwritable = True
            self.narrator.info(
                f"[stage.warning]No take is kept:[/] {escape(str(self.takes.folder))} cannot be "
                f"written ({escape(error.strerror or str(error))})"
            )

    def show(
        self, show: Show, scene: Scene, result: SceneResult, speed: float, wait: Wait
    ) -> Press | None:
        """Show the scene's verified take in its place, labelled, at its own pace (scaled by
        `speed`; a key moves on); the result says it was shown. A take that cannot be used
        is said, and not shown. The presenter's move elsewhere, if one cut it short."""
        if self.takes is None:
            return None
        try:
            take = self.takes.load(show, scene)
        except Refused as why:
            self.narrator.info(f"[stage.warning]Its take is not shown:[/] {escape(str(why))}")
            return None
        if take is None:
            return None
        self.narrator.info(
            f"[stage.offline]Replaying the verified recording of this scene from {take.when}[/]"
            " (not live)"
        )
        self.narrator.at_step(f"{scene.title} - the verified recording of {take.when}")
        player, started = Player(take), self.clock()
        try:
            while True:
                at = (self.clock() - started) * speed / take.speed
                if player.until(at):
                    self.narrator.replay(Replay(player.frame(), take.size, take.when))
                if at >= player.length:
                    break
                if (press := wait(0.05)) is not None:
                    if press.moves:
                        return press
                    break
        finally:
            self.narrator.replay(None)
        result.shown_from = take.when
        return None
