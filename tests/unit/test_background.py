import os
import threading

import pytest

from director import background
from director.background import QUERY, ask, complete, variant

DA1 = "\x1b[?64;1;2;6;9;15;18;21;22c"
XTERM_WHITE = "\x1b]11;rgb:ffff/ffff/ffff\x1b\\"


@pytest.mark.parametrize(
    ("reply", "colour", "kind"),
    [
        (XTERM_WHITE + DA1, "#ffffff", "light"),  # xterm, ST-terminated
        ("\x1b]11;rgb:fdfd/f6f6/e3e3\x07" + DA1, "#fdf6e3", "light"),  # BEL-terminated
        ("\x1b]11;rgb:ff/ff/ff\x1b\\" + DA1, "#ffffff", "light"),  # two digits a channel
        ("\x1b]11;rgb:0000/2b2b/3636\x1b\\" + DA1, "#002b36", "dark"),
        ("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\" + DA1, "#1e1e1e", "dark"),
        ("ab\x1b[A" + XTERM_WHITE + DA1, "#ffffff", "light"),  # keys typed before it
        (DA1, None, "dark"),  # the terminal does not answer OSC 11
        ("", None, "dark"),  # nor anything
        ("jq1\x1b[B", None, "dark"),  # keys alone
    ],
)
def test_a_reply_gives_the_background_and_the_variant(
    reply: str, colour: str | None, kind: str
) -> None:
    assert background.background(reply) == colour
    assert variant(reply) == kind


def test_a_reply_is_complete_once_the_device_attributes_come() -> None:
    assert complete(XTERM_WHITE + DA1) and complete(DA1) and complete("x" + DA1)
    assert not complete(XTERM_WHITE) and not complete("") and not complete("\x1b[c")


def _terminal(master: int, answer: str) -> None:
    """A terminal on the other side of the pty: reads the query, then answers."""
    asked = b""
    while not asked.endswith(b"\x1b[c"):
        asked += os.read(master, 64)
    assert QUERY.encode() in asked
    os.write(master, answer.encode())


@pytest.mark.parametrize(("answer", "kind"), [(XTERM_WHITE + DA1, "light"), (DA1, "dark")])
def test_the_query_is_asked_and_read_until_the_device_attributes(answer: str, kind: str) -> None:
    master, slave = os.openpty()
    try:
        terminal = threading.Thread(target=_terminal, args=(master, answer + "later"))
        terminal.start()
        reply = ask(slave, slave, wait=30)  # bounded by the reply, not the wait
        terminal.join()
        assert variant(reply) == kind and reply.startswith(answer[:4])
        assert os.read(slave, 64) == b"later"  # what comes after it is left for the keys
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_that_answers_nothing_is_dark_after_the_wait() -> None:
    master, slave = os.openpty()
    try:
        assert variant(ask(slave, slave, wait=0.05)) == "dark"
    finally:
        os.close(master)
        os.close(slave)


def test_without_a_terminal_it_is_dark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", None)
    assert background.detect() == "dark"
