"""The code panel drawn on the stage at the sizes presenters have: its title in view, each
highlighted line in view in its build, long lines wrapped at a word under their indentation
and marked, never at column 0 mid-word."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from director.codepanel import CONTINUED, CodePanel
from director.narration import Narrator
from director.steps import ShowCode
from tests.unit.conftest import stage, text

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
TALK_CODE = [  # the default talk's code steps
    ("counter/normal-execution/businesslogic.py", ("for number", "print(number", "time.sleep")),
    ("counter/normal-execution/start-execution.py", ("count_to(args.limit", "sys.exit(130)")),
    (
        "counter/durable-execution/businesslogic.py",
        ("@workflow.defn", "@workflow.run", "is_replaying", "workflow.sleep"),
    ),
    (
        "counter/durable-execution/start-execution.py",
        ("Client.connect", "async with Worker", "execute_workflow", "USE_EXISTING"),
    ),
]
TITLE = "the file, titled"


def drawn(narrator: Narrator, target: Console) -> list[str]:
    target.file = io.StringIO()
    target.print(narrator.layout)
    return text(target).split("\n")[:-1]


def code_rows(rows: list[str]) -> list[str]:
    """The inside of the code panel, one string a row (its borders taken off)."""
    [top] = [i for i, row in enumerate(rows) if TITLE in row]
    right = rows[top].index("╮")
    bottom = next(i for i in range(top, len(rows)) if rows[i].startswith("╰"))
    return [row[2 : right - 1] for row in rows[top + 1 : bottom]]


def source_lines(rows: list[str], gutter: int) -> dict[int, list[str]]:
    """Each line number shown, with the rows it was drawn on (its gutter taken off)."""
    lines: dict[int, list[str]] = {}
    number = None
    for row in rows:
        head, body = row[:gutter], row[gutter:].rstrip()
        if "┆" in head:
            number = None
        elif head.strip(" ❱"):
            number = int(head.strip(" ❱"))
            lines[number] = [body]
        else:
            assert number is not None, f"a row of nothing: {row!r}"
            lines[number].append(body)
    return lines


def assert_wrapped_at_words(source: str, rows: list[str]) -> None:
    """The rows a source line was drawn on are the line, broken only between words, each
    continuation under the line's indentation and marked."""
    first, *rest = rows
    assert source.startswith(first), (source, first)
    at = len(first)
    indent = len(source) - len(source.lstrip(" "))
    for row in rest:
        assert row.startswith(" " * min(indent, len(row)) + CONTINUED), f"unmarked: {row!r}"
        piece = row.lstrip(" ").removeprefix(CONTINUED)
        while source[at : at + 1] == " ":
            at += 1
        assert source.startswith(piece, at), (source, piece)
        assert source[at - 1] == " ", f"broken mid-word: {source[:at]!r} / {piece!r}"
        at += len(piece)
    assert source[at:].strip() == "", f"lost the end of {source!r}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("file", "highlight"), TALK_CODE)
@pytest.mark.parametrize("program", [False, True])
def test_the_talks_code_fits_the_stage_build_by_build(
    size: tuple[int, int], file: str, highlight: tuple[str, ...], program: bool
) -> None:
    narrator, target = stage(*size)
    if program:  # the program's region takes its share of the screen
        narrator.typing("python start-execution.py")
    step = ShowCode(file=file, highlight=highlight)
    source = step.text(ROOT)
    lines, lit = step.line_numbers(source)
    builds = narrator.code(source, file, lines, lit, TITLE)
    assert set().union(*builds) == lit, "every highlighted line is in a build"
    numbered = source.removesuffix("\n").split("\n")
    gutter = 2 + len(str(len(numbered))) + 1
    for build in builds:
        narrator.build(build)
        rows = drawn(narrator, target)
        assert len(rows) == size[1] and any(TITLE in row for row in rows[1:3]), "titled"
        shown = source_lines(code_rows(rows), gutter)
        assert build <= set(shown), f"{sorted(build)} not all in {sorted(shown)}"
        for number, drawn_rows in shown.items():
            assert_wrapped_at_words(numbered[number - 1].expandtabs(4), drawn_rows)
    if size == (200, 50):  # 48 rows: room for each file whole, the program beside it
        assert builds == [lit] and len(shown) == len(numbered), "the whole file where it fits"


def test_a_file_that_fits_is_shown_whole_with_no_marks() -> None:
    narrator, target = stage(120, 40)
    builds = narrator.code("a = 1\nb = 2\n", "a.py", None, {2}, TITLE)
    rows = drawn(narrator, target)
    assert builds == [{2}]
    inside = code_rows(rows)
    assert [row.strip() for row in inside] == ["1 a = 1", "❱ 2 b = 2"]


def test_far_apart_highlights_are_builds_each_window_saying_what_it_leaves_out() -> None:
    narrator, target = stage(80, 24)
    source = "".join(f"line_{n} = {n}\n" for n in range(1, 81))
    builds = narrator.code(source, "a.py", None, {3, 5, 40, 78}, TITLE)
    assert builds == [{3, 5}, {40}, {78}]
    shown = []
    for build in builds:
        narrator.build(build)
        inside = code_rows(drawn(narrator, target))
        shown.append(inside)
        for number in build:
            assert any(re.match(rf"❱ +{number} line_{number} ", row) for row in inside)
    assert "┆" not in shown[0][0] and "lines below" in shown[0][-1]
    assert "lines above" in shown[1][0] and "lines below" in shown[1][-1]
    assert "lines above" in shown[2][0] and "┆" not in shown[2][-1]


def test_a_long_line_wraps_under_its_indentation_marked_as_continued() -> None:
    line = "        " + " ".join(f"word{n}" for n in range(30))
    panel = CodePanel(f"def f():\n{line}\n", "a.py", TITLE)
    target = Console(file=io.StringIO(), width=60, color_system=None)
    target.print(panel)
    rows = [row[2:-2] for row in text(target).split("\n")[1:-2]]
    shown = source_lines(rows, 4)
    assert len(shown[2]) > 2
    assert_wrapped_at_words(line, shown[2])
    assert all(row.startswith("        " + CONTINUED) for row in shown[2][1:])


def test_the_scroll_layout_prints_the_whole_file_wrapped_at_words() -> None:
    narrator = Narrator(Console(file=io.StringIO(), width=50, height=10, color_system=None))
    source = "".join(f"x_{n} = '{n} and some words to wrap over the edge'\n" for n in range(30))
    assert narrator.code(source, "a.py", None, {1, 30}, TITLE) == [{1, 30}], "it scrolls"
    rows = [row[2:-2] for row in text(narrator.console).split("\n")[1:-2]]
    shown = source_lines(rows, 5)
    assert sorted(shown) == list(range(1, 31))
    for number, drawn_rows in shown.items():
        assert_wrapped_at_words(source.split("\n")[number - 1], drawn_rows)
