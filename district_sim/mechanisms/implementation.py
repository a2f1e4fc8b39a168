"""A school month of initiative work: attention, implementation depth, learning, fatigue.

The chain the model exists to show runs here. Each teacher has a limited attention
budget; the initiatives their school took on ask for more or less of it; the share they
can give sets how fast implementation deepens; only past a depth threshold does an
initiative change practice, and until then it costs a dip in the classroom; demand
beyond capacity builds fatigue, which shrinks the budget further.
"""

from __future__ import annotations

import numpy as np

from ..calendar import MONTH
from ..settings import Settings
from ..state.portfolio import CONTENT, ENGAGEMENT, PRACTICE, Portfolio
from ..state.schools import Schools
from ..state.teachers import Teachers
from . import turnover
from .coaching import coaching_gain, implementation_pace

#: A month is a tenth of a school year.


def leadership_multiplier(schools: Schools) -> np.ndarray:
    """Instructional leadership multiplies teachers' learning; a stretched principal less, and
    a principal new to the school less while settling in (``turnover.settling``)."""
    return (0.5 + schools.effective_leadership) * schools.focus


def principal_focus(schools: Schools, portfolio: Portfolio, settings: Settings) -> None:
    """Principal's oversight capacity over the load of initiatives the school took on."""
    load = portfolio.adoption @ (portfolio.principal_demand * portfolio.active)
    # School support staff carry part of a principal's load: fewer of them, less margin.
    cap = settings.capacity.principal_attention * np.maximum(
        0.05, 1.0 + settings.capacity.support_staff_effect * (schools.support_staffing - 1.0))
    schools.focus = np.minimum(1.0, cap / np.maximum(load, 1e-12))


def above_threshold(depth: np.ndarray, settings: Settings) -> np.ndarray:
    """Share of an initiative's full effect that a depth delivers (0 below the threshold)."""
    if not settings.mechanisms.implementation_threshold:
        return depth
    theta = settings.initiatives.implementation_threshold
    return np.clip((depth - theta) / (1.0 - theta), 0.0, 1.0)


def implementation_dip(
    depth: np.ndarray, effort: np.ndarray, capacity: np.ndarray, settings: Settings
) -> np.ndarray:
    """Classroom effect lost while initiatives are learned but not yet mastered (J-curve).

    The dip is the share of a teacher's attention diverted to routines not yet
    mastered: ``implementation_dip`` for one typical initiative on a typical teacher,
    nothing for a teacher with attention to spare for everything.
    """
    ini = settings.initiatives
    theta = ini.implementation_threshold
    if not settings.mechanisms.implementation_threshold or theta <= 0:
        return np.zeros(depth.shape[0])
    x = depth / theta
    hump = 4.0 * x  # built in place: these are teachers x initiatives matrices
    hump *= 1.0 - x
    np.copyto(hump, 0.0, where=x >= 1.0)
    hump *= effort
    diverted = hump.sum(axis=1) / capacity
    return -ini.implementation_dip * diverted / ini.teacher_demand


def potency(portfolio: Portfolio, settings: Settings, systems: float) -> np.ndarray:
    """Effect per unit of implementation of each slot: the district's systems reinforce
    aligned work; unaligned work gets no such support."""
    aligned = (0.5 + 0.5 * systems) * portfolio.aligned
    unaligned = settings.initiatives.unaligned_potency * ~portfolio.aligned
    return (aligned + unaligned) * portfolio.active


def step_teachers(
    teachers: Teachers,
    schools: Schools,
    portfolio: Portfolio,
    settings: Settings,
    systems: float,
) -> None:
    """Advance every teacher by one school month.

    Only the running initiatives' columns are computed: an idle slot asks nothing, deepens
    nothing and delivers nothing, so its depth stays as it is (0 since it was retired)."""
    ini = settings.initiatives
    tch = settings.teachers
    mech = settings.mechanisms
    principal_focus(schools, portfolio, settings)

    # Taking work on is the school's decision: reckon it per school, then give each teacher
    # their school's row (``take`` copies rows several times faster than fancy indexing).
    school_adopt = portfolio.adoption * portfolio.active
    total = (school_adopt * portfolio.teacher_demand).sum(axis=1).take(teachers.school)
    running = np.flatnonzero(portfolio.active)
    every = running.size == portfolio.slots
    if not every:
        portfolio, school_adopt = portfolio.columns(running), school_adopt[:, running]
    adopt = school_adopt.take(teachers.school, axis=0)
    capacity = settings.capacity.teacher_attention * (1.0 - tch.fatigue_capacity_loss * teachers.fatigue)
    # A fully fatigued teacher who loses all capacity still has a sliver: no 0/0 below.
    np.maximum(capacity, 1e-12, out=capacity)
    if not mech.attention_limit:
        # Ablation: attention constrains nothing; every initiative gets what it asks for,
        # so there is no rationing, no overload and no dip from spreading thin.
        capacity = np.maximum(capacity, total)
    met = np.minimum(1.0, capacity / np.maximum(total, 1e-12))
    teachers.load = total / capacity
    teachers.attention_met = met
    engaged = adopt  # the school's rows, scaled in place by what each teacher can meet
    engaged *= met[:, None]

    # Implementation deepens with the attention and money given, fades where neglected.
    # These are teachers x initiatives matrices, so each step is built in place, in the order
    # the formula reads: depth += lr*engaged*funding*willing*(1-depth) - decay*(active-engaged)*depth.
    depth = teachers.depth if every else teachers.depth[:, running]
    willing = 1.0 - tch.cynicism_drag * teachers.cynicism
    drive = np.multiply(engaged, ini.learning_rate)
    drive *= portfolio.funding
    drive *= willing[:, None]
    if portfolio.coached.any():
        drive *= implementation_pace(portfolio, settings)  # coaching deepens implementation faster
    room = np.subtract(1.0, depth)
    drive *= room
    neglect = np.subtract(portfolio.active, engaged, out=room)
    neglect *= ini.depth_decay
    neglect *= depth
    drive -= neglect
    depth += drive
    np.clip(depth, 0.0, 1.0, out=depth)
    if not every:
        teachers.depth[:, running] = depth
    effort = np.multiply(engaged, portfolio.teacher_demand, out=drive)
    teachers.dip = implementation_dip(depth, effort, np.maximum(capacity, 1e-12), settings)

    # Only implementation past the threshold changes the core.
    effect = above_threshold(depth, settings) * potency(portfolio, settings, systems)
    lead = leadership_multiplier(schools)
    on_practice = effect[:, (portfolio.serves == PRACTICE) & ~portfolio.coached].sum(axis=1)
    headroom = np.clip((tch.practice_mean + 3 * tch.practice_sd - teachers.practice)
                       / (3 * tch.practice_sd + 1e-12), 0.0, 2.0)
    lead_t = lead[teachers.school]
    gain = ini.practice_gain * on_practice * lead_t * headroom
    if (portfolio.coached & portfolio.active).any():
        gain += coaching_gain(teachers.practice, effect, portfolio, settings, lead_t)
    teachers.practice += gain
    _school_core(schools, teachers, effect, portfolio, settings, lead)

    if mech.fatigue:
        overload = np.maximum(0.0, teachers.load - 1.0)
        f = teachers.fatigue
        f += tch.fatigue_rate * overload * (1.0 - f) - tch.fatigue_recovery * f
        np.clip(f, 0.0, 1.0, out=f)


def _school_core(schools, teachers, effect, portfolio, settings, lead) -> None:
    """Content and engagement initiatives change the school: its curriculum and climate.

    Their gains are scaled so that one fully implemented initiative moves achievement as
    fast whichever element of the core it serves (no evidence ranks them)."""
    ini = settings.initiatives
    stu = settings.students
    counts = np.maximum(np.bincount(teachers.school, minlength=schools.n), 1)
    for serves, level, per_unit in (
        (CONTENT, schools.rigor, stu.rigor_effect),
        (ENGAGEMENT, schools.climate, stu.engagement_effect * stu.climate_engagement),
    ):
        cols = portfolio.serves == serves
        if not cols.any() or per_unit <= 0:
            continue
        mean = np.bincount(teachers.school, weights=effect[:, cols].sum(axis=1),
                           minlength=schools.n) / counts
        level += ini.practice_gain / per_unit * mean * lead * (1.0 - level)


def professional_environment(schools: Schools, culture: float) -> np.ndarray:
    """Each school's professional environment (0-1): half its principal's instructional
    leadership (as stretched by the initiative load and as far as a new principal exercises it
    yet), half the district's culture."""
    return 0.5 * np.clip(leadership_multiplier(schools) / 1.5, 0, 1) + 0.5 * culture


def typical_environment(settings: Settings) -> float:
    """The environment of a typical school: average leadership as settled as the typical
    principal, an unstretched principal, a culture without cynicism (what ``status_quo`` has)."""
    lead = settings.leadership.principal_leadership_mean * turnover.typical_settled(settings)
    return 0.5 * min((0.5 + lead) / 1.5, 1.0) + 0.5


def experience_multiplier(environment: np.ndarray, settings: Settings) -> np.ndarray:
    """How much a year of experience teaches, relative to a typical school (Kraft and Papay
    2014: teachers in strong professional environments improve more, not just sooner)."""
    tch = settings.teachers
    # Kraft and Papay compare quarters of real schools; beyond the cap the figure would be
    # extrapolated to environments (e.g. a district soured by cynicism) it never measured.
    limit = np.log(tch.environment_cap)
    log_scale = tch.environment_boost * (environment - typical_environment(settings))
    return np.exp(np.clip(log_scale, -limit, limit))


def age_teachers(teachers: Teachers, schools: Schools, culture: float, settings: Settings) -> None:
    """A month of experience. The returns it brings follow the experience curve (most by
    years 3-5), scaled by the school's professional environment, and are kept when the
    environment changes: what a teacher learned stays learned."""
    tch = settings.teachers
    scale = experience_multiplier(professional_environment(schools, culture), settings)
    before = np.exp(-teachers.experience / tch.experience_years)
    teachers.experience += MONTH
    after = np.exp(-teachers.experience / tch.experience_years)
    teachers.experience_gain += tch.novice_gap * scale[teachers.school] * (before - after)


def national_experience_effect(settings: Settings) -> float:
    """Mean experience effect of a workforce with national turnover (exponential tenure),
    in typical professional environments."""
    tch = settings.teachers
    mean_years = 1.0 / tch.national_turnover
    return -tch.novice_gap / (1.0 + mean_years / tch.experience_years)


def classroom_effect(teachers: Teachers, settings: Settings) -> np.ndarray:
    """Each teacher's value-added this month against the national average teacher:
    practice, experience (relative to the nation's experience mix), and any dip."""
    tch = settings.teachers
    experience = teachers.experience_effect(tch.novice_gap)
    return teachers.practice + experience - national_experience_effect(settings) + teachers.dip
