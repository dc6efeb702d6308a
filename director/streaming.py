"""The live view's stream: what the stage draws, kept as its whole screen now and its newest
events, for each viewer to read at its own pace (asciicast v2, its own header and times)."""

from __future__ import annotations

import io
import threading
import time
from collections import deque
from collections.abc import Callable

from director.recording import as_shown, cast_header, json_line

HOME = "\x1b[H"
"""How every frame of the stage begins: it draws the whole screen from its top left."""
KEPT = 64
"""The newest events kept for viewers that are behind; one further behind gets the whole
screen instead (a frame is whole: nothing between is needed)."""
BEGIN = "\x1b[?25l\x1b[H\x1b[2J"
"""What a viewer's terminal is given before the screen: no cursor, a clean screen."""


class Stream(io.TextIOBase):
    """A file Rich draws the stage into (a recorder's, as a cast is): each write an event,
    numbered; the last frame is the whole screen now. Written from the show's threads, read
    from the server's: one lock; `changed` is called after each event, from the writer."""

    captions = None
    """A live view keeps no captions (a recording's cast does)."""

    def __init__(self, size: tuple[int, int], title: str) -> None:
        self.size = size
        self.title = title
        self.changed: Callable[[], None] = lambda: None
        self._lock = threading.Lock()
        self._events: deque[tuple[int, float, str, str]] = deque(maxlen=KEPT)
        self._count = 0
        self._resized = 0
        """The number of the last resize event."""
        self._screen = ""
        self._drawn = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        if text and text != self._drawn:  # the stage's refresh, unchanged: nothing new
            self._drawn = text
            shown = as_shown(text)
            with self._lock:
                if (home := shown.rfind(HOME)) >= 0:
                    self._screen = shown[home:]
                self._add("o", shown)
            self.changed()
        return len(text)

    def marker(self, label: str) -> None:
        """A recording's marker: nothing to a live viewer."""

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            with self._lock:
                self.size = size
                self._add("r", f"{size[0]}x{size[1]}")
                self._resized = self._count
            self.changed()

    def _add(self, kind: str, data: str) -> None:
        self._count += 1
        self._events.append((self._count, time.monotonic(), kind, data))

    def start(self) -> tuple[int, list[str]]:
        """A new viewer's first messages (its header, the whole screen now at its time 0)
        and the number of the last event they include."""
        with self._lock:
            header = cast_header(self.size, self.title)
            screen = BEGIN + self._screen
            return self._count, [json_line(header), json_line([0.0, "o", screen])]

    def since(self, seen: int, began: float) -> tuple[int, list[str]]:
        """The events after number `seen` as a viewer that began at `began` (monotonic) gets
        them, and the number of the last; the whole screen instead if some are gone."""
        with self._lock:
            now = round(time.monotonic() - began, 6)
            if self._count == seen:
                return seen, []
            if not self._events or self._events[0][0] > seen + 1:  # it fell behind: the screen
                screen = BEGIN + self._screen
                messages = [json_line([now, "o", screen])]
                if self._resized > seen:  # a resize among what it missed: the size first
                    messages.insert(0, json_line([now, "r", f"{self.size[0]}x{self.size[1]}"]))
                return self._count, messages
            return self._count, [
                json_line([round(max(0.0, at - began), 6), kind, data])
                for number, at, kind, data in self._events
                if number > seen
            ]
