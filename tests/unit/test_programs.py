"""A scene while it plays: each scene played gets its own workflow."""

from __future__ import annotations

from director.steps import Run, WaitFor
from tests.unit.conftest import DURABLE, Rig, scene


def test_each_scene_gets_its_own_workflow() -> None:
    one = scene(Run(program=DURABLE, durable=True, limit=2), WaitFor(exit=True), name="one")
    two = scene(Run(program=DURABLE, durable=True, limit=2), WaitFor(exit=True), name="two")
    rig = Rig(one, two)
    rig.stage.play_round()
    rig.stage.play_round()
    ids = [child.workflow for child in rig.counters.spawned]
    assert len(set(ids)) == 4 and ids[0].startswith("counter-one-")
