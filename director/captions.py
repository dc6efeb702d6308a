"""Captions: what the audience reads on stage (narration, questions, lines said, keys pressed) as
timed cues on the recording's own clock, and the WebVTT and SubRip files made of them."""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import pairwise
from typing import Literal

import srt
import webvtt
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text
from webvtt.models import Timestamp

from director.fitting import Fitted
from director.screen import Screen

WIDTH = 42
"""The most characters a caption's line holds (the broadcast's and the web's usual measure)."""
ROWS = 2
"""The most lines a cue holds: longer text is cut into cues that follow one another."""
KEY_SECONDS = 1.5
"""How long a key pressed on stage stays as its cue, unless the next key comes sooner."""
READABLE = 1.0
"""The shortest a text's cue lasts (to the recording's end at most): one replaced sooner (a
signal's line, under the question that follows it; a round's heading, under its first
scene) is still read."""
Lane = Literal["main", "line", "key"]
LANES: tuple[Lane, ...] = ("main", "line", "key")
"""Each cue's lane, in the order a merged cue stacks their texts: the main panel (a narration,
a question) until it is replaced; the lines said under it until cleared or pushed out; keys."""
_INFO_MARK = "> "
"""How Narrator.info's lines begin on screen: a mark, not words to read."""
_BOX = re.compile(r"^[\s\u2500-\u259f]+|[\s\u2500-\u259f]+$")
"""What a Markdown heading's box and a quote's bar are drawn with (box drawing, blocks)."""


@dataclass(frozen=True)
class Cue:
    """A text on screen from `start` to `end`, in seconds of the recording."""

    start: float
    end: float
    text: str
    lane: Lane = "line"


@dataclass(frozen=True)
class _Showing:
    shown: RenderableType
    """What the screen model holds (identity tells it is the same panel, the same line)."""
    lane: Lane
    start: float
    text: str


class Captions:
    """The captions of one recording, collected as it is made: told each new screen (the
    screen model's watcher) and each key pressed on stage, timed by the cast's clock."""

    def __init__(self) -> None:
        self.clock: Callable[[], float] = lambda: 0.0
        """The recording's clock: Cast.now, set by the cast that collects them."""
        self._showing: list[_Showing] = []
        self._shown: list[Cue] = []
        self._keys: list[Cue] = []
        self._end: float | None = None

    def seen(self, screen: Screen) -> None:
        """The screen is now `screen`: what became readable starts, what went ends."""
        now = readable(screen)
        if self._end is not None or [id(s.shown) for s in self._showing] == [id(r) for r, _ in now]:
            return  # most changes (the footer, a program's pane) change nothing read
        at, left, kept = self.clock(), list(now), []
        for showing in self._showing:
            same = next((i for i, (r, _) in enumerate(left) if r is showing.shown), None)
            if same is None:
                self._shown.append(Cue(showing.start, at, showing.text, showing.lane))
            else:
                kept.append(showing)
                del left[same]
        for shown, lane in left:
            if said := words(shown):
                kept.append(_Showing(shown, lane, at, said))
        self._showing = kept

    def key(self, pressed: str) -> None:
        """A key pressed on stage (`^C`, `kill -9`): a short cue of its own."""
        if self._end is None:
            self._keys.append(Cue(self.clock(), 0.0, pressed, "key"))

    def end(self, at: float) -> None:
        """The recording ended at `at`: what still shows ends there; nothing is added after."""
        if self._end is None:
            self._shown += [Cue(s.start, at, s.text, s.lane) for s in self._showing]
            self._showing, self._end = [], at

    def cues(self) -> list[Cue]:
        """Every text as it was shown, by its start (`cut` makes cues of two lines of them),
        for READABLE at least; each key until the next or KEY_SECONDS."""
        end = self._end if self._end is not None else self.clock()
        starts = [key.start for key in self._keys[1:]] + [end]
        keys = [
            replace(k, end=min(k.start + KEY_SECONDS, s, end))
            for k, s in zip(self._keys, starts, strict=False)
        ]
        shown = [replace(c, end=max(c.end, min(c.start + READABLE, end))) for c in self._shown]
        found = [cue for cue in shown + keys if cue.end > cue.start]
        return sorted(found, key=_by_start)


def _by_start(cue: Cue) -> tuple[float, int]:
    """The order cues are listed in: by their start, then by lane."""
    return cue.start, LANES.index(cue.lane)


def readable(screen: Screen) -> list[tuple[RenderableType, Lane]]:
    """What of the screen a viewer reads now: its main panel and the lines under it (none
    while the screen is black or a take is shown over the stage)."""
    if screen.blackout or screen.replay is not None:
        return []
    main: list[tuple[RenderableType, Lane]] = [] if screen.main is None else [(screen.main, "main")]
    return main + [(line, "line") for line in screen.lines]


def words(shown: RenderableType) -> str:
    """The words a panel or a line shows, its Rich markup and Markdown markup removed, a line
    a paragraph; "" for what is not words to read (a table, code, a history)."""
    if isinstance(shown, Fitted):
        shown = shown.text
    if isinstance(shown, str):
        shown = Text.from_markup(shown)
    if isinstance(shown, Text):
        return shown.plain.strip().removeprefix(_INFO_MARK)
    if isinstance(shown, Markdown):
        return _markdown(shown)
    if isinstance(shown, Group):
        return "\n".join(filter(None, map(words, shown.renderables)))
    if isinstance(shown, Panel) and (body := words(shown.renderable)):
        return "\n".join(filter(None, [words(shown.title or ""), body]))
    return ""


def _markdown(markdown: Markdown) -> str:
    """Markdown's text as Rich draws it (no **, no backquotes, a list's bullets), a paragraph
    a line."""
    console = Console(file=io.StringIO(), width=10_000, color_system=None, highlight=False)
    with console.capture() as captured:
        console.print(markdown)
    lines = (_BOX.sub("", line) for line in captured.get().splitlines())
    return "\n".join(line for line in lines if line)


def split(text: str) -> list[str]:
    """`text` in cues of at most ROWS lines of at most WIDTH characters, broken between words
    (a word longer than a line is a line of its own), each paragraph on a line of its own; as
    several cues are as narrow as their number allows, so the last is no lone word."""
    rows = _rows(text, WIDTH)
    cues = -(-len(rows) // ROWS)
    for width in range(WIDTH - 1, WIDTH // 2, -1) if cues > 1 else ():
        if len(narrower := _rows(text, width)) > cues * ROWS:
            break
        rows = narrower
    return ["\n".join(rows[at : at + ROWS]) for at in range(0, len(rows), ROWS)]


def _rows(text: str, width: int) -> list[str]:
    wrap = textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False)
    return [row for paragraph in text.splitlines() for row in wrap.wrap(paragraph)]


def cut(cues: Iterable[Cue]) -> list[Cue]:
    """The cues as a file or a track shows them: each long text cut into pieces (`pieces`)."""
    found = [piece for cue in cues for piece in pieces(cue)]
    return sorted(found, key=_by_start)


def pieces(cue: Cue) -> list[Cue]:
    """The cue cut as `split` cuts its text, each piece for its share of the cue's time (by
    its length), one after the other."""
    texts = split(cue.text)
    total, at, found = sum(map(len, texts)), cue.start, []
    for index, text in enumerate(texts):
        end = cue.end if index == len(texts) - 1 else at + (cue.end - cue.start) * len(text) / total
        found.append(Cue(round(at, 3), round(end, 3), text, cue.lane))
        at = end
    return [piece for piece in found if piece.end > piece.start]


def merged(cues: Iterable[Cue]) -> list[Cue]:
    """The cues with none overlapping, for a track that cannot show two at once (MP4's
    mov_text): at each change, one cue of every text showing then, by lane and start."""
    cues = sorted(cues, key=lambda cue: (LANES.index(cue.lane), cue.start))
    changes = sorted({at for cue in cues for at in (cue.start, cue.end)})
    found: list[Cue] = []
    for start, end in pairwise(changes):
        text = "\n".join(cue.text for cue in cues if cue.start <= start < cue.end)
        if found and found[-1].text == text and found[-1].end == start:
            found[-1] = replace(found[-1], end=end)
        elif text:
            found.append(Cue(start, end, text))
    return found


def vtt(cues: Iterable[Cue]) -> str:
    """The cues as a WebVTT file (webvtt-py), cues overlapping as they do on screen."""
    captions = [
        webvtt.Caption(_stamp(cue.start), _stamp(cue.end), html.escape(cue.text, quote=False))
        for cue in cues
    ]
    written = io.StringIO()
    webvtt.WebVTT(captions=captions).write(written)
    return written.getvalue()


def subrip(cues: Iterable[Cue]) -> str:
    """The cues as a SubRip file (srt), numbered by their start."""
    return srt.compose(
        srt.Subtitle(index, timedelta(seconds=cue.start), timedelta(seconds=cue.end), cue.text)
        for index, cue in enumerate(cues, 1)
    )


def _stamp(seconds: float) -> str:
    """A time as WebVTT writes it: 00:01:02.345."""
    return str(Timestamp.from_seconds(seconds))
