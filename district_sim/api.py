"""The Python interface: load a scenario, run it, compare several.

Everything the command line, the browser page and the sweep runner do goes through
these functions, so that a notebook gets the same numbers as the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import calendar
from .model import check_seed
from .record import Record
from .scenarios import load_scenario
from .settings import Settings, SettingsError
from .simulation import simulate
from .threads import blas_threads

__all__ = ["load_scenario", "run", "run_schools", "compare", "replicate_seeds"]

Scenario = str | os.PathLike | Settings


def check_years(years: float) -> int:
    """School months in ``years`` (0.1 to 200 school years), or SettingsError naming years."""
    try:
        months = calendar.months(float(years))
    except (TypeError, ValueError, OverflowError):  # inf and nan cannot be rounded
        raise SettingsError(f"years must be a number between 0.1 and 200, got {years!r}") from None
    if not 1 <= months <= 2000:
        raise SettingsError(f"years must be between 0.1 and 200, got {years!r}")
    return months


def run(
    scenario: Scenario,
    years: float = 10,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """Simulate one district; one row a school month (10 a year).

    ``scenario`` is a name from ``scenarios/``, a TOML path or a Settings object;
    ``overrides`` sets dotted keys (``{"strategy.buffering": 0.2}``); ``progress``
    is called with (months done, months in all) after each simulated year; ``threads`` is
    how many BLAS threads the model may use (default ``$DISTRICT_SIM_THREADS`` or 1).
    """
    months = check_years(years)
    settings = load_scenario(scenario, overrides)
    df = simulate(settings, check_seed(seed), months, progress=progress, threads=threads).results()
    df.insert(0, "scenario", settings.name)
    df.insert(1, "seed", seed)
    return df


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
