"""The event-history table at the sizes presenters have: its key rows always in sight,
the rest elided as counted gaps, its notes wrapped at words."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from rich.panel import Panel

from director.history import LivePane, live_panel
from director.narration import Narrator
from director.record import Recorded
from director.results import Event, history_notes
from tests.unit.conftest import Program, stage, text


def durable_history() -> tuple[list[Event], dict[int, str]]:
    """A durable count of 10, its worker killed after 4 and a new one started 2 s later: 55
    events as Temporal keeps them, and the notes that explain the restart."""
    start = datetime(2026, 12, 1, tzinfo=UTC)
    kinds: list[tuple[str, float]] = [
        ("WorkflowExecutionStarted", 0), ("WorkflowTaskScheduled", 0),
        ("WorkflowTaskStarted", 0.05), ("WorkflowTaskCompleted", 0.1),
    ]  # fmt: skip
    t = 0.0
    for number in range(10):
        kinds += [
            ("TimerStarted", t + 0.1),
            ("TimerFired", t + 1),
            ("WorkflowTaskScheduled", t + 1),
        ]
        t += 3 if number == 3 else 1
        kinds += [("WorkflowTaskStarted", t), ("WorkflowTaskCompleted", t + 0.01)]
    kinds.append(("WorkflowExecutionCompleted", t + 0.1))
    events = [(n, kind, start + timedelta(seconds=at)) for n, (kind, at) in enumerate(kinds, 1)]
    stopped, resumed = start + timedelta(seconds=3.5), start + timedelta(seconds=5)
    return events, history_notes(events, stopped, resumed)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 50)])
def test_the_history_fits_its_region_with_every_key_row_and_counts_what_it_leaves_out(
    size: tuple[int, int],
) -> None:
    events, notes = durable_history()
    assert len(notes) == 3
    narrator, target = stage(*size)
    narrator.history("The workflow's event history", events, notes)
    narrator.info("The same workflow in the Web UI: http://localhost:7233/x")
    narrator.program_started(Program(output="".join(f"{n}\r\n" for n in range(1, 11))))  # type: ignore[arg-type]
    target.file = io.StringIO()
    target.print(narrator.layout)
    rows = text(target).split("\n")[:-1]
    assert len(rows) == size[1], "nothing pushed off the screen"
    cell = r"│ *([^│]*?) *"
    cells = [list(m.groups()) for row in rows if (m := re.search(cell * 4 + "│", row))]
    shown = [int(cell[0]) for cell in cells if cell[0].isdigit()]
    left_out = [
        int(m[1]) for c in cells if (m := re.fullmatch(r"\.\.\. (\d+) events? \.\.\.", c[1]))
    ]
    assert left_out, "the table is elided to fit"
    assert len(shown) + sum(left_out) == len(events), "each gap counted right"
    assert set(notes) <= set(shown), "the key rows are always shown"
    said = " ".join(cell[3] for cell in cells if cell[3])
    assert said == " ".join(notes[n] for n in sorted(notes)), "each note whole, wrapped at words"
    assert any("The workflow's event history" in row for row in rows), "its title in sight"
    assert any("Web UI" in row for row in rows) and any("running" in row for row in rows)


def test_the_history_printed_by_the_scroll_layout_fits_the_terminal() -> None:
    events, notes = durable_history()
    narrator = Narrator(Console(file=io.StringIO(), width=80, height=24, color_system=None))
    narrator.history("The workflow's event history", events, notes)
    rows = text(narrator.console).split("\n")[:-1]
    assert len(rows) <= 24 and all(note.split()[0] in "\n".join(rows) for note in notes.values())


# --- The live pane ------------------------------------------------------------------------


def live_history(count: int = 40) -> tuple[list[Recorded], set[int]]:
    """`count` events of a count whose worker was gone from +5.3 s to +7 s: the TimerFired
    (#14) and WorkflowTaskScheduled (#15) between."""
    kinds = ["WorkflowExecutionStarted", "WorkflowTaskScheduled"]
    kinds += ["WorkflowTaskStarted", "WorkflowTaskCompleted", "TimerStarted", "TimerFired"] * 10
    events = [
        Recorded(n, kind, datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=n * 0.4))
        for n, kind in enumerate(kinds[:count], 1)
    ]
    return events, {14, 15}


def pane(pane: LivePane | Panel, width: int, height: int) -> list[str]:
    """The rows the pane draws in a region of that size."""
    console = Console(file=io.StringIO(), width=width, height=height, color_system=None)
    console.print(pane, height=height)  # type: ignore[call-arg]
    return text(console).split("\n")[:-1]


def test_the_live_pane_shows_each_event_with_its_time_from_the_start_newest_at_the_bottom() -> None:
    events, unattended = live_history(16)
    rows = pane(LivePane(events, unattended), 50, 20)
    assert len(rows) == 16 and all(len(row) == 50 for row in rows)
    assert rows[0] == " 1  +0.0 s WorkflowStarted".ljust(50), "WorkflowExecution said short"
    assert rows[13] == "14  +5.2 s TimerFired ◆ nobody ran".ljust(50)
    assert rows[15] == "16  +6.0 s WorkflowTaskCompleted".ljust(50)


def test_the_oldest_events_are_elided_but_the_unattended_ones_stay_in_view() -> None:
    events, unattended = live_history(40)
    rows = [row.rstrip() for row in pane(LivePane(events, unattended), 40, 10)]
    assert len(rows) == 10
    assert rows[0] == "… 13 earlier events …"
    assert rows[1:3] == [
        "14  +5.2 s TimerFired ◆ nobody ran",
        "15  +5.6 s WorkflowTaskStarted ◆",
    ]
    assert rows[3] == "… 19 events …"
    assert [int(row.split()[0]) for row in rows[4:]] == list(range(35, 41)), "the newest"


def test_a_narrow_pane_keeps_the_mark_and_cuts_the_type() -> None:
    events, _ = live_history(30)
    rows = pane(LivePane(events, {30}), 20, 5)
    assert rows[-1] == "30 +11.6 s TimerF… ◆"
    assert rows[0] == "… 26 earlier events…", "cut with a mark"


def test_the_live_pane_says_why_it_cannot_follow_on_its_last_line() -> None:
    events, unattended = live_history(40)
    rows = [
        row.rstrip()
        for row in pane(LivePane(events, unattended, "Temporal does not answer"), 40, 6)
    ]
    assert rows[-1] == "Temporal does not answer" and rows[0] == "… 13 earlier events …"
    assert [row.split()[0] for row in rows[1:5]] == ["14", "15", "…", "40"]
    assert pane(LivePane([], set()), 30, 3)[0].rstrip() == "no events yet"
    assert [r.rstrip() for r in pane(LivePane([], set(), "Temporal does not answer"), 30, 2)] == [
        "no events yet",
        "Temporal does not answer",
    ]


def test_the_live_panel_draws_its_border_and_title_around_the_rows() -> None:
    events, unattended = live_history(40)
    rows = pane(live_panel(events, unattended), 40, 8)
    assert len(rows) == 8 and "Event history (live)" in rows[0] and rows[-1].startswith("╰")
    assert "… 13 earlier events …" in rows[1] and "nobody ran" in rows[2] and "40" in rows[-2]
    assert "◆ while no worker ran" in rows[-1], "what the mark means, under it"
    assert "while no worker ran" not in pane(live_panel(events, set()), 40, 8)[-1], "none marked"
