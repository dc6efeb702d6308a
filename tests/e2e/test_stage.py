"""On stage, in real ptys: the composed screen at three sizes and through a resize, the
presenter's keys, the notes screen on a second terminal, and the terminal left as it was."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import termios
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from tests.conftest import command_line, descendants, director, gone, plain

STAGE = ["--layout", "stage"]


def screen(child: pexpect.spawn, size: tuple[int, int]) -> list[str]:
    """What the terminal shows now, as a terminal emulator draws everything written so far:
    one string a row."""
    columns, rows = size
    terminal = pyte.Screen(columns, rows)
    pyte.Stream(terminal).feed(child.logfile_read.getvalue())
    return terminal.display


def shows(child: pexpect.spawn, size: tuple[int, int], text: str, within: float = 30) -> list[str]:
    """Wait until the screen shows `text`; the screen then."""
    deadline = time.monotonic() + within
    while True:
        with_timeout = max(0.05, min(0.5, deadline - time.monotonic()))
        with contextlib.suppress(pexpect.EOF):
            child.expect(pexpect.TIMEOUT, timeout=with_timeout)
        rows = screen(child, size)
        if any(text in row for row in rows):
            return rows
        assert time.monotonic() < deadline, f"never showed {text!r}:\n" + "\n".join(rows)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (300, 80)])
def test_the_stage_fills_the_screen_at_every_size(tmp_path: Path, size: tuple[int, int]) -> None:
    columns, rows = size
    child = director(
        tmp_path, *STAGE, "--auto", "--once", "--speed", "10", "--scene", "before-temporal",
        rows=rows, cols=columns,
    )  # fmt: skip
    drawn = shows(child, size, "$ python start-execution.py")
    assert drawn[0].startswith(" Durable execution, live")
    assert drawn[0].rstrip().endswith("scene 1 of 1: Before Temporal")
    footer = drawn[-1]  # where the show is, or a passing state with its spinner
    assert footer.startswith("Before Temporal - step") or "Think about it" in footer
    [program] = [i for i, row in enumerate(drawn) if "$ python start-execution.py" in row]
    beside = drawn[program].index("$ python") > columns // 2
    assert beside is (columns >= 140), "beside the main region on a wide screen only"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    left = screen(child, size)  # the stage is gone: the result is left on the main screen
    assert any("Round 1: every claim held." in row for row in left)
    assert "\x1b[?1049h" in child.logfile_read.getvalue(), "the alternate screen was used"


def pty_size(pid: int) -> tuple[int, int]:
    """The (rows, columns) of the pty a process reads from."""
    fd = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NOCTTY)
    try:
        return struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, bytes(8)))[:2]
    finally:
        os.close(fd)


def test_a_resize_reflows_the_stage_and_reaches_the_program(tmp_path: Path) -> None:
    child = director(
        tmp_path, *STAGE, "--auto", "--once", "--speed", "1", "--scene", "before-temporal",
        rows=40, cols=160,
    )  # fmt: skip
    shows(child, (160, 40), "│ 1 ")
    deadline = time.monotonic() + 10  # on a loaded machine, /proc may say so a moment later
    while not (found := [p for p in descendants(child) if "start-execution" in command_line(p)]):
        assert time.monotonic() < deadline, "the counter runs"
        time.sleep(0.05)
    [counter] = found
    assert pty_size(counter.pid) == (36, 156), "beside the main region; as wide as the screen"
    child.setwinsize(30, 100)
    child.logfile_read.truncate(0)
    child.logfile_read.seek(0)
    child.logfile_read.write("\x1b[2J")  # what came before was drawn at the old size
    # The counter's pty is now the inside of its region below: 9 rows less the border, 100 - 4.
    deadline = time.monotonic() + 3
    while pty_size(counter.pid) != (7, 96):
        assert time.monotonic() < deadline, pty_size(counter.pid)
        time.sleep(0.05)
    drawn = shows(child, (100, 30), "│ 3 ")
    assert drawn[0].rstrip().endswith("scene 1 of 1: Before Temporal")
    [title] = [i for i, row in enumerate(drawn) if "$ python start-execution.py" in row]
    assert title > 1 and drawn[title].startswith("╭") and drawn[title].rstrip().endswith("╮")
    assert len(drawn[title].rstrip()) == 100, "below the main region, as wide as the screen"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def press_until(child: pexpect.spawn, size: tuple[int, int], text: str, within: float = 60) -> None:
    """Press Space whenever the show waits for it, as a presenter would, until the screen
    shows `text`: once pressed, not again until the footer has moved on (no key pressed
    ahead, to be heeded at a later step)."""
    deadline = time.monotonic() + within
    pressed = None
    while True:
        rows = screen(child, size)
        if any(text in row for row in rows):
            return
        assert time.monotonic() < deadline, f"never showed {text!r}"
        if "Space next" in rows[-1] and rows[-1] != pressed:
            child.send(" ")
            pressed = rows[-1]
        try:
            child.expect(pexpect.TIMEOUT, timeout=0.2)
        except pexpect.EOF:
            return


def test_the_presenter_jumps_goes_back_blacks_out_and_every_claim_is_checked_afresh(
    tmp_path: Path,
) -> None:
    size, laptop = (120, 40), (100, 30)
    notes = director(tmp_path, "--notes", rows=30, cols=100)  # says why a scene plays now
    shows(notes, laptop, "Waiting for the show")
    child = director(
        tmp_path, *STAGE, "--speed", "10", "--scene", "before-temporal",
        "--scene", "with-temporal", rows=40, cols=120,
    )  # fmt: skip
    shows(child, size, "A program that counts")
    child.send("2")  # jump to the second scene
    shows(notes, laptop, "Plays now: jumped to (2), clean state")
    shows(child, size, "scene 2 of 2: With Temporal")
    child.send("b")  # blackout
    deadline = time.monotonic() + 5
    while any(row.strip() for row in screen(child, size)):
        assert time.monotonic() < deadline, "the screen never went black"
        child.expect(pexpect.TIMEOUT, timeout=0.2)
    child.send("x")  # any key brings it back
    shows(child, size, "scene 2 of 2: With Temporal")
    child.send("r")  # the scene again
    shows(notes, laptop, "Plays now: again from its start, clean state (Home or r)")
    press_until(child, size, "Question for the room")  # after the program ran and stopped
    first = set(re.findall(r"counter-with-temporal-[0-9a-f]{8}", child.logfile_read.getvalue()))
    child.send("\x1b[D")  # Left: back past the program, to the code panel before it
    shows(notes, laptop, "Looking back: panel")  # the notes screen says so, not the header
    rows = shows(child, size, "Client.connect")  # start-execution.py's first highlighted line
    assert not any("Question for the room" in row for row in rows)
    child.send("\x1b[C")  # Right: the question again, live
    shows(child, size, "Question for the room")
    press_until(child, size, "Round 1: every claim held.", within=90)
    ids = set(re.findall(r"counter-with-temporal-[0-9a-f]{8}", child.logfile_read.getvalue()))
    assert ids == first, "nothing played again: the same workflow"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    output = plain(child.logfile_read.getvalue())
    assert "CLAIM FAILED" not in output and "✔ after the restart it carries on" in output
    assert "clean state" not in output and "jumped to" not in output, "the header: the scene"
    notes.send("q")
    notes.expect(pexpect.EOF)
    notes.close()
    assert notes.exitstatus == 0


def counted(rows: list[str]) -> list[int]:
    """The numbers in the program's region (below its title), as it shows them now."""
    [title] = [i for i, row in enumerate(rows) if "$ python start-execution.py" in row]
    found = (re.fullmatch(r"│ (\d+) *│", row.strip()) for row in rows[title + 1 :])
    return [int(match[1]) for match in found if match]


def until(child: pexpect.spawn, size: tuple[int, int], test, within: float = 30) -> list[str]:
    """Wait until the screen passes `test`; the screen then."""
    deadline = time.monotonic() + within
    while not test(rows := screen(child, size)):
        assert time.monotonic() < deadline, "never came:\n" + "\n".join(rows)
        with contextlib.suppress(pexpect.EOF):
            child.expect(pexpect.TIMEOUT, timeout=0.2)
    return rows


def test_back_and_next_while_a_counter_runs_move_through_the_panels_and_run_nothing_again(
    tmp_path: Path,
) -> None:
    size, transcript = (120, 40), tmp_path / "show.txt"
    child = director(
        tmp_path, *STAGE, "--speed", "0.5", "--scene", "before-temporal",
        "--transcript", str(transcript), rows=40, cols=120,
    )  # fmt: skip
    press_until(child, size, "$ python start-execution.py")
    until(child, size, lambda rows: len(counted(rows)) >= 1)  # it counts: one number each 2 s
    child.send("\x1b[D")  # Left: the panel before the live one
    rows = shows(child, size, "businesslogic.py: the work")
    assert not any("start-execution.py: run it" in row for row in rows)
    child.send("\x1b[D")  # Left again: the first panel
    rows = shows(child, size, "A program that counts")
    before = max(counted(rows))
    rows = until(child, size, lambda rows: max(counted(rows)) > before)
    assert any("A program that counts" in row for row in rows), "it counted on while looked back"
    child.send("\x1b[C")  # Right: forward again, in order
    shows(child, size, "businesslogic.py: the work")
    child.send("\x1b[C")  # Right: the live point; the wait for 5 (printed meanwhile) goes on
    live = ("start-execution.py: run it", "Question for the room")
    until(child, size, lambda rows: any(text in row for row in rows for text in live))
    press_until(child, size, "Round 1: every claim held.", within=120)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    said = transcript.read_text()
    assert said.count("A program that counts") == 1, "the scene was not played again"
    assert said.count("$ python start-execution.py (again)") == 1, "the restart's run"
    assert said.count("$ python start-execution.py") == 2, "one start, then the restart: no more"
    assert "CLAIM FAILED" not in said and "it starts again at 1" in said


def test_the_notes_screen_follows_the_show_and_its_keys_drive_it(tmp_path: Path) -> None:
    notes = director(tmp_path, "--notes", "--drive", rows=30, cols=100)
    shows(notes, (100, 30), "Waiting for the show")
    show = director(
        tmp_path, *STAGE, "--rehearse", "--speed", "10", "--scene", "before-temporal",
        rows=40, cols=120,
    )  # fmt: skip
    shows(notes, (100, 30), "Keep it light. Ask who has had a deploy kill a job halfway.")
    shows(notes, (100, 30), "Next: 2. businesslogic.py: the work")
    notes.send(" ")  # a key on the laptop moves the show on
    shows(notes, (100, 30), "Point at the loop and the sleep")
    shows(show, (120, 40), "businesslogic.py")
    show.send("q")
    show.expect(pexpect.EOF)
    show.close()
    assert show.exitstatus == 0
    assert "Point at the loop" not in plain(show.logfile_read.getvalue()), (
        "the notes are on the laptop, not on the audience's screen"
    )
    shows(notes, (100, 30), "The show ended. Waiting for the next one")
    assert not (tmp_path / "state" / "show.sock").exists()
    notes.send("q")
    notes.expect(pexpect.EOF)
    notes.close()
    assert notes.exitstatus == 0


@pytest.mark.parametrize("ending", ["q", signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_the_terminal_is_restored_however_the_stage_ends(tmp_path: Path, ending: object) -> None:
    child = director(tmp_path, *STAGE, "--speed", "10", "--scene", "before-temporal")
    shows(child, (120, 50), "A program that counts")
    press_until(child, (120, 50), "│ 2 ")
    started = descendants(child)
    if ending == "q":
        child.send("q")
    else:
        child.kill(ending)  # type: ignore[arg-type]
    child.expect(pexpect.EOF)
    attrs = termios.tcgetattr(child.child_fd)
    child.close()
    said = plain(child.logfile_read.getvalue())[-2000:]
    assert child.exitstatus == (0 if ending == "q" else 128 + ending), said  # type: ignore[operator]
    assert gone(started)
    tail = child.logfile_read.getvalue()[-200:]
    assert "\x1b[?1049l" in tail, "the alternate screen is left"
    assert tail.rstrip().endswith("\x1b[?25h"), "the cursor is shown again"
    assert attrs[3] & termios.ECHO and attrs[3] & termios.ICANON, "echo and line mode are back"
