"""A program's bytes as a terminal shows them: colours kept, a carriage-return progress line
redrawn in place, a cleared screen cleared; fed only what is new, and never more than can
still be seen; checked on the rendered screen."""

from __future__ import annotations

import io
import random
from types import SimpleNamespace

import pyte
import pytest
from rich.console import Console

from director import terminal
from director.panels import program_panel
from director.terminal import SCROLLBACK, Emulator, Terminal
from tests.unit.test_narration import Program


def rendered(text: object, width: int = 60) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(text)
    return console.file.getvalue()  # type: ignore[attr-defined]


def shown(output: str, columns: int, rows: int | None = None, size: int = 24) -> str:
    screen = Terminal(columns, size)
    screen.write(output)
    return screen.text(rows).plain


def test_colours_are_kept_and_a_progress_line_is_redrawn_in_place() -> None:
    output = "\x1b[32mok\x1b[0m\r\nprogress 10%\rprogress 55%\rprogress 100%\r\n"
    screen = Terminal(40, 24)
    screen.write(output)
    text = screen.text()
    assert text.plain == "ok\nprogress 100%"
    assert str(text.get_style_at_offset(Console(), 0).color.name) == "green"
    panel = rendered(program_panel(Program(output=output, running=False, status=0), None))
    assert "progress 100%" in panel and "10%" not in panel and "\x1b" not in panel


def test_a_clear_and_cursor_moves_leave_what_a_terminal_would() -> None:
    assert shown("old line\r\n\x1b[2J\x1b[Hnew\r\n\x1b[1Aold\r\n", 20) == "old"
    many = "".join(f"{n}\r\n" for n in range(100))
    assert shown(many + "\x1b[2J\x1b[Hnew\r\n", 20, size=5) == "new", "the scrollback too"


def test_the_last_rows_are_those_written_last() -> None:
    output = "".join(f"{n}\r\n" for n in range(1, 31))
    assert shown(output, 10, 3) == "28\n29\n30"
    assert shown(output, 10, size=5) == "\n".join(map(str, range(1, 31))), "the scrollback"
    emulator = Emulator(10, 5)
    emulator.feed("a\r\nb")
    assert emulator.text().plain == "a\nb"


def test_a_sequence_the_emulator_cannot_take_is_skipped_as_a_terminal_skips_it() -> None:
    # pyte raises on these (a parameter too many, a private mark it does not expect).
    hostile = "1\x1b[1;2A2\x1b[?5K3\x1b[9999999999J4\r\n"
    for screen in (Emulator(20, 5), Terminal(20, 5)):  # a take's, and a running program's
        screen.write(hostile) if isinstance(screen, Terminal) else screen.feed(hostile)
        assert screen.text().plain == "1234"


def test_only_what_is_new_is_fed_and_the_scrollback_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each feeding is bounded by time too (FEED_TIME): on a loaded machine a slice of it ran
    # past the bound and the screen lagged a few hundred lines. A clock that stands still
    # keeps this test to what it checks, what is fed and kept, not how fast.
    monkeypatch.setattr("director.terminal.time", SimpleNamespace(monotonic=lambda: 0.0))
    screen = Terminal(20, 5)
    for n in range(3 * SCROLLBACK):
        screen.write(f"{n}\r\n")
        if n % 500 == 0:
            assert screen.text(2).plain.endswith(str(n))
    rows = screen.text().plain.split("\n")
    assert len(rows) == SCROLLBACK + 4 and rows[-1] == str(3 * SCROLLBACK - 1)
    assert len(screen.screen.history) == SCROLLBACK


def test_a_flood_of_plain_lines_or_one_long_line_waits_bounded_and_shows_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(terminal, "SCROLLBACK", 100)
    monkeypatch.setattr(terminal, "PRUNE_AT", 20_000)
    monkeypatch.setattr(terminal, "FEED_SLICE", 5_000)
    fed: list[int] = []

    def counted(screen: Terminal) -> Terminal:
        feed = screen._stream.feed
        screen._stream.feed = lambda text: (fed.append(len(text)), feed(text))  # type: ignore[method-assign]
        return screen

    screen = counted(Terminal(76, 24))
    for n in range(20_000):  # 1.5 MB in reads of a line
        screen.write(f"line {n:8d} {'x' * 60}\r\n")
        assert len(screen._pending) <= 20_000 + 100
    before = sum(fed)
    last = screen.text(3).plain.split("\n")
    assert [row[:13] for row in last] == [f"line {n:8d}" for n in range(19_997, 20_000)]
    assert sum(fed) == before, "drawn while much waits: the last lines alone, on a screen aside"
    rows = screen.text().plain.split("\n")
    assert rows[-1].startswith("line    19999") and rows[0].startswith(f"line {20_000 - 123:8d}")
    assert sum(fed) < 100_000, "the emulator is fed only what can still be seen"
    fed.clear()
    line = counted(Terminal(76, 24))
    for _ in range(20):  # 1.3 MB on one line, in reads
        line.write("y" * 65536)
    line.write("!\r\n")
    assert sum(fed) < 100_000
    rows = line.text().plain.split("\n")
    assert rows[-1].endswith("y!") and len(rows) == 100 + 23


def fully(output: str, columns: int, rows: int) -> tuple[str, list]:
    """What the emulator shows for the whole output fed at once: the truth pruning keeps."""
    screen = terminal._Scrolled(columns, rows)
    pyte.Stream(screen).feed(output)
    lines = [*screen.history, *(screen.buffer[y] for y in range(screen.lines))]
    text = terminal._rows_text(lines, columns, None)
    return text.plain, text.spans


@pytest.mark.parametrize("seed", range(20))
def test_pruning_shows_exactly_what_feeding_everything_would(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "SCROLLBACK", 20)
    monkeypatch.setattr(terminal, "PRUNE_AT", 800)
    monkeypatch.setattr(terminal, "FEED_SLICE", 300)
    rng = random.Random(seed)
    columns, rows = rng.randint(5, 12), rng.randint(2, 6)
    plain = ["ab\r\n", "\r\n", "\r\n", "\r", "\n", "\t", "é", "中", "\x1b[32m", "\x1b[0m",
             "\x1b[1;31m", "\x1b[m", "\x1b[K"]  # fmt: skip
    cursor = ["\x1b[A", "\x1b[2J", "\x1b[H", "\x1b[?7l", "\x1b[?7h", "\x1b[2;3r", "\x1b[r"]
    output = "".join(
        rng.choice(cursor) if (x := rng.random()) < 0.01 else
        rng.choice(plain) if x < 0.6 else "q" * rng.randint(1, 40)
        for _ in range(rng.randint(300, 800))
    )  # fmt: skip
    screen = Terminal(columns, rows)
    step = rng.choice([3, 7, 100, 1000])
    for i in range(0, len(output), step):
        screen.write(output[i : i + step])
        if rng.random() < 0.05:
            screen.text(2)  # a drawing feeds a slice
    text = screen.text()
    assert (text.plain, text.spans) == fully(output, columns, rows)


def test_a_program_printing_sequences_that_redraw_every_cell_waits_for_its_screen() -> None:
    """ESC # 8 fills every cell: 300 kB of it would take the emulator hours at 500x200. The
    screen takes what it can in a bounded time and says it is behind, so that the program
    waits for it (it is not read meanwhile) as it would for a terminal slow to draw."""
    screen = Terminal(500, 200)
    screen.write("\x1b#8" * 100_000)
    assert screen.behind, "more waits than the emulator takes at once"
    screen.catch_up(0.0)
    assert screen.behind, "a slice at a time"
    assert screen.text(5).plain.endswith("E" * 500), "what it took is drawn"


def test_every_row_kept_is_drawn_from_the_first_unless_much_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal(40, 5)  # a pty smaller than what the program prints
    screen.write("".join(f"{n}\r\n" for n in range(1, 13)))
    kept = screen.kept()
    assert kept is not None and kept.plain.split("\n") == [str(n) for n in range(1, 13)]
    assert screen.text(3).plain == "10\n11\n12", "the newest rows, as before"
    monkeypatch.setattr(terminal, "FEED_SLICE", 1_000)
    screen.write("more\r\n" * 1_000)
    assert screen.kept() is None, "much waits: only the newest rows are quick to draw"
    assert screen.text(2).plain == "more\nmore"
