"""Child processes: a counter program in its own pty, driven through pexpect."""

from __future__ import annotations

import contextlib
import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: the kernel sends it SIGTERM if the director dies, even by SIGKILL."""
    # Not on Linux: no such call, and the director's own clean-up still stops its children.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
