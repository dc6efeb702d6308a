"""Plumbing for the durable programs (start-execution.py, worker.py, starter.py), not part of
the talk: a clean Ctrl-C from the first moment, the command line, quiet logs, patient retries
while Temporal is away, a quick return when it is back, and a quick, quiet exit."""

import os
import signal

# Ctrl-C while the program is still starting up: just leave quietly.
signal.signal(signal.SIGINT, lambda *_: os._exit(130))

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client, RetryConfig
from temporalio.envconfig import ClientConfig
from temporalio.plugin import SimplePlugin
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.worker import Worker

WAITING = "(no answer from Temporal: waiting for it to come back)"
BACK = "(Temporal is back: carrying on)"

# While Temporal is away, keep asking (at least once a second) instead of giving up.
PATIENT = RetryConfig(max_interval_millis=1000, max_elapsed_time_millis=None, max_retries=10**9)

_target = "localhost:7233"


def quiet_runtime() -> Runtime:
    """Temporal's engine keeps its warnings to itself: the watchdog below says what matters."""
    engine = logging.getLogger("temporal-engine")
    engine.propagate = False
    engine.addHandler(logging.NullHandler())
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=engine),
            )
        )
    )


class Watchdog(SimplePlugin):
    """Notices within a second that Temporal stopped answering, and the moment it answers
    again starts a fresh worker on a fresh client, so the count carries on at once.

    Why: the SDK's worker waits between polls with a backoff (0.2 s doubling to 10 s) that no
    Python option reaches, and a poll already waiting is not woken when Temporal returns;
    left alone, the count would stand still for up to 10 s. The old workers are kept until
    the program ends: stopping one just as Temporal returns can lose the task it was handed.
    """

    PING_EVERY = 0.25  # seconds
    MISSES = 2  # pings in a row that find no answer before it says so

    def __init__(self, connect: dict[str, Any]) -> None:
        super().__init__("counter-demo.watchdog")
        self.connect = connect
        self.fresh: list[asyncio.Task[None]] = []

    async def run_worker(self, worker: Worker, next: Callable[[Worker], Awaitable[None]]) -> None:
        if getattr(worker, "fresh", False):
            return await next(worker)  # one of ours: only the program's own worker is watched
        watching = asyncio.create_task(self.watch(worker))
        try:
            await next(worker)
        finally:
            watching.cancel()

    async def watch(self, worker: Worker) -> None:
        misses, away = 0, False
        while True:
            await asyncio.sleep(self.PING_EVERY)
            if await self.answers(worker.client):
                misses = 0
                if away and await self.start_fresh(worker):
                    away = False
                    print(BACK, file=sys.stderr, flush=True)
            else:
                misses += 1
                if misses == self.MISSES and not away:
                    away = True
                    print(WAITING, file=sys.stderr, flush=True)

    async def answers(self, client: Client) -> bool:
        try:
            await client.workflow_service.get_system_info(
                GetSystemInfoRequest(), retry=False, timeout=timedelta(seconds=1)
            )
        except Exception:
            return False
        return True

    async def start_fresh(self, worker: Worker) -> bool:
        """A new worker like `worker` on a new client; False if Temporal did not take it."""
        try:
            client = await Client.connect(**self.connect)  # it does not retry: we ping again
        except Exception:
            return False
        fresh = Worker(**{**worker.config(), "client": client})
        fresh.fresh = True  # type: ignore[attr-defined]
        self.fresh.append(asyncio.create_task(fresh.run()))
        return True


def connect_config(address: str | None, namespace: str | None) -> dict[str, Any]:
    """Client.connect's arguments: the flags, else Temporal's environment configuration
    (TEMPORAL_ADDRESS & co., a profile), else localhost; with quiet logs, patient retries,
    and the watchdog."""
    global _target
    config: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    config["target_host"] = _target = address or config.get("target_host") or "localhost:7233"
    config["namespace"] = namespace or config.get("namespace") or "default"
    config |= {"runtime": quiet_runtime(), "retry_config": PATIENT}
    return {**config, "plugins": [Watchdog(config)]}


@dataclass(frozen=True)
class Settings:
    """What a durable program was told on its command line, and how it finds Temporal."""

    limit: int
    interval: float
    workflow_id: str
    connect: dict[str, Any]
    """Client.connect's arguments."""

    @property
    def task_queue(self) -> str:
        """Where the workflow's tasks wait for a worker: one queue a counter."""
        return f"counter-{self.workflow_id}"


def settings(about: str | None) -> Settings:
    """The command line (--limit, --interval, --workflow-id, --address, --namespace), read and
    checked; `about` is the program's --help."""
    parser = argparse.ArgumentParser(description=about)
    parser.add_argument("--limit", type=int, default=10, help="count up to this number")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between numbers")
    same = "the same id picks up the same count"
    parser.add_argument("--workflow-id", default="counter", help=same)
    parser.add_argument("--address", help="Temporal service host:port (default: localhost:7233)")
    parser.add_argument("--namespace", help="Temporal namespace (default: default)")
    args = parser.parse_args()
    if not (args.limit >= 1 and args.interval >= 0):
        parser.error("--limit must be 1 or more and --interval 0 or more")
    connect = connect_config(args.address, args.namespace)
    return Settings(args.limit, args.interval, args.workflow_id, connect)


STOP_WITHIN = 0.2
"""Seconds Ctrl-C may take: a worker stopping cleanly takes a few ms (at most 30 measured),
but one waiting out a poll while Temporal is away (or on a server that lets polls finish)
would take seconds."""


def run(main: Coroutine[Any, Any, None]) -> NoReturn:
    """Run `main` to the end, or until Ctrl-C (or SIGTERM) stops the worker cleanly; then
    leave at once with the exit status: 0 done, 130 stopped, 2 no Temporal, 1 any other error."""
    loop = asyncio.new_event_loop()
    counting = loop.create_task(main)

    def stop() -> None:
        counting.cancel()
        loop.call_later(STOP_WITHIN, leave, 130)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        loop.run_until_complete(counting)
        status = 0
    except asyncio.CancelledError:
        status = 130
    except Exception as error:
        # The SDK says "Failed client connect: ..." when nothing answers at the address.
        if str(error).startswith("Failed client connect"):
            print(f"{_name()}: cannot reach Temporal at {_target}", file=sys.stderr)
            status = 2
        else:
            print(f"{_name()}: {error}", file=sys.stderr)
            status = 1
    leave(status)


def _name() -> str:
    """The program's name, as its messages start: `worker`."""
    return Path(sys.argv[0]).stem


def leave(status: int) -> NoReturn:
    """Leave at once: Temporal's engine threads must not see Python shut down."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
