"""Rendering: a finished cast into a GIF (agg), MP4/WebM with a chapter a scene (showreel on
ffmpeg) and an offline HTML page (asciinema-player), all at once, a progress bar each."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import imageio_ffmpeg
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from showreel.core.parser import parse
from showreel.exporters.chapters import extract_chapters, ffmetadata, youtube_list

from director.errors import DemoError, Status
from director.processes import die_with_parent, which
from director.results import clock

THEMES = ("asciinema", "dracula", "monokai", "nord", "solarized-dark", "solarized-light")
"""The colour themes every renderer (agg, showreel, asciinema-player) knows."""
SCENE = "Scene: "
"""How a scene's marker begins in the cast; the rest is the scene's title."""
UNLIMITED = 86400
"""An idle limit that limits nothing: agg caps pauses at 5 s unless told otherwise."""
VIDEO_FPS = 15
VIDEO_FONT_SIZE = 20
"""A 100x30 recording is then about 1240x750 pixels: sharp on a projector."""
GIF_FONT_SIZE = 14
"""A GIF is for a README or a slide, and agg's time grows with its pixels: at 14 px it is
made in under a tenth of the show's length."""
GIF_HOLD = 2
"""Seconds the GIF holds its last frame (the summary) before it loops."""
PLAYER = "mkdocs_asciinema_player"
"""The package that ships asciinema-player's script and styles (Apache-2.0)."""
_PROGRESS = re.compile(rb"(\d+) ?/ ?(\d+)")


@dataclass(frozen=True, kw_only=True)
class Look:
    """How the rendered outputs look."""

    theme: str = "asciinema"
    font_size: int | None = None
    """In pixels; by default VIDEO_FONT_SIZE for videos, GIF_FONT_SIZE for the GIF."""
    idle_limit: float | None = None
    """Silent stretches longer than this are cut to it (the cast already is, when recorded
    with one)."""


@dataclass(frozen=True)
class Rendered:
    """One output written: its size in bytes and its length in seconds."""

    path: Path
    bytes: int
    seconds: float


def render(cast: Path, outputs: Sequence[Path], look: Look, console: Console) -> list[Rendered]:
    """Render every output from `cast` at once, each with its progress bar; what was written.

    A renderer that fails does not stop the others: once all are done, a DemoError names
    each failed output and why. Ctrl-C stops them all (no renderer is left behind)."""
    with tempfile.TemporaryDirectory(prefix="counter-demo-render-") as work:
        jobs = [Job(cast, output, look, Path(work)) for output in outputs]
        percent = TextColumn("{task.percentage:>3.0f} %")
        columns = (TextColumn("{task.description}"), BarColumn(), percent, TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            for job in jobs:
                job.start(progress)
            try:
                for job in jobs:
                    job.wait()
            finally:
                for job in jobs:
                    job.stop()
    failed = [f"{job.output}: {job.failure}" for job in jobs if job.failure]
    if failed:
        kept = f" (the recording is kept in {cast})"
        raise DemoError("rendering failed: " + "; ".join(failed) + kept, Status.FAILED)
    return [job.rendered for job in jobs if job.rendered]


class Job:
    """One output being rendered: a renderer in its own process group, or the page here."""

    def __init__(self, cast: Path, output: Path, look: Look, work: Path) -> None:
        self.cast = cast
        self.output = output
        self.look = look
        self.work = work
        self.process: subprocess.Popen[bytes] | None = None
        self.failure: str | None = None
        self.rendered: Rendered | None = None
        self._said: deque[str] = deque(maxlen=5)  # its last lines, to say why it failed
        self._reader: threading.Thread | None = None
        self._scenes = work / f"{output.name}-scenes.cast"
        """A video's cast: its markers are the scenes alone, its chapters."""
        self._made = work / output.name if output.suffix == ".webm" else output
        """Where the renderer writes: the output, or a copy that gets more (WebM chapters)."""
        self._chapters: list[tuple[float, float, str]] = []
        """A video's chapters: (start, end, a scene's title)."""
        self._title: str | None = None

    def start(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task(f"{self.output.name:<24}", total=None)
        try:
            if self.output.suffix == ".html":
                self.output.write_text(page(self.cast, self.look), encoding="utf-8")
                self._done()
                return
            command, env = self._command()
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,  # Ctrl-C is the director's to handle
                preexec_fn=die_with_parent,  # gone with the director, even by SIGKILL
            )
        except (OSError, DemoError, ValueError) as error:
            self.failure = getattr(error, "strerror", None) or str(error)
            return
        self._reader = threading.Thread(target=self._follow, daemon=True)
        self._reader.start()

    def wait(self) -> None:
        if self.process is None:
            return
        status = self.process.wait()
        if self._reader is not None:
            self._reader.join()
        if status != 0:
            why = " / ".join(self._said) or f"exit status {status}"
            self.failure = f"{Path(self.process.args[0]).name} failed: {why}"  # type: ignore[index]
            return
        if self._made != self.output:  # a WebM: made without chapters, copied with them
            self._add_chapters()
        if self.failure is None:
            if not self.output.is_file() or self.output.stat().st_size == 0:
                self.failure = "the renderer wrote nothing"
            else:
                self._done()

    def _add_chapters(self) -> None:
        """showreel leaves chapters out of WebM, which has them (Matroska's): copy its video
        into the output with the scenes' chapters, as in the MP4."""
        metadata = self.work / f"{self.output.stem}.ffmeta"
        metadata.write_text(ffmetadata(self._chapters, self._title), "utf-8")
        done = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(self._made),
             "-i", str(metadata), "-map", "0", "-map_chapters", "1", "-c", "copy",
             str(self.output)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            said = done.stderr.strip().splitlines()
            self.failure = (
                f"ffmpeg failed: {said[-1] if said else f'exit status {done.returncode}'}"
            )

    def stop(self) -> None:
        """End the renderer and everything it started (ffmpeg), if it still runs."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _command(self) -> tuple[list[str], dict[str, str]]:
        look, idle = self.look, str(self.look.idle_limit or UNLIMITED)
        gif = self.output.suffix == ".gif"
        font_size = look.font_size or (GIF_FONT_SIZE if gif else VIDEO_FONT_SIZE)
        common = ["--theme", look.theme, "--font-size", str(font_size)]
        if gif:
            command = [tool("agg"), *common, f"--idle-time-limit={idle}"]
            command.append(f"--last-frame-duration={GIF_HOLD}")
            return [*command, str(self.cast), str(self.output)], dict(os.environ)
        # A video: its chapters are the scenes (claims stay markers of the cast and the page).
        scenes = self._scenes
        scenes.write_text(scene_markers_only(self.cast.read_text(encoding="utf-8")), "utf-8")
        self._chapters, self._title = chapters(scenes)
        self.output.with_suffix(".chapters.txt").write_text(
            youtube_list(self._chapters), encoding="utf-8"
        )
        ffmpeg = self.work / "bin" / "ffmpeg"  # showreel finds ffmpeg on PATH by that name
        if not ffmpeg.exists():
            ffmpeg.parent.mkdir(exist_ok=True)
            ffmpeg.symlink_to(imageio_ffmpeg.get_ffmpeg_exe())
        command = [tool("showreel"), "video", str(scenes), "-o", str(self._made), *common,
                   "--fps", str(VIDEO_FPS), "--chapters", "markers"]  # fmt: skip
        if look.idle_limit:
            command += ["--idle-limit", idle]
        path = f"{ffmpeg.parent}{os.pathsep}{os.environ.get('PATH', '')}"
        return command, {**os.environ, "PATH": path}

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

    def _done(self) -> None:
        self.progress.update(self.task, completed=1, total=1)
        self.rendered = Rendered(self.output, self.output.stat().st_size, length(self.output))


def tool(name: str) -> str:
    """A renderer installed beside this Python (the venv's bin/), else on PATH."""
    found = which(name)
    if not found:
        raise DemoError(f"{name} is not installed: pip install counter-demo installs it")
    return found


def scene_markers_only(cast: str) -> str:
    """The cast with only the scenes' markers, each named by its scene's title."""
    header, *lines = cast.splitlines()
    kept = [header]
    for line in lines:
        event = json.loads(line)
        if event[1] == "m":
            if not event[2].startswith(SCENE):
                continue
            event[2] = event[2].removeprefix(SCENE)
            line = json.dumps(event, ensure_ascii=False)
        kept.append(line)
    return "\n".join(kept) + "\n"


def chapters(cast: Path) -> tuple[list[tuple[float, float, str]], str | None]:
    """A chapter a marker of `cast`: (start, end, its name); and the cast's title."""
    parsed = parse(cast)
    return extract_chapters(parsed), parsed.header.title


def length(path: Path) -> float:
    """How long an output plays, in seconds: a page plays its recording."""
    if path.suffix == ".html":
        return _duration(path.read_text(encoding="utf-8"))
    return imageio_ffmpeg.count_frames_and_secs(str(path))[1]


def _duration(text: str) -> float:
    """The time of the last event of a cast in `text` (a page holds one as JSON)."""
    found = re.findall(r"\[(\d+(?:\.\d+)?), \\?\"[omr]\\?\"", text)
    return float(found[-1]) if found else 0.0


def page(cast: Path, look: Look) -> str:
    """A page that plays `cast` offline: asciinema-player's script and styles, the recording
    and its markers all inside it, nothing fetched from anywhere."""
    text = cast.read_text(encoding="utf-8")
    header = json.loads(text.partition("\n")[0])
    markers = [(e[0], e[2]) for e in map(json.loads, text.splitlines()[1:]) if e[1] == "m"]
    assets = resources.files(PLAYER) / "assets"
    options = {
        "theme": look.theme,
        "idleTimeLimit": look.idle_limit or UNLIMITED,
        "fit": "width",
        "poster": "npt:0:3",
        "markers": markers,
    }
    buttons = "\n".join(
        f'<li class="{"scene" if label.startswith(SCENE) else "claim"}">'
        f'<button data-marker="{index}">{clock(at)} {html.escape(label)}</button></li>'
        for index, (at, label) in enumerate(markers)
    )
    title = html.escape(header.get("title") or "counter-demo")
    return _PAGE.format(
        title=title,
        css=(assets / "asciinema-player.css").read_text(encoding="utf-8"),
        js=_script((assets / "asciinema-player.min.js").read_text(encoding="utf-8")),
        cast=_script(json.dumps(text)),
        options=_script(json.dumps(options)),
        buttons=buttons,
        took=time.strftime("%Y-%m-%d %H:%M", time.localtime(header.get("timestamp", 0))),
    )


def _script(text: str) -> str:
    """Text that is safe inside a <script> element."""
    return text.replace("</", "<\\/")


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}
body {{ background: #121314; color: #ccc; font-family: sans-serif; margin: 1.5em auto;
       max-width: 1400px; padding: 0 1em; }}
h1 {{ font-size: 1.3em; }}
ol {{ list-style: none; padding: 0; columns: 2; }}
li.claim {{ padding-left: 1.5em; font-size: 0.9em; }}
button {{ background: none; border: none; color: inherit; cursor: pointer; text-align: left;
          font: inherit; padding: 0.1em 0; }}
button:hover {{ text-decoration: underline; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div id="player"></div>
<p>Recorded {took} by counter-demo. Jump to a scene or a claim (or press [ and ] in the
player):</p>
<ol id="markers">
{buttons}
</ol>
<script>
{js}
</script>
<script>
const player = AsciinemaPlayer.create({{ data: {cast} }}, document.getElementById("player"),
                                      {options});
for (const button of document.querySelectorAll("#markers button")) {{
  button.addEventListener("click", () => {{
    player.seek({{ marker: Number(button.dataset.marker) }}).then(() => player.play());
  }});
}}
</script>
</body>
</html>
"""
