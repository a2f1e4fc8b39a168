"""Where a sweep's results live, and how a killed sweep picks up where it stopped.

Layout of an output folder::

    .sweep.lock         held (flock) by the one process writing the folder
    experiment.toml     copy of the experiment file the sweep ran
    manifest.json       file, hash, versions, seeds, sessions: written when a session starts and ends
    runs.parquet        one row a run: run_id, point, replicate, seed, varied settings
    parts/part-<first>-<last>.parquet     finished runs, written as each task finishes
    parts/failed-<first>-<last>.parquet   runs that raised or killed their worker, with the error
    results.parquet     all parts, sorted by (run_id, year, month): written at the end
    failures.parquet    every failed run (only when some failed): written at the end

Every file is written to a temporary name in the same folder, flushed to disk (file and
folder) and renamed, so a sweep killed at any moment, or a full disk, leaves each file
either whole or absent, and the old manifest valid. A run is finished exactly when a part
file holds it; ``--resume`` runs only the others, so no run is lost or stored twice. Part
files are checked (columns, run ids, finite values, one copy of each run) before they are
trusted, and a damaged one is named in one line with what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..settings import SettingsError

PARTS = "parts"
RESULTS = "results.parquet"
FAILURES = "failures.parquet"
MANIFEST = "manifest.json"
RUNS = "runs.parquet"
EXPERIMENT = "experiment.toml"
LOCK = ".sweep.lock"
#: Keys every manifest has (older ones too); a manifest without one is damaged.
MANIFEST_KEYS = ("experiment", "settings_sha256", "runs_total", "sessions", "finished")
#: Columns of a failure record (``parts/failed-*.parquet`` and ``failures.parquet``).
FAILURE_COLUMNS = ("run_id", "point", "replicate", "seed", "settings", "error_type", "error", "where")
#: Keys of the Parquet key-value metadata of results.parquet.
META_VERSION = b"district_sim.version"
META_BASE = b"district_sim.base_settings"
META_EXPERIMENT = b"district_sim.experiment"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- atomic, durable writes ------------------------------------------------------------------------


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _fsync_dir(folder: Path) -> None:
    """A rename is durable only once the folder's entry is on disk too."""
    with contextlib.suppress(OSError):  # some file systems cannot open a folder for fsync
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Any]:
    """A binary file to write ``path`` through: renamed into place only when whole and on
    disk; on any failure (full disk, a signal) the temporary file is removed and the old
    ``path`` stays as it was."""
    tmp = _tmp(path)
    try:
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_bytes(path: Path, data: bytes) -> Path:
    with _atomic(path) as f:
        f.write(data)
    return path


def write_parquet(path: Path, df: pd.DataFrame, metadata: dict[bytes, bytes] | None = None) -> Path:
    """``df`` as Parquet; ``metadata`` joins pandas' own in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    with _atomic(path) as f:
        pq.write_table(table, f)
    return path


def write_json(path: Path, data: dict[str, Any]) -> Path:
    return write_bytes(path, (json.dumps(data, indent=1) + "\n").encode())


def remove_temporary(out: Path) -> None:
    """Temporary files of a killed sweep or a failed write (only the lock holder calls this)."""
    for folder in (out, out / PARTS, out / "analysis"):
        if folder.is_dir():
            for stale in folder.glob(".*.tmp"):
                stale.unlink(missing_ok=True)


# --- the lock --------------------------------------------------------------------------------------


#: Lock files this process holds open. A forked worker closes its copies
#: (:func:`release_inherited_locks`), so the lock goes with the sweep, not with its workers.
_HELD: set[int] = set()


def release_inherited_locks() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock while a sweep writes it; a second writer (the same
    sweep started twice, or ``--resume`` while it runs) is refused at once. The kernel
    drops the lock when its holder dies, however it dies, so a killed sweep never leaves
    a folder locked."""
    import fcntl

    if out.exists() and not out.is_dir():
        raise SettingsError(f"--out {out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise SettingsError(f"--out {out}: another sweep (pid {holder}) is writing this folder; "
                                "wait for it to finish, or choose another folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # releases the lock


# --- reading ---------------------------------------------------------------------------------------


def _damaged(path: Path, what: str) -> SettingsError:
    return SettingsError(f"{path}: {what}; the folder's finished runs are in {path.parent / PARTS}: move "
                         "the folder aside and run the sweep into a new --out")


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None if it has none; a damaged one in one line."""
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise _damaged(path, f"unreadable manifest ({type(err).__name__})") from None
    experiment = manifest.get("experiment") if isinstance(manifest, dict) else None
    if not isinstance(experiment, dict) or "sha256" not in experiment:
        raise SettingsError(f"{path}: not a district-sim sweep manifest; use a new --out")
    missing = [k for k in MANIFEST_KEYS if k not in manifest]
    missing += [f"experiment.{k}" for k in ("name", "varied") if k not in experiment]
    if missing:
        raise _damaged(path, f"manifest lacks {', '.join(missing)}")
    if not isinstance(manifest["sessions"], list) or not isinstance(manifest["runs_total"], int):
        raise _damaged(path, "manifest's sessions or runs_total has the wrong type")
    return manifest


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A stored table, or one line naming the damaged file (a part file that cannot be read
    can be deleted: --resume then runs its runs again)."""
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as err:  # pyarrow raises several kinds for a damaged file or missing column
        raise SettingsError(f"{path}: not a readable Parquet file ({type(err).__name__}); delete it "
                            "to run its runs again with --resume, or use a new --out") from None


def part_files(out: Path) -> list[Path]:
    return sorted((out / PARTS).glob("part-*.parquet"))


def failure_files(out: Path) -> list[Path]:
    return sorted((out / PARTS).glob("failed-*.parquet"))


def _redo(path: Path, what: str) -> SettingsError:
    return SettingsError(f"{path}: {what}; delete this file and run again with --resume (its runs "
                         "are run again)")


def check_rows(df: pd.DataFrame, path: Path, n_runs: int, columns: list[str] | None = None,
               metrics: list[str] | None = None, rows_per_run: int | None = None) -> None:
    """Trust a table of runs only if it has the expected columns, run ids of the plan,
    finite metrics, and each run's steps once (one line naming the file otherwise)."""
    missing = [c for c in (columns or ["run_id"]) if c not in df.columns]
    if missing:
        raise _redo(path, f"lacks column(s) {', '.join(missing)}")
    ids = df["run_id"].to_numpy()
    outside = ids[(ids < 0) | (ids >= n_runs)]
    if outside.size:
        raise _redo(path, f"holds run id {int(outside[0])}, outside this sweep's plan (0 to {n_runs - 1}): "
                    "it comes from another sweep")
    for metric in metrics or []:
        values = df[metric].to_numpy()
        if values.dtype.kind not in "iufb":
            raise _redo(path, f"column {metric} is not numeric ({values.dtype})")
        bad = ~np.isfinite(values.astype(float))
        if bad.any():
            raise _redo(path, f"{metric} is NaN or infinite (run {int(ids[bad.argmax()])})")
    if rows_per_run is not None:
        counts = df.groupby("run_id").size()
        wrong = counts[counts != rows_per_run]
        if len(wrong):
            raise _redo(path, f"run {int(wrong.index[0])} has {int(wrong.iloc[0])} rows, not {rows_per_run}")
    elif {"year", "month"} <= set(df.columns) and df.duplicated(["run_id", "year", "month"]).any():
        raise _redo(path, "holds a run's month twice")


def check_unique(path: Path, ids: set[int], owner: dict[int, Path]) -> None:
    """Each run in one file only (``owner``: run id -> the file that holds it, filled in)."""
    twice = sorted(ids & owner.keys())
    if twice:
        other = owner[twice[0]]
        shown = ", ".join(str(i) for i in twice[:5]) + (" ..." if len(twice) > 5 else "")
        raise SettingsError(f"{path}: holds run(s) {shown} also stored in {other} (two sweeps wrote this "
                            f"folder); delete one of the two (e.g. rm {path}) and run again with --resume")
    owner.update(dict.fromkeys(ids, path))


def finished_runs(out: Path, n_runs: int, columns: list[str] | None = None,
                  metrics: list[str] | None = None, rows_per_run: int | None = None) -> set[int]:
    """Run ids held by part files, each file checked before it is trusted."""
    owner: dict[int, Path] = {}
    for path in part_files(out):
        df = read_parquet(path)
        check_rows(df, path, n_runs, columns, metrics, rows_per_run)
        check_unique(path, set(df["run_id"].unique().tolist()), owner)
    return set(owner)


def failed_runs(out: Path, n_runs: int) -> pd.DataFrame:
    """Every recorded failure (one row a run, by run id), checked like part files."""
    frames = []
    owner: dict[int, Path] = {}
    for path in failure_files(out):
        df = read_parquet(path)
        check_rows(df, path, n_runs, list(FAILURE_COLUMNS))
        check_unique(path, set(df["run_id"].tolist()), owner)
        frames.append(df)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run_id", "point", "replicate", "seed")
                                          else object) for c in FAILURE_COLUMNS})
    return pd.concat(frames, ignore_index=True).sort_values("run_id", kind="stable").reset_index(drop=True)


def forget_failures(out: Path) -> int:
    """Remove the failure records so that ``--retry-failed`` runs those runs again."""
    files = failure_files(out)
    for path in files:
        path.unlink()
    (out / FAILURES).unlink(missing_ok=True)
    return len(files)


def _span(ids: pd.Series) -> str:
    return f"{int(ids.min()):07d}-{int(ids.max()):07d}"


def write_part(out: Path, df: pd.DataFrame) -> Path:
    return write_parquet(out / PARTS / f"part-{_span(df['run_id'])}.parquet", df)


def write_failures(out: Path, failures: list[dict[str, Any]]) -> Path:
    df = pd.DataFrame(failures, columns=list(FAILURE_COLUMNS))
    return write_parquet(out / PARTS / f"failed-{_span(df['run_id'])}.parquet", df)


def consolidate(out: Path, expected: set[int]) -> pd.DataFrame:
    """All part files as one table sorted by run, then time; checked to hold ``expected``."""
    frames = [read_parquet(p) for p in part_files(out)]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"run_id": []})
    df = df.sort_values(["run_id", "year", "month"], kind="stable").reset_index(drop=True) if frames else df
    runs = set(df["run_id"].unique().tolist()) if len(df) else set()
    if runs != expected:
        lost = sorted(expected - runs)[:5]
        raise SettingsError(f"{out / PARTS}: parts hold {len(runs & expected)} of the {len(expected)} runs "
                            f"expected (missing e.g. {lost}); run again with --resume")
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


def _holds_files(out: Path) -> bool:
    return any(p.name != LOCK for p in out.iterdir())


def prepare(out: Path, exp, plan, resume: bool) -> dict[str, Any]:
    """Create or reopen an output folder (its lock already held); refuse to mix two
    experiments in one."""
    if out.exists() and not out.is_dir():
        raise SettingsError(f"--out {out}: exists and is not a folder")
    manifest = read_manifest(out) if out.exists() else None
    if manifest is not None and not resume:
        raise SettingsError(f"--out {out}: already holds a sweep; pass --resume to finish it or "
                            "choose another folder")
    if manifest is None and out.exists() and _holds_files(out):
        raise SettingsError(f"--out {out}: folder is not empty and holds no sweep; choose a new or "
                            "empty folder")
    fingerprint = settings_hash(plan)
    if manifest is not None:
        if manifest["experiment"]["sha256"] != exp.sha256 or manifest.get("settings_sha256") != fingerprint:
            raise SettingsError(f"--out {out}: holds a sweep of a different experiment (file or base "
                                "scenario changed); resume with the same files or use a new folder")
        remove_temporary(out)
    else:
        manifest = {
            "experiment": {"file": str(exp.path) if exp.path else None, "name": exp.name,
                           "sha256": exp.sha256, "design": exp.design.kind,
                           "varied": plan.keys, "base": exp.spec.base},
            "settings_sha256": fingerprint,
            "versions": versions(),
            "seed": exp.spec.seed,
            "seeding": exp.spec.seeding,
            "seeds": plan.seeds.ravel().tolist(),
            "runs_total": plan.n_runs,
            "runs_done": 0,
            "runs_failed": 0,
            "started": now(),
            "finished": None,
            "sessions": [],
        }
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / MANIFEST, manifest)  # first, so a folder with files always has one
    # (Re)written if a kill came between the manifest and them.
    (out / PARTS).mkdir(exist_ok=True)
    if not (out / EXPERIMENT).is_file():
        write_bytes(out / EXPERIMENT, exp.text)
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
    """One row a run, built column by column (a million-run design in a second)."""
    reps = plan.replicates
    n_points = len(plan.values)
    point = np.repeat(np.arange(n_points, dtype=np.int64), reps)
    data: dict[str, Any] = {
        "run_id": np.arange(n_points * reps, dtype=np.int64), "point": point,
        "replicate": np.tile(np.arange(reps, dtype=np.int64), n_points),
        "seed": plan.seeds.ravel().astype(np.int64),
    }
    for key in plan.keys:
        column = pd.Series([v[key] for v in plan.values])
        data[key] = column.to_numpy()[point]
    if plan.unit is not None:
        for j, key in enumerate(plan.keys):
            data[f"unit:{key}"] = plan.unit[point, j].astype(float)
    return pd.DataFrame(data)
