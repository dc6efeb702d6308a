"""What every step kind has: its rules' context, its class attributes, the field types and
texts the kinds share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from director.fields import Between, Invalid
from director.files import Missing, Unreadable, read_text


@dataclass(frozen=True)
class Context:
    """What a step's rules may look at: the talk's folder and the steps before it in its scene."""

    talk: Path
    before: tuple[Any, ...] = ()
    """The steps before it (steps.Step: a `run` step known by its kind's name)."""
    limit: int = 10
    """What the playlist's counters count to."""

    @property
    def _runs(self) -> list[Any]:
        return [step for step in self.before if step.kind == "run"]

    @property
    def names(self) -> list[str]:
        """The programs the run steps before it started, by name, in the order first started."""
        return list(dict.fromkeys(step.name or THE_PROGRAM for step in self._runs))

    def named(self, name: str) -> str:
        """The program a step's `name` says ("": the one the last run step started); Invalid
        naming the field if no run step before it starts one of that name."""
        runs = self._runs
        if not name:
            return (runs[-1].name or THE_PROGRAM) if runs else THE_PROGRAM
        if name not in self.names:
            started = ", ".join(self.names)
            raise Invalid(f"no run step before it starts a program named {name!r} "
                          f"(started so far: {started or 'none'})", "name")  # fmt: skip
        return name

    def counts_to(self, name: str = "") -> int | None:
        """What the program called `name` (the last one started) counts to, if it is a
        counter of the talk."""
        wanted = self.named(name) if self._runs else THE_PROGRAM
        runs = [step for step in self._runs if (step.name or THE_PROGRAM) == wanted]
        if not runs or not runs[-1].program:
            return None
        return runs[-1].limit or self.limit

    @property
    def runs(self) -> bool:
        return bool(self._runs)

    @property
    def durable(self) -> bool:
        return any(step.durable for step in self._runs)


THE_PROGRAM = "program"
"""The name of a program its run step does not name: a scene with one program needs none."""
MOST_PROGRAMS = 3
"""The most programs a scene runs at once, each in its own pane."""


class StepKind:
    """What every kind has: its name in a scene file, an example, its rules, what it needs."""

    kind: ClassVar[str]
    example: ClassVar[str] = ""
    more_examples: ClassVar[tuple[str, ...]] = ()
    """Other ways to write it, shown in the reference too."""
    after_run: ClassVar[bool] = False
    """Whether it needs a `run` step earlier in its scene."""
    main: ClassVar[bool] = False
    """Whether it draws the main region: its notes go under what it drew, not before it."""

    @property
    def needs_temporal(self) -> bool:
        return False

    @property
    def detail(self) -> str:
        """The step in a few words, for the rehearsal report."""
        return ""

    def check(self, context: Context) -> None:
        """The rules a field's type cannot say; Invalid if one is broken."""

    @property
    def headline(self) -> str:
        """What the presenter sees the step as, in a few plain words: the notes screen's
        step and what comes next. Every kind says its own."""
        raise NotImplementedError(f"{self.kind} has no headline")

    def describe(self, number: int) -> str:
        """`3. run: counter/...`: the step in a line."""
        return f"{number}. {self.kind}" + (f": {self.detail}" if self.detail else "")


Seconds = Annotated[float, Between(0, 3600)]
"""A time in a scene: an hour at most."""
Count = Annotated[int, Between(0, 10_000)]
"""A counter's number."""

NOTES = "speaker notes: on the notes screen, else in rehearsal on the audience's screen"
HOLD = "seconds on screen in hands-free mode (scaled by --speed)"
WHEN_SAVED = (
    "durable programs: first wait until Temporal has saved the step just printed, "
    "so the crash lands between steps"
)
Signal = Literal["SIGINT", "SIGTERM", "SIGKILL"]


def talk_text(talk: Path, path: str, field: str) -> str:
    """The text of the talk's file at `path` (from the talk's top); Invalid naming `field`
    unless it is a text file inside the talk's folder."""
    try:
        return read_text(talk / path, inside=talk)
    except Missing:
        raise Invalid(f"no file {path}", field) from None
    except Unreadable as error:
        raise Invalid(f"{path}: {error}", field) from None


def saved_needs_durable(when_saved: bool, context: Context) -> None:
    if when_saved and not context.durable:
        raise Invalid("only a durable program saves its steps", "when_saved")
