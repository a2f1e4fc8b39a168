"""The main area rendered without a browser (``solara.render``): the About view, the scenario
descriptions, this month's figures and the time text. ``Dashboard`` is rendered on its own with
districts the test holds, stepped as Mesa's controls step them (``force_update`` after a step),
so these tests do not depend on the app bar's buttons."""

from __future__ import annotations

import html
import re

import ipyvuetify as v
import numpy as np
import pytest
import solara
from mesa.visualization.utils import force_update
from solara.widgets import HTML

from district_sim.calendar import MONTHS_PER_YEAR, calendar
from district_sim.scenarios import load_scenario
from district_sim.ui import dashboard, explain, info
from district_sim.ui.dashboard import Dashboard
from district_sim.ui.session import LEFT, RIGHT, Comparison

SMALL = {"students": 2_000, "schools": 4, "replicates": 3}


@pytest.fixture
def main_area():
    """The main area on small districts: (render context, the districts' reactive)."""
    model = solara.reactive(Comparison(**SMALL))
    box, rc = solara.render(Dashboard(model), handle_error=False)
    yield rc, model
    rc.close()


def step(model, months: int = 1) -> None:
    """Months run, then the redraw Mesa's Step button asks for."""
    for _ in range(months):
        model.value.step()
    force_update()


def text(widget) -> str:
    """The visible text of an element and everything in it."""
    children = getattr(widget, "children", None) or []
    return "".join(c if isinstance(c, str) else text(c) for c in children)


def choose_view(rc, name: str) -> None:
    """Pick a view in the main area's toggle, as a click on its button does."""
    toggle = rc.find(v.BtnToggle, class_="ds-view").widget
    labels = [str(b.children[0]) for b in toggle.children]
    assert name in labels, f"no view {name!r} (have {labels})"
    toggle.v_model = labels.index(name)


def markdown_templates(rc) -> list[str]:
    """The templates of the Markdown blocks on the page (solara.Markdown renders to one)."""
    texts = [getattr(w.template, "template", w.template) for w in rc.find(v.VuetifyTemplate).widgets]
    return [t for t in texts if isinstance(t, str) and "solara-markdown" in t]


def figures_markup(rc) -> str:
    """The figures table's markup, as the page sends it."""
    return next(w.unsafe_innerHTML for w in rc.find(HTML).widgets
                if "ds-readouts" in (w.unsafe_innerHTML or ""))


def readout_rows(rc) -> dict[str, dict[str, str]]:
    """The figures table (one block of markup): district key -> chart key -> the cell's text."""
    markup = figures_markup(rc)
    rows = {}
    for line, cells in re.findall(r'<tr data-line="([^"]+)">(.*?)</tr>', markup, re.S):
        rows[html.unescape(line)] = {chart: html.unescape(cell) for chart, cell in
                                     re.findall(r'<td data-chart="([^"]+)">(.*?)</td>', cells, re.S)}
    return rows


def descriptions(rc) -> dict[str, str]:
    found = rc.find(v.Html, class_="ds-description ds-small").widgets
    return {w.attributes["data-side"]: text(w) for w in found}


def minus(s: str) -> str:
    return s.replace("-", "\u2212")


# --- the About view ---------------------------------------------------------------------------

def test_the_about_view_shows_the_info_tabs_sections(main_area):
    rc, _ = main_area
    assert not any("What is it?" in t for t in markdown_templates(rc))
    assert rc.find(v.Html, class_="ds-grid").widgets
    choose_view(rc, "About the model")
    shown = " ".join(markdown_templates(rc))
    for title in info.SECTIONS:
        assert f">{title}</h2>" in shown, title
    assert "school month" in shown
    assert not rc.find(v.Html, class_="ds-grid").widgets   # the charts give way to it
    choose_view(rc, "Compare")
    assert not markdown_templates(rc) and rc.find(v.Html, class_="ds-grid").widgets


# --- the scenarios' descriptions --------------------------------------------------------------

def test_both_scenarios_descriptions_are_shown_and_follow_a_change_of_scenario(main_area):
    rc, model = main_area
    shown = descriptions(rc)
    assert shown == {"left": f"Left (fragmented): {load_scenario('fragmented').description}",
                     "right": f"Right (focused): {load_scenario('focused').description}"}
    model.value.set_scenario(RIGHT, "status_quo")
    force_update()
    assert descriptions(rc) == {"left": shown["left"],
                                "right": f"Right (status_quo): {load_scenario('status_quo').description}"}


# --- this month's figures ---------------------------------------------------------------------

def test_nothing_is_shown_before_a_month_has_run():
    c = Comparison(**SMALL)
    assert dashboard.readout_cells(c.lines[LEFT]) == {}
    box, rc = solara.render(dashboard.FiguresTable(c, 0), handle_error=False)
    assert not rc.find(v.Html, class_="ds-readouts ds-small").widgets
    assert "once a month has run" in text(rc.find(v.Html, class_="ds-small ds-readouts-empty").widget)
    rc.close()


def test_the_figures_table_shows_this_months_bands_and_follows_each_step(main_area):
    rc, model = main_area
    step(model)
    c = model.value
    rows = readout_rows(rc)
    assert set(rows) == {"left", "right"} and list(rows["left"]) == [r.chart for r in dashboard.READOUTS]
    for key in ("left", "right"):
        runs = c.latest_runs(key)
        mean, low, high = (c.lines[key].band("achievement")[i][-1] for i in range(3))
        assert mean == pytest.approx(float(np.mean(runs["achievement"])))
        assert low < mean < high
        assert rows[key]["achievement"].startswith(minus(f"{mean:+.3f} [{low:+.3f}, {high:+.3f}] SD"))
        assert rows[key]["practice"] == minus(f"{float(np.mean(runs['teacher_practice'])):+.3f} SD a year")
        assert rows[key]["coherence"] == f"{float(np.mean(runs['coherence'])):.2f}"
        running = float(np.mean(runs["active_initiatives"]))
        assert rows[key]["initiatives"].startswith(f"{running:.1f} running")
    before = rows
    step(model, 9)
    after = readout_rows(rc)
    assert after["left"]["achievement"] != before["left"]["achievement"]
    assert after["left"]["fatigue"] != before["left"]["fatigue"]
    assert "<th>Year 1, month 10</th>" in figures_markup(rc)


def test_a_branch_gets_its_own_row(main_area):
    rc, model = main_area
    step(model, 10)
    model.value.fork(LEFT, "strategy.initiatives_per_year", "0")
    step(model, 10)
    rows = readout_rows(rc)
    assert list(rows) == ["left", "right", "branch1"]
    branch = model.value.latest("branch1")
    assert rows["branch1"]["initiatives"].startswith(f"{branch['active_initiatives']:.1f} running")


# --- time -------------------------------------------------------------------------------------

def test_the_time_says_a_month_is_a_school_month(main_area):
    rc, model = main_area

    def now() -> str:
        return " ".join(str(w.children[0]) for w in rc.find(v.Html, class_="ds-now").widgets)

    step(model)
    assert now() == f"Year 1, month 2 (1 school month run, {MONTHS_PER_YEAR} a school year)"
    step(model, 12)
    assert calendar(13) == (2, 4)
    assert now() == f"Year 2, month 4 (13 school months run, {MONTHS_PER_YEAR} a school year)"


# --- the explain panel ------------------------------------------------------------------------

ROW = {"achievement": -0.29, "teacher_practice": 0.02, "implementation_dip": 0.0}
BEHIND = dict(ROW, achievement=-0.30, teacher_practice=0.0)


def test_a_clear_but_tiny_gap_is_called_too_small_to_matter():
    tiny = {"achievement": (0.0006, 0.0002, 0.0010), "teacher_practice": (0.001, 0.0005, 0.0015)}
    d = explain.diagnose("focused", ROW, "fragmented", BEHIND, 1, diffs=tiny, runs=10)
    assert d.headline.startswith("focused is 0.0006 SD ahead of fragmented in achievement [0.0002, 0.0010]")
    assert "excludes zero, so the gap is not luck, but it is too small to matter yet" in d.headline
    assert "Teacher practice is already" not in d.text          # clear, but under PRACTICE_LEVEL
    large = {"achievement": (0.05, 0.03, 0.07), "teacher_practice": (0.02, 0.01, 0.03)}
    d = explain.diagnose("focused", ROW, "fragmented", BEHIND, 5, diffs=large, runs=10)
    assert "too small" not in d.headline and "[0.030, 0.070]" in d.headline


def test_a_fresh_branch_is_the_same_as_its_parent_and_named_in_quotes():
    c = Comparison(**SMALL)
    for _ in range(10):
        c.step()
    branch = c.fork(LEFT, "strategy.initiatives_per_year", "0")
    c.step()
    assert c.difference(branch.key, LEFT) == (0.0, 0.0, 0.0)    # nothing has diverged yet
    d = explain.diagnose_pair(c, branch.key, LEFT)
    assert d.headline == (f"\u201c{branch.label}\u201d and fragmented are still the same: achievement "
                          f"is equal in all {SMALL['replicates']} paired runs so far.")
    assert "No clear difference" not in d.headline
    sides = explain.diagnose_pair(c, LEFT, RIGHT)
    assert "\u201c" not in sides.text                                # scenarios are named plainly


def test_the_figures_markup_shows_every_text_as_text():
    markup = dashboard.figures_html("Year <1>", [("left", "<b>x</b> & y", "#D55E00", {"achievement": "a<b"})])
    assert "<b>" not in markup and "&lt;b&gt;x&lt;/b&gt; &amp; y" in markup
    assert "<th>Year &lt;1&gt;</th>" in markup and "a&lt;b" in markup
