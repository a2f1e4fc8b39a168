"""Which strategy levers carry the focused-vs-fragmented gap: an exact Shapley decomposition.

The ablation (:func:`.evaluate.ablation`) switches mechanisms off; this asks the other
question, which of the settings the two scenarios differ in make the gap. The levers
interact (aligned work pays only if it lasts past the implementation threshold), so a
one-at-a-time effect depends on where one starts: added to ``fragmented`` a lever may do
nothing, removed from ``focused`` it may cost much. The Shapley value averages a lever's
effect over every order of pulling the levers, so the shares add up to the gap exactly and
interaction is split evenly among the levers involved. With k levers that takes every one
of the 2^k combinations, each run on the same seeds (common random numbers), so every
difference between combinations is paired within a replicate: the same district, students
and environment draws, though a lever that changes how many initiatives are drawn moves
the later initiative draws out of step.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..api import check_years, load_scenario, replicate_seeds
from ..calendar import months
from ..record import NOTHING
from ..report import interval
from ..settings import Settings, SettingsError, flatten
from ..simulation import simulate
from .evaluate import ABLATION_SIZE, _check_replicates

Scenario = str | os.PathLike | Settings

#: Settings that label a scenario and never act on the district.
LABELS = ("name", "description")
#: Exact Shapley runs 2^k combinations; beyond this many levers that is not a validation run.
MAX_LEVERS = 10
#: The row that holds the whole gap (all levers together).
ALL = "all levers"


# --- levers and combinations -------------------------------------------------------------------


def differing_levers(base: Settings, target: Settings) -> dict[str, tuple[Any, Any]]:
    """Every setting whose validated value differs: dotted key -> (base value, target value).

    Compared after validation, so a value a file leaves at its default and one it states
    equal to the default are the same lever position, and the list follows the files.
    """
    a, b = flatten(base.model_dump()), flatten(target.model_dump())
    return {k: (a[k], b[k]) for k in a if k not in LABELS and a[k] != b[k]}


def coalition_settings(base: Settings, levers: dict[str, tuple[Any, Any]]) -> list[Settings]:
    """The base with each subset of levers moved to the target's value; bit i of the list
    index says whether lever i (in ``levers`` order) is moved."""
    keys = list(levers)
    return [load_scenario(base, {k: levers[k][1] for i, k in enumerate(keys) if mask >> i & 1})
            for mask in range(2 ** len(keys))]


# --- running -------------------------------------------------------------------------------------


def final_achievement(settings: Settings, seed: int, years: float) -> float:
    """Mean achievement of enrolled students in the last school month: the value the
    ablation reads from the last row of ``run``'s table, without recording the table
    (recording 40 columns a month is a fifth of a run's time)."""
    model = simulate(settings, seed, months(years), record=NOTHING)
    return float(model.student_summary["achievement"])


def _replicate(combos: list[Settings], seed: int, years: float) -> np.ndarray:
    """Every combination on one seed: a worker's task (paired within it)."""
    return np.array([final_achievement(s, seed, years) for s in combos])


def _check_workers(workers: Any) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 4096:
        raise SettingsError(f"workers must be a whole number between 1 and 4096, got {workers!r}")
    return workers


def coalition_values(
    combos: list[Settings], seeds: Sequence[int], years: float = 10, workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Final achievement, one row a replicate seed, one column a combination.

    A task is one seed with all its combinations, so the table is the same whatever the
    number of workers and the order tasks finish in.
    """
    workers = _check_workers(workers)
    out = np.empty((len(seeds), len(combos)))
    if workers == 1:
        for r, s in enumerate(seeds):
            out[r] = _replicate(combos, s, years)
            if progress:
                progress(r + 1, len(seeds))
        return out
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ..experiments.runner import _mp_context

    with ProcessPoolExecutor(max_workers=min(workers, len(seeds)), mp_context=_mp_context()) as pool:
        with warnings.catch_warnings():  # see _mp_context: only native thread pools are running
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            futures = {pool.submit(_replicate, combos, s, years): r for r, s in enumerate(seeds)}
        for done, fut in enumerate(as_completed(futures), start=1):
            out[futures[fut]] = fut.result()
            if progress:
                progress(done, len(seeds))
    return out


# --- the decomposition ------------------------------------------------------------------------------


def shapley(values: np.ndarray) -> np.ndarray:
    """Exact Shapley values of each lever, one row a replicate.

    ``values[:, mask]`` is the outcome with the levers in ``mask`` moved. Lever i gets the
    weighted mean of its marginal effect v(S + i) - v(S) over the subsets S without it,
    weight |S|! (k - |S| - 1)! / k!: its average effect over all orders of pulling levers.
    """
    n = values.shape[1]
    k = n.bit_length() - 1
    if n != 2 ** k:
        raise ValueError(f"values need 2^k columns (one a combination of levers), got {n}")
    masks = np.arange(n)
    size = np.array([bin(m).count("1") for m in masks])
    phi = np.zeros((values.shape[0], k))
    for i in range(k):
        without = masks[(masks >> i & 1) == 0]
        weight = np.array([math.factorial(size[m]) * math.factorial(k - size[m] - 1) for m in without])
        phi[:, i] = (values[:, without | 1 << i] - values[:, without]) @ weight / math.factorial(k)
    return phi


def _effects(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per replicate and lever: Shapley value, the lever alone added to the base, the
    lever alone removed from the target."""
    k = values.shape[1].bit_length() - 1
    full = values.shape[1] - 1
    bits = 1 << np.arange(k)
    return {"shapley": shapley(values),
            "alone": values[:, bits] - values[:, [0]],
            "last": values[:, [full]] - values[:, full ^ bits]}


def lever_replicates(
    replicates: int = 20, seed: int = 0, size: dict[str, Any] | None = None, workers: int = 1, *,
    base: Scenario = "fragmented", target: Scenario = "focused", years: float = 10,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row a replicate and lever (plus the ``all levers`` row): its Shapley value, its
    effect alone on the base and its cost alone to the target, and the replicate's gap."""
    seeds = replicate_seeds(seed, _check_replicates(replicates))
    check_years(years)
    _check_workers(workers)
    overrides = ABLATION_SIZE if size is None else size
    a, b = load_scenario(base, overrides), load_scenario(target, overrides)
    levers = differing_levers(a, b)
    if len(levers) > MAX_LEVERS:
        raise SettingsError(f"{a.name} and {b.name} differ in {len(levers)} settings; exact Shapley "
                            f"needs 2^k runs a replicate, so at most {MAX_LEVERS} levers")
    values = coalition_values(coalition_settings(a, levers), seeds, years, workers, progress)
    gap = values[:, -1] - values[:, 0]
    effects = _effects(values)
    rows = []
    for r, s in enumerate(seeds):
        for i, (key, (was, now)) in enumerate(levers.items()):
            rows.append({"lever": key, "base_value": was, "target_value": now, "replicate": r, "seed": s,
                         **{name: float(e[r, i]) for name, e in effects.items()}, "gap": float(gap[r])})
        rows.append({"lever": ALL, "base_value": a.name, "target_value": b.name, "replicate": r, "seed": s,
                     "shapley": float(gap[r]), "alone": float(gap[r]), "last": float(gap[r]),
                     "gap": float(gap[r])})
    return pd.DataFrame(rows)


def lever_table(reps: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% t-interval over replicates of each lever's effects, and its share of
    the mean gap."""
    gap = reps.groupby("replicate")["gap"].first().mean()
    rows = []
    for lever, g in reps.groupby("lever", sort=False):
        first = g.iloc[0]
        row = {"lever": lever, "base_value": first["base_value"], "target_value": first["target_value"]}
        for name in ("shapley", "alone", "last"):
            mean, lo, hi = interval(g[name].to_numpy())
            row.update({name: mean, f"{name}_low": lo, f"{name}_high": hi})
        row["share_of_gap"] = row["shapley"] / gap if gap != 0 else 0.0
        row["runs"] = len(g)
        rows.append(row)
    return pd.DataFrame(rows)


def lever_decomposition(
    replicates: int = 20, seed: int = 0, size: dict[str, Any] | None = ABLATION_SIZE, workers: int = 1, *,
    base: Scenario = "fragmented", target: Scenario = "focused", years: float = 10,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The focused-minus-fragmented gap in final achievement (student SD, the ablation's
    measure and district) split over the settings the scenarios differ in; one row a lever
    and a last row ``all levers`` holding the gap itself.

    Columns: ``shapley``, ``alone`` (base plus only this lever, minus the base), ``last``
    (target minus the target without only this lever), each with ``_low``/``_high`` 95%
    t-interval over replicates, and ``share_of_gap`` (Shapley mean over the mean gap).
    """
    return lever_table(lever_replicates(replicates, seed, size, workers, base=base, target=target,
                                        years=years, progress=progress))


# --- the document ----------------------------------------------------------------------------------


def _value(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _ci(mean: float, lo: float, hi: float) -> str:
    return f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]"


def decomposition_markdown(df: pd.DataFrame) -> str:
    """The table for docs/validation.md, levers by Shapley share, the gap last, and a line
    saying how far the one-at-a-time effects miss the gap (the interaction)."""
    levers = df[df["lever"] != ALL].sort_values("shapley", ascending=False)
    lines = ["| lever | fragmented → focused | Shapley value, SD [95%] | share of gap | "
             "gain when added alone to fragmented [95%] | loss when removed alone from focused [95%] |",
             "|---|---|---|---|---|---|"]
    for r in [*levers.itertuples(), *df[df["lever"] == ALL].itertuples()]:
        name = f"`{r.lever}`" if r.lever != ALL else f"**{r.lever}** (the gap)"
        lines.append(f"| {name} | {_value(r.base_value)} → {_value(r.target_value)} | "
                     f"{_ci(r.shapley, r.shapley_low, r.shapley_high)} | {r.share_of_gap:.0%} | "
                     f"{_ci(r.alone, r.alone_low, r.alone_high)} | {_ci(r.last, r.last_low, r.last_high)} |")
    gap = df.loc[df["lever"] == ALL, "shapley"]
    if len(gap) and len(levers):
        lines += ["", f"One at a time the levers add up to {levers['alone'].sum():+.3f} SD added to "
                  f"fragmented and {levers['last'].sum():+.3f} SD removed from focused, against a gap "
                  f"of {gap.iloc[0]:+.3f} SD: the rest is interaction between levers, which the Shapley "
                  "shares split evenly among the levers involved."]
    return "\n".join(lines)
