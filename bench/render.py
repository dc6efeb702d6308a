"""Measure rendering: each output of one recorded hands-free show, alone and all at once,
against the recording's length (the goal: the GIF in at most 10 % of it).

Run: .venv/bin/python bench/render.py [--speed 1] [--all]. Prints lines for docs/figures.md.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from director.formats import FORMATS, Look  # noqa: E402
from director.rendering import render  # noqa: E402

ORIGINAL = ["--scene", "before-temporal", "--scene", "with-temporal", "--scene", "summary"]
OUTPUTS = [ending for ending, format in FORMATS.items() if format.render]
"""Every format rendered from the cast."""


def record(folder: Path, speed: float, scenes: list[str]) -> tuple[Path, float]:
    """A hands-free round recorded at 100x30 (stdout piped): the cast and its length."""
    cast = folder / "show.cast"
    subprocess.run(
        [sys.executable, str(ROOT / "demo.py"), "--auto", "--once", "--speed", str(speed),
         "--state-dir", str(folder / "state"), "--record", str(cast), *scenes],
        stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    last = cast.read_text(encoding="utf-8").splitlines()[-1]
    return cast, float(last[1 : last.index(",")])


def timed(cast: Path, outputs: list[Path]) -> tuple[float, list[int]]:
    """Seconds to render `outputs` from `cast` at once with the defaults; their sizes."""
    quiet = Console(file=io.StringIO())
    started = time.monotonic()
    done = render(cast, outputs, Look(), quiet)
    return time.monotonic() - started, [rendered.bytes for rendered in done]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--all", action="store_true", help="the whole playlist")
    args = parser.parse_args()
    scenes = [] if args.all else ORIGINAL
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        cast, length = record(folder, args.speed, scenes)
        talk = "the whole playlist" if args.all else "the original talk"
        print(f"Rendering {talk} recorded at --speed {args.speed:g} ({length:.1f} s, 100x30, "
              f"the default fonts), each output alone:")  # fmt: skip
        for suffix in OUTPUTS:
            seconds, sizes = timed(cast, [folder / f"alone{suffix}"])
            print(f"- {suffix[1:]:>4}: {seconds:5.1f} s = {100 * seconds / length:4.1f} % of the "
                  f"show, {sizes[0] / 1e6:.1f} MB")  # fmt: skip
        together, _ = timed(cast, [folder / f"all{suffix}" for suffix in OUTPUTS])
        print(f"- all {len(OUTPUTS)} at once: {together:.1f} s = "
              f"{100 * together / length:.1f} % of the show")  # fmt: skip


if __name__ == "__main__":
    main()
