"""What each step kind does on stage (run, wait_for, interrupt, restart, expect, server,
show_code, summary, history), played through a Rig of fakes, and that every kind has its
play in PLAYS: no process at all."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from director.claims import Printed
from director.errors import DemoError, StepFailed
from director.keys import Press
from director.layouts import LAYOUTS
from director.pacing import HandsFree, Pacing, Presenting, Wait
from director.plays import PLAYS, READING
from director.plays import found as _found
from director.programs import ScenePlay
from director.steps import (
    STEP_KINDS,
    Expect,
    History,
    Interrupt,
    Pause,
    Restart,
    Run,
    Server,
    ShowCode,
    StepKind,
    Summary,
    WaitFor,
)
from tests.unit.conftest import DURABLE, NORMAL, TALK, FakeChild, Rig, scene

CTRL_C_AT_5 = (WaitFor(number=5), Interrupt(), Restart(), WaitFor(exit=True))


def test_a_normal_counter_starts_over_and_the_claims_say_so() -> None:
    rig = Rig(scene(Run(program=NORMAL), *CTRL_C_AT_5, Expect(claims=("starts_over", "completes"))))
    [result] = rig.stage.play_round()
    assert result.held, result.failure
    assert [run.numbers for run in result.runs] == [[1, 2, 3, 4, 5], list(range(1, 11))]
    assert [run.status for run in result.runs] == [130, 0]
    assert result.runs[0].stopped_by == "SIGINT" and result.runs[0].cut == 5
    assert [v.claim for v in result.verdicts] == [
        "after the restart it starts again at 1",
        "the count reaches its limit",
    ]
    first = rig.counters.spawned[0]
    assert first.argv[1:] == [f"{TALK}/{NORMAL}", "--limit", "10", "--interval", "1"]
    assert first.cwd == TALK and first.env is None and first.signals == [signal.SIGINT]
    assert rig.counters.spawned[1].label == "python start-execution.py (again)"
    [shown] = rig.narrator.screen.panes  # sized for the count, the run before kept
    assert shown.expects == 10 and shown.looks == () and shown.earlier is first


def test_a_durable_counter_resumes_with_its_workflow_and_environment() -> None:
    steps = (Run(program=DURABLE, durable=True, limit=8), *CTRL_C_AT_5)
    rig = Rig(scene(*steps, Expect(claims=("resumes", "no_repeats", "no_gaps", "completes"))))
    [result] = rig.stage.play_round()
    assert result.held, result.failure
    assert [run.numbers for run in result.runs] == [[1, 2, 3, 4, 5], [6, 7, 8]]
    first, again = rig.counters.spawned
    assert first.workflow == again.workflow and first.workflow.startswith("counter-scene-")
    assert first.env == {"TEMPORAL_PROFILE": "test"}
    assert rig.service.starts == 1, "the dev server was started before the scene"
    assert "Temporal ready at localhost:7233" in rig.said()


def test_a_program_that_ignores_its_signal_fails_the_step() -> None:
    rig = Rig(scene(Run(program=NORMAL), WaitFor(number=1), Interrupt(timeout=2)), hang=True)
    [result] = rig.stage.play_round()
    assert result.failure and "did not exit within 2 s of SIGINT" in result.failure


def test_an_exit_before_the_number_fails_the_wait() -> None:
    rig = Rig(scene(Run(program=NORMAL, limit=3), WaitFor(number=5)))
    [result] = rig.stage.play_round()
    assert result.failure and "exited (status 0) before it did print 5" in result.failure


def test_a_pattern_is_waited_for_in_the_output() -> None:
    rig = Rig(scene(Run(program=NORMAL), WaitFor(pattern=r"(?m)^3$"), Interrupt()))
    [result] = rig.stage.play_round()
    assert result.held and result.runs[0].numbers[-1] == 3


def test_kill_9_is_said_and_recorded() -> None:
    steps = (WaitFor(number=4), Interrupt(signal="SIGKILL", when_saved=True), Restart())
    rig = Rig(scene(Run(program=DURABLE, durable=True), *steps, WaitFor(exit=True)))
    [result] = rig.stage.play_round()
    assert "Sending kill -9 (SIGKILL) to the program" in rig.said()
    assert result.runs[0].status == 137 and result.runs[0].stopped_by == "SIGKILL"
    assert result.runs[1].numbers == [5, 6, 7, 8, 9, 10]


def test_the_server_step_kills_and_starts_the_dev_server_without_failing_the_scene() -> None:
    steps = (
        Run(program=DURABLE, durable=True),
        WaitFor(number=3),
        Server(action="kill", when_saved=True),
        Pause(seconds=2),
        Server(action="start"),
        WaitFor(exit=True),
        Expect(claims=("resumes", "no_gaps")),
    )
    rig = Rig(scene(*steps))
    [result] = rig.stage.play_round()
    assert result.held, result.failure
    assert rig.service.kills == 1 and rig.service.starts == 2
    assert result.runs[0].cut == 3
    assert "Killed the Temporal dev server" in rig.said() and "Temporal is back" in rig.said()


def test_show_code_reads_the_file_from_the_talk(tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("def count():\n    return 1\n")
    rig = Rig(scene(ShowCode(file="code.py", highlight=("return",))), talk=tmp_path)
    [result] = rig.stage.play_round()
    assert result.held and "def count():" in rig.said() and "code.py" in rig.said()


def test_summary_and_history_use_what_the_scenes_recorded() -> None:
    durable = scene(
        Run(program=DURABLE, durable=True, limit=3), WaitFor(exit=True), History(hold=1)
    )
    rig = Rig(durable, scene(Summary(), name="end"))
    rig.stage.play_round()
    shown = rig.said()
    assert "The workflow's event history" in shown and "WorkflowExecutionStarted" in shown
    assert "What the programs really printed" in shown and "Scene" in shown


def test_code_that_changed_since_the_check_fails_its_step(tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("one\ntwo\n")
    rig = Rig(scene(ShowCode(file="code.py", lines=("one", "two"))), talk=tmp_path)
    (tmp_path / "code.py").write_text("rewritten\n")
    [result] = rig.stage.play_round()
    assert result.failure == "Scene, step 1 (show_code): code.py: no line contains 'one'"


def test_a_pattern_that_backtracks_without_end_is_cut_short() -> None:
    output = "".join(f"{n}\r\n" for n in range(1, 200))
    child = SimpleNamespace(printed=Printed.of(output))
    assert not _found(r"([\d\s]+)+x", child), "the issue's pattern: answered, not hung"  # type: ignore[arg-type]
    with pytest.raises(StepFailed, match=r"took over 0\.1 s: simplify the pattern"):
        _found(r"(a|aa)+b", SimpleNamespace(printed=Printed.of("a" * 60 + "c")))  # type: ignore[arg-type]


def test_expect_reads_what_a_running_program_printed_so_far() -> None:
    steps = (
        Run(program=NORMAL),
        WaitFor(number=3),
        Expect(output_has="(?m)^2$", output_lacks="3"),
        Expect(claims=("no_repeats",), output_lacks="Traceback"),
        WaitFor(exit=True),
    )
    rig = Rig(scene(*steps))
    [result] = rig.stage.play_round()
    has, lacks, repeats, clean = result.verdicts
    assert has.held and has.seen == "printed '2'"
    assert not lacks.held and lacks.seen == "printed '3'"
    assert repeats.held and clean.held
    assert rig.counters.spawned[0].printed.found.keys() == {"(?m)^2$", "3", "Traceback"}, (
        "the scene's patterns looked for from the start"
    )


def test_output_claims_check_what_the_last_run_printed_and_how_it_ended() -> None:
    checks = Expect(output_has=r"\b10\b", output_lacks="Traceback", exit_status=0)
    wrong = Expect(output_has="Workflow completed", exit_status=3)
    rig = Rig(scene(Run(program=NORMAL), WaitFor(exit=True), checks, wrong))
    [result] = rig.stage.play_round()
    assert [(v.claim, v.held) for v in result.verdicts] == [
        ("it prints '\\\\b10\\\\b'", True),
        ("it never prints 'Traceback'", True),
        ("it exits with status 0", True),
        ("it prints 'Workflow completed'", False),
        ("it exits with status 3", False),
    ]
    assert not result.held and "CLAIM FAILED: it exits with status 3" in rig.said()


def test_a_command_runs_with_its_placeholders_filled_and_is_titled_as_typed() -> None:
    command = ("{python}", "count.py", "--limit", "{limit}", "--interval", "{interval}",
               "--workflow-id", "{workflow_id}", "--address", "{address}")  # fmt: skip
    rig = Rig(scene(Run(command=command, limit=3), WaitFor(exit=True),
                    Expect(claims=("completes",), exit_status=0)))  # fmt: skip
    [result] = rig.stage.play_round()
    assert result.held, result.failure
    [child] = rig.counters.spawned
    workflow = child.argv[child.argv.index("--workflow-id") + 1]
    assert child.argv[0] == sys.executable and workflow.startswith("counter-scene-")
    assert child.argv[2:6] == ["--limit", "3", "--interval", "1"]
    assert child.argv[-1] == "localhost:7233" and child.env == {"TEMPORAL_PROFILE": "test"}
    assert child.label == (
        f"python count.py --limit 3 --interval 1 --workflow-id {workflow} --address localhost:7233"
    )
    [shown] = rig.narrator.screen.panes  # a command: what it prints is not known
    assert (shown.expects, shown.looks, shown.earlier) == (0, (), None)


def test_a_command_can_be_typed_at_a_human_pace_before_it_runs() -> None:
    command = ("{python}", "c.py", "--limit", "2", "--interval", "1")
    rig = Rig(scene(Run(command=command, type=True), WaitFor(exit=True)))
    typed: list[str | None] = []
    read = rig.keys.read

    def watching(timeout: float) -> Press | None:
        typed.extend(pane.typed or None for pane in rig.narrator.screen.panes)
        return read(timeout)

    rig.keys.read = watching  # type: ignore[method-assign]
    [result] = rig.stage.play_round()
    label = "python c.py --limit 2 --interval 1"
    shown = [text for text in typed if text is not None]
    assert shown == [label[:end] for end in range(1, len(label) + 1)], "a key at a time"
    assert not any(pane.typed for pane in rig.narrator.screen.panes) and result.held
    assert rig.counters.spawned[0].label == label


def test_a_command_is_titled_and_typed_as_a_shell_would_show_it() -> None:
    command = ("{python}", "-c", "import time\nprint('it is 1')", "--limit", "{limit}",
               "--interval", "1")  # fmt: skip
    rig = Rig(scene(Run(command=command, limit=3, type=True), WaitFor(exit=True)))
    typed: list[str] = []
    narrate_typing = rig.narrator.typing

    def watching(text: str | None, name: str) -> None:
        typed.extend([text] if text else [])
        narrate_typing(text, name)

    rig.narrator.typing = watching  # type: ignore[method-assign]
    rig.stage.play_round()
    quoted = "python -c 'import time\nprint('\"'\"'it is 1'\"'\"')' --limit 3 --interval 1"
    assert rig.counters.spawned[0].label == quoted and typed[-1] == quoted


def _kinds(cls: type) -> set[type]:
    """`cls` and every class under it."""
    return {cls}.union(*(_kinds(sub) for sub in cls.__subclasses__()))


def test_every_step_kind_has_a_play() -> None:
    kinds = {cls for cls in _kinds(StepKind) - {StepKind} if cls.__module__.startswith("director.")}
    assert kinds == set(STEP_KINDS.values()), "every StepKind is in the Step union"
    missing = sorted(cls.__name__ for cls in kinds - set(PLAYS))
    assert not missing, f"no play in director/plays.py's PLAYS for {missing}"
    assert set(PLAYS) <= kinds, "a play for no kind"


class Chatty(FakeChild):
    """A fake counter whose output ends a wait for it, as a real program's does."""

    def read(self, timeout: float) -> str:
        return super().read(max(0.0, min(timeout, self._next_at - self.counters.clock.now)))


def test_an_interrupt_waits_its_whole_delay_though_the_program_prints_meanwhile() -> None:
    rig = Rig(scene(Run(program=NORMAL), Interrupt(delay=3.5), Expect(claims=())))
    rig.stage.spawn = lambda *args: Chatty(rig.counters, *args)  # type: ignore[arg-type]
    [result] = rig.stage.play_round()
    assert result.runs[0].cut == 4, "the signal came after 3.5 s of numbers, one a second"


@pytest.mark.parametrize("mode", [HandsFree, Presenting])
def test_show_code_gives_each_build_of_far_apart_highlights_its_own_beat(
    tmp_path: Path, mode: type[Pacing]
) -> None:
    (tmp_path / "code.py").write_text("".join(f"line_{n} = {n}\n" for n in range(1, 81)))
    step = ShowCode(file="code.py", highlight=("line_2 ", "line_70 "), hold=6)
    presses = {n: "next" for n in range(1, 20)}  # the presenter moves on at each beat
    rig = Rig(scene(step), mode=mode, presses=presses, layout=LAYOUTS["stage"], talk=tmp_path)
    beats: list[tuple[float, frozenset[int] | None]] = []
    beat = rig.pacing.beat

    def held(seconds: float, wait: Wait) -> Press | None:
        beats.append((seconds, rig.narrator.screen.focus))
        return beat(seconds, wait)

    rig.pacing.beat = held  # type: ignore[method-assign]
    [result] = rig.stage.play_round()
    assert result.held, result.failure
    assert beats == [(3, {2}), (3, {70})], "one beat a build, the step's hold shared"


def test_the_verdicts_are_held_long_enough_to_read_each() -> None:
    checks = Expect(claims=("starts_over",), output_has=r"\b10\b", exit_status=0)
    rig = Rig(scene(Run(program=NORMAL), WaitFor(exit=True), checks))
    beats: list[float] = []
    beat = rig.pacing.beat

    def held(seconds: float, wait: Wait) -> Press | None:
        beats.append(seconds)
        return beat(seconds, wait)

    rig.pacing.beat = held  # type: ignore[method-assign]
    rig.stage.play_round()
    assert beats[-1] == READING * 4, "a beat, and one for each of its three verdicts"


def test_two_named_programs_run_at_once_and_each_steps_claims_are_of_its_own_runs() -> None:
    rig = Rig(scene(
        Run(program=NORMAL, name="worker"), Run(program=NORMAL, name="starter", limit=12),
        WaitFor(name="worker", number=5), Interrupt(name="worker", signal="SIGKILL"),
        Restart(name="worker"), WaitFor(name="starter", exit=True),
        Expect(name="worker", claims=("starts_over", "no_repeats")),
        Expect(name="starter", claims=("ran_once", "completes")),
        Expect(claims=("ran_once",)),  # no name: the program the last run step started
    ))  # fmt: skip
    [result] = rig.stage.play_round()
    assert [(run.program, run.label) for run in result.runs] == [
        ("worker", "python start-execution.py"), ("starter", "python start-execution.py"),
        ("worker", "python start-execution.py (again)"),
    ]  # fmt: skip
    assert [run.status for run in result.runs[:2]] == [137, 0], "the starter ran on to its end"
    claims = [(v.claim, v.held) for v in result.verdicts]
    assert claims == [
        ("worker: after the restart it starts again at 1", True),
        ("worker: no number is shown twice", False),  # 1..5 twice: it started over
        ("starter: it ran once, never started again", True),
        ("starter: the count reaches its limit", True),
        ("starter: it ran once, never started again", True),
    ]
    said = rig.said()
    assert "Sending kill -9 (SIGKILL) to worker" in said
    assert [pane.name for pane in rig.narrator.screen.panes] == ["worker", "starter"]


def test_a_step_about_a_program_brings_its_pane_first() -> None:
    rig = Rig(scene(
        Run(program=NORMAL, name="worker"), Run(program=NORMAL, name="starter"),
        WaitFor(name="worker", number=2),
    ))  # fmt: skip
    about: list[str] = []
    read = rig.keys.read

    def watching(timeout: float) -> Press | None:
        about.append(rig.narrator.screen.about)
        return read(timeout)

    rig.keys.read = watching  # type: ignore[method-assign]
    rig.stage.play_round()
    assert about and set(about) == {"worker"}, "the wait is about the worker"


def test_a_scene_treats_as_counters_the_programs_its_steps_count_on() -> None:
    play = ScenePlay.of(scene(
        Run(program=DURABLE, durable=True, name="worker"),
        Run(program=DURABLE, durable=True, name="starter"),
        WaitFor(name="worker", number=3), WaitFor(name="starter", exit=True),
        Expect(name="starter", claims=("ran_once",), output_has="result"),
        Run(program=NORMAL), Expect(claims=("no_gaps",)),  # no name: the last one started
    ))  # fmt: skip
    assert play.counts("worker") and play.counts("program")
    assert not play.counts("starter"), "it prints a few lines: its pane is sized to them"


def test_claims_of_temporals_record_are_judged_from_it_and_said_when_it_cannot_be_read() -> None:
    rig = Rig(scene(
        Run(program=DURABLE, durable=True), WaitFor(exit=True),
        Expect(claims=("completed_once",)),
    ))  # fmt: skip
    [result] = rig.stage.play_round()
    [verdict] = result.verdicts
    assert not verdict.held and "completed 0 times" in verdict.seen, "the fake's one event"

    def unreadable(workflow_id: str) -> None:
        raise DemoError(f"cannot read the history of {workflow_id}: no answer")

    rig = Rig(scene(Run(program=DURABLE, durable=True), Expect(claims=("fired_unattended",))))
    rig.service.record = unreadable  # type: ignore[method-assign,assignment]
    [result] = rig.stage.play_round()
    [verdict] = result.verdicts
    assert not verdict.held and "cannot read the history of counter-scene-" in verdict.seen
    assert verdict.claim == "a timer fired while no worker of the workflow ran"


def test_waiting_for_a_program_that_ended_already_is_judged_by_what_it_printed() -> None:
    rig = Rig(scene(
        Run(program=NORMAL, name="worker"), Run(program=NORMAL, name="starter", limit=3),
        WaitFor(name="worker", number=6),  # the starter is done meanwhile
        WaitFor(name="starter", exit=True), WaitFor(name="starter", number=2),
        WaitFor(name="starter", pattern="3"),
    ))  # fmt: skip
    [result] = rig.stage.play_round()
    assert result.failure is None
    rig = Rig(scene(
        Run(program=NORMAL, name="worker"), Run(program=NORMAL, name="starter", limit=3),
        WaitFor(name="worker", number=6), WaitFor(name="starter", number=7),
    ))  # fmt: skip
    [result] = rig.stage.play_round()
    assert result.failure and "starter exited (status 0) before it did print 7" in result.failure
