"""Who leaves each summer, and who replaces them.

Teachers leave at a base rate raised for novices and high-poverty schools (NCES TFS;
Carver-Thomas and Darling-Hammond 2017), by fatigue, and lowered by leadership support
(Kraft, Marinell and Yee 2016) and by pay above the salary schedule (Clotfelter, Glennie, Ladd
and Vigdor 2008). Leavers are replaced by novices, so turnover both
lowers experience and wipes out the implementation depth the leaver had built.
"""

from __future__ import annotations

import numpy as np

from ..settings import Settings
from ..state.schools import Schools
from ..state.students import Students
from ..state.teachers import Teachers


def school_support(schools: Schools, culture: float) -> np.ndarray:
    """Teachers' sense of support: half their principal's leadership (as far as a new principal
    exercises it yet), half the culture."""
    return 0.5 * schools.effective_leadership * schools.focus + 0.5 * culture


def teacher_hazard(
    teachers: Teachers, schools: Schools, settings: Settings, shortage: float
) -> np.ndarray:
    """Probability that each teacher leaves at the coming summer."""
    tch = settings.teachers
    novice = teachers.experience < tch.novice_years
    rate = tch.base_turnover * np.where(novice, tch.novice_turnover_ratio, 1.0)
    rate = rate * np.where(schools.high_poverty[teachers.school], tch.high_poverty_turnover_ratio, 1.0)
    log_mult = (tch.fatigue_turnover * teachers.fatigue
                - tch.support_turnover * (schools.support[teachers.school] - typical_support(settings))
                - tch.pay_turnover * (schools.pay[teachers.school] - 1.0))
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
        teachers.left = np.zeros(teachers.n, dtype=bool)
        return 0.0
    leaving = u < teacher_hazard(teachers, schools, settings, shortage)
    teachers.left = leaving
    replace_teachers(teachers, leaving, settings, shortage, rng)
    return float(leaving.mean())


def typical_settled(settings: Settings) -> float:
    """How settled the typical school's principal is: the mean of ``settling`` over the whole
    years in post that a yearly leaving rate ``principal_turnover`` gives (P(k) = h (1-h)^k)."""
    lead = settings.leadership
    h = min(max(lead.principal_turnover, 0.02), 0.95)
    fade = np.exp(-1.0 / max(lead.principal_ramp_years, 1e-9))
    return float(1.0 - lead.principal_ramp_dip * h / (1.0 - (1.0 - h) * fade))


def typical_support(settings: Settings) -> float:
    """Support of a typical school: average leadership as settled as the typical principal,
    an unstretched principal, full trust (``school_support`` there)."""
    return 0.5 * settings.leadership.principal_leadership_mean * typical_settled(settings) + 0.5


def settling(tenure: np.ndarray, settings: Settings) -> np.ndarray:
    """Share of their leadership principals exercise after ``tenure`` years in post.

    A successor has to learn the school, its staff and its community before leading its
    instruction as well as they will: 1 - dip x exp(-tenure / ramp years), so the first year
    costs the whole dip and most of it is gone by the third (Clark, Martorell and Rockoff 2009;
    Bartanen, Grissom and Rogers 2019)."""
    lead = settings.leadership
    return 1.0 - lead.principal_ramp_dip * np.exp(-tenure / lead.principal_ramp_years)


def school_score_gap(students: Students, schools: int) -> np.ndarray:
    """Each school's mean on the latest spring test minus the district's (student SD).

    A school none of whose students sat the test (or a district where nobody did) is at 0:
    nothing is known of it, so nothing is read into it."""
    tested = students.tested & students.enrolled
    if not tested.any():
        return np.zeros(schools)
    count = np.bincount(students.school, weights=tested, minlength=schools)
    total = np.bincount(students.school, weights=np.where(tested, students.test_score, 0.0),
                        minlength=schools)
    district = total.sum() / count.sum()
    return np.where(count > 0, total / np.maximum(count, 1) - district, 0.0)


def principal_hazard(schools: Schools, settings: Settings, score_gap: np.ndarray) -> np.ndarray:
    """Probability that each school's principal leaves at the coming summer: the published
    rate, raised in high-poverty and low-scoring schools (Béteille, Kalogrides and Loeb 2012)."""
    lead = settings.leadership
    rate = lead.principal_turnover * np.where(schools.high_poverty, lead.principal_high_poverty_ratio, 1.0)
    rate = rate * np.exp(np.clip(-lead.principal_score_turnover * score_gap, -20, 20))
    return np.clip(rate, 0.0, 0.95)


def principal_summer(
    schools: Schools, settings: Settings, rng: np.random.Generator, students: Students,
) -> float:
    """Draw this summer's principal changes, appoint successors from the district's pool, and
    return the turnover rate.

    A school's conditions set how likely its principal is to leave; where the central office
    has decided (``schools.district_decision``: move the principal on, or keep them) that
    decides instead, and the decision is spent. A successor starts at tenure 0, at the bottom
    of the settling-in ramp."""
    lead = settings.leadership
    u = rng.random(schools.n)
    z = rng.standard_normal(schools.n)
    schools.principal_tenure += 1.0
    if settings.mechanisms.turnover:
        leaving = u < principal_hazard(schools, settings, school_score_gap(students, schools.n))
    else:
        leaving = np.zeros(schools.n, dtype=bool)
    decision = schools.district_decision
    leaving = (leaving & (decision >= 0)) | (decision > 0)
    decision[:] = 0
    new = np.clip(lead.principal_leadership_mean + lead.principal_leadership_sd * z, 0.0, 1.0)
    schools.leadership = np.where(leaving, new, schools.leadership)
    schools.principal_tenure[leaving] = 0.0
    schools.principal_changed = leaving
    schools.settled = settling(schools.principal_tenure, settings)
    return float(leaving.mean())
