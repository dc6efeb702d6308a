"""The panels both layouts draw: a program's output, the keys' help, a command typed, the footer."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import pytest
from rich.console import Console, RenderableType
from rich.spinner import Spinner
from rich.text import Text

from director import panels
from director.claims import Printed
from director.keys import BINDINGS
from director.panels import footer, help_panel, program_panel, typing_panel
from director.screen import Screen
from tests.unit.conftest import Program, console, text


def test_a_program_panel_says_how_it_ended() -> None:
    out = console()
    out.print(program_panel(Program(running=False, status=0, output="1\n"), None))  # type: ignore[arg-type]
    assert "exited" in text(out)


def drawn(renderable: RenderableType, width: int = 100) -> str:
    out = console(width)
    out.print(renderable)
    return text(out)


def test_the_keys_help_lists_every_binding_and_says_how_it_closes_only_as_an_overlay() -> None:
    shown = " ".join(drawn(help_panel(overlay=True), 200).split())
    for binding in BINDINGS:
        assert f"{binding.named} {' '.join(binding.help.split())}" in shown, binding.named
    assert "any key closes this" in shown
    assert "any key closes this" not in drawn(help_panel())


def test_a_command_being_typed_has_its_prompt_and_the_cursor_after_it() -> None:
    shown = drawn(typing_panel("temporal workflow sh"))
    assert "typing" in shown and "$ temporal workflow sh▌" in shown


def test_a_program_panel_is_titled_with_its_command_and_cut_to_the_rows_asked() -> None:
    program = Program(label="python tick.py", output="".join(f"{n}\r\n" for n in range(1, 9)))
    shown = drawn(program_panel(program, 3))  # type: ignore[arg-type]
    assert "$ python tick.py" in shown and "running" in shown
    assert [row.strip("│ ") for row in shown.splitlines()[1:-1]] == ["6", "7", "8"]
    program.running, program.status = False, 2
    assert "exited 2" in drawn(program_panel(program, None))  # type: ignore[arg-type]


def test_the_footer_is_the_status_while_there_is_one_else_the_place_its_clock_and_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spinner = Spinner("dots")
    screen = Screen(place="Scene - step 1/2 (run)", status="Starting Temporal...", since=100.0)
    assert footer(screen, spinner, clock=True) is spinner
    assert "Starting Temporal..." in drawn(spinner)
    monkeypatch.setattr("director.panels.time.monotonic", lambda: 112.34)
    screen = replace(screen, status=None)
    assert drawn(footer(screen, spinner, clock=False)).strip() == "Scene - step 1/2 (run)"
    assert drawn(footer(screen, spinner, clock=True)).strip() == "Scene - step 1/2 (run)   12.3 s"
    waiting = drawn(footer(replace(screen, waiting=True), spinner, clock=False))
    assert waiting.strip() == "Scene - step 1/2 (run)   Space next  ? keys  q quit"


def lines(*texts: str) -> list[Text]:
    return [Text(text) for text in texts]


@pytest.mark.parametrize(
    ("count", "rows", "keep", "shown"),
    [
        (5, 5, 0, ["1", "2", "3", "4", "5"]),  # it fits: all of it
        (10, 5, 0, ["1", "┆", "8", "9", "10"]),  # the start above an elision, the newest
        (60, 10, 29, ["┆", "30", "31", "32", "33", "┆", "57", "58", "59", "60"]),
        (60, 10, 55, ["┆", *map(str, range(52, 61))]),  # from the match on fits
        (10, 2, 0, ["1", "10"]),  # no room for an elision: the kept row and the newest
        (10, 3, 4, ["5", "┆", "10"]),  # no room for a mark above: one between, the newest
    ],
)
def test_a_window_keeps_the_row_the_claims_look_at_and_the_newest(
    count: int, rows: int, keep: int, shown: list[str]
) -> None:
    window = panels.window(lines(*map(str, range(1, count + 1))), rows, keep)
    assert [line.plain for line in window] == shown
    assert len(window) <= rows


@dataclass
class Command(Program):
    """A program whose output the claims look at."""

    looks: tuple[str, ...] = ()

    @property
    def printed(self) -> Printed:
        return Printed.of(self.output, self.looks)


SHOW = "".join(f"  {n:2}  {kind}\r\n" for n, kind in enumerate(
    ["WorkflowExecutionStarted", *["WorkflowTaskScheduled"] * 12, "TimerStarted",
     "TimerFired", *["WorkflowTaskCompleted"] * 12], 1)) + 'Result {"metadata":{}}\r\n'  # fmt: skip


def test_a_commands_output_is_shown_from_the_first_match_of_what_the_claims_look_for() -> None:
    program = Command(label="temporal workflow show", output=SHOW, looks=("TimerFired",))
    shown = drawn(program_panel(program, 8, program.looks))  # type: ignore[arg-type]
    inside = [row.strip("│ ") for row in shown.splitlines()[1:-1]]
    assert inside[0] == "┆" and inside[1] == "15  TimerFired", inside
    assert inside[-1].startswith("Result"), "the newest row too"
    assert len(inside) == 8
    whole = drawn(program_panel(program, 40, program.looks))  # type: ignore[arg-type]
    assert "┆" not in whole and "WorkflowExecutionStarted" in whole, "whole where it fits"
    newest = drawn(program_panel(program, 8))  # type: ignore[arg-type]
    assert "TimerFired" not in newest, "without what the claims look for: the newest rows"


def test_the_run_before_a_restart_ends_above_the_new_run() -> None:
    before = Program(output="1\r\n2\r\n3\r\n", running=False, status=130)
    again = Program(output="".join(f"{n}\r\n" for n in range(1, 9)))
    shown = drawn(program_panel(again, 8, (), before))  # type: ignore[arg-type]
    inside = [row.strip("│ ") for row in shown.splitlines()[1:-1]]
    assert inside == ["2", "3", "── again ──", "1", "┆", "6", "7", "8"]


def test_a_programs_panel_fills_the_rows_it_printed_or_is_expected_to() -> None:
    starting = Program(output="1\r\n2\r\n")
    assert panels.program_rows(starting, 10, None, 40) == 10 + 2, "a counter's whole count"
    resumed = Program(output="4\r\n5\r\n")  # a durable counter carries on at 4
    assert panels.program_rows(resumed, 10, starting, 40) == 7 + 3 + 2, "4 to 10, the run before"
    printed = Program(output="".join(f"line {n}\r\n" for n in range(30)))
    assert panels.program_rows(printed, 0, None, 40) == 30 + 2, "a command: what it printed"


def test_a_command_too_long_for_its_panels_title_is_cut_with_a_mark() -> None:
    label = "temporal workflow show --workflow-id counter-event-history-e13525ba --address x"
    panel = panels.program_panel(Program(label=label, output="1\r\n"), 3)  # type: ignore[arg-type]
    drawn = console(60)
    drawn.print(panel)
    top = text(drawn).splitlines()[0]
    assert top.startswith("╭") and top.endswith("…─╮"), top


def test_a_programs_own_colours_stay_over_the_panels_text_colour() -> None:
    panel = panels.program_panel(Program(output="\x1b[32mgreen\x1b[0m plain\r\n"), 3)  # type: ignore[arg-type]
    drawn = Console(file=io.StringIO(), width=40)
    styles = {s.text.strip(): s.style for row in drawn.render_lines(panel) for s in row}
    text = drawn.get_style("stage.program.output").color
    assert styles["green"].color.name == "green", "the program's own colour"  # type: ignore[union-attr]
    assert styles["plain"].color == text, "the rest in the panel's text colour"  # type: ignore[union-attr]
