"""Run the counter durably with Temporal: run it again after a stop and it carries on."""

import plumbing  # clean Ctrl-C, quiet logs: not part of the talk

import argparse

from businesslogic import CountTo
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
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
    # Connect to Temporal: the flags, else TEMPORAL_ADDRESS & co.
    config = plumbing.connect_config(args.address, args.namespace)
    client = await Client.connect(**config)

    # Run a worker (it does the counting) and start the counter,
    # or pick up the one with this workflow id if it already runs.
    task_queue = f"counter-{args.workflow_id}"
    async with Worker(client, task_queue=task_queue, workflows=[CountTo], max_cached_workflows=0):
        await client.execute_workflow(
            CountTo.count_to,
            args=[args.limit, args.interval],
            id=args.workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )


# Count until done (Ctrl-C stops the worker cleanly).
plumbing.run(main())
