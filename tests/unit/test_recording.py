"""Recording: what --record may name, the cast in asciinema's v2 format, and the recording's
own console drawing at full fidelity into it."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from rich.panel import Panel

from director.errors import DemoError
from director.formats import Recordings, check_transcript, save_transcript
from director.recording import Cast, Recorder, transcript_console
from tests.conftest import read_cast
from tests.unit.conftest import Clock


def test_cast_records_each_write_as_a_timed_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    clock.now = 100.0
    monkeypatch.setattr("director.recording.time.monotonic", clock)
    cast = Cast(tmp_path / "a.cast", (100, 30), "Talk", idle_limit=2)
    cast.write("one\n")
    clock.now += 1
    cast.marker("Scene: One")
    clock.now += 60  # a long silence is capped at the idle limit
    cast.write("two\r\n")
    cast.resize((120, 40))
    cast.close()
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
        Cast(tmp_path / "no" / "such" / "a.cast", (80, 24), "Talk")
    assert caught.value.status == 2


def test_a_transcript_needs_a_known_suffix(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match=r"use a name ending in \.html, \.svg, \.txt"):
        check_transcript(tmp_path / "talk.pdf")


def test_the_recording_console_draws_colour_and_panels_even_with_no_color_and_a_dumb_term(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "20")
    cast = Cast(tmp_path / "a.cast", (60, 20), "Talk")
    recorder = Recorder(cast, follow_terminal=False)
    recorder.console.print(Panel("[green]hello[/]", title="greeting"))
    cast.close()
    meta, events = read_cast(tmp_path / "a.cast")
    drawn = "".join(event[2] for event in events)
    assert meta["env"]["TERM"] == "xterm-256color"
    assert "\x1b[32mhello" in drawn  # green
    assert len(drawn.split("\r\n")[0]) == 60  # the recording's width, not $COLUMNS
    assert recorder.console.is_terminal and not recorder.console.is_dumb_terminal


@pytest.mark.parametrize("follow", [True, False])
def test_the_recording_follows_the_terminals_size_unless_its_size_was_given(
    tmp_path: Path, follow: bool
) -> None:
    cast = Cast(tmp_path / "a.cast", (100, 30), "Talk")
    recorder = Recorder(cast, follow_terminal=follow)
    recorder.resize((120, 40))
    cast.close()
    _, events = read_cast(tmp_path / "a.cast")
    assert recorder.console.size == ((120, 40) if follow else (100, 30))
    assert events == ([[events[0][0], "r", "120x40"]] if follow else [])


def test_recordings_keep_the_cast_asked_for_and_render_the_rest(tmp_path: Path) -> None:
    asked = [tmp_path / name for name in ("a.gif", "a.cast", "a.mp4", "a.webm", "a.html")]
    recordings = Recordings.of(asked, tmp_path / "state")
    assert recordings == Recordings(asked[1], (asked[0], *asked[2:]))
    assert not any(path.exists() for path in asked), "checking writes nothing"


def test_without_a_cast_asked_for_the_show_keeps_one_in_the_state_directory(
    tmp_path: Path,
) -> None:
    recordings = Recordings.of([tmp_path / "talk.gif"], tmp_path / "state")
    assert recordings == Recordings(tmp_path / "state" / "recording.cast", (tmp_path / "talk.gif",))
    assert Recordings.of([], tmp_path) is None


@pytest.mark.parametrize(
    ("name", "error"),
    [
        (
            "talk.avi",
            r"--record .*talk\.avi: use a name ending in \.cast, \.gif, \.mp4, \.webm, \.html",
        ),
        ("no/such/talk.gif", r"--record .*talk\.gif: the folder .*no/such does not exist"),
        ("folder.mp4", r"--record .*folder\.mp4: a folder, not a file"),
        ("talk.gif talk.gif", r"--record .*talk\.gif: given twice"),
        ("one.cast two.cast", r"--record .*two\.cast: one \.cast at a time"),
    ],
)
def test_a_bad_record_is_a_one_line_usage_error(tmp_path: Path, name: str, error: str) -> None:
    (tmp_path / "folder.mp4").mkdir()
    with pytest.raises(DemoError, match=error) as caught:
        Recordings.of([tmp_path / part for part in name.split()], tmp_path)
    assert caught.value.status == 2 and "\n" not in str(caught.value)


def test_a_file_already_there_is_checked_and_left_as_it_was(tmp_path: Path) -> None:
    there = tmp_path / "talk.gif"
    there.write_bytes(b"GIF89a old")
    Recordings.of([there], tmp_path)
    assert there.read_bytes() == b"GIF89a old"


def test_a_redraw_that_changes_nothing_is_kept_once(tmp_path: Path) -> None:
    cast = Cast(None, (80, 24), "Talk")
    for _ in range(3):
        cast.write("\x1b[H footer")  # a live region redrawn unchanged
    cast.write("\x1b[H footer 2")
    cast.write("\x1b[H footer")
    assert [json.loads(line)[2] for line in cast.text().splitlines()[1:]] == [
        "\x1b[H footer", "\x1b[H footer 2", "\x1b[H footer"
    ]  # fmt: skip
    cast.restart()  # a new take starts with a whole screen, even an unchanged one
    cast.write("\x1b[H footer")
    assert len(cast.text().splitlines()) == 2


SEPARATORS = "\n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029"
"""Every line boundary str.splitlines() knows."""


def test_every_line_separator_is_written_escaped_one_event_a_line() -> None:
    cast = Cast(None, (80, 24), f"Talk{SEPARATORS}")
    cast.marker(f"Scene: {SEPARATORS}")
    cast.write(f"said {SEPARATORS}")
    text = cast.text()
    assert text.splitlines() == text.split("\n")[:-1], "no reader can cut a line"
    header, *events = map(json.loads, text.splitlines())
    assert header["title"] == "Talk"
    assert [event[1:] for event in events] == [
        ["m", "Scene:"],
        ["o", "said \r\n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029"],
    ]


@pytest.mark.parametrize("name", ["talk.cast", "talk.gif", "talk.mp4", "talk.txt"])
@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_a_fifo_a_socket_or_a_device_is_refused_and_never_opened(
    tmp_path: Path, name: str, kind: str
) -> None:
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)  # opened for writing, it would wait for a reader forever
    elif kind == "socket":
        bound = socket.socket(socket.AF_UNIX)
        bound.bind(str(path))
    else:
        path = tmp_path / "null" / name
        path.parent.mkdir()
        path.symlink_to("/dev/null")
    check = check_transcript if name.endswith(".txt") else lambda p: Recordings.of([p], tmp_path)
    flag = "--transcript" if name.endswith(".txt") else "--record"
    words = {"fifo": "a FIFO", "socket": "a socket", "device": "a device"}[kind]
    with pytest.raises(
        DemoError, match=rf"^{flag} .*{name}: {words}, not a regular file$"
    ) as caught:
        check(path)
    assert caught.value.status == 2
    if kind == "socket":
        bound.close()


def test_a_transcript_is_whole_at_its_name_or_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "talk.txt"
    path.write_text("an earlier transcript")
    console = transcript_console(path, 40)
    console.print("the show")

    def disk_full(written: str) -> None:
        Path(written).write_text("the sh")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(console, "save_text", disk_full)
    with pytest.raises(DemoError, match=r"cannot write the transcript .*: No space left"):
        save_transcript(console, path, "Talk")
    assert path.read_text() == "an earlier transcript"
    monkeypatch.undo()
    save_transcript(console, path, "Talk")
    assert path.read_text() == "the show\n"
    assert [p.name for p in tmp_path.iterdir()] == ["talk.txt"], "no temporary file left"


def test_a_marker_and_the_casts_title_are_one_line_whatever_they_are_given(
    tmp_path: Path,
) -> None:
    cast = Cast(tmp_path / "a.cast", (80, 24), "Talk\r\n[CHAPTER]\x00\x1b[31m\u2028red\x85")
    cast.marker("✔ output matches 'a\\nb'\r\nTIMEBASE=1/1\x7fend\x9b")
    cast.close()
    meta, events = read_cast(tmp_path / "a.cast")
    assert meta["title"] == "Talk [CHAPTER] [31m red"
    assert events == [[events[0][0], "m", "✔ output matches 'a\\nb' TIMEBASE=1/1 end"]]
