"""A program that prints a lot, and claims about a program still running: the show keeps
pace with the program and stays responsive, and every claim reads what it printed so far."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pexpect
import psutil

from tests.conftest import descendants, director, ends, gone, shown

LINES = 270_000  # 20 MB: "line 0000000 " and 60 x's a line
FLOOD = (
    'import sys; w = sys.stdout.write; [w("line %07d " % i + "x" * 60 + "\\n") for i in range(N)]'
)


def talk(tmp_path: Path, *steps: str) -> Path:
    """A talk of one scene: these steps."""
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "playlist.toml").write_text('title = "Output"\nscenes = ["out"]\n')
    (scenes / "out.toml").write_text('title = "Lots of output"\n' + "".join(steps))
    return scenes


def run(code: str) -> str:
    """A run step: this Python code as a command."""
    return f'[[steps]]\nkind = "run"\ncommand = ["{{python}}", "-c", {json.dumps(code)}]\n'


def expect(**fields: str | int) -> str:
    lines = "".join(f"{key} = {value!r}\n".replace("'", '"') if isinstance(value, int)
                    else f"{key} = '{value}'\n" for key, value in fields.items())  # fmt: skip
    return f'[[steps]]\nkind = "expect"\n{lines}'


EXIT = '[[steps]]\nkind = "wait_for"\nexit = true\ntimeout = 300\n'


def played(tmp_path: Path, scenes: Path) -> tuple[str, int, float]:
    started = time.monotonic()
    child = director(tmp_path, "--auto", "--once", "--speed", "20", "--scenes", str(scenes))
    child.timeout = 300
    output = ends(child)
    return output, child.exitstatus, time.monotonic() - started


def test_20_mb_of_output_keeps_pace_and_every_claim_holds(tmp_path: Path) -> None:
    scenes = talk(
        tmp_path,
        run(FLOOD.replace("N", str(LINES))),
        EXIT,
        expect(output_has="line 0000000 x", output_lacks="Traceback", exit_status=0),
        expect(output_has=f"line {LINES - 1:07d} x{{60}}$"),
    )
    output, status, took = played(tmp_path, scenes)
    assert status == 0, output[-3000:]
    assert "Round 1: every claim held." in output
    assert f"line {LINES - 1:07d}" in output, "the final panel shows the end"
    assert took < 60, f"{took:.0f} s (146 s before)"


def test_5_mb_on_one_line_keeps_pace_and_every_claim_holds(tmp_path: Path) -> None:
    code = 'import sys; sys.stdout.write("y" * 5_000_000 + "\\nthe end\\n")'
    scenes = talk(tmp_path, run(code), EXIT, expect(output_has="(?m)^the end$", exit_status=0))
    output, status, took = played(tmp_path, scenes)
    assert status == 0, output[-3000:]
    assert "Round 1: every claim held." in output and "yyyyyyyy" in output
    assert took < 12, f"{took:.0f} s (16 s before)"


def test_the_show_stays_responsive_while_a_program_floods_it(tmp_path: Path) -> None:
    endless = 'import sys; w = sys.stdout.write; i = 0\nwhile True: w("line %09d\\n" % i); i += 1'
    scenes = talk(tmp_path, run(endless), EXIT)
    child = director(tmp_path, "--scenes", str(scenes))  # presenting: it waits for keys
    child.expect(shown("$ python -c"))
    seen: set[str] = set()
    deadline = time.monotonic() + 20
    while len(seen) < 5 and time.monotonic() < deadline:
        child.expect([r"line (\d{9})", pexpect.TIMEOUT], timeout=1)
        if child.match is not pexpect.TIMEOUT:
            seen.add(child.match.group(1))
    assert len(seen) >= 5, f"the program region kept updating: {sorted(seen)}"
    started = [psutil.Process(child.pid), *descendants(child)]
    child.send("q")
    pressed = time.monotonic()
    ends(child)
    assert time.monotonic() - pressed < 10, "q quits promptly"
    assert gone(started[1:])


def test_expect_while_the_program_runs_reads_what_it_printed_so_far(tmp_path: Path) -> None:
    ticks = 'import time\nfor i in range(100): print("tick", i, flush=True); time.sleep(0.1)'
    scenes = talk(
        tmp_path,
        run(ticks),
        '[[steps]]\nkind = "wait_for"\npattern = "tick 2"\n',
        expect(output_has="tick 1"),
        expect(output_lacks="tick 0"),
        expect(output_lacks="tick 99"),
    )
    output, status, _ = played(tmp_path, scenes)
    flat = " ".join(output.split())
    assert "✔ it prints 'tick 1' printed 'tick 1'" in flat, output[-3000:]
    assert "✘ CLAIM FAILED: it never prints 'tick 0' │ │ printed 'tick 0'" in flat or re.search(
        r"CLAIM FAILED: it never prints 'tick 0'\W+printed 'tick 0'", flat
    )
    assert re.search(r"✔ it never prints 'tick 99'\W+never printed it", flat)
    assert status == 1 and "Round 1 FAILED" in output
