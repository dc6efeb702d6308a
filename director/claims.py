"""Claims: what the talk says about the counters, checked against what they really printed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

ANSI = regex.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""A terminal's escape sequences: an output claim reads what the program printed, as text."""
UNFINISHED = regex.compile(r"\x1b(?:\[[0-9;?]*[ -/]*|\][^\x07\x1b]*\x1b?)?\Z")
"""An escape sequence cut off by the end of a read: kept until the rest comes."""
OUTPUT_TIME = 0.1
"""How long one try of a pattern may take on the output."""
OVERLAP = 16384
"""How much of the output before a read a pattern's match may start in: a match up to this
long is found even when it comes in two reads."""


class Printed:
    """What a program printed, kept as the claims need it and no more: its numbers (the whole
    lines that are numbers) and each watched pattern's first match, found as the output comes,
    on its text (escape codes and \\r removed)."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.numbers: list[int] = []
        self.found: dict[str, str | None] = {}
        """Each pattern watched: its first match, or None."""
        self.slow: set[str] = set()
        """The patterns a try of which took over OUTPUT_TIME: no longer tried."""
        self._line = ""  # the last line, not finished yet
        self._cut = ""  # an escape sequence the read cut off
        self._window = ""  # the end of the text so far, for a match that spans two reads
        self.watch(patterns)

    @classmethod
    def of(cls, output: str, patterns: Iterable[str] = ()) -> Printed:
        printed = cls(patterns)
        printed.add(output)
        return printed

    def watch(self, patterns: Iterable[str]) -> None:
        """Look for these patterns too, from now on (and in what is still kept)."""
        for pattern in patterns:
            if pattern not in self.found:
                self.found[pattern] = None
                self._search(pattern, self._window)

    def add(self, output: str) -> None:
        """What the program printed next: its numbers counted, the patterns looked for."""
        output = self._cut + output
        unfinished = UNFINISHED.search(output, max(0, len(output) - 4096))
        self._cut = output[unfinished.start() :] if unfinished else ""
        text = ANSI.sub("", output[: len(output) - len(self._cut)]).replace("\r", "")
        if not text:
            return
        lines = (self._line + text).split("\n")
        self._line = lines.pop()[-4301:]  # longer is no number (int() refuses over 4300 digits)
        stripped = (line.strip(BLANKS) for line in lines)
        self.numbers += [int(line) for line in stripped if _number(line)]
        window, self._window = self._window + text, (self._window + text)[-OVERLAP:]
        for pattern, match in self.found.items():
            if match is None and pattern not in self.slow:
                self._search(pattern, window)

    def match(self, pattern: str) -> str | None:
        """The pattern's first match so far (watched from now on if it was not); TimeoutError
        if a try of it took over OUTPUT_TIME."""
        self.watch([pattern])
        if pattern in self.slow:
            raise TimeoutError(pattern)
        return self.found[pattern]

    def _search(self, pattern: str, text: str) -> None:
        try:
            found = regex.search(pattern, text, timeout=OUTPUT_TIME)
        except TimeoutError:
            self.slow.add(pattern)
            return
        if found is not None:
            self.found[pattern] = found[0]


BLANKS = " \t\n\v\f\r"
"""What int() allows around a number's digits (str.strip() also strips \x1c-\x1f, which
int() refuses)."""


def _number(line: str) -> bool:
    """Whether a line, its BLANKS stripped, is a number as int() reads one."""
    return line.isdecimal() and len(line) <= 4300


@dataclass
class Run:
    """One run of a program: the numbers it printed and how it ended."""

    label: str
    limit: int
    numbers: list[int] = field(default_factory=list)
    stopped_by: str | None = None  # the signal the director sent, e.g. "SIGINT"
    status: int | None = None  # exit status; 128 + n when a signal ended it
    cut: int | None = None  # how many numbers it had printed when the disruption came
    printed: Printed = field(default_factory=Printed)  # what it printed, as the claims need it
    program: str = "program"  # the name of the scene's program it is a run of


@dataclass(frozen=True)
class Verdict:
    """One claim checked: held or not, and what was seen."""

    claim: str
    held: bool
    seen: str


@dataclass(frozen=True)
class Tally:
    """A scene's runs at a glance: the summary table's row."""

    last_before: int | None
    first_after: int | None
    repeated: list[int]
    lost: list[int]


def tally(runs: list[Run]) -> Tally:
    """Last number before the disruption, first after it, repeated and lost numbers."""
    numbers = [n for run in runs for n in run.numbers]
    cut, offset = None, 0
    for run in runs:
        if run.cut is not None:
            cut = offset + run.cut
            break
        offset += len(run.numbers)
    before, after = (numbers[:cut], numbers[cut:]) if cut is not None else ([], [])
    seen = Counter(numbers)
    top = max([*seen, *(r.limit for r in runs if r.status == 0)], default=0)
    return Tally(
        last_before=before[-1] if before else None,
        first_after=after[0] if after else None,
        repeated=sorted(n for n, times in seen.items() if times > 1),
        lost=[n for n in range(1, top + 1) if n not in seen],
    )


def _starts_over(runs: list[Run]) -> Verdict:
    t = tally(runs)
    return Verdict(
        "after the restart it starts again at 1",
        t.first_after == 1,
        f"first number after the restart: {_show(t.first_after)}",
    )


def _resumes(runs: list[Run]) -> Verdict:
    t = tally(runs)
    expected = t.last_before + 1 if t.last_before is not None else None
    return Verdict(
        "after the restart it carries on at the next number",
        expected is not None and t.first_after == expected,
        f"last before: {_show(t.last_before)}, first after: {_show(t.first_after)}",
    )


def _no_repeats(runs: list[Run]) -> Verdict:
    repeated = tally(runs).repeated
    return Verdict("no number is shown twice", not repeated, f"repeated: {_list(repeated)}")


def _no_gaps(runs: list[Run]) -> Verdict:
    lost = tally(runs).lost
    return Verdict("no number is lost", not lost, f"lost: {_list(lost)}")


def _completes(runs: list[Run]) -> Verdict:
    """Its last run's count reached the limit, and the run did not fail (it exited 0, or runs
    on: a worker counts for its starter and waits for more)."""
    last = runs[-1] if runs else None
    numbers = last.numbers if last else []
    held = bool(last and last.status in (None, 0) and numbers and numbers[-1] == last.limit)
    seen = f"last run ended at {_show(numbers[-1] if numbers else None)}"
    if last and last.status is None:
        seen = f"last run reached {_show(numbers[-1] if numbers else None)}, still running"
    return Verdict("the count reaches its limit", held, seen)


def _ran_once(runs: list[Run]) -> Verdict:
    """It was started once and never again: it waited through whatever happened."""
    ended = "still running" if runs and runs[-1].status is None else "then ended"
    if runs and runs[-1].status is not None:
        ended = f"exited with status {runs[-1].status}"
    times = "once" if len(runs) == 1 else f"{len(runs)} times"
    return Verdict("it ran once, never started again", len(runs) == 1, f"started {times}, {ended}")


CLAIMS = {
    "starts_over": _starts_over,
    "resumes": _resumes,
    "no_repeats": _no_repeats,
    "no_gaps": _no_gaps,
    "completes": _completes,
    "ran_once": _ran_once,
}
"""Every claim a scene's `expect` step may name of a program's runs."""
COUNTING = set(CLAIMS) - {"ran_once"}
"""The claims about the numbers a program printed: a program they are made of is a counter."""


def check(claim: str, runs: list[Run]) -> Verdict:
    """Check one named claim against a scene's runs."""
    return CLAIMS[claim](runs)


def _show(number: int | None) -> str:
    return "nothing" if number is None else str(number)


def _list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers)) or "none"


def output_claim(kind: str, expected: str | int, runs: list[Run]) -> Verdict:
    """A claim about what the scene's last run printed or how it ended: `output_has` or
    `output_lacks` (a regular expression) or `exit_status` (a number)."""
    if not runs:
        return Verdict(f"{kind} {expected}", False, "no program ran")
    run = runs[-1]
    if kind == "exit_status":
        return Verdict(f"it exits with status {expected}", run.status == expected,
                       f"exit status {_show(run.status)}")  # fmt: skip
    try:
        found = run.printed.match(str(expected))
    except TimeoutError:
        return Verdict(f"{kind} {expected!r}", False, f"matching took over {OUTPUT_TIME:g} s")
    seen = f"printed {found!r}" if found is not None else "never printed it"
    if kind == "output_has":
        return Verdict(f"it prints {expected!r}", found is not None, seen)
    return Verdict(f"it never prints {expected!r}", found is None, seen)
