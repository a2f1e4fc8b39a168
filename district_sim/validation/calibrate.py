"""Calibration: which parameter vectors reproduce every figure of the field at once, and
what the headline is over them (``python -m district_sim.validation.calibrate``).

A one-shot Latin hypercube over the workforce settings found no vector hitting their twelve
targets at once, so the search is sequential, and the other targets are checked after it:

1. **Search, ABC-SMC-like with a shrinking tolerance** (Toni et al. 2009; Beaumont et al.
   2009). Wave 0 is a Latin hypercube over the prior box of the workforce settings
   (``PINNED``). Each later wave draws new vectors around the ``--population`` closest found
   so far (distance: how far the workforce targets' means over ``--seeds`` seeds lie outside
   their ranges, 0 when all hit; ranked on the ranges' inner bands, :data:`MARGIN`), with a
   Gaussian kernel of their covariance, inside the box. The tolerance entering a wave is the
   largest distance in its population, so it shrinks toward 0 as the population moves into
   the region. It stops when ``--enough`` vectors
   hit every workforce target or after ``--waves`` waves. A profile through the defaults
   (each setting over ``--points`` steps) is kept as a cross-section.
2. **Fresh seeds.** The search selects on its seeds' noise, so every vector it accepted is
   re-run on seeds it never saw; only those still hitting every workforce target go on.
3. **Every target.** Each confirmed vector (at most ``--keep``) is paired with one Latin-
   hypercube draw of the settings no figure pins (``UNPINNED``: their uncertainty belongs in
   the headline's range) and the joint vector runs through every target in ``TARGETS`` (read
   at run time, so new targets join automatically) on ``--check-seeds`` fresh seeds, its means
   corrected by the defaults' seed luck on those seeds (:func:`corrected`). Vectors hitting
   every target are the **accepted set**.
4. **Headline.** For each accepted vector, focused minus fragmented and focused minus
   status_quo achievement at year 10 (paired seeds), recorded with the vectors in
   ``district_sim/validation/accepted.csv`` (read by :mod:`.accepted`, printed by
   ``district-sim validate``).
5. **Coaching grid** over pace, transfer and caseload at the other defaults.

Every vector's probes run through :func:`vector_in_probes`, which hands the vector to every
district a probe builds, so a probe added to ``targets.PROBES`` needs nothing here.

``docs/calibration.md`` is written from the results, saying which targets were checked
with how many seeds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..api import replicate_seeds
from ..settings import Settings, SettingsError, SmallSchoolWarning
from . import accepted as accepted_set
from . import probes
from .targets import BY_KEY, PROBES, TARGETS, Target

#: Stage 1: settings the workforce targets speak to, with wide prior ranges.
PINNED: dict[str, tuple[float, float]] = {
    "teachers.base_turnover": (0.06, 0.24),
    "teachers.novice_turnover_ratio": (1.0, 2.2),
    "teachers.high_poverty_turnover_ratio": (1.0, 2.4),
    "teachers.support_turnover": (0.0, 2.0),
    "teachers.practice_sd": (0.05, 0.20),
    "teachers.novice_gap": (0.02, 0.16),
    "teachers.experience_years": (0.5, 5.0),
    "teachers.environment_boost": (0.0, 12.0),
    "leadership.principal_turnover": (0.08, 0.32),
}

#: Stage 3: settings no published figure pins, over ranges their descriptions make plausible.
#: Each accepted vector carries one draw of them, so the headline's range covers them too.
UNPINNED: dict[str, tuple[float, float]] = {
    "initiatives.learning_rate": (0.035, 0.09),
    "initiatives.practice_gain": (0.006, 0.02),
    "initiatives.implementation_threshold": (0.2, 0.6),
    "initiatives.implementation_dip": (0.0, 0.012),
    "initiatives.depth_decay": (0.01, 0.06),
    "initiatives.unaligned_potency": (0.2, 0.9),
    "capacity.teacher_attention": (0.6, 1.6),
    "teachers.fatigue_rate": (0.02, 0.1),
    "teachers.cynicism_rate": (0.05, 0.3),
    "leadership.strategy_replacement": (0.3, 0.9),
}

#: The probes whose targets the search fits (stage 1). Every other target is checked in stage
#: 3; to search settings another probe pins, add them to ``PINNED`` and the probe here.
SEARCHED_PROBES = ("workforce",)
WORKFORCE = [t for t in TARGETS if t.probe in SEARCHED_PROBES]
CAL_SIZE = dict(probes.SIZE)

#: Stage 5: the coaching grid. Pace and transfer are pinned by the small-scale trials; the
#: caseload spans the range practice reports, to show how the at-scale effect depends on it.
COACHING_GRID: dict[str, tuple[float, ...]] = {
    "coaching.pace": (2.0, 4.0, 6.0, 8.0, 10.0),
    "coaching.transfer": (0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
    "coaching.caseload": (10, 15, 20),
}
COACHING = [t for t in TARGETS if t.probe.startswith("coaching")]

Progress = Callable[[int, int], None] | None
#: Rows of the search that are the search's own draws (not the profile or the defaults).
SEARCH_ROUNDS = ("hypercube", "wave")


def latin_hypercube(ranges: dict[str, tuple[float, float]], n: int, seed: int) -> pd.DataFrame:
    """``n`` draws, one in each of ``n`` equal strata of every range, strata paired at random."""
    rng = np.random.default_rng(seed)
    cols = {}
    for name, (low, high) in ranges.items():
        u = (rng.permutation(n) + rng.random(n)) / n
        cols[name] = low + (high - low) * u
    return pd.DataFrame(cols, columns=list(ranges))


def _defaults(names) -> dict[str, float]:
    s = Settings()
    out = {}
    for dotted in names:
        section, key = dotted.split(".")
        out[dotted] = float(getattr(getattr(s, section), key))
    return out


# --- one parameter vector through the probes ---------------------------------------------------


@contextmanager
def vector_in_probes(params: dict[str, float]):
    """Every district a probe builds gets ``params`` on top of the probe's own design.

    The probes build their districts with ``probes.load_scenario``; wrapping it reaches every
    probe, today's and those added later, without each needing an overrides argument. Yields
    the list of scenarios built, so a caller can tell a probe the vector never reached."""
    original = probes.load_scenario
    built: list[str] = []

    def with_vector(name, overrides=None):
        built.append(str(name))
        return original(name, {**(overrides or {}), **params})

    probes.load_scenario = with_vector
    try:
        yield built
    finally:
        probes.load_scenario = original


def probe_stats(name: str, seed: int, params: dict[str, float]) -> dict[str, float]:
    """One probe's statistics for one seed at ``params``. A probe that builds its district
    some other way would silently run the defaults: that is an error, not a pass."""
    with vector_in_probes(params) as built:
        stats = PROBES[name](seed)
    if params and not built:
        raise RuntimeError(f"probe {name!r} builds no district with probes.load_scenario, so a "
                           "parameter vector cannot reach it")
    return stats


def target_runs(params: dict[str, float], seeds: Sequence[int], targets: Sequence[Target]) -> pd.DataFrame:
    """Each target's statistic at ``params``, one row a seed; each probe runs once a seed."""
    out = {}
    for name in dict.fromkeys(t.probe for t in targets):
        runs = [probe_stats(name, s, params) for s in seeds]
        for t in (t for t in targets if t.probe == name):
            out[t.key] = [float(r[t.statistic]) for r in runs]
    return pd.DataFrame(out, index=list(seeds), columns=[t.key for t in targets], dtype=float)


def target_means(params: dict[str, float], seeds: Sequence[int],
                 targets: Sequence[Target]) -> dict[str, float]:
    """Mean of each target's statistic over ``seeds`` at ``params`` (NaN seeds left out)."""
    return target_runs(params, seeds, targets).mean(skipna=True).to_dict()


def passes(fit: dict[str, float], targets: Sequence[Target] = WORKFORCE) -> bool:
    """Every target's mean inside its accepted range at once."""
    return all(t.hit(fit[t.key]) for t in targets)


def _width(t: Target) -> float:
    """The unit a miss is measured in: the range's width, or a fifth of its one finite bound."""
    if np.isfinite(t.low) and np.isfinite(t.high):
        return t.high - t.low
    bound = t.low if np.isfinite(t.low) else t.high
    return 0.2 * abs(bound) or 1.0


#: The search ranks vectors by their distance to the inner band of each range, this share of
#: its width in from each end: a few seeds' mean of a workforce statistic wanders about 15-25%
#: of its range's width, so a population gathered on the region's edge would pass on its own
#: seeds and miss on fresh ones. Acceptance is always on the full ranges.
MARGIN = 0.15


def distance(fit: dict[str, float], targets: Sequence[Target] = WORKFORCE, margin: float = 0.0) -> float:
    """How far a vector is from reproducing every pattern: each target's distance outside its
    range (narrowed by ``margin`` of its width at each end) in units of the range's width,
    summed; with no margin, 0 exactly when all hit."""
    total = 0.0
    for t in targets:
        v, w = fit[t.key], _width(t)
        if not np.isfinite(v):
            return np.inf
        total += max(0.0, t.low + margin * w - v, v - (t.high - margin * w)) / w
    return total


def _fit_row(params: dict[str, float], seeds: list[int], keys: list[str]) -> dict:
    """A worker's task: one vector on its seeds, against the targets named by ``keys``."""
    targets = [BY_KEY[k] for k in keys]
    fit = target_means(params, seeds, targets)
    return {**params, **fit, "distance": distance(fit, targets), "accepted": passes(fit, targets),
            "inner_distance": distance(fit, targets, MARGIN)}


def run_tasks(func, tasks: list[tuple], workers: int = 1, progress: Progress = None) -> list:
    """``func(*task)`` for every task, in task order, on ``workers`` processes. Each task
    carries its own seeds, so results do not depend on the number of workers."""
    if workers == 1 or len(tasks) <= 1:
        out = []
        for i, task in enumerate(tasks):
            out.append(func(*task))
            if progress:
                progress(i + 1, len(tasks))
        return out
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ..experiments.runner import _mp_context

    out = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_mp_context(),
                             initializer=quiet_small_schools) as pool:
        with warnings.catch_warnings():  # as in decompose: only native thread pools are running
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            futures = {pool.submit(func, *task): i for i, task in enumerate(tasks)}
        for done, fut in enumerate(as_completed(futures), start=1):
            out[futures[fut]] = fut.result()
            if progress:
                progress(done, len(tasks))
    return out


def evaluate(design: pd.DataFrame, seeds: list[int], targets: Sequence[Target] = WORKFORCE,
             workers: int = 1, progress: Progress = None) -> pd.DataFrame:
    """Each row of ``design`` (a vector) against ``targets``: their means, distance, accepted."""
    keys = [t.key for t in targets]
    tasks = [(row.to_dict(), list(seeds), keys) for _, row in design.iterrows()]
    rows = run_tasks(_fit_row, tasks, workers, progress)
    columns = [*design.columns, *keys, "distance", "accepted", "inner_distance"]
    return pd.DataFrame(rows, columns=columns)


# --- stage 1: the sequential search --------------------------------------------------------------


def _to_unit(frame: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> np.ndarray:
    low, high = (np.array([r[i] for r in ranges.values()]) for i in (0, 1))
    return (frame[list(ranges)].to_numpy(dtype=float) - low) / (high - low)


def _from_unit(u: np.ndarray, ranges: dict[str, tuple[float, float]]) -> pd.DataFrame:
    low, high = (np.array([r[i] for r in ranges.values()]) for i in (0, 1))
    return pd.DataFrame(low + u * (high - low), columns=list(ranges))


#: The kernel's covariance over the population's. Beaumont et al. (2009) use 2 to sample a
#: posterior; searching for a region, 1 gathers faster (a trial of 60 + 8 x 30 vectors on 2
#: seeds: 40 vectors hitting every workforce target against 2 after 6 waves with 2).
KERNEL_SCALE = 1.0


def propose(elite: pd.DataFrame, n: int, rng: np.random.Generator,
            ranges: dict[str, tuple[float, float]] = PINNED) -> pd.DataFrame:
    """``n`` new vectors around the elite: a random member moved by a Gaussian kernel with the
    elite's covariance (times :data:`KERNEL_SCALE`: wide enough to explore, narrowing as the
    elite gathers), redrawn until inside the prior box. Works in units of each range."""
    u = _to_unit(elite, ranges)
    d = u.shape[1]
    cov = KERNEL_SCALE * np.cov(u, rowvar=False) if len(u) > 1 else 0.01 * np.eye(d)
    cov = np.atleast_2d(cov) + 1e-6 * np.eye(d)  # stays positive definite if members coincide
    kept: list[np.ndarray] = []
    for _ in range(1000):
        moved = u[rng.integers(len(u), size=n)] + rng.multivariate_normal(np.zeros(d), cov, size=n)
        kept.extend(moved[((moved >= 0) & (moved <= 1)).all(axis=1)])
        if len(kept) >= n:
            break
    else:  # a box the kernel almost never lands in: fall back to clipping
        kept.extend(np.clip(moved, 0, 1))
    return _from_unit(np.array(kept[:n]), ranges)


def search(draws: int, waves: int, per_wave: int, population: int, enough: int, seeds: list[int],
           seed: int, workers: int = 1, progress: Progress = None) -> pd.DataFrame:
    """ABC-SMC-like search of the workforce settings: a Latin hypercube, then waves of new
    vectors around the ``population`` closest found so far, until ``enough`` hit every
    workforce target or ``waves`` are done. The population is ranked by the distance to the
    ranges' inner bands (:data:`MARGIN`); the tolerance entering a wave is the largest such
    distance in it, so it shrinks toward 0 as the population moves into the region."""
    rng = np.random.default_rng([seed, 1])
    planned = draws + waves * per_wave

    def step(offset):  # progress over the whole search, not wave by wave
        return (lambda done, _: progress(offset + done, planned)) if progress else None

    found = evaluate(latin_hypercube(PINNED, draws, seed), seeds, WORKFORCE, workers, step(0))
    found = found.assign(round="hypercube", wave=0, tolerance=np.inf)
    for wave in range(1, waves + 1):
        if found["accepted"].sum() >= enough:
            break
        elite = found[np.isfinite(found["inner_distance"])].nsmallest(population, "inner_distance")
        if len(elite) < 2:
            break
        new = evaluate(propose(elite, per_wave, rng), seeds, WORKFORCE, workers, step(len(found)))
        new = new.assign(round="wave", wave=wave, tolerance=float(elite["inner_distance"].max()))
        found = pd.concat([found, new], ignore_index=True)
    return found


def profile(points: int, seeds: list[int], workers: int = 1, progress: Progress = None) -> pd.DataFrame:
    """A cross-section of the accepted region through the defaults: each setting in turn over
    ``points`` even steps of its prior range, the others held at their defaults."""
    base = _defaults(PINNED)
    grid = pd.DataFrame([{**base, name: v} for name, (low, high) in PINNED.items()
                         for v in np.linspace(low, high, points)])
    rows = evaluate(grid, seeds, WORKFORCE, workers, progress)
    return rows.assign(round="profile", profiled=np.repeat(list(PINNED), points))


def stage_one(draws: int, seeds: int, seed: int, progress: Progress = None, points: int = 13,
              waves: int = 12, per_wave: int = 100, population: int = 40, enough: int = 100,
              workers: int = 1) -> pd.DataFrame:
    """The search, the profile and the defaults (on at least 10 seeds), one table."""
    seed_list = replicate_seeds(seed, seeds)
    found = search(draws, waves, per_wave, population, enough, seed_list, seed, workers, progress)
    prof = profile(points, seed_list, workers, progress)
    base = evaluate(pd.DataFrame([_defaults(PINNED)]), replicate_seeds(seed, max(seeds, 10)))
    return pd.concat([found, prof, base.assign(round="defaults")], ignore_index=True).assign(
        defaults=lambda f: f["round"] == "defaults")


# --- stages 2 and 3: fresh seeds, every target -------------------------------------------------


def fresh_seeds(seed: int, used: int, n: int) -> list[int]:
    """``n`` seeds independent of the first ``used`` spawned from ``seed`` (the later children
    of the same SeedSequence), so a check never reuses the seeds a vector was selected on."""
    return replicate_seeds(seed, used + n)[used:]


def confirm(one: pd.DataFrame, seeds: list[int], workers: int = 1, progress: Progress = None) -> pd.DataFrame:
    """Re-run every vector the search accepted on fresh seeds: those still hitting every
    workforce target are *confirmed* (selection on the search's own noise is undone)."""
    hits = one[one["round"].isin(SEARCH_ROUNDS) & one["accepted"]]
    again = evaluate(hits[list(PINNED)], seeds, WORKFORCE, workers, progress)
    return again.assign(search_row=hits.index.to_numpy())


def reference(seeds: list[int], workers: int = 1, progress: Progress = None) -> pd.DataFrame:
    """The shipped defaults on ``seeds``, every target, one row a seed (stage 3's control)."""
    rows = run_tasks(target_runs, [({}, [s], TARGETS) for s in seeds], workers, progress)
    return pd.concat(rows)


def control_weights(runs: list[pd.DataFrame], ref: pd.DataFrame) -> pd.Series:
    """Per target, how much of the defaults' seed luck a vector shares: the pooled within-vector
    regression of each vector's per-seed statistic on the defaults' on the same seed, clipped
    to 0-1. 1 where the vector's draws follow the defaults' (common random numbers hold); 0
    where they do not, so that correcting would only add the defaults' noise."""
    weights = {}
    for key in ref.columns:
        e = ref[key].to_numpy(dtype=float) - np.nanmean(ref[key].to_numpy(dtype=float))
        x = np.array([r[key].to_numpy(dtype=float) for r in runs]).reshape(len(runs), len(e))
        d = x - np.nanmean(x, axis=1, keepdims=True) if len(runs) else x
        ok = np.isfinite(d) & np.isfinite(e)
        den = float(np.sum(np.broadcast_to(e, d.shape)[ok] ** 2))
        num = float(np.sum((d * e)[ok]))
        weights[key] = float(np.clip(num / den, 0.0, 1.0)) if den > 0 else 0.0
    return pd.Series(weights)


def corrected(runs: list[pd.DataFrame], ref: pd.DataFrame, check: list[int],
              weights: pd.Series | None = None) -> pd.DataFrame:
    """Each vector's target means on the ``check`` seeds, moved by its share of the defaults'
    seed luck on them: mean + weight x (defaults' mean over every reference seed - their mean
    over ``check``), with the weights of :func:`control_weights` unless given.

    A control variate on common random numbers: where a vector's draws follow the defaults'
    and it moves a statistic little, its estimate is close to the defaults' mean over many
    seeds rather than a few seeds' draw that could reject every vector at once on seed luck
    (one seed's superintendent tenure wanders about the target's whole range)."""
    on_check = ref.loc[check]
    weights = control_weights(runs, on_check) if weights is None else weights
    shift = weights * (ref.mean(skipna=True) - on_check.mean(skipna=True))
    raw = pd.DataFrame([r.mean(skipna=True) for r in runs], columns=ref.columns)
    out = raw + shift
    out[[f"{key}_raw" for key in ref.columns]] = raw.to_numpy()
    return out


def check_every_target(confirmed: pd.DataFrame, keep: int, check: list[int], ref: pd.DataFrame, seed: int,
                       workers: int = 1, progress: Progress = None) -> tuple[pd.DataFrame, pd.Series]:
    """Pair each confirmed vector (at most ``keep``, a seeded random subset) with one Latin-
    hypercube draw of the unpinned settings and run the joint vector through every target on
    the ``check`` seeds; judged on the corrected means (:func:`corrected`). Returns the
    vectors and the correction weights."""
    pool = confirmed[confirmed["accepted"].astype(bool)].reset_index(drop=True)
    if len(pool) > keep:
        pool = pool.iloc[np.sort(np.random.default_rng([seed, 3]).choice(len(pool), keep, replace=False))]
    joint = pd.concat([pool[list(PINNED)].reset_index(drop=True),
                       latin_hypercube(UNPINNED, len(pool), seed + 1)], axis=1)
    tasks = [(row.to_dict(), check, TARGETS) for _, row in joint.iterrows()]
    runs = run_tasks(target_runs, tasks, workers, progress)
    weights = control_weights(runs, ref.loc[check])
    rows = pd.concat([joint, corrected(runs, ref, check, weights)], axis=1)
    rows["accepted"] = [passes(r, TARGETS) for _, r in rows.iterrows()]
    rows["distance"] = [distance(r, TARGETS) for _, r in rows.iterrows()]
    rows["failed"] = [" ".join(t.key for t in TARGETS if not t.hit(r[t.key])) for _, r in rows.iterrows()]
    return rows, weights


# --- stage 4: the headline over the accepted set ------------------------------------------------


def _headline_row(params: dict[str, float], seeds: int, seed: int) -> dict[str, float]:
    return accepted_set.summarise(accepted_set.headline_differences(params, seeds, seed))


def headline(vectors: pd.DataFrame, seeds: int, seed: int, workers: int = 1,
             progress: Progress = None) -> pd.DataFrame:
    """Each vector with its headline (mean and 95% interval of each contrast, paired seeds)."""
    tasks = [(row.to_dict(), seeds, seed) for _, row in vectors.iterrows()]
    rows = run_tasks(_headline_row, tasks, workers, progress)
    keys = [f"{c.key}{end}" for c in accepted_set.CONTRASTS for end in ("", "_low", "_high")]
    return pd.concat([vectors.reset_index(drop=True), pd.DataFrame(rows, columns=keys)], axis=1)


def record(heads: pd.DataFrame, meta: dict[str, str], path: Path) -> Path:
    """Write the accepted set (each joint vector passing every target, with its headline)."""
    return accepted_set.write(heads, meta, path)


def coaching_fit(params: dict[str, float], seeds: list[int]) -> dict[str, float]:
    """Mean of each coaching target over ``seeds`` at ``params``, and the value-added gains
    behind the instruction targets (before ``observation_validity`` converts them)."""
    overrides = {k: (int(v) if k == "coaching.caseload" else v) for k, v in params.items()}
    runs = {probe: [probes.coaching(s, treated_schools=n, overrides=overrides) for s in seeds]
            for probe, n in (("coaching_small", 2), ("coaching_scale", 20))}
    out = {t.key: float(np.mean([r[t.statistic] for r in runs[t.probe]])) for t in COACHING}
    for probe, rows in runs.items():
        out[f"{probe}_value_added"] = float(np.mean([r["value_added"] for r in rows]))
    return out


#: The fitted figure: the small-scale effect on achievement (student SD, no conversion).
FITTED = "coaching_achievement_small"


def coaching_stage(seeds: int, seed: int, progress: Progress = None, workers: int = 1) -> pd.DataFrame:
    """The coaching grid. A point *fits* when the small-scale achievement effect hits; the
    other three coaching rows are reported as checks at the fitting points."""
    grid = pd.MultiIndex.from_product(list(COACHING_GRID.values()), names=list(COACHING_GRID)).to_frame(
        index=False)
    seed_list = replicate_seeds(seed, seeds)
    base = _defaults(COACHING_GRID)
    points = [row.to_dict() for _, row in grid.iterrows()]
    fits = run_tasks(coaching_fit, [(p, seed_list) for p in points], workers, progress)
    return pd.DataFrame([{**p, **fit, "fits": BY_KEY[FITTED].hit(fit[FITTED]),
                          "accepted": all(t.hit(fit[t.key]) for t in COACHING),
                          "defaults": all(np.isclose(p[k], base[k]) for k in p)}
                         for p, fit in zip(points, fits, strict=True)])


def share_not_size(seeds: int, seed: int) -> dict[str, float]:
    """The at-scale probe's programme (20 schools, about 380 teachers) inside a district ten
    times larger: same programme size, a tenth of the workforce coached."""
    runs = [probes.coaching(s, treated_schools=20, schools=200) for s in replicate_seeds(seed, seeds)]
    return {k: float(np.mean([r[k] for r in runs])) for k in ("practice", "achievement")}


def validity_band(three: pd.DataFrame) -> tuple[float, float]:
    """The ``observation_validity`` values for which both instruction targets pass at the
    shipped defaults (instruction = value-added gain x validity)."""
    d = three[three["defaults"]].iloc[0]
    low, high = 0.0, np.inf
    for key, va in (("coaching_practice_small", d["coaching_small_value_added"]),
                    ("coaching_practice_scale", d["coaching_scale_value_added"])):
        t = BY_KEY[key]
        low, high = max(low, t.low / va), min(high, t.high / va)
    return low, high


# --- the whole run ----------------------------------------------------------------------------------


@dataclass
class Calibration:
    """Everything one run found, stage by stage, for the document and the files."""

    one: pd.DataFrame        # the search, the profile and the defaults (workforce targets)
    confirmed: pd.DataFrame  # the search's accepted vectors on fresh seeds
    checked: pd.DataFrame    # joint vectors against every target on fresh seeds
    ref: pd.DataFrame        # the defaults on the reference seeds, every target, one row a seed
    weights: pd.Series       # stage 3's control-variate weight of each target
    heads: pd.DataFrame      # the accepted set with each vector's headline
    at_defaults: dict[str, float]  # the headline at the shipped defaults
    coaching: pd.DataFrame   # the coaching grid
    size: dict[str, float]   # the at-scale programme in a district ten times larger
    laps: dict[str, float]   # seconds each stage took

    @property
    def seconds(self) -> float:
        return sum(self.laps.values())


class Laps(dict):
    """Seconds each stage took (stage -> seconds), so the document helps plan budgets."""

    def __init__(self) -> None:
        super().__init__()
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self[stage], self._last = now - self._last, now


def run_all(args, say=lambda stage: None) -> Calibration:
    """Every stage in order, with the budgets of ``args`` (see :func:`parse`)."""
    laps = Laps()
    one = stage_one(args.draws, args.seeds, args.seed, say("stage 1: search"), points=args.points,
                    waves=args.waves, per_wave=args.per_wave, population=args.population,
                    enough=args.enough, workers=args.workers)
    laps.lap("search")
    confirmed = confirm(one, fresh_seeds(args.seed, args.seeds, args.confirm_seeds), args.workers,
                        say("stage 2: fresh seeds"))
    laps.lap("fresh seeds")
    ref_seeds = fresh_seeds(args.seed, args.seeds + args.confirm_seeds,
                            max(args.reference_seeds, args.check_seeds))
    ref = reference(ref_seeds, args.workers, say("stage 3: the defaults"))
    checked, weights = check_every_target(confirmed, args.keep, ref_seeds[: args.check_seeds], ref,
                                          args.seed, args.workers, say("stage 3: every target"))
    laps.lap("every target")
    passed = checked[checked["accepted"].astype(bool)]
    heads = headline(passed[[*PINNED, *UNPINNED]], args.headline_seeds, args.seed, args.workers,
                     say("stage 4: headline"))
    heads.insert(0, "vector", passed.index.to_numpy())
    at_defaults = _headline_row({}, args.headline_seeds, args.seed)
    laps.lap("headline")
    coaching = coaching_stage(args.coaching_seeds, args.seed, say("stage 5: coaching"), args.workers)
    size = share_not_size(args.coaching_seeds, args.seed)
    laps.lap("coaching")
    return Calibration(one, confirmed, checked, ref, weights, heads, at_defaults, coaching, size, dict(laps))


def command(args) -> str:
    """The command line that reproduces a run."""
    flags = " ".join(f"--{name.replace('_', '-')} {getattr(args, name)}" for name in BUDGETS)
    return f"python -m district_sim.validation.calibrate {flags} --seed {args.seed}"


def provenance(cal: Calibration, args) -> dict[str, str]:
    """The accepted set's ``# key: value`` lines: how it was found, and under which defaults."""
    d = cal.at_defaults
    return {
        "what": "parameter vectors passing every validation target at once, with their headline "
                "(docs/calibration.md)",
        "command": command(args),
        "date": date.today().isoformat(),
        "district_sim": __version__,
        "settings_fingerprint": accepted_set.settings_fingerprint(),
        "targets": " ".join(t.key for t in TARGETS),
        "target_seeds": f"every target on {args.check_seeds} fresh seeds, corrected by the defaults on "
                        f"{max(args.reference_seeds, args.check_seeds)}, after {args.seeds} + "
                        f"{args.confirm_seeds} seeds for the workforce targets",
        "headline": f"year-{accepted_set.YEARS} achievement differences, {args.headline_seeds} paired "
                    f"seeds, {accepted_set.HEADLINE_SIZE['district.students']} students in "
                    f"{accepted_set.HEADLINE_SIZE['district.schools']} schools",
        "at_defaults": " ".join(f"{c.key}={d[c.key]:+.4f}" for c in accepted_set.CONTRASTS),
    }


# --- the document -------------------------------------------------------------------------------


def _search_rows(one: pd.DataFrame) -> pd.DataFrame:
    return one[one["round"].isin(SEARCH_ROUNDS)]


def _wave_table(one: pd.DataFrame) -> str:
    """How the search converged: per wave, the tolerance it entered with and what it found."""
    lines = ["| wave | vectors drawn | tolerance (largest inner-band distance in its population) | "
             "median distance | closest | hitting every workforce target | so far |",
             "|---|---|---|---|---|---|---|"]
    total = 0
    for wave, part in _search_rows(one).groupby("wave"):
        hits = int(part["accepted"].sum())
        total += hits
        tol = "-" if wave == 0 else f"{part['tolerance'].iloc[0]:.2f}"
        name = "0 (Latin hypercube)" if wave == 0 else str(int(wave))
        lines.append(f"| {name} | {len(part)} | {tol} | {part['distance'].median():.2f} | "
                     f"{part['distance'].min():.2f} | {hits} | {total} |")
    return "\n".join(lines)


def _profile_stretch(prof: pd.DataFrame, name: str, default: float, low: float, high: float):
    """The accepted stretch of one profile that contains (or lies nearest) the default, and
    its share of the prior range."""
    prof = prof.sort_values(name)
    ok, values = prof["accepted"].to_numpy(dtype=bool), prof[name].to_numpy()
    if not ok.any():
        return "none on the grid", 0.0
    i = int(np.argmin(np.abs(values - default) + 1e9 * ~ok))
    a = b = i
    while a > 0 and ok[a - 1]:
        a -= 1
    while b < len(ok) - 1 and ok[b + 1]:
        b += 1
    step = (high - low) / max(len(values) - 1, 1)
    share = (min(high, values[b] + step / 2) - max(low, values[a] - step / 2)) / (high - low)
    return f"{values[a]:.3g} - {values[b]:.3g}", share


def _region_table(one: pd.DataFrame, heads: pd.DataFrame) -> str:
    """Per workforce setting: its span over the accepted set and its profile through the defaults."""
    default = one[one["defaults"]].iloc[0]
    lines = ["| parameter | prior range | over the accepted set | profile through the defaults | "
             "share of prior range (the wider) | shipped default | pinned? |",
             "|---|---|---|---|---|---|---|"]
    for name, (low, high) in PINNED.items():
        prof = one[(one["round"] == "profile") & (one["profiled"] == name)]
        stretch, share = _profile_stretch(prof, name, default[name], low, high)
        if len(heads):
            span = f"{heads[name].min():.3g} - {heads[name].max():.3g}"
            share = max(share, (heads[name].max() - heads[name].min()) / (high - low))
        else:
            span = "none"
        pinned = "yes" if share < 0.6 else ("partly" if share < 0.85 else "no")
        lines.append(f"| `{name}` | {low:g} - {high:g} | {span} | {stretch} | {share:.0%} | "
                     f"{default[name]:.3g} | {pinned} |")
    return "\n".join(lines)


def _fit_table(one: pd.DataFrame) -> str:
    default = one[one["defaults"]].iloc[0]
    lines = ["| target | accepted range | shipped defaults (mean over seeds) | share of hypercube draws "
             "hitting it |", "|---|---|---|---|"]
    body = one[one["round"] == "hypercube"]
    for t in WORKFORCE:
        hits = body[t.key].apply(t.hit).mean()
        lines.append(f"| {t.label} | {t.low:g} - {t.high:g} | {default[t.key]:.3f} "
                     f"({'hit' if t.hit(default[t.key]) else 'miss'}) | {hits:.0%} |")
    return "\n".join(lines)


def _misses(rows: pd.DataFrame, targets: Sequence[Target], ref: pd.DataFrame | None = None,
            weights: pd.Series | None = None) -> str:
    """Per target: how many vectors miss it, the range of their means, and (stage 3) the
    shipped defaults' mean over the reference seeds with the weight of the correction."""
    extra = ref is not None and weights is not None
    lines = ["| target | accepted range | vectors missing it | range of the vectors' means |"
             + (" defaults over the reference seeds | correction weight |" if extra else ""),
             "|---|---|---|---|" + ("---|---|" if extra else "")]
    for t in targets:
        v = rows[t.key].to_numpy(dtype=float)
        miss = int(sum(not t.hit(x) for x in v))
        spread = f"{np.nanmin(v):.3g} - {np.nanmax(v):.3g}" if np.isfinite(v).any() else "-"
        cell = f" {ref[t.key].mean(skipna=True):.3g} | {weights[t.key]:.2f} |" if extra else ""
        lines.append(f"| {t.label} (`{t.key}`) | {t.low:g} - {t.high:g} | {miss} of {len(v)} | "
                     f"{spread} |{cell}")
    return "\n".join(lines)


def _headline_summary(cal: Calibration) -> str:
    """The headline at the defaults and over the accepted set, one line a contrast."""
    table = accepted_set.headline_range(cal.heads).set_index("contrast")
    lines = ["| contrast | published range | at the shipped defaults [95% interval] | over the accepted "
             "set: min - max (median) | vectors with interval above 0 | vectors inside the published "
             "range |", "|---|---|---|---|---|---|"]
    d = cal.at_defaults
    for c in accepted_set.CONTRASTS:
        r = table.loc[c.key]
        over = f"{r['min']:+.3f} - {r['max']:+.3f} ({r['median']:+.3f})" if r["vectors"] else "no vectors"
        lines.append(f"| {c.better} - {c.baseline} | {c.low:g} - {c.high:g} | {d[c.key]:+.3f} "
                     f"[{d[c.key + '_low']:+.3f}, {d[c.key + '_high']:+.3f}] | {over} | "
                     f"{int(r['above_zero'])} of {int(r['vectors'])} | {int(r['in_range'])} of "
                     f"{int(r['vectors'])} |")
    return "\n".join(lines)


def _sensitivity_table(heads: pd.DataFrame) -> str:
    """Per setting: its span over the accepted set and its rank correlation with each contrast."""
    names = [c.key for c in accepted_set.CONTRASTS]
    lines = ["| parameter | searched | over the accepted set | "
             + " | ".join(f"rank correlation with {n.replace('_', ' ')}" for n in names) + " |",
             "|---|---|---|" + "---|" * len(names)]
    for name, (low, high) in {**PINNED, **UNPINNED}.items():
        rhos = [heads[name].rank().corr(heads[n].rank()) if len(heads) > 2 else np.nan for n in names]
        span = f"{heads[name].min():.3g} - {heads[name].max():.3g}" if len(heads) else "-"
        cells = " | ".join(f"{r:+.2f}" for r in rhos)
        lines.append(f"| `{name}` | {low:g} - {high:g} | {span} | {cells} |")
    return "\n".join(lines)


def _coaching_table(three: pd.DataFrame) -> str:
    """Per caseload: the points that fit, and how the held-out rows fare at them."""
    lines = ["| caseload | (pace, transfer) points fitting the small-scale achievement effect | "
             "of which all four coaching rows hit | at-scale / small-scale effect on achievement "
             "(fitting points) |", "|---|---|---|---|"]
    small, scale = "coaching_achievement_small", "coaching_achievement_scale"
    for caseload, part in three.groupby("coaching.caseload"):
        ok = part[part["fits"]]
        points = ", ".join(f"({r['coaching.pace']:g}, {r['coaching.transfer']:g})"
                           for _, r in ok.iterrows()) or "none"
        ratio = f"{(ok[scale] / ok[small]).median():.2f}" if len(ok) else "-"
        lines.append(f"| {caseload:g} | {points} | {int(ok['accepted'].sum())} of {len(ok)} | {ratio} |")
    return "\n".join(lines)


def _kernel_words() -> str:
    return "their covariance" if KERNEL_SCALE == 1 else f"{KERNEL_SCALE:g} times their covariance"


def _procedure(args) -> list[str]:
    """What each stage does, with this run's budgets."""
    n_other = len(TARGETS) - len(WORKFORCE)
    return [
        "## Procedure",
        "",
        "Pattern-oriented calibration (Grimm et al. 2005): a parameter vector is *accepted* only "
        "when it reproduces every pattern at once, each target's mean over seeds inside the "
        f"target's accepted range (the tolerance). {len(WORKFORCE)} workforce patterns at once are met in a "
        "small share of the workforce settings' prior box (each is pinned by one or two settings, "
        "and every one must be right at once; the previous calibration's one-shot hypercube of 300 "
        "draws found none), so the search is sequential, and the other targets are checked after it:",
        "",
        f"1. **Search** ({len(PINNED)} workforce settings, {len(WORKFORCE)} workforce targets, "
        f"{args.seeds} seeds a vector; the `workforce` probe: `status_quo`, "
        f"{CAL_SIZE['district.students']:,} students in {CAL_SIZE['district.schools']} schools, 10 years, "
        "years 2-10 averaged). ABC-SMC-like (Toni et al. 2009; Beaumont et al. 2009): wave 0 is a "
        f"Latin hypercube of {args.draws} vectors over the prior box; each later wave draws "
        f"{args.per_wave} new vectors around the {args.population} closest found so far (a random "
        f"one of them moved by a Gaussian kernel with {_kernel_words()}, kept inside the box). "
        "The *distance* is how far the target means lie outside their ranges, in units of each "
        "range's width, summed (0 when all hit). The population is ranked by the distance to each "
        f"range's inner band ({MARGIN:.0%} of its width in from each end): a few seeds' mean of a "
        "workforce statistic wanders 15-25% of its range's width, and a population gathered on the "
        "region's edge would pass on its own seeds and miss on fresh ones; acceptance is on the full "
        "ranges. The tolerance entering a wave is the largest inner-band distance in its "
        "population, so it shrinks toward 0 as the population moves into the region. The search "
        f"stops when {args.enough} vectors hit every workforce target or after {args.waves} waves. A "
        f"profile through the defaults (each setting over {args.points} steps of its prior range, "
        "the others held) is a cross-section of the region; the defaults run on at least 10 seeds.",
        f"2. **Fresh seeds.** The search selects on its own seeds' noise, so each vector it accepted "
        f"is re-run on {args.confirm_seeds} seeds it never saw; only those whose means still hit "
        "every workforce target go on.",
        f"3. **Every target.** At most {args.keep} confirmed vectors (a seeded random subset if more) "
        f"are each paired with one Latin-hypercube draw of the {len(UNPINNED)} settings no figure "
        "pins (stage 4's table lists them), so that the headline's range covers them too; each "
        f"joint vector runs through all {len(TARGETS)} targets (the {len(WORKFORCE)} workforce targets "
        f"again and {n_other} others: {', '.join(sorted({t.probe for t in TARGETS} - set(SEARCHED_PROBES)))} "
        f"probes) on {args.check_seeds} further fresh seeds. Each target's mean at a vector is "
        "estimated with a control variate on common random numbers: the vector's mean on the "
        "check seeds, plus its share of the shipped defaults' seed luck on them (the defaults' mean "
        f"over {max(args.reference_seeds, args.check_seeds)} seeds, the check seeds among them, minus "
        "their mean over the check seeds). The share, the target's *correction weight*, is the "
        "pooled regression of the vectors' per-seed statistics on the defaults' on the same seeds "
        "(0-1): 0 where a vector's draws do not follow the defaults', so the correction cannot add "
        "noise. Where a vector moves a statistic little, its estimate is "
        "then close to the defaults' mean over many seeds rather than a few seeds' draw, which for a "
        "noisy statistic (superintendent tenure: one seed's mean wanders about its whole range) could "
        "reject every vector at once on seed luck. The vectors whose estimates hit every target are "
        "the **accepted set**, recorded in "
        "`district_sim/validation/accepted.csv`.",
        f"4. **Headline.** For each accepted vector: focused minus fragmented and focused minus "
        f"status_quo achievement in year {accepted_set.YEARS} on {args.headline_seeds} paired seeds "
        f"({accepted_set.HEADLINE_SIZE['district.students']:,} students in "
        f"{accepted_set.HEADLINE_SIZE['district.schools']} schools, as the validation's ablation).",
        f"5. **Coaching grid** over `coaching.pace`, `coaching.transfer` and `coaching.caseload` "
        f"({args.coaching_seeds} seeds a point), other settings at their defaults.",
        "",
        "The accepted set is a sample of the accepted region where the search looked, not a "
        "posterior (the waves are not importance-weighted): its spans are lower bounds on the "
        "region's extent, and its headline range says how much the answer moves across vectors the "
        "figures allow, not how probable each answer is. A vector near a range's edge can pass on "
        f"{args.check_seeds} seeds and miss on others; docs/validation.md checks the shipped "
        "defaults on 20.",
        "",
    ]


def _results(cal: Calibration, args) -> list[str]:
    """Stages 1-4: the search, the checks and the headline."""
    one, heads = cal.one, cal.heads
    default = one[one["defaults"]].iloc[0]
    found = int(_search_rows(one)["accepted"].sum())
    n_conf, n_checked = int(cal.confirmed["accepted"].sum()), len(cal.checked)
    return [
        "## Stage 1: the search",
        "",
        f"**{found} of {len(_search_rows(one))} search vectors hit every workforce target**; the "
        f"shipped defaults: **{'accepted' if default['accepted'] else 'not accepted'}** on "
        f"{max(args.seeds, 10)} seeds.",
        "",
        _wave_table(one),
        "",
        "How often a wave-0 (hypercube) vector hits each workforce target, and the defaults' fit:",
        "",
        _fit_table(one),
        "",
        "## Stage 2: fresh seeds",
        "",
        f"**{n_conf} of {len(cal.confirmed)}** still hit every workforce target on "
        f"{args.confirm_seeds} fresh seeds. The misses (a vector can miss several):",
        "",
        _misses(cal.confirmed, WORKFORCE) if len(cal.confirmed) else "No vector to confirm.",
        "",
        "## Stage 3: every target",
        "",
        f"**{len(heads)} of {n_checked} joint vectors hit all {len(TARGETS)} targets at once** on "
        f"{args.check_seeds} fresh seeds (means corrected by the defaults' seed luck, stage 3 of the "
        "procedure): the accepted set.",
        "",
        _misses(cal.checked, TARGETS, cal.ref, cal.weights) if n_checked else "No vector to check.",
        "",
        "The accepted region of the workforce settings (a setting is *pinned* when the accepted set "
        "and the profile each span under 60% of its prior range; partly: under 85%). Settings trade "
        "off (a higher base turnover with a lower novice ratio), so the region reaches along such "
        "diagonals further than a profile through the defaults shows:",
        "",
        _region_table(one, heads),
        "",
        "## Stage 4: the headline over the accepted set",
        "",
        _headline_summary(cal),
        "",
        "Each vector's mean over its paired seeds; the published ranges are issue 12's figures "
        "(Borman, Hewes, Overman and Brown 2003 for focus against doing nothing). "
        "`district-sim validate` prints the same range from the recorded file beside the interval "
        "over seeds at the defaults. How each setting moves the headline across the accepted set "
        "(a positive rank correlation widens the gap):",
        "",
        _sensitivity_table(heads),
        "",
        "The unpinned settings are **not pinned by the data**: the published figures say what an "
        "initiative costs and how long full implementation takes (Fixsen et al. 2005: 2-4 years, "
        "which bounds `learning_rate`), not how steep the threshold is or how fast fatigue builds. "
        "Their defaults carry stated reasons in docs/parameters.md.",
        "",
    ]


def _coaching_section(cal: Calibration) -> list[str]:
    three, size = cal.coaching, cal.size
    shipped_ok = bool(three.loc[three["defaults"], "accepted"].all())
    band = validity_band(three)
    shipped = "fit, and all four coaching rows hit" if shipped_ok else "do not hit all four coaching rows"
    return [
        "## Stage 5: coaching",
        "",
        f"Shipped defaults: {shipped}. "
        f"{int(three['fits'].sum())} of {len(three)} grid points fit the small-scale effect on "
        f"achievement; {int(three['accepted'].sum())} also hit the other three rows.",
        "",
        _coaching_table(three),
        "",
        "Only the small-scale effect on achievement is fitted (student SD, no conversion). Pace "
        "and transfer trade off along a ridge (faster implementation, less transfer a month): "
        "that figure pins the effect a year of coaching has, not how it splits between them. The "
        "other three rows are checks at the fitting points, but not untouched ones: the shipped "
        "caseload (10, the intensive end of the 10-20 range practice reports) and pace (6) were "
        "chosen knowing them. A larger caseload coaches each teacher less (`coaching.coach_reach`) "
        "and needs fewer coaches, so it weakens coaching at every scale.",
        "",
        f"*The instruction rows depend on a conversion.* With the defaults, both pass for "
        f"`coaching.observation_validity` between {band[0]:.2f} and {band[1]:.2f}; the MET "
        "project's correlations span about 0.1-0.35 (Kane and Staiger 2012), so these two rows "
        "confirm the achievement row only given a validity in the upper half of that range.",
        "",
        f"*Share, not size.* The same 20-school programme (about 380 teachers) in a district of "
        f"200 schools gives {size['practice']:.2f} on instruction and {size['achievement']:.3f} on "
        "achievement, as much as the small programme: in the model coaching weakens with the "
        "share of the district's workforce it must draw coaches from, and with its cost against "
        "the strategy's budget, not with the number of teachers as such. Kraft, Blazar and "
        "Hogan's at-scale figure is for programmes of 100+ teachers; the model reproduces it "
        "for a programme that covers a whole 20-school district.",
        "",
    ]


#: How the shipped defaults came to be (history the runs cannot recompute).
CHOSEN_VALUES = (
    "The shipped defaults are the chosen values (docs/parameters.md, each with its source); the "
    "accepted set shows which other values the figures allow equally well. An earlier calibration "
    "changed two: `teachers.environment_boost`, whose meaning changed with the experience mechanism "
    "(the environment now scales how much experience teaches, not only how fast), set to 4.8 so "
    "that schools at the 75th percentile of professional environment give 38% more ten-year "
    "improvement than schools at the 25th (Kraft and Papay 2014); and `teachers.support_turnover`, "
    "raised from 0.6 (at the edge of the support-ratio target, missed on many seeds) to 1.0. The "
    "validation before it had set `teachers.novice_gap` to 0.09. The coaching settings "
    "(`coaching.pace` 6, `coaching.transfer` 0.5, `coaching.caseload` 10) were chosen from the "
    "coaching grid's points that hit all four coaching rows, in the middle of the small-scale "
    "ranges; fade-out moved transfer from 0.4, which then sat at the bottom of the small-scale "
    "achievement range, to 0.5. The profile grid is coarse: a default at the end of its profile "
    "stretch means the next grid step misses, not that the default is marginal."
)


def document(cal: Calibration, args) -> str:
    """docs/calibration.md from one run."""
    return "\n".join([
        "# Calibration",
        "",
        f"Generated by `{command(args)}` ({cal.seconds:.0f} s with {args.workers} workers: "
        + ", ".join(f"{stage} {sec:.0f} s" for stage, sec in cal.laps.items())
        + "); do not edit by hand. The validation of the shipped defaults against every target is in "
        "[validation.md](validation.md); the accepted set is "
        "`district_sim/validation/accepted.csv`.",
        "",
        *_procedure(args),
        *_results(cal, args),
        *_coaching_section(cal),
        "## Chosen values",
        "",
        CHOSEN_VALUES,
        "",
    ])


# --- the command ----------------------------------------------------------------------------------

#: Every budget option: (default, smallest allowed, help). The command line in the document
#: lists them all, so a run can be repeated exactly.
BUDGETS: dict[str, tuple[int, int, str]] = {
    "draws": (200, 2, "stage 1: Latin-hypercube vectors of wave 0"),
    "waves": (12, 0, "stage 1: most sequential waves after wave 0"),
    "per_wave": (100, 2, "stage 1: new vectors a wave"),
    "population": (40, 2, "stage 1: closest vectors a wave draws around"),
    "enough": (100, 1, "stage 1: stop once this many vectors hit every workforce target"),
    "points": (13, 2, "stage 1: profile steps per setting"),
    "seeds": (3, 2, "stage 1: seeds a vector"),
    "confirm_seeds": (3, 2, "stage 2: fresh seeds a vector"),
    "keep": (60, 1, "stage 3: most vectors checked against every target"),
    "check_seeds": (4, 2, "stage 3: fresh seeds a vector"),
    "reference_seeds": (40, 2, "stage 3: seeds the defaults run on, the check seeds among them"),
    "headline_seeds": (6, 2, "stage 4: paired seeds a vector"),
    "coaching_seeds": (6, 2, "stage 5: seeds a grid point"),
}


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line naming the option (the project's CLI rule)."""

    def error(self, message: str):
        raise SettingsError(message)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The options; SettingsError naming the option when a budget is out of its range."""
    ap = _Parser(prog="python -m district_sim.validation.calibrate",
                 description="Find parameter vectors that pass every validation target at once; write "
                             "docs/calibration.md and the accepted set (see the module's docstring).")
    for name, (default, _, text) in BUDGETS.items():
        ap.add_argument(f"--{name.replace('_', '-')}", type=int, default=default,
                        help=f"{text} (default {default})")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="docs/calibration.md")
    ap.add_argument("--accepted", default=str(accepted_set.PATH), help="where the accepted set is written")
    args = ap.parse_args(argv)
    limits = {**{name: low for name, (_, low, _) in BUDGETS.items()}, "workers": 1}
    for name, low in limits.items():
        if not low <= getattr(args, name) <= 10_000:
            raise SettingsError(f"--{name.replace('_', '-')} must be between {low} and 10000, "
                                f"got {getattr(args, name)}")
    if args.seed < 0:
        raise SettingsError(f"--seed must be a whole number >= 0, got {args.seed}")
    for option in ("out", "accepted"):
        folder = Path(getattr(args, option)).parent
        if not folder.is_dir():
            raise SettingsError(f"--{option}: folder {str(folder)!r} does not exist")
    return args


def _write_draws(cal: Calibration, folder: Path) -> Path:
    """Every evaluated vector of every stage, for anyone who wants to look further."""
    folder.mkdir(exist_ok=True)
    data = folder / "calibration_draws.csv"
    draws = pd.concat([cal.one.assign(stage=1), cal.confirmed.assign(stage=2), cal.checked.assign(stage=3),
                       cal.coaching.assign(stage=5)])
    tmp = data.with_name(f".{data.name}.tmp")
    draws.to_csv(tmp, index=False)
    tmp.replace(data)
    return data


def quiet_small_schools() -> None:
    """Silence the small-school warning in this process (and a worker's).

    The calibration's districts are validate's probes, sized for each probe (a
    superintendent's tenure needs a central office, not full schools): the warning would speak
    of sizes the user did not choose, as ``district-sim validate`` explains."""
    warnings.simplefilter("ignore", SmallSchoolWarning)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse(argv)
    except SettingsError as err:
        print(f"calibrate: {err}", file=sys.stderr)
        return 2

    def say(stage):
        return lambda done, total: print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr)

    with warnings.catch_warnings():
        quiet_small_schools()
        cal = run_all(args, say)
    print(file=sys.stderr)
    out = Path(args.out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(document(cal, args))
    tmp.replace(out)
    record(cal.heads, provenance(cal, args), Path(args.accepted))
    data = _write_draws(cal, out.parent / "validation")
    print(f"{len(cal.heads)} vectors pass every target; wrote {out}, {args.accepted} and {data} "
          f"({cal.seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
