"""The state directory: made and checked writable before the show, and held by one show at a
time (a lock file naming the show's pid), so two directors never share a db file."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from director.errors import DemoError, Status

LOCK = "show.lock"


class StateDir:
    """A show's state directory, held while the show runs; released when its process ends,
    however it ends (the kernel drops the lock with the last open descriptor)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> StateDir:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            blocked = in_the_way(self.path) or "a file is in the way of that folder"
            raise DemoError(f"--state-dir {self.path}: {blocked}") from None
        except OSError as error:
            raise DemoError(f"--state-dir {self.path}: {error.strerror}") from None
        lock = self.path / LOCK
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise self._unwritable(error) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _pid(fd) or "unknown"
            os.close(fd)
            raise DemoError(
                f"another show is running from {self.path} (pid {holder}): stop it, "
                "or give this one its own --state-dir",
                Status.UNREACHABLE,
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as error:
            os.close(fd)
            raise self._unwritable(error) from None
        self._fd = fd
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _unwritable(self, error: OSError) -> DemoError:
        return DemoError(f"--state-dir {self.path}: cannot write in it: {error.strerror}")

    def holder(self) -> int | None:
        """The pid of the show that holds this state directory, or None if none does."""
        try:
            fd = os.open(self.path / LOCK, os.O_RDONLY)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _pid(fd)
        finally:
            os.close(fd)
        return None


def _pid(fd: int) -> int | None:
    """The pid a lock file holds, if it holds one."""
    text = os.pread(fd, 64, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


def in_the_way(path: Path) -> str | None:
    """What stands where a state directory should be, so that no show can ever be there:
    a file, or a link to nothing (or a symlink loop); None when nothing does."""
    for there in (path, *path.parents):  # the nearest that is there decides
        if there.is_symlink() and not there.exists():
            return "a link to nothing (or a symlink loop) is in the way of that folder"
        if there.exists():
            return None if there.is_dir() else "a file is in the way of that folder"
    return None
