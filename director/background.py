"""Whether the terminal is light or dark: its answer to the background-colour query (OSC 11),
asked before the keys are read and bounded by a device-attributes query (DA1)."""

from __future__ import annotations

import os
import re
import selectors
import sys
import termios
import time
import tty

from director.palette import Variant, variant_for

QUERY = "\x1b]11;?\x1b\\\x1b[c"
"""The background colour asked for, then the device attributes: every terminal answers the
second, so its answer says the first had one or none is coming."""
WAIT = 0.5
"""Seconds the answers are waited for at most (a terminal that answers nothing: a pty)."""
_COLOUR = re.compile(r"\x1b\]11;rgb:([0-9a-f]{1,4})/([0-9a-f]{1,4})/([0-9a-f]{1,4})", re.I)
_ATTRIBUTES = re.compile(r"\x1b\[\?[0-9;]*c")


def background(reply: str) -> str | None:
    """The background ("#rrggbb") a terminal's reply to QUERY gives, or None if it gives
    none (only the device attributes, nothing, or keys typed meanwhile)."""
    found = _COLOUR.search(reply)
    if found is None:
        return None
    channels = (int(hex, 16) * 255 // (16 ** len(hex) - 1) for hex in found.groups())
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def complete(reply: str) -> bool:
    """Whether the reply is whole: the device attributes came (after any colour)."""
    return _ATTRIBUTES.search(reply) is not None


def variant(reply: str) -> Variant:
    """Light or dark by the reply's background; dark when it has none."""
    colour = background(reply)
    return variant_for(colour) if colour else "dark"


def ask(fd_in: int, fd_out: int, wait: float = WAIT) -> str:
    """Send QUERY to a terminal and read its replies, unechoed, until the device attributes
    come or `wait` seconds pass. What is typed meanwhile is read with them (and dropped)."""
    saved = termios.tcgetattr(fd_in)
    reply = ""
    try:
        tty.setcbreak(fd_in, termios.TCSANOW)
        os.write(fd_out, QUERY.encode())
        end = time.monotonic() + wait
        with selectors.PollSelector() as selector:
            selector.register(fd_in, selectors.EVENT_READ)
            while not complete(reply) and (left := end - time.monotonic()) > 0:
                if selector.select(left):  # a byte at a time: what follows is left for keys
                    reply += os.read(fd_in, 1).decode(errors="replace")
    finally:
        termios.tcsetattr(fd_in, termios.TCSANOW, saved)
    return reply


def detect() -> Variant:
    """The terminal's variant when stdin and stdout are one (asked), else dark."""
    try:
        fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # no stdin, or one without a descriptor
        return "dark"
    if not (os.isatty(fd_in) and os.isatty(fd_out)):
        return "dark"
    try:
        return variant(ask(fd_in, fd_out))
    except (OSError, termios.error):
        return "dark"
