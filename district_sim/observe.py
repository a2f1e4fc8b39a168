"""What is recorded each school month: the columns of a run's table.

Every statistic has a defined value in every state (an empty group gives a gap of 0,
no initiatives give a depth of 0), so a run never returns NaN. Rates are fractions.
"""

from __future__ import annotations

import numpy as np


def summarise_students(stu) -> dict[str, float]:
    """Group means of enrolled students, as dot products with the roster's 0/1 weights."""
    roster = stu.roster
    high_need, other = roster.high_need, roster.other
    n_high, n_other = roster.n_high_need, roster.n_other
    gain = roster.norm_gain + stu.growth
    out = {"enrolled": n_high + n_other}
    for name, values in (("achievement", stu.achievement), ("engagement", stu.engagement),
                         ("learning_gain", gain)):
        s_high, s_other = float(high_need @ values), float(other @ values)
        out[name] = (s_high + s_other) / (n_high + n_other)
        out[name + "_other"] = s_other / n_other if n_other else 0.0
        out[name + "_high_need"] = s_high / n_high if n_high else 0.0
    both = n_high > 0 and n_other > 0
    out["achievement_gap"] = out["achievement_other"] - out["achievement_high_need"] if both else 0.0
    return out


def implementation_depth(m) -> float:
    """Mean depth over the initiatives teachers' schools have taken on (0 if none)."""
    p, t = m.portfolio, m.teachers
    # Per school first, then one row a teacher: ``take`` is several times faster than
    # fancy indexing for whole rows.
    adopt = (p.adoption * p.active).take(t.school, axis=0)
    total = adopt.sum()
    return float((t.depth * adopt).sum() / total) if total > 0 else 0.0


def _money(value: float) -> float:
    return float(value) / 1e6


REPORTERS = {
    "year": lambda m: (m.steps - 1) // 10 + 1,
    "month": lambda m: (m.steps - 1) % 10 + 1,
    "achievement": lambda m: m.student_summary["achievement"],
    "achievement_gap": lambda m: m.student_summary["achievement_gap"],
    "achievement_high_need": lambda m: m.student_summary["achievement_high_need"],
    "learning_gain": lambda m: m.student_summary["learning_gain"],
    "engagement": lambda m: m.student_summary["engagement"],
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
    "novice_share": lambda m: float((m.teachers.experience < m.settings.teachers.novice_years).mean()),
    "principal_turnover": lambda m: m.principal_turnover,
    "principal_focus": lambda m: float(m.schools.focus.mean()),
    "budget": lambda m: _money(m.central_office.budget_total),
    "budget_aligned": lambda m: _money(m.central_office.budget_aligned),
    "budget_unaligned": lambda m: _money(m.central_office.budget_unaligned),
    "budget_overhead": lambda m: _money(m.central_office.budget_overhead),
    "enrollment": lambda m: m.students.roster.enrolled,
    "superintendent_years": lambda m: m.central_office.superintendent_years,
    "strategy_changes": lambda m: m.central_office.strategy_changes,
    "initiatives_launched": lambda m: m.portfolio.launched,
    "initiatives_abandoned": lambda m: m.portfolio.abandoned,
    "initiatives_completed": lambda m: m.portfolio.completed,
}
