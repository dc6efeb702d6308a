"""The talk's files: anything but a regular UTF-8 text file (inside the talk, for steps) is a
one-line reason, and nothing blocks or escapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from director import TALK
from director.files import MAX_BYTES, Missing, Unreadable, read_bytes, read_text


def reason(path: Path, inside: Path | None = None) -> str:
    with pytest.raises(Unreadable) as caught:
        read_text(path, inside)
    return str(caught.value)


def test_a_text_file_is_read() -> None:
    assert "count_to" in read_text(TALK / "counter" / "normal-execution" / "businesslogic.py")


def test_what_is_not_a_text_file(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop")
    (tmp_path / "binary").write_bytes(b"print(1)\0\1\2")
    (tmp_path / "latin1").write_bytes("café".encode("latin-1"))
    (tmp_path / "huge").write_bytes(b"#" * (MAX_BYTES + 1))
    assert reason(tmp_path / "folder") == "a directory, not a file"
    assert reason(tmp_path / "fifo") == "not a regular file (a device, a FIFO or a socket)"
    assert reason(Path("/dev/zero")) == "not a regular file (a device, a FIFO or a socket)"
    assert reason(tmp_path / "loop") in ("a symlink loop", "too many levels of symbolic links")
    assert reason(tmp_path / "binary") == "a binary file, not text"
    assert reason(tmp_path / "latin1") == "not UTF-8 text (byte 4)"
    assert reason(tmp_path / "huge") == "larger than 1 MB"
    with pytest.raises(Missing):
        read_text(tmp_path / "nothing")


def test_a_step_file_must_stay_inside_the_talk(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    talk.mkdir()
    (tmp_path / "secret.txt").write_text("key")
    (talk / "link.txt").symlink_to(tmp_path / "secret.txt")
    (talk / "fine.txt").write_text("hello")
    assert read_text(talk / "fine.txt", inside=talk) == "hello"
    for path in (talk / ".." / "secret.txt", talk / "link.txt", Path("/etc/passwd")):
        assert reason(path, inside=talk).startswith("outside the talk's folder")
    assert read_text(tmp_path / "secret.txt") == "key", "scene files may live anywhere"


def test_bytes_are_read_only_from_a_regular_file_within_their_limit(tmp_path: Path) -> None:
    (tmp_path / "cast").write_bytes(b"\0" * 10)
    os.mkfifo(tmp_path / "fifo")
    assert read_bytes(tmp_path / "cast", 10) == b"\0" * 10
    for path, most, why in [
        (tmp_path / "cast", 9, "larger than 9 bytes"),
        (tmp_path / "fifo", 10, "not a regular file (a device, a FIFO or a socket)"),
        (tmp_path, 10, "a directory, not a file"),
    ]:
        with pytest.raises(Unreadable) as caught:
            read_bytes(path, most)
        assert str(caught.value) == why
