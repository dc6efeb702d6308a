"""The output formats: one table of what --record writes (each format's ending, what makes it,
how it is read back before it takes its name, its font size), one of the transcripts, and the
checks of what --record and --transcript name."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from director import page, videos
from director.captions import Captions, Cue
from director.errors import DemoError

THEMES = {
    "asciinema": "#000000", "dracula": "#282a36", "monokai": "#272822", "nord": "#2e3440",
    "solarized-dark": "#002b36", "solarized-light": "#fdf6e3",
}  # fmt: skip
"""The colour themes every renderer (agg, showreel, asciinema-player) knows, each with its
background (showreel's): a recording is drawn in the stage's colours for that background."""
UNLIMITED = 86400
"""An idle limit that limits nothing: agg caps pauses at 5 s unless told otherwise."""
VIDEO_FONT_SIZE = 20
"""A 100x30 recording is then about 1240x750 pixels: sharp on a projector."""
GIF_FONT_SIZE = 14
"""A GIF is for a README or a slide, and agg's time grows with its pixels: at 14 px it is
made in under a tenth of the show's length."""

Command = tuple[list[str], dict[str, str] | None]
"""A renderer's command line and its environment (None: the director's)."""


@dataclass(frozen=True)
class Format:
    """One kind of file --record writes, by its name's ending."""

    ending: str
    said: str
    """What --help says of it after its ending ("" for nothing)."""
    render: Callable[[Draft], list[Command]] | None
    """Makes the output at `draft.part`: writes it, or returns the commands that do, run one
    after the other in their own process groups. None: the show writes it as it plays."""
    length: Callable[[Path], float] | None
    """How long what was written plays, in seconds, read back as a viewer reads it (OSError,
    RuntimeError or ValueError if it does not play): it takes its name only then."""
    font_size: int | None
    """Its font size in pixels unless --font-size says; None where there is none to set."""


FORMATS: dict[str, Format] = {
    format.ending: format
    for format in (
        Format(".cast", "asciicast v2", None, None, None),
        Format(".gif", "", videos.gif, videos.decoded, GIF_FONT_SIZE),
        Format(".mp4", "a chapter a scene", videos.video, videos.decoded, VIDEO_FONT_SIZE),
        Format(".webm", "a chapter a scene", videos.webm, videos.decoded, VIDEO_FONT_SIZE),
        Format(".html", "an offline player", page.write, page.length, None),
    )
}
"""Every format --record knows, in the order --help lists them."""
CAST = next(ending for ending, format in FORMATS.items() if format.render is None)
"""The one the show writes, the others are rendered from."""

TRANSCRIPTS: dict[str, Callable[[Console, Path, str], None]] = {
    ".html": lambda console, path, title: console.save_html(str(path)),
    ".svg": lambda console, path, title: console.save_svg(str(path), title=title),
    ".txt": lambda console, path, title: console.save_text(str(path)),
}
"""What --transcript writes by the name's ending: the console, where, the show's title."""


def listing() -> str:
    """The formats as --help names them: ".cast (asciicast v2), .gif, ... or .html (...)",
    endings said alike next to each other said once."""
    groups: list[tuple[list[str], str]] = []
    for format in FORMATS.values():
        if groups and format.said and groups[-1][1] == format.said:
            groups[-1][0].append(format.ending)
        else:
            groups.append(([format.ending], format.said))
    return either([", ".join(endings) + (f" ({said})" if said else "") for endings, said in groups])


def either(names: list[str]) -> str:
    """Names as --help offers them, the last after "or": `.html, .svg or .txt`."""
    *others, last = names
    return f"{', '.join(others)} or {last}" if others else last


@dataclass(frozen=True)
class Pixels:
    """A size in pixels, as --record-size gives one beyond the columns and rows it takes."""

    width: int
    height: int


@dataclass(frozen=True, kw_only=True)
class Look:
    """How the rendered outputs look."""

    theme: str = "asciinema"
    font_size: int | None = None
    """In pixels; by default each format's own (Format.font_size)."""
    idle_limit: float | None = None
    """Silent stretches longer than this are cut to it (the cast already is, when recorded
    with one)."""
    pixels: Pixels | None = None
    """The videos' frame, exactly (--record-size in pixels): the terminal centred in it."""

    @property
    def idle(self) -> float:
        """The idle limit to give a renderer: one that limits nothing if none was asked."""
        return self.idle_limit or UNLIMITED


@dataclass(frozen=True)
class Rendered:
    """One output written: its size in bytes and its length in seconds."""

    path: Path
    bytes: int
    seconds: float
    note: str = ""
    """What the line saying it was written adds (its chapter list cannot be used...)."""


class Draft:
    """One output while it is made from the cast: each file it writes beside its final name,
    renamed there once the output plays back, and removed if it never does."""

    def __init__(
        self, cast: Path, output: Path, look: Look, work: Path, cues: Sequence[Cue] = ()
    ) -> None:
        self.format = FORMATS[output.suffix]
        self.cast = cast
        self.cues = cues
        """The recording's captions (Captions.cues): beside a video, in it, on the page."""
        self.output = output
        self.look = look
        self.font_size = look.font_size or self.format.font_size
        self.work = Path(tempfile.mkdtemp(prefix=f"{output.name}-", dir=work))
        """Its own temporary folder, for small files (the scenes' cast of a video)."""
        self.final = Path(os.path.realpath(output))  # a link to a file: the file is written
        self.part = beside(self.final)
        """Where the output is written."""
        self._files = {self.final: self.part}
        self._aside: list[Path] = []
        self.note = ""
        """What the line saying it was written adds."""

    def also(self, final: Path) -> Path:
        """Where to write a file that takes its name `final` with the output (a chapter list)."""
        self._files[final] = beside(final)
        return self._files[final]

    def aside(self) -> Path:
        """A file beside the output for a step of its own (a WebM before its chapters): one as
        large as the output is never left in the temporary folder."""
        self._aside.append(beside(self.final))
        return self._aside[-1]

    def keep(self) -> Rendered:
        """Every file renamed over its name if the output plays back; DemoError if not."""
        try:
            size = self.part.stat().st_size
        except OSError:
            size = 0
        if not size:
            raise DemoError("the renderer wrote nothing")
        assert self.format.length is not None
        try:
            seconds = self.format.length(self.part)
        except (OSError, RuntimeError, ValueError):
            raise DemoError("the renderer wrote nothing that plays") from None
        try:
            for final, written in self._files.items():
                os.replace(written, final)
        except OSError as error:
            raise DemoError(f"cannot be written: {error.strerror}") from None
        return Rendered(self.output, size, seconds, self.note)

    def discard(self) -> None:
        """Remove what was written and not renamed into place."""
        for part in (*self._files.values(), *self._aside):
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


def beside(path: Path) -> Path:
    """A hidden name in `path`'s folder to write it under; renamed over `path` once whole, a
    file at `path` is never broken, and an earlier one stays until then."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.part{path.suffix}")


@dataclass(frozen=True)
class Recordings:
    """What --record asked for: the cast the show writes, and the files rendered from it."""

    cast: Path
    """The .cast asked for; else one in the state directory, kept for the renderers."""
    rendered: tuple[Path, ...]
    captions: Captions = field(default_factory=Captions, compare=False)
    """What the show's cast collects of the words on screen, for the renderers."""

    @classmethod
    def of(cls, paths: list[Path], state_dir: Path) -> Recordings | None:
        """Check every --record before the show: a known ending, once each, a file that can
        be written in a folder that exists. None when nothing is to be recorded."""
        if not paths:
            return None
        seen: set[Path] = set()
        for path in paths:
            if path.suffix not in FORMATS:
                raise DemoError(f"--record {path}: use a name ending in {', '.join(FORMATS)}")
            if path.resolve() in seen:
                raise DemoError(f"--record {path}: given twice")
            seen.add(path.resolve())
            writable(path, "--record")
        casts = [path for path in paths if path.suffix == CAST]
        if len(casts) > 1:
            raise DemoError(f"--record {casts[1]}: one {CAST} at a time (the show writes one)")
        cast = casts[0] if casts else state_dir / f"recording{CAST}"
        return cls(cast, tuple(path for path in paths if path.suffix != CAST))


def check_transcript(path: Path) -> None:
    """A one-line error unless `path` is a transcript that can be written."""
    if path.suffix not in TRANSCRIPTS:
        raise DemoError(f"--transcript {path}: use a name ending in {', '.join(TRANSCRIPTS)}")
    writable(path, "--transcript")


def save_transcript(console: Console, path: Path, title: str) -> None:
    """Write what `console` recorded as HTML, SVG or text, by the file name's ending: whole
    at `path`, or not at all."""
    part = beside(path)
    try:
        TRANSCRIPTS[path.suffix](console, part, title)
        os.replace(part, path)
    except OSError as error:
        raise DemoError(f"cannot write the transcript {path}: {error.strerror}") from None
    finally:
        part.unlink(missing_ok=True)


def writable(path: Path, flag: str) -> None:
    """A one-line error unless `path` can be written: absent or a regular file (a FIFO, a
    device, a socket or a folder is never opened, so nothing blocks), in a folder where a
    file can be made beside it (tried, not guessed: root passes every permission check, not
    a read-only file system)."""
    if not path.parent.is_dir():
        raise DemoError(f"{flag} {path}: the folder {path.parent} does not exist")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    except OSError as error:
        raise DemoError(f"{flag} {path}: cannot be written: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise DemoError(f"{flag} {path}: {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}")
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}."):
            pass
    except OSError as error:
        raise DemoError(f"{flag} {path}: cannot be written: {error.strerror}") from None


_KINDS = {
    stat.S_IFDIR: "a folder, not a file",
    stat.S_IFIFO: "a FIFO, not a regular file",
    stat.S_IFSOCK: "a socket, not a regular file",
    stat.S_IFCHR: "a device, not a regular file",
    stat.S_IFBLK: "a device, not a regular file",
}
"""What a file that is not a regular one is, by its type, as an error says it."""
