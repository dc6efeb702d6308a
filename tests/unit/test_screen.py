"""The screen model: one frozen snapshot, replaced whole under a lock."""

from __future__ import annotations

import threading
from dataclasses import FrozenInstanceError, replace

import pytest
from rich.text import Text

from director.screen import Pane, Screen, ScreenModel, Shown, browsed, emptied, kept, with_pane
from tests.unit.conftest import stage


def test_the_screen_is_a_snapshot_no_field_of_it_changes_in_place() -> None:
    narrator, _ = stage(80, 24)
    before = narrator.screen
    with pytest.raises(FrozenInstanceError):
        before.main = Text("drawn over")  # type: ignore[misc]
    narrator.narrate("Title", "Body")
    assert before.main is None and narrator.screen.main is not None, "replaced whole"
    assert isinstance(narrator.screen.lines, tuple)


def test_a_change_reads_the_screen_it_replaces_and_sets_its_fields_after() -> None:
    model = ScreenModel()
    first = model.now
    assert first == Screen() and model.now is first, "the same snapshot until a change"
    model.change(place="Scene - step 1/2 (run)", waiting=True)
    assert first == Screen(), "the snapshot taken before is never changed"
    model.change(lambda screen: replace(screen, lines=(*screen.lines, "one")))
    model.change(lambda screen: replace(screen, lines=(*screen.lines, "two")), waiting=False)
    now = model.now
    assert now.lines == ("one", "two") and now.place == "Scene - step 1/2 (run)"
    assert not now.waiting, "the fields are set on what `how` made"


def test_a_change_reads_and_replaces_under_the_lock_a_frame_takes_too() -> None:
    """The show's thread reads what it replaces while the refresh thread waits to take it:
    no change made meanwhile is lost."""
    model = ScreenModel()
    held: list[bool] = []

    def how(screen: Screen) -> Screen:
        held.append(model._lock.locked())
        taken: list[Screen] = []
        reader = threading.Thread(target=lambda: taken.append(model.now))
        reader.start()
        reader.join(timeout=0.05)
        held.append(reader.is_alive())  # the refresh thread waits for the change to end
        return replace(screen, place="changed")

    model.change(how)
    assert held == [True, True]
    assert model.now.place == "changed"


def test_a_new_scene_keeps_nothing_of_the_one_before_but_the_stage() -> None:
    screen = Screen(
        talk="Talk", scene=(2, 6, "With Temporal"), main=Text("a panel"), lines=(Text("a line"),),
        panes=(Pane("worker"),), about="worker", history=object(),  # type: ignore[arg-type]
        place="step 3/4", blackout=True,
    )  # fmt: skip
    empty = emptied(screen)
    assert (empty.main, empty.panes, empty.about, empty.history, empty.lines) == (
        None, (), "", None, (),
    )  # fmt: skip
    assert (empty.talk, empty.scene, empty.place, empty.blackout) == (
        "Talk", (2, 6, "With Temporal"), "step 3/4", True,
    )  # fmt: skip


def test_each_panel_is_kept_as_last_waited_on_and_a_scene_starts_without() -> None:
    one, two, said = Text("One"), Text("Two"), Text("said under it")
    screen = kept(replace(Screen(), main=one))
    screen = kept(replace(screen, lines=(said,)))  # the same panel, more said under it
    assert screen.shown == (Shown(one, None, (said,)),)
    screen = kept(replace(screen, main=two, lines=(), focus=3))
    screen = kept(replace(screen, focus=9))  # a code panel's next build: a panel of its own
    assert [(s.main, s.focus) for s in screen.shown] == [(one, None), (two, 3), (two, 9)]
    back = browsed(screen, screen.shown[0])
    assert (back.main, back.focus, back.lines) == (
        one,
        None,
        (said,),
    ) and back.shown == screen.shown
    assert kept(Screen()).shown == (), "nothing on screen: nothing to come back to"
    assert emptied(screen).shown == ()


def test_a_program_started_anew_keeps_its_panes_place_and_a_new_one_comes_last() -> None:
    screen = Screen(panes=(Pane("worker"), Pane("starter")))
    again = with_pane(screen, Pane("worker", typed="python worker.py"))
    assert [(p.name, p.typed) for p in again.panes] == [
        ("worker", "python worker.py"), ("starter", ""),
    ]  # fmt: skip
    assert [p.name for p in with_pane(screen, Pane("show")).panes] == ["worker", "starter", "show"]
