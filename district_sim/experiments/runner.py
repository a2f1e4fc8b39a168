"""Run a sweep: on this machine's cores, or on a Dask distributed cluster.

Runs go out in chunks (a task is several runs), so that the cost of scheduling, moving
results and writing them stays a few percent of the simulation time; each finished chunk
is written as a part file at once. Results are sorted by run id at the end, and every
run's seed is fixed by the design, so the table is the same whatever the number of
workers and the order in which tasks finish.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..settings import SettingsError
from . import store
from .files import load_experiment
from .spec import SCENARIO_KEY, Experiment

#: Bounds on a task's work: long enough that per-task costs (a few ms: scheduling, moving
#: results, one part file) stay small; short enough that the progress bar moves, workers
#: finish together, and a killed sweep loses little.
MIN_TASK_SECONDS = 0.05
MAX_TASK_SECONDS = 2.0


# --- in the worker --------------------------------------------------------------------------------


def run_chunk(tasks: list[tuple], months: int, metrics: list[str], every: str,
              keys: list[str], kinds: dict[str, str]) -> tuple[pd.DataFrame, float]:
    """Run a chunk of runs; returns their recorded rows and the seconds spent in the model.

    Each task is (run_id, point, replicate, seed, settings, values).
    """
    from ..record import Record
    from ..simulation import simulate

    record = Record(metrics=tuple(metrics), every=every)
    ids = ("run_id", "point", "replicate", "seed")
    names = [*ids, SCENARIO_KEY, *[k for k in keys if k != SCENARIO_KEY], "year", "month", *metrics]
    columns: dict[str, list] = {name: [] for name in names}
    model_seconds = 0.0
    for run_id, point, replicate, seed, settings, values in tasks:
        t0 = time.perf_counter()
        df = simulate(settings, seed, months, record=record).results()
        model_seconds += time.perf_counter() - t0
        head = dict(zip(ids, (run_id, point, replicate, seed), strict=True))
        head[SCENARIO_KEY] = settings.name
        head.update((k, v) for k, v in values.items() if k != SCENARIO_KEY)
        for name, value in head.items():
            columns[name].append([value] * len(df))
        for name in ("year", "month", *metrics):
            columns[name].append(df[name].to_numpy())
    return _frame(columns, keys, kinds), model_seconds


def _frame(columns: dict[str, list], keys: list[str], kinds: dict[str, str]) -> pd.DataFrame:
    """One table with fixed column types, so every part file has the same schema."""
    import numpy as np

    dtype = {"int": "int64", "float": "float64", "bool": "bool", "str": object}
    fixed = {"run_id": "int64", "point": "int64", "replicate": "int64", "seed": "int64",
             "year": "int64", "month": "int64", SCENARIO_KEY: object}
    fixed.update({k: dtype[kinds[k]] for k in keys})
    data = {}
    for name, pieces in columns.items():
        if name in fixed:
            data[name] = np.concatenate([np.asarray(p, dtype=fixed[name]) for p in pieces])
        else:
            data[name] = np.concatenate(pieces)
    return pd.DataFrame(data)


# --- chunks -----------------------------------------------------------------------------------------


def estimate_run_seconds(settings, months: int) -> float:
    """Rough cost of a run on one core (measured: ~0.1 s for 10,000 students x 100 months)."""
    return 0.005 + 1e-7 * settings.district.students * months


def chunk_runs(runs: list, plan, months: int, workers: int, size: int | None = None) -> list[list]:
    """Runs grouped into tasks. Without a fixed ``size``: guided self-scheduling, each task
    about 1/(2 x workers) of what is left, between MIN and MAX_TASK_SECONDS of work, so early
    tasks are big (little overhead) and the last ones small (workers finish together)."""
    if not runs:
        return []
    if size is not None:
        return [runs[i:i + size] for i in range(0, len(runs), size)]
    est = max(estimate_run_seconds(plan.settings[r.point], months) for r in runs[:50])
    smallest = max(1, math.ceil(MIN_TASK_SECONDS / est))
    largest = max(smallest, int(MAX_TASK_SECONDS / est))
    chunks, i = [], 0
    while i < len(runs):
        n = min(largest, max(smallest, math.ceil((len(runs) - i) / (2 * workers))))
        chunks.append(runs[i:i + n])
        i += n
    return chunks


def _payload(chunk, plan) -> list[tuple]:
    return [(r.run_id, r.point, r.replicate, r.seed, plan.settings[r.point], plan.values[r.point])
            for r in chunk]


# --- backends: each yields None once started, then (rows, model seconds, runs in the chunk) as ---
# --- chunks finish -----------------------------------------------------------------------------------


def _inline(chunks, plan, args) -> Iterator[tuple[pd.DataFrame, float, int] | None]:
    yield None
    for chunk in chunks:
        df, secs = run_chunk(_payload(chunk, plan), *args)
        yield df, secs, len(chunk)


def _mp_context():
    """How local workers start. ``fork`` when no other Python thread runs (Linux): workers
    start in milliseconds with the model already imported. Native thread pools (OpenBLAS,
    Arrow) are always there and reinitialise themselves in the child (pthread_atfork), so
    Python 3.12's warning about them is silenced; a live Python thread (a notebook kernel,
    a Dask client) could hold a lock, so then a forkserver that imports the model once.
    $DISTRICT_SIM_START_METHOD (fork, forkserver, spawn) overrides the choice."""
    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get("DISTRICT_SIM_START_METHOD")
    if chosen is not None and chosen not in methods:
        raise SettingsError(f"DISTRICT_SIM_START_METHOD must be one of {', '.join(methods)}, got {chosen!r}")
    if chosen is None:
        if "fork" in methods and threading.active_count() == 1:
            chosen = "fork"
        else:
            chosen = "forkserver" if "forkserver" in methods else "spawn"
    ctx = multiprocessing.get_context(chosen)
    if chosen == "forkserver":
        ctx.set_forkserver_preload(["district_sim.experiments.runner"])
    return ctx


def _processes(chunks, plan, args, workers) -> Iterator[tuple[pd.DataFrame, float, int] | None]:
    import warnings
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        try:
            with warnings.catch_warnings():  # see _mp_context: only native pools are running
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                pending = {pool.submit(run_chunk, _payload(c, plan), *args): len(c) for c in chunks}
            yield None  # started: workers forked before any thread (progress bar) exists
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    n = pending.pop(fut)
                    df, secs = fut.result()
                    yield df, secs, n
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def connect(scheduler: Any):
    """A Dask Client for an address (tcp://host:port) or a Client/LocalCluster given."""
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    address = getattr(scheduler, "scheduler_address", scheduler)
    try:
        client = Client(address, timeout="15s")
    except (OSError, TimeoutError, ValueError) as err:
        raise SettingsError(f"--scheduler {address}: cannot reach a Dask scheduler ({err})") from None
    return client, True


def _dask(chunks, plan, args, client) -> Iterator[tuple[pd.DataFrame, float, int] | None]:
    from distributed import as_completed

    futures = {}
    for c in chunks:
        fut = client.submit(run_chunk, _payload(c, plan), *args, pure=False)
        futures[fut] = len(c)
    yield None
    try:
        for fut in as_completed(list(futures)):
            df, secs = fut.result()
            n = futures.pop(fut)
            fut.release()
            yield df, secs, n
    except BaseException:
        client.cancel(list(futures))
        raise


def dask_workers(client) -> int:
    try:
        client.wait_for_workers(1, timeout=60)
    except TimeoutError:
        raise SettingsError(f"--scheduler {client.scheduler.address}: no workers connected "
                            "(start some with `dask worker ADDRESS`)") from None
    return max(1, sum(client.nthreads().values()))


# --- the sweep --------------------------------------------------------------------------------------


def _check_workers(workers: Any) -> int:
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 4096:
        raise SettingsError(f"--workers must be a whole number between 1 and 4096, got {workers!r}")
    return workers


def run_sweep(
    experiment: str | os.PathLike | Experiment,
    out: str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    progress: bool | None = None,
    chunk_size: int | None = None,
    stats: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Run an experiment; returns one row a run and recorded step, varied settings as columns.

    ``experiment`` is a name from ``experiments/``, a TOML path or a loaded experiment;
    ``out`` the folder for part files, manifest and ``results.parquet`` (a temporary one if
    omitted); ``workers`` local processes (default: all cores; 1 runs in this process);
    ``scheduler`` a Dask address (``tcp://host:port``), Client or LocalCluster, instead of
    local processes; ``resume`` finishes a killed sweep in ``out``; ``progress`` shows a bar
    (default: when stderr is a terminal). ``stats``, if given, is filled with timings.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    if scheduler is not None and workers is not None:
        raise SettingsError("--workers and --scheduler exclude each other: the cluster's workers "
                            "run the sweep")
    n_workers = _check_workers(workers)
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int)
                                   or chunk_size < 1):
        raise SettingsError(f"--chunk-size must be a whole number >= 1, got {chunk_size!r}")
    if out is None:
        with tempfile.TemporaryDirectory(prefix="district-sweep-") as tmp:
            return run_sweep(exp, tmp, workers, scheduler, False, progress, chunk_size, stats)
    out = Path(out)
    client, own_client = connect(scheduler) if scheduler is not None else (None, False)
    try:
        if client is not None:
            n_workers = dask_workers(client)
        df = _sweep(exp, out, n_workers, client, resume, progress, chunk_size, stats)
    finally:
        if own_client:
            client.close()
    return df


def _sweep(exp, out, n_workers, client, resume, progress, chunk_size, stats) -> pd.DataFrame:
    plan = exp.plan
    manifest = store.prepare(out, exp, plan, resume)
    done = store.finished_runs(out)
    todo = [r for r in plan.runs() if r.run_id not in done]
    args = (exp.months, list(exp.spec.record.metrics), exp.spec.record.every, plan.keys, plan.kinds)
    chunks = chunk_runs(todo, plan, exp.months, n_workers, chunk_size)
    if client is None and (n_workers == 1 or len(chunks) <= 1):
        backend, n_workers = "inline", 1
    else:
        backend = "dask" if client is not None else "processes"
    session = {"started": store.now(), "ended": None, "runs": 0, "backend": backend,
               "workers": n_workers, "scheduler": client.scheduler.address if client is not None else None}
    manifest["sessions"].append(session)
    t0 = time.perf_counter()
    model_seconds, last_write = 0.0, 0.0
    try:
        if client is not None:
            results = _dask(chunks, plan, args, client)
        elif backend == "inline":
            results = _inline(chunks, plan, args)
        else:
            results = _processes(chunks, plan, args, min(n_workers, len(chunks)))
        next(results)
        bar = _bar(plan.n_runs, len(done), progress) if todo else None
        for df, secs, n in results:
            store.write_part(out, df)
            model_seconds += secs
            session["runs"] += n
            manifest["runs_done"] = len(done) + session["runs"]
            if bar is not None:
                bar.update(n)
            if time.perf_counter() - last_write > 1.0:  # keep the manifest's count near the truth
                store.write_json(out / store.MANIFEST, manifest)
                last_write = time.perf_counter()
        if bar is not None:
            bar.close()
    finally:
        session["ended"] = store.now()
        store.write_json(out / store.MANIFEST, manifest)
    wall = time.perf_counter() - t0
    df = store.consolidate(out, plan.n_runs)
    store.write_parquet(out / store.RESULTS, df)
    manifest["runs_done"] = plan.n_runs
    manifest["finished"] = manifest["finished"] or store.now()
    store.write_json(out / store.MANIFEST, manifest)
    if stats is not None:
        stats.update(wall_seconds=wall, model_seconds=model_seconds, runs=session["runs"],
                     workers=n_workers, chunks=len(chunks), total_seconds=time.perf_counter() - t0)
    return df


def _bar(total: int, initial: int, progress: bool | None):
    """A tqdm bar (runs done, rate, time left) without tqdm's monitor thread: a live thread
    would make forking the next sweep's workers unsafe."""
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    disable = not sys.stderr.isatty() if progress is None else not progress
    if disable:
        return None
    return Bar(total=total, initial=initial, unit="run", desc="runs", file=sys.stderr, dynamic_ncols=True)
