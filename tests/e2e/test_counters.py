"""The two audience-facing counter programs, against a real Temporal dev server."""

from __future__ import annotations

import itertools
import signal
import time
from pathlib import Path

import pexpect
import pytest

from director.devserver import DevServer, free_port
from tests.conftest import finish, numbers, spawn_counter

FAST = ["--limit", "10", "--interval", "0.2"]
_ids = itertools.count()


def durable(temporal: DevServer, workflow_id: str, *args: str) -> pexpect.spawn:
    return spawn_counter(
        "durable", *FAST, "--address", temporal.address, "--workflow-id", workflow_id, *args
    )


def fresh_id(name: str) -> str:
    return f"{name}-{time.time_ns()}-{next(_ids)}"


def run_until(child: pexpect.spawn, number: int) -> str:
    """Wait until the child has printed `number`; return what it printed so far."""
    child.expect(rf"(?m)^{number}\r\n")
    return child.before + child.after


def stopped_by_ctrl_c(child: pexpect.spawn) -> bool:
    """Exit status 130, or killed by SIGINT itself (what a shell also shows as 130)."""
    return child.exitstatus == 130 or child.signalstatus == signal.SIGINT


def test_normal_counts_to_the_limit() -> None:
    child = spawn_counter("normal", "--limit", "4", "--interval", "0.01")
    assert numbers(finish(child)) == [1, 2, 3, 4]
    assert child.exitstatus == 0


@pytest.mark.parametrize("run", range(8))
def test_durable_counts_to_the_limit_and_exits_cleanly(temporal: DevServer, run: int) -> None:
    # Repeated: the SDK's runtime threads used to crash a third of clean exits.
    child = spawn_counter(
        "durable", "--limit", "4", "--interval", "0.01", "--address", temporal.address,
        "--workflow-id", fresh_id("full"),
    )  # fmt: skip
    assert numbers(finish(child)) == [1, 2, 3, 4]
    assert child.exitstatus == 0


def test_normal_starts_again_at_one_after_ctrl_c() -> None:
    first = spawn_counter("normal", *FAST)
    before = run_until(first, 3)
    first.kill(signal.SIGINT)
    before += finish(first)
    assert numbers(before) == [1, 2, 3]
    assert stopped_by_ctrl_c(first)

    second = spawn_counter("normal", *FAST)
    assert numbers(finish(second)) == list(range(1, 11))


@pytest.mark.parametrize(
    ("stop", "settle", "pause"),
    [
        (signal.SIGINT, 0.0, 0.0),
        (signal.SIGINT, 0.0, 1.0),  # restarted after several intervals
        (signal.SIGKILL, 0.1, 0.0),  # like a power cut
        (signal.SIGKILL, 0.1, 1.0),
    ],
    ids=["ctrl-c", "ctrl-c-then-pause", "kill-9", "kill-9-then-pause"],
)
def test_durable_resumes_at_the_next_number(
    temporal: DevServer, stop: int, settle: float, pause: float
) -> None:
    workflow_id = fresh_id("resume")
    for k in (4,):
        first = durable(temporal, workflow_id)
        before = run_until(first, k)
        time.sleep(settle)
        first.kill(stop)
        before += finish(first)
        assert numbers(before) == list(range(1, k + 1))
        time.sleep(pause)

        second = durable(temporal, workflow_id)
        after = numbers(finish(second))
        assert second.exitstatus == 0
        assert after[0] == k + 1
        assert sorted(numbers(before) + after) == list(range(1, 11)), "a number repeated or lost"


def running(child: pexpect.spawn) -> None:
    """Wait until the interpreter runs the program: its plumbing, the first thing it
    imports, has loaded asyncio's C module (its Ctrl-C handler is in place by then). On a
    loaded machine Python's own start-up can take far longer than its usual ~30 ms."""
    deadline = time.monotonic() + 30
    while "_asyncio." not in Path(f"/proc/{child.pid}/maps").read_text():
        assert time.monotonic() < deadline, "the program never started"
        time.sleep(0.002)


# Delays start once the interpreter runs the program: a Ctrl-C in Python's own start-up
# (before any line of a program) gives "Fatal Python error: init_import_site", for any
# Python program whatever it does.
@pytest.mark.parametrize("delay", [0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.3])
def test_durable_ctrl_c_at_any_moment_exits_130_quietly(temporal: DevServer, delay: float) -> None:
    # Through the imports, connecting and the worker's start, to counting and waiting.
    child = durable(temporal, fresh_id("ctrl-c"))
    running(child)
    time.sleep(delay)
    child.kill(signal.SIGINT)
    output = finish(child)
    numbers(output)  # no traceback, no "Fatal Python error": numbers only
    assert stopped_by_ctrl_c(child), (child.exitstatus, child.signalstatus, output)


# From its first number: the plain counter (audience code, no plumbing) catches Ctrl-C
# around its count only, and one sent while Python still imports argparse is Python's own
# traceback (in a full run a loaded machine took over 0.15 s to get there). The director
# sends Ctrl-C only once the program counts, and stops it otherwise with SIGTERM.
@pytest.mark.parametrize("delay", [0.0, 0.15, 0.3, 0.5])
def test_normal_ctrl_c_at_any_moment_of_its_count_exits_130_quietly(delay: float) -> None:
    child = spawn_counter("normal", *FAST)
    before = run_until(child, 1)
    time.sleep(delay)
    child.kill(signal.SIGINT)
    numbers(before + finish(child))
    assert stopped_by_ctrl_c(child)


def test_unreachable_temporal_names_the_address_and_exits_2() -> None:
    address = f"localhost:{free_port()}"
    child = spawn_counter("durable", "--address", address)
    output = finish(child)
    assert child.exitstatus == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and address in lines[0], output
    assert "Traceback" not in output


@pytest.mark.parametrize("kind", ["normal", "durable"])
@pytest.mark.parametrize("bad", [["--limit", "-3"], ["--interval", "abc"], ["--limit", "x"]])
def test_bad_flag_is_a_usage_error(kind: str, bad: list[str]) -> None:
    child = spawn_counter(kind, *bad)
    output = finish(child)
    assert child.exitstatus == 2
    assert output.startswith("usage:") and "error:" in output


WAITING = r"\(no answer from Temporal: waiting for it to come back\)\r\n"
BACK = r"\(Temporal is back: carrying on\)\r\n"


@pytest.mark.parametrize("outage", [1, 12], ids=["short outage", "longer than 10 s"])
def test_durable_waits_while_temporal_is_down_then_carries_on(tmp_path, outage: float) -> None:
    server = DevServer(tmp_path / "crash.db", ui=False)
    server.start()
    try:
        child = durable(server, fresh_id("server-crash"))
        before = run_until(child, 3)
        time.sleep(0.1)  # the step is saved (as with kill -9 of the counter)
        server.kill()
        # It says so, on stderr, and keeps running...
        child.expect(WAITING)
        # ...even for longer than the SDK's default 10 s of retries, which would give up.
        time.sleep(outage)
        assert child.isalive()
        server.start()  # same port, same db file
        child.expect(BACK)  # it says so, and carries on
        rest = child.before + finish(child)  # an old worker may print before the line
    finally:
        server.stop()
    assert child.exitstatus == 0
    after = numbers(rest)
    assert numbers(before) + after == list(range(1, 11))


@pytest.mark.parametrize("moment", ["during the outage", "as Temporal returns"])
def test_durable_ctrl_c_while_temporal_is_away_exits_130_quietly(tmp_path, moment: str) -> None:
    server = DevServer(tmp_path / "crash.db", ui=False)
    server.start()
    try:
        child = durable(server, fresh_id("away"))
        run_until(child, 2)
        server.kill()
        child.expect(WAITING)
        if moment == "as Temporal returns":
            server.start()
            child.expect(BACK)  # a fresh worker is starting: Ctrl-C right now
        child.kill(signal.SIGINT)
        rest = finish(child)
    finally:
        server.stop()
    numbers(rest)  # nothing but numbers: no traceback, no "Fatal Python error"
    assert stopped_by_ctrl_c(child), (child.exitstatus, child.signalstatus, rest)
