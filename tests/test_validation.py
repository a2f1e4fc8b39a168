"""Validation: the target registry, the fast subset of targets, the ablation, the command."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.settings import MECHANISM_NAMES, SettingsError
from district_sim.validation import TARGETS, document, target_table, target_values
from district_sim.validation.evaluate import ablation

#: Targets the shipped defaults meet (docs/validation.md); the others are reported misses.
MET = ["teacher_turnover", "novice_turnover", "high_poverty_ratio", "support_ratio", "principal_turnover",
       "principal_tenure", "superintendent_tenure", "value_added_sd", "novice_gap",
       "experience_share_by_4", "environment_ratio", "gain_early", "gain_middle", "pandemic_loss",
       "pandemic_poverty_ratio", "coaching_practice_small", "coaching_achievement_small",
       "coaching_practice_scale", "coaching_achievement_scale", "persistence_one_year",
       "succession_dip", "succession_recovery", "money_status_quo", "money_focused",
       "class_size_third", "retention_pay", "support_sd_turnover"]


def test_one_target_for_each_row_of_the_calibration_table():
    keys = {t.key for t in TARGETS}
    rows = {"teacher turnover": {"teacher_turnover", "novice_turnover", "high_poverty_ratio"},
            "what drives it": {"support_ratio"},
            "principal turnover": {"principal_turnover", "principal_tenure"},
            "superintendent tenure": {"superintendent_tenure"},
            "spread of teacher effectiveness": {"value_added_sd"},
            "returns to experience": {"novice_gap", "experience_share_by_4"},
            "professional environment": {"environment_ratio"},
            "coaching": {"coaching_practice_small", "coaching_achievement_small",
                         "coaching_practice_scale", "coaching_achievement_scale"},
            "annual learning gain": {"gain_early", "gain_middle"},
            "pandemic shock": {"pandemic_loss", "pandemic_poverty_ratio"},
            "school spending": {"money_status_quo", "money_focused"},
            "class size": {"class_size_third"},
            "pay and retention": {"retention_pay"},
            "working conditions and teacher turnover": {"support_sd_turnover"}}
    for row, needed in rows.items():
        assert needed <= keys, row
    for t in TARGETS:
        assert t.low < t.high and t.source and t.measure and t.observed


@pytest.fixture(scope="module")
def fast_values():
    fast = [t for t in TARGETS if t.key in MET]
    return fast, target_values(replicates=6, seed=1, targets=fast)


def test_the_fast_targets_hit_their_observed_ranges(fast_values):
    """Six seeds: each target's mean lies in its accepted range, as docs/validation.md asks
    of 20 seeds (calibration keeps the defaults inside the ranges, not at their edges)."""
    fast, values = fast_values
    table = target_table(values, fast).set_index("target")
    for key in MET:
        row = table.loc[key]
        assert row["runs"] == 6
        assert row["ci_low"] <= row["mean"] <= row["ci_high"]
        assert row["low"] <= row["mean"] <= row["high"], (key, row["mean"])


def test_every_miss_is_explained(fast_values):
    """A target the defaults miss is reported with a reason, not silently."""
    for t in TARGETS:
        if t.key not in MET:
            assert t.key in document.WHY_MISS, t.key


def test_target_values_are_reproducible(fast_values):
    fast, values = fast_values
    again = target_values(replicates=6, seed=1, targets=[t for t in fast if t.probe == "pandemic"])
    mine = values[values["target"].isin(again["target"].unique())].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, again)


def test_no_mechanism_switch_is_a_no_op():
    """Switching any mechanism off changes what happens (each is a real mechanism)."""
    size = {"district.students": 800, "district.schools": 4}
    columns = ["achievement", "teacher_turnover", "coherence"]
    full = ds.compare("fragmented", years=8, replicates=3, seed=2, overrides=size)[columns]
    for name in MECHANISM_NAMES:
        off = ds.compare("fragmented", years=8, replicates=3, seed=2,
                         overrides={**size, f"mechanisms.{name}": False})[columns]
        assert not np.allclose(full.to_numpy(), off.to_numpy()), name


def test_ablation_table_and_document(tmp_path, fast_values):
    fast, values = fast_values
    abl = ablation(replicates=3, seed=0, years=2, size={"district.students": 600, "district.schools": 3})
    assert list(abl["switched_off"]) == ["full model", *MECHANISM_NAMES, "all of them"]
    assert abl.loc[0, "change"] == 0.0
    assert (abl["gap_low"] <= abl["gap"]).all() and (abl["gap"] <= abl["gap_high"]).all()
    from district_sim.validation.decompose import lever_decomposition

    levers = lever_decomposition(replicates=2, seed=0, years=2,
                                 size={"district.students": 600, "district.schools": 3})
    out = tmp_path / "validation.md"
    document.write(out, values, target_table(values, fast), abl, 6, 1, 1.0, levers=levers)
    text = out.read_text()
    assert "Generated by `district-sim validate" in text and "| full model |" in text
    assert "Shapley decomposition" in text and "`strategy.initiatives_per_year`" in text
    for key in MET:
        assert (tmp_path / "validation" / f"{key}.png").stat().st_size > 1000


def test_replicates_are_checked():
    with pytest.raises(SettingsError, match="replicates"):
        target_values(replicates=1)


@pytest.mark.parametrize("args, says", [(["--out", "x.txt"], "--out must end in .md"),
                                        (["--replicates", "0", "--out", "v.md"], "replicates"),
                                        (["--out", "nowhere/v.md"], "does not exist")])
def test_validate_errors_are_one_line(args, says, tmp_path):
    r = subprocess.run([sys.executable, "-m", "district_sim.cli", "validate", "--fast", *args],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and says in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_strong_professional_environment_teaches_more_not_just_sooner():
    """Kraft and Papay 2014: ten-year improvement differs by environment; the gain is kept."""
    from district_sim.mechanisms.implementation import age_teachers
    from district_sim.settings import Settings
    from district_sim.state.schools import Schools
    from district_sim.state.teachers import Teachers

    settings = Settings()
    schools = Schools(np.array([0.5, 0.5]))
    schools.leadership = np.array([0.8, 0.2])
    schools.focus = np.ones(2)
    t = Teachers(np.array([0, 1]), slots=1)
    for _ in range(100):
        age_teachers(t, schools, 1.0, settings)
    strong, weak = t.experience_gain
    assert t.experience[0] == t.experience[1] == pytest.approx(10.0)
    assert strong > 1.2 * weak > 0
    assert weak < settings.teachers.novice_gap < strong
    schools.leadership[:] = 0.5
    before = t.experience_gain.copy()
    age_teachers(t, schools, 0.0, settings)  # a collapse of culture slows learning, undoes none
    assert (t.experience_gain >= before).all()


def test_latin_hypercube_fills_every_stratum():
    from district_sim.validation.calibrate import latin_hypercube

    d = latin_hypercube({"a": (0.0, 1.0), "b": (10.0, 20.0)}, 8, seed=3)
    assert sorted(np.floor(d["a"] * 8).astype(int)) == list(range(8))
    assert sorted(np.floor((d["b"] - 10) / 10 * 8).astype(int)) == list(range(8))
