"""What a program started: its family of processes (its cgroup where one can be had, else its
mark and its sessions), ended with it; the orphans it left adopted and collected by pid."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import signal
import time
import uuid
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Make the director a child subreaper: what its programs started and left behind
    (a daemon that forked away) becomes its child, to be found and collected, not init's."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


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
