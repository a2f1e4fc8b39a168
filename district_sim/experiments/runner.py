"""Run a sweep: on this machine's cores, or on a Dask distributed cluster.

Runs go out in chunks (a task is several runs), so that the cost of scheduling, moving
results and writing them stays a few percent of the simulation time; each finished chunk
is written as a part file at once. Results are sorted by run id at the end, and every
run's seed is fixed by the design, so the table is the same whatever the number of
workers and the order in which tasks finish.

Faults: a run that raises is recorded as failed (``parts/failed-*.parquet``) and the sweep
goes on; a worker that dies (killed, out of memory) has its chunk run again one run at a
time, and a run whose worker dies is recorded as failed. Local workers exit when the sweep
dies, however it dies (Linux's parent-death signal, and a watch on the parent); SIGINT,
SIGTERM and SIGHUP stop the sweep with everything finished on disk (:class:`SweepStopped`).
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..settings import SettingsError
from ..simulation import warn_outside
from . import store
from .design import without_gc
from .files import load_experiment
from .spec import SCENARIO_KEY, Experiment

#: Bounds on a task's work: long enough that per-task costs (a few ms: scheduling, moving
#: results, one part file) stay small; short enough that the progress bar moves, workers
#: finish together, and a killed sweep loses little.
MIN_TASK_SECONDS = 0.05
MAX_TASK_SECONDS = 2.0
#: Signals that stop a sweep cleanly (SIGINT arrives as KeyboardInterrupt).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
#: Exit code of ``district-sim sweep`` when it finished but some runs failed.
EXIT_FAILED_RUNS = 3
#: Dask: how long to wait for a lost scheduler or for workers to come back.
DASK_PATIENCE_SECONDS = 20.0


class SweepStopped(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error of the sweep
    """The sweep was told to stop (SIGTERM or SIGHUP); what finished is on disk. A
    BaseException, like KeyboardInterrupt, so that a run's ``except Exception`` cannot
    swallow it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.partial = None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@dataclass
class Chunk:
    """What a task returns: the rows of its finished runs, their model time, its failures."""

    rows: pd.DataFrame | None
    model_seconds: float
    failures: list[dict[str, Any]] = field(default_factory=list)
    runs: int = 0


# --- in the worker --------------------------------------------------------------------------------


def _failure(task: tuple, err: BaseException | None, kind: str | None = None,
             message: str | None = None) -> dict[str, Any]:
    run_id, point, replicate, seed, _settings, values = task
    where = ""
    if err is not None:
        frames = traceback.extract_tb(err.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return {"run_id": int(run_id), "point": int(point), "replicate": int(replicate), "seed": int(seed),
            "settings": json.dumps(values, default=str), "error_type": kind or type(err).__name__,
            "error": " ".join((message if message is not None else str(err)).split())[:2000],
            "where": where}


def run_chunk(tasks: list[tuple], months: int, metrics: list[str], every: str,
              keys: list[str], kinds: dict[str, str]) -> Chunk:
    """Run a chunk of runs; a run that raises is recorded, not fatal.

    Each task is (run_id, point, replicate, seed, settings, values). If the sweep is
    stopped mid-chunk, the runs already finished travel with the exception (``partial``).
    """
    from ..record import Record
    from ..simulation import simulate

    record = Record(metrics=tuple(metrics), every=every)
    ids = ("run_id", "point", "replicate", "seed")
    names = [*ids, SCENARIO_KEY, *[k for k in keys if k != SCENARIO_KEY], "year", "month", *metrics]
    columns: dict[str, list] = {name: [] for name in names}
    failures: list[dict[str, Any]] = []
    model_seconds = 0.0
    try:
        for task in tasks:
            run_id, point, replicate, seed, settings, values = task
            t0 = time.perf_counter()
            try:
                df = simulate(settings, seed, months, record=record).results()
            except Exception as err:  # noqa: BLE001 - a failed run is data, recorded with its error
                failures.append(_failure(task, err))
                continue
            finally:
                model_seconds += time.perf_counter() - t0
            head = dict(zip(ids, (run_id, point, replicate, seed), strict=True))
            head[SCENARIO_KEY] = settings.name
            head.update((k, v) for k, v in values.items() if k != SCENARIO_KEY)
            for name, value in head.items():
                columns[name].append([value] * len(df))
            for name in ("year", "month", *metrics):
                columns[name].append(df[name].to_numpy())
    except (KeyboardInterrupt, SweepStopped) as stop:
        stop.partial = _chunk(columns, keys, kinds, model_seconds, failures)
        raise
    return _chunk(columns, keys, kinds, model_seconds, failures)


def _chunk(columns, keys, kinds, model_seconds, failures) -> Chunk:
    done = len(columns["run_id"])
    rows = _frame(columns, keys, kinds) if done else None
    return Chunk(rows, model_seconds, failures, done + len(failures))


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


def part_columns(plan, metrics: list[str]) -> list[str]:
    """The columns of every part file, in order."""
    others = [k for k in plan.keys if k != SCENARIO_KEY]
    return ["run_id", "point", "replicate", "seed", SCENARIO_KEY, *others, "year", "month", *metrics]


def rows_per_run(exp: Experiment) -> int:
    every = exp.spec.record.every
    return exp.months if every == "month" else exp.spec.years if every == "year" else 1


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


# --- backends: each yields None once started, then a Chunk as each task finishes -----------------


def _inline(chunks, plan, args) -> Iterator[Chunk | None]:
    yield None
    for chunk in chunks:
        try:
            result = run_chunk(_payload(chunk, plan), *args)
        except (KeyboardInterrupt, SweepStopped) as stop:
            partial = getattr(stop, "partial", None)
            if partial is not None and partial.runs:
                yield partial  # written before the stop goes on
            raise
        yield result


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


def _die_with(sweep_pid: int) -> None:
    """Make this worker exit when the sweep's process dies, however it dies: Linux's
    parent-death signal (SIGKILL the moment the parent goes), and, on any system or when a
    forkserver is the parent, a thread that checks twice a second that the sweep lives."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1

    def alive() -> bool:
        try:
            os.kill(sweep_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return os.getppid() != 1

    def watch() -> None:
        while alive():
            time.sleep(0.5)
        os._exit(1)

    if not alive():  # died before the death signal was armed
        os._exit(1)
    threading.Thread(target=watch, name="watch-sweep", daemon=True).start()


def _serve(conn, sweep_pid: int, args: tuple) -> None:
    """A worker: run chunks sent by the sweep until told to stop. Ctrl-C reaches the whole
    terminal's process group, so workers ignore SIGINT and the sweep decides; SIGTERM and
    SIGHUP end a worker at once (the sweep's own handlers are inherited from the fork)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, *STOP_SIGNALS})
    store.release_inherited_locks()
    _die_with(sweep_pid)
    while True:
        try:
            tasks = conn.recv()
        except (EOFError, OSError):
            return
        if tasks is None:
            return
        conn.send(run_chunk(tasks, *args))


class _Pool:
    """Local worker processes, one task each at a time, each with its own pipe, so that the
    sweep knows which runs a dead worker held."""

    def __init__(self, ctx, size: int, args: tuple):
        self.ctx, self.args = ctx, args
        self.workers: dict[Any, Any] = {}  # pipe -> process
        self.tasks: dict[Any, list] = {}  # pipe -> the runs it is running
        for _ in range(size):
            self.start()

    def start(self):
        parent_end, child_end = self.ctx.Pipe()
        # Block stop signals across the fork: a child must not run the sweep's handlers
        # before it has installed its own (it unblocks them then).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *STOP_SIGNALS})
        try:
            proc = self.ctx.Process(target=_serve, args=(child_end, os.getpid(), self.args),
                                    daemon=True, name="district-sim-worker")
            with warnings.catch_warnings():  # see _mp_context: only native pools are running
                warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
                proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child_end.close()
        self.workers[parent_end] = proc
        return parent_end

    def idle(self) -> list:
        return [c for c in self.workers if c not in self.tasks]

    def give(self, conn, chunk: list, payload: list[tuple]) -> bool:
        """Send a worker its task; False if it has died meanwhile (the task is not its)."""
        try:
            conn.send(payload)
        except OSError:
            return False
        self.tasks[conn] = chunk
        return True

    def retire(self, conn) -> tuple[list, int | None]:
        """A dead worker's runs and exit code; its place is taken by a new one."""
        proc = self.workers.pop(conn)
        proc.join(1)
        conn.close()
        return self.tasks.pop(conn, []), proc.exitcode

    def stop(self, now: bool) -> None:
        for conn, proc in self.workers.items():
            if now:
                with contextlib.suppress(Exception):
                    proc.terminate()
            else:
                with contextlib.suppress(OSError, ValueError):
                    conn.send(None)
        deadline = time.monotonic() + 5
        for conn, proc in self.workers.items():
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1)
            conn.close()
        self.workers.clear()


def _died(run, plan, exitcode: int | None) -> dict[str, Any]:
    how = (f"killed by {signal.Signals(-exitcode).name}" if exitcode is not None and exitcode < 0
           else f"exit code {exitcode}")
    task = (run.run_id, run.point, run.replicate, run.seed, None, plan.values[run.point])
    return _failure(task, None, "WorkerDied", f"the worker process running it died ({how}; out of "
                    "memory? see the system log)")


def _processes(chunks, plan, args, workers) -> Iterator[Chunk | None]:
    from multiprocessing.connection import wait

    queue = deque(chunks)
    pool = _Pool(_mp_context(), workers, args)
    finished = False

    def assign(conn) -> None:
        """The next task to ``conn``'s worker, or to a new worker if that one has died."""
        for _ in range(3):
            if conn is None or not queue:
                return
            c = queue.popleft()
            if pool.give(conn, c, _payload(c, plan)):
                return
            queue.appendleft(c)
            pool.retire(conn)
            conn = pool.start()
        raise SettingsError("local worker processes die as soon as they start; try --workers 1 "
                            "(or DISTRICT_SIM_START_METHOD=spawn)")

    try:
        yield None
        for conn in pool.idle():
            assign(conn)
        while pool.tasks:
            sentinels = {pool.workers[c].sentinel: c for c in pool.tasks}
            for ready in wait([*pool.tasks, *sentinels]):
                conn = sentinels.get(ready, ready)
                if conn not in pool.tasks:
                    continue  # its pipe and its death both reported
                result = None
                with contextlib.suppress(EOFError, OSError):
                    if conn.poll():
                        result = conn.recv()
                if result is None:  # died mid-task: its runs again one by one, or recorded
                    runs, code = pool.retire(conn)
                    if len(runs) > 1:
                        queue.extendleft([r] for r in reversed(runs))
                    else:
                        yield Chunk(None, 0.0, [_died(r, plan, code) for r in runs], len(runs))
                    for idle in pool.idle():  # the re-queued runs go to every free worker
                        assign(idle)
                    conn = pool.start() if queue else None
                else:
                    del pool.tasks[conn]
                assign(conn)  # before the result is written: workers never wait
                if result is not None:
                    yield result
        finished = True
    finally:
        pool.stop(now=not finished)


def _check_scheduler(scheduler: Any) -> None:
    from distributed import Client

    if isinstance(scheduler, str | Client) or isinstance(getattr(scheduler, "scheduler_address", None), str):
        return
    raise SettingsError("scheduler must be a Dask address such as 'tcp://host:8786', a distributed.Client "
                        f"or a LocalCluster, got {scheduler!r}")


def connect(scheduler: Any):
    """A Dask Client for an address (tcp://host:port) or a Client/LocalCluster given; a peer
    that is silent or speaks another protocol ends in one line within about 12 s."""
    import dask
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    address = getattr(scheduler, "scheduler_address", scheduler)
    timeouts = {"distributed.comm.timeouts.connect": "10s", "distributed.comm.timeouts.tcp": "15s"}
    with dask.config.set(timeouts):
        try:
            client = _with_deadline(lambda: Client(address, timeout="10s"), 12.0)
        except TimeoutError:
            raise SettingsError(f"--scheduler {address}: no Dask scheduler answered within 12 s (is it "
                                "a Dask scheduler's address?)") from None
        except (KeyboardInterrupt, SweepStopped):
            raise
        except BaseException as err:  # noqa: BLE001 - a peer that is not Dask raises almost anything
            raise SettingsError(f"--scheduler {address}: cannot reach a Dask scheduler "
                                f"({type(err).__name__}: {' '.join(str(err).split())[:200]})") from None
    return client, True


def _with_deadline(make, seconds: float):
    """``make()`` in a helper thread, given up after ``seconds`` (a Dask handshake with a
    silent peer can ignore its own timeout)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = make()
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller
            box["error"] = err

    thread = threading.Thread(target=target, name="dask-connect", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]
    return box["value"]


def _dask(chunks, plan, args, client) -> Iterator[Chunk | None]:
    from distributed import wait

    address = client.scheduler.address
    futures = {}
    for c in chunks:
        fut = client.submit(run_chunk, _payload(c, plan), *args, pure=False)
        futures[fut] = c
    yield None
    lonely_since = None
    try:
        while futures:
            try:
                done, _ = wait(list(futures), timeout=2.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            if client.status not in ("running", "connecting"):
                raise _lost(address, ConnectionError(client.status))
            for fut in done:
                if fut.status == "cancelled":  # the scheduler went away with it
                    raise _lost(address, ConnectionError("task cancelled"))
                chunk = futures.pop(fut)
                if fut.status == "error":  # not a run's error (run_chunk records those): its worker's
                    err = fut.exception()
                    yield Chunk(None, 0.0, [_dask_failure(r, plan, err) for r in chunk], len(chunk))
                else:
                    yield fut.result()
                fut.release()
            if not done:
                lonely_since = _check_dask_workers(client, address, lonely_since)
    except (KeyboardInterrupt, SweepStopped, SettingsError, GeneratorExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a lost scheduler raises OSError, CancelledError, ...
        raise _lost(address, err) from None
    finally:
        with contextlib.suppress(Exception):
            client.cancel(list(futures))


def _lost(address: str, err: BaseException) -> SettingsError:
    return SettingsError(f"--scheduler {address}: lost the Dask scheduler ({type(err).__name__}); the "
                         "finished runs are on disk: finish with --resume (locally, or on a new cluster)")


def _dask_failure(run, plan, err) -> dict[str, Any]:
    task = (run.run_id, run.point, run.replicate, run.seed, None, plan.values[run.point])
    return _failure(task, err)


def _check_dask_workers(client, address: str, lonely_since: float | None) -> float | None:
    """None while workers are connected; otherwise since when there are none (then stop
    after DASK_PATIENCE_SECONDS: a sweep must not wait silently for ever)."""
    try:
        nthreads = _with_deadline(client.nthreads, 10.0)
    except BaseException as err:  # noqa: BLE001 - scheduler gone or unreachable
        if isinstance(err, KeyboardInterrupt | SweepStopped):
            raise
        raise _lost(address, err) from None
    if nthreads:
        return None
    now = time.monotonic()
    if lonely_since is not None and now - lonely_since > DASK_PATIENCE_SECONDS:
        raise SettingsError(f"--scheduler {address}: no Dask workers for {DASK_PATIENCE_SECONDS:.0f} s "
                            "(start some with `dask worker ADDRESS`)")
    return lonely_since if lonely_since is not None else now


def dask_workers(client) -> int:
    try:
        client.wait_for_workers(1, timeout=DASK_PATIENCE_SECONDS)
    except TimeoutError:
        raise SettingsError(f"--scheduler {client.scheduler.address}: no workers connected "
                            "(start some with `dask worker ADDRESS`)") from None
    return max(1, sum(client.nthreads().values()))


# --- signals ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`SweepStopped` in the sweep (as SIGINT raises
    KeyboardInterrupt), so it stops as cleanly as after Ctrl-C. Only in the main thread
    (Python delivers signals there); the old handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SweepStopped(signum)

    old = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


# --- the sweep --------------------------------------------------------------------------------------


def _check_workers(workers: Any) -> int:
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 4096:
        raise SettingsError(f"--workers must be a whole number between 1 and 4096, got {workers!r}")
    return workers


def _check_arguments(out, resume, progress, chunk_size, stats, retry_failed) -> None:
    """Every argument of :func:`run_sweep` before anything runs (ValueError naming it)."""
    if out is not None and not isinstance(out, str | os.PathLike):
        raise SettingsError(f"out must be a folder path (str or Path), got {out!r}")
    for name, value in (("resume", resume), ("retry_failed", retry_failed)):
        if not isinstance(value, bool):
            raise SettingsError(f"{name} must be True or False, got {value!r}")
    if progress is not None and not isinstance(progress, bool):
        raise SettingsError(f"progress must be True, False or None (when stderr is a terminal), "
                            f"got {progress!r}")
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int)
                                   or chunk_size < 1):
        raise SettingsError(f"--chunk-size must be a whole number >= 1, got {chunk_size!r}")
    if stats is not None and not isinstance(stats, dict):
        raise SettingsError(f"stats must be a dict to fill with timings, or None, got {stats!r}")


def run_sweep(
    experiment: str | os.PathLike | Experiment,
    out: str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    resume: bool = False,
    progress: bool | None = None,
    chunk_size: int | None = None,
    stats: dict[str, Any] | None = None,
    retry_failed: bool = False,
) -> pd.DataFrame:
    """Run an experiment; returns one row a finished run and recorded step, varied settings
    as columns.

    ``experiment`` is a name from ``experiments/``, a TOML path or a loaded experiment;
    ``out`` the folder for part files, manifest and ``results.parquet`` (a temporary one if
    omitted); ``workers`` local processes (default: all cores; 1 runs in this process);
    ``scheduler`` a Dask address (``tcp://host:port``), Client or LocalCluster, instead of
    local processes; ``resume`` finishes a killed sweep in ``out`` (runs recorded as failed
    are not run again unless ``retry_failed``); ``progress`` shows a bar (default: when
    stderr is a terminal). ``stats``, if given, is filled with timings and the number of
    failed runs (``failed``; they are in ``out/failures.parquet``).
    """
    _check_arguments(out, resume, progress, chunk_size, stats, retry_failed)
    if scheduler is not None:
        _check_scheduler(scheduler)
    if scheduler is not None and workers is not None:
        raise SettingsError("--workers and --scheduler exclude each other: the cluster's workers "
                            "run the sweep")
    n_workers = _check_workers(workers)
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="district-sweep-") as tmp:
            return run_sweep(exp, tmp, workers, scheduler, False, progress, chunk_size, stats)
    out = Path(out)
    with stop_on_signals():
        client, own_client = connect(scheduler) if scheduler is not None else (None, False)
        try:
            if client is not None:
                n_workers = dask_workers(client)
            with store.locked(out):
                manifest = store.prepare(out, exp, exp.plan, resume)
                return _sweep(exp, out, manifest, n_workers, client, progress, chunk_size, stats,
                              retry_failed)
        finally:
            if own_client:
                with contextlib.suppress(Exception):
                    _with_deadline(client.close, 10.0)


def _todo(exp: Experiment, out: Path, retry_failed: bool) -> tuple[list, set[int], set[int]]:
    """Runs still to do, runs done (from checked part files), runs failed and not retried."""
    plan = exp.plan
    metrics = list(exp.spec.record.metrics)
    if retry_failed:
        store.forget_failures(out)
    done = store.finished_runs(out, plan.n_runs, part_columns(plan, metrics), metrics, rows_per_run(exp))
    failed = set(store.failed_runs(out, plan.n_runs)["run_id"].tolist()) - done
    skip = done | failed
    with without_gc():
        todo = [r for r in plan.runs() if r.run_id not in skip] if skip else plan.runs()
    return todo, done, failed


def warn_late_shocks(exp: Experiment) -> None:
    """Say once for each distinct set of shocks in the design which fall after the runs end."""
    seen: set[tuple] = set()
    for settings in exp.plan.settings:
        key = tuple((shock.kind, shock.year) for shock in settings.shocks)
        if key not in seen:
            seen.add(key)
            warn_outside(settings, exp.months)


def _sweep(exp, out, manifest, n_workers, client, progress, chunk_size, stats, retry_failed) -> pd.DataFrame:
    plan = exp.plan
    warn_late_shocks(exp)
    todo, done, failed = _todo(exp, out, retry_failed)
    args = (exp.months, list(exp.spec.record.metrics), exp.spec.record.every, plan.keys, plan.kinds)
    chunks = chunk_runs(todo, plan, exp.months, n_workers, chunk_size)
    if client is None and (n_workers == 1 or len(chunks) <= 1):
        backend, n_workers = "inline", 1
    else:
        backend = "dask" if client is not None else "processes"
    session = {"started": store.now(), "ended": None, "runs": 0, "failed": 0, "backend": backend,
               "workers": n_workers, "scheduler": client.scheduler.address if client is not None else None}
    manifest["sessions"].append(session)
    store.write_json(out / store.MANIFEST, manifest)  # once a session starts, once it ends
    t0 = time.perf_counter()
    model_seconds = 0.0
    results = None
    try:
        if client is not None:
            results = _dask(chunks, plan, args, client)
        elif backend == "inline":
            results = _inline(chunks, plan, args)
        else:
            results = _processes(chunks, plan, args, min(n_workers, len(chunks)))
        next(results)
        bar = _bar(plan.n_runs, len(done) + len(failed), progress) if todo else None
        for chunk in results:
            if chunk.rows is not None:
                store.write_part(out, chunk.rows)
            if chunk.failures:
                store.write_failures(out, chunk.failures)
                session["failed"] += len(chunk.failures)
            model_seconds += chunk.model_seconds
            session["runs"] += chunk.runs
            if bar is not None:
                bar.update(chunk.runs)
        if bar is not None:
            bar.close()
    finally:
        if results is not None:
            results.close()  # stops the workers now, not when the generator is collected
        session["ended"] = store.now()
        with contextlib.suppress(OSError):  # a full disk keeps the session's first manifest
            store.write_json(out / store.MANIFEST, manifest)
    wall = time.perf_counter() - t0
    failures = store.failed_runs(out, plan.n_runs)
    df = store.consolidate(out, set(range(plan.n_runs)) - set(failures["run_id"].tolist()))
    store.write_parquet(out / store.RESULTS, typed(df, plan), provenance(exp))
    if len(failures):
        store.write_parquet(out / store.FAILURES, failures)
    else:
        (out / store.FAILURES).unlink(missing_ok=True)
    manifest["runs_done"] = plan.n_runs - len(failures)
    manifest["runs_failed"] = len(failures)
    manifest["finished"] = manifest["finished"] or store.now()
    store.write_json(out / store.MANIFEST, manifest)
    if stats is not None:
        stats.update(wall_seconds=wall, model_seconds=model_seconds, runs=session["runs"],
                     workers=n_workers, chunks=len(chunks), total_seconds=time.perf_counter() - t0,
                     failed=len(failures), failed_now=session["failed"])
    return df


def typed(df: pd.DataFrame, plan) -> pd.DataFrame:
    """results.parquet's columns: names (the scenario, text settings) as categories; whole
    numbers, floats and switches keep their int64, float64 and bool from the part files."""
    text = [k for k in (SCENARIO_KEY, *plan.keys) if k in df.columns and plan.kinds.get(k, "str") == "str"]
    return df.astype(dict.fromkeys(text, "category")) if text else df


def provenance(exp: Experiment) -> dict[bytes, bytes]:
    """What results.parquet says about where it came from: the package version, the
    experiment file's text, and every setting held fixed (the base scenario after
    ``[settings]``, as JSON, with the varied keys named)."""
    from .. import __version__
    from ..settings import apply_overrides, validate

    base = validate(apply_overrides(exp.base_data(), exp.fixed))
    fixed = {"base": exp.spec.base, "varied": list(exp.keys), "settings": base.model_dump(mode="json")}
    return {store.META_VERSION: __version__.encode(), store.META_EXPERIMENT: exp.text,
            store.META_BASE: json.dumps(fixed).encode()}


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
