"""Rendering's pure parts: scene chapters, the offline page, what a renderer's progress says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress
from showreel.exporters.chapters import youtube_list

from director.recording import Cast
from director.rendering import Job, Look, chapters, length, page, scene_markers_only

CAST = "\n".join(
    json.dumps(line, ensure_ascii=False)
    for line in [
        {"version": 2, "width": 100, "height": 30, "timestamp": 0, "title": "Talk </script>"},
        [0.01, "m", "Scene: Before Temporal"],
        [0.5, "o", "\x1b[1mBefore Temporal\x1b[0m\r\n"],
        [3.2, "m", "✔ after the restart it starts again at 1"],
        [65.4, "m", "Scene: With Temporal"],
        [70.0, "o", "</script><script>alert(1)</script>\r\n"],
        [71.25, "m", "✘ FAILED: no number is lost"],
        [72.5, "o", "bye\r\n"],
    ]
)


def test_a_line_separator_in_a_scenes_title_stays_in_its_line() -> None:
    separators = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
    cast = Cast(None, (80, 24), f"Talk{separators}")
    cast.marker(f"Scene: A{separators}B")
    cast.write("out")
    kept = scene_markers_only(cast.text())
    assert kept.splitlines() == kept.split("\n")[:-1]
    assert [json.loads(line)[2] for line in kept.splitlines()[1:]] == [f"A{separators}B", "out"]


def test_a_videos_chapters_are_the_scenes_named_by_their_titles(tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.cast"
    scenes.write_text(scene_markers_only(CAST), encoding="utf-8")
    markers = [e[2] for e in map(json.loads, scenes.read_text().splitlines()[1:]) if e[1] == "m"]
    assert markers == ["Before Temporal", "With Temporal"]
    assert youtube_list(chapters(scenes)[0]) == "0:00 Before Temporal\n1:05 With Temporal\n"
    # The output is untouched.
    assert [line for line in scenes.read_text().splitlines() if '"o"' in line] == [
        line for line in CAST.splitlines() if '"o"' in line
    ]


def test_the_page_holds_the_player_and_the_recording_and_fetches_nothing(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    text = page(cast, Look(theme="nord", idle_limit=2))
    assert "AsciinemaPlayer.create" in text and ".ap-player" in text  # script and styles
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", text
    )
    assert "<script src" not in text and "<link" not in text
    # The recording is inside, whole, and cannot close the script element it sits in.
    scripts = re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    assert len(scripts) == 2
    data = re.search(r"\{ data: (\".*?\") \}", scripts[1], re.DOTALL)
    assert data and json.loads(data[1].replace("<\\/", "</")) == CAST
    options = json.loads(re.search(r"\n\s+(\{\"theme\".*?\})\);", scripts[1])[1])
    assert options["theme"] == "nord" and options["idleTimeLimit"] == 2
    assert options["markers"][0] == [0.01, "Scene: Before Temporal"]
    # Every marker is a button: scenes, and claims under them.
    assert '<li class="scene"><button data-marker="2">1:05 Scene: With Temporal' in text
    assert '<li class="claim"><button data-marker="3">1:11 ✘ FAILED: no number is lost' in text
    assert "<title>Talk &lt;/script&gt;</title>" in text
    output = tmp_path / "talk.html"
    output.write_text(text, encoding="utf-8")
    assert length(output) == 72.5


@pytest.mark.parametrize(
    ("said", "done"),
    [
        (b"\r 37 / 73 [=====>------] 50.68 % 45.64/s 1s", (37, 73)),  # agg
        (b"\rshowreel: rendering mp4 1238x752 42% (51/122)", (51, 122)),  # showreel
        (b"ffmpeg failed (1): Invalid argument", None),
    ],
)
def test_a_renderers_progress_moves_its_bar_and_anything_else_is_kept(
    tmp_path: Path, said: bytes, done: tuple[int, int] | None
) -> None:
    job = Job(tmp_path / "a.cast", tmp_path / "a.gif", Look(), tmp_path)
    job.progress = Progress(console=Console(file=None, width=80))
    job.task = job.progress.add_task("a.gif", total=None)
    job._heard(said)
    task = job.progress.tasks[0]
    if done:
        assert (task.completed, task.total) == done and not job._said
    else:
        assert task.completed == 0 and list(job._said) == [said.decode()]


@pytest.mark.parametrize(
    ("name", "given", "font_size"),
    [("a.gif", None, "14"), ("a.mp4", None, "20"), ("a.gif", 30, "30")],
)
def test_each_output_has_its_own_default_font_size_and_the_flags_win(
    tmp_path: Path, name: str, given: int | None, font_size: str
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    job = Job(cast, tmp_path / name, Look(theme="nord", font_size=given, idle_limit=1.5), tmp_path)
    command, env = job._command()
    assert command[command.index("--font-size") + 1] == font_size
    assert command[command.index("--theme") + 1] == "nord"
    assert any(part.endswith("1.5") for part in command)
    assert str(cast if name.endswith("gif") else job._scenes) in command
    if name.endswith(".mp4"):  # showreel finds imageio-ffmpeg's ffmpeg on its PATH
        assert (Path(env["PATH"].split(":")[0]) / "ffmpeg").resolve().is_file()
        assert (
            tmp_path / "a.chapters.txt"
        ).read_text() == "0:00 Before Temporal\n1:05 With Temporal\n"
