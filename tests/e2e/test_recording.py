"""Recording: the cast's v2 format, markers and idle limit; real recordings played by asciinema."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pexpect

from tests.conftest import director, plain, read_cast, shown

ASCIINEMA = str(Path(sys.executable).parent / "asciinema")


def plays(path: Path) -> bool:
    """`asciinema cat` reads it whole, and `asciinema play` plays it in a terminal."""
    done = subprocess.run(
        [ASCIINEMA, "cat", str(path)], stdin=subprocess.DEVNULL, capture_output=True, timeout=60
    )
    player = pexpect.spawn(ASCIINEMA, ["play", "-s", "50", "-i", "0.1", str(path)], timeout=60)
    player.expect(pexpect.EOF)
    player.close()
    return done.returncode == 0 and player.exitstatus == 0


def test_hands_free_recording_plays_with_markers_and_numbers_in_order(tmp_path: Path) -> None:
    cast = tmp_path / "demo.cast"
    html, svg = tmp_path / "demo.html", tmp_path / "demo.svg"
    child = director(
        tmp_path, "--auto", "--once", "--speed", "20", "--record", str(cast),
        "--transcript", str(html), "--scene", "before-temporal", "--scene", "with-temporal",
    )  # fmt: skip
    child.expect(shown("Round 1: every claim held."))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    _, events = read_cast(cast)
    markers = [e[2] for e in events if e[1] == "m"]
    assert markers[0] == "Scene: Before Temporal"
    assert "Scene: With Temporal" in markers
    assert "✔ after the restart it carries on at the next number" in markers
    output = plain("".join(e[2] for e in events if e[1] == "o"))
    # Each run's panel as it ended (the live region also drew it while it ran).
    ended = r"╭─+ \$ python start-execution\.py[^╮]*╮([^╭]*?)╰─+ (?:stopped|exited)"
    runs = [[int(n) for n in re.findall(r"│ (\d+) +│", p)] for p in re.findall(ended, output)]
    runs = [run for i, run in enumerate(runs) if i == 0 or run != runs[i - 1]]
    naive, again, durable, resumed = runs
    # Ctrl-C is sent once 5 is printed; at --speed 20 (50 ms a number) on a loaded machine
    # a number or two more may come before it lands. What the claims prove holds anyway.
    assert naive == list(range(1, len(naive) + 1)) and 5 <= len(naive) < 10
    assert again == list(range(1, 11))
    assert durable == list(range(1, len(durable) + 1)) and 5 <= len(durable) < 10
    assert resumed == list(range(len(durable) + 1, 11))
    assert plays(cast)
    assert "Before Temporal" in html.read_text()

    child = director(
        tmp_path, "--auto", "--once", "--speed", "20", "--scene", "before-temporal",
        "--transcript", str(svg),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert svg.read_text().startswith("<svg")


def test_recording_cut_by_ctrl_c_is_valid_up_to_there(tmp_path: Path) -> None:
    cast = tmp_path / "cut.cast"
    child = director(tmp_path, "--auto", "--speed", "4", "--record", str(cast))
    child.expect(shown("│ 2 "))
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    _, events = read_cast(cast)
    assert events and plays(cast)
