"""The production: a show built from the parsed flags, played round after round (headings,
results, the rehearsal report, live again once Temporal answers), and its recordings rendered."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from director import background
from director.errors import DemoError, Quit, Status
from director.flags import program_name, said
from director.formats import THEMES, Look, Recordings, check_transcript, save_transcript
from director.keys import Action, Keys, Press
from director.layouts import choose
from director.narration import Narrator, ShowConsole
from director.pacing import HandsFree, Pacing, Presenting, Rehearsing
from director.palette import variant_for
from director.publisher import Publisher, save_rehearsal
from director.recording import NO_TERMINAL_SIZE, Cast, Recorder, transcript_console
from director.rendering import render
from director.results import SceneResult, clock, report_rows, step_times
from director.runner import Stage
from director.scenes import Show, load_show
from director.serving import Server
from director.signals import answer_signals, ignore_signals
from director.state import StateDir
from director.streaming import Stream
from director.supervision import Keeper
from director.takes import TAKE_LAYOUT, TAKE_SIZE, SafetyNet, Takes
from director.temporal import Service

CARD_BEAT = 5.0
"""How long (at --speed 1) the card between hands-free rounds stays on screen."""
SHOWN_NOT_LIVE = "every scene shown from its verified recording (not live)"
"""A round's result when it was played from the takes alone, and held."""
FAILURE_CHARS = 160
"""The most a failed scene's part of a round's line says (its first line, cut)."""
LIVE_THEME = "asciinema"
"""The live view's player theme: the stage is drawn in the palette made for it."""
TAKE_IDLE_LIMIT = 5.0
"""A take's silences are cut to this (a presenter who talked a minute over one panel): shown
in a scene's place, it keeps the show moving."""


def load(args: argparse.Namespace) -> tuple[Show, Takes]:
    """The talk the flags name, and the verified takes kept of its scenes."""
    args.talk = args.talk.resolve()  # the programs run in it: no path of theirs is relative
    show = load_show(args.scenes or args.talk / "scenes", args.scene, args.talk)
    return show, Takes(args.takes or args.state_dir / "takes")


def play(args: argparse.Namespace, show: Show, takes: Takes) -> Status:
    """Play the show in the chosen mode, then render what it recorded: HELD when every
    claim held, else FAILED."""
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
    look = Look(
        theme=args.theme,
        font_size=args.font_size,
        idle_limit=args.idle_limit,
        pixels=args.record_pixels,
    )
    cues = recordings.captions.cues()
    for done in render(recordings.cast, recordings.rendered, look, console, cues):
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
        stack.callback(answer_signals)  # once all is cleaned up: the rendering answers them
        stack.enter_context(StateDir(args.state_dir))
        service = Service.from_flags(
            args.state_dir, args.address, args.namespace, args.profile, args.port
        )
        stack.callback(service.close)
        offline = args.offline
        if not offline and not service.controllable and any(s.needs_temporal for s in show.scenes):
            offline = _reach(service, show, takes, mode)
        console = ShowConsole(highlight=False)
        cast, recorder, take = _recorders(stack, args, show.title, recordings, console)
        transcript = None
        if args.transcript:
            transcript = transcript_console(args.transcript, console.width)
            stack.callback(save_transcript, transcript, args.transcript, show.title)
        try:
            publisher: Publisher | None = stack.enter_context(Publisher(args.state_dir))
        except OSError as error:  # a file system without sockets: the show goes on, unfollowed
            publisher, unfollowed = None, error.strerror
        live = _served(stack, args, show.title, console, publisher)
        colors = args.colors or background.detect()  # asked before the keys are read
        keys = stack.enter_context(Keys(also=publisher.keys_read if publisher else None))
        shown, small = choose(args.layout, console)
        recorded = choose(args.layout, recorder.console)[0] if recorder else shown
        narrator = Narrator(
            console,
            notes=mode.rehearsal,
            clock=mode.rehearsal,
            recorders=tuple(r for r in (recorder, take, live) if r is not None),
            transcript=transcript,
            layout=shown,
            recording_layout=recorded,
            colors=colors,
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
        net = SafetyNet(takes, take, narrator, on=not args.no_safety_net)
        stage = Stage(show, narrator, keys, keeper, pacing, net, publisher)
        stack.callback(stage.close)
        stack.callback(ignore_signals)
        rounds = 1 if args.once else args.rounds or (None if mode.hands_free else 1)
        waiting = offline and not args.offline  # the takes, while the service is away
        held = play_rounds(stage, narrator, rounds, args.state_dir, service, offline, waiting)
    if cast is not None and cast.failure:  # the show went on; the recording did not
        raise DemoError(f"the recording {cast.path} stopped early: {cast.failure}")
    return Status.HELD if held else Status.FAILED


def _recorders(
    stack: ExitStack,
    args: argparse.Namespace,
    title: str,
    recordings: Recordings | None,
    console: Console,
) -> tuple[Cast | None, Recorder | None, Recorder]:
    """What records the show: --record's cast (closed on `stack`) and its recorder, if
    asked for, and the recorder of each scene as the audience sees it, to become its take
    if it verifies: always the stage at TAKE_SIZE, whatever the show's layout and size."""
    size = (console.width, console.height) if console.is_terminal else NO_TERMINAL_SIZE
    cast = recorder = None
    if recordings is not None:
        size = args.record_size or size
        cast = Cast(recordings.cast, size, title, args.idle_limit, recordings.captions)
        stack.callback(cast.close)
        following = console.is_terminal and args.record_size is None
        themed = variant_for(THEMES[args.theme])  # drawn for the background it is rendered on
        recorder = Recorder(cast, follow_terminal=following, colors=themed)
    take_cast = Cast(None, TAKE_SIZE, title, idle_limit=TAKE_IDLE_LIMIT)  # shown whole anywhere
    return cast, recorder, Recorder(take_cast, follow_terminal=False, layout=TAKE_LAYOUT)


def _served(
    stack: ExitStack,
    args: argparse.Namespace,
    title: str,
    console: Console,
    publisher: Publisher | None,
) -> Recorder | None:
    """With --serve, the web server (stopped on `stack`) and the recorder of its live view:
    the stage as the audience sees it, always composed (a viewer may join at any moment), at
    --record-size if given, else the terminal's size where the stage fits it, else 100x30;
    both links said once on stderr, before the stage and before anything is recorded, and
    the phone's kept for the notes screen's QR code (never on the stage)."""
    if args.serve is None:
        return None
    columns, rows = TAKE_SIZE  # the stage's least, as a take's
    fits = console.is_terminal and console.width >= columns and console.height >= rows
    size = (console.width, console.height) if fits else NO_TERMINAL_SIZE
    stream = Stream(args.record_size or size, title)
    server = stack.enter_context(Server(*args.serve, stream, publisher, args.state_dir))
    links = server.links()
    said = [f"the live view, for anyone to watch: {links['view']}",
            "the speaker notes, which drive the show (keep it to yourself; p on the notes "
            f"screen shows it as a QR code): {links['drive']}"]  # fmt: skip
    if server.beyond:
        said.insert(0, f"--serve listens beyond this machine ({server.host}:{server.port}): "
                    "anyone on its network who has a link reaches what it allows")  # fmt: skip
    for line in said:
        print(f"{program_name()}: {line}", file=sys.stderr)
    if publisher is not None:
        publisher.publish(drive=links["drive"])
    following = fits and args.record_size is None
    colors = variant_for(THEMES[LIVE_THEME])
    return Recorder(stream, follow_terminal=following, layout=TAKE_LAYOUT, colors=colors)


def _apart(records: list[Path], transcript: Path | None, takes: Takes) -> None:
    """What the show writes, each at a place of its own: no recording where the transcript
    or a take goes (one would be lost under the other)."""
    kept = takes.folder.resolve()
    for path in records:
        if transcript is not None and path.resolve() == transcript.resolve():
            raise DemoError(f"--record {path}: the --transcript goes there too")
        if path.resolve().is_relative_to(kept):
            raise DemoError(f"--record {path}: the verified takes are kept in {takes.folder}")


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
    """Whether the service answers now (an existing one, away meanwhile)."""
    try:
        service.start()
        return True
    except DemoError:
        return False


def play_rounds(
    stage: Stage,
    narrator: Narrator,
    rounds: int | None,
    state_dir: Path,
    service: Service,
    offline: bool = False,
    waiting: bool = False,
) -> bool:
    """Round after round (until stopped if `rounds` is None); whether every claim held.
    Hands-free, each round's line says how long it took and how many have held so far, and
    a card says so between rounds. `offline`: the rounds are played from the takes alone;
    `waiting`: until the service answers."""
    title, hands_free = stage.show.title, stage.pacing.hands_free
    all_held = True
    number = held_rounds = 0
    while rounds is None or number < rounds:
        number += 1
        if hands_free:
            narrator.clear()
        if waiting and offline and _answers(service):  # live again as soon as it answers
            offline = False
            narrator.info(f"Temporal answers at {escape(service.address)}: the talk is live again")
        heading = f"{title}  -  round {number}" if hands_free else title
        narrator.say(f"[stage.heading]{escape(heading)}[/]")
        began = stage.clock()
        results = stage.play_round(offline)
        took = clock(stage.clock() - began)
        held = all(result.held for result in results)
        all_held &= held
        held_rounds += held
        if stage.pacing.rehearsal:
            narrator.report(report_rows(results))
            save_rehearsal(state_dir, step_times(results))  # the notes screen plans by it
        failed = what_failed(results)  # none when every claim held
        result = "FAILED" if failed else SHOWN_NOT_LIVE if offline else "every claim held"
        line = (
            f"Round {number} FAILED: {'; '.join(failed)}"
            if failed
            else f"Round {number}: {result}."
        )
        style = "stage.failed" if failed else "stage.offline" if offline else "stage.held"
        tally = f"{held_rounds} of {number} round{'s' if number != 1 else ''} held"
        if hands_free:
            line += f"{'' if line.endswith('.') else '.'} {took}, {tally}."
        narrator.say(Text(line, style=style), "result")
        if hands_free and (rounds is None or number < rounds):  # where the kiosk is, a beat
            narrator.card(f"Round {number} - {result} - {took} - {tally}", failed, style)
            narrator.at_step(f"Between rounds: round {number + 1} begins in a moment")
            stage.pacing.beat(CARD_BEAT, stage.idle)
    return all_held


def what_failed(results: list[SceneResult]) -> list[str]:
    """What failed in a round: each failed step (its scene and step named, its first line),
    and each failed scene with its failed claims and what was seen (cut short)."""
    said = []
    for result in results:
        if result.held:
            continue
        if result.failure:  # it names its scene and step already, and is kept whole (a
            said.append(result.failure.strip().split("\n", 1)[0])  # path in it, say)
        claims = [f"{v.claim} ({_short(v.seen)})" for v in result.verdicts if not v.held]
        if claims:
            said.append(f"{result.scene.title}: {', '.join(claims)}")
    return said


def _short(text: str, most: int = FAILURE_CHARS) -> str:
    """The first line of `text`, cut at `most` characters with a visible mark."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= most else line[: most - 3].rstrip() + "..."
