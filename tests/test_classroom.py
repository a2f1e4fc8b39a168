"""The classroom demonstration names what the class can see: every name a caption quotes is a
chart or panel title on the page, a scenario, or a district's name from its description."""

from __future__ import annotations

import re
from pathlib import Path

from district_sim.scenarios import list_scenarios, load_scenario
from district_sim.ui import charts, classroom

QUOTED = re.compile(r"(?<![A-Za-z])'([^']+?)'(?![A-Za-z])")
APP = Path(charts.__file__).with_name("dashboard.py")


def visible_names() -> set[str]:
    names = set(charts.CHART_TITLES.values())
    names |= {panel.title for chart in charts.CHARTS for panel in chart.panels}
    names |= set(list_scenarios())
    names |= {load_scenario(s).description.split(":")[0] for s in list_scenarios()}
    return names


def test_every_name_a_caption_quotes_is_on_the_page():
    names = visible_names()
    app = APP.read_text()  # the page's own headings (the explain panel's title) are in its layout
    quoted = [q for beat in classroom.SCRIPT for q in QUOTED.findall(beat.caption)]
    assert len(quoted) >= 5  # the script does point at the charts
    missing = [q for q in quoted if q not in names and f'"{q}"' not in app]
    assert not missing, f"captions name what the page does not show: {missing}"


def test_each_beat_scrolls_to_the_first_chart_it_names():
    selectors = {chart.title: f".ds-chart-{chart.key}" for chart in charts.CHARTS}
    named = 0
    for beat in classroom.SCRIPT:
        quoted = [q for q in QUOTED.findall(beat.caption) if q in classroom.chart_selectors()]
        target = classroom.focus(beat.caption)
        if quoted:
            named += 1
            assert target == classroom.chart_selectors()[quoted[0]]
            assert target in selectors.values()
        else:
            assert target == classroom.EXPLAIN     # where the caption itself is shown
    assert named >= 5
    assert classroom.focus("See 'Fatigue and turnover'.") == ".ds-chart-fatigue"
