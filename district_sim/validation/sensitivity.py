"""How far the headline rests on settings no published figure pins, and how achievement
responds to each strategy lever's dose (``python -m district_sim.validation.sensitivity``).

The headline has three parts: focused beats fragmented, focused beats doing nothing
(``status_quo``), and fragmented falls below doing nothing. The last, and so part of the
first, rests on what overload costs (fatigue, cynicism, the turnover they cause), which no
figure pins. So each such setting is moved, one at a time, to the low and high ends of its
plausible range (``calibrate.UNPINNED``, and the workforce settings listed in ``EXTRA``),
the others held at their defaults, and the three contrasts are measured on paired seeds
(common random numbers, :func:`district_sim.api.compare`). A conclusion *depends on* a
setting when, at one end of its range, its 95% interval no longer excludes 0 on the side it
does at the defaults.

The dose-response curves then vary one lever of a scenario at a time (launches a year,
initiative life) with its other levers held, against ``status_quo`` on the same seeds.
``district-sim validate`` embeds the section (:func:`markdown`) in docs/validation.md; run
alone, this module writes it as a page of its own (``--out``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..api import compare, replicate_seeds
from ..report import interval
from ..scenarios import load_scenario
from ..settings import Settings
from . import probes
from .calibrate import UNPINNED
from .targets import BY_KEY

#: The three scenarios of the headline; status_quo launches nothing and faces the same shocks.
SCENARIOS = ("status_quo", "fragmented", "focused")

#: The headline's contrasts: (label, minuend, subtrahend), year-10 achievement, student SD.
CONTRASTS = (
    ("focused - fragmented", "focused", "fragmented"),
    ("focused - status_quo", "focused", "status_quo"),
    ("fragmented - status_quo", "fragmented", "status_quo"),
)

#: Settings that shape what overload and working conditions cost, beyond ``calibrate.UNPINNED``:
#: each with the plausible range used and where that range comes from. Where only a stated
#: reason backs the default, the range runs from about half to about twice it, inside what
#: the reason itself allows.
EXTRA: dict[str, tuple[float, float, str]] = {
    "teachers.fatigue_turnover": (0.2, 1.2, "stated reason only: a third to twice the default"),
    "teachers.fatigue_recovery": (0.05, 0.2, "stated reason only: fatigue halves in 3-14 months"),
    "teachers.fatigue_capacity_loss": (0.25, 0.75, "stated reason only: half to 1.5x the default"),
    "teachers.cynicism_drag": (0.25, 0.75, "stated reason only: half to 1.5x the default"),
    "teachers.cynicism_recovery": (0.15, 0.5, "stated reason only: trust half back in 1-4 calm years"),
    "initiatives.teacher_demand": (0.2, 0.45, "stated reason only: 2-5 initiatives fill a margin"),
    "teachers.support_turnover": (
        0.333, 2.0, "the stretch the workforce targets accept (calibration stage 1)"),
    "teachers.environment_boost": (
        3.0, 5.0, "the stretch the Kraft and Papay (2014) target accepts (calibration stage 1)"),
    "teachers.environment_cap": (
        1.38, 2.0, "stated reason only: from Kraft and Papay's observed 1.38x to 2x"),
}

#: Where each range comes from, for the settings taken from ``calibrate.UNPINNED``.
UNPINNED_BASIS = "no figure pins it (calibration stage 2's plausible range)"

#: A modest district (the ablation's size in docs/validation.md) and its horizon.
SIZE = {"district.students": 5000, "district.schools": 10}
YEARS = 10

#: Dose-response grids: the two levers the Shapley decomposition finds carry most of the gap.
DOSES: dict[str, tuple[float, ...]] = {
    "strategy.initiatives_per_year": (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0),
    "strategy.initiative_duration_years": (0.5, 1.0, 1.4, 2.0, 3.0, 4.0, 5.0, 6.0),
}
DOSE_BASES = ("focused", "fragmented")


def ranges() -> dict[str, tuple[float, float, str]]:
    """Every setting to test, with its low and high plausible value and the range's basis:
    ``calibrate.UNPINNED`` first (read at call time, so its edits carry through), then
    ``EXTRA`` for what it does not list."""
    out = {name: (low, high, UNPINNED_BASIS) for name, (low, high) in UNPINNED.items()}
    out.update({k: v for k, v in EXTRA.items() if k not in out})
    return out


def default_value(dotted: str) -> float:
    """The shipped default of a dotted setting (what the scenarios use unless they set it)."""
    section, key = dotted.split(".")
    return float(getattr(getattr(Settings(), section), key))


def year_end(scenarios, overrides: dict, seeds: int, seed: int, years: int = YEARS) -> pd.DataFrame:
    """Achievement at the end of year ``years``: one row a replicate, one column a scenario.

    Replicate r of every call with the same ``seed`` runs on the same seed, so frames from
    different calls are paired too (the change a setting makes is measured on the same
    districts and shocks)."""
    df = compare(list(scenarios), years=years, replicates=seeds, seed=seed, overrides=overrides)
    last = df[df["year"] == years].groupby(["scenario", "replicate"], sort=False)["achievement"].last()
    return last.unstack("scenario")


def contrast(final: pd.DataFrame, a: str, b: str) -> np.ndarray:
    """Paired difference a - b, one value a replicate."""
    return (final[a] - final[b]).to_numpy()


def verdict(mean: float, low: float, high: float) -> str:
    """Which side of 0 a contrast's 95% interval lies on."""
    if low > 0:
        return "above 0"
    if high < 0:
        return "below 0"
    return "not detectable"


def headline_rows(name: str, low: float, high: float, base: pd.DataFrame, seeds: int, seed: int,
                  size: dict) -> list[dict]:
    """The three contrasts at the low, default and high value of one setting, and each one's
    paired change from the defaults (``base``: :func:`year_end` at the defaults)."""
    rows = []
    for level, value in (("low", low), ("default", default_value(name)), ("high", high)):
        final = base if level == "default" else year_end(SCENARIOS, {**size, name: value}, seeds, seed)
        row = {"setting": name, "level": level, "value": value}
        for label, a, b in CONTRASTS:
            diff = contrast(final, a, b)
            row[label], row[label + " low"], row[label + " high"] = interval(diff)
            row[label + " change"], row[label + " change low"], row[label + " change high"] = interval(
                diff - contrast(base, a, b))
        rows.append(row)
    return rows


def headline_table(seeds: int, seed: int, size: dict | None = None, names=None,
                   progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """:func:`headline_rows` for every setting in ``names`` (default: all of :func:`ranges`)."""
    size = size or SIZE
    table = ranges()
    names = list(names or table)
    base = year_end(SCENARIOS, size, seeds, seed)
    rows = []
    for i, name in enumerate(names):
        low, high, _ = table[name]
        rows += headline_rows(name, low, high, base, seeds, seed, size)
        if progress:
            progress(i + 1, len(names))
    return pd.DataFrame(rows)


def dose_response(seeds: int, seed: int, size: dict | None = None, doses: dict | None = None,
                  bases=DOSE_BASES, progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Year-end achievement of each base scenario minus status_quo's (paired seeds) as one lever
    moves over its grid, the scenario's other levers held at its own values."""
    size, doses = size or SIZE, doses or DOSES
    reference = year_end(["status_quo"], size, seeds, seed)["status_quo"]
    steps = [(lever, b, v) for lever, grid in doses.items() for b in bases for v in grid]
    rows = []
    for i, (lever, b, value) in enumerate(steps):
        final = year_end([b], {**size, lever: value}, seeds, seed)[b]
        mean, lo, hi = interval((final - reference).to_numpy())
        rows.append({"lever": lever, "scenario": b, "value": value, "vs status_quo": mean,
                     "low": lo, "high": hi})
        if progress:
            progress(i + 1, len(steps))
    return pd.DataFrame(rows)


#: The setting the published turnover figures speak to, and the target in their unit.
SUPPORT = "teachers.support_turnover"
SUPPORT_TARGET = "support_sd_turnover"


def support_check(seeds: int, seed: int) -> pd.DataFrame:
    """What the low, default and high ``support_turnover`` mean in the studies' own unit:
    turnover change per SD of school support, within school (the validation's probe and size),
    against the published band."""
    low, high, _ = ranges()[SUPPORT]
    rows = []
    for level, value in (("low", low), ("default", default_value(SUPPORT)), ("high", high)):
        stats = [probes.support_gradient(s, size={**probes.SIZE, SUPPORT: value})[SUPPORT_TARGET]
                 for s in replicate_seeds(seed, seeds)]
        mean, lo, hi = interval(stats)
        rows.append({"level": level, "value": value, "mean": mean, "low": lo, "high": hi,
                     "hit": BY_KEY[SUPPORT_TARGET].hit(mean)})
    return pd.DataFrame(rows)


def support_markdown(check: pd.DataFrame) -> str:
    """The support check as a table and a sentence on whether the band narrows the range."""
    t = BY_KEY[SUPPORT_TARGET]
    lines = [f"| `{SUPPORT}` | value | turnover change per SD of support [95%] | in the published band? |",
             "|---|---|---|---|"]
    for _, r in check.iterrows():
        lines.append(f"| {r['level']} | {r['value']:.3g} | {_pm(r['mean'], r['low'], r['high'])} | "
                     f"{'yes' if r['hit'] else 'no'} |")
    inside = bool(check["hit"].all())
    note = (f"The band the studies give ({t.low:+.0%} to {t.high:+.0%} per SD; {t.source}) "
            + ("holds over the whole plausible range, so it does not narrow it: what the published "
               "figures pin is the direction and rough size, not the value within this range."
               if inside else "excludes part of the plausible range: only the values inside it "
               "reproduce the published figures."))
    return "\n".join(lines) + "\n\n" + note


def _pm(mean: float, low: float, high: float) -> str:
    return f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]"


#: Smallest change in a contrast (student SD) called a move: paired seeds detect changes far
#: below what any reader would act on; half a hundredth of an SD is a tenth of what Kraft (2020)
#: calls a small effect in education.
MATERIAL = 0.005


def dependence(table: pd.DataFrame) -> pd.DataFrame:
    """For each setting and contrast: does the conclusion the defaults support survive both
    ends of the range? ``depends`` when an end's interval leaves the side of 0 the defaults'
    interval is on; ``moves`` when it stays there but the paired change from the defaults
    excludes 0 and is at least ``MATERIAL``; ``negligible`` when the change is detectable but
    smaller; ``no detectable effect`` otherwise."""
    rows = []
    for name, part in table.groupby("setting", sort=False):
        by = part.set_index("level")
        row = {"setting": name}
        for label, _, _ in CONTRASTS:
            base = verdict(*(by.loc["default", label + k] for k in ("", " low", " high")))
            ends = {lv: verdict(*(by.loc[lv, label + k] for k in ("", " low", " high")))
                    for lv in ("low", "high")}
            detected = [lv for lv in ends if by.loc[lv, label + " change low"] > 0
                        or by.loc[lv, label + " change high"] < 0]
            material = [lv for lv in detected if abs(by.loc[lv, label + " change"]) >= MATERIAL]
            flipped = [lv for lv, v in ends.items() if v != base]
            row[label] = ("depends" if flipped else "moves" if material
                          else "negligible" if detected else "no detectable effect")
            row[label + " where"] = ", ".join(f"{lv} ({ends[lv]})" for lv in flipped)
            row[label + " swing"] = float(by.loc["high", label] - by.loc["low", label])
            row[label + " default"] = base
        rows.append(row)
    return pd.DataFrame(rows)


def headline_markdown(table: pd.DataFrame) -> str:
    """One row a setting and level: the three contrasts with 95% intervals."""
    labels = [c[0] for c in CONTRASTS]
    lines = ["| setting | level | value | " + " | ".join(f"{x} [95%]" for x in labels) + " |",
             "|---|---|---|" + "---|" * len(labels)]
    for _, r in table.iterrows():
        cells = [_pm(r[x], r[x + " low"], r[x + " high"]) for x in labels]
        lines.append(f"| `{r['setting']}` | {r['level']} | {r['value']:.4g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ranges_markdown(names) -> str:
    """The range tested for each setting and what the range rests on."""
    table = ranges()
    lines = ["| setting | low | default | high | range from |", "|---|---|---|---|---|"]
    for name in names:
        low, high, basis = table[name]
        lines.append(f"| `{name}` | {low:.4g} | {default_value(name):.4g} | {high:.4g} | {basis} |")
    return "\n".join(lines)


def dependence_markdown(dep: pd.DataFrame) -> str:
    """One row a setting: for each conclusion, whether it depends on the setting, and the
    swing (high minus low) of the contrast over the range."""
    labels = [c[0] for c in CONTRASTS]
    lines = ["| setting | " + " | ".join(f"{x}: verdict (swing, high - low)" for x in labels) + " |",
             "|---|" + "---|" * len(labels)]
    for _, r in dep.iterrows():
        cells = []
        for x in labels:
            where = f": {r[x + ' where']}" if r[x + " where"] else ""
            word = f"**{r[x]}**{where}" if r[x] == "depends" else r[x]
            cells.append(f"{word} ({r[x + ' swing']:+.3f})")
        lines.append(f"| `{r['setting']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sides(word: str) -> str:
    return {"above 0": "holds", "below 0": "holds", "not detectable": "is not detectable"}[word]


#: The settings that price overload: what fragmentation costs beyond doing nothing rests on them.
OVERLOAD = ("teachers.fatigue_rate", "teachers.fatigue_turnover", "teachers.fatigue_recovery",
            "teachers.fatigue_capacity_loss", "teachers.cynicism_rate", "teachers.cynicism_drag",
            "teachers.cynicism_recovery")


def _contrast_sentence(label: str, table: pd.DataFrame, dep: pd.DataFrame) -> str:
    """Which settings a contrast depends on, its spread over every end, its largest swings."""
    deps = dep[dep[label] == "depends"]
    top = dep.reindex(dep[label + " swing"].abs().sort_values(ascending=False).index).head(3)
    movers = ", ".join(f"`{r['setting']}` ({r[label + ' swing']:+.3f})" for _, r in top.iterrows())
    if deps.empty:
        head = f"*{label}*: the sign the defaults give holds at both ends of all {len(dep)} ranges"
    else:
        which = "; ".join(f"`{r['setting']}` at its {r[label + ' where']}" for _, r in deps.iterrows())
        head = f"*{label}* **depends on** {which}"
    return (f"{head}; over every end of every range it lies between {table[label].min():+.3f} and "
            f"{table[label].max():+.3f}; the largest swings over a range (high minus low): {movers}.")


def _overload_sentence(dep: pd.DataFrame) -> str:
    """How far the settings that price overload move fragmentation's harm beyond doing nothing."""
    part = dep[dep["setting"].isin(OVERLOAD)]
    if part.empty:
        return ""
    label = "fragmented - status_quo"
    worst = part.loc[part[label + " swing"].abs().idxmax()]
    return (f"The settings that price overload ({len(part)}: fatigue and cynicism, how they build, fade, "
            f"slow implementation and drive leaving) each swing *{label}* by at most "
            f"{abs(worst[label + ' swing']):.3f} SD over their ranges (`{worst['setting']}`).")


def conclusions_paragraph(table: pd.DataFrame, dep: pd.DataFrame) -> str:
    """Plain language: at the defaults, what each contrast says; which settings it depends
    on; which settings move it most; how much rests on the price of overload."""
    base = table[table["level"] == "default"].iloc[0]
    gap, below = base["focused - fragmented"], -base["fragmented - status_quo"]
    parts = [f"At the defaults focused beats fragmented by {_pm(*_cells(base, 'focused - fragmented'))} "
             f"SD, beats doing nothing by {_pm(*_cells(base, 'focused - status_quo'))} and fragmented "
             f"ends {_pm(*_cells(base, 'fragmented - status_quo'))} against doing nothing: "
             f"{below / gap:.0%} of the gap is fragmentation's harm beyond doing nothing."
             if gap > 0 else "At the defaults focused does not beat fragmented."]
    parts += [_contrast_sentence(label, table, dep) for label, _, _ in CONTRASTS]
    parts.append(_overload_sentence(dep))
    return "\n\n".join(p for p in parts if p)


def _cells(row, label: str) -> tuple[float, float, float]:
    return row[label], row[label + " low"], row[label + " high"]


def dose_markdown(doses: pd.DataFrame, lever: str) -> str:
    """A lever's grid against status_quo, one column a base scenario."""
    part = doses[doses["lever"] == lever]
    bases = list(dict.fromkeys(part["scenario"]))
    lines = [f"| `{lever}` | " + " | ".join(f"{b} (its other levers) - status_quo [95%]" for b in bases)
             + " |", "|---|" + "---|" * len(bases)]
    for value, rows in part.groupby("value", sort=True):
        by = rows.set_index("scenario")
        cells = [_pm(by.loc[b, "vs status_quo"], by.loc[b, "low"], by.loc[b, "high"]) for b in bases]
        lines.append(f"| {value:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dose_paragraph(doses: pd.DataFrame, lever: str) -> str:
    """Plain language: where each scenario's curve peaks and where it is below doing nothing."""
    out = []
    for b, part in doses[doses["lever"] == lever].groupby("scenario", sort=False):
        part = part.sort_values("value")
        best = part.loc[part["vs status_quo"].idxmax()]
        below = part[part["high"] < 0]["value"].tolist()
        above = part[part["low"] > 0]["value"].tolist()
        own = default_scenario_value(b, lever)
        out.append(f"{b} (its own value {own:g}): best at {best['value']:g} "
                   f"({_pm(best['vs status_quo'], best['low'], best['high'])}); detectably above doing "
                   f"nothing at {_list(above)}; detectably below at {_list(below)}")
    return "; ".join(out) + "."


def _list(values) -> str:
    return ", ".join(f"{v:g}" for v in values) if values else "none"


def default_scenario_value(scenario: str, dotted: str) -> float:
    """A lever's value in a shipped scenario."""
    section, key = dotted.split(".")
    return float(getattr(getattr(load_scenario(scenario), section), key))


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    """Write a figure atomically (a reader never sees half a PNG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(path)
    return path


def headline_figure(table: pd.DataFrame, path: Path) -> Path:
    """One panel a contrast: each setting's low and high end (with 95% intervals) around the
    defaults' value, so the settings a conclusion leans on stand out."""
    plt = _pyplot()
    names = list(dict.fromkeys(table["setting"]))[::-1]
    fig, axes = plt.subplots(1, len(CONTRASTS), figsize=(4.2 * len(CONTRASTS), 0.32 * len(names) + 1.4),
                             sharey=True)
    y = np.arange(len(names))
    for ax, (label, _, _) in zip(axes, CONTRASTS, strict=True):
        base = table[table["level"] == "default"].iloc[0]
        ax.axvspan(base[label + " low"], base[label + " high"], color="0.85", label="defaults, 95%")
        ax.axvline(0.0, color="black", lw=0.8)
        for level, colour, dy in (("low", "tab:blue", -0.15), ("high", "tab:red", 0.15)):
            part = table[table["level"] == level].set_index("setting").loc[names]
            ax.errorbar(part[label], y + dy, xerr=[part[label] - part[label + " low"],
                                                   part[label + " high"] - part[label]],
                        fmt="o", ms=3.5, color=colour, capsize=2, lw=1, label=f"{level} end")
        ax.set_title(f"{label}, year 10 (SD)", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, names, fontsize=7)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def dose_figure(doses: pd.DataFrame, lever: str, path: Path) -> Path:
    """Achievement against status_quo over one lever's grid, a line with a 95% band for each
    base scenario, its own value marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    ax.axhline(0.0, color="black", lw=0.8, label="status_quo (launches nothing)")
    for b, part in doses[doses["lever"] == lever].groupby("scenario", sort=False):
        part = part.sort_values("value")
        line, = ax.plot(part["value"], part["vs status_quo"], "o-", ms=3.5, label=f"{b}'s other levers")
        ax.fill_between(part["value"], part["low"], part["high"], color=line.get_color(), alpha=0.2)
        ax.axvline(default_scenario_value(b, lever), color=line.get_color(), ls=":", lw=1)
    ax.set_xlabel(f"{lever} (dotted: the scenario's own value)")
    ax.set_ylabel("year-10 achievement\nminus status_quo (SD)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


#: Figure names under ``docs/figures`` (paths in the markdown are relative to ``docs/``).
FIGURES = {"headline": "sensitivity_headline.png",
           "strategy.initiatives_per_year": "sensitivity_launches.png",
           "strategy.initiative_duration_years": "sensitivity_duration.png"}


def figures(table: pd.DataFrame, doses: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """Write every figure of the section into ``folder``."""
    out = {"headline": headline_figure(table, folder / FIGURES["headline"])}
    for lever in dict.fromkeys(doses["lever"]):
        out[lever] = dose_figure(doses, lever, folder / FIGURES.get(lever, f"sensitivity_{lever}.png"))
    return out


def _headline_parts(table: pd.DataFrame, meta: dict, h: str, figure_dir: str) -> list[str]:
    """The sensitivity half of the section: ranges, figure, plain language, tables."""
    dep = dependence(table)
    size = f"{meta['students']:,} students in {meta['schools']} schools"
    return [
        f"{h} Sensitivity: the headline at the ends of each plausible range",
        f"Each setting below is moved alone to the low and the high end of its plausible range, the "
        f"others at their defaults; at each value `status_quo`, `fragmented` and `focused` run on the "
        f"same {meta['seeds']} paired seeds ({size}, {meta['years']} years). The contrasts are "
        f"year-{meta['years']} achievement differences (student SD) with 95% intervals over seeds. "
        f"A conclusion **depends** on a setting when at one end of its range its interval no longer "
        f"lies on the side of 0 it lies on at the defaults; it **moves** when it keeps its side but "
        f"the paired change from the defaults excludes 0.",
        ranges_markdown(list(dict.fromkeys(table["setting"]))),
        f"![the headline at each end of each range]({figure_dir}/{FIGURES['headline']})",
        conclusions_paragraph(table, dep),
        dependence_markdown(dep),
        headline_markdown(table),
    ]


def _support_parts(support: pd.DataFrame, meta: dict, h: str) -> list[str]:
    """The support check: the one overload-related cost a published figure measures."""
    return [f"{h} The one setting a published figure speaks to: `{SUPPORT}`",
            f"How much better-supported schools keep their teachers is the one cost of working "
            f"conditions the literature measures. The model's figure in the studies' unit, over "
            f"{meta['seeds']} seeds at the validation's size (`{SUPPORT_TARGET}` in validation.md):",
            support_markdown(support)]


def _dose_parts(doses: pd.DataFrame, meta: dict, h: str, figure_dir: str) -> list[str]:
    """The dose-response half: one figure, sentence and table a lever."""
    parts = [f"{h} Dose-response: launches a year and initiative life",
             f"One lever of a scenario moves over its grid, the scenario's other levers held at its "
             f"own values, against `status_quo` on the same {meta['seeds']} seeds "
             f"({meta['students']:,} students in {meta['schools']} schools). Dotted lines mark each "
             f"scenario's own value."]
    for lever in dict.fromkeys(doses["lever"]):
        name = FIGURES.get(lever, f"sensitivity_{lever}.png")
        parts += [f"![{lever}]({figure_dir}/{name})", dose_paragraph(doses, lever),
                  dose_markdown(doses, lever)]
    return parts


def markdown(table: pd.DataFrame, doses: pd.DataFrame, meta: dict, figure_dir: str = "figures",
             level: int = 2, support: pd.DataFrame | None = None) -> str:
    """The section, for docs/sensitivity.md or to embed in docs/validation.md: ranges, the
    headline at each end, which conclusions depend on what, the support check (if given,
    :func:`support_check`) and the dose-response curves. ``level`` is the heading depth;
    ``figure_dir`` is the figures' folder relative to the page that embeds it."""
    h = "#" * level
    parts = _headline_parts(table, meta, h, figure_dir)
    if support is not None:
        parts += _support_parts(support, meta, h)
    parts += _dose_parts(doses, meta, h, figure_dir)
    return "\n\n".join(parts) + "\n"


def generate(seeds: int, seed: int, size: dict, progress: Callable[[str, int, int], None] | None = None,
             names=None, doses: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every part's results: the headline table, the dose-response curves, the support check."""
    table = headline_table(seeds, seed, size, names,
                           progress=(lambda i, n: progress("headline", i, n)) if progress else None)
    curves = dose_response(seeds, seed, size, doses,
                           progress=(lambda i, n: progress("doses", i, n)) if progress else None)
    return table, curves, support_check(seeds, seed)


def write(out: Path, table: pd.DataFrame, doses: pd.DataFrame, meta: dict,
          support: pd.DataFrame | None = None) -> Path:
    """Write ``docs/sensitivity.md`` (a page of its own, so its headings start at level 2 under
    a title) and its figures under ``figures/`` beside it."""
    figures(table, doses, out.parent / "figures")
    title = (f"# Sensitivity and dose-response\n\nGenerated by `python -m district_sim.validation."
             f"sensitivity --seeds {meta['seeds']} --seed {meta['seed']} --students {meta['students']} "
             f"--schools {meta['schools']}` ({meta['seconds']:.0f} s); do not edit by hand. "
             f"[validation.md](validation.md) checks the defaults against the published figures; "
             f"this page shows what the headline rests on where no figure pins a setting.\n\n")
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(title + markdown(table, doses, meta, support=support))
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m district_sim.validation.sensitivity",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10, help="paired replicates per point (default 10)")
    ap.add_argument("--seed", type=int, default=0, help="root seed of the replicates (default 0)")
    ap.add_argument("--students", type=int, default=SIZE["district.students"])
    ap.add_argument("--schools", type=int, default=SIZE["district.schools"])
    ap.add_argument("--out", type=Path, default=Path("sensitivity.md"),
                    help="the page to write; figures go to figures/ beside it")
    args = ap.parse_args(argv)
    size = {"district.students": args.students, "district.schools": args.schools}
    start = time.time()

    def say(part: str, done: int, total: int) -> None:
        print(f"\r{part}: {done}/{total} ({time.time() - start:.0f} s)", end="", file=sys.stderr)

    table, doses, support = generate(args.seeds, args.seed, size, progress=say)
    meta = {"seeds": args.seeds, "seed": args.seed, "students": args.students, "schools": args.schools,
            "years": YEARS, "seconds": time.time() - start}
    write(args.out, table, doses, meta, support)
    print(f"\nwrote {args.out} in {meta['seconds']:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
