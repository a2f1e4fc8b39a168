"""What NetLogo and Mesa users look for on the page, in a real browser: the model's Info tab
("About the model"), each side's scenario in a sentence, this month's figures beside the charts
(the numbers the Data CSV holds), and time in school months."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from district_sim.calendar import MONTHS_PER_YEAR, calendar
from district_sim.scenarios import load_scenario
from district_sim.ui.info import SECTIONS

from .drive import click, months, wait_months


def settle(page) -> None:
    """Wait until the page takes a step (the opening run to year 10 has finished)."""
    step = page.locator("button.ds-step-month")
    if step.count():
        expect(step.first).to_be_enabled(timeout=90_000)


def step_a_month(page) -> None:
    """One month, by the step button (named "Step a month", or Mesa's "Step")."""
    settle(page)
    start = months(page)
    for name in ("Step a month", "Step"):
        button = page.get_by_role("button", name=name, exact=True)
        if button.count():
            button.first.click()
            break
    wait_months(page, start + 1)


def choose_view(page, name: str) -> None:
    """Pick a view of the main area by keyboard (its button focused, then Enter), as a
    keyboard user does."""
    page.get_by_role("button", name=name, exact=True).press("Enter")


def description(page, side: str) -> str:
    return page.locator(f'.ds-description[data-side="{side}"]').inner_text()


def figure(page, line: str, chart: str) -> str:
    return page.locator(f'.ds-readouts tr[data-line="{line}"] td[data-chart="{chart}"]').inner_text()


def csv_rows(page) -> list[dict[str, str]]:
    with page.expect_download() as got:
        click(page, "Data (CSV)")
    table = [line for line in Path(got.value.path()).read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(table))))   # "#" lines: the what-if behind it


def number(text: str) -> float:
    """A figure as the page prints it (true minus sign) read back as a number."""
    return float(text.replace("\u2212", "-"))


def test_the_about_view_opens_and_shows_the_info_sections(ui):
    assert ui.get_by_role("heading", name="What is it?").count() == 0
    choose_view(ui, "About the model")
    for title in SECTIONS:
        heading = ui.get_by_role("heading", name=title, exact=True)
        heading.wait_for()
        assert heading.is_visible(), title
    assert ui.get_by_role("heading", name="How to use it", exact=True).is_visible()   # NetLogo's too
    assert "school month" in ui.locator(".ds-info").inner_text()
    assert ui.locator(".ds-chart-achievement").count() == 0      # the charts give way to it
    choose_view(ui, "Compare")
    ui.locator(".ds-chart-achievement svg").wait_for()
    assert ui.get_by_role("heading", name="What is it?").count() == 0


def test_both_descriptions_are_visible_and_follow_the_districts_card(ui):
    left, right = description(ui, "left"), description(ui, "right")
    assert left == f"Left (fragmented): {load_scenario('fragmented').description}"
    assert right == f"Right (focused): {load_scenario('focused').description}"
    assert ui.locator(".ds-description").first.is_visible()
    box = ui.locator('.ds-description[data-side="right"]').bounding_box()
    assert box["y"] < ui.locator(".ds-chart-achievement").bounding_box()["y"]   # above the charts
    settle(ui)
    ui.get_by_label("Right side scenario").click(force=True)
    ui.get_by_role("option", name="status_quo", exact=True).click()
    wanted = f"Right (status_quo): {load_scenario('status_quo').description}"
    ui.locator('.ds-description[data-side="right"]', has_text=wanted).wait_for()
    assert description(ui, "right") == wanted and description(ui, "left") == left


def test_the_figures_match_the_data_csv_and_follow_each_step(ui):
    step_a_month(ui)
    n = months(ui)
    for shown_months in (n, n + 1):
        if shown_months > n:
            step_a_month(ui)
        rows = csv_rows(ui)
        year, month = calendar(shown_months - 1)
        assert f"Year {year}, month {month}" in ui.locator(".ds-readouts th").first.inner_text()
        for line in ("left", "right"):
            last = [r for r in rows if r["district"] == line][-1]
            assert int(last["month_index"]) == shown_months
            achievement = figure(ui, line, "achievement")      # "−0.305 [−0.306, −0.304] SD; gap 0.603"
            mean, low, high = (number(x) for x in achievement.split(" SD")[0].replace("[", "")
                               .replace("]", "").replace(",", "").split())
            assert mean == round(float(last["achievement"]), 3)
            assert (low, high) == (round(float(last["achievement_low"]), 3),
                                   round(float(last["achievement_high"]), 3))
            practice = number(figure(ui, line, "practice").split(" SD")[0])
            assert practice == round(float(last["teacher_practice"]), 3)
            coherence = float(figure(ui, line, "coherence").split(" of")[0])
            assert coherence == round(float(last["coherence"]), 2)
        if shown_months == n:
            first = figure(ui, "left", "achievement")
    assert figure(ui, "left", "achievement") != first


def test_the_time_says_months_are_school_months(ui):
    step_a_month(ui)
    n = months(ui)
    year, month = calendar(n)
    text = ui.locator(".ds-now").first.inner_text()
    run = f"{n} school {'month' if n == 1 else 'months'} run"
    assert text == f"Year {year}, month {month} ({run}, {MONTHS_PER_YEAR} a school year)"
