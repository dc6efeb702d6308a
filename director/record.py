"""What Temporal recorded of a scene's workflow, and the claims judged from that record alone."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from director import replayer
from director.claims import Verdict

TASK_STARTED, TASK_COMPLETED = "WorkflowTaskStarted", "WorkflowTaskCompleted"
CLOSED = frozenset(
    f"WorkflowExecution{end}"
    for end in ("Completed", "Failed", "TimedOut", "Canceled", "Terminated", "ContinuedAsNew")
)
"""The events that end a run's history: nothing is written after one."""
FETCH_TIMEOUT = timedelta(seconds=5)


@dataclass(frozen=True)
class Recorded:
    """One event of a workflow's history, as the claims and the live pane need it."""

    id: int
    type: str
    """CamelCase, e.g. "TimerFired"."""
    time: datetime
    """When Temporal wrote it, in UTC."""
    identity: str = ""
    """The worker's identity, on WorkflowTaskStarted and WorkflowTaskCompleted; else ""."""
    task: int = 0
    """The WorkflowTaskCompleted whose commands wrote it (a TimerStarted's), else 0."""

    @classmethod
    def from_proto(cls, event: HistoryEvent) -> Recorded:
        kind = _camel(EventType.Name(event.event_type))
        which = event.WhichOneof("attributes")
        attributes = getattr(event, which) if which else None
        ran = kind in (TASK_STARTED, TASK_COMPLETED)
        identity = getattr(attributes, "identity", "") if ran else ""
        task = getattr(attributes, "workflow_task_completed_event_id", 0)
        return cls(event.event_id, kind, event.event_time.ToDatetime(UTC), identity, task)


@dataclass(frozen=True)
class Gap:
    """A stretch of the history with no worker of the workflow running: after the last sign
    of life of one worker identity (a task it completed or started), before the first task
    another identity started."""

    last: Recorded
    """The last event of the worker that was gone (its WorkflowTaskCompleted, or a
    WorkflowTaskStarted it never completed)."""
    first: Recorded
    """The WorkflowTaskStarted of the next worker, another identity."""
    ids: tuple[int, ...]
    """The events between them, but those its last task's commands wrote (at that task)."""


def gaps(events: Sequence[Recorded]) -> list[Gap]:
    """Every gap between workers in the history, judged from the history alone (never the
    local clock: an existing service's clock skew cannot fool it): where a worker identity
    is seen for the last time, and the next task is started by one never seen before. A
    worker that kept running through a server restart keeps its identity: no gap; two
    workers that take turns at the tasks are both there: no gap either."""
    tasks = [e for e in events if e.type in (TASK_STARTED, TASK_COMPLETED) and e.identity]
    final = {event.identity: event.id for event in tasks}  # each worker's last sign of life
    found, seen = [], set()
    for last, event in itertools.pairwise(tasks):
        seen.add(last.identity)
        gone = final[last.identity] == last.id and event.identity not in seen
        if gone and event.type == TASK_STARTED:
            ids = tuple(e.id for e in events if last.id < e.id < event.id and e.task != last.id)
            found.append(Gap(last, event, ids))
    return found


def unattended(events: Sequence[Recorded]) -> set[int]:
    """The ids of the events that happened while no worker of the workflow ran."""
    return {i for gap in gaps(events) for i in gap.ids}


# --- The claims ---------------------------------------------------------------------------


def fired_unattended(events: Sequence[Recorded]) -> Verdict:
    """At least one timer fired while no worker of the workflow was running."""
    claim = "a timer fired while no worker was running"
    start = _start(events)
    fired = [e for e in events if e.type == "TimerFired"]
    for gap in gaps(events):
        inside = [e for e in fired if e.id in gap.ids]
        if inside:
            said = ", ".join(f"#{e.id} at {since(e, start)}" for e in inside)
            seen = (
                f"TimerFired {said}, between {worker(gap.last.identity)}'s last task "
                f"(#{gap.last.id}) and {worker(gap.first.identity)}'s first (#{gap.first.id})"
            )
            return Verdict(claim, True, seen)
    if not fired:
        return Verdict(claim, False, "no timer fired")
    between, timers = gaps(events), _times(len(fired), "timer")
    if not between:
        return Verdict(claim, False, f"{timers} fired, one worker ran throughout")
    brackets = "; ".join(f"#{g.last.id} to #{g.first.id}" for g in between)
    return Verdict(claim, False, f"{timers} fired, none between workers ({brackets})")


def completed_once(events: Sequence[Recorded]) -> Verdict:
    """The workflow completed exactly once, with no failed workflow task."""
    start = _start(events)
    completed = [e for e in events if e.type == "WorkflowExecutionCompleted"]
    failed = [e for e in events if e.type == "WorkflowTaskFailed"]
    if len(completed) == 1:
        said = f"WorkflowExecutionCompleted #{completed[0].id} at {since(completed[0], start)}"
    else:
        said = f"completed {_times(len(completed), 'time')}" + _ids(completed)
    said += f", {_times(len(failed), 'WorkflowTaskFailed')}" + _ids(failed)
    held = len(completed) == 1 and not failed
    return Verdict("the workflow completed once, with no failed task", held, said)


def replays(
    history_json: str, workflow_id: str, ref: str, talk: Path, timeout: float = 30
) -> Verdict:
    """The recorded history replays without a non-determinism error against the talk's own
    workflow code (`ref`: "counter/durable-execution/businesslogic.py:CountTo"), checked by
    temporalio's Replayer in a child process."""
    claim = f"its history replays against {ref}"
    if problem := ref_problem(ref, talk):
        return Verdict(claim, False, problem)
    path, name = ref.rsplit(":", 1)
    request = {
        "workflow_id": workflow_id,
        "history": history_json,
        "file": str((talk / path).resolve()),
        "class": name,
    }
    held, seen = replayer.ask(request, timeout)
    return Verdict(claim, held, seen)


def ref_problem(ref: str, talk: Path) -> str | None:
    """What is wrong with a `workflow` field ("path/from/the/talk.py:Class"), or None."""
    path, colon, name = ref.rpartition(":")
    if not colon or not path or not name.isidentifier():
        return f"{ref!r} names no class: say it as path/to/file.py:Class"
    if Path(path).is_absolute() or ".." in Path(path).parts:
        return f"{path} is not inside the talk's folder"
    try:
        inside = (talk / path).resolve().is_relative_to(talk.resolve())  # links followed
        there = (talk / path).is_file()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a link loop
        inside = there = False
    if there and not inside:
        return f"{path} is not inside the talk's folder (a link leads out of it)"
    if not there:
        return f"no file {path} in the talk"
    return None


# --- The record and the table of claims ---------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A workflow's history as Temporal recorded it: its events, and the whole of it as
    JSON (WorkflowHistory.to_json) for a replay."""

    workflow_id: str
    events: list[Recorded]
    json: str


async def fetch(client: Client, workflow_id: str, timeout: timedelta = FETCH_TIMEOUT) -> Record:
    """The workflow's history, as it is now (its latest run)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history(rpc_timeout=timeout)
    events = [Recorded.from_proto(event) for event in history.events]
    return Record(workflow_id, events, history.to_json())


@dataclass(frozen=True)
class RecordClaim:
    """A claim an `expect` step may make of Temporal's record."""

    says: str
    """What it claims, as a line for the scene's author."""
    check: Callable[[Record, Path, str], Verdict]
    """(record, the talk's folder, the step's `workflow` field) -> verdict."""
    needs_workflow: bool = False
    """Whether the step must name the workflow's code (`workflow = "file.py:Class"`)."""


RECORD_CLAIMS: dict[str, RecordClaim] = {
    "fired_unattended": RecordClaim(
        "a timer fired while no worker of the workflow ran",
        lambda record, talk, workflow: fired_unattended(record.events),
    ),
    "completed_once": RecordClaim(
        "the workflow completed exactly once, with no failed workflow task",
        lambda record, talk, workflow: completed_once(record.events),
    ),
    "replays": RecordClaim(
        "the recorded history replays against the talk's workflow code",
        lambda record, talk, workflow: replays(record.json, record.workflow_id, workflow, talk),
        needs_workflow=True,
    ),
}
"""Every claim an `expect` step may make of what Temporal recorded."""


def judge(claim: str, record: Record, talk: Path, workflow: str = "") -> Verdict:
    """Check one named record claim."""
    return RECORD_CLAIMS[claim].check(record, talk, workflow)


# --- Saying it ----------------------------------------------------------------------------


def since(event: Recorded, start: datetime | None) -> str:
    """An event's time from the workflow's start: "+5.3 s"."""
    return f"+{(event.time - start).total_seconds():.1f} s" if start else "+0.0 s"


def worker(identity: str, width: int = 24) -> str:
    """A worker as a verdict names it: its identity, shortened in the middle if long."""
    if not identity:
        return "a worker"
    if len(identity) > width:
        identity = identity[: width // 2] + "…" + identity[-(width - width // 2 - 1) :]
    return f"worker {identity}"


def _start(events: Sequence[Recorded]) -> datetime | None:
    return events[0].time if events else None


def _times(count: int, what: str) -> str:
    return f"{count} {what}{'s' if count != 1 and not what[0].isupper() else ''}"


def _ids(events: list[Recorded]) -> str:
    return f" ({', '.join(f'#{e.id}' for e in events)})" if events else ""


def _camel(name: str) -> str:
    """EVENT_TYPE_TIMER_FIRED -> TimerFired (as director.temporal says it)."""
    return "".join(word.capitalize() for word in name.removeprefix("EVENT_TYPE_").split("_"))
