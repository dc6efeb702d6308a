"""The table of output formats, each entry whole, and the endings --help names."""

from __future__ import annotations

import re
from pathlib import Path

from director import formats
from director.formats import FORMATS, Draft, Look, listing
from tests.unit.conftest import CAST


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
