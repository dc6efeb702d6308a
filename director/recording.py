"""Recording: an asciinema v2 cast of exactly what the audience sees, and Rich transcripts."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console

from director.errors import DemoError

TRANSCRIPTS = (".html", ".svg", ".txt")
_NEWLINE = re.compile(r"(?<!\r)\n")


class Cast(io.TextIOBase):
    """Stands between Rich and the terminal: passes every write through and records it."""

    def __init__(
        self,
        path: Path,
        terminal: TextIO,
        size: tuple[int, int],
        title: str,
        idle_limit: float | None = None,
    ) -> None:
        self.path = path
        self.failure: str | None = None
        """Why the recording stopped before the show ended (a full disk...), if it did."""
        try:
            self.file = path.open("w", encoding="utf-8")
        except OSError as error:
            raise DemoError(f"cannot write the recording {path}: {error.strerror}") from None
        self.terminal = terminal
        self.idle_limit = idle_limit
        self.size = size
        self._start = self._last = time.monotonic()
        self._skipped = 0.0
        header: dict[str, object] = {
            "version": 2,
            "width": size[0],
            "height": size[1],
            "timestamp": int(time.time()),
            "title": title,
            "env": {
                "TERM": os.environ.get("TERM", "xterm-256color"),
                "SHELL": os.environ.get("SHELL", "/bin/sh"),
            },
        }
        if idle_limit:
            header["idle_time_limit"] = idle_limit
        self._line(header)
        if self.failure:  # not even the header could be written: say so before the show
            raise DemoError(f"cannot write the recording {path}: {self.failure}")

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        self.terminal.write(text)
        if text:
            # What a terminal shows: its driver turns each newline into CR LF.
            self._event("o", _NEWLINE.sub("\r\n", text))
        return len(text)

    def marker(self, label: str) -> None:
        """A marker a viewer can jump to (asciinema's "m" event)."""
        self._event("m", label)

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            self.size = size
            self._event("r", f"{size[0]}x{size[1]}")

    def flush(self) -> None:
        self.terminal.flush()

    def isatty(self) -> bool:
        return self.terminal.isatty()

    def fileno(self) -> int:
        return self.terminal.fileno()

    def close(self) -> None:
        if not self.file.closed:
            self.file.close()
        super().close()

    def _event(self, kind: str, data: str) -> None:
        if self.file.closed:
            return
        now = time.monotonic()
        if self.idle_limit and now - self._last > self.idle_limit:
            self._skipped += now - self._last - self.idle_limit
        self._last = now
        self._line([round(now - self._start - self._skipped, 6), kind, data])

    def _line(self, value: object) -> None:
        # One event a line, flushed: a recording cut short is still valid up to there.
        try:
            self.file.write(json.dumps(value, ensure_ascii=False) + "\n")
            self.file.flush()
        except OSError as error:  # the show goes on; the recording stops, and says why later
            self.failure = error.strerror or str(error)
            with contextlib.suppress(OSError):
                self.file.close()


def transcript_console(path: Path, width: int) -> Console:
    """A console that records the panels for a transcript (no live region, no escape codes)."""
    if path.suffix not in TRANSCRIPTS:
        raise DemoError(f"--transcript {path}: use a name ending in {', '.join(TRANSCRIPTS)}")
    folder = path.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise DemoError(f"--transcript {path}: {folder} is not a folder this user can write in")
    return Console(file=io.StringIO(), record=True, width=width, force_terminal=True)


def save_transcript(console: Console, path: Path, title: str) -> None:
    """Write what `console` recorded as HTML, SVG or text, by the file name's ending."""
    try:
        if path.suffix == ".html":
            console.save_html(str(path))
        elif path.suffix == ".svg":
            console.save_svg(str(path), title=title)
        else:
            console.save_text(str(path))
    except OSError as error:
        raise DemoError(f"cannot write the transcript {path}: {error.strerror}") from None
