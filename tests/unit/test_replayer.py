"""The replay check's child read as input: an answer that is no verdict, too long, or never
comes is a failed verdict in one line, and the child and its children are gone afterwards."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil
import pytest

from director import replayer


def fake_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str) -> None:
    """The replayer's child is this script instead."""
    script = tmp_path / "child.py"
    script.write_text(code)
    monkeypatch.setattr(replayer, "_command", lambda: [sys.executable, str(script)])


@pytest.mark.parametrize(
    ("code", "seen"),
    [
        ("print('Traceback (most recent call last):')", "the replayer's answer is no verdict"),
        ('print(\'{"held": "yes", "seen": 1}\')', "the replayer's answer is no verdict"),
        ("import sys; sys.exit(3)", "the replayer ended (status 3) without a verdict"),
        ("print('x' * 100000)", "the replayer said over 16384 bytes"),
        ("print('{\"held\": true, \"seen\": \"a\\\\nb' + 'c' * 400 + '\"}')", "a b"),
    ],
)
def test_the_childs_answer_is_read_as_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str, seen: str
) -> None:
    fake_child(monkeypatch, tmp_path, code)
    held, said = replayer.ask({"file": str(tmp_path / "x.py")})
    assert said.startswith(seen) and "\n" not in said and len(said) <= replayer.SEEN
    assert held == (seen == "a b")


def test_a_child_that_hangs_is_stopped_with_its_children(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    fake_child(
        monkeypatch,
        tmp_path,
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(60)\n",
    )
    held, said = replayer.ask({"file": str(tmp_path / "x.py")}, timeout=1)
    assert not held and said == "the replay took over 1 s: stopped"
    for pid in map(int, pids.read_text().split()):
        assert gone(pid), "the child and its own child are gone"


def gone(pid: int) -> bool:
    """Whether it is dead (a zombie not yet reaped is), within 2 s: SIGKILL is final, but
    lands a moment after it is sent."""
    for _ in range(200):
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.01)
    return False
