"""Instructional coaching: coaches are the district's best, teach what they have, and at
scale reach deeper into the workforce."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.mechanisms import coaching, implementation
from district_sim.mechanisms.initiatives import design_initiative
from district_sim.model import DistrictModel
from district_sim.state.portfolio import PRACTICE, Initiative, Portfolio
from district_sim.state.schools import Schools
from district_sim.state.teachers import Teachers

from .conftest import SMALL, paired_interval


def coached_initiative(months=100):
    return Initiative(True, PRACTICE, 0.3, 0.1, 0.0, False, False, months, coached=True)


def test_coaching_posts_follow_the_caseload():
    s = ds.Settings()
    assert coaching.coaches_needed(0, s) == 0
    assert coaching.coaches_needed(1, s) == 1
    assert coaching.coaches_needed(s.coaching.caseload, s) == 1
    assert coaching.coaches_needed(s.coaching.caseload + 1, s) == 2


def test_coaches_are_the_strongest_teachers_and_a_larger_programme_reaches_deeper():
    model = DistrictModel(ds.load_scenario("status_quo", SMALL), seed=3)
    office, practice = model.central_office, np.sort(model.teachers.practice)
    levels = []
    for n_schools in (1, 6):
        offer = np.arange(model.schools.n) < n_schools
        slot = office.launch(design_initiative(np.random.default_rng(0), model.settings, True,
                                               coached=True), schools=offer)
        assert (model.portfolio.adoption[~offer, slot] == 0).all()
        reach = np.isin(model.teachers.school, np.flatnonzero(offer)).sum()
        k = coaching.coaches_needed(reach, model.settings)
        assert model.portfolio.coach_level[slot] == pytest.approx(practice[-k:].mean())
        levels.append(model.portfolio.coach_level[slot])
    assert levels[0] > levels[1] > model.teachers.practice.mean()


def test_a_coached_initiative_costs_a_coach_per_caseload():
    s = ds.Settings()
    init = design_initiative(np.random.default_rng(0), s, aligned=True, coached=True)
    assert init.serves == PRACTICE and init.coached
    assert init.cost_per_teacher == pytest.approx(s.coaching.cost_per_coach / s.coaching.caseload)


def test_coaching_pulls_toward_the_coach_and_never_past():
    s = ds.Settings()
    p = Portfolio(1, slots=4)
    t = Teachers(np.zeros(4, dtype=int), p.slots)
    t.practice = np.array([-0.2, 0.0, 0.1, 0.3])
    k, _ = p.add(coached_initiative(), 0)
    p.adoption[0, k] = 1.0
    p.coach_level[k] = 0.1
    schools = Schools(np.array([0.5]))
    schools.leadership = np.array([0.5])
    for _ in range(40):
        implementation.step_teachers(t, schools, p, s, systems=1.0)
    assert t.practice[0] > -0.2 and t.practice[1] > 0.0
    assert (t.practice[:3] <= 0.1 + 1e-12).all()
    assert t.practice[0] == pytest.approx(0.1, abs=0.01)
    assert t.practice[3] == 0.3  # already past the coach: nothing more to learn from them


def test_coaching_deepens_implementation_faster_than_training_alone():
    s = ds.Settings()
    depths = []
    for coached in (False, True):
        p = Portfolio(1, slots=4)
        t = Teachers(np.zeros(3, dtype=int), p.slots)
        k, _ = p.add(Initiative(True, PRACTICE, 0.3, 0.1, 0.0, False, False, 100, coached=coached), 0)
        p.adoption[0, k] = 1.0
        for _ in range(3):
            implementation.step_teachers(t, Schools(np.array([0.5])), p, s, systems=0.5)
        depths.append(t.depth[0, k])
    assert depths[0] < s.initiatives.implementation_threshold < depths[1]


def test_shipped_scenarios_do_not_coach():
    """The headline does not rest on coaching: with coaching_share 0 its settings change nothing."""
    over = {**SMALL, "coaching.transfer": 0.9, "coaching.pace": 2.0, "coaching.caseload": 3}
    for name in ("focused", "fragmented"):
        a = ds.run(name, years=3, seed=1, overrides=SMALL)
        b = ds.run(name, years=3, seed=1, overrides=over)
        pd.testing.assert_frame_equal(a, b)


def test_coaching_the_strategy_raises_achievement_over_seeds():
    seeds = range(5)
    base = [float(ds.run("focused", years=6, seed=s, overrides=SMALL)["achievement"].iloc[-1]) for s in seeds]
    coached = [float(ds.run("focused", years=6, seed=s, overrides={**SMALL, "strategy.coaching_share": 1.0})
                     ["achievement"].iloc[-1]) for s in seeds]
    mean, low, _ = paired_interval(coached, base)
    assert low > 0, (mean, low)


def test_a_coach_spread_over_more_teachers_coaches_each_less():
    """A caseload above coach_reach is cheaper but weaker: no free lunch from bigger caseloads."""
    base = ds.Settings()
    wide = ds.load_scenario("status_quo", {"coaching.caseload": 4 * base.coaching.coach_reach})
    assert coaching.intensity(base) == 1.0 and coaching.intensity(wide) == 0.25
    p = Portfolio(1, slots=4)
    k, _ = p.add(coached_initiative(), 0)
    p.adoption[0, k] = 1.0
    p.coach_level[k] = 0.3
    practice, effect, lead = np.zeros(3), np.ones((3, p.slots)), np.ones(3)
    full = coaching.coaching_gain(practice, effect, p, base, lead)
    spread = coaching.coaching_gain(practice, effect, p, wide, lead)
    assert spread == pytest.approx(full / 4)
    boost = coaching.implementation_pace(p, wide)[k]
    assert boost == pytest.approx(1 + (base.coaching.pace - 1) / 4)


def test_no_shipped_scenario_coaches():
    """Coaching a district for years is extrapolation (docs/model.md section 11): no shipped
    scenario may rest on it."""
    from district_sim.scenarios import named_files, scenario_dirs

    names = list(named_files(scenario_dirs()))
    assert len(names) >= 10
    for name in names:
        assert ds.load_scenario(name).strategy.coaching_share == 0.0, name
