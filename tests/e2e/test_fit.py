"""The stage fits its screen: the default talk played hands-free in a pty at the sizes
presenters have, every step's screens read through pyte, each checked for its point (the
titles, the highlighted code, the number that proves the claim, the output the claims
look at, the history's key rows) and for words, ids and links broken at a region's edge."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType

from director.panel_steps import Ask, History, Narrate, ShowCode
from director.program_steps import Expect
from director.scenes import Show, load_show
from tests.conftest import director, frames

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
SPEED = "4"
"""Fast, yet each beat lasts several of the stage's frames (8 a second)."""
PLACE = re.compile(r"^(?P<scene>.+?) - step (?P<step>\d+)/\d+ \(\w+\)")
BARS = re.compile(r"[│┃║]")
WORD = re.compile(r"[A-Za-z]+")
CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
TITLE = re.compile(r"[╭┏]─+ (.*[^─])─+[╮┓]")
"""A panel's top border with its title (Rich sets it between spaces)."""
FIRST_AFTER = re.compile(r"first (?:number )?after(?: the restart)?: (\d+)")
"""Where the stage begins each frame it draws."""
ELIDED = "┆"
"""The mark of rows left out of a window (code lines, a program's output)."""

Where = tuple[str, int]
"""A step: its scene's title and its number in the scene."""


@dataclass
class Played:
    """Every distinct screen the show drew, by the step on screen."""

    size: tuple[int, int]
    screens: dict[Where, list[list[str]]] = field(default_factory=lambda: defaultdict(list))

    def all(self) -> Iterator[tuple[Where, list[str]]]:
        for where, shown in list(self.screens.items()):
            for rows in shown:
                yield where, rows

    def at(self, where: Where) -> list[list[str]]:
        return self.screens.get(where, [])


def play(tmp_path: Path, size: tuple[int, int]) -> Played:
    """The default talk, hands-free, once; each whole frame the stage drew (each begins at
    the cursor's home) kept under the step its footer names (a passing state in the
    footer: the step before)."""
    columns, rows = size
    child = director(
        tmp_path, "--layout", "stage", "--auto", "--once", "--speed", SPEED,
        rows=rows, cols=columns,
    )  # fmt: skip
    played, step = Played(size), None
    for shown in frames(child, columns, rows):
        if found := PLACE.match(shown[-1]):
            step = (found["scene"], int(found["step"]))
        if step is not None and shown not in played.screens[step][-1:]:
            played.screens[step].append(shown)
    assert child.exitstatus == 0, "the round held"
    return played


@cache
def vocabulary() -> frozenset[str]:
    """Every word the talk, its programs, the director and Temporal's history can show."""
    words: set[str] = set()
    for pattern in ("scenes/*.toml", "counter/**/*.py", "director/*.py"):
        for path in ROOT.glob(pattern):
            words |= {w.lower() for w in WORD.findall(path.read_text("utf-8"))}
    for name in EventType.keys():  # noqa: SIM118 (EVENT_TYPE_TIMER_FIRED: TimerFired)
        words |= {w.lower() for w in name.removeprefix("EVENT_TYPE_").split("_")}
    return frozenset(words)


def whole(word: str) -> bool:
    """Whether `word` is a word the show can print, or made of them (ResultEncoding)."""
    words = vocabulary()
    return word.lower() in words or all(p.lower() in words for p in CAMEL.findall(word))


def steps_of(show: Show, kind: type) -> list[tuple[Where, object]]:
    return [
        ((scene.title, index + 1), step)
        for scene in show.scenes
        for index, step in enumerate(scene.steps)
        if isinstance(step, kind)
    ]


def inside(row: str) -> list[str]:
    """The parts of a row between panel borders (a row without borders: itself)."""
    parts = BARS.split(row)
    return parts[1:-1] if len(parts) > 2 else parts


def screen(rows: list[str]) -> str:
    return "\n".join(rows)


# --- the checks: each yields what it found wrong --------------------------------------

Check = Callable[[Played, Show], Iterator[str]]


def titles(played: Played, show: Show) -> Iterator[str]:
    """Each narration's and code panel's title is in view during its step, and each
    question with its panel's title while its scene plays (a question's footer is its
    countdown from its first frame: it names no step)."""
    titled = [(where, step.title) for where, step in steps_of(show, Narrate)]  # type: ignore[attr-defined]
    titled += [(where, step.title or step.file) for where, step in steps_of(show, ShowCode)]  # type: ignore[attr-defined]
    for where, title in titled:
        shown = played.at(where)
        if not any(title in screen(rows) for rows in shown):
            yield f"{where}: {title!r} never in view" + (
                f":\n{screen(shown[-1])}" if shown else " (the step never on screen)"
            )
    for (scene, number), step in steps_of(show, Ask):
        start = " ".join(step.question.split()[:6])  # type: ignore[attr-defined]
        frames = [screen(rows) for (s, _), rows in played.all() if s == scene]
        if not any("Question for the room" in f and start in f for f in frames):
            yield f"{(scene, number)}: the question {start!r}... never in view in its panel"


def highlights(played: Played, show: Show) -> Iterator[str]:
    """Each highlighted code line is in view, numbered, at some moment of its step."""
    for where, step in steps_of(show, ShowCode):
        text = step.text(ROOT)  # type: ignore[attr-defined]
        _, lit = step.line_numbers(text)  # type: ignore[attr-defined]
        lines = text.split("\n")
        for number in sorted(lit):
            start = lines[number - 1].strip()[:24]
            row = re.compile(rf"^\W*{number}\b.*{re.escape(start)}")
            if not any(row.search(p) for rows in played.at(where) for r in rows for p in inside(r)):
                yield f"{where}: line {number} ({start!r}) never in view"


def words(played: Played, _: Show) -> Iterator[str]:
    """No word is split at a region's edge: the first and last token of every part of every
    row between borders is a whole word (ids, numbers and paths are checked by `links`)."""
    for where, rows in played.all():
        for row in rows:
            for part in BARS.split(row):
                tokens = part.split()
                for token in {*tokens[:1], *tokens[-1:]}:
                    word = token.strip(".,:;!?'\"()[]{}*`")
                    if word.isalpha() and not whole(word):
                        yield f"{where}: {word!r} split:\n{row}"


def titles_whole(played: Played, _: Show) -> Iterator[str]:
    """A panel's title too long for its border is cut with a mark, never mid-word unseen."""
    for where, rows in played.all():
        for row in rows:
            if (title := TITLE.search(row)) and title.group(1)[-1] not in " …":
                yield f"{where}: a title cut at its border:\n{row}"


def links(played: Played, _: Show) -> Iterator[str]:
    """A link is whole or visibly shortened; a workflow id is never broken. A link cut by
    its region runs to the region's edge (Rich folds a word only there): one with room after
    it on its row (the Web UI's, when its line fits) stands whole."""
    for where, rows in played.all():
        for row in rows:
            for found in re.finditer(r"https?://\S+", row):
                url, after = found.group(), row[found.end() :]
                at_edge = not after or BARS.match(after)
                if at_edge and not (
                    re.search(r"/counter-[a-z-]+-[0-9a-f]{8}\b", url) or "…" in url
                ):
                    yield f"{where}: {url!r} broken:\n{row}"
            for found in re.finditer(r"\bcounter-[a-z-]+-([0-9a-f]*)\b", row):
                if len(found.group(1)) != 8 and "…" not in row:
                    yield f"{where}: an id broken:\n{row}"


def indentation(played: Played, show: Show) -> Iterator[str]:
    """A code line too long for its panel goes on under its indentation (or after a mark),
    never at the panel's first column."""
    for where, _ in steps_of(show, ShowCode):
        for rows in played.at(where):
            gutter = None
            for row in rows:
                parts = BARS.split(row)
                if len(parts) < 3 or ELIDED in row:
                    continue
                if numbered := re.match(r"^[\s❱>]*\d+ ", parts[1]):
                    gutter = len(numbered.group())
                elif gutter is not None and re.match(r"\w", parts[1][gutter:]):
                    yield f"{where}: wraps to the first column:\n{row}"


def restarts(played: Played, _: Show) -> Iterator[str]:
    """When a restart's claim is checked, its first number after the restart is in view."""
    checked = 0
    for where, rows in played.all():
        said = [" ".join(f"{row} {after}".split()) for row, after in pairwise(rows)]
        for found in filter(None, (FIRST_AFTER.search(s) for s in said if "✔" in s)):
            number = found.group(1)
            if number not in [p.strip() for row in rows for p in BARS.split(row)[1:-1]]:
                yield f"{where}: {number}, the first after the restart, not in view:\n" + (
                    screen(rows)
                )
            checked += 1
    if checked < 4:
        yield f"only {checked} of the talk's restart claims seen checked"


def outputs(played: Played, show: Show) -> Iterator[str]:
    """When a claim on a command's output is checked, what it looks for is in the output."""
    for (scene, number), step in steps_of(show, Expect):
        wanted = step.output_has  # type: ignore[attr-defined]
        if not wanted:
            continue
        named = f"{step.name}: " if step.name else ""  # type: ignore[attr-defined]
        claim = f"✔ {named}it prints {wanted!r}"
        claimed = [rows for (s, _), rows in played.all() if s == scene and claim in screen(rows)]
        if not claimed:
            yield f"{(scene, number)}: {claim!r} never seen"
            continue
        panel = [p for r in claimed[0] if "✔" not in r for p in BARS.split(r)[1:-1]]
        if not any(wanted in p for p in panel):
            yield f"{(scene, number)}: {wanted!r} not in the program's panel:\n" + (
                screen(claimed[0])
            )


def history(played: Played, show: Show) -> Iterator[str]:
    """While the event history is the step, its rows that carry its notes are in view,
    each with its note."""
    key = {"TimerStarted": "the timer", "TimerFired": "fired", "WorkflowTaskStarted": "a new"}
    for where, _ in steps_of(show, History):
        shown = [rows for rows in played.at(where) if any("Why it matters" in r for r in rows)]
        if not shown:
            yield f"{where}: the event history never on screen"
            continue
        for kind, note in key.items():
            if not any(kind in r and note in r for r in shown[-1]):
                yield f"{where}: its {kind} row ({note}...) not in view:\n{screen(shown[-1])}"


CHECKS: list[Check] = [
    titles,
    highlights,
    words,
    titles_whole,
    links,
    indentation,
    restarts,
    outputs,
    history,
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_step_shows_its_point(tmp_path: Path, size: tuple[int, int]) -> None:
    played = play(tmp_path, size)
    show = load_show(ROOT / "scenes", None, ROOT)
    wrong = [f"{check.__name__}: {found}" for check in CHECKS for found in check(played, show)]
    assert not wrong, f"at {size[0]}x{size[1]}:\n" + "\n\n".join(dict.fromkeys(wrong))
