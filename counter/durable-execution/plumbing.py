"""Plumbing for start-execution.py, not part of the talk: a clean Ctrl-C from the first
moment, quiet logs, patient retries while Temporal is away, and a quick, quiet exit."""

import os
import signal

# Ctrl-C while the program is still starting up: just leave quietly.
signal.signal(signal.SIGINT, lambda *_: os._exit(130))

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn

from temporalio.client import RetryConfig
from temporalio.envconfig import ClientConfig
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)


class SayWhenWaiting(logging.Handler):
    """Temporal's engine retries while the service is away: say so once, on stderr."""

    said = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.said and "Unavailable" in record.getMessage():
            self.said = True
            print("(no answer from Temporal: waiting for it to come back)", file=sys.stderr)


def quiet_runtime() -> Runtime:
    """Temporal's engine keeps its warnings to itself, but for "the service is away"."""
    engine = logging.getLogger("temporal-engine")
    engine.propagate = False
    engine.addHandler(SayWhenWaiting())
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=engine),
            )
        )
    )


# While Temporal is away, keep asking (at least once a second) instead of giving up.
PATIENT = RetryConfig(max_interval_millis=1000, max_elapsed_time_millis=None, max_retries=10**9)

_target = "localhost:7233"


def connect_config(address: str | None, namespace: str | None) -> dict[str, Any]:
    """Client.connect's arguments: the flags, else Temporal's environment configuration
    (TEMPORAL_ADDRESS & co., a profile), else localhost; with quiet logs and patient retries."""
    global _target
    config: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    config["target_host"] = _target = address or config.get("target_host") or "localhost:7233"
    config["namespace"] = namespace or config.get("namespace") or "default"
    return {**config, "runtime": quiet_runtime(), "retry_config": PATIENT}


def run(main: Coroutine[Any, Any, None]) -> NoReturn:
    """Run `main` to the end, or until Ctrl-C (or SIGTERM) stops the worker cleanly; then
    leave at once with the exit status: 0 done, 130 stopped, 2 no Temporal, 1 any other error."""
    loop = asyncio.new_event_loop()
    counting = loop.create_task(main)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, counting.cancel)
    try:
        loop.run_until_complete(counting)
        status = 0
    except asyncio.CancelledError:
        status = 130
    except Exception as error:
        # The SDK says "Failed client connect: ..." when nothing answers at the address.
        if str(error).startswith("Failed client connect"):
            print(f"start-execution: cannot reach Temporal at {_target}", file=sys.stderr)
            status = 2
        else:
            print(f"start-execution: {error}", file=sys.stderr)
            status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave at once: Temporal's engine threads must not see Python shut down.
    os._exit(status)
