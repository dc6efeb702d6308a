"""Measure the director: a full hands-free round, start to first panel, CPU while it waits.

Run: .venv/bin/python bench/director.py [--runs 3]. Prints lines for the README.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import psutil

ROOT = Path(__file__).resolve().parent.parent
DEMO = [sys.executable, str(ROOT / "demo.py")]


ORIGINAL = ["--scene", "before-temporal", "--scene", "with-temporal", "--scene", "summary"]


def full_round(state: str, *scenes: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [*DEMO, "--auto", "--once", "--speed", "10", "--state-dir", state, *scenes],
        stdout=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        check=True,
    )
    return time.monotonic() - started


def first_panel(state: str) -> float:
    started = time.monotonic()
    child = pexpect.spawn(DEMO[0], [*DEMO[1:], "--state-dir", state], dimensions=(40, 120))
    child.expect("╭".encode())
    took = time.monotonic() - started
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return took


def idle_cpu(state: str, seconds: float = 5.0) -> float:
    """Percent of one core the director uses while it waits for the presenter's key."""
    child = pexpect.spawn(DEMO[0], [*DEMO[1:], "--state-dir", state], dimensions=(40, 120))
    child.expect(b"quit")
    process = psutil.Process(child.pid)
    before = sum(process.cpu_times()[:2])
    time.sleep(seconds)
    used = sum(process.cpu_times()[:2]) - before
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    return 100 * used / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as state:
        rounds = [full_round(state) for _ in range(runs)]
        original = [full_round(state, *ORIGINAL) for _ in range(runs)]
        panels = [first_panel(state) for _ in range(runs)]
        cpu = idle_cpu(state)
    print(f"Director, median of {runs} runs")
    print(f"- full hands-free round at --speed 10: {statistics.median(rounds):.1f} s")
    print(f"- the original talk alone (two scenes, summary): {statistics.median(original):.1f} s")
    print(f"- start to first panel: {statistics.median(panels) * 1000:.0f} ms")
    print(f"- CPU while waiting for a key: {cpu:.1f} % of one core")


if __name__ == "__main__":
    main()
