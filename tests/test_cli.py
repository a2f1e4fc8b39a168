"""The command line as a user calls it: output, files, and one-line errors with exit 2."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from district_sim.cli import main

SMALL = ["--set", "district.students=2000", "--set", "district.schools=4"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "district_sim.cli", *args],
                          capture_output=True, text=True, timeout=120)


def test_scenarios_lists_names_with_descriptions(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out.splitlines()
    names = {line.split()[0] for line in out}
    assert {"fragmented", "focused"} <= names and len(out) >= 8


def test_run_writes_csv_parquet_and_plot(tmp_path, capsys):
    csv, pq, png = tmp_path / "r.csv", tmp_path / "r.parquet", tmp_path / "r.png"
    assert main(["run", "focused", "--years", "2", "--seed", "3", *SMALL,
                 "--out", str(csv), "--plot", str(png)]) == 0
    assert main(["run", "focused", "--years", "2", "--seed", "3", *SMALL, "--out", str(pq)]) == 0
    a, b = pd.read_csv(csv), pd.read_parquet(pq)
    assert len(a) == len(b) == 20
    assert a["achievement"].tolist() == pytest.approx(b["achievement"].tolist())
    assert png.stat().st_size > 10_000
    assert "achievement" in capsys.readouterr().out


def test_compare_prints_intervals_and_saves_figure(tmp_path, capsys):
    png = tmp_path / "c.png"
    assert main(["compare", "fragmented", "focused", "--replicates", "3", "--years", "2", *SMALL,
                 "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "fragmented" in out and "focused" in out and "[" in out
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("args, fragment", [
    (["run", "nope"], "unknown scenario 'nope'"),
    (["run", "focused", "--set", "strategy.alignment=1.5"], "strategy.alignment"),
    (["run", "focused", "--set", "strategy.alignmnt=1"], "strategy.alignmnt: unknown setting"),
    (["run", "focused", "--set", "nonsense"], "--set takes key=value"),
    (["run", "focused", "--years", "0"], "years must be between"),
    (["run", "focused", "--years", "abc"], "--years"),
    (["run", "/no/such/file.toml"], "no such file"),
    (["run", "focused", "--out", "x.txt"], "--out must end in"),
    (["compare", "focused", "--replicates", "0"], "replicates"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(args, fragment):
    r = cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_malformed_scenario_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[strategy\n")
    r = cli("run", str(bad))
    assert r.returncode == 2 and "malformed TOML" in r.stderr


def test_existing_output_survives_a_failed_run(tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("precious\n")
    r = cli("run", "focused", "--set", "strategy.alignment=2", "--out", str(out))
    assert r.returncode == 2
    assert out.read_text() == "precious\n"
