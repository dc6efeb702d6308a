"""Command steps for real: a program that cannot start fails its step and the show goes on;
whatever a program starts is gone when its step, its scene or the show ends; the director's
own stop never shows an error it caused in a program's panel."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from director.errors import StepFailed
from director.processes import ChildProcess
from director.programs import Program
from tests.conftest import DEMO, director, ends, gone, shown

PLAYLIST = 'title = "Commands"\nscenes = [{scenes}]\n'


def talk(tmp_path: Path, **scenes: str) -> Path:
    """A talk of its own: a playlist of `scenes` (name: the scene's steps as TOML)."""
    folder = tmp_path / "talk"
    (folder / "scenes").mkdir(parents=True)
    names = ", ".join(f'"{name}"' for name in scenes)
    (folder / "scenes" / "playlist.toml").write_text(PLAYLIST.format(scenes=names))
    for name, steps in scenes.items():
        (folder / "scenes" / f"{name}.toml").write_text(f'title = "Scene {name}"\n{steps}')
    return folder


def test_a_program_that_cannot_start_fails_its_step_and_the_show_goes_on(tmp_path: Path) -> None:
    folder = talk(
        tmp_path,
        one='[[steps]]\nkind = "narrate"\ntitle = "Before"\nbody = "b"\nhold = 3\n'
        '[[steps]]\nkind = "run"\ncommand = ["./tool.sh"]\n'
        '[[steps]]\nkind = "wait_for"\nexit = true\n',
        two='[[steps]]\nkind = "narrate"\ntitle = "The second scene"\nbody = "b"\nhold = 0\n',
    )
    tool = folder / "tool.sh"
    tool.write_text("#!/bin/sh\necho hi\n")
    tool.chmod(0o755)
    child = director(tmp_path, "--talk", str(folder), "--auto", "--once", cols=400)
    child.expect(shown("Before"), timeout=60)
    tool.chmod(0o644)  # after the check: it can no longer be run
    out = ends(child)
    assert child.exitstatus == 1, out[-2000:]
    said = f"Scene one, step 2 (run): cannot start ./tool.sh: {tool}: not executable (chmod +x)"
    assert out.count(said) == 2, out[-2000:]  # where it happened, and in the round's result
    assert "The second scene" in out and "Traceback" not in out


def test_a_file_the_kernel_would_not_start_is_refused_before_the_show(tmp_path: Path) -> None:
    """An executable file that is no program: no #! line, or one naming an interpreter that
    is not there (exec would fail in the forked child, at run time)."""
    for content, said in [
        ("echo hi\n", "not a program (a script needs a #! line naming its interpreter)"),
        ("#!/no/such/sh\necho hi\n", "its #! line names '/no/such/sh', which is not an"),
        ("#!/bin/sh\r\necho hi\r\n", "its #! line names '/bin/sh\\r', which is not an"),
    ]:
        shutil.rmtree(tmp_path / "talk", ignore_errors=True)
        folder = talk(tmp_path, one='[[steps]]\nkind = "run"\ncommand = ["./tool"]\n')
        (folder / "tool").write_text(content)
        (folder / "tool").chmod(0o755)
        done = subprocess.run([sys.executable, DEMO, "--talk", str(folder), "--list"],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and "step 1 (run): field 'command'" in lines[0], done.stderr
        assert said in lines[0], done.stderr


GRANDCHILDREN = """
import os, subprocess, sys, time
pids = sys.argv[1]
sleep = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()} '); time.sleep(300)"
quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# A new session of its own, out of the program's.
subprocess.Popen([sys.executable, "-c", sleep, pids], start_new_session=True, **quiet)
# Deaf to SIGHUP and SIGTERM, in the program's session.
deaf = "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
deaf += "signal.signal(signal.SIGTERM, signal.SIG_IGN); " + sleep
subprocess.Popen([sys.executable, "-c", deaf, pids], **quiet)
# A daemon: forked, setsid, forked again, its parent gone at once.
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", sleep, pids])
    os._exit(0)
while len(open(pids).read().split()) < 3:
    time.sleep(0.02)
print("all started", flush=True)
if sys.argv[2] == "stay":
    time.sleep(300)
"""


def grandchildren(tmp_path: Path, stay: bool) -> Path:
    """A talk whose program starts three grandchildren that outlive it unless stopped (their
    pids written to `pids`); then it exits, or stays if `stay`."""
    (tmp_path / "pids").touch()
    how = "stay" if stay else "go"
    run = '[[steps]]\nkind = "run"\ncommand = ["{python}", "{talk}/start.py", '
    run += f'"{tmp_path / "pids"}", "{how}"]\n'
    wait = '[[steps]]\nkind = "wait_for"\n'
    wait += 'pattern = "all started"\n' if stay else "exit = true\n"
    after = '[[steps]]\nkind = "narrate"\ntitle = "After the program"\nbody = "b"\nhold = 60\n'
    folder = talk(tmp_path, one=run + wait + after)
    (folder / "start.py").write_text(GRANDCHILDREN)
    return folder


@pytest.mark.parametrize("cgroups", ["1", "0"], ids=["cgroup where one can be had", "no cgroup"])
@pytest.mark.parametrize("ending", ["step", "SIGTERM", "q"])
def test_what_a_program_starts_is_gone_when_it_ends(
    tmp_path: Path, ending: str, cgroups: str
) -> None:
    folder = grandchildren(tmp_path, stay=ending != "step")
    child = director(tmp_path, "--talk", str(folder), "--auto", "--once",
                     env={"COUNTER_DEMO_CGROUPS": cgroups})  # fmt: skip
    child.expect(shown("all started"), timeout=60)
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 3, "each wrote its pid once it ran"
    started = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):  # its step may have ended already
            started.append(psutil.Process(pid))
    if ending == "step":
        child.expect(shown("After the program"), timeout=30)
        assert gone(started, within=5), [p.pid for p in started if p.is_running()]
        assert child.isalive(), "the show goes on"
        child.send("q")
    elif ending == "SIGTERM":
        child.kill(signal.SIGTERM)
    else:
        child.send("q")
    out = ends(child)
    assert "Traceback" not in out
    assert gone(started, within=5), [p.pid for p in started if p.is_running()]


def test_a_program_that_closes_its_terminal_and_runs_on_never_freezes_the_show(
    tmp_path: Path,
) -> None:
    """Its output ends while it runs: its step fails in time, it is stopped, the show goes
    on (pexpect alone would wait for its exit without end, deaf to signals and keys)."""
    run = '[[steps]]\nkind = "run"\ncommand = ["{talk}/closes.sh"]\n'
    wait = '[[steps]]\nkind = "wait_for"\npattern = "READY"\ntimeout = 3\n'
    after = '[[steps]]\nkind = "narrate"\ntitle = "The second scene"\nbody = "b"\nhold = 0\n'
    folder = talk(tmp_path, one=run + wait, two=after)
    script = folder / "closes.sh"
    script.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/pid\nexec 0<&- 1>&- 2>&- sleep 300\n")
    script.chmod(0o755)
    child = director(tmp_path, "--talk", str(folder), "--auto", "--once", cols=400)
    child.expect(shown("The second scene"), timeout=30)
    out = ends(child)
    assert child.exitstatus == 1, out[-2000:]
    assert "did not print something matching 'READY' within 3 s" in out, out[-2000:]
    assert "Traceback" not in out
    assert not psutil.pid_exists(int((tmp_path / "pid").read_text())), "it was stopped"


def test_a_counter_stopped_as_it_starts_shows_no_error_of_the_director(tmp_path: Path) -> None:
    """SIGTERM to the director just as a counter starts: Ctrl-C sent to a Python still
    importing its site module was a fatal error in the counter's final panel."""
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "playlist.toml").write_text('title = "t"\nscenes = ["one"]\n')
    (scenes / "one.toml").write_text(
        'title = "t"\n[[steps]]\nkind = "run"\n'
        'program = "counter/normal-execution/start-execution.py"\n'
        '[[steps]]\nkind = "wait_for"\nexit = true\n'
    )
    for attempt in range(8):
        child = director(tmp_path / str(attempt), "--scenes", str(scenes), "--auto", "--once")
        child.expect(shown("$ python start-execution.py"), timeout=60)
        time.sleep(0.01 * attempt)  # a little later each time, through the counter's start
        child.kill(signal.SIGTERM)
        out = ends(child)
        assert child.exitstatus == 128 + signal.SIGTERM, out[-2000:]
        for error in ("Fatal Python error", "Traceback", "KeyboardInterrupt", "<frozen"):
            assert error not in out, f"attempt {attempt + 1}: {out[-2000:]}"


def test_only_what_the_program_started_goes(tmp_path: Path) -> None:
    """Beside the program, a process of the director's own in its own session (as the dev
    server and the renderers are) and a daemon it left behind, adopted by the director:
    neither is touched, and the bystander's exit status is still its own to collect."""
    pids = tmp_path / "pids"
    pids.touch()
    (tmp_path / "start.py").write_text(GRANDCHILDREN)
    program = ChildProcess([sys.executable, str(tmp_path / "start.py"), str(pids), "stay"], "p")
    daemon = (
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    middle = os.getpid()\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        while os.getppid() == middle:\n"  # until it is an orphan
        "            time.sleep(0.01)\n"
        "        open(sys.argv[1], 'w').write(str(os.getpid()))\n"
        "        time.sleep(300)\n"
        "    os._exit(0)\n"
        "time.sleep(300)\n"
    )
    program.watch(["all started"])
    program.start()  # the director now adopts orphans
    bystander = subprocess.Popen(
        [sys.executable, "-c", daemon, str(tmp_path / "daemon")], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while not program.printed.match("all started") and time.monotonic() < deadline:
            program.read(0.1)
        written = tmp_path / "daemon"
        while not (written.exists() and written.read_text()) and time.monotonic() < deadline:
            time.sleep(0.02)
        started = [psutil.Process(int(pid)) for pid in pids.read_text().split()]
        orphan = psutil.Process(int(written.read_text()))
        assert orphan.ppid() == os.getpid(), "adopted by the director"
        program.stop(grace=0.5)
        assert gone(started) and not program.running
        assert bystander.poll() is None and orphan.is_running()
        orphan.kill()
        os.waitpid(orphan.pid, 0)
        bystander.terminate()
        assert bystander.wait(5) == -signal.SIGTERM, "its exit status is its own"
    finally:
        program.stop(grace=0.1)
        bystander.kill()


def test_a_program_that_cannot_start_says_why_in_a_line(tmp_path: Path) -> None:
    for argv, said in (
        (["/bin/echo", "a\0b"], "embedded null byte"),
        (["/bin/echo", "x" * 200_000], "argument list too long"),
        ([str(tmp_path)], "a directory, not a program"),
    ):
        with pytest.raises(StepFailed, match=f"cannot start p: .*{said}"):
            ChildProcess(argv, "p").start()
    with pytest.raises(StepFailed, match="cannot start p: /gone: no such file or directory"):
        ChildProcess(["/bin/echo"], "p", cwd=Path("/gone")).start()


def test_what_a_program_wrote_as_it_exited_is_read_though_the_wait_saw_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A program that prints and exits between the director's wait for output (it saw none)
    and its look at whether the program runs: what it wrote is still read, not lost with
    its terminal (on a loaded machine `temporal workflow show` printed nothing so)."""
    program = ChildProcess([sys.executable, "-c", "print('TimerFired')"], "p")
    program.watch(["TimerFired"])
    program.start()
    deadline = time.monotonic() + 10
    while psutil.Process(program._child.pid).status() != psutil.STATUS_ZOMBIE:  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "it exits"
        time.sleep(0.01)
    real = select.poll

    class Missed:  # the wait that timed out as the program wrote, then sees what is there
        def __init__(self) -> None:
            self.poller, self.first = real(), True

        def register(self, *args: object) -> None:
            self.poller.register(*args)

        def poll(self, timeout: float) -> list[tuple[int, int]]:
            missed, self.first = self.first, False
            return [] if missed else self.poller.poll(timeout)

    monkeypatch.setattr(select, "poll", Missed)
    program.read(0.05)
    assert not program.running
    assert program.printed.found.get("TimerFired"), "what it wrote before it exited"


def test_a_running_programs_claims_see_all_it_wrote_before_they_are_checked(
    tmp_path: Path,
) -> None:
    """A worker printed its last number, and the starter it answered exited: the director
    saw the exit first, with the number still in the worker's terminal. The claims are
    checked on all it wrote so far, not what was read of it (on a loaded machine "the count
    reaches its limit" failed so, the worker's 10 unread)."""
    said = tmp_path / "said"
    script = f"print(1); print(2); print(3, flush=True); open({str(said)!r}, 'w'); input()"
    program = Program("worker", [sys.executable, "-c", script], None, "w", 3, 0.1, tmp_path, [])
    run = program.start(ChildProcess, "w", (24, 80))
    try:
        deadline = time.monotonic() + 10
        while not said.exists():
            assert time.monotonic() < deadline, "it prints"
            time.sleep(0.01)
        program.note()
        assert program.running
        assert run.numbers == [1, 2, 3]
    finally:
        program.end(grace=0.2)
