"""The presenter's keys: one table of bindings (the keys, what they do, how the help says it),
and the terminal in cbreak mode, keys and clicker presses read at once."""

from __future__ import annotations

import os
import re
import selectors
import sys
import termios
import time
import tty
from dataclasses import dataclass
from enum import Enum
from types import TracebackType


class Action(Enum):
    """What the presenter asks for."""

    NEXT = "next"
    BACK = "back"
    """The panel shown before this one in the scene, nothing run again (the stage looks
    back while the scene goes on; next comes forward)."""
    RESTART = "restart"
    """This scene again, from its start."""
    SCENE = "scene"
    """Another scene: the press says which."""
    BLACKOUT = "blackout"
    HELP = "help"
    PAIR = "pair"
    """On the notes screen: the phone's link as a QR code (the stage ignores it)."""
    QUIT = "quit"
    OTHER = "other"
    """A key that means nothing (it still brings back a blacked-out screen)."""


MOVES = {Action.RESTART, Action.SCENE}
"""The actions that take the show elsewhere: the stage's loop decides where. (Back is not
one: the stage looks back and comes forward within the wait it cut short.)"""


@dataclass(frozen=True)
class Press:
    """A key's meaning: its action, and for Action.SCENE the scene's number (from 1)."""

    action: Action
    scene: int | None = None

    @property
    def moves(self) -> bool:
        """Whether it takes the show elsewhere (this scene again, another)."""
        return self.action in MOVES

    @property
    def wire(self) -> str:
        """How the notes screen sends it to the show: a line of its own ("next", "scene 2")."""
        return self.action.value if self.scene is None else f"{self.action.value} {self.scene}"


@dataclass(frozen=True)
class Binding:
    """Keys that mean one action, as the decoder reads them and the help says them."""

    keys: str
    """The keys as the README's table names them (Markdown)."""
    sequences: tuple[str, ...]
    """What the terminal sends for them; for Action.SCENE, the n-th is scene n."""
    action: Action
    brief: str
    """What they do, in a few words: `--help`."""
    help: str
    """What they do: the README's table and the ? overlay."""
    hint: str = ""
    """What the footer says they do while the show waits for a key ("" for nothing)."""

    @property
    def named(self) -> str:
        """The keys as plain text: `Home, r`."""
        return self.keys.replace("`", "")

    @property
    def first(self) -> str:
        """The first of its keys, as plain text: `Space`."""
        return self.named.split(", ")[0]

    def presses(self) -> dict[str, Press]:
        """Each sequence's meaning."""
        if self.action is Action.SCENE:
            return {key: Press(self.action, n) for n, key in enumerate(self.sequences, 1)}
        return dict.fromkeys(self.sequences, Press(self.action))


# What presentation clickers send, and the keys a presenter reaches for (PowerPoint's).
BINDINGS = (
    Binding("Space, Enter, Right, Page Down", (" ", "\r", "\n", "\x1b[C", "\x1bOC", "\x1b[6~"),
            Action.NEXT, "next", "next", hint="next"),
    Binding("Left, Page Up, Backspace", ("\x1b[D", "\x1bOD", "\x1b[5~", "\x7f", "\x08"),
            Action.BACK, "back a panel",
            "back a panel (nothing runs again, a running program runs on; next comes forward)"),
    Binding("Home, `r`", ("\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~", "r", "R"), Action.RESTART,
            "the scene again", "this scene again from its start, from a clean state"),
    Binding("`1` - `9`", tuple("123456789"), Action.SCENE, "that scene",
            "jump to that scene, from a clean state"),
    Binding("`b`, `.`", ("b", "B", "."), Action.BLACKOUT, "black screen",
            "black screen (any key brings it back)"),
    Binding("`?`", ("?",), Action.HELP, "the keys", "these keys (any key closes them)",
            hint="keys"),
    Binding("`p`", ("p", "P"), Action.PAIR, "the phone's link (notes screen)",
            "on the notes screen: the link that pairs a phone, as a QR code (`--serve`); "
            "any key hides it"),
    Binding("`q`", ("q", "Q"), Action.QUIT, "quit", "quit", hint="quit"),
)  # fmt: skip
"""Every key the show knows: the decoder, the ? overlay, the footer's hint, --help and the
README's table come from here."""

SEQUENCES = {key: press for binding in BINDINGS for key, press in binding.presses().items()}
"""What each key the terminal sends means."""
PRESSES = {press.wire: press for press in (*SEQUENCES.values(), Press(Action.OTHER))}
"""Every meaning, by its name on the wire."""
LOCAL = {Action.QUIT, Action.PAIR}
"""What a key means where it is pressed alone: the notes screen keeps these to itself."""
WIRE = {line: press for line, press in PRESSES.items() if press.action not in LOCAL}
"""What another screen may send the show, a line each: any key's meaning but quit and pair
(a key that means nothing too: it brings back a blacked-out screen, as on the show's own)."""
_ESCAPE = re.compile(r"\x1b(?:\[[0-9;]*[~A-Za-z]|O[A-Za-z])?|.", re.DOTALL)
_REPLY = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[\?[0-9;]*c")
"""A terminal's answer to background.QUERY that came after the show stopped waiting: no key."""


def summary() -> str:
    """The keys in a sentence, for --help: `Keys: Space, Enter, Right or Page Down next; ...`."""
    said = [
        f"{re.sub(r', (?=[^,]*$)', ' or ', binding.named.replace(' - ', '-'))} {binding.brief}"
        for binding in BINDINGS
    ]
    return f"Keys: {'; '.join(said)}."


def hint() -> str:
    """The keys the footer names while the show waits for one: `Space next  ? keys  q quit`
    (Rich markup)."""
    return "  ".join(f"[bold]{b.first}[/] {b.hint}" for b in BINDINGS if b.hint)


def markdown_table() -> str:
    """The keys as the README's table shows them."""
    rows = [f"| {binding.keys} | {binding.help} |" for binding in BINDINGS]
    return "\n".join(["| keys | what they do |", "|---|---|", *rows]) + "\n"


SENT_KEPT = 16
"""The most keys sent together that are kept to be taken one by one (the rest are missed,
as keys pressed faster than a show reads them)."""


class Keys:
    """Reads single keys from the terminal; restores the terminal's settings on exit."""

    def __init__(self, also: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        self.also = also
        """Another source of keys: a pipe of meanings, a line each (what the notes screen
        sends, see WIRE)."""
        self._saved: list | None = None
        self._sent: list[str] = []
        """Lines read from `also` together, each a key of its own, not yet taken."""
        self._partial = ""

    def __enter__(self) -> Keys:
        if self.fd is not None:
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)  # keys arrive at once, unechoed; Ctrl-C still works
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.restore()

    def restore(self) -> None:
        if self.fd is not None and self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout: float) -> Press | None:
        """What the first key pressed within `timeout` seconds asks for, or None."""
        if self._sent:  # sent together with the one before: each is a key
            return WIRE.get(self._sent.pop(0))
        sources = [fd for fd in (self.fd, self.also) if fd is not None]
        if not sources:
            time.sleep(max(0.0, timeout))
            return None
        with selectors.PollSelector() as selector:  # poll(): any descriptor, and opens none
            for fd in sources:
                selector.register(fd, selectors.EVENT_READ)
            ready = [key.fd for key, _ in selector.select(timeout)]
        if self.also is not None and self.also in ready:
            *lines, self._partial = (
                self._partial + os.read(self.also, 1024).decode(errors="replace")
            ).split("\n")
            self._partial = self._partial[-64:]  # a line is a word or two: no more kept
            self._sent = [*self._sent, *lines][:SENT_KEPT]
            return WIRE.get(self._sent.pop(0)) if self._sent else None
        if self.fd is not None and self.fd in ready:
            return decode(os.read(self.fd, 32).decode(errors="replace"))
        return None


def decode(data: str) -> Press | None:
    """What the bytes read at once from the terminal mean (see BINDINGS), or None.

    Keys pressed faster than they were read count as the first that means something,
    except q: a quit among them wins. A key that means nothing is Action.OTHER (it still
    brings back a blacked-out screen). A terminal's late answer to the background query is
    no key at all (its `1` is no scene, its `?` no help)."""
    keys = _ESCAPE.findall(_REPLY.sub("", data))
    presses = [SEQUENCES[key] for key in keys if key in SEQUENCES]
    if quit := [press for press in presses if press.action is Action.QUIT]:
        return quit[0]
    return presses[0] if presses else Press(Action.OTHER) if keys else None
