"""Who leaves each summer, and who replaces them.

Teachers leave at a base rate raised for novices and high-poverty schools (NCES TFS;
Carver-Thomas and Darling-Hammond 2017), by fatigue, and lowered by leadership support
(Kraft, Marinell and Yee 2016). Leavers are replaced by novices, so turnover both
lowers experience and wipes out the implementation depth the leaver had built.
"""

from __future__ import annotations

import numpy as np

from ..settings import Settings
from ..state.schools import Schools
from ..state.teachers import Teachers

#: Support of a typical school: average leadership, an unstretched principal, full trust.
SUPPORT_REFERENCE = 0.75


def school_support(schools: Schools, culture: float) -> np.ndarray:
    """Teachers' sense of support: half their principal's leadership, half the culture."""
    return 0.5 * schools.leadership * schools.focus + 0.5 * culture


def teacher_hazard(
    teachers: Teachers, schools: Schools, settings: Settings, shortage: float
) -> np.ndarray:
    """Probability that each teacher leaves at the coming summer."""
    tch = settings.teachers
    novice = teachers.experience < tch.novice_years
    rate = tch.base_turnover * np.where(novice, tch.novice_turnover_ratio, 1.0)
    rate = rate * np.where(schools.high_poverty[teachers.school], tch.high_poverty_turnover_ratio, 1.0)
    log_mult = (tch.fatigue_turnover * teachers.fatigue
                - tch.support_turnover * (schools.support[teachers.school] - SUPPORT_REFERENCE))
    rate = rate * np.exp(np.clip(log_mult, -20, 20)) * (1.0 + shortage)
    return np.clip(rate, 0.0, 0.95)


def replace_teachers(
    teachers: Teachers, leaving: np.ndarray, settings: Settings, shortage: float,
    rng: np.random.Generator,
) -> None:
    """Fill each vacancy with a novice; in a shortage some hires are underprepared."""
    tch = settings.teachers
    n = teachers.n
    z = rng.standard_normal(n)
    u = rng.random(n)
    idx = np.flatnonzero(leaving)
    under = u[idx] < shortage
    teachers.practice[idx] = tch.practice_mean + tch.practice_sd * z[idx] - tch.underprepared_gap * under
    teachers.experience[idx] = 0.0
    teachers.experience_gain[idx] = 0.0
    teachers.fatigue[idx] = 0.0
    teachers.cynicism[idx] = 0.0
    teachers.underprepared[idx] = under
    teachers.depth[idx, :] = 0.0


def teacher_summer(
    teachers: Teachers, schools: Schools, settings: Settings, shortage: float,
    rng: np.random.Generator,
) -> float:
    """Draw this summer's leavers, replace them, and return the turnover rate."""
    u = rng.random(teachers.n)
    if not settings.mechanisms.turnover:
        rng.standard_normal(teachers.n), rng.random(teachers.n)  # keep streams in step
        return 0.0
    leaving = u < teacher_hazard(teachers, schools, settings, shortage)
    teachers.left = leaving
    replace_teachers(teachers, leaving, settings, shortage, rng)
    return float(leaving.mean())


def principal_summer(schools: Schools, settings: Settings, rng: np.random.Generator) -> float:
    """Principals leave at the published yearly rate; a successor's leadership is drawn anew."""
    lead = settings.leadership
    u = rng.random(schools.n)
    z = rng.standard_normal(schools.n)
    schools.principal_tenure += 1.0
    if not settings.mechanisms.turnover:
        return 0.0
    leaving = u < lead.principal_turnover
    new = np.clip(lead.principal_leadership_mean + lead.principal_leadership_sd * z, 0.0, 1.0)
    schools.leadership = np.where(leaving, new, schools.leadership)
    schools.principal_tenure[leaving] = 0.0
    schools.principal_changed = leaving
    return float(leaving.mean())
