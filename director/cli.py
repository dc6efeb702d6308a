"""The command line: flags and modes, rounds, and every ending turned into an exit status."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
from contextlib import ExitStack
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from director import TALK, state_home
from director.errors import DemoError, Quit, Status
from director.formats import (
    GIF_FONT_SIZE,
    THEMES,
    VIDEO_FONT_SIZE,
    Look,
    Recordings,
    check_transcript,
    listing,
    save_transcript,
)
from director.keys import Action, Keys, Press, summary
from director.layouts import STAGE_MIN, ScrollLayout, StageLayout
from director.narration import Narrator, ShowConsole
from director.notes import Publisher, follow, save_rehearsal
from director.pacing import MAX_SPEED, HandsFree, Pacing, Presenting, Rehearsing
from director.recording import NO_TERMINAL_SIZE, Cast, Recorder, transcript_console
from director.rendering import render
from director.results import clock, report_rows, step_times
from director.runner import Stage
from director.scenes import Scene, Show, load_show
from director.state import StateDir, in_the_way
from director.supervision import Keeper
from director.takes import Takes
from director.talks import init
from director.temporal import Service

STOPPING = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM",
                 "SIGPROF", "SIGXCPU", "SIGXFSZ", "SIGPOLL", "SIGPWR")
    if hasattr(signal, name)
)  # fmt: skip
"""Signals that would end the director without its clean-up: each stops the show instead,
so the children go and the terminal is restored."""


class Stopped(BaseException):
    """A stopping signal arrived (SIGTERM, SIGHUP, SIGQUIT...): stop everything and leave.

    Like KeyboardInterrupt, not an Exception: no `except Exception` on the way may swallow
    it (a check that Temporal answers, say), or the signal would be lost."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


TAKE_IDLE_LIMIT = 5.0
"""A take's silences are cut to this (a presenter who talked a minute over one panel): shown
in a scene's place, it keeps the show moving."""


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


def parse(argv: list[str] | None) -> argparse.Namespace:
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
        choices=("stage", "scroll"),
        help="stage: the whole screen composed, nothing scrolls (the default in a terminal of "
        "at least 80x24); scroll: panels scroll by (the default elsewhere)",
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
        help="the recording's size (default: the terminal's, or 100x30 without one)",
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
        "--transcript", type=Path, metavar="FILE", help="save the show as .html, .svg or .txt"
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


FOR_NOTES = {"help", "version", "notes", "drive", "state_dir", "talk"}
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


def _size(text: str) -> tuple[int, int]:
    """--record-size: COLSxROWS, from 40x10 to 500x200."""
    found = re.fullmatch(r"(\d{1,4})x(\d{1,4})", text.strip())
    if not found or not (40 <= int(found[1]) <= 500 and 10 <= int(found[2]) <= 200):
        raise argparse.ArgumentTypeError(
            f"use COLSxROWS, 40-500 columns and 10-200 rows (like 100x30), not {text}"
        )
    return int(found[1]), int(found[2])


def run() -> NoReturn:
    """The program's entry: run the director, then leave without Python's finalization.

    Every clean-up has run by then; the Temporal SDK's runtime threads would otherwise
    crash the interpreter's shutdown now and then (sdk-python issue 300), as in the counter.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or a pipe gone
            stream.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Run the director (or `init DIR`); the exit status."""
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["init"]:
        return _init(parse_init(given[1:]))
    args = parse(argv)
    _answer_signals()
    try:
        return play(args)
    except DemoError as error:
        print(f"{program_name()}: {said(str(error))}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return Status.INTERRUPTED
    except Stopped as stop:
        return 128 + stop.signum
    except BrokenPipeError:  # the output went to a pipe that closed (| head): leave quietly
        return 128 + signal.SIGPIPE
    except Quit:
        return Status.HELD


def _init(args: argparse.Namespace) -> int:
    try:
        written = init(args.folder, force=args.force)
    except DemoError as error:
        print(f"{program_name()}: {said(str(error))}", file=sys.stderr)
        return error.status
    print(f"Wrote {len(written)} files into {said(str(args.folder))}: play it with "
          f"{program_name()} --talk {said(str(args.folder))}")  # fmt: skip
    return Status.HELD


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def _answer_signals() -> None:
    """Ctrl-C and every stopping signal end what runs (the show, the rendering) cleanly."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in STOPPING:
        signal.signal(signum, _raise_stopped)


def _ignore_signals() -> None:
    """While cleaning up, a second Ctrl-C must not cut the clean-up short."""
    for signum in (signal.SIGINT, *STOPPING):
        signal.signal(signum, signal.SIG_IGN)


def play(args: argparse.Namespace) -> Status:
    """Play the show in the chosen mode, then render what it recorded: HELD when every
    claim held, else FAILED."""
    if args.drive and not args.notes:
        raise DemoError("--drive goes with --notes: the notes screen's keys drive the show")
    if args.notes:
        if blocked := in_the_way(args.state_dir):  # no show can ever be there
            raise DemoError(f"--state-dir {args.state_dir}: {blocked}")
        follow(args.state_dir, ShowConsole(highlight=False), drive=args.drive)
        return Status.HELD  # follow() ends by q (Quit) or Ctrl-C
    args.talk = args.talk.resolve()  # the programs run in it: no path of theirs is relative
    show = load_show(args.scenes or args.talk / "scenes", args.scene, args.talk)
    takes = Takes(args.takes or args.state_dir / "takes")
    if args.list:
        _list(show, takes)
        return Status.HELD
    mode: type[Pacing] = HandsFree if args.auto else Rehearsing if args.rehearse else Presenting
    if not mode.hands_free and not (sys.stdin and sys.stdin.isatty()):
        raise DemoError(
            f"{mode.name} mode reads keys from a terminal, and stdin is none: try --auto"
        )
    recordings = Recordings.of(args.record or [], args.state_dir)
    if args.transcript:
        check_transcript(args.transcript)
    _apart(args.record or [], args.transcript, takes)
    if recordings is None or not recordings.rendered:
        return _show(args, show, mode, recordings, takes)
    try:
        status = _show(args, show, mode, recordings, takes)
    except (KeyboardInterrupt, Quit) as ended:  # what was recorded is still rendered
        try:  # a second Ctrl-C stops it
            _render(args, recordings)
        except DemoError as error:  # said, and the show still ends as it was ended
            print(f"{program_name()}: {said(str(error))}", file=sys.stderr)
        raise ended from None
    _render(args, recordings)
    return status


def _render(args: argparse.Namespace, recordings: Recordings) -> None:
    """Render every output from the show's cast, a line for each file written."""
    console = ShowConsole(highlight=False)
    look = Look(theme=args.theme, font_size=args.font_size, idle_limit=args.idle_limit)
    for done in render(recordings.cast, recordings.rendered, look, console):
        size = f"{done.bytes / 1e6:.1f} MB" if done.bytes >= 1e5 else f"{done.bytes / 1e3:.0f} kB"
        line = f"Wrote {escape(said(str(done.path)))}: {size}, {clock(round(done.seconds))} long"
        line += escape(done.note)
        console.print(line, soft_wrap=True)  # a path is not cut in two


def _show(
    args: argparse.Namespace,
    show: Show,
    mode: type[Pacing],
    recordings: Recordings | None,
    takes: Takes,
) -> Status:
    """The show itself, from the state directory's lock to the last child gone."""
    with ExitStack() as stack:
        stack.callback(_answer_signals)  # once all is cleaned up: the rendering answers them
        stack.enter_context(StateDir(args.state_dir))
        service = Service.from_flags(
            args.state_dir, args.address, args.namespace, args.profile, args.port
        )
        stack.callback(service.close)
        offline = args.offline
        if not offline and not service.controllable and any(s.needs_temporal for s in show.scenes):
            offline = _reach(service, show, takes, mode)
        console = ShowConsole(highlight=False)
        size = (console.width, console.height) if console.is_terminal else NO_TERMINAL_SIZE
        cast = recorder = None
        if recordings is not None:
            cast = Cast(recordings.cast, args.record_size or size, show.title, args.idle_limit)
            stack.callback(cast.close)
            following = console.is_terminal and args.record_size is None
            recorder = Recorder(cast, follow_terminal=following)
        # Each scene is recorded as the audience sees it, to become its take if it verifies.
        take_cast = Cast(None, size, show.title, idle_limit=TAKE_IDLE_LIMIT)
        take = Recorder(take_cast, follow_terminal=console.is_terminal)
        transcript = None
        if args.transcript:
            transcript = transcript_console(args.transcript, console.width)
            stack.callback(save_transcript, transcript, args.transcript, show.title)
        try:
            publisher: Publisher | None = stack.enter_context(Publisher(args.state_dir))
        except OSError as error:  # a file system without sockets: the show goes on, unfollowed
            publisher, unfollowed = None, error.strerror
        keys = stack.enter_context(Keys(also=publisher.keys_read if publisher else None))
        layouts = {"stage": StageLayout, "scroll": ScrollLayout}
        shown, small = _layout(args.layout, console)
        recorded = _layout(args.layout, recorder.console)[0] if recorder else shown
        narrator = Narrator(
            console,
            notes=mode.rehearsal,
            clock=mode.rehearsal,
            recorders=(recorder, take) if recorder else (take,),
            transcript=transcript,
            layout=layouts[shown],
            recording_layout=layouts[recorded],
        )
        stack.enter_context(narrator)
        if small:
            narrator.info(small)
        if publisher is None:
            narrator.info(f"No notes screen can follow this show: {unfollowed}")
        if service.ignored:
            narrator.info(
                "Temporal's environment configuration names no address, so the talk runs on "
                f"the embedded dev server; ignored: {', '.join(service.ignored)}"
            )
        pacing = mode(narrator, args.speed)
        db_limit = int(args.db_limit * 1e6) if mode.hands_free else 0
        keeper = Keeper(service, narrator, pacing, db_limit)
        stage = Stage(
            show, args.talk, narrator, keys, keeper, pacing,
            publisher=publisher, take=take, takes=takes, safety_net=not args.no_safety_net,
            offline=offline,
        )  # fmt: skip
        stack.callback(stage.close)
        stack.callback(_ignore_signals)
        rounds = 1 if args.once else args.rounds or (None if mode.hands_free else 1)
        waiting = offline and not args.offline  # the takes, while the service is away
        held = _play_rounds(stage, narrator, rounds, args.state_dir, service, waiting)
    if cast is not None and cast.failure:  # the show went on; the recording did not
        raise DemoError(f"the recording {cast.path} stopped early: {cast.failure}")
    return Status.HELD if held else Status.FAILED


def _apart(records: list[Path], transcript: Path | None, takes: Takes) -> None:
    """What the show writes, each at a place of its own: no recording where the transcript
    or a take goes (one would be lost under the other)."""
    kept = takes.folder.resolve()
    for path in records:
        if transcript is not None and path.resolve() == transcript.resolve():
            raise DemoError(f"--record {path}: the --transcript goes there too")
        if path.resolve().is_relative_to(kept):
            raise DemoError(f"--record {path}: the verified takes are kept in {takes.folder}")


def _layout(asked: str | None, console: Console) -> tuple[str, str | None]:
    """The layout for a console: the one asked for (by default the stage) where it fits,
    else scroll, and why not the stage if that was expected."""
    want = asked or "stage"
    if want == "scroll":
        return want, None
    if not console.is_terminal:
        return "scroll", "--layout stage needs a terminal: scrolling instead" if asked else None
    width, height = console.size
    if width < STAGE_MIN[0] or height < STAGE_MIN[1]:
        why = f"The stage layout needs a terminal of at least {STAGE_MIN[0]}x{STAGE_MIN[1]} "
        return "scroll", why + f"(this one is {width}x{height}): scrolling instead."
    return "stage", None


def _reach(service: Service, show: Show, takes: Takes, mode: type[Pacing]) -> bool:
    """Check the existing service answers before the show; whether to play from the takes
    instead because it does not: hands-free, while it is waited for (each round tries it
    again); presenting, if the presenter accepts. Else its DemoError (exit 3) stands."""
    try:
        service.start()
        return False
    except DemoError as unreachable:
        if not any(takes.usable(show, scene) for scene in show.scenes):
            raise
        if mode.hands_free:
            print(f"{program_name()}: {unreachable}: playing the verified takes meanwhile")
            return True
        print(f"{program_name()}: {unreachable}.")
        print("Press Enter to give the talk from its verified recordings; any other key stops.")
        with Keys() as keys:
            if keys.read(3600) == Press(Action.NEXT):
                return True
        raise


def _answers(service: Service) -> bool:
    try:
        service.start()
        return True
    except DemoError:
        return False


def _play_rounds(
    stage: Stage,
    narrator: Narrator,
    rounds: int | None,
    state_dir: Path,
    service: Service,
    waiting: bool = False,
) -> bool:
    """Round after round (until stopped if `rounds` is None); whether every claim held.
    `waiting`: the rounds are played from the takes until the service answers."""
    title, hands_free = stage.show.title, stage.pacing.hands_free
    all_held = True
    number = 0
    while rounds is None or number < rounds:
        number += 1
        if hands_free:
            narrator.clear()
        if waiting and stage.offline and _answers(service):  # live again as soon as it answers
            stage.offline = False
            narrator.info(f"Temporal answers at {escape(service.address)}: the talk is live again")
        heading = f"{title}  -  round {number}" if hands_free else title
        narrator.say(f"[bold cyan]{escape(heading)}[/]")
        results = stage.play_round()
        held = all(result.held for result in results)
        all_held &= held
        if stage.pacing.rehearsal:
            narrator.report(report_rows(results))
            save_rehearsal(state_dir, step_times(results))  # the notes screen plans by it
        if held and stage.offline:
            shown = f"Round {number}: every scene shown from its verified recording (not live)."
            narrator.say(f"[bold yellow]{shown}[/]", "result")
        elif held:
            narrator.say(f"[bold green]Round {number}: every claim held.[/]", "result")
        else:
            why = "; ".join(r.failure or "a claim failed" for r in results if not r.held)
            narrator.say(f"[bold red]Round {number} FAILED: {escape(why)}[/]", "result")
    return all_held


def _list(show: Show, takes: Takes) -> None:
    table = Table(title=Text(show.title))
    for column in ("Scene", "Title", "Steps", "Needs", "Take"):
        table.add_column(column)
    for scene in show.scenes:
        take = Text(takes.state(show, scene))
        table.add_row(
            Text(scene.name), Text(scene.title), str(len(scene.steps)), _needs(scene), take
        )
    ShowConsole().print(table)


def _needs(scene: Scene) -> str:
    """What a scene needs to play live, in the words --list uses."""
    if scene.needs_embedded_server:  # it stops and starts the server: not an existing one
        return "Temporal's dev server"
    return "Temporal" if scene.needs_temporal else "nothing"
