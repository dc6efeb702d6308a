"""The layouts drawn into fixed-size consoles: the stage's regions at each shape, what
stays under a panel, the overlays, what is left when the stage is left."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from director import flags
from director.claims import Verdict
from director.keys import BINDINGS
from director.layouts import LAYOUTS, choose
from director.narration import Narrator
from director.replays import Replay
from director.takes import TAKE_SIZE
from director.terminal import Emulator
from tests.unit.conftest import Program, stage, text


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
    header = " ".join(rows[0].split())
    assert header == "Durable execution, live scene 2 of 6: With Temporal", (
        "the scene, nothing else"
    )
    [title] = [i for i, row in enumerate(rows) if "A program that counts" in row]
    assert title > 1 and "It counts from 1 to 10." in "".join(rows), "set in the region"
    assert rows[-1].startswith("With Temporal - step 1/11 (narrate)")


@pytest.mark.parametrize(
    ("size", "beside", "program_size"), [((80, 24), False, (5, 76)), ((160, 40), True, (36, 156))]
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
    right = rows[title_row].index("$ python") > size[0] // 2
    assert right is beside and (title_row > panel_row) is not beside, rows
    assert narrator.program_size == program_size
    inside = rows[title_row + 1 : title_row + 4]
    assert [row.split("│")[-2].strip() for row in inside] == ["1", "2", "3"]
    # It ends: the last program stays in its region until the next scene.
    program.running, program.status = False, 0
    narrator.program_ended()
    assert any("exited" in row for row in screen_of(narrator, target))
    narrator.scene(3, 6, "The machine dies")
    assert not any("start-execution" in row for row in screen_of(narrator, target))


def test_a_program_wider_than_the_side_region_goes_below_it_whole() -> None:
    narrator, target = stage(200, 50)
    narrator.narrate("Run it", "Watch the events.")
    row = "WorkflowTaskScheduled  {TaskQueue:{Name:counter-event-history-24926df3,Kind:Normal}}"
    program = Program(label="temporal workflow show", output=f"1  {row}\r\n", size=(24, 196))
    narrator.program_started(program)  # type: ignore[arg-type]
    rows = screen_of(narrator, target)
    [title_row] = [i for i, r in enumerate(rows) if "$ temporal workflow show" in r]
    assert title_row > 1, "below the main panel: beside, its rows would be cut"
    assert any(row in r for r in rows), "each row whole, as wide as the screen"
    narrow = Program(output="1\r\n2\r\n", size=(24, 196))
    narrator.program_started(narrow)  # type: ignore[arg-type]
    rows = screen_of(narrator, target)
    [title_row] = [i for i, r in enumerate(rows) if "$ python start-execution.py" in r]
    assert rows[title_row].index("$ python") > 150, "beside: its lines fit the side region"
    assert 10 < title_row < 30, "as tall as it fills, in the middle of the body's height"


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


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 40)])
def test_the_keys_overlay_fits_whole_beside_a_program_at_every_size_the_stage_takes(
    size: tuple[int, int],
) -> None:
    narrator, target = stage(*size)
    narrator.narrate("Run it", "Watch the numbers.")
    narrator.program_started(Program(output="1\r\n2\r\n3\r\n"))  # type: ignore[arg-type]
    narrator.toggle("help")
    rows = screen_of(narrator, target)
    shown = "\n".join(rows)
    assert "any key closes this" in shown, "the overlay's foot is cut off"
    for binding in BINDINGS:
        assert binding.named in shown, binding.named
    assert "$ python start-execution.py" in shown, "the program stays in sight"


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


def test_quitting_a_kiosk_round_leaves_the_last_whole_rounds_summary_and_count() -> None:
    narrator, target = stage(80, 24)
    narrator.summary("Round one's table", [])
    narrator.say("Round 1: every claim held. 3:05, 1 of 1 round held.", "result")
    narrator.clear()  # round 2, stopped before its end (q)
    narrator.summary("Round two's table", [])
    target.file = io.StringIO()
    narrator.layout.stop()
    left = text(target)
    assert "Round one's table" in left and "1 of 1 round held." in left
    assert "Round two's table" not in left, "half a round is not its result"


def test_a_tall_code_panel_is_shown_around_its_highlighted_lines() -> None:
    narrator, target = stage(80, 24)
    code = "\n".join(f"line_{n}" for n in range(1, 61))
    narrator.code(code, "code.py", None, {40, 41}, "A long file")
    shown = "\n".join(screen_of(narrator, target))
    assert "line_40" in shown and "line_41" in shown
    assert not re.search(r"\bline_1\b", shown), "the top is out of sight"
    assert "A long file" in shown and "lines above" in shown, (
        "but not its title, nor what is left out"
    )
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


def test_every_layout_in_the_table_has_every_part() -> None:
    assert list(LAYOUTS) == [kind.name for kind in LAYOUTS.values()], "each under its name"
    for kind in LAYOUTS.values():
        for part in ("start", "stop", "show", "clear", "program_size", "__rich__"):
            assert hasattr(kind.layout, part), f"{kind.name}: its class draws no {part}"
        assert kind.help and kind.instead.endswith("instead"), kind.name
        assert kind.minimum is None or (len(kind.minimum) == 2 and min(kind.minimum) > 0)
        assert isinstance(kind.scrolls, bool), kind.name
    assert any(kind.minimum is None for kind in LAYOUTS.values()), "one fits anywhere"


def test_layout_flag_offers_and_explains_every_layout_in_the_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    [flag] = [a for a in flags.make_parser()._actions if "--layout" in a.option_strings]
    assert flag.choices == tuple(LAYOUTS)
    for kind in LAYOUTS.values():
        assert f"{kind.name}: {kind.help}" in (flag.help or "")
    assert "the default in a terminal of at least 80x24" in (flag.help or "")


def terminal(width: int, height: int, *, is_terminal: bool = True) -> Console:
    return Console(file=io.StringIO(), width=width, height=height, force_terminal=is_terminal)


@pytest.mark.parametrize(
    ("asked", "console", "chosen", "why"),
    [
        (None, terminal(80, 24), "stage", None),
        ("scroll", terminal(200, 60), "scroll", None),
        (None, terminal(79, 40), "scroll", "The stage layout needs a terminal of at least 80x24 "
         "(this one is 79x40): scrolling instead."),
        ("stage", terminal(100, 23), "scroll", "The stage layout needs a terminal of at least "
         "80x24 (this one is 100x23): scrolling instead."),
        (None, terminal(100, 30, is_terminal=False), "scroll", None),
        ("stage", terminal(100, 30, is_terminal=False), "scroll",
         "--layout stage needs a terminal: scrolling instead"),
    ],
)  # fmt: skip
def test_a_console_gets_the_layout_asked_for_where_it_fits_else_one_that_fits_anywhere(
    asked: str | None, console: Console, chosen: str, why: str | None
) -> None:
    kind, said = choose(asked, console)
    assert kind is LAYOUTS[chosen]
    assert said == why


def test_what_the_narrator_may_do_comes_from_the_table_not_the_class() -> None:
    """A layout the table says scrolls has no screen to black out, whatever draws it."""
    target = Console(file=io.StringIO(), width=80, height=24, color_system=None)
    narrator = Narrator(target, layout=replace(LAYOUTS["stage"], scrolls=True))
    narrator.toggle("blackout")
    assert not narrator.screen.blackout
    narrator.toggle("help")
    assert not narrator.screen.help, "no overlay: the keys are said as a panel instead"
    [keys] = narrator.screen.lines
    assert "Keys" in str(keys.title) and keys.subtitle is None  # type: ignore[attr-defined]


class Meanwhile:
    """A line that, drawn, has the show change the screen: what the show's thread does while
    the refresh thread draws."""

    def __init__(self, narrator: Narrator) -> None:
        self.narrator = narrator

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.narrator.ask("A new panel, said meanwhile")
        self.narrator.program_ended()
        yield Text("a line said under the first panel")


def test_a_frame_is_drawn_from_one_screen_while_the_show_changes_it() -> None:
    narrator, target = stage(80, 24)
    narrator.narrate("The first panel", "Its body.")
    narrator.program_started(Program(output="1\r\n"))  # type: ignore[arg-type]
    narrator.say(Meanwhile(narrator))  # type: ignore[arg-type]
    shown = "\n".join(screen_of(narrator, target))
    assert "The first panel" in shown and "a line said under the first panel" in shown
    assert "A new panel" not in shown, "the panel said meanwhile waits for the next frame"
    assert "running" in shown, "the program as it was when the frame began"
    shown = "\n".join(screen_of(narrator, target))
    assert "A new panel, said meanwhile" in shown and "a line said under" not in shown


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_card_between_rounds_sits_in_the_middle_of_the_stage(size: tuple[int, int]) -> None:
    narrator, target = stage(*size)
    narrator.card("Round 12 - every claim held - 3:05 - 12 of 12 rounds held", [], "bold green")
    rows = screen_of(narrator, target)
    (row,) = [i for i, line in enumerate(rows) if "Round 12 - every" in line]
    line = rows[row]
    left, right = len(line) - len(line.lstrip()), len(line) - len(line.rstrip())
    assert abs(left - right) <= 2, f"centred across: {line!r}"
    assert size[1] // 4 < row < size[1] * 3 // 4, f"centred down: row {row} of {size[1]}"


TAKE_ROWS = [
    f" Durable execution, live{'scene 1 of 6: Before Temporal ':>56}",
    *(f"row {y:02d} " + "=" * (y * 7 % 73) for y in range(1, 23)),
    "the take's own footer" + " " * 58 + "<",  # a row as wide as the take
]
"""A take's screen (80x24): its own header, a row each, its own footer at its full width."""


def replayed(narrator: Narrator) -> None:
    """The take above shown on the narrator's screen, as the safety net shows it."""
    emulator, take = Emulator(*TAKE_SIZE), "\r\n".join(TAKE_ROWS)
    while take:  # a feed is bounded in time: on a busy machine it takes a few
        take = take[emulator.feed(take) :]
    narrator.replay(Replay(emulator.text(), TAKE_SIZE, "2026-11-25 16:54"))
    narrator.at_step("Before Temporal - the verified recording of 2026-11-25 16:54")


@pytest.mark.parametrize("size", [(120, 40), (200, 50)])
def test_a_take_is_drawn_whole_and_centred_over_the_stage_under_one_banner(
    size: tuple[int, int],
) -> None:
    narrator, target = stage(*size)
    narrator.narrate("The live panel", "Not shown while the take is.")
    narrator.program_started(Program(output="1\r\n"))  # type: ignore[arg-type]
    replayed(narrator)
    rows = screen_of(narrator, target)
    width, height = size
    left, top = (width - 80) // 2, 1 + (height - 2 - 24) // 2
    assert [row[left : left + 80] for row in rows[top : top + 24]] == [
        row.ljust(80) for row in TAKE_ROWS
    ], "every row and column of the take"
    around = [row[:left] + row[left + 80 :] for row in rows[top : top + 24]]
    assert all(not row.strip() for row in around), "nothing beside it: no box around it"
    assert all(not row.strip() for row in rows[1:top] + rows[top + 24 : -1]), "nor above, below"
    shown = "\n".join(rows)
    assert shown.count("Recorded 2026-11-25 16:54, not live") == 1
    assert "Recorded 2026-11-25 16:54, not live" in rows[0], "the banner is the header"
    assert "With Temporal" not in shown and "The live panel" not in shown, "the live stage is not"
    assert "start-execution" not in shown, "nor its program region"
    assert rows[-1].startswith("Before Temporal - the verified recording"), "the live footer"


def test_a_stage_of_the_takes_own_size_is_the_take_with_the_banner_on_its_header() -> None:
    narrator, target = stage(*TAKE_SIZE)
    replayed(narrator)
    rows = screen_of(narrator, target)
    assert rows[1:] == [row.ljust(80) for row in TAKE_ROWS[1:]], "every other row whole"
    assert rows[0].startswith(" Recorded 2026-11-25 16:54, not live ")
    assert rows[0].endswith("scene 1 of 6: Before Temporal "), "the take's own scene kept"
    assert "\n".join(rows).count("not live") == 1


def test_scrolling_a_take_is_its_banner_then_its_frame_as_it_is() -> None:
    target = Console(file=io.StringIO(), width=100, height=40, color_system=None)
    narrator = Narrator(target, layout=LAYOUTS["scroll"])
    replayed(narrator)
    rows = screen_of(narrator, target)
    assert rows[0] == " Recorded 2026-11-25 16:54, not live "
    assert [row.rstrip() for row in rows[1:25]] == [row.rstrip() for row in TAKE_ROWS]


LONG_BODY = (
    "The same counter, but each step is a **workflow** timer kept by Temporal. Kill the "
    "worker and start another one: the count carries on where it was."
)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 50)])
@pytest.mark.parametrize("kind", ["narrate", "ask"])
def test_narration_and_questions_are_set_in_the_middle_of_their_region_as_wide_as_their_text(
    size: tuple[int, int], kind: str
) -> None:
    narrator, target = stage(*size)
    if kind == "narrate":
        narrator.narrate("With Temporal", LONG_BODY)
    else:
        narrator.ask("The program was stopped at 3: which number will it print first?")
    narrator.program_started(Program(output="1\r\n2\r\n3\r\n"))  # type: ignore[arg-type]
    rows = screen_of(narrator, target)
    program = next(i for i, row in enumerate(rows) if "$ python" in row)
    beside = rows[program].index("$ python") > size[0] // 2
    if beside:  # the main region: left of the program's
        edge = rows[program].rindex("╭", 0, rows[program].index("$ python"))
        rows = [row[:edge] for row in rows]
    top = next(i for i, row in enumerate(rows) if "╭" in row and "$ python" not in row)
    bottom = next(i for i, row in enumerate(rows) if i > top and "╰" in row.split("╮")[0])
    region = (1, size[1] - 1) if beside else (1, program)  # beside it, else above it
    above, below = top - region[0], region[1] - 1 - bottom
    assert abs(above - below) <= 1, f"centred down: {above} rows above, {below} below"
    left = rows[top].index("╭")
    width = rows[top].index("╮") - left + 1
    assert width <= 90, "a comfortable measure, not the region's width"
    if not beside:  # the region is the whole width: centred across it
        assert abs(left - (size[0] - left - width)) <= 1, rows[top]


URL = "http://localhost:7233/namespaces/default/workflows/counter-event-history-24926df3abcdef"
PAYLOAD = '{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJjb3VudCI6MTAsInJlc3VsdCI6ImRvbmUi'
PAYLOAD += 'LCJ3b3JrZmxvdyI6ImNvdW50ZXIiLCJyb3VuZCI6MTJ9"}'


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 50)])
def test_lines_said_under_the_panel_break_no_word_id_or_link(size: tuple[int, int]) -> None:
    narrator, target = stage(*size)
    narrator.narrate("Temporal writes everything down", "Every step is an event.")
    workflow = "counter-event-history-24926df3abcdef"
    narrator.info(f"Workflow [bold]{workflow}[/] [link={URL}]{URL}[/link]")
    narrator.verdict(Verdict("it prints 'TimerFired'", True, f"Result {PAYLOAD}"))
    narrator.program_started(Program(output="1\r\n"))  # type: ignore[arg-type]
    segments = list(target.render(narrator.layout, target.options))
    linked = "".join(s.text for s in segments if s.style and s.style.link == URL)
    assert linked in (URL, URL.replace("namespaces/default/workflows", "…")) or "…" in linked
    assert linked.endswith("24926df3abcdef"), "the id whole, the link's target whole"
    rows = screen_of(narrator, target)
    said = f"> Workflow {workflow} {URL} ✔ it prints 'TimerFired' Result {PAYLOAD}".split()
    start = next(i for i, row in enumerate(rows) if "> Workflow" in row)
    for row in rows[start : start + 6]:
        if "$ python" in row or "╭" in row:
            break
        for token in re.split("[│╭╰]", row)[0].split():  # the main region's part
            assert token in said or "…" in token, f"{token!r} is broken: {row!r}"


SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
"""The sizes presenters have: a projector's enlarged font, a recording, a laptop, a monitor."""


def numbers_shown(rows: list[str]) -> list[str]:
    """The rows inside the program's panel, stripped: what the program printed, as shown."""
    [title] = [i for i, row in enumerate(rows) if "$ python start-execution.py" in row]
    left = rows[title].rindex("╭", 0, rows[title].index("$ python"))
    inside = []
    for row in rows[title + 1 :]:
        if row[left] == "╰":
            break
        inside.append(row[left + 1 :].split("│")[0].strip())
    return inside


@pytest.mark.parametrize("size", SIZES)
def test_a_counters_region_holds_its_whole_count_under_a_short_narration(
    size: tuple[int, int],
) -> None:
    narrator, target = stage(*size)
    narrator.narrate("Run it", "Watch the numbers.")
    narrator.info("Workflow counter-with-temporal-1234")
    program = Program(output="".join(f"{n}\r\n" for n in range(1, 4)))
    narrator.program_started(program, 10)  # type: ignore[arg-type]
    rows = screen_of(narrator, target)
    assert numbers_shown(rows)[:3] == ["1", "2", "3"], "sized for 10 from the start"
    assert len(numbers_shown(rows)) >= 10, rows
    program.output = "".join(f"{n}\r\n" for n in range(1, 11))
    rows = screen_of(narrator, target)
    assert [n for n in numbers_shown(rows) if n] == [str(n) for n in range(1, 11)], rows
    assert "Watch the numbers." in "\n".join(rows) and "counter-with-temporal" in "\n".join(rows)


@pytest.mark.parametrize("size", SIZES)
def test_after_a_restart_the_new_runs_first_number_stays_in_view_with_the_run_before(
    size: tuple[int, int],
) -> None:
    narrator, target = stage(*size)
    narrator.ask("It stopped at 5. When we run it again, what number will it show first?")
    before = Program(output="".join(f"{n}\r\n" for n in range(1, 6)), running=False, status=130)
    narrator.program_started(before, 10)  # type: ignore[arg-type]
    narrator.program_ended()
    again = Program(output="".join(f"{n}\r\n" for n in range(1, 11)))
    narrator.program_started(again, 10, again=True)  # type: ignore[arg-type]
    narrator.verdict(Verdict("after the restart it starts again at 1", True, "first after: 1"))
    shown = numbers_shown(screen_of(narrator, target))
    rule = shown.index("── again ──")
    assert shown[rule - 1] == "5", "the run before ends at 5"
    assert shown[rule + 1] == "1" and shown[-1] in ("10", ""), shown
    assert "10" in shown, shown
    # A tall panel above leaves the program less room: the start is kept above an elision.
    narrator.narrate("It started over", "\n\n".join(f"Paragraph {n}." for n in range(1, 9)))
    shown = numbers_shown(screen_of(narrator, target))
    rule = shown.index("── again ──")
    assert shown[rule - 1] == "5" and shown[rule + 1] == "1" and "10" in shown, shown
    if [n for n in shown[rule + 1 :] if n] != [str(n) for n in range(1, 11)]:
        assert shown[rule + 2] == "┆", f"rows left out are marked: {shown}"
    # A new scene's program has no run before it.
    narrator.scene(3, 6, "The machine dies")
    narrator.program_started(Program(output="1\r\n"), 10)  # type: ignore[arg-type]
    assert "── again ──" not in numbers_shown(screen_of(narrator, target))
