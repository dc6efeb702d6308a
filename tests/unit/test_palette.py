import ast
import io
import re
from collections.abc import Callable

import pytest
from pygments.styles import get_style_by_name
from pygments.token import Comment, Keyword, Name, Number, Operator, String
from rich.color import ANSI_COLOR_NAMES, Color, ColorSystem
from rich.console import Console
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from director import PACKAGE, palette
from director.codepanel import CodePanel
from director.formats import THEMES
from director.palette import BACKGROUND, MINIMUM_CONTRAST, ROLES, VARIANTS

DRAWING = sorted(path.name for path in PACKAGE.glob("*.py") if path.name != "palette.py")
"""The modules that draw or say what is drawn: every colour of theirs is a role of the palette."""
_FLAGGED = set(ANSI_COLOR_NAMES) | {"dim", "reverse", "on"}
"""Words of a style literal left in place of a role (an attribute alone, "bold", reads on any
background and may stay)."""


def backgrounds(variant: str) -> set[str]:
    """What each variant is drawn on: a terminal of its kind, every rendering theme of it."""
    themed = {bg for bg in THEMES.values() if palette.variant_for(bg) == variant}
    return {BACKGROUND[variant], *themed}  # type: ignore[index]


def _256(colour: str) -> str:
    """The nearest of a 256-colour terminal's, as Rich draws `colour` there."""
    return Color.parse(colour).downgrade(ColorSystem.EIGHT_BIT).get_truecolor().hex


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("terminal", [lambda colour: colour, _256], ids=["24-bit", "256"])
def test_every_role_reads_at_4_5_to_1_on_every_background_it_is_drawn_on(
    variant: str, terminal: Callable[[str], str]
) -> None:
    drawn = palette.pairs(variant)  # type: ignore[arg-type]
    assert drawn, "no colours"
    low = []
    for role, (fg, own) in drawn.items():
        for bg in {terminal(own)} if own else backgrounds(variant):
            if (ratio := palette.contrast(terminal(fg), bg)) < MINIMUM_CONTRAST:
                low.append(f"{role} {terminal(fg)} on {bg}: {ratio:.2f}")
    assert not low, low


def test_every_theme_has_a_background_and_each_variant_has_a_theme() -> None:
    assert all(re.fullmatch(r"#[0-9a-f]{6}", bg) for bg in THEMES.values())
    assert palette.variant_for(THEMES["solarized-light"]) == "light"
    assert {palette.variant_for(bg) for bg in THEMES.values()} == set(VARIANTS)
    assert palette.variant_for("#ffffff") == "light" and palette.variant_for("#000000") == "dark"


def test_the_contrast_is_wcags() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast("#123456", "#123456") == 1


def test_each_variant_colours_every_role_and_the_two_differ() -> None:
    for name, entry in ROLES.items():
        dark, light = (entry.style(v) for v in VARIANTS)
        assert Style.parse(dark) and Style.parse(light)
        if entry.colour or entry.bar not in ("", *palette.ALIKE):
            assert dark != light, name
    qr = {ROLES["notes.qr"].style(variant) for variant in VARIANTS}
    assert qr == {"#000000 on #ffffff"}, "a QR code: dark on light on either screen"


def _style_literals(source: str) -> list[str]:
    """The string constants of a module that are a style made of colour words, or markup
    whose tag is one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        words = node.value.split()
        attributes = _FLAGGED | {"bold", "italic", "blink"}
        if words and set(words) <= attributes and _FLAGGED & set(words):
            found.append(node.value)
        for tag in re.findall(r"\[/?([a-z][a-z0-9 .]*)\]", node.value):
            if tag not in ROLES and _FLAGGED & set(tag.split()):
                found.append(f"[{tag}]")
    return found


def test_the_drawing_modules_take_every_colour_from_the_palette() -> None:
    left = {
        name: found
        for name in DRAWING
        if (found := _style_literals((PACKAGE / name).read_text(encoding="utf-8")))
    }
    assert not left, left


def test_a_literal_left_is_found() -> None:
    source = 'Panel(x, border_style="blue")\nText("[bold yellow]hi[/]")\nText("a", "bold")'
    assert sorted(_style_literals(source)) == ["[bold yellow]", "blue"]


def drawn(renderable: object, variant: str | None) -> str:
    console = Console(file=io.StringIO(), width=60, color_system="truecolor", force_terminal=True)
    if variant:
        palette.use(console, variant)  # type: ignore[arg-type]
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _rgb(colour: str) -> str:
    return ";".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))


def test_a_console_draws_a_role_in_its_variant_and_dark_when_told_nothing() -> None:
    panel = Panel(Text("x", style="stage.code.title"), border_style="stage.code")
    for variant in VARIANTS:
        fg, _ = palette.pairs(variant)["stage.code.title"]
        assert f"38;2;{_rgb(fg)}" in drawn(panel, variant)
    assert drawn(panel, None) == drawn(panel, "dark")
    assert palette.of(Console()) == "dark"


def test_code_is_highlighted_in_the_theme_of_the_console_that_draws_it() -> None:
    code = CodePanel("x = 1\n", "x.py", "x.py")
    dark, light = drawn(code, "dark"), drawn(code, "light")
    assert f"48;2;{_rgb('#272822')}" in dark  # monokai's background
    assert f"48;2;{_rgb('#f8f8f8')}" in light  # Pygments' default's
    assert drawn(code, "dark") == dark  # drawing it in one theme leaves it for the other


TOKENS = (Comment, Comment.Single, Keyword, Keyword.Namespace, Keyword.Constant, Name.Builtin,
          Name.Function, Name.Class, Name.Namespace, Name.Decorator, Number, Operator,
          Operator.Word, String, String.Doc, String.Escape, String.Affix)  # fmt: skip
"""What the talk's Python code is made of."""


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_code_theme_reads_at_4_5_to_1_on_its_own_background(variant: str) -> None:
    style = get_style_by_name(palette.CODE_THEMES[variant])  # type: ignore[index]
    bg = style.background_color
    assert palette.variant_for(bg) == variant
    low = {}
    for token in TOKENS:
        colour = style.style_for_token(token)["color"]
        if colour and (ratio := palette.contrast(f"#{colour}", bg)) < MINIMUM_CONTRAST:
            low[str(token)] = round(ratio, 2)
    assert not low, low


def test_every_role_is_drawn_somewhere() -> None:
    said = "".join((PACKAGE / name).read_text(encoding="utf-8") for name in DRAWING)
    unused = [role for role in ROLES if not re.search(re.escape(role) + r"(?![a-z.])", said)]
    assert not unused, unused
