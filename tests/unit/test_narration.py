"""Narration rendered into a fixed-width console: what the audience would read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from director.claims import Tally, Verdict
from director.layouts import LayoutKind
from director.narration import Narrator
from director.recording import Cast, Recorder
from director.results import ReportRow
from director.screen import ScreenModel
from director.takes import TAKE_LAYOUT, TAKE_SIZE
from tests.conftest import plain, read_cast
from tests.unit.conftest import Program, console, text


def drawn(narrator: Narrator) -> str:
    """The live region (program and footer) as it would be drawn now."""
    out = console(narrator.console.width)
    out.print(narrator.layout)
    return text(out)


def test_a_narration_is_a_titled_panel_with_its_markdown() -> None:
    narrator = Narrator(console())
    narrator.narrate("A program that counts", "It counts from **1 to 10**.", notes="secret")
    shown = text(narrator.console)
    assert "A program that counts" in shown and "It counts from 1 to 10." in shown
    assert "secret" not in shown, "notes only in rehearsal"
    tops = [line for line in shown.splitlines() if line.startswith("╭")]
    assert tops and all(len(line) == len("It counts from **1 to 10**.") + 6 for line in tops)


def test_rehearsal_shows_the_notes() -> None:
    narrator = Narrator(console(), notes=True)
    narrator.ask("What comes next?", notes="Wait for the room.")
    shown = text(narrator.console)
    assert "Question for the room" in shown and "What comes next?" in shown
    assert "Notes: Wait for the room." in shown


def test_code_shows_the_chosen_lines_numbered() -> None:
    narrator = Narrator(console(80))
    source = "".join(f"line_{n} = {n}\n" for n in range(1, 11))
    narrator.code(source, "counter.py", (3, 5), {4}, "counter.py: the work")
    shown = text(narrator.console)
    assert "counter.py: the work" in shown
    assert "line_3" in shown and "line_5" in shown
    assert "line_2" not in shown and "line_6" not in shown


def test_the_footer_says_where_the_show_is_and_what_it_waits_for() -> None:
    narrator = Narrator(console(80))
    narrator.at_step("Before Temporal - step 3/11 (run)")
    assert drawn(narrator).strip() == "Before Temporal - step 3/11 (run)"
    narrator.waiting_for_key(True)
    assert "step 3/11 (run)   Space next  ? keys  q quit" in drawn(narrator)
    narrator.status("Starting the Temporal dev server...")
    assert "Starting the Temporal dev server..." in drawn(narrator)
    assert "step 3/11" not in drawn(narrator), "a status stands in for the place"
    narrator.at_step("Before Temporal - step 4/11 (wait_for)")
    assert "Starting" not in drawn(narrator), "a new step clears the status"


def test_the_rehearsal_clock_counts_from_the_step(monkeypatch: pytest.MonkeyPatch) -> None:
    narrator = Narrator(console(), clock=True)
    narrator.at_step("Scene - step 1/2 (pause)")
    monkeypatch.setattr("director.narration.time.monotonic", lambda: narrator.screen.since + 12.3)
    assert "Scene - step 1/2 (pause)   12.3 s" in drawn(narrator)


def test_a_running_program_shows_its_last_lines_then_its_whole_output() -> None:
    narrator = Narrator(console())
    program = Program(output="".join(f"{n}\r\n" for n in range(1, 21)))
    narrator.program_started(program)  # type: ignore[arg-type]
    live = drawn(narrator)
    assert "$ python start-execution.py" in live and "running" in live
    assert "│ 20 " in live and "│ 9 " in live and "│ 8 " not in live, "the last 12 lines"
    program.running, program.status = False, 130
    narrator.program_ended()
    ended = text(narrator.console)
    assert "│ 1 " in ended and "│ 20 " in ended
    assert "stopped by SIGINT" in ended
    assert [pane.child for pane in narrator.screen.panes] == [program], "its pane stays, ended"
    assert "start-execution" not in drawn(narrator), "scrolling, it was printed: not drawn again"


def test_a_verdict_held_is_a_line_a_failed_one_a_loud_panel() -> None:
    narrator = Narrator(console(70))
    narrator.verdict(Verdict("no number is shown twice", True, "repeated: none"))
    narrator.verdict(Verdict("no number is lost", False, "lost: 4, 5"))
    shown = text(narrator.console)
    assert "✔ no number is shown twice  repeated: none" in shown
    assert "✘ CLAIM FAILED: no number is lost" in shown and "lost: 4, 5" in shown


def test_the_summary_has_a_row_a_scene() -> None:
    narrator = Narrator(console(110))
    held = [Verdict("c", True, "")]
    narrator.summary(
        "What the programs really printed",
        [
            ("Before Temporal", Tally(5, 1, [1, 2, 3, 4, 5], []), held, None),
            ("With Temporal", Tally(5, 6, [], []), held, None),
            ("Broken", Tally(None, None, [], []), [], "step 2 failed"),
        ],
        "Learn more: docs.temporal.io",
    )
    shown = text(narrator.console)
    assert "What the programs really printed" in shown
    assert shown.rstrip().endswith("Learn more: docs.temporal.io"), "the closing line under it"
    assert "1, 2, 3, 4, 5" in shown and "✔ 1/1 held" in shown
    assert "✘ 0/0 held" in shown and "step 2 failed" in shown


def test_the_history_table_marks_what_matters_and_folds_the_rest() -> None:
    narrator = Narrator(console(100))
    start = datetime(2026, 11, 25, tzinfo=UTC)
    events = [
        (n, "TimerFired" if n == 15 else "Other", start + timedelta(seconds=n))
        for n in range(1, 31)
    ]
    narrator.history("The workflow's event history", events, {15: "fired while nothing ran"})
    shown = text(narrator.console)
    assert "fired while nothing ran" in shown and "+14.000 s" in shown
    assert "..." in shown, "the quiet middle is folded"
    assert "│ 30 " in shown and "│ 8 " not in shown


REPORT = [
    ReportRow("scene", "Before Temporal", 12.5),
    ReportRow("step", "1. narrate: Hello", 4.0),
    ReportRow("step", "2. show_code: counter/normal-execution/start-execution.py", 0.4),
    ReportRow("claim", "after the restart it starts again at 1", seen="first number after: 1"),
    ReportRow("scene", "With Temporal", 75.3, held=False),
    ReportRow("step", "1. run: counter/durable-execution/start-execution.py", 70.0),
    ReportRow("claim", "it carries on where it stopped", held=False, seen="first after: 1"),
    ReportRow("failure", "step 3 (run): the counter never printed 5", held=False),
    ReportRow("total", "The round: 2 scenes, 1 of 2 claims held", 87.8, held=False),
]


@pytest.mark.parametrize("width", [80, 120])
def test_the_rehearsal_report_shows_each_claim_under_its_scene_and_the_total(
    width: int,
) -> None:
    narrator = Narrator(console(width))
    narrator.report(REPORT)
    lines = text(narrator.console).splitlines()
    assert all(len(line) <= width for line in lines)
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in lines]
    rows = [(cell[0], cell[1]) for cell in cells if len(cell) == 2]
    assert rows == [
        ("Before Temporal", "12.5 s"),
        ("1. narrate: Hello", "4.0 s"),
        ("2. show_code: counter/normal-execution/start-execution.py", "0.4 s"),
        ("✔ after the restart it starts again at 1", ""),
        ("first number after: 1", ""),
        ("With Temporal", "1:15"),
        ("1. run: counter/durable-execution/start-execution.py", "1:10"),
        ("✘ FAILED: it carries on where it stopped", ""),
        ("first after: 1", ""),
        ("✘ step 3 (run): the counter never printed 5", ""),
        ("The round: 2 scenes, 1 of 2 claims held", "1:28"),
    ], "each claim under its scene, nothing cut or wrapped, the round's time last"


def test_transcript_gets_every_panel_but_not_the_live_region() -> None:
    transcript = console()
    narrator = Narrator(console(), transcript=transcript)
    narrator.info("Temporal ready")
    narrator.at_step("Scene - step 1/1 (pause)")
    assert "Temporal ready" in text(transcript)
    assert "step 1/1" not in text(transcript)


def test_program_size_is_the_inside_of_a_panel() -> None:
    narrator = Narrator(console(72))
    assert narrator.program_size == (24, 68)
    assert narrator.size == (72, 20)


class ListLayout:
    """Another layout: keeps what it is shown in a list, and the screen model it was given."""

    def __init__(self, console: Console, model: ScreenModel, *, clock: bool = False) -> None:
        self.console = console
        self.model = model
        self.shown: list[object] = []
        self.started = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def show(self, renderable: object, role: str) -> None:
        self.shown.append((role, renderable))

    def clear(self) -> None:
        self.shown.clear()

    @property
    def program_size(self) -> tuple[int, int]:
        return (10, 40)


def test_the_narrator_takes_another_layout_and_shares_its_screen_model() -> None:
    listed = LayoutKind("list", ListLayout, "a list", None, scrolls=True, instead="listing")
    narrator = Narrator(console(), layout=listed)
    layout = narrator.layout
    assert isinstance(layout, ListLayout)
    with narrator:
        assert layout.started
        narrator.narrate("Title", "Body")
        narrator.at_step("Scene - step 1/2 (narrate)")
    assert not layout.started
    assert [(role, type(shown).__name__) for role, shown in layout.shown] == [("main", "Panel")]
    assert layout.model is narrator.model and layout.model.now.place.endswith("(narrate)")
    assert narrator.program_size == (10, 40)
    assert text(narrator.console) == "", "everything went through the layout"


def test_the_recording_draws_everything_at_its_own_size_when_stdout_is_a_pipe(
    tmp_path: Path,
) -> None:
    piped = console(60)
    cast = Cast(tmp_path / "a.cast", (100, 30), "Talk")
    narrator = Narrator(piped, recorders=(Recorder(cast, follow_terminal=False),))
    narrator.marker("Scene: One")
    narrator.narrate("A program that counts", "It counts.")
    narrator.summary("What the programs printed", [])  # as wide as it is given
    narrator.clear()  # a new kiosk round: the recording's screen is cleared, not the log
    narrator.resize((80, 24))  # its size was given: it keeps it
    cast.close()
    _, events = read_cast(tmp_path / "a.cast")
    recorded = plain("".join(event[2] for event in events if event[1] == "o"))
    assert [event[1:] for event in events if event[1] == "m"] == [["m", "Scene: One"]]
    assert "A program that counts" in text(piped) and "A program that counts" in recorded
    assert max(map(len, recorded.split("\r\n"))) == 100
    assert max(map(len, text(piped).split("\n"))) == 60
    assert "\x1b[2J" in "".join(e[2] for e in events) and "\x1b" not in text(piped)
    assert narrator.program_size == (24, 96), "sized for the recording: the log has no screen"
    assert not any(event[1] == "r" for event in events)


def test_text_from_scenes_is_shown_as_written_never_as_markup() -> None:
    narrator = Narrator(console(100))
    narrator.narrate("[/x] [bold]not bold", "a **Markdown** body")
    narrator.code("x = 1\n", "a.py", None, set(), "[red]a title[/red")
    narrator.summary("[/t]", [("[/scene]", Tally(None, None, [], []), [], "[/failure]")])
    narrator.report([ReportRow("scene", "[/s]", 1.0), ReportRow("step", "1. ask: [/q]", 1.0)])
    narrator.history("[/h]", [], {})
    narrator.program_started(Program(label="[/label]"))  # type: ignore[arg-type]
    narrator.at_step("[/scene] - step 1/1 (run)")
    live = drawn(narrator)
    shown = text(narrator.console)
    for written in ("[/x] [bold]not bold", "[red]a title[/red", "[/t]", "[/scene]", "[/failure]"):
        assert written in shown
    assert "[/s]" in shown and "1. ask: [/q]" in shown and "[/h]" in shown
    assert "a Markdown body" in shown, "the body is Markdown on purpose"
    assert "$ [/label]" in live and "[/scene] - step 1/1" in live


def test_the_card_between_rounds_says_where_the_kiosk_is_and_what_failed() -> None:
    narrator = Narrator(console(110))
    headline = "Round 12 - FAILED - 3:05 - 11 of 12 rounds held"
    narrator.card(headline, ["Before Temporal: it starts over at 1 (saw 4)", "[/x]"], "bold red")
    shown = [row.strip("│ ") for row in text(narrator.console).splitlines()]
    assert headline in shown and shown.index(headline) + 1 == shown.index(
        "Before Temporal: it starts over at 1 (saw 4)"
    ), "the round first, then each failure on a line of its own"
    assert "[/x]" in shown, "shown as written"
    assert narrator.screen.main is not None, "in the main region, until the next round"


def test_a_take_drawn_at_its_own_size_never_sizes_the_programs(tmp_path: Path) -> None:
    take = Recorder(Cast(None, TAKE_SIZE, "Talk"), follow_terminal=False, layout=TAKE_LAYOUT)
    piped = Narrator(console(60), recorders=(take,))
    assert piped.program_size == (24, 56), "the pipe's own layout: the take is 80x24"
    recorded = Recorder(Cast(tmp_path / "a.cast", (100, 30), "Talk"), follow_terminal=False)
    both = Narrator(console(60), recorders=(recorded, take))
    assert both.program_size == (24, 96), "--record's recording, not the take"


def test_the_summary_fits_80_columns_one_line_a_scene() -> None:
    titles = ["How does it know? The event history", "What if Temporal itself dies?",
              "What if the machine dies?", "Before Temporal", "With Temporal"]  # fmt: skip
    rows = [(t, Tally(3, 4, [], []), [Verdict("c", True, "")], None) for t in titles]
    narrator = Narrator(console(80))
    narrator.summary("What the programs really printed", rows, "Learn more: docs.temporal.io")
    shown = text(narrator.console).splitlines()
    for title in titles:
        [row] = [row for row in shown if title in row]
        assert "3" in row and "4" in row and "✔ 1/1 held" in row, row
    assert max(map(len, shown)) <= 80
