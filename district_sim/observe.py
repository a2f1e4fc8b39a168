"""What is recorded each school month: the columns of a run's table.

Every statistic has a defined value in every state (an empty group gives a gap of 0,
no initiatives give a depth of 0), so a run never returns NaN. Rates are fractions.
"""

from __future__ import annotations

import numpy as np

from .agents.students import NORM_GAIN


def _enrolled(m) -> np.ndarray:
    stu = m.students
    return stu.enrolled if stu.enrolled.any() else np.ones(stu.n, dtype=bool)


def _group_mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else 0.0


def achievement_gap(m) -> float:
    stu, e = m.students, _enrolled(m)
    hn, other = e & stu.high_need, e & ~stu.high_need
    if not hn.any() or not other.any():
        return 0.0
    return float(stu.achievement[other].mean() - stu.achievement[hn].mean())


def learning_gain(m) -> float:
    """Mean yearly gain in absolute SD units: the grade's norm gain plus the z growth."""
    stu, e = m.students, _enrolled(m)
    gain = NORM_GAIN[np.minimum(stu.grade, NORM_GAIN.size - 1)] + stu.growth
    return float(gain[e].mean())


def implementation_depth(m) -> float:
    """Mean depth over the initiatives teachers' schools have taken on (0 if none)."""
    p, t = m.portfolio, m.teachers
    adopt = p.adoption[t.school] * p.active
    total = adopt.sum()
    return float((t.depth * adopt).sum() / total) if total > 0 else 0.0


def _money(value: float) -> float:
    return float(value) / 1e6


REPORTERS = {
    "year": lambda m: (m.steps - 1) // 10 + 1,
    "month": lambda m: (m.steps - 1) % 10 + 1,
    "achievement": lambda m: _group_mean(m.students.achievement, _enrolled(m)),
    "achievement_gap": achievement_gap,
    "achievement_high_need": lambda m: _group_mean(
        m.students.achievement, _enrolled(m) & m.students.high_need),
    "learning_gain": learning_gain,
    "engagement": lambda m: _group_mean(m.students.engagement, _enrolled(m)),
    "teacher_practice": lambda m: float(np.mean(m.classroom_effect - m.teachers.dip)),
    "teacher_value_added_sd": lambda m: float(np.std(m.classroom_effect)),
    "implementation_dip": lambda m: float(m.teachers.dip.mean()),
    "coherence": lambda m: m.elements.coherence,
    "culture": lambda m: m.elements.culture,
    "structures": lambda m: m.elements.structures,
    "systems": lambda m: m.elements.systems,
    "resource_alignment": lambda m: m.elements.resources,
    "stakeholders": lambda m: m.elements.stakeholders,
    "portfolio_alignment": lambda m: m.elements.portfolio_alignment,
    "active_initiatives": lambda m: m.portfolio.count,
    "aligned_initiatives": lambda m: int((m.portfolio.active & m.portfolio.aligned).sum()),
    "implementation_depth": implementation_depth,
    "teacher_load": lambda m: float(m.teachers.load.mean()),
    "attention_met": lambda m: float(m.teachers.attention_met.mean()),
    "teacher_fatigue": lambda m: float(m.teachers.fatigue.mean()),
    "teacher_cynicism": lambda m: float(m.teachers.cynicism.mean()),
    "teacher_turnover": lambda m: m.teacher_turnover,
    "novice_share": lambda m: float((m.teachers.experience < 3.0).mean()),
    "principal_turnover": lambda m: m.principal_turnover,
    "principal_focus": lambda m: float(m.schools.focus.mean()),
    "budget": lambda m: _money(m.central_office.budget_total),
    "budget_aligned": lambda m: _money(m.central_office.budget_aligned),
    "budget_unaligned": lambda m: _money(m.central_office.budget_unaligned),
    "budget_overhead": lambda m: _money(m.central_office.budget_overhead),
    "enrollment": lambda m: int(m.students.enrolled.sum()),
    "superintendent_years": lambda m: m.central_office.superintendent_years,
    "strategy_changes": lambda m: m.central_office.strategy_changes,
    "initiatives_launched": lambda m: m.portfolio.launched,
    "initiatives_abandoned": lambda m: m.portfolio.abandoned,
    "initiatives_completed": lambda m: m.portfolio.completed,
}
