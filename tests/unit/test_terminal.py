"""A program's bytes as a terminal shows them: colours kept, a carriage-return progress line
redrawn in place, a cleared screen cleared; checked on the rendered screen."""

from __future__ import annotations

import io

from rich.console import Console

from director.layouts import program_panel
from director.terminal import Emulator, terminal_text
from tests.unit.test_narration import Program


def rendered(text: object, width: int = 60) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(text)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_colours_are_kept_and_a_progress_line_is_redrawn_in_place() -> None:
    output = "\x1b[32mok\x1b[0m\r\nprogress 10%\rprogress 55%\rprogress 100%\r\n"
    text = terminal_text(output, 40, None)
    assert text.plain == "ok\nprogress 100%"
    assert str(text.get_style_at_offset(Console(), 0).color.name) == "green"
    panel = rendered(program_panel(Program(output=output, running=False, status=0), None))
    assert "progress 100%" in panel and "10%" not in panel and "\x1b" not in panel


def test_a_clear_and_cursor_moves_leave_what_a_terminal_would() -> None:
    output = "old line\r\n\x1b[2J\x1b[Hnew\r\n\x1b[1Aold\r\n"
    assert terminal_text(output, 20, None).plain == "old"


def test_the_last_rows_are_those_written_last() -> None:
    output = "".join(f"{n}\r\n" for n in range(1, 31))
    assert terminal_text(output, 10, 3).plain == "28\n29\n30"
    emulator = Emulator(10, 5)
    emulator.feed("a\r\nb")
    assert emulator.text().plain == "a\nb"


def test_a_sequence_the_emulator_cannot_take_is_skipped_as_a_terminal_skips_it() -> None:
    # pyte raises on these (a parameter too many, a private mark it does not expect).
    assert terminal_text("1\x1b[1;2A2\x1b[?5K3\x1b[9999999999J4\r\n", 20, None).plain == "1234"
