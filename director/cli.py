"""The command line: the verbs (`init`, `--notes`, `--list`, the show), one class each, and
every ending turned into one line and an exit status."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from typing import ClassVar, NoReturn

from rich.table import Table
from rich.text import Text

from director import palette, production
from director.background import detect
from director.errors import DemoError, Quit, Status
from director.flags import parse, parse_init, program_name, said
from director.narration import ShowConsole
from director.notes import follow
from director.scenes import Scene
from director.signals import Stopped, answer_signals
from director.state import in_the_way
from director.talks import init


class Command:
    """A verb: built from its parsed flags, run for its exit status (its errors raised)."""

    signals: ClassVar[bool] = True
    """Whether a stopping signal ends it cleanly (Stopped), its clean-up run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    def run(self) -> Status:
        raise NotImplementedError


class Init(Command):
    """`init DIR`: an editable copy of the default talk."""

    signals = False

    def run(self) -> Status:
        folder = self.args.folder
        written = init(folder, force=self.args.force)
        print(f"Wrote {len(written)} files into {said(str(folder))}: play it with "
              f"{program_name()} --talk {said(str(folder))}")  # fmt: skip
        return Status.HELD


class Notes(Command):
    """`--notes`: the speaker notes, following the show run from the same state directory."""

    def run(self) -> Status:
        if blocked := in_the_way(self.args.state_dir):  # no show can ever be there
            raise DemoError(f"--state-dir {self.args.state_dir}: {blocked}")
        console = palette.use(ShowConsole(highlight=False), self.args.colors or detect())
        follow(self.args.state_dir, console, drive=self.args.drive)
        return Status.HELD  # follow() ends by q (Quit) or Ctrl-C


class List(Command):
    """`--list`: the scenes, what each needs to play live, and the state of its take."""

    def run(self) -> Status:
        show, takes = production.load(self.args)
        table = Table(title=Text(show.title))
        for column in ("Scene", "Title", "Steps", "Needs", "Take"):
            table.add_column(column)
        for scene in show.scenes:
            take = Text(takes.state(show, scene))
            table.add_row(
                Text(scene.name), Text(scene.title), str(len(scene.steps)), _needs(scene), take
            )
        ShowConsole().print(table)
        return Status.HELD


def _needs(scene: Scene) -> str:
    """What a scene needs to play live, in the words --list uses."""
    if scene.needs_embedded_server:  # it stops and starts the server: not an existing one
        return "Temporal's dev server"
    return "Temporal" if scene.needs_temporal else "nothing"


class Play(Command):
    """The show, in the mode the flags choose, and what it recorded rendered."""

    def run(self) -> Status:
        return production.play(self.args, *production.load(self.args))


VERBS: dict[str, type[Command]] = {"init": Init, "notes": Notes, "list": List, "show": Play}
"""Each verb of the command line, and the command that runs it."""


def _verb(args: argparse.Namespace) -> str:
    """The verb the flags ask for (`init DIR` is told by its word, before its flags)."""
    if args.notes:
        return "notes"
    if args.drive:
        raise DemoError("--drive goes with --notes: the notes screen's keys drive the show")
    return "list" if args.list else "show"


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
    initing = given[:1] == ["init"]
    args = parse_init(given[1:]) if initing else parse(argv)
    try:
        command = VERBS["init" if initing else _verb(args)](args)
        if command.signals:
            answer_signals()
        return command.run()
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
