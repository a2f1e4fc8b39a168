"""The school calendar: how model time maps to school years, months and the summer.

One Mesa step is one school month. A school year has ten of them (September to June);
the summer, when people leave and arrive and next year is planned, comes after the tenth.
Every module that turns steps into years, or years into steps, reads it here.
"""

from __future__ import annotations

import math

#: School months in a school year (September to June).
MONTHS_PER_YEAR = 10
#: A school month as a share of the year: monthly rates are yearly rates times this.
MONTH = 1 / MONTHS_PER_YEAR
#: The summer comes after this month of the school year.
SUMMER_AFTER = MONTHS_PER_YEAR


def calendar(time: float) -> tuple[int, int]:
    """(year, month) of the school month that starts after ``time`` (both from 1)."""
    index = int(math.floor(time + 1e-9))
    return index // MONTHS_PER_YEAR + 1, index % MONTHS_PER_YEAR + 1


def months(years: float) -> int:
    """Whole school months in ``years`` school years (rounded to the nearest month)."""
    return int(round(years * MONTHS_PER_YEAR))


def year_start(year: int) -> int:
    """The model time at which school year ``year`` (from 1) begins."""
    return (year - 1) * MONTHS_PER_YEAR


def step_calendar(steps: int) -> tuple[int, int]:
    """(year, month) of the month that step number ``steps`` (from 1) simulated."""
    return (steps - 1) // MONTHS_PER_YEAR + 1, (steps - 1) % MONTHS_PER_YEAR + 1


def to_years(time: float):
    """Model time (months since the start) in school years; works on arrays too."""
    return time / MONTHS_PER_YEAR


class SchoolTime:
    """``year`` and ``month`` of a Mesa model's clock (mixed into models whose step is a
    school month)."""

    time: float

    @property
    def year(self) -> int:
        return calendar(self.time)[0]

    @property
    def month(self) -> int:
        return calendar(self.time)[1]
