"""Run the counter as a normal program: if it stops, everything it did is forgotten."""

import argparse
import sys

from businesslogic import count_to

# Read the settings from the command line, e.g. --limit 10 --interval 1.
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--limit", type=int, default=10, help="count up to this number")
parser.add_argument("--interval", type=float, default=1.0, help="seconds between numbers")
args = parser.parse_args()
if not (args.limit >= 1 and args.interval >= 0):
    parser.error("--limit must be 1 or more and --interval 0 or more")

try:
    count_to(args.limit, args.interval)
except KeyboardInterrupt:
    # Ctrl-C: stop right here. Status 130 is how programs say
    # "stopped by Ctrl-C".
    sys.exit(130)
