"""The central office's portfolio of initiatives, held as arrays of slots.

A district runs at most a few dozen initiatives at once, but every teacher holds an
implementation depth in each of them, so the portfolio is a structure of arrays whose
slot index is the column of the teachers' depth matrix. A retired initiative frees
its slot; the arrays grow when a district launches more than they hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: What part of the instructional core an initiative works on (PELP's three elements).
SERVES = ("none", "practice", "engagement", "content")
NONE, PRACTICE, ENGAGEMENT, CONTENT = range(4)


@dataclass(frozen=True)
class Initiative:
    """One initiative as the central office designs it, before it takes a slot."""

    aligned: bool
    serves: int
    teacher_demand: float
    principal_demand: float
    cost_per_teacher: float
    grant_funded: bool
    compliance: bool
    months: int
    origin: str = "strategy"
    #: Delivered by instructional coaches in classrooms (see ``mechanisms.coaching``).
    coached: bool = False


class Portfolio:
    """Active and retired initiatives; one slot per column of the teachers' depth matrix."""

    def __init__(self, n_schools: int, slots: int = 16) -> None:
        self.n_schools = n_schools
        self._alloc(slots)
        self.launched = 0
        self.completed = 0
        self.abandoned = 0

    def _alloc(self, slots: int) -> None:
        self.active = np.zeros(slots, dtype=bool)
        self.aligned = np.zeros(slots, dtype=bool)
        self.compliance = np.zeros(slots, dtype=bool)
        self.coached = np.zeros(slots, dtype=bool)
        #: Mean practice of the coaches a coached initiative's teachers work with.
        self.coach_level = np.zeros(slots)
        self.grant_funded = np.zeros(slots, dtype=bool)
        self.serves = np.zeros(slots, dtype=np.int8)
        self.teacher_demand = np.zeros(slots)
        self.principal_demand = np.zeros(slots)
        self.cost_per_teacher = np.zeros(slots)
        self.funding = np.ones(slots)
        self.start = np.zeros(slots)
        self.end = np.zeros(slots)
        self.uid = np.zeros(slots, dtype=np.int64)
        self.origin = np.array([""] * slots, dtype=object)
        #: adoption[s, k]: how far school s takes initiative k on (1 bridged, 0 buffered).
        self.adoption = np.zeros((self.n_schools, slots))

    @property
    def slots(self) -> int:
        return self.active.size

    #: What the teachers' monthly step reads of each slot (``columns`` copies only these).
    STEP_FIELDS = ("active", "aligned", "coached", "coach_level", "serves", "teacher_demand",
                   "funding", "adoption")

    def columns(self, cols: np.ndarray) -> Portfolio:
        """A copy holding only slots ``cols`` (in that order) of what the teachers' monthly step
        reads (``STEP_FIELDS``), for its teachers x initiatives matrices: with most slots idle
        (16 are kept, a focused district runs about three) it need not compute on empty
        columns. Read-only: the step writes depth back itself."""
        part = object.__new__(Portfolio)
        part.n_schools = self.n_schools
        for name in self.STEP_FIELDS:
            setattr(part, name, getattr(self, name)[..., cols])
        return part

    def _grow(self) -> int:
        """Double the slot arrays; returns the old size (the first free slot)."""
        old = self.slots
        keep = {name: getattr(self, name) for name in vars(self) if isinstance(
            getattr(self, name), np.ndarray)}
        self._alloc(old * 2)
        for name, arr in keep.items():
            if name == "adoption":
                self.adoption[:, :old] = arr
            else:
                getattr(self, name)[:old] = arr
        return old

    def add(self, init: Initiative, now: float) -> tuple[int, bool]:
        """Put an initiative into a free slot. Returns the slot and whether the arrays grew."""
        free = np.flatnonzero(~self.active)
        grew = free.size == 0
        k = self._grow() if grew else int(free[0])
        self.launched += 1
        self.active[k] = True
        self.aligned[k] = init.aligned
        self.compliance[k] = init.compliance
        self.coached[k] = init.coached
        self.coach_level[k] = 0.0
        self.grant_funded[k] = init.grant_funded
        self.serves[k] = init.serves
        self.teacher_demand[k] = init.teacher_demand
        self.principal_demand[k] = init.principal_demand
        self.cost_per_teacher[k] = init.cost_per_teacher
        self.funding[k] = 1.0
        self.start[k] = now
        self.end[k] = now + init.months
        self.uid[k] = self.launched
        self.origin[k] = init.origin
        self.adoption[:, k] = 0.0
        return k, grew

    def retire(self, k: int, paid_back: bool) -> None:
        """Free slot k; count it as completed or abandoned."""
        self.active[k] = False
        self.adoption[:, k] = 0.0
        if paid_back:
            self.completed += 1
        else:
            self.abandoned += 1

    def due(self, now: float) -> np.ndarray:
        """Slots whose planned life is over.

        The school month that starts at time t is stepped when the clock reads t + 1,
        so an initiative launched at t with a life of m months works in m steps and is
        retired at the first step after t + m.
        """
        return np.flatnonzero(self.active & (self.end < now - 1e-9))

    @property
    def count(self) -> int:
        return int(self.active.sum())

    def describe(self) -> list[dict]:
        """Active initiatives as plain records, for inspection and the browser page."""
        rows = []
        for k in np.flatnonzero(self.active):
            rows.append({
                "id": int(self.uid[k]),
                "slot": int(k),
                "origin": self.origin[k],
                "aligned": bool(self.aligned[k]),
                "serves": SERVES[self.serves[k]],
                "compliance": bool(self.compliance[k]),
                "coached": bool(self.coached[k]),
                "grant_funded": bool(self.grant_funded[k]),
                "teacher_demand": float(self.teacher_demand[k]),
                "funding": float(self.funding[k]),
                "adoption": float(self.adoption[:, k].mean()),
                "start_month": float(self.start[k]),
                "end_month": float(self.end[k]),
            })
        return rows
