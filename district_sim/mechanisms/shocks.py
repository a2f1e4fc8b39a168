"""Shocks from the environment: scheduled in a scenario, drawn at random, or injected.

A shock is a Mesa event: it starts at a time, adds its pressure to the district's
environment (``ShockState``) or acts on the district, and schedules its own end. What each
kind does is its record in :mod:`district_sim.shocks`; this module runs them. Random shocks
are drawn from the ``environment`` stream with a fixed number of draws a year, so two
scenarios run with one seed face the same shocks (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..calendar import MONTHS_PER_YEAR
from ..settings import Settings, Shock
from ..shocks import PRESSURES, RANDOM_KINDS, SHOCKS


@dataclass
class ShockState:
    """The environment's current pressure on the district, summed over active shocks: one
    number a pressure of :data:`district_sim.shocks.PRESSURES` (``budget_cut``, ``funding_increase``,
    ``pandemic``, ``shortage``, ``enrollment_loss``: the monthly probability an enrolled seat
    empties)."""

    pressure: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PRESSURES, 0.0))
    log: list[dict] = field(default_factory=list)

    def __getattr__(self, name: str) -> float:
        pressure = self.__dict__.get("pressure", {})
        if name in pressure:
            return pressure[name]
        raise AttributeError(name)

    @property
    def cut(self) -> float:
        """Share of total spending cut, summed over running cuts (at most all of it)."""
        return min(1.0, self.pressure["budget_cut"])

    @property
    def increase(self) -> float:
        """Share of total spending added, summed over running increases."""
        return self.pressure["funding_increase"]


class ShockEvent:
    """One shock's start and end, as callables the model's event list can hold."""

    def __init__(self, model, shock: Shock, source: str) -> None:
        self.model = model
        self.shock = shock
        self.source = source
        self.kind = SHOCKS[shock.kind]
        self.months = max(1.0, shock.duration_years * MONTHS_PER_YEAR)

    def start(self) -> None:
        model, s, kind = self.model, self.shock, self.kind
        state: ShockState = model.shock_state
        state.log.append({"kind": s.kind, "time": float(model.time), "year": model.year,
                          "month": model.month, "magnitude": s.magnitude,
                          "duration_years": s.duration_years, "source": self.source})
        if kind.pressure is not None:
            state.pressure[kind.state] += kind.pressure(s.magnitude, self.months)
        if kind.on_start is not None:
            kind.on_start(model, s, self.months)
        if kind.pressure is not None:
            model.schedule_event(self.end, at=model.time + self.months)

    def end(self) -> None:
        model, s, kind = self.model, self.shock, self.kind
        pressure = model.shock_state.pressure
        left = pressure[kind.state] - kind.pressure(s.magnitude, self.months)
        # Overlapping shocks of a kind leave rounding residue (1e-17) when the last ends: snap it.
        pressure[kind.state] = left if left > 1e-12 else 0.0
        if kind.on_end is not None:
            kind.on_end(model, s, self.months)


def draw_random_shocks(rng: np.random.Generator, settings: Settings, year: int) -> list[Shock]:
    """This year's random shocks. Always draws the same count of numbers, whatever the
    rates, so scenarios sharing a seed see the same draws."""
    u = rng.random((3, len(RANDOM_KINDS)))
    shocks = []
    for i, kind in enumerate(RANDOM_KINDS):
        section, name = kind.rate.split(".")
        if u[0, i] < getattr(getattr(settings, section), name):
            low, span = kind.random_size
            magnitude = low + span * u[1, i]
            shocks.append(Shock(kind=kind.kind, year=year, magnitude=round(magnitude) if kind.whole
                                else magnitude, duration_years=1.0 + float(u[2, i] < 0.5)))
    return shocks
