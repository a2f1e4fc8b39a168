"""The page's exports: every district's monthly means (CSV), every replicate (CSV), the charts (PNG).

Each says what made it: a CSV starts with the page's what-if (title, date, seed, replicates,
every district's scenario, levers, shocks and forks with their months), one ``# `` line each,
the same lines ``district-sim whatif FILE --out data.csv`` writes, then a ``# # `` line with the
time of the export and the district-sim version; ``pandas.read_csv(path, comment="#")`` reads
the table and ``district_sim.whatif.read_csv(path)`` the what-if too. The PNG draws the title,
seed, runs, levers pulled and date on the figure and keeps them (and the what-if) in its
metadata."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import textwrap
import unicodedata

import numpy as np

from .. import __version__
from ..calendar import to_years
from ..scenarios import load_scenario
from ..settings import SettingsError
from ..whatif import WhatIf, changed_settings, csv_head
from . import levers
from .charts import CHARTS, NEUTRAL, _bounds, _color_of, _widen, chart_columns, min_span
from .session import LEFT, Comparison, Line

#: How to read an export's table: its leading lines are the what-if that made it.
READ_HINT = 'read the table with pandas.read_csv(path, comment="#")'


def exported(now: dt.datetime | None = None) -> str:
    """'Exported from the district-sim 0.1.0 page on 2026-12-02 06:40 UTC': when and by what."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"Exported from the district-sim {__version__} page on {now:%Y-%m-%d %H:%M} UTC"


def head(comparison: Comparison, now: dt.datetime | None = None) -> str:
    """The lines that lead both CSV exports: the page's what-if, then when it was exported."""
    return csv_head(comparison.whatif(), [f"{exported(now)}; {READ_HINT}"])


def file_stem(title: str, default: str = "district-sim") -> str:
    """A file name from a what-if's title that every system accepts: letters, digits and
    dashes ("Stop launching, year 4!" -> "stop-launching-year-4", "Année" -> "annee"), at most 60
    characters."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    return stem or default


def csv_bytes(comparison: Comparison, now: dt.datetime | None = None) -> bytes:
    """Every district's monthly record, long format: each metric's mean over the district's
    replicates, then achievement's 95% interval, with the shocks that started each month
    (a shock from chance that only some replicates met says in how many); led by :func:`head`."""
    with comparison.lock:
        buf = io.StringIO(head(comparison, now))
        buf.seek(0, io.SEEK_END)
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


def runs_csv_bytes(comparison: Comparison, now: dt.datetime | None = None) -> bytes:
    """Every replicate's monthly record, in ``compare``'s long format (scenario, replicate,
    then its columns) plus the district and the replicate's seed: a side's rows are the rows
    ``district-sim compare`` writes for the same scenario, seed and replicates, and every
    line's the ones ``district-sim whatif`` writes for the page's what-if; led by :func:`head`."""
    with comparison.lock:
        buf = io.StringIO(head(comparison, now))
        buf.seek(0, io.SEEK_END)
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


def settings_words(comparison: Comparison) -> list[str]:
    """Each district's scenario and the levers pulled on it, in the page's words: "Left:
    fragmented; Share aligned with the theory of action = 0.7". A branch: its label, and any
    lever changed on it since its fork."""
    size = comparison.size
    words = [f"Each district: {size['district.students']:,} students in {size['district.schools']} schools"]
    for key, line in comparison.lines.items():
        if line.parent is None:
            changes = changed_settings(line.initial, load_scenario(line.scenario, size))
            pulled = [_lever_words(k, v) for k, v in changes.items()]
            name = f"{'Left' if key == LEFT else 'Right'}: {line.scenario}"
        else:
            pulled, name = _since_fork(line), f"Branch: {line.label}"
        words.append("; ".join([name, *pulled]))
    return words


def _since_fork(line: Line) -> list[str]:
    """Levers a branch acts on from its fork that its label does not name (changed on the
    branch after the fork), in the page's words."""
    before = line.initial
    for event in line.history[:line.fork_index]:
        if not event.is_shock:
            before = event.change
    changes = changed_settings(line.history[line.fork_index].change, before)
    return [w for w in (_lever_words(k, v) for k, v in changes.items()) if w not in line.label]


def _lever_words(key: str, value) -> str:
    try:
        return levers.describe(key, value)
    except (SettingsError, KeyError, TypeError, ValueError):
        return f"{key} = {value}"


def png_bytes(comparison: Comparison, dpi: int = 110, now: dt.datetime | None = None) -> bytes:
    """The page's charts as one PNG (matplotlib, drawn on demand), with the title, seed, runs,
    levers pulled and date drawn above them and kept in the PNG's metadata (``Title``,
    ``Description``, ``Software``, ``Creation Time``, and the what-if's TOML as ``Comment``)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with comparison.lock:
        story = comparison.whatif()
        words = settings_words(comparison)
    series = comparison.series(chart_columns())
    markers = list(comparison.markers)
    panels = [p for chart in CHARTS for p in chart.panels]
    cols = 4
    rows = math.ceil(len(panels) / cols)
    lines_above = _provenance_lines(comparison, story, words, markers, now)
    top = 0.14 * len(lines_above) + 0.25                    # inches of text above the charts
    charts_height = 3.0 * rows + 0.6
    figure = Figure(figsize=(4.2 * cols, charts_height + top), dpi=dpi, layout="constrained")
    about, fig = figure.subfigures(2, 1, height_ratios=[top, charts_height])
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
    about.text(0.005, 1 - 0.05 / top, lines_above[0], fontsize=10, fontweight="bold", va="top")
    about.text(0.005, 1 - 0.2 / top, "\n".join(lines_above[1:]), fontsize=7, va="top", linespacing=1.5)
    buf = io.BytesIO()
    figure.savefig(buf, format="png", metadata=_png_metadata(story, lines_above, now))
    return buf.getvalue()


def _provenance_lines(comparison: Comparison, story: WhatIf, words: list[str], markers: list,
                      now: dt.datetime | None) -> list[str]:
    """What the PNG says above its charts: the title, then the runs and seed, each district's
    settings, the shocks injected, and when it was exported (long lines wrapped)."""
    shocks = "; ".join(m.label for m in markers)
    body = [f"Lines: mean of {story.replicates} runs a district (seed {story.seed}, as district-sim "
            f"compare --seed {story.seed}); shaded: its 95% interval; at {comparison.when()} "
            f"({story.months} school months, ten a year)", *words,
            *([f"Shocks injected (dashed lines): {shocks}"] if shocks else []), exported(now)]
    wrapped = [part for line in body for part in textwrap.wrap(line, 240, subsequent_indent="    ")]
    return [story.title or "District coherence: two strategies side by side", *wrapped]


def _png_metadata(story: WhatIf, lines: list[str], now: dt.datetime | None) -> dict[str, str]:
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return {"Title": lines[0], "Description": "\n".join(lines[1:-1]),
            "Software": f"district-sim {__version__}", "Creation Time": when.strftime("%Y-%m-%d %H:%M UTC"),
            "Comment": story.to_toml()}
