"""The presenter's keys: the terminal in cbreak mode, keys and clicker presses read at once."""

from __future__ import annotations

import os
import re
import selectors
import sys
import termios
import time
import tty
from types import TracebackType

# What presentation clickers send, and the keys a presenter reaches for (PowerPoint's).
KEYS = {
    **dict.fromkeys([" ", "\r", "\n", "\x1b[C", "\x1bOC", "\x1b[6~"], "next"),
    **dict.fromkeys(["\x1b[D", "\x1bOD", "\x1b[5~", "\x7f", "\x08"], "back"),
    **dict.fromkeys(["\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "r", "R"], "restart"),
    **{str(n): f"scene {n}" for n in range(1, 10)},
    **dict.fromkeys(["b", "B", "."], "blackout"),
    "?": "help",
    **dict.fromkeys(["q", "Q"], "quit"),
}
"""Each key's meaning: next, back (the previous panel), restart (the scene), scene N (jump),
blackout (toggle), help (the keys), quit."""
HELP = [
    ("Space, Enter, Right, Page Down", "next"),
    ("Left, Page Up, Backspace", "back to the previous panel (a scene that ran a program "
     "plays again from its start)"),
    ("Home, r", "play this scene again from its start"),
    ("1 - 9", "jump to that scene"),
    ("b, .", "black screen, and back"),
    ("?", "these keys"),
    ("q", "quit"),
]  # fmt: skip
MEANINGS = set(KEYS.values()) - {"quit"}
"""What another screen may send the show: any key's meaning but quit."""
_ESCAPE = re.compile(r"\x1b(?:\[[0-9;]*[~A-Za-z]|O[A-Za-z])?|.", re.DOTALL)


class Keys:
    """Reads single keys from the terminal; restores the terminal's settings on exit."""

    def __init__(self, also: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        self.also = also
        """Another source of keys: a pipe of meanings, a line each (what the notes screen
        sends)."""
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
        """The meaning of the first key pressed within `timeout` seconds (see KEYS), or None."""
        sources = [fd for fd in (self.fd, self.also) if fd is not None]
        if not sources:
            time.sleep(max(0.0, timeout))
            return None
        with selectors.PollSelector() as selector:  # poll(): any descriptor, and opens none
            for fd in sources:
                selector.register(fd, selectors.EVENT_READ)
            ready = [key.fd for key, _ in selector.select(timeout)]
        if self.also is not None and self.also in ready:
            sent = os.read(self.also, 1024).decode(errors="replace").split("\n")[0]
            return sent if sent in MEANINGS else None
        if self.fd is not None and self.fd in ready:
            return decode(os.read(self.fd, 32).decode(errors="replace"))
        return None


def decode(data: str) -> str | None:
    """What the bytes read at once from the terminal mean: a meaning of KEYS, or None.

    Keys pressed faster than they were read count as the first that means something,
    except q: a quit among them wins. A key that means nothing is "other" (it still brings
    back a blacked-out screen)."""
    keys = _ESCAPE.findall(data)
    meanings = [KEYS[key] for key in keys if key in KEYS]
    if "quit" in meanings:
        return "quit"
    return meanings[0] if meanings else "other" if keys else None
