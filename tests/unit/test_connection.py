"""The one client of a service: it fails fast where nothing answers, and never swallows a
stopping signal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from director.connection import Connection
from director.devserver import free_port
from director.signals import Stopped


def test_a_connection_tries_again_while_nothing_answers() -> None:
    made = []

    def config() -> dict:
        made.append(1)
        return {"target_host": f"localhost:{free_port()}"}

    connection = Connection(config, timeout=1)
    assert not connection.answers()
    assert not connection.answers()
    assert len(made) == 2, "no client yet: each call tries to connect"
    connection.close()


def test_a_stopping_signal_is_never_swallowed_by_a_check(tmp_path: Path) -> None:
    def stop_now() -> dict:
        raise Stopped(15)

    connection = Connection(stop_now, timeout=1)
    with pytest.raises(Stopped):
        connection.answers()
    connection.close()


def test_the_client_is_made_on_first_use_kept_and_made_again_once_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[dict] = []

    async def connect(**config: object) -> object:
        made.append(config)
        return f"client {len(made)}"

    monkeypatch.setattr("director.connection.Client.connect", connect)
    connection = Connection(lambda: {"target_host": "here:7233"}, timeout=1)
    assert not made, "nothing connects before it is used"

    async def which(client: object) -> object:
        return client

    assert connection.call(which) == connection.call(which) == "client 1"
    assert len(made) == 1 and made[0]["target_host"] == "here:7233"
    assert made[0]["retry_config"].max_elapsed_time_millis <= 1000, "it fails fast"
    connection.drop()
    assert connection.call(which) == "client 2", "a service started again: a new client"

    async def never(client: object) -> None:
        await asyncio.Event().wait()

    with pytest.raises(TimeoutError):
        connection.call(never, timeout=0.01)
    assert connection.call(which) == "client 2", "a call that timed out leaves the client"
    connection.close()
