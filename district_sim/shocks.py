"""The kinds of shock a district can meet: one record each, the only place a kind is described.

A record says what the kind's magnitude means and its allowed range, how a random one is
drawn (its yearly rate's setting and its size), what it does to the district when it
starts and ends, and how the page shows it (button, chart letter). The schema
(``settings.Shock``), the random draws and the events (``mechanisms/shocks.py``), the
experiments' shock severity and the page all read this table. Adding a kind is adding a
record here, its rate setting in ``settings.Environment`` if it can strike at random, a test
and its line in docs/model.md (7.10).

Effects act on the model through the names of its parts (``model.central_office``,
``model.teachers``), so this table sits below everything it describes and imports none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .calendar import MONTHS_PER_YEAR

#: (magnitude, months the shock lasts) -> what it adds to the environment's pressure.
Pressure = Callable[[float, float], float]
#: (model, shock, months the shock lasts) -> None: an act on the district.
Act = Callable[[Any, Any, float], None]


@dataclass(frozen=True)
class Button:
    """The shock a page button injects now."""

    magnitude: float
    duration_years: float
    label: str
    help: str


@dataclass(frozen=True)
class ShockKind:
    kind: str
    #: What the magnitude means ("share of total spending cut").
    meaning: str
    #: Allowed magnitude, from 0.
    high: float
    #: One letter on the page's charts.
    letter: str
    #: The name of the pressure it adds while it lasts (``ShockState``), and how much; a kind
    #: without one is a one-off act.
    state: str | None = None
    pressure: Pressure | None = None
    #: What else it does when it starts and when it ends (after the pressure changes).
    on_start: Act | None = None
    on_end: Act | None = None
    #: Random strikes: the setting of the yearly probability, and magnitude = low + span * u.
    rate: str | None = None
    random_size: tuple[float, float] | None = None
    #: Whole magnitudes only (a count), when drawn at random.
    whole: bool = False
    button: Button | None = None


def _rebudget(model, shock, months) -> None:
    model.rebudget()
    model.central_office.fund()


def _tire_teachers(model, shock, months) -> None:
    rise = model.settings.environment.pandemic_fatigue * shock.magnitude
    model.teachers.fatigue += rise * (1.0 - model.teachers.fatigue)


def _mandate(model, shock, months) -> None:
    model.central_office.comply(int(round(shock.magnitude)), int(months))


def _succession(model, shock, months) -> None:
    model.central_office.succession(shock.magnitude, vacancy_years=shock.duration_years)


def _monthly_loss(magnitude: float, months: float) -> float:
    """The monthly probability that empties ``magnitude`` of the seats over ``months``."""
    return 1.0 - (1.0 - magnitude) ** (1.0 / months)


#: Random sizes have stated reasons (docs/model.md 7.10): a downturn cuts 3-15% of total spending
#: (the Great Recession about 7% nationally, Jackson, Wigger and Xiong 2021); a mandate brings one or
#: two compliance initiatives; a random pandemic-scale disruption
#: (off by default) costs 0.2-0.5 of a year's learning (Goldhaber, Kane et al. 2022's range); a
#: decline loses 2-10% of enrolment; a shortage fills 20-60% of vacancies underprepared.
KINDS: tuple[ShockKind, ...] = (
    ShockKind(
        "budget_cut", "share of total spending cut", 0.5, "B",
        state="budget_cut", pressure=lambda m, months: m, on_start=_rebudget, on_end=_rebudget,
        rate="environment.budget_cut_rate", random_size=(0.03, 0.12),
        button=Button(0.07, 2.0, "Budget cut", "7% of total spending, for two years (the Great "
                      "Recession's national cut); where it falls is a lever")),
    ShockKind(
        "funding_increase", "share of total spending added (0.0625: $1,000 a pupil at $16,000)", 1.0,
        "F", state="funding_increase", pressure=lambda m, months: m, on_start=_rebudget,
        on_end=_rebudget,
        button=Button(0.0625, 4.0, "New money", "$1,000 more a pupil (about 6%) for four years, "
                      "spread over every line as today's spending is")),
    ShockKind(
        "superintendent_turnover", "share of the strategy the successor abandons", 1.0, "S",
        on_start=_succession,
        button=Button(1.0, 1.0, "New superintendent",
                      "the successor drops the running strategy; an interim year")),
    ShockKind(
        "state_mandate", "number of compliance initiatives added", 10.0, "M",
        on_start=_mandate, rate="environment.state_mandate_rate", random_size=(1.0, 1.0), whole=True,
        button=Button(3.0, 3.0, "State mandate", "three compliance initiatives for three years")),
    ShockKind(
        "pandemic", "share of a year's learning lost by a typical student", 1.0, "P",
        state="pandemic", pressure=lambda m, months: m * MONTHS_PER_YEAR / months,
        on_start=_tire_teachers, rate="environment.pandemic_rate", random_size=(0.2, 0.3),
        button=Button(0.35, 1.5, "Pandemic",
                      "a third of a year's learning lost, twice that in high-poverty schools")),
    ShockKind(
        "enrollment_decline", "share of enrolment lost over the shock", 0.9, "E",
        state="enrollment_loss", pressure=_monthly_loss,
        rate="environment.enrollment_decline_rate", random_size=(0.02, 0.08)),
    ShockKind(
        "teacher_shortage", "share of vacancies filled by underprepared hires; leaving rises by the "
        "same share, as colleagues cover the vacancies", 1.0, "T",
        state="shortage", pressure=lambda m, months: m,
        rate="environment.teacher_shortage_rate", random_size=(0.2, 0.4),
        button=Button(0.3, 1.0, "Teacher shortage", "30% of vacancies filled by underprepared hires, "
                      "for a year")),
)

SHOCKS: dict[str, ShockKind] = {k.kind: k for k in KINDS}
#: The kinds' names, in the order the docs and the page list them.
SHOCK_KINDS: tuple[str, ...] = tuple(SHOCKS)
#: The pressures shocks put on the district (``ShockState``'s fields).
PRESSURES: tuple[str, ...] = tuple(k.state for k in KINDS if k.state is not None)
#: Kinds that strike at random, in the order their draws are taken each September.
RANDOM_KINDS: tuple[ShockKind, ...] = tuple(k for k in KINDS if k.rate is not None)
#: Kinds the page can inject, with their buttons.
BUTTONS: dict[str, Button] = {k.kind: k.button for k in KINDS if k.button is not None}
