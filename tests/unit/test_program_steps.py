"""The kinds that drive programs: their own rules, checked before the show."""

from __future__ import annotations

from pathlib import Path

import pytest

from director import TALK
from director.fields import build
from director.program_steps import Expect, Interrupt, Restart, Run, Server, WaitFor
from director.step_base import Context
from tests.unit.conftest import AFTER_DURABLE, AFTER_RUN, invalid


def test_wait_for_needs_exactly_one_condition_and_a_valid_pattern() -> None:
    assert "exactly one of" in str(invalid(WaitFor, {}))
    assert "exactly one of" in str(invalid(WaitFor, {"number": 5, "exit": True}))
    error = invalid(WaitFor, {"pattern": "(unclosed"})
    assert error.field == "pattern" and "missing )" in str(error)
    build(WaitFor, {"pattern": r"\d+"}).check(AFTER_RUN)


@pytest.mark.parametrize("cls", [Interrupt, Server])
def test_when_saved_needs_a_durable_program(cls: type) -> None:
    table = {"when_saved": True} | ({"action": "kill"} if cls is Server else {})
    error = invalid(cls, table, AFTER_RUN)
    assert error.field == "when_saved"
    build(cls, table).check(AFTER_DURABLE)


def test_run_program_must_exist_in_the_talk(tmp_path: Path) -> None:
    error = invalid(Run, {"program": "counter/nope.py"})
    assert (error.field, str(error)) == ("program", "no file counter/nope.py")
    (tmp_path / "mine.py").write_text("print(1)\n")
    Run(program="mine.py").check(Context(tmp_path))


def test_expect_knows_the_claims() -> None:
    error = invalid(Expect, {"claims": ["resumes", "resume"]})
    assert error.field == "claims" and "did you mean 'resumes'?" in str(error)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["echo", "{}"], "a placeholder needs a name: '{}'"),
        (["echo", "{0}"], "a placeholder needs a name: '{0}'"),
        (["echo", "{limit:>200000}"], "'{limit:>200000}': placeholders are bare names"),
        (["echo", "{limit:>1000000000}"], "'{limit:>1000000000}': placeholders are bare"),
        (["echo", "{talk!r}"], "'{talk!r}': placeholders are bare names"),
        (["echo", "{talk.parent}"], "'{talk.parent}': placeholders are bare names"),
        (["echo", "{talk[0]}"], "'{talk[0]}': placeholders are bare names"),
        (["echo", "{x"], "expected '}'"),
        (["echo", "{workflow}"], "unknown placeholder {workflow}"),
        (["echo", "a\0b"], "a NUL byte in word 2"),
        (["ec\0ho"], "a NUL byte in word 1"),
        (["echo", "x" * 200_000], "word 2 can be 200000 bytes long; a program gets 131071"),
        (["echo", "{talk}" + "x" * (131_072 - len(str(TALK)))], "word 2 can be"),
        (["echo", *["x" * 100_000] * 3], "the command can be 300008 bytes long"),
        (["scenes/playlist.toml"], "'scenes/playlist.toml': not executable"),
        (["scenes/"], "'scenes/': a directory, not a program"),
        (["{talk}/counter"], "'{talk}/counter': a directory, not a program"),
        (["no-such-tool"], "command not found: 'no-such-tool'"),
        (["./nope"], "'./nope': no such file"),
    ],
)
def test_a_command_that_could_not_start_is_refused_before_the_show(
    command: list[str], message: str
) -> None:
    error = invalid(Run, {"command": command})
    assert error.field == "command" and message in str(error), str(error)


def test_a_program_path_with_a_nul_is_refused() -> None:
    error = invalid(Run, {"program": "counter/\0x.py"})
    assert (error.field, str(error)) == ("program", "a NUL byte in the path")


def test_commands_that_can_start_pass(tmp_path: Path) -> None:
    tool = tmp_path / "tool.sh"
    tool.write_text("#!/bin/sh\necho hi\n")
    tool.chmod(0o755)
    for command in (("{python}", "-c", "pass", "{limit}", "{talk}/x"), ("./tool.sh", "{{}}"),
                    ("{talk}/tool.sh",), ("echo", "x" * 131_000)):  # fmt: skip
        Run(command=command).check(Context(tmp_path))


WORKER = Run(program="counter/durable-execution/worker.py", durable=True, name="worker")
STARTER = Run(program="counter/durable-execution/starter.py", durable=True, name="starter")
TWO = Context(TALK, (WORKER, STARTER))


@pytest.mark.parametrize("cls", [WaitFor, Interrupt, Restart, Expect])
def test_a_step_names_only_a_program_an_earlier_run_step_started(cls: type) -> None:
    table = {"name": "workr"} | ({"exit": True} if cls is WaitFor else {})
    table |= {"claims": ["resumes"]} if cls is Expect else {}
    error = invalid(cls, table, TWO)
    assert error.field == "name" and "'workr'" in str(error) and "worker, starter" in str(error)
    build(cls, {**table, "name": "starter"}).check(TWO)


def test_a_run_steps_name_is_a_short_word_and_a_scene_runs_three_programs_at_most() -> None:
    error = invalid(Run, {"program": WORKER.program, "name": "The Worker"})
    assert error.field == "name" and "a short word" in str(error)
    three = Context(TALK, (WORKER, STARTER, Run(program=WORKER.program, name="third")))
    error = invalid(Run, {"program": WORKER.program, "name": "fourth"}, three)
    assert (error.field, str(error)) == ("name", "a scene runs at most 3 programs at once")
    build(Run, {"program": WORKER.program, "name": "worker"}).check(three)  # the same, anew


def test_a_wait_for_a_number_knows_what_the_named_program_counts_to() -> None:
    context = Context(TALK, (Run(program=WORKER.program, name="worker", limit=4), STARTER))
    error = invalid(WaitFor, {"name": "worker", "number": 5}, context)
    assert error.field == "number" and "counts to 4" in str(error)


def test_claims_of_temporals_record_need_a_durable_program_and_replays_its_code() -> None:
    error = invalid(Expect, {"claims": ["fired_unattended"]}, AFTER_RUN)
    assert error.field == "claims" and "durable" in str(error)
    assert "needs the workflow's code" in str(invalid(Expect, {"claims": ["replays"]}))
    error = invalid(Expect, {"claims": ["replays"], "workflow": "counter/nope.py:CountTo"})
    assert error.field == "workflow" and "no file counter/nope.py" in str(error)
    error = invalid(Expect, {"claims": ["resumes"], "workflow": "x.py:C"})
    assert (error.field, str(error)) == (
        "workflow",
        "only the replays claim reads the workflow's code",
    )
    error = invalid(Expect, {"claims": ["fired_unatended"]})
    assert "did you mean 'fired_unattended'" in str(error)
    good = {"claims": ["replays"], "workflow": "counter/durable-execution/businesslogic.py:CountTo"}
    step = build(Expect, good)
    step.check(AFTER_DURABLE)
    assert step.needs_temporal and not build(Expect, {"claims": ["resumes"]}).needs_temporal
