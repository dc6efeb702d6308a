"""Measure the live history: how late each event reaches the pane (the follower's snapshot)
after Temporal wrote it, on the embedded dev server (the same clock on both sides).

Run: .venv/bin/python bench/history.py [--runs 3]. Prints lines for docs/figures.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "counter" / "durable-execution")]

from businesslogic import CountTo  # noqa: E402

from director.devserver import DevServer  # noqa: E402
from director.following import Follower  # noqa: E402


def one_run(server: DevServer, run: int, by_id: bool = False) -> list[float]:
    """Each event's lag (seconds) from its time in the history to the follower's snapshot."""
    workflow_id = f"bench-history-{run}"
    config = {"target_host": server.address, "namespace": "default"}
    follower = Follower(lambda: config, workflow_id).start()  # before the workflow exists
    seen: dict[int, datetime] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            now = datetime.now(UTC)
            for event in follower.events:
                seen.setdefault(event.id, now)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    async def count() -> None:
        client = await Client.connect(server.address)
        queue = f"bench-{workflow_id}"
        async with Worker(client, task_queue=queue, workflows=[CountTo]):
            await client.execute_workflow(
                CountTo.count_to, args=[10, 0.2], id=workflow_id, task_queue=queue
            )

    with contextlib.redirect_stdout(io.StringIO()):  # the workflow prints its numbers
        asyncio.run(count())
    deadline = time.monotonic() + 5
    while not follower.done and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    done.set()
    watcher.join()
    follower.stop()
    lags = [(e.id, (seen[e.id] - e.time).total_seconds()) for e in follower.events if e.id in seen]
    if by_id:
        print(sorted(lags, key=lambda lag: -lag[1])[:5])
    return [lag for _, lag in lags]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--by-id", action="store_true", help="the latest events of each run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        server = DevServer(Path(state) / "bench.db", ui=False)
        server.start()
        try:
            lags = [lag for run in range(args.runs) for lag in one_run(server, run, args.by_id)]
        finally:
            server.stop()
    lags.sort()
    p95 = lags[int(0.95 * (len(lags) - 1))]
    print(
        f"- The live history: {len(lags)} events over {args.runs} workflows, each seen by the "
        f"pane {statistics.median(lags) * 1000:.0f} ms after Temporal wrote it (median; "
        f"95th percentile {p95 * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms)."
    )


if __name__ == "__main__":
    main()
