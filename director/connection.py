"""One Temporal client on one event loop, every call bounded: a service that is down fails fast."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import Client
from temporalio.service import RetryConfig

T = TypeVar("T")

BRIEF = RetryConfig(
    initial_interval_millis=50, max_interval_millis=250, max_elapsed_time_millis=1000, max_retries=4
)
"""The director's own calls retry for a second at most: a service that is down fails fast."""


class Connection:
    """One Temporal client on one event loop, connected on first use and kept; every call
    bounded by a timeout, so a service that is down fails fast instead of after 10 s of retries."""

    def __init__(self, config: Callable[[], dict[str, Any]], timeout: float = 3.0) -> None:
        self._config = config
        self.timeout = timeout
        self._runner = asyncio.Runner()
        self._client: Client | None = None

    def call(self, request: Callable[[Client], Awaitable[T]], timeout: float | None = None) -> T:
        """What `request` returns, made with the client; what it raises, or TimeoutError."""

        async def attempt() -> T:
            if self._client is None:
                self._client = await Client.connect(**self._config(), retry_config=BRIEF)
            return await request(self._client)

        return self._runner.run(asyncio.wait_for(attempt(), timeout or self.timeout))

    def settings(self) -> dict[str, Any]:
        """Client.connect's arguments for this service, as they are now: for a client of
        its own (one that follows a history off the show's thread)."""
        return self._config()

    def answers(self, timeout: float | None = None) -> bool:
        """Whether the service answers for the namespace (not just the port)."""
        rpc_timeout = timedelta(seconds=timeout or self.timeout)
        try:
            self.call(lambda client: client.count_workflows(rpc_timeout=rpc_timeout), timeout)
        except Exception:
            return False
        return True

    def drop(self) -> None:
        """Forget the client (its service started again): the next call connects afresh."""
        self._client = None

    def close(self) -> None:
        self._client = None
        self._runner.close()
