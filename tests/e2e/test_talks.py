"""A talk of one's own: made by init, edited, played from another folder with its own state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
