"""The command line's flags: the parser, each flag's converter, and a bad flag as one line."""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from director import TALK, state_home
from director.errors import DemoError, Status
from director.formats import (
    GIF_FONT_SIZE,
    THEMES,
    TRANSCRIPTS,
    VIDEO_FONT_SIZE,
    Look,
    Pixels,
    either,
    listing,
)
from director.keys import summary
from director.layouts import LAYOUTS, layouts_help
from director.pacing import MAX_SPEED
from director.palette import VARIANTS
from director.videos import fit


def said(text: str) -> str:
    """Text as one line that a terminal shows as it is: the control characters in what it
    quotes (a newline or an ESC in a path or a flag's value) are shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def program_name() -> str:
    """The program as it was called: `demo.py` or `counter-demo`."""
    return Path(sys.argv[0]).name or "counter-demo"


def version() -> str:
    try:
        return metadata.version("counter-demo")
    except metadata.PackageNotFoundError:
        return "(not installed)"


class Parser(argparse.ArgumentParser):
    """argparse's parser, but a bad flag is one line on stderr, as every other mistake is:
    the program, the flag and what is wrong with it (exit 2). --help is argparse's own."""

    def error(self, message: str) -> NoReturn:
        self.exit(Status.USAGE, f"{self.prog}: {said(_one_line(message))}\n")


def _one_line(message: str) -> str:
    """argparse's error message as the README writes errors: `--speed: must be ...`."""
    message = re.sub(r"\bargument ", "", message)  # "argument --speed: ..." and "with argument"
    message = message.replace("expected one argument", "needs a value")
    if found := re.fullmatch(r"unrecognized arguments: (.*)", message, re.S):
        message = f"{found[1]}: not a flag it knows (--help lists them)"
    elif found := re.fullmatch(r"the following arguments are required: (.*)", message, re.S):
        message = f"{found[1]}: missing (--help says what it is)"
    return " ".join(message.split())  # a value given with a newline in it stays on one line


def make_parser() -> Parser:
    """The show's flags (and --notes's), each with its converter and its help."""
    parser = Parser(
        prog=program_name(),
        description="Play the counter talk: a live demo of durable execution with Temporal. "
        "`init DIR` writes an editable copy of the talk to play with --talk DIR.",
        epilog=summary()
        + " Exit status: 0 every claim held, 1 a claim failed, 2 bad usage or scene file, "
        "3 Temporal unreachable or its port busy, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--rehearse", action="store_true", help="speaker notes, clocks, a report")
    mode.add_argument("--auto", action="store_true", help="hands-free, round after round")
    mode.add_argument(
        "--notes",
        action="store_true",
        help="speaker notes on this terminal, following the show run from the same state "
        "directory (start it before or after the show; q quits)",
    )
    parser.add_argument(
        "--drive", action="store_true", help="with --notes: the keys here drive the show too"
    )
    parser.add_argument(
        "--serve",
        type=_serve,
        metavar="[HOST:]PORT",
        help="serve the show on the web: its live view, and speaker notes a phone drives it "
        "from (each link with a token of its own, printed before the show; on 127.0.0.1 "
        "unless a HOST is given, 0.0.0.0 for every address; PORT 0 takes a free one)",
    )
    parser.add_argument("--once", action="store_true", help="stop after one round")
    parser.add_argument(
        "--rounds", type=_positive(int, 1e9), metavar="N", help="stop after N rounds"
    )
    parser.add_argument(
        "--speed",
        type=_positive(float, MAX_SPEED),
        default=1.0,
        metavar="X",
        help="2 = twice as fast",
    )
    parser.add_argument(
        "--scene", action="append", metavar="NAME", help="play only this scene (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the scenes and stop")
    parser.add_argument(
        "--talk",
        type=Path,
        default=TALK,
        metavar="DIR",
        help="another talk: its scenes/, and the files its steps name (default: %(default)s)",
    )
    parser.add_argument(
        "--scenes", type=Path, metavar="DIR", help="another scenes folder (default: the talk's)"
    )
    parser.add_argument(
        "--address", type=_address, metavar="HOST:PORT", help="use an existing Temporal service"
    )
    parser.add_argument("--namespace", type=_name, help="its namespace (default: default)")
    parser.add_argument(
        "--profile", type=_name, help="a profile of Temporal's environment configuration"
    )
    parser.add_argument(
        "--port", type=_positive(int, 65535), help="the embedded dev server's port (1-65535)"
    )
    parser.add_argument(
        "--layout",
        choices=tuple(LAYOUTS),
        help=layouts_help(),
    )
    parser.add_argument(
        "--colors",
        choices=VARIANTS,
        help="the stage's colours, for a light or a dark background (default: the terminal's "
        "answer when asked its background, else dark; a recording: its --theme's)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        action="append",
        metavar="FILE",
        help=f"record the show as {listing()}; repeatable: one show, every output",
    )
    parser.add_argument(
        "--record-size",
        type=_size,
        metavar="COLSxROWS",
        help="the recording's size (default: the terminal's, or 100x30 without one); a size "
        "beyond 500x200 is the videos' frame in pixels (like 1920x1080), filled with the "
        "columns, rows and font size that fit it",
    )
    parser.add_argument(
        "--theme",
        choices=THEMES,
        default=Look.theme,
        help="colours of the rendered outputs (default: %(default)s)",
    )
    parser.add_argument(
        "--font-size",
        type=_positive(int, 96),
        metavar="PX",
        help=f"font size of the videos and the GIF (default: {VIDEO_FONT_SIZE} for videos, "
        f"{GIF_FONT_SIZE} for the GIF)",
    )
    parser.add_argument(
        "--idle-limit",
        type=_positive(float),
        metavar="SECONDS",
        help="cap silent stretches in every recording",
    )
    parser.add_argument(
        "--transcript",
        type=Path,
        metavar="FILE",
        help=f"save the show as {either(list(TRANSCRIPTS))}",
    )
    parser.add_argument(
        "--takes",
        type=Path,
        metavar="DIR",
        help="where each verified scene's take is kept (default: takes/ in the state directory)",
    )
    parser.add_argument(
        "--no-safety-net",
        action="store_true",
        help="a scene that fails live is not followed by its verified take",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="play the talk from its verified takes alone: no Temporal, no program runs",
    )
    parser.add_argument(
        "--db-limit",
        type=_positive(float),
        default=32,
        metavar="MB",
        help="hands-free: start the dev server afresh between rounds past this many MB",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="where the dev server's db file, the takes and the last rehearsal are kept "
        f"(default: a --talk folder's .state/, else {state_home()})",
    )
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The flags given, checked; the state directory found for the talk if not given."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.notes:  # it follows a show: what shapes a show is not for it
        for action in parser._actions:
            if action.dest not in FOR_NOTES and getattr(args, action.dest) != action.default:
                flag = action.option_strings[0]
                parser.error(f"argument {flag}: not with --notes (it follows a show, and "
                             "takes --state-dir, --talk and --drive)")  # fmt: skip
    try:
        args.talk.resolve()
    except (RuntimeError, OSError):  # Python 3.11 and 3.12 say "Symlink loop from ..."
        parser.error(f"argument --talk: {args.talk} is a symlink loop")
    args.record_pixels = None
    if isinstance(pixels := args.record_size, Pixels):  # the cells and font size that fill it
        try:
            columns, rows, fitted = fit(pixels, args.font_size)
        except (ValueError, DemoError) as error:
            parser.error(f"argument --record-size: {pixels.width}x{pixels.height} {error}")
        args.record_pixels, args.record_size = pixels, (columns, rows)
        args.font_size = args.font_size or fitted
    if args.state_dir is None:  # a talk of one's own keeps its own state
        own = args.talk.resolve() != TALK.resolve()
        args.state_dir = args.talk / ".state" if own else state_home()
    return args


def parse_init(argv: list[str]) -> argparse.Namespace:
    parser = Parser(
        prog=f"{program_name()} init",
        description="Write an editable copy of the default talk (scenes, programs, README) "
        "into DIR, to change and play with --talk DIR.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR")
    parser.add_argument("--force", action="store_true", help="write into a folder not empty")
    return parser.parse_args(argv)


def _positive(kind: type, most: float = 1e6) -> object:
    """A flag's converter: a number of `kind`, more than 0 and at most `most`."""

    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not 0 < value <= most:  # also false for nan
            whole = ", a whole number" if kind is int else ""
            given = text.strip() or "nothing"
            raise argparse.ArgumentTypeError(
                f"must be more than 0 and at most {int(most):,}{whole}, not {given}"
            )
        return value

    convert.__name__ = kind.__name__
    return convert


FOR_NOTES = {"help", "version", "notes", "drive", "state_dir", "talk", "colors"}
"""What --notes takes: the show it follows is found by its state directory."""


def _name(text: str) -> str:
    """--namespace, --profile: a name, one word of printable characters."""
    if not text or not text.isprintable() or any(c.isspace() for c in text) or len(text) > 255:
        raise argparse.ArgumentTypeError(f"must be a name, one word, not {text!r}")
    return text


def _address(text: str) -> str:
    """--address: HOST:PORT (or a host alone), the port from 1 to 65535."""
    host, colon, port = _name(text).rpartition(":")
    if colon and not (port.isdigit() and 0 < int(port) <= 65535 and host):
        raise argparse.ArgumentTypeError(f"use HOST:PORT with a port from 1 to 65535, not {text!r}")
    return text


def _serve(text: str) -> tuple[str, int]:
    """--serve: [HOST:]PORT, the port from 0 (a free one) to 65535; a host in brackets if
    it is an IPv6 address ([::1]:8080)."""
    host, colon, port = text.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]") if colon else "127.0.0.1"
    if not (port.isdigit() and int(port) <= 65535 and _hostlike(host)):
        raise argparse.ArgumentTypeError(
            f"use [HOST:]PORT with a port from 0 to 65535 (like 8765 or 0.0.0.0:8765), not {text!r}"
        )
    return host, int(port)


def _hostlike(host: str) -> bool:
    return bool(host) and len(host) <= 253 and bool(re.fullmatch(r"[A-Za-z0-9.:_-]+", host))


def _size(text: str) -> tuple[int, int] | Pixels:
    """--record-size: COLSxROWS, from 40x10 to 500x200; beyond, WIDTHxHEIGHT in pixels, even
    (as the videos' codecs take them), up to 7680x4320."""
    found = re.fullmatch(r"(\d{1,4})x(\d{1,4})", text.strip())
    across, down = (int(found[1]), int(found[2])) if found else (0, 0)
    if across <= 500 and down <= 200:
        if across >= 40 and down >= 10:
            return across, down
    elif across <= 7680 and down <= 4320:
        if across % 2 == 0 and down % 2 == 0:
            return Pixels(across, down)
        raise argparse.ArgumentTypeError(f"a size in pixels is even (like 1920x1080), not {text}")
    raise argparse.ArgumentTypeError(
        f"use COLSxROWS, 40-500 columns and 10-200 rows (like 100x30), or pixels up to "
        f"7680x4320 (like 1920x1080), not {text}"
    )
