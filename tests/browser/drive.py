"""Driving the page as a user does: by visible names, waiting for what the charts say."""

from __future__ import annotations

import os
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def months(page) -> int:
    return int(page.locator(".ds-chart-achievement svg[data-months]").get_attribute("data-months"))


def wait_months(page, at_least: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('.ds-chart-achievement svg[data-months]')?.dataset.months) >= n",
        arg=at_least)


def points(page, line: str) -> int:
    found = page.locator(f'.ds-chart-achievement polyline[data-line="{line}"][data-column="achievement"]')
    return int(found.get_attribute("data-n")) if found.count() else 0


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def step_years(page, years: int) -> None:
    start = months(page)
    for i in range(years):
        click(page, "Step a year")
        wait_months(page, start + 10 * (i + 1))


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp = SHOTS / f".{name}.tmp.png"
    page.screenshot(path=str(tmp), full_page=True)
    os.replace(tmp, SHOTS / name)   # never a half-written file in docs/
