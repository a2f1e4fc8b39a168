"""What each school went through, year by year: the per-school record of a run.

The district's monthly table averages over schools, which hides where a strategy took hold
and where it did not. A :class:`SchoolRecord` keeps one row a school and school year, read
from the same arrays the district metrics average and at the same moments, so that the
schools, weighted by their students or teachers, add up to the district figures of the same
run. The model calls it at three moments: at the start of each school year (its principal),
at the end of each school month (it keeps month 10, before the summer), and after each
summer (the teachers who left). It only reads the district, so a run that keeps it has the
same numbers as one that does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .calendar import MONTHS_PER_YEAR, step_calendar

#: The columns of the per-school table, in order (``api.run_schools`` adds scenario and seed).
COLUMNS = ("school", "year", "enrolled", "tested", "teachers", "high_need_share", "achievement",
           "tested_achievement", "principal_changed", "principal_tenure", "teacher_turnover",
           "teacher_practice")


def _share(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per-school means from per-school totals; 0 where a school has nobody to count."""
    return np.divide(total, count, out=np.zeros_like(total, dtype=float), where=count > 0)


class SchoolRecord:
    """One row a school and completed school year (month 10 and the summer after it)."""

    def __init__(self, model: Any) -> None:
        self._schools = model.schools.n
        self._starts: list[dict[str, np.ndarray]] = []
        self._ends: list[dict[str, np.ndarray]] = []
        self._summers: list[np.ndarray] = []
        self.start_year(model)

    def start_year(self, model: Any) -> None:
        """September, before month 1: who leads each school and since when."""
        s = model.schools
        first = not self._starts
        changed = np.zeros(self._schools, dtype=bool) if first else s.principal_changed.astype(bool)
        self._starts.append({"principal_changed": changed.copy(),
                             "principal_tenure": np.array(s.principal_tenure, dtype=float)})

    def end_month(self, model: Any) -> None:
        """After a school month: keep the tenth, the state of the year before its summer."""
        if step_calendar(model.steps)[1] != MONTHS_PER_YEAR:
            return
        n, stu, t = self._schools, model.students, model.teachers
        enrolled = stu.enrolled.astype(float)
        count = np.bincount(stu.school, weights=enrolled, minlength=n)
        tested = np.bincount(stu.school, weights=stu.tested.astype(float), minlength=n)
        test_total = np.bincount(stu.school, weights=np.where(stu.tested, stu.test_score, 0.0), minlength=n)
        practice = np.bincount(t.school, weights=model.classroom_effect - t.dip, minlength=n)
        #: Posts at the year's end, the staff the summer's leavers are a share of.
        self._teachers = np.bincount(t.school, minlength=n).astype(float)
        self._ends.append({
            "teachers": self._teachers,
            "enrolled": count,
            "tested": tested,
            "high_need_share": _share(np.bincount(stu.school, weights=enrolled * stu.high_need, minlength=n),
                                      count),
            "achievement": _share(np.bincount(stu.school, weights=enrolled * stu.achievement, minlength=n),
                                  count),
            "tested_achievement": _share(test_total, tested),
            "teacher_practice": _share(practice, self._teachers),
        })

    def after_summer(self, model: Any) -> None:
        """After a summer's leaving and arriving (before September's budget): who left the school
        year just ended; then the next one starts."""
        left = np.bincount(model.teachers.school, weights=model.teachers.left.astype(float),
                           minlength=self._schools)
        self._summers.append(_share(left, self._teachers))
        self.start_year(model)

    @property
    def years(self) -> int:
        """School years completed: month 10 and the summer after it both simulated."""
        return min(len(self._ends), len(self._summers))

    def frame(self) -> pd.DataFrame:
        """The record as a DataFrame: one row a school and completed school year, by year."""
        n, years = self._schools, self.years
        if years == 0:
            return pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})

        def stack(rows: list, key: str | None = None) -> np.ndarray:
            return np.concatenate([r if key is None else r[key] for r in rows[:years]])

        out = {
            "school": np.tile(np.arange(n), years),
            "year": np.repeat(np.arange(1, years + 1), n),
            "enrolled": stack(self._ends, "enrolled").astype(np.int64),
            "tested": stack(self._ends, "tested").astype(np.int64),
            "teachers": stack(self._ends, "teachers").astype(np.int64),
            "high_need_share": stack(self._ends, "high_need_share"),
            "achievement": stack(self._ends, "achievement"),
            "tested_achievement": stack(self._ends, "tested_achievement"),
            "principal_changed": stack(self._starts, "principal_changed"),
            "principal_tenure": stack(self._starts, "principal_tenure"),
            "teacher_turnover": stack(self._summers),
            "teacher_practice": stack(self._ends, "teacher_practice"),
        }
        return pd.DataFrame({c: out[c] for c in COLUMNS})
