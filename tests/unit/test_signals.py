"""Ctrl-C and each stopping signal end what runs cleanly; none cuts a clean-up short."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from director.signals import STOPPING, Stopped, answer_signals, ignore_signals


@pytest.fixture(autouse=True)
def handlers_kept() -> Iterator[None]:
    """The test process's own handlers, as they were before each test."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, *STOPPING)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


def test_a_stopping_signal_is_not_an_exception_and_says_its_name() -> None:
    stop = Stopped(signal.SIGTERM)
    assert stop.signum == signal.SIGTERM and str(stop) == "SIGTERM"
    assert not isinstance(stop, Exception), "no `except Exception` may swallow it"
    assert signal.SIGINT not in STOPPING and signal.SIGKILL not in STOPPING
    assert {signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT} <= set(STOPPING)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1])
def test_each_stopping_signal_stops_the_show_and_ctrl_c_interrupts_it(signum: int) -> None:
    answer_signals()
    with pytest.raises(Stopped) as caught:
        os.kill(os.getpid(), signum)
    assert caught.value.signum == signum
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)


def test_while_cleaning_up_no_signal_cuts_it_short() -> None:
    answer_signals()
    ignore_signals()
    for signum in (signal.SIGINT, *STOPPING):
        assert signal.getsignal(signum) is signal.SIG_IGN, signal.Signals(signum).name
    os.kill(os.getpid(), signal.SIGTERM)  # ignored: nothing raised
