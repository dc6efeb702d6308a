"""The step kinds that show: narrate, show_code, ask, pause, summary, history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from director.fields import Invalid, Title, option
from director.step_base import HOLD, NOTES, Context, Seconds, StepKind, talk_text


@dataclass(frozen=True, kw_only=True)
class Narrate(StepKind):
    """A title and a Markdown body in a panel."""

    kind = "narrate"
    main = True
    example = (
        'title = "A program that counts"\n'
        'body = "It counts from **1 to 10**, one number a second."\n'
        'notes = "Ask who has had a job killed halfway."'
    )
    title: Title = option("the panel's title")
    body: str = option("Markdown text")
    notes: str = option(NOTES, "")
    hold: Seconds = option(HOLD, 4)

    @property
    def detail(self) -> str:
        return self.title

    @property
    def headline(self) -> str:
        return self.title


@dataclass(frozen=True, kw_only=True)
class ShowCode(StepKind):
    """A file of the talk as highlighted code."""

    kind = "show_code"
    main = True
    example = (
        'file = "counter/normal-execution/businesslogic.py"\n'
        'lines = ["def count_to", "time.sleep"]\n'
        'highlight = ["print(number"]'
    )
    file: str = option("path from the talk's top")
    lines: tuple[int | str, ...] = option(
        "first and last line to show: numbers, or text found on the line; all if empty", ()
    )
    highlight: tuple[int | str, ...] = option(
        "lines to highlight: numbers, or text found on the line", ()
    )
    title: Title = option("the panel's title; the file's path if empty", "")
    notes: str = option(NOTES, "")
    hold: Seconds = option(HOLD, 5)

    @property
    def detail(self) -> str:
        return self.file

    @property
    def headline(self) -> str:
        return self.title or self.file

    def check(self, context: Context) -> None:
        self.line_numbers(self.text(context.talk))

    def text(self, talk: Path) -> str:
        """The file's text; Invalid if it is not a text file of the talk."""
        return talk_text(talk, self.file, "file")

    def line_numbers(self, text: str) -> tuple[tuple[int, int] | None, set[int]]:
        """The first and last line to show (None: every line) and the lines to highlight."""
        lines = text.removesuffix("\n").split("\n")  # as the panel numbers them: a form feed
        shown = _line_numbers("lines", self.lines, lines)  # or a U+2028 ends no line
        if len(shown) not in (0, 2) or shown != sorted(shown):
            raise Invalid("expected the first and the last line", "lines")
        first_last = (shown[0], shown[1]) if shown else None
        return first_last, set(_line_numbers("highlight", self.highlight, lines))


def _line_numbers(name: str, given: tuple[int | str, ...], lines: list[str]) -> list[int]:
    """Line numbers from numbers, or from text found on a line."""
    numbers = []
    for item in given:
        if isinstance(item, str):
            found = [n for n, line in enumerate(lines, 1) if item in line]
            if not found:
                raise Invalid(f"no line contains {item!r}", name)
            numbers.append(found[0])
        elif 1 <= item <= len(lines):
            numbers.append(item)
        else:
            raise Invalid(f"no line {item!r} in a {len(lines)}-line file", name)
    return numbers


@dataclass(frozen=True, kw_only=True)
class Ask(StepKind):
    """A question to the audience, with a countdown in hands-free mode."""

    kind = "ask"
    main = True
    example = 'question = "What number will it show first when we run it again?"\nseconds = 5'
    question: str = option("what to ask")
    seconds: Seconds = option("countdown in hands-free mode (scaled by --speed)", 5)
    notes: str = option(NOTES, "")

    @property
    def detail(self) -> str:
        return self.question

    @property
    def headline(self) -> str:
        return self.question


@dataclass(frozen=True, kw_only=True)
class Pause(StepKind):
    """A beat: seconds in hands-free mode, a key press when presenting."""

    kind = "pause"
    example = "seconds = 2"
    seconds: Seconds = option("how long (scaled by --speed)", 2)
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return "a pause"


@dataclass(frozen=True, kw_only=True)
class Summary(StepKind):
    """A table of every scene's runs so far: last before, first after, repeated, lost, claims."""

    kind = "summary"
    main = True
    example = 'title = "What the programs really printed"'
    title: Title = option("the table's title", "What the programs really printed")
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return self.title


@dataclass(frozen=True, kw_only=True)
class History(StepKind):
    """The scene's workflow's event history as a table, read through the Temporal API;
    the events around the disruption highlighted, and the Web UI link."""

    kind = "history"
    main = True
    example = "hold = 8"
    after_run = True
    title: Title = option("the table's title", "The workflow's event history")
    hold: Seconds = option(HOLD, 8)
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return self.title

    @property
    def needs_temporal(self) -> bool:
        return True

    def check(self, context: Context) -> None:
        if not context.durable:
            raise Invalid("no workflow to show: put a durable 'run' step before it")
