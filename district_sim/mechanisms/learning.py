"""Students' learning: monthly growth from the instructional core, and cohorts each summer.

Growth is in z units against the national norm for the grade: the teacher's
value-added, the student's engagement and the content's rigour, each measured from
its national norm, and any pandemic loss. Whatever the core does not change leaves a
student where they stand relative to the nation.
"""

from __future__ import annotations

import numpy as np

from ..calendar import MONTH
from ..settings import Settings
from ..state.schools import Schools
from ..state.students import NORM_GAIN, Students


def yearly_growth(
    students: Students,
    schools: Schools,
    effect: np.ndarray,
    settings: Settings,
    pandemic: float,
    teacher_school: np.ndarray,
) -> np.ndarray:
    """Annualised z growth of every seat this month (before enrolment is applied).

    Classroom and school terms are combined per teacher first, so each student needs
    one gather (a student's school is their teacher's school)."""
    stu = settings.students
    per_teacher = effect + stu.rigor_effect * (schools.rigor[teacher_school] - 0.5)
    growth = per_teacher.take(students.teacher)
    growth += stu.engagement_effect * (students.engagement - stu.engagement_mean)
    if pandemic > 0:
        growth -= pandemic_loss(students, schools, pandemic, settings.environment.pandemic_poverty_ratio)
    return growth


def pandemic_loss(students: Students, schools: Schools, rate: float, poverty_ratio: float) -> np.ndarray:
    """Yearly loss in SD: ``rate`` years' worth of the grade's norm growth, ``poverty_ratio``
    times as much in high-poverty schools (Goldhaber, Kane et al. 2022: about twice)."""
    grade_gain = NORM_GAIN[np.minimum(students.grade, NORM_GAIN.size - 1)]
    return rate * grade_gain * np.where(schools.high_poverty, poverty_ratio, 1.0)[students.school]


def engagement_target(
    students: Students, schools: Schools, effect: np.ndarray, settings: Settings, pandemic: float,
    teacher_school: np.ndarray,
) -> np.ndarray:
    """Where a student's engagement heads: lower for high-need students, raised by a
    strong teacher and a school climate that supports engagement, cut by a pandemic."""
    stu = settings.students
    ratio = settings.environment.pandemic_poverty_ratio
    school_term = (stu.climate_engagement * (schools.climate - 0.5)
                   - stu.pandemic_engagement * pandemic * np.where(schools.high_poverty, ratio, 1.0))
    per_teacher = effect + school_term[teacher_school]
    by_need = stu.engagement_mean - stu.high_need_engagement_gap * np.array([False, True])
    target = (per_teacher[:, None] + by_need).take(students.roster.teacher_need)
    return np.clip(target, 0.0, 1.0, out=target)


def step_students(
    students: Students, schools: Schools, effect: np.ndarray, settings: Settings, pandemic: float,
    teacher_school: np.ndarray,
) -> None:
    """One school month of learning for every enrolled student."""
    growth = yearly_growth(students, schools, effect, settings, pandemic, teacher_school)
    students.growth = growth
    gain = MONTH * growth
    if students.roster.all_enrolled:
        students.achievement += gain
    else:  # empty seats do not learn
        np.add(students.achievement, gain, out=students.achievement, where=students.enrolled)
    # Engagement moves part of the way to its target; the step is built in the target's
    # array, since each temporary is another 100,000 values.
    step = engagement_target(students, schools, effect, settings, pandemic, teacher_school)
    step -= students.engagement
    step *= settings.students.engagement_adjust
    students.engagement += step


def assign_teachers(students: Students, teacher_school: np.ndarray, rng: np.random.Generator) -> None:
    """Give each seat a teacher of its own school, drawn afresh each year."""
    first = np.searchsorted(teacher_school, np.arange(teacher_school.max() + 1))
    count = np.bincount(teacher_school)
    s = students.school
    students.teacher = first[s] + (rng.random(s.size) * count[s]).astype(np.intp)
    students.roster_changed()


def intake(
    n: int, high_need: np.ndarray, grade: np.ndarray, baseline: dict, rng: np.random.Generator
) -> np.ndarray:
    """Achievement of students entering (or present at the start): the district's level,
    its gap, and a grade slope that makes the status quo stationary (see ``baseline``)."""
    level = np.where(high_need, baseline["high_need_level"], baseline["other_level"])
    slope = np.where(high_need, baseline["high_need_drift"], baseline["other_drift"])
    centre = (GRADE_MID - grade)
    return level - slope * centre + baseline["intake_sd"] * rng.standard_normal(n)


GRADE_MID = (NORM_GAIN.size - 1) / 2.0


def summer_cohorts(
    students: Students,
    schools: Schools,
    baseline: dict,
    rng: np.random.Generator,
) -> None:
    """Everyone moves up a grade; graduates' seats go to a new kindergarten cohort.

    After an enrolment decline, a freed seat is filled only with the probability that
    seats are filled now, so the district stays smaller.
    """
    students.grade += 1
    students.roster_changed()
    leaving = students.grade >= NORM_GAIN.size
    n = int(leaving.sum())
    u = rng.random((3, students.n))  # fixed consumption: one draw of each kind a seat
    if n == 0:
        return
    fill = students.enrolled.mean()
    idx = np.flatnonzero(leaving)
    students.grade[idx] = 0
    students.enrolled[idx] = u[0, idx] < fill
    students.high_need[idx] = u[1, idx] < schools.poverty[students.school[idx]]
    students.achievement[idx] = intake(n, students.high_need[idx], students.grade[idx], baseline, rng)
    entering = baseline["engagement"] - baseline["engagement_gap"] * students.high_need[idx]
    students.engagement[idx] = np.clip(entering, 0.0, 1.0)
