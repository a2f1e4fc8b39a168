"""Analysis of a sweep: tables that match the data, figures, SALib indices, scenario discovery."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from district_sim.experiments import analyze, run_sweep
from district_sim.experiments.analysis import discover, final_rows, focus_advantage
from district_sim.report import interval
from district_sim.settings import SettingsError

HEAD = """
base = "focused"
years = {years}
replicates = {replicates}
seed = 3
seeding = "common"
[settings]
district.students = 300
district.schools = 2
"""

FACTORIAL = """
[[vary]]
setting = "scenario"
values = ["fragmented", "focused"]
[[vary]]
setting = "strategy.initiatives_per_year"
values = [1, 6]
[record]
metrics = ["achievement", "coherence", "teacher_fatigue"]
every = "year"
"""


def sweep(tmp_path, body, years=2, replicates=3, name="exp"):
    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD.format(years=years, replicates=replicates) + body)
    out = tmp_path / name
    df = run_sweep(path, out, workers=1, progress=False)
    return df, out


@pytest.fixture(scope="module")
def factorial(tmp_path_factory):
    return sweep(tmp_path_factory.mktemp("fact"), FACTORIAL)


def test_summary_matches_the_runs(factorial):
    df, out = factorial
    result = analyze(out)
    table = result.tables["summary"]
    assert len(table) == 2 + 2  # two values of each varied setting
    ends = final_rows(df)
    assert (ends["year"] == 2).all() and len(ends) == 12
    row = table[(table["setting"] == "strategy.initiatives_per_year") & (table["value"] == 6)].iloc[0]
    part = ends[ends["strategy.initiatives_per_year"] == 6]
    mean, lo, hi = interval(part["coherence"].to_numpy())
    assert row["runs"] == 6
    assert row["coherence"] == pytest.approx(mean) and row["coherence_lo"] == pytest.approx(lo)
    assert lo < mean < hi
    assert "strategy.initiatives_per_year" in result.text and "[" in result.text
    on_disk = pd.read_csv(out / "analysis" / "summary.csv")
    assert len(on_disk) == 4


def test_figures_are_written(factorial):
    _, out = factorial
    result = analyze(out)
    names = {p.name for p in result.files}
    assert {"trajectories.png", "heatmap.png", "summary.csv"} <= names
    for name in ("trajectories.png", "heatmap.png"):
        assert (out / "analysis" / name).stat().st_size > 10_000


def test_focus_advantage_is_paired_by_seed(factorial):
    df, _ = factorial
    ends = final_rows(df)
    adv = focus_advantage(ends, ["scenario", "strategy.initiatives_per_year"])
    assert len(adv) == 2 * 3  # one pair for each other setting's value and replicate
    one = adv.iloc[0]
    sel = ends[(ends["strategy.initiatives_per_year"] == one["strategy.initiatives_per_year"])
               & (ends["replicate"] == one["replicate"])].set_index("scenario")["achievement"]
    assert one["advantage"] == pytest.approx(sel["focused"] - sel["fragmented"])


def test_discovery_finds_the_separating_setting():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 9, 200)
    noise = rng.uniform(0, 1, 200)
    adv = pd.DataFrame({"load": x, "noise": noise, "advantage": np.where(x >= 5, 0.2, 0.0)})
    found = discover(adv, ["load", "noise"], margin=0.05)
    best = found.iloc[0]
    assert best["rule"] == "load >= 5"
    assert best["focus_wins_if_true"] == 1.0 and best["focus_wins_if_false"] == 0.0
    assert found.iloc[1]["impurity_removed"] < best["impurity_removed"]


SAMPLED = """
[[vary]]
setting = "district.initial_achievement"
range = [-0.5, -0.1]
[[vary]]
setting = "teachers.novice_gap"
range = [0.06, 0.08]
[design]
kind = "{kind}"
samples = {n}
[record]
metrics = ["achievement"]
every = "final"
"""


def test_morris_ranks_the_setting_that_moves_achievement(tmp_path):
    """initial_achievement shifts every student's score one for one, so its elementary effect
    on achievement is the width of its range (0.4 SD); the other setting's is far smaller."""
    _, out = sweep(tmp_path, SAMPLED.format(kind="morris", n=8), years=1, replicates=1)
    result = analyze(out)
    sens = result.tables["sensitivity"].set_index("setting")
    assert sens.index[0] == "district.initial_achievement"
    assert sens.loc["district.initial_achievement", "mu_star"] == pytest.approx(0.4, rel=0.1)
    assert sens.loc["teachers.novice_gap", "mu_star"] < 0.1
    assert (out / "analysis" / "morris.png").stat().st_size > 10_000


def test_sobol_indices_have_intervals(tmp_path):
    _, out = sweep(tmp_path, SAMPLED.format(kind="sobol", n=16), years=1, replicates=1)
    result = analyze(out)
    sens = result.tables["sensitivity"].set_index("setting")
    first = sens.loc["district.initial_achievement"]
    assert first["ST"] > 0.7 and first["S1"] > 0.7
    assert first["S1"] > sens.loc["teachers.novice_gap", "S1"]
    assert (sens["ST_conf"] >= 0).all() and (sens["S1_conf"] >= 0).all()
    assert (out / "analysis" / "sobol.png").stat().st_size > 10_000


def test_partial_sweep_is_analysed_and_says_so(tmp_path, factorial):
    import shutil

    _, out = factorial
    cut = tmp_path / "cut"
    shutil.copytree(out, cut)
    (cut / "results.parquet").unlink()
    for p in sorted((cut / "parts").glob("part-*.parquet"))[1:]:
        p.unlink()
    result = analyze(cut, figures=False)
    assert "partial sweep" in result.text


def test_analyze_errors(tmp_path, factorial):
    _, out = factorial
    with pytest.raises(SettingsError, match="not recorded by this sweep"):
        analyze(out, metrics=["budget"])
    r = subprocess.run([sys.executable, "-m", "district_sim.cli", "analyze", str(out), "--metric", "nope"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    r = subprocess.run([sys.executable, "-m", "district_sim.cli", "analyze", str(out), "--no-figures"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Focus advantage" in r.stdout


def test_shock_recovery_pairs_each_run_with_its_unshocked_twin():
    """A made-up sweep whose shock costs 0.2 SD in year 2 and half of that back by year 3."""
    from district_sim.experiments.analysis import shock_recovery

    rows = []
    for rep in range(4):
        for severity in (0.0, 0.5):
            for year in (1, 2, 3, 4):
                loss = {1: 0.0, 2: -0.2, 3: -0.1, 4: -0.05}[year] if severity else 0.0
                rows.append({"run_id": rep * 2 + (severity > 0), "replicate": rep, "year": year,
                             "month": 10, "shock.kind": "pandemic", "shock.severity": severity,
                             "achievement": 0.1 * rep + 0.01 * year + loss})
    table = shock_recovery(pd.DataFrame(rows), ["shock.kind", "shock.severity"])
    assert len(table) == 1
    row = table.iloc[0]
    assert row["trough"] == pytest.approx(-0.2) and row["trough_year"] == 2
    assert row["final_effect"] == pytest.approx(-0.05)
    assert row["years_to_half_recovery"] == pytest.approx(1.0) and row["recovered_runs"] == 4
    assert shock_recovery(pd.DataFrame(rows), ["shock.kind"]) is None  # no size varied: nothing to pair
