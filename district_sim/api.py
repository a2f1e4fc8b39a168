"""The Python interface: load a scenario, run it, compare several.

Everything the command line, the browser page and the sweep runner do goes through
these functions, so that a notebook gets the same numbers as the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import calendar
from .metrics import METRICS
from .model import check_seed, is_number
from .record import EVERY, Every, Record
from .scenarios import load_scenario
from .settings import Settings, SettingsError
from .simulation import MAX_MONTHS, simulate, warn_outside
from .threads import blas_threads

__all__ = ["load_scenario", "run", "run_schools", "compare", "outcomes", "replicate_seeds", "AGGREGATES"]

Scenario = str | os.PathLike | Settings

#: How :func:`outcomes` sums up a run: ``final``, the last month's value (what ``compare``'s
#: table and ``analyze`` report as the final year: the end of its tenth month); ``final_year``,
#: the mean over the last school year's months; ``mean``, the mean over every month of the run;
#: ``trajectory``, the value of every school month (an array).
AGGREGATES: tuple[str, ...] = ("final", "final_year", "mean", "trajectory")
Aggregate = Literal["final", "final_year", "mean", "trajectory"]


def check_years(years: float) -> int:
    """School months in ``years`` (0.1 to 200 school years), or SettingsError naming years.

    A number, not a string or a truth value: ``"10"`` or ``True`` is a slip that Python's
    ``float`` would quietly turn into a run."""
    most = MAX_MONTHS // calendar.MONTHS_PER_YEAR
    if not is_number(years):
        raise SettingsError(f"years must be a number of school years between 0.1 and {most}, got {years!r}")
    months = calendar.months(float(years))
    if not 1 <= months <= MAX_MONTHS:
        raise SettingsError(f"years must be between 0.1 and {most}, got {years!r}")
    return months


def check_progress(progress: object) -> Callable[[int, int], None] | None:
    """None, or a function of (months done, months in all)."""
    if progress is not None and not callable(progress):
        raise SettingsError(f"progress must be None or a function of (months done, months in all), "
                            f"got {progress!r}")
    return progress


def check_metrics(metrics: object) -> tuple[str, ...] | None:
    """None (every metric), or metric names from ``metrics.METRICS``, in the order given."""
    if metrics is None:
        return None
    if isinstance(metrics, str) or not isinstance(metrics, Sequence | set | frozenset):
        raise SettingsError(f"metrics must be None or a list of metric names (known: {', '.join(METRICS)}), "
                            f"got {metrics!r}")
    names = tuple(dict.fromkeys(metrics))
    if not names:
        raise SettingsError(f"metrics must name at least one metric (known: {', '.join(METRICS)})")
    for name in names:
        if name not in METRICS:
            raise SettingsError(f"metrics: unknown metric {name!r} (known: {', '.join(METRICS)})")
    return names


def check_record(metrics: object = None, every: object = "month") -> Record:
    """The :class:`Record` of ``run``'s ``metrics`` and ``every``, each checked by name."""
    if not isinstance(every, str) or every not in EVERY:
        raise SettingsError(f"every must be one of {', '.join(map(repr, EVERY))}, got {every!r}")
    return Record(metrics=check_metrics(metrics), every=every)


def run(
    scenario: Scenario,
    years: float = 10,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
    metrics: Sequence[str] | None = None,
    every: Every = "month",
) -> pd.DataFrame:
    """Simulate one district; one row a school month (10 a year) by default.

    ``scenario`` is a name from ``scenarios/``, a TOML path or a Settings object;
    ``overrides`` sets dotted keys (``{"strategy.buffering": 0.2}``); ``progress``
    is called with (months done, months in all) after each simulated year; ``threads`` is
    how many BLAS threads the model may use (default ``$DISTRICT_SIM_THREADS`` or 1).
    ``metrics`` keeps only those columns (after ``year`` and ``month``) and ``every`` says
    which months get a row: ``"month"``, ``"year"`` (the tenth month of each year) or
    ``"final"`` (the last month only). Recording less is faster and never changes a number:
    a row is the same whatever else is recorded.
    """
    months = check_years(years)
    record = check_record(metrics, every)
    check_progress(progress)
    settings = load_scenario(scenario, overrides)
    warn_outside(settings, months)  # the run ends here: a later shock never happens
    df = simulate(settings, check_seed(seed), months, record=record, progress=progress,
                  threads=threads).results()
    df.insert(0, "scenario", settings.name)
    df.insert(1, "seed", seed)
    return df


def outcomes(
    scenario: Scenario,
    years: float = 10,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    metrics: Sequence[str] | None = None,
    aggregate: Aggregate = "final",
    threads: int | None = None,
) -> dict[str, float | np.ndarray]:
    """The outcomes of one run as a flat dict, metric name to value: what an external tool
    (the EMA Workbench, an optimiser, a notebook's loop) reads.

    ``metrics`` (default every metric) are summed up by ``aggregate`` (see :data:`AGGREGATES`):
    ``"final"`` is the number ``compare``'s table and ``analyze`` report for the final year (the
    last month's value), ``"final_year"`` the mean over the last school year's months,
    ``"mean"`` the mean over the whole run, ``"trajectory"`` an array of one value a school month.
    The run is :func:`run`'s with the same arguments: the same numbers.
    """
    if not isinstance(aggregate, str) or aggregate not in AGGREGATES:
        raise SettingsError(f"aggregate must be one of {', '.join(map(repr, AGGREGATES))}, got {aggregate!r}")
    names = check_metrics(metrics) or tuple(m for m in METRICS if m not in ("year", "month"))
    df = run(scenario, years, seed, overrides, threads=threads, metrics=names,
             every="final" if aggregate == "final" else "month")
    return summarise(df, names, aggregate)


def summarise(df: pd.DataFrame, metrics: Sequence[str],
              aggregate: Aggregate) -> dict[str, float | np.ndarray]:
    """One run's table (rows in time order) summed up by ``aggregate``: the one definition of
    the final month, the final year's mean, the run's mean and the trajectory."""
    if aggregate == "final":
        rows = df.tail(1)
    elif aggregate == "final_year":
        rows = df[df["year"] == df["year"].iloc[-1]]
    else:
        rows = df
    if aggregate == "trajectory":
        return {m: rows[m].to_numpy(dtype=float) for m in metrics}
    return {m: float(rows[m].mean()) for m in metrics}


#: What ``run_schools`` records: the per-school rows and none of the district's monthly table.
SCHOOLS_ONLY = Record(metrics=(), schools=True)


def run_schools(
    scenario: Scenario,
    years: int = 10,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Simulate one district; one row a school and school year (years 1..``years``).

    The same run as :func:`run` with the same arguments (same district, same numbers), seen
    school by school: at the end of each year (month 10) its enrolled students' high-need
    share, mean true achievement and mean spring test score (0 if nobody sat it), and its
    teachers' mean practice; its principal at the start of the year (``principal_changed``:
    new in the summer before; ``principal_tenure``: years in post); and the share of its
    teachers who left in the summer *after* the year. ``enrolled``, ``tested`` and
    ``teachers`` are the counts that weight schools into the district's figures.
    """
    months = check_years(years)
    if months % calendar.MONTHS_PER_YEAR:
        raise SettingsError(f"years must be a whole number of school years (1 to 200) for per-school "
                            f"rows, got {years!r}")
    settings = load_scenario(scenario, overrides)
    warn_outside(settings, months)
    df = simulate(settings, check_seed(seed), months, record=SCHOOLS_ONLY).school_record.frame()
    df.insert(0, "scenario", settings.name)
    df.insert(1, "seed", seed)
    return df


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Independent seeds for replicates, spawned from one seed (numpy SeedSequence)."""
    children = np.random.SeedSequence(check_seed(seed)).spawn(replicates)
    return [int(c.generate_state(1, np.uint32)[0]) for c in children]


def compare(
    scenarios: Sequence[Scenario],
    years: float = 10,
    replicates: int = 20,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """Run each scenario ``replicates`` times; long format (scenario, replicate, month).

    Replicate r of every scenario uses the same seed, so scenarios face the same
    random shocks and start from the same district (common random numbers) and their
    differences are paired.
    """
    if isinstance(scenarios, str | os.PathLike | Settings):
        scenarios = [scenarios]
    if not isinstance(scenarios, Sequence):
        raise SettingsError(f"scenarios must be a name or a list of names, got {scenarios!r}")
    if not scenarios:
        raise SettingsError("compare needs at least one scenario")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or not 1 <= replicates <= 10_000:
        raise SettingsError(f"replicates must be a whole number between 1 and 10000, got {replicates!r}")
    check_years(years)
    check_progress(progress)
    blas_threads(threads)  # a bad value is refused before anything runs
    loaded = [load_scenario(s, overrides) for s in scenarios]
    seeds = replicate_seeds(seed, replicates)
    frames, done, total = [], 0, len(loaded) * replicates
    for settings in loaded:
        for r, s in enumerate(seeds):
            df = run(settings, years=years, seed=s, threads=threads)
            df.insert(1, "replicate", r)
            frames.append(df)
            done += 1
            if progress:
                progress(done, total)
    return pd.concat(frames, ignore_index=True)
