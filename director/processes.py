"""Child processes: a counter program in its own pty, driven through pexpect, and every
process it starts gone when it ends."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import mmap
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pexpect

from director.claims import Printed
from director.errors import StepFailed
from director.terminal import Terminal

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def die_with_parent() -> None:
    """In a child before exec: the kernel sends it SIGTERM if the director dies, even by SIGKILL."""
    # Not on Linux: no such call, and the director's own clean-up still stops its children.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def adopt_orphans() -> None:
    """Make the director a child subreaper: what its programs started and left behind
    (a daemon that forked away) becomes its child, to be found and collected, not init's."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


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
    return None if os.access(path, os.X_OK) else "not executable (chmod +x)"


MARK = "COUNTER_DEMO_RUN"
"""Set in a program's environment: whatever it starts inherits it, and is found by it."""
CGROUPS = "COUNTER_DEMO_CGROUPS"
"""Set to 0 to do without cgroups even where they can be had (how the fallback is tested)."""
_serial = itertools.count(1)


class Family:
    """Every process a program started: in a cgroup of its own (v2) where one can be had,
    else found by the mark in its environment or by its session (the program's, or one a
    marked process made). The dev server and the renderers carry neither, so they are never
    taken for part of it."""

    def __init__(self) -> None:
        self.mark = f"{os.getpid()}-{next(_serial)}-{uuid.uuid4().hex[:8]}"
        self.cgroup = _new_cgroup(f"counter-demo-{self.mark}")
        self.leader: int | None = None
        """The program itself (pexpect collects it): its session is part of the family."""
        self._sessions: set[int] = set()
        adopt_orphans()

    def env(self, env: dict[str, str] | None) -> dict[str, str]:
        """The program's environment, marked."""
        return {**(os.environ if env is None else env), MARK: self.mark}

    def join(self) -> None:
        """In the program before exec: into the cgroup, if there is one."""
        if self.cgroup is not None:
            with contextlib.suppress(OSError):
                (self.cgroup / "cgroup.procs").write_text("0")

    def members(self) -> dict[int, tuple[bool, int]]:
        """The processes of the family still there: whether each still runs (a zombie
        does not: it waits for its parent to collect it), and its parent."""
        if self.leader is not None:
            self._sessions.add(self.leader)
        in_cgroup, own = self._in_cgroup(), os.getsid(0)
        found = {}
        for pid, (state, parent, session) in _processes().items():
            if pid not in (os.getpid(), self.leader) and self._has(pid, session, in_cgroup):
                if session != own:  # never the director's: what of it is not the program's
                    self._sessions.add(session)
                found[pid] = (state not in ("Z", "X"), parent)
        return found

    def _has(self, pid: int, session: int, in_cgroup: set[int]) -> bool:
        """Whether a process is of the family: in its cgroup, in one of its sessions, marked."""
        if pid in in_cgroup or session in self._sessions:
            return True
        try:
            return f"\0{MARK}={self.mark}\0".encode() in b"\0" + _read(f"/proc/{pid}/environ")
        except OSError:  # gone, or not ours to read
            return False

    def _in_cgroup(self) -> set[int]:
        if self.cgroup is None:
            return set()
        try:
            return {int(pid) for pid in (self.cgroup / "cgroup.procs").read_text().split()}
        except (OSError, ValueError):
            return set()

    def end(self, grace: float) -> None:
        """SIGTERM to each of the family, SIGKILL to what is left after `grace` s, each the
        director adopted collected by its pid; then the cgroup goes too."""
        me, started, termed = os.getpid(), time.monotonic(), set()
        while members := self.members():
            waited = time.monotonic() - started
            running = {pid for pid, (runs, _) in members.items() if runs}
            for pid, (runs, parent) in members.items():
                if not runs and parent == me:  # adopted: ours to collect, by its pid
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(pid, os.WNOHANG)
            coming = any(p == me or p in members for runs, p in members.values() if not runs)
            if (not running and not coming) or waited > grace + 5:
                break  # the rest is init's to collect, or stuck in the kernel
            late = waited >= grace
            for pid in running if late else running - termed:
                self._signal(pid, signal.SIGKILL if late else signal.SIGTERM)
            termed |= running
            if late and self.cgroup is not None:
                with contextlib.suppress(OSError):
                    (self.cgroup / "cgroup.kill").write_text("1")
            time.sleep(0.01)
        if self.cgroup is not None:
            with contextlib.suppress(OSError):
                self.cgroup.rmdir()

    def _signal(self, pid: int, sig: int) -> None:
        """Signal `pid` through a pidfd, checked afterwards to be of the family: a pid the
        kernel gave to another process meanwhile is never signalled."""
        try:
            fd = os.pidfd_open(pid)
        except (OSError, AttributeError):
            return
        try:
            session = _processes([pid])[pid][2]
            if self._has(pid, session, self._in_cgroup()):
                signal.pidfd_send_signal(fd, sig)
        except (OSError, KeyError):
            pass
        finally:
            os.close(fd)


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _processes(pids: list[int] | None = None) -> dict[int, tuple[str, int, int]]:
    """Each process's state, parent and session, from /proc (all of them unless `pids`)."""
    found = {}
    try:
        listed = pids if pids is not None else [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in listed:
        try:
            stat = _read(f"/proc/{pid}/stat").rsplit(b")", 1)[1].split()
            found[pid] = (stat[0].decode(), int(stat[1]), int(stat[3]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _new_cgroup(name: str) -> Path | None:
    """A new cgroup v2 under the director's own, if the system lets it make one (not in many
    containers or CI); those a director killed by SIGKILL left behind are emptied and removed."""
    if os.environ.get(CGROUPS) == "0":
        return None
    try:
        own = next(
            line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.startswith("0::")
        )  # fmt: skip
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2" and own.startswith(fields[3]):
                parent = Path(fields[4] + own[len(fields[3]) :].rstrip("/"))
                break
        else:
            return None
        _remove_stale(parent)
        (parent / name).mkdir()
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    return parent / name


def _remove_stale(parent: Path) -> None:
    """Empty and remove the cgroups of directors that are gone (killed by SIGKILL)."""
    for stale in parent.glob("counter-demo-*"):
        try:
            os.kill(int(stale.name.split("-")[2]), 0)
            continue
        except ProcessLookupError:
            pass
        except (OSError, ValueError, IndexError):
            continue
        with contextlib.suppress(OSError):
            (stale / "cgroup.kill").write_text("1")
            for _ in range(100):
                if "populated 0" in (stale / "cgroup.events").read_text():
                    break
                time.sleep(0.01)
            stale.rmdir()


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
            with _signals_held():
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
            self._reap()
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
            self._reap()

    def _program_runs(self) -> bool:
        """Whether the program itself still runs (its output may be held open after it)."""
        if not self.running or self._child is None:
            return False
        try:
            return self._child.isalive()
        except pexpect.ExceptionPexpect:
            return False

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


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """While a child is forked: the director's signal handlers only note a signal, and it is
    handled once the child runs its program (in the child it is dropped, never handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    handlers = {}
    for sig in signal.valid_signals():
        with contextlib.suppress(OSError, ValueError):
            handler = signal.getsignal(sig)
            if callable(handler):
                handlers[sig] = handler
                signal.signal(sig, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for sig in held:
            handlers[sig](sig, None)


def _reason(error: BaseException) -> str:
    """An error in a few words: `argument list too long`, `embedded null byte`."""
    said = (error.strerror if isinstance(error, OSError) else None) or str(error)
    said = said[0].lower() + said[1:] if said else type(error).__name__
    where = getattr(error, "filename", None)
    return f"{where}: {said}" if where and isinstance(error, OSError) else said
