"""Pacing: a presenter's key, or the clock, moves the show on."""

from __future__ import annotations

import io

from rich.console import Console

from director.keys import Action, Press
from director.narration import Narrator
from director.pacing import HandsFree, Presenting, Rehearsing
from tests.unit.conftest import Clock

NEXT, AGAIN = Press(Action.NEXT), Press(Action.RESTART)


class Waiter:
    """Stands for the stage's wait: time passes; keys arrive after so many waits."""

    def __init__(self, clock: Clock, narrator: Narrator, keys: dict[int, Press] | None = None):
        self.clock = clock
        self.narrator = narrator
        self.keys = keys or {}
        self.calls: list[float] = []
        self.footers: list[str | None] = []
        self.waiting: list[bool] = []

    def __call__(self, seconds: float) -> Press | None:
        self.calls.append(seconds)
        self.footers.append(self.narrator.screen.status)
        self.waiting.append(self.narrator.screen.waiting)
        self.clock.now += seconds
        return self.keys.get(len(self.calls))


def setup(cls: type, speed: float = 1.0, keys: dict[int, Press] | None = None):
    clock = Clock()
    narrator = Narrator(Console(file=io.StringIO(), width=60))
    return cls(narrator, speed, clock), Waiter(clock, narrator, keys), clock, narrator


def test_presenting_waits_for_the_key_however_long_the_beat() -> None:
    pacing, wait, _, narrator = setup(Presenting, keys={7: NEXT})
    pacing.beat(0.5, wait)
    assert len(wait.calls) == 7, "it waited past the beat's half second, for the key"
    assert all(wait.waiting), "the footer asked for the key meanwhile"
    assert not narrator.screen.waiting, "and stops asking once pressed"


def test_presenting_a_question_waits_for_the_key_too() -> None:
    pacing, wait, _, _ = setup(Presenting, keys={3: NEXT})
    pacing.question(5, wait)
    assert len(wait.calls) == 3 and all(wait.waiting)


def test_rehearsing_paces_like_presenting_and_shows_notes() -> None:
    assert Rehearsing.rehearsal and not Presenting.rehearsal
    assert not Rehearsing.hands_free
    pacing, wait, _, _ = setup(Rehearsing, keys={2: NEXT})
    pacing.beat(4, wait)
    assert len(wait.calls) == 2


def test_hands_free_holds_a_beat_for_its_scaled_seconds() -> None:
    pacing, wait, clock, _ = setup(HandsFree, speed=2)
    start = clock.now
    pacing.beat(4, wait)
    assert clock.now - start == 2.0, "4 s at --speed 2"
    assert max(wait.calls) <= 0.25, "keys are read at least four times a second"
    assert not any(wait.waiting), "nobody is asked for a key"


def test_hands_free_a_key_ends_the_beat_early() -> None:
    pacing, wait, clock, _ = setup(HandsFree, keys={2: NEXT})
    start = clock.now
    pacing.beat(10, wait)
    assert clock.now - start == 0.5


def test_hands_free_question_counts_down_then_clears_the_footer() -> None:
    pacing, wait, _, narrator = setup(HandsFree)
    pacing.question(2, wait)
    assert wait.footers[0] == "[stage.warning]Think about it... 2 s[/]"
    assert wait.footers[-1] == "[stage.warning]Think about it... 1 s[/]"
    assert narrator.screen.status is None


def test_speed_scales_the_talks_times() -> None:
    pacing, *_ = setup(HandsFree, speed=10)
    assert pacing.scaled(5) == 0.5
    assert HandsFree.hands_free and HandsFree.name == "auto"


def test_a_move_elsewhere_ends_a_beat_and_is_returned_up() -> None:
    pacing, wait, _, narrator = setup(Presenting, keys={3: AGAIN})
    assert pacing.beat(1, wait) == AGAIN and len(wait.calls) == 3
    assert not narrator.screen.waiting
    pacing, wait, _, _ = setup(Presenting, keys={2: NEXT})
    assert pacing.question(1, wait) is None, "next just moves on"
    pacing, wait, _, _ = setup(HandsFree, keys={2: AGAIN})
    assert pacing.question(5, wait) == AGAIN
