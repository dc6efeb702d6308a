"""The worker: runs the counter's code for whoever starts it, until Ctrl-C."""

import plumbing  # clean Ctrl-C, the command line, quiet logs: not part of the talk

from businesslogic import CountTo
from temporalio.client import Client
from temporalio.worker import Worker

settings = plumbing.settings(__doc__)


async def main() -> None:
    # Connect to Temporal: the flags, else TEMPORAL_ADDRESS & co.
    client = await Client.connect(**settings.connect)

    # Wait for the counter's tasks and do them: the counting.
    # The worker keeps nothing that matters; Temporal keeps it all.
    print("worker: ready for the count", flush=True)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[CountTo],
        max_cached_workflows=0,
    )
    await worker.run()


# Work until Ctrl-C (or kill -9) stops it.
plumbing.run(main())
