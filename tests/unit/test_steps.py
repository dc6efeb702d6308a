"""The step kinds by name: each one whole (an example, a headline, notes, one-line titles),
and what the kinds say of themselves side by side."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from typing import get_type_hints

import pytest

from director.fields import Title, build
from director.steps import (
    STEP_KINDS,
    Ask,
    Expect,
    History,
    Interrupt,
    Narrate,
    Pause,
    Run,
    Server,
    ShowCode,
    StepKind,
    Summary,
    WaitFor,
)
from tests.unit.conftest import DURABLE, NORMAL


def test_every_kind_has_a_name_an_example_and_documented_fields() -> None:
    assert list(STEP_KINDS) == [
        "narrate", "show_code", "ask", "run", "wait_for", "interrupt",
        "restart", "expect", "pause", "summary", "server", "history",
    ]  # fmt: skip
    for kind, cls in STEP_KINDS.items():
        assert cls.kind == kind and cls.__doc__


def test_kinds_that_need_a_program_running_say_so() -> None:
    needing = {kind for kind, cls in STEP_KINDS.items() if cls.after_run}
    assert needing == {"wait_for", "interrupt", "restart", "history"}


def test_which_steps_need_temporal() -> None:
    assert not Run(program=NORMAL).needs_temporal
    assert Run(program=DURABLE, durable=True).needs_temporal
    assert Server(action="kill").needs_temporal and History().needs_temporal
    assert not any(
        step.needs_temporal
        for step in (Narrate(title="t", body="b"), Ask(question="q"), Pause(), Summary())
    )


@pytest.mark.parametrize("kind", STEP_KINDS)
def test_every_kind_has_a_headline_for_the_presenter_and_takes_notes(kind: str) -> None:
    cls = STEP_KINDS[kind]
    step = build(cls, tomllib.loads(cls.example))
    assert "headline" in vars(cls), f"{kind}: say what the presenter sees it as"
    assert step.headline and f"{kind}:" not in step.headline, "plain words, not the kind"
    assert build(cls, {**tomllib.loads(cls.example), "notes": "Breathe."}).notes == "Breathe."


@pytest.mark.parametrize(
    ("step", "headline"),
    [
        (Narrate(title="A program that counts", body="."), "A program that counts"),
        (ShowCode(file="counter/x.py"), "counter/x.py"),
        (ShowCode(file="counter/x.py", title="The work"), "The work"),
        (Ask(question="What first?"), "What first?"),
        (Run(program=NORMAL), "$ python start-execution.py"),
        (Run(program=NORMAL, label="the counter"), "the counter"),
        (Run(command=("{temporal}", "workflow", "show", "--workflow-id", "{workflow_id}")),
         "$ temporal workflow show --workflow-id '{workflow_id}'"),
        (Run(command=("{python}", "-c", "print(1)")), "$ python -c 'print(1)'"),
        (WaitFor(number=5), "wait until it prints 5"),
        (WaitFor(pattern="tick 2"), "wait until it prints tick 2"),
        (WaitFor(exit=True), "wait until it exits"),
        (Interrupt(signal="SIGKILL", when_saved=True),
         "stop the program with kill -9 once Temporal has saved its step"),
        (Expect(claims=("no_gaps",), exit_status=0), "check: no gaps, exit status 0"),
        (Server(action="start"), "start the Temporal server again"),
    ],
)  # fmt: skip
def test_a_headline_says_what_the_presenter_will_see(step: StepKind, headline: str) -> None:
    assert step.headline == headline


def test_no_step_has_a_title_or_a_label_that_is_not_a_title() -> None:
    for cls in STEP_KINDS.values():
        hints = get_type_hints(cls, include_extras=True)
        for spec in fields(cls):
            if spec.name in ("title", "label"):
                assert hints[spec.name] == Title, (cls.kind, spec.name)
