"""Child processes: a counter program in its own pty, driven through pexpect."""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import sys
import time
from pathlib import Path

import pexpect

from director.claims import Printed
from director.terminal import Terminal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: the kernel sends it SIGTERM if the director dies, even by SIGKILL."""
    # Not on Linux: no such call, and the director's own clean-up still stops its children.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def which(program: str, talk: Path | None = None) -> str | None:
    """Where a program is: a path (from the talk's top if relative), else one installed
    beside this Python (the venv's bin/), else on PATH."""
    if "/" in program:
        path = Path(program)
        path = path if path.is_absolute() or talk is None else talk / path
        return str(path) if path.is_file() else None
    beside = Path(sys.executable).parent / program
    return str(beside) if beside.is_file() else shutil.which(program)


class ChildProcess:
    """A program in its own pty: its screen, what it printed as the claims need it (its
    numbers, the scene's patterns), and how it ended. Nothing grows with its output."""

    def __init__(
        self,
        argv: list[str],
        label: str,
        size: tuple[int, int] = (24, 80),
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.argv = argv
        self.cwd = cwd
        self.label = label
        self.size = size
        self.env = env
        self.terminal = Terminal(size[1], size[0])
        """Its screen, and the rows scrolled off it: what its panel shows."""
        self.printed = Printed()
        self.status: int | None = None
        self._child: pexpect.spawn | None = None

    def start(self) -> None:
        self._child = pexpect.spawn(
            self.argv[0],
            self.argv[1:],
            encoding="utf-8",
            codec_errors="replace",
            dimensions=self.size,
            cwd=self.cwd,
            env=self.env,
            preexec_fn=die_with_parent,
            use_poll=True,  # select() fails past descriptor 1024
        )

    def watch(self, patterns: list[str]) -> None:
        """Look for these patterns in its output as it comes (before it starts: all of it)."""
        self.printed.watch(patterns)

    @property
    def numbers(self) -> list[int]:
        """The whole lines it printed that are numbers, in order."""
        return self.printed.numbers

    @property
    def running(self) -> bool:
        return self.status is None and self._child is not None

    def read(self, timeout: float) -> str:
        """Wait up to `timeout` s for output; return what is new ('' if none), noting an exit."""
        if not self.running:
            return ""
        child = self._child
        assert child is not None
        try:
            text = child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return ""
        except pexpect.EOF:
            self._reap()
            return ""
        self.terminal.write(text)
        self.printed.add(text)
        return text

    def resize(self, size: tuple[int, int]) -> None:
        """Give its pty a new size (rows, columns); the program gets SIGWINCH."""
        self.size = size
        self.terminal.resize(size[1], size[0])
        if self.running and self._child is not None:
            with contextlib.suppress(OSError):
                self._child.setwinsize(*size)

    def send_signal(self, sig: int) -> None:
        if self.running and self._child is not None:
            with contextlib.suppress(ProcessLookupError):
                self._child.kill(sig)

    def wait(self, timeout: float) -> bool:
        """Read until it exits or `timeout` passes; whether it exited."""
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            self.read(min(0.05, max(0.0, deadline - time.monotonic())))
        return not self.running

    def stop(self, grace: float = 1.0) -> None:
        """SIGINT, then SIGTERM, then SIGKILL, each given `grace` seconds: nothing is left."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if not self.running:
                return
            self.send_signal(sig)
            self.wait(grace)

    def _reap(self) -> None:
        """After end of output: collect the exit status without pexpect's fixed 0.1 s sleeps."""
        child = self._child
        assert child is not None
        deadline = time.monotonic() + 1.0
        while child.isalive() and time.monotonic() < deadline:
            time.sleep(0.002)
        child.ptyproc.delayafterclose = 0
        child.close(force=True)
        if child.signalstatus is not None:
            self.status = 128 + child.signalstatus
        else:
            self.status = child.exitstatus if child.exitstatus is not None else -1
