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
from . import persistence


def yearly_growth(
    students: Students,
    schools: Schools,
    effect: np.ndarray,
    settings: Settings,
    pandemic: float,
    teacher_school: np.ndarray,
) -> np.ndarray:
    """Annualised z growth of every seat this month (before enrolment is applied).

    Classroom and school terms are combined per teacher and need first, so each student needs
    one gather (a student's school is their teacher's school)."""
    stu = settings.students
    per_teacher = effect + school_growth(schools, settings)[teacher_school]
    by_need = np.array([1.0, stu.class_size_need_ratio])
    per_seat = per_teacher[:, None] + class_size_growth(schools, settings)[teacher_school, None] * by_need
    growth = per_seat.take(students.roster.teacher_need)
    engaged = np.subtract(students.engagement, stu.engagement_mean)
    engaged *= stu.engagement_effect
    growth += engaged
    if pandemic > 0:
        # A magnitude is the share of a year's growth that spring tests show lost, so the
        # loss as it happens is larger by what fades within the year.
        env = settings.environment
        rate = pandemic / persistence.kept_at_year_end(stu)
        growth -= pandemic_loss(students, schools, rate, env.pandemic_poverty_ratio, env.pandemic_loss_cap)
    return growth


def school_growth(schools: Schools, settings: Settings) -> np.ndarray:
    """What the school adds to every student's yearly growth: rigorous content, and its
    principal (value-added per SD of effective leadership, against the district pool's mean,
    so a principal settling in costs growth until settled)."""
    lead = settings.leadership
    # Per SD of the pool; a pool with (almost) no spread is read at a twentieth of the scale.
    per_sd = lead.principal_value_added / max(lead.principal_leadership_sd, 0.05)
    leadership = per_sd * (schools.effective_leadership - lead.principal_leadership_mean)
    return settings.students.rigor_effect * (schools.rigor - 0.5) + leadership


def class_size_growth(schools: Schools, settings: Settings) -> np.ndarray:
    """What a school's class size adds to the yearly growth of a student who is not high-need:
    ``students.class_size_effect`` a student fewer than ``district.class_size`` (a high-need
    student gets ``class_size_need_ratio`` times it; the constant left by the built classes'
    rounding is absorbed when students settle)."""
    smaller = settings.district.class_size - schools.class_size
    return settings.students.class_size_effect * smaller


def pandemic_loss(students: Students, schools: Schools, rate: float, poverty_ratio: float,
                  cap: float) -> np.ndarray:
    """Yearly loss in SD: ``rate`` years' worth of the grade's norm growth (at most ``cap`` SD of
    it), ``poverty_ratio`` times as much in high-poverty schools (Goldhaber, Kane et al. 2022:
    about twice)."""
    grade_gain = np.minimum(NORM_GAIN[np.minimum(students.grade, NORM_GAIN.size - 1)], cap)
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
    """One school month of learning for every enrolled student.

    The month's gain goes a share ``durable`` to the lasting part of achievement and the rest
    to the fading part, which keeps ``retention`` of itself a month (``persistence``)."""
    growth = yearly_growth(students, schools, effect, settings, pandemic, teacher_school)
    students.growth = growth
    gain = MONTH * growth
    durable, retention = persistence.rates(settings.students)
    # achievement = lasting + fading: it gains the month's gain less what the fading part loses;
    # the fading part keeps ``retention`` of itself and takes the rest of the gain. Built in
    # two arrays, since each temporary is another N values (same arithmetic as written out).
    change = np.multiply(students.fading, 1.0 - retention)
    np.subtract(gain, change, out=change)
    gain *= 1.0 - durable
    if students.roster.all_enrolled:
        students.achievement += change
        students.fading *= retention
        students.fading += gain
    else:  # empty seats do not learn (or forget)
        np.add(students.achievement, change, out=students.achievement, where=students.enrolled)
        kept = np.multiply(students.fading, retention)
        kept += gain
        np.copyto(students.fading, kept, where=students.enrolled)
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
) -> tuple[np.ndarray, np.ndarray]:
    """Achievement and its fading part for students entering (or present at the start): the
    district's level, its gap, and the grade profile of the status quo's drift (its lasting
    part each year, and the fading part it has built), so a district that changes nothing
    stays where it is (see ``baseline``)."""
    level = np.where(high_need, baseline["high_need_level"], baseline["other_level"])
    drift = np.where(high_need, baseline["high_need_drift"], baseline["other_drift"])
    fading, centring = _settled(drift, grade, baseline)
    lasting = baseline["durable"] * drift * (grade - GRADE_MID)
    return level + lasting + fading - centring + baseline["intake_sd"] * rng.standard_normal(n), fading


def _settled(drift: np.ndarray, grade: np.ndarray, baseline: dict) -> tuple[np.ndarray, np.ndarray]:
    """The status quo's fading part at ``grade``, and its mean over the grades (to centre on)."""
    d, r = baseline["durable"], baseline["retention"]
    fading = persistence.settled_fading(drift, grade, d, r)
    every_grade = persistence.settled_fading(1.0, np.arange(NORM_GAIN.size), d, r).mean()
    return fading, drift * every_grade


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
    students.achievement[idx], students.fading[idx] = intake(n, students.high_need[idx], students.grade[idx],
                                                            baseline, rng)
    entering = baseline["engagement"] - baseline["engagement_gap"] * students.high_need[idx]
    students.engagement[idx] = np.clip(entering, 0.0, 1.0)
