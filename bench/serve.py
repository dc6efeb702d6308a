"""--serve: how long the stage takes to reach a live viewer, and whether viewers that never
read (and a flood of silent connections) slow a hands-free round.

    .venv/bin/python bench/serve.py [--frames 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import pexpect
from websockets.sync.client import connect

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))

from director.admission import TCP_CAP  # noqa: E402
from director.serving import Server  # noqa: E402
from director.streaming import HOME, Stream  # noqa: E402
from tests.e2e.test_serving import stalled  # noqa: E402

ROUND = ["--auto", "--once", "--speed", "10", "--layout", "stage", "--scene", "before-temporal"]


def delays(frames: int) -> list[float]:
    """Milliseconds from the stage's write of a frame to a viewer's receipt of it: frames
    the size of a 120x40 stage, 8 a second as the stage draws them."""
    with TemporaryDirectory() as state:
        stream = Stream((120, 40), "bench")
        with Server("127.0.0.1", 0, stream, None, Path(state)) as server:
            url = server.links()["view"].replace("http", "ws").replace("/live?", "/live/stream?")
            written: dict[int, float] = {}
            took: list[float] = []
            with connect(url, subprotocols=["v2.asciicast"]) as viewer:
                viewer.recv()
                viewer.recv()  # the header and the whole screen
                for n in range(frames):
                    written[n] = time.monotonic()
                    stream.write(f"{HOME}frame {n:06d} " + "x" * 6000)
                    message = str(viewer.recv(timeout=5))
                    took.append((time.monotonic() - written[n]) * 1000)
                    assert f"frame {n:06d}" in message
                    time.sleep(0.125)
    return took


def round_seconds(state: Path, *extra: str, load: bool = False, flood: bool = True) -> float:
    """A hands-free round's wall time, from start to exit; with `load`, three viewers that
    never read, one that does, and 4 x TCP_CAP silent connections on its server."""
    began = time.monotonic()
    argv = [str(CHECKOUT / "demo.py"), "--state-dir", str(state), *ROUND, *extra]
    child = pexpect.spawn(sys.executable, argv, dimensions=(40, 120), encoding="utf-8", timeout=120)
    held: list[socket.socket] = []
    if load:
        child.expect(r"watch: (http://\S+)")
        url = child.match[1].replace("http", "ws").replace("/live?", "/live/stream?")
        host, port = url.removeprefix("ws://").split("/")[0].rsplit(":", 1)
        threading.Thread(target=_watch, args=(url,), daemon=True).start()
        held = [stalled(url) for _ in range(3)]
        if flood:
            held += [socket.create_connection((host, int(port))) for _ in range(4 * TCP_CAP)]
    child.expect(pexpect.EOF)
    child.close()
    for sock in held:
        sock.close()
    assert child.exitstatus == 0, child.before
    return time.monotonic() - began


def _watch(url: str) -> None:
    with connect(url, subprotocols=["v2.asciicast"]) as viewer:
        for _ in viewer:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    took = sorted(delays(args.frames))
    p95 = took[int(len(took) * 0.95)]
    print(f"live view, {len(took)} frames of 6 kB: median {statistics.median(took):.1f} ms, "
          f"95th percentile {p95:.1f} ms, worst {took[-1]:.1f} ms")  # fmt: skip
    with TemporaryDirectory() as state:
        alone = [round_seconds(Path(state)) for _ in range(args.rounds)]
        served = [round_seconds(Path(state), "--serve", "0", load=True) for _ in range(args.rounds)]
    for name, times in (("no --serve", alone), ("--serve, loaded", served)):
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(f"hands-free round ({name}): median {statistics.median(times):.2f} s ({shown})")


if __name__ == "__main__":
    main()
