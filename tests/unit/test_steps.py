"""Step kinds as types: each kind built from a TOML table, its fields checked, its own rules."""

from __future__ import annotations

import math
import tomllib
from dataclasses import FrozenInstanceError, fields
from pathlib import Path
from typing import get_type_hints

import pytest

from director import TALK
from director.fields import Invalid, Title, build, convert, one_line, type_name
from director.steps import (
    STEP_KINDS,
    Ask,
    Context,
    Expect,
    History,
    Interrupt,
    Narrate,
    Pause,
    Restart,
    Run,
    Server,
    ShowCode,
    StepKind,
    Summary,
    WaitFor,
)

NORMAL = "counter/normal-execution/start-execution.py"
DURABLE = "counter/durable-execution/start-execution.py"
AFTER_RUN = Context(TALK, (Run(program=NORMAL),))
AFTER_DURABLE = Context(TALK, (Run(program=DURABLE, durable=True),))


def invalid(cls: type, table: dict, context: Context = AFTER_DURABLE) -> Invalid:
    """The Invalid that building (then checking) a step of `cls` from `table` raises."""
    with pytest.raises(Invalid) as caught:
        build(cls, table).check(context)
    return caught.value


def test_every_kind_has_a_name_an_example_and_documented_fields() -> None:
    assert list(STEP_KINDS) == [
        "narrate", "show_code", "ask", "run", "wait_for", "interrupt",
        "restart", "expect", "pause", "summary", "server", "history",
    ]  # fmt: skip
    for kind, cls in STEP_KINDS.items():
        assert cls.kind == kind and cls.__doc__


def test_a_step_is_built_with_defaults_and_is_frozen() -> None:
    step = build(Narrate, {"title": "t", "body": "b"})
    assert step == Narrate(title="t", body="b", notes="", hold=4.0)
    with pytest.raises(FrozenInstanceError):
        step.title = "x"  # type: ignore[misc]


def test_numbers_become_floats_and_lists_become_tuples() -> None:
    assert build(Pause, {"seconds": 3}).seconds == 3.0
    assert isinstance(build(Pause, {"seconds": 3}).seconds, float)
    assert build(Expect, {"claims": ["resumes"]}).claims == ("resumes",)


@pytest.mark.parametrize(
    ("cls", "table", "field", "message"),
    [
        (Pause, {"seconds": "five"}, "seconds", "expected a number, got 'five'"),
        (Pause, {"seconds": True}, "seconds", "expected a number, got True"),
        (Pause, {"seconds": -1}, "seconds", "must be from 0 to 3600, not -1"),
        (Pause, {"seconds": 1e9}, "seconds", "must be from 0 to 3600, not 1000000000.0"),
        (Pause, {"seconds": math.inf}, "seconds", "expected a finite number, got inf"),
        (Pause, {"seconds": math.nan}, "seconds", "expected a finite number, got nan"),
        (WaitFor, {"number": 2**70}, "number", "must be from 0 to 10000"),
        (Run, {"program": NORMAL, "interval": 61}, "interval", "must be from 0 to 60, not 61"),
        (Expect, {"claims": [[[["x"] * 99]]]}, "claims", "got [[[...]]]"),
        (Narrate, {"title": "t", "body": ["b" * 10**6]}, "body", "got ['bbbbbbbbbbbbbbb"),
        (Run, {"program": NORMAL, "limit": 2.5}, "limit", "expected a whole number"),
        (Run, {"program": NORMAL, "durable": "yes"}, "durable", "expected true or false"),
        (Narrate, {"title": 3, "body": "b"}, "title", "expected text, got 3"),
        (Expect, {"claims": "resumes"}, "claims", "expected a list of text"),
        (Expect, {"claims": [1]}, "claims", "expected a list of text"),
        (Interrupt, {"signal": "SIGSTOP"}, "signal", "one of SIGINT, SIGTERM, SIGKILL"),
        (Server, {"action": "reboot"}, "action", "one of kill, start"),
        (ShowCode, {"file": NORMAL, "lines": [{}]}, "lines", "a list of numbers or text"),
    ],
)
def test_a_wrong_value_names_its_field(cls: type, table: dict, field: str, message: str) -> None:
    error = invalid(cls, table)
    assert error.field == field
    assert message in str(error)


def test_unknown_and_missing_fields() -> None:
    assert "unknown field 'second' (did you mean 'seconds'?)" in str(invalid(Pause, {"second": 1}))
    assert "missing field 'question' (what to ask)" in str(invalid(Ask, {}))
    assert "missing field 'action'" in str(invalid(Server, {}))


def test_type_names_are_said_plainly() -> None:
    assert type_name(str) == "text"
    assert type_name(float) == "a number"
    assert type_name(tuple[int | str, ...]) == "a list of numbers or text"
    with pytest.raises(Invalid, match="expected a whole number, got False"):
        convert(False, int)


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


def test_history_needs_a_durable_program() -> None:
    assert "no workflow to show" in str(invalid(History, {}, AFTER_RUN))
    History().check(AFTER_DURABLE)


def test_kinds_that_need_a_program_running_say_so() -> None:
    needing = {kind for kind, cls in STEP_KINDS.items() if cls.after_run}
    assert needing == {"wait_for", "interrupt", "restart", "history"}


def test_run_program_must_exist_in_the_talk(tmp_path: Path) -> None:
    error = invalid(Run, {"program": "counter/nope.py"})
    assert (error.field, str(error)) == ("program", "no file counter/nope.py")
    (tmp_path / "mine.py").write_text("print(1)\n")
    Run(program="mine.py").check(Context(tmp_path))


def test_show_code_resolves_lines_by_number_or_text(tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("one\ntwo\nthree\nfour\n")
    step = ShowCode(file="code.py", lines=("two", 4), highlight=("thr",))
    step.check(Context(tmp_path))
    assert step.line_numbers(step.text(tmp_path)) == ((2, 4), {3})
    assert ShowCode(file="code.py").line_numbers("a\nb") == (None, set())
    # Lines are numbered as the panel (Rich) numbers them: by "\n" alone.
    code = "one\x0c\n\x0ctwo\u2028still two\x85\nthree\n"
    assert ShowCode(file="c.py", highlight=("three",)).line_numbers(code) == (None, {3})


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("four", "two"), "expected the first and the last line"),
        ((1,), "expected the first and the last line"),
        ((1, 9), "no line 9 in a 4-line file"),
        (("zzz", 4), "no line contains 'zzz'"),
    ],
)
def test_show_code_lines_that_cannot_be(tmp_path: Path, lines: tuple, message: str) -> None:
    (tmp_path / "code.py").write_text("one\ntwo\nthree\nfour\n")
    with pytest.raises(Invalid, match=message) as caught:
        ShowCode(file="code.py", lines=lines).check(Context(tmp_path))
    assert caught.value.field == "lines"


def test_show_code_wants_a_text_file(tmp_path: Path) -> None:
    (tmp_path / "image.bin").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(Invalid, match=r"image\.bin: a binary file, not text") as caught:
        ShowCode(file="image.bin").check(Context(tmp_path))
    assert caught.value.field == "file"
    with pytest.raises(Invalid, match=r"no file missing\.py"):
        ShowCode(file="missing.py").check(Context(tmp_path))


def test_expect_knows_the_claims() -> None:
    error = invalid(Expect, {"claims": ["resumes", "resume"]})
    assert error.field == "claims" and "did you mean 'resumes'?" in str(error)


def test_which_steps_need_temporal() -> None:
    assert not Run(program=NORMAL).needs_temporal
    assert Run(program=DURABLE, durable=True).needs_temporal
    assert Server(action="kill").needs_temporal and History().needs_temporal
    assert not any(
        step.needs_temporal
        for step in (Narrate(title="t", body="b"), Ask(question="q"), Pause(), Summary())
    )


def test_a_step_described_in_a_line() -> None:
    assert Run(program=NORMAL).describe(4) == f"4. run: {NORMAL}"
    assert WaitFor(number=5).describe(5) == "5. wait_for: 5"
    assert WaitFor(exit=True).describe(9) == "9. wait_for: exit"
    assert Expect(claims=("resumes", "no_gaps")).describe(10) == "10. expect: resumes, no_gaps"
    assert Restart().describe(8) == "8. restart"


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


HOSTILE = "Two\r[CHAPTER]\rTIMEBASE=1/1\x00cut \t\n\x0b\x0c\x1b[31m\x7f\x85\x9b\u2028\u2029end "
"""Every kind of control character (C0, DEL, C1) and line break, in a title."""


def test_control_characters_and_line_breaks_in_a_title_become_one_space() -> None:
    assert one_line(HOSTILE) == "Two [CHAPTER] TIMEBASE=1/1 cut [31m end"
    assert one_line("Before Temporal: ✔ «ok» 🎉") == "Before Temporal: ✔ «ok» 🎉"
    assert one_line("\x00\r\n") == ""


@pytest.mark.parametrize(
    ("cls", "table", "name"),
    [
        (Narrate, {"body": "b"}, "title"),
        (ShowCode, {"file": NORMAL}, "title"),
        (Summary, {}, "title"),
        (History, {}, "title"),
        (Run, {"program": NORMAL}, "label"),
    ],
)
def test_every_title_and_label_of_a_step_is_one_line(cls: type, table: dict, name: str) -> None:
    step = build(cls, {**table, name: HOSTILE})
    assert getattr(step, name) == "Two [CHAPTER] TIMEBASE=1/1 cut [31m end"


def test_no_step_has_a_title_or_a_label_that_is_not_a_title() -> None:
    for cls in STEP_KINDS.values():
        hints = get_type_hints(cls, include_extras=True)
        for spec in fields(cls):
            if spec.name in ("title", "label"):
                assert hints[spec.name] == Title, (cls.kind, spec.name)
