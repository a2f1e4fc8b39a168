"""Bad input and extreme settings found by QA: clear one-line errors, never NaN or a rate
outside [0, 1]."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import district_sim as ds
from district_sim.report import FRACTIONS

TINY = {"district.students": 300, "district.schools": 3}


def assert_sane(df):
    numbers = df.select_dtypes("number")
    assert np.isfinite(numbers.to_numpy()).all(), numbers.columns[~np.isfinite(numbers).all()].tolist()
    for col in FRACTIONS:
        if col in df:
            assert df[col].between(0.0, 1.0).all(), (col, df[col].min(), df[col].max())


@pytest.mark.parametrize("scenario, overrides", [
    # a fully fatigued teacher who loses all capacity (was 0/0 -> NaN everywhere)
    ("fragmented", {"teachers.fatigue_capacity_loss": 1.0, "capacity.teacher_attention": 0.1}),
    ("focused", {"capacity.teacher_attention": 1e-9, "teachers.fatigue_capacity_loss": 1.0}),
    # a steep cynicism rate (cynicism overshot 1, culture went below 0)
    ("fragmented", {"teachers.cynicism_rate": 5.0}),
    # entering students' engagement below 0
    ("focused", {"teachers.practice_mean": -1.0, "students.high_need_engagement_gap": 1.0}),
    ("fragmented", {"strategy.initiatives_per_year": 50, "strategy.alignment": 1.0}),
])
def test_extreme_settings_stay_finite_and_in_range(scenario, overrides):
    df = ds.run(scenario, years=5, seed=1, overrides={**TINY, **overrides})
    assert_sane(df)
    if "teacher_cynicism" in df:
        assert df["teacher_cynicism"].between(0, 1).all()


@pytest.mark.parametrize("call, names", [
    (lambda: ds.run("focused", years=float("inf")), "years"),
    (lambda: ds.run("focused", years=10**400), "years"),
    (lambda: ds.run("focused", overrides=[("a", 1)]), "overrides"),
    (lambda: ds.compare(5), "scenarios"),
    (lambda: ds.load_scenario(3), "scenario"),
    (lambda: ds.DistrictModel("focused"), "Settings"),
    (lambda: ds.DistrictModel(ds.load_scenario("focused", TINY), seed="x"), "seed"),
    (lambda: ds.DistrictModel(ds.load_scenario("focused", TINY), seed=-1), "seed"),
    (lambda: ds.DistrictModel(ds.load_scenario("focused", TINY)).teacher(-1), "teacher"),
])
def test_bad_python_input_is_a_value_error_naming_it(call, names):
    with pytest.raises(ValueError, match=names):
        call()


def test_settings_edited_in_place_are_checked_again():
    s = ds.load_scenario("focused", TINY)
    s.district.schools = 500  # each field is valid; together they are not
    with pytest.raises(ValueError, match="district.schools"):
        ds.DistrictModel(s)


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "district_sim.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def one_line_error(r, says):
    assert r.returncode == 2, r.stderr
    assert says in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_a_binary_scenario_file_is_named_in_one_line(tmp_path):
    bad = tmp_path / "binary.toml"
    bad.write_bytes(b"\xff\xfe\x00")
    one_line_error(cli("run", str(bad), "--years", "1"), "binary.toml")


def test_infinite_years_on_the_command_line(tmp_path):
    one_line_error(cli("run", "focused", "--years", "inf"), "years")


def test_a_damaged_sweep_folder_is_named_not_a_traceback(tmp_path):
    exp = tmp_path / "e.toml"
    exp.write_text('base = "focused"\nyears = 1\nreplicates = 1\n[settings]\ndistrict.students = 800\n'
                   'district.schools = 2\n[[vary]]\nsetting = "strategy.buffering"\nvalues = [0.1, 0.5]\n')
    out = tmp_path / "sweep"
    r = cli("sweep", str(exp), "--out", str(out), "--workers", "1")
    assert r.returncode == 0, r.stderr
    (out / "results.parquet").write_bytes(b"not parquet")
    one_line_error(cli("analyze", str(out)), "results.parquet")
    (out / "manifest.json").write_text(json.dumps([1, 2]))
    one_line_error(cli("analyze", str(out)), "manifest")
    one_line_error(cli("sweep", str(exp), "--out", str(out), "--resume"), "manifest")


def test_a_design_too_large_to_hold_is_refused_before_sampling(tmp_path):
    exp = tmp_path / "huge.toml"
    exp.write_text('base = "focused"\nyears = 1\n[[vary]]\nsetting = "strategy.buffering"\n'
                   'range = [0.0, 1.0]\n[design]\nkind = "morris"\nsamples = 1000000\n')
    one_line_error(cli("sweep", str(exp), "--out", str(tmp_path / "o")), "design points")


def test_the_page_names_a_bad_host_and_a_busy_port():
    import socket

    one_line_error(cli("ui", "--host", "999.999.1.1", "--port", "8799"), "--host 999.999.1.1")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        one_line_error(cli("ui", "--port", str(port)), "already in use")


@pytest.mark.parametrize("override, says", [
    ({"strategy.buffering": True}, "strategy.buffering must be a number"),
    ({"mechanisms.fatigue": 1}, "mechanisms.fatigue must be true or false"),
])
def test_a_truth_value_for_a_number_is_a_slip_not_a_value(override, says):
    with pytest.raises(ValueError, match=says):
        ds.load_scenario("focused", override)
