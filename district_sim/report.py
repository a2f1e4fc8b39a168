"""Summaries and figures of runs: final-year tables with intervals, trajectories with bands.

Used by the command line and the browser page; the model core never imports it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .calendar import MONTHS_PER_YEAR
from .metrics import FRACTIONS as FRACTIONS  # re-exported: the rates in [0, 1] the tables bound
from .metrics import METRICS

#: Outcomes shown by default, in the order of the causal chain the model tells (labels,
#: units and ranges of every metric are in ``metrics.py``).
HEADLINE = [
    "achievement",
    "achievement_gap",
    "teacher_practice",
    "coherence",
    "implementation_depth",
    "teacher_fatigue",
    "teacher_turnover",
    "active_initiatives",
]

#: Titles of the headline outcomes' figures (other metrics are titled by their name).
LABELS = {name: METRICS[name].label for name in HEADLINE}


@cache
def t_quantile(df: int, level: float = 0.95) -> float:
    """Two-sided Student-t quantile at ``df`` degrees of freedom (``t.ppf(0.975, df)`` at 95%).

    From scipy rather than a hand-typed table: a table rounds to its nearest row (2.131 at 19
    degrees of freedom where 2.093 is right) and to the normal 1.96 beyond 30, which is too
    narrow at 31-100 runs. scipy.stats is imported here, not at the top, because it adds about
    half a second to every ``district-sim`` start and only summaries need it.
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (exclusive), got {level}")
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2, df))


def bounds(metric: str) -> tuple[float | None, float | None]:
    """The declared range of a metric (``metrics.METRICS``), or no bounds for other columns
    (differences, seeds, settings)."""
    m = METRICS.get(metric)
    return (m.low, m.high) if m else (None, None)


def clip(value: float, low: float | None = None, high: float | None = None) -> float:
    """``value`` moved into ``[low, high]`` (a missing bound does not bound)."""
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def interval(values, low: float | None = None, high: float | None = None) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean, its bounds clipped to ``[low, high]``.

    Pass the metric's declared range (:func:`bounds`): a count or a rate cannot be below 0 or
    a rate above 1, so a symmetric interval that crosses the range's edge is cut there (a count
    of 5.3 [-0.9, 11.6] reads 5.3 [0.0, 11.6]). The interval collapses to the mean for one value.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("interval: values must hold at least one number, got none")
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = t_quantile(values.size - 1) * float(values.std(ddof=1)) / np.sqrt(values.size)
    return mean, clip(mean - half, low, high), clip(mean + half, low, high)


def metric_interval(values, metric: str) -> tuple[float, float, float]:
    """:func:`interval` bounded to the range ``metrics.METRICS`` declares for ``metric``."""
    return interval(values, *bounds(metric))


def final_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The last recorded month of each run (the end of the final year); rows of a run
    are in time order."""
    keys = [k for k in ("scenario", "replicate") if k in df.columns]
    return df.groupby(keys, sort=False).tail(1)


def final_year_table(df: pd.DataFrame, metrics: list[str] | None = None) -> pd.DataFrame:
    """One row a scenario: mean and 95% interval over replicates of each metric at the end,
    plus the paired difference in achievement from the first scenario."""
    metrics = metrics or HEADLINE
    ends = final_rows(df)
    order = list(dict.fromkeys(ends["scenario"]))
    rows = []
    first = ends[ends["scenario"] == order[0]].set_index("replicate")["achievement"]
    for name in order:
        part = ends[ends["scenario"] == name]
        row = {"scenario": name, "runs": len(part)}
        for m in metrics:
            row[m], row[m + "_lo"], row[m + "_hi"] = metric_interval(part[m].to_numpy(), m)
        diff = (part.set_index("replicate")["achievement"] - first).dropna()
        row["vs_first"], row["vs_first_lo"], row["vs_first_hi"] = interval(diff.to_numpy())
        rows.append(row)
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, metrics: list[str] | None = None) -> str:
    """A fixed-width text table: each cell 'mean [low, high]'."""
    metrics = (metrics or HEADLINE) + ["vs_first"]
    header = ["scenario", "runs"] + [m if m != "vs_first" else "achievement_vs_first" for m in metrics]
    lines = []
    for _, r in table.iterrows():
        cells = [str(r["scenario"]), str(int(r["runs"]))]
        for m in metrics:
            cells.append(f"{r[m]:.3f} [{r[m + '_lo']:.3f}, {r[m + '_hi']:.3f}]")
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in lines]
    return "\n".join(out)


def band(part: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean and 95% band over replicates at each time ``t`` (years) of one scenario's rows,
    bounded to the metric's range like the tables: columns ``mean``, ``low``, ``high``."""
    cells = part.groupby("t")[metric].apply(lambda v: metric_interval(v.to_numpy(), metric))
    return pd.DataFrame(cells.tolist(), index=cells.index, columns=["mean", "low", "high"])


def trajectories(df: pd.DataFrame, path: str | Path, metrics: list[str] | None = None,
                 title: str = "") -> Path:
    """Save a grid of trajectories: mean over replicates with a 95% band, one line a scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = metrics or HEADLINE[:6]
    cols = 3
    rows = int(np.ceil(len(metrics) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    t = df["year"] - 1 + df["month"] / MONTHS_PER_YEAR
    frame = df.assign(t=t)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        for name, part in frame.groupby("scenario", sort=False):
            b = band(part, metric)
            ax.plot(b.index, b["mean"], label=name, lw=1.8)
            ax.fill_between(b.index, b["low"], b["high"], alpha=0.25)
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        ax.set_xlabel("years")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    tmp = path.with_name(path.name + ".part.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)
    return path


def save_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write CSV or Parquet by extension, atomically: an existing file is replaced whole
    or left as it was."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    if path.suffix == ".csv":
        df.to_csv(tmp, index=False)
    elif path.suffix == ".parquet":
        df.to_parquet(tmp, index=False)
    else:
        raise ValueError(f"--out must end in .csv or .parquet, got {path.name!r}")
    tmp.replace(path)
    return path
