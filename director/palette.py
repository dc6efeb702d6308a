"""The stage's colours: one table of them by role, a dark and a light variant, each a Rich
theme of named styles ("stage.code.title") that a console draws with."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Literal

from rich import themes
from rich.console import Console
from rich.style import Style
from rich.theme import Theme

Variant = Literal["dark", "light"]
VARIANTS: tuple[Variant, ...] = ("dark", "light")
BACKGROUND: dict[Variant, str] = {"dark": "#000000", "light": "#ffffff"}
"""What a terminal of each variant is assumed to be drawn on when nothing else says."""
MINIMUM_CONTRAST = 4.5
"""WCAG's ratio for normal text: every colour here reads at least this on its background."""

# Colours by what they mean, each readable on every background of its variant.
_DARK = {
    "text": "#e4e4e4", "grey": "#a8a8a8", "blue": "#8fb8ff", "cyan": "#5fd7ff",
    "green": "#87df87", "red": "#ff8f8f", "yellow": "#ffd75f", "magenta": "#ff9cf0",
    "bar": "#0c0c0c", "bar.bg": "#a8c8ff", "banner": "#000000", "banner.bg": "#ffd75f",
    "qr": "#000000", "qr.bg": "#ffffff",
}  # fmt: skip
_LIGHT = {
    "text": "#1c1c1c", "grey": "#555555", "blue": "#1d4fb8", "cyan": "#00606b",
    "green": "#1d6b1d", "red": "#b01c1c", "yellow": "#7a4f00", "magenta": "#8a1c8a",
    "bar": "#ffffff", "bar.bg": "#1d4fb8", "banner": "#000000", "banner.bg": "#f0c000",
    "qr": "#000000", "qr.bg": "#ffffff",
}  # fmt: skip


ALIKE = ("qr",)
"""The bars drawn alike on either background: a QR code, dark on light for a camera."""


@dataclass(frozen=True)
class Entry:
    """One role's style: its colour by name (of the variant's colours) and its attributes."""

    colour: str | None
    """None: drawn in the terminal's own foreground (a program's output keeps its colours)."""
    attributes: str = ""
    bar: str = ""
    """A bar ("bar", "banner"): that colour of the variant on its own background, not the
    screen's."""

    def style(self, variant: Variant) -> str:
        colours = _DARK if variant == "dark" else _LIGHT
        if self.bar:
            bar = f"{colours[self.bar]} on {colours[self.bar + '.bg']}"
            return f"{self.attributes} {bar}".strip()
        return f"{self.attributes} {colours[self.colour] if self.colour else ''}".strip()


ROLES: dict[str, Entry] = {
    "stage.header": Entry(None, "bold", bar="bar"),
    "stage.scene": Entry(None, "bold", bar="bar"),
    "stage.heading": Entry("cyan", "bold"),
    "stage.narration": Entry("cyan"),
    "stage.narration.text": Entry("text"),
    "stage.narration.title": Entry("cyan", "bold"),
    "stage.code": Entry("blue"),
    "stage.code.title": Entry("blue", "bold"),
    "stage.code.pointer": Entry("red", "bold"),
    "stage.elided": Entry("grey"),
    "stage.earlier": Entry("grey"),
    "stage.banner": Entry(None, "bold", bar="banner"),
    "stage.question.text": Entry("yellow", "bold"),
    "stage.question": Entry("yellow"),
    "stage.question.title": Entry("yellow", "bold"),
    "stage.program": Entry("green"),
    "stage.program.title": Entry("text", "bold"),
    "stage.program.output": Entry("text", "bold"),
    "stage.running": Entry("green"),
    "stage.stopped": Entry("red"),
    "stage.typing": Entry("green", "bold"),
    "stage.keys": Entry("magenta"),
    "stage.keys.title": Entry("magenta", "bold"),
    "stage.keys.key": Entry("text", "bold"),
    "stage.failure": Entry("red"),
    "stage.failure.title": Entry("red", "bold"),
    "stage.failure.text": Entry("text", "bold"),
    "stage.held": Entry("green", "bold"),
    "stage.failed": Entry("red", "bold"),
    "stage.failed.text": Entry("red"),
    "stage.offline": Entry("yellow", "bold"),
    "stage.info": Entry("grey"),
    "stage.warning": Entry("yellow"),
    "stage.footer": Entry("grey"),
    "stage.clock": Entry("magenta"),
    "stage.spinner": Entry("cyan"),
    "stage.notes": Entry("magenta", "italic"),
    "stage.summary": Entry("cyan"),
    "stage.summary.title": Entry("cyan", "bold"),
    "stage.summary.caption": Entry("text", "bold"),
    "stage.repeated": Entry("yellow"),
    "stage.lost": Entry("red"),
    "stage.none": Entry("green"),
    "stage.report": Entry("magenta"),
    "stage.report.title": Entry("magenta", "bold"),
    "stage.report.scene": Entry("text", "bold"),
    "stage.history": Entry("cyan"),
    "stage.history.title": Entry("cyan", "bold"),
    "stage.history.key": Entry("yellow", "bold"),
    "stage.history.elided": Entry("grey"),
    "notes": Entry("magenta"),
    "notes.title": Entry("magenta", "bold"),
    "notes.why": Entry("cyan", "bold"),
    "notes.notes": Entry("yellow", "bold"),
    "notes.qr": Entry(None, bar="qr"),  # a QR code reads best dark on light, on any screen
}
"""Every colour the stage and the notes screen draw, by role: both variants come from here."""

CODE_THEMES: dict[Variant, str] = {"dark": "monokai", "light": "default"}
"""The Pygments style a code panel is highlighted in, by variant."""

THEMES: dict[Variant, Theme] = {
    variant: Theme({name: entry.style(variant) for name, entry in ROLES.items()})
    for variant in VARIANTS
}

# A console told nothing (a test's, a picture's) draws the stage dark: the dark styles join
# Rich's defaults, which every console's styles begin with.
themes.DEFAULT.styles.update(THEMES["dark"].styles)

_used: weakref.WeakKeyDictionary[Console, Variant] = weakref.WeakKeyDictionary()


def use(console: Console, variant: Variant) -> Console:
    """`console` draws with `variant`'s colours (and code theme) from now on."""
    console.push_theme(THEMES[variant])
    _used[console] = variant
    return console


def of(console: Console) -> Variant:
    """The variant `console` draws with (dark unless told)."""
    return _used.get(console, "dark")


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a "#rrggbb" colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two "#rrggbb" colours, from 1 to 21."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variant_for(background: str) -> Variant:
    """The variant for a "#rrggbb" background: light where dark text reads better on it."""
    return "light" if contrast(background, "#000000") > contrast(background, "#ffffff") else "dark"


def pairs(variant: Variant) -> dict[str, tuple[str, str | None]]:
    """Each role's (foreground, its own background or None for the screen's), as drawn."""
    drawn = {}
    for name, entry in ROLES.items():
        style = Style.parse(entry.style(variant))
        if style.color is not None:
            bg = style.bgcolor.triplet.hex if style.bgcolor and style.bgcolor.triplet else None
            drawn[name] = (style.color.triplet.hex, bg)  # type: ignore[union-attr]
    return drawn
