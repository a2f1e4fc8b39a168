"""The page in a real browser: loading, playing, levers, shocks, forks, exports.

The screenshots linked from the README are saved here: docs/screenshots/default.png and
docs/screenshots/fork.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .drive import click, points, screenshot, wait_months
from .test_controls import CHART, OPENING, months, step_years, wait_opening


@pytest.fixture
def fresh(ui):
    """The page at month 0 (paused), where these tests start."""
    assert months(ui) == 0
    return ui


def test_page_opens_at_year_ten_with_both_strategies_and_saves_the_default_screenshot(ui_opening):
    ui = ui_opening
    wait_opening(ui)
    assert months(ui) == OPENING
    assert points(ui, "left") == points(ui, "right") == OPENING
    text = ui.locator(".ds-dashboard").inner_text()
    assert "Left: fragmented" in text and "Right: focused" in text
    for label in ("Reset", "Play", "Step a month", "Step a year", "▶", "+1 month", "Budget cut", "Fork",
                  "Data (CSV)", "Charts (PNG)"):
        assert ui.get_by_role("button", name=label, exact=True).count() == 1, label
    assert "SD ahead" in ui.locator(".ds-explain").inner_text()
    screenshot(ui, "default.png")
    click(ui, "Reset")
    ui.wait_for_function(f"() => document.querySelector('{CHART}').dataset.months === '0'")
    step_years(ui, 4)
    assert points(ui, "left") == points(ui, "right") == 40


def still(page, quiet_ms: int = 1000) -> int:
    """The month the page rests at: the one shown, once nothing has changed for ``quiet_ms``."""
    last, since = months(page), 0
    while since < quiet_ms:
        page.wait_for_timeout(100)
        now = months(page)
        since, last = (since + 100, now) if now == last else (0, now)
    return last


def test_play_advances_both_charts(fresh):
    ui = fresh
    click(ui, "Play")
    wait_months(ui, 4)
    click(ui, "Pause")
    ui.get_by_role("button", name="Play", exact=True).wait_for()
    n = still(ui)              # a month in progress finishes and is drawn
    assert n >= 4
    assert points(ui, "left") == points(ui, "right") == n
    for key in ("practice", "coherence", "initiatives", "fatigue", "budget"):
        assert ui.locator(f'.ds-chart-{key} polyline[data-line="right"]').count() >= 1


def test_a_slider_change_takes_effect(fresh):
    ui = fresh
    step_years(ui, 1)
    before = ui.locator(".ds-chart-budget svg[data-months]").inner_html()
    click(ui, "Resources")
    slider = ui.locator(".ds-slider-strategy-resource_alignment .v-slider")
    slider.wait_for(state="visible")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.1, "y": box["height"] / 2})
    ui.wait_for_selector("text=/Share of money behind the strategy = 0\\.1/")
    ui.wait_for_function("b => document.querySelector('.ds-chart-budget svg[data-months]').innerHTML !== b",
                         arg=before, timeout=10_000)     # the side re-ran: its chart is redrawn
    assert months(ui) == 10


def test_bad_input_shows_a_message_and_keeps_the_model(fresh):
    ui = fresh
    step_years(ui, 1)
    click(ui, "Strategy")
    field = ui.get_by_label("New initiatives a year")
    before = ui.locator(".ds-chart-initiatives svg[data-months]").inner_html()
    for text, message in (("", "the field is empty"), ("lots", "'lots' is not a number"),
                          ("99", "New initiatives a year must be between 0 and 50")):
        field.fill(text)
        field.press("Enter")
        ui.locator(".ds-error", has_text=message).wait_for()
    assert ui.locator(".ds-chart-initiatives svg[data-months]").inner_html() == before
    assert months(ui) == 10
    click(ui, "Step a month")
    wait_months(ui, 11)


def test_a_shock_button_marks_the_chart(fresh):
    ui = fresh
    step_years(ui, 1)
    assert ui.locator(".ds-chart-achievement .shock-marker").count() == 0
    click(ui, "Budget cut")
    ui.locator('.ds-chart-achievement .shock-marker[data-kind="budget_cut"]').first.wait_for()
    assert ui.locator('.ds-chart-achievement .shock-marker[data-kind="budget_cut"]').count() == 2
    assert "Budget cut (all districts)" in ui.locator(".ds-ok").inner_text()


def test_fork_creates_a_branch_and_saves_the_fork_screenshot(fresh):
    ui = fresh
    step_years(ui, 3)
    ui.locator(".ds-fork-value input").fill("0.5")
    click(ui, "Fork")
    ui.locator('.ds-chart-achievement polyline[data-line="branch1"]').first.wait_for(state="attached")
    status = ui.locator(".ds-ok").inner_text()
    assert re.search(r"fragmented, from y4m1: New initiatives a year = 0\.5", status)
    step_years(ui, 4)
    assert points(ui, "branch1") == 41 and points(ui, "left") == 70
    screenshot(ui, "fork.png")


def test_export_downloads_the_data_and_the_charts(fresh):
    ui = fresh
    step_years(ui, 1)
    with ui.expect_download() as got:
        click(ui, "Data (CSV)")
    data = Path(got.value.path()).read_text()
    header, *rows = [row for row in data.splitlines() if not row.startswith("#")]   # "#": the settings
    assert got.value.suggested_filename == "district-sim.csv"
    assert "achievement" in header.split(",") and len(rows) == 20
    with ui.expect_download() as got:
        click(ui, "Charts (PNG)")
    assert Path(got.value.path()).read_bytes()[:4] == b"\x89PNG"


def test_the_tab_is_named_after_the_page(ui):
    from district_sim.ui.app import TITLE

    ui.wait_for_function("t => document.title === t", arg=TITLE)
    assert ui.title() == TITLE
