"""The one place the talk's files and its takes are read: regular files of a sane size (UTF-8
text for the talk's, and for steps, inside the talk's folder); anything else is a one-line
reason, never a hang. And where the show's own files are written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

MAX_BYTES = 1_000_000
"""A scene, playlist, program or code file larger than this is not one."""


class Unreadable(Exception):
    """Why a file of the talk cannot be used, in a few words."""


class Missing(Unreadable):
    """There is no such file."""


def read_text(path: Path, inside: Path | None = None) -> str:
    """The text of `path`; Unreadable unless it is a regular UTF-8 text file (no NUL bytes,
    at most MAX_BYTES) and, if `inside` is given, within that folder once links are followed."""
    data = read_bytes(path, MAX_BYTES, inside)
    if b"\0" in data:
        raise Unreadable("a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (byte {error.start + 1})") from None


def read_bytes(path: Path, most: int = MAX_BYTES, inside: Path | None = None) -> bytes:
    """The bytes of `path`; Unreadable unless it is a regular file of at most `most` bytes
    and, if `inside` is given, within that folder once links are followed.

    A FIFO or a device is never read: it is refused before it is opened, and opened without
    blocking then checked again (it may have been swapped in between), so nothing blocks."""
    try:
        real = path.resolve(strict=True)
        info = os.stat(real)
        if inside is not None and not real.is_relative_to(inside.resolve()):
            raise Unreadable(f"outside the talk's folder {inside}")
        _regular(info, most)
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with open(descriptor, "rb") as file:
            _regular(os.fstat(descriptor), most)
            data = file.read(most + 1)  # a file that grew since is still no larger than most
    except FileNotFoundError:
        raise Missing("no such file") from None
    except RuntimeError:  # Python 3.11 and 3.12 say "Symlink loop from ..."
        raise Unreadable("a symlink loop") from None
    except OSError as error:
        raise Unreadable(_reason(error)) from None
    if len(data) > most:
        raise Unreadable(f"larger than {_size(most)}")
    return data


def write_whole(files: dict[Path, bytes]) -> None:
    """Write each file whole at its name or not at all: each is written under a new hidden
    name beside it (made afresh, so never through a link or into a FIFO left there), and
    only once all of them are written are they renamed into place, in order; an earlier
    file stays until then. OSError if one cannot be written."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
            written.append((aside, path))
            with os.fdopen(fd, "wb") as file:
                file.write(data)
        for aside, path in written:
            os.replace(aside, path)
    finally:
        for aside, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(aside)


def _regular(info: os.stat_result, most: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable("a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("not a regular file (a device, a FIFO or a socket)")
    if info.st_size > most:
        raise Unreadable(f"larger than {_size(most)}")


def _size(most: int) -> str:
    return f"{most // 1_000_000} MB" if most >= 1_000_000 else f"{most} bytes"


def _reason(error: OSError) -> str:
    if error.errno is not None and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error)
