"""End to end: demo.py in a real pty, against a real embedded Temporal dev server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import termios
import time
from pathlib import Path

import pexpect
import pytest

from director import TALK
from director.devserver import DevServer, free_port
from director.scenes import load_show
from director.steps import Ask, Expect, Narrate, ShowCode
from tests.conftest import (
    DEMO,
    TERMINAL_ENV,
    descendants,
    director,
    ends,
    gone,
    plain,
    shown,
)


def test_hands_free_round_verifies_every_claim(tmp_path: Path) -> None:
    # Speed 5, not more: the worker is killed between two of its tasks, and the 100 ms
    # between them at speed 10 was once less than a machine running the whole suite took to
    # see the first one saved and have the kill land (the timer fired with the worker alive).
    child = director(tmp_path, "--auto", "--once", "--speed", "5")
    child.expect(shown("Temporal ready at localhost:"))
    started = descendants(child)
    assert any("temporal" in p.name() for p in started), "the director starts its own server"
    output = ends(child)
    assert child.exitstatus == 0, output[-2000:]
    assert "Round 1: every claim held." in output
    assert "✔ after the restart it starts again at 1" in output
    assert "✔ after the restart it carries on at the next number" in output
    assert "$ temporal workflow show --workflow-id counter-event-history-" in output
    assert "✔ it prints 'TimerFired'" in output, "the CLI shows the timer that fired"
    assert "CLAIM FAILED" not in output
    assert gone(started), "a counter or the dev server outlived the director"


@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1],
    ids=["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT (Ctrl-\\)", "SIGUSR1"],
)
def test_a_signal_mid_run_leaves_no_child_and_restores_the_terminal(
    tmp_path: Path, signum: int
) -> None:
    child = director(tmp_path, "--auto", "--speed", "4", "--scene", "with-temporal")
    child.expect(shown("Workflow counter-with-temporal"))
    child.expect(shown("│ 2 "))  # the durable counter is counting
    started = descendants(child)
    assert len(started) >= 2, "the dev server and a counter run"
    child.kill(signum)
    child.expect(pexpect.EOF)
    attrs = termios.tcgetattr(child.child_fd)
    child.close()
    assert child.exitstatus == 128 + signum
    assert gone(started)
    assert child.before.rstrip().endswith("\x1b[?25h"), "the cursor is shown again"
    lflag = attrs[3]
    assert lflag & termios.ECHO and lflag & termios.ICANON, "echo and line mode are back"


def test_presenter_mode_advances_on_keys_to_the_end(tmp_path: Path) -> None:
    child = director(tmp_path, "--speed", "20", "--scene", "before-temporal")
    presses = 0
    while child.expect([shown("Space next"), pexpect.EOF]) == 0:
        child.send(" ")
        presses += 1
        time.sleep(0.15)  # one key a read, as a hand would
    child.close()
    assert child.exitstatus == 0, child.before[-2000:]
    scene = load_show(TALK / "scenes", ["before-temporal"]).scenes[0]
    beats = [s for s in scene.steps if isinstance(s, Narrate | ShowCode | Ask | Expect)]
    assert presses >= len(beats) == 6  # each narration, code, question and claims waited
    assert "Round 1: every claim held." in plain(child.logfile_read.getvalue())


def test_q_quits_at_once_and_cleanly(tmp_path: Path) -> None:
    child = director(tmp_path, "--speed", "20", "--scene", "with-temporal")
    for _ in range(3):  # past the narration and the code, to the running counter
        child.expect(shown("Space next"))
        child.send(" ")
        time.sleep(0.15)
    child.expect(shown("│ 2 "))
    started = descendants(child)
    assert len(started) >= 2, "the dev server and a counter run"
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert gone(started)


def test_rehearsal_shows_notes_and_a_report(tmp_path: Path) -> None:
    child = director(tmp_path, "--rehearse", "--speed", "20", "--scene", "before-temporal")
    while child.expect([shown("Space next"), pexpect.EOF]) == 0:
        child.send(" ")
        time.sleep(0.15)
    output = plain(child.logfile_read.getvalue())
    child.close()
    assert child.exitstatus == 0
    assert "Notes: Keep it light." in output
    assert "Rehearsal report" in output and "The round: 1 scene, 2 of 2 claims held" in output


def test_presenter_mode_needs_a_terminal() -> None:
    done = subprocess.run(
        [sys.executable, DEMO], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "stdin is none: try --auto" in done.stderr and "Traceback" not in done.stderr


def test_piped_hands_free_output_is_plain_text(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, DEMO, "--auto", "--once", "--speed", "20", "--scene", "before-temporal",
         "--state-dir", str(tmp_path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Round 1: every claim held." in done.stdout
    assert "\x1b" not in done.stdout


def test_broken_scene_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "playlist.toml").write_text('title = "t"\nscenes = ["bad"]\n')
    (tmp_path / "bad.toml").write_text('title = "t"\n[[steps]]\nkind = "narrate"\ntitle = 3\n')
    done = subprocess.run(
        [sys.executable, DEMO, "--auto", "--scenes", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"demo.py: {tmp_path / 'bad.toml'}:2: step 1 (narrate): field 'title': expected text, got 3"
    ]


def test_a_silent_child_fails_its_step_and_the_round_goes_on(tmp_path: Path) -> None:
    hang = tmp_path / "hang.py"
    hang.write_text(
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "print(1, flush=True)\ntime.sleep(600)\n"
    )
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "playlist.toml").write_text('title = "t"\nscenes = ["hang", "end"]\n')
    (scenes / "hang.toml").write_text(
        'title = "Hangs"\n[[steps]]\nkind = "run"\nprogram = "hang.py"\n'
        '[[steps]]\nkind = "wait_for"\nnumber = 5\ntimeout = 1\n'
    )
    (scenes / "end.toml").write_text('title = "End"\n[[steps]]\nkind = "summary"\n')
    child = director(tmp_path, "--auto", "--once", "--speed", "20", "--talk", str(tmp_path))
    child.expect(shown("│ 1 "))
    started = descendants(child)
    output = ends(child)
    assert child.exitstatus == 1
    assert "Hangs, step 2 (wait_for): the program did not print 5 within 1 s" in output
    assert "What the programs really printed" in output, "the round went on to the summary"
    assert gone(started)


def test_crash_and_history_scenes_verify(tmp_path: Path) -> None:
    child = director(
        tmp_path, "--auto", "--once", "--speed", "5",  # the worker killed between tasks
        "--scene", "worker-crash", "--scene", "server-crash", "--scene", "event-history",
    )  # fmt: skip
    output = ends(child)
    assert child.exitstatus == 0, output[-3000:]
    assert "Round 1: every claim held." in output
    assert "Sending kill -9 (SIGKILL) to worker" in output
    assert "Killed the Temporal dev server" in output
    assert "(no answer from Temporal: waiting for it to come back)" in output
    for event in ("TimerStarted", "TimerFired", "WorkflowExecutionCompleted"):
        assert event in output
    assert "fired while nothing was counting" in output
    assert "a new worker: replays the history, carries on" in output
    assert "/namespaces/default/workflows/counter-event-history-" in output


@pytest.mark.parametrize("how", ["--address", "--profile"])
def test_existing_service_is_used_and_no_server_started(
    tmp_path: Path, temporal: DevServer, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "--address":
        given = ["--address", temporal.address]
    else:  # Temporal's own environment configuration: a profile in its config file
        config = tmp_path / "temporal.toml"
        config.write_text(f'[profile.booth]\naddress = "{temporal.address}"\n')
        monkeypatch.setitem(TERMINAL_ENV, "TEMPORAL_CONFIG_FILE", str(config))
        given = ["--profile", "booth"]
    child = director(
        tmp_path, "--auto", "--once", "--speed", "20", "--scene", "with-temporal",
        "--scene", "server-crash", *given,
    )  # fmt: skip
    child.expect(shown("│ 1 "))
    assert not any("temporal" in p.name() for p in descendants(child))
    output = ends(child)
    assert child.exitstatus == 0, output[-2000:]
    assert "Round 1: every claim held." in output
    assert "Skipped: this scene controls the embedded dev server" in output
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "temporal"), "workflow", "list", "--address",
         temporal.address, "--query", "WorkflowId STARTS_WITH 'counter-with-temporal'"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert "counter-with-temporal" in listed.stdout


@pytest.mark.parametrize("run", range(5))  # the SDK's threads used to crash Python's exit
def test_unreachable_service_is_named_with_exit_3(tmp_path: Path, run: int) -> None:
    address = f"localhost:{free_port()}"
    done = subprocess.run(
        [sys.executable, DEMO, "--auto", "--once", "--address", address,
         "--state-dir", str(tmp_path)],  # no takes: the shell's state may hold some
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert done.stderr.strip() == f"demo.py: cannot reach Temporal at {address} (namespace default)"


def test_busy_port_names_what_holds_it(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [sys.executable, DEMO, "--auto", "--once", "--port", str(port),
             "--scene", "with-temporal", "--state-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 3
    assert f"port {port} is busy: python" in done.stderr
    assert f"(pid {os.getpid()}) holds it" in done.stderr


def test_a_resize_mid_round_reflows_the_panels(tmp_path: Path) -> None:
    child = director(tmp_path, "--auto", "--once", "--speed", "10", "--scene", "before-temporal")
    child.expect(shown("│ 2 "))  # the counter is running
    child.setwinsize(50, 72)
    output = ends(child)
    assert child.exitstatus == 0
    after = output[output.rindex("Sending Ctrl-C") :]
    borders = [line.strip() for line in after.splitlines() if line.strip().startswith("╰")]
    assert borders and all(len(border) == 72 for border in borders), borders


def test_hands_free_waits_for_an_existing_service_to_come_back(tmp_path: Path) -> None:
    server = DevServer(tmp_path / "theirs.db", ui=False)
    server.start()
    try:
        child = director(
            tmp_path, "--auto", "--rounds", "2", "--speed", "20", "--address", server.address,
            "--scene", "before-temporal", "--scene", "with-temporal",
        )  # fmt: skip
        child.expect(shown("Round 1: every claim held."))
        server.stop()  # round 2 opens with a scene that needs no Temporal
        child.expect(shown("does not answer: trying again in"))
        assert child.isalive()
        server.start()
        output = ends(child)
    finally:
        server.stop()
    assert child.exitstatus == 0, output[-2000:]
    assert "Round 2: every claim held." in output


def test_children_go_even_when_the_director_is_killed_outright(tmp_path: Path) -> None:
    child = director(tmp_path, "--auto", "--speed", "4", "--scene", "with-temporal")
    child.expect(shown("│ 2 "))
    started = descendants(child)
    assert len(started) >= 2, "the dev server and a counter run"
    child.kill(signal.SIGKILL)  # no clean-up of its own: the kernel tells the children
    child.close()
    assert gone(started, within=5)
