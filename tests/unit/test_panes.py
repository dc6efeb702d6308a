"""The stage's panes: several programs on one stage, in order, each in its share, at 80x24 too."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from director.panes import arranged, shown
from director.screen import Pane, Screen
from tests.unit.conftest import Program, stage, text

WORKER = "".join(f"{n}\r\n" for n in range(1, 6))
STARTER = (
    "started the workflow\r\n  counter-worker-crash-1a2b3c4d\r\nwaiting for its result ...\r\n"
)


class Followed:
    """Stands for a follower of a workflow's history: no events yet."""

    events: tuple = ()
    error: str | None = None


def two() -> tuple[Program, Program]:
    worker = Program("python worker.py", WORKER, running=False, status=137)
    return worker, Program("python starter.py", STARTER)


def test_the_pane_the_step_is_about_comes_first_only_where_the_panes_are_stacked() -> None:
    worker, starter = Pane("worker"), Pane("starter")
    history = Followed()
    screen = Screen(panes=(worker, starter), about="starter", history=history)  # type: ignore[arg-type]
    assert shown(screen) == [worker, starter, history], "side by side: where they were"
    assert shown(screen, about_first=True) == [starter, worker, history]
    wide = Program("python wide.py", "x" * 60 + "\r\n")
    panes = (Pane("worker", wide), Pane("starter", wide))  # type: ignore[arg-type]
    stacked = arranged(Screen(panes=panes, about="starter"), 80, 24, main=6, most=24)
    assert stacked is not None and not stacked[0].across
    assert [item.name for item in stacked[1]] == ["starter", "worker"]  # type: ignore[union-attr]
    across = arranged(
        Screen(panes=(Pane("worker"), Pane("starter")), about="starter"), 80, 24, 6, 24
    )
    assert across is not None and across[0].across
    assert [item.name for item in across[1]] == ["worker", "starter"]  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 45)])
def test_a_killed_worker_and_its_waiting_starter_are_both_on_screen_with_their_states(
    size: tuple[int, int],
) -> None:
    narrator, target = stage(*size)
    narrator.narrate("A worker and a starter", "The worker counts; the starter waits.")
    worker, starter = two()
    narrator.program_started(worker, 10, name="worker")  # type: ignore[arg-type]
    narrator.program_started(starter, name="starter")  # type: ignore[arg-type]
    target.file = io.StringIO()
    target.print(narrator.layout)
    drawn = text(target)
    rows = drawn.split("\n")
    assert "$ python worker.py" in drawn and "$ python starter.py" in drawn, "each its title"
    assert "stopped by SIGKILL" in drawn and "running" in drawn, "each its own state"
    assert "waiting for its result" in drawn and any(row.split("│")[1:2] == [" 5"] or "│ 5 " in row
                                                     for row in rows)  # fmt: skip
    assert "A worker and a starter" in drawn, "the main panel keeps its room"
    assert len(rows[:-1]) == size[1] and all(len(row) == size[0] for row in rows[:-1])


def test_the_live_history_is_left_out_where_it_would_be_stacked_under_the_programs() -> None:
    worker, starter = two()
    panes = (Pane("worker", worker, expects=10), Pane("starter", starter))  # type: ignore[arg-type]
    history = Followed()
    screen = Screen(panes=panes, history=history)  # type: ignore[arg-type]
    for size, kept in [((80, 24), False), ((100, 30), False), ((120, 40), True), ((200, 50), True)]:
        found = arranged(screen, *size, main=12, most=size[1])
        assert found is not None
        regions, items = found
        assert (history in items) is kept, size
        assert regions.beside or regions.across, f"{size}: worker and starter side by side"


def test_more_panes_than_the_rows_hold_leave_out_the_ones_started_last() -> None:
    wide = Program("python wide.py", "x" * 60 + "\r\n")
    panes = tuple(Pane(name, wide) for name in ("a", "b", "c"))  # type: ignore[arg-type]
    found = arranged(Screen(panes=panes), 80, 14, main=4, most=14)
    assert found is not None and [item.name for item in found[1]] == ["a"]  # type: ignore[union-attr]


def test_a_command_being_typed_has_its_own_pane_beside_a_running_program() -> None:
    narrator, target = stage(80, 24)
    worker, _ = two()
    narrator.program_started(worker, 10, name="worker")  # type: ignore[arg-type]
    narrator.typing("temporal workflow show", name="show")
    target.file = io.StringIO()
    target.print(narrator.layout)
    assert "$ temporal workflow show▌" in text(target) and "$ python worker.py" in text(target)
    narrator.typing(None, name="show")
    assert [pane.name for pane in narrator.screen.panes] == ["worker"]


def test_scrolling_shows_each_running_program_under_the_panels() -> None:
    target = Console(file=io.StringIO(), width=80, height=24, color_system=None)
    from director.layouts import LAYOUTS
    from director.narration import Narrator

    narrator = Narrator(target, layout=LAYOUTS["scroll"])
    worker, starter = two()
    narrator.program_started(worker, name="worker")  # type: ignore[arg-type]
    narrator.program_started(starter, name="starter")  # type: ignore[arg-type]
    target.print(narrator.layout)
    drawn = text(target)
    assert "$ python starter.py" in drawn and "$ python worker.py" not in drawn, "the running one"


@pytest.mark.parametrize(("size", "left_out"), [((80, 24), True), ((120, 40), False)])
def test_the_narrator_says_when_the_live_history_has_no_pane(
    size: tuple[int, int], left_out: bool
) -> None:
    narrator, _ = stage(*size)
    worker, starter = two()
    narrator.program_started(worker, 10, name="worker")  # type: ignore[arg-type]
    narrator.program_started(starter, name="starter")  # type: ignore[arg-type]
    assert not narrator.history_left_out, "no live history asked for"
    narrator.follow(Followed())  # type: ignore[arg-type]
    assert narrator.history_left_out is left_out
