"""The notes socket under abuse, with the real show in a pty: a notes screen stopped as
Ctrl-Z stops it never slows the show (and follows again once it runs), and a thousand
connections neither break the show nor spin it."""

from __future__ import annotations

import contextlib
import itertools
import resource
import signal
import socket
import time
from pathlib import Path

import pexpect
import psutil
import pytest

from tests.conftest import ANSI, director, ends, gone, shown

HANDS_FREE = ["--auto", "--speed", "20", "--scene", "before-temporal"]
ROUND = rf"{shown('Round ')}{ANSI}(\d+)"


def next_round(child: pexpect.spawn, timeout: float = 60) -> float:
    """Wait for the next round's end line; when it came."""
    try:
        child.expect(ROUND, timeout=timeout)
    except pexpect.TIMEOUT:
        pytest.fail(f"no round ended within {timeout:.0f} s: the show froze")
    return time.monotonic()


def long_notes(tmp_path: Path) -> Path:
    """A talk whose every step has long notes (30 kB): a few steps fill a socket's buffer."""
    folder = tmp_path / "scenes"
    folder.mkdir()
    (folder / "playlist.toml").write_text('title = "Long notes"\nscenes = ["long"]\n')
    step = '[[steps]]\nkind = "narrate"\ntitle = "A step"\nbody = "Words."\nhold = 2\n'
    notes = f'notes = "{"Say this slowly. " * 1800}"\n'
    (folder / "long.toml").write_text('title = "Long"\n' + (step + notes) * 8)
    return folder


def followers(show: pexpect.spawn, path: Path) -> int:
    """How many notes screens the show serves now: its connections on the socket, but the
    listening one."""
    unix = psutil.Process(show.pid).net_connections(kind="unix")
    return sum(connection.laddr == str(path) for connection in unix) - 1


def drain(child: pexpect.spawn) -> None:
    """Read what it printed, so that its pty never fills and stops it."""
    with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
        while True:
            child.read_nonblocking(1 << 16, timeout=0)


def test_a_stopped_notes_screen_never_slows_the_show_and_follows_again(tmp_path: Path) -> None:
    rounds, path = 20, tmp_path / "state" / "show.sock"
    show = director(
        tmp_path, "--auto", "--speed", "20", "--scenes", str(long_notes(tmp_path)),
        "--rounds", str(rounds),
    )  # fmt: skip
    notes = director(tmp_path, "--notes", rows=30, cols=100)
    try:
        notes.expect(shown("Scene 1 of 1"), timeout=60)  # it follows the show
        ended = [next_round(show), next_round(show)]
        usual = ended[1] - ended[0]
        notes.kill(signal.SIGSTOP)  # what Ctrl-Z does: it reads nothing more
        served = [1]
        while served[-1] and len(ended) < rounds - 2:  # until it is let go (5 s behind)
            ended.append(next_round(show, timeout=3 * usual + 10))
            served.append(followers(show, path))
        took = [b - a for a, b in itertools.pairwise(ended)]
        assert max(took) < 3 * usual + 5, f"rounds took {took} s; {usual:.1f} s unfollowed"
        assert served[-1] == 0, f"a notes screen that stays behind is let go: {served}"
        notes.kill(signal.SIGCONT)
        deadline = time.monotonic() + 20
        while followers(show, path) != 1:  # it reads again, sees the end, connects again
            assert time.monotonic() < deadline, "the notes screen never followed again"
            drain(notes)
            time.sleep(0.05)
        said = ends(show)
        assert show.exitstatus == 0 and f"Round {rounds}: every claim held" in said
        notes.send("q")
        notes.expect(pexpect.EOF, timeout=10)
    finally:
        for child in (show, notes):
            with contextlib.suppress(OSError):
                child.kill(signal.SIGCONT)
            child.close(force=True)


def connected(path: Path, within: float = 10) -> socket.socket:
    """A connection to the show's socket, made again while its backlog is full."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setblocking(False)
    deadline = time.monotonic() + within
    while True:
        try:
            sock.connect(str(path))
            return sock
        except BlockingIOError:  # the show has not taken the ones before it yet
            assert time.monotonic() < deadline, "the show stopped taking connections"
            time.sleep(0.001)


def test_a_thousand_connections_neither_break_the_show_nor_spin_it(tmp_path: Path) -> None:
    many = 1100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < many + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, many + 500), hard))
    show = director(tmp_path, *HANDS_FREE, "--rounds", "3")
    director_process = psutil.Process(show.pid)
    sockets: list[socket.socket] = []
    try:
        show.expect(shown("$ python start-execution.py"), timeout=60)  # a program runs
        for _ in range(many):
            sockets.append(connected(tmp_path / "state" / "show.sock"))
        assert director_process.num_fds() < 200, "the show holds only the followers it serves"
        before = director_process.cpu_times()
        with contextlib.suppress(pexpect.TIMEOUT):  # read on: a full pty would stop the show
            show.expect(pexpect.EOF, timeout=2)
        after = director_process.cpu_times()
        busy = (after.user - before.user) + (after.system - before.system)
        assert busy < 1.0, f"the director used {busy:.1f} s of CPU in 2 s"
        said = ends(show)
        assert show.exitstatus == 0, said[-2000:]
        assert "Round 3: every claim held" in said
    finally:
        for sock in sockets:
            sock.close()
        started = director_process.children(recursive=True) if show.isalive() else []
        show.close(force=True)
        gone(started)


def test_out_of_descriptors_the_show_neither_spins_nor_stops_taking_followers(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "scenes"
    folder.mkdir()
    (folder / "playlist.toml").write_text('title = "Out of files"\nscenes = ["long"]\n')
    (folder / "long.toml").write_text(
        'title = "A long count"\n[[steps]]\nkind = "run"\n'
        'program = "counter/normal-execution/start-execution.py"\nlimit = 200\n'
        '[[steps]]\nkind = "wait_for"\nexit = true\n'
    )  # 10 s at --speed 20: the show opens nothing meanwhile
    show = director(tmp_path, "--auto", "--speed", "20", "--scenes", str(folder), "--once")
    director_process = psutil.Process(show.pid)
    waiting: list[socket.socket] = []
    try:
        show.expect(shown("$ python start-execution.py"), timeout=60)
        limits = director_process.rlimit(resource.RLIMIT_NOFILE)
        director_process.rlimit(resource.RLIMIT_NOFILE, (director_process.num_fds(), limits[1]))
        waiting = [connected(tmp_path / "state" / "show.sock") for _ in range(5)]
        before = director_process.cpu_times()
        with contextlib.suppress(pexpect.TIMEOUT):
            show.expect(pexpect.EOF, timeout=2)
        after = director_process.cpu_times()
        busy = (after.user - before.user) + (after.system - before.system)
        assert busy < 1.0, f"out of descriptors, the director used {busy:.1f} s of CPU in 2 s"
        director_process.rlimit(resource.RLIMIT_NOFILE, limits)
        for sock in waiting:  # let in once it has descriptors again
            sock.settimeout(10)
            assert sock.recv(65536).startswith(b"{"), "the show stopped taking followers"
        said = ends(show)
        assert show.exitstatus == 0, said[-2000:]
    finally:
        for sock in waiting:
            sock.close()
        show.close(force=True)
