"""The state directory: one show at a time, and a clear line when it cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from director.errors import DemoError, Status
from director.state import StateDir


def test_a_second_show_is_told_which_holds_the_state(tmp_path: Path) -> None:
    with StateDir(tmp_path / "state") as first:
        assert first.holder() == os.getpid()
        with pytest.raises(DemoError) as caught, StateDir(tmp_path / "state"):
            pass
        assert caught.value.status == Status.UNREACHABLE
        assert str(caught.value) == (
            f"another show is running from {tmp_path / 'state'} (pid {os.getpid()}): "
            "stop it, or give this one its own --state-dir"
        )
    assert StateDir(tmp_path / "state").holder() is None, "released at the end of the show"
    with StateDir(tmp_path / "state"):
        pass


def test_a_state_dir_that_cannot_be_one(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for path, said in [
        (tmp_path / "file", "a file is in the way"),
        (tmp_path / "file" / "below", "a file is in the way"),
        (tmp_path / "loop", r"a link to nothing \(or a symlink loop\) is in the way"),
        (tmp_path / "dangling", r"a link to nothing \(or a symlink loop\) is in the way"),
        (Path("/proc/self/state"), "--state-dir /proc/self/state: "),
    ]:
        with pytest.raises(DemoError, match=said) as caught, StateDir(path):
            pass
        assert caught.value.status == Status.USAGE and "\n" not in str(caught.value)
