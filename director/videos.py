"""The GIF (agg) and the videos (showreel on imageio-ffmpeg's ffmpeg): their commands, a video's
chapters (a scene each, and the list for YouTube) and captions (beside it and in it), and
whether ffmpeg decodes what they wrote."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import imageio_ffmpeg
from PIL import ImageFont
from showreel import ShowreelError
from showreel.core.parser import parse
from showreel.exporters.chapters import extract_chapters, ffmetadata, youtube_list
from showreel.fonts import find_font
from showreel.render import measure_font
from showreel.themes import BUILTIN_THEMES

from director import captions
from director.errors import DemoError
from director.processes import which
from director.recording import NO_TERMINAL_SIZE, SCENE, json_line

if TYPE_CHECKING:
    from director.formats import Command, Draft, Pixels

VIDEO_FPS = 15
GIF_HOLD = 2
"""Seconds the GIF holds its last frame (the summary) before it loops."""
YOUTUBE_CHAPTERS = (3, 10.0)
"""YouTube uses a description's chapter list of at least 3 chapters, each at least 10 s."""
PADDING = 16
"""showreel's border around the terminal, in pixels (its default, given to it)."""
FITTED = (80, NO_TERMINAL_SIZE[1])
"""A size in pixels is filled by the largest font that gives at least these columns and rows."""
GIF_LINE_HEIGHT = 1.2
"""agg's rows, in font sizes, at least: its default 1.4 leaves gaps in the box-drawing lines,
at 1.2 they join; lower, the row below paints over the underscores, and 1.0 cuts the
descenders off."""


def gif_line_height(font_size: int) -> float:
    """The line height that makes agg's rows a whole number of pixels, at least
    GIF_LINE_HEIGHT: where a row's height has a fraction, rows that fall on it lose their
    underscores under the next row's background (`count_to` read `count to`)."""
    return math.ceil(font_size * GIF_LINE_HEIGHT) / font_size


GLYPHS: dict[str, str] = {
    "✔": "a claim that held",
    "▀": "the notes screen's QR code (never on the stage)",
    "▄": "the notes screen's QR code (never on the stage)",
    "█": "the notes screen's QR code (never on the stage)",
    "✘": "a claim that failed",
    "▌": "the cursor of a command being typed",
    "❱": "Rich's mark of a highlighted code line",
    "…": "Rich's mark of text cut short",
    "↪": "a long code line's continuation, under its indentation",
    "┆": "the code panel's mark of lines left out of its window",
    "◆": "the live history's mark of an event that happened while no worker ran",
    "─│╭╮╰╯": "Rich's rounded boxes: every panel",
    "◜◠◝◞◡◟": "the footer's spinner (Rich's \"arc\")",
}
"""Every character beyond ASCII the stage draws, and what for: each must be in the renderers'
font (font()), or a video draws the font's empty box instead (tested)."""
Chapter = tuple[float, float, str]
"""(start, end, a scene's title), in seconds."""


def gif(draft: Draft) -> list[Command]:
    """agg draws the cast, every pause kept as long as the cast has it (agg caps them at 5 s
    unless told otherwise)."""
    return [
        (
            [tool("agg"), *_looks(draft), *_agg_font(),
             f"--line-height={gif_line_height(draft.font_size)}",
             f"--idle-time-limit={draft.look.idle}",
             f"--last-frame-duration={GIF_HOLD}", str(draft.cast), str(draft.part)],
            dict(os.environ),
        )
    ]  # fmt: skip


def video(draft: Draft) -> list[Command]:
    """showreel makes the video with a chapter a scene, its container by the name's ending
    (MP4; its MKV would do as well); ffmpeg adds the captions' track to it, its video copied,
    or padded to the size asked in pixels if one was."""
    scenes, _, _ = _scenes(draft)
    inputs, track = _captions(draft, "mov_text", 1)
    if draft.look.pixels is None and not track:
        return [_showreel(draft, scenes, draft.part)]
    made = draft.aside()
    encoded = ["-c:v", "libx264", "-crf", "20", "-pix_fmt", "yuv420p"]
    added = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(made), *inputs,
             "-map", "0:v", "-c", "copy", *track,  # its chapters come along
             *([*_pad(draft), *encoded] if draft.look.pixels else []), str(draft.part)]  # fmt: skip
    return [_showreel(draft, scenes, made), (added, None)]


def webm(draft: Draft) -> list[Command]:
    """showreel leaves chapters out of WebM, which has them (Matroska's): its video is then
    copied into the output with the scenes' chapters, as in the MP4, and the captions."""
    scenes, found, title = _scenes(draft)
    made = draft.aside()
    metadata = draft.work / "chapters.ffmeta"
    metadata.write_text(ffmetadata(found, title), "utf-8")
    inputs, track = _captions(draft, "webvtt", 2)
    copy = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(made),
            "-i", str(metadata), *inputs, "-map", "0", "-map_chapters", "1", "-c", "copy",
            *track, str(draft.part)]  # fmt: skip
    if draft.look.pixels is not None:  # padded as it is copied
        copy[-1:] = [*_pad(draft), "-c:v", "libvpx-vp9", "-crf", "30", "-b:v", "0",
                     "-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "yuv420p",
                     str(draft.part)]  # fmt: skip
    return [_showreel(draft, scenes, made), (copy, None)]


def _captions(draft: Draft, codec: str, index: int) -> tuple[list[str], list[str]]:
    """The captions beside the output (NAME.vtt and NAME.srt, taking their names with it), and
    ffmpeg's options that add them as its input `index` and the output's track in `codec`
    (none when nothing was said): mov_text shows one cue at a time, so its cues are merged."""
    cues = captions.cut(draft.cues)
    beside = draft.also(draft.final.with_suffix(".vtt"))
    beside.write_text(captions.vtt(cues), "utf-8")
    draft.also(draft.final.with_suffix(".srt")).write_text(captions.subrip(cues), "utf-8")
    if not cues:
        return [], []
    if codec == "mov_text":
        beside = draft.work / "merged.vtt"  # not SubRip: it has no escape for a "<"
        beside.write_text(captions.vtt(captions.merged(cues)), "utf-8")
    return ["-i", str(beside)], ["-map", str(index), "-c:s", codec]


def _pad(draft: Draft) -> list[str]:
    """ffmpeg's filter that centres the frame in the size asked, in the theme's background."""
    assert draft.look.pixels is not None
    width, height = draft.look.pixels.width, draft.look.pixels.height
    background = BUILTIN_THEMES[draft.look.theme]["bg"].lstrip("#")
    return ["-vf", f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=0x{background}"]


def fit(pixels: Pixels, font_size: int | None = None) -> tuple[int, int, int]:
    """The columns, rows and font size that fill `pixels` with showreel's cells: the largest
    font with at least FITTED columns and rows, or the one given; ValueError if the cells do
    not reach 40x10."""
    room = (pixels.width - 2 * PADDING, pixels.height - 2 * PADDING)
    for size in [font_size] if font_size else range(96, 7, -1):
        width, height, _ = measure_font(str(font()), size)
        columns = int(room[0] / width)
        columns -= round(columns * width) > room[0]  # showreel rounds the width it draws
        columns, rows = min(columns, 500), min(room[1] // height, 200)
        if columns >= FITTED[0] and rows >= FITTED[1]:
            break
    if columns < 40 or rows < 10:
        raise ValueError(f"holds {columns}x{rows} cells at {size} px, not 40x10")
    return columns, rows, size


def _looks(draft: Draft) -> list[str]:
    return ["--theme", draft.look.theme, "--font-size", str(draft.font_size)]


def font() -> Path:
    """The font both renderers draw with: the monospace one showreel finds (DejaVu Sans Mono
    on Linux), given to agg too, so the GIF and the videos have the same glyphs."""
    try:
        return Path(find_font())
    except ShowreelError as error:
        raise DemoError(f"the videos need a monospace font: {error}") from None


def missing(path: Path, text: str) -> str:
    """The characters of `text` the font at `path` has no glyph for (drawn as its .notdef)."""
    face = ImageFont.truetype(str(path), 20)

    def drawn(char: str) -> tuple[tuple[int, int], bytes]:
        mask = face.getmask(char)
        return mask.size, bytes(mask)

    notdef = drawn("\U0010fffd")  # a private code point no font has
    return "".join(char for char in dict.fromkeys(text) if drawn(char) == notdef)


def _agg_font() -> list[str]:
    family, _ = ImageFont.truetype(str(font()), 10).getname()
    return ["--font-dir", str(font().parent), "--font-family", str(family)]


def _scenes(draft: Draft) -> tuple[Path, list[Chapter], str | None]:
    """A video's cast, whose markers are the scenes alone (claims stay markers of the cast and
    the page), its chapters and title; its list for YouTube goes beside the output."""
    scenes = draft.work / "scenes.cast"
    scenes.write_text(scene_markers_only(draft.cast.read_text(encoding="utf-8")), "utf-8")
    found, title = chapters(scenes)
    listed = for_youtube(found)
    if len(listed) < YOUTUBE_CHAPTERS[0]:
        draft.note = " (its chapter list needs 3 chapters of 10 s or more for YouTube)"
    listing = draft.also(draft.final.with_suffix(".chapters.txt"))
    listing.write_text(youtube_list(listed), encoding="utf-8")
    return scenes, found, title


def _showreel(draft: Draft, scenes: Path, into: Path) -> Command:
    ffmpeg = draft.work / "bin" / "ffmpeg"  # showreel finds ffmpeg on PATH by that name
    if not ffmpeg.exists():
        ffmpeg.parent.mkdir(exist_ok=True)
        ffmpeg.symlink_to(imageio_ffmpeg.get_ffmpeg_exe())
    command = [tool("showreel"), "video", str(scenes), "-o", str(into), *_looks(draft),
               "--font", str(font()), "--padding", str(PADDING),
               "--fps", str(VIDEO_FPS), "--chapters", "markers"]  # fmt: skip
    if draft.look.idle_limit:
        command += ["--idle-limit", str(draft.look.idle)]
    path = f"{ffmpeg.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    # Its own temporary files (the chapters for ffmpeg) go with ours.
    return command, {**os.environ, "PATH": path, "TMPDIR": str(draft.work)}


def tool(name: str) -> str:
    """A renderer installed beside this Python (the venv's bin/), else on PATH."""
    found = which(name)
    if not found:
        raise DemoError(f"{name} is not installed: pip install counter-demo installs it")
    return found


def decoded(path: Path) -> float:
    """How long a GIF or a video plays, in seconds; RuntimeError if ffmpeg decodes no frame."""
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    if not frames:
        raise RuntimeError(f"{path}: no frames")
    return seconds


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


def chapters(cast: Path) -> tuple[list[Chapter], str | None]:
    """A chapter a marker of `cast`: (start, end, its name); and the cast's title."""
    parsed = parse(cast)
    return extract_chapters(parsed), parsed.header.title


def for_youtube(chapters: list[Chapter]) -> list[Chapter]:
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
