"""The notes screen: `--notes` follows the show's socket on a second terminal, keys sent back."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import segno
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

LAST_CLAIMS = 4
"""How many of the latest claims the notes show, on the screen and on the phone."""


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
        self.pairing = False
        """Whether the link that pairs a phone is shown, as a QR code (until any key)."""

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
        if self.pairing:
            title = "[notes.title]Pair a phone[/]"
            return Panel(self._pairing(), title=title, border_style="notes", padding=(0, 2))
        scene, step = _headings(state)
        notes = str(state.get("notes") or "(no notes for this step)")
        why = [Text(f"Plays now: {state['why']}", style="notes.why")] if state.get("why") else []
        if state.get("left_out"):
            why.append(Text(str(state["left_out"]), style="stage.info"))
        if phones := state.get("phones"):
            why.append(Text(_phones(phones), style="stage.info"))
        parts: list[RenderableType] = [
            Text(scene, style="bold"),  # a row each:
            *why,  # the presenter's move that brought it: not in turn
            Text(step),  # long names wrap at a word
            Text(""),
            Text(notes, style="notes.notes" if state.get("notes") else "stage.info"),
            Text(""),
            Text.assemble(("Next: ", "bold"), str(state.get("next") or "the end")),
            Text(""),
            self._times(),
        ]
        if claims := state.get("claims"):
            parts.append(Text(""))
            for held, claim in claims[-LAST_CLAIMS:]:
                parts.append(
                    Text(
                        f"{'✔' if held else '✘'} {claim}",
                        style="stage.none" if held else "stage.failed",
                    )
                )
        title = f"[notes.title]Speaker notes[/]  {escape(str(state.get('talk', '')))}"
        return Panel(Group(*parts), title=title, border_style="notes", padding=(1, 2))

    def _times(self) -> Text:
        first, _, second = times(self.state, self.plan, time.time()).partition("\n")
        return Text.assemble((first, "bold"), "\n", second)

    def _pairing(self) -> RenderableType:
        """The link that pairs a phone, as a QR code (and as text), or why there is none."""
        link = str(self.state.get("drive") or "")
        if not link:
            said = "The show serves no phone: start it with --serve [HOST:]PORT."
            return Text(f"{said}\nAny key goes back to the notes.", style="stage.info")
        paired = [Text(_phones(n), style="stage.held")] if (n := self.state.get("phones")) else []
        return Group(
            *paired,
            Text("Scan with the phone that drives the show (any key hides it):", style="bold"),
            qr_code(link),  # its own light border sets it apart
            Text(link, style="stage.info", overflow="fold"),
        )


def _phones(count: object) -> str:
    return f"{count} phone{'' if count == 1 else 's'} drive{'s' if count == 1 else ''} the show"


def times(state: dict[str, Any], plan: list[tuple[str, str, float]], now: float) -> str:
    """The time on this step and in the talk, against the rehearsal's if there was one."""
    scene, step = _where(state.get("scene"))[2], str(state.get("row", ""))
    on_step = now - float(state.get("step_since", now))
    in_talk = now - float(state.get("talk_since", now))
    line = f"On this step {on_step:.0f} s"
    steps = [(s, p, t) for s, p, t in plan if p]
    spots = [i for i, (s, p, _) in enumerate(steps) if (s, p) == (scene, step)]
    if not spots:
        return f"{line}\nIn the talk {clock(in_talk)}"
    planned_step = steps[spots[0]][2]
    before = sum(t for _, _, t in steps[: spots[0]])
    late = in_talk - before
    pace = "on time" if abs(late) < 1 else f"{abs(late):.0f} s {'behind' if late > 0 else 'ahead'}"
    return (
        f"{line} (rehearsed {planned_step:.0f} s)\n"
        f"In the talk {clock(in_talk)} (rehearsed {clock(before)}: {pace})"
    )


def phone_view(state: dict[str, Any], plan: list[tuple[str, str, float]], now: float) -> dict:
    """What the phone's notes show, worded as this screen words it: never the drive link."""
    if not state.get("step"):
        return {"waiting": "Waiting for the show's first step"}
    try:
        scene, step = _headings(state)
        return {
            "talk": str(state.get("talk", "")),
            "scene": scene,
            "step": step,
            "why": " ".join(str(state[k]) for k in ("why", "left_out") if state.get(k)),
            "notes": str(state.get("notes") or ""),
            "next": str(state.get("next") or "the end"),
            "times": times(state, plan, now),
            "claims": [
                [bool(held), str(claim)] for held, claim in state.get("claims", [])[-LAST_CLAIMS:]
            ],
            "at": state.get("at"),
            "blackout": bool(state.get("blackout")),
        }
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError):
        return {"waiting": "The show sent a state this page cannot show"}


def qr_code(link: str) -> Text:
    """`link` as a QR code drawn with half blocks, two rows of modules a line, dark on light
    whatever the terminal's colours (as a phone's camera reads it best). The smallest code
    that holds it (segno raises its error correction as far as that size allows): a LAN
    link fits 80x24 with its panel."""
    rows = [list(row) for row in segno.make(link, error="l").matrix_iter(border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    blocks = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}
    lines = [
        "".join(blocks[(bool(top), bool(bottom))] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]
    return Text("\n".join(lines), style="notes.qr", no_wrap=True)


def _headings(state: dict[str, Any]) -> tuple[str, str]:
    """Where the show is, as both the screen and the phone say it: its scene, its step."""
    scene_number, scenes, scene = _where(state.get("scene"))
    step_number, steps, step = _where(state.get("step"))
    return f"Scene {scene_number} of {scenes}: {scene}", f"Step {step_number} of {steps}: {step}"


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
        if key is not None and (screen.pairing or key.action is Action.PAIR):
            screen.pairing = not screen.pairing  # p shows the phone's link; any key hides it
        elif drive and key:
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
