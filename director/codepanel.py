"""The code panel: a file highlighted and fitted to its region, whole or a window on a build."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

from director import palette
from director.palette import CODE_THEMES

CONTINUED = "↪ "
"""At the start of a long line's continuation rows, under the line's own indentation."""
POINTER = "❱ "
"""In the gutter of a highlighted line (as Rich's Syntax marks it)."""

Build = frozenset[int]
"""The highlighted lines shown together: the presenter's next key brings in the next build."""


@dataclass(frozen=True)
class CodePanel:
    """A file's text highlighted (its language told by its `name`), numbered and titled, as
    tall as its region allows: the whole file when it fits, else a window of its lines that
    keeps `focus` (a build's lines) in view under the title, the lines left out counted."""

    text: str
    name: str
    title: str
    lines: tuple[int, int] | None = None
    """The first and last line shown (None: all)."""
    highlight: frozenset[int] = frozenset()
    focus: Build | None = None
    """The lines to keep in view; None: the first build's."""
    _highlighted: dict[str, list[Text]] = field(default_factory=dict, compare=False, repr=False)
    """The lines shown, highlighted in each code theme drawn so far."""
    _drawn: dict[tuple[str, int, int | None, Build | None], list[list[Segment]]] = field(
        default_factory=dict, compare=False, repr=False
    )  # shared with the panel's copies that keep another focus

    @property
    def first(self) -> int:
        """The number of the first line shown."""
        return self.lines[0] if self.lines else 1

    @functools.cached_property
    def numbers(self) -> range:
        """The numbers of the lines shown (counted once: the window's search asks often)."""
        count = self.text.removesuffix("\n").count("\n") + 1
        first, last = self.lines or (1, count)
        return range(first, min(last, count) + 1)

    def _lines(self, theme: str) -> list[Text]:
        """The lines shown, highlighted in `theme` (each layout draws in its own)."""
        if (lines := self._highlighted.get(theme)) is None:
            source = self.text.expandtabs(4).removesuffix("\n")
            syntax = Syntax(source, Syntax.guess_lexer(self.name), theme=theme)
            count = source.count("\n") + 1  # the lexer ends the text with a new line
            rows = syntax.highlight(source).split("\n", allow_blank=True)[:count]
            lines = self._highlighted[theme] = rows[self.numbers[0] - 1 : self.numbers[-1]]
        return lines

    def keeping(self, focus: Build | None) -> CodePanel:
        """The same panel, keeping `focus` in view (the build the presenter is on)."""
        return self if focus is None or focus == self.focus else replace(self, focus=focus)

    def builds(self, console: Console, width: int, height: int | None) -> list[Build]:
        """The highlighted lines in groups, each as many as one window of a region this
        size shows with its title: one build when they all fit (or there are none)."""
        shown = sorted(n for n in self.highlight if n in self.numbers)
        rows = {n: len(self._wrap(console, n, width)) for n in self.numbers}
        room = None if height is None else height - 2
        if room is None or sum(rows.values()) <= room or not shown:
            return [frozenset(shown)]
        groups: list[list[int]] = [[shown[0]]]
        for number in shown[1:]:
            if self._cost(rows, groups[-1][0], number) <= room:
                groups[-1].append(number)
            else:
                groups.append([number])
        return [frozenset(group) for group in groups]

    # --- drawing -----------------------------------------------------------------------

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Drawn once for each size and focus (the stage redraws it 8 times a second)."""
        key = (_theme(console), options.max_width, options.height, self.focus)
        if (drawn := self._drawn.get(key)) is None:  # each layout draws in its own thread
            if len(self._drawn) > 16:
                self._drawn.clear()
            drawn = self._drawn[key] = self._draw(console, options)
        for line in drawn:
            yield from line
            yield Segment.line()

    def _draw(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        """The panel's rows: the window's lines, a mark for those left out either side."""
        width, height = options.max_width, options.height
        wrapped = {n: self._wrap(console, n, width) for n in self.numbers}
        rows_of = {n: len(rows) for n, rows in wrapped.items()}
        top, bottom = self.numbers[0], self.numbers[-1]
        if height is not None and sum(rows_of.values()) > height - 2:
            top, bottom = self._window(rows_of, height - 2)
        body: list[Text] = []
        gutter = self._gutter_width
        if top > self.numbers[0]:
            body.append(self._elided(console, top - self.numbers[0], "above", gutter))
        for number in range(top, bottom + 1):
            body.extend(wrapped[number])
        if bottom < self.numbers[-1]:
            body.append(self._elided(console, self.numbers[-1] - bottom, "below", gutter))
        inner = max(1, width - 4)
        lines = [
            Segment.adjust_line_length(list(row.render(console)), inner, style=_background(console))
            for row in body
        ]
        title = Text(self.title, style="stage.code.title")
        panel = Panel(_Rows(lines), title=title, border_style="stage.code")
        return console.render_lines(panel, options.update(height=None), new_lines=False)

    @property
    def _gutter_width(self) -> int:
        """The pointer, the widest number, a space."""
        return len(POINTER) + len(str(self.numbers[-1])) + 1

    def _wrap(self, console: Console, number: int, width: int) -> list[Text]:
        """Line `number` as rows of the panel `width` wide: its gutter, then the line, a line
        too long wrapped at its words under its own indentation, each row after the first
        marked as continued."""
        background = _background(console)
        line = self._lines(_theme(console))[number - self.first].copy()
        line.no_wrap, line.end = True, ""
        gutter = self._gutter_width
        room = max(1, width - 4 - gutter)
        lit = number in self.highlight
        digits = str(number).rjust(gutter - len(POINTER) - 1) + " "
        number_style = background + Style(bold=True) if lit else background + Style(dim=True)
        head = Text.assemble(
            (POINTER if lit else "  ", background + console.get_style("stage.code.pointer")),
            (digits, number_style),
        )
        if line.cell_len <= room:
            return [head + line]
        indent = len(line.plain) - len(line.plain.lstrip(" "))
        indent = min(indent, room // 2)
        narrower = max(1, room - indent - len(CONTINUED))
        pieces = line[indent:].wrap(console, narrower, overflow="fold")
        pad = Text(" " * gutter, style=background)
        mark = Text(" " * indent, style=background) + Text(CONTINUED, background + Style(dim=True))
        rows = [head + line[:indent] + pieces[0]]
        rows += [pad + mark + piece for piece in pieces[1:]]
        for row in rows:
            row.rstrip()
        return rows

    def _cost(self, rows: dict[int, int], top: int, bottom: int) -> int:
        """The rows lines `top` to `bottom` take, with a mark for the lines left out on
        either side."""
        marks = (top > self.numbers[0]) + (bottom < self.numbers[-1])
        return sum(rows[n] for n in range(top, bottom + 1)) + marks

    def _window(self, rows: dict[int, int], room: int) -> tuple[int, int]:
        """The first and last line of the window that keeps the focus in view, with as much
        around it as fits: twice as much after it as before."""
        focus = self.focus if self.focus is not None else self._first_build
        kept = sorted(n for n in focus if n in rows) or [self.numbers[0]]
        first, last = self.numbers[0], self.numbers[-1]
        top = bottom = kept[0]
        for number in kept[1:]:  # as many of the focus as fit, from its first
            if self._cost(rows, top, number) <= room:
                bottom = number
        lit_top, lit_bottom = top, bottom
        while True:
            below = bottom < last and self._cost(rows, top, bottom + 1) <= room
            above = top > first and self._cost(rows, top - 1, bottom) <= room
            if not (below or above):
                return top, bottom
            if below and (not above or bottom - lit_bottom < 2 * (lit_top - top + 1)):
                bottom += 1
            else:
                top -= 1

    @property
    def _first_build(self) -> Build:
        return frozenset(sorted(n for n in self.highlight if n in self.numbers)[:1])

    def _elided(self, console: Console, count: int, where: str, gutter: int) -> Text:
        """The mark for `count` lines left out `above` or `below` the window."""
        background = _background(console)
        said = f"{'┆'.rjust(gutter - 1)} {count} line{'s' if count > 1 else ''} {where}"
        return Text(said, style=background + Style(dim=True, italic=True))


def _theme(console: Console) -> str:
    """The code theme of the palette `console` draws with."""
    return CODE_THEMES[palette.of(console)]


@functools.cache
def _theme_background(theme: str) -> Style:
    return Syntax.get_theme(theme).get_background_style()


def _background(console: Console) -> Style:
    """The code theme's background, which every row of the panel is padded with."""
    return _theme_background(_theme(console))


class _Rows:
    """Rows already laid out, one list of segments each."""

    def __init__(self, rows: list[list[Segment]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for row in self.rows:
            yield from row
            yield Segment.line()
