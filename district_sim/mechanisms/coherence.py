"""PELP's organisational elements as district state, and the coherence index.

Each element is a number in [0, 1]. Three are read off the agents each month
(culture from teachers' cynicism, structures from principals' focus, resources from
where the money goes); two change slowly each summer (systems are rebuilt around the
work that actually runs; stakeholders' support follows visible results and cuts).
The coherence index summarises how far they, and the work teachers are asked to do,
line up behind the theory of action. It is an observation: it drives nothing by
itself; the elements act through their own mechanisms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import Elements as ElementRates
from ..state.portfolio import Portfolio
from ..state.schools import Schools
from ..state.teachers import Teachers

ELEMENTS = ("culture", "structures", "systems", "resources", "stakeholders")


@dataclass
class Elements:
    culture: float = 1.0
    structures: float = 1.0
    systems: float = 0.5
    resources: float = 0.5
    stakeholders: float = 0.5
    #: Attention-weighted alignment of the work teachers actually carry, their regular
    #: teaching included (1 if no initiative runs).
    portfolio_alignment: float = 1.0
    #: Share of initiative demand teachers can meet (1 = no overload).
    load_fit: float = 1.0
    coherence: float = 0.5

    def observe(
        self, teachers: Teachers, schools: Schools, portfolio: Portfolio,
        budget_aligned: float, budget_unaligned: float, core_demand: float = 0.0,
    ) -> None:
        """Read the month's elements off the agents and recompute the index.

        ``core_demand`` is the attention teachers give their regular teaching, in units of
        initiative demand. It counts as aligned work (every theory of action here is about
        the instructional core), so a lone state mandate dilutes a school's alignment
        instead of turning it from 1 to 0 overnight.
        """
        self.culture = 1.0 - float(teachers.cynicism.sum()) / teachers.n
        self.structures = float(schools.focus.sum()) / schools.n
        spent = budget_aligned + budget_unaligned
        self.resources = float(budget_aligned / spent) if spent > 0 else 1.0
        carried = (portfolio.adoption * portfolio.active * portfolio.teacher_demand).sum(axis=0)
        core = core_demand * portfolio.adoption.shape[0]
        total = carried.sum() + core
        aligned = carried[portfolio.aligned].sum() + core
        self.portfolio_alignment = min(1.0, float(aligned / total)) if total > 0 else 1.0
        self.load_fit = float(teachers.attention_met.sum()) / teachers.n
        self.coherence = coherence_index(self)

    def summer(self, achievement_change: float, budget_cut: float, rates: ElementRates) -> None:
        """Slow elements: systems follow the work that runs; support follows results."""
        self.systems += rates.systems_adjustment * (self.portfolio_alignment - self.systems)
        target = 0.5 + rates.stakeholder_results * achievement_change - rates.stakeholder_cuts * budget_cut
        self.stakeholders += rates.stakeholder_adjustment * (target - self.stakeholders)
        self.systems = float(np.clip(self.systems, 0.0, 1.0))
        self.stakeholders = float(np.clip(self.stakeholders, 0.0, 1.0))


def coherence_index(e: Elements) -> float:
    """Geometric mean of the five elements, the portfolio's alignment and its fit.

    A geometric mean, because PELP's claim is that a strategy works only when all the
    elements line up: one element near zero pulls the index toward zero, which an
    arithmetic mean would hide.
    """
    parts = np.array([e.culture, e.structures, e.systems, e.resources, e.stakeholders,
                      e.portfolio_alignment, e.load_fit])
    parts = np.clip(np.nan_to_num(parts, nan=0.0), 1e-6, 1.0)
    return float(np.exp(np.log(parts).mean()))
