"""Where a sweep's results live, and how a killed sweep picks up where it stopped.

Layout of an output folder::

    experiment.toml     copy of the experiment file the sweep ran
    manifest.json       file, hash, versions, seeds, sessions, runs done
    runs.parquet        one row a run: run_id, point, replicate, seed, varied settings
    parts/part-<first>-<last>.parquet   finished runs, written as each task finishes
    results.parquet     all parts, sorted by (run_id, year, month): written at the end

Every file is written to a temporary name in the same folder and renamed, so a sweep
killed at any moment leaves each file either whole or absent. A run is finished exactly
when a part file holds it; ``--resume`` runs only the others, so no run is lost or
stored twice.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..settings import SettingsError

PARTS = "parts"
RESULTS = "results.parquet"
MANIFEST = "manifest.json"
RUNS = "runs.parquet"
EXPERIMENT = "experiment.toml"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_bytes(path: Path, data: bytes) -> Path:
    tmp = _tmp(path)
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def write_parquet(path: Path, df: pd.DataFrame) -> Path:
    tmp = _tmp(path)
    df.to_parquet(tmp, index=False)
    tmp.replace(path)
    return path


def write_json(path: Path, data: dict[str, Any]) -> Path:
    return write_bytes(path, (json.dumps(data, indent=1) + "\n").encode())


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path}: unreadable manifest ({err}); use a new --out") from None
    experiment = manifest.get("experiment") if isinstance(manifest, dict) else None
    if not isinstance(experiment, dict) or "sha256" not in experiment:
        raise SettingsError(f"{path}: not a district-sim sweep manifest; use a new --out")
    return manifest


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A stored table, or one line naming the damaged file (a part file that cannot be read
    can be deleted: --resume then runs its runs again)."""
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as err:  # pyarrow raises several kinds for a damaged file
        raise SettingsError(f"{path}: not a readable Parquet file ({type(err).__name__}); delete it "
                            "to run its runs again with --resume, or use a new --out") from None


def part_files(out: Path) -> list[Path]:
    return sorted((out / PARTS).glob("part-*.parquet"))


def finished_runs(out: Path) -> set[int]:
    """Run ids held by part files (temporary files of a killed sweep are removed)."""
    parts = out / PARTS
    for stale in parts.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    done: set[int] = set()
    for path in part_files(out):
        ids = set(read_parquet(path, columns=["run_id"])["run_id"].tolist())
        if ids & done:
            raise SettingsError(f"{path}: holds runs already stored in another part file")
        done |= ids
    return done


def write_part(out: Path, df: pd.DataFrame) -> Path:
    ids = df["run_id"]
    return write_parquet(out / PARTS / f"part-{ids.min():07d}-{ids.max():07d}.parquet", df)


def consolidate(out: Path, n_runs: int) -> pd.DataFrame:
    """All part files as one table sorted by run, then time; checked complete and unique."""
    frames = [read_parquet(p) for p in part_files(out)]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    df = df.sort_values(["run_id", "year", "month"], kind="stable").reset_index(drop=True)
    runs = set(df["run_id"].unique()) if len(df) else set()
    if runs != set(range(n_runs)):
        raise RuntimeError(f"{out}: parts hold {len(runs)} of {n_runs} runs")
    if df.duplicated(["run_id", "year", "month"]).any():
        raise RuntimeError(f"{out}: a run's month is stored twice")
    return df


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("district-sim", "mesa", "numpy", "pandas", "SALib", "dask"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def prepare(out: Path, exp, plan, resume: bool) -> dict[str, Any]:
    """Create or reopen an output folder; refuse to mix two experiments in one."""
    if out.exists() and not out.is_dir():
        raise SettingsError(f"--out {out}: exists and is not a folder")
    manifest = read_manifest(out) if out.exists() else None
    if manifest is not None and not resume:
        raise SettingsError(f"--out {out}: already holds a sweep; pass --resume to finish it or "
                            "choose another folder")
    if manifest is None and out.exists() and any(out.iterdir()):
        raise SettingsError(f"--out {out}: folder is not empty and holds no sweep; choose a new or "
                            "empty folder")
    fingerprint = settings_hash(plan)
    if manifest is not None:
        if manifest["experiment"]["sha256"] != exp.sha256 or manifest.get("settings_sha256") != fingerprint:
            raise SettingsError(f"--out {out}: holds a sweep of a different experiment (file or base "
                                "scenario changed); resume with the same files or use a new folder")
    else:
        runs = plan.runs()
        manifest = {
            "experiment": {"file": str(exp.path) if exp.path else None, "name": exp.name,
                           "sha256": exp.sha256, "design": exp.design.kind,
                           "varied": plan.keys, "base": exp.spec.base},
            "settings_sha256": fingerprint,
            "versions": versions(),
            "seed": exp.spec.seed,
            "seeding": exp.spec.seeding,
            "seeds": [r.seed for r in runs],
            "runs_total": plan.n_runs,
            "runs_done": 0,
            "started": now(),
            "finished": None,
            "sessions": [],
        }
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / MANIFEST, manifest)  # first, so a folder with files always has one
    # (Re)written if a kill came between the manifest and them.
    (out / PARTS).mkdir(exist_ok=True)
    if exp.path is not None and not (out / EXPERIMENT).is_file():
        write_bytes(out / EXPERIMENT, exp.path.read_bytes())
    if not (out / RUNS).is_file():
        write_parquet(out / RUNS, runs_table(plan))
    return manifest


def settings_hash(plan) -> str:
    """Fingerprint of every design point's full settings and every run's seed."""
    import hashlib

    h = hashlib.sha256()
    for s in plan.settings:
        h.update(s.model_dump_json().encode())
    h.update(plan.seeds.tobytes())
    return h.hexdigest()


def runs_table(plan) -> pd.DataFrame:
    rows = []
    for run in plan.runs():
        row = {"run_id": run.run_id, "point": run.point, "replicate": run.replicate, "seed": run.seed}
        row.update(plan.values[run.point])
        if plan.unit is not None:
            row.update({f"unit:{k}": float(u) for k, u in zip(plan.keys, plan.unit[run.point], strict=True)})
        rows.append(row)
    return pd.DataFrame(rows)
