"""The metrics: every column of a run's monthly table, declared once.

One :class:`Metric` a column, in table order: its name, a human label, its unit, the range
its values lie in, how it is computed from the model at the end of a school month, and
where the page draws it. The data collector (``REPORTERS``), the tables and figures
(``report.py``) and the page's charts (``ui/charts.py``) all read this registry.

Every statistic has a defined value in every state (an empty group gives a gap of 0,
no initiatives give a depth of 0), so a run never returns NaN. Rates are fractions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .calendar import MONTHS_PER_YEAR, step_calendar
from .mechanisms.testing import tested_mean


@dataclass(frozen=True)
class Plot:
    """Where the page draws a metric: chart ``chart`` (a key of ``ui/charts.py``), in the
    panel titled ``title`` (the metric's label if None). Metrics of one chart with the same
    title share a panel: the first drawn solid, the second dotted. A ``fixed`` panel's axis
    spans the metric's declared range instead of fitting the data."""

    chart: str
    title: str | None = None
    fixed: bool = False


@dataclass(frozen=True)
class Metric:
    """One column of the monthly table."""

    name: str
    label: str
    unit: str
    low: float | None             # smallest valid value (None: unbounded)
    high: float | None            # largest valid value (None: unbounded)
    compute: Callable[[Any], float]   # the value, from the model at the end of a month
    chart: Plot | None = None     # the page chart that shows it, if any

    @property
    def is_fraction(self) -> bool:
        """Whether the values are fractions in [0, 1]."""
        return self.low == 0 and self.high == 1

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the declared range."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


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


def average(values: np.ndarray) -> float:
    """The mean, as ``values.mean()`` computes it (the same pairwise sum over the count), without
    numpy's wrapper: a dozen means a month are a visible share of a small run."""
    return float(values.sum()) / values.size


def _money(value: float) -> float:
    return float(value) / 1e6


def _student(key: str) -> Callable[[Any], float]:
    return lambda m: m.student_summary[key]


def _element(field: str) -> Callable[[Any], float]:
    return lambda m: getattr(m.elements, field)


SD = "student SD"
SD_YEAR = "student SD a year"
#: Unbounded, non-negative, and fraction ranges.
ANY, POSITIVE, FRACTION = (None, None), (0.0, None), (0.0, 1.0)
_BUDGET = Plot("budget", "Budget, $M a year: aligned with the strategy (solid), unaligned (dotted)")

_TABLE = (
    Metric("year", "School year", "school year", 1, None, lambda m: step_calendar(m.steps)[0]),
    Metric("month", "School month", "school month", 1, MONTHS_PER_YEAR,
           lambda m: step_calendar(m.steps)[1]),
    Metric("achievement", "Achievement (SD vs national norm)", SD, *ANY, _student("achievement"),
           Plot("achievement", "Achievement (student SD vs national norm)")),
    Metric("tested_achievement", "Tested achievement: mean of the latest spring test (SD)", SD, *ANY,
           lambda m: tested_mean(m.students)),
    Metric("achievement_gap", "Gap, other minus high-need (SD)", SD, *ANY,
           _student("achievement_gap"),
           Plot("achievement", "Gap: other minus high-need students (SD)")),
    Metric("achievement_high_need", "Achievement of high-need students (SD vs national norm)", SD,
           *ANY, _student("achievement_high_need")),
    Metric("learning_gain", "Learning gain (SD a year, norm included)", SD_YEAR, *ANY,
           _student("learning_gain")),
    Metric("engagement", "Student engagement (0-1)", "index", *FRACTION, _student("engagement")),
    Metric("teacher_practice", "Teacher practice (value-added, SD)", SD_YEAR, *ANY,
           lambda m: average(m.classroom_effect - m.teachers.dip),
           Plot("practice", "Teacher practice (value-added, SD a year)")),
    Metric("teacher_value_added_sd", "Spread of teachers' value-added (SD)", SD_YEAR, *POSITIVE,
           lambda m: float(np.std(m.classroom_effect))),
    Metric("implementation_dip", "Implementation dip (SD a year)", SD_YEAR, None, 0.0,
           lambda m: average(m.teachers.dip)),
    Metric("coherence", "Coherence index (0-1)", "index", *FRACTION, _element("coherence"),
           Plot("coherence", "Coherence index (0-1): how far the PELP elements line up", fixed=True)),
    Metric("culture", "Culture (0-1)", "index", *FRACTION, _element("culture")),
    Metric("structures", "Structures (0-1)", "index", *FRACTION, _element("structures")),
    Metric("systems", "Systems (0-1)", "index", *FRACTION, _element("systems")),
    Metric("resource_alignment", "Resource alignment (aligned share of money)", "share", *FRACTION,
           _element("resources")),
    Metric("stakeholders", "Stakeholders (0-1)", "index", *FRACTION, _element("stakeholders")),
    Metric("portfolio_alignment", "Portfolio alignment (0-1)", "index", *FRACTION,
           _element("portfolio_alignment")),
    Metric("active_initiatives", "Active initiatives", "count", *POSITIVE,
           lambda m: m.portfolio.count, Plot("initiatives")),
    Metric("aligned_initiatives", "Active aligned initiatives", "count", *POSITIVE,
           lambda m: int((m.portfolio.active & m.portfolio.aligned).sum())),
    Metric("implementation_depth", "Implementation depth (0-1)", "index", *FRACTION,
           implementation_depth, Plot("initiatives", fixed=True)),
    Metric("teacher_load", "Teacher load (demand over capacity)", "ratio", *POSITIVE,
           lambda m: average(m.teachers.load)),
    Metric("attention_met", "Share of initiative demand met", "share", *FRACTION,
           lambda m: average(m.teachers.attention_met)),
    Metric("teacher_fatigue", "Teacher fatigue (0-1)", "index", *FRACTION,
           lambda m: average(m.teachers.fatigue), Plot("fatigue")),
    Metric("teacher_cynicism", "Teacher cynicism (0-1)", "index", *FRACTION,
           lambda m: average(m.teachers.cynicism)),
    Metric("teacher_turnover", "Teacher turnover (share a year)", "share a year", *FRACTION,
           lambda m: m.teacher_turnover, Plot("fatigue")),
    Metric("novice_share", "Novice teachers (share)", "share", *FRACTION,
           lambda m: average(m.teachers.experience < m.settings.teachers.novice_years)),
    Metric("principal_turnover", "Principal turnover (share a year)", "share a year", *FRACTION,
           lambda m: m.principal_turnover),
    Metric("principal_focus", "Principal focus (0-1)", "index", *FRACTION,
           lambda m: average(m.schools.focus)),
    Metric("spending_per_student", "Spending per student ($ a year)", "$ a year", *POSITIVE,
           lambda m: m.lines.total / max(m.students.roster.enrolled, 1)),
    Metric("class_size", "Class size (enrolled students a teacher post)", "students", *POSITIVE,
           lambda m: m.students.roster.enrolled / m.teachers.n,
           Plot("budget", "Class size (enrolled students a teacher post)")),
    Metric("teacher_posts", "Teacher posts", "count", *POSITIVE, lambda m: m.teachers.n),
    Metric("teachers_laid_off", "Teachers laid off so far", "count", *POSITIVE, lambda m: m.layoffs),
    Metric("budget", "Discretionary budget, the initiatives' pot ($M a year)", "$M a year", *POSITIVE,
           lambda m: _money(m.central_office.budget_total)),
    Metric("budget_aligned", "Budget aligned with the strategy ($M a year)", "$M a year",
           *POSITIVE, lambda m: _money(m.central_office.budget_aligned), _BUDGET),
    Metric("budget_unaligned", "Budget not aligned with the strategy ($M a year)", "$M a year",
           *POSITIVE, lambda m: _money(m.central_office.budget_unaligned), _BUDGET),
    Metric("budget_overhead", "Central overhead ($M a year)", "$M a year", *POSITIVE,
           lambda m: _money(m.lines.overhead)),
    Metric("enrollment", "Enrolled students", "count", *POSITIVE,
           lambda m: m.students.roster.enrolled),
    Metric("superintendent_years", "Superintendent's tenure (years)", "years", *POSITIVE,
           lambda m: m.central_office.superintendent_years),
    Metric("strategy_changes", "Strategy changes so far", "count", *POSITIVE,
           lambda m: m.central_office.strategy_changes),
    Metric("initiatives_launched", "Initiatives launched so far", "count", *POSITIVE,
           lambda m: m.portfolio.launched),
    Metric("initiatives_abandoned", "Initiatives abandoned so far", "count", *POSITIVE,
           lambda m: m.portfolio.abandoned),
    Metric("initiatives_completed", "Initiatives completed so far", "count", *POSITIVE,
           lambda m: m.portfolio.completed),
)

#: Every metric by name, in table order.
METRICS: dict[str, Metric] = {m.name: m for m in _TABLE}
assert len(METRICS) == len(_TABLE), "two metrics share a name"

#: What the data collector records each month: name -> function of the model.
REPORTERS = {m.name: m.compute for m in METRICS.values()}

#: Metrics that are fractions in [0, 1].
FRACTIONS = frozenset(m.name for m in METRICS.values() if m.is_fraction)


def label(name: str) -> str:
    """A metric's human label (the name itself for a column that is not a metric)."""
    metric = METRICS.get(name)
    return metric.label if metric else name


def chart_panels() -> dict[str, list[tuple[str, tuple[str, ...], tuple[float, float] | None]]]:
    """The page's charts, by key in table order of their first metric: each a list of panels
    (title, metrics drawn, fixed axis limits or None), in table order."""
    out: dict[str, dict[str, tuple[list[str], tuple[float, float] | None]]] = {}
    for m in METRICS.values():
        if m.chart is None:
            continue
        title = m.chart.title or m.label
        limits = (m.low, m.high) if m.chart.fixed else None
        columns, known = out.setdefault(m.chart.chart, {}).setdefault(title, ([], limits))
        if known != limits:
            raise ValueError(f"panel {title!r} of chart {m.chart.chart!r}: its metrics disagree "
                             "on the axis")
        columns.append(m.name)
    return {chart: [(title, tuple(cols), limits) for title, (cols, limits) in panels.items()]
            for chart, panels in out.items()}
