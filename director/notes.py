"""Speaker notes on a second terminal: the show publishes where it is on a Unix socket in its
state directory; `--notes` follows it there, and may send the presenter's keys back."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from director.errors import Quit
from director.keys import Keys
from director.results import clock

SOCKET = "show.sock"
REHEARSAL = "rehearsal.json"
"""The last rehearsal's times, in the state directory: what the notes screen plans by."""


@contextlib.contextmanager
def _reachable(path: Path) -> Iterator[str]:
    """A name for `path` short enough for a Unix socket (108 bytes at most): through its
    folder's descriptor when the path itself is too long."""
    if len(os.fsencode(path)) < 100:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)


class Publisher:
    """The show's side: a socket only its owner can use, any number of followers on it. Each
    gets the show's state as a JSON line whenever it changes (and at once when it comes); the
    keys a follower sends are read by the show as if pressed on its own terminal."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / SOCKET
        self.state: dict[str, Any] = {}
        self._followers: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a show that was killed (the state dir's lock is ours)
        mask = os.umask(0o177)  # owner-only from the start: no moment open to others
        try:
            with _reachable(self.path) as name:
                self._listener.bind(name)
        finally:
            os.umask(mask)
        self._listener.listen()
        self.keys_read, self._keys_write = os.pipe()
        """The keys followers sent, a meaning a line: for the show's Keys to read."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="notes", daemon=True)
        self._thread.start()

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @property
    def followed(self) -> bool:
        """Whether a notes screen follows the show now."""
        return bool(self._followers)

    def publish(self, **changes: Any) -> None:
        """The state changed: every follower is told."""
        with self._lock:
            self.state.update(changes)
            line = (json.dumps(self.state) + "\n").encode()
            for follower in list(self._followers):
                self._send(follower, line)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1)
        with self._lock:
            for follower in self._followers:
                follower.close()
            self._followers.clear()
        self._listener.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
        for fd in (self.keys_read, self._keys_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _serve(self) -> None:
        """Take followers as they come; pass on the keys they send."""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._listener, *self._followers], [], [], 0.1)
            except (OSError, ValueError):  # a follower closed meanwhile: look again
                continue
            for sock in ready:
                if sock is self._listener:
                    follower, _ = self._listener.accept()
                    with self._lock:
                        self._followers.append(follower)
                        self._send(follower, (json.dumps(self.state) + "\n").encode())
                    continue
                try:
                    data = sock.recv(1024)
                except OSError:
                    data = b""
                if data:
                    os.write(self._keys_write, data)
                else:
                    self._drop(sock)

    def _send(self, follower: socket.socket, line: bytes) -> None:
        try:
            follower.sendall(line)
        except OSError:  # it went away: the show goes on
            self._drop(follower)

    def _drop(self, follower: socket.socket) -> None:
        with contextlib.suppress(ValueError):
            self._followers.remove(follower)
        follower.close()


def save_rehearsal(state_dir: Path, rows: list[tuple[str, str, float]]) -> None:
    """Keep a rehearsal's times (scene, step, seconds) for the notes screen to plan by."""
    with contextlib.suppress(OSError):
        (state_dir / REHEARSAL).write_text(json.dumps(rows), encoding="utf-8")


def planned(state_dir: Path) -> list[tuple[str, str, float]]:
    """The last rehearsal's rows, or none."""
    try:
        rows = json.loads((state_dir / REHEARSAL).read_text(encoding="utf-8"))
        return [(str(scene), str(step), float(seconds)) for scene, step, seconds in rows]
    except (OSError, ValueError, TypeError):
        return []


class NotesScreen:
    """What the presenter reads on the laptop: the step's notes, what comes next, where the
    show is, the time on this step and in the talk against the rehearsal, the last claims."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.state: dict[str, Any] = {}
        self.connected = False
        self.plan = planned(state_dir)

    def __rich__(self) -> RenderableType:
        state = self.state
        if not self.connected:
            waiting = (
                "The show ended. Waiting for the next one" if state else "Waiting for the show"
            )
            return Panel(
                Text(f"{waiting} ({self.state_dir})...", style="dim"),
                title="[bold]Speaker notes",
                border_style="magenta",
            )
        scene_number, scenes, scene = state.get("scene", (0, 0, ""))
        step_number, steps, step = state.get("step", (0, 0, ""))
        where = Table.grid(expand=True)
        where.add_column()
        where.add_column(justify="right")
        where.add_row(
            Text(f"Scene {scene_number} of {scenes}: {scene}", style="bold"),
            Text(f"step {step_number}/{steps}: {step.partition('. ')[2]}"),
        )
        notes = state.get("notes") or "(no notes for this step)"
        parts: list[RenderableType] = [
            where,
            Text(""),
            Text(notes, style="bold yellow" if state.get("notes") else "dim"),
            Text(""),
            Text.assemble(("Next: ", "bold"), state.get("next") or "the end"),
            Text(""),
            self._times(scene, step),
        ]
        if claims := state.get("claims"):
            parts.append(Text(""))
            for held, claim in claims[-4:]:
                parts.append(
                    Text(f"{'✔' if held else '✘'} {claim}", style="green" if held else "bold red")
                )
        title = f"[bold]Speaker notes[/]  {escape(state.get('talk', ''))}"
        return Panel(Group(*parts), title=title, border_style="magenta", padding=(1, 2))

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
            pace = f"{abs(late):.0f} s {'behind' if late > 0 else 'ahead'}"
            line.append(f"   In the talk {clock(in_talk)} (rehearsed {clock(before)}: {pace})")
        else:
            line.append(f"   In the talk {clock(in_talk)}")
        return line


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
                screen.connected = show is not None
                if show is None:
                    _key(keys, 0.5)
                    continue
                screen.plan = planned(state_dir)
                buffer = b""
                while True:
                    ready, _, _ = select.select([show], [], [], 0)
                    if ready:
                        try:
                            data = show.recv(65536)
                        except OSError:  # the show was killed: as if it ended
                            data = b""
                        if not data:
                            break  # the show ended
                        *lines, buffer = (buffer + data).split(b"\n")
                        for line in lines:
                            with contextlib.suppress(ValueError):
                                screen.state = json.loads(line)
                    key = _key(keys, 0.1)
                    if drive and key:
                        with contextlib.suppress(OSError):
                            show.sendall(key.encode() + b"\n")
            screen.connected = False


def _key(keys: Keys, timeout: float) -> str | None:
    key = keys.read(timeout)
    if key == "quit":
        raise Quit
    return key


@contextlib.contextmanager
def _connected(path: Path) -> Iterator[socket.socket | None]:
    """A connection to the show's socket, or None while there is no show."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with _reachable(path) as name:
            sock.connect(name)
    except OSError:
        sock.close()
        yield None
        return
    try:
        yield sock
    finally:
        sock.close()
