"""The starter: starts the counter (or finds the one running) and waits for its result."""

import plumbing  # clean Ctrl-C, the command line, quiet logs: not part of the talk

from businesslogic import CountTo
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

settings = plumbing.settings(__doc__)


async def main() -> None:
    # Connect to Temporal: the flags, else TEMPORAL_ADDRESS & co.
    client = await Client.connect(**settings.connect)

    # Start the counter, or pick up the one with this workflow id.
    counter = await client.start_workflow(
        CountTo.count_to,
        args=[settings.limit, settings.interval],
        id=settings.workflow_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    print("started the workflow", flush=True)
    print(f"  {counter.id}", flush=True)

    # Wait for the result. A worker does the counting; if it
    # dies, Temporal waits for the next one, and so do we.
    print("waiting for its result ...", flush=True)
    result = await counter.result()
    print(f"result: {result}", flush=True)


plumbing.run(main())
