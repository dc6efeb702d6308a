"""Run the counter durably with Temporal: run it again after a stop and it carries on."""

import os
import signal

# Ctrl-C while the program is still starting up: just leave quietly.
signal.signal(signal.SIGINT, lambda *_: os._exit(130))

import argparse
import asyncio
import logging
import sys

from businesslogic import CountTo
from temporalio.client import Client, RetryConfig
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.envconfig import ClientConfig
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.worker import Worker

# Read the settings from the command line, e.g. --limit 10 --interval 1.
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--limit", type=int, default=10, help="count up to this number")
parser.add_argument("--interval", type=float, default=1.0, help="seconds between numbers")
parser.add_argument("--workflow-id", default="counter", help="the same id picks up the same count")
parser.add_argument("--address", help="Temporal service host:port (default: localhost:7233)")
parser.add_argument("--namespace", help="Temporal namespace (default: default)")
args = parser.parse_args()
if not (args.limit >= 1 and args.interval >= 0):
    parser.error("--limit must be 1 or more and --interval 0 or more")


async def main() -> None:
    # Connect to Temporal: the flags, else TEMPORAL_ADDRESS & co., else localhost.
    config = ClientConfig.load_client_connect_config()
    config["target_host"] = args.address or config.get("target_host") or "localhost:7233"
    config["namespace"] = args.namespace or config.get("namespace") or "default"
    try:
        async with asyncio.timeout(10):
            client = await Client.connect(**config, runtime=QUIET, retry_config=PATIENT)
    except Exception:
        sys.exit(f"start-execution: cannot reach Temporal at {config['target_host']}")

    # Run a worker (it does the counting) and start the counter, or pick up
    # the one with this workflow id if it is already running.
    task_queue = f"counter-{args.workflow_id}"
    async with Worker(client, task_queue=task_queue, workflows=[CountTo], max_cached_workflows=0):
        await client.execute_workflow(
            CountTo.count_to,
            args=[args.limit, args.interval],
            id=args.workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )


# --- Plumbing below: quiet logs and a clean Ctrl-C; not part of the talk. ---


class SayWhenWaiting(logging.Handler):
    """Temporal's engine retries while the service is away: say so once, on stderr."""

    said = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.said and "Unavailable" in record.getMessage():
            self.said = True
            print("(no answer from Temporal: waiting for it to come back)", file=sys.stderr)


# Temporal's engine keeps its warnings to itself, but for "the service is away".
engine = logging.getLogger("temporal-engine")
engine.propagate = False
engine.addHandler(SayWhenWaiting())
QUIET = Runtime(
    telemetry=TelemetryConfig(
        logging=LoggingConfig(
            filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
            forwarding=LogForwardingConfig(logger=engine),
        )
    )
)

# While Temporal is away, keep asking (at least once a second) instead of giving up.
PATIENT = RetryConfig(max_interval_millis=1000, max_elapsed_time_millis=None, max_retries=10**9)

loop = asyncio.new_event_loop()
counting = loop.create_task(main())
for sig in (signal.SIGINT, signal.SIGTERM):
    # Ctrl-C: stop the worker cleanly (it finishes what it was saving), then leave.
    loop.add_signal_handler(sig, counting.cancel)
try:
    loop.run_until_complete(counting)
    status = 0
except asyncio.CancelledError:
    status = 130
except SystemExit as stop:
    print(stop.code, file=sys.stderr)
    status = 2
except Exception as error:
    print(f"start-execution: {error}", file=sys.stderr)
    status = 1
sys.stdout.flush()
sys.stderr.flush()
# Leave at once: Temporal's engine threads must not see Python shut down.
os._exit(status)
