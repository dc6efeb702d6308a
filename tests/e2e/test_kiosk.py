"""The kiosk: the card between hands-free rounds and what is left once stopped, on a real
stage; and its endurance: many rounds with faults injected from outside."""

from __future__ import annotations

import contextlib
import re
import signal
from collections import Counter
from pathlib import Path

import pexpect
import psutil
import pyte
import pytest

from tests.conftest import ANSI, command_line, descendants, director, gone, shown

ROUNDS = 20
FAULTS = {4: "kill -9 a counter", 9: "kill -9 the dev server", 14: "SIGSTOP a counter"}


def wait_for_process(child: pexpect.spawn, match: str) -> psutil.Process:
    """A descendant of the director whose command line contains `match`, once it runs."""
    while True:
        for process in descendants(child):
            if match in command_line(process):
                return process
        with contextlib.suppress(pexpect.TIMEOUT):  # keep reading: a full pty blocks it
            child.read_nonblocking(1 << 16, timeout=0.02)


def inject(child: pexpect.spawn, fault: str) -> None:
    if fault == "kill -9 a counter":
        wait_for_process(child, "normal-execution").kill()
    elif fault == "kill -9 the dev server":
        wait_for_process(child, "durable-execution")
        wait_for_process(child, "start-dev").kill()
    else:
        wait_for_process(child, "normal-execution").send_signal(signal.SIGSTOP)


def drawn(output: str, columns: int, rows: int) -> list[str]:
    """The screen a terminal emulator draws from `output`: one string a row."""
    terminal = pyte.Screen(columns, rows)
    pyte.Stream(terminal).feed(output)
    return [row.rstrip() for row in terminal.display]


def test_between_rounds_a_card_says_where_the_kiosk_is_and_q_leaves_the_last_round(
    tmp_path: Path,
) -> None:
    child = director(
        tmp_path, "--layout", "stage", "--auto", "--speed", "10",
        "--scene", "before-temporal", "--scene", "summary", rows=24, cols=80,
    )  # fmt: skip
    child.expect(shown("Round 2 - every claim held - "))
    child.expect(shown("Before Temporal - step"))  # round 3 has begun
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    output = child.logfile_read.getvalue()
    assert child.exitstatus == 0, output[-2000:]
    card = re.search(
        shown("Round 1 - every claim held - ") + r".*?" + shown("begins in a moment"), output, re.S
    )
    assert card, "the card and the footer are drawn in one frame"
    screen = drawn(output[: card.end()], 80, 24)
    [headline] = [row for row in screen if "Round 1 - every claim held" in row]
    assert re.search(r"Round 1 - every claim held - 0:\d\d - 1 of 1 round held", headline)
    assert screen[-1] == "Between rounds: round 2 begins in a moment"
    assert "What the programs really printed" not in "\n".join(screen), "the card alone"
    left = "\n".join(drawn(output, 80, 24))  # the stage is gone: the last round is left
    assert "What the programs really printed" in left and "docs.temporal.io" in left
    assert re.search(r"Round 2: every claim held\. 0:\d\d, 2 of 2 rounds held\.", left), left
    assert "Round 1: every claim held" not in left, "the last whole round's alone"


@pytest.mark.soak
def test_kiosk_survives_faults_and_stays_flat(tmp_path: Path) -> None:
    child = director(
        tmp_path, "--auto", "--rounds", str(ROUNDS), "--speed", "20", "--db-limit", "0.5",
        "--scene", "before-temporal", "--scene", "with-temporal",
    )  # fmt: skip
    held, fds, children, seen = {}, {}, {}, set()
    for number in range(1, ROUNDS + 1):
        if number in FAULTS:
            inject(child, FAULTS[number])
        child.expect(rf"{shown(f'Round {number}')}{ANSI}(: every claim held| FAILED)")
        director_process = psutil.Process(child.pid)
        held[number] = child.match.group(1) == ": every claim held"
        fds[number] = director_process.num_fds()
        kids = director_process.children(recursive=True)
        children[number] = len(kids)
        seen |= set(kids)
    child.expect(pexpect.EOF)
    child.close()

    for number in range(1, ROUNDS + 1):
        if number not in FAULTS:
            assert held[number], f"round {number} failed (faults: {FAULTS})"
    assert not held[4] and not held[14], "a killed or hung counter fails its round"
    assert set(children.values()) == {1}, "between rounds only the dev server runs"
    # No file is left open round after round. (A reading can catch the next round starting,
    # a connection closed to be made again: one fewer, never one more.)
    usual = Counter(fds.values()).most_common(1)[0][0]
    assert max(fds.values()) == usual, f"open files drift: {fds}"
    assert child.exitstatus == 1  # some rounds failed, and said so
    assert gone(list(seen))
    db = tmp_path / "state" / "temporal.db"
    assert db.stat().st_size < 0.75e6, "the db file is started afresh past --db-limit"
