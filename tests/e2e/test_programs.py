"""Several programs on one stage, against a real dev server: the worker-crash scene's worker
and starter side by side, the history growing beside them, the claims from what they printed
and from what Temporal recorded, and every program gone however the show ends."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pexpect
import pytest

from director import TALK
from tests.conftest import command_line, descendants, director, frames, gone, shown


def test_a_worker_dies_while_its_starter_waits_and_every_claim_holds(tmp_path: Path) -> None:
    child = director(
        tmp_path, "--layout", "stage", "--auto", "--once", "--speed", "5",
        "--scene", "worker-crash", rows=45, cols=160,
    )  # fmt: skip
    seen = []  # each screen once, as it changed
    for frame in map("\n".join, frames(child, 160, 45)):
        if not seen or frame != seen[-1]:
            seen.append(frame)
    assert child.exitstatus == 0, "every claim held"
    both = [screen for screen in seen if "stopped by SIGKILL" in screen
            and "waiting for its result" in screen and "result: counted" not in screen]  # fmt: skip
    assert both, "one screen: the worker killed, the starter still waiting"
    screen = both[-1]
    assert "$ python worker.py" in screen and "$ python starter.py" in screen, "a pane each"
    assert screen.count("running") >= 1, "the starter runs on: never restarted"
    marked = [s for s in seen if "TimerFired ◆ nobody ran" in s and "Event history (live)" in s]
    assert marked, "the timer that fired while no worker ran, marked in the live history"
    said = "\n".join(seen)
    for claim in ("worker: after the restart it carries on at the next number",
                  "starter: it ran once, never started again",
                  "a timer fired while no worker was running",
                  "the workflow completed once, with no failed task",
                  "its history replays against counter/durable-execution/"):  # fmt: skip
        assert f"✔ {claim}" in said, claim


CHANGED_SCENE = """
title = "Changed code"
[[steps]]
kind = "run"
name = "worker"
program = "counter/durable-execution/worker.py"
durable = true
limit = 3
[[steps]]
kind = "run"
name = "starter"
program = "counter/durable-execution/starter.py"
durable = true
limit = 3
[[steps]]
kind = "wait_for"
name = "starter"
exit = true
[[steps]]
kind = "expect"
claims = ["completed_once", "replays"]
workflow = "counter/durable-execution/changed.py:CountTo"
"""


def test_replays_fails_named_for_workflow_code_whose_commands_no_longer_match(
    tmp_path: Path,
) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(TALK / "counter", talk / "counter")
    code = (talk / "counter/durable-execution/businesslogic.py").read_text()
    extra = "        await workflow.sleep(timedelta(seconds=interval))  # a timer more\n"
    changed = code.replace("        for number in range", extra + "        for number in range")
    assert changed != code
    (talk / "counter/durable-execution/changed.py").write_text(changed)
    (talk / "scenes").mkdir()
    (talk / "scenes/playlist.toml").write_text(
        'title = "T"\nscenes = ["changed"]\ninterval = 0.2\n'
    )
    (talk / "scenes/changed.toml").write_text(CHANGED_SCENE)
    child = director(tmp_path, "--talk", str(talk), "--auto", "--once", "--speed", "4")
    child.expect(pexpect.EOF)
    child.close()
    said = child.logfile_read.getvalue()  # type: ignore[union-attr]
    assert child.exitstatus != 0, said[-2000:]
    assert "✔ the workflow completed once" in said, "the run itself went well"
    assert "CLAIM FAILED: its history replays against" in said
    assert "changed.py:CountTo" in said and "non" in said.lower() and "determinism" in said


@pytest.mark.parametrize("how", ["q", "Ctrl-C", "SIGTERM"])
def test_every_program_and_all_it_started_is_gone_however_the_show_ends(
    tmp_path: Path, how: str
) -> None:
    child = director(tmp_path, "--auto", "--speed", "2", "--scene", "worker-crash")
    child.expect(shown("waiting for its result"))  # the worker and the starter both run
    started = descendants(child)
    names = " ".join(command_line(p) for p in started)
    assert "worker.py" in names and "starter.py" in names and "temporal" in names
    if how == "q":
        child.send("q")
    elif how == "Ctrl-C":
        child.sendintr()
    else:
        child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert gone(started), f"left after {how}: {[p.pid for p in started if p.is_running()]}"


def test_q_during_a_replay_that_hangs_ends_the_show_and_the_replay(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(TALK / "counter", talk / "counter")
    hangs = "import time\n\ntime.sleep(600)  # its import never ends\n"
    (talk / "counter/durable-execution/changed.py").write_text(hangs)
    (talk / "scenes").mkdir()
    playlist = 'title = "T"\nscenes = ["changed"]\ninterval = 0.2\n'
    (talk / "scenes/playlist.toml").write_text(playlist)
    (talk / "scenes/changed.toml").write_text(CHANGED_SCENE.replace('"completed_once", ', ""))
    child = director(tmp_path, "--talk", str(talk), "--auto", "--once", "--speed", "4")
    child.expect(shown("result: counted to 3"))
    deadline = 60
    while deadline and not any("director.replayer" in command_line(p) for p in descendants(child)):
        time.sleep(0.25)
        deadline -= 1
    started = descendants(child)
    assert any("director.replayer" in command_line(p) for p in started), "it replays"
    child.send("q")  # heard while the replay runs: it never ends by itself
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    assert gone(started), "the replay and all it started are gone with the show"
