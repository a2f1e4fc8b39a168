"""What a run records: which metrics, and how often.

A sweep of thousands of runs wants a few metrics once a year; the page and ``run`` want
every metric every month; the decomposition wants nothing but the last month's mean.
:class:`Record` says which; the model collects its monthly row only when the record asks,
so a run that records less does less and its numbers are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from .calendar import MONTHS_PER_YEAR
from .metrics import REPORTERS
from .school_record import SchoolRecord
from .settings import SettingsError

Every = Literal["month", "year", "final"]
EVERY: tuple[str, ...] = ("month", "year", "final")


@dataclass(frozen=True)
class Record:
    """Which metrics a run records (None: all of them) and when: every school month, the
    last month of each school year (before its summer), or the final month only; and
    whether it also keeps one row a school and school year (``schools``, see
    :mod:`~district_sim.school_record`), whatever it keeps of the district's metrics."""

    metrics: tuple[str, ...] | None = None
    every: Every = "month"
    schools: bool = False

    def __post_init__(self) -> None:
        if self.every not in EVERY:
            raise SettingsError(f"record every must be one of {', '.join(EVERY)}, got {self.every!r}")
        if not isinstance(self.schools, bool):
            raise SettingsError(f"record schools must be True or False, got {self.schools!r}")
        if self.metrics is not None:
            object.__setattr__(self, "metrics", tuple(self.metrics))

    def reporters(self) -> dict:
        """The metrics' reporters, in table order; the calendar columns always come first."""
        if self.metrics is None:
            return dict(REPORTERS)
        unknown = [m for m in self.metrics if m not in REPORTERS]
        if unknown:
            raise SettingsError(f"unknown metric {unknown[0]!r} (known: {', '.join(REPORTERS)})")
        keep = {"year", "month", *self.metrics}
        return {name: f for name, f in REPORTERS.items() if name in keep}

    def due(self, steps: int, final: int | None) -> bool:
        """Is the month just simulated (step number ``steps``) recorded? ``final`` is the run's
        last step, when known."""
        if self.metrics == ():
            return False
        if self.every == "month":
            return True
        if self.every == "year":
            return steps % MONTHS_PER_YEAR == 0
        return final is not None and steps == final

    def school_record(self, model: Any) -> SchoolRecord | None:
        """The per-school record for ``model`` (None unless ``schools``); it reads, never writes."""
        return SchoolRecord(model) if self.schools else None


class MonthlyTable:
    """The recorded rows: one list a metric, as Mesa's ``DataCollector.model_vars`` holds them.

    Mesa's collector deep-copies every reporter's value in case it is a mutable object; every
    metric here returns a plain number, so the copies bought nothing and cost about a quarter
    of a small run. Same values, same table."""

    def __init__(self, reporters: dict[str, Callable[[Any], float]]) -> None:
        self.reporters = reporters
        self.model_vars: dict[str, list[float]] = {name: [] for name in reporters}
        self._columns = [(self.model_vars[name], f) for name, f in reporters.items()]

    def collect(self, model: Any) -> None:
        for column, reporter in self._columns:
            column.append(reporter(model))

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return pd.DataFrame(self.model_vars)


#: Everything, every month: what ``run`` returns and the page draws.
EVERYTHING = Record()
#: Nothing: for callers that read the district's state at the end.
NOTHING = Record(metrics=())
