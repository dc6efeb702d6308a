"""A terminal emulator (pyte) between a program's bytes and the screen: what a terminal would
show for them (colours, styles, carriage-return redraws, cursor moves, clears) as Rich text."""

from __future__ import annotations

import contextlib
from functools import lru_cache

import pyte
from rich.color import ColorParseError
from rich.style import Style
from rich.text import Text

SCROLLBACK = 1000
"""The most lines of a program's output kept on the emulated screen."""


class _Stream(pyte.Stream):
    """pyte's stream, but a sequence pyte cannot take (`ESC [1;2A`: a parameter too many)
    is skipped, as a terminal skips it, instead of raising out of `feed`."""

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            return super()._send_to_parser(data)
        except Exception:  # pyte has reset its parser: go on with plain text
            return self._taking_plain_text


class Emulator:
    """One emulated screen, fed text as it comes."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self._stream = _Stream(self.screen)

    def feed(self, text: str) -> None:
        self._stream.feed(text)

    def resize(self, columns: int, rows: int) -> None:
        with contextlib.suppress(ValueError):
            self.screen.resize(rows, columns)

    def text(self, rows: int | None = None) -> Text:
        """The screen as Rich text, its colours and styles kept: every row, or the last
        `rows` of those written so far."""
        screen = self.screen
        written = [y for y in range(screen.lines) if "".join(
            screen.buffer[y][x].data for x in range(screen.columns)).strip()]  # fmt: skip
        used = written[-1] + 1 if written else 0
        first = 0 if rows is None else max(0, used - rows)
        text = Text()
        for y in range(first, used):
            row = screen.buffer[y]
            for x in range(screen.columns):
                char = row[x]
                text.append(char.data or " ", _style(char))
            text.rstrip()
            if y < used - 1:
                text.append("\n")
        return text


@lru_cache(maxsize=16)
def terminal_text(output: str, columns: int, rows: int | None) -> Text:
    """What a terminal `columns` wide shows for a program's `output`: its last `rows` lines,
    or all. Cached: a program's panel is drawn 8 times a second, its output changes less."""
    emulator = Emulator(columns, min(SCROLLBACK, output.count("\n") + 2))
    emulator.feed(output)
    return emulator.text(rows)


def _colour(name: str) -> str | None:
    """A pyte colour as Rich names it: "default" is none, "brightred" bright_red, "ff8700"
    #ff8700."""
    if name == "default":
        return None
    if len(name) == 6 and all(c in "0123456789abcdef" for c in name.lower()):
        return f"#{name}"
    return name.replace("bright", "bright_") if name.startswith("bright") else name


def _style(char: pyte.screens.Char) -> Style:
    try:
        return Style(
            color=_colour(char.fg),
            bgcolor=_colour(char.bg),
            bold=char.bold or None,
            italic=char.italics or None,
            underline=char.underscore or None,
            reverse=char.reverse or None,
        )
    except ColorParseError:  # a colour Rich does not know: the plain character
        return Style()
