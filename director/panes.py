"""The stage's panes: which of the scene's programs (and its live history) are drawn, in what
order, what share of the program region each gets, and the region drawn with their panels."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.layout import Layout as RichLayout
from rich.panel import Panel

from director.history import live_panel
from director.panels import program_panel, program_rows, program_width, typing_panel
from director.record import unattended
from director.regions import Regions, Want
from director.screen import Following, Pane, Screen

HISTORY_WIDTH = 32
"""The columns the live history's rows take (`14  +5.3 s WorkflowTaskScheduled`): three
panes side by side from 108 columns, a 1920x1080 video's."""

Item = Pane | Following
"""What a pane shows: a program (or its command being typed), or the live history."""


def shown(screen: Screen, about_first: bool = False) -> list[Item]:
    """What the program region would show: the programs in the order they were first
    started (`about_first`: the one the current step is about first), the live history last."""
    panes: list[Item] = list(screen.panes)
    if about_first:
        panes.sort(key=lambda pane: pane.name != screen.about)  # type: ignore[union-attr]
    return [*panes, screen.history] if screen.history is not None else panes


def want(item: Item, most: int) -> Want:
    """What a pane would fill: its rows and widest line (`most` rows where much waits to be
    drawn)."""
    if isinstance(item, Pane):
        if item.child is None:
            return 3, 0  # a command typed: one row and its border; a long one wraps
        rows = program_rows(item.child, item.expects, item.earlier, most)
        return rows, program_width(item.child)
    return 0, HISTORY_WIDTH  # it fills what the programs leave: the newest events, the marked


def arranged(
    screen: Screen, width: int, height: int, main: int, most: int
) -> tuple[Regions, list[Item]] | None:
    """The program region and the panes it shows (None: there is none), each where it was
    the frame before: side by side, or beside the main region, in the order first started.
    Stacked under the main region, the one the step is about comes first (and gets the rows
    it wants first). The live history needs a region of its own, beside the main region or
    side by side with the programs: where they would be stacked under it, it is left out.
    Where the screen cannot give each pane LEAST rows, the programs started last are."""
    items = shown(screen)
    regions = _of(items, width, height, main, most)
    crowded = regions is None or not (regions.beside or regions.across)
    if screen.history is not None and len(items) > 1 and crowded:
        items.pop()
        regions = _of(items, width, height, main, most)
    if regions is not None and not (regions.beside or regions.across) and len(items) > 1:
        items = [item for item in shown(screen, about_first=True) if item in items]
        regions = _of(items, width, height, main, most)
    while regions is None and len(items) > 1:
        items.pop()
        regions = _of(items, width, height, main, most)
    return (regions, items) if regions is not None else None


def _of(items: list[Item], width: int, height: int, main: int, most: int) -> Regions | None:
    return Regions.of(width, height, main, [want(item, most) for item in items]) if items else None


def region(regions: Regions, items: list[Item]) -> RenderableType:
    """The program region: its panes side by side or stacked, each in its share."""
    panels = [
        RichLayout(panel(item, regions.rows if regions.across else share), size=share)
        for item, share in zip(items, regions.shares, strict=True)
    ]
    drawn = RichLayout()
    if regions.across:
        drawn.split_row(*panels)
    elif regions.beside:  # as tall as they fill, set in the middle of the body's height
        space = [RichLayout(Group(), ratio=1, minimum_size=0) for _ in range(2)]  # none if full
        drawn.split_column(space[0], *panels, space[1])
    else:
        drawn.split_column(*panels)
    return drawn


def panel(item: Item, rows: int) -> RenderableType:
    """A pane's panel, `rows` tall with its border."""
    if isinstance(item, Pane):
        if item.child is None:
            return typing_panel(item.typed)
        return program_panel(item.child, rows - 2, item.looks, item.earlier)
    events = item.events
    return live_panel(events, unattended(events), item.error)


def history_left_out(screen: Screen, items: list[Item]) -> bool:
    """Whether the scene's live history has no pane on this screen."""
    return screen.history is not None and screen.history not in items


def pane_panel(pane: Pane, rows: int | None) -> Panel | None:
    """A running program's panel for the scrolling layout (`rows` of it), None otherwise."""
    if pane.child is None:
        return typing_panel(pane.typed)
    return program_panel(pane.child, rows) if pane.child.running else None
