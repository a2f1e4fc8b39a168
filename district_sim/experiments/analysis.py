"""What a finished sweep says: tables with intervals, figures, sensitivity indices.

Written to ``<sweep>/analysis/``: ``summary.csv`` (final-year mean and 95% t-interval of each
metric for each value of each varied setting; continuous settings in quartile bins),
``trajectories.png`` (mean and 95% band over the runs at each value of the first varied
setting), ``heatmap.png`` (final-year means over the first two varied settings),
``sensitivity.csv`` with ``morris.png`` (mu*-sigma) or ``sobol.png`` (S1 and ST with
confidence intervals) computed by SALib, and ``discovery.csv`` when the sweep varies the
scenario between fragmented and focused: which settings separate the runs where focus wins
by a margin from the others (one-split decision stumps, ranked by how well they separate).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..report import LABELS, interval, metric_interval
from ..settings import SettingsError, read_toml
from . import store
from .spec import SCENARIO_KEY, ExperimentFile

ID_COLUMNS = ("run_id", "point", "replicate", "seed", SCENARIO_KEY, "year", "month")
#: Focus "wins by a margin" when its final achievement beats the paired fragmented run by this
#: much (student SD): about a month of learning, a difference a district would notice.
FOCUS_MARGIN = 0.05
MAX_LEVELS = 12


@dataclass
class Analysis:
    text: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


# --- loading --------------------------------------------------------------------------------------


def _spec(folder: Path) -> ExperimentFile:
    from pydantic import ValidationError

    path = folder / store.EXPERIMENT
    if not path.is_file():
        raise SettingsError(f"{path}: missing (the copy of the experiment file); copy the file the sweep "
                            "ran there")
    try:
        return ExperimentFile.model_validate(read_toml(path))
    except ValidationError as err:
        from .spec import describe_error

        raise SettingsError(describe_error(err, str(path))) from None


def load(folder: Path) -> tuple[pd.DataFrame, dict, ExperimentFile, pd.DataFrame, str]:
    """The sweep's rows (results.parquet, or the finished parts of a partial sweep), each
    file checked (run ids of the plan, recorded metrics present and finite)."""
    manifest = store.read_manifest(folder)
    if manifest is None:
        raise SettingsError(f"{folder}: not a sweep folder (no manifest.json)")
    spec = _spec(folder)
    runs = store.read_parquet(folder / store.RUNS)
    n_runs = manifest["runs_total"]
    columns = ["run_id", "year", "month", *list(manifest["experiment"]["varied"]), *spec.record.metrics]
    note = ""
    if (folder / store.RESULTS).is_file():
        df = store.read_parquet(folder / store.RESULTS)
        store.check_rows(df, folder / store.RESULTS, n_runs, columns, list(spec.record.metrics))
    else:
        parts = store.part_files(folder)
        if not parts:
            raise SettingsError(f"{folder}: no finished runs yet")
        frames, owner = [], {}
        for p in parts:
            part = store.read_parquet(p)
            store.check_rows(part, p, n_runs, columns, list(spec.record.metrics))
            store.check_unique(p, set(part["run_id"].unique().tolist()), owner)
            frames.append(part)
        df = pd.concat(frames, ignore_index=True)
        df = df.sort_values(["run_id", "year", "month"], kind="stable").reset_index(drop=True)
        note = f"partial sweep: {df['run_id'].nunique()} of {n_runs} runs finished"
    return df, manifest, spec, runs, note


def load_failures(folder: Path, n_runs: int) -> pd.DataFrame:
    """Failed runs: failures.parquet of a finished sweep, else the failure parts."""
    path = folder / store.FAILURES
    if path.is_file():
        df = store.read_parquet(path)
        store.check_rows(df, path, n_runs, list(store.FAILURE_COLUMNS))
        return df
    return store.failed_runs(folder, n_runs)


def failure_lines(failures: pd.DataFrame, folder: Path, shown: int = 10) -> list[str]:
    """One line a failed run (the first ``shown``), then a count by kind of error."""
    if not len(failures):
        return []
    lines = ["", f"{len(failures)} run(s) failed (not in the tables above; all in "
             f"{folder / store.FAILURES}; run again with district-sim sweep FILE --out {folder} "
             "--resume --retry-failed):"]
    for _, f in failures.head(shown).iterrows():
        settings = ", ".join(f"{k}={v}" for k, v in json.loads(f["settings"]).items())
        lines.append(f"  run {f['run_id']} (point {f['point']}, replicate {f['replicate']}, seed {f['seed']}"
                     f"{'; ' + settings if settings else ''}): {f['error_type']}: {f['error']}")
    if len(failures) > shown:
        counts = failures["error_type"].value_counts()
        lines.append(f"  ... and {len(failures) - shown} more; by error: "
                     + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return lines


def final_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The last recorded step of each run."""
    return df.groupby("run_id", sort=True).tail(1).reset_index(drop=True)


def _levels(values: pd.Series) -> pd.Series:
    """A varied setting's values as groups: themselves if few, else quartile bins."""
    if values.nunique() <= MAX_LEVELS or not pd.api.types.is_numeric_dtype(values):
        return values
    bins = pd.qcut(values, 4, duplicates="drop")
    return bins.map(lambda b: f"{b.left:.3g}-{b.right:.3g}").astype(str)


# --- tables -----------------------------------------------------------------------------------------


def summary_table(final: pd.DataFrame, keys: list[str], metrics: list[str]) -> pd.DataFrame:
    """Mean and 95% t-interval of each final metric, for each value of each varied setting
    (the others averaged over, as they were designed)."""
    rows = []
    for key in keys:
        groups = _levels(final[key])
        for value, part in final.groupby(groups, sort=True, observed=True):
            row = {"setting": key, "value": value, "runs": len(part)}
            for m in metrics:
                row[m], row[m + "_lo"], row[m + "_hi"] = metric_interval(part[m].to_numpy(), m)
            rows.append(row)
    if not keys:
        row = {"setting": "(none)", "value": "", "runs": len(final)}
        for m in metrics:
            row[m], row[m + "_lo"], row[m + "_hi"] = metric_interval(final[m].to_numpy(), m)
        rows.append(row)
    return pd.DataFrame(rows)


def format_summary(table: pd.DataFrame, metrics: list[str]) -> str:
    header = ["setting", "value", "runs", *metrics]
    lines = []
    for _, r in table.iterrows():
        value = r["value"]
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        cells = [str(r["setting"]), text, str(int(r["runs"]))]
        cells += [f"{r[m]:.3f} [{r[m + '_lo']:.3f}, {r[m + '_hi']:.3f}]" for m in metrics]
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in lines]
    return "\n".join(out)


def point_means(final: pd.DataFrame, metrics: list[str], n_points: int) -> pd.DataFrame:
    """Final metrics averaged over replicates, one row a design point, in point order."""
    means = final.groupby("point")[metrics].mean()
    if len(means) != n_points:
        raise SettingsError(f"sensitivity indices need every design point; {len(means)} of {n_points} "
                            "finished (resume the sweep first)")
    return means.sort_index()


def morris_indices(unit: np.ndarray, y: pd.DataFrame, keys: list[str], levels: int) -> pd.DataFrame:
    from SALib.analyze import morris

    problem = {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}
    rows = []
    for metric in y.columns:
        si = morris.analyze(problem, unit, y[metric].to_numpy(), num_levels=levels, seed=0)
        for i, key in enumerate(keys):
            rows.append({"metric": metric, "setting": key, "mu_star": si["mu_star"][i],
                         "mu_star_conf": si["mu_star_conf"][i], "mu": si["mu"][i], "sigma": si["sigma"][i]})
    return pd.DataFrame(rows).sort_values(["metric", "mu_star"], ascending=[True, False])


def sobol_indices(y: pd.DataFrame, keys: list[str], second_order: bool) -> pd.DataFrame:
    from SALib.analyze import sobol

    problem = {"num_vars": len(keys), "names": keys, "bounds": [[0.0, 1.0]] * len(keys)}
    rows = []
    for metric in y.columns:
        values = y[metric].to_numpy()
        if np.ptp(values) == 0:
            continue
        si = sobol.analyze(problem, values, calc_second_order=second_order, seed=0)
        for i, key in enumerate(keys):
            rows.append({"metric": metric, "setting": key, "S1": si["S1"][i], "S1_conf": si["S1_conf"][i],
                         "ST": si["ST"][i], "ST_conf": si["ST_conf"][i]})
    return pd.DataFrame(rows).sort_values(["metric", "ST"], ascending=[True, False])


def focus_advantage(final: pd.DataFrame, keys: list[str], metric: str = "achievement") -> pd.DataFrame | None:
    """Focused minus fragmented final ``metric``, one row for each combination of the other
    settings and replicate. Under common random numbers the two share their seed, so the
    difference is paired; under independent seeding it is the difference of two
    independent runs (still unbiased, just noisier)."""
    if SCENARIO_KEY not in keys or metric not in final.columns:
        return None
    names = set(final[SCENARIO_KEY])
    if not {"focused", "fragmented"} <= names:
        return None
    others = [k for k in keys if k != SCENARIO_KEY]
    index = [*others, "replicate"]
    wide = final.pivot_table(index=index, columns=SCENARIO_KEY, values=metric, aggfunc="first")
    wide = wide.dropna(subset=["focused", "fragmented"])
    out = wide.reset_index()[index]
    out["advantage"] = (wide["focused"] - wide["fragmented"]).to_numpy()
    return out


def discover(adv: pd.DataFrame, keys: list[str], margin: float = FOCUS_MARGIN) -> pd.DataFrame:
    """Which single setting best separates runs where focus wins by ``margin`` from the rest:
    the best threshold (or value) of each setting, ranked by the Gini impurity it removes."""
    wins = (adv["advantage"] >= margin).to_numpy()
    if wins.all() or not wins.any():
        return pd.DataFrame()  # nothing to separate

    def gini(mask):
        p = mask.mean() if mask.size else 0.0
        return 2 * p * (1 - p)

    base = gini(wins)
    rows = []
    for key in keys:
        x = adv[key]
        candidates = sorted(x.unique())
        best = None
        for c in candidates:
            side = (x == c).to_numpy() if not pd.api.types.is_numeric_dtype(x) else (x >= c).to_numpy()
            if side.all() or not side.any():
                continue
            gain = base - (side.mean() * gini(wins[side]) + (1 - side.mean()) * gini(wins[~side]))
            if best is None or gain > best[0]:
                best = (gain, c, side)
        if best is None:
            continue
        gain, c, side = best
        rule = f"{key} {'>=' if pd.api.types.is_numeric_dtype(x) else '=='} {c}"
        rows.append({"rule": rule, "setting": key, "impurity_removed": gain,
                     "focus_wins_if_true": wins[side].mean(), "runs_true": int(side.sum()),
                     "focus_wins_if_false": wins[~side].mean(), "runs_false": int((~side).sum())})
    return pd.DataFrame(rows).sort_values("impurity_removed", ascending=False) if rows else pd.DataFrame()


def shock_recovery(df: pd.DataFrame, keys: list[str], metric: str = "achievement") -> pd.DataFrame | None:
    """How deep each shock cuts and how fast a district recovers, paired against no shock.

    Needs a sweep that varies ``shock.severity`` (or ``shock.magnitude``) including 0: the
    run at 0 with the same other settings and replicate is the same district without the
    shock, so the difference, year by year, is the shock's effect on ``metric``. Rows: one a
    combination of the other settings and non-zero size, with the trough (mean and 95%
    interval), the year it is reached, the effect in the last year, and the mean number of
    years from the trough until half the loss is made up (NaN if never within the run).
    """
    size = next((k for k in ("shock.severity", "shock.magnitude") if k in keys), None)
    if size is None or metric not in df.columns or not (df[size] == 0).any():
        return None
    yearly = df.groupby("run_id", sort=False).tail(1) if "month" not in df.columns else df
    yearly = yearly[yearly["month"] == yearly["month"].max()] if "month" in yearly.columns else yearly
    others = [k for k in keys if k != size]
    index = [*others, "replicate", "year"]
    base = yearly[yearly[size] == 0].set_index(index)[metric]
    hit = yearly[yearly[size] != 0]
    if hit.empty:
        return None
    effect = hit.set_index([*index, size])[metric].sub(base, fill_value=np.nan).dropna()
    effect = effect.rename("effect").reset_index()
    rows = []
    for combo, part in effect.groupby([*others, size], sort=True):
        wide = part.pivot_table(index="replicate", columns="year", values="effect")
        years = wide.columns.to_numpy()
        trough_at = wide.mean().idxmin()
        troughs = wide.min(axis=1).to_numpy()
        m, lo, hi = interval(troughs)
        recover = []
        for _, row in wide.iterrows():
            k = int(np.argmin(row.to_numpy()))
            after = row.to_numpy()[k:] >= row.to_numpy()[k] / 2
            recover.append(float(years[k + int(np.argmax(after[1:])) + 1] - years[k])
                           if after[1:].any() else np.nan)
        last, llo, lhi = interval(wide[years.max()].to_numpy())
        combo = combo if isinstance(combo, tuple) else (combo,)
        rows.append({**dict(zip([*others, size], combo, strict=True)), "trough": m, "trough_low": lo,
                     "trough_high": hi, "trough_year": int(trough_at), "final_effect": last,
                     "final_low": llo, "final_high": lhi,
                     "years_to_half_recovery": float(np.nanmean(recover)) if np.isfinite(recover).any()
                     else np.nan,
                     "recovered_runs": int(np.isfinite(recover).sum()), "runs": len(recover)})
    return pd.DataFrame(rows)


# --- figures ----------------------------------------------------------------------------------------


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    import io

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=110)
    finally:
        _plt().close(fig)
    return store.write_bytes(path, buffer.getvalue())


def trajectories_figure(df: pd.DataFrame, key: str, metrics: list[str], path: Path) -> Path:
    """Mean and 95% band over runs at each value of ``key``, one panel a metric."""
    from ..report import trajectories

    groups = _levels(df.groupby("run_id")[key].transform("first"))
    frame = df.assign(scenario=[f"{key}={g:.3g}" if isinstance(g, float) else f"{key}={g}"
                                for g in groups], replicate=df["run_id"])
    return trajectories(frame, path, metrics=metrics[:6], title=f"by {key}")


def heatmap_figure(final: pd.DataFrame, keys: list[str], metrics: list[str], path: Path) -> Path:
    plt = _plt()
    a, b = keys[0], keys[1]
    shown = metrics[:4]
    fig, axes = plt.subplots(1, len(shown), figsize=(4.6 * len(shown), 3.8), squeeze=False)
    frame = final.assign(_a=_levels(final[a]), _b=_levels(final[b]))
    for ax, metric in zip(axes.flat, shown, strict=True):
        grid = frame.pivot_table(index="_b", columns="_a", values=metric, aggfunc="mean", observed=True)
        im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], rotation=45, fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index], fontsize=8)
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="w")
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.suptitle(f"Final-year means over {a} and {b}")
    fig.tight_layout()
    return _save(fig, path)


def _tick(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def morris_figure(table: pd.DataFrame, path: Path, top: int = 8) -> Path:
    plt = _plt()
    metrics = list(dict.fromkeys(table["metric"]))[:4]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 4.4), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = table[table["metric"] == metric]
        ax.scatter(part["mu_star"], part["sigma"], s=14)
        for _, r in part.head(top).iterrows():
            ax.annotate(r["setting"], (r["mu_star"], r["sigma"]), fontsize=6, alpha=0.8)
        lim = max(part["mu_star"].max(), part["sigma"].max(), 1e-12)
        ax.plot([0, lim], [0, lim], lw=0.6, color="grey", ls="--")
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma (interaction / non-linearity)")
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        ax.grid(alpha=0.3)
    fig.suptitle("Morris screening")
    fig.tight_layout()
    return _save(fig, path)


def sobol_figure(table: pd.DataFrame, path: Path, top: int = 12) -> Path:
    """Tornado-style bars: total (ST) and first-order (S1) indices with 95% intervals."""
    plt = _plt()
    metrics = list(dict.fromkeys(table["metric"]))[:4]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 0.35 * top + 1.8), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = table[table["metric"] == metric].head(top).iloc[::-1]
        y = np.arange(len(part))
        ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="ST (total)")
        ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="S1 (first order)")
        ax.set_yticks(y, part["setting"], fontsize=7)
        ax.set_title(LABELS.get(metric, metric), fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Sobol indices (95% intervals)")
    fig.tight_layout()
    return _save(fig, path)


# --- the whole analysis -----------------------------------------------------------------------------


def analyze(folder: str | Path, metrics: list[str] | None = None, figures: bool = True) -> Analysis:
    """Summarise a sweep folder: tables (also as CSV) and, if asked, figures, under ``analysis/``."""
    folder = Path(folder)
    df, manifest, spec, runs, note = load(folder)
    failures = load_failures(folder, manifest["runs_total"])
    keys = list(manifest["experiment"]["varied"])
    recorded = [c for c in df.columns if c not in ID_COLUMNS and c not in keys]
    metrics = metrics or recorded
    unknown = [m for m in metrics if m not in recorded]
    if unknown:
        raise SettingsError(f"--metric {unknown[0]}: not recorded by this sweep "
                            f"(recorded: {', '.join(recorded)})")
    outdir = folder / "analysis"
    outdir.mkdir(exist_ok=True)
    final = final_rows(df)
    result = Analysis(text="")
    year = int(final["year"].max())
    lines = [f"{manifest['experiment']['name']}: {final['run_id'].nunique()} runs, design "
             f"{spec.design.kind}, {spec.replicates} replicate(s), seeding {spec.seeding}"]
    if note:
        lines.append(note)
    if len(failures):
        lines.append(f"{len(failures)} of {manifest['runs_total']} runs failed (listed below)")
    table = summary_table(final, keys, metrics)
    result.tables["summary"] = table
    result.files.append(_csv(table, outdir / "summary.csv"))
    design = spec.design.kind
    if design in ("morris", "sobol"):  # one-at-a-time paths: marginal means say little; see summary.csv
        overall = summary_table(final, [], metrics)
        lines += ["", f"Final-year means (year {year}) over all runs, 95% intervals (by setting: "
                  f"{outdir / 'summary.csv'}):", format_summary(overall, metrics)]
    else:
        lines += ["", f"Final-year means (year {year}) with 95% intervals, by varied setting:",
                  format_summary(table, metrics)]

    if design in ("morris", "sobol") and (note or len(failures)):
        lines += ["", "Sensitivity indices skipped: they need every design point (resume the sweep, "
                  "with --retry-failed for failed runs)"]
    if design in ("morris", "sobol") and not note and not len(failures):
        unit = runs.groupby("point")[[f"unit:{k}" for k in keys]].first().sort_index().to_numpy()
        y = point_means(final, metrics, len(unit))
        if design == "morris":
            sens = morris_indices(unit, y, keys, spec.design.levels)
            shown = sens.groupby("metric", sort=False).head(10)
            lines += ["", "Morris screening (SALib): top settings by mu* for each metric",
                      shown.to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        else:
            sens = sobol_indices(y, keys, spec.design.second_order)
            lines += ["", "Sobol indices (SALib), 95% intervals",
                      sens.to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        result.tables["sensitivity"] = sens
        result.files.append(_csv(sens, outdir / "sensitivity.csv"))
        if figures and len(sens):
            fig = morris_figure if design == "morris" else sobol_figure
            result.files.append(fig(sens, outdir / f"{design}.png"))

    adv = focus_advantage(final, keys)
    if adv is not None and len(adv):
        mean, lo, hi = interval(adv["advantage"].to_numpy())
        lines += ["", f"Focus advantage (focused minus fragmented final achievement, paired): "
                  f"{mean:.3f} [{lo:.3f}, {hi:.3f}]; wins by >= {FOCUS_MARGIN} SD in "
                  f"{(adv['advantage'] >= FOCUS_MARGIN).mean():.0%} of {len(adv)} pairs"]
        others = [k for k in keys if k != SCENARIO_KEY]
        found = discover(adv, others) if others else pd.DataFrame()
        if others and not len(found):
            lines.append("Scenario discovery: nothing to separate (focus wins by the margin in all "
                         "pairs or in none)")
        if len(found):
            result.tables["discovery"] = found
            result.files.append(_csv(found, outdir / "discovery.csv"))
            lines += ["Scenario discovery: settings that best separate the runs where focus wins:",
                      found.head(5).to_string(index=False, float_format=lambda v: f"{v:.3f}")]

    recovery = shock_recovery(df, keys) if spec.record.every != "final" else None
    if recovery is not None and len(recovery):
        result.tables["recovery"] = recovery
        result.files.append(_csv(recovery, outdir / "recovery.csv"))
        shown = recovery.drop(columns=["trough_low", "trough_high", "final_low", "final_high"])
        lines += ["", "Shock recovery (achievement, paired against the same runs without the shock; "
                  f"intervals in {outdir / 'recovery.csv'}):",
                  shown.to_string(index=False, float_format=lambda v: f"{v:.3f}")]

    if figures:
        if spec.record.every != "final" and keys:
            result.files.append(trajectories_figure(df, keys[0], metrics, outdir / "trajectories.png"))
        if len(keys) >= 2:
            result.files.append(heatmap_figure(final, keys, metrics, outdir / "heatmap.png"))
    lines += failure_lines(failures, folder)
    result.tables["failures"] = failures
    result.text = "\n".join(lines)
    json_path = outdir / "summary.json"
    store.write_json(json_path, {"runs": int(final["run_id"].nunique()), "year": year,
                                 "metrics": metrics, "varied": keys, "partial": bool(note),
                                 "failed": int(len(failures))})
    result.files.append(json_path)
    return result


def _csv(table: pd.DataFrame, path: Path) -> Path:
    return store.write_bytes(path, table.to_csv(index=False).encode())

