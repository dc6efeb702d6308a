"""Recording: the cast's v2 format, markers and idle limit; real recordings played by asciinema."""

from __future__ import annotations

import io
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from director.recording import Cast
from tests.test_demo import director, plain, shown

ASCIINEMA = str(Path(sys.executable).parent / "asciinema")


def read_cast(path: Path) -> tuple[dict, list[list]]:
    """The header and the events, each line checked against asciinema's v2 format."""
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    meta = json.loads(header)
    assert meta["version"] == 2
    assert isinstance(meta["width"], int) and isinstance(meta["height"], int)
    assert isinstance(meta["timestamp"], int) and meta["title"]
    assert set(meta["env"]) == {"TERM", "SHELL"}
    events = [json.loads(line) for line in lines]
    for event in events:
        assert len(event) == 3 and isinstance(event[0], float | int)
        assert event[1] in ("o", "m", "r") and isinstance(event[2], str)
    times = [event[0] for event in events]
    assert times == sorted(times), "times never go back"
    return meta, events


def plays(path: Path) -> bool:
    """`asciinema cat` reads it whole, and `asciinema play` plays it in a terminal."""
    done = subprocess.run(
        [ASCIINEMA, "cat", str(path)], stdin=subprocess.DEVNULL, capture_output=True, timeout=60
    )
    player = pexpect.spawn(ASCIINEMA, ["play", "-s", "50", "-i", "0.1", str(path)], timeout=60)
    player.expect(pexpect.EOF)
    player.close()
    return done.returncode == 0 and player.exitstatus == 0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cast_passes_output_through_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr("director.recording.time.monotonic", clock)
    terminal = io.StringIO()
    cast = Cast(tmp_path / "a.cast", terminal, (100, 30), "Talk", idle_limit=2)
    cast.write("one\n")
    clock.now += 1
    cast.marker("Scene: One")
    clock.now += 60  # a long silence is capped at the idle limit
    cast.write("two\r\n")
    cast.resize((120, 40))
    cast.close()
    assert terminal.getvalue() == "one\ntwo\r\n"
    meta, events = read_cast(tmp_path / "a.cast")
    assert (meta["width"], meta["height"], meta["idle_time_limit"]) == (100, 30, 2)
    assert events == [
        [0.0, "o", "one\r\n"],
        [1.0, "m", "Scene: One"],
        [3.0, "o", "two\r\n"],
        [3.0, "r", "120x40"],
    ]


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
    assert runs == [[1, 2, 3, 4, 5], list(range(1, 11)), [1, 2, 3, 4, 5], list(range(6, 11))]
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
