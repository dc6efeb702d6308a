"""The GIF and the videos: their commands and font sizes, a chapter a scene, the YouTube list."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import srt
import webvtt
from rich._spinners import SPINNERS
from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text
from showreel.exporters.chapters import youtube_list
from showreel.render import Renderer
from showreel.themes import resolve_theme

from director.captions import Cue
from director.formats import Draft, Look, Pixels
from director.panels import SPINNER
from director.recording import Cast
from director.videos import (
    FITTED,
    GIF_LINE_HEIGHT,
    GLYPHS,
    PADDING,
    chapters,
    fit,
    font,
    for_youtube,
    gif_line_height,
    missing,
    scene_markers_only,
)
from tests.unit.conftest import CAST, stage

ROOT = Path(__file__).resolve().parents[2]


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


def _beyond_ascii(text: str) -> set[str]:
    return {char for char in text if ord(char) > 127 and char.isprintable()}


def test_every_glyph_the_stage_draws_is_in_the_renderers_font() -> None:
    assert missing(font(), "".join(GLYPHS)) == ""
    assert missing(font(), "⠋⋮") == "⠋⋮", "Braille and the vertical ellipsis are not in it"


def test_the_glyph_table_has_every_character_beyond_ascii_the_stage_can_draw() -> None:
    written = "".join(
        path.read_text(encoding="utf-8")
        for folder in ("director", "scenes", "counter")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".toml")
    )
    console = Console(width=40, record=True, color_system=None, file=io.StringIO())
    syntax = Syntax("x = 1\ny = 2", "python", line_numbers=True, highlight_lines={1})
    console.print(Panel(syntax, title="t"), Text("a" * 80, overflow="ellipsis", no_wrap=True))
    drawn = console.export_text() + "".join(SPINNERS[SPINNER]["frames"])
    tabled = "".join(GLYPHS)
    for source, text in (("a module, scene or program", written), ("Rich", drawn)):
        assert _beyond_ascii(text) <= set(tabled), f"from {source}: add it to videos.GLYPHS"


@pytest.mark.parametrize(
    "pixels", [(1280, 720), (1920, 1080), (3840, 2160), (1024, 768), (640, 360)]
)
def test_a_size_in_pixels_is_filled_by_showreels_frame_and_the_rest_padded(
    pixels: tuple[int, int],
) -> None:
    columns, rows, size = fit(Pixels(*pixels))
    assert columns >= FITTED[0] and rows >= FITTED[1]
    drawn = Renderer(resolve_theme(None, "asciinema"), columns, rows, size, str(font()), PADDING)
    assert drawn.width <= pixels[0] and drawn.height <= pixels[1]
    larger = fit(Pixels(*pixels), size + 1)
    assert larger[0] < FITTED[0] or larger[1] < FITTED[1], "the largest font that fills it"
    assert pixels[0] - drawn.width < 2 * PADDING + drawn.char_w, "the columns fill the width"
    assert pixels[1] - drawn.height < 2 * PADDING + drawn.cell_h, "the rows fill the height"


@pytest.mark.parametrize("name", ["a.mp4", "a.webm"])
def test_a_video_in_pixels_is_padded_to_them_in_the_themes_background(
    tmp_path: Path, name: str
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    look = Look(theme="nord", font_size=18, pixels=Pixels(1280, 720))
    draft = Draft(cast, tmp_path / name, look, tmp_path)
    assert draft.format.render is not None
    (showreel, _), (padded, _) = draft.format.render(draft)
    assert showreel[showreel.index("--font") + 1] == str(font())
    assert showreel[showreel.index("--padding") + 1] == str(PADDING)
    made = showreel[showreel.index("-o") + 1]
    assert made != str(draft.part) and padded[padded.index("-i") + 1] == made
    assert padded[-1] == str(draft.part)
    assert padded[padded.index("-vf") + 1] == "pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=0x2e3440"
    draft.discard()


CUES = (
    Cue(0.5, 4.0, "A program that counts", "main"),
    Cue(2.0, 3.0, "^C", "key"),
)


@pytest.mark.parametrize("name", ["a.mp4", "a.webm"])
@pytest.mark.parametrize("pixels", [None, Pixels(1280, 720)])
def test_a_video_gets_its_captions_beside_it_and_as_a_track_its_video_copied(
    tmp_path: Path, name: str, pixels: Pixels | None
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    draft = Draft(cast, tmp_path / name, Look(pixels=pixels), tmp_path, CUES)
    assert draft.format.render is not None
    (showreel, _), (added, _) = draft.format.render(draft)
    assert added[added.index("-i") + 1] == showreel[showreel.index("-o") + 1]
    assert added[-1] == str(draft.part) and added[added.index("-c") + 1] == "copy"
    assert ("-c:v" in added) == (pixels is not None), "encoded again only to be padded"
    codec = added[added.index("-c:s") + 1]
    inputs = [Path(added[i + 1]) for i, part in enumerate(added) if part == "-i"]
    track = next(path for path in inputs if path.suffix == ".vtt")
    cues = webvtt.from_string(track.read_text()).captions
    if name.endswith(".mp4"):  # mov_text shows one cue at a time: merged
        assert codec == "mov_text" and [c.text for c in cues] == [
            "A program that counts",
            "A program that counts\n^C",
            "A program that counts",
        ]
    else:
        assert codec == "webvtt" and [c.text for c in cues] == [c.text for c in CUES]
    [beside] = tmp_path.glob(".a.vtt.*.part.vtt")
    assert [c.text for c in webvtt.from_string(beside.read_text()).captions] == [
        "A program that counts",
        "^C",
    ]
    [subrip] = tmp_path.glob(".a.srt.*.part.srt")
    assert [s.content for s in srt.parse(subrip.read_text())] == ["A program that counts", "^C"]
    draft.discard()
    assert not list(tmp_path.glob(".a.*")), "they go with the video"


def test_a_video_with_nothing_said_has_no_track_but_its_empty_captions(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    draft = Draft(cast, tmp_path / "a.mp4", Look(), tmp_path)
    assert draft.format.render is not None
    [(showreel, _)] = draft.format.render(draft)
    assert showreel[showreel.index("-o") + 1] == str(draft.part)
    [beside] = tmp_path.glob(".a.vtt.*.part.vtt")
    assert webvtt.from_string(beside.read_text()).captions == []
    draft.discard()


def test_the_gif_is_drawn_in_the_videos_font_with_rows_that_join_box_lines(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    draft = Draft(cast, tmp_path / "a.gif", Look(), tmp_path)
    assert draft.format.render is not None
    [(command, _)] = draft.format.render(draft)
    assert command[command.index("--font-dir") + 1] == str(font().parent)
    assert command[command.index("--font-family") + 1] == "DejaVu Sans Mono"
    [height] = [float(c.split("=")[1]) for c in command if c.startswith("--line-height=")]
    assert height == gif_line_height(draft.font_size) >= GIF_LINE_HEIGHT


@pytest.mark.parametrize("size", [12, 14, 16, 20, 29])
def test_the_gifs_rows_are_a_whole_number_of_pixels(size: int) -> None:
    height = gif_line_height(size)
    assert GIF_LINE_HEIGHT <= height < GIF_LINE_HEIGHT + 1 / size
    assert abs(size * height - round(size * height)) < 1e-9


def test_every_cell_of_the_stages_header_has_a_background_of_its_own() -> None:
    """showreel draws a blank of the default colours as the background, reversed or not: the
    header's bar has colours of its own in every cell, or it is drawn word by word."""
    narrator, target = stage(80, 24)
    narrator.at_step("With Temporal - step 1/11 (narrate)")
    header = target.render_lines(narrator.layout, target.options.update(height=24))[0]
    assert sum(cell.cell_length for cell in header) == 80
    for cell in header:
        assert cell.style is not None and cell.style.bgcolor is not None, cell
        assert not cell.style.reverse, cell
