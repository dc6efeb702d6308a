"""Narration: everything the audience sees, drawn with Rich from a model of the screen."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Protocol

from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.layout import Layout as RichLayout
from rich.live import Live
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.spinner import Spinner
from rich.styled import Styled
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from director.claims import Tally, Verdict
from director.keys import HELP
from director.processes import ChildProcess
from director.recording import Recorder
from director.results import Event, around


class ShowConsole(Console):
    """A Rich console that, when its pipe closes (`| head`), goes quiet and ends the show
    through its clean-up, instead of leaving the process at once as Rich does."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


PROGRAM_PTY_ROWS = 24
"""A program's pty is this tall; the screen shows its last lines."""


Role = Literal["main", "line", "program", "scene", "summary", "result"]
"""What a thing said is, for the layout to place it: the main panel (a narration, code, a
question, a table), a line said under it (info, a verdict), a program's final panel, a
scene's heading; a summary (a main panel) and a round's result (a line) are also kept in
sight once the show is over."""


@dataclass
class Screen:
    """What stays on screen while panels come and go: the talk and scene, the main panel and
    the lines under it, the program, the footer's parts, the overlays."""

    talk: str = ""
    scene: tuple[int, int, str] = (0, 0, "")
    """The scene playing: its number, how many there are, its title."""
    why: str = ""
    """Why this scene plays now, if the presenter chose it: "again from its start..."."""
    main: RenderableType | None = None
    """The main panel: the current narration, code, question or table."""
    lines: deque[RenderableType] = field(default_factory=lambda: deque(maxlen=12))
    """What was said under the main panel since it was shown, the newest last."""
    program: ChildProcess | None = None
    """The program running now."""
    last: ChildProcess | None = None
    """The scene's last program, once it ended."""
    place: str = ""
    """Where the show is: "Before Temporal - step 3/11 (run)"."""
    status: str | None = None
    """A passing state, with a spinner, in place of the place: "Starting Temporal..."."""
    waiting: bool = False
    """Whether the show waits for the presenter's key."""
    since: float = 0.0
    """When the current step began (time.monotonic()): the rehearsal clock counts from it."""
    blackout: bool = False
    """The screen is black (the presenter pressed b)."""
    help: bool = False
    """The keys are shown over the main region (the presenter pressed ?)."""


class Layout(Protocol):
    """How the screen is arranged: the Narrator shows everything through one."""

    console: Console

    def __init__(self, console: Console, screen: Screen, *, clock: bool = False) -> None: ...

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


def footer(screen: Screen, spinner: Spinner, *, clock: bool) -> RenderableType:
    """The status with a spinner; else where the show is, its clock, the keys it waits for."""
    if screen.status:
        spinner.update(text=Text.from_markup(screen.status, style="dim"))
        return spinner
    line = Text(screen.place, style="dim")
    if clock:
        line.append(f"  {time.monotonic() - screen.since:5.1f} s", style="magenta")
    if screen.waiting:
        line.append_text(
            Text.from_markup("   [bold]Space[/] next  [bold]?[/] keys  [bold]q[/] quit")
        )
    return line


class ScrollLayout:
    """Panels scroll by; below them one live region holds the running program and a footer."""

    def __init__(
        self, console: Console, screen: Screen, *, clock: bool = False, program_rows: int = 12
    ) -> None:
        self.console = console
        self.screen = screen
        self.clock = clock
        self.program_rows = program_rows
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            self,  # drawn through __rich__ at each refresh
            console=console,
            auto_refresh=True,
            refresh_per_second=8,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def start(self) -> None:
        if self.console.is_terminal:
            self._live.start()

    def stop(self) -> None:
        self._live.stop()
        self.console.show_cursor(True)

    def show(self, renderable: RenderableType, role: Role) -> None:
        """Printed above the live region, to scroll away; the keys' help too."""
        if role == "scene":
            why = f"  [dim]({escape(self.screen.why)})[/]" if self.screen.why else ""
            title = escape(self.screen.scene[2])
            renderable = Text.from_markup(f"\n[bold reverse] {title} [/]{why}\n")
        self.console.print(renderable)

    def clear(self) -> None:
        if self.console.is_terminal:
            self.console.clear()

    @property
    def program_size(self) -> tuple[int, int]:
        """The program's pty (rows, columns): as wide as the inside of its panel."""
        return PROGRAM_PTY_ROWS, max(20, self.console.width - 4)

    def __rich__(self) -> RenderableType:
        parts: list[RenderableType] = []
        if self.screen.program is not None:
            parts.append(program_panel(self.screen.program, self.program_rows))
        parts.append(footer(self.screen, self._spinner, clock=self.clock))
        return Group(*parts)


STAGE_MIN = (80, 24)
"""The smallest terminal (columns, rows) the stage layout is drawn in."""


@dataclass(frozen=True)
class Regions:
    """Where the stage layout puts the program: beside the main region on a wide screen,
    below it otherwise; its size with the panel's border."""

    beside: bool
    rows: int
    columns: int

    @classmethod
    def of(cls, width: int, height: int) -> Regions:
        body = height - 2  # the header and the footer
        if width >= 140:  # room for code 100 wide beside a counter
            return cls(True, body, max(30, min(60, width // 4)))
        return cls(False, max(5, min(14, body // 3)), width)


class StageLayout:
    """The whole screen, composed (the alternate screen, left as it was on every way out): a
    header, the main region (the current panel, what was said under it), the program region
    beside or below it, a footer. Each step replaces what is in its region; nothing scrolls."""

    def __init__(self, console: Console, screen: Screen, *, clock: bool = False) -> None:
        self.console = console
        self.screen = screen
        self.clock = clock
        self.kept: list[RenderableType] = []
        """The round's results: printed on the main screen when the show leaves the stage."""
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            self,
            console=console,
            screen=True,
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
        for renderable in self.kept:
            self.console.print(renderable)

    def show(self, renderable: RenderableType, role: Role) -> None:
        """The screen model has it already; summaries and results are also kept for after
        the show."""
        if role in ("summary", "result"):
            self.kept.append(renderable)

    def clear(self) -> None:
        self.kept.clear()

    @property
    def program_size(self) -> tuple[int, int]:
        """The inside of the program region's panel (rows, columns)."""
        regions = Regions.of(*self.console.size)
        return max(3, regions.rows - 2), max(20, regions.columns - 4)

    def __rich__(self) -> RenderableType:
        screen = self.screen
        if screen.blackout:
            return Text("")
        width, height = self.console.size
        root = RichLayout()
        body = RichLayout(name="body")
        root.split_column(
            RichLayout(self._header(), size=1),
            body,
            RichLayout(footer(screen, self._spinner, clock=self.clock), size=1),
        )
        program = screen.program or screen.last
        if program is None:
            body.update(self._main(width, height - 2))
            return root
        regions = Regions.of(width, height)
        panel = program_panel(program, regions.rows - 2)
        if regions.beside:
            main = RichLayout(self._main(width - regions.columns, height - 2))
            body.split_row(main, RichLayout(panel, size=regions.columns))
        else:
            main = RichLayout(self._main(width, height - 2 - regions.rows))
            body.split_column(main, RichLayout(panel, size=regions.rows))
        return root

    def _header(self) -> RenderableType:
        number, count, title = self.screen.scene
        grid = Table.grid(expand=True)
        grid.add_column()
        grid.add_column(justify="right")
        scene = Text(f"scene {number} of {count}: {title} " if number else "")
        if self.screen.why:
            scene = Text(f"({self.screen.why})  ", style="bold").append_text(scene)
        grid.add_row(Text(f" {self.screen.talk}", style="bold"), scene)
        return Styled(grid, style="reverse")

    def _main(self, width: int, height: int) -> RenderableType:
        """The main panel, and under it as many of the newest lines as fit in half of it."""
        screen = self.screen
        if screen.help:
            return Align(help_panel(overlay=True), vertical="top")
        options = self.console.options.update(width=width)
        lines: list[RenderableType] = []
        rows = 0
        for line in reversed(screen.lines):
            taken = len(self.console.render_lines(line, options, pad=False))
            if rows + taken > height // 2 and lines:
                break
            lines.insert(0, line)
            rows += taken
        main = Align(screen.main or Text(""), vertical="top")  # as tall as it is, not the region
        if not lines:
            return main
        region = RichLayout()
        region.split_column(RichLayout(main), RichLayout(Group(*lines), size=rows))
        return region


def help_panel(*, overlay: bool = False) -> Panel:
    """The presenter's keys, as the ? key shows them (over the main region, or scrolling by)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for keys, meaning in HELP:
        table.add_row(keys, meaning)
    closes = "any key closes this" if overlay else None
    return Panel(table, title="[bold]Keys", subtitle=closes, border_style="magenta")


def program_panel(child: ChildProcess, rows: int | None) -> Panel:
    """A program's output in a panel titled with its command; its last `rows` lines if given."""
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
    title = Text(f"$ {child.label}", style="bold")
    return Panel(text, title=title, subtitle=state, border_style="green")


class Narrator:
    """Says what the show says: panels into the layout (and the recording's, and the
    transcript), what stays on screen into the screen model, markers into the recording.
    It decides nothing."""

    def __init__(
        self,
        console: Console,
        *,
        notes: bool = False,
        clock: bool = False,
        recorder: Recorder | None = None,
        transcript: Console | None = None,
        layout: type[Layout] = ScrollLayout,
        recording_layout: type[Layout] | None = None,
    ) -> None:
        self.console = console
        self.notes = notes
        self.recorder = recorder
        self.transcript = transcript
        self.screen = Screen()
        self.layouts = [layout(console, self.screen, clock=clock)]
        if recorder is not None:  # the recording draws the same screen at its own size
            recording = recording_layout or layout
            self.layouts.append(recording(recorder.console, self.screen, clock=clock))
        self.layout = self.layouts[0] if console.is_terminal else self.layouts[-1]
        """The layout the programs are sized for: the terminal's, else the recording's."""

    def __enter__(self) -> Narrator:
        for layout in self.layouts:
            layout.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for layout in self.layouts:
            layout.stop()

    def clear(self) -> None:
        """A clean screen (a new kiosk round)."""
        self.screen.main, self.screen.last = None, None
        self.screen.lines.clear()
        for layout in self.layouts:
            layout.clear()

    @property
    def size(self) -> tuple[int, int]:
        """The terminal's size: (columns, rows)."""
        return self.console.width, self.console.height

    @property
    def program_size(self) -> tuple[int, int]:
        """The size a program's pty should have now: (rows, columns)."""
        return self.layout.program_size

    def resize(self, size: tuple[int, int]) -> None:
        """The terminal is now `size`: the recording follows (the layouts re-flow by themselves)."""
        if self.recorder is not None:
            self.recorder.resize(size)

    def say(self, renderable: RenderableType, role: Role = "line") -> None:
        """Show it where things of its role go (and record it, and keep it in the
        transcript)."""
        if role in ("main", "summary"):
            self.screen.main = renderable
            self.screen.lines.clear()
        elif role in ("line", "result"):
            self.screen.lines.append(renderable)
        for layout in self.layouts:
            layout.show(renderable, role)
        if self.transcript is not None:
            self.transcript.print(renderable)

    def scene(self, number: int, count: int, title: str, why: str = "") -> None:
        """A scene begins (and `why` now, if the presenter chose it): its heading, its marker;
        the screen is the scene's alone."""
        self.marker(f"Scene: {title}")
        screen = self.screen
        screen.scene, screen.why = (number, count, title), why
        screen.main, screen.last = None, None
        screen.lines.clear()
        self.say(Text(title), "scene")

    def toggle(self, overlay: str) -> None:
        """The black screen or the keys' help, on or off ("blackout" or "help")."""
        if overlay == "blackout":
            self.screen.blackout = not self.screen.blackout
        elif isinstance(self.layout, ScrollLayout):
            self.say(help_panel())  # nothing to lay it over: it scrolls by
        else:
            self.screen.help = not self.screen.help

    def marker(self, label: str) -> None:
        """A place to jump to in the recording: a scene, a claim's result."""
        if self.recorder is not None:
            self.recorder.cast.marker(label)

    # --- what stays on screen ----------------------------------------------------------

    def at_step(self, place: str) -> None:
        """A new step began: the footer says where, the rehearsal clock starts again."""
        self.screen.place = place
        self.screen.since = time.monotonic()
        self.screen.status = None

    def status(self, text: str | None) -> None:
        """A passing state with a spinner (Rich markup), or None when it has passed."""
        self.screen.status = text

    def waiting_for_key(self, waiting: bool) -> None:
        self.screen.waiting = waiting

    def program_started(self, child: ChildProcess) -> None:
        self.screen.program = child

    def program_ended(self) -> None:
        """Show the program's whole output as it ended, and take it off the screen."""
        if self.screen.program is not None:
            self.say(program_panel(self.screen.program, None), "program")
            self.screen.last, self.screen.program = self.screen.program, None

    # --- panels ------------------------------------------------------------------------

    def narrate(self, title: str, body: str, notes: str = "") -> None:
        heading = Text(title, style="bold")
        self.say(Panel(Markdown(body), title=heading, border_style="cyan", padding=(1, 2)), "main")
        self._notes(notes)

    def code(
        self,
        text: str,
        name: str,
        lines: tuple[int, int] | None,
        highlight: set[int],
        title: str,
        notes: str = "",
    ) -> None:
        """A file's text highlighted (its language told by its `name`), with line numbers."""
        syntax = Syntax(
            text,
            Syntax.guess_lexer(name),
            line_numbers=True,
            line_range=lines,
            highlight_lines=highlight,
            theme="monokai",
            word_wrap=True,
        )
        self.say(Panel(syntax, title=Text(title, style="bold"), border_style="blue"), "main")
        self._notes(notes)

    def ask(self, question: str, notes: str = "") -> None:
        text = Text(question, style="bold yellow", justify="center")
        question_panel = Panel(
            text, title="[bold]Question for the room", border_style="yellow", padding=1
        )
        self.say(question_panel, "main")
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
        table = Table(title=Text(title, style="bold"), expand=True, border_style="cyan")
        for column in ("Scene", "Last before stop", "First after restart", "Repeated", "Lost"):
            table.add_column(column, justify="left" if column == "Scene" else "center")
        table.add_column("Claims", justify="left")
        for scene, tally, verdicts, failure in rows:
            held = sum(v.held for v in verdicts)
            if failure or held < len(verdicts):
                claims = Text(f"✘ {held}/{len(verdicts)} held", style="bold red")
                claims.append(f"\n{failure}" if failure else "", style="red")
            else:
                claims = Text(f"✔ {held}/{len(verdicts)} held", style="bold green")
            table.add_row(
                Text(scene),
                _number(tally.last_before),
                _number(tally.first_after),
                _numbers(tally.repeated, "yellow"),
                _numbers(tally.lost, "red"),
                claims,
            )
        self.say(table, "summary")

    def report(self, rows: list[tuple[str, str, float]], verdicts: list[Verdict]) -> None:
        """The rehearsal report: time per scene and step, every claim passed or failed."""
        table = Table(title="[bold]Rehearsal report", border_style="magenta")
        table.add_column("Scene")
        table.add_column("Step")
        table.add_column("Seconds", justify="right")
        for scene, step, seconds in rows:
            style = "bold" if not step else ""
            what = Text(step) if step else Text("whole scene", style="bold")
            table.add_row(Text(scene), what, f"{seconds:.1f}", style=style)
        for verdict in verdicts:
            mark = "[green]✔ passed" if verdict.held else "[bold red]✘ FAILED"
            table.add_row("claim", Text(f"{verdict.claim} ({verdict.seen})"), mark)
        self.say(table, "summary")

    def history(self, title: str, events: list[Event], notes: dict[int, str]) -> None:
        """The event history, time from the workflow's start, the events that matter marked."""
        table = Table(title=Text(title, style="bold"), border_style="cyan")
        for column in ("Id", "Event", "Time", "Why it matters"):
            table.add_column(column, justify="right" if column in ("Id", "Time") else "left")
        start = events[0][2] if events else None
        shown = around(len(events), [i for i, e in enumerate(events) if e[0] in notes])
        for index, (event_id, kind, when) in enumerate(events):
            if index not in shown:
                if index - 1 in shown:
                    table.add_row("", "[dim]...[/]", "", "")
                continue
            since = f"+{(when - start).total_seconds():.3f} s" if start else ""
            note = notes.get(event_id, "")
            table.add_row(str(event_id), kind, since, note, style="bold yellow" if note else None)
        self.say(table, "main")

    def _notes(self, notes: str) -> None:
        if self.notes and notes:
            self.say(Text(f"Notes: {notes}", style="italic magenta"))


def _number(number: int | None) -> str:
    return "-" if number is None else str(number)


def _numbers(numbers: list[int], style: str) -> str:
    return f"[{style}]{', '.join(map(str, numbers))}[/]" if numbers else "[green]none[/]"
