"""Measure the director: a full hands-free round and each scene in it, start to first panel,
CPU while it waits.

Run: .venv/bin/python bench/director.py [--runs 3]. Prints lines for docs/figures.md.
"""

from __future__ import annotations

import argparse
import json
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


def full_round(state: str, *scenes: str) -> tuple[float, dict[str, float]]:
    """Seconds for a hands-free round at --speed 10, and each scene's seconds, read from the
    scene markers of its recording."""
    cast = Path(state) / "round.cast"
    started = time.monotonic()
    subprocess.run(
        [*DEMO, "--auto", "--once", "--speed", "10", "--state-dir", state, "--record", cast,
         *scenes],
        stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    took = time.monotonic() - started
    events = [json.loads(line) for line in cast.read_text().splitlines()[1:]]
    marks = [(t, text.removeprefix("Scene: ")) for t, kind, text in events if kind == "m"]
    marks = [(t, title) for t, title in marks if not title.startswith(("✔", "✘"))]
    ends = [t for t, _ in marks[1:]] + [events[-1][0]]
    return took, {title: end - t for (t, title), end in zip(marks, ends, strict=True)}


DA1 = b"\x1b[c"
"""The device-attributes query the show asks its terminal (with the background's) at start."""


def answering(child: pexpect.spawn, seen: bytes) -> None:
    """Wait for `seen`, answering the show's questions to its terminal as a terminal does
    (it says nothing of its background, and its device attributes at once)."""
    while child.expect_exact([DA1, seen]) == 0:
        child.send(b"\x1b[?62;22c")


def first_panel(state: str) -> float:
    started = time.monotonic()
    child = pexpect.spawn(DEMO[0], [*DEMO[1:], "--state-dir", state], dimensions=(40, 120))
    answering(child, "╭".encode())
    took = time.monotonic() - started
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return took


def idle_cpu(state: str, seconds: float = 5.0) -> float:
    """Percent of one core the director uses while it waits for the presenter's key."""
    child = pexpect.spawn(DEMO[0], [*DEMO[1:], "--state-dir", state], dimensions=(40, 120))
    answering(child, b"quit")
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
        original = [full_round(state, *ORIGINAL)[0] for _ in range(runs)]
        panels = [first_panel(state) for _ in range(runs)]
        cpu = idle_cpu(state)
    print(f"Director, median of {runs} runs")
    print(f"- full hands-free round at --speed 10: {statistics.median(r[0] for r in rounds):.1f} s")
    for title in rounds[0][1]:
        seconds = [scenes[title] for _, scenes in rounds]
        print(f"  - {title}: {statistics.median(seconds):.1f} s (max {max(seconds):.1f})")
    print(f"- the original talk alone (two scenes, summary): {statistics.median(original):.1f} s")
    print(f"- start to first panel: {statistics.median(panels) * 1000:.0f} ms")
    print(f"- CPU while waiting for a key: {cpu:.1f} % of one core")


if __name__ == "__main__":
    main()
