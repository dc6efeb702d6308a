"""The stage's program region: beside the main region or below it, and how big, from the
screen's size, what the main panel needs and what the program prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Regions:
    """Where the stage layout puts the program: beside the main region on a wide screen,
    below it otherwise; its size with the panel's border."""

    beside: bool
    rows: int
    columns: int

    @classmethod
    def of(
        cls, width: int, height: int, main: int = 0, wants: int = 0, natural: int = 0
    ) -> Regions:
        """The regions of a screen. Beside the main region on a wide screen, where the
        program's widest line (`natural` columns) fits inside its border; else below it,
        where it takes what the main region (its panel needing `main` rows) leaves, up to
        the `wants` rows its panel fills: at least a third of the body (or `wants`), at most
        all but MAIN_LEAST."""
        body = height - 2  # the header and the footer
        beside = max(30, min(60, width // 4))
        if width >= 140 and natural + 4 <= beside:  # room for code 100 wide beside it
            return cls(True, min(body, max(5, wants)) if wants else body, beside)
        third = max(5, min(14, body // 3))
        if not wants:
            return cls(False, third, width)
        rows = min(wants, max(third, body - main))
        return cls(False, max(5, min(rows, body - MAIN_LEAST)), width)


MAIN_LEAST = 6
"""The fewest rows the main region keeps below a program: a question panel's."""
