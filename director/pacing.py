"""Pacing: how the show moves on, by the presenter's key or by the clock (the three modes)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import ClassVar

from director.keys import Press
from director.narration import Narrator

MAX_SPEED = 1e6
"""The fastest --speed (and the fastest a take may have been recorded at)."""

Wait = Callable[[float], Press | None]
"""Waits up to so many seconds while the show goes on around it; what the presenter asked
meanwhile, if anything: Action.NEXT, or a move elsewhere (nothing else comes back)."""


def _move(press: Press | None) -> Press | None:
    """The press that ended a wait, if it takes the show elsewhere; None if it moves on."""
    return press if press is not None and press.moves else None


class Pacing:
    """How the show moves on: it holds beats and asks questions, at the show's --speed."""

    name: ClassVar[str]
    hands_free: ClassVar[bool] = False
    """Whether nobody is there: rounds repeat, and Temporal's absence is waited out."""
    rehearsal: ClassVar[bool] = False
    """Whether speaker notes, the step clock and the report are shown."""

    def __init__(
        self, narrator: Narrator, speed: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.narrator = narrator
        self.speed = speed
        self.clock = clock

    def scaled(self, seconds: float) -> float:
        """A time of the talk at this show's --speed."""
        return seconds / self.speed

    def beat(self, seconds: float, wait: Wait) -> Press | None:
        """Hold what is on screen for a beat of `seconds` (at --speed 1); the presenter's
        move elsewhere if one ended it."""
        raise NotImplementedError

    def question(self, seconds: float, wait: Wait) -> Press | None:
        """Give the room time to answer: `seconds` (at --speed 1); as `beat`, a move."""
        raise NotImplementedError


class Presenting(Pacing):
    """Live on stage: every beat and every question waits for the presenter's key."""

    name = "present"

    def beat(self, seconds: float, wait: Wait) -> Press | None:
        """Until the presenter moves on, or elsewhere."""
        self.narrator.waiting_for_key(True)
        try:
            while (press := wait(0.25)) is None:
                pass
        finally:
            self.narrator.waiting_for_key(False)
        return _move(press)

    def question(self, seconds: float, wait: Wait) -> Press | None:
        """Until the presenter moves on, or elsewhere."""
        return self.beat(seconds, wait)


class Rehearsing(Presenting):
    """A rehearsal: as on stage, with speaker notes, a clock on each step, and a report."""

    name = "rehearse"
    rehearsal = True


class HandsFree(Pacing):
    """Nobody at the keys: beats last their (scaled) seconds, questions count down; a key
    still moves on at once."""

    name = "auto"
    hands_free = True

    def beat(self, seconds: float, wait: Wait) -> Press | None:
        deadline = self.clock() + self.scaled(seconds)
        while (left := deadline - self.clock()) > 0:
            if (press := wait(min(left, 0.25))) is not None:
                return _move(press)
        return None

    def question(self, seconds: float, wait: Wait) -> Press | None:
        deadline = self.clock() + self.scaled(seconds)
        try:
            while (left := deadline - self.clock()) > 0:
                self.narrator.status(f"[stage.warning]Think about it... {math.ceil(left)} s[/]")
                if (press := wait(min(left, 0.25))) is not None:
                    return _move(press)
        finally:
            self.narrator.status(None)
        return None
