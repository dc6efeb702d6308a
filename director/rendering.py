"""Rendering: every output asked for made from the finished cast at once, each by its format's
renderers (formats.FORMATS) in their own process groups, a progress bar each; none left behind."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from director.captions import Cue
from director.errors import DemoError, Status
from director.formats import Command, Draft, Look, Rendered
from director.processes import die_with_parent, signals_held

_PROGRESS = re.compile(rb"(\d+) ?/ ?(\d+)")


def render(
    cast: Path, outputs: Sequence[Path], look: Look, console: Console, cues: Sequence[Cue] = ()
) -> list[Rendered]:
    """Render every output from `cast` at once, each with its progress bar and the recording's
    captions (`cues`); what was written.

    A renderer that fails does not stop the others: once all are done, a DemoError names
    each failed output and why. Ctrl-C or a stopping signal stops them all (no renderer is
    left behind), and each output is whole at its name or not written at all."""
    with tempfile.TemporaryDirectory(prefix="counter-demo-render-") as work:
        jobs = [Job(cast, output, look, Path(work), cues) for output in outputs]
        percent = TextColumn("{task.percentage:>3.0f} %")
        columns = (TextColumn("{task.description}"), BarColumn(), percent, TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            try:
                for job in jobs:
                    job.start(progress)
                for job in jobs:
                    job.wait()
            finally:
                with signals_held():
                    for job in jobs:
                        job.stop()
    failed = [f"{job.output}: {job.failure}" for job in jobs if job.failure]
    if failed:
        kept = f" (the recording is kept in {cast})"
        raise DemoError("rendering failed: " + "; ".join(failed) + kept, Status.FAILED)
    return [job.rendered for job in jobs if job.rendered]


class Job:
    """One output being made: its format's commands run one after the other, each in a process
    group of its own (a renderer's ffmpeg goes with it), their progress on its bar, and why it
    failed if it did. What they write is the draft's, renamed into place once it plays back."""

    def __init__(
        self, cast: Path, output: Path, look: Look, work: Path, cues: Sequence[Cue] = ()
    ) -> None:
        self.output = output
        self.draft = Draft(cast, output, look, work, cues)
        self.process: subprocess.Popen[bytes] | None = None
        self.failure: str | None = None
        self.rendered: Rendered | None = None
        self._steps: deque[Command] = deque()
        self._said: deque[str] = deque(maxlen=5)  # its last lines, to say why it failed
        self._reader: threading.Thread | None = None

    def start(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task(f"{self.output.name:<24}", total=None)
        assert self.draft.format.render is not None, "the show writes the cast"
        try:
            self._steps.extend(self.draft.format.render(self.draft))
            if self._steps:
                self._run(*self._steps.popleft())
        except (OSError, DemoError, ValueError) as error:
            self.failure = getattr(error, "strerror", None) or str(error)
            return
        if not self._steps and self.process is None:  # written here (the page): kept now,
            self._keep()  # not lost to a Ctrl-C while the videos are still made

    def _run(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self._said.clear()
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl-C is the director's to handle; stopped as a group
            preexec_fn=die_with_parent,  # and gone with the director, even killed by SIGKILL
        )
        self._reader = threading.Thread(target=self._follow, daemon=True)
        self._reader.start()

    def wait(self) -> None:
        """Wait for its commands, the rest started in turn; then keep what they made."""
        if self.failure or self.rendered or (self.process is not None and not self._finished()):
            return
        while self._steps:
            command, env = self._steps.popleft()
            try:
                self._run(command, env)
            except OSError as error:
                self.failure = f"{Path(command[0]).name} failed: {error.strerror}"
                return
            if not self._finished():
                return
        self._keep()

    def _keep(self) -> None:
        """What the commands made, renamed into place once it plays back."""
        try:
            self.rendered = self.draft.keep()
        except DemoError as error:
            self.failure = str(error)
            return
        self.progress.update(self.task, completed=1, total=1)

    def _finished(self) -> bool:
        """Wait for the renderer: whether it did its work (else why not is its failure)."""
        assert self.process is not None
        status = self.process.wait()
        if self._reader is not None:
            self._reader.join()
        if status != 0:
            why = " / ".join(self._said) or f"exit status {status}"
            self.failure = f"{Path(self.process.args[0]).name} failed: {why}"  # type: ignore[index]
        return status == 0

    def stop(self) -> None:
        """End the renderer and everything it started (ffmpeg), if it still runs; remove what
        was written and not renamed into place."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.draft.discard()

    def _follow(self) -> None:
        """Read what the renderer says: its progress moves the bar, its other lines are kept."""
        assert self.process is not None and self.process.stderr is not None
        buffer = b""
        while chunk := self.process.stderr.read1(65536):
            *lines, buffer = re.split(rb"[\r\n]", buffer + chunk)
            for line in lines:
                self._heard(line)
        self._heard(buffer)

    def _heard(self, line: bytes) -> None:
        counts = _PROGRESS.findall(line)
        if counts and b"%" in line:
            done, total = map(int, counts[-1])
            self.progress.update(self.task, completed=done, total=max(total, 1))
        elif text := line.decode(errors="replace").strip():
            self._said.append(text)
