"""What a real Temporal dev server recorded of the talk's own workflow: the history replays
against its code and not against code whose commands changed, a timer fired while no worker
ran, and a follower sees every event as it is written."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from director import TALK
from director.devserver import DevServer
from director.following import Follower
from director.record import (
    Record,
    completed_once,
    fetch,
    fired_unattended,
    ref_problem,
    replays,
    unattended,
)

CODE = TALK / "counter" / "durable-execution"
REF = "counter/durable-execution/businesslogic.py:CountTo"
sys.path.insert(0, str(CODE))  # the workflow's module, by name, as the worker's sandbox imports it

from businesslogic import CountTo  # noqa: E402

Follow = Callable[[DevServer, str], Follower]
"""Starts a follower of a workflow on a server; the test's followers are stopped after it."""


def config(server: DevServer) -> dict:
    return {"target_host": server.address, "namespace": server.namespace}


async def count(
    server: DevServer, limit: int = 3, interval: float = 0.1, workflow_id: str = ""
) -> Record:
    """Run the talk's CountTo to the end in a worker of this process; what was recorded."""
    client = await Client.connect(**config(server))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    workflow_id = workflow_id or f"counter-{queue}"
    async with Worker(client, task_queue=queue, workflows=[CountTo]):
        await client.execute_workflow(
            CountTo.count_to, args=[limit, interval], id=workflow_id, task_queue=queue
        )
    return await fetch(client, workflow_id)


@pytest.fixture
def recorded(temporal: DevServer) -> Record:
    return asyncio.run(count(temporal))


def test_the_recorded_history_replays_against_the_talks_own_code(recorded: Record) -> None:
    verdict = replays(recorded.json, recorded.workflow_id, REF, TALK)
    assert verdict.held, verdict.seen
    assert (
        f"{len(recorded.events)} events replayed against businesslogic.py:CountTo" in verdict.seen
    )
    assert completed_once(recorded.events).held


def test_the_history_does_not_replay_against_code_that_starts_another_timer(
    recorded: Record, tmp_path: Path
) -> None:
    changed = tmp_path / "talk" / "counter" / "durable-execution"
    shutil.copytree(CODE, changed)
    code = (changed / "businesslogic.py").read_text()
    wait = "        for number in range(1, limit + 1):\n"
    assert wait in code
    extra = "        await workflow.sleep(timedelta(seconds=interval))  # a new timer\n"
    (changed / "businesslogic.py").write_text(code.replace(wait, extra + wait))
    verdict = replays(recorded.json, recorded.workflow_id, REF, tmp_path / "talk")
    assert not verdict.held, verdict.seen
    assert "businesslogic.py:CountTo" in verdict.seen and "non-determinism" in verdict.seen, (
        verdict.seen
    )
    missing = replays(recorded.json, recorded.workflow_id, REF.replace("CountTo", "Nope"), TALK)
    assert not missing.held and missing.seen == "businesslogic.py has no class Nope"


@pytest.mark.parametrize("name", ["types.py", "count-to.py"])
def test_the_talks_code_replays_whatever_its_file_is_called(
    recorded: Record, tmp_path: Path, name: str
) -> None:
    code = tmp_path / "talk" / "counter"
    shutil.copytree(CODE, code)
    (code / "businesslogic.py").rename(code / name)  # a module of Python's name; no name
    verdict = replays(recorded.json, recorded.workflow_id, f"counter/{name}:CountTo",
                      tmp_path / "talk")  # fmt: skip
    assert verdict.held, verdict.seen


def test_a_workflow_file_linked_from_outside_the_talk_is_refused(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    talk.mkdir()
    (talk / "linked.py").symlink_to(CODE / "businesslogic.py")
    assert "a link leads out of it" in (ref_problem("linked.py:CountTo", talk) or "")


def until(condition: Callable[[], bool], within: float) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def follower_of() -> Iterator[Follow]:
    followers: list[Follower] = []

    def make(server: DevServer, workflow_id: str) -> Follower:
        followers.append(Follower(lambda: config(server), workflow_id).start())
        return followers[-1]

    yield make
    for follower in followers:
        follower.stop()


def test_a_follower_started_before_the_workflow_sees_every_event_once_then_stops(
    temporal: DevServer, follower_of: Follow
) -> None:
    workflow_id = f"counter-follow-{uuid.uuid4().hex[:8]}"
    follower = follower_of(temporal, workflow_id)
    time.sleep(0.5)  # it waits for a workflow that does not exist yet
    assert follower.following and follower.events == () and follower.error is None
    record = asyncio.run(count(temporal, workflow_id=workflow_id))
    assert until(lambda: follower.done, 1), "each event as it is written"
    assert until(lambda: not follower.following, 1), "it stopped by itself at the end"
    assert [e.id for e in follower.events] == [e.id for e in record.events]
    assert follower.events == tuple(record.events) and follower.done


def test_stopping_a_follower_is_prompt_before_the_workflow_starts_and_during_a_long_poll(
    temporal: DevServer, follower_of: Follow
) -> None:
    waiting = follower_of(temporal, f"counter-never-{uuid.uuid4().hex[:8]}")
    workflow_id = f"counter-idle-{uuid.uuid4().hex[:8]}"
    polling = follower_of(temporal, workflow_id)
    asyncio.run(start_only(temporal, workflow_id))  # no worker: nothing more is written
    assert until(lambda: len(polling.events) == 2, 2), "started, its first task scheduled"
    time.sleep(0.3)
    for follower in (waiting, polling):
        started = time.monotonic()
        follower.stop()
        assert time.monotonic() - started < 0.5 and not follower.following


async def start_only(server: DevServer, workflow_id: str) -> None:
    client = await Client.connect(**config(server))
    await client.start_workflow(CountTo.count_to, args=[3, 0.1], id=workflow_id, task_queue="idle")


async def two_workers(server: DevServer, workflow_id: str) -> Record:
    """A count of 3 a second apart: worker A is shut down while its first timer is pending,
    and worker B, started after that timer fired, finishes the count."""
    client = await Client.connect(**config(server))
    queue = f"test-{uuid.uuid4().hex[:8]}"
    first = Worker(client, task_queue=queue, workflows=[CountTo], identity="worker-a")
    running = asyncio.create_task(first.run())
    handle = await client.start_workflow(
        CountTo.count_to, args=[3, 1.0], id=workflow_id, task_queue=queue
    )
    while not any(e.type == "TimerStarted" for e in (await fetch(client, workflow_id)).events):
        await asyncio.sleep(0.05)
    await first.shutdown()
    await running
    await asyncio.sleep(1.5)  # the timer fires with no worker running
    async with Worker(client, task_queue=queue, workflows=[CountTo], identity="worker-b"):
        await handle.result()
    return await fetch(client, workflow_id)


def test_a_timer_that_fired_between_two_workers_fired_unattended(
    temporal: DevServer, follower_of: Follow
) -> None:
    workflow_id = f"counter-gap-{uuid.uuid4().hex[:8]}"
    follower = follower_of(temporal, workflow_id)
    record = asyncio.run(two_workers(temporal, workflow_id))
    verdict = fired_unattended(record.events)
    assert verdict.held, verdict.seen
    assert "worker worker-a's last task" in verdict.seen
    assert "worker worker-b's first" in verdict.seen
    fired = [e.id for e in record.events if e.type == "TimerFired"]
    assert fired[0] in unattended(record.events) and fired[-1] not in unattended(record.events)
    assert completed_once(record.events).held
    assert replays(record.json, workflow_id, REF, TALK).held
    assert until(lambda: not follower.following, 2)
    assert follower.events == tuple(record.events)


def test_a_follower_carries_on_when_the_server_is_killed_and_started_again(
    tmp_path: Path, follower_of: Follow
) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    server.start()
    try:
        asyncio.run(_crash_while_following(server, follower_of))
    finally:
        server.stop()


async def _crash_while_following(server: DevServer, follower_of: Follow) -> None:
    """The workflow starts with no worker; the server is killed and started again from its
    db file; a worker then runs the count to the end."""
    workflow_id = f"counter-crash-{uuid.uuid4().hex[:8]}"
    follower = follower_of(server, workflow_id)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    client = await Client.connect(**config(server))
    await client.start_workflow(CountTo.count_to, args=[3, 0.1], id=workflow_id, task_queue=queue)
    while len(follower.events) < 2:
        await asyncio.sleep(0.05)
    await asyncio.to_thread(server.kill)
    await asyncio.sleep(1.5)
    assert follower.error == "Temporal does not answer" and follower.following
    await asyncio.to_thread(server.start)  # its own loop: not on this one
    client = await Client.connect(**config(server))
    async with Worker(client, task_queue=queue, workflows=[CountTo]):
        await client.get_workflow_handle(workflow_id).result()
    record = await fetch(client, workflow_id)
    deadline = time.monotonic() + 5
    while follower.following and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not follower.following and follower.error is None
    assert follower.events == tuple(record.events), "every event once, in order"
