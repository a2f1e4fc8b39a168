"""Shocks from the environment: scheduled in a scenario, drawn at random, or injected.

A shock is a Mesa event: it starts at a time, changes the district's environment
(``ShockState``) or acts on the central office, and schedules its own end. Random
shocks are drawn from the ``environment`` stream with a fixed number of draws a year,
so two scenarios run with one seed face the same shocks (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..calendar import MONTHS_PER_YEAR as MONTHS
from ..settings import SHOCK_KINDS, Shock


@dataclass
class ShockState:
    """The environment's current pressure on the district, summed over active shocks."""

    budget_cut: float = 0.0
    pandemic: float = 0.0
    shortage: float = 0.0
    enrollment_loss: float = 0.0  # monthly probability an enrolled seat empties
    log: list[dict] = field(default_factory=list)

    @property
    def cut(self) -> float:
        return min(1.0, self.budget_cut)


class ShockEvent:
    """One shock's start and end, as callables the model's event list can hold."""

    def __init__(self, model, shock: Shock, source: str) -> None:
        self.model = model
        self.shock = shock
        self.source = source
        self.months = max(1.0, shock.duration_years * MONTHS)

    def start(self) -> None:
        model, s = self.model, self.shock
        state: ShockState = model.shock_state
        state.log.append({"kind": s.kind, "time": float(model.time), "year": model.year,
                          "month": model.month, "magnitude": s.magnitude,
                          "duration_years": s.duration_years, "source": self.source})
        office = model.central_office
        if s.kind == "budget_cut":
            state.budget_cut += s.magnitude
            office.set_budget(state.cut)
            office.fund()
        elif s.kind == "pandemic":
            state.pandemic += s.magnitude * MONTHS / self.months
            rise = model.settings.environment.pandemic_fatigue * s.magnitude
            model.teachers.fatigue += rise * (1.0 - model.teachers.fatigue)
        elif s.kind == "teacher_shortage":
            state.shortage += s.magnitude
        elif s.kind == "enrollment_decline":
            state.enrollment_loss += 1.0 - (1.0 - s.magnitude) ** (1.0 / self.months)
        elif s.kind == "state_mandate":
            self._mandate()
        elif s.kind == "superintendent_turnover":
            office.succession(s.magnitude, vacancy_years=s.duration_years)
        if s.kind in ("budget_cut", "pandemic", "teacher_shortage", "enrollment_decline"):
            model.schedule_event(self.end, at=model.time + self.months)

    def _mandate(self) -> None:
        from .initiatives import design_initiative

        model = self.model
        for _ in range(int(round(self.shock.magnitude))):
            init = design_initiative(model.streams["initiatives"], model.settings, aligned=False,
                                     compliance=True, months=int(self.months), origin="mandate")
            model.central_office.launch(init)

    def end(self) -> None:
        state: ShockState = self.model.shock_state
        s = self.shock
        if s.kind == "budget_cut":
            state.budget_cut = max(0.0, state.budget_cut - s.magnitude)
            self.model.central_office.set_budget(state.cut)
            self.model.central_office.fund()
        elif s.kind == "pandemic":
            state.pandemic = max(0.0, state.pandemic - s.magnitude * MONTHS / self.months)
        elif s.kind == "teacher_shortage":
            state.shortage = max(0.0, state.shortage - s.magnitude)
        elif s.kind == "enrollment_decline":
            loss = 1.0 - (1.0 - s.magnitude) ** (1.0 / self.months)
            state.enrollment_loss = max(0.0, state.enrollment_loss - loss)


#: How a random shock of each kind is sized: magnitude = low + span * u, years = 1 or 2.
#: Stated reasons (docs/model.md 7.10): a downturn cuts 5-20% of discretionary money; a
#: mandate brings one or two compliance initiatives; a random pandemic-scale disruption (off by
#: default) costs 0.2-0.5 of a year's learning (Goldhaber, Kane et al. 2022's range); a
#: decline loses 2-10% of enrolment; a shortage fills 20-60% of vacancies underprepared.
RANDOM_SIZES = {
    "budget_cut": (0.05, 0.15),
    "state_mandate": (1.0, 1.0),
    "pandemic": (0.2, 0.3),
    "enrollment_decline": (0.02, 0.08),
    "teacher_shortage": (0.2, 0.4),
}


def draw_random_shocks(rng: np.random.Generator, environment, year: int) -> list[Shock]:
    """This year's random shocks. Always draws the same count of numbers, whatever the
    rates, so scenarios sharing a seed see the same draws."""
    kinds = list(RANDOM_SIZES)
    u = rng.random((3, len(kinds)))
    shocks = []
    for i, kind in enumerate(kinds):
        rate = getattr(environment, f"{kind}_rate")
        if u[0, i] < rate:
            low, span = RANDOM_SIZES[kind]
            magnitude = round(low + span * u[1, i]) if kind == "state_mandate" else low + span * u[1, i]
            shocks.append(Shock(kind=kind, year=year, magnitude=magnitude,
                                duration_years=1.0 + float(u[2, i] < 0.5)))
    return shocks


assert set(RANDOM_SIZES) | {"superintendent_turnover"} == set(SHOCK_KINDS)
