"""The step runner: plays a round of scenes step by step and records what the programs printed."""

from __future__ import annotations

import shlex
import signal
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape

from director import claims
from director.errors import DemoError, Quit, StepFailed
from director.keys import Keys
from director.narration import Narrator
from director.notes import Publisher
from director.pacing import Pacing
from director.processes import ChildProcess, which
from director.recording import Recorder
from director.results import SceneResult, history_notes, summary_rows
from director.scenes import Scene, Show
from director.steps import (
    LOCAL,
    Ask,
    Expect,
    History,
    Interrupt,
    Invalid,
    Narrate,
    Pause,
    Restart,
    Run,
    Server,
    ShowCode,
    Step,
    Summary,
    WaitFor,
)
from director.supervision import Keeper
from director.takes import Player, Refused, Takes

TYPING = 1 / 15
"""Seconds between keys when a command is typed (at --speed 1)."""


def _found(pattern: str, child: ChildProcess) -> bool:
    """Whether the program printed something matching `pattern` (looked for as it came)."""
    try:
        return child.printed.match(pattern) is not None
    except TimeoutError:
        raise StepFailed(
            f"matching {pattern!r} took over {claims.OUTPUT_TIME:g} s: simplify the pattern"
        ) from None


_SIGNALS = {"SIGINT": "Ctrl-C (SIGINT)", "SIGKILL": "kill -9 (SIGKILL)", "SIGTERM": "SIGTERM"}


AGAIN = "back past a program: again from its start, from a clean state"


class Elsewhere(BaseException):
    """The presenter wants to be elsewhere: a panel back, this scene again, another scene.

    Not an Exception, as Quit is not: nothing on the way (a wait for Temporal) may swallow it."""

    def __init__(self, scene: int | None, why: str, *, back: bool = False) -> None:
        super().__init__(why)
        self.scene = scene
        """The index of the scene to play, or None for this one."""
        self.why = why
        self.back = back
        """A panel back, within the scene if it can be."""


@dataclass(frozen=True)
class Program:
    """What a `run` step started, so that `restart` can start it again."""

    argv: list[str]
    env: dict[str, str] | None
    label: str
    limit: int
    interval: float


@dataclass
class ScenePlay:
    """One scene while it plays: its workflow, its program, its moments, what it showed."""

    scene: Scene
    result: SceneResult
    workflow_id: str
    program: Program | None = None
    disrupted: datetime | None = None
    resumed: datetime | None = None

    @classmethod
    def of(cls, scene: Scene) -> ScenePlay:
        return cls(scene, SceneResult(scene), f"counter-{scene.name}-{uuid.uuid4().hex[:8]}")

    @property
    def last_run(self) -> claims.Run:
        return self.result.runs[-1]

    @property
    def patterns(self) -> list[str]:
        """What the scene looks for in its programs' output, looked for as it comes."""
        found = [(s.pattern,) if isinstance(s, WaitFor) else (s.output_has, s.output_lacks)
                 for s in self.scene.steps if isinstance(s, WaitFor | Expect)]  # fmt: skip
        return [pattern for patterns in found for pattern in patterns if pattern]


class Stage:
    """Plays scenes: each step in turn, one program at a time, Temporal kept by its keeper."""

    def __init__(
        self,
        show: Show,
        talk: Path,
        narrator: Narrator,
        keys: Keys,
        keeper: Keeper,
        pacing: Pacing,
        spawn: Callable[..., ChildProcess] = ChildProcess,
        clock: Callable[[], float] = time.monotonic,
        publisher: Publisher | None = None,
        take: Recorder | None = None,
        takes: Takes | None = None,
        safety_net: bool = True,
        offline: bool = False,
    ) -> None:
        self.show = show
        self.talk = talk
        self.narrator = narrator
        self.keys = keys
        self.keeper = keeper
        self.service = keeper.service
        self.pacing = pacing
        self.spawn = spawn
        self.clock = clock
        self.child: ChildProcess | None = None
        self.results: list[SceneResult] = []
        self.play = ScenePlay.of(show.scenes[0])  # the scene playing now; the first before
        self._size = narrator.size
        narrator.talk(show.title)
        self.publisher = publisher
        """Where the notes screen learns where the show is, if one may follow it."""
        self.take = take
        """Records each scene as the audience sees it: a verified scene's take."""
        self.takes = takes
        self.safety_net = safety_net
        """Whether a scene that fails live is followed by its verified take."""
        self.offline = offline
        """Whether the round is played from the takes alone: no Temporal, no program."""
        self._takes_unwritable = False

    def play_round(self) -> list[SceneResult]:
        """Every scene once, each from a clean state, unless the presenter goes elsewhere
        (the scene again, another scene); the results, also kept in `results`."""
        if self.offline:
            return self._play_offline()
        self.keeper.new_round()
        self._publish(talk=self.show.title, talk_since=time.time(), claims=[])
        scenes = self.show.scenes
        played: dict[int, SceneResult] = {}
        self.results = []
        index, why = 0, ""
        while index < len(scenes):
            scene = scenes[index]
            try:
                result = self.play_scene(scene, index + 1, why)
                if result.failure and scene.needs_temporal and self.keeper.recovered():
                    result = self.play_scene(scene, index + 1)
                if not result.held and self.safety_net:
                    self.show_take(scene, result)
            except Elsewhere as move:
                index = index if move.scene is None else move.scene
                why = move.why
                continue
            played[index] = result  # a scene played again: its claims checked afresh
            self.results = [played[i] for i in sorted(played)]
            index, why = index + 1, ""
        return self.results

    def play_scene(self, scene: Scene, number: int = 1, why: str = "") -> SceneResult:
        """The scene's steps from a clean state (a fresh workflow id), after saying `why` it
        plays now if the presenter chose it. The presenter may go back a panel within it;
        Elsewhere when the scene must play again, or another one."""
        self.play = play = ScenePlay.of(scene)
        result = play.result
        started = self.clock()
        if self.take is not None:
            self.take.cast.restart()
        self.narrator.scene(number, len(self.show.scenes), scene.title, why)
        if scene.needs_embedded_server and self.service.existing:
            self.narrator.info(
                f"[yellow]Skipped:[/] this scene controls the embedded dev server, and the talk "
                f"runs on the existing Temporal service at {escape(self.service.address)}."
            )
            return result
        index, step = 0, None
        steps = scene.steps
        try:
            self.keeper.prepare(scene, self._idle)
            while index < len(steps):
                step = steps[index]
                began = self.clock()
                self._at(number, index)
                self.narrator.at_step(
                    f"{scene.title} - step {index + 1}/{len(steps)} ({step.kind})"
                )
                try:
                    self._play(step)
                except Elsewhere as move:
                    if move.scene is not None or not move.back:
                        raise
                    index = self._back(steps, index)
                    continue
                result.step_seconds.append((step.describe(index + 1), self.clock() - began))
                index += 1
            completed = True
        except (StepFailed, DemoError) as failure:
            completed = False
            if isinstance(failure, DemoError) and not self.keeper.rides_out:
                raise  # Temporal that never started (a busy port...) ends the show: say why
            where = f"step {index + 1} ({step.kind})" if step else "before its first step"
            result.failure = f"{scene.title}, {where}: {failure}"
            self.narrator.failure(result.failure)
        finally:
            self._end_child()
            result.seconds = self.clock() - started
        if completed and result.held:
            self._keep_take(scene, result)
        return result

    def _play_offline(self) -> list[SceneResult]:
        """Every scene from its verified take, labelled; a scene without one fails, named."""
        self.results = []
        for number, scene in enumerate(self.show.scenes, 1):
            self.narrator.scene(number, len(self.show.scenes), scene.title, "offline")
            result = SceneResult(scene)
            self.show_take(scene, result)
            if result.shown_from is None:
                result.failure = f"{scene.title}: no verified take to show"
            self.results.append(result)
        return self.results

    def show_take(self, scene: Scene, result: SceneResult) -> None:
        """Show the scene's verified take in its place, labelled, at its own pace (scaled by
        --speed; a key moves on); the result says it was shown. A take that cannot be used
        is said, and not shown."""
        if self.takes is None:
            return
        try:
            take = self.takes.load(self.show, scene)
        except Refused as why:
            self.narrator.info(f"[yellow]Its take is not shown:[/] {escape(str(why))}")
            return
        if take is None:
            return
        self.narrator.info(
            f"[bold yellow]Replaying the verified recording of this scene from {take.when}[/]"
            " (not live)"
        )
        self.narrator.at_step(f"{scene.title} - the verified recording of {take.when}")
        player, started = Player(take), self.clock()
        try:
            while True:
                at = (self.clock() - started) * self.pacing.speed / take.speed
                if player.until(at):
                    self.narrator.replay(player.frame(), take.when)
                if at >= player.length or self._idle(0.05) == "next":
                    break
        finally:
            self.narrator.replay(None)
        result.shown_from = take.when

    def _keep_take(self, scene: Scene, result: SceneResult) -> None:
        """The scene verified: its recording becomes its take (a folder that cannot be
        written is said once, and the show goes on)."""
        if self.take is None or self.takes is None or self._takes_unwritable:
            return
        cast = self.take.cast
        try:
            self.takes.save(
                self.show, scene, cast.text(), cast.size, self.service.address, result.verdicts,
                self.pacing.speed,
            )  # fmt: skip
        except OSError as error:
            self._takes_unwritable = True
            self.narrator.info(
                f"[yellow]No take is kept:[/] {escape(str(self.takes.folder))} cannot be "
                f"written ({escape(error.strerror or str(error))})"
            )

    def _at(self, number: int, index: int) -> None:
        """A step begins: the notes screen is told; the notes are on the audience's screen
        only in rehearsal with no notes screen following."""
        scene, steps = self.play.scene, self.play.scene.steps
        step = steps[index]
        followed = self.publisher is not None and self.publisher.followed
        self.narrator.notes = self.pacing.rehearsal and not followed
        if index + 1 < len(steps):
            after = f"{index + 2}. {steps[index + 1].headline}"
        elif number < len(self.show.scenes):
            after = f"scene {number + 1}: {self.show.scenes[number].title}"
        else:
            after = "the end of the round"
        self._publish(
            scene=(number, len(self.show.scenes), scene.title),
            step=(index + 1, len(steps), step.headline),
            row=step.describe(index + 1),  # the rehearsal report's name for it: to plan by
            notes=step.notes,
            next=after,
            step_since=time.time(),
        )

    def _publish(self, **changes: object) -> None:
        if self.publisher is not None:
            self.publisher.publish(**changes)

    def _back(self, steps: tuple[Step, ...], index: int) -> int:
        """Where going back from step `index` leads: the previous panel, when only panels
        (and the like) lie between; else the scene plays again from its start."""
        previous = [i for i in range(index) if steps[i].panel]
        target = previous[-1] if previous else 0
        if all(step.shows_only for step in steps[target:index]) and steps[index].shows_only:
            return target
        raise Elsewhere(None, AGAIN)

    def close(self) -> None:
        """Stop the child program if one runs, and all it started (SIGTERM, then SIGKILL)."""
        if self.child is not None:
            self.child.stop(grace=0.5)
            self.child = None

    def _play(self, step: Step) -> None:
        """One step: what its kind does; its notes where the rehearsal shows them (a panel's
        after its panel)."""
        if not step.main:
            self.narrator.speaker_notes(step.notes)
        match step:
            case Narrate():
                self.narrator.narrate(step.title, step.body, step.notes)
                self.pacing.beat(step.hold, self._idle)
            case ShowCode():
                try:  # checked before the show, but the file may have changed since
                    text = step.text(self.talk)
                    lines, highlight = step.line_numbers(text)
                except Invalid as error:
                    raise StepFailed(f"{step.file}: {error}") from None
                title = step.title or step.file
                self.narrator.code(text, step.file, lines, highlight, title, step.notes)
                self.pacing.beat(step.hold, self._idle)
            case Ask():
                self.narrator.ask(step.question, step.notes)
                self.pacing.question(step.seconds, self._idle)
            case Pause():
                self.pacing.beat(step.seconds, self._idle)
            case Run():
                self._run(step)
            case Restart():
                self._restart()
            case WaitFor():
                self._wait_for(step)
            case Interrupt():
                self._interrupt(step)
            case Expect():
                self._note_child()  # still running: what it printed so far
                runs = self.play.result.runs
                verdicts = [claims.check(claim, runs) for claim in step.claims]
                wanted = (("output_has", step.output_has), ("output_lacks", step.output_lacks),
                          ("exit_status", step.exit_status))  # fmt: skip
                for kind, expected in wanted:
                    if expected not in ("", -1):
                        verdicts.append(claims.output_claim(kind, expected, runs))
                for verdict in verdicts:
                    self.play.result.verdicts.append(verdict)
                    self.narrator.verdict(verdict)
                    before = self.publisher.state.get("claims", []) if self.publisher else []
                    self._publish(claims=[*before, (verdict.held, verdict.claim)][-8:])
                self.pacing.beat(1, self._idle)
            case Summary():
                self.narrator.summary(step.title, summary_rows(self.results))
                self.narrator.speaker_notes(step.notes)
                self.pacing.beat(4, self._idle)
            case Server():
                self._server(step)
            case History():
                events = self.service.history(self.play.workflow_id)
                notes = history_notes(events, self.play.disrupted, self.play.resumed)
                self.narrator.history(step.title, events, notes)
                self.narrator.speaker_notes(step.notes)
                if url := self.service.workflow_url(self.play.workflow_id):
                    link = f"[link={url}]{escape(url)}[/link]"
                    self.narrator.info(f"The same workflow in the Web UI: {link}")
                self.pacing.beat(step.hold, self._idle)

    def _run(self, step: Run) -> None:
        self._end_child()
        limit = step.limit or self.show.limit
        interval = self.pacing.scaled(step.interval or self.show.interval)
        if step.command:
            self._run_command(step, limit, interval)
            return
        path = self.talk / step.program
        argv = [sys.executable, str(path), "--limit", str(limit), "--interval", f"{interval:g}"]
        env = None
        if step.durable:
            workflow_id = self.play.workflow_id
            argv += self.service.counter_args(workflow_id)
            env = self.service.child_env()
            if url := self.service.workflow_url(workflow_id):
                shown = escape(workflow_id)
                self.narrator.info(f"Workflow [bold]{shown}[/] [link={url}]{escape(url)}[/link]")
        label = step.label or shlex.join(["python", path.name])
        self.play.program = Program(argv, env, label, limit, interval)
        self._start_child(label)

    def _run_command(self, step: Run, limit: int, interval: float) -> None:
        """Any command, its placeholders filled in; titled as typed (`temporal workflow show
        --workflow-id counter-...`), with Temporal's settings in its environment."""
        values = {
            **LOCAL,
            "workflow_id": self.play.workflow_id,
            "limit": str(limit),
            "interval": f"{interval:g}",
            "talk": str(self.talk),
        }
        env = None
        if step.needs_temporal:
            values |= {"address": self.service.address, "namespace": self.service.namespace}
            env = self.service.child_env()
        argv = [part.format_map(values) for part in step.command]
        if found := which(argv[0], self.talk):  # checked before the show, but it may be gone
            argv[0] = found
        elif "/" in argv[0]:
            argv[0] = str(self.talk / argv[0])  # and it is said where it was looked for
        typed = {**values, "python": "python", "temporal": "temporal"}
        command = shlex.join(part.format_map(typed) for part in step.command)  # as a shell shows it
        label = step.label or command
        self.play.program = Program(argv, env, label, limit, interval)
        if step.type:
            self._type(command)
        self._start_child(label)

    def _type(self, command: str) -> None:
        """Show the command typed at a human pace (about 15 keys a second, scaled by
        --speed); a key finishes it at once."""
        try:
            for end in range(1, len(command) + 1):
                self.narrator.typing(command[:end])
                if self._idle(self.pacing.scaled(TYPING)) == "next":
                    break
        finally:
            self.narrator.typing(None)

    def _restart(self) -> None:
        self._end_child()
        self.play.resumed = datetime.now(UTC)
        self._start_child(f"{self._program.label} (again)")

    def _wait_for(self, step: WaitFor) -> None:
        child = self._running_child()
        timeout = step.timeout or 10 + 2 * self._program.limit * self._program.interval
        deadline = self.clock() + timeout
        if step.exit:
            what = "exit"
            done: Callable[[], bool] = lambda: not child.running  # noqa: E731
        elif step.number:
            what = f"print {step.number}"
            done = lambda: step.number in child.numbers  # noqa: E731
        else:
            what = f"print something matching {step.pattern!r}"
            done = lambda: _found(step.pattern, child)  # noqa: E731
        while not done():
            if not child.running:
                raise StepFailed(f"the program exited (status {child.status}) before it did {what}")
            if self.clock() > deadline:
                raise StepFailed(f"the program did not {what} within {timeout:g} s")
            self._idle(0.05)
        if step.exit:
            self._end_child()

    def _interrupt(self, step: Interrupt) -> None:
        child = self._running_child()
        self._idle(self.pacing.scaled(step.delay))
        if step.when_saved:
            self._until_saved(step.timeout)
        self.narrator.info(f"Sending [bold]{_SIGNALS[step.signal]}[/] to the program")
        child.send_signal(getattr(signal, step.signal))
        self.play.disrupted = datetime.now(UTC)
        run = self.play.last_run
        run.stopped_by = step.signal
        deadline = self.clock() + step.timeout
        while child.running and self.clock() < deadline:
            self._idle(0.05)
        if child.running:
            raise StepFailed(f"the program did not exit within {step.timeout:g} s of {step.signal}")
        run.cut = len(child.numbers)
        self._end_child()

    def _server(self, step: Server) -> None:
        if step.action == "kill":
            if step.when_saved:
                self._until_saved(5)
            if self.child is not None and self.child.running:
                self.child.read(0.05)
                self.play.last_run.cut = len(self.child.numbers)
            self.keeper.kill_server()
            self.play.disrupted = datetime.now(UTC)
            self.narrator.info("[bold red]Killed the Temporal dev server[/] (SIGKILL)")
        else:
            took = self.keeper.start_server_again()
            self.play.resumed = datetime.now(UTC)
            self.narrator.info(f"[bold green]Temporal is back[/] from its db file in {took:.1f} s")

    # --- helpers -----------------------------------------------------------------------

    @property
    def _program(self) -> Program:
        assert self.play.program is not None  # a scene's rules put a `run` step first
        return self.play.program

    def _until_saved(self, timeout: float) -> None:
        """Wait until Temporal has saved the step the durable program just printed."""
        deadline = self.clock() + timeout
        while not self.service.saved(self.play.workflow_id):
            if self.clock() > deadline:
                raise StepFailed(f"Temporal did not save the step within {timeout:g} s")
            self._idle(0.005)

    def _start_child(self, label: str) -> None:
        program = self._program
        child = self.spawn(program.argv, label, self.narrator.program_size, program.env, self.talk)
        child.watch(self.play.patterns)
        child.start()
        self.child = child
        self.play.result.runs.append(claims.Run(label, program.limit))
        self.narrator.program_started(child)

    def _end_child(self) -> None:
        """Stop the child if it still runs, record how it ended, show its final panel."""
        if self.child is None:
            return
        self.child.stop(grace=1.0)
        self._note_child()
        self.narrator.program_ended()
        self.child = None

    def _note_child(self) -> None:
        """The run of the child, if one is on stage, as it is now: its numbers, what it
        printed, its exit status (None while it runs)."""
        if self.child is not None:
            run = self.play.last_run
            run.numbers, run.printed = self.child.numbers, self.child.printed
            run.status = self.child.status

    def _running_child(self) -> ChildProcess:
        if self.child is None or not self.child.running:
            raise StepFailed("no program is running")
        return self.child

    def _idle(self, seconds: float) -> str | None:
        """Wait up to `seconds`, reading the child's output and the keys: "next" or None."""
        self.keeper.check()
        self._follow_resize()
        if self.child is not None and self.child.running:
            self.child.read(seconds)
            key = self.keys.read(0)
        else:
            key = self.keys.read(seconds)
        return self._heed(key)

    def _heed(self, key: str | None) -> str | None:
        """Do what a key asks: quit, go elsewhere, black the screen, show the keys. The key
        if it is for the step ("next"); None if it was done here or ignored.

        With no presenter (hands-free) only "next" and "quit" count; a key pressed while the
        screen is black or the keys are shown only brings the screen back."""
        if key == "quit":
            raise Quit
        screen = self.narrator.screen
        if key is None or (key == "next" and not (screen.blackout or screen.help)):
            return key
        if self.pacing.hands_free:
            return None
        if screen.blackout or screen.help:
            self.narrator.toggle("blackout" if screen.blackout else "help")
        elif key in ("blackout", "help"):
            self.narrator.toggle(key)
        elif key == "back":
            raise Elsewhere(None, AGAIN, back=True)
        elif key == "restart":
            raise Elsewhere(None, "again from its start, from a clean state")
        elif key.startswith("scene ") and (number := int(key[6:])) <= len(self.show.scenes):
            raise Elsewhere(number - 1, "jumped to, from a clean state")
        return None

    def _follow_resize(self) -> None:
        """The one resize path: the terminal's new size to the narration (and the recording
        it feeds), then to the running program's pty."""
        size = self.narrator.size
        if size != self._size:
            self._size = size
            self.narrator.resize(size)
            if self.child is not None:
                self.child.resize(self.narrator.program_size)
