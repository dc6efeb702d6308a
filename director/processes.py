"""Child processes: a counter program in its own pty, driven through pexpect, and every
process it starts gone when it ends."""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import mmap
import os
import select
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect

from director.claims import Printed
from director.errors import StepFailed
from director.families import Family
from director.terminal import Terminal

PR_SET_PDEATHSIG = 1
REAP_TIME = 0.2
"""How long a program's exit is waited for at once, after its output ended."""
DRAINED = 1 << 20
"""The most a drain reads: a program that prints without a pause is read this far."""


def die_with_parent() -> None:
    """In a child before exec: the kernel sends it SIGTERM if the director dies, even by SIGKILL."""
    # Not on Linux: no such call, and the director's own clean-up still stops its children.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def which(program: str, talk: Path | None = None) -> str | None:
    """Where a program is, as an executable file: a path (from the talk's top if relative),
    else one installed beside this Python (the venv's bin/), else on PATH."""
    if "/" in program:
        path = Path(program)
        path = path if path.is_absolute() or talk is None else talk / path
        return str(path) if not unrunnable(path) else None
    beside = Path(sys.executable).parent / program
    return str(beside) if not unrunnable(beside) else shutil.which(program)


def unrunnable(path: Path) -> str | None:
    """Why `path` cannot be run as a program ("no such file", "a directory"...), or None."""
    try:
        if not path.exists():
            return "no such file"
        if path.is_dir():
            return "a directory, not a program"
        if not path.is_file():
            return "not a regular file"
    except (OSError, ValueError):  # a NUL byte, a name too long
        return "no such file"
    if not os.access(path, os.X_OK):
        return "not executable (chmod +x)"
    return _unstartable(path)


def _unstartable(path: Path) -> str | None:
    """Why the kernel would not start this executable file, as far as its first line says:
    neither a program (ELF) nor a script whose #! names an interpreter that is there."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            first = os.read(fd, 256)
        finally:
            os.close(fd)
    except OSError:  # not ours to read: exec tells
        return None
    if first.startswith(b"\x7fELF"):
        return None
    if not first.startswith(b"#!"):
        return "not a program (a script needs a #! line naming its interpreter)"
    line = first[2:].split(b"\n")[0].lstrip(b" \t")  # as the kernel reads it: a CR stays
    interpreter = os.fsdecode(line.replace(b"\t", b" ").split(b" ")[0])
    if not interpreter.startswith("/") or not os.access(interpreter, os.X_OK):
        return f"its #! line names {interpreter!r}, which is not an interpreter there"
    return None


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
        self._silent = False
        """Whether its output ended while it runs on (it closed its terminal)."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.family: Family | None = None
        """Every process it started, to be gone when it stops."""

    def start(self) -> None:
        """Start it; StepFailed (its reason in a line) if it cannot be started."""
        path = self.argv[0]
        if "/" not in path:
            path = shutil.which(path, path=(self.env or os.environ).get("PATH")) or path
        if why := unrunnable(Path(path)):
            raise StepFailed(f"cannot start {self.label}: {path}: {why}")
        self.family = family = Family()
        env = family.env(self.env)
        failure = mmap.mmap(-1, 4096)  # shared with the child: why its exec failed, if it did

        def in_child() -> None:
            """Everything between fork and exec, here, so that no failure of it (a NUL byte,
            a folder gone, E2BIG, a signal) can run the director's own code in the child."""
            try:
                for sig in signal.valid_signals():  # the director's handlers and SIG_IGNs
                    with contextlib.suppress(OSError, ValueError):
                        signal.signal(sig, signal.SIG_DFL)
                die_with_parent()
                family.join()
                if self.cwd is not None:
                    os.chdir(self.cwd)
                os.execve(path, self.argv, env)
            except BaseException as error:
                with contextlib.suppress(BaseException):
                    said = _reason(error).encode("utf-8", "replace")[: len(failure) - 1]
                    failure[: len(said)] = said
            finally:
                os._exit(127)

        try:
            with signals_held():
                self._child = pexpect.spawn(
                    path,
                    self.argv[1:],
                    encoding="utf-8",
                    codec_errors="replace",
                    dimensions=self.size,
                    env=env,
                    preexec_fn=in_child,
                    use_poll=True,  # select() fails past descriptor 1024
                )
                family.leader = self._child.pid
        except (OSError, ValueError, pexpect.ExceptionPexpect) as error:
            failure.close()
            family.end(0)
            raise StepFailed(f"cannot start {self.label}: {_reason(error)}") from None
        why = failure[:].rstrip(b"\0").decode("utf-8", "replace")
        failure.close()
        if why:
            self._reap(1.0)
            family.end(0)
            raise StepFailed(f"cannot start {self.label}: {why}")

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
        if self._silent:  # its output ended, and it runs on: collected once it exits
            self._reap(timeout)
            return ""
        if self.terminal.behind:  # it waits for its screen, as for a terminal slow to draw
            self.terminal.catch_up(timeout)
            return ""
        # Read from its terminal here, not through pexpect's read_nonblocking(): at the end
        # of output that waits for the program's exit without end (see _exited).
        poller = select.poll()
        poller.register(child.child_fd, select.POLLIN)
        if not poller.poll(max(0.0, timeout) * 1000):
            if self._exited():  # what it started holds its terminal: its own output is over
                text = self._take(self._left(poller))  # written between the poll and its exit
                self._reap(0)
                return text
            return ""
        try:
            data = os.read(child.child_fd, 65536)
        except OSError:  # EIO: nothing holds the other end of its terminal any more
            data = b""
        if not data:
            self._reap(REAP_TIME)
            return ""
        return self._take(data)

    def _take(self, data: bytes) -> str:
        """What it wrote, onto its screen and into what it printed."""
        text = self._decoder.decode(data)
        self.terminal.write(text)
        self.printed.add(text)
        return text

    def drain(self) -> None:
        """Take what it has written already, read without waiting (up to DRAINED bytes):
        what it printed before another program's exit was seen, its claims see too."""
        if self.running and not self._silent:
            poller = select.poll()
            poller.register(self._child.child_fd, select.POLLIN)  # type: ignore[union-attr]
            self._take(self._left(poller, DRAINED))

    def _left(self, poller: select.poll, most: float = float("inf")) -> bytes:
        """What waits in its terminal (all an exited program left), read without waiting."""
        left = b""
        while len(left) < most and poller.poll(0):
            try:
                data = os.read(self._child.child_fd, 65536)  # type: ignore[union-attr]
            except OSError:
                break
            if not data:
                break
            left += data
        return left

    def resize(self, size: tuple[int, int]) -> None:
        """Give its pty a new size (rows, columns); the program gets SIGWINCH."""
        self.size = size
        self.terminal.resize(size[1], size[0])
        if self.running and self._child is not None:
            with contextlib.suppress(OSError):
                self._child.setwinsize(*size)

    def send_signal(self, sig: int) -> None:
        if self._program_runs():  # not pexpect's kill(): it may wait without end (_exited)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._child.pid, sig)  # type: ignore[union-attr]

    def wait(self, timeout: float) -> bool:
        """Read until it exits or `timeout` passes; whether it exited."""
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            self.read(min(0.05, max(0.0, deadline - time.monotonic())))
        return not self.running

    def stop(self, grace: float = 1.0) -> None:
        """SIGTERM, then SIGKILL, each given `grace` seconds; then every process it started
        the same way: nothing is left.

        Not Ctrl-C (SIGINT) first: a Python program that gets it while it still starts up
        prints a fatal error, and the panel would show one the director caused."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self._program_runs():
                break
            self.send_signal(sig)
            self.wait(grace)
        if self.family is not None:
            self.family.end(grace)
        self.wait(grace)  # the rest of its output, now that nothing holds its terminal
        if self.running:
            self._reap(1.0)

    def _program_runs(self) -> bool:
        """Whether the program itself still runs (its output may be held open after it)."""
        return self.running and not self._exited()

    def _exited(self) -> bool:
        """Whether the program has exited, its status collected if so; never waits (once its
        output has ended, pexpect's own isalive() waits for it without end, and a program
        that closed its terminal may run on for good)."""
        process = self._child.ptyproc  # type: ignore[union-attr]
        if process.terminated:
            return True
        try:
            pid, status = os.waitpid(process.pid, os.WNOHANG)
        except ChildProcessError:  # collected already: its status is not to be had
            pid, status = process.pid, 255 << 8
        if pid == 0:
            return False
        process.status = status
        process.exitstatus = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        process.signalstatus = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        process.terminated = True
        return True

    def _reap(self, wait: float = REAP_TIME) -> None:
        """After end of output: collect the exit status once it has exited, looked for over
        `wait` s (not pexpect's fixed 0.1 s sleeps); one that runs on is looked for again
        at the next read."""
        child = self._child
        assert child is not None
        deadline = time.monotonic() + wait
        while not self._exited():
            if time.monotonic() >= deadline:
                self._silent = True
                return
            time.sleep(0.002)
        self._silent = False
        child.ptyproc.delayafterclose = 0
        child.close(force=True)
        if child.signalstatus is not None:
            self.status = 128 + child.signalstatus
        else:
            self.status = child.exitstatus if child.exitstatus is not None else -1


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """While the director forks a child, or stops its renderers: a signal it answers is only
    noted, and answered once the block is done, in the order they came (a forked child drops
    it), so that no signal can cut that work in half."""
    if threading.current_thread() is not threading.main_thread():  # only it handles signals
        yield
        return
    arrived: list[int] = []
    answered = {}
    for signum in signal.valid_signals():
        with contextlib.suppress(OSError, ValueError):
            if callable(handler := signal.getsignal(signum)):
                answered[signum] = handler
                signal.signal(signum, lambda n, _frame: arrived.append(n))
    try:
        yield
    finally:
        for signum, handler in answered.items():
            signal.signal(signum, handler)
        for signum in arrived:
            signal.raise_signal(signum)


def _reason(error: BaseException) -> str:
    """An error in a few words: `argument list too long`, `embedded null byte`."""
    said = (error.strerror if isinstance(error, OSError) else None) or str(error)
    said = said[0].lower() + said[1:] if said else type(error).__name__
    where = getattr(error, "filename", None)
    return f"{where}: {said}" if where and isinstance(error, OSError) else said
