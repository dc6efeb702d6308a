"""Layouts: how the screen is arranged, one table of them (LAYOUTS): the stage (the whole
screen composed into regions) and the scroll layout (panels scroll by above a live region)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.layout import Layout as RichLayout
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner
from rich.styled import Styled
from rich.table import Table
from rich.text import Text

from director.codepanel import CodePanel
from director.fitting import Centred
from director.panels import SPINNER, footer, help_panel
from director.panes import Item, arranged, history_left_out, pane_panel, region, shown
from director.regions import LEAST, Regions
from director.screen import Pane, Role, Screen, ScreenModel

PROGRAM_PTY_ROWS = 24
"""A program's pty is this tall; the screen shows its last lines."""


class Layout(Protocol):
    """How the screen is arranged: the Narrator shows everything through one."""

    console: Console

    def __init__(self, console: Console, model: ScreenModel, *, clock: bool = False) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None:
        """Leave the terminal as it was (the cursor shown, the main screen back)."""

    def show(self, renderable: RenderableType, role: Role) -> None:
        """Something said: the layout puts it where things of its role go."""

    def clear(self) -> None:
        """A new round: a clean screen."""

    @property
    def program_size(self) -> tuple[int, int]:
        """The size (rows, columns) a program's pty should have in this layout now."""
        ...

    @property
    def main_size(self) -> tuple[int, int | None]:
        """The main region's (columns, rows) now; rows None: it scrolls, any height."""
        ...

    @property
    def left_out(self) -> bool:
        """Whether the screen, as it is now, has no room for the scene's live history."""
        ...


class LiveLayout:
    """What both layouts share: one Rich Live drawing the layout 8 times a second, started
    only on a terminal, and the terminal left with its cursor shown."""

    full_screen: ClassVar[bool] = False

    def __init__(self, console: Console, model: ScreenModel, *, clock: bool = False) -> None:
        self.console = console
        self.model = model
        self.clock = clock
        self._spinner = Spinner(SPINNER, style="stage.spinner")
        self._live = Live(
            self,  # drawn through __rich__ at each refresh
            console=console,
            screen=self.full_screen,
            transient=not self.full_screen,
            auto_refresh=True,
            refresh_per_second=8,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def start(self) -> None:
        if self.console.is_terminal:
            self._live.start()

    def stop(self) -> None:
        self._live.stop()
        self.console.show_cursor(True)

    @property
    def left_out(self) -> bool:
        """Whether the screen has no room for the scene's live history: scrolling, none has."""
        return self.model.now.history is not None


class ScrollLayout(LiveLayout):
    """Panels scroll by; below them one live region holds the running program and a footer."""

    program_rows = 12
    """The running programs' last lines shown, shared between them."""

    def show(self, renderable: RenderableType, role: Role) -> None:
        """Printed above the live region, to scroll away; the keys' help too."""
        if role == "scene":
            title = escape(self.model.now.scene[2])
            renderable = Text.from_markup(f"\n[stage.scene] {title} [/]\n")
        self.console.print(renderable)

    def clear(self) -> None:
        if self.console.is_terminal:
            self.console.clear()

    @property
    def program_size(self) -> tuple[int, int]:
        """The program's pty (rows, columns): as wide as the inside of its panel."""
        return PROGRAM_PTY_ROWS, max(20, self.console.width - 4)

    @property
    def main_size(self) -> tuple[int, int | None]:
        """As wide as the console; panels scroll by, whatever their height."""
        return self.console.width, None

    def __rich__(self) -> RenderableType:
        screen = self.model.now
        parts: list[RenderableType] = []
        if screen.replay is not None:
            parts.append(screen.replay)
        rows = self.program_rows // max(1, len(screen.panes))
        for pane in shown(screen):  # the live history has no room here: the notes say so
            if isinstance(pane, Pane) and (drawn := pane_panel(pane, rows)) is not None:
                parts.append(drawn)
        parts.append(footer(screen, self._spinner, clock=self.clock))
        return Group(*parts)


class StageLayout(LiveLayout):
    """The whole screen, composed (the alternate screen, left as it was on every way out): a
    header, the main region (the current panel, what was said under it), the program region
    beside or below it, a footer. Each step replaces what is in its region; nothing scrolls."""

    full_screen = True

    def __init__(self, console: Console, model: ScreenModel, *, clock: bool = False) -> None:
        super().__init__(console, model, clock=clock)
        self.kept: list[RenderableType] = []
        """This round's summaries and result so far."""
        self.last: list[RenderableType] = []
        """The last whole round's: printed on the main screen when the show leaves the stage
        (else what there is of this one)."""
        self._measured: tuple[tuple[object, ...], int] | None = None
        """The main panel and the lines under it last measured, at a width: their rows."""

    @property
    def left_out(self) -> bool:
        """Whether the screen, as it is now, has no room for the scene's live history."""
        screen = self.model.now
        if screen.history is None:
            return False
        arrangement = self._regions(screen, *self.console.size)
        return arrangement is None or history_left_out(screen, arrangement[1])

    def stop(self) -> None:
        super().stop()
        for renderable in self.last or self.kept:
            self.console.print(renderable)

    def show(self, renderable: RenderableType, role: Role) -> None:
        """The screen model has it already; summaries and results are also kept for after
        the show, a round's result closing its round."""
        if role in ("summary", "result"):
            self.kept.append(renderable)
        if role == "result":
            self.last, self.kept = self.kept, []

    def clear(self) -> None:
        self.kept = []

    @property
    def program_size(self) -> tuple[int, int]:
        """The program's pty (rows, columns): as tall as the inside of its region's panel,
        as wide as the whole screen's (beside, a line wider than the region sends the
        region below, where it has that width)."""
        width, height = self.console.size
        regions = Regions.of(width, height)
        return max(3, (regions.rows if regions else LEAST) - 2), max(20, width - 4)

    @property
    def main_size(self) -> tuple[int, int | None]:
        """The room (columns, rows) of a tall main panel (a code panel's), as __rich__ and
        _main give it now: the program region as it is beside such a panel."""
        screen = self.model.now
        width, height = self.console.size
        arrangement = self._regions(screen, width, height, main=height)
        height -= 2  # the header and the footer
        if arrangement is not None and arrangement[0].beside:
            width -= arrangement[0].columns
        elif arrangement is not None:
            height -= arrangement[0].rows
        return width, height - self._said(screen, width, height)[1]

    def _regions(
        self, screen: Screen, width: int, height: int, main: int | None = None
    ) -> tuple[Regions, list[Item]] | None:
        """Where the program region is on this screen and the panes it shows (None: there
        is none): sized to what the programs print, what the main panel (`main` rows, else
        as measured) leaves, and beside only where their widest lines fit."""
        if not screen.panes and screen.history is None:
            return None
        rows = self._wanted(screen, width) if main is None else main
        return arranged(screen, width, height, rows, self.console.height)

    def __rich__(self) -> RenderableType:
        screen = self.model.now  # the whole frame is drawn from this one
        if screen.blackout:
            return Text("")
        width, height = self.console.size
        if screen.replay is not None and not screen.help:  # a take, over the whole stage
            return screen.replay.on_stage(
                width, height, footer(screen, self._spinner, clock=self.clock)
            )
        root = RichLayout()
        body = RichLayout(name="body")
        root.split_column(
            RichLayout(self._header(screen), size=1),
            body,
            RichLayout(footer(screen, self._spinner, clock=self.clock), size=1),
        )
        arrangement = self._regions(screen, width, height)
        if arrangement is None:
            body.update(self._main(screen, width, height - 2))
            return root
        regions, items = arrangement
        programs = RichLayout(region(regions, items), size=regions.columns if regions.beside
                              else regions.rows)  # fmt: skip
        if regions.beside:
            body.split_row(RichLayout(self._main(screen, width - regions.columns, height - 2)),
                           programs)  # fmt: skip
        else:
            body.split_column(RichLayout(self._main(screen, width, height - 2 - regions.rows)),
                              programs)  # fmt: skip
        return root

    def _wanted(self, screen: Screen, width: int) -> int:
        """The rows the main panel and what is said under it need at `width` (measured once
        a panel)."""
        said = (screen.main, screen.lines, width)
        known = self._measured[0] if self._measured else (None, None, None)
        if self._measured is None or any(a is not b for a, b in zip(known, said, strict=True)):
            options = self.console.options.update(width=width, height=None)
            parts = [screen.main or Text(""), *screen.lines]
            rows = sum(len(self.console.render_lines(part, options, pad=False)) for part in parts)
            self._measured = (said, rows)
        return self._measured[1]

    def _header(self, screen: Screen) -> RenderableType:
        number, count, title = screen.scene
        grid = Table.grid(expand=True)
        grid.add_column()
        grid.add_column(justify="right")
        scene = Text(f"scene {number} of {count}: {title} " if number else "")
        grid.add_row(Text(f" {screen.talk}"), scene)
        # Its own colours, not reverse: a renderer draws a reversed blank of the default colours
        # as background (showreel did, word by word), one with a colour of its own as a bar.
        return Styled(grid, style="stage.header")

    def _main(self, screen: Screen, width: int, height: int) -> RenderableType:
        """The main panel, and under it as many of the newest lines as fit in half of it."""
        if screen.help:
            return Align(help_panel(overlay=True), vertical="top")
        lines, rows = self._said(screen, width, height)
        main = self._in_sight(screen.main or Text(""), screen.focus, width, height - rows)
        if not lines:
            return main
        region = RichLayout()
        region.split_column(RichLayout(main), RichLayout(Group(*lines), size=rows))
        return region

    def _said(self, screen: Screen, width: int, height: int) -> tuple[list[RenderableType], int]:
        """The newest lines said under the main panel that fit in half of its region, and
        the rows they take."""
        options = self.console.options.update(width=width)
        lines: list[RenderableType] = []
        rows = 0
        for line in reversed(screen.lines):
            taken = len(self.console.render_lines(line, options, pad=False))
            if rows + taken > height // 2 and lines:
                break
            lines.insert(0, line)
            rows += taken
        return lines, rows

    def _in_sight(
        self, main: RenderableType, focus: frozenset[int] | None, width: int, height: int
    ) -> RenderableType:
        """The main panel as tall as it is (not stretched to the region): a code panel fits
        itself to the region, keeping its `focus` (the build's highlighted lines) in view;
        any other is set in the middle of the region, knowing its height."""
        if isinstance(main, CodePanel):
            return main.keeping(focus)
        return Centred(main, height)


@dataclass(frozen=True)
class LayoutKind:
    """One way to arrange the screen, as --layout offers it: an entry of LAYOUTS."""

    name: str
    """What --layout calls it."""
    layout: type[Layout]
    """The class that draws it."""
    help: str
    """What --help says it is."""
    minimum: tuple[int, int] | None
    """The smallest terminal (columns, rows) it is drawn in; None: any console, a pipe's too
    (the layout chosen where the one asked for does not fit)."""
    scrolls: bool
    """Whether panels scroll by: then there is no screen to black out, and the keys' help
    scrolls by as a panel."""
    instead: str
    """What the show says it does when it falls back to this one: "scrolling instead"."""


LAYOUTS = {
    kind.name: kind
    for kind in (
        LayoutKind(
            "stage", StageLayout, "the whole screen composed, nothing scrolls",
            minimum=(80, 24), scrolls=False, instead="composing the stage instead",
        ),
        LayoutKind(
            "scroll", ScrollLayout, "panels scroll by",
            minimum=None, scrolls=True, instead="scrolling instead",
        ),
    )
}  # fmt: skip
"""Every layout, the default first: --layout's choices and help, the layout a console gets,
and what the narrator may do in it all come from here."""


def _anywhere() -> LayoutKind:
    """The layout drawn where the one asked for does not fit: the first that fits anywhere."""
    return next(kind for kind in LAYOUTS.values() if kind.minimum is None)


def choose(asked: str | None, console: Console) -> tuple[LayoutKind, str | None]:
    """The layout for a console: the one asked for (by default the first) where it fits,
    else the one that fits anywhere, and why not the one asked for if that was expected."""
    want = LAYOUTS[asked] if asked else next(iter(LAYOUTS.values()))
    if want.minimum is None:
        return want, None
    anywhere = _anywhere()
    if not console.is_terminal:
        why = f"--layout {want.name} needs a terminal: {anywhere.instead}"
        return anywhere, why if asked else None
    width, height = console.size
    columns, rows = want.minimum
    if width < columns or height < rows:
        why = f"The {want.name} layout needs a terminal of at least {columns}x{rows} "
        return anywhere, why + f"(this one is {width}x{height}): {anywhere.instead}."
    return want, None


def layouts_help() -> str:
    """--layout's help: what each layout is, and where it is the default."""
    default, anywhere = next(iter(LAYOUTS.values())), _anywhere()
    said = []
    for kind in LAYOUTS.values():
        when = ""
        if kind is anywhere:
            when = " (the default elsewhere)"
        elif kind is default and kind.minimum:
            when = " (the default in a terminal of at least {}x{})".format(*kind.minimum)
        said.append(f"{kind.name}: {kind.help}{when}")
    return "; ".join(said)
