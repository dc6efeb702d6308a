"""The project's error types, and every exit status named in one place."""

from enum import IntEnum


class Status(IntEnum):
    """How the director ends: its exit status. A signal N ends it with 128 + N."""

    HELD = 0
    """Every claim held (or nothing was played: --list, --version, q)."""
    FAILED = 1
    """A claim or a step failed."""
    USAGE = 2
    """A bad flag, scene file or path."""
    UNREACHABLE = 3
    """Temporal cannot be reached or started: a busy port, a service that does not answer."""
    INTERRUPTED = 130
    """Ctrl-C."""


class DemoError(Exception):
    """Something the user can fix; the entry point prints the message and exits with `status`."""

    def __init__(self, message: str, status: Status = Status.USAGE) -> None:
        super().__init__(message)
        self.status = status


class PortTaken(DemoError):
    """A port the dev server needs is held by another program."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Status.UNREACHABLE)


class StepFailed(Exception):
    """A step could not do what it says: its scene stops there, and the round goes on."""


class Quit(BaseException):
    """The presenter pressed q: the show ends at once, cleanly (not an Exception, so that
    nothing on the way swallows it)."""
