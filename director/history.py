"""The event-history table, drawn to fit the region it is given: the events that matter
always shown, the others elided as counted gaps."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

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
