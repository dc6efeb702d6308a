"""The scene's workflow history followed as Temporal writes it, off the show's thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from director.connection import BRIEF
from director.record import CLOSED, Recorded

POLL_TIMEOUT = timedelta(seconds=30)
"""One long poll's limit: more than the 20 s a server holds one with nothing new."""
PAUSES = (0.25, 0.5, 1.0)
"""How long it waits before trying again, after one failure, two, three or more."""
NOT_YET = 0.05
"""How often it asks for a workflow not started yet: its first events are soon in the pane."""
STOP_WITHIN = 0.5


class Follower:
    """A workflow's history, followed by a long poll on its own thread, loop and client: each
    event as Temporal writes it, read by any thread as a snapshot. A dead or slow server
    never stalls whoever reads it: the follower waits, connects again, and goes on from the
    last event it has."""

    def __init__(self, config: Callable[[], dict[str, Any]], workflow_id: str) -> None:
        self._config = config
        self.workflow_id = workflow_id
        self._lock = threading.Lock()
        self._events: list[Recorded] = []
        self._error: str | None = None
        self._run_id: str | None = None
        self._stopped = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="history", daemon=True)

    @property
    def events(self) -> tuple[Recorded, ...]:
        """Every event read so far, in order."""
        with self._lock:
            return tuple(self._events)

    @property
    def error(self) -> str | None:
        """Why it cannot follow now, if it cannot (e.g. "Temporal does not answer")."""
        with self._lock:
            return self._error

    @property
    def done(self) -> bool:
        """Whether the history is complete (the workflow's run ended): nothing more comes."""
        with self._lock:
            return bool(self._events) and self._events[-1].type in CLOSED

    @property
    def following(self) -> bool:
        """Whether its thread still follows."""
        return self._thread.is_alive()

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop following, within STOP_WITHIN s whatever the server does."""
        with self._lock:
            self._stopped = True
            loop, task = self._loop, self._task
        if loop and task:
            with contextlib.suppress(RuntimeError):  # its loop already closed
                loop.call_soon_threadsafe(task.cancel)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(STOP_WITHIN)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            with self._lock:
                if self._stopped:
                    return
                self._loop, self._task = loop, loop.create_task(self._follow())
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(self._task)
        finally:
            with self._lock:
                self._loop = None
            loop.close()

    async def _follow(self) -> None:
        client: Client | None = None
        failures = 0
        while not self._stopped:
            try:
                if client is None:
                    client = await Client.connect(**self._config(), retry_config=BRIEF)
                if await self._read(client):
                    return
                failures = 0
            except RPCError as error:
                if error.status == RPCStatusCode.NOT_FOUND:  # not started yet: waited for
                    self._say(None)
                    failures = 0
                else:
                    client, failures = None, failures + 1
                    self._say(_reason(error))
            except Exception as error:  # e.g. "Failed client connect"
                client, failures = None, failures + 1
                self._say(_reason(error))
            await asyncio.sleep(PAUSES[min(failures, len(PAUSES)) - 1] if failures else NOT_YET)

    async def _read(self, client: Client) -> bool:
        """Follow the history from its start to its end, adding the events not had yet;
        whether it ended (the run closed)."""
        handle = client.get_workflow_handle(self.workflow_id, run_id=self._run_id)
        events = handle.fetch_history_events(wait_new_event=True, rpc_timeout=POLL_TIMEOUT)
        async for proto in events:
            self._run_id = self._run_id or _run_of(proto)  # this run, whatever starts later
            event = Recorded.from_proto(proto)
            with self._lock:
                self._error = None
                if not self._events or event.id > self._events[-1].id:
                    self._events.append(event)
        return self.done

    def _say(self, error: str | None) -> None:
        with self._lock:
            self._error = error


def _run_of(event: HistoryEvent) -> str | None:
    """The run a WorkflowExecutionStarted event begins, or None for any other event."""
    if not event.HasField("workflow_execution_started_event_attributes"):
        return None
    return event.workflow_execution_started_event_attributes.original_execution_run_id or None


def _reason(error: Exception) -> str:
    """Why it cannot follow, in a few words."""
    gone = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED)
    if isinstance(error, RPCError) and error.status in gone:
        return "Temporal does not answer"
    if str(error).startswith("Failed client connect"):  # what the SDK says when nothing answers
        return "Temporal does not answer"
    return f"cannot follow the history: {' '.join(str(error).split())[:80] or type(error).__name__}"
