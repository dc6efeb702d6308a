"""The replay check in a child process: the talk's workflow code replays a recorded history
there (never inside the director), and the director reads one line of verdict back.

The child (`python -m director.replayer`) reads {"workflow_id", "history", "file", "class"}
as JSON on stdin and prints {"held": bool, "seen": str} on one line; whatever the talk's
code prints goes to stderr."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from director.families import Family
from director.processes import die_with_parent

LIMIT = 16384
"""The most the director reads of the child's answer: more is no verdict."""
SEEN = 300
"""The longest `seen` the director passes on."""


def ask(request: dict[str, Any], timeout: float = 30.0) -> tuple[bool, str]:
    """(held, seen) as a child replaying `request` answers, or (False, why it did not): its
    answer is read as input (bounded, checked); it and its children are killed afterwards."""
    folder = Path(request["file"]).parent
    family = Family()  # what the talk's code starts, even in a session of its own, goes too

    def in_child() -> None:
        die_with_parent()
        family.join()

    with tempfile.TemporaryFile() as stdin:
        stdin.write(json.dumps(request).encode())
        stdin.seek(0)
        try:
            child = subprocess.Popen(
                _command(),
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=folder if folder.is_dir() else None,
                env=family.env(None),
                start_new_session=True,
                preexec_fn=in_child,
            )
        except OSError as error:
            family.end(0)
            return False, f"the replayer did not start: {error.strerror or error}"
        family.leader = child.pid
        _running.add(family)
        try:
            answer, late = _read(child, time.monotonic() + timeout)
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            family.end(0.2)
            _running.discard(family)
            assert child.stdout is not None
            child.stdout.close()
    if late:
        return False, f"the replay took over {timeout:g} s: stopped"
    return _verdict(answer, child.returncode)


_running: set[Family] = set()
"""The replays under way (each on a thread of the show's): stop_all() ends them."""


def stop_all() -> None:
    """End every replay under way and all it started: the show is over."""
    for family in list(_running):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if family.leader is not None:
                os.killpg(family.leader, signal.SIGKILL)
        family.end(0.2)


def _command() -> list[str]:
    """The child: this module, run by this Python, the current folder not on its path."""
    return [sys.executable, "-P", "-m", "director.replayer"]


def _read(child: subprocess.Popen[bytes], deadline: float) -> tuple[bytes, bool]:
    """What the child prints until it closes its output (at most LIMIT + 1 bytes), and
    whether the deadline came first."""
    assert child.stdout is not None
    answer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while len(answer) <= LIMIT:
            left = deadline - time.monotonic()
            if left <= 0:
                return answer, True
            if not selector.select(left):
                continue
            chunk = os.read(child.stdout.fileno(), 4096)
            if not chunk:
                break
            answer += chunk
    return answer, False


def _verdict(answer: bytes, status: int | None) -> tuple[bool, str]:
    if len(answer) > LIMIT:
        return False, f"the replayer said over {LIMIT} bytes: no verdict"
    try:
        said = json.loads(answer.decode())
    except (UnicodeDecodeError, ValueError):
        if not answer.strip():
            return False, f"the replayer ended (status {status}) without a verdict"
        return (
            False,
            f"the replayer's answer is no verdict: {_line(answer.decode(errors='replace'))}",
        )
    if not (
        isinstance(said, dict)
        and isinstance(said.get("held"), bool)
        and isinstance(said.get("seen"), str)
    ):
        return False, f"the replayer's answer is no verdict: {_line(answer.decode())}"
    return said["held"], _line(said["seen"])


def _line(text: str) -> str:
    """`text` on one line, at most SEEN characters."""
    line = " ".join(text.split())
    return line if len(line) <= SEEN else line[: SEEN - 1] + "…"


# --- The child ----------------------------------------------------------------------------


def replay(request: dict[str, Any]) -> tuple[bool, str]:
    """Import the workflow class from its file and replay the history against it."""
    from temporalio.client import WorkflowHistory
    from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

    file, name = Path(request["file"]), request["class"]
    sys.path.insert(0, str(file.parent))  # its own imports: the modules beside it
    # Loaded from its path under a name of its own: a file named like a module of Python's
    # (types.py) is the talk's, and a name no import could say (count-to.py) loads too.
    spec = importlib.util.spec_from_file_location("talk_workflow", file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    workflow = getattr(module, name, None)
    if not isinstance(workflow, type):
        return False, f"{file.name} has no class {name}"
    history = WorkflowHistory.from_json(request["workflow_id"], request["history"])
    try:  # no sandbox: this process is the talk code's own, the director is not in it
        replayer = Replayer(workflows=[workflow], workflow_runner=UnsandboxedWorkflowRunner())
    except Exception as error:
        return False, f"{name} is not a workflow Temporal can run: {_line(str(error))}"
    result = asyncio.run(replayer.replay_workflow(history, raise_on_replay_failure=False))
    where = f"{file.name}:{name}"
    if result.replay_failure is not None:
        return False, f"{len(history.events)} events against {where}: {_failure(result)}"
    return True, f"{len(history.events)} events replayed against {where}, every command matched"


def _failure(result: Any) -> str:
    """The replay's failure as a line: the non-determinism error's own words where it has them."""
    text = str(result.replay_failure)
    for marker in ("Nondeterminism error: ", "nondeterminism error: "):
        if marker in text:
            return "non-determinism: " + _line(text.split(marker, 1)[1].split('"', 1)[0])
    return _line(f"{type(result.replay_failure).__name__}: {text}")


def main() -> None:
    """Read the request, replay, print the verdict; leave at once (Temporal's engine threads
    must not see Python shut down), with status 0 whatever the verdict."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # what the talk's code prints is not the verdict
    try:
        held, seen = replay(json.load(sys.stdin))
    except Exception as error:
        held, seen = False, f"the replay failed: {type(error).__name__}: {_line(str(error))}"
    out.write(json.dumps({"held": held, "seen": seen}) + "\n")
    out.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
