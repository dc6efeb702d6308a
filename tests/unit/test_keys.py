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
        ("x", None),
        ("\x1b[D", None),  # Left arrow: not (yet) a key of the show
        ("", None),
    ],
)
def test_keys_mean_next_quit_or_nothing(data: str, meaning: str | None) -> None:
    assert decode(data) == meaning


def test_without_a_terminal_keys_just_wait() -> None:
    keys = Keys()
    keys.fd = None
    assert keys.read(0) is None
    keys.restore()  # nothing to restore
