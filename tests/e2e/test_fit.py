"""The stage fits its screen: the default talk played hands-free in a pty at the sizes
presenters have, every step's screens read through pyte, each checked for its point (the
titles, the highlighted code, the number that proves the claim, the history's key rows) and
for words split at a region's edge."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte
import pytest
from temporalio.api.enums.v1 import EventType

from director.panel_steps import Ask, Narrate, ShowCode
from director.program_steps import Expect
from director.scenes import Show, load_show
from tests.conftest import director

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
PLACE = re.compile(r"^(?P<scene>.+?) - step (?P<step>\d+)/\d+ \(\w+\)")
BARS = re.compile(r"[│┃║]")
WORD = re.compile(r"[A-Za-z]+")
FIRST_AFTER = re.compile(r"first (?:number )?after(?: the restart)?: (\d+)")


@dataclass
class Played:
    """Every distinct screen the show drew, by the step on screen (scene title, step)."""

    size: tuple[int, int]
    screens: dict[tuple[str, int], list[list[str]]] = field(default_factory=lambda: defaultdict(list))

    def all(self) -> list[tuple[tuple[str, int], list[str]]]:
        return [(step, rows) for step, shown in self.screens.items() for rows in shown]


def play(tmp_path: Path, size: tuple[int, int]) -> Played:
    """The default talk, hands-free, once; a screen kept each time the output rests (a whole
    frame drawn), under the step the footer names (a passing state: the step before)."""
    columns, rows = size
    child = director(
        tmp_path, "--layout", "stage", "--auto", "--once", "--speed", "8",
        rows=rows, cols=columns,
    )  # fmt: skip
    terminal = pyte.Screen(columns, rows)
    stream = pyte.Stream(terminal)
    played, step, fresh = Played(size), None, False
    while True:
        try:
            stream.feed(child.read_nonblocking(65536, timeout=0.03))
            fresh = True
            continue
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
        if not fresh:
            continue
        fresh = False
        shown = list(terminal.display)
        if found := PLACE.match(shown[-1]):
            step = (found["scene"], int(found["step"]))
        if step is not None and shown not in played.screens[step][-1:]:
            played.screens[step].append(shown)
    child.close()
    assert child.exitstatus == 0, "the round held"
    return played


def vocabulary() -> set[str]:
    """Every word the talk, its programs, the director and Temporal's history can show."""
    words: set[str] = set()
    for pattern in ("scenes/*.toml", "counter/**/*.py", "director/*.py"):
        for path in ROOT.glob(pattern):
            words |= {w.lower() for w in WORD.findall(path.read_text("utf-8"))}
    for name in EventType.keys():  # EVENT_TYPE_TIMER_FIRED: TimerFired
        words |= {w.lower() for w in name.removeprefix("EVENT_TYPE_").split("_")}
        words.add(name.removeprefix("EVENT_TYPE_").replace("_", "").lower())
    return words


@pytest.fixture(scope="module")
def show() -> Show:
    return load_show(ROOT / "scenes", None, ROOT)


@pytest.fixture(scope="module", params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def played(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Played:
    return play(tmp_path_factory.mktemp("fit"), request.param)


def steps_of(show: Show, kind: type) -> list[tuple[tuple[str, int], object]]:
    return [
        ((scene.title, index + 1), step)
        for scene in show.scenes
        for index, step in enumerate(scene.steps)
        if isinstance(step, kind)
    ]


def test_every_panel_title_is_in_view(played: Played, show: Show) -> None:
    titled = [(where, step.title) for where, step in steps_of(show, Narrate)]
    titled += [(where, step.title or step.file) for where, step in steps_of(show, ShowCode)]
    titled += [(where, "Question for the room") for where, _ in steps_of(show, Ask)]
    for where, title in titled:
        shown = played.screens[where]
        assert shown, f"{where} was never on screen at {played.size}"
        assert any(title in "\n".join(rows) for rows in shown), (where, title, shown[-1])


def test_each_highlighted_line_is_in_view_during_its_step(played: Played, show: Show) -> None:
    for where, step in steps_of(show, ShowCode):
        text = step.text(ROOT)
        _, highlight = step.line_numbers(text)
        lines = text.split("\n")
        for number in sorted(highlight):
            start = lines[number - 1].strip()[:24]
            row = re.compile(rf"^\W*{number}\b.*{re.escape(start)}")
            seen = any(
                row.search(part) for rows in played.screens[where] for r in rows
                for part in BARS.split(r)
            )  # fmt: skip
            assert seen, f"{where} line {number} ({start!r}) never in view at {played.size}"


def test_no_word_is_split_at_a_regions_edge(played: Played) -> None:
    words = vocabulary()
    for where, rows in played.all():
        for row in rows:
            for part in BARS.split(row):
                tokens = part.split()
                for token in {*tokens[:1], *tokens[-1:]}:  # a token at an edge of its region
                    word = token.strip(".,:;!?'\"()[]{}*`").lower()
                    if word.isalpha():  # ids, numbers and paths are checked whole elsewhere
                        assert word in words, f"{word!r} split at {played.size}, {where}:\n{row}"


def test_links_and_ids_are_never_broken(played: Played) -> None:
    for where, rows in played.all():
        for row in rows:
            for url in re.findall(r"https?://\S+", row):
                whole = re.search(r"/workflows/counter-[a-z-]+-[0-9a-f]{8}\b", url)
                assert whole or "…" in url, f"{url!r} broken at {played.size}, {where}:\n{row}"
            for found in re.finditer(r"\bcounter-[a-z-]+-([0-9a-f]*)\b", row):
                assert len(found.group(1)) == 8, f"an id broken at {played.size}, {where}:\n{row}"


def test_a_code_line_wraps_under_its_indentation(played: Played, show: Show) -> None:
    for where, step in steps_of(show, ShowCode):
        for rows in played.screens[where]:
            gutter = None
            for row in rows:
                inside = BARS.split(row)
                if len(inside) < 3:
                    continue
                text = inside[1]
                if numbered := re.match(r"^[\s❱>]*\d+ ", text):
                    gutter = len(numbered.group())
                elif gutter is not None and text.strip():
                    code = text[gutter:]
                    assert not re.match(r"\w", code), f"{where} wraps to column 0:\n{row}"


def test_the_first_number_after_a_restart_is_in_view_when_checked(played: Played) -> None:
    checked = 0
    for where, rows in played.all():
        verdicts = [FIRST_AFTER.search(row) for row in rows if "✔" in row]
        for found in filter(None, verdicts):
            number = found.group(1)
            panel = [part.strip() for row in rows for part in BARS.split(row)[1:-1]]
            assert number in panel, f"{number} not in view at {played.size}, {where}:\n" + (
                "\n".join(rows)
            )
            checked += 1
    assert checked >= 3, "every restart's claim was seen checked"


def test_what_the_output_claims_look_for_is_in_view(played: Played, show: Show) -> None:
    for where, step in steps_of(show, Expect):
        if not step.output_has:
            continue
        claimed = [rows for rows in played.screens[where] if any("✔ it prints" in r for r in rows)]
        assert claimed, f"{where}: the claim was never seen checked"
        panel = [p for r in claimed[0] if "✔" not in r for p in BARS.split(r)[1:-1]]
        assert any(step.output_has in p for p in panel), f"{where} at {played.size}:\n" + (
            "\n".join(claimed[0])
        )


def test_the_historys_key_rows_are_in_view(played: Played) -> None:
    kinds = {"TimerStarted": "the timer", "TimerFired": "fired", "WorkflowTaskStarted": "a new"}
    tables = [rows for _, rows in played.all() if any("Why it matters" in r for r in rows)]
    assert tables, f"no history table at {played.size}"
    rows = tables[-1]
    for kind, note in kinds.items():
        assert any(kind in r and note in r for r in rows), f"{kind} at {played.size}:\n" + (
            "\n".join(rows)
        )
