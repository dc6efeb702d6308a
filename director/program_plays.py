"""What the step kinds that drive programs do on stage: run (a counter or any command, typed
or not), wait_for, interrupt, restart, server, and expect (the claims on what the programs
printed and on what Temporal recorded). Each is a play of plays.PLAYS."""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.markup import escape

from director import claims
from director.errors import DemoError, StepFailed
from director.keys import Press
from director.processes import ChildProcess, which
from director.programs import Program
from director.record import RECORD_CLAIMS, judge
from director.step_base import THE_PROGRAM
from director.steps import LOCAL, Expect, Interrupt, Restart, Run, Server, WaitFor

if TYPE_CHECKING:
    from director.runner import Stage

TYPING = 1 / 15
"""Seconds between keys when a command is typed (at --speed 1)."""
_SIGNALS = {
    "SIGINT": ("Ctrl-C (SIGINT)", "^C"),
    "SIGKILL": ("kill -9 (SIGKILL)", "kill -9"),
    "SIGTERM": ("SIGTERM", "kill"),
}
"""Each signal an interrupt sends: as the line says it, and as its key's caption shows it."""


def verdicts(step: Expect, runs: list[claims.Run], name: str = THE_PROGRAM) -> list[claims.Verdict]:
    """What the step's claims say of the runs of its program (`name`): the counter claims,
    then the output's; each claim said of its program where the scene names it."""
    found = [claims.check(claim, runs) for claim in step.claims if claim in claims.CLAIMS]
    wanted = (("output_has", step.output_has), ("output_lacks", step.output_lacks),
              ("exit_status", step.exit_status))  # fmt: skip
    for kind, expected in wanted:
        if expected not in ("", -1):
            found.append(claims.output_claim(kind, expected, runs))
    if name == THE_PROGRAM:
        return found
    return [replace(verdict, claim=f"{name}: {verdict.claim}") for verdict in found]


READING = 1.0
"""Seconds (at --speed 1) the room is given to read each verdict, hands-free."""


def expect(stage: Stage, step: Expect) -> Press | None:
    """Each claim checked, said, and told to the notes screen (its last eight); held on
    screen long enough to read them all."""
    stage.note_programs()  # still running: what it printed so far
    play = stage.play
    result, name = play.result, step.name or play.current
    stage.narrator.about(name)
    found = verdicts(step, play.runs_of(name), name)
    if recorded := [claim for claim in step.claims if claim in RECORD_CLAIMS]:
        judged = _recorded(stage, step, recorded)
        if isinstance(judged, Press):
            return judged
        found += judged
    for verdict in found:
        result.verdicts.append(verdict)
        stage.narrator.verdict(verdict)
        before = stage.publisher.state.get("claims", []) if stage.publisher else []
        stage.publish(claims=[*before, (verdict.held, verdict.claim)][-8:])
    return stage.pacing.beat(READING * (1 + len(found)), stage.idle)


def _recorded(stage: Stage, step: Expect, names: list[str]) -> list[claims.Verdict] | Press:
    """What Temporal recorded of the scene's workflow, said by the claims `names`; each a
    failure saying why where the record cannot be read. Judged off the show's thread (a
    replay runs the talk's code in a child, for up to 30 s), the keys heeded meanwhile: the
    presenter's move elsewhere, if one came."""
    try:
        record = stage.service.record(stage.play.workflow_id)
    except DemoError as error:
        return [claims.Verdict(RECORD_CLAIMS[name].says, False, str(error)) for name in names]
    judged: list[claims.Verdict] = []
    talk, workflow = stage.show.talk, step.workflow
    judging = threading.Thread(
        target=lambda: judged.extend(judge(name, record, talk, workflow) for name in names),
        name="judging", daemon=True,
    )  # fmt: skip
    judging.start()
    while judging.is_alive():
        if move := _moved(stage, 0.05):
            return move
    return judged


def run(stage: Stage, step: Run) -> Press | None:
    """A counter of the talk (durable: on its own workflow) or any command, in the pane of its
    name (the program of that name before it stopped first)."""
    stage.play.current = name = step.name or THE_PROGRAM
    stage.end_program(name)
    limit = step.limit or stage.show.limit
    interval = stage.pacing.scaled(step.interval or stage.show.interval)
    if step.command:
        return _run_command(stage, step, limit, interval)
    path = stage.show.talk / step.program
    argv = [sys.executable, str(path), "--limit", str(limit), "--interval", f"{interval:g}"]
    env = None
    if step.durable:
        workflow_id, service = stage.play.workflow_id, stage.service
        argv += service.counter_args(workflow_id)
        env = service.child_env()
        if not stage.play.announced and (url := service.workflow_url(workflow_id)):
            shown = escape(workflow_id)
            stage.narrator.info(f"Workflow [bold]{shown}[/] [link={url}]{escape(url)}[/link]")
        stage.play.announced = True
        if stage.play.scene.history == "live":
            stage.follow()
    label = step.label or shlex.join(["python", path.name])
    expects = limit if stage.play.counts(name) else 0  # a starter prints a few lines
    _start(stage, _program(stage, name, argv, env, label, limit, interval, expects), label)
    return None


def _run_command(stage: Stage, step: Run, limit: int, interval: float) -> Press | None:
    """Any command, its placeholders filled in; titled as typed (`temporal workflow show
    --workflow-id counter-...`), with Temporal's settings in its environment."""
    values = {**LOCAL, "workflow_id": stage.play.workflow_id, "limit": str(limit),
              "interval": f"{interval:g}", "talk": str(stage.show.talk)}  # fmt: skip
    env = None
    if step.needs_temporal:
        values |= {"address": stage.service.address, "namespace": stage.service.namespace}
        env = stage.service.child_env()
    argv = [part.format_map(values) for part in step.command]
    if found := which(argv[0], stage.show.talk):  # checked before the show, but it may be gone
        argv[0] = found
    elif "/" in argv[0]:
        argv[0] = str(stage.show.talk / argv[0])  # and it is said where it was looked for
    typed = {**values, "python": "python", "temporal": "temporal"}
    command = shlex.join(part.format_map(typed) for part in step.command)  # as a shell shows it
    label = step.label or command
    name = stage.play.current
    program = _program(stage, name, argv, env, label, limit, interval, looks=stage.play.looks)
    if step.type and (move := _type(stage, command, name)):
        return move
    _start(stage, program, label)
    return None


def _program(stage: Stage, name: str, argv: list[str], env: dict[str, str] | None,
             label: str, limit: int, interval: float, expects: int = 0,
             looks: tuple[str, ...] = ()) -> Program:  # fmt: skip
    """The scene's program called `name` from now on, not yet started: `restart` starts it
    again. Its pane is sized for the `expects` rows a counter prints; the row where the
    claims `looks` (a command's) stays in view, else its first."""
    program = Program(name, argv, env, label, limit, interval, stage.show.talk,
                      stage.play.patterns, expects, looks)  # fmt: skip
    stage.play.programs[name] = program
    return program


def _start(stage: Stage, program: Program, label: str, *, again: bool = False) -> None:
    """Start it; started `again`, the run before stays in sight above it."""
    stage.play.result.runs.append(program.start(stage.spawn, label, stage.narrator.program_size))
    stage.narrator.program_started(
        program.child, program.expects, program.looks, name=program.name, again=again
    )


def _type(stage: Stage, command: str, name: str) -> Press | None:
    """Show the command typed at a human pace (about 15 keys a second, scaled by --speed);
    a key finishes it at once; a move elsewhere is returned."""
    try:
        for end in range(1, len(command) + 1):
            stage.narrator.typing(command[:end], name)
            if (press := stage.idle(stage.pacing.scaled(TYPING))) is not None:
                return press if press.moves else None
    finally:
        stage.narrator.typing(None, name)
    return None


def restart(stage: Stage, step: Restart) -> Press | None:
    program = stage.play.program(step.name)  # a scene's rules put its `run` step first
    stage.end_program(program.name)
    stage.play.resumed = datetime.now(UTC)
    _start(stage, program, f"{program.label} (again)", again=True)
    return None


def wait_for(stage: Stage, step: WaitFor) -> Press | None:
    """Until the program exits or prints what the step waits for; a program that ended
    already is judged by what it printed (a starter may be done before it is waited for)."""
    program = stage.play.program(step.name)
    stage.narrator.about(program.name)
    what = "exit" if step.exit else f"print {step.number or repr(step.pattern)}"
    if not program.running and program.run is not None:
        program.note()
        run = program.run
        if step.exit or step.number in run.numbers or (step.pattern and found(step.pattern, run)):
            return None
        raise StepFailed(f"{program.said} exited (status {run.status}) before it did {what}")
    child = program.running_child()
    timeout = step.timeout or 10 + 2 * program.limit * program.interval
    deadline = stage.clock() + timeout
    if step.exit:
        done: Callable[[], bool] = lambda: not child.running  # noqa: E731
    elif step.number:
        done = lambda: step.number in child.numbers  # noqa: E731
    else:
        what = f"print something matching {step.pattern!r}"
        done = lambda: found(step.pattern, child)  # noqa: E731
    while not done():
        if not child.running:
            raise StepFailed(f"{program.said} exited (status {child.status}) before it did {what}")
        if stage.clock() > deadline:
            raise StepFailed(f"{program.said} did not {what} within {timeout:g} s")
        if move := _moved(stage, 0.05):
            return move
    if step.exit:
        stage.end_program(program.name)
    return None


def found(pattern: str, child: ChildProcess | claims.Run) -> bool:
    """Whether the program printed something matching `pattern` (looked for as it came)."""
    try:
        return child.printed.match(pattern) is not None
    except TimeoutError:
        raise StepFailed(
            f"matching {pattern!r} took over {claims.OUTPUT_TIME:g} s: simplify the pattern"
        ) from None


def interrupt(stage: Stage, step: Interrupt) -> Press | None:
    program, child = _on_stage(stage, step.name)
    deadline = stage.clock() + stage.pacing.scaled(step.delay)
    while (left := deadline - stage.clock()) > 0:  # a wait ends early when the program prints
        if move := _moved(stage, min(left, 0.05)):
            return move
    if step.when_saved and (move := _until_saved(stage, step.timeout)):
        return move
    said, key = _SIGNALS[step.signal]
    stage.narrator.info(f"Sending [bold]{said}[/] to {escape(program.said)}")
    stage.narrator.key(key)
    child.send_signal(getattr(signal, step.signal))
    stage.play.disrupted = datetime.now(UTC)
    assert program.run is not None  # it runs
    program.run.stopped_by = step.signal
    deadline = stage.clock() + step.timeout
    while child.running and stage.clock() < deadline:
        if move := _moved(stage, 0.05):
            return move
    if child.running:
        raise StepFailed(f"{program.said} did not exit within {step.timeout:g} s of {step.signal}")
    program.cut()
    stage.end_program(program.name)
    return None


def server(stage: Stage, step: Server) -> Press | None:
    if step.action == "start":
        took = stage.keeper.start_server_again()
        stage.play.resumed = datetime.now(UTC)
        stage.narrator.info(f"[stage.held]Temporal is back[/] from its db file in {took:.1f} s")
        return None
    if step.when_saved and (move := _until_saved(stage, 5)):
        return move
    for program in stage.play.programs.values():  # each cut where the power went
        if program.running:
            program.cut()
    stage.keeper.kill_server()
    stage.narrator.key(_SIGNALS["SIGKILL"][1])
    stage.play.disrupted = datetime.now(UTC)
    stage.narrator.info("[stage.failed]Killed the Temporal dev server[/] (SIGKILL)")
    return None


# --- helpers -------------------------------------------------------------------------------


def _on_stage(stage: Stage, name: str) -> tuple[Program, ChildProcess]:
    """The program a step names and its process, its pane first; StepFailed unless it runs."""
    program = stage.play.program(name)
    stage.narrator.about(program.name)
    return program, program.running_child()


def _moved(stage: Stage, seconds: float) -> Press | None:
    """Wait as the stage does; the presenter's move elsewhere, if one came."""
    press = stage.idle(seconds)
    return press if press is not None and press.moves else None


def _until_saved(stage: Stage, timeout: float) -> Press | None:
    """Wait until Temporal has saved the step the durable program just printed."""
    deadline = stage.clock() + timeout
    while not stage.service.saved(stage.play.workflow_id):
        if stage.clock() > deadline:
            raise StepFailed(f"Temporal did not save the step within {timeout:g} s")
        if move := _moved(stage, 0.005):
            return move
    return None
