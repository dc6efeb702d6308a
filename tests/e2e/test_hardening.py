"""A hostile user and a hostile environment: every case ends in one line and its exit status,
or a clear failure on screen, never a traceback or a hang."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import psutil

from tests.conftest import (
    DEMO,
    TERMINAL_ENV,
    command_line,
    descendants,
    director,
    ends,
    gone,
    shown,
)

QUICK = ["--auto", "--once", "--speed", "20", "--scene", "before-temporal"]


def demo(*args: str, **given: object) -> subprocess.CompletedProcess:
    """demo.py run to its end; what it printed, as text."""
    options: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "timeout": 120}
    return subprocess.run([sys.executable, DEMO, *args], text=True, **{**options, **given})


def one_line(done: subprocess.CompletedProcess, status: int, said: str) -> None:
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], done.stderr


def test_a_second_show_on_the_same_state_is_told_which_one_holds_it(tmp_path: Path) -> None:
    first = director(tmp_path, "--auto", "--speed", "4", "--scene", "before-temporal")
    first.expect(shown("│ 2 "))
    second = demo(*QUICK, "--state-dir", str(tmp_path / "state"), stdin=subprocess.DEVNULL)
    one_line(second, 3, f"another show is running from {tmp_path / 'state'} (pid {first.pid})")
    assert first.isalive(), "the first show goes on"
    first.kill(signal.SIGTERM)
    first.expect(pexpect.EOF)
    first.close()
    again = demo(*QUICK, "--state-dir", str(tmp_path / "state"), stdin=subprocess.DEVNULL)
    assert again.returncode == 0, "free again once the first show has ended"


def test_temporal_settings_reach_nothing_of_the_embedded_server(tmp_path: Path) -> None:
    env = {**TERMINAL_ENV, "TEMPORAL_API_KEY": "secret-key", "TEMPORAL_TLS": "true"}
    env["TEMPORAL_CONFIG_FILE"] = str(tmp_path / "none.toml")
    child = pexpect.spawn(
        sys.executable,
        [DEMO, "--layout", "scroll", "--auto", "--once", "--speed", "5", "--scene", "worker-crash",
         "--scene", "event-history", "--state-dir", str(tmp_path / "state")],
        env=env, encoding="utf-8", timeout=120, dimensions=(50, 120),
    )  # fmt: skip
    child.logfile_read = io.StringIO()
    child.expect(shown("Temporal ready at"))
    [server] = [p for p in descendants(child) if "start-dev" in command_line(p)]
    leaked = {k for k in server.environ() if k.startswith("TEMPORAL_")}
    output = ends(child)
    assert not leaked, f"the dev server's process got {leaked}"
    assert child.exitstatus == 0, output[-3000:]
    flat = " ".join(output.split())  # lines as wrapped at the terminal's width, joined
    assert "names no address, so the talk runs on the embedded dev server" in flat
    assert "ignored: api_key, tls" in flat and "secret-key" not in flat
    assert "Round 1: every claim held." in output


def test_closed_stdin(tmp_path: Path) -> None:
    close = lambda: os.close(0)  # noqa: E731
    done = demo(*QUICK, "--state-dir", str(tmp_path), preexec_fn=close)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    presenting = demo("--state-dir", str(tmp_path), preexec_fn=close)
    one_line(presenting, 2, "present mode reads keys from a terminal, and stdin is none")


def test_outputs_that_cannot_be_written(tmp_path: Path) -> None:
    state = ["--state-dir", str(tmp_path / "state")]
    full = tmp_path / "full.cast"
    full.symlink_to("/dev/full")  # a device, never opened (a FIFO would block the director)
    one_line(
        demo(*QUICK, *state, "--record", str(full), stdin=subprocess.DEVNULL),
        2, f"--record {full}: a device, not a regular file",
    )  # fmt: skip
    (tmp_path / "folder.gif").mkdir()
    for record, said in [
        (["talk.avi"], "talk.avi: use a name ending in .cast, .gif, .mp4, .webm, .html"),
        (["no/such/talk.mp4"], "talk.mp4: the folder"),
        (["folder.gif"], "folder.gif: a folder, not a file"),
        (["t.html", "t.gif", "t.html"], "t.html: given twice"),
    ]:
        paths = [arg for name in record for arg in ("--record", str(tmp_path / name))]
        one_line(demo(*QUICK, "--state-dir", str(tmp_path / "s"), *paths), 2, said)
        assert not (tmp_path / "s").exists(), "refused before the show began"
        assert not list(tmp_path.glob("t.*")), "and wrote nothing"
    one_line(
        demo(*QUICK, *state, "--transcript", str(tmp_path / "no" / "t.html")),
        2, "t.html: the folder",
    )  # fmt: skip
    (tmp_path / "file").write_text("")
    one_line(demo(*QUICK, "--state-dir", str(tmp_path / "file")), 2, "a file is in the way")


def test_a_pipe_closed_early_ends_the_show_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # as `| head` does once it has what it wants
    try:
        done = demo(*QUICK, "--state-dir", str(tmp_path), stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == 128 + signal.SIGPIPE, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr


def test_scene_text_that_looks_like_markup_plays(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "playlist.toml").write_text('title = "[/talk]"\nscenes = ["odd"]\n')
    (scenes / "odd.toml").write_text(
        'title = "[/x] [bold]Odd"\n[[steps]]\nkind = "ask"\nquestion = "[red]Why?[/blue]"\n'
        '[[steps]]\nkind = "run"\nprogram = "counter/normal-execution/start-execution.py"\n'
        'label = "[/label]"\nlimit = 2\n[[steps]]\nkind = "wait_for"\nexit = true\n'
    )
    done = demo(
        "--auto", "--once", "--speed", "20", "--scenes", str(scenes), "--state-dir",
        str(tmp_path / "state"), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for text in ("[/x] [bold]Odd", "[red]Why?[/blue]", "$ [/label]", "Round 1: every claim held."):
        assert text in done.stdout


def test_the_director_killed_leaves_no_child_even_mid_start(tmp_path: Path) -> None:
    child = director(tmp_path, "--auto", "--speed", "4", "--scene", "with-temporal")
    child.expect(shown("Starting"))
    started = [psutil.Process(child.pid), *descendants(child)]
    child.kill(signal.SIGQUIT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signal.SIGQUIT
    assert gone(started[1:])


def test_a_kiosk_whose_db_file_is_deleted_names_it_and_starts_afresh(tmp_path: Path) -> None:
    child = director(
        tmp_path, "--auto", "--rounds", "3", "--speed", "20", "--scene", "with-temporal"
    )
    child.expect(shown("Round 1: every claim held."))
    for path in (tmp_path / "state").glob("temporal.db*"):
        path.unlink()
    output = ends(child)
    assert child.exitstatus == 0, output[-3000:]
    flat = " ".join(output.split())
    assert "The Temporal dev server lost its db file (it was deleted): starting it afresh" in flat
    assert "Round 3: every claim held." in output
    assert (tmp_path / "state" / "temporal.db").is_file(), "a new db file"
