"""The show's side of the notes channel: its socket, its followers, their keys, the rehearsal."""

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

from director.files import Unreadable, read_text, write_whole
from director.keys import Press

SOCKET = "show.sock"
REHEARSAL = "rehearsal.json"
"""The last rehearsal's times, in the state directory: what the notes screen plans by."""


@contextlib.contextmanager
def reachable(path: Path) -> Iterator[str]:
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
        self._watchers: list[Callable[[], None]] = []
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a show that was killed (the state dir's lock is ours)
        mask = os.umask(0o177)  # owner-only from the start: no moment open to others
        try:
            with reachable(self.path) as name:
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
        """The state changed: the socket thread tells every follower, and every watcher is
        called (it must not wait)."""
        with self._lock:
            self.state = {**self.state, **changes}  # replaced whole: a reader's copy stands
            self._line = (json.dumps(self.state) + "\n").encode()
        self._wake()
        for watcher in self._watchers:
            watcher()

    def watch(self, watcher: Callable[[], None]) -> None:
        """Call `watcher` whenever the state changes, from the thread that changed it."""
        self._watchers.append(watcher)

    def press(self, press: Press) -> bool:
        """A key pressed elsewhere (the phone's), for the show to read as its own; False if
        the show is too far behind on keys to take it."""
        try:
            return os.write(self._keys_write, press.wire.encode() + b"\n") > 0
        except OSError:
            return False

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
