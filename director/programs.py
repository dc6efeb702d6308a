"""A scene while it plays, and each of its programs through its life: what starts it (and
again), its process while it runs, and the record of each run the claims are checked against."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from director import claims
from director.claims import COUNTING
from director.errors import StepFailed
from director.following import Follower
from director.processes import ChildProcess
from director.results import SceneResult
from director.step_base import THE_PROGRAM
from director.steps import Expect, WaitFor

if TYPE_CHECKING:  # scenes imports plays, which import this
    from director.scenes import Scene

Spawn = Callable[..., ChildProcess]
"""Makes the process of a program: ChildProcess, or a fake of it."""


class Program:
    """One program of a scene: its command, its process (while one runs) and its runs.

    Everything about it is here, none of it in the stage: a scene may run several."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None,
        label: str,
        limit: int,
        interval: float,
        cwd: Path,
        patterns: list[str],
        expects: int = 0,
        looks: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        """What the scene's steps call it (THE_PROGRAM where they need not say)."""
        self.argv = argv
        self.env = env
        self.label = label
        """Its region's title."""
        self.limit = limit
        self.interval = interval
        self.cwd = cwd
        self.patterns = patterns
        """What the scene looks for in its output, looked for as it comes."""
        self.child: ChildProcess | None = None
        """Its process, while it is on stage."""
        self.run: claims.Run | None = None
        """Its last run's record, as it is now."""
        self.expects = expects
        """The rows it is expected to print (a counter's limit; 0: not known), for its region."""
        self.looks = looks
        """Where the claims look in its output: the row of the first match is kept in view."""

    def start(self, spawn: Spawn, label: str, size: tuple[int, int]) -> claims.Run:
        """Start it (again) in a pty of `size`, titled `label`; the new run's record.
        StepFailed if it cannot be started."""
        child = spawn(self.argv, label, size, self.env, self.cwd)
        child.watch(self.patterns)
        child.start()
        self.child = child
        self.run = claims.Run(label, self.limit, program=self.name)
        return self.run

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.running

    def running_child(self) -> ChildProcess:
        """Its process; StepFailed if it does not run."""
        if self.child is None or not self.child.running:
            raise StepFailed(f"{self.said} is not running")
        return self.child

    @property
    def said(self) -> str:
        """How a message names it: "the program", or its name."""
        return "the program" if self.name == THE_PROGRAM else self.name

    def read(self, timeout: float) -> None:
        """Wait up to `timeout` s for its output."""
        if self.child is not None:
            self.child.read(timeout)

    def resize(self, size: tuple[int, int]) -> None:
        if self.child is not None:
            self.child.resize(size)

    def note(self) -> None:
        """Its run as it is now: its numbers, what it printed (all it wrote so far), its exit
        status (None while it runs)."""
        if self.child is not None and self.run is not None:
            run, child = self.run, self.child
            child.drain()  # written before now, still in its terminal
            run.numbers, run.printed, run.status = child.numbers, child.printed, child.status

    def cut(self) -> None:
        """Its run was disrupted here: the numbers it printed so far are before the cut."""
        if self.child is not None and self.run is not None:
            self.child.drain()
            self.run.cut = len(self.child.numbers)

    def end(self, grace: float = 1.0) -> bool:
        """Stop it if it still runs (and all it started), its run noted; whether it was on
        stage."""
        if self.child is None:
            return False
        self.child.stop(grace=grace)
        self.note()
        self.child = None
        return True


@dataclass
class ScenePlay:
    """One scene while it plays: its workflow, its programs, its moments, what it showed."""

    scene: Scene
    result: SceneResult
    workflow_id: str
    programs: dict[str, Program] = field(default_factory=dict)
    """Its programs by name, each with all it knows of its runs (THE_PROGRAM unless named)."""
    current: str = THE_PROGRAM
    """The program the last run step started: the one a step that names none is about."""
    disrupted: datetime | None = None
    resumed: datetime | None = None
    follower: Follower | None = None
    """Its workflow's history followed as Temporal writes it, for the live pane."""
    announced: bool = False
    """Whether its workflow's id and link were said (at its first durable program)."""

    @classmethod
    def of(cls, scene: Scene) -> ScenePlay:
        return cls(scene, SceneResult(scene), f"counter-{scene.name}-{uuid.uuid4().hex[:8]}")

    def program(self, name: str) -> Program:
        """The program a step names ("": the one the last run step started); StepFailed if
        none of that name was started (a scene's rules put its run step first)."""
        if (program := self.programs.get(name or self.current)) is None:
            raise StepFailed(f"no program {name or self.current!r} was started")
        return program

    def runs_of(self, name: str) -> list[claims.Run]:
        """The runs of the program a step names, in order."""
        wanted = name or self.current
        return [run for run in self.result.runs if run.program == wanted]

    def counts(self, name: str) -> bool:
        """Whether the scene's steps treat the program called `name` as a counter: they wait
        for a number it prints, or claim something of its numbers (its pane is then sized
        for its whole count from the start)."""
        current, counted = THE_PROGRAM, set()
        for step in self.scene.steps:
            if step.kind == "run":
                current = step.name or THE_PROGRAM
            elif isinstance(step, WaitFor | Expect):
                numbers = step.number if isinstance(step, WaitFor) else set(step.claims) & COUNTING
                if numbers:
                    counted.add(step.name or current)
        return name in counted

    @property
    def patterns(self) -> list[str]:
        """What the scene looks for in its programs' output, looked for as it comes."""
        found = [(s.pattern,) if isinstance(s, WaitFor) else (s.output_has, s.output_lacks)
                 for s in self.scene.steps if isinstance(s, WaitFor | Expect)]  # fmt: skip
        return [pattern for patterns in found for pattern in patterns if pattern]

    @property
    def looks(self) -> tuple[str, ...]:
        """Where the scene's claims look in a program's output (what it waits for, what it
        must print), in the order of its steps: the first match is kept in view."""
        found = [s.pattern if isinstance(s, WaitFor) else s.output_has
                 for s in self.scene.steps if isinstance(s, WaitFor | Expect)]  # fmt: skip
        return tuple(pattern for pattern in found if pattern)
