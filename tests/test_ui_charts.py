"""What the charts draw for the eye, without a browser: hover values, colours that follow the
page's theme, the PELP diagram's type size, and the server settings that keep Solara's badge
off the charts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from district_sim.ui import charts, server
from district_sim.ui.session import Comparison

ACHIEVEMENT = charts.CHART_BY_KEY["achievement"]
UI = Path(charts.__file__).parent


def line(key: str, mean: list[float], start: int = 0, label: str | None = None) -> dict:
    """A district's series for the achievement chart: ``mean``, a band 0.01 either side."""
    values = np.asarray(mean, dtype=float)
    cols = {"achievement": values, "achievement_gap": values + 0.6}
    return {"key": key, "label": label or key, "color": "#D55E00", "dashed": start > 0, "start": start,
            "n": len(values), "replicates": 10, "values": cols,
            "low": {c: v - 0.01 for c, v in cols.items()}, "high": {c: v + 0.01 for c, v in cols.items()}}


def tips(series: list[dict], months: int) -> dict[int, str]:
    """The hover text of each month 0..months+1 of the achievement chart (empty where none)."""
    return {m: charts.hover_tip(ACHIEVEMENT, series, m) for m in range(months + 2)}


# --- hover values ------------------------------------------------------------------------------


def test_a_months_tip_names_the_school_month_and_each_lines_mean_and_interval():
    tip = charts.month_tip(15, [("fragmented", [("achievement", "-0.301", "-0.305", "-0.297")]),
                                ("focused", [("achievement", "-0.290", "-0.296", "-0.284")])])
    first, *rows = tip.splitlines()
    assert first == "year 2, month 5: mean (95% interval)"
    assert rows == ["fragmented: achievement -0.301 (-0.305 to -0.297)",
                    "focused: achievement -0.290 (-0.296 to -0.284)"]
    assert charts.month_tip(10, []).startswith("year 1, month 10")     # a school year is ten months
    assert charts.month_tip(11, []).startswith("year 2, month 1")
    single = charts.month_tip(3, [("one run", [("achievement", "0.100", None, None)])])
    assert "95%" not in single and single.endswith("one run: achievement 0.100")


def test_every_month_run_has_a_tip_with_its_values_and_no_other_month_has_one():
    mean = [-0.3 + 0.001 * i for i in range(12)]
    by_month = tips([line("left", mean, label="fragmented")], 12)
    assert [m for m, tip in by_month.items() if tip] == list(range(1, 13))
    tip = by_month[12]                           # row 11: the month that ended at time 12
    assert tip.startswith("year 2, month 2")
    assert f"fragmented: achievement {mean[11]:.3f} ({mean[11] - 0.01:.3f} to {mean[11] + 0.01:.3f})" in tip
    assert f"gap {mean[11] + 0.6:.3f}" in tip


def test_a_branch_has_values_in_the_tips_from_its_fork_on():
    series = [line("left", [0.0] * 12), line("branch1", [0.1] * 12, start=6, label="what if")]
    by_month = tips(series, 12)
    assert "what if" not in by_month[3]
    assert "what if: achievement 0.100" in by_month[6] and "what if" in by_month[12]


def test_a_chart_carries_its_plot_box_and_no_markup_a_month_for_hovering():
    """The page finds the month under the pointer from data-plot and data-years: a month's
    redraw sends the drawing only (a chart of 300 months is as long as one of 100)."""
    def svg(months: int) -> str:
        series = [line("left", list(np.linspace(-0.3, 0.0, months)))]
        return charts.chart_svg(ACHIEVEMENT, series, [], [], months)
    drawn = svg(300)
    left, top, width, height = (float(v) for v in re.search(r'data-plot="([^"]+)"', drawn).group(1).split())
    assert float(re.search(r'data-years="([\d.]+)"', drawn).group(1)) >= 30    # the time axis's span
    plots = [tuple(float(v) for v in m) for m in re.findall(
        r'<rect class="plot"[^>]* x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', drawn)]
    assert (left, top, width) == plots[0][:3]                          # the top panel's corner and width
    assert top + height == pytest.approx(plots[-1][1] + plots[-1][3], abs=0.11)   # to the lowest's foot
    assert "data-month=" not in drawn and "<title>" not in drawn.split("</title>", 1)[1]
    assert len(drawn) < 1.5 * len(svg(100))     # the same 240 points at most, and no per-month tips


# --- light and dark -----------------------------------------------------------------------------


def test_chart_text_and_axes_take_the_pages_text_colour():
    svg = charts.chart_svg(ACHIEVEMENT, [line("left", [-0.3, -0.29])], [], [], 2)
    texts = re.findall(r"<text [^>]*>", svg)
    assert texts and all('fill="currentColor"' in t for t in texts)
    assert re.search(r'<rect class="plot"[^>]*fill="currentColor"', svg)
    assert not re.search(r'(fill|stroke)="#(222|444|fafafa|ccc|e6e6e6|888)"', svg)   # no fixed greys
    assert 'stroke="#D55E00"' in svg                # the district keeps its colour


def test_the_pelp_diagram_follows_the_theme_and_its_text_is_large():
    c = Comparison(students=2000, schools=4, replicates=1)
    svg = charts.pelp_svg(c.lines["left"].model, "fragmented", "#D55E00")
    sizes = [float(s) for s in re.findall(r'<text [^>]*font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= charts.PELP_MIN_FONT
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    # shown at least PELP_MIN_WIDTH px wide (page.css), its smallest text is 12 px or more
    assert charts.PELP_MIN_WIDTH * charts.PELP_MIN_FONT / width >= 12
    css = (UI / "page.css").read_text()
    item = re.search(r"\.ds-pelp-item \{[^}]*min-width: (\d+)px", css)
    assert item and int(item.group(1)) >= charts.PELP_MIN_WIDTH
    on_page = re.findall(r'<text x="[^"]*" y="[^"]*" font-size="[^"]*" fill="currentColor"', svg)
    assert len(on_page) == 2                          # the pressure and coherence, on the background
    assert 'fill="#D55E00"' in svg                    # the district's name in its colour
    assert svg.count('fill="#111"') == 14             # dark text on the pale element boxes


def test_dark_theme_rules_style_the_cells():
    css = (UI / "page.css").read_text()
    rule = re.search(r"\.v-application\.theme--dark \.ds-cell \{([^}]*)\}", css)
    assert rule and "background" in rule.group(1)


# --- presenter mode and Solara's badge ----------------------------------------------------------


def test_presenter_stylesheet_hides_the_sidebar_and_draws_charts_at_the_screens_width():
    css = (UI / "presenter.css").read_text()
    assert re.search(r"\.v-navigation-drawer[^{]*\{[^}]*display: none", css)
    assert re.search(r"\.ds-chart svg \{[^}]*height: auto", css)


def test_the_server_hides_solaras_badge_unless_told_otherwise():
    assert server.server_env({})["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert server.server_env({"SOLARA_THEME_SHOW_BANNER": "True"})["SOLARA_THEME_SHOW_BANNER"] == "True"
