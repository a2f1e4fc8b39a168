"""The spring state test: what the district sees of its students' achievement.

Districts do not see true achievement. Each spring (school month 8) students in grades 3-8
sit the state test (federal law requires annual tests in those grades); a score is true
achievement plus measurement error whose size makes the test's reliability (true-score over
observed variance, within a grade) what state technical reports give. Whatever reacts to
results (the summer's culture and stakeholder update, principals' succession) reads the
latest scores. A baseline test is taken when the district is built, so a score exists from
the first month.
"""

from __future__ import annotations

import numpy as np

from ..state.students import Students

#: The school month of the spring test (April of a September-June year).
TEST_MONTH = 8
#: Tested grades, 0 being kindergarten: grades 3 to 8.
FIRST_TESTED, LAST_TESTED = 3, 8


def spring_test(students: Students, reliability: float, rng: np.random.Generator) -> None:
    """Score every enrolled student in a tested grade; the rest keep no score this year.

    One normal draw a seat, whoever sits the test, so the stream stays in step across
    scenarios sharing a seed."""
    noise = rng.standard_normal(students.n)
    grade = students.grade
    sits = students.enrolled & (grade >= FIRST_TESTED) & (grade <= LAST_TESTED)
    # Only those who sit: ``bincount`` adds in index order, so leaving out the others (who
    # would add exact zeros) gives the same sums, over a third of the seats.
    idx = np.flatnonzero(sits)
    g = grade[idx].astype(np.intp)
    true = students.achievement[idx]
    count = np.bincount(g, minlength=LAST_TESTED + 1).astype(float)
    total = np.bincount(g, weights=true, minlength=LAST_TESTED + 1)
    square = np.bincount(g, weights=true * true, minlength=LAST_TESTED + 1)
    mean = total / np.maximum(count, 1)
    variance = np.maximum(square / np.maximum(count, 1) - mean * mean, 0.0)
    error_sd = np.sqrt(variance * (1.0 - reliability) / reliability)
    score = np.zeros(students.n)
    score[idx] = true + error_sd[g] * noise[idx]
    students.test_score = score
    students.tested = sits
    n = int(sits.sum())
    # Kept, since every month's record and every summer read it and only a test changes it.
    students.tested_average = float(students.test_score[sits].sum() / n) if n else 0.0


def tested_mean(students: Students) -> float:
    """Mean of the latest spring test over those who sat it (0 if nobody did)."""
    return students.tested_average
