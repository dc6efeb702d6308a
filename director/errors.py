"""The project's error type: a message for the user and the exit status it means."""


class DemoError(Exception):
    """Something the user can fix; `demo.py` prints the message and exits with `status`."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


USAGE = 2
"""A bad flag or a broken scene file."""
UNREACHABLE = 3
"""Temporal cannot be reached or started: a busy port, a service that does not answer."""
