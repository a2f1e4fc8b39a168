"""Calibration: the sequential search, vectors reaching the probes, the checks, the command."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from district_sim import settings
from district_sim.api import replicate_seeds
from district_sim.validation import accepted, calibrate, probes
from district_sim.validation.targets import PROBES, Target

SMALL = {"district.students": 1200, "district.schools": 4}


def _fake_targets(n: int) -> list[Target]:
    """One target a unit setting: hit when it lies in the middle quarter of its range."""
    return [Target(f"fake_{i}", f"fake {i}", 0.375, 0.625, "-", "-", "fake", "x", "-") for i in range(n)]


@pytest.fixture
def fake_workforce(monkeypatch):
    """The workforce targets replaced by one a setting, each hit in the middle quarter of the
    setting's prior range: an accepted box of 0.25^9 of the prior box, instant to evaluate."""
    names = list(calibrate.PINNED)
    fakes = _fake_targets(len(names))

    def means(params, seeds, targets):
        unit = calibrate._to_unit(pd.DataFrame([params]), calibrate.PINNED)[0]
        return {t.key: float(unit[int(t.key.split("_")[1])]) for t in targets}

    monkeypatch.setattr(calibrate, "WORKFORCE", fakes)
    monkeypatch.setattr(calibrate, "BY_KEY", {t.key: t for t in fakes})
    monkeypatch.setattr(calibrate, "target_means", means)
    return fakes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_search_finds_a_region_a_hypercube_of_the_same_size_misses(fake_workforce, seed):
    """A box of 4e-6 of the prior: no hypercube vector lands in it, the waves do, and the
    tolerance never grows (the population keeps the closest vectors found so far)."""
    found = calibrate.search(draws=60, waves=25, per_wave=40, population=12, enough=5, seeds=[0],
                             seed=seed)
    waves = found.groupby("wave")
    assert found.loc[found["wave"] == 0, "accepted"].sum() == 0
    assert found["accepted"].sum() >= 5, waves["distance"].min()
    tol = waves["tolerance"].first().to_numpy()[1:]
    assert np.all(np.diff(tol) <= 1e-12) and tol[-1] < tol[0]
    hits = found[found["accepted"]]
    unit = calibrate._to_unit(hits, calibrate.PINNED)
    assert ((unit >= 0.375) & (unit <= 0.625)).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_proposals_stay_in_the_prior_box_and_near_the_elite(seed):
    rng = np.random.default_rng(seed)
    centre = np.full(len(calibrate.PINNED), 0.8)
    elite = calibrate._from_unit(np.clip(centre + 0.03 * rng.standard_normal((15, centre.size)), 0, 1),
                                 calibrate.PINNED)
    new = calibrate.propose(elite, 200, rng)
    unit = calibrate._to_unit(new, calibrate.PINNED)
    assert new.shape == (200, len(calibrate.PINNED)) and ((unit >= 0) & (unit <= 1)).all()
    assert np.abs(unit - 0.8).mean() < 0.1  # a uniform draw would be 0.34 away on average


def test_distance_is_zero_exactly_when_every_target_hits():
    targets = calibrate.WORKFORCE
    middle = {t.key: (t.low + t.high) / 2 if math.isfinite(t.high) else t.low * 1.5 for t in targets}
    assert calibrate.distance(middle) == 0.0 and calibrate.passes(middle)
    first = targets[0]
    off = {**middle, first.key: first.high + (first.high - first.low)}
    assert calibrate.distance(off) == pytest.approx(1.0) and not calibrate.passes(off)
    assert calibrate.distance({**middle, first.key: float("nan")}) == math.inf


def test_a_vector_reaches_the_probes_and_leaves_them_as_they_were(monkeypatch):
    """More base turnover, more teachers leave, on every seed; the probes are unchanged after."""
    monkeypatch.setattr(probes, "SIZE", SMALL)
    original = probes.load_scenario
    for seed in replicate_seeds(4, 3):
        base = calibrate.probe_stats("workforce", seed, {})["teacher_turnover"]
        more = calibrate.probe_stats("workforce", seed, {"teachers.base_turnover": 0.22})["teacher_turnover"]
        assert more > base + 0.03
    assert probes.load_scenario is original


def test_every_probe_takes_a_parameter_vector():
    """Every probe of the targets (new ones too) builds its districts so that a calibration
    vector reaches them; one that did not would be checked at the defaults without saying."""
    default = calibrate._defaults(["teachers.base_turnover"])  # a vector that changes nothing
    for name in PROBES:
        with calibrate.vector_in_probes(default) as built:
            PROBES[name](1)
        assert built, name


def test_a_probe_the_vector_cannot_reach_is_an_error(monkeypatch):
    monkeypatch.setitem(PROBES, "blind", lambda seed: {"x": 1.0})
    with pytest.raises(RuntimeError, match="'blind' builds no district"):
        calibrate.probe_stats("blind", 0, {"teachers.base_turnover": 0.1})
    assert calibrate.probe_stats("blind", 0, {}) == {"x": 1.0}


def test_the_correction_removes_the_defaults_seed_luck():
    ref = pd.DataFrame({"a": [10.0, 0.0, 0.0, 2.0]}, index=[1, 2, 3, 4])
    runs = [pd.DataFrame({"a": [8.0, 6.0]}, index=[1, 2]), pd.DataFrame({"a": [7.0, 5.0]}, index=[1, 2])]
    out = calibrate.corrected(runs, ref, check=[1, 2], weights=pd.Series({"a": 1.0}))
    # defaults: 3 over all four seeds, 5 over the check seeds, so each vector moves by -2
    assert list(out["a"]) == [5.0, 4.0] and list(out["a_raw"]) == [7.0, 6.0]
    half = calibrate.corrected(runs, ref, check=[1, 2], weights=pd.Series({"a": 0.5}))
    assert list(half["a"]) == [6.0, 5.0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_correction_weight_is_one_where_draws_follow_the_defaults_and_near_zero_where_not(seed):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"a": rng.normal(size=6)}, index=range(6))
    follow = [pd.DataFrame({"a": ref["a"] + shift}) for shift in rng.normal(size=30)]
    apart = [pd.DataFrame({"a": rng.normal(size=6)}) for _ in range(30)]
    assert calibrate.control_weights(follow, ref)["a"] == pytest.approx(1.0)
    assert calibrate.control_weights(apart, ref)["a"] < 0.3
    flat = pd.DataFrame({"a": np.ones(6)})
    assert calibrate.control_weights(follow, flat)["a"] == 0.0  # no seed luck to correct


def test_fresh_seeds_are_never_the_ones_used():
    used = replicate_seeds(0, 3)
    fresh = calibrate.fresh_seeds(0, 3, 4)
    assert len(fresh) == 4 and not set(fresh) & set(used) and fresh == replicate_seeds(0, 7)[3:]


def test_workers_do_not_change_the_results(monkeypatch):
    monkeypatch.setattr(probes, "SIZE", SMALL)
    # the small SIZE reaches the workers only through fork; after the browser tests a live
    # thread would make the runner choose a forkserver, whose workers see the real SIZE
    monkeypatch.setenv("DISTRICT_SIM_START_METHOD", "fork")
    design = pd.DataFrame([calibrate._defaults(calibrate.PINNED)] * 2)
    design.loc[1, "teachers.base_turnover"] = 0.2
    seeds = replicate_seeds(0, 2)
    one = calibrate.evaluate(design, seeds, workers=1)
    two = calibrate.evaluate(design, seeds, workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[1, "teacher_turnover"] > one.loc[0, "teacher_turnover"]


TINY = ["--draws", "4", "--waves", "1", "--per-wave", "3", "--population", "3", "--enough", "2",
        "--points", "2", "--seeds", "2", "--confirm-seeds", "2", "--keep", "2", "--check-seeds", "2",
        "--reference-seeds", "3", "--headline-seeds", "2", "--coaching-seeds", "2", "--workers", "1"]


def test_calibration_runs_and_records_what_it_says(tmp_path, monkeypatch):
    """A tiny run: the document, the accepted set and the draws agree with each other."""
    from district_sim.settings import lookup

    monkeypatch.setattr(probes, "SIZE", SMALL)
    monkeypatch.setattr(accepted, "HEADLINE_SIZE", {"district.students": 600, "district.schools": 3})
    default = lookup("coaching.transfer").default  # the grid holds the shipped point
    monkeypatch.setattr(calibrate, "COACHING_GRID", {"coaching.pace": (6.0,),
                                                     "coaching.transfer": (default, 0.8),
                                                     "coaching.caseload": (10,)})
    out, kept = tmp_path / "calibration.md", tmp_path / "accepted.csv"
    monkeypatch.setattr(settings, "_WARNED_SIZES", set())  # every size would be warned of afresh
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert calibrate.main([*TINY, "--out", str(out), "--accepted", str(kept)]) == 0
    # its probes' districts are its own (600 students in 3 schools here): not the user's to fix
    assert not [w for w in seen if issubclass(w.category, settings.SmallSchoolWarning)]
    text = out.read_text()
    assert "Generated by `python -m district_sim.validation.calibrate --draws 4 --waves 1" in text
    for section in ("## Stage 1: the search", "## Stage 2: fresh seeds", "## Stage 3: every target",
                    "## Stage 4: the headline over the accepted set", "## Stage 5: coaching"):
        assert section in text
    for name in [*calibrate.PINNED, *calibrate.UNPINNED]:
        assert f"`{name}`" in text
    frame, meta = accepted.read(kept), accepted.read_meta(kept)
    draws = pd.read_csv(tmp_path / "validation" / "calibration_draws.csv", low_memory=False)
    checked = draws[draws["stage"] == 3]
    assert len(frame) == int(checked["accepted"].sum())
    assert f"**{len(frame)} of {len(checked)} joint vectors hit all" in text
    assert meta["settings_fingerprint"] == accepted.settings_fingerprint() and not accepted.is_stale(meta)
    for name, (low, high) in {**calibrate.PINNED, **calibrate.UNPINNED}.items():
        assert frame[name].between(low, high).all()
    search = draws[(draws["stage"] == 1) & draws["round"].isin(calibrate.SEARCH_ROUNDS)]
    assert len(search) in (4, 7)  # the hypercube, and one wave unless it already had enough


@pytest.mark.parametrize("args, says", [(["--draws", "1"], "--draws must be between 2"),
                                        (["--workers", "0"], "--workers"),
                                        (["--seed", "-1"], "--seed"),
                                        (["--draws", "x"], "--draws"),
                                        (["--out", "nowhere/c.md"], "--out: folder"),
                                        (["--accepted", "nowhere/a.csv"], "--accepted: folder")])
def test_bad_options_are_one_line_errors(args, says, capsys):
    assert calibrate.main(args) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
