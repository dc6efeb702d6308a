"""What the show found: each scene's result, and the pure functions that turn results and
event histories into the rows and notes the audience reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from director.claims import Run, Tally, Verdict, tally

if TYPE_CHECKING:  # not at run time: scenes checks each kind has a play, and plays use these
    from director.scenes import Scene

Event = tuple[int, str, datetime]
"""One event of a workflow's history: its id, its type (e.g. TimerFired) and its time."""


@dataclass
class SceneResult:
    """What one scene showed: its runs, its claims' verdicts, a failure, its timings."""

    scene: Scene
    runs: list[Run] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    failure: str | None = None
    step_seconds: list[tuple[str, float]] = field(default_factory=list)
    seconds: float = 0.0
    shown_from: str | None = None
    """When the verified take shown in its place was made, if one was shown."""

    @property
    def held(self) -> bool:
        return self.failure is None and all(v.held for v in self.verdicts)

    @property
    def tally(self) -> Tally:
        return tally(self.runs)


def summary_rows(
    results: list[SceneResult],
) -> list[tuple[str, Tally, list[Verdict], str | None]]:
    """The summary table: a row for each scene that ran a program or failed (saying so when
    its verified take was shown in its place)."""
    return [
        (r.scene.title, r.tally, r.verdicts, _failure(r))
        for r in results
        if r.runs or r.failure or r.shown_from
    ]


def _failure(result: SceneResult) -> str | None:
    if result.shown_from is None:
        return result.failure
    live = "failed live" if not result.held or result.runs else "not played live"
    return f"{result.failure or live}; shown from its verified take of {result.shown_from}"


def step_times(results: list[SceneResult]) -> list[tuple[str, str, float]]:
    """What the notes screen plans by: each scene's whole time (step ""), then each of its
    steps' (scene, step, seconds)."""
    rows = []
    for result in results:
        rows.append((result.scene.title, "", result.seconds))
        rows += [(result.scene.title, step, seconds) for step, seconds in result.step_seconds]
    return rows


@dataclass(frozen=True)
class ReportRow:
    """A row of the rehearsal report: a scene with its whole time, then its steps' times and
    its claims (and why it failed), and at the end the round's total."""

    kind: Literal["scene", "step", "claim", "failure", "total"]
    text: str
    seconds: float | None = None
    held: bool = True
    seen: str = ""


def report_rows(results: list[SceneResult]) -> list[ReportRow]:
    """The rehearsal report: each scene, its steps and its claims together; then the round,
    whose time is its scenes' added up (as the talk would go, each scene played once)."""
    rows = []
    for result in results:
        rows.append(ReportRow("scene", result.scene.title, result.seconds, result.held))
        rows += [ReportRow("step", step, seconds) for step, seconds in result.step_seconds]
        rows += [ReportRow("claim", v.claim, held=v.held, seen=v.seen) for v in result.verdicts]
        if failure := _failure(result):  # under its scene, which it need not name again
            failure = failure.removeprefix(f"{result.scene.title}, ")
            rows.append(ReportRow("failure", failure, held=False))
    claims = [verdict for result in results for verdict in result.verdicts]
    scenes = f"{len(results)} scene{'s' if len(results) != 1 else ''}"
    held = f"{sum(v.held for v in claims)} of {len(claims)} claims held" if claims else "no claims"
    total = sum(result.seconds for result in results)
    every = all(result.held for result in results)
    rows.append(ReportRow("total", f"The round: {scenes}, {held}", total, every))
    return rows


def history_notes(
    events: list[Event], disrupted: datetime | None, resumed: datetime | None
) -> dict[int, str]:
    """Event id -> why it matters: the timer saved before the stop, and what came after."""
    if disrupted is None:
        return {}
    notes = {}
    fired = [e for e in events if e[1] == "TimerFired" and e[2] > disrupted]
    if fired:
        started = [e for e in events if e[1] == "TimerStarted" and e[0] < fired[0][0]]
        if started:
            notes[started[-1][0]] = "the timer, saved in Temporal as the program stopped"
        notes[fired[0][0]] = "fired while nothing was counting"
    back = resumed or disrupted
    picked = [e for e in events if e[1] == "WorkflowTaskStarted" and e[2] > back]
    if picked:
        notes[picked[0][0]] = "a new worker: replays the history, carries on"
    return notes


def around(count: int, marked: list[int], context: int = 2, ends: int = 4) -> set[int]:
    """Rows to show of a long table: the first `ends` and the last (none if `ends` is 0),
    each mark and `context` rows either side of it; every row when nothing is marked."""
    if not marked:
        return set(range(count))
    rows = {*range(min(count, ends)), count - 1} if ends and count else set()
    for mark in marked:
        rows |= set(range(max(0, mark - context), min(count, mark + context + 1)))
    return rows


def clock(seconds: float) -> str:
    """A time as the audience reads it: `1:05`, whole seconds."""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def duration(seconds: float) -> str:
    """A time as a rehearsal reports it: `4.7 s` under a minute, else `2:05`."""
    return f"{seconds:.1f} s" if seconds < 59.95 else clock(round(seconds))
