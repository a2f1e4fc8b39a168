"""The browser page: two districts side by side, levers, shocks, forks, explanations.

The model the page plays, steps and resets is a :class:`~district_sim.ui.session.Comparison`
(a Mesa model: every district on the page, stepped in lockstep); the charts follow Mesa's
``update_counter``. The controls are the page's own (``controls``: play, pause, step, reset,
speed and size in plain words, a play loop that obeys Pause at any speed, the opening run to
year 10), not SolaraViz's. The main area is the dashboard (charts, the explain panel, the
PELP diagrams, the schools); the sidebar adds what a district leader or a teacher does with
the page: pick scenarios, pull levers, inject shocks, fork a branch, run the classroom
demonstration, export. All state logic lives in plain modules (``session``, ``levers``,
``explain``, ``charts``, ``classroom``); this module only lays them out.

Run with ``district-sim ui`` or ``solara run district_sim.ui.app``. Every browser tab
gets its own districts: ``Page`` builds them, nothing is kept at module level.
"""

from __future__ import annotations

from pathlib import Path

import solara
import solara.lab

from . import address, controls, presenter
from .dashboard import Dashboard
from .session import Comparison, Setup
from .sidebar import SidebarCards

TITLE = "District coherence: two strategies side by side"
#: The page's stylesheets, in order: the main area's, then the sidebar's and controls'.
#: Elements name their classes (``ds-*``). Only what is known at runtime stays inline: a
#: district's colour (session.COLORS) and a school tile's value colour.
STYLESHEETS = tuple(Path(__file__).with_name(name) for name in ("page.css", "sidebar.css", "controls.css"))


@solara.component
def Page():
    """One browser tab: its own districts, controls and charts (opening and size as its address
    asks: ``address``)."""
    search = solara.use_router().search
    options = solara.use_memo(lambda: address.parse(search), [])
    setup = solara.use_memo(Setup, [])
    first = solara.use_memo(lambda: Comparison(setup, options.students, options.schools,
                                               replicates=options.runs), [])
    model = solara.use_reactive(first)
    demo = solara.use_reactive(False)
    presenting = solara.use_reactive(False)
    playback = controls.use_playback(model, demo, options.opening_months)   # the clock, its play loop
    solara.Style(solara.use_memo(_stylesheet, []))   # the page's styling, once per tab
    presenter.PresenterStyle(presenting.value)       # large type, no sidebar, when presenting
    solara.Title(TITLE)                               # the browser tab's name, not Solara's "App"
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
        controls.AppBarControls(playback)             # play and step with the sidebar hidden
        solara.lab.ThemeToggle()
        presenter.PresenterSwitch(presenting)
    controls.Signals(playback)                        # the browser's "drawn" and "ready"; scrolling
    for problem in options.problems:                  # a link asked for what the page cannot do
        solara.Warning(problem, dense=True, classes=["ds-address-problem"])
    Dashboard(model)
    SidebarCards(model, demo, playback)


def _stylesheet() -> str:
    """The stylesheet's text. Passed as text, not a Path: with a Path, Solara's development
    mode watches the file from an event loop, which a page rendered in tests does not have."""
    return "\n".join(path.read_text(encoding="utf-8") for path in STYLESHEETS)
