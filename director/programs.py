"""A program on stage through its life: what starts it (and again), its process while it runs,
and the record of each run that the claims are checked against."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from director import claims
from director.errors import StepFailed
from director.processes import ChildProcess

Spawn = Callable[..., ChildProcess]
"""Makes the process of a program: ChildProcess, or a fake of it."""


class Program:
    """One program of a scene: its command, its process (while one runs) and its runs.

    Everything about it is here, none of it in the stage: a scene may run several."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str] | None,
        label: str,
        limit: int,
        interval: float,
        cwd: Path,
        patterns: list[str],
    ) -> None:
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

    def start(self, spawn: Spawn, label: str, size: tuple[int, int]) -> claims.Run:
        """Start it (again) in a pty of `size`, titled `label`; the new run's record.
        StepFailed if it cannot be started."""
        child = spawn(self.argv, label, size, self.env, self.cwd)
        child.watch(self.patterns)
        child.start()
        self.child = child
        self.run = claims.Run(label, self.limit)
        return self.run

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.running

    def running_child(self) -> ChildProcess:
        """Its process; StepFailed if it does not run."""
        if self.child is None or not self.child.running:
            raise StepFailed("no program is running")
        return self.child

    def read(self, timeout: float) -> None:
        """Wait up to `timeout` s for its output."""
        if self.child is not None:
            self.child.read(timeout)

    def resize(self, size: tuple[int, int]) -> None:
        if self.child is not None:
            self.child.resize(size)

    def note(self) -> None:
        """Its run as it is now: its numbers, what it printed, its exit status (None while it
        runs)."""
        if self.child is not None and self.run is not None:
            run, child = self.run, self.child
            run.numbers, run.printed, run.status = child.numbers, child.printed, child.status

    def end(self, grace: float = 1.0) -> bool:
        """Stop it if it still runs (and all it started), its run noted; whether it was on
        stage."""
        if self.child is None:
            return False
        self.child.stop(grace=grace)
        self.note()
        self.child = None
        return True
