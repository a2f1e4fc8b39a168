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
        self.school = school.astype(np.int32)
        self.high_need = high_need.astype(bool)
        self.grade = grade.astype(np.int8)
        self.achievement = np.zeros(school.size)
        self.engagement = np.zeros(school.size)
        self.teacher = np.zeros(school.size, dtype=np.int32)
        self.enrolled = np.ones(school.size, dtype=bool)
        #: Last month's change in z, annualised (for the learning-gain statistic).
        self.growth = np.zeros(school.size)

    @property
    def n(self) -> int:
        return self.school.size

    def view(self, i: int) -> StudentView:
        return StudentView(self, int(i))


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
