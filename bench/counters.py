"""Measure the durable counter: cold start, resume gap after a restart, Ctrl-C to exit,
how soon it says Temporal is away and carries on when it is back (3, 15 and 60 s outages),
and Ctrl-C while Temporal is away.

Run: .venv/bin/python bench/counters.py [--runs 7]. Prints a Markdown table for docs/figures.md.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from director import TALK
from director.devserver import DevServer

DURABLE = TALK / "counter" / "durable-execution" / "start-execution.py"
INTERVAL = 1.0  # the talk's own pace
OUTAGES = (3.0, 15.0, 60.0)  # seconds Temporal is away


def spawn(address: str, workflow_id: str) -> tuple[pexpect.spawn, float]:
    args = [str(DURABLE), "--address", address, "--workflow-id", workflow_id]
    args += ["--limit", "10", "--interval", str(INTERVAL)]
    child = pexpect.spawn(sys.executable, args, encoding="utf-8", timeout=30)
    return child, time.monotonic()


def one_round(address: str, n: int, stop: int) -> tuple[float, float, float]:
    """Cold start to the first number, Ctrl-C (or kill -9) to exit, restart to the next number."""
    workflow_id = f"bench-{time.time_ns()}-{n}"
    child, started = spawn(address, workflow_id)
    child.expect("1\r\n")
    cold = time.monotonic() - started
    child.expect("3\r\n")
    if stop == signal.SIGKILL:
        time.sleep(0.1)  # a power cut lands between numbers, not within 100 ms of one
    sent = time.monotonic()
    child.kill(stop)
    child.expect(pexpect.EOF)
    to_exit = time.monotonic() - sent
    child.close()
    time.sleep(INTERVAL * 1.5)  # the audience is asked: the next timer has fired meanwhile
    child, started = spawn(address, workflow_id)
    child.expect(r"\d+\r\n")
    gap = time.monotonic() - started
    assert child.after.strip() == "4", f"resumed at {child.after.strip()}, not 4 ({stop!r})"
    child.terminate(force=True)
    return cold, to_exit, gap


def one_outage(server: DevServer, n: int, outage: float) -> tuple[float, float]:
    """The dev server killed mid-count for `outage` seconds: how soon the counter says it is
    waiting, and, once the server started again from its db file answers, how soon the
    counter, still running, shows its next number."""
    child, _ = spawn(server.address, f"outage-{time.time_ns()}-{n}")
    child.expect("3\r\n")
    time.sleep(0.1)  # the step is saved
    server.kill()
    killed = time.monotonic()
    child.expect("waiting for it to come back", timeout=10)
    said = time.monotonic() - killed
    time.sleep(max(0.0, outage - said))
    server.start()  # returns once it answers
    answered = time.monotonic()
    child.expect(r"(?m)^(\d+)\r\n", timeout=30)
    carried_on = time.monotonic() - answered
    assert child.match.group(1) == "4", f"carried on at {child.match.group(1)}, not 4"
    child.terminate(force=True)
    return said, carried_on


def ctrl_c_while_away(server: DevServer, n: int) -> float:
    """Ctrl-C while Temporal is away: seconds until the counter has exited."""
    child, _ = spawn(server.address, f"away-{time.time_ns()}-{n}")
    child.expect("2\r\n")
    server.kill()
    child.expect("waiting for it to come back", timeout=10)
    time.sleep(1)
    sent = time.monotonic()
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    took = time.monotonic() - sent
    child.close()
    assert child.exitstatus == 130, child.exitstatus
    server.start()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as state:
        server = DevServer(Path(state) / "bench.db", ui=False)
        started = time.monotonic()
        server.start()
        ready = time.monotonic() - started
        try:
            rows = []
            for name, stop in (("Ctrl-C", signal.SIGINT), ("kill -9", signal.SIGKILL)):
                cold, to_exit, gap = zip(
                    *(one_round(server.address, n, stop) for n in range(runs)), strict=True
                )
                rows.append((name, cold, to_exit, gap))
            outages = {
                outage: list(zip(*(one_outage(server, n, outage) for n in range(3)), strict=True))
                for outage in OUTAGES
            }
            away = [ctrl_c_while_away(server, n) for n in range(runs)]
        finally:
            server.stop()

    def ms(values: tuple[float, ...]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f})"

    print(f"Durable counter, median of {runs} runs, interval {INTERVAL} s")
    print(f"Dev server ready after {ready * 1000:.0f} ms\n")
    print("| stop | cold start to 1st number | stop to exit | restart to next number | ratio |")
    print("|---|---|---|---|---|")
    for name, cold, to_exit, gap in rows:
        ratio = statistics.median(gap) / statistics.median(cold)
        print(f"| {name} | {ms(cold)} | {ms(to_exit)} | {ms(gap)} | {ratio:.2f} |")
    print("\nTemporal killed mid-count, then started again from its db file (median of 3):\n")
    print("| outage | counter says it is waiting after | next number after Temporal answers |")
    print("|---|---|---|")
    for outage, (said, carried_on) in outages.items():
        print(f"| {outage:g} s | {ms(said)} | {ms(carried_on)} |")
    print(f"\nCtrl-C while Temporal is away: the counter has exited after {ms(away)}")


if __name__ == "__main__":
    main()
