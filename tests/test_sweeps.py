"""Sweeps: experiment files, designs, seeding, storage and resume, the Dask path, bad files."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.experiments import load_experiment, run_sweep
from district_sim.experiments.design import run_seeds
from district_sim.experiments.spec import NUMERIC_EXCLUDE
from district_sim.settings import SettingsError, lookup, setting_keys

TINY = """
[settings]
district.students = 300
district.schools = 2
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def experiment(tmp_path, body: str, name="exp.toml", base="focused", years=1, replicates=2, extra=""):
    return write(tmp_path, f'base = "{base}"\nyears = {years}\nreplicates = {replicates}\n{extra}\n'
                 + TINY + body, name)


FACTORIAL = """
[[vary]]
setting = "scenario"
values = ["fragmented", "focused"]

[[vary]]
setting = "strategy.buffering"
range = [0.1, 0.5]
steps = 3

[record]
metrics = ["achievement", "coherence", "teacher_fatigue"]
every = "month"
"""


def stored(out: Path, like: pd.DataFrame) -> pd.DataFrame:
    """results.parquet with its categories (names) as the returned table's strings."""
    df = pd.read_parquet(out / "results.parquet")
    return df.astype({c: like[c].dtype for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "district_sim.cli", *args],
                          capture_output=True, text=True, timeout=timeout)


# --- designs ---------------------------------------------------------------------------------------


def test_factorial_has_every_combination_times_replicates(tmp_path):
    exp = load_experiment(experiment(tmp_path, FACTORIAL, replicates=3))
    plan = exp.plan
    assert len(plan.values) == 2 * 3 and plan.n_runs == 18
    combos = {(v["scenario"], v["strategy.buffering"]) for v in plan.values}
    assert combos == {(s, b) for s in ("fragmented", "focused") for b in (0.1, 0.3, 0.5)}
    # the varied value really reaches the run's settings, on top of the right base scenario
    for v, s in zip(plan.values, plan.settings, strict=True):
        assert s.strategy.buffering == v["strategy.buffering"] and s.name == v["scenario"]
        assert s.district.students == 300
    assert [r.run_id for r in plan.runs()] == list(range(18))


SAMPLED = """
[[vary]]
setting = "strategy.alignment"
range = [0.2, 0.8]

[[vary]]
setting = "district.class_size"
range = [15, 30]

[[vary]]
setting = "capacity.teacher_attention"
range = [0.5, 2.0]
distribution = "loguniform"

[design]
kind = "{kind}"
samples = {n}
"""


def test_latin_hypercube_is_stratified_and_within_bounds(tmp_path):
    n = 20
    plan = load_experiment(experiment(tmp_path, SAMPLED.format(kind="lhs", n=n), replicates=1)).plan
    assert len(plan.values) == n
    # one point in each of the n equal strata of every dimension
    for j in range(3):
        strata = np.floor(plan.unit[:, j] * n).astype(int)
        assert sorted(strata) == list(range(n))
    a = np.array([v["strategy.alignment"] for v in plan.values])
    c = np.array([v["district.class_size"] for v in plan.values])
    t = np.array([v["capacity.teacher_attention"] for v in plan.values])
    assert (a >= 0.2).all() and (a <= 0.8).all()
    assert c.dtype.kind == "i" and (c >= 15).all() and (c <= 30).all()
    assert (t >= 0.5).all() and (t <= 2.0).all()
    # log-uniform: the geometric midpoint splits the sample in half (stratified, so exactly)
    assert (t < np.sqrt(0.5 * 2.0)).sum() == n // 2


def test_morris_and_sobol_shapes(tmp_path):
    d = 3
    morris = load_experiment(experiment(tmp_path, SAMPLED.format(kind="morris", n=6), "m.toml",
                                        replicates=1)).plan
    assert morris.unit.shape == (6 * (d + 1), d)
    # within a trajectory consecutive points differ in exactly one setting
    for k in range(6):
        traj = morris.unit[k * (d + 1):(k + 1) * (d + 1)]
        assert ((np.abs(np.diff(traj, axis=0)) > 1e-12).sum(axis=1) == 1).all()
    sobol = load_experiment(experiment(tmp_path, SAMPLED.format(kind="sobol", n=8), "s.toml",
                                       replicates=1)).plan
    assert sobol.unit.shape == (8 * (d + 2), d)
    with pytest.raises(SettingsError, match="power of 2"):
        load_experiment(experiment(tmp_path, SAMPLED.format(kind="sobol", n=6), "s6.toml"))


def test_sampled_design_is_a_function_of_the_seed(tmp_path):
    a = load_experiment(experiment(tmp_path, SAMPLED.format(kind="lhs", n=10), "a.toml", extra="seed = 5"))
    b = load_experiment(experiment(tmp_path, SAMPLED.format(kind="lhs", n=10), "b.toml", extra="seed = 5"))
    c = load_experiment(experiment(tmp_path, SAMPLED.format(kind="lhs", n=10), "c.toml", extra="seed = 6"))
    assert np.array_equal(a.plan.unit, b.plan.unit)
    assert not np.array_equal(a.plan.unit, c.plan.unit)


def test_vary_numeric_covers_every_numeric_setting_within_bounds():
    exp = load_experiment("sensitivity")
    fixed = set(exp.fixed)
    expected = [k for k in setting_keys()
                if lookup(k).numeric and k not in NUMERIC_EXCLUDE and k not in fixed]
    assert exp.keys == expected and len(expected) > 40
    for v in exp.vary:
        low, high = lookup(v.setting).low, lookup(v.setting).high
        assert low <= v.range[0] < v.range[1] <= high, v.setting
    # a setting fixed in [settings] is not screened
    assert "district.students" not in exp.keys


def test_shipped_experiments_load():
    for name in ("initiative_load", "shock_resilience", "leadership_churn", "money", "sensitivity"):
        exp = load_experiment(name)
        assert exp.plan.n_runs >= 10
    shock = load_experiment("shock_resilience").plan
    kinds = {s.shocks[-1].kind for s in shock.settings}
    assert len(kinds) == 6
    # severity 0.5 of a state mandate is half the largest allowed number of mandates
    mandate = [s for s, v in zip(shock.settings, shock.values, strict=True)
               if v["shock.kind"] == "state_mandate" and v["shock.severity"] == 0.5]
    assert mandate and all(s.shocks[-1].magnitude == 5.0 for s in mandate)


# --- seeding ---------------------------------------------------------------------------------------


def test_common_seeds_pair_replicates_and_match_compare():
    seeds = run_seeds(7, points=4, replicates=3, seeding="common")
    assert (seeds == seeds[0]).all()
    assert seeds[0].tolist() == ds.replicate_seeds(7, 3)
    ind = run_seeds(7, points=4, replicates=3, seeding="independent")
    assert len(set(ind.ravel().tolist())) == 12
    # a run's seed depends on its identity only, not on how many runs there are
    assert np.array_equal(run_seeds(7, 2, 2, "independent"), ind[:2, :2])
    # the vectorised hash is numpy's SeedSequence(seed, spawn_key=(point, replicate)), for any seed
    for seed in (0, 7, 2**32 + 5, 2**63 - 1):
        got = run_seeds(seed, points=9, replicates=5, seeding="independent")
        want = [[int(np.random.SeedSequence(seed, spawn_key=(p, r)).generate_state(1, np.uint32)[0])
                 for r in range(5)] for p in range(9)]
        assert got.tolist() == want


def test_sweep_runs_are_the_runs_compare_makes(tmp_path):
    """A sweep over the base scenario reproduces ds.compare, seed for seed."""
    path = experiment(tmp_path, """
[[vary]]
setting = "scenario"
values = ["fragmented", "focused"]
[record]
metrics = ["achievement", "coherence"]
every = "month"
""", years=2, replicates=3, extra="seed = 11\nseeding = \"common\"")
    df = run_sweep(path, workers=1, progress=False)
    ref = ds.compare(["fragmented", "focused"], years=2, replicates=3, seed=11,
                     overrides={"district.students": 300, "district.schools": 2})
    assert len(df) == len(ref) == 2 * 3 * 20
    assert df["achievement"].tolist() == ref["achievement"].tolist()
    assert df["scenario"].tolist() == ref["scenario"].tolist()


def test_results_identical_with_one_or_two_workers_and_dask(tmp_path):
    from distributed import LocalCluster

    path = experiment(tmp_path, FACTORIAL, years=2, replicates=2)
    one = run_sweep(path, tmp_path / "one", workers=1, progress=False)
    two = run_sweep(path, tmp_path / "two", workers=2, chunk_size=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address,
                           chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(one, remote)
    on_disk = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    assert isinstance(on_disk["scenario"].dtype, pd.CategoricalDtype)  # names are categories on disk
    pd.testing.assert_frame_equal(one, on_disk.astype({"scenario": one["scenario"].dtype}))
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["sessions"][0]["backend"] == "dask" and manifest["sessions"][0]["workers"] == 2
    assert manifest["sessions"][0]["scheduler"].startswith("tcp://127.0.0.1:")


# --- storage, manifest, resume -------------------------------------------------------------------------


def test_results_layout_and_manifest(tmp_path):
    path = experiment(tmp_path, FACTORIAL, years=2, replicates=2)
    out = tmp_path / "out"
    df = run_sweep(path, out, workers=1, progress=False)
    # one row a run and recorded month, settings as columns
    assert len(df) == 12 * 20 and df["run_id"].nunique() == 12
    assert {"scenario", "strategy.buffering", "seed", "replicate", "year", "month"} <= set(df.columns)
    assert df.groupby("run_id")["strategy.buffering"].nunique().eq(1).all()
    m = json.loads((out / "manifest.json").read_text())
    assert m["experiment"]["sha256"] == load_experiment(path).sha256
    assert m["runs_total"] == m["runs_done"] == 12
    assert m["started"] <= m["finished"] and m["versions"]["district-sim"]
    assert m["seeds"] == df.groupby("run_id")["seed"].first().tolist()
    assert (out / "experiment.toml").read_bytes() == path.read_bytes()
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_id"].tolist() == list(range(12))


@pytest.mark.parametrize("every, rows", [("month", 30), ("year", 3), ("final", 1)])
def test_record_frequency(tmp_path, every, rows):
    path = experiment(tmp_path, f"""
[[vary]]
setting = "strategy.alignment"
values = [0.2, 0.8]
[record]
metrics = ["achievement"]
every = "{every}"
""", years=3, replicates=1)
    df = run_sweep(path, workers=1, progress=False)
    assert len(df) == 2 * rows
    assert list(df.columns[-3:]) == ["year", "month", "achievement"]
    if every != "month":
        assert (df["month"] == 10).all()


def test_resume_runs_only_what_is_missing(tmp_path):
    path = experiment(tmp_path, FACTORIAL, years=2, replicates=2)
    full = run_sweep(path, tmp_path / "full", workers=1, progress=False)
    out = tmp_path / "cut"
    run_sweep(path, out, workers=1, chunk_size=2, progress=False)
    parts = sorted((out / "parts").glob("part-*.parquet"))
    for p in parts[1::2]:
        p.unlink()
    (out / "results.parquet").unlink()
    (out / "parts" / ".part-0000000-0000001.parquet.999.tmp").write_bytes(b"half a file")
    stats = {}
    again = run_sweep(path, out, workers=2, chunk_size=1, resume=True, progress=False, stats=stats)
    assert stats["runs"] == 2 * len(parts[1::2])
    pd.testing.assert_frame_equal(full, again)
    assert not list((out / "parts").glob(".*.tmp"))
    # resuming a finished sweep runs nothing and gives the same table
    stats = {}
    pd.testing.assert_frame_equal(full, run_sweep(path, out, resume=True, progress=False, stats=stats))
    assert stats["runs"] == 0


def test_out_folder_guards(tmp_path):
    path = experiment(tmp_path, FACTORIAL, replicates=1)
    out = tmp_path / "out"
    run_sweep(path, out, workers=1, progress=False)
    with pytest.raises(SettingsError, match="--resume"):
        run_sweep(path, out, workers=1, progress=False)
    path.write_text(path.read_text().replace("0.5]", "0.6]"))
    with pytest.raises(SettingsError, match="different experiment"):
        run_sweep(path, out, workers=1, resume=True, progress=False)
    with pytest.raises(SettingsError, match="holds no sweep"):
        (tmp_path / "junk").mkdir()
        (tmp_path / "junk" / "notes.txt").write_text("mine")
        run_sweep(path, tmp_path / "junk", workers=1, resume=True, progress=False)
    with pytest.raises(SettingsError, match="exclude each other"):
        run_sweep(path, tmp_path / "x", workers=2, scheduler="tcp://127.0.0.1:1", progress=False)


KILL = """
base = "fragmented"
years = 4
replicates = 6
[settings]
district.students = 3000
district.schools = 6
[[vary]]
setting = "strategy.initiatives_per_year"
values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
[record]
metrics = ["achievement", "coherence", "teacher_fatigue"]
every = "year"
"""


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    path = write(tmp, KILL, "kill.toml")
    return path, run_sweep(path, tmp / "full", workers=1, progress=False)


@pytest.mark.parametrize("kill_after", [3, 30])
def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path, uninterrupted, kill_after):
    path, full = uninterrupted
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "district_sim.cli", "sweep", str(path), "--out", str(out),
                             "--workers", "2", "--chunk-size", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "parts").glob("part-*.parquet"))) < kill_after:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "sweep wrote no parts"
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):  # anything left of the group (nothing, normally)
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (out / "results.parquet").exists(), "the sweep finished before the kill"
    done = len(list((out / "parts").glob("part-*.parquet")))
    assert kill_after <= done < 60
    r = cli("sweep", str(path), "--out", str(out), "--resume", "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert f"{done} already done" in r.stdout
    pd.testing.assert_frame_equal(full, stored(out, full))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs_done"] == 60 and len(manifest["sessions"]) == 2
    assert manifest["sessions"][1]["runs"] == 60 - done


# --- bad experiment files ----------------------------------------------------------------------------


BAD = [
    ('base = "focused"\nreplicate = 3\n', "replicate: unknown key (known: name"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.bufering"\nvalues = [0.1]\n',
     "strategy.bufering: unknown setting"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.buffering"\nvalues = [0.1, 1.5]\n',
     "strategy.buffering"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.buffering"\nrange = [0.1, 1.5]\nsteps = 3\n',
     "strategy.buffering: range [0.1, 1.5] is outside the allowed 0 to 1"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.buffering"\nrange = [0.5, 0.1]\nsteps = 3\n',
     "low < high"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.buffering"\nrange = [0.1, 0.5]\n',
     "needs steps"),
    ('base = "focused"\n[[vary]]\nsetting = "strategy.buffering"\nvalues = [0.1]\nwobble = 1\n',
     "vary.0.wobble: unknown key (known: setting"),
    ('base = "focused"\n[design]\nkind = "sobol"\nsamples = 8\n', "at least one varied setting"),
    ('base = "focused"\n[design]\nkind = "grid"\n', "design.kind"),
    ('base = "focused"\n[record]\nmetrics = ["achievment"]\n', "unknown metric 'achievment'"),
    ('base = "focused"\nyears = 0\n', "years"),
    ('base = "nowhere"\n', "unknown scenario 'nowhere'"),
    ('base = "focused"\n[[vary]]\nsetting = "shock.kind"\nvalues = ["budget_cut"]\n',
     "needs a [shock] table"),
    ('base = "focused"\n[shock]\nkind = "budget_cut"\nmagnitude = 3\n',
     "magnitude of a budget_cut shock"),
    ('base = "focused"\n[settings]\ndistrict.students = 10\ndistrict.schools = 40\n', "district.schools"),
    ('base = "focused"\nseed = [1\n', "malformed TOML"),
]


@pytest.mark.parametrize("text, fragment", BAD)
def test_bad_experiment_files_fail_in_one_line(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as err:
        load_experiment(path)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("args, fragment", [
    (["sweep", "/no/such/experiment.toml"], "no such file"),
    (["sweep", "nonesuch"], "unknown experiment 'nonesuch'"),
    (["sweep", "BAD"], "strategy.buffering: range [0.1, 1.5] is outside the allowed 0 to 1"),
    (["sweep", "sensitivity", "--workers", "0"], "whole number >= 1"),
    (["analyze", "/no/such/folder"], "not a sweep folder"),
])
def test_cli_errors_are_one_line_exit_2(tmp_path, args, fragment):
    if "BAD" in args:
        args = ["sweep", str(write(tmp_path, BAD[3][0]))]
    r = cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in r.stderr


def test_cli_sweep_end_to_end(tmp_path):
    path = experiment(tmp_path, FACTORIAL, replicates=1)
    out = tmp_path / "cli"
    r = cli("sweep", str(path), "--out", str(out), "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert "6 runs" in r.stdout
    df = pd.read_parquet(out / "results.parquet")
    assert df["run_id"].nunique() == 6


def test_chunks_cover_every_run_once_and_shrink_towards_the_end():
    from district_sim.experiments.runner import chunk_runs

    exp = load_experiment("initiative_load")
    runs = exp.plan.runs()
    for workers in (1, 2, 8):
        chunks = chunk_runs(runs, exp.plan, exp.months, workers)
        assert [r.run_id for c in chunks for r in c] == [r.run_id for r in runs]
        sizes = [len(c) for c in chunks]
        assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0]
    assert {len(c) for c in chunk_runs(runs, exp.plan, exp.months, 2, size=7)[:-1]} == {7}


def test_progress_bar_shows_runs_rate_and_time_left(tmp_path, capsys):
    path = experiment(tmp_path, FACTORIAL, replicates=1)
    run_sweep(path, workers=1, chunk_size=1, progress=True)
    err = capsys.readouterr().err
    assert "6/6" in err and ("run/s" in err or "s/run" in err) and "<00:00" in err


def test_a_sweep_warns_of_a_shock_after_its_runs_end(tmp_path):
    # focused_budget_cut's cut starts in year 3: a one-year sweep of it never sees the cut.
    path = experiment(tmp_path, '[[vary]]\nsetting = "strategy.buffering"\nvalues = [0.1, 0.5]\n',
                      base="focused_budget_cut", replicates=1)
    with pytest.warns(UserWarning, match="budget_cut.*year 3") as caught:
        run_sweep(path, tmp_path / "out", workers=1)
    assert sum("budget_cut" in str(w.message) for w in caught) == 1  # once, not once a point
