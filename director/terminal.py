"""A terminal emulator (pyte) between a program's bytes and the screen: what a terminal would
show for them (colours, styles, carriage-return redraws, cursor moves, clears) as Rich text."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import deque
from functools import lru_cache

import pyte
from pyte import modes
from rich.color import ColorParseError
from rich.style import Style
from rich.text import Text

SCROLLBACK = 1000
"""The most lines of a program's output kept above its screen, as a terminal keeps them."""
PRUNE_AT = 256 * 1024
"""Output waiting for the emulator past this many characters is pruned (or fed at once)."""
FEED_SLICE = 32 * 1024
"""The most output one drawing of a running program's screen feeds to the emulator."""
FEED_TIME = 0.05
"""The longest one feeding of the emulator may take: a few bytes can make it redraw every
cell (ESC # 8 fills the screen), so its work is bounded by time as well as by characters."""
WHOLE_TIME = 1.0
"""The longest feeding before the whole screen is drawn (a program's last panel)."""
CELLS = 100_000
"""A slice fed at once is this many cells' worth of a screen at most, in characters."""


class _Stream(pyte.Stream):
    """pyte's stream, but a sequence pyte cannot take (`ESC [1;2A`: a parameter too many)
    is skipped, as a terminal skips it, instead of raising out of `feed`."""

    def _send_to_parser(self, data: str) -> bool | None:
        try:
            return super()._send_to_parser(data)
        except Exception:  # pyte has reset its parser: go on with plain text
            return self._taking_plain_text


def feed_within(stream: pyte.Stream, text: str, seconds: float = FEED_TIME) -> int:
    """Feed `text` to the emulator a slice at a time, until it is all fed or `seconds` have
    passed; how much was fed. The larger the screen, the smaller a slice: one sequence of a
    few bytes may cost a redraw of every cell."""
    screen = stream.listener
    piece = max(16, CELLS // max(1, screen.columns * screen.lines))
    deadline, fed = time.monotonic() + seconds, 0
    while fed < len(text):
        stream.feed(text[fed : fed + piece])
        fed += piece
        if time.monotonic() > deadline:
            break
    return min(fed, len(text))


class Emulator:
    """One emulated screen, fed text as it comes."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = pyte.Screen(columns, rows)
        self._stream = _Stream(self.screen)

    def feed(self, text: str, seconds: float = FEED_TIME) -> int:
        """Feed what it can of `text` within `seconds`; how much it fed."""
        return feed_within(self._stream, text, seconds)

    def resize(self, columns: int, rows: int) -> None:
        with contextlib.suppress(ValueError):
            self.screen.resize(rows, columns)

    def text(self, rows: int | None = None) -> Text:
        """The screen as Rich text, its colours and styles kept: every row, or the last
        `rows` of those written so far."""
        screen = self.screen
        return _rows_text([screen.buffer[y] for y in range(screen.lines)], screen.columns, rows)


class _Scrolled(pyte.Screen):
    """A pyte screen that keeps the rows scrolled off its top (at most SCROLLBACK), as a
    terminal does; a cleared screen is cleared with them."""

    def __init__(self, columns: int, rows: int) -> None:
        super().__init__(columns, rows)
        self.history: deque[dict[int, pyte.screens.Char]] = deque(maxlen=SCROLLBACK)

    def index(self) -> None:
        if self.cursor.y == self.lines - 1 and self.margins is None:
            self.history.append(self.buffer[0])
        super().index()

    def erase_in_display(self, how: int = 0, *args: object, **kwargs: object) -> None:
        super().erase_in_display(how, *args, **kwargs)
        if how in (2, 3):
            self.history.clear()


CONTROL = re.compile(r"[\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
ESCAPE = re.compile(r"\x1b(?!\[[0-9;:]*m|\[[0-2]?K)")
"""Where output stops being plain: plain output (text, line ends, tabs, colours, erased
lines) never moves the cursor up, sets the scrolling region or changes a mode, so each of
its line feeds at the bottom row scrolls the screen by one."""
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


class Terminal:
    """A running program's screen at its pty's size, with the rows scrolled off it: fed only
    what it printed since, and never more than can still be seen.

    The emulator (pure Python) runs at well under 1 MB/s, so output waiting for it is pruned
    soundly: where it is plain (see CONTROL and ESCAPE) and its last SCROLLBACK + rows lines
    start on a new row, whatever came before those lines has left the screen and the
    scrollback by the end, so it is replaced by its colours and enough line feeds to put the
    cursor where it would be. A long line of plain ASCII is first broken where the screen
    would wrap it, so a single 5 MB line is pruned too. Output that is not plain (cursor
    addressing) is emulated in full, a read's worth at a time. Written from the show's
    thread, drawn from the screen's: one lock."""

    def __init__(self, columns: int, rows: int) -> None:
        self.screen = _Scrolled(columns, rows)
        self._stream = _Stream(self.screen)
        self._pending = ""
        self._plain = 0
        """How much of what waits is known to be plain, its long runs broken."""
        self._lock = threading.Lock()
        self._version = 0
        self._writes = 0
        self._drawn: tuple[int, int | None, Text] | None = None

    def write(self, text: str) -> None:
        """What the program printed next."""
        with self._lock:
            self._pending += text
            self._writes += 1
            if len(self._pending) > PRUNE_AT:
                self._prune()
                if self.behind:  # not plain: emulated, a read's worth at a time
                    self._feed(len(self._pending) - PRUNE_AT // 2)

    @property
    def behind(self) -> bool:
        """Whether more waits for the emulator than it takes at once: the program then waits
        for it, as it would for a terminal that is slow to draw."""
        return len(self._pending) > PRUNE_AT

    def catch_up(self, seconds: float) -> None:
        """Feed what waits for up to `seconds`."""
        with self._lock:
            self._prune()
            self._feed(len(self._pending), seconds)

    def resize(self, columns: int, rows: int) -> None:
        with self._lock:
            self._prune()
            self._feed(len(self._pending))  # pruned and wrapped for the old size
            with contextlib.suppress(ValueError):
                self.screen.resize(rows, columns)
            self._version += 1

    def text(self, rows: int | None = None) -> Text:
        """The screen as Rich text: its last `rows` rows written so far, or all of them and
        the scrollback (everything still waiting fed first). Not to be changed: shared."""
        with self._lock:
            self._prune()
            if rows is not None and len(self._pending) > FEED_SLICE:
                if self._drawn is not None and self._drawn[:2] == (-self._writes, rows):
                    return self._drawn[2]
                if (preview := self._preview(rows)) is not None:
                    self._drawn = (-self._writes, rows, preview)
                    return preview
            if rows is None:  # the whole screen, drawn once: all that waits, within reason
                self._feed(len(self._pending), WHOLE_TIME)
            else:
                self._feed(FEED_SLICE)
            return self._rows(rows)

    def _rows(self, rows: int | None) -> Text:
        """The last `rows` rows of what is fed (all of them if None), drawn once a version."""
        if self._drawn is not None and self._drawn[:2] == (self._version, rows):
            return self._drawn[2]
        screen = self.screen
        lines = [*screen.history, *(screen.buffer[y] for y in range(screen.lines))]
        text = _rows_text(lines, screen.columns, rows)
        self._drawn = (self._version, rows, text)
        return text

    def kept(self) -> Text | None:
        """Every row written so far, the scrollback's and the screen's, where little waits
        for the emulator (a frame's worth); None where much does: the newest rows (`text`)
        are all that is quick to draw then. Not to be changed: shared."""
        with self._lock:
            self._prune()
            if len(self._pending) > FEED_SLICE:
                return None
            self._feed(FEED_SLICE)
            return self._rows(None)

    def _preview(self, rows: int) -> Text | None:
        """The last `rows` rows while much is waiting, on a screen of their own fed only the
        last lines (their colours from before them kept only from a reset on), where the
        waiting output is plain; None where it is not."""
        lines = self.screen.lines
        cut = self._cut(max(rows, lines) + lines)
        if cut is None:
            return None
        screen = _Scrolled(self.screen.columns, lines)
        pending = self._pending
        tail = _colours(pending[:cut]) + "\r" + "\n" * lines + pending[cut : self._plain]
        _Stream(screen).feed(tail)
        shown = [*screen.history, *(screen.buffer[y] for y in range(lines))]
        return _rows_text(shown, screen.columns, rows)

    def _feed(self, most: int, seconds: float = FEED_TIME) -> None:
        """Feed up to `most` characters of what waits, ending at a line end if one is there,
        for `seconds` at most."""
        if not self._pending:
            return
        if most < len(self._pending):
            most = self._pending.rfind("\n", 0, most) + 1 or most
        fed = feed_within(self._stream, self._pending[:most], seconds)
        self._pending = self._pending[fed:]
        self._plain = max(0, self._plain - fed)
        self._version += 1

    def _prune(self) -> None:
        """Replace what waits by what is left of it once its end is fed, where that is sure."""
        if (cut := self._cut(SCROLLBACK + self.screen.lines)) is not None:
            kept = _colours(self._pending[:cut]) + "\r" + "\n" * self.screen.lines
            self._pending = kept + self._pending[cut:]
            self._plain += len(kept) - cut

    def _cut(self, keep: int) -> int | None:
        """Where what waits may be cut so that its last `keep` lines are left: at the start
        of a row, on the bottom row, all plain from there on; None if nowhere is sure."""
        screen = self.screen
        if not (
            self._stream._taking_plain_text  # not inside an escape sequence
            and screen.margins is None
            and modes.DECAWM in screen.mode
            and modes.IRM not in screen.mode
        ):
            return None
        pending = self._pending
        # Only what came since the last time is looked at, from the start of its row.
        start = max(0, pending.rfind("\r", 0, self._plain))
        plain = min(
            (found.start() for found in (CONTROL.search(pending, self._plain),
             ESCAPE.search(pending, self._plain)) if found), default=len(pending),
        )  # fmt: skip
        wrapped = _wrapped(pending[start:plain], screen.columns, screen.cursor.x, start == 0)
        text = pending[:start] + wrapped + pending[plain:]
        self._pending, self._plain = text, start + len(wrapped)
        end = text.rfind("\n", 0, self._plain) + 1
        if text.count("\n", 0, end) <= keep + screen.lines:
            return None
        cut = end
        for _ in range(keep):
            cut = text.rfind("\n", 0, cut - 1) + 1
        while cut > 1 and text[cut - 2 : cut] != "\r\n":
            cut = text.rfind("\n", 0, cut - 1) + 1
        if cut < 2 or text.count("\n", 0, cut) < screen.lines:
            return None  # the cursor might not be on the bottom row there
        return cut


RUN = re.compile(r"(\n?(?:\x1b\[[0-9;:]*m)*)([\x20-\x7e]+)")


def _wrapped(text: str, columns: int, column: int, first: bool) -> str:
    """`text` with each run of plain ASCII longer than a row that starts a row (after a \\r,
    or at the start if `first`, where the cursor is at `column`) broken by \\r\\n where the
    screen would wrap it: the same rows, the same cursor."""
    rows = text.split("\r")
    for i, row in enumerate(rows):
        if len(row) <= 2 * columns or (i == 0 and not first) or not (found := RUN.match(row)):
            continue
        before, run = found[1], found[2]
        room = columns - column if i == 0 else columns
        if len(run) > room + columns:
            pieces = [run[:room], *(run[j : j + columns] for j in range(room, len(run), columns))]
            rows[i] = before + "\r\n".join(pieces) + row[found.end() :]
    return "\r".join(rows)


def _colours(text: str) -> str:
    """The colour sequences in `text` that still count at its end: from its last reset on."""
    found = SGR.findall(text)
    resets = [i for i, params in enumerate(found) if params.split(";")[0] in ("", "0")]
    return "".join(f"\x1b[{params}m" for params in found[resets[-1] if resets else 0 :])


def _rows_text(lines: list[dict[int, pyte.screens.Char]], columns: int, rows: int | None) -> Text:
    """Rows of a screen as Rich text: up to the last written one, its last `rows` if given."""
    used = len(lines)
    while used and not any(char.data.strip() for char in lines[used - 1].values()):
        used -= 1
    first = 0 if rows is None else max(0, used - rows)
    text = Text()
    for y in range(first, used):
        row = lines[y]
        run, style = "", None
        for x in range(columns):
            char = row[x]
            now = _style(char.fg, char.bg, char.bold, char.italics, char.underscore, char.reverse)
            if now is not style and run:
                text.append(run, style)
                run = ""
            run, style = run + (char.data or " "), now
        text.append(run, style)
        text.rstrip()
        if y < used - 1:
            text.append("\n")
    return text


def _colour(name: str) -> str | None:
    """A pyte colour as Rich names it: "default" is none, "brightred" bright_red, "ff8700"
    #ff8700."""
    if name == "default":
        return None
    if len(name) == 6 and all(c in "0123456789abcdef" for c in name.lower()):
        return f"#{name}"
    return name.replace("bright", "bright_") if name.startswith("bright") else name


@lru_cache(maxsize=1024)
def _style(fg: str, bg: str, bold: bool, italics: bool, underscore: bool, reverse: bool) -> Style:
    try:
        return Style(
            color=_colour(fg),
            bgcolor=_colour(bg),
            bold=bold or None,
            italic=italics or None,
            underline=underscore or None,
            reverse=reverse or None,
        )
    except ColorParseError:  # a colour Rich does not know: the plain character
        return Style()
