"""The presenter's keys: what clickers and keyboards send, read as one meaning."""

from __future__ import annotations

import pytest

from director.keys import Keys, decode


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
    assert decode(data) == meaning


def test_without_a_terminal_keys_just_wait() -> None:
    keys = Keys()
    keys.fd = None
    assert keys.read(0) is None
    keys.restore()  # nothing to restore
