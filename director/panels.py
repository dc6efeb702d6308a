"""The panels both layouts draw: the keys' help, a command typed, a program's output, the footer."""

from __future__ import annotations

import signal
import time

from rich.cells import cell_len
from rich.console import RenderableType
from rich.panel import Panel
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from director import palette  # noqa: F401 (its styles, known to every console)
from director.keys import BINDINGS, hint
from director.processes import ChildProcess
from director.screen import Screen

SPINNER = "arc"
"""The footer's spinner (◜◠◝◞◡◟): Rich's "dots" are Braille, which the videos' font lacks."""


def footer(screen: Screen, spinner: Spinner, *, clock: bool) -> RenderableType:
    """The status with a spinner; else where the show is, its clock, the keys it waits for."""
    if status := screen.status:
        spinner.update(text=Text.from_markup(status, style="stage.footer"))
        return spinner
    line = Text(screen.place or " ", style="stage.footer")  # an empty one: a Layout's placeholder
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


def program_panel(
    child: ChildProcess,
    rows: int | None,
    looks: tuple[str, ...] | None = None,
    earlier: ChildProcess | None = None,
) -> Panel:
    """A program's output in a panel titled with its command: all of it, or `rows` rows of
    it. Without `looks`, its newest rows; with it, the row the claims look at stays in view
    above an elision, then the newest: the first match of `looks`, else the run's first row
    (the `1` that proves a counter started over). The `earlier` run (before a restart)
    has its last rows above this run's, dimmed, so both sides of the restart are in sight."""
    terminal = child.terminal  # read once: what it shows is taken whole
    kept = terminal.kept() if rows is not None and looks is not None else None
    if kept is None:
        text = terminal.text(rows).copy()  # as a terminal shows it
        text.stylize_before("stage.program.output")  # under its own colours
    else:
        before = _before(earlier, rows) if earlier is not None else []
        lines = list(kept.split("\n"))
        room = max(1, rows - len(before) - bool(before))  # type: ignore[operator]
        shown = [line.copy() for line in window(lines, room, _anchor(child, lines, looks))]
        for line in shown:
            line.stylize_before("stage.program.output")
        if before:
            shown = [*before, Text("── again ──", style="stage.earlier"), *shown]
        text = Text("\n").join(shown)
    if not text:
        text = Text(" ")
    title = Text(f"$ {child.label}", style="stage.program.title", overflow="ellipsis")
    return Panel(text, title=title, subtitle=_state(child), border_style="stage.program")


def _state(child: ChildProcess) -> str:
    """How a program is: running, exited 0, stopped by SIGKILL (a signal ended it), exited 2."""
    if child.running:
        return "[stage.running]running[/]"
    if child.status == 0:
        return "exited 0"
    status = child.status if child.status is not None else -1
    try:
        return f"[stage.stopped]stopped by {signal.Signals(status - 128).name}[/]"
    except ValueError:  # no signal's number: an exit status of its own
        return f"[stage.stopped]exited {status}[/]"


def program_rows(child: ChildProcess, expects: int, earlier: ChildProcess | None, most: int) -> int:
    """The rows a program's panel fills, its border and the `earlier` run's rows included:
    the rows it printed or, more, those it is expected to (a counter's `expects`, its limit,
    from its first number on: a durable one resumes); `most` where much waits to be drawn."""
    kept = child.terminal.kept()
    printed = len(kept.split("\n")) if kept is not None else most
    if expects and child.numbers:
        expects -= child.numbers[0] - 1
    return max(expects, printed) + (3 if earlier is not None else 0) + 2


def program_width(child: ChildProcess) -> int:
    """The columns of the widest row a program printed (0 where much waits to be drawn)."""
    kept = child.terminal.kept()
    if kept is None:
        return 0
    return max((cell_len(line.plain.rstrip()) for line in kept.split("\n")), default=0)


ELISION = "┆"
"""The mark where rows of a program's output are left out."""


def window(lines: list[Text], rows: int, keep: int) -> list[Text]:
    """At most `rows` of `lines`: all where they fit; else line `keep` and as many after it
    as half the room holds, an elision, and the newest lines (an elision first where lines
    come before `keep`)."""
    if len(lines) <= rows:
        return lines
    mark = Text(ELISION, style="stage.elided")
    above = [mark] if keep > 0 else []
    if len(lines) - keep <= rows - len(above):  # from `keep` to the end fits
        return [*above, *lines[len(lines) - rows + len(above) :]]
    room = rows - len(above) - 1  # the elision between the kept rows and the newest
    if room < 2:  # no room for a mark above: the kept row, an elision, the newest
        return [lines[keep], mark, lines[-1]] if rows >= 3 else [lines[keep], lines[-1]][:rows]
    head = max(1, room // 2) if keep > 0 else 1
    return [*above, *lines[keep : keep + head], mark, *lines[len(lines) - (room - head) :]]


def _anchor(child: ChildProcess, lines: list[Text], looks: tuple[str, ...]) -> int:
    """The row the claims look at: the one holding the first match of `looks`, else the
    first number a counter printed (a worker says it is ready first), else 0."""
    for pattern in looks:
        found = child.printed.found.get(pattern)
        if found:
            first = found.strip().split("\n")[0]
            for index, line in enumerate(lines):
                if first in line.plain:
                    return index
    return next((i for i, line in enumerate(lines) if line.plain.strip().isdecimal()), 0)


def _before(earlier: ChildProcess, rows: int | None) -> list[Text]:
    """The earlier run's last rows (one, two where the region is tall), dimmed."""
    text = earlier.terminal.text(2 if rows is None or rows >= 8 else 1).copy()
    text.stylize("stage.earlier")
    return list(text.split("\n")) if text else []
