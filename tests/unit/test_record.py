"""The claims judged from Temporal's record alone: which events happened while no worker ran,
a timer that fired then, one completion, and a workflow's code named wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from director import record
from director.record import RECORD_CLAIMS, Record, Recorded

START = datetime(2026, 12, 1, tzinfo=UTC)


def history(*rows: tuple) -> list[Recorded]:
    """Events from (type, seconds from the start[, identity[, task]]) rows, ids from 1."""
    return [
        Recorded(n, row[0], START + timedelta(seconds=row[1]), *row[2:])
        for n, row in enumerate(rows, 1)
    ]


def count(a: str, b: str | None, failed: bool = False) -> list[Recorded]:
    """A count of 3: worker `a` counts to 1 and is gone; worker `b` (if any) finishes it."""
    rows = [
        ("WorkflowExecutionStarted", 0),  # 1
        ("WorkflowTaskScheduled", 0),  # 2
        ("WorkflowTaskStarted", 0.1, a),  # 3
        ("WorkflowTaskCompleted", 0.2, a),  # 4
        ("TimerStarted", 0.2, "", 4),  # 5: written by a's task
        ("TimerFired", 5.3),  # 6: a is gone
        ("WorkflowTaskScheduled", 5.3),  # 7
    ]
    if failed:
        rows += [("WorkflowTaskStarted", 6, b), ("WorkflowTaskFailed", 6.1, b)]  # 8, 9
        rows += [("WorkflowTaskScheduled", 6.1)]  # 10
    if b:
        rows += [
            ("WorkflowTaskStarted", 7.0, b),
            ("WorkflowTaskCompleted", 7.1, b),
            ("TimerStarted", 7.1, "", 0),
            ("TimerFired", 8.1),
            ("WorkflowTaskScheduled", 8.1),
            ("WorkflowTaskStarted", 8.2, b),
            ("WorkflowTaskCompleted", 8.3, b),
            ("WorkflowExecutionCompleted", 8.3, "", 0),
        ]
    return history(*rows)


def test_the_events_between_one_workers_last_task_and_anothers_first_are_unattended() -> None:
    events = count("4242@stage", "4343@stage")
    assert record.unattended(events) == {6, 7}, "its own timer's start is the worker's doing"
    (gap,) = record.gaps(events)
    assert (gap.last.id, gap.first.id) == (4, 8)


def test_a_worker_that_kept_running_through_a_server_restart_left_nothing_unattended() -> None:
    events = count("4242@stage", "4242@stage")
    assert record.unattended(events) == set() and record.gaps(events) == []
    verdict = record.fired_unattended(events)
    assert not verdict.held and "one worker ran throughout" in verdict.seen


def test_a_timer_that_fired_between_two_workers_fired_unattended() -> None:
    verdict = record.fired_unattended(count("4242@stage", "4343@stage"))
    assert verdict.held
    assert verdict.seen == (
        "TimerFired #6 at +5.3 s, between worker 4242@stage's last task (#4) "
        "and worker 4343@stage's first (#8)"
    )


def test_a_gap_where_no_timer_fired_is_no_unattended_timer() -> None:
    events = history(
        ("WorkflowExecutionStarted", 0),
        ("WorkflowTaskScheduled", 0),
        ("WorkflowTaskStarted", 0.1, "a"),
        ("WorkflowTaskCompleted", 0.2, "a"),
        ("TimerStarted", 0.2, "", 4),
        ("WorkflowTaskStarted", 0.5, "b"),  # a query or a signal's task: b took over
        ("WorkflowTaskCompleted", 0.6, "b"),
        ("TimerFired", 1.2),
    )
    assert record.unattended(events) == set()
    verdict = record.fired_unattended(events)
    assert not verdict.held and verdict.seen == "1 timer fired, none between workers (#4 to #6)"


def test_no_timer_fired_at_all() -> None:
    verdict = record.fired_unattended(count("a", None))
    assert not verdict.held and verdict.seen == "1 timer fired, one worker ran throughout"
    verdict = record.fired_unattended(history(("WorkflowExecutionStarted", 0)))
    assert not verdict.held and verdict.seen == "no timer fired"


def test_a_task_the_gone_worker_started_but_never_completed_ends_the_gap_late() -> None:
    events = history(
        ("WorkflowExecutionStarted", 0),
        ("WorkflowTaskScheduled", 0),
        ("WorkflowTaskStarted", 0.1, "a"),
        ("WorkflowTaskCompleted", 0.2, "a"),
        ("TimerStarted", 0.2, "", 4),
        ("TimerFired", 1.2),  # a was still there: it took the next task
        ("WorkflowTaskScheduled", 1.2),
        ("WorkflowTaskStarted", 1.3, "a"),  # 8
        ("WorkflowTaskTimedOut", 11.3),  # 9: a died holding it
        ("WorkflowTaskScheduled", 11.3),  # 10
        ("WorkflowTaskStarted", 12, "b"),  # 11
    )
    assert record.unattended(events) == {9, 10}
    assert not record.fired_unattended(events).held


def test_long_identities_are_shortened_in_the_middle() -> None:
    name = "12345@a-very-long-host-name.example.internal"
    said = record.worker(name)
    assert said.startswith("worker 12345@a-ver") and said.endswith("internal")
    assert len(said) == len("worker ") + 24 and "…" in said
    assert record.worker("") == "a worker"


def test_completed_once_counts_completions_and_failed_tasks() -> None:
    verdict = record.completed_once(count("a", "b"))
    assert verdict.held
    assert verdict.seen == "WorkflowExecutionCompleted #15 at +8.3 s, 0 WorkflowTaskFailed"
    failed = record.completed_once(count("a", "b", failed=True))
    assert not failed.held and failed.seen.endswith("1 WorkflowTaskFailed (#9)")
    twice = count("a", "b") + history(("WorkflowExecutionCompleted", 9))
    verdict = record.completed_once(twice)
    assert not verdict.held and verdict.seen.startswith("completed 2 times (#15, #1)")
    verdict = record.completed_once(count("a", None))
    assert not verdict.held and verdict.seen.startswith("completed 0 times,")


def test_an_event_is_read_from_temporals_own_message() -> None:
    event = HistoryEvent(event_id=12, event_type=EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    event.event_time.FromDatetime(START + timedelta(seconds=2))
    event.workflow_task_completed_event_attributes.identity = "4242@stage"
    assert Recorded.from_proto(event) == Recorded(
        12, "WorkflowTaskCompleted", START + timedelta(seconds=2), "4242@stage"
    )
    timer = HistoryEvent(event_id=13, event_type=EventType.EVENT_TYPE_TIMER_STARTED)
    timer.timer_started_event_attributes.workflow_task_completed_event_id = 12
    assert (
        Recorded.from_proto(timer).task == 12 and Recorded.from_proto(timer).type == "TimerStarted"
    )


def test_every_record_claim_has_its_parts_and_is_judged_by_name(tmp_path: Path) -> None:
    events = count("a", "b")
    rec = Record("counter-x", events, "{}")
    for name, entry in RECORD_CLAIMS.items():
        assert entry.says and callable(entry.check), name
        verdict = record.judge(name, rec, tmp_path, "missing.py:CountTo")
        assert verdict.claim and verdict.seen, name
    assert record.judge("fired_unattended", rec, tmp_path).held
    assert [n for n, e in RECORD_CLAIMS.items() if e.needs_workflow] == ["replays"]


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("businesslogic.py", "names no class"),
        ("businesslogic.py:", "names no class"),
        ("/etc/passwd:X", "not inside the talk's folder"),
        ("../x.py:X", "not inside the talk's folder"),
        ("nowhere.py:CountTo", "no file nowhere.py in the talk"),
    ],
)
def test_a_workflow_named_wrong_fails_the_replay_saying_so(
    tmp_path: Path, ref: str, problem: str
) -> None:
    verdict = record.replays("{}", "counter-x", ref, tmp_path)
    assert not verdict.held and problem in verdict.seen
    assert (
        record.ref_problem("counter/x.py:CountTo", tmp_path) == "no file counter/x.py in the talk"
    )


def test_two_workers_taking_turns_at_the_tasks_leave_no_gap() -> None:
    rows: list[tuple] = [("WorkflowExecutionStarted", 0), ("WorkflowTaskScheduled", 0)]
    for turn, worker in enumerate(["a", "b", "a", "b"]):
        at = turn * 1.0
        task = len(rows) + 2  # the id its WorkflowTaskCompleted gets
        rows += [
            ("WorkflowTaskStarted", at + 0.1, worker),
            ("WorkflowTaskCompleted", at + 0.2, worker),
        ]
        rows += [
            ("TimerStarted", at + 0.2, "", task),
            ("TimerFired", at + 1),
            ("WorkflowTaskScheduled", at + 1),
        ]
    rows += [("WorkflowTaskStarted", 4.1, "c")]  # a new one, while a and b are both gone
    events = history(*rows)
    [gap] = record.gaps(events)
    assert (gap.last.identity, gap.first.identity) == ("b", "c"), "only the last hand-over"
    assert not record.unattended(events) - set(gap.ids)
