"""Shared fixtures: a real Temporal dev server for the session, counters in real ptys."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pexpect
import pytest

from director import ROOT
from director.temporal import DevServer

COUNTERS = {
    "normal": ROOT / "counter" / "normal-execution" / "start-execution.py",
    "durable": ROOT / "counter" / "durable-execution" / "start-execution.py",
}


@pytest.fixture(scope="session")
def temporal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A real `temporal server start-dev` on free ports with its own db file."""
    server = DevServer(tmp_path_factory.mktemp("temporal") / "dev.db", ui=False)
    server.start()
    yield server
    server.stop()


def spawn_counter(kind: str, *args: str, timeout: float = 30) -> pexpect.spawn:
    """One counter program in its own pty, its output decoded as text."""
    return pexpect.spawn(
        sys.executable,
        [str(COUNTERS[kind]), *args],
        encoding="utf-8",
        codec_errors="replace",
        timeout=timeout,
        dimensions=(24, 80),
    )


def finish(child: pexpect.spawn) -> str:
    """Everything the child prints until it exits; the child is closed afterwards."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def numbers(text: str) -> list[int]:
    """The numbers in a counter's output; fails unless the output is nothing but numbers."""
    assert re.fullmatch(r"(\d+\r?\n)*", text), f"not only numbers on the terminal: {text!r}"
    return [int(line) for line in text.split()]
