"""The notes screen: drawn into a fixed-width console against the rehearsal, and following
the show's states whole."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest
import segno
from rich.console import Console

from director import notes
from director.keys import Keys
from director.notes import NotesScreen, _follow
from director.publisher import planned, save_rehearsal
from director.runner import LEFT_OUT

STATE = {
    "talk": "Durable execution, live",
    "scene": [1, 6, "Before Temporal"],
    "step": [2, 11, "Why?"],
    "row": "2. ask: Why?",
    "notes": "Wait for an answer.",
    "next": "3. $ python counter.py",
    "step_since": 995.0,
    "talk_since": 975.0,
    "claims": [[True, f"claim {n}"] for n in range(6)],
    "at": 7,
    "drive": "http://127.0.0.1:8765/notes?token=secret",
}


def drawn(screen: NotesScreen, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(screen)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_notes_screen_waits_for_the_show_then_says_when_it_ended(tmp_path: Path) -> None:
    screen = NotesScreen(tmp_path)
    assert "Waiting for the show" in drawn(screen)
    screen.state = {"talk": "Talk"}
    assert "The show ended. Waiting for the next one" in drawn(screen)
    screen.full = 64
    assert "The show has 64 notes screens already. Waiting for a place" in drawn(screen)


def test_the_notes_screen_shows_notes_next_step_times_against_the_rehearsal_and_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_rehearsal(
        tmp_path,
        [("Before Temporal", "", 30.0), ("Before Temporal", "1. narrate: Hi", 10.0),
         ("Before Temporal", "2. ask: Why?", 20.0)],
    )  # fmt: skip
    assert planned(tmp_path)[1] == ("Before Temporal", "1. narrate: Hi", 10.0)
    monkeypatch.setattr("director.notes.time.time", lambda: 1000.0)
    screen = NotesScreen(tmp_path)
    screen.connected = True
    screen.state = {
        **STATE,
        "claims": [[True, "it starts again at 1"], [False, "no number is lost"]],
    }
    shown = drawn(screen)
    assert "Durable execution, live" in shown
    assert "Scene 1 of 6: Before Temporal" in shown and "Step 2 of 11: Why?" in shown
    assert "Wait for an answer." in shown and "Next: 3. $ python counter.py" in shown
    # 25 s into the talk where the rehearsal was 10 s in: 15 s behind.
    assert "On this step 5 s (rehearsed 20 s)" in shown
    assert "In the talk 0:25 (rehearsed 0:10: 15 s behind)" in shown
    assert "✔ it starts again at 1" in shown and "✘ no number is lost" in shown


def rows(screen: NotesScreen, width: int) -> list[str]:
    """The screen's rows inside its border, as a terminal of `width` columns shows them."""
    return [row.strip("│ ") for row in drawn(screen, width).splitlines()[1:-1]]


def test_at_80_columns_long_names_each_get_their_rows_and_break_between_words(
    tmp_path: Path,
) -> None:
    scene = "Before Temporal: what happens to a program that stops halfway through"
    step = "It stopped at 5. When we run it again, what number will it show first?"
    screen = NotesScreen(tmp_path)
    screen.connected = True
    screen.state = {"talk": "Talk", "scene": [1, 6, scene], "step": [7, 11, step]}
    shown = rows(screen, 80)
    assert all(len(row) <= 76 for row in shown)
    [top] = [i for i, row in enumerate(shown) if row.startswith("Scene 1 of 6:")]
    [below] = [i for i, row in enumerate(shown) if row.startswith("Step 7 of 11:")]
    end = shown.index("", below)
    assert top < below < end, "a row each, the scene first"
    assert " ".join(shown[top:below]) == f"Scene 1 of 6: {scene}", "whole words, nothing else"
    assert " ".join(shown[below:end]) == f"Step 7 of 11: {step}"


def test_why_the_scene_plays_now_is_said_under_it_when_it_plays_out_of_turn(
    tmp_path: Path,
) -> None:
    screen = NotesScreen(tmp_path)
    screen.connected = True
    screen.state = {"scene": [3, 6, "Kill the worker"], "step": [1, 9, "Run it"], "why": ""}
    assert "Plays now" not in drawn(screen, 80), "in turn: nothing to explain"
    screen.state["why"] = "jumped to (3), clean state"
    shown = rows(screen, 80)
    at = shown.index("Plays now: jumped to (3), clean state")
    assert shown[at - 1] == "Scene 3 of 6: Kill the worker" and shown[at + 1].startswith("Step 1")
    screen.state["left_out"] = LEFT_OUT
    shown = rows(screen, 100)
    assert shown[shown.index(LEFT_OUT) - 1].startswith("Plays now:"), "said under the scene"


def test_on_time_is_said_as_on_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_rehearsal(tmp_path, [("S", "1. narrate: Hi", 10.0), ("S", "2. ask: Why?", 20.0)])
    monkeypatch.setattr("director.notes.time.time", lambda: 1000.0)
    screen = NotesScreen(tmp_path)
    screen.connected = True
    screen.state = {"scene": [1, 1, "S"], "step": [2, 2, "Why?"], "row": "2. ask: Why?",
                    "step_since": 999.0, "talk_since": 989.6}  # fmt: skip
    assert "In the talk 0:10 (rehearsed 0:10: on time)" in drawn(screen, 80)
    screen.state["talk_since"] = 985.0
    assert "(rehearsed 0:10: 5 s behind)" in drawn(screen, 80)


@pytest.mark.parametrize("state", [{"scene": 5}, {"step": [1, 2]}, {"scene": None, "notes": 3}])
def test_a_state_of_another_shape_is_drawn_blank_not_a_traceback(
    tmp_path: Path, state: dict
) -> None:
    screen = NotesScreen(tmp_path)
    screen.connected = True
    screen.state = state
    assert "Scene 0 of 0" in drawn(screen, 80)


@pytest.mark.parametrize(
    ("sent", "state", "full"),
    [
        (b'{"talk": "A"}\n{"talk": "B", "no', {"talk": "A"}, 0),  # the show went mid-line
        (b'{"full": 64}\n', {}, 64),
        (b'[1, 2]\n"text"\n{"talk": "C"}\n', {"talk": "C"}, 0),
    ],
)
def test_the_notes_screen_takes_whole_states_only(
    tmp_path: Path, sent: bytes, state: dict, full: int
) -> None:
    show, here = socket.socketpair()
    show.sendall(sent)
    show.close()
    screen = NotesScreen(tmp_path)
    keys = Keys()
    keys.fd = None  # no terminal here
    _follow(here, screen, keys, drive=False)  # until the show's end of stream
    assert screen.state == state and screen.full == full
    assert screen.connected is bool(state)


@pytest.mark.parametrize(
    "state", [{"step_since": "x"}, {"claims": [1, 2]}, {"claims": 7}, {"scene": 5}]
)
def test_a_state_of_another_shape_is_said_not_a_dead_screen(tmp_path: Path, state: dict) -> None:
    screen = NotesScreen(tmp_path)
    screen.connected, screen.state = True, {"talk": "Talk", **state}
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(screen)
    said = console.export_text()
    assert "Speaker notes" in said


def test_the_phone_is_told_what_the_notes_screen_says_but_never_the_drive_link() -> None:
    plan = [("Before Temporal", "1. narrate: Hi", 10.0), ("Before Temporal", "2. ask: Why?", 20.0)]
    view = notes.phone_view(STATE, plan, now=1000.0)
    assert view["scene"] == "Scene 1 of 6: Before Temporal" and view["step"] == "Step 2 of 11: Why?"
    assert view["notes"] == "Wait for an answer." and view["next"] == "3. $ python counter.py"
    assert view["times"] == notes.times(STATE, plan, 1000.0)
    assert view["times"].startswith("On this step 5 s (rehearsed 20 s)\nIn the talk 0:25")
    assert view["claims"] == [[True, f"claim {n}"] for n in range(2, 6)], "the last four"
    assert view["at"] == 7 and "secret" not in str(view)
    assert "waiting" in notes.phone_view({"talk": "T"}, [], 0.0), "before the first step"
    assert "waiting" in notes.phone_view({**STATE, "claims": 5}, [], 0.0), "another shape"


def test_the_phones_link_is_a_qr_code_of_exactly_its_modules_dark_on_light() -> None:
    link = str(STATE["drive"])
    code = notes.qr_code(link)
    assert str(code.style) == "notes.qr" and code.no_wrap
    modules = [list(row) for row in segno.make(link, error="l").matrix_iter(border=2)]
    halves = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    read: list[list[int]] = []
    for line in code.plain.split("\n"):
        read += [[halves[c][0] for c in line], [halves[c][1] for c in line]]
    assert read[: len(modules)] == modules and not any(map(any, read[len(modules) :]))


def test_p_shows_the_phones_link_on_the_notes_screen_and_says_when_there_is_none(
    tmp_path: Path,
) -> None:
    screen = NotesScreen(tmp_path)
    screen.connected, screen.state, screen.pairing = True, dict(STATE), True
    shown = drawn(screen, 120)
    assert "Pair a phone" in shown and "█" in shown and "token=secret" in shown
    assert "drive" not in shown.split("Scan")[0], "no phone yet"
    screen.state["phones"] = 1
    assert "1 phone drives the show" in drawn(screen, 120), "paired: it says so"
    assert "Wait for an answer." not in shown, "the notes give it the room"
    screen.state.pop("drive")
    assert "start it with --serve" in drawn(screen)
    screen.pairing = False
    assert "token=secret" not in drawn(screen) and "Wait for an answer." in drawn(screen)
    screen.state["phones"] = 2
    assert "2 phones drive the show" in drawn(screen)


@pytest.mark.parametrize(
    "host", ["127.0.0.1:54321", "192.168.100.123:54321", "[fd00::1234:5678]:54321"]
)
def test_the_pairing_screen_fits_a_terminal_of_80x24_whole(tmp_path: Path, host: str) -> None:
    screen = NotesScreen(tmp_path)
    link = f"http://{host}/notes?token=" + "x" * 24  # as long as the show's are
    screen.connected, screen.state, screen.pairing = True, {**STATE, "drive": link}, True
    rows = drawn(screen, 80).splitlines()
    assert len(rows) <= 24 and rows[-1].startswith("╰") and link in "".join(rows), len(rows)


@pytest.mark.parametrize(("pairing", "typed", "after", "sent"), [
    (False, b"p", True, b""),  # p pairs, and is not sent
    (True, b"x", False, b""),  # any key hides it, and is not sent either
    (False, b" ", False, b"next\n"),  # otherwise a key drives the show as before
])  # fmt: skip
def test_p_pairs_a_phone_on_the_notes_screen_and_no_key_of_it_reaches_the_show(
    tmp_path: Path, pairing: bool, typed: bytes, after: bool, sent: bytes
) -> None:
    show, here = socket.socketpair()
    show.sendall(b'{"talk": "T"}\n')
    show.shutdown(socket.SHUT_WR)  # the show's state, then its end
    typing, typed_here = os.pipe()
    os.write(typed_here, typed)
    screen = NotesScreen(tmp_path)
    screen.pairing = pairing
    keys = Keys()
    keys.fd = typing
    try:
        _follow(here, screen, keys, drive=True)
    finally:
        os.close(typing)
        os.close(typed_here)
    here.close()
    assert screen.pairing is after
    assert show.recv(100) == sent
