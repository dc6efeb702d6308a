"""Measure a kiosk: many hands-free rounds; director memory, open files, children, db file size.

Run: .venv/bin/python bench/kiosk.py [--rounds 200] [--speed 20] [--scene NAME ...]
Prints a line every 20 rounds and a summary for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import psutil

ROOT = Path(__file__).resolve().parent.parent
ROUND = rb"Round (\d+)(?:\x1b\[[0-9;]*m)*(: every claim held| FAILED)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--speed", type=float, default=20)
    parser.add_argument("--scene", action="append", default=[])
    parser.add_argument(
        "--db-limit", type=float, default=8, help="MB; below the default 32 so 200 rounds trim"
    )
    args = parser.parse_args()
    state_dir = tempfile.TemporaryDirectory(prefix="kiosk-")
    state = Path(state_dir.name)
    argv = [str(ROOT / "demo.py"), "--auto", "--rounds", str(args.rounds)]
    argv += ["--speed", str(args.speed), "--state-dir", str(state)]
    argv += ["--db-limit", str(args.db_limit)]
    for scene in args.scene:
        argv += ["--scene", scene]
    child = pexpect.spawn(sys.executable, argv, timeout=600, dimensions=(40, 120))
    director = psutil.Process(child.pid)
    started = time.monotonic()
    rows, failed = [], 0
    for _ in range(args.rounds):
        child.expect(ROUND)
        number, outcome = int(child.match.group(1)), child.match.group(2)
        failed += outcome != b": every claim held"
        rows.append(
            (
                number,
                director.memory_info().rss / 1e6,
                director.num_fds(),
                len(director.children(recursive=True)),
                sum(f.stat().st_size for f in state.glob("temporal.db*")) / 1e6,
            )
        )
        if number % 20 == 0 or number == 1:
            n, rss, fds, kids, size = rows[-1]
            print(f"round {n:4d}: RSS {rss:6.1f} MB, fds {fds}, children {kids}, db {size:.2f} MB")
    child.expect(pexpect.EOF)
    child.close()
    state_dir.cleanup()
    minutes = (time.monotonic() - started) / 60
    rss = [r[1] for r in rows]
    print(f"\n{args.rounds} rounds at --speed {args.speed:g} in {minutes:.1f} min, {failed} failed")
    print(f"- director RSS: {rss[0]:.1f} MB after round 1, {rss[-1]:.1f} MB after the last")
    print(f"  (growth {rss[-1] - rss[0]:+.1f} MB; max {max(rss):.1f} MB)")
    print(f"- open fds between rounds: {sorted({r[2] for r in rows})}")
    print(f"- children between rounds: {sorted({r[3] for r in rows})}")
    largest = max(r[4] for r in rows)
    print(f"- dev server db files: max {largest:.2f} MB (--db-limit {args.db_limit:g})")


if __name__ == "__main__":
    main()
