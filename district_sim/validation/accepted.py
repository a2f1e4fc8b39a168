"""The accepted parameter set and the headline over it.

Calibration (:mod:`.calibrate`) finds parameter vectors that pass every target at once and
records them, each with its headline, in ``accepted.csv`` beside this module (shipped with
the package). ``district-sim validate`` reads the file and prints the headline two ways: over
seeds at the shipped defaults (the 95% interval says how sure the mean is) and over the
accepted set (the range says how much the answer depends on parameters the figures do not
pin down further). Both are needed: a tight interval at one chosen vector says nothing about
the vectors the data allow equally well.

The headline is the strategies' year-10 achievement difference on paired seeds (common
random numbers), so each seed's difference is one matched comparison.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..api import load_scenario, replicate_seeds
from ..report import interval
from ..settings import Settings, SettingsError
from .decompose import final_achievement
from .evaluate import ABLATION_SIZE

#: The recorded set, shipped with the package.
PATH = Path(__file__).with_name("accepted.csv")
#: The headline's district: the ablation's, so its "full model" row is the same comparison.
HEADLINE_SIZE = dict(ABLATION_SIZE)
YEARS = 10


@dataclass(frozen=True)
class Contrast:
    """One headline comparison: ``better`` minus ``baseline`` in year 10, and the published
    range it should fall in."""

    key: str
    better: str
    baseline: str
    low: float
    high: float
    source: str


CONTRASTS: tuple[Contrast, ...] = (
    Contrast("focused_minus_fragmented", "focused", "fragmented", 0.08, 0.35,
             "issue 12: focus beats fragmentation by 0.08-0.35 SD"),
    Contrast("focused_minus_status_quo", "focused", "status_quo", 0.05, 0.30,
             "Borman, Hewes, Overman and Brown 2003: whole-school reform against business as "
             "usual, about 0.12-0.15 SD, more after five years"),
)


def headline_differences(params: dict[str, float] | None = None, seeds: int = 6, seed: int = 0,
                         size: dict | None = None, years: int = YEARS) -> dict[str, np.ndarray]:
    """Per seed, each contrast's year-10 achievement difference at ``params`` (paired seeds)."""
    overrides = {**(size or HEADLINE_SIZE), **(params or {})}
    names = list(dict.fromkeys(n for c in CONTRASTS for n in (c.better, c.baseline)))
    settings = {n: load_scenario(n, overrides) for n in names}
    final = {n: np.array([final_achievement(settings[n], s, years) for s in replicate_seeds(seed, seeds)])
             for n in names}
    return {c.key: final[c.better] - final[c.baseline] for c in CONTRASTS}


def summarise(differences: dict[str, np.ndarray]) -> dict[str, float]:
    """Mean and 95% interval of each contrast: ``key``, ``key_low``, ``key_high``."""
    out = {}
    for key, values in differences.items():
        out[key], out[f"{key}_low"], out[f"{key}_high"] = (float(v) for v in interval(values))
    return out


def settings_fingerprint() -> str:
    """A short hash of every shipped default: a recorded set found under other defaults (or
    other settings) is stale, and ``validate`` says so."""
    return hashlib.sha256(Settings().model_dump_json().encode()).hexdigest()[:12]


# --- the file --------------------------------------------------------------------------------


def write(frame: pd.DataFrame, meta: dict[str, str], path: Path = PATH) -> Path:
    """Write the set with ``# key: value`` lines of provenance before the table, atomically."""
    missing = [c.key for c in CONTRASTS if c.key not in frame.columns]
    if missing:
        raise ValueError(f"accepted set: missing headline columns {missing}")
    head = "".join(f"# {k}: {str(v).replace(chr(10), ' ')}\n" for k, v in meta.items())
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(head + frame.to_csv(index=False))
    tmp.replace(path)
    return path


def read_meta(path: Path = PATH) -> dict[str, str]:
    """The provenance lines of a recorded set."""
    meta = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
    return meta


def read(path: Path = PATH) -> pd.DataFrame:
    """The recorded vectors, one a row; SettingsError naming the file when it is unusable."""
    path = Path(path)
    if not path.is_file():
        raise SettingsError(f"accepted set {path}: no such file "
                            "(python -m district_sim.validation.calibrate records it)")
    try:
        frame = pd.read_csv(path, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise SettingsError(f"accepted set {path}: not a CSV table ({err})") from None
    missing = [c.key for c in CONTRASTS if c.key not in frame.columns]
    if missing:
        raise SettingsError(f"accepted set {path}: missing columns {', '.join(missing)}")
    return frame


def parameter_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that are settings (dotted names), in file order."""
    return [c for c in frame.columns if "." in c]


# --- the headline over the set ---------------------------------------------------------------


def headline_range(frame: pd.DataFrame, contrasts: Iterable[Contrast] = CONTRASTS) -> pd.DataFrame:
    """Per contrast, over the accepted vectors: the range of their mean differences, how many
    have a 95% interval above 0 and how many means lie in the published range."""
    rows = []
    for c in contrasts:
        v = frame[c.key].to_numpy(dtype=float)
        low = frame.get(f"{c.key}_low", pd.Series(np.nan, index=frame.index)).to_numpy(dtype=float)
        rows.append({"contrast": c.key, "vectors": int(v.size),
                     "min": float(v.min()) if v.size else math.nan,
                     "median": float(np.median(v)) if v.size else math.nan,
                     "max": float(v.max()) if v.size else math.nan,
                     "above_zero": int((low > 0).sum()),
                     "in_range": int(((v >= c.low) & (v <= c.high)).sum()),
                     "low": c.low, "high": c.high})
    return pd.DataFrame(rows)


def _verdict(c: Contrast, mean: float, low: float) -> str:
    """Whether one headline meets its figure: the mean inside the range, the interval above 0."""
    where = "inside" if c.low <= mean <= c.high else ("below" if mean < c.low else "above")
    return f"{where} {c.low:g}-{c.high:g}, interval {'above' if low > 0 else 'not above'} 0"


def is_stale(meta: dict[str, str]) -> bool:
    """Was the recorded set found under other shipped defaults than today's?"""
    return meta.get("settings_fingerprint") != settings_fingerprint()


def headline_markdown(at_defaults: dict[str, float], seeds: int, frame: pd.DataFrame | None,
                      meta: dict[str, str] | None = None) -> str:
    """The headline at the defaults (over seeds) beside its range over the accepted set."""
    table = headline_range(frame) if frame is not None else None
    lines = ["| contrast | published range | at the shipped defaults, mean [95% interval] over "
             f"{seeds} seeds | over the accepted set: min - max (median) | accepted vectors inside "
             "the range | with an interval above 0 |", "|---|---|---|---|---|---|"]
    for i, c in enumerate(CONTRASTS):
        mean, low, high = (at_defaults[f"{c.key}{end}"] for end in ("", "_low", "_high"))
        here = f"{mean:+.3f} [{low:+.3f}, {high:+.3f}] ({_verdict(c, mean, low)})"
        if table is None or not table.loc[i, "vectors"]:
            over, inside, above = "no accepted set", "-", "-"
        else:
            r = table.loc[i]
            n = int(r["vectors"])
            over = f"{r['min']:+.3f} - {r['max']:+.3f} ({r['median']:+.3f})"
            inside, above = f"{int(r['in_range'])} of {n}", f"{int(r['above_zero'])} of {n}"
        lines.append(f"| {c.better} - {c.baseline} | {c.low:g} - {c.high:g} | {here} | {over} | "
                     f"{inside} | {above} |")
    return "\n".join(lines + provenance_lines(meta, frame))


def provenance_lines(meta: dict[str, str] | None, frame: pd.DataFrame | None) -> list[str]:
    """Where the accepted set came from, and a warning when it is stale."""
    if meta is None or frame is None:
        return ["", "No accepted set is recorded: run `python -m district_sim.validation.calibrate`."]
    out = ["", f"Accepted set: {len(frame)} parameter vectors passing every target at once, recorded "
               f"{meta.get('date', '?')} by `{meta.get('command', '?')}` ({meta.get('target_seeds', '')}; "
               f"headline: {meta.get('headline', '')}); docs/calibration.md describes the search."]
    if is_stale(meta):
        out += ["", f"**Stale:** the set was found under other settings or defaults (fingerprint "
                    f"{meta.get('settings_fingerprint', 'none')}, now {settings_fingerprint()}); its range "
                    "describes that model. Re-run the calibration."]
    return out


def load(path: Path = PATH) -> tuple[pd.DataFrame | None, dict[str, str] | None, str | None]:
    """The recorded set and its provenance, or (None, None, why not) when there is none to read."""
    try:
        return read(path), read_meta(path), None
    except SettingsError as err:
        return None, None, str(err)
