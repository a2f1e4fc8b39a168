"""Students as a structure of arrays (one row a seat), with a per-student view.

Achievement is a z-score against the national norm for the student's grade, so a
student taught by the national average teacher, with typical engagement and content,
stays where they are; the absolute yearly gain is the norm's gain for the grade
(Bloom, Hill, Black and Lipsey 2008) plus the change in z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Mean yearly gain in SD by grade transition K-1 ... 11-12, reading (Bloom et al. 2008,
#: Table 1): about 1.0 in the early grades, 0.2-0.4 in the middle grades.
NORM_GAIN = np.array(
    [1.52, 0.97, 0.60, 0.36, 0.40, 0.32, 0.23, 0.26, 0.24, 0.19, 0.19, 0.06, 0.06]
)
GRADES = NORM_GAIN.size  # K..12


class Students:
    """All enrolled seats. ``enrolled`` is False for seats emptied by enrolment decline."""

    def __init__(self, school: np.ndarray, high_need: np.ndarray, grade: np.ndarray) -> None:
        self.school = school.astype(np.intp)
        self.high_need = high_need.astype(bool)
        self.grade = grade.astype(np.int8)
        self.achievement = np.zeros(school.size)
        #: The part of achievement that is still fading (``mechanisms.persistence``).
        self.fading = np.zeros(school.size)
        self.engagement = np.zeros(school.size)
        #: Indices have the native width: gathering per-teacher or per-school values for
        #: 100,000 seats with int32 indices would first convert them, every month.
        self.teacher = np.zeros(school.size, dtype=np.intp)
        self.enrolled = np.ones(school.size, dtype=bool)
        #: Last month's change in z, annualised (for the learning-gain statistic).
        self.growth = np.zeros(school.size)
        #: The latest spring test: each seat's score and whether it sat the test.
        self.test_score = np.zeros(school.size)
        self.tested = np.zeros(school.size, dtype=bool)
        #: Mean of the latest spring test over those who sat it (``testing.spring_test``).
        self.tested_average = 0.0
        self._roster: Roster | None = None

    @property
    def n(self) -> int:
        return self.school.size

    def roster_changed(self) -> None:
        """Say that enrolment, need, grades or teachers changed (summer cohorts, enrolment
        loss, the yearly assignment), so the roster the monthly step reuses is rebuilt.
        Every write to ``enrolled``, ``high_need``, ``grade`` or ``teacher`` must be followed
        by it."""
        self._roster = None

    @property
    def roster(self) -> Roster:
        """Who counts in which group this month; it changes at most once a month, mostly once
        a year, so it is derived once rather than on every statistic."""
        if self._roster is None:
            self._roster = Roster(self)
        return self._roster

    def view(self, i: int) -> StudentView:
        return StudentView(self, int(i))


class Roster:
    """Group weights of the enrolled seats, each seat's national norm gain, and each seat's
    (teacher, need) pair.

    The weights are 0/1 floats, so a group mean is a dot product: a boolean mask per
    statistic would copy 100,000 values each time. If no seat is enrolled every seat
    counts, so that statistics stay defined.
    """

    def __init__(self, students: Students) -> None:
        counted = students.enrolled if students.enrolled.any() else np.ones(students.n, dtype=bool)
        high_need = counted & students.high_need
        other = counted & ~students.high_need
        self.high_need = high_need.astype(float)
        self.other = other.astype(float)
        self.n_high_need = float(np.count_nonzero(high_need))
        self.n_other = float(np.count_nonzero(other))
        self.enrolled = int(np.count_nonzero(students.enrolled))
        self.all_enrolled = self.enrolled == students.n
        self.norm_gain = NORM_GAIN[np.minimum(students.grade, GRADES - 1)]
        #: Row of a (teacher, high-need) table: 2 * teacher + need. A per-teacher term that
        #: differs by need is then one gather, not a gather plus a term per seat.
        self.teacher_need = 2 * students.teacher + students.high_need


@dataclass(frozen=True)
class StudentView:
    """One student, read from the arrays."""

    students: Students
    index: int

    def as_dict(self) -> dict:
        s, i = self.students, self.index
        return {
            "student": i,
            "school": int(s.school[i]),
            "teacher": int(s.teacher[i]),
            "grade": int(s.grade[i]),
            "high_need": bool(s.high_need[i]),
            "achievement": float(s.achievement[i]),
            "engagement": float(s.engagement[i]),
            "enrolled": bool(s.enrolled[i]),
        }
