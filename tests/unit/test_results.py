"""What the show found: scene results, and the rows and notes made from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from director.claims import Run, Verdict
from director.results import (
    ReportRow,
    SceneResult,
    around,
    duration,
    history_notes,
    report_rows,
    step_times,
    summary_rows,
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
    assert around(30, [5, 20], context=1, ends=1) == {0, 4, 5, 6, 19, 20, 21, 29}, "not between"
    assert around(30, [5, 20], context=0, ends=0) == {5, 20}, "the marks alone"


def result(title: str, runs: list[Run], held: bool = True, failure: str | None = None):
    outcome = SceneResult(scene(title), runs=runs, failure=failure)
    outcome.verdicts = [Verdict(f"claim of {title}", held, "seen")]
    outcome.step_seconds = [("1. pause", 1.5), ("2. pause", 2.0)]
    outcome.seconds = 3.5
    return outcome


def test_step_times_are_each_scene_then_its_steps() -> None:
    rows = step_times([result("One", []), result("Two", [])])
    assert rows == [
        ("One", "", 3.5),
        ("One", "1. pause", 1.5),
        ("One", "2. pause", 2.0),
        ("Two", "", 3.5),
        ("Two", "1. pause", 1.5),
        ("Two", "2. pause", 2.0),
    ]


def test_report_rows_put_each_claim_under_its_scene_and_the_rounds_total_last() -> None:
    failed = result("Two", [], failure="Two, step 2 (pause): it broke")
    failed.verdicts = [Verdict("it resumes", False, "first: 1")]
    failed.seconds = 70.0
    rows = report_rows([result("One", []), failed])
    assert rows == [
        ReportRow("scene", "One", 3.5),
        ReportRow("step", "1. pause", 1.5),
        ReportRow("step", "2. pause", 2.0),
        ReportRow("claim", "claim of One", held=True, seen="seen"),
        ReportRow("scene", "Two", 70.0, held=False),
        ReportRow("step", "1. pause", 1.5),
        ReportRow("step", "2. pause", 2.0),
        ReportRow("claim", "it resumes", held=False, seen="first: 1"),
        ReportRow("failure", "step 2 (pause): it broke", held=False),
        ReportRow("total", "The round: 2 scenes, 1 of 2 claims held", 73.5, held=False),
    ]


def test_a_round_without_claims_says_so() -> None:
    quiet = result("Only", [])
    quiet.verdicts = []
    assert report_rows([quiet])[-1] == ReportRow("total", "The round: 1 scene, no claims", 3.5)


def test_a_duration_is_seconds_under_a_minute_then_minutes() -> None:
    assert [duration(s) for s in (0, 4.74, 59.9, 59.96, 75.3, 3600)] == [
        "0.0 s", "4.7 s", "59.9 s", "1:00", "1:15", "60:00"
    ]  # fmt: skip


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
