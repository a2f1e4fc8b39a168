"""The page's exports: every district's monthly means (CSV), every replicate (CSV), the charts (PNG)."""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from ..calendar import to_years
from .charts import CHARTS, NEUTRAL, _bounds, _color_of, _widen, chart_columns, min_span
from .session import Comparison


def csv_bytes(comparison: Comparison) -> bytes:
    """Every district's monthly record, long format: each metric's mean over the district's
    replicates, then achievement's 95% interval, with the shocks that started each month
    (a shock from chance that only some replicates met says in how many)."""
    with comparison.lock:
        buf = io.StringIO()
        writer = None
        for line in comparison.lines.values():
            n = line.months
            columns = list(line.model.datacollector.model_vars)
            if writer is None:
                writer = csv.writer(buf, lineterminator="\n")
                writer.writerow(["district", "label", "scenario", "seed", "replicates", "branch_of",
                                 "fork_month", "month_index", *columns, "achievement_low",
                                 "achievement_high", "shocks_started"])
            means = {c: line.band(c)[0] for c in columns}
            _, low, high = line.band("achievement")
            started = _shocks_started(line)
            fork = "" if line.fork_time is None else int(round(line.fork_time))
            for i in range(n):
                writer.writerow([line.key, line.label, line.scenario, line.seed, len(line.models),
                                 line.parent or "", fork, i + 1, *(means[c][i] for c in columns),
                                 low[i], high[i],
                                 ";".join(started.get(i, []))])
        return buf.getvalue().encode("utf-8")


def _shocks_started(line) -> dict[int, list[str]]:
    """Month index -> 'kind:source' of the shocks that started then, over the replicates."""
    counts: dict[int, dict[str, int]] = {}
    for model in line.models:
        for e in model.shock_state.log:
            month = counts.setdefault(int(math.floor(e["time"] + 1e-9)), {})
            name = f"{e['kind']}:{e['source']}"
            month[name] = month.get(name, 0) + 1
    total = len(line.models)
    return {i: [k if c >= total else f"{k} ({c} of {total} runs)" for k, c in names.items()]
            for i, names in counts.items()}


def runs_csv_bytes(comparison: Comparison) -> bytes:
    """Every replicate's monthly record, in ``compare``'s long format (scenario, replicate,
    then its columns) plus the district and the replicate's seed: a side's rows are the rows
    ``district-sim compare`` writes for the same scenario, seed and replicates."""
    with comparison.lock:
        buf = io.StringIO()
        writer = None
        for line in comparison.lines.values():
            for r, (model, seed) in enumerate(zip(line.models, line.seeds, strict=True)):
                record = model.datacollector.model_vars
                columns = list(record)
                if writer is None:
                    writer = csv.writer(buf, lineterminator="\n")
                    writer.writerow(["district", "label", "scenario", "replicate", "seed", *columns])
                for i in range(line.months):
                    writer.writerow([line.key, line.label, line.scenario, r, seed,
                                     *(record[c][i] for c in columns)])
        return buf.getvalue().encode("utf-8")


def png_bytes(comparison: Comparison, dpi: int = 110) -> bytes:
    """The page's charts as one PNG (matplotlib, drawn on demand)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    series = comparison.series(chart_columns())
    markers = list(comparison.markers)
    panels = [p for chart in CHARTS for p in chart.panels]
    cols = 4
    rows = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(4.2 * cols, 3.0 * rows + 0.6), dpi=dpi, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, panel in zip(axes, panels, strict=False):
        for s in series:
            for c_index, col in enumerate(panel.columns):
                values = np.asarray(s["values"][col], dtype=float)
                first = max(s["start"] - 1, 0) if s["start"] else 0
                x = to_years(np.arange(first, values.size) + 1)
                style = ":" if c_index == 1 else ("--" if s["dashed"] else "-")
                ax.plot(x, values[first:], style, color=s["color"],
                        label=s["label"] if c_index == 0 else None, lw=1.6)
                if s.get("replicates", 1) > 1:
                    ax.fill_between(x, np.asarray(s["low"][col], dtype=float)[first:],
                                    np.asarray(s["high"][col], dtype=float)[first:],
                                    color=s["color"], alpha=0.18, lw=0)
        for m in markers:
            color = NEUTRAL if len(m.lines) > 1 else _color_of(series, m.lines[0])
            ax.axvline(to_years(m.time), color=color, ls="--", lw=0.9)
        if panel.limits:
            ax.set_ylim(*panel.limits)
        else:
            ax.set_ylim(*_widen(*ax.get_ylim(), min_span(panel.columns), *_bounds(panel.columns)))
        ax.set_title(panel.title, fontsize=8)
        ax.set_xlabel("years", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside upper center", ncol=min(len(labels), 4), fontsize=8)
    runs = max((s.get("replicates", 1) for s in series), default=1)
    fig.text(0.0, 1.0, f"Lines: mean of {runs} runs a district (seed {comparison.seed}); shaded: its 95% "
             "interval", fontsize=7, va="top")
    shocks = "; ".join(m.label for m in markers)
    if shocks:
        fig.suptitle(f"Shocks injected (dashed lines): {shocks}", fontsize=7, y=0.0, va="bottom")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
