"""The keeper of Temporal: started before it is needed, watched, waited for, kept small."""

from __future__ import annotations

from pathlib import Path

import pytest

from director.errors import StepFailed
from director.pacing import HandsFree, Presenting
from director.scenes import Scene
from director.steps import Pause, Run
from director.supervision import Keeper
from tests.unit.conftest import Clock, FakeService, narrator, said

NEEDS = Scene("d", "Durable", Path("d.toml"), (Run(program="p.py", durable=True),))
NEEDS_NOT = Scene("n", "Normal", Path("n.toml"), (Pause(),))


def keeper(mode: type = HandsFree, existing: bool = False, limit: int = 0) -> Keeper:
    talk = narrator(160)
    return Keeper(FakeService(existing), talk, mode(talk, 1.0, Clock()), limit)  # type: ignore[arg-type]


def no_wait(seconds: float) -> None:
    return None


def test_temporal_is_started_only_for_a_scene_that_needs_it() -> None:
    kept = keeper()
    kept.prepare(NEEDS_NOT, no_wait)
    assert kept.service.starts == 0
    kept.prepare(NEEDS, no_wait)
    kept.prepare(NEEDS, no_wait)
    assert kept.service.starts == 1, "started once, then it is ready"
    assert "Temporal ready at localhost:7233 in 0.2 s" in said(kept.narrator)
    assert kept.narrator.screen.status is None, "the spinner is gone once it is ready"


def test_a_dev_server_that_dies_fails_the_scene_watching_it() -> None:
    kept = keeper()
    kept.prepare(NEEDS, no_wait)
    kept.check()
    kept.service.alive = False
    assert kept.died
    with pytest.raises(StepFailed, match="the Temporal dev server died"):
        kept.check()
    kept.prepare(NEEDS_NOT, no_wait)
    kept.check()  # a scene without Temporal does not care


def test_once_a_scene_is_over_the_dev_servers_death_fails_nothing_until_the_next() -> None:
    kept = keeper()
    kept.prepare(NEEDS, no_wait)
    kept.scene_over()
    kept.service.alive = False
    kept.check()  # a take shown after the scene waits as a scene does: it is not live
    assert kept.died, "the next scene still learns that it died"
    kept.prepare(NEEDS, no_wait)
    assert kept.service.starts == 2, "and starts it again"


def test_the_scenes_own_kill_is_not_a_failure() -> None:
    kept = keeper()
    kept.prepare(NEEDS, no_wait)
    kept.kill_server()
    kept.check()
    assert kept.start_server_again() == 0.25
    kept.service.alive = False
    with pytest.raises(StepFailed):
        kept.check()


def test_hands_free_rides_out_failures_only_once_temporal_ran() -> None:
    kept = keeper()
    assert not kept.rides_out, "a first start that fails ends the show, with its reason"
    kept.prepare(NEEDS, no_wait)
    assert kept.rides_out
    presenting = keeper(Presenting)
    presenting.prepare(NEEDS, no_wait)
    assert not presenting.rides_out, "a presenter hears at once what went wrong"


def test_hands_free_waits_for_an_existing_service_with_backoff() -> None:
    kept = keeper(existing=True)
    kept.service.answering = [False] * 7
    waits: list[float] = []
    statuses: list[str | None] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        statuses.append(kept.narrator.screen.status)

    kept.prepare(NEEDS, wait)
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    assert statuses[0] == (
        "[stage.warning]Temporal at localhost:7233 does not answer: trying again in 1 s[/]"
    )
    assert kept.narrator.screen.status is None and kept.service.starts == 0


def test_a_presenter_is_not_kept_waiting_by_the_keeper() -> None:
    kept = keeper(Presenting, existing=True)
    kept.service.answering = [False]
    kept.prepare(NEEDS, no_wait)
    assert kept.service.answering == [False], "not asked: it was checked before the show"


def test_between_rounds_a_db_past_its_limit_starts_afresh() -> None:
    kept = keeper(limit=1000)
    kept.new_round()
    assert "outgrew" not in said(kept.narrator)
    kept.service.trimmed = True
    kept.new_round()
    assert "The dev server's db file outgrew its limit: starting afresh" in said(kept.narrator)
    unlimited = keeper()
    unlimited.service.trimmed = True
    unlimited.new_round()
    assert "outgrew" not in said(unlimited.narrator)


def test_a_dev_server_that_lost_its_db_starts_afresh_before_the_next_scene() -> None:
    kept = keeper()
    kept.prepare(NEEDS, no_wait)
    kept.service.fault = "lost its db file (it was deleted)"
    kept.prepare(NEEDS, no_wait)
    assert kept.service.afreshes == 1 and kept.service.starts == 2
    assert (
        "The Temporal dev server lost its db file (it was deleted): starting it afresh "
        "with a new db file" in said(kept.narrator)
    )


def test_after_a_failed_scene_temporal_is_recovered_only_when_it_was_the_cause() -> None:
    kept = keeper()
    kept.prepare(NEEDS, no_wait)
    assert not kept.recovered(), "the scene failed for another reason"
    kept.service.fault = "cannot write its db file"
    assert kept.recovered() and kept.service.afreshes == 1
    assert "cannot write its db file: starting it afresh with a new db file, same scene" in (
        said(kept.narrator)
    )
    assert not keeper(existing=True).recovered(), "an existing service is not ours to fix"
