"""Speaker notes on a second terminal: the show publishes where it is on a Unix socket in its
state directory; `--notes` follows it there, and may send the presenter's keys back."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from director.errors import Quit
from director.files import Unreadable, read_text, write_whole
from director.keys import Action, Keys, Press
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


CAP = 64
"""Followers at once, at most: one more is let in and closed at once."""
BEHIND = 5.0
"""Seconds a follower may go without taking what it was sent before it is dropped (it
reconnects once it reads again)."""


class Outbox:
    """What one follower has yet to get: the rest of a line it has begun to get (a line is
    never torn), then the latest state (a newer one replaces one not yet begun)."""

    def __init__(self) -> None:
        self.sending = b""
        self.latest = b""
        self.behind_since: float | None = None
        """Since when (monotonic) it has had something unsent; None while it is up to date."""

    def offer(self, line: bytes, now: float) -> None:
        self.latest = line
        if self.behind_since is None:
            self.behind_since = now

    def flush(self, send: Callable[[bytes], int]) -> None:
        """Send what the follower takes now (`send` is a non-blocking socket's); OSError if
        it went away."""
        while True:
            if not self.sending:
                self.sending, self.latest = self.latest, b""
            if not self.sending:
                self.behind_since = None
                return
            try:
                sent = send(self.sending)
            except BlockingIOError:
                return
            if not sent:
                return
            self.sending = self.sending[sent:]

    @property
    def pending(self) -> bool:
        return bool(self.sending or self.latest)

    def behind(self, now: float, limit: float) -> bool:
        """Whether it has had something unsent for longer than `limit` seconds."""
        return self.behind_since is not None and now - self.behind_since > limit


class Publisher:
    """The show's side: a socket only its owner can use, up to `cap` followers on it. Each
    gets the show's state as a JSON line whenever it changes (and at once when it comes); the
    keys a follower sends are read by the show as if pressed on its own terminal.

    Only the socket thread touches a follower: the show's thread sets the state and wakes it,
    so a follower that stops reading can never slow the show; one that stays `behind` seconds
    behind is dropped."""

    def __init__(self, state_dir: Path, *, cap: int = CAP, behind: float = BEHIND) -> None:
        self.path = state_dir / SOCKET
        self.state: dict[str, Any] = {}
        self.cap, self.behind = cap, behind
        self._line = b"{}\n"
        self._lock = threading.Lock()
        self._followers: dict[socket.socket, Outbox] = {}
        """The socket thread's alone."""
        self._count = 0
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
        self._listener.setblocking(False)
        self._listening_again: float | None = None
        self._woken, self._waker = socket.socketpair()
        self._woken.setblocking(False)
        self._waker.setblocking(False)
        self.keys_read, self._keys_write = os.pipe()
        """The keys followers sent, a meaning a line: for the show's Keys to read."""
        os.set_blocking(self._keys_write, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._selector.register(self._woken, selectors.EVENT_READ)
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
        return self._count > 0

    def publish(self, **changes: Any) -> None:
        """The state changed: the socket thread tells every follower."""
        with self._lock:
            self.state.update(changes)
            self._line = (json.dumps(self.state) + "\n").encode()
        self._wake()

    def close(self) -> None:
        self._stop.set()
        self._wake()
        self._thread.join(timeout=1)
        for follower in list(self._followers):
            follower.close()
        self._followers.clear()
        self._count = 0
        self._selector.close()
        for sock in (self._listener, self._woken, self._waker):
            sock.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
        for fd in (self.keys_read, self._keys_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full: it is woken already
            self._waker.send(b"\0")

    def _serve(self) -> None:
        """Take followers as they come, send each what it takes, pass on the keys they send."""
        while not self._stop.is_set():
            pending = any(outbox.pending for outbox in self._followers.values())
            waiting = pending or self._listening_again is not None  # a time to look again
            for key, events in self._selector.select(0.25 if waiting else None):
                if key.fileobj is self._listener:
                    self._accept()
                elif key.fileobj is self._woken:
                    self._changed()
                elif key.fileobj in self._followers:
                    follower = key.fileobj
                    assert isinstance(follower, socket.socket)
                    if events & selectors.EVENT_READ:
                        self._receive(follower)
                    if events & selectors.EVENT_WRITE and follower in self._followers:
                        self._flush(follower)
            now = time.monotonic()
            for follower, outbox in list(self._followers.items()):
                if outbox.behind(now, self.behind):
                    self._drop(follower)
            if self._listening_again is not None and now >= self._listening_again:
                self._selector.register(self._listener, selectors.EVENT_READ)
                self._listening_again = None

    def _changed(self) -> None:
        with contextlib.suppress(OSError):
            self._woken.recv(4096)
        with self._lock:
            line = self._line
        now = time.monotonic()
        for follower, outbox in list(self._followers.items()):
            outbox.offer(line, now)
            self._flush(follower)

    def _accept(self) -> None:
        for _ in range(256):  # then the others get their turn
            try:
                follower, _ = self._listener.accept()
            except BlockingIOError:
                return
            except OSError:  # out of descriptors: listen again in a moment, not in a spin
                self._selector.unregister(self._listener)
                self._listening_again = time.monotonic() + 0.5
                return
            if len(self._followers) >= self.cap:  # one too many: told so, and let go
                with contextlib.suppress(OSError):
                    follower.send(f'{{"full": {self.cap}}}\n'.encode())
                follower.close()
                continue
            follower.setblocking(False)
            self._followers[follower] = outbox = Outbox()
            self._count = len(self._followers)
            self._selector.register(follower, selectors.EVENT_READ)
            with self._lock:
                outbox.offer(self._line, time.monotonic())
            self._flush(follower)

    def _receive(self, follower: socket.socket) -> None:
        try:
            data = follower.recv(1024)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._drop(follower)
            return
        with contextlib.suppress(OSError):  # the show is that far behind on keys: not these
            os.write(self._keys_write, data)

    def _flush(self, follower: socket.socket) -> None:
        outbox = self._followers[follower]
        try:
            outbox.flush(follower.send)
        except OSError:  # it went away: the show goes on
            self._drop(follower)
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if outbox.pending else 0)
        if self._selector.get_key(follower).events != events:
            self._selector.modify(follower, events)

    def _drop(self, follower: socket.socket) -> None:
        self._selector.unregister(follower)
        del self._followers[follower]
        self._count = len(self._followers)
        follower.close()


def save_rehearsal(state_dir: Path, rows: list[tuple[str, str, float]]) -> None:
    """Keep a rehearsal's times (scene, step, seconds) for the notes screen to plan by."""
    with contextlib.suppress(OSError):
        write_whole({state_dir / REHEARSAL: json.dumps(rows).encode()})


def planned(state_dir: Path) -> list[tuple[str, str, float]]:
    """The last rehearsal's rows, or none."""
    try:
        rows = json.loads(read_text(state_dir / REHEARSAL))
        kept = [(str(scene), str(step), float(seconds)) for scene, step, seconds in rows]
    except (Unreadable, ValueError, TypeError, RecursionError):
        return []
    return kept if all(0 <= seconds < 1e6 for _, _, seconds in kept) else []  # nan, inf: no


class NotesScreen:
    """What the presenter reads on the laptop: the step's notes, what comes next, where the
    show is, the time on this step and in the talk against the rehearsal, the last claims."""

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
            return Panel(Text("The show sent a state this screen cannot show.", style="dim"),
                         title="[bold]Speaker notes", border_style="magenta")  # fmt: skip

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
                Text(f"{waiting} ({self.state_dir})...", style="dim"),
                title="[bold]Speaker notes",
                border_style="magenta",
            )
        scene_number, scenes, scene = _where(state.get("scene"))
        step_number, steps, step = _where(state.get("step"))
        notes = str(state.get("notes") or "(no notes for this step)")
        parts: list[RenderableType] = [
            Text(f"Scene {scene_number} of {scenes}: {scene}", style="bold"),  # a row each:
            Text(f"Step {step_number} of {steps}: {step}"),  # long names wrap at a word
            Text(""),
            Text(notes, style="bold yellow" if state.get("notes") else "dim"),
            Text(""),
            Text.assemble(("Next: ", "bold"), str(state.get("next") or "the end")),
            Text(""),
            self._times(scene, str(state.get("row", ""))),
        ]
        if claims := state.get("claims"):
            parts.append(Text(""))
            for held, claim in claims[-4:]:
                parts.append(
                    Text(f"{'✔' if held else '✘'} {claim}", style="green" if held else "bold red")
                )
        title = f"[bold]Speaker notes[/]  {escape(str(state.get('talk', '')))}"
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
