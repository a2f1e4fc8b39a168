"""The page rendered without a browser (``solara.render``, as Mesa's own tests do): the
controls act on the districts and the charts follow."""

from __future__ import annotations

import re
import time

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from district_sim.ui import app, levers
from district_sim.ui.widgets import ChartFrame


@pytest.fixture
def rendered():
    """A fresh page (its own districts) inside an AppLayout, so the sidebar is rendered."""
    box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    yield rc
    rc.close()


def open_group(rc, group: str) -> None:
    """Open a group of the Levers card, as a click on its header does (a closed group's
    controls are not built)."""
    rc.find(v.ExpansionPanels).widget.v_model = list(levers.by_group()).index(group)


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def chart(rc, key: str) -> str:
    """A chart's SVG as the page sends it (a ChartFrame's drawing)."""
    return next(w.svg for w in rc.find(ChartFrame).widgets if f'data-chart="{key}"' in w.svg)


def months(rc) -> int:
    return int(re.search(r'data-months="(\d+)"', chart(rc, "achievement")).group(1))


def points(rc, key: str, line: str) -> int:
    match = re.search(rf'data-line="{line}" data-column="{key}" data-n="(\d+)"', chart(rc, "achievement"))
    return int(match.group(1)) if match else 0


def status(rc) -> str:
    found = rc.find(v.Alert).widgets
    return " ".join(str(c) for w in found for c in w.children)


def page_text(rc) -> str:
    """Every word the page shows: texts, buttons, card titles, and field and slider labels."""
    words: list[str] = []

    def walk(widget) -> None:
        words.extend(str(getattr(widget, name)) for name in ("label", "unsafe_innerHTML")
                     if isinstance(getattr(widget, name, None), str))
        for child in getattr(widget, "children", None) or []:
            words.append(child) if isinstance(child, str) else walk(child)

    for top in rc.find(ipywidgets.Widget).widgets:
        walk(top)
    return "\n".join(words)


def test_page_shows_both_districts_and_its_own_controls_in_plain_words(rendered):
    labels = {str(w.children[0]) for w in rendered.find(v.Btn).widgets if w.children}
    assert {"Reset", "Play", "Step a month", "Step a year"} <= labels
    text = page_text(rendered)
    for mesa_word in ("Play Interval", "Render Interval", "Use Threads", "Information", "Model Parameters",
                      "Time:"):
        assert mesa_word not in text, mesa_word
    for words in ("Pause between months", "Students in each district: 10,000",
                  "Schools in each district: 20", "Runs of each side, for the 95% bands: 10",
                  "Reset goes back to month 0"):
        assert words in text, words
    keys = {re.search(r'data-chart="(\w+)"', w.svg).group(1) for w in rendered.find(ChartFrame).widgets}
    assert keys == {"achievement", "practice", "coherence", "initiatives", "fatigue", "budget"}
    assert "fragmented" in chart(rendered, "achievement") and "focused" in chart(rendered, "achievement")


def test_step_and_step_a_year_advance_both_charts(rendered):
    button(rendered, "Step a month").click()
    assert months(rendered) == 1
    assert points(rendered, "achievement", "left") == points(rendered, "achievement", "right") == 1
    button(rendered, "Step a year").click()
    assert months(rendered) == 10 and points(rendered, "achievement", "right") == 10
    rendered.find(v.Html, children=["Why the districts differ now"]).assert_empty() if False else None
    assert "SD" in explain_text(rendered)


def test_shock_button_marks_the_charts(rendered):
    button(rendered, "Step a year").click()
    assert "shock-marker" not in chart(rendered, "achievement")
    button(rendered, "Budget cut").click()
    assert chart(rendered, "achievement").count('data-kind="budget_cut"') == 2
    assert "Budget cut (all districts), year 2, month 1" in status(rendered)


def test_lever_input_takes_effect_and_bad_input_shows_a_message(rendered):
    button(rendered, "Step a year").click()
    open_group(rendered, "Strategy")
    field = rendered.find(v.TextField, label="New initiatives a year").widgets[0]   # of the right side
    before = chart(rendered, "initiatives")
    field.v_model = ""
    field.fire_event("focusout")
    assert "the field is empty" in status(rendered) and chart(rendered, "initiatives") == before
    field.v_model = "99"
    field.fire_event("focusout")
    assert "New initiatives a year must be between 0 and 50" in status(rendered)
    assert chart(rendered, "initiatives") == before
    assert months(rendered) == 10
    field.v_model = "4"
    field.fire_event("focusout")
    assert "New initiatives a year = 4, re-run from the start" in status(rendered)
    assert chart(rendered, "initiatives") != before and months(rendered) == 10


def test_slider_lever_re_runs_the_side(rendered):
    button(rendered, "Step a year").click()
    before = [chart(rendered, key) for key in ("coherence", "achievement", "budget")]
    open_group(rendered, "Resources")
    slider = next(w for w in rendered.find(v.Slider).widgets
                  if "ds-slider-strategy-resource_alignment" in (w.class_ or ""))
    slider.fire_event("change", 0.1)
    assert "Share of money behind the strategy = 0.1, re-run" in status(rendered)
    assert [chart(rendered, key) for key in ("coherence", "achievement", "budget")] != before


def test_fork_creates_a_branch_drawn_from_now(rendered):
    for _ in range(3):
        button(rendered, "Step a year").click()
    value = rendered.find(v.TextField, label="New value (now 5)").widget
    value.v_model = "1"
    button(rendered, "Fork").click()
    assert "New branch: fragmented, from y4m1: New initiatives a year = 1" in status(rendered)
    assert 'data-line="branch1"' in chart(rendered, "achievement")
    assert points(rendered, "achievement", "branch1") == 1    # where it leaves its parent
    button(rendered, "Step a year").click()
    assert points(rendered, "achievement", "branch1") == 11   # and ten months of its own


def test_picking_a_scenario_re_runs_that_side(rendered):
    button(rendered, "Step a year").click()
    select = rendered.find(v.Select, label="Right side scenario").widget
    select.v_model = "status_quo"
    assert "The right side is now status_quo" in status(rendered)
    assert "status_quo" in chart(rendered, "achievement") and months(rendered) == 10


def test_reset_goes_back_to_the_start_and_keeps_the_choices(rendered):
    rendered.find(v.Select, label="Left side scenario").widget.v_model = "status_quo"
    button(rendered, "Step a year").click()
    button(rendered, "Reset").click()
    assert months(rendered) == 0
    assert "status_quo" in chart(rendered, "achievement")   # the choice survives Reset


def test_export_buttons_are_there(rendered):
    labels = {str(c) for w in rendered.find(v.Btn).widgets for c in w.children}
    assert {"Data (CSV)", "Charts (PNG)"} <= labels


def test_the_classroom_demo_starts_narrating_and_stops(rendered):
    button(rendered, "Step a year").click()
    button(rendered, "Classroom demo (5 min)").click()
    assert months(rendered) == 0   # it restarts fragmented against focused
    deadline = time.monotonic() + 10
    while "Two districts with the same students" not in explain_text(rendered):
        assert time.monotonic() < deadline, "no caption"
        time.sleep(0.1)
    button(rendered, "Stop the demonstration").click()
    assert rendered.find(v.Btn, children=["Classroom demo (5 min)"]).widgets


def explain_text(rendered) -> str:
    """The explain panel's text (caption, headlines, reasons, note), as the page shows it."""
    def text(widget) -> str:
        return " ".join(text(c) if isinstance(c, v.Html) else str(c) for c in widget.children)

    return text(rendered.find(v.Html, class_="ds-explain").widget)


# --- uncertainty on screen: bands, axes, the spread, the seed ----------------------------------------


def panels(svg: str) -> dict[str, tuple[float, float]]:
    """Each panel's y axis, by the metrics it draws."""
    return {m.group(1): (float(m.group(2)), float(m.group(3))) for m in re.finditer(
        r'class="plot" data-columns="([\w ]+)" data-low="([-\d.e]+)" data-high="([-\d.e]+)"', svg)}


def band(svg: str, line: str, column: str) -> tuple[str, str]:
    m = re.search(rf'class="band" data-line="{line}" data-column="{column}" data-low="([^"]+)" '
                  rf'data-high="([^"]+)"', svg)
    return (m.group(1), m.group(2)) if m else ("", "")


def test_each_side_is_its_replicates_mean_with_the_95_percent_band_compare_gives(rendered):
    from district_sim.report import metric_interval
    from district_sim.ui.session import DEFAULT_REPLICATES, Comparison

    button(rendered, "Step a year").click()
    svg = chart(rendered, "achievement")
    assert f'data-replicates="{DEFAULT_REPLICATES}"' in svg
    same = Comparison()                                   # the page's default districts, seed 0
    for _ in range(10):
        same.step()
    for side in ("left", "right"):
        for column in ("achievement", "achievement_gap"):
            _, low, high = metric_interval(same.latest_runs(side)[column], column)
            assert band(svg, side, column) == (f"{low:.6g}", f"{high:.6g}"), (side, column)
            assert float(band(svg, side, column)[0]) < float(band(svg, side, column)[1])
    assert f"95% interval over {DEFAULT_REPLICATES} paired runs" in explain_text(rendered)


def test_axes_never_span_less_than_a_difference_that_matters(rendered):
    button(rendered, "Step a month").click()      # one month: the data span a few thousandths of an SD
    axes = {cols: span for key in ("achievement", "practice", "fatigue")
            for cols, span in panels(chart(rendered, key)).items()}
    for columns, least in (("achievement", 0.2), ("achievement_gap", 0.2), ("teacher_practice", 0.2),
                           ("teacher_fatigue", 0.1), ("teacher_turnover", 0.1)):
        low, high = axes[columns]
        assert high - low >= least - 1e-5, (columns, low, high)   # 6 digits in the markup
    low, _ = axes["teacher_turnover"]
    assert low >= 0                        # widened inside the metrics' range, not below 0


def test_the_axis_rule_widens_only_narrow_axes():
    from district_sim.ui import charts

    chart_ = charts.CHART_BY_KEY["achievement"]

    def one(values: list[float], gap: list[float]) -> dict:
        return {"key": "left", "label": "x", "color": "#000", "dashed": False, "start": 0, "n": len(values),
                "replicates": 1, "values": {"achievement": values, "achievement_gap": gap}}

    narrow = panels(charts.chart_svg(chart_, [one([-0.300, -0.301], [0.5, 0.5])], [], [], 2))
    assert narrow["achievement"][1] - narrow["achievement"][0] == pytest.approx(0.2)
    assert sum(narrow["achievement"]) / 2 == pytest.approx(-0.3005)          # about the data's centre
    wide = panels(charts.chart_svg(chart_, [one([-0.5, 0.5], [0.5, 0.5])], [], [], 2))
    assert wide["achievement"] == pytest.approx((-0.58, 0.58))               # the data, padded 8%
    assert charts.min_span(("teacher_fatigue",)) == 0.1 and charts.min_span(("active_initiatives",)) == 0
    assert charts._widen(0.0, 0.02, 0.1, 0.0, 1.0) == (0.0, 0.1)             # a rate stays in [0, 1]


def test_the_spread_option_draws_each_run(rendered):
    button(rendered, "Step a year").click()
    assert 'class="replicate"' not in chart(rendered, "achievement")
    rendered.find(v.Checkbox, label="Show each of the 10 runs").widget.v_model = True
    svg = chart(rendered, "achievement")
    for side in ("left", "right"):
        assert svg.count(f'class="replicate" data-of="{side}" data-column="achievement"') == 10
    assert points(rendered, "achievement", "left") == 10       # the mean line is still one line


def test_the_seed_takes_every_seed_compare_takes_and_refuses_bad_ones(rendered):
    seed = rendered.find(v.TextField, label="Seed: any whole number from 0 (restarts at month 0)").widget
    button(rendered, "Step a year").click()
    before = chart(rendered, "achievement")
    seed.v_model = "18446744073709551617"                  # beyond 2**64, as compare takes it
    seed.fire_event("focusout")
    assert "Restarted on seed 18446744073709551617" in status(rendered) and months(rendered) == 0
    assert "compare --seed 18446744073709551617" in explain_text(rendered)
    button(rendered, "Step a year").click()
    assert chart(rendered, "achievement") != before
    seed.v_model = "1.5"
    seed.fire_event("focusout")
    assert "Seed must be a whole number of at least 0, got 1.5" in status(rendered) and months(rendered) == 10
    button(rendered, "Reset").click()                      # Reset keeps the seed
    assert months(rendered) == 0 and "compare --seed 18446744073709551617" in explain_text(rendered)


# --- the page's own controls: play and pause, Reset with a size, the cap, the opening -------------------


def wait_for(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def size_slider(rc, name: str):
    return next(w for w in rc.find(v.Slider).widgets if f"ds-size-slider-{name}" in (w.class_ or ""))


def labels(rc) -> set[str]:
    return {str(w.children[0]) for w in rc.find(v.Btn).widgets if w.children}


def test_pause_stops_the_play_loop_before_its_next_month(rendered):
    button(rendered, "1 ms").click()
    button(rendered, "Play").click()
    wait_for(lambda: months(rendered) >= 2)
    assert "Pause" in labels(rendered) and "Play" not in labels(rendered)
    button(rendered, "Pause").click()
    at_pause = months(rendered)
    time.sleep(1.5)
    assert months(rendered) - at_pause <= 1       # at most the month under way when clicked
    assert "Play" in labels(rendered)
    assert not rendered.find(v.Btn, children=["Step a month"]).widget.disabled


def test_reset_builds_the_size_chosen_and_says_what_it_will_do(rendered):
    button(rendered, "Step a year").click()
    for name, value in (("students", 2000), ("schools", 4), ("replicates", 3)):
        size_slider(rendered, name).v_model = value
    text = page_text(rendered)
    assert "Students in each district: 2,000" in text and "Runs of each side, for the 95% bands: 3" in text
    assert "press Reset to use the new size" in text and months(rendered) == 10   # not applied yet
    button(rendered, "Reset").click()
    assert months(rendered) == 0 and 'data-replicates="3"' in chart(rendered, "achievement")
    assert "press Reset to use the new size" not in page_text(rendered)


def test_at_the_cap_the_controls_stop_and_say_why(rendered):
    from district_sim.ui.controls import CAP_MESSAGE

    for name, value in (("students", 2000), ("schools", 4), ("replicates", 1)):
        size_slider(rendered, name).v_model = value
    button(rendered, "Reset").click()
    for _ in range(40):
        button(rendered, "Step a year").click()
    assert months(rendered) == 400
    assert CAP_MESSAGE in page_text(rendered) and "40 school years (400 months)" in CAP_MESSAGE
    for label in ("Play", "Step a month", "Step a year"):
        assert rendered.find(v.Btn, children=[label]).widget.disabled, label
    button(rendered, "Reset").click()
    assert months(rendered) == 0 and CAP_MESSAGE not in page_text(rendered)
    assert not rendered.find(v.Btn, children=["Play"]).widget.disabled


def test_a_fork_error_is_shown_in_the_fork_card(rendered):
    rendered.find(v.TextField, label="New value (now 5)").widget.v_model = "lots"
    button(rendered, "Fork").click()
    fork_card = next(w for w in rendered.find(v.Card).widgets if "Fork now" in page_text_of(w))
    assert "'lots' is not a number" in page_text_of(fork_card)
    others = [w for w in rendered.find(v.Card).widgets if w is not fork_card]
    assert not any("'lots'" in page_text_of(w) for w in others)      # nowhere else


def page_text_of(widget) -> str:
    words: list[str] = []

    def walk(w) -> None:
        for child in getattr(w, "children", None) or []:
            words.append(child) if isinstance(child, str) else walk(child)

    walk(widget)
    return " ".join(words)


def test_the_opening_runs_both_sides_to_year_ten_once_a_browser_shows_the_page(rendered):
    from district_sim.ui.controls import OPENING_MONTHS, PageSignals

    assert months(rendered) == 0                 # no browser yet: nothing runs
    signals = rendered.find(PageSignals).widget
    signals.vue_ready()                          # what the browser says once it shows the page
    wait_for(lambda: months(rendered) >= OPENING_MONTHS, 90)
    wait_for(lambda: "Play" in labels(rendered))
    assert months(rendered) == OPENING_MONTHS
    for side in ("left", "right"):
        assert points(rendered, "achievement", side) == OPENING_MONTHS
    assert "Both sides ran to year 10 as the page opened" in page_text(rendered)
    signals.vue_ready()                          # once a tab: a second "ready" does not start it again
    button(rendered, "Reset").click()
    time.sleep(0.5)
    assert months(rendered) == 0


def test_the_classroom_demo_pauses_play_when_it_starts(rendered):
    button(rendered, "Play").click()
    wait_for(lambda: months(rendered) >= 1)
    button(rendered, "Classroom demo (5 min)").click()
    # the play loop may be drawing its last month: the page catches up when it is done
    wait_for(lambda: rendered.find(v.Btn, children=["Play"]).widgets != [], 5)
    assert "Pause" not in labels(rendered)
    wait_for(lambda: rendered.find(v.Btn, children=["Play"]).widget.disabled, 5)   # the demo plays now
    time.sleep(0.5)
    assert months(rendered) == 0
    button(rendered, "Stop the demonstration").click()
