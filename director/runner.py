"""The step runner: plays a round of scenes step by step and records what the programs printed."""

from __future__ import annotations

import gc
import math
import re
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from director import ROOT
from director.claims import Run, Tally, Verdict, check, tally
from director.errors import DemoError
from director.keys import Keys
from director.narration import Narrator
from director.processes import ChildProcess
from director.scenes import Scene, Show, Step
from director.temporal import Service


class Quit(Exception):
    """The presenter pressed q."""


class StepFailed(Exception):
    """A step could not do what it says; the scene stops and the round goes on."""


@dataclass
class SceneResult:
    """What one scene showed: its runs, its claims' verdicts, a failure, its timings."""

    scene: Scene
    runs: list[Run] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    failure: str | None = None
    step_seconds: list[tuple[str, float]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def held(self) -> bool:
        return self.failure is None and all(v.held for v in self.verdicts)

    @property
    def tally(self) -> Tally:
        return tally(self.runs)


class Stage:
    """Plays scenes: one child program at a time, the service started before it is needed."""

    def __init__(
        self,
        show: Show,
        narrator: Narrator,
        keys: Keys,
        service: Service,
        mode: str,
        speed: float,
        db_limit: int = 0,
    ) -> None:
        self.show = show
        self.narrator = narrator
        self.keys = keys
        self.service = service
        self.mode = mode
        self.speed = speed
        self.db_limit = db_limit  # bytes; 0 = no limit
        self.child: ChildProcess | None = None
        self.results: list[SceneResult] = []
        self._argv: list[str] = []
        self._env: dict[str, str] | None = None
        self._clock = 0.0
        self._watch_server = False
        self._had_service = False  # once it ran, a kiosk rides out its later failures
        self._where = ""
        self._footer_extra = ""

    # --- rounds and scenes -------------------------------------------------------------

    def play_round(self, number: int) -> list[SceneResult]:
        """Every scene once, each from a clean state; the results, also kept in `results`."""
        self.results = []
        if self.db_limit and self.service.trim(self.db_limit):
            self.narrator.info("The dev server's db file outgrew its limit: starting afresh")
        for scene in self.show.scenes:
            result = self.play_scene(scene)
            server = self.service.server
            if result.failure and scene.needs_temporal and server and not server.running:
                self.narrator.info("The Temporal dev server died: starting it again, same scene")
                result = self.play_scene(scene)
            self.results.append(result)
        gc.collect()  # Temporal clients caught in reference cycles let go of their sockets now
        return self.results

    def play_scene(self, scene: Scene) -> SceneResult:
        result = SceneResult(scene)
        self._result = result
        started = time.monotonic()
        self.narrator.say(f"\n[bold reverse] {scene.title} [/]\n")
        self.narrator.marker(f"Scene: {scene.title}")
        self._workflow_id = f"counter-{scene.name}-{uuid.uuid4().hex[:8]}"
        self._disrupted: datetime | None = None
        self._watch_server = scene.needs_temporal
        self._resumed: datetime | None = None
        if scene.needs_embedded_server and self.service.existing:
            self.narrator.info(
                f"[yellow]Skipped:[/] this scene controls the embedded dev server, and the talk "
                f"runs on the existing Temporal service at {self.service.address}."
            )
            return result
        step: Step | None = None
        try:
            if scene.needs_temporal:
                self._await_service()
            for step in scene.steps:
                self._clock = time.monotonic()
                self._footer(scene, step)
                getattr(self, f"_{step.kind}")(step)
                result.step_seconds.append((_describe(step), time.monotonic() - self._clock))
        except (StepFailed, DemoError) as failure:
            if isinstance(failure, DemoError) and not (self.mode == "auto" and self._had_service):
                raise  # Temporal that never started (a busy port...) ends the show: say why
            where = f"step {step.number} ({step.kind})" if step else "before its first step"
            result.failure = f"{scene.title}, {where}: {failure}"
            self.narrator.failure(result.failure)
        finally:
            self._end_child()
            result.seconds = time.monotonic() - started
        return result

    def close(self) -> None:
        """Stop the child program if one runs (SIGINT, SIGTERM, SIGKILL)."""
        if self.child is not None:
            self.child.stop(grace=0.5)
            self.child = None

    # --- the step kinds ----------------------------------------------------------------

    def _narrate(self, step: Step) -> None:
        self.narrator.narrate(step["title"], step["body"], step["notes"])
        self._beat(step["hold"])

    def _show_code(self, step: Step) -> None:
        path = ROOT / step["file"]
        title = step["title"] or step["file"]
        self.narrator.code(path, step["lines"], step["highlight"], title, step["notes"])
        self._beat(step["hold"])

    def _ask(self, step: Step) -> None:
        self.narrator.ask(step["question"], step["notes"])
        if self.mode != "auto":
            self._wait_for_key()
            return
        deadline = time.monotonic() + step["seconds"] / self.speed
        while (left := deadline - time.monotonic()) > 0:
            countdown = f"[yellow]Think about it... {math.ceil(left)} s[/]"
            self.narrator.set_footer(countdown, spinner=True)
            if self._idle(min(left, 0.25)) == "next":
                break

    def _pause(self, step: Step) -> None:
        self._beat(step["seconds"])

    def _run(self, step: Step) -> None:
        self._end_child()
        limit = step["limit"] or self.show.limit
        interval = (step["interval"] or self.show.interval) / self.speed
        program = ROOT / step["program"]
        argv = [sys.executable, str(program), "--limit", str(limit), "--interval", f"{interval:g}"]
        if step["durable"]:
            argv += self.service.counter_args(self._workflow_id)
            if url := self.service.workflow_url(self._workflow_id):
                self.narrator.info(
                    f"Workflow [bold]{self._workflow_id}[/] [link={url}]{url}[/link]"
                )
        self._argv = argv
        self._env = self.service.child_env() if step["durable"] else None
        self._label = step["label"] or f"python {program.name}"
        self._limit = limit
        self._interval = interval
        self._start_child(self._label)

    def _restart(self, step: Step) -> None:
        self._end_child()
        self._resumed = datetime.now(UTC)
        self._start_child(f"{self._label}  (again)")

    def _wait_for(self, step: Step) -> None:
        child = self._running_child()
        timeout = step["timeout"] or 10 + 2 * self._limit * self._interval
        deadline = time.monotonic() + timeout
        if step["exit"]:
            what = "exit"
            done = lambda: not child.running  # noqa: E731
        elif step["number"]:
            what = f"print {step['number']}"
            done = lambda: step["number"] in child.numbers  # noqa: E731
        else:
            what = f"print something matching {step['pattern']!r}"
            done = lambda: re.search(step["pattern"], child.output) is not None  # noqa: E731
        while not done():
            if not child.running:
                raise StepFailed(f"the program exited (status {child.status}) before it did {what}")
            if time.monotonic() > deadline:
                raise StepFailed(f"the program did not {what} within {timeout:g} s")
            self._idle(0.05)
        if step["exit"]:
            self._end_child()

    def _interrupt(self, step: Step) -> None:
        child = self._running_child()
        self._idle(step["delay"] / self.speed)
        if step["when_saved"]:
            self._until_saved(step["timeout"])
        name = step["signal"]
        self.narrator.info(f"Sending [bold]{_KEYS.get(name, name)}[/] to the program")
        child.send_signal(getattr(signal, name))
        self._disrupted = datetime.now(UTC)
        run = self._run_record()
        run.stopped_by = name
        deadline = time.monotonic() + step["timeout"]
        while child.running and time.monotonic() < deadline:
            self._idle(0.05)
        if child.running:
            raise StepFailed(f"the program did not exit within {step['timeout']:g} s of {name}")
        run.cut = len(child.numbers)
        self._end_child()

    def _expect(self, step: Step) -> None:
        runs = self._result.runs
        for claim in step["claims"]:
            verdict = check(claim, runs)
            self._result.verdicts.append(verdict)
            self.narrator.verdict(verdict)
        self._beat(1)

    def _summary(self, step: Step) -> None:
        rows = [
            (r.scene.title, r.tally, r.verdicts, r.failure)
            for r in self.results
            if r.runs or r.failure
        ]
        self.narrator.summary(step["title"], rows)
        self._beat(4)

    def _server(self, step: Step) -> None:
        server = self.service.server
        assert server is not None  # scenes with a server step are skipped otherwise
        if step["action"] == "kill":
            if step["when_saved"]:
                self._until_saved(5)
            if self.child is not None and self.child.running:
                self.child.read(0.05)
                self._run_record().cut = len(self.child.numbers)
            self._watch_server = False  # this death is the scene's own doing
            server.kill()
            self._disrupted = datetime.now(UTC)
            self.narrator.info("[bold red]Killed the Temporal dev server[/] (SIGKILL)")
        else:
            self.narrator.set_footer("Starting the Temporal dev server again...", spinner=True)
            took = self.service.start()
            self._resumed = datetime.now(UTC)
            self._watch_server = True
            self.narrator.info(f"[bold green]Temporal is back[/] from its db file in {took:.1f} s")

    def _history(self, step: Step) -> None:
        events = self.service.history(self._workflow_id)
        notes = _history_notes(events, self._disrupted, self._resumed)
        self.narrator.history(step["title"], events, notes)
        if url := self.service.workflow_url(self._workflow_id):
            self.narrator.info(f"The same workflow in the Web UI: [link={url}]{url}[/link]")
        self._beat(step["hold"])

    # --- helpers -----------------------------------------------------------------------

    def _until_saved(self, timeout: float) -> None:
        """Wait until Temporal has saved the step the durable program just printed."""
        deadline = time.monotonic() + timeout
        while not self.service.saved(self._workflow_id):
            if time.monotonic() > deadline:
                raise StepFailed(f"Temporal did not save the step within {timeout:g} s")
            self._idle(0.005)

    def _await_service(self) -> None:
        """Start the dev server if it is down; hands-free, wait calmly for an existing service."""
        if not self.service.ready:
            self._start_service()
        elif self.service.existing and self.mode == "auto":
            delay = 1.0
            while not self.service.answers():
                self.narrator.set_footer(
                    f"[yellow]Temporal at {self.service.address} does not answer: "
                    f"trying again in {delay:.0f} s[/]",
                    spinner=True,
                )
                self._idle(delay)
                delay = min(delay * 2, 30.0)

    def _start_service(self) -> None:
        what = "the Temporal dev server" if self.service.server else "Temporal"
        self.narrator.set_footer(f"Starting {what}...", spinner=True)
        took = self.service.start()
        self._had_service = True
        where = f"[bold]{self.service.address}[/]"
        ui = self.service.server.ui_url if self.service.server else None
        link = f" - Web UI [link={ui}]{ui}[/link]" if ui else ""
        self.narrator.info(f"Temporal ready at {where} in {took:.1f} s{link}")

    def _start_child(self, label: str) -> None:
        size = (CHILD_PTY_ROWS, self.narrator.child_columns)
        child = ChildProcess(self._argv, label, size, self._env)
        child.start()
        self.child = child
        self._result.runs.append(Run(label, self._limit))
        self.narrator.child_started(child)

    def _end_child(self) -> None:
        """Stop the child if it still runs, record how it ended, print its final panel."""
        if self.child is None:
            return
        self.child.stop(grace=1.0)
        run = self._run_record()
        run.numbers = self.child.numbers
        run.status = self.child.status
        self.narrator.child_ended()
        self.child = None

    def _run_record(self) -> Run:
        return self._result.runs[-1]

    def _running_child(self) -> ChildProcess:
        if self.child is None or not self.child.running:
            raise StepFailed("no program is running")
        return self.child

    def _beat(self, seconds: float) -> None:
        """Hold the screen: a key press when presenting, `seconds` (scaled) hands-free."""
        if self.mode != "auto":
            self._wait_for_key()
            return
        deadline = time.monotonic() + seconds / self.speed
        while (left := deadline - time.monotonic()) > 0:
            if self._idle(min(left, 0.25)) == "next":
                return

    def _wait_for_key(self) -> None:
        self._footer_extra = "[bold]Space[/] next  [bold]q[/] quit"
        self.narrator.set_footer(self._footer_text())
        while self._idle(0.25) != "next":
            pass
        self._footer_extra = ""

    def _idle(self, seconds: float) -> str | None:
        """Wait up to `seconds`: read the child's output and the keys; 'next' or None."""
        if self._watch_server and self.service.server and not self.service.server.running:
            raise StepFailed("the Temporal dev server died")
        if self.mode == "rehearse":
            self.narrator.set_footer(self._footer_text())  # the step's running clock
        if self.narrator.resized() and self.child is not None:
            self.child.resize((CHILD_PTY_ROWS, self.narrator.child_columns))
        if self.child is not None and self.child.running:
            self.child.read(seconds)
            key = self.keys.read(0)
        else:
            key = self.keys.read(seconds)
        if key == "quit":
            raise Quit
        return key

    def _footer(self, scene: Scene, step: Step) -> None:
        self._where = f"{scene.title} - step {step.number}/{len(scene.steps)} ({step.kind})"
        self.narrator.set_footer(self._footer_text())

    def _footer_text(self) -> str:
        text = self._where
        if self.mode == "rehearse":
            text += f"  [magenta]{time.monotonic() - self._clock:5.1f} s[/]"
        return f"{text}   {self._footer_extra}" if self._footer_extra else text


CHILD_PTY_ROWS = 24
_KEYS = {"SIGINT": "Ctrl-C (SIGINT)", "SIGKILL": "kill -9 (SIGKILL)", "SIGTERM": "SIGTERM"}


def _history_notes(
    events: list[tuple[int, str, datetime]], disrupted: datetime | None, resumed: datetime | None
) -> dict[int, str]:
    """Event id -> why it matters: the timer saved before the stop, and what came after."""
    if disrupted is None:
        return {}
    notes = {}
    fired = [e for e in events if e[1] == "TimerFired" and e[2] > disrupted]
    if fired:
        started = [e for e in events if e[1] == "TimerStarted" and e[0] < fired[0][0]]
        if started:
            notes[started[-1][0]] = "the timer, saved in Temporal as the program stopped"
        notes[fired[0][0]] = "fired while nothing was counting"
    back = resumed or disrupted
    picked = [e for e in events if e[1] == "WorkflowTaskStarted" and e[2] > back]
    if picked:
        notes[picked[0][0]] = "a new worker: replays the history, carries on"
    return notes


def _describe(step: Step) -> str:
    """A step in a line, for the rehearsal report."""
    detail = {
        "narrate": step.fields.get("title"),
        "show_code": step.fields.get("file"),
        "ask": step.fields.get("question"),
        "run": step.fields.get("program"),
        "wait_for": step.fields.get("number") or step.fields.get("pattern") or "exit",
        "interrupt": step.fields.get("signal"),
        "expect": ", ".join(step.fields.get("claims", [])),
    }.get(step.kind)
    return f"{step.number}. {step.kind}" + (f": {detail}" if detail else "")
