"""Fade-out: what a year adds beyond normal growth partly fades, toward a durable share.

A student's achievement is a durable part plus a fading part. Each school month, the
month's gain in z (anything beyond the national norm's growth: a teacher's value-added,
engagement, an initiative, a pandemic's loss) goes a share ``durable`` to the lasting part
and the rest to the fading part, which keeps ``retention`` of itself a month.

Studies measure persistence against the end-of-year gain: the share of it still there a
year later (Jacob, Lefgren and Sims 2010; Chetty, Friedman and Rockoff 2014) and, in the
long run, the share that stays. The settings are those two measured shares, P1 and L; the
monthly rates follow from them in closed form. For a gain made evenly over a school year of
M months, a share A(r) = (1 - r^M) / (M (1 - r)) of its fading part is left at the year's
end, so the end-of-year gain is d + (1 - d) A, and

    L  = d / (d + (1 - d) A)            =>  d = L A / (1 - L + L A)
    P1 = L + (1 - L) r^M                =>  r = ((P1 - L) / (1 - L))^(1/M).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..calendar import MONTH, MONTHS_PER_YEAR


def kept_over_year(r: float) -> float:
    """A(r): mean share of the fading part of gains made evenly over a school year that is
    left at the year's end."""
    if r >= 1.0:
        return 1.0
    return (1.0 - r**MONTHS_PER_YEAR) / (MONTHS_PER_YEAR * (1.0 - r))


@lru_cache(maxsize=64)
def monthly_rates(one_year: float, long_run: float) -> tuple[float, float]:
    """(durable share of a month's gain, monthly retention of the fading part) that make a
    study measure ``one_year`` and ``long_run`` persistence."""
    if long_run >= 1.0 or one_year >= 1.0:
        return 1.0, 1.0
    r = ((one_year - long_run) / (1.0 - long_run)) ** (1.0 / MONTHS_PER_YEAR)
    a = kept_over_year(r)
    return long_run * a / (1.0 - long_run + long_run * a), r


def rates(students_settings) -> tuple[float, float]:
    """(durable share, monthly retention) of the ``students`` settings (a long-run share above
    the one-year share is the one-year share: nothing fades after the first year)."""
    one_year = students_settings.persistence_one_year
    return monthly_rates(one_year, min(students_settings.persistence_long_run, one_year))


def kept_at_year_end(students_settings) -> float:
    """Share of a gain made evenly over a school year that its end-of-year score shows."""
    durable, r = rates(students_settings)
    return durable + (1.0 - durable) * kept_over_year(r)


def settled_fading(drift: np.ndarray, grade: np.ndarray, durable: float, r: float) -> np.ndarray:
    """The fading part a student holds after ``grade`` school years of a steady ``drift`` (z a
    year) since kindergarten: what a district that has always run this way holds."""
    months = MONTHS_PER_YEAR * np.asarray(grade, dtype=float)
    monthly = (1.0 - durable) * MONTH * np.asarray(drift, dtype=float)
    if r >= 1.0:
        return monthly * months
    return monthly * (1.0 - r**months) / (1.0 - r)
