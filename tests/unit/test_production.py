"""The production's rounds with a stand-in stage: headings, each round's result (what failed
named, hands-free its length and the tally) and the card between rounds, the rehearsal
report kept for the notes screen, the talk live again once Temporal answers."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from director import production
from director.claims import Verdict
from director.errors import DemoError, Status
from director.formats import Recordings
from director.pacing import HandsFree
from director.publisher import planned
from director.results import SceneResult
from director.scenes import Scene
from tests.unit.conftest import narrator, said

ONE = Scene("one", "One", Path("/talk/scenes/one.toml"), ())


@dataclass
class Stand:
    """Stands for the Stage: plays the rounds' results given (each taking `seconds` on its
    clock), noting if each was offline, and what was on screen at each beat between them."""

    rounds: list[list[SceneResult]]
    hands_free: bool = True
    rehearsal: bool = False
    seconds: float = 65.0
    played_offline: list[bool] = field(default_factory=list)
    beats: list[tuple[float, str]] = field(default_factory=list)
    now: float = 0.0

    def __post_init__(self) -> None:
        self.show = SimpleNamespace(title="The talk")
        self.pacing = SimpleNamespace(
            hands_free=self.hands_free, rehearsal=self.rehearsal, beat=self.beat
        )
        self.narrator = narrator()

    def clock(self) -> float:
        return self.now

    def play_round(self, offline: bool = False) -> list[SceneResult]:
        self.played_offline.append(offline)
        self.now += self.seconds
        return self.rounds.pop(0)

    def beat(self, seconds: float, wait: object) -> None:
        assert wait == self.idle, "the beat reads the keys: q still quits"
        self.beats.append((seconds, str(self.narrator.screen.main and flat(self.narrator))))

    def idle(self, seconds: float) -> None: ...


def flat(shown: object) -> str:
    return " ".join(said(shown).split())  # type: ignore[arg-type]


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
    service = kw.pop("service", Unanswering())
    all_held = production.play_rounds(stage, stage.narrator, rounds, tmp_path, service, **kw)  # type: ignore[arg-type]
    return all_held, flat(stage.narrator)


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
    assert "Round 1: every claim held. 1:05, 1 of 1 round held." in shown
    assert "the counter never printed 5. 1:05, 1 of 2 rounds held." in shown
    assert "Round 3: every claim held. 1:05, 2 of 3 rounds held." in shown


def test_between_hands_free_rounds_a_card_says_where_the_kiosk_is(tmp_path: Path) -> None:
    failed = [SceneResult(ONE, failure="One, step 2 (run): the counter never printed 5")]
    stage = Stand([held(), failed, held()])
    play(stage, 3, tmp_path)
    assert [seconds for seconds, _ in stage.beats] == [production.CARD_BEAT] * 2, (
        "not after the last"
    )
    first, second = (shown.rsplit("╭", 1)[-1] for _, shown in stage.beats)  # the last panel
    assert "Round 1 - every claim held - 1:05 - 1 of 1 round held" in first
    assert (
        "Round 2 - FAILED - 1:05 - 1 of 2 rounds held │ │ One, step 2 (run): the counter" in second
    )


def test_a_kiosk_until_stopped_has_a_card_after_every_round(tmp_path: Path) -> None:
    stage = Stand([held(), held()])
    with pytest.raises(IndexError):  # the stand-in has no third round: as if stopped there
        play(stage, None, tmp_path)
    assert len(stage.beats) == 2 and "2 of 2 rounds held" in stage.beats[1][1]


def test_a_failed_round_names_each_failed_scene_with_its_claims_or_its_step(tmp_path: Path) -> None:
    two = Scene("two", "Two", Path("/talk/scenes/two.toml"), ())
    starts = Verdict("after the restart it starts again at 1", False, "first after: 4")
    completes = Verdict("the count reaches its limit", False, "last run ended at 7")
    results = [
        SceneResult(
            ONE, verdicts=[Verdict("no number is lost", True, "lost: none"), starts, completes]
        ),
        *held(),
        SceneResult(
            two, failure="Two, step 5 (wait_for): the counter never printed 5\nits output: 1 2 3"
        ),
    ]
    _, shown = play(Stand([results], hands_free=False), 1, tmp_path)
    assert (
        "Round 1 FAILED: One: after the restart it starts again at 1 (first after: 4), the "
        "count reaches its limit (last run ended at 7); Two, step 5 (wait_for): the counter "
        "never printed 5"
    ) in shown
    assert "no number is lost" not in shown and "its output" not in shown, "held, or a second line"
    path = "Two, step 1 (run): cannot start ./tool.sh: /" + "x" * 400 + "/tool.sh: not executable"
    seen = Verdict("it prints 'TimerFired'", False, "y" * 400)
    said = production.what_failed([SceneResult(two, failure=path, verdicts=[seen])])
    assert said[0] == path, "a failed step said whole: the path in it is what to fix"
    assert len(said[1]) < 200 and said[1].endswith("y...)"), "what a claim saw is cut short"


def test_presenting_one_round_is_headed_by_the_talk_alone(tmp_path: Path) -> None:
    stage = Stand([held()], hands_free=False)
    all_held, shown = play(stage, 1, tmp_path)
    assert all_held and "The talk" in shown and "round 1" not in shown
    assert "Round 1: every claim held." in shown and "1 of 1" not in shown and not stage.beats
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


@pytest.mark.parametrize(("theme", "variant"), [("solarized-light", "light"), ("nord", "dark")])
def test_a_recording_is_drawn_for_its_themes_background_and_a_take_for_the_terminal(
    tmp_path: Path, theme: str, variant: str
) -> None:
    args = SimpleNamespace(record_size=None, idle_limit=None, theme=theme)
    recordings = Recordings.of([tmp_path / "talk.cast"], tmp_path)
    with ExitStack() as stack:
        _, recorder, take = production._recorders(stack, args, "T", recordings, Console())  # type: ignore[arg-type]
        assert recorder is not None and recorder.colors == variant
        assert take.colors is None  # as the terminal is
