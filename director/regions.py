"""The stage's program region: beside the main region or below it, how big, and how its panes
share it (side by side or stacked), from the screen's size, what the main panel needs and
what each program prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Want = tuple[int, int]
"""What a pane would fill: (rows with its border, or 0 if not known; its widest line's columns)."""


@dataclass(frozen=True)
class Regions:
    """Where the stage layout puts the programs: beside the main region on a wide screen,
    below it otherwise; the region's size with the panes' borders, and each pane's share of
    it: its rows where they are stacked, its columns where they stand side by side."""

    beside: bool
    rows: int
    columns: int
    shares: tuple[int, ...] = ()
    across: bool = False
    """Whether the panes stand side by side (each as tall as the region)."""

    @classmethod
    def of(
        cls, width: int, height: int, main: int = 0, wants: Sequence[Want] = ((0, 0),)
    ) -> Regions | None:
        """The regions of a screen, None where its panes do not all get LEAST rows.

        Beside the main region on a wide screen, where every pane's widest line fits inside
        its border: stacked, each as tall as it fills. Else below it, taking what the main
        region (its panel needing `main` rows) leaves, up to what its panes fill: at least a
        third of the body, at most all but MAIN_LEAST; side by side where each pane's widest
        line fits in its share of the width, else stacked."""
        body = height - 2  # the header and the footer
        side = max(30, min(60, width // 4))
        if width >= 140 and all(natural + 4 <= side for _, natural in wants):
            if body < LEAST * len(wants):
                return None
            shares = _shared([rows or body for rows, _ in wants], body)
            return cls(True, sum(shares), side, shares)  # room for code 100 wide beside it
        third = max(LEAST, min(14, body // 3))
        most = body - MAIN_LEAST
        columns = _split(width, len(wants))
        fits = all(natural + 4 <= share for (_, natural), share in zip(wants, columns, strict=True))
        if len(wants) == 1 or fits:  # one pane has the whole width: a wider line wraps
            wanted = max(rows for rows, _ in wants)
            rows = max(LEAST, min(wanted, max(third, body - main), most)) if wanted else third
            across = len(wants) > 1
            return cls(False, rows, width, columns if across else (rows,), across)
        if most < LEAST * len(wants):
            return None
        wanted = sum(max(LEAST, rows or third) for rows, _ in wants)
        rows = max(LEAST * len(wants), min(wanted, max(third, body - main), most))
        return cls(False, rows, width, _shared([rows or third for rows, _ in wants], rows))


LEAST = 5
"""The fewest rows a pane takes: its border and three rows."""
MAIN_LEAST = 6
"""The fewest rows the main region keeps below a program: a question panel's."""


def _split(width: int, count: int) -> tuple[int, ...]:
    """`width` in `count` shares side by side, the first ones a column wider where it does
    not divide."""
    return tuple(width // count + (index < width % count) for index in range(count))


def _shared(wants: list[int], room: int) -> tuple[int, ...]:
    """`room` rows (at least LEAST each) shared by panes wanting `wants` rows: each gets
    LEAST, then the first ones (the pane the step is about first) what else they want; at
    most `room` in all, no pane more than it wants."""
    shares = [LEAST] * len(wants)
    left = room - LEAST * len(wants)
    for index, wanted in enumerate(wants):
        more = max(0, min(left, wanted - LEAST))
        shares[index] += more
        left -= more
    return tuple(shares)
