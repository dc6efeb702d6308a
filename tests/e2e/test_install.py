"""Installed, not run from the checkout: `pip install .` gives a counter-demo that plays the
talk from any folder, writes nothing there, and builds without a warning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from director import CHECKOUT
from tests.conftest import TERMINAL_ENV

SOURCES = ["pyproject.toml", "README.md", "LICENSE", "director", "scenes", "counter"]
IGNORED = shutil.ignore_patterns("__pycache__", ".state")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout. Its dependencies come from the
    project's own venv (a .pth file), so nothing is downloaded."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"  # a copy: building writes build/ beside the sources
    source.mkdir()
    for name in SOURCES:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, source / name, ignore=IGNORED)
        else:
            shutil.copy(CHECKOUT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", root / "dist", source],
        capture_output=True, text=True, timeout=300, cwd=root,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    said = (built.stdout + built.stderr).lower()
    assert "deprecat" not in said and "warning:" not in said.replace("warning: location", ""), (
        said
    )  # pip's own index settings of this machine aside
    [wheel] = (root / "dist").glob("counter_demo-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    (venv / "bin" / "temporal").symlink_to(Path(sys.executable).parent / "temporal")
    return venv


def counter_demo(venv: Path, *args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**TERMINAL_ENV, "HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(venv / "bin" / "counter-demo"), *args],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_installed_counter_demo_plays_the_talk_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere, home = tmp_path / "elsewhere", tmp_path / "home"
    elsewhere.mkdir()
    version = counter_demo(installed, "--version", cwd=elsewhere, home=home)
    assert version.returncode == 0 and version.stdout.startswith("counter-demo 0.")
    listed = counter_demo(installed, "--list", cwd=elsewhere, home=home)
    assert listed.returncode == 0, listed.stderr
    assert "before-temporal" in listed.stdout and "server-crash" in listed.stdout
    played = counter_demo(
        installed, "--auto", "--once", "--speed", "20",
        "--scene", "before-temporal", "--scene", "with-temporal", cwd=elsewhere, home=home,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr + played.stdout[-2000:]
    assert "Round 1: every claim held." in played.stdout
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import director; print(director.TALK)"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    talk = Path(where.strip())
    assert talk.is_relative_to(installed.resolve()) and talk.parts[-2:] == ("director", "talk")
    assert os.listdir(elsewhere) == [], "nothing is written into the folder it was run from"
    assert (home / "state" / "counter-demo" / "temporal.db").is_file(), "state is per user"


def test_installed_errors_name_counter_demo(installed: Path, tmp_path: Path) -> None:
    done = counter_demo(installed, "--scene", "nope", cwd=tmp_path, home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("counter-demo: no scene 'nope' in ")


def test_installed_init_writes_a_talk_that_plays_with_a_command_step(
    installed: Path, tmp_path: Path
) -> None:
    made = counter_demo(installed, "init", "mytalk", cwd=tmp_path, home=tmp_path / "home")
    assert made.returncode == 0, made.stderr
    scene = tmp_path / "mytalk" / "scenes" / "before-temporal.toml"
    scene.write_text(
        scene.read_text()
        + '\n[[steps]]\nkind = "run"\ncommand = ["{python}", "-c", "print(6 * 7)"]\n'
        + '\n[[steps]]\nkind = "wait_for"\nexit = true\n'
        + '\n[[steps]]\nkind = "expect"\noutput_has = "^42$"\nexit_status = 0\n'
    )
    played = counter_demo(
        installed, "--talk", "mytalk", "--auto", "--once", "--speed", "20",
        "--scene", "before-temporal", cwd=tmp_path, home=tmp_path / "home",
    )  # fmt: skip
    assert played.returncode == 0, played.stderr + played.stdout[-2000:]
    assert "python -c 'print(6 * 7)'" in played.stdout and "✔ it prints '^42$'" in played.stdout
