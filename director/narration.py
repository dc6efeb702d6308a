"""Narration: everything the audience sees, said into a model of the screen that layouts
draw with Rich."""

from __future__ import annotations

import time
from dataclasses import replace
from types import TracebackType

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from director import palette
from director.claims import Tally, Verdict
from director.codepanel import Build, CodePanel
from director.fitting import MEASURE, Fitted
from director.history import History
from director.layouts import LAYOUTS, LayoutKind
from director.palette import Variant
from director.panels import help_panel, program_panel
from director.processes import ChildProcess
from director.recording import SCENE, Recorder
from director.replays import Replay
from director.results import Event, ReportRow
from director.screen import (
    LINES_KEPT,
    Following,
    Pane,
    Role,
    Screen,
    ScreenModel,
    Shown,
    browsed,
    emptied,
    kept,
    pane,
    with_pane,
)
from director.step_base import THE_PROGRAM
from director.tables import report_table, summary_table


class ShowConsole(Console):
    """A Rich console that, when its pipe closes (`| head`), goes quiet and ends the show
    through its clean-up, instead of leaving the process at once as Rich does."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


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
        recorders: tuple[Recorder, ...] = (),
        transcript: Console | None = None,
        layout: LayoutKind = LAYOUTS["scroll"],
        recording_layout: LayoutKind | None = None,
        colors: Variant = "dark",
    ) -> None:
        self.console = console
        self.notes = notes
        self.recorders = recorders
        """The recordings (--record's, the scene's take), each drawing the same screen."""
        self.transcript = transcript
        self.captions = next((r.cast.captions for r in recorders if r.cast.captions), None)
        """The recording's captions (--record's), told each new screen and each key."""
        self.model = ScreenModel(self.captions.seen if self.captions else None)
        """What stays on screen, drawn by every layout."""
        kinds = [layout] + [r.layout or recording_layout or layout for r in recorders]
        consoles = [console] + [recorder.console for recorder in recorders]
        palette.use(console, colors)
        for recorder in recorders:
            palette.use(recorder.console, recorder.colors or colors)  # each in its own
        if transcript is not None:
            palette.use(transcript, colors)
        self.layouts = [
            kind.layout(shown, self.model, clock=clock)
            for kind, shown in zip(kinds, consoles, strict=True)
        ]
        recorded = [i + 1 for i, recorder in enumerate(recorders) if recorder.layout is None]
        sized = 0 if console.is_terminal or not recorded else recorded[0]
        self.layout, self.kind = self.layouts[sized], kinds[sized]
        """The layout the programs are sized for (the terminal's, else --record's; never a
        take's, drawn at its own size), and what the table of layouts says of it."""

    def __enter__(self) -> Narrator:
        for layout in self.layouts:
            layout.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for layout in self.layouts:
            layout.stop()

    @property
    def screen(self) -> Screen:
        """What is on screen now: a snapshot (changed through the narrator only)."""
        return self.model.now

    def clear(self) -> None:
        """A clean screen (a new kiosk round)."""
        self.model.change(emptied)
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
        for recorder in self.recorders:
            recorder.resize(size)

    def say(self, renderable: RenderableType, role: Role = "line") -> None:
        """Show it where things of its role go (and record it, and keep it in the
        transcript)."""
        if role in ("line", "result") and isinstance(renderable, Text):
            renderable = Fitted(renderable)  # no token broken, a long link shortened
        if role in ("main", "summary"):
            self.model.change(main=renderable, focus=None, lines=())
        elif role in ("line", "result"):
            self.model.change(lambda s: replace(s, lines=(*s.lines, renderable)[-LINES_KEPT:]))
        for layout in self.layouts:
            layout.show(renderable, role)
        if self.transcript is not None:
            self.transcript.print(renderable)

    def talk(self, title: str) -> None:
        """The talk's title, in the stage's header."""
        self.model.change(talk=title)

    def scene(self, number: int, count: int, title: str) -> None:
        """A scene begins: its heading, its marker; the screen is the scene's alone (why it
        plays now is the notes screen's to say, not the audience's)."""
        self.marker(f"{SCENE}{title}")
        self.model.change(emptied, scene=(number, count, title))
        self.say(Text(title), "scene")

    def typing(self, typed: str | None, name: str = THE_PROGRAM) -> None:
        """A command as typed so far, in the pane of its program (`name`); None when it runs."""

        def typing(screen: Screen) -> Screen:
            if typed is not None:
                return with_pane(screen, Pane(name, typed=typed))
            panes = (p for p in screen.panes if p.child is not None or p.name != name)
            return replace(screen, panes=tuple(panes))

        self.model.change(typing, about=name)

    def replay(self, replay: Replay | None) -> None:
        """A verified take's screen, shown in place of the live scene under its banner; None
        ends it."""
        if replay is None:
            self.model.change(replay=None)
            return
        self.model.change(replay=replay, panes=(), history=None)  # the take gets the room

    def toggle(self, overlay: str) -> None:
        """The black screen or the keys' help, on or off ("blackout" or "help"). Scrolling,
        there is no screen to black out, and the help scrolls by."""
        scrolling = self.kind.scrolls
        if overlay == "blackout":
            self.model.change(lambda s: replace(s, blackout=not s.blackout and not scrolling))
        elif scrolling:
            self.say(help_panel())
        else:
            self.model.change(lambda s: replace(s, help=not s.help))

    def key(self, pressed: str) -> None:
        """A key pressed on stage (`^C`, `kill -9`): a caption of its own in the recording."""
        if self.captions is not None:
            self.captions.key(pressed)

    def marker(self, label: str) -> None:
        """A place to jump to in the recording: a scene, a claim's result."""
        for recorder in self.recorders:
            recorder.cast.marker(label)

    # --- what stays on screen ----------------------------------------------------------

    def at_step(self, place: str) -> None:
        """A new step began: the footer says where, the rehearsal clock starts again."""
        self.model.change(place=place, since=time.monotonic(), status=None)

    def status(self, text: str | None) -> None:
        """A passing state with a spinner (Rich markup), or None when it has passed."""
        self.model.change(status=text)

    def waiting_for_key(self, waiting: bool) -> None:
        """Whether the show waits for the presenter; the panel it waits on is kept for back."""
        self.model.change(kept if waiting else None, waiting=waiting)

    def browse(self, panel: Shown) -> None:
        """A panel of the scene shown again in the main region (the program's stays live)."""
        self.model.change(lambda screen: browsed(screen, panel))
        if panel.main is not None:
            for layout in self.layouts:  # scrolling, it is printed again
                layout.show(panel.main, "main")

    def program_started(
        self, child: ChildProcess, expects: int = 0, looks: tuple[str, ...] = (), *,
        name: str = THE_PROGRAM, again: bool = False,
    ) -> None:  # fmt: skip
        """The program called `name` runs in its pane, expected to print `expects` rows, its
        claims looking for `looks`; started `again`, the run before stays in sight above it."""

        def started(screen: Screen) -> Screen:
            before = pane(screen, name)
            earlier = before.child if again and before is not None else None
            return with_pane(screen, Pane(name, child, "", earlier, expects, looks))

        self.model.change(started, about=name)

    def program_ended(self, name: str = THE_PROGRAM) -> None:
        """Show the program's whole output as it ended (scrolling, it is printed); its pane
        stays, saying how it ended."""
        if (ended := pane(self.screen, name)) is not None and ended.child is not None:
            self.say(program_panel(ended.child, None), "program")

    def about(self, name: str) -> None:
        """The current step is about the program called `name`: its pane comes first."""
        self.model.change(about=name)

    @property
    def history_left_out(self) -> bool:
        """Whether the scene's live history has no pane on the screen now (the notes say so)."""
        return self.layout.left_out

    def follow(self, history: Following | None) -> None:
        """The scene's workflow history as Temporal writes it, in its live pane (None: none)."""
        self.model.change(history=history)

    # --- panels ------------------------------------------------------------------------

    def narrate(self, title: str, body: str, notes: str = "") -> None:
        """A titled panel of Markdown, as wide as its text (at most a comfortable measure)."""
        heading = Text(title, style="stage.narration.title")
        panel = Panel(
            Markdown(body, style="stage.narration.text"), title=heading,
            border_style="stage.narration", padding=(1, 2),
            width=_measure(body, title) + 6,  # the border and the padding
        )  # fmt: skip
        self.say(panel, "main")
        self.speaker_notes(notes)

    def code(
        self,
        text: str,
        name: str,
        lines: tuple[int, int] | None,
        highlight: set[int],
        title: str,
        notes: str = "",
    ) -> list[Build]:
        """A file's text highlighted (its language told by its `name`), with line numbers,
        fitted to the main region; its builds there (the highlighted lines one window
        shows at a time, the first in view now)."""
        panel = CodePanel(text, name, title, lines, frozenset(highlight))
        self.say(panel, "main")
        self.speaker_notes(notes)
        builds = panel.builds(self.console, *self.layout.main_size)
        self.build(builds[0])
        return builds

    def build(self, lines: Build) -> None:
        """The code panel's highlighted `lines` brought into view (a build, as on a slide)."""
        self.model.change(focus=lines)

    def ask(self, question: str, notes: str = "") -> None:
        text = Text(question, style="stage.question.text", justify="center")
        title = "Question for the room"
        question_panel = Panel(
            text, title=f"[stage.question.title]{title}", border_style="stage.question",
            padding=1, width=_measure(question, title) + 4,
        )  # fmt: skip
        self.say(question_panel, "main")
        self.speaker_notes(notes)

    def info(self, message: str) -> None:
        self.say(Text.from_markup(f"[stage.info]>[/] {message}"))

    def failure(self, message: str) -> None:
        said, title = Text(message, style="stage.failure.text"), "[stage.failure.title]Step failed"
        self.say(Panel(said, title=title, border_style="stage.failure"))

    def verdict(self, verdict: Verdict) -> None:
        self.marker(f"{'✔' if verdict.held else '✘ FAILED:'} {verdict.claim}")
        if verdict.held:
            said = f"[stage.held]✔ {verdict.claim}[/]  [stage.info]{verdict.seen}[/]"
            self.say(Text.from_markup(said))
        else:
            message = Text(f"✘ CLAIM FAILED: {verdict.claim}\n{verdict.seen}", style="stage.failed")
            self.say(Panel(message, border_style="stage.failed", style="stage.failed.text"))

    def summary(
        self,
        title: str,
        rows: list[tuple[str, Tally, list[Verdict], str | None]],
        caption: str = "",
    ) -> None:
        """One row a scene: its runs at a glance and whether its claims held; `caption` (the
        playlist's closing line) under it."""
        self.say(summary_table(title, rows, caption), "summary")

    def card(self, headline: str, details: list[str], style: str) -> None:
        """Between hands-free rounds, where the kiosk is (the round, its result, its length,
        the tally) and what failed, one line each, in the main region; also a marker."""
        self.marker(headline)
        failed = [Text(detail, style="stage.failed.text") for detail in details]  # under itself
        card = Group(Text(headline, style=style, justify="center"), *failed)
        panel = Panel(card, border_style=style, padding=(1, 2), expand=False)
        self.say(panel, "main")  # the stage sets it in the middle

    def report(self, rows: list[ReportRow]) -> None:
        """The rehearsal report: each scene's time, its steps' and its claims under it, and
        the round's time at the end."""
        self.say(report_table(rows), "summary")

    def history(self, title: str, events: list[Event], notes: dict[int, str]) -> None:
        """The event history, time from the workflow's start, the events that matter marked
        and always shown, as many others as the region has rows for."""
        self.say(History(title, events, notes), "main")

    def speaker_notes(self, notes: str) -> None:
        """A step's notes, on the audience's screen when it shows them (rehearsal, no notes
        screen following)."""
        if self.notes and notes:
            self.say(Text(f"Notes: {notes}", style="stage.notes"))


def _measure(text: str, title: str) -> int:
    """The columns a panel's text is set in: its longest line, or its title's, at most
    the measure."""
    return min(MEASURE, max(cell_len(line) for line in [*text.splitlines(), title + "  "]))
