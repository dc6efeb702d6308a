"""Fakes for the fast layer: a clock that moves only when the show waits, counters that count
in that time, keys pressed on cue, and a Temporal service that is only a record."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from director.narration import Narrator


class Clock:
    """Time that passes only when something waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Keys:
    """Keys pressed on cue: `presses[n]` is read at the n-th read (from 1); time passes."""

    def __init__(self, clock: Clock, presses: dict[int, str] | None = None) -> None:
        self.clock = clock
        self.presses = presses or {}
        self.reads = 0

    def read(self, timeout: float) -> str | None:
        self.reads += 1
        self.clock.now += timeout
        return self.presses.get(self.reads)


class Counters:
    """Spawns fake counter programs: each prints its next number once per interval of the
    fake clock. A durable one (given a --workflow-id) carries on where its workflow stopped."""

    def __init__(self, clock: Clock, hang: bool = False) -> None:
        self.clock = clock
        self.hang = hang  # the programs ignore signals and never finish
        self.saved: dict[str, int] = {}  # workflow id -> last number printed
        self.spawned: list[FakeChild] = []

    def __call__(
        self,
        argv: list[str],
        label: str,
        size: tuple[int, int],
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> FakeChild:
        child = FakeChild(self, argv, label, size, env, cwd)
        self.spawned.append(child)
        return child


class FakeChild:
    """One fake counter: what ChildProcess offers the stage."""

    def __init__(
        self,
        counters: Counters,
        argv: list[str],
        label: str,
        size: tuple[int, int],
        env: dict[str, str] | None,
        cwd: Path | None,
    ) -> None:
        self.counters = counters
        self.argv = argv
        self.label = label
        self.size = size
        self.env = env
        self.cwd = cwd
        self.limit = int(argv[argv.index("--limit") + 1])
        self.interval = float(argv[argv.index("--interval") + 1])
        self.workflow = argv[argv.index("--workflow-id") + 1] if "--workflow-id" in argv else None
        self.output = ""
        self.status: int | None = None
        self.started = False
        self.signals: list[int] = []
        self._next_at = 0.0

    @property
    def numbers(self) -> list[int]:
        return [int(line) for line in self.output.split()]

    @property
    def running(self) -> bool:
        return self.started and self.status is None

    def start(self) -> None:
        self.started = True
        self._next_at = self.counters.clock.now + 0.01

    def read(self, timeout: float) -> str:
        clock = self.counters.clock
        clock.now += timeout
        if not self.running or clock.now < self._next_at:
            return ""
        if self.counters.hang and self.numbers:
            return ""
        done = self.counters.saved.get(self.workflow, 0) if self.workflow else len(self.numbers)
        number = done + 1
        self.output += f"{number}\r\n"
        if self.workflow:
            self.counters.saved[self.workflow] = number
        self._next_at = clock.now + self.interval
        if number >= self.limit:
            self.status = 0
        return f"{number}\r\n"

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size

    def send_signal(self, sig: int) -> None:
        self.signals.append(sig)
        if not self.counters.hang and self.running:
            self.status = 128 + sig if sig == 9 else 130

    def stop(self, grace: float = 1.0) -> None:
        if self.running:
            self.send_signal(2)
            if self.running:
                self.status = 137


class FakeServer:
    def __init__(self) -> None:
        self.process: object | None = None
        self.alive = False
        self.ui_url = None
        self.kills = 0
        self.fault: str | None = None
        self.afreshes = 0

    @property
    def running(self) -> bool:
        return self.alive

    def kill(self) -> None:
        self.kills += 1
        self.alive = False

    def storage_fault(self) -> str | None:
        return self.fault if self.alive else None

    def afresh(self) -> None:
        self.afreshes += 1
        self.alive, self.fault = False, None


class FakeService:
    """The embedded dev server (or, `existing`, someone's service) as a record of calls."""

    def __init__(self, existing: bool = False) -> None:
        self.existing = existing
        self.server = None if existing else FakeServer()
        self.address = "localhost:7233"
        self.namespace = "default"
        self.starts = 0
        self.answering: list[bool] = []  # answers() pops from here; True once empty
        self.trimmed = False
        self.events: list[tuple[int, str, datetime]] = [
            (1, "WorkflowExecutionStarted", datetime(2026, 11, 25, tzinfo=UTC))
        ]

    @property
    def ready(self) -> bool:
        return self.server is None or self.server.running

    def start(self) -> float:
        self.starts += 1
        if self.server:
            self.server.process = object()
            self.server.alive = True
        return 0.25

    def answers(self) -> bool:
        return self.answering.pop(0) if self.answering else True

    def saved(self, workflow_id: str) -> bool:
        return True

    def history(self, workflow_id: str) -> list[tuple[int, str, datetime]]:
        return self.events

    def trim(self, max_bytes: int) -> bool:
        return self.trimmed

    def counter_args(self, workflow_id: str) -> list[str]:
        return ["--workflow-id", workflow_id, "--address", self.address]

    def child_env(self) -> dict[str, str]:
        return {"TEMPORAL_PROFILE": "test"}

    def workflow_url(self, workflow_id: str) -> str | None:
        return None


def narrator(width: int = 100) -> Narrator:
    """A Narrator drawing into a fixed-width console that is not a terminal."""
    return Narrator(Console(file=io.StringIO(), width=width, height=30, color_system=None))


def said(narrator: Narrator) -> str:
    """Everything the narrator printed."""
    return narrator.console.file.getvalue()  # type: ignore[attr-defined]


TALK = Path("/talk")
