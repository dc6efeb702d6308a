"""What each step kind does on stage: one play a kind, in one table (PLAYS) the stage looks up;
the panels' plays here, the programs' in program_plays.

A play gets the stage and its step; it returns the presenter's move elsewhere if one cut it
short (the stage decides where that leads), else None; StepFailed if the step failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from director.errors import StepFailed
from director.keys import Press
from director.program_plays import READING, expect, found, interrupt, restart, run, server, wait_for
from director.results import history_notes, summary_rows
from director.steps import (
    Ask,
    Expect,
    History,
    Interrupt,
    Invalid,
    Narrate,
    Pause,
    Restart,
    Run,
    Server,
    ShowCode,
    Summary,
    WaitFor,
)

if TYPE_CHECKING:
    from director.runner import Stage

__all__ = ["PLAYS", "READING", "Play", "found"]

Play = Callable[["Stage", Any], Press | None]
"""What a step kind does: the stage and the step in, the presenter's move (if any) out."""


def narrate(stage: Stage, step: Narrate) -> Press | None:
    stage.narrator.narrate(step.title, step.body, step.notes)
    return stage.pacing.beat(step.hold, stage.idle)


def show_code(stage: Stage, step: ShowCode) -> Press | None:
    try:  # checked before the show, but the file may have changed since
        text = step.text(stage.show.talk)
        lines, highlight = step.line_numbers(text)
    except Invalid as error:
        raise StepFailed(f"{step.file}: {error}") from None
    title = step.title or step.file
    builds = stage.narrator.code(text, step.file, lines, highlight, title, step.notes)
    for number, build in enumerate(builds):  # each window of highlighted lines in turn
        if number:
            stage.narrator.build(build)
        if (press := stage.pacing.beat(step.hold / len(builds), stage.idle)) is not None:
            return press
    return None


def ask(stage: Stage, step: Ask) -> Press | None:
    stage.narrator.ask(step.question, step.notes)
    return stage.pacing.question(step.seconds, stage.idle)


def pause(stage: Stage, step: Pause) -> Press | None:
    return stage.pacing.beat(step.seconds, stage.idle)


def summary(stage: Stage, step: Summary) -> Press | None:
    stage.narrator.summary(step.title, summary_rows(stage.results), stage.show.closing)
    stage.narrator.speaker_notes(step.notes)
    return stage.pacing.beat(4, stage.idle)


def history(stage: Stage, step: History) -> Press | None:
    """The workflow's event history, the disruption's events marked, and its Web UI link."""
    play, service = stage.play, stage.service
    events = service.history(play.workflow_id)
    notes = history_notes(events, play.disrupted, play.resumed)
    stage.narrator.history(step.title, events, notes)
    stage.narrator.speaker_notes(step.notes)
    if url := service.workflow_url(play.workflow_id):
        stage.narrator.info(f"The same workflow in the Web UI: [link={url}]{escape(url)}[/link]")
    return stage.pacing.beat(step.hold, stage.idle)


PLAYS: dict[type, Play] = {
    Narrate: narrate,
    ShowCode: show_code,
    Ask: ask,
    Run: run,
    WaitFor: wait_for,
    Interrupt: interrupt,
    Restart: restart,
    Expect: expect,
    Pause: pause,
    Summary: summary,
    Server: server,
    History: history,
}
"""Every step kind's play, by the kind's class: a kind missing here is refused at load."""
