"""The tree hangs together: the benchmarks and the docs' picture script still import what they
use from the director, and every module of the director has its unit tests or says why not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([*ROOT.glob("bench/*.py"), ROOT / "docs" / "pictures.py"])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_a_script_imports_what_it_uses(script: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location(f"script_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # as a script's own dataclasses need
    spec.loader.exec_module(module)  # its work runs under __main__ only: this imports it


UNTESTED_HERE = {
    "__init__": "the package's paths (CHECKOUT, TALK, state_home), read by test_talks.py",
    "errors": "only the error types and the exit statuses: test_docs.py checks the statuses' "
    "table against Status, and every test of a failure checks its DemoError and status",
    "following": "a long poll of a real server on its own thread, through its restarts: tested "
    "e2e (tests/e2e/test_record.py)",
    "families": "a program's family of processes (cgroups, sessions, orphans) needs real "
    "processes: tested e2e (tests/e2e/test_hardening.py, test_demo.py)",
    "program_plays": "the programs' plays, played through the stage with every other kind's in "
    "tests/unit/test_plays.py (one Rig of fakes for all of PLAYS)",
    "processes": "a program in a real pty through pexpect: tested e2e (tests/e2e/test_stage.py, "
    "test_demo.py); the unit layer plays with conftest.FakeChild in its place",
}
"""The director's modules with no tests/unit/test_<module>.py, each with why: the one list."""


def test_every_module_has_its_unit_tests_or_says_why_not() -> None:
    modules = {path.stem for path in (ROOT / "director").glob("*.py")}
    tested = {
        path.stem.removeprefix("test_") for path in (ROOT / "tests" / "unit").glob("test_*.py")
    }
    missing = modules - tested - set(UNTESTED_HERE)
    assert not missing, f"no tests/unit/test_<module>.py nor a reason in UNTESTED_HERE: {missing}"
    stale = {name for name in UNTESTED_HERE if name not in modules or name in tested}
    assert not stale, f"UNTESTED_HERE names a module that is gone or now has its tests: {stale}"
    assert all(reason.strip() for reason in UNTESTED_HERE.values()), "each says why"
