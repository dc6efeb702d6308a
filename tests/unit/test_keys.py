"""The presenter's keys: what clickers and keyboards send, read as one meaning."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from rich.spinner import Spinner

from director import keys
from director.keys import (
    BINDINGS,
    PRESSES,
    SENT_KEPT,
    SEQUENCES,
    WIRE,
    Action,
    Keys,
    Press,
    decode,
    markdown_table,
    summary,
)
from director.layouts import footer
from director.screen import Screen


@pytest.mark.parametrize(
    ("data", "meaning"),
    [
        (" ", "next"),
        ("\r", "next"),
        ("\n", "next"),
        ("\x1b[C", "next"),  # Right arrow
        ("\x1b[6~", "next"),  # Page Down: what most clickers send
        ("q", "quit"),
        ("Q", "quit"),
        ("  ", "next"),  # pressed twice before it was read
        (" q", "quit"),  # a quit among other keys wins
        ("x", "other"),
        ("\x1b[D", "back"),  # Left arrow
        ("\x1b[5~", "back"),  # Page Up: a clicker's back
        ("\x7f", "back"),  # Backspace
        ("\x1b[H", "restart"),  # Home
        ("\x1bOH", "restart"),  # Home, in the terminal's application mode
        ("r", "restart"),
        ("3", "scene 3"),
        ("0", "other"),
        ("b", "blackout"),
        (".", "blackout"),  # what clickers send for a black screen
        ("?", "help"),
        ("\x1b[D\x1b[C", "back"),  # two keys read at once: the first
        ("x\x1b[6~", "next"),  # an unknown key before a known one
        ("\x1b[A", "other"),  # Up arrow: nothing the show does
        ("\x1b", "other"),  # Escape alone
        ("", None),
    ],
)
def test_keys_mean_what_a_presenter_expects(data: str, meaning: str | None) -> None:
    assert decode(data) == (PRESSES[meaning] if meaning else None)


def test_every_action_has_its_keys_and_each_key_one_action() -> None:
    bound = [binding.action for binding in BINDINGS]
    assert sorted(bound, key=str) == sorted(set(Action) - {Action.OTHER}, key=str)
    keys = [key for binding in BINDINGS for key in binding.sequences]
    assert len(keys) == len(set(keys)) == len(SEQUENCES), "no key means two things"
    assert all(binding.keys and binding.brief and binding.help for binding in BINDINGS)


def test_a_digit_names_its_scene_without_parsing() -> None:
    assert SEQUENCES["3"] == Press(Action.SCENE, 3) and SEQUENCES["9"].scene == 9
    assert Press(Action.SCENE, 2).wire == "scene 2" and Press(Action.NEXT).wire == "next"


def test_the_notes_screen_may_send_every_meaning_but_quit_and_pair() -> None:
    assert all(WIRE[press.wire] == press for press in SEQUENCES.values() if press.action
               not in (Action.QUIT, Action.PAIR))  # fmt: skip
    assert "quit" not in WIRE and "pair" not in WIRE and "scene 0" not in WIRE
    assert WIRE["other"] == Press(Action.OTHER), "any key brings back a black screen from there"
    assert all("\n" not in line and line == line.strip() for line in WIRE), "a line each"


def test_the_readme_key_table_is_the_bindings() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert markdown_table() in readme, "README.md's key table: paste keys.markdown_table()"


def test_help_says_every_key() -> None:
    said = summary()
    assert said.startswith("Keys: Space, Enter, Right or Page Down next; ")
    assert all(binding.brief in said for binding in BINDINGS) and "Home or r" in said


def test_without_a_terminal_keys_just_wait() -> None:
    keys = Keys()
    keys.fd = None
    assert keys.read(0) is None
    keys.restore()  # nothing to restore


def test_the_footer_names_the_keys_the_table_binds(monkeypatch: pytest.MonkeyPatch) -> None:
    def drawn() -> str:
        return footer(Screen(place="here", waiting=True), Spinner("dots"), clock=False).plain

    assert drawn() == "here   Space next  ? keys  q quit"
    rebound = [replace(b, keys="`x`") if b.action is Action.QUIT else b for b in BINDINGS]
    monkeypatch.setattr(keys, "BINDINGS", tuple(rebound))
    assert drawn() == "here   Space next  ? keys  x quit", "the footer follows the table"


def test_back_is_no_move_elsewhere_only_r_and_a_digit_are() -> None:
    assert {press.action for press in PRESSES.values() if press.moves} == {
        Action.RESTART,
        Action.SCENE,
    }, "back looks back within the scene: the stage's loop never sees it"


@pytest.mark.parametrize(
    "reply",
    ["\x1b]11;rgb:ffff/ffff/ffff\x1b\\", "\x1b]11;rgb:fd/f6/e3\x07", "\x1b[?62;22c",
     "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?1;2c"],
)  # fmt: skip
def test_a_terminals_late_answer_to_the_shows_questions_is_no_key(reply: str) -> None:
    assert decode(reply) is None, "its 1 no scene, its ? no help, its r no restart"
    assert decode(reply + " ") == Press(Action.NEXT), "a key read with it still counts"


def test_keys_sent_together_from_another_screen_are_each_a_key_and_a_torn_line_waits() -> None:
    read, write = os.pipe()
    try:
        keys = Keys(also=read)
        keys.fd = None
        os.write(write, b"next\nback\nblack")
        assert keys.read(0) == Press(Action.NEXT)
        assert keys.read(0) == Press(Action.BACK), "sent with the one before, not lost"
        assert keys.read(0) is None, "half a line is no key yet"
        os.write(write, b"out\n" + b"next\n" * 40)
        assert keys.read(0) == Press(Action.BLACKOUT)
        taken = [keys.read(0) for _ in range(40)]
        assert taken.count(Press(Action.NEXT)) == SENT_KEPT - 1 and taken[-1] is None
    finally:
        os.close(read)
        os.close(write)
