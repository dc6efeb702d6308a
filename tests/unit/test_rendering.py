"""Rendering's pure parts: scene chapters, the offline page, what a renderer's progress says,
and the table of formats, each entry whole."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress
from showreel.exporters.chapters import youtube_list

from director import formats
from director.errors import DemoError
from director.formats import FORMATS, Draft, Look, listing
from director.page import length, page, recording, script_json
from director.recording import Cast
from director.rendering import Job, render
from director.videos import chapters, for_youtube, scene_markers_only
from tests.conftest import parsed_page

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
    cast.write(f"out{separators}")
    kept = scene_markers_only(cast.text())
    assert kept.splitlines() == kept.split("\n")[:-1]
    said = [json.loads(line)[2] for line in kept.splitlines()[1:]]
    assert said == ["A B", f"out{separators}"], "a title is one line; the output is as printed"


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
    parsed = parsed_page(text)
    assert len(parsed["scripts"]) == 3
    assert parsed["recording"]["cast"] == CAST and recording(text)["cast"] == CAST
    options = parsed["recording"]["options"]
    assert options["theme"] == "nord" and options["idleTimeLimit"] == 2
    assert options["markers"][0] == [0.01, "Scene: Before Temporal"]
    # Every marker is a button: scenes, and claims under them.
    assert '<li class="scene"><button data-marker="2">1:05 Scene: With Temporal' in text
    assert '<li class="claim"><button data-marker="3">1:11 ✘ FAILED: no number is lost' in text
    assert "<title>Talk &lt;/script&gt;</title>" in text
    output = tmp_path / "talk.html"
    output.write_text(text, encoding="utf-8")
    assert length(output) == 72.5


HOSTILE = ["<!--<script>", "</script>", "<script>", "<!-- -->", "</SCRIPT >", "&amp;", "]]>"]
"""What ends a script element, or hides its end from the HTML parser."""


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_title_marker_or_output_breaks_the_page(tmp_path: Path, hostile: str) -> None:
    events = [
        {"version": 2, "width": 80, "height": 24, "timestamp": 0, "title": f"Talk {hostile}"},
        [0.01, "m", f"Scene: One {hostile}"],
        [0.5, "o", f"{hostile} said a program\r\n"],
        [1.0, "m", f"✔ output matches '{hostile}'"],
        [12.0, "m", f"Scene: Two {hostile}"],
        [13.0, "o", "bye\r\n"],
    ]
    text = "\n".join(json.dumps(event, ensure_ascii=False) for event in events) + "\n"
    cast = tmp_path / "talk.cast"
    cast.write_text(text, encoding="utf-8")
    parsed = parsed_page(page(cast, Look()))
    assert parsed["title"] == parsed["heading"] == f"Talk {hostile}"
    assert len(parsed["scripts"]) == 3 and parsed["recording"]["cast"] == text
    assert parsed["buttons"] == [
        f"0:00 Scene: One {hostile}", f"0:01 ✔ output matches '{hostile}'",
        f"0:12 Scene: Two {hostile}",
    ]  # fmt: skip
    assert parsed["last"].strip().startswith("const recording = JSON.parse(")
    assert parsed["last"].strip().endswith("}")


def test_json_in_a_script_has_nothing_html_can_read() -> None:
    value = {"cast": "<!--<script></script>&\u2028\u2029 ✔", "markers": [[1, "<b>"]]}
    written = script_json(value)
    assert not set(written) & set("<>&\u2028\u2029")
    assert json.loads(written) == value


@pytest.mark.parametrize("markup", ["<!--", "<script>", "</script>", "</SCRIPT"])
def test_a_player_whose_script_html_would_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, markup: str
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    player = tmp_path / "player"
    (player / "assets").mkdir(parents=True)
    (player / "assets" / "asciinema-player.css").write_text(".ap-player {}")
    (player / "assets" / "asciinema-player.min.js").write_text(f'var a="{markup}";')
    monkeypatch.setattr("director.page.resources.files", lambda _: player)
    with pytest.raises(DemoError, match=rf"script holds '{re.escape(markup[:7])}"):
        page(cast, Look())


def test_a_page_without_its_recording_does_not_play(tmp_path: Path) -> None:
    output = tmp_path / "talk.html"
    output.write_text("<!doctype html><script>var a = 1;</script>")
    with pytest.raises(RuntimeError):
        length(output)


def test_a_page_that_does_not_play_leaves_an_earlier_one_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    output = tmp_path / "talk.html"
    output.write_text("an earlier page")
    monkeypatch.setattr("director.page.page", lambda *_: "<!doctype html><p>cut sh")
    with pytest.raises(DemoError, match=r"talk\.html: the renderer wrote nothing that plays"):
        render(cast, [output], Look(), Console(file=io.StringIO()))
    assert output.read_text() == "an earlier page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.cast", "talk.html"]
    monkeypatch.undo()
    (written,) = render(cast, [output], Look(), Console(file=io.StringIO()))
    assert (written.path, written.seconds) == (output, 72.5) and recording(output.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.cast", "talk.html"]


@pytest.mark.parametrize(
    ("scenes", "listed"),
    [
        # Two scenes, the first 9 s: one chapter (YouTube wants 3), under the longer title.
        ([(0.01, 9.5, "One"), (9.5, 70, "Two")], [(0, 70, "Two")]),
        # A short one joins its shorter neighbour.
        ([(0, 30, "A"), (30, 35, "B"), (35, 80, "C")], [(0, 35, "A"), (35, 80, "C")]),
        ([(0, 20, "A"), (20, 40, "B"), (40, 45, "C")], [(0, 20, "A"), (20, 45, "B")]),
        # What comes before the first scene is an intro, a chapter too.
        (
            [(3, 40, "A"), (40, 80, "B"), (80, 100, "C")],
            [(0, 40, "A"), (40, 80, "B"), (80, 100, "C")],
        ),
        ([(12, 40, "A"), (40, 80, "B")], [(0, 12, "Intro"), (12, 40, "A"), (40, 80, "B")]),
        # Several short ones in a row become one.
        ([(0, 4, "A"), (4, 8, "B"), (8, 12, "C"), (12, 60, "D")], [(0, 12, "A"), (12, 60, "D")]),
        ([(0.2, 5, "A")], [(0, 5, "A")]),
        ([], []),
    ],
)
def test_chapters_under_10_s_join_a_neighbour_for_youtube(
    scenes: list[tuple[float, float, str]], listed: list[tuple[float, float, str]]
) -> None:
    assert for_youtube(scenes) == listed


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
    [("a.gif", None, "14"), ("a.mp4", None, "20"), ("a.webm", None, "20"), ("a.gif", 30, "30")],
)
def test_each_output_has_its_own_default_font_size_and_the_flags_win(
    tmp_path: Path, name: str, given: int | None, font_size: str
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    draft = Draft(
        cast, tmp_path / name, Look(theme="nord", font_size=given, idle_limit=1.5), tmp_path
    )
    assert draft.format.render is not None
    (command, env), *then = draft.format.render(draft)
    assert command[command.index("--font-size") + 1] == font_size
    assert command[command.index("--theme") + 1] == "nord"
    assert any(part.endswith("1.5") for part in command)
    scenes = draft.work / "scenes.cast"
    assert str(cast if name.endswith("gif") else scenes) in command
    if name.endswith(".gif"):
        assert str(draft.part) in command and not then
        return
    assert env is not None  # showreel finds imageio-ffmpeg's ffmpeg on its PATH
    assert (Path(env["PATH"].split(":")[0]) / "ffmpeg").resolve().is_file()
    [listed] = (tmp_path / name).parent.glob(".a.chapters.txt.*.part.txt")
    # The last scene is 7 s long: YouTube's list has it in the one before, and is told.
    assert listed.read_text() == "0:00 Before Temporal\n"
    assert "needs 3 chapters of 10 s or more for YouTube" in draft.note
    assert not (tmp_path / "a.chapters.txt").exists(), "there once the video is whole"
    if name.endswith(".webm"):  # showreel writes it aside; ffmpeg copies it with chapters
        [(copy, _)] = then
        assert str(draft.part) not in command and copy[-1] == str(draft.part)
        assert copy[copy.index("-i") + 1] == command[command.index("-o") + 1]
        metadata = Path(copy[copy.index("-i", copy.index("-i") + 1) + 1]).read_text()
        assert metadata.count("[CHAPTER]") == 2 and "title=With Temporal" in metadata
    else:
        assert command[command.index("-o") + 1] == str(draft.part) and not then
    draft.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        next(p.name for p in tmp_path.iterdir() if p.is_dir()),
        "talk.cast",
    ], "nothing left beside the output but the temporary folder"


def test_every_format_says_what_makes_it_how_it_is_checked_and_its_font(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    shown = [ending for ending, format in FORMATS.items() if format.render is None]
    assert shown == [formats.CAST] == [".cast"], "one format is the show's own: the cast"
    assert FORMATS[formats.CAST].length is None
    for ending, format in FORMATS.items():
        assert format.ending == ending and re.fullmatch(r"\.[a-z0-9]+", ending)
        assert ending in listing()
        if format.render is None:
            continue
        assert callable(format.length), f"{ending}: how it is read back before it is kept"
        draft = Draft(cast, tmp_path / f"talk{ending}", Look(), tmp_path)
        steps = format.render(draft)
        fonts = [cmd[cmd.index("--font-size") + 1] for cmd, _ in steps if "--font-size" in cmd]
        # Its default font size is given to its renderer, or it has none to give.
        assert fonts == ([str(format.font_size)] if format.font_size else []), ending
        if not steps:  # made here: it reads back as what it is
            assert format.length(draft.part) == 72.5, ending
        draft.discard()


def test_the_help_names_every_format_as_it_always_did() -> None:
    assert listing() == (
        ".cast (asciicast v2), .gif, .mp4, .webm (a chapter a scene) or .html (an offline player)"
    )
