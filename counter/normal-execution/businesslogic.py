"""The business logic: count from 1 up to a limit, one number a line."""

import time


def count_to(limit: int, interval: float) -> None:
    """Print 1, 2, 3 ... up to `limit`, waiting `interval` seconds between numbers."""
    for number in range(1, limit + 1):
        # Show the number right away (flush = don't keep it
        # waiting in a buffer).
        print(number, flush=True)

        # Wait a moment before the next number (not after the
        # last one).
        if number < limit:
            time.sleep(interval)
