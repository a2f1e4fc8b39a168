"""Teachers as a structure of arrays, with a per-teacher view for inspection.

A district of 100,000 students has about 4,500 teachers; stepping them one Python call
each would dominate the run time, so every teacher attribute is one numpy array and
every mechanism acts on whole arrays. :class:`TeacherView` reads one row of those
arrays, so the browser page and a curious researcher can still look at "a teacher".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Teachers:
    """All teachers of the district. Row i is teacher i; ``school[i]`` is where they teach."""

    def __init__(self, school: np.ndarray, slots: int) -> None:
        n = school.size
        self.school = school.astype(np.int32)
        self.practice = np.zeros(n)
        self.experience = np.zeros(n)
        #: SD of classroom effect gained through experience so far (0 for a new hire; about
        #: ``novice_gap`` after a decade in a typical school, more in a strong one).
        self.experience_gain = np.zeros(n)
        self.fatigue = np.zeros(n)
        self.cynicism = np.zeros(n)
        self.underprepared = np.zeros(n, dtype=bool)
        #: Whose post changed hands in the last summer (the leaver's row now holds the successor).
        self.left = np.zeros(n, dtype=bool)
        #: depth[i, k]: implementation depth of teacher i in portfolio slot k (0-1).
        self.depth = np.zeros((n, slots))
        #: last month's share of initiative demand each teacher could meet (0-1).
        self.attention_met = np.ones(n)
        #: last month's initiative demand over capacity.
        self.load = np.zeros(n)
        #: last month's change in classroom effect from initiatives still being learned.
        self.dip = np.zeros(n)

    @property
    def n(self) -> int:
        return self.school.size

    def restaff(self, keep: np.ndarray, hires: np.ndarray) -> np.ndarray:
        """Keep the rows ``keep`` selects and add a fresh post in school ``hires[j]`` for each j,
        rows still sorted by school (a school's new posts after its kept ones).

        Posts are rows, so a layoff removes a row and a hire adds one: every per-teacher array
        is re-cut at once. New rows start at zero (a novice's experience, no depth); the caller
        draws their practice. Returns the new rows' indices."""
        school = np.concatenate([self.school[keep], hires.astype(np.int32)])
        order = np.argsort(school, kind="stable")
        fresh = np.zeros(school.size, dtype=bool)
        fresh[keep.sum():] = True
        for name, values in list(vars(self).items()):
            if isinstance(values, np.ndarray) and values.shape[:1] == keep.shape:
                grown = np.concatenate([values[keep], np.zeros((hires.size, *values.shape[1:]),
                                                               dtype=values.dtype)])
                setattr(self, name, grown[order])
        self.school = school[order]
        self.attention_met[fresh[order]] = 1.0
        return np.flatnonzero(fresh[order])

    def grow_slots(self, slots: int) -> None:
        """Widen the depth matrix when the portfolio grows."""
        extra = slots - self.depth.shape[1]
        if extra > 0:
            self.depth = np.pad(self.depth, ((0, 0), (0, extra)))

    def experience_effect(self, novice_gap: float) -> np.ndarray:
        """Returns to experience: a novice starts ``novice_gap`` below and gains it back with
        experience, at a rate the professional environment sets (``age_teachers``)."""
        return self.experience_gain - novice_gap

    def view(self, i: int) -> TeacherView:
        return TeacherView(self, int(i))


@dataclass(frozen=True)
class TeacherView:
    """One teacher, read from the arrays (changes to the district show through)."""

    teachers: Teachers
    index: int

    def _value(self, name: str):
        return getattr(self.teachers, name)[self.index]

    school = property(lambda self: int(self._value("school")), doc="Where the teacher teaches.")
    practice = property(lambda self: float(self._value("practice")), doc="Instructional practice.")
    experience = property(lambda self: float(self._value("experience")), doc="Years of experience.")
    fatigue = property(lambda self: float(self._value("fatigue")), doc="Fatigue, 0-1.")
    cynicism = property(lambda self: float(self._value("cynicism")), doc="Cynicism, 0-1.")

    @property
    def depth(self) -> np.ndarray:
        return self.teachers.depth[self.index].copy()

    def as_dict(self) -> dict:
        return {
            "teacher": self.index,
            "school": self.school,
            "practice": self.practice,
            "experience": self.experience,
            "fatigue": self.fatigue,
            "cynicism": self.cynicism,
            "attention_met": float(self.teachers.attention_met[self.index]),
        }
