"""Captions: the words on screen cut into cues of two lines, their lanes and ends as the
narrator changes the screen, the cast's clock after an idle cut, merged for mov_text, and
written as WebVTT and SubRip that parse back."""

from __future__ import annotations

import html
import io
from itertools import pairwise
from pathlib import Path

import pytest
import srt
import webvtt

from director import captions as files
from director.captions import KEY_SECONDS, ROWS, WIDTH, Captions, Cue, merged, split
from director.claims import Verdict
from director.layouts import LAYOUTS
from director.narration import Narrator
from director.recording import Cast, Recorder
from director.screen import LINES_KEPT
from tests.unit.conftest import Clock, console

LONG = (
    "Everything the program had done was forgotten. It did numbers 1 to 5 twice. For a "
    "counter that's harmless. For real work it is not: a customer charged twice for one "
    "purchase, two emails, two shipments."
)


def recorded(
    monkeypatch: pytest.MonkeyPatch, idle_limit: float | None = None
) -> tuple[Narrator, Captions, Cast, Clock]:
    """A narrator recording into a cast that collects captions, on a clock the test moves."""
    clock = Clock()
    monkeypatch.setattr("director.recording.time.monotonic", clock)
    captions = Captions()
    cast = Cast(None, (100, 30), "Talk", idle_limit, captions)
    recorder = Recorder(cast, follow_terminal=False)
    narrator = Narrator(console(100), recorders=(recorder,), layout=LAYOUTS["stage"])
    return narrator, captions, cast, clock


def spans(cues: list[Cue]) -> list[tuple[float, float, str]]:
    return [(cue.start, cue.end, cue.text) for cue in cues]


def test_long_text_is_cut_into_cues_of_two_lines_at_words() -> None:
    cut = split(f"A title\n{LONG} https://docs.temporal.io/{'x' * 50}")
    rows = [row for cue in cut for row in cue.split("\n")]
    assert all(len(cue.split("\n")) <= ROWS for cue in cut) and len(cut) > 2
    assert rows[0] == "A title", "a paragraph starts a line of its own"
    assert all(len(row) <= WIDTH for row in rows[:-1]) and len(rows[-1]) > WIDTH, (
        "a word longer than a line is kept whole, on a line of its own"
    )
    assert " ".join(rows).split() == f"A title {LONG} https://docs.temporal.io/{'x' * 50}".split()
    assert split("short, on one line") == ["short, on one line"]
    last = split(
        "after the restart it carries on at the next number  last before: 5, first after: 6"
    )[-1]
    assert len(last.split("\n")) == ROWS, "balanced: the last cue is no lone word"


def test_a_panel_and_its_lines_each_last_until_replaced_cleared_or_pushed_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.narrate("A program that counts", "It counts from **1 to 10**, `one` a second.")
    clock.now += 2
    narrator.info("Sending [bold]Ctrl-C (SIGINT)[/] to the counter")
    clock.now += 1
    narrator.verdict(Verdict("it starts over at 1", True, "saw 1"))
    clock.now += 1
    narrator.ask("What number will it show first?")  # a new main panel clears the lines
    clock.now += 3
    narrator.scene(2, 2, "With Temporal")  # a new scene ends the panel
    clock.now += 1
    narrator.failure("the counter did not start")
    clock.now += 2
    narrator.clear()  # a new kiosk round
    cast.close()
    cues = captions.cues()
    assert spans(cues) == [
        (0.0, 4.0, "A program that counts\nIt counts from 1 to 10, one a second."),
        (2.0, 4.0, "Sending Ctrl-C (SIGINT) to the counter"),
        (3.0, 4.0, "✔ it starts over at 1  saw 1"),
        (4.0, 7.0, "Question for the room\nWhat number will it show first?"),
        (8.0, 10.0, "Step failed\nthe counter did not start"),
    ], "the words on screen, no markup, no info line's mark"
    assert [cue.lane for cue in cues] == ["main", "line", "line", "main", "line"]


def test_a_text_replaced_at_once_is_still_read_for_a_second_within_the_recording(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.say("[stage.heading]Talk  -  round 1[/]")
    clock.now += 0.002  # the scene clears it at once
    narrator.scene(1, 1, "Before Temporal")
    narrator.narrate("A program that counts", "It counts.")
    clock.now += 2
    narrator.info("Sending [bold]Ctrl-C (SIGINT)[/] to the counter")
    clock.now += 0.2  # the question replaces it: a frame or two
    narrator.ask("What number will it show first?")
    clock.now += 0.4
    cast.marker("the recording's last event")
    cast.close()
    assert [
        tuple(round(t, 3) if isinstance(t, float) else t for t in span)
        for span in spans(captions.cues())
    ] == [
        (0.0, 1.0, "Talk  -  round 1"),
        (0.002, 2.202, "A program that counts\nIt counts."),
        (2.002, 2.602, "Sending Ctrl-C (SIGINT) to the counter"),
        (2.202, 2.602, "Question for the room\nWhat number will it show first?"),
    ], "a second each at least, to the recording's end at most"
    assert files.READABLE == 1.0


def test_what_still_shows_ends_at_the_recordings_last_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.narrate("It started over", "Everything was forgotten.")
    clock.now += 1
    narrator.failure("the counter did not start")
    clock.now += 2
    cast.write("drawn")
    clock.now += 30  # the show ends later: nothing is drawn after the last event
    cast.close()
    assert spans(captions.cues()) == [
        (0.0, 3.0, "It started over\nEverything was forgotten."),
        (1.0, 3.0, "Step failed\nthe counter did not start"),
    ]
    narrator.info("said after the end")
    assert len(captions.cues()) == 2, "nothing is collected once the recording ended"


def test_a_line_pushed_out_by_newer_ones_ends_then(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    for number in range(LINES_KEPT + 1):
        narrator.info(f"line {number}")
        clock.now += 1
    cast.write("drawn")
    cast.close()
    cues = {cue.text: cue for cue in captions.cues()}
    assert (cues["line 0"].start, cues["line 0"].end) == (0.0, LINES_KEPT)
    assert all(cues[f"line {n}"].end == LINES_KEPT + 1 for n in range(1, LINES_KEPT + 1))


def test_the_same_words_said_again_are_a_cue_again(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    for _ in range(LINES_KEPT + 1):  # the screen's lines read the same before and after
        narrator.info("tick")
        clock.now += 1
    narrator.clear()
    cast.close()
    ticks = spans(captions.cues())
    assert len(ticks) == LINES_KEPT + 1 and ticks[0] == (0.0, LINES_KEPT, "tick")


def test_a_long_panel_shares_its_time_among_its_cues_by_their_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.narrate("It started over", LONG)
    clock.now += 20
    narrator.clear()
    cast.close()
    assert spans(captions.cues()) == [(0.0, 20.0, f"It started over\n{LONG}")], "as shown"
    cues = files.cut(captions.cues())
    assert len(cues) == len(split(f"It started over\n{LONG}")) > 2
    assert cues[0].start == 0.0 and cues[-1].end == 20.0
    assert all(a.end == b.start for a, b in pairwise(cues)), "one after the other"
    seconds = [(cue.end - cue.start) / len(cue.text) for cue in cues]
    assert max(seconds) - min(seconds) < 0.01, "each for its share, by its length"


def test_nothing_is_captioned_while_the_screen_is_black(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.narrate("A program that counts", "It counts.")
    clock.now += 2
    narrator.toggle("blackout")
    clock.now += 5
    narrator.toggle("blackout")
    clock.now += 1
    narrator.clear()
    cast.close()
    assert [(c.start, c.end) for c in captions.cues()] == [(0.0, 2.0), (7.0, 8.0)]


def test_a_table_code_or_a_program_is_no_caption(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.summary("What the programs printed", [])
    narrator.code("x = 1\n", "a.py", None, set(), "a.py")
    clock.now += 1
    narrator.clear()
    cast.close()
    assert captions.cues() == []


def test_a_key_is_a_short_cue_of_its_own_until_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator, captions, cast, clock = recorded(monkeypatch)
    narrator.key("^C")
    clock.now += 0.5
    narrator.key("kill -9")
    clock.now += 5
    narrator.key("kill")
    clock.now += 1
    cast.write("drawn")
    cast.close()
    assert spans(captions.cues()) == [
        (0.0, 0.5, "^C"),
        (0.5, 0.5 + KEY_SECONDS, "kill -9"),
        (5.5, 6.5, "kill"),
    ]
    assert {cue.lane for cue in captions.cues()} == {"key"}


def test_only_the_recording_that_collects_captions_is_given_them(tmp_path: Path) -> None:
    take = Recorder(Cast(None, (80, 24), "Talk"), follow_terminal=False)
    assert Narrator(console(60), recorders=(take,)).captions is None, "a take collects none"
    captions = Captions()
    recording = Recorder(
        Cast(tmp_path / "a.cast", (80, 24), "Talk", None, captions), follow_terminal=False
    )
    assert Narrator(console(60), recorders=(recording, take)).captions is captions


def test_captions_are_on_the_casts_clock_after_an_idle_cut(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clock = Clock()
    monkeypatch.setattr("director.recording.time.monotonic", clock)
    captions = Captions()
    cast = Cast(tmp_path / "a.cast", (100, 30), "Talk", 2, captions)
    narrator = Narrator(console(100), recorders=(Recorder(cast, follow_terminal=False),))
    cast.write("one")
    clock.now += 60  # cut to 2 s
    narrator.key("^C")
    assert cast.now() == 2.0
    clock.now += 1
    cast.write("two")  # its pause cut as if the clock had not been read (not 3.0)
    clock.now += 1
    cast.write("three")
    cast.close()
    events = (tmp_path / "a.cast").read_text().splitlines()[1:]
    assert [float(event.split(",")[0].strip("[")) for event in events] == [0.0, 2.0, 3.0]
    assert spans(captions.cues()) == [(2.0, 3.0, "^C")]


def test_merged_cues_never_overlap_and_keep_every_text() -> None:
    cues = [
        Cue(0.0, 10.0, "A program that counts", "main"),
        Cue(2.0, 10.0, "Sending Ctrl-C", "line"),
        Cue(3.0, 4.5, "^C", "key"),
        Cue(4.0, 10.0, "✔ it starts over", "line"),
        Cue(12.0, 14.0, "Question for the room", "main"),
    ]
    found = merged(cues)
    assert all(a.end <= b.start for a, b in pairwise(found)), "none overlapping"
    for cue in cues:
        during = [m for m in found if cue.start <= m.start < cue.end]
        assert during and all(cue.text in m.text.split("\n") for m in during), cue
        assert during[0].start == cue.start and max(m.end for m in during) == cue.end
    assert found[2] == Cue(3.0, 4.0, "A program that counts\nSending Ctrl-C\n^C"), (
        "the panel first, then the lines, then the key"
    )
    assert len(found) == 6, "a change no text makes (nothing from 10 s to 12 s) is no cue"


def test_webvtt_and_subrip_parse_back_with_their_libraries() -> None:
    cues = [
        Cue(0.5, 3723.25, "A <b> & a --> arrow\nsecond line", "main"),
        Cue(1.0, 2.0, "^C", "key"),
    ]
    read = webvtt.from_buffer(io.StringIO(files.vtt(cues)))
    assert [(c.start, c.end) for c in read.captions] == [
        ("00:00:00.500", "01:02:03.250"),
        ("00:00:01.000", "00:00:02.000"),
    ]
    assert [html.unescape(c.text) for c in read.captions] == [cue.text for cue in cues]
    parsed = list(srt.parse(files.subrip(cues)))
    assert [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in parsed] == spans(
        cues
    )
    assert files.vtt([]).startswith("WEBVTT") and list(srt.parse(files.subrip([]))) == []
