"""A talk of one's own: made by init, edited, played from another folder with its own state."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO


def test_a_talk_made_by_init_plays_from_anywhere_with_its_own_state(tmp_path: Path) -> None:
    talk = tmp_path / "mytalk"
    made = subprocess.run([sys.executable, DEMO, "init", str(talk)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    scene = talk / "scenes" / "before-temporal.toml"
    scene.write_text(scene.read_text().replace("A program that counts", "Our own counter"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, DEMO, "--talk", str(talk), "--auto", "--once", "--speed", "20",
         "--scene", "before-temporal"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, cwd=elsewhere,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Our own counter" in done.stdout and "A program that counts" not in done.stdout
    assert (talk / ".state" / "takes" / "before-temporal.cast").is_file(), "its own state"
    assert not list(elsewhere.iterdir()), "nothing written where it was played from"


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every name under `folder`, links not followed: a file's bytes, a link's target."""
    return {
        path.relative_to(folder).as_posix(): os.readlink(path) if path.is_symlink()
        else path.read_bytes() if path.is_file() else "not a file"
        for path in sorted(folder.rglob("*"))
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "outside"),
    [
        ("scenes", "folder"),
        ("counter/normal-execution", "folder"),
        ("README.md", "file"),
        ("scenes/playlist.toml", "file"),
        ("README.md", "fifo"),
    ],
)
def test_init_force_changes_nothing_outside_its_folder(
    name: str, outside: str, tmp_path: Path
) -> None:
    talk, elsewhere = tmp_path / "talk", tmp_path / "elsewhere"
    (talk / name).parent.mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "playlist.toml").write_text("mine")
    if outside == "fifo":
        os.mkfifo(talk / name)
    elif outside == "file":
        (talk / name).symlink_to(elsewhere / "playlist.toml")
    else:
        (talk / name).symlink_to(elsewhere, target_is_directory=True)
    before, kept = _snapshot(talk), _snapshot(elsewhere)
    done = subprocess.run([sys.executable, DEMO, "init", str(talk), "--force"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and str(talk / name) in done.stderr, done.stderr
    assert _snapshot(elsewhere) == kept, "nothing outside the talk's folder changed"
    assert _snapshot(talk) == before, "nothing written before the refusal"
