"""Principals: the connective tissue between the central office and classrooms.

Principals are Mesa agents: they make the few, consequential decisions of the model
(take an initiative on or buffer it, advocate upward) one at a time, as people do. Their
state lives in :class:`~district_sim.state.schools.Schools`, a structure of arrays, so the
monthly vectorised step can read every school's leadership at once; the agent's attributes
are views on it.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..state.portfolio import Initiative, Portfolio
from ..state.schools import Schools


def advocacy(schools: Schools, portfolio: Portfolio) -> np.ndarray:
    """How strongly each principal presses the central office for the strategy's needs.

    The need is the underfunding of the aligned work the school has taken on (0 if it
    took none on); a stronger instructional leader presses harder. Schools that took on
    the same aligned work share one need, worked out once for them: the summer asks all
    principals, and one call each would cost more than the rest of the summer.
    """
    mine = (portfolio.adoption > 0) & (portfolio.active & portfolio.aligned)
    unmet = 1.0 - portfolio.funding
    need = np.zeros(schools.n)
    patterns, school_pattern = np.unique(mine, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        if pattern.any():
            need[school_pattern.ravel() == k] = np.mean(unmet[pattern])
    return schools.leadership * need


def gatekeeping(schools: Schools, initiative: Initiative, draws: np.ndarray, settings) -> np.ndarray:
    """How far each school takes an initiative on (bridge 1, buffer 0), every principal at once
    (one Python call per school and launch would cost more than the rest of a launch).

    Aligned work is bridged into the school. Unaligned work is buffered with a probability
    that grows with the district's buffering and the principal's leadership (``draws``: one
    uniform a school); a compliance mandate cannot be refused, only halved.
    """
    if initiative.aligned or not settings.mechanisms.buffering:
        return np.ones(schools.n)
    protect = settings.strategy.buffering * (0.5 + schools.leadership)
    buffered = draws < np.minimum(1.0, protect)
    return np.where(buffered, 0.5 if initiative.compliance else 0.0, 1.0)


class Principal(mesa.Agent):
    """The connective tissue between the central office and a school's classrooms."""

    def __init__(self, model: mesa.Model, school: int) -> None:
        super().__init__(model)
        self.school = school

    @property
    def leadership(self) -> float:
        return float(self.model.schools.leadership[self.school])

    @property
    def effective_leadership(self) -> float:
        """The leadership the school gets this year (less while the principal settles in)."""
        return float(self.model.schools.effective_leadership[self.school])

    @property
    def tenure_years(self) -> float:
        return float(self.model.schools.principal_tenure[self.school])

    def gatekeep(self, initiative: Initiative, draw: float) -> float:
        """Decide how far the school takes an initiative on (bridge 1, buffer 0): this
        principal's part of :func:`gatekeeping`."""
        draws = np.ones(self.model.schools.n)
        draws[self.school] = draw
        return float(gatekeeping(self.model.schools, initiative, draws, self.model.settings)[self.school])

    def advocate(self) -> float:
        """How strongly the principal presses the central office for the strategy's needs
        (see :func:`advocacy`, which asks every principal at once)."""
        return float(advocacy(self.model.schools, self.model.portfolio)[self.school])

    def as_dict(self) -> dict:
        s = self.model.schools
        i = self.school
        return {
            "school": i,
            "principal_id": self.unique_id,
            "leadership": self.leadership,
            "effective_leadership": self.effective_leadership,
            "tenure_years": self.tenure_years,
            "focus": float(s.focus[i]),
            "high_poverty": bool(s.high_poverty[i]),
            "rigor": float(s.rigor[i]),
            "climate": float(s.climate[i]),
        }
