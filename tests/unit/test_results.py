"""What the show found: scene results, and the rows and notes made from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from director.claims import Run, Verdict
from director.results import (
    SceneResult,
    around,
    history_notes,
    report_rows,
    summary_rows,
    verdicts,
)
from director.scenes import Scene
from director.steps import Pause

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def scene(title: str) -> Scene:
    return Scene(title.lower(), title, Path(f"{title}.toml"), (Pause(),))


# A durable count of 10, stopped at 3 (t=3.1), restarted at t=5: the history as Temporal keeps it.
HISTORY = [
    (1, "WorkflowExecutionStarted", at(0)),
    (2, "WorkflowTaskScheduled", at(0)),
    (3, "WorkflowTaskStarted", at(0.1)),
    (4, "WorkflowTaskCompleted", at(0.1)),
    (5, "TimerStarted", at(0.1)),
    (6, "TimerFired", at(1.1)),
    (7, "TimerStarted", at(1.2)),
    (8, "TimerFired", at(2.2)),
    (9, "TimerStarted", at(2.3)),
    (10, "TimerFired", at(3.3)),
    (11, "WorkflowTaskScheduled", at(3.3)),
    (12, "WorkflowTaskStarted", at(5.2)),
    (13, "WorkflowTaskCompleted", at(5.3)),
]


def test_history_notes_mark_the_saved_timer_the_fired_one_and_the_new_worker() -> None:
    notes = history_notes(HISTORY, disrupted=at(3.1), resumed=at(5))
    assert notes == {
        9: "the timer, saved in Temporal as the program stopped",
        10: "fired while nothing was counting",
        12: "a new worker: replays the history, carries on",
    }


def test_history_notes_without_a_disruption_are_empty() -> None:
    assert history_notes(HISTORY, disrupted=None, resumed=None) == {}


def test_history_notes_without_a_restart_count_from_the_disruption() -> None:
    notes = history_notes(HISTORY, disrupted=at(3.1), resumed=None)
    assert notes[12] == "a new worker: replays the history, carries on"


def test_history_notes_after_the_last_event_mark_nothing() -> None:
    assert history_notes(HISTORY, disrupted=at(60), resumed=at(61)) == {}


def test_long_tables_keep_the_ends_and_the_marks() -> None:
    assert around(5, []) == {0, 1, 2, 3, 4}
    assert around(30, [15]) == {0, 1, 2, 3, 13, 14, 15, 16, 17, 29}
    assert around(30, [10, 12], context=1) == {0, 1, 2, 3, 9, 10, 11, 12, 13, 29}


def result(title: str, runs: list[Run], held: bool = True, failure: str | None = None):
    outcome = SceneResult(scene(title), runs=runs, failure=failure)
    outcome.verdicts = [Verdict(f"claim of {title}", held, "seen")]
    outcome.step_seconds = [("1. pause", 1.5), ("2. pause", 2.0)]
    outcome.seconds = 3.5
    return outcome


def test_report_rows_are_each_scene_then_its_steps() -> None:
    rows = report_rows([result("One", []), result("Two", [])])
    assert rows == [
        ("One", "", 3.5),
        ("One", "1. pause", 1.5),
        ("One", "2. pause", 2.0),
        ("Two", "", 3.5),
        ("Two", "1. pause", 1.5),
        ("Two", "2. pause", 2.0),
    ]


def test_summary_rows_only_for_scenes_that_ran_or_failed() -> None:
    ran = result("Ran", [Run("p", 3, [1, 2, 3], status=0)])
    idle = result("Idle", [])
    failed = result("Failed", [], failure="it broke")
    rows = summary_rows([ran, idle, failed])
    assert [row[0] for row in rows] == ["Ran", "Failed"]
    assert rows[0][1].lost == [] and rows[1][3] == "it broke"


def test_a_scene_holds_only_without_failure_and_with_every_claim() -> None:
    assert result("A", []).held
    assert not result("B", [], held=False).held
    assert not result("C", [], failure="step 2 failed").held
    assert [v.claim for v in verdicts([result("A", []), result("B", [])])] == [
        "claim of A",
        "claim of B",
    ]
