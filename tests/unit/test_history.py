"""The event-history table at the sizes presenters have: its key rows always in sight,
the rest elided as counted gaps, its notes wrapped at words."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from director.narration import Narrator
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
