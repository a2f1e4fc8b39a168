"""Save and share a what-if, in a real browser: a saved what-if opens on a new page (its own,
fresh districts) to identical charts and an identical CSV, steps on alike, and replays from
the command line with the page's numbers; a bad file gets one plain message and changes nothing."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from .conftest import TIMEOUT
from .drive import click

CHARTS = ".ds-chart"
DISTRICT_SIM = Path(sys.executable).with_name("district-sim")
#: The second tab opens by running both sides to this year (its address asks: ui.address), so
#: the what-if opens onto a page that has run on, not a fresh one.
OPENED_AT = 3
#: The achievement chart's own SVG (it may hold others, for hover values), which says its month.
CLOCK = ".ds-chart-achievement svg[data-chart]"


def months(page) -> int:
    return int(page.locator(CLOCK).get_attribute("data-months"))


def wait_months(page, at_least: int) -> None:
    page.wait_for_function(
        f"() => Number(document.querySelector('{CLOCK}')?.dataset.months) >= {at_least}")


def step_years(page, years: int) -> None:
    start = months(page)
    for i in range(years):
        click(page, "Step a year")
        wait_months(page, start + 10 * (i + 1))


def wait_opening(page, year: int) -> None:
    """Wait until the page's opening run to ``year`` has ended (as test_controls does)."""
    wait_months(page, 10 * year)
    page.locator(".ds-clock", has_text=f"ran to year {year}").wait_for(timeout=60_000)


@pytest.fixture
def fresh(ui):
    """The page at month 0 (paused): where a group starts its story."""
    assert months(ui) == 0
    return ui


def chart_svgs(page) -> list[str]:
    """Every chart's markup as drawn, in order (the whole SVG: its months, legend, lines,
    bands and shock markers)."""
    page.locator(CLOCK).wait_for()
    return page.locator(CHARTS).evaluate_all("els => els.map(e => e.innerHTML)")


def settles_to(page, expected: list[str], seconds: float = 10.0) -> bool:
    """The page's charts become ``expected`` (a redraw may still be on its way when the month
    shown is already right, on a busy machine): polled for up to ``seconds``."""
    for _ in range(int(seconds * 10)):
        if chart_svgs(page) == expected:
            return True
        page.wait_for_timeout(100)
    return chart_svgs(page) == expected


def download(page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as got:
        click(page, button)
    return got.value.suggested_filename, Path(got.value.path()).read_bytes()


def without_export_time(data: bytes) -> str:
    """An export less its one line that says when it was made ('# # Exported ... on <time>')."""
    return "".join(line for line in data.decode().splitlines(keepends=True) if not line.startswith("# # "))


def open_file(page, path: Path) -> None:
    """Open a what-if as a user does: the button, then the file chooser."""
    with page.expect_file_chooser() as chooser:
        click(page, "Open a what-if")
    chooser.value.set_files(str(path))


def fresh_page(ui, url: str):
    """A second tab with its own districts, its errors collected."""
    other = ui.context.new_page()
    errors: list[str] = []
    other.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    other.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    other.set_default_timeout(TIMEOUT)
    other.goto(url + f"?year={OPENED_AT}")   # a page that has run on: opening replaces all of it
    other.wait_for_selector(CLOCK)
    wait_opening(other, OPENED_AT)
    return other, errors


def make_a_story(ui) -> None:
    """A year or two, a lever changed, a shock injected, a fork, more years."""
    step_years(ui, 1)
    click(ui, "Strategy")
    field = ui.get_by_label("New initiatives a year")
    field.fill("2")
    field.press("Enter")
    ui.locator(".ds-ok", has_text="New initiatives a year = 2").wait_for()
    step_years(ui, 1)
    click(ui, "Budget cut")
    ui.locator('.ds-chart-achievement .shock-marker[data-kind="budget_cut"]').first.wait_for()
    ui.locator(".ds-fork-value input").fill("0.5")
    click(ui, "Fork")
    ui.locator('.ds-chart-achievement polyline[data-line="branch1"]').first.wait_for(state="attached")
    step_years(ui, 1)


def test_a_saved_what_if_restores_to_identical_charts_and_csv_and_replays_on_the_command_line(
        fresh, ui_url, tmp_path):
    ui = fresh
    make_a_story(ui)
    ui.get_by_label("Title of this what-if").fill("Stop launching, year 2!")
    ui.locator(".ds-whatif-file", has_text="stop-launching-year-2.toml").wait_for()
    name, saved = download(ui, "Save what-if (TOML)")
    assert name == "stop-launching-year-2.toml"
    story = tmp_path / name
    story.write_bytes(saved)
    n = months(ui)
    charts, (_, data) = chart_svgs(ui), download(ui, "Data (CSV)")
    _, runs = download(ui, "Every run (CSV)")

    other, errors = fresh_page(ui, ui_url)
    assert chart_svgs(other) != charts                   # a fresh page: not yet the what-if
    open_file(other, story)
    other.locator(".ds-whatif-ok", has_text="Opened “Stop launching, year 2!”").wait_for()
    wait_months(other, n)
    assert months(other) == n and other.get_by_label("Title of this what-if").input_value() == \
        "Stop launching, year 2!"
    assert settles_to(other, charts)
    name, opened_data = download(other, "Data (CSV)")
    assert name == "stop-launching-year-2.csv"
    assert without_export_time(opened_data) == without_export_time(data)

    for page in (ui, other):                              # Step on both: still alike
        click(page, "Step a month")
        wait_months(page, n + 1)
    assert settles_to(other, chart_svgs(ui))
    assert without_export_time(download(other, "Data (CSV)")[1]) == \
        without_export_time(download(ui, "Data (CSV)")[1])
    assert errors == []
    other.close()

    # the command line replays the saved file with the page's numbers
    out = tmp_path / "x.csv"
    done = subprocess.run([str(DISTRICT_SIM), "whatif", str(story), "--out", str(out)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert_same_numbers(data, runs, out.read_text())


def table(text: str) -> list[dict]:
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


def by_run(rows: list[dict], line: str) -> dict[tuple[str, str], list[dict]]:
    """Rows grouped by (district, replicate), each in month order."""
    out: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        out.setdefault((row[line], row["replicate"]), []).append(row)
    return out


def assert_same_numbers(page_data: bytes, page_runs: bytes, cli_text: str) -> None:
    """The command line's table holds every run the page ran, cell for cell as the page's
    "Every run" CSV writes it, and the page's "Data" CSV is their mean, month by month."""
    def what_if_lines(text: str) -> list[str]:
        # less the export's time and the date (the file's, or today's on the page: a run at midnight)
        return [line for line in text.splitlines() if line.startswith("#")
                and not line.startswith(("# # ", "# date = "))]

    assert what_if_lines(page_data.decode()) == what_if_lines(cli_text)   # the same what-if leads both
    cli, means, runs = table(cli_text), table(page_data.decode()), table(page_runs.decode())
    metrics = [c for c in runs[0] if c not in ("district", "label", "scenario", "replicate", "seed")]
    mine, theirs = by_run(runs, "district"), by_run(cli, "line")
    assert mine.keys() == theirs.keys() and len(mine) == 3 * 10          # 3 districts, 10 runs each
    for key, rows in mine.items():
        assert [[r[c] for c in metrics] for r in rows] == [[r[c] for c in metrics] for r in theirs[key]], key
    for row in means:
        i = int(row["month_index"]) - 1
        values = [float(rows[i]["achievement"]) for (line, _), rows in theirs.items()
                  if line == row["district"] and len(rows) > i]
        assert len(values) == int(row["replicates"]) == 10
        assert float(row["achievement"]) == float(np.mean(values)), (row["district"], i)


def test_a_bad_file_gets_one_plain_message_and_the_page_is_unchanged(fresh, tmp_path):
    ui = fresh
    step_years(ui, 1)
    before = chart_svgs(ui)
    bad = tmp_path / "class.toml"
    bad.write_text('version = 1\nseed = 0\nreplicates = 0\n[lines.left]\nscenario = "fragmented"\n'
                   '[lines.right]\nscenario = "focused"\n')
    open_file(ui, bad)
    message = ui.locator(".ds-whatif-error")
    message.wait_for()
    assert message.inner_text().strip() == ("Not opened: class.toml: replicates: must be a whole number "
                                            "between 1 and 1000, got 0")
    not_text = tmp_path / "photo.toml"
    not_text.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    open_file(ui, not_text)
    ui.locator(".ds-whatif-error", has_text="photo.toml is not a what-if file").wait_for()
    assert chart_svgs(ui) == before and months(ui) == 10
    click(ui, "Step a month")
    wait_months(ui, 11)


#: A what-if of another size than the page's (10,000 students, 20 schools, 10 runs): small, quick.
SMALL_WHAT_IF = """version = 1
title = "A small district"
seed = 4
replicates = 3
months = 10

[lines.left]
scenario = "fragmented"

[lines.left.levers]
"district.students" = 3000
"district.schools" = 6

[lines.right]
scenario = "focused"

[lines.right.levers]
"district.students" = 3000
"district.schools" = 6
"""


def test_reset_after_opening_a_what_if_of_another_size_rebuilds_at_its_size(fresh, tmp_path):
    ui = fresh
    story = tmp_path / "small.toml"
    story.write_text(SMALL_WHAT_IF)
    open_file(ui, story)
    ui.locator(".ds-whatif-ok", has_text="Opened “A small district”").wait_for()
    wait_months(ui, 10)
    for name, shown in (("students", "3,000"), ("schools", "6"), ("replicates", "3")):
        assert f": {shown} " in ui.locator(f".ds-size-{name} .ds-size-label").inner_text() + " ", name
    assert ui.locator(".ds-size-pending").count() == 0       # the size shown is the size run
    click(ui, "Reset")
    ui.wait_for_function(f"() => Number(document.querySelector('{CLOCK}')?.dataset.months) === 0")
    _, saved = download(ui, "Save what-if (TOML)")
    after = tomllib.loads(saved.decode())
    assert after["replicates"] == 3 and after["seed"] == 4 and after["months"] == 0
    for side in ("left", "right"):
        assert after["lines"][side]["levers"]["district.students"] == 3000
        assert after["lines"][side]["levers"]["district.schools"] == 6

