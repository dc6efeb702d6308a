"""Rendering against a hostile user: every signal while rendering ends it as it ends the show,
with no renderer left and no file broken at its name; SIGKILL takes the renderers too; titles
that would break the page or inject chapters cannot; a FIFO is refused, never waited on."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import psutil
import pytest

from tests.conftest import DEMO, descendants, director, gone, parsed_page
from tests.e2e.test_rendering import CHROMIUM, in_chromium, video_chapters

QUICK = ["--auto", "--once", "--speed", "20", "--scene", "before-temporal"]
OUTPUTS = ("t.gif", "t.mp4", "t.webm")
RENDERERS = ("agg", "showreel", "ffmpeg")


def rendering(tmp_path: Path, out: Path) -> tuple[pexpect.spawn, list[psutil.Process]]:
    """A short show recorded as a GIF, an MP4 and a WebM, once all three renderers run
    (showreel's ffmpeg too): the director, and its renderers."""
    records = [arg for name in OUTPUTS for arg in ("--record", str(out / name))]
    child = director(tmp_path, *QUICK, *records)
    deadline = time.monotonic() + 120
    while True:
        running = [p for p in descendants(child) if _name(p) in RENDERERS]
        if {"agg", "showreel", "ffmpeg"} <= {_name(p) for p in running}:
            return child, running
        assert child.isalive() and time.monotonic() < deadline, "the renderers never ran"
        with contextlib.suppress(pexpect.TIMEOUT):  # what it shows is read: it never waits
            child.read_nonblocking(65536, timeout=0.02)


def _name(process: psutil.Process) -> str:
    """agg, showreel (a Python script) or ffmpeg (imageio-ffmpeg's, by any name)."""
    try:
        command = process.cmdline()
    except psutil.Error:
        return ""
    if any(Path(part).name == "showreel" for part in command[:2]):
        return "showreel"
    name = Path(command[0]).name if command else ""
    return "ffmpeg" if name.startswith("ffmpeg") else name


def left_behind(tmp_path: Path) -> list[psutil.Process]:
    """Any process still running on a file under tmp_path (a renderer of this test)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(str(tmp_path) in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_rendering_stops_it_leaves_nothing_and_writes_nothing(
    tmp_path: Path, signum: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    child, renderers = rendering(tmp_path, out)
    child.kill(signum)
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 128 + signum, child.logfile_read.getvalue()[-2000:]  # type: ignore[union-attr]
    assert gone(renderers), "agg, showreel and its ffmpeg are stopped with the rendering"
    assert not left_behind(tmp_path)
    assert sorted(os.listdir(out)) == [], "no file at a final name, no temporary file"
    assert "Traceback" not in child.logfile_read.getvalue()  # type: ignore[union-attr]


def test_the_director_killed_while_rendering_takes_its_renderers_and_breaks_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    earlier = {
        name: f"an earlier {name}".encode()
        for name in (*OUTPUTS, "t.chapters.txt", "t.vtt", "t.srt")
    }
    for name, data in earlier.items():
        (out / name).write_bytes(data)
    child, renderers = rendering(tmp_path, out)
    child.kill(signal.SIGKILL)
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert gone(renderers, within=20), "agg and showreel die with it; then ffmpeg ends"
    assert not left_behind(tmp_path)
    for name, data in earlier.items():
        assert (out / name).read_bytes() == data, f"{name} is as it was"
    others = sorted(set(os.listdir(out)) - set(earlier))
    assert all(
        re.fullmatch(r"\.t\.(gif|mp4|webm|chapters\.txt|vtt|srt)\.\w+\.part\.\w+", n)
        for n in others
    )


HOSTILE_TITLE = r"Talk <!--<script> \r[CHAPTER]\u0000 & </script>"
SCENES = {
    "one": r"One <!--<script>\r[CHAPTER]\rTIMEBASE=1/1\rSTART=0\rtitle=fake",
    "two": r"Two\u0000cut </SCRIPT> \u0085\u001b[31m red",
}
CLEAN = {
    "one": "One <!--<script> [CHAPTER] TIMEBASE=1/1 START=0 title=fake",
    "two": "Two cut </SCRIPT> [31m red",
}


def hostile_talk(tmp_path: Path) -> Path:
    """A talk whose titles and narration hold what breaks a page or a chapter list."""
    scenes = tmp_path / "talk" / "scenes"
    scenes.mkdir(parents=True)
    (scenes / "playlist.toml").write_text(
        f'title = "{HOSTILE_TITLE}"\nscenes = ["one", "two"]\n', encoding="utf-8"
    )
    for name, title in SCENES.items():
        (scenes / f"{name}.toml").write_text(
            f'title = "{title}"\n[[steps]]\nkind = "narrate"\n'
            f'title = "{title}"\nbody = "narrated <!--<script> and </script><b>bold</b>"\n'
            '[[steps]]\nkind = "pause"\nseconds = 1\n',
            encoding="utf-8",
        )
    return tmp_path / "talk"


def test_hostile_titles_cannot_break_the_page_or_inject_chapters(tmp_path: Path) -> None:
    talk = hostile_talk(tmp_path)
    outputs = {suffix: tmp_path / f"t{suffix}" for suffix in (".cast", ".html", ".mp4", ".webm")}
    done = subprocess.run(
        [sys.executable, DEMO, "--talk", str(talk), "--state-dir", str(tmp_path / "state"),
         "--auto", "--once", "--speed", "20",
         *(arg for path in outputs.values() for arg in ("--record", str(path)))],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    cast = outputs[".cast"].read_text(encoding="utf-8")
    header = json.loads(cast.partition("\n")[0])
    assert header["title"] == "Talk <!--<script> [CHAPTER] & </script>"
    markers = [e[2] for e in map(json.loads, cast.splitlines()[1:]) if e[1] == "m"]
    assert markers == [f"Scene: {CLEAN['one']}", f"Scene: {CLEAN['two']}"]

    # The page, as a browser's parser reads it: whole, the recording inside, every button.
    page = parsed_page(outputs[".html"].read_text(encoding="utf-8"))
    assert page["title"] == header["title"] and page["recording"]["cast"] == cast
    assert len(page["scripts"]) == 3 and "AsciinemaPlayer.create" in page["last"]
    assert [b.split(" ", 1)[1] for b in page["buttons"]] == markers
    if CHROMIUM or os.environ.get("CI"):
        played = in_chromium(outputs[".html"], tmp_path)
        assert "Round 1: every claim held." in played["screen"], "the player played it all"
        assert played["markers"] >= 2 and played["buttons"] == len(markers)

    # The videos' chapters and the list beside them: a chapter a scene, titled with it.
    for video in (outputs[".mp4"], outputs[".webm"]):
        titles = [re.sub(r"\\(.)", r"\1", title) for _, title in video_chapters(video)]
        assert titles == [CLEAN["one"], CLEAN["two"]], video
    listed = outputs[".mp4"].with_suffix(".chapters.txt").read_text(encoding="utf-8")
    assert all(re.fullmatch(r"\d+:\d\d (One|Two) .*", line) for line in listed.splitlines())
    assert len(listed.splitlines()) == 1, "both scenes are under 10 s: one chapter for YouTube"
    assert "its chapter list needs 3 chapters of 10 s or more for YouTube" in done.stdout


@pytest.mark.parametrize("flag", ["--record t.cast", "--record t.gif", "--transcript t.txt"])
def test_a_fifo_to_record_into_is_refused_at_once(tmp_path: Path, flag: str) -> None:
    option, name = flag.split()
    os.mkfifo(tmp_path / name)  # opened for writing, it would wait for a reader forever
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, DEMO, "--state-dir", str(tmp_path / "state"), *QUICK, option,
         str(tmp_path / name)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"demo.py: {option} {tmp_path / name}: a FIFO, not a regular file"
    assert took < 10, "refused before the show (a second, and Python's start)"
    assert not (tmp_path / "state").exists(), "before the show began"
