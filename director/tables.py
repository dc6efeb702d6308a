"""The tables the talk ends on: the summary (a row a scene, its runs at a glance, its claims)
and the rehearsal report (each scene's time, its steps' and its claims)."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from director.claims import Tally, Verdict
from director.results import ReportRow, duration


def summary_table(
    title: str,
    rows: list[tuple[str, Tally, list[Verdict], str | None]],
    caption: str = "",
) -> Table:
    """One row a scene: its runs at a glance and whether its claims held; `caption` (the
    playlist's closing line) under it."""
    table = Table(
        title=Text(title, style="stage.summary.title"),
        caption=Text(caption, style="stage.summary.caption") if caption else None,
        expand=True,
        box=box.SIMPLE_HEAD,  # no column rules: the scene's name has their room
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        border_style="stage.summary",
    )
    table.add_column("Scene", ratio=1)
    for column in ("Stop", "Restart", "Repeated", "Lost"):  # the last before, first after
        table.add_column(column, justify="center", no_wrap=column in ("Stop", "Restart"))
    table.add_column("Claims", no_wrap=True)
    for scene, tally, verdicts, failure in rows:
        held = sum(v.held for v in verdicts)
        name = Text(scene)
        if failure or held < len(verdicts):
            claims = Text(f"✘ {held}/{len(verdicts)} held", style="stage.failed")
            name.append(f"\n{failure}" if failure else "", style="stage.failed.text")
        else:
            claims = Text(f"✔ {held}/{len(verdicts)} held", style="stage.held")
        table.add_row(
            name,
            _number(tally.last_before),
            _number(tally.first_after),
            _numbers(tally.repeated, "stage.repeated"),
            _numbers(tally.lost, "stage.lost"),
            claims,
        )
    return table


def report_table(rows: list[ReportRow]) -> Table:
    """The rehearsal report: each scene's time, its steps' and its claims under it, and
    the round's time at the end."""
    table = Table(title="[stage.report.title]Rehearsal report", border_style="stage.report")
    table.add_column("Scene, steps, claims", ratio=1, overflow="fold")
    table.add_column("Time", justify="right", no_wrap=True)
    for row in rows:
        took = duration(row.seconds) if row.seconds is not None else ""
        if row.kind in ("scene", "total"):
            if table.row_count:
                table.add_section()
            style = "stage.report.scene" if row.held else "stage.failed"
            table.add_row(Text(row.text, style=style), Text(took, style=style))
        elif row.kind == "step":
            table.add_row(_under(" ", Text(row.text)), took)
        elif row.kind == "claim":
            seen = Text.assemble(row.text, "\n", (row.seen, "stage.info"))
            mark = Text(" ✔", "stage.none") if row.held else Text(" ✘ FAILED:", "stage.failed")
            table.add_row(_under(mark, seen), "")
        else:
            failed = Text(row.text, "stage.failed.text")
            table.add_row(_under(Text(" ✘", "stage.lost"), failed), "")
    return table


def _under(mark: str | Text, body: Text) -> Table:
    """`body` under its scene after `mark` (an indent, a tick), its lines wrapped in line."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a path longer than the column is folded, not cut
    grid.add_row(mark, body)
    return grid


def _number(number: int | None) -> str:
    return "-" if number is None else str(number)


def _numbers(numbers: list[int], style: str) -> str:
    return f"[{style}]{', '.join(map(str, numbers))}[/]" if numbers else "[stage.none]none[/]"
