"""The event history drawn to fit the region it is given: the table after the fact and the
live pane, the events that matter always shown, the others elided as counted gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console, ConsoleOptions, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from director.record import Recorded, since
from director.results import Event, around


class History:
    """The event-history table drawn to fit the rows it is given: the marked events (those
    with notes) always, then as many of the others around them and at the ends as fit, each
    gap one dim row saying how many events it stands for."""

    FALLBACKS = ((2, 4), (1, 2), (1, 1), (0, 1), (0, 0))
    """(context, ends) of `around`, tried in turn until the table fits."""

    def __init__(self, title: str, events: list[Event], notes: dict[int, str]) -> None:
        self.title, self.events, self.notes = title, events, notes

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        height = options.height or options.max_height
        marked = [i for i, event in enumerate(self.events) if event[0] in self.notes]
        tries = [set(range(len(self.events)))]
        tries += [around(len(self.events), marked, c, e) for c, e in self.FALLBACKS]
        for shown in tries:
            table = self.table(shown)
            if len(console.render_lines(table, options.update(height=None))) <= height:
                break
        yield table

    def table(self, shown: set[int]) -> Table:
        """The table of the events at `shown` (indices), the others elided."""
        table = Table(
            title=Text(self.title, style="stage.history.title"), border_style="stage.history"
        )
        for column in ("Id", "Event", "Time"):
            table.add_column(column, justify="left" if column == "Event" else "right", no_wrap=True)
        table.add_column("Why it matters", justify="left", overflow="fold")
        start = self.events[0][2] if self.events else None
        hidden = 0
        for index, (event_id, kind, when) in enumerate(self.events):
            if index not in shown:
                hidden += 1
                continue
            if hidden:
                table.add_row(
                    "", Text(f"... {_events(hidden)} ...", style="stage.history.elided"), "", ""
                )
                hidden = 0
            since = f"+{(when - start).total_seconds():.3f} s" if start else ""
            note = self.notes.get(event_id, "")
            table.add_row(
                str(event_id), kind, since, note, style="stage.history.key" if note else None
            )
        if hidden:
            table.add_row(
                "", Text(f"... {_events(hidden)} ...", style="stage.history.elided"), "", ""
            )
        return table


def _events(count: int) -> str:
    return f"{count} event{'s' if count != 1 else ''}"


LIVE_TITLE = "Event history (live)"
MARK, SHORT_MARK = " ◆ nobody ran", " ◆"
"""What an event that happened while no worker ran is marked with (the short one where the
row has no room for the words)."""
LEGEND = "◆ while no worker ran"
"""Under the live pane once an event is marked: what its mark means."""


class LivePane:
    """The workflow's history as Temporal writes it, one row an event (id, time from the
    start, type), newest at the bottom: the events that happened while no worker ran marked
    and always in view, the oldest others elided as one dim row when they do not fit; why
    it cannot follow now, if it cannot, as a dim last line."""

    def __init__(
        self, events: Sequence[Recorded], unattended: set[int], error: str | None = None
    ) -> None:
        self.events, self.unattended, self.error = events, unattended, error

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width, height = options.max_width, options.height or options.max_height
        rows = self.rows(width, height)
        for row in rows:
            row.truncate(width, overflow="ellipsis", pad=True)
            yield from row.render(console)
            yield Segment.line()

    def rows(self, width: int, height: int) -> list[Text]:
        """The pane's rows at this size: at most `height`, each at most `width` wide."""
        room = max(0, height - (1 if self.error else 0))
        shown = self.shown(room)
        start = self.events[0].time if self.events else None
        digits = len(str(self.events[-1].id)) if self.events else 1
        lines, hidden = [], 0
        for index, event in enumerate(self.events):
            if index not in shown:
                hidden += 1
                continue
            if hidden:
                lines.append(_elided(hidden, earlier=len(lines) == 0))
                hidden = 0
            lines.append(self.row(event, start, digits, width))
        if not self.events and room:
            lines.append(Text("no events yet", style="stage.history.elided"))
        if self.error and height:
            lines.append(Text(self.error, style="stage.history.elided"))
        return lines

    def shown(self, room: int) -> set[int]:
        """The events (indices) that fit in `room` rows with a row for each gap: the marked
        ones first (the newest where not all fit), then as many of the newest as fit."""
        count = len(self.events)
        if count <= room:
            return set(range(count))
        marked = [i for i, e in enumerate(self.events) if e.id in self.unattended]
        for keep in range(len(marked), -1, -1):
            kept = set(marked[len(marked) - keep :])
            for newest in range(room, -1, -1):
                shown = kept | set(range(count - newest, count))
                if len(shown) + _gaps(shown, count) <= room:
                    return shown
        return set()

    def row(self, event: Recorded, start: datetime | None, digits: int, width: int) -> Text:
        """One event's row: id, time, type, and the mark where no worker ran."""
        row = Text(f"{event.id:>{digits}} {since(event, start):>7} ", style="stage.history")
        row.append(event.type.replace("WorkflowExecution", "Workflow"))  # the pane is narrow
        if event.id in self.unattended:
            mark = MARK if len(row) + len(MARK) <= width else SHORT_MARK
            row.truncate(max(0, width - len(mark)), overflow="ellipsis")
            row.append(mark)
            row.stylize("stage.history.key")
        return row


def live_panel(events: Sequence[Recorded], unattended: set[int], error: str | None = None) -> Panel:
    """The live pane in its panel, as the stage draws it; once an event is marked, what the
    mark means under it (a narrow pane's rows have room for the mark alone)."""
    legend = Text(LEGEND, style="stage.history.key") if unattended else None
    return Panel(
        LivePane(events, unattended, error),
        title=Text(LIVE_TITLE, style="stage.history.title"),
        subtitle=legend,
        border_style="stage.history",
    )


def _gaps(shown: set[int], count: int) -> int:
    """How many runs of hidden rows there are among `count` rows, `shown` the others."""
    return sum(1 for i in range(count) if i not in shown and (i == 0 or i - 1 in shown))


def _elided(count: int, earlier: bool) -> Text:
    said = f"{count} earlier event{'s' if count != 1 else ''}" if earlier else _events(count)
    return Text(f"… {said} …", style="stage.history.elided")
