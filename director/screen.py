"""The screen model: what stays on screen, one immutable snapshot replaced whole under a
lock, so that the show's thread changes it while the refresh thread draws it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from rich.console import RenderableType

from director.processes import ChildProcess
from director.replays import Replay

Role = Literal["main", "line", "program", "scene", "summary", "result"]
"""What a thing said is, for the layout to place it: the main panel (a narration, code, a
question, a table), a line said under it (info, a verdict), a program's final panel, a
scene's heading; a summary (a main panel) and a round's result (a line) are also kept in
sight once the show is over."""


LINES_KEPT = 12
"""The most lines said under the main panel that the screen keeps."""


@dataclass(frozen=True)
class Shown:
    """A panel as the presenter saw it: the main region's part of a Screen."""

    main: RenderableType | None = None
    focus: frozenset[int] | None = None
    lines: tuple[RenderableType, ...] = ()

    @classmethod
    def of(cls, screen: Screen) -> Shown:
        return cls(screen.main, screen.focus, screen.lines)


@dataclass(frozen=True)
class Pane:
    """A program's pane: its process (running or ended) or the command being typed for it,
    the run before it was started again, what its region is sized for and looks at."""

    name: str
    child: ChildProcess | None = None
    """Its process; None while its command is being typed."""
    typed: str = ""
    """The command typed so far, before it runs."""
    earlier: ChildProcess | None = None
    """The run before the program was started again: its last rows stay above the new run's."""
    expects: int = 0
    """How many rows it is expected to print (a counter's limit; 0: not known): its region is
    sized for them, or for what it printed if that is more."""
    looks: tuple[str, ...] = ()
    """What the claims look for in its output: the row of the first match stays in view."""


class Following(Protocol):
    """A workflow's history followed as Temporal writes it (following.Follower)."""

    @property
    def events(self) -> tuple[Any, ...]: ...

    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True)
class Screen:
    """What stays on screen while panels come and go: the talk and scene, the main panel and
    the lines under it, the program, the footer's parts, the overlays. A snapshot: never
    changed, replaced whole (ScreenModel), so a frame is drawn from one of them."""

    talk: str = ""
    scene: tuple[int, int, str] = (0, 0, "")
    """The scene playing: its number, how many there are, its title."""
    main: RenderableType | None = None
    """The main panel: the current narration, code, question or table."""
    replay: Replay | None = None
    """A verified take being shown in place of the scene: over the whole stage."""
    focus: frozenset[int] | None = None
    """The lines of a code panel to keep in view when it is taller than its region: the
    highlighted lines of the build the presenter is on."""
    lines: tuple[RenderableType, ...] = ()
    """What was said under the main panel since it was shown (LINES_KEPT), the newest last."""
    panes: tuple[Pane, ...] = ()
    """The scene's programs, each in its pane (running, ended, or its command being typed),
    in the order they were first started."""
    about: str = ""
    """The program the current step is about: its pane is drawn first."""
    history: Following | None = None
    """The scene's workflow history as Temporal writes it, for its live pane (if asked for)."""
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
    shown: tuple[Shown, ...] = ()
    """The scene's panels so far, each as the show last waited on it: what back goes through."""


class ScreenModel:
    """The screen the layouts draw: one Screen, replaced whole under a lock by the show's
    thread, taken whole by the refresh thread (one snapshot a frame): what a frame draws
    never changes while it is drawn."""

    def __init__(self, watch: Callable[[Screen], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._screen = Screen()
        self._watch = watch
        """Told each new screen, in order, under the lock (the recording's captions)."""

    @property
    def now(self) -> Screen:
        """The screen as it is now: a snapshot, to draw a whole frame from."""
        with self._lock:
            return self._screen

    def change(self, how: Callable[[Screen], Screen] | None = None, **fields: Any) -> None:
        """Replace the screen by the one `how` makes of it (a change that reads what it
        changes), with these `fields` then, all under the lock."""
        with self._lock:
            screen = self._screen if how is None else how(self._screen)
            self._screen = replace(screen, **fields)
            if self._watch is not None:
                self._watch(self._screen)


def emptied(screen: Screen) -> Screen:
    """Nothing of the scene before stays: its panel, its lines, its programs, its panels."""
    return replace(screen, main=None, panes=(), about="", history=None, lines=(), shown=())


def with_pane(screen: Screen, pane: Pane) -> Screen:
    """The screen with `pane` in place of its program's pane (or a new one, after the rest)."""
    panes = [kept for kept in screen.panes if kept.name != pane.name]
    at = next((i for i, kept in enumerate(screen.panes) if kept.name == pane.name), len(panes))
    return replace(screen, panes=(*panes[:at], pane, *panes[at:]))


def pane(screen: Screen, name: str) -> Pane | None:
    """The pane of the program called `name`, if it has one."""
    return next((kept for kept in screen.panes if kept.name == name), None)


def kept(screen: Screen) -> Screen:
    """The panel on screen joins the scene's panels (a panel already kept, with more said
    under it since, is kept as it is now)."""
    if screen.main is None:
        return screen
    shown = screen.shown
    if shown and shown[-1].main is screen.main and shown[-1].focus == screen.focus:
        shown = shown[:-1]
    return replace(screen, shown=(*shown, Shown.of(screen)))


def browsed(screen: Screen, panel: Shown) -> Screen:
    """The screen with `panel` in its main region (the program region stays live)."""
    return replace(screen, main=panel.main, focus=panel.focus, lines=panel.lines)
