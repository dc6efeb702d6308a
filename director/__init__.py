"""counter-demo's director: plays the counter talk from scenes and proves what it claims."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
"""The repository, when the director runs from a checkout of it."""

FROM_CHECKOUT = all((CHECKOUT / file).is_file() for file in ("demo.py", "scenes/playlist.toml"))
"""Whether the director runs from a checkout (else from an installed copy)."""

TALK = CHECKOUT if FROM_CHECKOUT else PACKAGE / "talk"
"""The default talk, its `scenes/` and `counter/`: the checkout's, or the installed copy."""


def state_home() -> Path:
    """Where state (the dev server's db file) lives by default: `.state/` in a checkout, else
    the per-user state directory ($XDG_STATE_HOME/counter-demo, ~/.local/state/counter-demo)."""
    if FROM_CHECKOUT:
        return CHECKOUT / ".state"
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "counter-demo"
