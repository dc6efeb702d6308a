"""A take's screen as the live show draws it: whole, centred over the stage, under one banner
saying it is a recording (never in a box of its own, never cropped)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.align import Align
from rich.console import Group, RenderableType
from rich.layout import Layout as RichLayout
from rich.styled import Styled
from rich.text import Text

BANNER_STYLE = "stage.banner"
"""The banner over a take: the palette's (dark on yellow in both variants)."""


@dataclass(frozen=True)
class Replay:
    """A take's screen now (the emulator's frame), at the take's size, and when it was made."""

    frame: Text
    size: tuple[int, int]
    """The take's (columns, rows): the stage it was recorded as."""
    when: str
    """When it was made, as the audience is told: "2026-11-25 16:54"."""

    @property
    def banner(self) -> str:
        return f"Recorded {self.when}, not live"

    def rows(self) -> list[Text]:
        """Every row of the take's screen at its full width (the emulator leaves off blank
        rows and ends), never wrapped."""
        columns, count = self.size
        rows = list(self.frame.split("\n", allow_blank=True))[:count]
        rows += [Text() for _ in range(count - len(rows))]
        for row in rows:
            row.truncate(columns, overflow="crop", pad=True)
            row.no_wrap, row.overflow = True, "crop"
        return rows

    def __rich__(self) -> RenderableType:
        """Scrolling (a pipe, a small terminal): the banner, then the frame as it is."""
        return Group(Text(f" {self.banner} ", style=BANNER_STYLE), *self.rows())

    def on_stage(self, width: int, height: int, footer: RenderableType) -> RenderableType:
        """Over the whole stage: the banner in the header's place, the take centred in the
        body, the live footer under it. A stage with no rows to spare (80x24, the take's own
        size) is the take's alone, the banner over the left of its own header row."""
        rows = self.rows()
        if height - 2 >= len(rows):
            root = RichLayout()
            root.split_column(
                RichLayout(Styled(Align.center(Text(self.banner)), BANNER_STYLE), size=1),
                RichLayout(Align.center(Group(*rows), vertical="middle")),
                RichLayout(footer, size=1),
            )
            return root
        banner = Text(f" {self.banner} ", style=BANNER_STYLE)
        rows[0] = banner + rows[0][len(banner) :]
        return Align.center(Group(*rows), vertical="middle", height=height)
