"""The presenter's keys: the terminal in cbreak mode, keys and clicker presses read at once."""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from types import TracebackType

# What presentation clickers send, and the keys a presenter reaches for.
NEXT = {" ": "next", "\r": "next", "\n": "next", "\x1b[C": "next", "\x1b[6~": "next"}
QUIT = {"q": "quit", "Q": "quit"}


class Keys:
    """Reads single keys from the terminal; restores the terminal's settings on exit."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        self._saved: list | None = None

    def __enter__(self) -> Keys:
        if self.fd is not None:
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)  # keys arrive at once, unechoed; Ctrl-C still works
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.restore()

    def restore(self) -> None:
        if self.fd is not None and self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout: float) -> str | None:
        """'next', 'quit' or None: the first key pressed within `timeout` seconds."""
        if self.fd is None:
            if timeout > 0:
                select.select([], [], [], timeout)
            return None
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        return decode(os.read(self.fd, 32).decode(errors="replace"))


def decode(data: str) -> str | None:
    """What the bytes read at once from the terminal mean: 'next', 'quit' or None."""
    if data in NEXT or data in QUIT:
        return NEXT.get(data) or QUIT.get(data)
    if any(key in data for key in QUIT):  # keys pressed faster than they were read
        return "quit"
    return "next" if data and all(key in NEXT for key in data) else None
