"""Fitting what is said to its region: links shortened with their target kept, tokens wider
than the region cropped with a mark, words never broken, panels set in the middle."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from director.fitting import MARK, Centred, Fitted, fitted, shortened

URL = "http://localhost:7233/namespaces/default/workflows/counter-worker-crash-24926df3"
PAYLOAD = 'Result {"metadata":{"encoding":"YmluYXJ5L251bGw="},"data":"eyJjb3VudCI6IDEwfQ=="}'


def target(width: int, height: int = 24) -> Console:
    return Console(file=io.StringIO(), width=width, height=height, color_system=None)


def rows_of(renderable: object, width: int) -> list[str]:
    console = target(width)
    console.print(renderable)
    return console.file.getvalue().split("\n")[:-1]  # type: ignore[attr-defined]


def test_a_long_url_keeps_its_start_and_its_id_with_a_mark_between() -> None:
    assert shortened(URL, 100) == URL
    assert shortened(URL, 60) == f"http://localhost:7233/{MARK}/counter-worker-crash-24926df3"
    tight = shortened(URL, 30)
    assert len(tight) == 30 and tight.startswith("http://local") and tight.endswith("24926df3")
    assert MARK in tight


@pytest.mark.parametrize("width", [40, 60, 79])
def test_a_link_wider_than_its_region_is_shortened_and_keeps_its_whole_target(width: int) -> None:
    line = Text.from_markup(f"The same workflow in the Web UI: [link={URL}]{URL}[/link]")
    console = target(width)
    segments = list(console.render(Fitted(line), console.options))
    shown = "".join(segment.text for segment in segments)
    linked = [segment for segment in segments if segment.style and segment.style.link]
    assert linked and all(segment.style.link == URL for segment in linked)  # type: ignore[union-attr]
    short = "".join(segment.text for segment in linked)
    assert MARK in short and len(short) <= width and short.endswith("24926df3")
    assert URL not in shown and "counter-worker-crash-24926df3" in shown


def test_a_bare_url_becomes_a_link_when_it_is_shortened() -> None:
    line = fitted(Text(URL), 50, Console())
    assert MARK in line.plain and any(span.style.link == URL for span in line.spans)  # type: ignore[union-attr]


def test_a_token_wider_than_its_region_is_cropped_with_a_mark_and_words_stay_whole() -> None:
    source = f"✔ it prints 'TimerFired'  {PAYLOAD}"
    width = 60
    rows = rows_of(Fitted(Text(source)), width)
    assert any(row.rstrip().endswith(MARK) for row in rows), rows
    words = set(source.split())
    for row in rows:
        for token in row.split():
            assert token in words or token.endswith(MARK), f"{token!r} is a piece of a word"
        assert len(row) <= width


def test_what_fits_is_left_as_it_was() -> None:
    line = Text("short words only", style="bold")
    assert fitted(line, 20, Console()) is line


@pytest.mark.parametrize(("width", "height"), [(80, 22), (200, 48)])
def test_a_panel_is_set_in_the_middle_of_its_region_as_tall_and_wide_as_it_is(
    width: int, height: int
) -> None:
    panel = Panel("a question", width=30)
    rows = rows_of(Centred(panel, height), width)
    drawn = [i for i, row in enumerate(rows) if row.strip()]
    top, bottom = drawn[0], len(rows) - 1 - drawn[-1]
    assert len(drawn) == 3 and abs(top - (height - 3) // 2) <= 1, rows
    left = rows[drawn[0]].index("╭")
    assert abs(left - (width - 30) // 2) <= 1 and bottom >= 0


def test_a_centred_table_is_told_the_rows_it_has() -> None:
    seen: list[int] = []

    class Tall:
        def __rich_console__(self, console: Console, options: object):  # type: ignore[no-untyped-def]
            seen.append(options.max_height)  # type: ignore[attr-defined]
            assert options.height is None, "told, not stretched"  # type: ignore[attr-defined]
            yield Text("x")

    rows_of(Centred(Tall(), 17), 80)
    assert seen == [17]


def test_no_row_starts_or_ends_inside_a_word() -> None:
    """The words of a wrapped line, against the source's."""
    source = "Sending Ctrl-C (SIGINT) to the program " * 5
    rows = rows_of(Fitted(Text(source)), 33)
    assert all(re.fullmatch(r"[\w()\- ]*", row) for row in rows)
    assert " ".join(" ".join(rows).split()) == " ".join(source.split())
