"""Fitting what is said to its region: a panel set in the middle of it, a link shortened
visibly (its target kept), a token wider than the whole region cropped with a mark."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

MARK = "…"
"""What stands where something was left out: a shortened link's middle, a cropped tail."""

MEASURE = 80
"""The widest a narration's or a question's text is set: a comfortable line to read."""


def shortened(url: str, width: int) -> str:
    """`url` in at most `width` cells: whole if it fits, else its start (scheme and host,
    else as much as fits) and its tail (the last part, an id) with the mark between, else
    its two ends."""
    if cell_len(url) <= width:
        return url
    scheme, sep, rest = url.partition("://")
    head = f"{scheme}{sep}{rest.split('/', 1)[0]}/"
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    if sep and len(head) + len(MARK) + 1 + len(tail) <= width:
        return f"{head}{MARK}/{tail}"
    if len(tail) + len(MARK) + 1 < width:  # the id whole, as much of the start as fits
        return f"{url[: width - len(tail) - len(MARK) - 1]}{MARK}/{tail}"
    keep = max(0, width - len(MARK))
    front = (keep + 1) // 2
    return url[:front] + MARK + (url[len(url) - (keep - front) :] if keep > front else "")


def fitted(text: Text, width: int, console: Console) -> Text:
    """`text` with every token wider than `width` made to fit it: a link shortened (its
    target kept as a terminal hyperlink), anything else cropped with the mark. Words that
    fit are left to wrap whole."""
    plain, out, last = text.plain, Text(style=text.style, end=text.end), 0
    for token in re.finditer(r"\S+", plain):
        start, end = token.span()
        if cell_len(token.group()) <= width:
            continue
        out.append_text(text[last:start])
        out.append_text(_fitted_token(text[start:end], width, console))
        last = end
    if last == 0:
        return text
    out.append_text(text[last:])
    return out


def _fitted_token(token: Text, width: int, console: Console) -> Text:
    link = next((s for s in (_style(span, console) for span in token.spans) if s.link), None)
    url = link.link if link else token.plain if re.match(r"https?://", token.plain) else None
    if url is None:
        cropped = token.copy()
        cropped.truncate(max(0, width - len(MARK)))
        return cropped.append(MARK, style="stage.elided")
    short = Text(shortened(token.plain, width), style=token.style)
    for span in token.spans:
        if span.start == 0:
            short.stylize(span.style)
    short.stylize(Style(link=url))
    return short


def _style(span: object, console: Console) -> Style:
    style = span.style  # type: ignore[attr-defined]
    return style if isinstance(style, Style) else console.get_style(style, default=Style())


class Fitted:
    """A line that, drawn, fits its tokens to the width it is given (see `fitted`)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield fitted(self.text, options.max_width, console)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)

    def __str__(self) -> str:
        return self.text.plain


class Centred:
    """A panel in the middle of its region, as tall and wide as it is (not stretched). It
    is told the region's height as `max_height` (not `height`, which would stretch a
    panel), so a table can fit its rows to it."""

    def __init__(self, renderable: RenderableType, height: int) -> None:
        self.renderable = renderable
        self.height = height

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width, height = options.max_width, max(0, self.height)
        inner = options.update(height=height).update(height=None)
        drawn = console.render(self.renderable, inner)
        rows = list(Segment.split_and_crop_lines(drawn, width, pad=False, include_new_lines=False))
        rows = rows[:height]
        widest = max((Segment.get_line_length(row) for row in rows), default=0)
        left = Segment(" " * ((width - widest) // 2))
        for _ in range((height - len(rows)) // 2):
            yield Segment.line()
        for row in rows:
            yield left
            yield from row
            yield Segment.line()
