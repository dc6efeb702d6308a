"""The tables the talk ends on, drawn into a console of a fixed width."""

from __future__ import annotations

import io

from rich.console import Console

from director.claims import Tally, Verdict
from director.results import ReportRow
from director.tables import report_table, summary_table


def drawn(table: object, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_summary_has_a_row_a_scene_its_failure_under_its_name() -> None:
    held = Verdict("a claim", True, "seen")
    rows = [
        ("With Temporal", Tally(5, 6, [], []), [held, held], None),
        ("Worker dies", Tally(5, 1, [1, 2], [9]), [held, Verdict("b", False, "x")], "it failed"),
    ]
    text = drawn(summary_table("What the programs really printed", rows, "docs.temporal.io"))
    lines = text.splitlines()
    [ok] = [line for line in lines if line.startswith("With Temporal")]
    assert ok.split() == ["With", "Temporal", "5", "6", "none", "none", "✔", "2/2", "held"]
    [bad] = [line for line in lines if line.startswith("Worker dies")]
    assert "1, 2" in bad and "9" in bad and "✘ 1/2 held" in bad
    assert lines[lines.index(bad) + 1].strip() == "it failed", "the failure under its scene"
    assert "docs.temporal.io" in lines[-1], "the closing line under the table"


def test_the_report_has_each_scenes_time_then_its_steps_and_claims_under_it() -> None:
    rows = [
        ReportRow("scene", "Worker dies", 6.7),
        ReportRow("step", "1. narrate", 1.0),
        ReportRow("claim", "worker: no number is lost", seen="lost: none"),
        ReportRow("claim", "a timer fired", held=False, seen="no timer fired"),
        ReportRow("total", "The round: 1 scene", 6.7, held=False),
    ]
    text = drawn(report_table(rows))
    assert "Worker dies" in text and "6.7 s" in text and "1. narrate" in text
    assert "✔ worker: no number is lost" in text and "✘ FAILED: a timer fired" in text
    assert "no timer fired" in text and "The round: 1 scene" in text
