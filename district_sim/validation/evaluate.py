"""Run the targets and the ablation over replicates; tables with 95% intervals.

Replicate seeds are spawned from one seed as ``compare`` spawns them, so a validation
is reproducible and its replicates are independent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..api import compare, replicate_seeds
from ..report import interval
from ..settings import MECHANISM_NAMES, SettingsError
from .targets import PROBES, TARGETS, Target

#: The ablation's district: big enough that a school's luck does not decide a run.
ABLATION_SIZE = {"district.students": 5000, "district.schools": 10}


def _check_replicates(replicates: int) -> int:
    if isinstance(replicates, bool) or not isinstance(replicates, int) or not 2 <= replicates <= 1000:
        raise SettingsError(f"replicates must be a whole number between 2 and 1000, got {replicates!r}")
    return replicates


def target_values(
    replicates: int = 20, seed: int = 0, targets: Sequence[Target] = TARGETS,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row a target and replicate: the simulated statistic."""
    seeds = replicate_seeds(seed, _check_replicates(replicates))
    needed = list(dict.fromkeys(t.probe for t in targets))
    rows, done = [], 0
    for name in needed:
        for r, s in enumerate(seeds):
            stats = PROBES[name](s)
            for t in (t for t in targets if t.probe == name):
                rows.append({"target": t.key, "replicate": r, "seed": s, "value": float(stats[t.statistic])})
            done += 1
            if progress:
                progress(done, len(needed) * len(seeds))
    return pd.DataFrame(rows)


def target_table(values: pd.DataFrame, targets: Sequence[Target] = TARGETS) -> pd.DataFrame:
    """Mean and 95% interval of each target's statistic, and whether the mean is in range."""
    rows = []
    for t in targets:
        v = values.loc[values["target"] == t.key, "value"].to_numpy()
        v = v[np.isfinite(v)]
        mean, lo, hi = interval(v) if v.size else (np.nan, np.nan, np.nan)
        rows.append({"target": t.key, "label": t.label, "observed": t.observed, "low": t.low,
                     "high": t.high, "mean": mean, "ci_low": lo, "ci_high": hi, "runs": int(v.size),
                     "hit": t.hit(mean), "source": t.source})
    return pd.DataFrame(rows)


#: The ablation's last row: every switch off at once, what the switches carry together.
ALL_OFF = "all of them"


def ablation(
    replicates: int = 20, seed: int = 0, years: int = 10, size: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Focused minus fragmented final achievement with each mechanism switched off in turn.

    Pairs share their seed (common random numbers), so both the gap and its change from
    the full model are paired differences over replicates.
    """
    size = size or ABLATION_SIZE
    every = {f"mechanisms.{name}": False for name in MECHANISM_NAMES}
    variants = ([("full model", {})] + [(name, {f"mechanisms.{name}": False}) for name in MECHANISM_NAMES]
                + [(ALL_OFF, every)])
    gaps, rows = {}, []
    for done, (name, off) in enumerate(variants, start=1):
        df = compare(["fragmented", "focused"], years=years, replicates=_check_replicates(replicates),
                     seed=seed, overrides={**size, **off})
        final = df[df["year"] == df["year"].max()].groupby(["scenario", "replicate"])["achievement"].last()
        focused, fragmented = final["focused"].to_numpy(), final["fragmented"].to_numpy()
        gaps[name] = focused - fragmented
        mean, lo, hi = interval(gaps[name])
        change = gaps[name] - gaps["full model"]
        cmean, clo, chi = interval(change)
        rows.append({"switched_off": name, "focused": float(focused.mean()),
                     "fragmented": float(fragmented.mean()), "gap": mean, "gap_low": lo, "gap_high": hi,
                     "change": cmean, "change_low": clo, "change_high": chi,
                     "matters": bool(name != "full model" and (clo > 0 or chi < 0))})
        if progress:
            progress(done, len(variants))
    return pd.DataFrame(rows)
