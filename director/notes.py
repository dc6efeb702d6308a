"""The notes screen: `--notes` follows the show's socket on a second terminal, keys sent back."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from director import palette  # noqa: F401 (its styles, known to every console)
from director.errors import Quit
from director.keys import Action, Keys, Press
from director.publisher import SOCKET, planned, reachable
from director.results import clock


class NotesScreen:
    """What the presenter reads on the laptop: the step's notes, what comes next, where the
    show is (and why its scene plays now, if not in turn), the time on this step and in the
    talk against the rehearsal, the last claims."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.state: dict[str, Any] = {}
        self.connected = False
        self.full = 0
        """How many notes screens the show said it serves, when it had no room for this one."""
        self.plan = planned(state_dir)

    def __rich__(self) -> RenderableType:
        try:
            return self._drawn()
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
            # A state of another shape (another version of the show): said, not a dead screen.
            said = Text("The show sent a state this screen cannot show.", style="stage.info")
            return Panel(said, title="[notes.title]Speaker notes", border_style="notes")

    def _drawn(self) -> RenderableType:
        state = self.state
        if not self.connected:
            if self.full:
                waiting = f"The show has {self.full} notes screens already. Waiting for a place"
            elif state:
                waiting = "The show ended. Waiting for the next one"
            else:
                waiting = "Waiting for the show"
            return Panel(
                Text(f"{waiting} ({self.state_dir})...", style="stage.info"),
                title="[notes.title]Speaker notes",
                border_style="notes",
            )
        scene_number, scenes, scene = _where(state.get("scene"))
        step_number, steps, step = _where(state.get("step"))
        notes = str(state.get("notes") or "(no notes for this step)")
        why = [Text(f"Plays now: {state['why']}", style="notes.why")] if state.get("why") else []
        if state.get("left_out"):
            why.append(Text(str(state["left_out"]), style="stage.info"))
        parts: list[RenderableType] = [
            Text(f"Scene {scene_number} of {scenes}: {scene}", style="bold"),  # a row each:
            *why,  # the presenter's move that brought it: not in turn
            Text(f"Step {step_number} of {steps}: {step}"),  # long names wrap at a word
            Text(""),
            Text(notes, style="notes.notes" if state.get("notes") else "stage.info"),
            Text(""),
            Text.assemble(("Next: ", "bold"), str(state.get("next") or "the end")),
            Text(""),
            self._times(scene, str(state.get("row", ""))),
        ]
        if claims := state.get("claims"):
            parts.append(Text(""))
            for held, claim in claims[-4:]:
                parts.append(
                    Text(
                        f"{'✔' if held else '✘'} {claim}",
                        style="stage.none" if held else "stage.failed",
                    )
                )
        title = f"[notes.title]Speaker notes[/]  {escape(str(state.get('talk', '')))}"
        return Panel(Group(*parts), title=title, border_style="notes", padding=(1, 2))

    def _times(self, scene: str, step: str) -> Text:
        now = time.time()
        on_step = now - self.state.get("step_since", now)
        in_talk = now - self.state.get("talk_since", now)
        line = Text(f"On this step {on_step:.0f} s", style="bold")
        steps = [(s, p, t) for s, p, t in self.plan if p]
        spots = [i for i, (s, p, _) in enumerate(steps) if (s, p) == (scene, step)]
        if spots:
            planned_step = steps[spots[0]][2]
            before = sum(t for _, _, t in steps[: spots[0]])
            line.append(f" (rehearsed {planned_step:.0f} s)")
            late = in_talk - before
            if abs(late) < 1:
                pace = "on time"
            else:
                pace = f"{abs(late):.0f} s {'behind' if late > 0 else 'ahead'}"
            line.append(f"\nIn the talk {clock(in_talk)} (rehearsed {clock(before)}: {pace})")
        else:
            line.append(f"\nIn the talk {clock(in_talk)}")
        return line


def _where(value: object) -> tuple[object, object, str]:
    """A scene or step as the show publishes it: (number, how many, what), or blanks."""
    if isinstance(value, list | tuple) and len(value) == 3:
        return value[0], value[1], str(value[2])
    return 0, 0, ""


def follow(state_dir: Path, console: Console, *, drive: bool = False) -> None:
    """The notes screen, until q or Ctrl-C: waits for the show, follows it, outlives it.
    With `drive`, the presenter's keys here are sent to the show (q stays here)."""
    screen = NotesScreen(state_dir)
    with (
        Keys() as keys,
        Live(screen, console=console, screen=console.is_terminal, refresh_per_second=4),
    ):
        while True:
            with _connected(state_dir / SOCKET) as show:
                if show is None:
                    screen.full = 0  # no show at all now
                else:
                    screen.plan = planned(state_dir)
                    _follow(show, screen, keys, drive)
            screen.connected = False
            _key(keys, 0.5)  # the show ended or let this screen go: look again soon


def _follow(show: socket.socket, screen: NotesScreen, keys: Keys, drive: bool) -> None:
    """Take the show's states into `screen` until the show ends or lets go of this screen."""
    show.setblocking(False)  # no select(): no descriptor is too high for it
    buffer = b""
    while True:
        try:
            data = show.recv(65536)
        except BlockingIOError:
            data = None
        except OSError:  # the show was killed: as if it ended
            data = b""
        if data == b"":
            return
        if data:
            *lines, buffer = (buffer + data).split(b"\n")
            for line in lines:
                with contextlib.suppress(ValueError):
                    state = json.loads(line)
                    if isinstance(state, dict) and "full" in state:
                        screen.full = state["full"]
                    elif isinstance(state, dict):
                        screen.state, screen.connected, screen.full = state, True, 0
        key = _key(keys, 0.1)
        if drive and key:
            with contextlib.suppress(OSError):  # a show too busy to read keys misses this one
                show.sendall(key.wire.encode() + b"\n")


def _key(keys: Keys, timeout: float) -> Press | None:
    key = keys.read(timeout)
    if key is not None and key.action is Action.QUIT:
        raise Quit
    return key


@contextlib.contextmanager
def _connected(path: Path) -> Iterator[socket.socket | None]:
    """A connection to the show's socket, or None while there is no show."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with reachable(path) as name:
            sock.connect(name)
    except OSError:
        sock.close()
        yield None
        return
    try:
        yield sock
    finally:
        sock.close()
