"""Light or dark, in a real pty: the terminal's answer to the background query (injected
here: pyte answers nothing) picks the stage's colours, and keys typed after it still work."""

from __future__ import annotations

from pathlib import Path

import pexpect
import pyte
import pytest

from director.background import QUERY
from director.palette import pairs
from tests.conftest import director
from tests.e2e.test_stage import STAGE, shows

SIZE = (100, 30)
DA1 = "\x1b[?64;1;2;6;9;15;18;21;22c"
LIGHT = "\x1b]11;rgb:ffff/ffff/ffff\x1b\\"
TITLE = "businesslogic.py: the work"
TRUECOLOR = {"COLORTERM": "truecolor"}
"""A terminal that draws 24-bit colours as they are (else Rich picks the nearest of 256)."""


def colours(child: pexpect.spawn, text: str) -> tuple[str, str]:
    """The (foreground, background) pyte draws `text`'s first letter in."""
    terminal = pyte.Screen(*SIZE)
    pyte.Stream(terminal).feed(child.logfile_read.getvalue())
    for y, row in enumerate(terminal.display):
        if text in row:
            cell = terminal.buffer[y][row.index(text)]
            return cell.fg, cell.bg
    raise AssertionError(f"{text!r} is not on screen")


@pytest.mark.parametrize(("reply", "variant"), [(LIGHT + DA1, "light"), (DA1, "dark")])
def test_the_terminals_answer_picks_the_colours_and_the_keys_still_work(
    tmp_path: Path, reply: str, variant: str
) -> None:
    child = director(
        tmp_path, *STAGE, "--scene", "before-temporal", rows=SIZE[1], cols=SIZE[0],
        env=TRUECOLOR, colors=None,
    )  # fmt: skip
    child.expect_exact(QUERY)  # asked before the stage is drawn and the keys are read
    child.send(reply)
    shows(child, SIZE, "A program that counts")
    child.send(" ")  # a key typed after the answer: the next step
    shows(child, SIZE, TITLE)
    fg, _ = colours(child, TITLE)
    assert f"#{fg}" == pairs(variant)["stage.code.title"][0]  # type: ignore[arg-type]
    _, code_bg = colours(child, "def count_to")
    assert code_bg == ("f8f8f8" if variant == "light" else "272822")  # the code theme's
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    assert "rgb:" not in child.logfile_read.getvalue(), "the reply was not echoed"


def test_colors_is_the_stage_s_without_asking(tmp_path: Path) -> None:
    child = director(
        tmp_path, *STAGE, "--colors", "light", "--scene", "before-temporal",
        rows=SIZE[1], cols=SIZE[0], env=TRUECOLOR,
    )  # fmt: skip
    shows(child, SIZE, "A program that counts")
    assert "\x1b]11;?" not in child.logfile_read.getvalue(), "not asked"
    fg, _ = colours(child, "A program that counts")
    assert f"#{fg}" == pairs("light")["stage.narration.title"][0]
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()


def _sgr(colour: str) -> str:
    return "38;2;" + ";".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))


def test_a_recording_with_a_light_theme_is_drawn_light_whatever_the_terminal(
    tmp_path: Path,
) -> None:
    cast = tmp_path / "talk.cast"
    child = director(
        tmp_path, *STAGE, "--colors", "dark", "--auto", "--once", "--speed", "10",
        "--scene", "before-temporal", "--record", str(cast), "--theme", "solarized-light",
        rows=SIZE[1], cols=SIZE[0], env=TRUECOLOR,
    )  # fmt: skip
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    assert child.exitstatus == 0
    light, dark = (pairs(v)["stage.code.title"][0] for v in ("light", "dark"))  # type: ignore[arg-type]
    recorded, shown = cast.read_text(encoding="utf-8"), child.logfile_read.getvalue()
    assert _sgr(light) in recorded and _sgr(dark) not in recorded
    assert _sgr(dark) in shown and _sgr(light) not in shown  # the terminal: as it was told
