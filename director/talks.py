"""A talk is a folder: `init` writes an editable copy of the default talk to start from,
inside that folder only (never through a link out of it), each file whole or absent."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path, PurePosixPath

from director import TALK
from director.errors import DemoError

README = """# {name}

A talk for [counter-demo](https://pypi.org/project/counter-demo/), made by `counter-demo init`.

- `scenes/playlist.toml`: the talk's title, its scenes in order, how far and how fast the
  counters count. Each scene is a file beside it; `scenes/README.md` lists every step kind
  and its fields.
- `counter/`: the programs the audience sees and the talk runs.

Play it from anywhere:

```sh
counter-demo --talk {folder} --list           # its scenes, checked
counter-demo --talk {folder}                  # on stage: Space moves on, q quits
counter-demo --talk {folder} --auto --once    # hands-free, once
```

Change a narration, reorder the playlist, add a scene: every file is checked before the
show starts, and a mistake is named by file, line, step and field. The talk keeps its
state (the dev server's db file, the verified takes, the last rehearsal) in `.state/` here.
"""


PARTS = ("scenes", "counter")
"""The default talk's folders a new talk copies (without __init__.py and Python's caches)."""


def init(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the default talk into `folder` (made if need be): its scenes, its programs and a
    short README; what was written. A folder with anything in it is refused unless `force`.

    Nothing is written through a link: a link, or anything but a folder or a regular file,
    where init writes is refused before anything is written (`folder` itself may be a link).
    Each file is written aside and renamed into place, so it is whole or absent."""
    files = _talk_files()
    readme = README.format(name=Path(os.path.abspath(folder)).name, folder=folder)
    files[PurePosixPath("README.md")] = (readme.encode("utf-8"), 0o644)
    try:
        if folder.is_symlink() and not folder.exists():
            raise DemoError(f"init {folder}: a link to nothing (or a symlink loop) is in the way")
        if folder.exists() and not folder.is_dir():
            raise DemoError(f"init {folder}: a file is in the way")
        if folder.is_dir() and any(folder.iterdir()) and not force:
            raise DemoError(f"init {folder}: the folder is not empty (--force writes over it)")
        folder.mkdir(parents=True, exist_ok=True)
        root = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # the user's link is followed
    except OSError as error:
        raise DemoError(f"init {folder}: {error.strerror or error}") from None
    try:
        for path in files:
            if refused := _in_the_way(root, path):
                raise DemoError(f"init {folder}: {folder / refused}")
        for path, (data, mode) in files.items():
            try:
                _write(root, path, data, mode)
            except OSError as error:  # a link made meanwhile, a full disk: named, not followed
                raise DemoError(f"init {folder}: {folder / path}: {error.strerror}") from None
    finally:
        os.close(root)
    return sorted(folder / path for path in files)


def _talk_files() -> dict[PurePosixPath, tuple[bytes, int]]:
    """The default talk's files to copy: path in the talk -> (content, permission bits)."""
    files = {}
    for part in PARTS:
        for path in sorted((TALK / part).rglob("*")):
            skipped = "__pycache__" in path.parts or path.name == "__init__.py"
            if skipped or path.suffix == ".pyc" or not path.is_file():
                continue
            relative = PurePosixPath(path.relative_to(TALK).as_posix())
            files[relative] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return files


def _in_the_way(root: int, path: PurePosixPath) -> str | None:
    """Why init may not write `path` under the folder `root` (its folders, then the file
    itself), or None: only a missing name, a real folder or a regular file may be there."""
    for depth in range(1, len(path.parts) + 1):
        name = PurePosixPath(*path.parts[:depth])
        try:
            mode = os.stat(name, dir_fd=root, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return None  # nothing there, nor below it
        except OSError as error:
            return f"{name}: {error.strerror}"
        folder = depth < len(path.parts)
        if stat.S_ISLNK(mode):
            to = os.readlink(name, dir_fd=root)
            return f"{name} is a symlink (to {to}): init writes nothing through a link (remove it)"
        if folder and not stat.S_ISDIR(mode):
            return f"{name} is in the way: init writes a folder there"
        if not folder and stat.S_ISDIR(mode):
            return f"{name} is a folder: init writes a file there"
        if not folder and not stat.S_ISREG(mode):
            return f"{name} is not a regular file (a FIFO, a device or a socket)"
    return None


def _write(root: int, path: PurePosixPath, data: bytes, mode: int) -> None:
    """Write `data` to `path` under the folder `root`, its folders made as needed: aside,
    then renamed over the name (which replaces a file or a link there, never writes through
    one); no folder on the way is followed if it is a link (it must be a folder of its own)."""
    parent = os.dup(root)
    try:
        for name in path.parts[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, dir_fd=parent)
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
            try:
                below = os.open(name, flags, dir_fd=parent)
            except OSError as error:
                if error.errno not in (errno.ENOTDIR, errno.ELOOP):
                    raise
                raise OSError(
                    error.errno, f"{name} is a link or a file now: not followed"
                ) from None
            os.close(parent)
            parent = below
        aside = f".{path.name}.{secrets.token_hex(4)}.init"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        file = os.open(aside, flags, 0o600, dir_fd=parent)
        try:
            with os.fdopen(file, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), mode)
                os.fsync(out.fileno())
            os.replace(aside, path.name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            os.unlink(aside, dir_fd=parent)
            raise
    finally:
        os.close(parent)
