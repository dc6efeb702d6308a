"""A scene's programs through their lives: a Program started (and again) with the fake
counters, its run noted, resized and ended, no process; a ScenePlay's workflow and patterns."""

from __future__ import annotations

import sys

import pytest

from director.errors import StepFailed
from director.programs import Program, ScenePlay
from director.steps import Expect, Run, WaitFor
from tests.unit.conftest import DURABLE, NORMAL, TALK, Clock, Counters, Rig, scene

LABEL = "python start-execution.py"
SIZE = (24, 76)


def program(limit: int = 3) -> Program:
    """The normal counter as a scene's program, not started, looking for a 2 on a line."""
    argv = [sys.executable, str(TALK / NORMAL), "--limit", str(limit), "--interval", "1"]
    return Program("program", argv, None, LABEL, limit, 1.0, TALK, ["(?m)^2$"])


def test_a_program_runs_in_its_own_pty_and_its_run_is_noted_as_it_ends() -> None:
    counters = Counters(Clock())
    counter = program()
    assert not counter.running and not counter.end(), "nothing on stage before its start"
    with pytest.raises(StepFailed, match="the program is not running"):
        counter.running_child()
    run = counter.start(counters, LABEL, SIZE)
    [child] = counters.spawned
    assert counter.running and counter.running_child() is child and counter.run is run
    assert (child.argv, child.label, child.size, child.cwd) == (counter.argv, LABEL, SIZE, TALK)
    assert child.printed.found.keys() == {"(?m)^2$"}, "the scene's patterns, watched from the start"
    counter.read(0.05)
    counter.read(1.0)
    assert run.numbers == [] and run.status is None, "noted only when asked"
    counter.note()
    assert run.numbers == [1, 2] and run.status is None, "still running"
    counter.resize((30, 100))
    assert child.size == (30, 100)
    assert counter.end() and child.status == 130, "stopped with Ctrl-C"
    assert run.status == 130 and run.numbers == [1, 2]
    assert not counter.running and counter.child is None and not counter.end()
    counter.resize((10, 40))  # with nothing on stage, nothing to resize or read
    counter.read(1.0)
    assert child.size == (30, 100) and run.numbers == [1, 2]


def test_a_program_started_again_is_a_new_run_and_the_last_keeps_how_it_ended() -> None:
    counters = Counters(Clock())
    counter = program(limit=2)
    first = counter.start(counters, LABEL, SIZE)
    while counter.running:
        counter.read(1.0)
    counter.note()
    assert first.numbers == [1, 2] and first.status == 0, "it counted to its limit"
    again = counter.start(counters, f"{LABEL} (again)", SIZE)
    assert again is not first and counter.run is again
    assert (again.label, again.limit, again.numbers) == (f"{LABEL} (again)", 2, [])
    assert [child.argv for child in counters.spawned] == [counter.argv] * 2, "the same command"
    assert counter.end() and first.status == 0 and first.numbers == [1, 2]


def test_a_scene_looks_for_what_its_waits_and_expects_name_in_its_programs_output() -> None:
    steps = (
        Run(program=NORMAL),
        WaitFor(pattern="(?m)^3$"),
        WaitFor(number=4),
        Expect(output_has="done", output_lacks="Traceback"),
        Expect(claims=("completes",)),
    )
    play = ScenePlay.of(scene(*steps))
    assert play.patterns == ["(?m)^3$", "done", "Traceback"]
    assert play.looks == ("(?m)^3$", "done"), "where the claims look: not what must be absent"
    assert play.workflow_id.startswith("counter-scene-") and not play.programs


def test_each_scene_gets_its_own_workflow() -> None:
    one = scene(Run(program=DURABLE, durable=True, limit=2), WaitFor(exit=True), name="one")
    two = scene(Run(program=DURABLE, durable=True, limit=2), WaitFor(exit=True), name="two")
    rig = Rig(one, two)
    rig.stage.play_round()
    rig.stage.play_round()
    ids = [child.workflow for child in rig.counters.spawned]
    assert len(set(ids)) == 4 and ids[0].startswith("counter-one-")
