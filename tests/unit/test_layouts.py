"""The layouts drawn into fixed-size consoles: the stage's regions at each shape, what
stays under a panel, the overlays, what is left when the stage is left."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from director.claims import Verdict
from director.layouts import LAYOUTS
from director.narration import Narrator
from tests.unit.test_narration import Program, text


def stage(width: int, height: int) -> tuple[Narrator, Console]:
    """A narrator on the stage layout, and a console of that size to draw it in."""
    target = Console(file=io.StringIO(), width=width, height=height, color_system=None)
    narrator = Narrator(target, layout=LAYOUTS["stage"])
    narrator.talk("Durable execution, live")
    narrator.scene(2, 6, "With Temporal")
    return narrator, target


def screen_of(narrator: Narrator, target: Console) -> list[str]:
    """The stage as it is drawn now: one string a row."""
    target.file = io.StringIO()
    target.print(narrator.layout)
    return text(target).split("\n")[:-1]


def test_the_stage_has_a_header_the_main_panel_and_a_footer() -> None:
    narrator, target = stage(80, 24)
    narrator.narrate("A program that counts", "It counts from 1 to 10.")
    narrator.at_step("With Temporal - step 1/11 (narrate)")
    rows = screen_of(narrator, target)
    assert len(rows) == 24 and all(len(row) == 80 for row in rows)
    assert rows[0].startswith(" Durable execution, live")
    assert rows[0].rstrip().endswith("scene 2 of 6: With Temporal")
    assert "A program that counts" in rows[1] and "It counts from 1 to 10." in "".join(rows)
    assert rows[-1].startswith("With Temporal - step 1/11 (narrate)")


@pytest.mark.parametrize(
    ("size", "beside", "program_size"), [((80, 24), False, (5, 76)), ((160, 40), True, (36, 36))]
)
def test_the_program_is_below_the_main_panel_or_beside_it_on_a_wide_screen(
    size: tuple[int, int], beside: bool, program_size: tuple[int, int]
) -> None:
    narrator, target = stage(*size)
    narrator.narrate("Run it", "Watch the numbers.")
    program = Program(output="1\r\n2\r\n3\r\n")
    narrator.program_started(program)  # type: ignore[arg-type]
    rows = screen_of(narrator, target)
    [title_row] = [i for i, row in enumerate(rows) if "$ python start-execution.py" in row]
    [panel_row] = [i for i, row in enumerate(rows) if "Run it" in row]
    assert (title_row == panel_row) is beside, rows
    assert narrator.program_size == program_size
    inside = rows[title_row + 1 : title_row + 4]
    assert [row.split("│")[-2].strip() for row in inside] == ["1", "2", "3"]
    # It ends: the last program stays in its region until the next scene.
    program.running, program.status = False, 0
    narrator.program_ended()
    assert any("exited" in row for row in screen_of(narrator, target))
    narrator.scene(3, 6, "The machine dies")
    assert not any("start-execution" in row for row in screen_of(narrator, target))


def test_what_is_said_under_the_panel_stays_until_the_next_panel() -> None:
    narrator, target = stage(100, 30)
    narrator.narrate("Run it again", "Where will it start?")
    narrator.info("Sending Ctrl-C (SIGINT) to the program")
    narrator.verdict(Verdict("it carries on at the next number", True, "first after: 6"))
    shown = "\n".join(screen_of(narrator, target))
    assert "Where will it start?" in shown and "Sending Ctrl-C" in shown
    assert "✔ it carries on at the next number" in shown
    narrator.ask("What comes next?")
    shown = "\n".join(screen_of(narrator, target))
    assert "What comes next?" in shown and "Sending Ctrl-C" not in shown


def test_blackout_draws_nothing_and_help_lists_the_keys_over_the_main_region() -> None:
    narrator, target = stage(80, 24)
    narrator.narrate("Title", "Body")
    narrator.toggle("blackout")
    assert all(not row.strip() for row in screen_of(narrator, target))
    narrator.toggle("blackout")
    narrator.toggle("help")
    shown = "\n".join(screen_of(narrator, target))
    assert "Page Up" in shown and "any key closes this" in shown and "Body" not in shown


def test_leaving_the_stage_leaves_the_summary_and_the_result_on_the_screen() -> None:
    narrator, target = stage(80, 24)
    narrator.summary("What the programs printed", [])
    narrator.say("Round 1: every claim held.", "result")
    narrator.info("not kept")
    target.file = io.StringIO()
    narrator.layout.stop()
    left = text(target)
    assert "What the programs printed" in left and "Round 1: every claim held." in left
    assert "not kept" not in left


def test_a_tall_code_panel_is_shown_around_its_highlighted_lines() -> None:
    narrator, target = stage(80, 24)
    code = "\n".join(f"line_{n}" for n in range(1, 61))
    narrator.code(code, "code.py", None, {40, 41}, "A long file")
    shown = "\n".join(screen_of(narrator, target))
    assert "line_40" in shown and "line_41" in shown
    assert not re.search(r"\bline_1\b", shown) and "A long file" not in shown, "top out of sight"
    narrator.code(code[:40], "code.py", None, {2}, "A short file")
    shown = "\n".join(screen_of(narrator, target))
    assert "A short file" in shown and "line_2" in shown


def test_a_command_being_typed_is_shown_where_its_program_will_be() -> None:
    narrator, target = stage(80, 24)
    narrator.narrate("The CLI", "Watch.")
    narrator.typing("temporal workflow sh")
    rows = screen_of(narrator, target)
    [row] = [row for row in rows if "$ temporal workflow sh▌" in row]
    assert rows.index(row) > 2, "below the main panel, in the program's region"
