"""A TOML table into a kind's typed fields: defaults, conversions, each mistake named, titles
made one line."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError

import pytest

from director.fields import Invalid, build, convert, one_line, type_name
from director.panel_steps import Ask, History, Narrate, Pause, ShowCode, Summary
from director.program_steps import Expect, Interrupt, Run, Server, WaitFor
from tests.unit.conftest import NORMAL, invalid


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
