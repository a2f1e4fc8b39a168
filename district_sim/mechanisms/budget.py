"""What money buys: the budget's lines, teacher posts and class size, cuts and layoffs.

Total spending is enrolment x ``district.spending_per_student``, plus any running increase,
less any running cut. The ``budget`` shares split it into lines: classroom teachers, school
support staff, central overhead, the discretionary pot that funds initiatives, and the rest
(specialist staff, buildings, transport), which the model holds but does not act on.

The district as built is its history: its posts, their cost and its support staff are the
references (``Staffing``). Money then acts through changes against them. The teacher line
buys posts at the built cost times the pay level, so class size follows money; support staff
widen or narrow principals' margin; the pot funds initiatives as before. Posts change at the
start of a school year (budgets are adopted before it): hires are novices; when posts must go,
this summer's vacancies go unfilled first (a hiring freeze), then teachers are laid off by the
``budget.layoff_rule``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import Settings
from ..state.schools import Schools
from ..state.students import Students
from ..state.teachers import Teachers

#: A cut that protects classrooms falls first on these lines (in proportion, as far as
#: ``budget.cuttable_share`` of them), then on every other line in proportion.
OPTIONAL = ("discretionary", "overhead")


@dataclass(frozen=True)
class Lines:
    """One year's money by line, dollars."""

    teachers: float
    support: float
    overhead: float
    discretionary: float
    other: float

    @property
    def total(self) -> float:
        return self.teachers + self.support + self.overhead + self.discretionary + self.other


def plan(settings: Settings, enrolled: int, cut: float, increase: float) -> Lines:
    """This year's lines: enrolment x spending x (1 + increase), split by the shares; then a cut
    of ``cut`` of that total, taken where ``budget.cut_placement`` says.

    New money is spread over the lines as today's spending is (districts spend increases much
    as they spend the rest; Jackson and Mackevicius 2023 find no single use behind the effect)."""
    b = settings.budget
    total = enrolled * settings.district.spending_per_student * (1.0 + increase)
    named = {"teachers": b.teacher_share, "support": b.support_share, "overhead": b.overhead_share,
             "discretionary": b.discretionary_share}
    line = {k: total * share for k, share in named.items()}
    line["other"] = max(0.0, total - sum(line.values()))
    cut = min(max(cut, 0.0), 1.0)
    if cut > 0:
        if b.cut_placement == "across_the_board":
            line = {k: v * (1.0 - cut) for k, v in line.items()}
        else:
            line = _classrooms_last(line, cut * total, b.cuttable_share)
    return Lines(**line)


def _classrooms_last(line: dict[str, float], owed: float, cuttable: float) -> dict[str, float]:
    """Take ``owed`` dollars from the optional lines first (up to ``cuttable`` of them), then the
    rest from every line in proportion (teacher posts among them: a freeze, then layoffs)."""
    optional = sum(line[k] for k in OPTIONAL)
    first = min(owed, cuttable * optional)
    share = first / optional if optional > 0 else 0.0
    line = {k: v * (1.0 - share) if k in OPTIONAL else v for k, v in line.items()}
    left = sum(line.values())
    rest = min(1.0, (owed - first) / left) if left > 0 else 0.0
    return {k: v * (1.0 - rest) for k, v in line.items()}


@dataclass(frozen=True)
class Staffing:
    """The district as built: the references that money's changes are read against."""

    posts: np.ndarray          # teacher posts a school (int)
    enrolled: np.ndarray       # enrolled students a school
    post_cost: float           # dollars a post a year at pay level 1 (salary and benefits)
    support: float             # the support-staff line, dollars a year

    @classmethod
    def as_built(cls, posts: np.ndarray, enrolled: np.ndarray, lines: Lines) -> Staffing:
        return cls(posts.astype(int), enrolled.astype(float), lines.teachers / max(int(posts.sum()), 1),
                   lines.support)


def school_pay(schools: Schools, settings: Settings) -> np.ndarray:
    """Each school's pay against the salary schedule as built: the pay level, and the
    high-poverty bonus where it is paid."""
    b = settings.budget
    return b.pay_level * (1.0 + b.high_poverty_bonus * schools.high_poverty)


def posts_funded(built: Staffing, teacher_line: float, enrolled: np.ndarray, pay: np.ndarray) -> np.ndarray:
    """Posts each school gets: the built posts scaled by the school's enrolment since, and by
    what the teacher line buys at each school's pay (every school keeps at least one post)."""
    weight = built.posts * (enrolled / np.maximum(built.enrolled, 1.0))
    cost = built.post_cost * float((weight * pay).sum())
    scale = teacher_line / cost if cost > 0 else 0.0
    return np.maximum(1, _whole(weight * scale))


def _whole(ideal: np.ndarray) -> np.ndarray:
    """Whole posts that add up to the district's total (largest remainders), so rounding school
    by school neither loses nor invents money (23.4 posts in each of ten schools is 234, not 230)."""
    base = np.floor(ideal + 1e-9).astype(int)
    extra = int(round(float(ideal.sum()))) - int(base.sum())
    order = np.argsort(-(ideal - base), kind="stable")  # largest remainders first
    if extra > 0:
        base[order[:extra]] += 1
    elif extra < 0:  # the floors' tolerance overshot: take back from the smallest remainders
        base[order[extra:]] -= 1
    return base


def enrolled_by_school(students: Students, schools: int) -> np.ndarray:
    return np.bincount(students.school, weights=students.enrolled, minlength=schools)


def class_sizes(students: Students, teachers: Teachers, schools: Schools) -> None:
    """Enrolled students per teacher post, school by school (the model's classes are a school's
    students over its teachers; a student's class is drawn within the school)."""
    posts = np.bincount(teachers.school, minlength=schools.n)
    schools.class_size = enrolled_by_school(students, schools.n) / np.maximum(posts, 1)


def support_staffing(lines: Lines, built: Staffing) -> float:
    """The support-staff line against the district as built (1 = as built)."""
    return lines.support / built.support if built.support > 0 else 1.0


def _layoff_order(teachers: Teachers, rows: np.ndarray, rule: str) -> np.ndarray:
    """``rows`` in the order they would be laid off: the least experienced first (seniority)
    or the lowest value-added first (effectiveness; the model's true value, so the rule as a
    perfect evaluation would apply it)."""
    if rule == "effectiveness":
        key = teachers.practice[rows] + teachers.experience_gain[rows]
    else:
        key = teachers.experience[rows]
    return rows[np.argsort(key, kind="stable")]


def restaff(teachers: Teachers, target: np.ndarray, settings: Settings, shortage: float,
            rng: np.random.Generator) -> tuple[int, int, int]:
    """Bring each school to its ``target`` posts. Returns (vacancies left unfilled, layoffs,
    hires).

    Over target, the posts filled this summer (``teachers.left``: their leavers' successors)
    are left vacant first, then teachers go by the layoff rule. Under target, novices are
    hired, underprepared in a shortage as any hire is."""
    posts = np.bincount(teachers.school, minlength=target.size)
    if np.array_equal(posts, target):
        return 0, 0, 0
    keep = np.ones(teachers.n, dtype=bool)
    layoffs = frozen_total = 0
    for school in np.flatnonzero(posts > target):
        rows = np.flatnonzero(teachers.school == school)
        excess = posts[school] - target[school]
        frozen = rows[teachers.left[rows]][:excess]
        keep[frozen] = False
        rest = _layoff_order(teachers, rows[keep[rows]], settings.budget.layoff_rule)[: excess - frozen.size]
        keep[rest] = False
        layoffs += rest.size
        frozen_total += frozen.size
    short = np.maximum(target - posts, 0)
    hires = np.repeat(np.arange(target.size), short)
    new = teachers.restaff(keep, hires)
    if new.size:
        tch = settings.teachers
        z, u = rng.standard_normal(new.size), rng.random(new.size)
        under = u < shortage
        teachers.practice[new] = tch.practice_mean + tch.practice_sd * z - tch.underprepared_gap * under
        teachers.underprepared[new] = under
    return frozen_total, layoffs, int(new.size)
