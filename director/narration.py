"""Narration: everything the audience sees, drawn with Rich."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import TracebackType

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markdown import Markdown
from rich.panel import Panel
from rich.spinner import Spinner
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from director.claims import Tally, Verdict
from director.processes import ChildProcess
from director.recording import Cast

CHILD_ROWS = 12  # lines of a running program's output kept on screen


class Narrator:
    """Panels scroll by; below them a live region holds the running program and a footer."""

    def __init__(
        self,
        console: Console,
        notes: bool = False,
        cast: Cast | None = None,
        transcript: Console | None = None,
    ) -> None:
        self.console = console
        self.notes = notes
        self.cast = cast
        self.transcript = transcript
        self.child: ChildProcess | None = None
        self.footer: RenderableType = Text("")
        self._size = (console.width, console.height)
        self._live = Live(
            self,  # drawn through __rich__ below
            console=console,
            auto_refresh=True,
            refresh_per_second=8,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def __enter__(self) -> Narrator:
        if self.console.is_terminal:
            self._live.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._live.stop()
        self.console.show_cursor(True)

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = []
        if self.child is not None:
            parts.append(self._child_panel(self.child, CHILD_ROWS))
        parts.append(self.footer)
        return Group(*parts)

    @property
    def child_columns(self) -> int:
        """How wide a program's pty is: the width inside a panel."""
        return max(20, self.console.width - 4)

    def say(self, renderable: RenderableType) -> None:
        """Print above the live region (and into the transcript)."""
        self.console.print(renderable)
        if self.transcript is not None:
            self.transcript.print(renderable)

    def marker(self, label: str) -> None:
        """A place to jump to in the recording: a scene, a claim's result."""
        if self.cast is not None:
            self.cast.marker(label)

    def resized(self) -> bool:
        """Whether the terminal changed size since last asked (the recording notes it)."""
        size = (self.console.width, self.console.height)
        changed = size != self._size
        self._size = size
        if changed and self.cast is not None:
            self.cast.resize(size)
        return changed

    def narrate(self, title: str, body: str, notes: str = "") -> None:
        self.say(Panel(Markdown(body), title=f"[bold]{title}", border_style="cyan", padding=(1, 2)))
        self._notes(notes)

    def code(
        self, path: Path, lines: list[int], highlight: list[int], title: str, notes: str
    ) -> None:
        syntax = Syntax(
            path.read_text(),
            "python",
            line_numbers=True,
            line_range=(lines[0], lines[1]) if lines else None,
            highlight_lines=set(highlight),
            theme="monokai",
            word_wrap=True,
        )
        self.say(Panel(syntax, title=f"[bold]{title}", border_style="blue"))
        self._notes(notes)

    def ask(self, question: str, notes: str = "") -> None:
        text = Text(question, style="bold yellow", justify="center")
        self.say(Panel(text, title="[bold]Question for the room", border_style="yellow", padding=1))
        self._notes(notes)

    def info(self, message: str) -> None:
        self.say(Text.from_markup(f"[dim]>[/dim] {message}"))

    def failure(self, message: str) -> None:
        self.say(Panel(Text(message, style="bold"), title="[bold]Step failed", border_style="red"))

    def verdict(self, verdict: Verdict) -> None:
        self.marker(f"{'✔' if verdict.held else '✘ FAILED:'} {verdict.claim}")
        if verdict.held:
            self.say(Text.from_markup(f"[bold green]✔ {verdict.claim}[/]  [dim]{verdict.seen}[/]"))
        else:
            message = Text(f"✘ CLAIM FAILED: {verdict.claim}\n{verdict.seen}", style="bold")
            self.say(Panel(message, border_style="bold red", style="red"))

    def summary(self, title: str, rows: list[tuple[str, Tally, list[Verdict], str | None]]) -> None:
        """One row a scene: its runs at a glance and whether its claims held."""
        table = Table(title=f"[bold]{title}", expand=True, border_style="cyan")
        for column in ("Scene", "Last before stop", "First after restart", "Repeated", "Lost"):
            table.add_column(column, justify="left" if column == "Scene" else "center")
        table.add_column("Claims", justify="left")
        for scene, tally, verdicts, failure in rows:
            held = sum(v.held for v in verdicts)
            if failure or held < len(verdicts):
                claims = f"[bold red]✘ {held}/{len(verdicts)} held[/]"
                claims += f"\n[red]{failure}[/]" if failure else ""
            else:
                claims = f"[bold green]✔ {held}/{len(verdicts)} held[/]"
            table.add_row(
                scene,
                _number(tally.last_before),
                _number(tally.first_after),
                _numbers(tally.repeated, "yellow"),
                _numbers(tally.lost, "red"),
                claims,
            )
        self.say(table)

    def report(self, rows: list[tuple[str, str, float]], verdicts: list[Verdict]) -> None:
        """The rehearsal report: time per scene and step, every claim passed or failed."""
        table = Table(title="[bold]Rehearsal report", border_style="magenta")
        table.add_column("Scene")
        table.add_column("Step")
        table.add_column("Seconds", justify="right")
        for scene, step, seconds in rows:
            style = "bold" if not step else ""
            table.add_row(scene, step or "[bold]whole scene", f"{seconds:.1f}", style=style)
        for verdict in verdicts:
            mark = "[green]✔ passed" if verdict.held else "[bold red]✘ FAILED"
            table.add_row("claim", f"{verdict.claim} ({verdict.seen})", mark)
        self.say(table)

    def history(
        self, title: str, events: list[tuple[int, str, datetime]], notes: dict[int, str]
    ) -> None:
        """The event history, time from the workflow's start, the events that matter marked."""
        table = Table(title=f"[bold]{title}", border_style="cyan")
        for column in ("Id", "Event", "Time", "Why it matters"):
            table.add_column(column, justify="right" if column in ("Id", "Time") else "left")
        start = events[0][2] if events else None
        shown = _around(len(events), [i for i, e in enumerate(events) if e[0] in notes])
        for index, (event_id, kind, when) in enumerate(events):
            if index not in shown:
                if index - 1 in shown:
                    table.add_row("", "[dim]...[/]", "", "")
                continue
            since = f"+{(when - start).total_seconds():.3f} s" if start else ""
            note = notes.get(event_id, "")
            table.add_row(str(event_id), kind, since, note, style="bold yellow" if note else None)
        self.say(table)

    def set_footer(self, text: str, spinner: bool = False) -> None:
        label = Text.from_markup(text, style="dim")
        self.footer = Spinner("dots", label, style="cyan") if spinner else label

    def child_started(self, child: ChildProcess) -> None:
        self.child = child

    def child_ended(self) -> None:
        """Print the program's final panel above the live region and clear the region."""
        if self.child is not None:
            self.say(self._child_panel(self.child, None))
            self.child = None

    def _child_panel(self, child: ChildProcess, rows: int | None) -> Panel:
        lines = child.output.replace("\r", "").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        text = Text("\n".join(lines[-rows:] if rows else lines) or " ", style="bold")
        if child.running:
            state = "[green]running[/]"
        elif child.status == 0:
            state = "exited"
        else:
            state = f"[red]stopped[/] (exit status {child.status})"
        return Panel(text, title=f"[bold]$ {child.label}", subtitle=state, border_style="green")

    def _notes(self, notes: str) -> None:
        if self.notes and notes:
            self.say(Text(f"Notes: {notes}", style="italic magenta"))


def _number(number: int | None) -> str:
    return "-" if number is None else str(number)


def _numbers(numbers: list[int], style: str) -> str:
    return f"[{style}]{', '.join(map(str, numbers))}[/]" if numbers else "[green]none[/]"


def _around(count: int, marked: list[int], context: int = 2) -> set[int]:
    """Rows to show of a long table: the first and last few, and a few around each mark."""
    rows = {*range(min(count, 4)), count - 1}
    if marked:
        rows |= set(range(max(0, marked[0] - context), min(count, marked[-1] + context + 1)))
    else:
        rows |= set(range(count))
    return rows
