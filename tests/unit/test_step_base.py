"""What every kind shares: a step in a line, and the context its rules look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from director import TALK
from director.fields import Invalid
from director.panel_steps import Narrate
from director.program_steps import Expect, Restart, Run, WaitFor
from director.step_base import THE_PROGRAM, Context, StepKind, saved_needs_durable, talk_text
from tests.unit.conftest import AFTER_DURABLE, AFTER_RUN, DURABLE, NORMAL


def test_a_step_described_in_a_line() -> None:
    assert Run(program=NORMAL).describe(4) == f"4. run: {NORMAL}"
    assert WaitFor(number=5).describe(5) == "5. wait_for: 5"
    assert WaitFor(exit=True).describe(9) == "9. wait_for: exit"
    assert Expect(claims=("resumes", "no_gaps")).describe(10) == "10. expect: resumes, no_gaps"
    assert Restart().describe(8) == "8. restart"


def test_the_context_sees_the_last_run_of_its_scene_and_what_it_counts_to() -> None:
    assert Context(TALK).counts_to() is None and not Context(TALK).runs
    assert not Context(TALK).durable, "no run before: nothing durable"
    normal, durable = Run(program=NORMAL), Run(program=DURABLE, durable=True, limit=5)
    context = Context(TALK, (Narrate(title="t", body="b"), normal), limit=7)
    assert context.runs and not context.durable
    assert context.counts_to() == 7, "the playlist's limit unless the run gives its own"
    context = Context(TALK, (normal, durable), limit=7)
    assert context.durable and context.counts_to() == 5, "the last run is on stage"
    command = Run(command=("{python}", "-c", "pass"))
    assert Context(TALK, (normal, command)).counts_to() is None, "a command is not a counter"
    assert Context(TALK, (durable, command)).durable, "a durable run earlier still saves"


def test_the_context_knows_each_named_program_and_refuses_a_name_never_started() -> None:
    worker = Run(program=DURABLE, durable=True, name="worker", limit=4)
    starter = Run(program=DURABLE, durable=True, name="starter", limit=6)
    context = Context(TALK, (worker, starter, Run(command=("{python}", "-c", "pass"))))
    assert context.names == ["worker", "starter", THE_PROGRAM]
    assert context.named("") == THE_PROGRAM, "no name: the one the last run step started"
    assert context.counts_to("worker") == 4 and context.counts_to("starter") == 6
    assert context.counts_to() is None, "the last one started is a command"
    with pytest.raises(Invalid, match="no run step before it starts a program named 'workr'") as no:
        context.named("workr")
    assert no.value.field == "name" and "worker, starter, program" in str(no.value)


def test_a_kind_says_nothing_it_was_not_given_but_must_say_its_headline() -> None:
    class Bare(StepKind):
        kind = "bare"

    step = Bare()
    assert not step.needs_temporal and step.detail == "" and step.describe(2) == "2. bare"
    assert not (Bare.after_run or Bare.main)
    step.check(Context(TALK))  # no rules: nothing to break
    with pytest.raises(NotImplementedError, match="bare has no headline"):
        step.headline  # noqa: B018


def test_a_talks_file_is_read_inside_the_talk_or_names_the_field(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    talk.mkdir()
    (talk / "code.py").write_text("x = 1\n")
    assert talk_text(talk, "code.py", "file") == "x = 1\n"
    with pytest.raises(Invalid, match=r"^no file gone\.py$") as caught:
        talk_text(talk, "gone.py", "file")
    assert caught.value.field == "file"
    (talk / "blob").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(Invalid, match=r"^blob: ") as caught:
        talk_text(talk, "blob", "program")
    assert caught.value.field == "program"
    (tmp_path / "outside.py").write_text("x = 2\n")
    with pytest.raises(Invalid, match=r"^\.\./outside\.py: ") as caught:
        talk_text(talk, "../outside.py", "file")
    assert caught.value.field == "file"


def test_when_saved_is_refused_unless_a_durable_program_ran_before() -> None:
    saved_needs_durable(False, Context(TALK))
    saved_needs_durable(True, AFTER_DURABLE)
    with pytest.raises(Invalid, match="only a durable program saves its steps") as caught:
        saved_needs_durable(True, AFTER_RUN)
    assert caught.value.field == "when_saved"
