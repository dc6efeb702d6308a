"""Publishable recordings from one piped hands-free run: each output decoded and checked, the
page opened in a real headless Chromium with no network, and the ways rendering can end."""

from __future__ import annotations

import contextlib
import html
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import imageio_ffmpeg
import pexpect
import psutil
import srt
import webvtt
from PIL import Image
from rich._spinners import SPINNERS
from showreel.exporters.chapters import youtube_list
from showreel.render import Renderer
from showreel.themes import resolve_theme

from director.formats import Pixels
from director.page import recording
from director.panels import SPINNER
from director.videos import GIF_HOLD, PADDING, fit, font, for_youtube
from tests.conftest import (
    CHECKOUT,
    DEMO,
    descendants,
    director,
    gone,
    parsed_page,
    read_cast,
    shown,
)  # fmt: skip

SCENES = ["--scene", "before-temporal", "--scene", "with-temporal"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SPINNER_FRAMES = SPINNERS[SPINNER]["frames"]


def markers(events: list[list]) -> list[tuple[float, str]]:
    return [(event[0], event[2]) for event in events if event[1] == "m"]


def gif_frames(path: Path) -> tuple[int, tuple[int, int], float]:
    """The GIF's frame count, size in pixels, and total duration in seconds."""
    with Image.open(path) as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        return gif.n_frames, gif.size, sum(durations) / 1000


def video_chapters(path: Path) -> list[tuple[float, str]]:
    """The chapters ffmpeg reads in a video: (start in seconds, title)."""
    metadata = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.findall(r"\[CHAPTER\]\nTIMEBASE=1/(\d+)\nSTART=(\d+)\nEND=\d+\ntitle=(.*)", metadata)
    return [(int(start) / int(base), title) for base, start, title in found]


def test_one_piped_run_writes_every_output_each_checked(tmp_path: Path) -> None:
    outputs = {suffix: tmp_path / f"talk{suffix}" for suffix in (".cast", ".gif", ".mp4", ".html")}
    outputs[".webm"] = tmp_path / "video" / "talk.webm"
    outputs[".webm"].parent.mkdir()
    log = tmp_path / "log.txt"
    with log.open("w") as piped:
        done = subprocess.run(
            [sys.executable, DEMO, "--state-dir", str(tmp_path / "state"), "--auto", "--once",
             "--speed", "10", *SCENES, "--font-size", "12", "--theme", "monokai",
             *(arg for path in outputs.values() for arg in ("--record", str(path)))],
            stdout=piped, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = log.read_text()
    assert "Round 1: every claim held." in said and "\x1b[" not in said, "the log stays plain"
    for suffix in (".gif", ".mp4", ".webm", ".html"):
        assert re.search(rf"Wrote .*talk{suffix}: [\d.]+ (kB|MB), 0:\d\d long", said), suffix

    # The cast: what the audience saw, with colour and panels, at 100x30 as nothing was a tty.
    meta, events = read_cast(outputs[".cast"])
    assert (meta["width"], meta["height"]) == (100, 30)
    drawn = "".join(event[2] for event in events if event[1] == "o")
    assert "\x1b[38;2;" in drawn and "╭" in drawn and "$ python start-execution.py" in drawn
    assert "running" in drawn and "With Temporal - step" in drawn, "the live region, the footer"
    length = events[-1][0]
    scenes = [(at, label.removeprefix("Scene: ")) for at, label in markers(events)
              if label.startswith("Scene: ")]  # fmt: skip
    assert [title for _, title in scenes] == ["Before Temporal", "With Temporal"]

    # The GIF: every frame the recording's size, as long as the recording (and its last hold).
    frames, size, seconds = gif_frames(outputs[".gif"])
    assert frames > 20 and size[0] > size[1] > 200
    assert abs(seconds - GIF_HOLD - length) <= 0.15 * length, (seconds, length)

    # The videos: as long as the recording, a chapter a scene titled with it, and the list.
    for video in (outputs[".mp4"], outputs[".webm"]):
        _, video_seconds = imageio_ffmpeg.count_frames_and_secs(str(video))
        assert abs(video_seconds - length) <= 0.15 * length, (video, video_seconds, length)
        chapters = video_chapters(video)
        assert [title for _, title in chapters] == ["Before Temporal", "With Temporal"]
        assert all(
            abs(at - start) < 0.2 for (at, _), (start, _) in zip(chapters, scenes, strict=True)
        )
        # The list for YouTube: the same chapters, each at least 10 s (short ones joined).
        ends = [at for at, _ in scenes[1:]] + [length]
        made = [(at, end, title) for (at, title), end in zip(scenes, ends, strict=True)]
        listed = video.with_suffix(".chapters.txt").read_text()
        assert listed == youtube_list(for_youtube(made))

    # The captions: beside each video and in it, each narration's title while it was shown,
    # in its scene, and the Ctrl-C sent as a key of its own.
    titled = [narration_titles(name) for name in SCENES[1::2]]
    for video, track in ((outputs[".mp4"], "mov_text"), (outputs[".webm"], "webvtt")):
        _, video_seconds = imageio_ffmpeg.count_frames_and_secs(str(video))
        read = webvtt.read(str(video.with_suffix(".vtt"))).captions
        subtitles = list(srt.parse(video.with_suffix(".srt").read_text()))
        assert [html.unescape(c.text) for c in read] == [s.content for s in subtitles]
        cues = [(s.start.total_seconds(), s.end.total_seconds(), " ".join(s.content.split()))
                for s in subtitles]  # fmt: skip
        assert all(0 <= start < end <= length + 0.01 for start, end, _ in cues), cues
        assert all(start < video_seconds for start, _, _ in cues)
        starts = [at for at, _ in scenes]
        bounds = zip(starts, [*starts[1:], length], strict=True)
        for titles, (begins, until) in zip(titled, bounds, strict=True):
            shown_at = [next(at for at, _, text in cues if title in text) for title in titles]
            assert shown_at == sorted(shown_at), (titles, cues)
            assert all(begins <= at < until for at in shown_at), (titles, begins, cues)
            keys = [at for at, _, text in cues if text == "^C" and begins <= at < until]
            said = [at for at, _, text in cues if text.startswith("Sending Ctrl-C (SIGINT)")]
            assert len(keys) == 1 and any(abs(keys[0] - at) < 0.5 for at in said), cues
        streams = subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(video)], capture_output=True, text=True
        ).stderr
        assert f"Subtitle: {track}" in streams, streams

    # The page: the recording inside, and nothing it would fetch.
    page = outputs[".html"].read_text()
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?""", page
    )
    assert parsed_page(page)["recording"]["cast"] == outputs[".cast"].read_text()
    listed = [text for _, _, text in parsed_page(page)["captions"]]
    assert all(any(title in row for row in listed) for titles in titled for title in titles)
    if CHROMIUM or os.environ.get("CI"):
        played = in_chromium(outputs[".html"], tmp_path)
        # Its poster (0:03) is drawn: a scene's heading, and its footer unless a countdown is on.
        drawn = r"scene \d of 2: (Before|With) Temporal|(Before|With) Temporal - step \d+/\d+"
        assert re.search(drawn, played["screen"]), played
        assert "│" in played["screen"]
        assert played["markers"] >= len(scenes) and played["buttons"] == len(markers(events))
        assert any(titled[0][0] in row for row in played["captions"]), "listed beside it"


def commands(child: pexpect.spawn) -> list[list[str]]:
    """The command lines of the child's descendants still running."""
    found = []
    for process in descendants(child):
        with contextlib.suppress(psutil.Error):
            found.append(process.cmdline())
    return found


def in_chromium(page: Path, tmp_path: Path) -> dict:
    """Open the page from file:// in headless Chromium, with every network name unresolvable
    and a proxy that refuses: what the player's screen shows, its markers, the page's buttons."""
    assert CHROMIUM, "CI installs Debian's chromium (.ci/run)"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'chromium'}",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    screen = re.search(r'<pre class="ap-term-text[^"]*"[^>]*>(.*?)</pre>', dom, re.DOTALL)
    return {
        "screen": re.sub(r"<[^>]+>", "", screen[1]) if screen else "",
        "markers": dom.count('class="ap-marker-container'),
        "buttons": len(re.findall(r"<button data-marker=", dom)),
        "captions": re.findall(r'<ol id="captions".*?</ol>', dom, re.DOTALL)[0].split("</li>"),
    }


def narration_titles(scene: str) -> list[str]:
    """The titles of a scene's narrations, in its file's order."""
    steps = tomllib.loads((CHECKOUT / "scenes" / f"{scene}.toml").read_text())["steps"]
    return [step["title"] for step in steps if step["kind"] == "narrate"]


def test_ctrl_c_keeps_the_cast_and_renders_the_rest_from_it(tmp_path: Path) -> None:
    cast, gif, page = tmp_path / "cut.cast", tmp_path / "cut.gif", tmp_path / "cut.html"
    child = director(
        tmp_path, "--auto", "--speed", "4", *SCENES, "--font-size", "10",
        "--record", str(cast), "--record", str(gif), "--record", str(page),
    )  # fmt: skip
    child.expect(shown("│ 2 "))
    child.kill(signal.SIGINT)
    child.expect(shown(f"Wrote {gif}"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    _, events = read_cast(cast)
    frames, _, seconds = gif_frames(gif)
    assert frames > 3 and abs(seconds - GIF_HOLD - events[-1][0]) <= 0.15 * events[-1][0] + 0.2
    assert recording(page.read_text())["cast"] == cast.read_text()


def test_a_renderer_that_fails_keeps_the_cast_and_says_which_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    gif, page = out / "talk.gif", tmp_path / "talk.html"
    child = director(
        tmp_path, "--auto", "--once", "--speed", "10", "--scene", "before-temporal",
        "--record", str(gif), "--record", str(page),
    )  # fmt: skip
    child.expect(shown("│ 2 "))
    shutil.rmtree(out)  # the folder goes away during the show
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    said = child.logfile_read.getvalue()  # type: ignore[union-attr]
    kept = tmp_path / "state" / "recording.cast"
    assert re.search(shown(f"rendering failed: {gif}: agg failed"), said)
    assert re.search(shown(f"(the recording is kept in {kept})"), said)
    assert "Traceback" not in said and page.stat().st_size > 0, "the other output is written"
    _, events = read_cast(kept)
    assert any(event[2] == "Scene: Before Temporal" for event in events)


def test_a_second_ctrl_c_stops_the_rendering_and_leaves_no_renderer(tmp_path: Path) -> None:
    video = tmp_path / "talk.webm"
    child = director(tmp_path, "--auto", "--speed", "4", *SCENES, "--record", str(video))
    child.expect(shown("│ 2 "))
    child.kill(signal.SIGINT)
    child.expect(shown("talk.webm"))  # its progress bar: the renderer runs
    deadline = time.monotonic() + 30
    while not any("showreel" in " ".join(command) for command in commands(child)):
        assert time.monotonic() < deadline, "showreel never started"
        time.sleep(0.05)
    renderers = descendants(child)
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert gone(renderers), "showreel and its ffmpeg are stopped with the director"
    assert not video.exists() and not list(tmp_path.glob(".talk.*")), "nor a temporary file"
    assert read_cast(tmp_path / "state" / "recording.cast")[1], "the cast is kept"


def frame_at(video: Path, seconds: float, into: Path) -> Image.Image:
    """The video's frame shown at `seconds`, decoded by ffmpeg."""
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{seconds:.3f}",
         "-i", str(video), "-frames:v", "1", str(into)],
        check=True, timeout=60,
    )  # fmt: skip
    return Image.open(into).convert("L")


def test_a_video_sized_in_pixels_is_that_size_with_one_header_bar_and_a_spinner_drawn(
    tmp_path: Path,
) -> None:
    cast, video = tmp_path / "talk.cast", tmp_path / "talk.mp4"
    done = subprocess.run(
        [sys.executable, DEMO, "--state-dir", str(tmp_path / "state"), "--auto", "--once",
         "--speed", "4", "--scene", "before-temporal", "--record-size", "1280x720",
         "--record", str(cast), "--record", str(video)],
        capture_output=True, stdin=subprocess.DEVNULL, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    reader = imageio_ffmpeg.read_frames(str(video))
    assert next(reader)["size"] == (1280, 720), "exactly the size asked, in pixels"
    reader.close()
    meta, events = read_cast(cast)
    columns, rows, size = fit(Pixels(1280, 720))
    assert (meta["width"], meta["height"]) == (columns, rows)
    drawn = Renderer(resolve_theme(None, "asciinema"), columns, rows, size, str(font()), PADDING)
    left = (1280 - drawn.width) // 2 // 2 * 2 + PADDING  # ffmpeg's pad: even offsets in YUV 4:2:0
    top = (720 - drawn.height) // 2 // 2 * 2 + PADDING

    # The header: one bar, its top pixel row light from its first word to its last (a blank
    # drawn as the background would be a dark run a cell wide).
    header = frame_at(video, 3, tmp_path / "header.png")
    row = [header.getpixel((x, top + 1)) > 128 for x in range(1280)]
    start, end = row.index(True), len(row) - row[::-1].index(True)
    assert end - start > 0.9 * columns * drawn.char_w, "the bar spans the screen"
    assert all(row[start:end]), "no gap in the bar"

    # The spinner: its frames are glyphs of the font, each drawn as itself (the font's empty
    # box would look the same in every frame), in the footer's first cell. Every frame of the
    # video is looked at (one per change): which frames a spinner's turn lands on, and for how
    # long, depends on the machine's pace.
    assert {c for _, kind, text in events if kind == "o" for c in SPINNER_FRAMES if c in text}
    y, width = top + (rows - 1) * drawn.cell_h, round(drawn.char_w)
    drawings: list[list[bool]] = []
    for frame in itertools.islice(
        imageio_ffmpeg.read_frames(str(video), pix_fmt="gray", bits_per_pixel=8), 1, None
    ):
        starts = [(y + dy) * 1280 + left for dy in range(drawn.cell_h)]
        ink = [value > 64 for start in starts for value in frame[start : start + width]]
        alike = (
            sum(a != b for a, b in zip(ink, seen, strict=True)) < len(ink) / 30 for seen in drawings
        )
        if any(ink) and not any(alike):
            drawings.append(ink)
    # The footer's own first letter when nothing runs is one drawing, the spinner's turns the
    # rest: at least half of its frames.
    assert len(drawings) > len(SPINNER_FRAMES) // 2, (
        f"{len(drawings)} drawings in the spinner's cell: the empty box?"
    )
