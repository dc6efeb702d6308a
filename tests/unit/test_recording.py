"""Recording: the cast stands between Rich and the terminal, in asciinema's v2 format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from director.errors import DemoError
from director.recording import Cast, transcript_console
from tests.conftest import read_cast
from tests.unit.conftest import Clock


def test_cast_passes_output_through_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    clock.now = 100.0
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


def test_a_cast_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="cannot write the recording") as caught:
        Cast(tmp_path / "no" / "such" / "a.cast", io.StringIO(), (80, 24), "Talk")
    assert caught.value.status == 2


def test_a_transcript_needs_a_known_suffix(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match=r"use a name ending in \.html, \.svg, \.txt"):
        transcript_console(tmp_path / "talk.pdf", 80)
