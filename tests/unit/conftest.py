"""Fakes for the fast layer: a clock that moves only when the show waits, counters that count
in that time, keys pressed on cue, a Temporal service that is only a record, and a stage
(Rig) played among them; then what the other files share (screens, casts, takes, steps,
talks)."""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

import director
from director import cli
from director.claims import Printed, Verdict
from director.fields import Invalid, build
from director.keys import PRESSES, Press
from director.layouts import LAYOUTS, LayoutKind
from director.narration import Narrator
from director.pacing import HandsFree, Pacing
from director.program_steps import Run
from director.record import Record, Recorded
from director.recording import Cast
from director.runner import Stage
from director.scenes import Scene, Show
from director.step_base import Context
from director.steps import Narrate, Pause, Step
from director.supervision import Keeper
from director.takes import SafetyNet
from director.terminal import Terminal


class Clock:
    """Time that passes only when something waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Keys:
    """Keys pressed on cue: `presses[n]` is read at the n-th read (from 1), named as on the
    notes screen's wire ("next", "scene 2"); time passes."""

    def __init__(self, clock: Clock, presses: dict[int, str] | None = None) -> None:
        self.clock = clock
        self.presses = presses or {}
        self.reads = 0

    def read(self, timeout: float) -> Press | None:
        self.reads += 1
        self.clock.now += timeout
        pressed = self.presses.get(self.reads)
        return PRESSES[pressed] if pressed else None


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
        self.printed = Printed()
        self.terminal = Terminal(size[1], size[0])
        self.status: int | None = None
        self.started = False
        self.signals: list[int] = []
        self._next_at = 0.0

    @property
    def numbers(self) -> list[int]:
        return self.printed.numbers

    def watch(self, patterns: list[str]) -> None:
        self.printed.watch(patterns)

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
        self.printed.add(f"{number}\r\n")
        self.terminal.write(f"{number}\r\n")
        if self.workflow:
            self.counters.saved[self.workflow] = number
        self._next_at = clock.now + self.interval
        if number >= self.limit:
            self.status = 0
        return f"{number}\r\n"

    def drain(self) -> None:
        """Nothing waits: it prints only as it is read."""

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


class FakeService:
    """The embedded dev server (or, `existing`, someone's service, not the show's to control)
    as a record of calls: what a Service offers the keeper and the stage."""

    def __init__(self, existing: bool = False) -> None:
        self.controllable = not existing
        self.address = "localhost:7233"
        self.namespace = "default"
        self.ignored: list[str] = []
        self.ui_url = None
        self.starts = 0
        self.alive = False  # the dev server runs: started, and neither killed nor dead since
        self.kills = 0
        self.fault: str | None = None  # what storage_fault() says while it runs
        self.afreshes = 0
        self.answering: list[bool] = []  # answers() pops from here; True once empty
        self.trimmed = False
        self.closed = False
        self.events: list[tuple[int, str, datetime]] = [
            (1, "WorkflowExecutionStarted", datetime(2026, 11, 25, tzinfo=UTC))
        ]

    @property
    def ready(self) -> bool:
        return not self.controllable or self.alive

    def start(self) -> float:
        self.starts += 1
        self.alive = self.controllable
        return 0.25

    def answers(self) -> bool:
        return self.answering.pop(0) if self.answering else True

    @property
    def died(self) -> bool:
        return self.controllable and self.starts > 0 and not self.alive

    def storage_fault(self) -> str | None:
        return self.fault if self.alive else None

    def trim(self, max_bytes: int) -> bool:
        return self.trimmed

    def afresh(self) -> None:
        assert self.controllable, "an existing service is never started afresh"
        self.afreshes += 1
        self.alive, self.fault = False, None

    def kill(self) -> None:
        assert self.controllable, "an existing service is never killed"
        self.kills += 1
        self.alive = False

    def saved(self, workflow_id: str) -> bool:
        return True

    def history(self, workflow_id: str) -> list[tuple[int, str, datetime]]:
        return self.events

    def record(self, workflow_id: str) -> Record:
        return Record(workflow_id, [Recorded(*event) for event in self.events], "{}")

    def client_config(self) -> dict[str, str]:
        return {"target_host": self.address, "namespace": self.namespace}

    def counter_args(self, workflow_id: str) -> list[str]:
        return ["--workflow-id", workflow_id, "--address", self.address]

    def child_env(self) -> dict[str, str]:
        return {"TEMPORAL_PROFILE": "test"}

    def workflow_url(self, workflow_id: str) -> str | None:
        return None

    def close(self) -> None:
        self.closed = True


def narrator(width: int = 100, layout: LayoutKind = LAYOUTS["scroll"]) -> Narrator:
    """A Narrator drawing into a fixed-width console that is not a terminal."""
    console = Console(file=io.StringIO(), width=width, height=30, color_system=None)
    return Narrator(console, layout=layout)


def said(narrator: Narrator) -> str:
    """Everything the narrator printed."""
    return narrator.console.file.getvalue()  # type: ignore[attr-defined]


TALK = Path("/talk")


# --- A stage: the fakes above around it, ready to play scenes ---


class Rig:
    """A stage with fakes around it, ready to play scenes."""

    def __init__(
        self,
        *scenes: Scene,
        mode: type[Pacing] = HandsFree,
        presses: dict[int, str] | None = None,
        existing: bool = False,
        hang: bool = False,
        layout: LayoutKind = LAYOUTS["scroll"],
        talk: Path = TALK,
    ) -> None:
        self.clock = Clock()
        self.keys = Keys(self.clock, presses)
        self.counters = Counters(self.clock, hang=hang)
        self.service = FakeService(existing)
        self.narrator = narrator(layout=layout)
        self.pacing = mode(self.narrator, 1.0, self.clock)
        self.keeper = Keeper(self.service, self.narrator, self.pacing)  # type: ignore[arg-type]
        show = Show("Talk", scenes, limit=10, interval=1.0, talk=talk)
        net = SafetyNet(None, None, self.narrator, self.clock)
        self.stage = Stage(
            show, self.narrator, self.keys, self.keeper, self.pacing, net,  # type: ignore[arg-type]
            spawn=self.counters, clock=self.clock,
        )  # fmt: skip

    def said(self) -> str:
        return said(self.narrator)


def scene(*steps: Step, name: str = "scene") -> Scene:
    return Scene(name, name.title(), Path(f"{name}.toml"), steps)


# --- The screen: a program as its panel reads it, consoles of a fixed size, the stage ---


@dataclass
class Program:
    """Stands for a ChildProcess: what the program panel reads of one."""

    label: str = "python start-execution.py"
    output: str = ""
    running: bool = True
    status: int | None = None
    size: tuple[int, int] = (24, 76)

    @property
    def terminal(self) -> Terminal:
        terminal = Terminal(self.size[1], self.size[0])
        terminal.write(self.output)
        return terminal

    @property
    def numbers(self) -> list[int]:
        return Printed.of(self.output).numbers


def console(width: int = 60) -> Console:
    return Console(file=io.StringIO(), width=width, height=20, color_system=None)


def text(target: Console) -> str:
    return target.file.getvalue()  # type: ignore[attr-defined]


def stage(width: int, height: int) -> tuple[Narrator, Console]:
    """A narrator on the stage layout, and a console of that size to draw it in."""
    target = Console(file=io.StringIO(), width=width, height=height, color_system=None)
    narrator = Narrator(target, layout=LAYOUTS["stage"])
    narrator.talk("Durable execution, live")
    narrator.scene(2, 6, "With Temporal")
    return narrator, target


# --- A recording: what the outputs made from it (formats, videos, the page) are tried on ---

CAST = "\n".join(
    json.dumps(line, ensure_ascii=False)
    for line in [
        {"version": 2, "width": 100, "height": 30, "timestamp": 0, "title": "Talk </script>"},
        [0.01, "m", "Scene: Before Temporal"],
        [0.5, "o", "\x1b[1mBefore Temporal\x1b[0m\r\n"],
        [3.2, "m", "✔ after the restart it starts again at 1"],
        [65.4, "m", "Scene: With Temporal"],
        [70.0, "o", "</script><script>alert(1)</script>\r\n"],
        [71.25, "m", "✘ FAILED: no number is lost"],
        [72.5, "o", "bye\r\n"],
    ]
)


# --- A take: a scene and its show, a recording of it, the claims it held (test_takes.py and
# test_take_files.py import TAKEN as SCENE, TAKEN_SHOW as SHOW) ---

TAKEN = Scene("intro", "Intro", Path("intro.toml"), (Narrate(title="Hi", body="."), Pause()))
TAKEN_SHOW = Show("Talk", (TAKEN,), limit=10, interval=1.0)
HELD = [Verdict("it starts again at 1", True, "first after restart: 1")]


def recorded() -> str:
    cast = Cast(None, (100, 30), "Talk")
    cast.write("old scene\n")
    cast.restart()  # a new scene: what came before is not its take
    cast.marker("Scene: Intro")
    cast.write("\x1b[1mHi\x1b[0m\n")
    return cast.text()


# --- Step kinds: the counters a scene runs, what its rules see, the mistake a table makes ---

NORMAL = "counter/normal-execution/start-execution.py"
DURABLE = "counter/durable-execution/start-execution.py"
AFTER_RUN = Context(director.TALK, (Run(program=NORMAL),))
AFTER_DURABLE = Context(director.TALK, (Run(program=DURABLE, durable=True),))


def invalid(cls: type, table: dict, context: Context = AFTER_DURABLE) -> Invalid:
    """The Invalid that building (then checking) a step of `cls` from `table` raises."""
    with pytest.raises(Invalid) as caught:
        build(cls, table).check(context)
    return caught.value


# --- Malformed talk files: the table every loader and the command line are tried against ---

PLAYLIST = 'title = "Test talk"\nscenes = ["one"]\n'
RUN = '[[steps]]\nkind = "run"\nprogram = "counter/normal-execution/start-execution.py"\n'


def folder(tmp_path: Path, scene: str, playlist: str = PLAYLIST) -> Path:
    """A scenes folder with this playlist and its one scene, `one`."""
    (tmp_path / "playlist.toml").write_text(playlist)
    (tmp_path / "one.toml").write_text(scene)
    return tmp_path


def write_bad(tmp_path: Path, what: str, content: str | bytes) -> None:
    """The playlist and its one scene, one of them (`what`) replaced by something broken."""
    folder(tmp_path, f'title = "t"\n{RUN}')
    target = tmp_path / ("playlist.toml" if what == "playlist" else "one.toml")
    target.unlink()
    if content == "directory":
        target.mkdir()
    elif content == "fifo":
        os.mkfifo(target)
    elif content == "loop":
        target.symlink_to(target)
    else:
        target.write_bytes(content if isinstance(content, bytes) else content.encode())


SCENE = 'title = "t"\n[[steps]]\n'
EXPECT = f'title = "t"\n{RUN}[[steps]]\nkind = "expect"\n'
MALFORMED = {
    "a word for a number": ("scene", SCENE + 'kind = "pause"\nseconds = "x"', "field 'seconds'"),
    "nan": ("scene", SCENE + 'kind = "pause"\nseconds = nan', "finite number"),
    "inf": ("scene", SCENE + 'kind = "narrate"\ntitle = "t"\nbody = "b"\nhold = inf', "finite"),
    "negative": ("scene", f'title = "t"\n{RUN}[[steps]]\nkind = "interrupt"\ndelay = -1', "-1"),
    "absurdly long": ("scene", SCENE + 'kind = "pause"\nseconds = 1e300', "from 0 to 3600"),
    "too big an integer": (
        "scene", f'title = "t"\n{RUN}[[steps]]\nkind = "wait_for"\nnumber = 9223372036854775807',
        "from 0 to 10000",
    ),
    "a list for text": ("scene", SCENE + 'kind = "ask"\nquestion = ["a"]', "expected text"),
    "numbers as claims": ("scene", SCENE + 'kind = "expect"\nclaims = [1, 2]', "list of text"),
    "an expect with nothing to check": ("scene", SCENE + 'kind = "expect"', "give claims"),
    "a bad output regex": ("scene", f'{EXPECT}output_has = "(unclosed"', "field 'output_has'"),
    "an exit status past 255": ("scene", f"{EXPECT}exit_status = 256", "from -1 to 255"),
    "a run with nothing to run": ("scene", SCENE + 'kind = "run"', "exactly one of 'program'"),
    "a program never started": (
        "scene", f'title = "t"\n{RUN}[[steps]]\nkind = "interrupt"\nname = "worker"',
        "one.toml:5: step 2 (interrupt): field 'name': no run step before it starts a program "
        "named 'worker' (started so far: program)",
    ),
    "a live history without a workflow": (
        "scene", f'title = "t"\nhistory = "live"\n{RUN}', "field 'history': only a scene with a",
    ),
    "a history neither live nor none": (
        "scene", f'title = "t"\nhistory = "yes"\n{RUN}', "one of \"\", live, not 'yes'",
    ),
    "a command not found": (
        "scene", SCENE + 'kind = "run"\ncommand = ["no-such-tool", "x"]', "command not found"
    ),
    "an unknown placeholder": (
        "scene", SCENE + 'kind = "run"\ncommand = ["echo", "{workflow}"]', "unknown placeholder"
    ),
    "braces left open": ("scene", SCENE + 'kind = "run"\ncommand = ["echo", "{x"]', "command"),
    "a positional placeholder": (
        "scene", SCENE + 'kind = "run"\ncommand = ["echo", "{}"]',
        "one.toml:2: step 1 (run): field 'command': a placeholder needs a name: '{}'",
    ),
    "a NUL in a command": (
        "scene", SCENE + 'kind = "run"\ncommand = ["echo", "a\\u0000b"]',
        "one.toml:2: step 1 (run): field 'command': a NUL byte in word 2",
    ),
    "a NUL in a program": (
        "scene", SCENE + 'kind = "run"\nprogram = "counter/\\u0000.py"',
        "one.toml:2: step 1 (run): field 'program': a NUL byte in the path",
    ),
    "a format spec in a command": (
        "scene", SCENE + 'kind = "run"\ncommand = ["echo", "{limit:>1000000000}"]',
        "field 'command': '{limit:>1000000000}': placeholders are bare names",
    ),
    "a file of the talk not executable": (
        "scene", SCENE + 'kind = "run"\ncommand = ["scenes/playlist.toml"]',
        "field 'command': 'scenes/playlist.toml': not executable",
    ),
    "steps not a list": ("scene", 'title = "t"\nsteps = 3', "list of tables"),
    "a step not a table": ("scene", 'title = "t"\nsteps = [1]', "list of tables"),
    "no kind": ("scene", SCENE + 'title = "x"', "needs a 'kind'"),
    "a kind over two lines": ("scene", SCENE + 'kind = "pa\\nuse"', "unknown kind 'pa\\nuse'"),
    "a huge field name": ("scene", SCENE + 'kind = "pause"\n' + "x" * 5000 + " = 1", "field 'xxx"),
    "a path out of the talk": (
        "scene", SCENE + 'kind = "show_code"\nfile = "../../../../etc/passwd"', "outside the talk",
    ),
    "an absolute path": (
        "scene", SCENE + 'kind = "show_code"\nfile = "/proc/self/environ"', "outside the talk",
    ),
    "a program out of the talk": (
        "scene", SCENE + 'kind = "run"\nprogram = "/usr/bin/python3"', "outside the talk",
    ),
    "a folder as code": ("scene", SCENE + 'kind = "show_code"\nfile = "counter"', "a directory"),
    "a scene that is a folder": ("scene", "directory", "one.toml: a directory"),
    "a scene that is a FIFO": ("scene", "fifo", "one.toml: not a regular file"),
    "a scene that loops": ("scene", "loop", "one.toml: "),
    "a scene not in UTF-8": ("scene", 'title = "café"'.encode("latin-1"), "not UTF-8 text"),
    "a scene with a NUL": ("scene", b'title = "t"\x00', "a binary file"),
    "nested too deeply": ("scene", "x = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    "a playlist limit of 0": ("playlist", PLAYLIST + "limit = 0", "from 1 to 10000"),
    "a playlist interval of 0": ("playlist", PLAYLIST + "interval = 0", "from 0.01 to 60"),
    "a playlist interval of nan": ("playlist", PLAYLIST + "interval = nan", "finite"),
    "no scenes": ("playlist", 'title = "t"\nscenes = []', "name at least one scene"),
    "a scene name with a path": (
        "playlist", 'title = "t"\nscenes = ["../one"]', "is not a scene's file name",
    ),
    "a playlist that is a folder": ("playlist", "directory", "playlist.toml: a directory"),
    "a playlist in UTF-16": ("playlist", PLAYLIST.encode("utf-16"), "playlist.toml: "),
}  # fmt: skip


# --- The command line: its signal handlers left alone, the program as it was called ---


@pytest.fixture
def keep_signal_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() installs its own signal handlers; the test process keeps pytest's."""
    monkeypatch.setattr(cli.signal, "signal", lambda *_: None)


@pytest.fixture
def called(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli.sys, "argv", ["counter-demo"])
    return "counter-demo"
