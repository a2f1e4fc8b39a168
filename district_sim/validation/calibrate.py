"""Calibration: which parameter values reproduce the field's figures together, and which
parameters the figures leave free (``python -m district_sim.validation.calibrate``).

Two Latin-hypercube searches, each an ABC-style rejection (Grimm et al. 2005's
pattern-oriented modelling; the tolerance of each pattern is its target's accepted range):

1. **Pinned parameters.** The settings the workforce targets speak to are drawn together
   over wide prior ranges; a draw is *accepted* when the mean of every workforce target over
   a few seeds lies in its range at once. The accepted region is the set of accepted draws;
   a parameter whose accepted values fill its prior range is not pinned by these figures.
2. **Unpinned parameters.** The initiative and fatigue settings no published figure pins
   are drawn over plausible ranges (shipped workforce defaults held); at each draw the
   headline (focused minus fragmented achievement in year 10, paired seeds) is measured,
   giving the range over which the headline holds.
3. **Coaching.** A grid over the coaching settings (pace, transfer, caseload); a point fits
   when the small-scale coaching effect on achievement hits; the other coaching rows are
   reported at the fitting points.

The shipped defaults are then checked to lie in the accepted region (stage 1 re-runs them
with more seeds). The document ``docs/calibration.md`` is written from the results.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..api import compare, replicate_seeds
from ..report import interval
from ..settings import Settings
from . import probes
from .targets import BY_KEY, TARGETS

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

#: Stage 2: settings no published figure pins, over ranges their descriptions make plausible.
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

WORKFORCE = [t for t in TARGETS if t.probe == "workforce"]
CAL_SIZE = dict(probes.SIZE)
HEADLINE_SIZE = {"district.students": 3000, "district.schools": 6}

#: Stage 3: the coaching grid. Pace and transfer are pinned by the small-scale trials; the
#: caseload spans the range practice reports, to show how the at-scale effect depends on it.
COACHING_GRID: dict[str, tuple[float, ...]] = {
    "coaching.pace": (2.0, 4.0, 6.0, 8.0, 10.0),
    "coaching.transfer": (0.2, 0.3, 0.4, 0.5, 0.6, 0.8),
    "coaching.caseload": (10, 15, 20),
}
COACHING = [t for t in TARGETS if t.probe.startswith("coaching")]


def latin_hypercube(ranges: dict[str, tuple[float, float]], n: int, seed: int) -> pd.DataFrame:
    """``n`` draws, one in each of ``n`` equal strata of every range, strata paired at random."""
    rng = np.random.default_rng(seed)
    cols = {}
    for name, (low, high) in ranges.items():
        u = (rng.permutation(n) + rng.random(n)) / n
        cols[name] = low + (high - low) * u
    return pd.DataFrame(cols)


def _defaults(names) -> dict[str, float]:
    s = Settings()
    out = {}
    for dotted in names:
        section, key = dotted.split(".")
        out[dotted] = float(getattr(getattr(s, section), key))
    return out


def workforce_fit(params: dict[str, float], seeds: list[int]) -> dict[str, float]:
    """Mean of each workforce target over ``seeds`` at ``params``."""
    runs = [probes.workforce(s, years=10, size={**CAL_SIZE, **params}) for s in seeds]
    return {t.key: float(np.nanmean([r[t.statistic] for r in runs])) for t in WORKFORCE}


def accepted(fit: dict[str, float]) -> bool:
    return all(t.hit(fit[t.key]) for t in WORKFORCE)


def distance(fit: dict[str, float]) -> float:
    """How far a draw is from reproducing every pattern: each target's distance outside its
    range in units of the range's width (0 inside), summed."""
    total = 0.0
    for t in WORKFORCE:
        v = fit[t.key]
        width = (t.high - t.low) if np.isfinite(t.high) else 0.2 * abs(t.low)
        if not np.isfinite(v):
            return np.inf
        total += max(0.0, t.low - v, v - t.high) / width
    return total


def _evaluate(design: pd.DataFrame, seed_list: list[int], round_: int, progress, done: int,
              total: int) -> list[dict]:
    rows = []
    for i, row in design.iterrows():
        params = row.to_dict()
        fit = workforce_fit(params, seed_list)
        rows.append({**params, **fit, "distance": distance(fit), "accepted": accepted(fit),
                     "round": round_, "defaults": False})
        if progress:
            progress(done + i + 1, total)
    return rows


def stage_one(draws: int, seeds: int, seed: int, progress=None, points: int = 13) -> pd.DataFrame:
    """A Latin hypercube over the whole prior box, then a profile through the defaults: each
    parameter in turn over ``points`` even steps of its prior range, the others held."""
    seed_list = replicate_seeds(seed, seeds)
    total = draws + len(PINNED) * points + 1
    rows = _evaluate(latin_hypercube(PINNED, draws, seed), seed_list, "hypercube", progress, 0, total)
    base = _defaults(PINNED)
    for name, (low, high) in PINNED.items():
        grid = pd.DataFrame([{**base, name: v} for v in np.linspace(low, high, points)])
        for row in _evaluate(grid, seed_list, "profile", progress, len(rows), total):
            rows.append({**row, "profiled": name})
    fit = workforce_fit(base, replicate_seeds(seed, max(seeds, 10)))
    rows.append({**base, **fit, "distance": distance(fit), "accepted": accepted(fit), "round": "defaults",
                 "defaults": True})
    if progress:
        progress(total, total)
    return pd.DataFrame(rows)


def headline_gap(params: dict[str, float], seeds: int, seed: int) -> tuple[float, float, float]:
    """Focused minus fragmented achievement in year 10, paired seeds: mean and 95% interval."""
    df = compare(["fragmented", "focused"], years=10, replicates=seeds, seed=seed,
                 overrides={**HEADLINE_SIZE, **params})
    final = df[df["year"] == 10].groupby(["scenario", "replicate"])["achievement"].last()
    return interval(final["focused"].to_numpy() - final["fragmented"].to_numpy())


def stage_two(draws: int, seeds: int, seed: int, progress=None) -> pd.DataFrame:
    design = latin_hypercube(UNPINNED, draws, seed + 1)
    design.loc[len(design)] = _defaults(UNPINNED)
    rows = []
    for i, row in design.iterrows():
        params = row.to_dict()
        mean, lo, hi = headline_gap(params, seeds, seed)
        rows.append({**params, "gap": mean, "gap_low": lo, "gap_high": hi, "holds": lo > 0,
                     "defaults": i == len(design) - 1})
        if progress:
            progress(i + 1, len(design))
    return pd.DataFrame(rows)


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


def stage_three(seeds: int, seed: int, progress=None) -> pd.DataFrame:
    """The coaching grid. A point *fits* when the small-scale achievement effect hits; the
    other three coaching rows are reported as checks at the fitting points."""
    grid = pd.MultiIndex.from_product(list(COACHING_GRID.values()), names=list(COACHING_GRID)).to_frame(
        index=False)
    seed_list = replicate_seeds(seed, seeds)
    base = _defaults(COACHING_GRID)
    rows = []
    for i, row in grid.iterrows():
        params = row.to_dict()
        fit = coaching_fit(params, seed_list)
        rows.append({**params, **fit, "fits": BY_KEY[FITTED].hit(fit[FITTED]),
                     "accepted": all(t.hit(fit[t.key]) for t in COACHING),
                     "defaults": all(np.isclose(params[k], base[k]) for k in params)})
        if progress:
            progress(i + 1, len(grid))
    return pd.DataFrame(rows)


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


# --- the document ---------------------------------------------------------------------------


def _region_table(one: pd.DataFrame) -> str:
    """Per parameter, the stretch of its profile through the defaults where every target hits."""
    default = one[one["defaults"]].iloc[0]
    lines = ["| parameter | prior range | accepted range (profile through the defaults) | "
             "share of prior range | shipped default | pinned? |", "|---|---|---|---|---|---|"]
    for name, (low, high) in PINNED.items():
        prof = one[one.get("profiled", pd.Series(index=one.index, dtype=object)) == name].sort_values(name)
        ok = prof["accepted"].to_numpy()
        values = prof[name].to_numpy()
        if ok.any():
            # The accepted stretch that contains (or lies nearest) the default.
            i = int(np.argmin(np.abs(values - default[name]) + 1e9 * ~ok))
            a = b = i
            while a > 0 and ok[a - 1]:
                a -= 1
            while b < len(ok) - 1 and ok[b + 1]:
                b += 1
            step = (high - low) / max(len(values) - 1, 1)
            lo_edge, hi_edge = max(low, values[a] - step / 2), min(high, values[b] + step / 2)
            share = (hi_edge - lo_edge) / (high - low)
            region = f"{values[a]:.3g} - {values[b]:.3g}"
        else:
            share, region = float("nan"), "none on the grid"
        pinned = "yes" if share < 0.6 else ("partly" if share < 0.85 else "no")
        lines.append(f"| `{name}` | {low:g} - {high:g} | {region} | {share:.0%} | "
                     f"{default[name]:.3g} | {pinned} |")
    return "\n".join(lines)


def _fit_table(one: pd.DataFrame) -> str:
    default = one[one["defaults"]].iloc[0]
    lines = ["| target | accepted range | shipped defaults (mean over seeds) | share of draws hitting it |",
             "|---|---|---|---|"]
    body = one[one["round"] == "hypercube"]
    for t in WORKFORCE:
        hits = body[t.key].apply(t.hit).mean()
        lines.append(f"| {t.label} | {t.low:g} - {t.high:g} | {default[t.key]:.3f} "
                     f"({'hit' if t.hit(default[t.key]) else 'miss'}) | {hits:.0%} |")
    return "\n".join(lines)


def _headline_table(two: pd.DataFrame) -> str:
    body = two[~two["defaults"]]
    held = body[body["holds"]]
    lines = ["| parameter | range searched | range over which focused > fragmented held | "
             "rank correlation with the gap |", "|---|---|---|---|"]
    for name, (low, high) in UNPINNED.items():
        rho = body[name].rank().corr(body["gap"].rank())
        span = f"{held[name].min():.3g} - {held[name].max():.3g}" if len(held) else "nowhere"
        lines.append(f"| `{name}` | {low:g} - {high:g} | {span} | {rho:+.2f} |")
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


def document(one: pd.DataFrame, two: pd.DataFrame, three: pd.DataFrame, size: dict[str, float], args,
             seconds: float) -> str:
    default = one[one["defaults"]].iloc[0]
    body2 = two[~two["defaults"]]
    d2 = two[two["defaults"]].iloc[0]
    shipped_ok = bool(three.loc[three["defaults"], "accepted"].all())
    band = validity_band(three)
    shipped = "fit, and all four coaching rows hit" if shipped_ok else "do not hit all four coaching rows"
    cmd = (f"python -m district_sim.validation.calibrate --draws {args.draws} --points {args.points} "
           f"--seeds {args.seeds} "
           f"--headline-draws {args.headline_draws} --headline-seeds {args.headline_seeds} "
           f"--coaching-seeds {args.coaching_seeds} "
           f"--seed {args.seed}")
    return "\n".join([
        "# Calibration",
        "",
        f"Generated by `{cmd}` ({seconds:.0f} s); do not edit by hand. "
        "The validation of the shipped defaults against every target is in "
        "[validation.md](validation.md).",
        "",
        "## Procedure",
        "",
        "Pattern-oriented calibration (Grimm et al. 2005) by Latin-hypercube sampling with "
        "ABC-style rejection: draw parameter sets that cover each prior range evenly, run each, "
        "and accept a draw only when it reproduces *all* its patterns at once, each within the "
        "accepted range of its target (the tolerance). Three stages:",
        "",
        f"1. **Workforce parameters** ({len(PINNED)} settings). Each evaluation runs the "
        f"`workforce` probe of the validation (`status_quo`, {CAL_SIZE['district.students']:,} "
        f"students in {CAL_SIZE['district.schools']} schools, 10 years, years 2-10 averaged) on "
        f"{args.seeds} seeds and accepts the parameter set when the means of all {len(WORKFORCE)} "
        "workforce targets (turnover overall, of novices, high-poverty ratio, support ratio, "
        "principal turnover and tenure, value-added spread, returns to experience, professional "
        "environment, learning gains) lie in their ranges at once. The statistics are means "
        "over teachers, students and years, so a modest district gives them up to noise. "
        f"First a Latin hypercube of {args.draws} draws over the whole prior box (plain ABC "
        "rejection); twelve patterns at once are met by a vanishing share of a nine-dimensional "
        "box (each pattern is pinned by one or two settings, and every one must be right), so "
        "the accepted region is then traced by a profile through the defaults: each setting in "
        f"turn over {args.points} even steps of its prior range, the others held at their "
        "defaults. The defaults themselves are run on at least 10 seeds.",
        f"2. **Parameters no figure pins** ({len(UNPINNED)} settings, {args.headline_draws} draws, "
        "workforce parameters at their defaults): each draw runs `focused` and `fragmented` "
        f"(paired, {args.headline_seeds} seeds, {HEADLINE_SIZE['district.students']:,} students in "
        f"{HEADLINE_SIZE['district.schools']} schools, 10 years); the headline holds when the 95% "
        "interval of focused minus fragmented year-10 achievement excludes 0.",
        f"3. **Coaching** ({len(three)} grid points over `coaching.pace`, `coaching.transfer` and "
        f"`coaching.caseload`, {args.coaching_seeds} seeds each): the two coaching probes of the "
        "validation (a year of coaching in 2 of 20 schools and in all 20); a point fits when the "
        "small-scale effect on achievement hits, and the other three rows are reported there.",
        "",
        "Targets outside these stages are pinned by construction, not by search: superintendent "
        "tenure (a yearly leaving chance of 1/`leadership.superintendent_tenure_years` gives that "
        "mean tenure exactly at neutral stakeholder support), the pandemic loss (the shock's "
        "magnitude is the share of a year's learning lost; the probe uses 0.35, the middle of "
        "0.2-0.5).",
        "",
        "## Stage 1: the accepted region",
        "",
        f"**{int(one.loc[one['round'] == 'hypercube', 'accepted'].sum())} of {args.draws} hypercube "
        "draws accepted**; the shipped defaults: "
        f"**{'accepted' if default['accepted'] else 'not accepted'}** (closest hypercube draw: "
        f"distance {one.loc[one['round'] == 'hypercube', 'distance'].min():.2f}, where 0 hits all).",
        "",
        _region_table(one),
        "",
        "A parameter is *pinned* when its accepted stretch covers under 60% of its prior range "
        "(partly: under 85%). A profile is a cross-section of the accepted region through the "
        "defaults, not its shadow: settings trade off (a higher base turnover with a lower "
        "novice ratio), so the region reaches further along such diagonals.",
        "",
        "How often a hypercube draw hits each target, and the defaults' fit:",
        "",
        _fit_table(one),
        "",
        "## Stage 2: where the headline holds",
        "",
        f"Focused beat fragmented (95% interval above 0) in **{int(body2['holds'].sum())} of "
        f"{len(body2)} draws**; the gap ranged {body2['gap'].min():+.3f} to {body2['gap'].max():+.3f} "
        f"SD (median {body2['gap'].median():+.3f}). At the defaults: {d2['gap']:+.3f} "
        f"[{d2['gap_low']:+.3f}, {d2['gap_high']:+.3f}].",
        "",
        _headline_table(two),
        "",
        "These parameters are **not pinned by the data**: the published figures say what an "
        "initiative costs and how long full implementation takes (Fixsen et al. 2005: 2-4 years, "
        "which bounds `learning_rate`), not how steep the threshold is or how fast fatigue builds. "
        "Their defaults carry stated reasons in docs/parameters.md; the table shows the "
        "headline does not depend on choosing them well inside these ranges. A positive rank "
        "correlation means the setting widens the gap.",
        "",
        "## Stage 3: coaching",
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
        "## Chosen values",
        "",
        "The shipped defaults are the chosen values (docs/parameters.md, each with its source). "
        "This calibration changed two: `teachers.environment_boost`, whose meaning changed with "
        "the experience mechanism (the environment now scales how much experience teaches, not "
        "only how fast), set to 4.8 so that schools at the 75th percentile of professional "
        "environment give 38% more ten-year improvement than schools at the 25th (Kraft and "
        "Papay 2014); and `teachers.support_turnover`, raised from 0.6 (at the edge of the "
        "support-ratio target, missed on many seeds) to 1.0, inside its accepted stretch. The "
        "validation before this run had set `teachers.novice_gap` to 0.09. The coaching settings "
        "(`coaching.pace` 6, `coaching.transfer` 0.5, `coaching.caseload` 10) were chosen from "
        "stage 3's points that hit all four coaching rows, in the middle of the small-scale ranges; "
        "fade-out (students' gains partly fade within the year) moved transfer from 0.4, which "
        "then sat at the bottom of the small-scale achievement range, to 0.5. "
        "The profile grid is "
        "coarse (13 steps): a default at the end of its accepted stretch (e.g. "
        "`teachers.base_turnover`) means the next grid step misses, not that the default is "
        "marginal; docs/validation.md checks the defaults on 20 seeds.",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m district_sim.validation.calibrate", description=__doc__
                                 .splitlines()[0])
    ap.add_argument("--draws", type=int, default=300, help="stage-1 Latin-hypercube draws")
    ap.add_argument("--points", type=int, default=13, help="stage-1 profile steps per setting")
    ap.add_argument("--seeds", type=int, default=3, help="seeds per stage-1 draw")
    ap.add_argument("--headline-draws", type=int, default=60, help="stage-2 draws")
    ap.add_argument("--headline-seeds", type=int, default=6, help="paired seeds per stage-2 draw")
    ap.add_argument("--coaching-seeds", type=int, default=6, help="seeds per stage-3 grid point")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="docs/calibration.md")
    args = ap.parse_args(argv)
    for name in ("draws", "points", "seeds", "headline_draws", "headline_seeds", "coaching_seeds"):
        if not 2 <= getattr(args, name) <= 10_000:
            print(f"--{name.replace('_', '-')} must be between 2 and 10000, got {getattr(args, name)}",
                  file=sys.stderr)
            return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"--out: folder {str(out.parent)!r} does not exist", file=sys.stderr)
        return 2
    start = time.perf_counter()

    def say(stage):
        return lambda done, total: print(f"\r{stage}: {done}/{total}", end="", file=sys.stderr)

    one = stage_one(args.draws, args.seeds, args.seed, say("stage 1"), points=args.points)
    print(file=sys.stderr)
    two = stage_two(args.headline_draws, args.headline_seeds, args.seed, say("stage 2"))
    print(file=sys.stderr)
    three = stage_three(args.coaching_seeds, args.seed, say("stage 3"))
    size = share_not_size(args.coaching_seeds, args.seed)
    print(file=sys.stderr)
    seconds = time.perf_counter() - start
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(document(one, two, three, size, args, seconds))
    tmp.replace(out)
    (out.parent / "validation").mkdir(exist_ok=True)
    data = out.parent / "validation" / "calibration_draws.csv"
    draws = pd.concat([one.assign(stage=1), two.assign(stage=2), three.assign(stage=3)])
    draws.to_csv(data.with_name(f".{data.name}.tmp"), index=False)
    data.with_name(f".{data.name}.tmp").replace(data)
    print(f"wrote {out} and {data} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
