"""Schools as a structure of arrays: each school's principal and core conditions.

One row a school, so the monthly vectorised step reads every school's leadership at once;
a :class:`~district_sim.agents.principals.Principal` agent's attributes are views on a row.
"""

from __future__ import annotations

import numpy as np


class Schools:
    """One row a school: its principal's state and the school's core conditions."""

    def __init__(self, poverty: np.ndarray) -> None:
        n = poverty.size
        self.poverty = poverty
        #: High-poverty school: over 75% high-need students (the NCES definition).
        self.high_poverty = poverty > 0.75
        #: The principal's instructional leadership once settled in the school (0-1).
        self.leadership = np.full(n, 0.5)
        self.principal_tenure = np.zeros(n)
        #: Share of that leadership a principal still new to the school exercises (1 = settled;
        #: ``mechanisms.turnover.settling`` sets it from the years in post).
        self.settled = np.ones(n)
        #: Principal's oversight capacity over initiative load (0-1; 1 = not stretched).
        self.focus = np.ones(n)
        #: Academically challenging content, 0-1 (0.5 = national norm).
        self.rigor = np.full(n, 0.5)
        #: Whole-school supports for student engagement, 0-1 (0.5 = norm).
        self.climate = np.full(n, 0.5)
        #: Teachers' sense of leadership support, 0-1 (drives retention).
        self.support = np.full(n, 0.75)
        #: The central office's decision for the coming summer's principals: 1 moves the
        #: school's principal on, -1 keeps them, 0 leaves it to the principal (spent each summer).
        self.district_decision = np.zeros(n, dtype=np.int8)
        #: A new principal took over in the last summer.
        self.principal_changed = np.zeros(n, dtype=bool)
        #: Enrolled students per teacher post (``mechanisms.budget.class_sizes`` keeps it).
        self.class_size = np.zeros(n)
        #: Teachers' pay relative to the salary schedule as built (1 = as built).
        self.pay = np.ones(n)
        #: School support staff the budget pays for, relative to the district as built.
        self.support_staffing = np.ones(n)

    @property
    def n(self) -> int:
        return self.poverty.size

    @property
    def effective_leadership(self) -> np.ndarray:
        """The leadership teachers get this year: a new principal's is not all there yet."""
        return self.leadership * self.settled
