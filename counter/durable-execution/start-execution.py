"""Run the counter durably with Temporal: run it again after a stop and it carries on."""

import plumbing  # clean Ctrl-C, the command line, quiet logs: not part of the talk

from businesslogic import CountTo
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker

# The settings from the command line, e.g. --limit 10 --interval 1.
settings = plumbing.settings(__doc__)


async def main() -> None:
    # Connect to Temporal: the flags, else TEMPORAL_ADDRESS & co.
    client = await Client.connect(**settings.connect)

    # Run a worker (it does the counting) and start the counter,
    # or pick up the one with this workflow id if it already runs.
    task_queue = settings.task_queue
    async with Worker(client, task_queue=task_queue, workflows=[CountTo], max_cached_workflows=0):
        await client.execute_workflow(
            CountTo.count_to,
            args=[settings.limit, settings.interval],
            id=settings.workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )


# Count until done (Ctrl-C stops the worker cleanly).
plumbing.run(main())
