"""Recording: an asciinema v2 cast of what the audience sees, drawn at full fidelity (piped or
not), and the console a transcript is recorded on."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console

from director.errors import DemoError
from director.palette import Variant
from director.steps import one_line

if TYPE_CHECKING:
    from director.captions import Captions
    from director.layouts import LayoutKind
    from director.streaming import Stream

NO_TERMINAL_SIZE = (100, 30)
"""The recording's size (columns, rows) when nothing tells it: no terminal, no --record-size."""
TERM = "xterm-256color"
SCENE = "Scene: "
"""How a scene's marker begins in the cast; the rest is the scene's title."""
_NEWLINE = re.compile(r"(?<!\r)\n")


class Cast(io.TextIOBase):
    """A file Rich draws into: every write becomes an event of an asciinema v2 cast."""

    def __init__(
        self,
        path: Path | None,
        size: tuple[int, int],
        title: str,
        idle_limit: float | None = None,
        captions: Captions | None = None,
    ) -> None:
        self.path = path
        """Where it is written; None keeps it in memory (a scene's take, see `restart`)."""
        self.failure: str | None = None
        """Why the recording stopped before the show ended (a full disk...), if it did."""
        try:
            self.file: TextIO = io.StringIO() if path is None else path.open("w", encoding="utf-8")
        except OSError as error:
            raise DemoError(f"cannot write the recording {path}: {error.strerror}") from None
        self.idle_limit = idle_limit
        self.title = title
        self._lock = threading.Lock()  # the live region's thread writes too
        self.size = size
        self.captions = captions
        """What it collects of the words on screen, timed by its clock (--record's only)."""
        if captions is not None:
            captions.clock = self.now
        self._begin()
        if self.failure:  # not even the header could be written: say so before the show
            raise DemoError(f"cannot write the recording {path}: {self.failure}")

    def _begin(self) -> None:
        self._drawn = ""
        self._start = self._last = time.monotonic()
        self._skipped = 0.0
        self.at = 0.0
        """The time of the last event written: where the recording ends."""
        header = cast_header(self.size, self.title)
        if self.idle_limit:
            header["idle_time_limit"] = self.idle_limit
        self._line(header)

    def restart(self) -> None:
        """An in-memory cast starts again from here (a new scene's take)."""
        with self._lock:
            self.file = io.StringIO()
            self._begin()

    def text(self) -> str:
        """An in-memory cast as it is now."""
        with self._lock:
            return self.file.getvalue()  # type: ignore[attr-defined]

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        # A live region redraws itself 8 times a second; drawn again unchanged, it changes
        # nothing on a screen: kept once (a presenter's long pause stays a few bytes).
        if text and text != self._drawn:
            self._drawn = text
            self._event("o", as_shown(text))
        return len(text)

    def marker(self, label: str) -> None:
        """A marker a viewer can jump to (asciinema's "m" event), on one line: it becomes a
        chapter and a page's button."""
        self._event("m", one_line(label))

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            self.size = size
            self._event("r", f"{size[0]}x{size[1]}")

    def close(self) -> None:
        if self.captions is not None:
            self.captions.end(self.at)
        with self._lock:
            if not self.file.closed:
                self.file.close()
        super().close()

    def _event(self, kind: str, data: str) -> None:
        with self._lock:
            if self.file.closed:
                return
            now = time.monotonic()
            self.at, self._skipped = self._time(now)
            self._last = now
            self._line([self.at, kind, data])

    def now(self) -> float:
        """The time an event written now would get, its idle cut included, without writing
        one (the captions' clock)."""
        with self._lock:
            return self._time(time.monotonic())[0]

    def _time(self, now: float) -> tuple[float, float]:
        """An event's time at `now`, and the idle time cut from the recording by then."""
        skipped = self._skipped
        if self.idle_limit and now - self._last > self.idle_limit:
            skipped += now - self._last - self.idle_limit
        return round(now - self._start - skipped, 6), skipped

    def _line(self, value: object) -> None:
        # One event a line, flushed: a recording cut short is still valid up to there.
        try:
            self.file.write(json_line(value) + "\n")
            self.file.flush()
        except OSError as error:  # the show goes on; the recording stops, and says why later
            self.failure = error.strerror or str(error)
            with contextlib.suppress(OSError):
                self.file.close()


def cast_header(size: tuple[int, int], title: str) -> dict[str, object]:
    """An asciicast v2 header: its size (columns, rows), its title on one line, its time."""
    return {
        "version": 2,
        "width": size[0],
        "height": size[1],
        "timestamp": int(time.time()),
        "title": one_line(title),
        "env": {"TERM": TERM, "SHELL": os.environ.get("SHELL", "/bin/sh")},
    }


def as_shown(text: str) -> str:
    """What Rich wrote, as a terminal is given it: its driver turns each newline into CR LF."""
    return _NEWLINE.sub("\r\n", text)


_SEPARATORS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(value: object) -> str:
    """`value` as one line of JSON, its text unescaped but for the three line separators
    JSON leaves raw (NEL, U+2028, U+2029): a reader that splits on them would cut the line.
    A cast is read back by "\\n" alone; so may any other reader."""
    return json.dumps(value, ensure_ascii=False).translate(_SEPARATORS)


class Recorder:
    """The recording's own console: what the audience sees, drawn into the cast with colour
    and the live region whatever stdout is (a terminal, a pipe, a log file)."""

    def __init__(
        self,
        cast: Cast | Stream,
        *,
        follow_terminal: bool,
        layout: LayoutKind | None = None,
        colors: Variant | None = None,
    ) -> None:
        self.cast = cast
        self.colors = colors
        """The palette it draws with (None: the terminal's), as the narrator sets it."""
        self.follow_terminal = follow_terminal
        """Whether it takes the terminal's new size when that is resized (no --record-size)."""
        self.layout = layout
        """The layout it is drawn in, if its own (a take's: the stage, whatever the show's)."""
        self.console = Console(
            file=cast,
            width=cast.size[0],
            height=cast.size[1],
            force_terminal=True,
            force_interactive=True,
            color_system="truecolor",
            no_color=False,
            highlight=False,
            _environ={"TERM": TERM},  # not NO_COLOR, TERM=dumb or COLUMNS from the environment
        )

    def resize(self, size: tuple[int, int]) -> None:
        """The terminal is now `size`: the recording follows unless its size was given."""
        if self.follow_terminal:
            self.console.size = size
            self.cast.resize(size)


def transcript_console(path: Path, width: int) -> Console:
    """A console that records the panels for a transcript (no live region, no escape codes);
    `path` is checked before the show (formats.check_transcript)."""
    return Console(file=io.StringIO(), record=True, width=width, force_terminal=True)
