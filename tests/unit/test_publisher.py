"""The show's side of the notes channel: its socket (owner-only, any number of followers,
keys back) and the rehearsal kept to plan by."""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest

from director.keys import Action, Keys, Press
from director.notes import _connected
from director.publisher import CAP, Outbox, Publisher, planned


def follower(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(str(path))
    return sock


def lines(sock: socket.socket, count: int) -> list[dict]:
    data = b""
    while data.count(b"\n") < count:
        data += sock.recv(65536)
    return [json.loads(line) for line in data.split(b"\n")[:count]]


def test_every_follower_gets_the_state_now_and_each_change(tmp_path: Path) -> None:
    with Publisher(tmp_path) as show:
        assert stat.S_IMODE(os.stat(show.path).st_mode) == 0o600, "the owner's alone"
        show.publish(talk="Talk", notes="Breathe.")
        one = follower(show.path)
        assert lines(one, 1) == [{"talk": "Talk", "notes": "Breathe."}]
        two = follower(show.path)
        lines(two, 1)
        deadline = time.monotonic() + 5
        while len(show._followers) < 2:  # the second is taken in by the show's thread
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert show.followed
        show.publish(notes="Smile.")
        assert lines(one, 1)[0]["notes"] == lines(two, 1)[0]["notes"] == "Smile."
        one.close()
        show.publish(notes="Still here.")  # a follower gone is no trouble
        assert lines(two, 1)[0]["notes"] == "Still here."
    assert not show.path.exists(), "the socket goes with the show"


class Taking:
    """A follower's socket as the outbox sees it: takes `room` bytes, then would block."""

    def __init__(self, room: int) -> None:
        self.room, self.got = room, b""

    def __call__(self, data: bytes) -> int:
        if not self.room:
            raise BlockingIOError
        taken = data[: self.room]
        self.room -= len(taken)
        self.got += taken
        return len(taken)


def test_a_follower_gets_only_the_latest_state_and_never_a_torn_line() -> None:
    outbox, follower = Outbox(), Taking(room=5)
    outbox.offer(b'{"n": 1}\n', now=0)
    outbox.flush(follower)  # it took 5 bytes of the first line, then stopped reading
    for n in range(2, 100):
        outbox.offer(f'{{"n": {n}}}\n'.encode(), now=n)
        outbox.flush(follower)
    assert outbox.pending and outbox.behind(now=7, limit=5)
    follower.room = 1 << 20  # it reads again
    outbox.flush(follower)
    assert follower.got == b'{"n": 1}\n{"n": 99}\n', "the line begun is finished; then the latest"
    assert not outbox.pending and not outbox.behind(now=1000, limit=5), "up to date again"


def test_a_follower_that_went_away_is_said_by_the_outbox() -> None:
    def gone(data: bytes) -> int:
        raise BrokenPipeError

    outbox = Outbox()
    outbox.offer(b"{}\n", now=0)
    with pytest.raises(OSError):
        outbox.flush(gone)


def test_a_follower_that_stops_reading_never_blocks_the_show_and_is_dropped(
    tmp_path: Path,
) -> None:
    with Publisher(tmp_path, behind=0.5) as show:
        stopped, reading = follower(show.path), follower(show.path)
        assert lines(stopped, 1) == lines(reading, 1) == [{}]
        big = "x" * 100_000
        for n in range(200):  # 20 MB: far more than a socket holds; none of it waits here
            show.publish(n=n, notes=big)
        got = b""
        while b'"n": 199' not in got:  # the one that reads gets the latest
            got += reading.recv(1 << 20)
        deadline = time.monotonic() + 10
        while len(show._followers) > 1:  # the states keep coming: more than its buffer holds
            assert time.monotonic() < deadline, "the stopped follower was never let go"
            show.publish(n=-1, notes=big)
            reading.recv(1 << 20)
            time.sleep(0.05)
        show.publish(n=200)
        got = b""
        while b'"n": 200' not in got:  # the other one is still followed
            got += reading.recv(1 << 20)
        data = b""
        while chunk := stopped.recv(1 << 20):  # what it was sent before it was let go
            data += chunk
        *whole, _ = data.split(b"\n")
        assert whole and all(json.loads(line)["notes"] == big for line in whole), "whole lines"


def test_followers_past_the_cap_are_let_in_and_closed_at_once(tmp_path: Path) -> None:
    with Publisher(tmp_path) as show:
        show.publish(talk="Talk")
        followers = [follower(show.path) for _ in range(CAP)]
        for sock in followers:
            assert lines(sock, 1) == [{"talk": "Talk"}]
        late = follower(show.path)
        assert lines(late, 1) == [{"full": CAP}], "one too many: told so"
        assert late.recv(1024) == b"", "and let go at once, not left waiting"
        followers.pop().close()
        deadline = time.monotonic() + 5
        while len(show._followers) == CAP:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert lines(follower(show.path), 1) == [{"talk": "Talk"}], "a place came free"
        for sock in followers:
            sock.close()


def test_out_of_descriptors_the_show_listens_again_later_instead_of_spinning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, full = [], [True]
    accept = socket.socket.accept

    def out_of_descriptors(sock: socket.socket) -> tuple[socket.socket, object]:
        calls.append(1)
        if full[0]:
            raise OSError(errno.EMFILE, "Too many open files")
        return accept(sock)

    with Publisher(tmp_path) as show:
        show.publish(talk="Talk")
        monkeypatch.setattr(socket.socket, "accept", out_of_descriptors)
        sock = follower(show.path)  # waits in the backlog: the show cannot take it yet
        time.sleep(1)
        assert 1 <= len(calls) <= 5, f"{len(calls)} tries in a second: a spin"
        full[0] = False  # descriptors free again
        assert lines(sock, 1) == [{"talk": "Talk"}]


def test_keys_a_follower_sends_are_read_by_the_show_but_never_quit(tmp_path: Path) -> None:
    with Publisher(tmp_path) as show:
        keys = Keys(also=show.keys_read)
        keys.fd = None  # no terminal here: the notes screen is the only source
        sock = follower(show.path)
        sock.sendall(b"next\n")
        assert keys.read(5) == Press(Action.NEXT)
        sock.sendall(b"quit\n")
        assert keys.read(5) is None, "q on the notes screen ends the notes screen only"
        sock.sendall(b"scene 2\n")
        assert keys.read(5) == Press(Action.SCENE, 2)


def test_a_state_directory_with_a_long_path_still_gets_its_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("very-long-folder-name-" * 5) / "state"
    deep.mkdir(parents=True)
    assert len(str(deep / "show.sock")) > 108
    with Publisher(deep) as show:
        show.publish(talk="Deep")
        with _connected(show.path) as sock:  # the notes screen's own way in
            assert sock is not None
            sock.settimeout(5)
            assert lines(sock, 1) == [{"talk": "Deep"}]


def test_a_broken_rehearsal_file_plans_nothing(tmp_path: Path) -> None:
    (tmp_path / "rehearsal.json").write_text("{not json")
    assert planned(tmp_path) == []
    (tmp_path / "rehearsal.json").write_text('[["a", "b"]]')
    assert planned(tmp_path) == []


def test_a_rehearsal_with_times_no_clock_can_show_is_not_planned_by(tmp_path: Path) -> None:
    (tmp_path / "rehearsal.json").write_text('[["x", "1. narrate: A", 1e400], ["x", "2", 1]]')
    assert planned(tmp_path) == []
    (tmp_path / "rehearsal.json").write_text('[["x", "1. narrate: A", 2.5]]')
    assert planned(tmp_path) == [("x", "1. narrate: A", 2.5)]
