"""The panels both layouts draw: the keys' help, a command typed, a program's output, the footer."""

from __future__ import annotations

import time

from rich.console import RenderableType
from rich.panel import Panel
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from director import palette  # noqa: F401 (its styles, known to every console)
from director.keys import BINDINGS, hint
from director.processes import ChildProcess
from director.screen import Screen


def footer(screen: Screen, spinner: Spinner, *, clock: bool) -> RenderableType:
    """The status with a spinner; else where the show is, its clock, the keys it waits for."""
    if status := screen.status:
        spinner.update(text=Text.from_markup(status, style="stage.footer"))
        return spinner
    line = Text(screen.place, style="stage.footer")
    if clock:
        line.append(f"  {time.monotonic() - screen.since:5.1f} s", style="stage.clock")
    if screen.waiting:
        line.append_text(Text.from_markup(f"   {hint()}"))
    return line


def help_panel(*, overlay: bool = False) -> Panel:
    """The presenter's keys, as the ? key shows them (over the main region, or scrolling by)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="stage.keys.key")
    table.add_column()
    for binding in BINDINGS:
        table.add_row(binding.named, binding.help)
    closes = "any key closes this" if overlay else None
    return Panel(table, title="[stage.keys.title]Keys", subtitle=closes, border_style="stage.keys")


def typing_panel(typed: str) -> Panel:
    """A command being typed at a prompt, the cursor after it."""
    text = Text("$ ", style="stage.typing").append(typed, style="bold").append("▌", style="blink")
    return Panel(text, title="[stage.program.title]typing", border_style="stage.program")


def program_panel(child: ChildProcess, rows: int | None) -> Panel:
    """A program's output in a panel titled with its command; its last `rows` lines if given."""
    text = child.terminal.text(rows).copy()  # as a terminal shows it
    text.stylize("stage.program.output")
    if not text:
        text = Text(" ")
    if child.running:
        state = "[stage.running]running[/]"
    elif child.status == 0:
        state = "exited"
    else:
        state = f"[stage.stopped]stopped[/] (exit status {child.status})"
    title = Text(f"$ {child.label}", style="stage.program.title")
    return Panel(text, title=title, subtitle=state, border_style="stage.program")
