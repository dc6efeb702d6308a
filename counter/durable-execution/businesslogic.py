"""The business logic: count from 1 up to a limit, one number a line, durably."""

from datetime import timedelta

from temporalio import workflow


@workflow.defn
class CountTo:
    @workflow.run
    async def count_to(self, limit: int, interval: float) -> str:
        """Print 1, 2, 3 ... up to `limit`, waiting `interval` seconds between numbers."""
        for number in range(1, limit + 1):
            # Show the number, but only the first time: when
            # Temporal replays the history to pick up where we
            # left off, it is not shown again.
            if not workflow.unsafe.is_replaying():
                print(number, flush=True)

            # Wait a moment before the next number (a durable
            # timer: Temporal remembers it, even if this program
            # stops while it is waiting).
            if number < limit:
                await workflow.sleep(timedelta(seconds=interval))

        # Done: whoever started the count gets this as its result.
        return f"counted to {limit}"
