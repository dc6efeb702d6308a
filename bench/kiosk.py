"""Measure a kiosk: many hands-free rounds; director memory, open files, children, db file size,
a round's time (with --stopped-follower: while a notes screen follows, stopped as Ctrl-Z stops it;
with --served: served with --serve, a live viewer and a phone following every round).

Run: .venv/bin/python bench/kiosk.py [--rounds 200] [--speed 20] [--scene NAME ...]
     [--stopped-follower] [--served]
Prints a line every 20 rounds and a summary for docs/figures.md.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import pexpect
import psutil
from websockets.sync.client import connect

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
    parser.add_argument(
        "--stopped-follower", action="store_true", help="a notes screen follows, SIGSTOPped"
    )
    parser.add_argument(
        "--served", action="store_true", help="--serve, a live viewer and a phone following"
    )
    args = parser.parse_args()
    state_dir = tempfile.TemporaryDirectory(prefix="kiosk-")
    state = Path(state_dir.name)
    argv = [str(ROOT / "demo.py"), "--auto", "--rounds", str(args.rounds), "--layout", "scroll"]
    argv += ["--speed", str(args.speed), "--state-dir", str(state)]
    argv += ["--db-limit", str(args.db_limit), "--layout", "scroll"]  # a round's line, whole
    for scene in args.scene:
        argv += ["--scene", scene]
    argv += ["--serve", "0"] if args.served else []
    child = pexpect.spawn(sys.executable, argv, timeout=600, dimensions=(40, 120))
    director = psutil.Process(child.pid)
    if args.served:
        child.expect(rb"watch: (http://\S+)")
        view = child.match.group(1).decode()
        child.expect(rb"QR code\): (http://\S+)")
        drive = child.match.group(1).decode()
        for url in (
            view.replace("/live?", "/live/stream?"),
            drive.replace("/notes?", "/notes/socket?"),
        ):
            threading.Thread(
                target=_follow, args=(url.replace("http", "ws", 1),), daemon=True
            ).start()
    started = time.monotonic()
    rows, failed, ended = [], 0, [started]
    notes = None
    if args.stopped_follower:
        notes_argv = [str(ROOT / "demo.py"), "--notes", "--state-dir", str(state)]
        notes = pexpect.spawn(sys.executable, notes_argv, timeout=60, dimensions=(30, 100))
        notes.expect(rb"Scene \d+ of")  # it follows the show
        notes.kill(signal.SIGSTOP)
    for _ in range(args.rounds):
        child.expect(ROUND)
        ended.append(time.monotonic())
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
    if notes is not None:
        notes.kill(signal.SIGCONT)
        notes.close(force=True)
    state_dir.cleanup()
    minutes = (time.monotonic() - started) / 60
    rss = [r[1] for r in rows]
    print(f"\n{args.rounds} rounds at --speed {args.speed:g} in {minutes:.1f} min, {failed} failed")
    took = [b - a for a, b in itertools.pairwise(ended[1:])]  # the first also starts Temporal
    if took:
        stopped = " (a notes screen following, stopped)" if args.stopped_follower else ""
        average = sum(took) / len(took)
        print(f"- a round: {average:.2f} s on average, {max(took):.2f} s at most{stopped}")
    print(f"- director RSS: {rss[0]:.1f} MB after round 1, {rss[-1]:.1f} MB after the last")
    print(f"  (growth {rss[-1] - rss[0]:+.1f} MB; max {max(rss):.1f} MB)")
    print(f"- open fds between rounds: {sorted({r[2] for r in rows})}")
    print(f"- children between rounds: {sorted({r[3] for r in rows})}")
    largest = max(r[4] for r in rows)
    print(f"- dev server db files: max {largest:.2f} MB (--db-limit {args.db_limit:g})")


def _follow(url: str) -> None:
    """A client that reads everything the server sends, until the show ends."""
    with connect(url, subprotocols=["v2.asciicast"]) as client:
        for _ in client:
            pass


if __name__ == "__main__":
    main()
