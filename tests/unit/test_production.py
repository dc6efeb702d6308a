"""The production's rounds with a stand-in stage: headings, each round's result, the
rehearsal report kept for the notes screen, the talk live again once Temporal answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from director import production
from director.errors import DemoError, Status
from director.pacing import HandsFree
from director.publisher import planned
from director.results import SceneResult
from director.scenes import Scene
from tests.unit.conftest import narrator, said

ONE = Scene("one", "One", Path("/talk/scenes/one.toml"), ())


@dataclass
class Stand:
    """Stands for the Stage: plays the rounds' results given, noting if each was offline."""

    rounds: list[list[SceneResult]]
    hands_free: bool = True
    rehearsal: bool = False
    played_offline: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.show = SimpleNamespace(title="The talk")
        self.pacing = SimpleNamespace(hands_free=self.hands_free, rehearsal=self.rehearsal)

    def play_round(self, offline: bool = False) -> list[SceneResult]:
        self.played_offline.append(offline)
        return self.rounds.pop(0)


class Unanswering:
    """A service that answers only once `answering` says so, round by round."""

    address = "temporal.example:7233"

    def __init__(self, *answering: bool) -> None:
        self.answering = list(answering)

    def start(self) -> None:
        if not self.answering.pop(0):
            raise DemoError("Temporal at temporal.example:7233 does not answer", Status.UNREACHABLE)


def held() -> list[SceneResult]:
    return [SceneResult(ONE, step_seconds=[("1. pause", 1.5)], seconds=2.0)]


def play(stage: Stand, rounds: int | None, tmp_path: Path, **kw: object) -> tuple[bool, str]:
    shown = narrator()
    service = kw.pop("service", Unanswering())
    all_held = production.play_rounds(stage, shown, rounds, tmp_path, service, **kw)  # type: ignore[arg-type]
    return all_held, " ".join(said(shown).split())


def test_hands_free_each_round_is_headed_by_its_number_and_ends_with_its_result(
    tmp_path: Path,
) -> None:
    failed = [SceneResult(ONE, failure="One, step 2 (run): the counter never printed 5")]
    stage = Stand([held(), failed, held()])
    all_held, shown = play(stage, 3, tmp_path)
    assert not all_held, "one round failed"
    assert "The talk - round 1" in shown and "The talk - round 3" in shown
    assert "Round 1: every claim held." in shown and "Round 3: every claim held." in shown
    assert "Round 2 FAILED: One, step 2 (run): the counter never printed 5" in shown
    assert not stage.rounds, "every round played"


def test_presenting_one_round_is_headed_by_the_talk_alone(tmp_path: Path) -> None:
    stage = Stand([held()], hands_free=False)
    all_held, shown = play(stage, 1, tmp_path)
    assert all_held and "The talk" in shown and "round 1" not in shown
    assert "Rehearsal report" not in shown and planned(tmp_path) == []


def test_a_rehearsal_reports_the_round_and_keeps_its_times_for_the_notes_screen(
    tmp_path: Path,
) -> None:
    stage = Stand([held()], hands_free=False, rehearsal=True)
    _, shown = play(stage, 1, tmp_path)
    assert "Rehearsal report" in shown and "The round: 1 scene" in shown
    assert planned(tmp_path) == [("One", "", 2.0), ("One", "1. pause", 1.5)]


def test_rounds_from_the_takes_go_live_once_temporal_answers(tmp_path: Path) -> None:
    stage = Stand([held(), held(), held()])
    service = Unanswering(False, True)
    all_held, shown = play(stage, 3, tmp_path, service=service, offline=True, waiting=True)
    assert all_held and stage.played_offline == [True, False, False]
    assert "Round 1: every scene shown from its verified recording (not live)." in shown
    assert "Temporal answers at temporal.example:7233: the talk is live again" in shown
    assert "Round 2: every claim held." in shown and not service.answering, "asked no more"


def test_an_existing_service_away_before_a_hands_free_show_plays_its_takes_meanwhile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show = SimpleNamespace(scenes=[ONE])
    usable = SimpleNamespace(usable=lambda show, scene: True)
    assert production._reach(Unanswering(False), show, usable, HandsFree) is True  # type: ignore[arg-type]
    assert "does not answer: playing the verified takes meanwhile" in capsys.readouterr().out
    none = SimpleNamespace(usable=lambda show, scene: False)
    with pytest.raises(DemoError, match="does not answer") as error:
        production._reach(Unanswering(False), show, none, HandsFree)  # type: ignore[arg-type]
    assert error.value.status == Status.UNREACHABLE, "no take to give the talk from"
    assert production._reach(Unanswering(True), show, none, HandsFree) is False  # type: ignore[arg-type]
