"""counter-demo: a self-driving stage demo of durable execution. `python demo.py --help`."""

import signal
import sys

# Ctrl-C while Python is still loading the director: leave quietly (nothing runs yet).
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

from director.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
