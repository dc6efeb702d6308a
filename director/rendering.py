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
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import imageio_ffmpeg
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from showreel.core.parser import parse
from showreel.exporters.chapters import extract_chapters, ffmetadata, youtube_list

from director.errors import DemoError, Status
from director.processes import die_with_parent, signals_held, which
from director.recording import beside, json_line
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
YOUTUBE_CHAPTERS = (3, 10.0)
"""YouTube uses a description's chapter list of at least 3 chapters, each at least 10 s."""


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
    note: str = ""
    """What the line saying it was written adds (its chapter list cannot be used...)."""


def render(cast: Path, outputs: Sequence[Path], look: Look, console: Console) -> list[Rendered]:
    """Render every output from `cast` at once, each with its progress bar; what was written.

    A renderer that fails does not stop the others: once all are done, a DemoError names
    each failed output and why. Ctrl-C or a stopping signal stops them all (no renderer is
    left behind), and each output is whole at its name or not written at all."""
    with tempfile.TemporaryDirectory(prefix="counter-demo-render-") as work:
        jobs = [Job(cast, output, look, Path(work)) for output in outputs]
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
    """One output being rendered: renderers in their own process groups (a video's chapters
    are its second), or the page here; written beside the output, renamed over it once it
    plays back."""

    def __init__(self, cast: Path, output: Path, look: Look, work: Path) -> None:
        self.cast = cast
        self.output = output
        self.look = look
        self.work = work = Path(tempfile.mkdtemp(dir=work))  # its own: two t.webm never meet
        self.process: subprocess.Popen[bytes] | None = None
        self.failure: str | None = None
        self.rendered: Rendered | None = None
        self._said: deque[str] = deque(maxlen=5)  # its last lines, to say why it failed
        self._reader: threading.Thread | None = None
        self._scenes = work / f"{output.name}-scenes.cast"
        """A video's cast: its markers are the scenes alone, its chapters."""
        final = Path(os.path.realpath(output))  # a link to a file: the file is written
        self._final = {final: beside(final)}
        """Where each file goes once whole (the output, a video's chapter list): where it is
        written meanwhile."""
        self._part = self._final[final]
        self._made = beside(final) if output.suffix == ".webm" else self._part
        """Where the renderer writes: the output, or a copy that gets more (WebM chapters),
        beside it too: a file as large as the output is never left in the temporary folder."""
        self._chapters: list[tuple[float, float, str]] = []
        """A video's chapters: (start, end, a scene's title)."""
        self._title: str | None = None
        self._note = ""

    def start(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task(f"{self.output.name:<24}", total=None)
        try:
            if self.output.suffix == ".html":
                self._part.write_text(page(self.cast, self.look), encoding="utf-8")
                self._done()
                return
            self._run(*self._command())
        except (OSError, DemoError, ValueError) as error:
            self.failure = getattr(error, "strerror", None) or str(error)

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
        if self.process is None or not self._finished():
            return
        if self._made != self._part:  # a WebM: made without chapters, copied with them
            metadata = self.work / f"{self.output.stem}.ffmeta"
            try:
                metadata.write_text(ffmetadata(self._chapters, self._title), "utf-8")
                self._run(self._with_chapters(metadata))
            except OSError as error:
                self.failure = f"ffmpeg failed: {error.strerror}"
                return
            if not self._finished():
                return
        self._done()

    def _with_chapters(self, metadata: Path) -> list[str]:
        """showreel leaves chapters out of WebM, which has them (Matroska's): its video copied
        into the output with the scenes' chapters, as in the MP4."""
        return [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(self._made),
                "-i", str(metadata), "-map", "0", "-map_chapters", "1", "-c", "copy",
                str(self._part)]  # fmt: skip

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
        for part in (*self._final.values(), self._made):
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)

    def _command(self) -> tuple[list[str], dict[str, str]]:
        look, idle = self.look, str(self.look.idle_limit or UNLIMITED)
        gif = self.output.suffix == ".gif"
        font_size = look.font_size or (GIF_FONT_SIZE if gif else VIDEO_FONT_SIZE)
        common = ["--theme", look.theme, "--font-size", str(font_size)]
        if gif:
            command = [tool("agg"), *common, f"--idle-time-limit={idle}"]
            command.append(f"--last-frame-duration={GIF_HOLD}")
            return [*command, str(self.cast), str(self._part)], dict(os.environ)
        # A video: its chapters are the scenes (claims stay markers of the cast and the page).
        scenes = self._scenes
        scenes.write_text(scene_markers_only(self.cast.read_text(encoding="utf-8")), "utf-8")
        self._chapters, self._title = chapters(scenes)
        listed = for_youtube(self._chapters)
        if len(listed) < YOUTUBE_CHAPTERS[0]:
            self._note = " (its chapter list needs 3 chapters of 10 s or more for YouTube)"
        final = next(iter(self._final)).with_suffix(".chapters.txt")
        self._final[final] = beside(final)
        self._final[final].write_text(youtube_list(listed), encoding="utf-8")
        ffmpeg = self.work / "bin" / "ffmpeg"  # showreel finds ffmpeg on PATH by that name
        if not ffmpeg.exists():
            ffmpeg.parent.mkdir(exist_ok=True)
            ffmpeg.symlink_to(imageio_ffmpeg.get_ffmpeg_exe())
        command = [tool("showreel"), "video", str(scenes), "-o", str(self._made), *common,
                   "--fps", str(VIDEO_FPS), "--chapters", "markers"]  # fmt: skip
        if look.idle_limit:
            command += ["--idle-limit", idle]
        path = f"{ffmpeg.parent}{os.pathsep}{os.environ.get('PATH', '')}"
        # Its own temporary files (the chapters for ffmpeg) go with ours.
        return command, {**os.environ, "PATH": path, "TMPDIR": str(self.work)}

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
        """The output is made: renamed over its name (and its chapter list over theirs) if it
        plays back, else that is its failure."""
        try:
            size = self._part.stat().st_size
        except OSError:
            size = 0
        if not size:
            self.failure = "the renderer wrote nothing"
            return
        try:
            seconds = length(self._part)
        except (OSError, RuntimeError, ValueError):
            self.failure = "the renderer wrote nothing that plays"
            return
        try:
            for final, written in self._final.items():
                os.replace(written, final)
        except OSError as error:
            self.failure = f"cannot be written: {error.strerror}"
            return
        self.progress.update(self.task, completed=1, total=1)
        self.rendered = Rendered(self.output, size, seconds, self._note)


def tool(name: str) -> str:
    """A renderer installed beside this Python (the venv's bin/), else on PATH."""
    found = which(name)
    if not found:
        raise DemoError(f"{name} is not installed: pip install counter-demo installs it")
    return found


def scene_markers_only(cast: str) -> str:
    """The cast with only the scenes' markers, each named by its scene's title."""
    header, *lines = cast.removesuffix("\n").split("\n")  # by "\n" alone, as it is written
    kept = [header]
    for line in lines:
        event = json.loads(line)
        if event[1] == "m":
            if not event[2].startswith(SCENE):
                continue
            event[2] = event[2].removeprefix(SCENE)
            line = json_line(event)
        kept.append(line)
    return "\n".join(kept) + "\n"


def chapters(cast: Path) -> tuple[list[tuple[float, float, str]], str | None]:
    """A chapter a marker of `cast`: (start, end, its name); and the cast's title."""
    parsed = parse(cast)
    return extract_chapters(parsed), parsed.header.title


def for_youtube(chapters: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """The chapters as YouTube takes them in a description: the first at 0:00 (an intro
    before the first scene if it starts later), and each shorter than 10 s joined to its
    shorter neighbour, under the title of the longer part."""
    listed = list(chapters)
    if listed and listed[0][0] > 0.5:
        listed.insert(0, (0.0, listed[0][0], "Intro"))
    elif listed:
        listed[0] = (0.0, *listed[0][1:])

    def seconds(index: int) -> float:
        return listed[index][1] - listed[index][0]

    while len(listed) > 1:
        short = min(range(len(listed)), key=seconds)
        if seconds(short) >= YOUTUBE_CHAPTERS[1]:
            break
        neighbours = [i for i in (short - 1, short + 1) if 0 <= i < len(listed)]
        first, last = sorted((short, min(neighbours, key=seconds)))
        title = max(listed[first], listed[last], key=lambda c: c[1] - c[0])[2]
        listed[first : last + 1] = [(listed[first][0], listed[last][1], title)]
    return listed


def length(path: Path) -> float:
    """How long an output plays, in seconds (a page plays its recording); RuntimeError if it
    does not play (ffmpeg cannot decode it, the page does not hold its recording)."""
    if path.suffix == ".html":
        cast = recording(path.read_text(encoding="utf-8"))["cast"]
        last = json.loads(cast.rstrip("\n").rpartition("\n")[2])
        return float(last[0]) if isinstance(last, list) else 0.0
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    if not frames:
        raise RuntimeError(f"{path}: no frames")
    return seconds


def recording(text: str) -> dict:
    """The recording and the player's options a page holds, read as a browser reads them."""
    found: list[str] = []

    class Reader(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script" and ("id", "recording") in attrs

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                found.append(data)

    Reader().feed(text)
    if not found:
        raise RuntimeError("the page holds no recording")
    return json.loads("".join(found))


def page(cast: Path, look: Look) -> str:
    """A page that plays `cast` offline: asciinema-player's script and styles, the recording
    and its markers all inside it, nothing fetched from anywhere."""
    text = cast.read_text(encoding="utf-8")
    first, *lines = text.removesuffix("\n").split("\n")  # by "\n" alone, as it is written
    header = json.loads(first)
    markers = [(e[0], e[2]) for e in map(json.loads, lines) if e[1] == "m"]
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
        css=_inline((assets / "asciinema-player.css").read_text(encoding="utf-8"), "style"),
        js=_inline((assets / "asciinema-player.min.js").read_text(encoding="utf-8"), "script"),
        recording=script_json({"cast": text, "options": options}),
        buttons=buttons,
        took=time.strftime("%Y-%m-%d %H:%M", time.localtime(header.get("timestamp", 0))),
    )


def script_json(value: object) -> str:
    """`value` as JSON that HTML cannot read into when inside a <script> element: no <, >
    or & as themselves (no comment, no tag), nor U+2028 and U+2029."""
    text = json.dumps(value)
    for char in "<>&\u2028\u2029":  # str.replace: a page's megabytes in milliseconds
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _inline(text: str, element: str) -> str:
    """The player's own script or styles as the text of a <script> or <style> element;
    DemoError if HTML would read markup in it (no escaping is safe in code)."""
    found = re.search(_MARKUP[element], text, re.IGNORECASE)
    if found:
        raise DemoError(
            f"{PLAYER}'s {element} holds {found[0]!r}, which would break the page", Status.FAILED
        )
    return text


_MARKUP = {"script": r"<!--|</?script", "style": r"</style"}
"""What ends (or, in a script, hides the end of) an element whose text is not HTML."""


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
<script id="recording" type="application/json">{recording}</script>
<script>
{js}
</script>
<script>
const recording = JSON.parse(document.getElementById("recording").textContent);
const player = AsciinemaPlayer.create({{ data: recording.cast }},
                                      document.getElementById("player"), recording.options);
for (const button of document.querySelectorAll("#markers button")) {{
  button.addEventListener("click", () => {{
    player.seek({{ marker: Number(button.dataset.marker) }}).then(() => player.play());
  }});
}}
</script>
</body>
</html>
"""
