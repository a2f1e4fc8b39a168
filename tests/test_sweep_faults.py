"""Sweeps under faults: real signals to real processes, damaged folders, a second writer,
bad arguments, provenance, Dask peers that are not Dask. Nothing finished may be lost, and
every fault ends in one line or a clean finish."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from district_sim.experiments import analyze, run_sweep
from district_sim.settings import SettingsError

# 40 runs of ~0.05 s: long enough to hit mid-sweep, short enough for CI.
SLOW = """
base = "fragmented"
years = 6
replicates = 4
seeding = "common"
[settings]
district.students = 4000
district.schools = 6
[[vary]]
setting = "strategy.initiatives_per_year"
values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
[record]
metrics = ["achievement", "coherence", "teacher_fatigue"]
every = "year"
"""

# Six tiny runs, every kind of varied setting: int, float, name, switch.
TYPED = """
base = "focused"
years = 1
replicates = 1
[settings]
district.students = 400
district.schools = 1
[[vary]]
setting = "scenario"
values = ["fragmented", "focused"]
[[vary]]
setting = "budget.layoff_rule"
values = ["seniority", "effectiveness"]
[[vary]]
setting = "district.class_size"
values = [22, 26]
[[vary]]
setting = "strategy.buffering"
values = [0.2]
[[vary]]
setting = "mechanisms.fatigue"
values = [true]
[record]
metrics = ["achievement", "coherence"]
every = "year"
"""


def cli(*args, timeout=120, **kwargs):
    return subprocess.run([sys.executable, "-m", "district_sim.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def start(*args) -> subprocess.Popen:
    """``district-sim ...`` in its own session (so a signal to it is the only signal)."""
    return subprocess.Popen([sys.executable, "-m", "district_sim.cli", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc, no psutil)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                    out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def parts(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("part-*.parquet"))


def wait_for_parts(proc: subprocess.Popen, out: Path, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(parts(out)) < n:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the sweep wrote no parts"
        time.sleep(0.005)


def stored(out: Path, like: pd.DataFrame) -> pd.DataFrame:
    df = pd.read_parquet(out / "results.parquet")
    return df.astype({c: like[c].dtype for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    """The experiment file and its uninterrupted result (computed once)."""
    tmp = tmp_path_factory.mktemp("slow")
    path = tmp / "slow.toml"
    path.write_text(SLOW)
    return path, run_sweep(path, tmp / "full", workers=2, progress=False)


@pytest.fixture
def sweeping(slow, tmp_path):
    """A sweep running on two workers; killed (group and all) at the end of the test."""
    path, _ = slow
    out = tmp_path / "out"
    proc = start("sweep", path, "--out", out, "--workers", 2, "--chunk-size", 1)
    yield proc, out
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


# --- 1. a failing run does not abort the sweep ---------------------------------------------------


def test_a_run_whose_worker_is_killed_is_recorded_and_the_sweep_goes_on(slow, sweeping, tmp_path):
    path, full = slow
    proc, out = sweeping
    wait_for_parts(proc, out, 3)
    victim = children(proc.pid)[0]
    os.kill(victim, signal.SIGKILL)  # what the out-of-memory killer does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "1 run(s) failed" in one_line(err) and "--retry-failed" in err
    failures = pd.read_parquet(out / "failures.parquet")
    assert len(failures) == 1 and failures["error_type"].tolist() == ["WorkerDied"]
    assert "SIGKILL" in failures["error"][0]
    failed = int(failures["run_id"][0])
    assert json.loads(failures["settings"][0]) == {"strategy.initiatives_per_year": failed // 4 + 1}
    results = pd.read_parquet(out / "results.parquet")
    assert sorted(results["run_id"].unique()) == [i for i in range(40) if i != failed]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs_failed"] == 1 and manifest["runs_done"] == 39
    # analyze says so, a line a failed run
    r = cli("analyze", out, "--no-figures")
    assert r.returncode == 0, r.stderr
    assert "1 of 40 runs failed" in r.stdout and f"run {failed} (point {failed // 4}" in r.stdout
    # resume does not run it again unless asked
    r = cli("sweep", path, "--out", out, "--resume")
    assert r.returncode == 3 and "39 runs (40 already done, 1 failed)" in r.stdout
    r = cli("sweep", path, "--out", out, "--resume", "--retry-failed")
    assert r.returncode == 0, r.stderr
    assert not (out / "failures.parquet").exists()
    pd.testing.assert_frame_equal(full, stored(out, full))


def test_a_task_whose_worker_is_killed_is_run_again_run_by_run(slow, tmp_path):
    """A worker killed in a task of several runs: the runs are tried again one at a time, so
    only a run that kills its worker again would be recorded; here none does."""
    path, full = slow
    out = tmp_path / "out"
    proc = start("sweep", path, "--out", out, "--workers", 2, "--chunk-size", 5)
    try:
        wait_for_parts(proc, out, 1)
        os.kill(children(proc.pid)[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert not (out / "failures.parquet").exists()
    assert any(p.name.split("-")[1] == p.name.split("-")[2][:7] for p in parts(out))  # one-run parts
    pd.testing.assert_frame_equal(full, stored(out, full))


def test_a_run_that_raises_is_recorded_and_its_chunk_kept(tmp_path, monkeypatch):
    """A bug in the model (here: planted in one run) costs that run only."""
    import district_sim.simulation as simulation

    real = simulation.simulate

    def flaky(settings, seed, months, **kw):
        if settings.district.class_size == 26 and settings.budget.layoff_rule == "seniority":
            raise FloatingPointError("overflow in teacher_practice")
        return real(settings, seed, months, **kw)

    monkeypatch.setattr(simulation, "simulate", flaky)
    path = tmp_path / "typed.toml"
    path.write_text(TYPED)
    stats = {}
    df = run_sweep(path, tmp_path / "out", workers=1, chunk_size=8, progress=False, stats=stats)
    assert stats["failed"] == 2 and df["run_id"].nunique() == 6  # the chunk's other runs kept
    failures = pd.read_parquet(tmp_path / "out" / "failures.parquet")
    assert set(failures["error_type"]) == {"FloatingPointError"}
    assert failures["error"].str.contains("overflow in teacher_practice").all()
    assert all(json.loads(s)["district.class_size"] == 26 for s in failures["settings"])
    report = analyze(tmp_path / "out", figures=False)
    assert "2 of 8 runs failed" in report.text and "FloatingPointError" in report.text


# --- 2. workers die with their sweep; signals stop it cleanly --------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_no_worker_outlives_its_sweep(sweeping, sig):
    proc, out = sweeping
    wait_for_parts(proc, out, 2)
    workers = children(proc.pid)
    assert len(workers) == 2
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "a worker outlived its sweep by 10 s"
    if sig != signal.SIGKILL:
        assert proc.returncode == 128 + sig
        line = one_line(err)
        assert f"stopped by {signal.Signals(sig).name}" in line and "--resume" in line
        assert not list(out.glob(".*.tmp")) and not list((out / "parts").glob(".*.tmp"))
        assert json.loads((out / "manifest.json").read_text())["sessions"][0]["ended"]


def test_ctrl_c_stops_cleanly_and_resume_completes(slow, sweeping):
    path, full = slow
    proc, out = sweeping
    wait_for_parts(proc, out, 3)
    workers = children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "stopped by SIGINT" in one_line(err)
    time.sleep(0.5)
    assert not any(alive(w) for w in workers)
    done = len({int(i) for p in parts(out) for i in pd.read_parquet(p, columns=["run_id"])["run_id"]})
    assert done >= 3
    r = cli("sweep", path, "--out", out, "--resume", "--workers", 2)
    assert r.returncode == 0, r.stderr
    assert f"{done} already done" in r.stdout
    pd.testing.assert_frame_equal(full, stored(out, full))


def test_a_stop_keeps_the_runs_finished_in_the_task_under_way(slow, tmp_path):
    """With one worker the sweep runs in its own process: a stop mid-task writes the runs of
    that task that finished (runs of ~0.05 s, a quarter of a second after the first part) before
    it ends: more than the first task's 10 runs are on disk."""
    path, full = slow
    out = tmp_path / "out"
    proc = start("sweep", path, "--out", out, "--workers", 1, "--chunk-size", 10)
    try:
        wait_for_parts(proc, out, 1)
        time.sleep(0.25)
        os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 143 and "stopped by SIGTERM" in one_line(err)
    done = sum(len(pd.read_parquet(p, columns=["run_id"])["run_id"].unique()) for p in parts(out))
    assert 10 < done < 40
    r = cli("sweep", path, "--out", out, "--resume", "--workers", 1)
    assert r.returncode == 0 and f"{done} already done" in r.stdout
    pd.testing.assert_frame_equal(full, stored(out, full))


# --- 3. one writer at a time ---------------------------------------------------------------------


def test_a_second_writer_is_refused_and_the_first_finishes_intact(slow, sweeping):
    path, full = slow
    proc, out = sweeping
    wait_for_parts(proc, out, 1)
    os.kill(proc.pid, signal.SIGSTOP)  # held still, so that it is surely writing meanwhile
    try:
        for extra in (["--resume"], []):
            r = cli("sweep", path, "--out", out, "--workers", 1, *extra)
            assert r.returncode == 2
            assert f"another sweep (pid {proc.pid})" in one_line(r.stderr)
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    pd.testing.assert_frame_equal(full, stored(out, full))


# --- 4. damaged folders ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("finished")
    path = tmp / "typed.toml"
    path.write_text(TYPED)
    df = run_sweep(path, tmp / "out", workers=1, chunk_size=3, progress=False)
    return path, tmp / "out", df


def _damage(folder: Path, how: str) -> str:
    """Damage a copy of a finished sweep; returns what the message must say."""
    part = parts(folder)[0]
    if how == "manifest":
        m = json.loads((folder / "manifest.json").read_text())
        del m["sessions"]
        (folder / "manifest.json").write_text(json.dumps(m))
        return "manifest lacks sessions"
    df = pd.read_parquet(part)
    if how == "outside":
        df["run_id"] += 1000
        said = "outside this sweep's plan"
    elif how == "column":
        df = df.drop(columns=["coherence"])
        said = "lacks column(s) coherence"
    elif how == "nan":
        df.loc[1, "achievement"] = np.nan
        said = "achievement is NaN or infinite"
    else:  # twice: the same runs in a second file
        shutil.copy(part, part.with_name("part-0000000-0000009.parquet"))
        return "delete one of the two (e.g. rm "
    df.to_parquet(part, index=False)
    return said


@pytest.mark.parametrize("how", ["manifest", "outside", "column", "nan", "twice"])
def test_a_damaged_folder_gets_one_line_naming_the_file(finished, tmp_path, how):
    path, folder, _ = finished
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "results.parquet").unlink()  # resume rebuilds it from the parts
    said = _damage(copy, how)
    with pytest.raises(SettingsError) as err:
        run_sweep(path, copy, workers=1, resume=True, progress=False)
    assert said in str(err.value) and "\n" not in str(err.value)
    assert str(copy / ("manifest.json" if how == "manifest" else "parts")) in str(err.value)
    with pytest.raises(SettingsError) as err:  # analysing the partial folder: the same line
        analyze(copy, figures=False)
    assert said in str(err.value)
    if how == "nan":
        r = cli("sweep", path, "--out", copy, "--resume")
        assert r.returncode == 2 and said in one_line(r.stderr)


def test_temporary_files_are_removed_on_resume(finished, tmp_path):
    path, folder, df = finished
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / ".manifest.json.999.tmp").write_bytes(b"{half")
    (copy / "parts" / ".part-0000000-0000002.parquet.999.tmp").write_bytes(b"PAR1 half")
    again = run_sweep(path, copy, resume=True, progress=False)
    pd.testing.assert_frame_equal(df, again)
    assert not list(copy.rglob(".*.tmp"))


def test_a_full_disk_leaves_the_folder_readable(finished, tmp_path):
    """Writes beyond RLIMIT_FSIZE fail as on a full disk (EFBIG instead of ENOSPC)."""
    import resource

    path, folder, df = finished
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "results.parquet").unlink()
    parts(copy)[0].unlink()
    manifest = (copy / "manifest.json").read_bytes()

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

    r = cli("sweep", path, "--out", copy, "--resume", "--workers", 1, preexec_fn=small_disk)
    assert r.returncode == 2 and "File too large" in one_line(r.stderr)
    assert (copy / "manifest.json").read_bytes() == manifest  # the old manifest, whole
    assert not list(copy.rglob(".*.tmp"))
    pd.testing.assert_frame_equal(df, run_sweep(path, copy, resume=True, progress=False))


# --- 6. bad arguments from Python -------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, name", [
    ({"scheduler": 5}, "scheduler"), ({"stats": "x"}, "stats"), ({"progress": "x"}, "progress"),
    ({"resume": "yes"}, "resume"), ({"retry_failed": 1}, "retry_failed"), ({"chunk_size": 0}, "chunk-size"),
    ({"workers": 2.5}, "workers"), ({"out": 5}, "out"),
])
def test_bad_arguments_raise_value_error_naming_them_before_running(tmp_path, kwargs, name):
    path = tmp_path / "typed.toml"
    path.write_text(TYPED)
    kwargs.setdefault("out", tmp_path / "out")
    with pytest.raises(ValueError, match=name):
        run_sweep(path, **kwargs)
    assert not (tmp_path / "out").exists()  # nothing ran


# --- 7. provenance and types ------------------------------------------------------------------------


def test_results_carry_provenance_and_typed_columns(finished):
    import district_sim

    path, folder, _ = finished
    meta = pq.read_schema(folder / "results.parquet").metadata
    assert meta[b"district_sim.version"].decode() == district_sim.__version__
    assert meta[b"district_sim.experiment"] == path.read_bytes()
    base = json.loads(meta[b"district_sim.base_settings"])
    assert base["base"] == "focused" and base["settings"]["district"]["students"] == 400
    assert "strategy.buffering" in base["varied"]
    df = pd.read_parquet(folder / "results.parquet")
    assert isinstance(df["scenario"].dtype, pd.CategoricalDtype)
    assert isinstance(df["budget.layoff_rule"].dtype, pd.CategoricalDtype)
    assert df["district.class_size"].dtype == np.int64
    assert df["strategy.buffering"].dtype == np.float64
    assert df["mechanisms.fatigue"].dtype == np.bool_
    table = pq.read_table(folder / "results.parquet")
    assert table.num_rows == len(df) == 8
    for module in ("duckdb", "polars"):
        try:
            lib = __import__(module)
        except ImportError:
            continue
        if module == "duckdb":
            n = lib.sql(f"select count(*) from '{folder / 'results.parquet'}'").fetchone()[0]
        else:
            n = lib.read_parquet(folder / "results.parquet").height
        assert n == 8


# --- 5. cost that does not grow with the runs ---------------------------------------------------------


def test_the_manifest_is_written_when_a_session_starts_and_ends(slow, sweeping):
    proc, out = sweeping
    wait_for_parts(proc, out, 1)
    before = (out / "manifest.json").stat().st_mtime_ns
    wait_for_parts(proc, out, 25)
    if not (out / "results.parquet").exists():  # still running: not rewritten as runs finish
        assert (out / "manifest.json").stat().st_mtime_ns == before
    proc.communicate(timeout=60)
    assert json.loads((out / "manifest.json").read_text())["runs_done"] == 40


# --- 8. Dask peers that are not a working Dask cluster --------------------------------------------------


@contextlib.contextmanager
def listener(answer: bytes | None):
    """A loopback server that accepts connections and never answers (``None``) or answers
    ``answer`` (not Dask's protocol)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []

    def serve():
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                held.append(conn)
                if answer is not None:
                    conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("answer", [None, b"HTTP/1.1 200 OK\r\n\r\n" + b"\xff" * 64],
                         ids=["silent", "wrong-protocol"])
def test_a_peer_that_is_not_dask_ends_in_one_line(tmp_path, answer):
    path = tmp_path / "typed.toml"
    path.write_text(TYPED)
    with listener(answer) as address:
        t0 = time.monotonic()
        r = cli("sweep", path, "--out", tmp_path / "out", "--scheduler", address, timeout=60)
        took = time.monotonic() - t0
    assert r.returncode == 2 and address in one_line(r.stderr)
    assert took < 30


def start_scheduler(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """A real Dask scheduler on loopback, in its own session; its address once it listens."""
    info = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([Path(sys.executable).with_name("dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard", "--scheduler-file", info],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while not info.exists() or not info.read_text().strip():
        assert time.monotonic() < deadline, "no Dask scheduler started"
        time.sleep(0.05)
    return scheduler, json.loads(info.read_text())["address"]


def test_a_scheduler_killed_mid_sweep_ends_in_one_line_and_resume_finishes_locally(slow, tmp_path):
    path, full = slow
    dask = Path(sys.executable).with_name("dask")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    scheduler, address = start_scheduler(tmp_path)
    procs = [scheduler]
    try:
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"],
                                      **quiet))
        out = tmp_path / "out"
        sweep = start("sweep", path, "--out", out, "--scheduler", address, "--chunk-size", 1)
        procs.append(sweep)
        wait_for_parts(sweep, out, 3)
        os.kill(procs[0].pid, signal.SIGKILL)
        t0 = time.monotonic()
        _, err = sweep.communicate(timeout=60)
        assert time.monotonic() - t0 < 30
        assert sweep.returncode == 2 and "lost the Dask scheduler" in one_line(err)
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    r = cli("sweep", path, "--out", out, "--resume", "--workers", 2)
    assert r.returncode == 0, r.stderr
    pd.testing.assert_frame_equal(full, stored(out, full))


def test_a_scheduler_without_workers_ends_in_one_line_within_30_s(tmp_path):
    path = tmp_path / "typed.toml"
    path.write_text(TYPED)
    scheduler, address = start_scheduler(tmp_path)
    try:
        t0 = time.monotonic()
        r = cli("sweep", path, "--out", tmp_path / "out", "--scheduler", address, timeout=90)
        took = time.monotonic() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(scheduler.pid, signal.SIGKILL)
        scheduler.wait(10)
    assert r.returncode == 2 and "no workers" in one_line(r.stderr)
    assert took < 30
