"""Instructional coaching: implementation carried into classrooms by the district's best.

Coaching is an initiative on practice with a coach in the room. It asks for a teacher's
attention like any initiative and passes through the same threshold, but it deepens
faster (coaching is what turns training into classroom use, Joyce and Showers 2002) and
what it teaches is the coach's own practice: a coached teacher closes part of the gap to
their coach each month. Coaches are the district's strongest teachers, one for every
``caseload`` teachers coached, so a small programme is led by the very best and a
programme for every school reaches deeper into the workforce; and a coach spread over
more teachers than ``coach_reach`` gives each less. With the cost outrunning the
strategy's budget, that is the model's reason why coaching at scale does less (Kraft,
Blazar and Hogan 2018 find about half). It acts on the share of the district coached,
not on the programme's size as such. The other reasons they give (volunteers vs assigned
teachers, developers on hand) are not modelled, and coaches are a simplification: they
keep their classes, and the coaches' level is fixed when the initiative is launched
(coaches who later leave the district are not replaced by weaker ones).
"""

from __future__ import annotations

import math

import numpy as np

from ..settings import Settings
from ..state.portfolio import Portfolio
from ..state.teachers import Teachers


def coaches_needed(teachers_coached: float, settings: Settings) -> int:
    """Coaching posts for a programme reaching ``teachers_coached`` teachers."""
    if teachers_coached <= 0:
        return 0
    return math.ceil(teachers_coached / settings.coaching.caseload - 1e-9)


def appoint_coaches(teachers: Teachers, portfolio: Portfolio, slot: int, settings: Settings) -> None:
    """Staff a coached initiative: the strongest teachers of the district become its
    coaches, and their mean practice is what coached teachers move toward."""
    reach = portfolio.adoption[teachers.school, slot].sum()
    n = min(coaches_needed(float(reach), settings), teachers.n)
    if n == 0:
        portfolio.coach_level[slot] = settings.teachers.practice_mean
        return
    best = np.partition(teachers.practice, teachers.n - n)[teachers.n - n:]
    portfolio.coach_level[slot] = float(best.mean())


def intensity(settings: Settings) -> float:
    """Share of full-intensity coaching each coached teacher gets: a coach spread over more
    teachers than they can coach fully gives each proportionally less."""
    c = settings.coaching
    return min(1.0, c.coach_reach / c.caseload)


def implementation_pace(portfolio: Portfolio, settings: Settings) -> np.ndarray:
    """Multiplier on each slot's implementation pace: coaching deepens it faster."""
    boost = 1.0 + (settings.coaching.pace - 1.0) * intensity(settings)
    return np.where(portfolio.coached, boost, 1.0)


def coaching_gain(
    practice: np.ndarray, effect: np.ndarray, portfolio: Portfolio, settings: Settings,
    leadership: np.ndarray,
) -> np.ndarray:
    """This month's gain in practice from coaching, for every teacher.

    ``effect`` is each slot's delivered effect (past the threshold, times potency);
    ``leadership`` is the school's leadership multiplier for each teacher. A teacher
    already at the coaches' level learns nothing more from them.
    """
    cols = np.flatnonzero(portfolio.coached & portfolio.active)
    if cols.size == 0:
        return np.zeros_like(practice)
    gap = np.maximum(portfolio.coach_level[cols][None, :] - practice[:, None], 0.0)
    rate = settings.coaching.transfer * intensity(settings)
    pull = rate * leadership * (effect[:, cols] * gap).sum(axis=1)
    # Several coaches at once cannot take a teacher past the best of them.
    return np.minimum(pull, gap.max(axis=1))
