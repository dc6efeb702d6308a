"""Claims: what the talk says about the counters, checked against what they really printed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex


@dataclass
class Run:
    """One run of a counter program: the numbers it printed and how it ended."""

    label: str
    limit: int
    numbers: list[int] = field(default_factory=list)
    stopped_by: str | None = None  # the signal the director sent, e.g. "SIGINT"
    status: int | None = None  # exit status; 128 + n when a signal ended it
    cut: int | None = None  # how many numbers it had printed when the disruption came
    output: str = ""  # everything it printed, escape codes and all


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
    last = runs[-1] if runs else None
    held = bool(last and last.status == 0 and last.numbers and last.numbers[-1] == last.limit)
    seen = f"last run ended at {_show(last.numbers[-1] if last and last.numbers else None)}"
    return Verdict("the count reaches its limit", held, seen)


CLAIMS = {
    "starts_over": _starts_over,
    "resumes": _resumes,
    "no_repeats": _no_repeats,
    "no_gaps": _no_gaps,
    "completes": _completes,
}
"""Every claim a scene's `expect` step may name."""


def check(claim: str, runs: list[Run]) -> Verdict:
    """Check one named claim against a scene's runs."""
    return CLAIMS[claim](runs)


def _show(number: int | None) -> str:
    return "nothing" if number is None else str(number)


def _list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers)) or "none"


ANSI = regex.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""A terminal's escape sequences: an output claim reads what the program printed, as text."""
OUTPUT_TIME = 0.1
"""How long one output claim's pattern may take on the output."""


def output_claim(kind: str, expected: str | int, runs: list[Run]) -> Verdict:
    """A claim about what the scene's last run printed or how it ended: `output_has` or
    `output_lacks` (a regular expression) or `exit_status` (a number)."""
    if not runs:
        return Verdict(f"{kind} {expected}", False, "no program ran")
    run = runs[-1]
    if kind == "exit_status":
        return Verdict(f"it exits with status {expected}", run.status == expected,
                       f"exit status {_show(run.status)}")  # fmt: skip
    text = ANSI.sub("", run.output).replace("\r", "")[-65536:]
    try:
        found = regex.search(str(expected), text, timeout=OUTPUT_TIME)
    except TimeoutError:
        return Verdict(f"{kind} {expected!r}", False, f"matching took over {OUTPUT_TIME:g} s")
    if kind == "output_has":
        seen = f"printed {found[0]!r}" if found else "never printed it"
        return Verdict(f"it prints {expected!r}", found is not None, seen)
    seen = f"printed {found[0]!r}" if found else "never printed it"
    return Verdict(f"it never prints {expected!r}", found is None, seen)
