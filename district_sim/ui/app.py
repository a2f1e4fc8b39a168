"""The browser page: two districts side by side, levers, shocks, forks, explanations.

Built on Mesa's SolaraViz: the model it plays, steps and resets is a
:class:`~district_sim.ui.session.Comparison` (every district on the page, stepped in
lockstep); its components are the charts, the explain panel, the PELP diagrams and the
schools. The sidebar adds what a district leader or a teacher does with the page: pick
scenarios, pull levers, inject shocks, fork a branch, run the classroom demonstration,
export. All state logic lives in plain modules (``session``, ``levers``, ``explain``,
``charts``, ``classroom``); this module only lays them out.

Run with ``district-sim ui`` or ``solara run district_sim.ui.app``. Every browser tab
gets its own districts: ``Page`` builds them, nothing is kept at module level.
"""

from __future__ import annotations

from pathlib import Path

import solara
from mesa.visualization import SolaraViz

from . import presenter
from .dashboard import Dashboard
from .session import DEFAULT_REPLICATES, DEFAULT_SCHOOLS, DEFAULT_STUDENTS, MAX_REPLICATES, Comparison, Setup
from .sidebar import SidebarCards

TITLE = "District coherence: two strategies side by side"
#: The page's stylesheets, in order: the main area's, then the sidebar's and controls'.
#: Elements name their classes (``ds-*``). Only what is known at runtime stays inline: a
#: district's colour (session.COLORS) and a school tile's value colour.
STYLESHEETS = tuple(Path(__file__).with_name(name) for name in ("page.css", "sidebar.css"))


def model_params(setup: Setup) -> dict:
    """SolaraViz's model parameters: the district's size and replicates, applied on Reset.

    The seed is typed in the Districts card (``setup`` carries it across Resets): the page
    takes every seed ``compare`` takes (any whole number >= 0), so that a room can reproduce
    ``district-sim compare --seed N`` on the page, and a bad one gets a message there."""
    return {
        "setup": setup,
        "students": {"type": "SliderInt", "value": DEFAULT_STUDENTS, "min": 2_000, "max": 50_000,
                     "step": 1_000, "label": "Students in each district (on Reset)"},
        "schools": {"type": "SliderInt", "value": DEFAULT_SCHOOLS, "min": 4, "max": 100, "step": 1,
                    "label": "Schools in each district (on Reset)"},
        "replicates": {"type": "SliderInt", "value": DEFAULT_REPLICATES, "min": 1, "max": MAX_REPLICATES,
                       "step": 1, "label": "Runs of each district, for the 95% bands (on Reset)"},
    }



@solara.component
def Page():
    """One browser tab: its own districts, controls and charts."""
    setup = solara.use_memo(Setup, [])
    first = solara.use_memo(lambda: Comparison(setup), [])
    model = solara.use_reactive(first)
    demo = solara.use_reactive(False)
    presenting = solara.use_reactive(False)
    solara.Style(solara.use_memo(_stylesheet, []))   # the page's styling, once per tab
    presenter.PresenterStyle(presenting.value)       # large type, no sidebar, when presenting
    solara.Title(TITLE)                               # the browser tab's name, not Solara's "App"
    # SolaraViz: the app bar, play / pause / step / reset, speed, size and seed; the model it
    # plays is the Comparison. The main area is ours (one full-width dashboard).
    SolaraViz(model, components=[], model_params=model_params(setup), name=TITLE, play_interval=150)
    with solara.AppBar():
        presenter.PresenterSwitch(presenting)
    Dashboard(model)
    SidebarCards(model, demo)


def _stylesheet() -> str:
    """The stylesheet's text. Passed as text, not a Path: with a Path, Solara's development
    mode watches the file from an event loop, which a page rendered in tests does not have."""
    return "\n".join(path.read_text(encoding="utf-8") for path in STYLESHEETS)
