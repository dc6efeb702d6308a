"""A take's screen as the live show draws it: every row at the take's full size, never
wrapped, one banner (where it stands on the stage: test_layouts.py)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from director.replays import Replay


def test_the_emulators_frame_is_every_row_of_the_take_at_its_full_width() -> None:
    replay = Replay(Text("a header\n\nthird row"), (80, 24), "2026-11-25 16:54")
    rows = replay.rows()
    assert len(rows) == 24 and all(row.cell_len == 80 for row in rows)
    assert [row.plain.rstrip() for row in rows[:4]] == ["a header", "", "third row", ""]
    assert replay.banner == "Recorded 2026-11-25 16:54, not live"
    empty = Replay(Text(""), (80, 24), "now").rows()  # before the take's first output
    assert len(empty) == 24 and all(row.plain == " " * 80 for row in empty)


def test_scrolling_in_a_narrow_console_a_row_is_cut_never_wrapped() -> None:
    console = Console(file=io.StringIO(), width=60, height=40, color_system=None)
    console.print(Replay(Text("x" * 79 + "<\nsecond"), (80, 24), "now"))
    lines = console.file.getvalue().split("\n")[:-1]  # type: ignore[attr-defined]
    assert len(lines) == 1 + 24, "the banner and the take's 24 rows, each on one line"
    assert lines[1] == "x" * 60 and lines[2].rstrip() == "second"
