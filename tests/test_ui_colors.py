"""Every line's colour stays legible on the charts' cells in both themes: at least 3:1 against
the cell's background (WCAG 2's figure for lines and shapes, success criterion 1.4.11), the
backgrounds read from page.css so that the test follows the page's look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from district_sim.ui import session

PAGE_CSS = Path(session.__file__).with_name("page.css")
NAMED = {"white": "#ffffff"}
#: WCAG's minimum contrast for the parts of a graphic a reader needs (a chart's lines).
LINES = 3.0


def luminance(color: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def cell_background(selector: str) -> str:
    """The background page.css gives the cells under ``selector`` (the rule that starts with it)."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", PAGE_CSS.read_text())
    assert rule, f"page.css has no rule {selector}"
    value = re.search(r"background:\s*([#\w]+)", rule.group(1)).group(1).lower()
    return NAMED.get(value, value)


BACKGROUNDS = {"light": cell_background(".ds-cell"),
               "dark": cell_background(".v-application.theme--dark .ds-cell")}
LINE_COLORS = {**session.COLORS, **{f"branch{i}": c for i, c in enumerate(session.BRANCH_COLORS, 1)}}


def test_the_backgrounds_are_the_cells_of_the_two_themes():
    assert BACKGROUNDS == {"light": "#ffffff", "dark": "#121212"}


@pytest.mark.parametrize("theme", BACKGROUNDS)
@pytest.mark.parametrize("line", LINE_COLORS)
def test_every_line_colour_has_3_to_1_contrast_on_the_cells(line, theme):
    color, background = LINE_COLORS[line], BACKGROUNDS[theme]
    assert contrast(color, background) >= LINES, (
        f"{line} {color} on the {theme} cells {background}: {contrast(color, background):.2f}:1")


def test_the_branch_colours_are_distinct_and_not_the_sides():
    assert len(set(session.BRANCH_COLORS)) == len(session.BRANCH_COLORS)
    assert not set(session.BRANCH_COLORS) & set(session.COLORS.values())


def test_contrast_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
