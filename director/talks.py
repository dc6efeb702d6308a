"""A talk is a folder: `init` writes an editable copy of the default talk to start from."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def init(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the default talk into `folder` (made if need be): its scenes, its programs and a
    short README; what was written. A folder with anything in it is refused unless `force`."""
    if folder.exists() and not folder.is_dir():
        raise DemoError(f"init {folder}: a file is in the way")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise DemoError(f"init {folder}: the folder is not empty (--force writes over it)")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for part in ("scenes", "counter"):
            shutil.copytree(TALK / part, folder / part, ignore=ignore, dirs_exist_ok=True)
        readme = folder / "README.md"
        readme.write_text(README.format(name=folder.resolve().name, folder=folder), "utf-8")
    except OSError as error:
        raise DemoError(f"init {folder}: {error.strerror or error}") from None
    return sorted(path for path in folder.rglob("*") if path.is_file())
