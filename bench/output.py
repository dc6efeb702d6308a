"""Measure a program that prints a lot: a talk of one scene whose command prints 20 MB in
lines, or 5 MB on one line, played hands-free; the show's seconds and the director's peak
RSS, beside the program alone printing into a pty.

Run: .venv/bin/python bench/output.py [--runs 3]. Prints lines for docs/figures.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import psutil

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "one line (the show's own cost)": 'print("the end")',
    "20 MB in lines (270,000 lines of 75)": "import sys; w = sys.stdout.write; "
    '[w("line %07d " % i + "x" * 60 + "\\n") for i in range(270000)]',
    "5 MB on one line": 'import sys; sys.stdout.write("y" * 5000000 + "\\nthe end\\n")',
}
SCENE = """title = "Output"
[[steps]]
kind = "run"
command = ["{{python}}", "-c", {code}]
[[steps]]
kind = "wait_for"
exit = true
timeout = 600
[[steps]]
kind = "expect"
output_lacks = "Traceback"
exit_status = 0
"""


def alone(code: str) -> float:
    """Seconds for the program to print it all into a pty read as fast as it comes."""
    started = time.monotonic()
    child = pexpect.spawn(sys.executable, ["-c", code], dimensions=(40, 120), timeout=600)
    while True:
        try:
            child.read_nonblocking(65536, timeout=60)
        except pexpect.EOF:
            break
    child.close()
    return time.monotonic() - started


def show(code: str, folder: Path) -> tuple[float, float, bool]:
    """Seconds for the hands-free show of one scene running `code`, the director's peak RSS
    in MB, and whether every claim held."""
    scenes = folder / "scenes"
    scenes.mkdir(exist_ok=True)
    (scenes / "playlist.toml").write_text('title = "Output"\nscenes = ["out"]\n')
    (scenes / "out.toml").write_text(SCENE.format(code=json.dumps(code)))
    argv = [str(ROOT / "demo.py"), "--auto", "--once", "--speed", "20", "--scenes", str(scenes)]
    argv += ["--state-dir", str(folder / "state")]
    started = time.monotonic()
    child = pexpect.spawn(sys.executable, argv, dimensions=(40, 120), timeout=600)
    director, peak = psutil.Process(child.pid), 0.0
    while True:
        try:
            child.read_nonblocking(65536, timeout=0.05)
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
        with contextlib.suppress(psutil.Error):
            peak = max(peak, director.memory_info().rss / 1e6)
    child.close()
    return time.monotonic() - started, peak, child.exitstatus == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"A program that prints a lot, median of {runs} runs")
    for name, code in CASES.items():
        shows = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                shows.append(show(code, Path(folder)))
        printing = statistics.median(alone(code) for _ in range(runs))
        seconds = statistics.median(s for s, _, _ in shows)
        peak = max(p for _, p, _ in shows)
        held = "every claim held" if all(h for _, _, h in shows) else "NOT every claim held"
        print(f"- {name}: the show {seconds:.1f} s (the program alone into a pty "
              f"{printing:.1f} s), director peak RSS {peak:.0f} MB, {held}")  # fmt: skip


if __name__ == "__main__":
    main()
