"""Signals: Ctrl-C and each stopping signal end what runs cleanly; none cuts a clean-up short."""

from __future__ import annotations

import signal

STOPPING = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM",
                 "SIGPROF", "SIGXCPU", "SIGXFSZ", "SIGPOLL", "SIGPWR")
    if hasattr(signal, name)
)  # fmt: skip
"""Signals that would end the director without its clean-up: each stops the show instead,
so the children go and the terminal is restored."""


class Stopped(BaseException):
    """A stopping signal arrived (SIGTERM, SIGHUP, SIGQUIT...): stop everything and leave.

    Like KeyboardInterrupt, not an Exception: no `except Exception` on the way may swallow
    it (a check that Temporal answers, say), or the signal would be lost."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def answer_signals() -> None:
    """Ctrl-C and every stopping signal end what runs (the show, the rendering) cleanly."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in STOPPING:
        signal.signal(signum, _raise_stopped)


def ignore_signals() -> None:
    """While cleaning up, a second Ctrl-C must not cut the clean-up short."""
    for signum in (signal.SIGINT, *STOPPING):
        signal.signal(signum, signal.SIG_IGN)
