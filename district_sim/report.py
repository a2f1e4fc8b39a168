"""Summaries and figures of runs: final-year tables with intervals, trajectories with bands.

Used by the command line and the browser page; the model core never imports it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .calendar import MONTHS_PER_YEAR
from .metrics import FRACTIONS, METRICS

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


def _t95(n: int) -> float:
    """Two-sided 95% Student-t quantile (normal beyond 30 degrees of freedom)."""
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
             9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042}
    if n < 1:
        return float("nan")
    if n > 30:
        return 1.96
    return table.get(n, table[max(k for k in table if k <= n)])


def interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean (the interval collapses for one value)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = _t95(values.size - 1) * float(values.std(ddof=1)) / np.sqrt(values.size)
    return mean, mean - half, mean + half


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
            row[m], row[m + "_lo"], row[m + "_hi"] = interval(part[m].to_numpy())
            if m in FRACTIONS:  # a rate's interval stays where rates can be: [0, 1]
                row[m + "_lo"], row[m + "_hi"] = max(row[m + "_lo"], 0.0), min(row[m + "_hi"], 1.0)
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
            stats = part.groupby("t")[metric].agg(["mean", "std", "count"])
            half = stats["std"].fillna(0) * stats["count"].map(
                lambda n: _t95(n - 1) if n > 1 else 0.0) / np.sqrt(stats["count"])
            ax.plot(stats.index, stats["mean"], label=name, lw=1.8)
            ax.fill_between(stats.index, stats["mean"] - half, stats["mean"] + half, alpha=0.25)
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
