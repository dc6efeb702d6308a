"""The kinds that show: the code panel's lines, the history's rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from director.fields import Invalid
from director.panel_steps import History, ShowCode
from director.step_base import Context
from tests.unit.conftest import AFTER_DURABLE, AFTER_RUN, invalid


def test_history_needs_a_durable_program() -> None:
    assert "no workflow to show" in str(invalid(History, {}, AFTER_RUN))
    History().check(AFTER_DURABLE)


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
