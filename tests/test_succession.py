"""Principal succession: a successor's settling-in ramp, who loses principals, the successors'
pool, and the turnover switch."""

from __future__ import annotations

import numpy as np
import pytest

import district_sim as ds
from district_sim.mechanisms import implementation, turnover
from district_sim.model import DistrictModel
from district_sim.report import interval
from district_sim.state.schools import Schools
from district_sim.state.students import Students

from .conftest import SMALL

SEEDS = range(6)


def _district(seed: int, overrides: dict | None = None) -> DistrictModel:
    return DistrictModel(ds.load_scenario("status_quo", {**SMALL, **(overrides or {})}), seed=seed)


def test_settling_starts_at_the_dip_and_recovers_with_tenure():
    s = ds.Settings()
    lead = s.leadership
    ramp = turnover.settling(np.arange(8.0), s)
    assert ramp[0] == pytest.approx(1.0 - lead.principal_ramp_dip)
    assert np.all(np.diff(ramp) > 0) and ramp[-1] > 0.99
    # No ramp at all: a successor leads as well on the first day as later.
    flat = ds.load_scenario("status_quo", {"leadership.principal_ramp_dip": 0.0})
    assert np.all(turnover.settling(np.arange(8.0), flat) == 1.0)


def test_a_forced_change_lowers_effective_leadership_and_it_recovers():
    """Over seeds: moving school 0's principal on puts the school at the bottom of the ramp; the
    multiplier on teachers' learning, the professional environment and teachers' support fall
    with it, and the ramp climbs back while the successor stays."""
    settled, lowered = [], []
    for seed in SEEDS:
        m = _district(seed)
        m.schools.district_decision[0] = 1
        m.run_years(1)
        sch = m.schools
        assert sch.principal_changed[0] and sch.principal_tenure[0] == 0
        dip = m.settings.leadership.principal_ramp_dip
        assert sch.effective_leadership[0] == pytest.approx(sch.leadership[0] * (1 - dip))
        mult = implementation.leadership_multiplier(sch)
        assert mult[0] == pytest.approx((0.5 + sch.leadership[0] * (1 - dip)) * sch.focus[0])
        before = (mult[0], implementation.professional_environment(sch, 1.0)[0],
                  turnover.school_support(sch, 1.0)[0])
        path = [sch.settled[0]]
        for _ in range(3):
            m.schools.district_decision[0] = -1  # the successor stays
            m.run_years(1)
            path.append(sch.settled[0])
        assert np.all(np.diff(path) > 0)
        after = (implementation.leadership_multiplier(sch)[0],
                 implementation.professional_environment(sch, 1.0)[0], turnover.school_support(sch, 1.0)[0])
        assert all(b < a for b, a in zip(before, after, strict=True))
        settled.append(path[-1])
        lowered.append(path[0])
    assert np.mean(lowered) < np.mean(settled)


def _schools(n: int, high_poverty_share: float = 0.5) -> Schools:
    poverty = np.where(np.arange(n) < high_poverty_share * n, 0.9, 0.4)
    return Schools(poverty)


def _untested(n_schools: int, per_school: int = 4) -> Students:
    school = np.repeat(np.arange(n_schools), per_school)
    return Students(school, np.zeros(school.size, bool), np.full(school.size, 5))


def _leaving_rates(schools: Schools, students: Students, settings, seed: int, summers: int = 5):
    """Share of school-years whose principal changed, by school, over ``summers`` summers."""
    rng = np.random.default_rng(seed)
    changed = np.zeros(schools.n)
    for _ in range(summers):
        turnover.principal_summer(schools, settings, rng, students)
        changed += schools.principal_changed
    return changed / summers


def test_high_poverty_schools_lose_principals_more_often():
    """Over seeds, 2,000 schools (half high-poverty), nobody tested: the ratio of leaving rates is
    the setting's, within the spread of the seeds' ratios."""
    s = ds.Settings()
    ratios = []
    for seed in SEEDS:
        sch = _schools(2000)
        rates = _leaving_rates(sch, _untested(sch.n), s, seed)
        ratios.append(rates[sch.high_poverty].mean() / rates[~sch.high_poverty].mean())
    mean, low, high = interval(ratios)
    assert low > 1.0
    assert low - 0.05 <= s.leadership.principal_high_poverty_ratio <= high + 0.05
    others = np.mean([_leaving_rates(_schools(2000, 0.0), _untested(2000), s, seed).mean() for seed in SEEDS])
    assert others == pytest.approx(s.leadership.principal_turnover, abs=0.01)


def _tested(n_schools: int, gap: np.ndarray, tested: bool = True) -> Students:
    stu = _untested(n_schools)
    stu.test_score = gap[stu.school].astype(float)
    stu.tested[:] = tested
    return stu


def test_low_scoring_schools_lose_principals_more_often():
    """Schools whose tested mean is 0.3 SD below the district's against 0.3 SD above: the
    ratio is exp(0.6 x principal_score_turnover), within the spread over seeds."""
    s = ds.Settings()
    n = 2000
    gap = np.where(np.arange(n) % 2 == 0, -0.3, 0.3)
    stu = _tested(n, gap)
    assert turnover.school_score_gap(stu, n) == pytest.approx(gap)
    ratios = []
    for seed in SEEDS:
        sch = _schools(n, 0.0)
        rates = _leaving_rates(sch, stu, s, seed)
        ratios.append(rates[gap < 0].mean() / rates[gap > 0].mean())
    mean, low, high = interval(ratios)
    expected = np.exp(0.6 * s.leadership.principal_score_turnover)
    assert low > 1.0
    assert low - 0.05 <= expected <= high + 0.05


def test_untested_schools_read_as_average():
    """Before any test (or in a school nobody of which sat it) a school is at the district's mean."""
    n = 4
    gap = np.array([-1.0, 1.0, -0.5, 0.5])
    assert np.all(turnover.school_score_gap(_tested(n, gap, tested=False), n) == 0)
    stu = _tested(n, gap)
    stu.tested[stu.school == 0] = False
    out = turnover.school_score_gap(stu, n)
    assert out[0] == 0 and out[1] > 0 and out[2] < 0


def test_the_district_mean_stays_in_the_published_band():
    """A built district's first-summer hazard (baseline test scores) averages 18-23%."""
    means = []
    for seed in SEEDS:
        m = _district(seed, {"district.schools": 40, "district.students": 20000})
        gap = turnover.school_score_gap(m.students, m.schools.n)
        means.append(float(turnover.principal_hazard(m.schools, m.settings, gap).mean()))
    assert 0.18 <= np.mean(means) <= 0.23


@pytest.mark.parametrize("mean,sd", [(0.5, 0.15), (0.7, 0.05)])
def test_successors_are_drawn_from_the_pool(mean, sd):
    """Every school forced to change: successors' leadership has the pool's mean and spread
    (clipping to 0-1 is negligible here), within the sampling error over seeds."""
    s = ds.load_scenario("status_quo", {"leadership.principal_leadership_mean": mean,
                                        "leadership.principal_leadership_sd": sd})
    means, sds = [], []
    for seed in SEEDS:
        sch = _schools(4000)
        sch.leadership[:] = 0.0
        sch.district_decision[:] = 1
        turnover.principal_summer(sch, s, np.random.default_rng(seed), _untested(sch.n))
        assert sch.principal_changed.all() and (sch.principal_tenure == 0).all()
        assert (sch.district_decision == 0).all()  # the decision is spent
        means.append(sch.leadership.mean())
        sds.append(sch.leadership.std())
    for values, target in ((means, mean), (sds, sd)):
        _, low, high = interval(values)
        tol = 4 * sd / np.sqrt(4000)
        assert low - tol <= target <= high + tol


def test_without_turnover_principals_stay():
    m = _district(3, {"mechanisms.turnover": False})
    lead, tenure = m.schools.leadership.copy(), m.schools.principal_tenure.copy()
    m.run_years(4)
    assert np.array_equal(m.schools.leadership, lead)
    assert m.schools.principal_tenure == pytest.approx(tenure + 4)
    assert not m.schools.principal_changed.any() and m.principal_turnover == 0.0
    # They settle in as the years pass.
    assert np.all(m.schools.settled >= turnover.settling(tenure, m.settings))


def test_a_kept_principal_stays_whatever_the_draw():
    s = ds.load_scenario("status_quo", {"leadership.principal_turnover": 0.9})
    sch = _schools(500, 0.0)
    sch.district_decision[:] = -1
    lead = sch.leadership.copy()
    turnover.principal_summer(sch, s, np.random.default_rng(0), _untested(sch.n))
    assert not sch.principal_changed.any() and np.array_equal(sch.leadership, lead)


def test_in_a_running_district_poor_and_low_scoring_schools_change_principals_more():
    """Integration, over seeds: in 200 schools over ten years, the high-poverty schools (which
    also score lower) see more principal changes than the others (95% interval of the paired
    difference above 0), and the district's mean stays in the published band."""
    diffs, means = [], []
    for seed in SEEDS:
        m = _district(seed, {"district.schools": 200, "district.students": 20000})
        poor = m.schools.high_poverty
        changed = np.zeros(m.schools.n)
        for _ in range(10):
            m.run_years(1)
            changed += m.schools.principal_changed
        diffs.append(changed[poor].mean() / 10 - changed[~poor].mean() / 10)
        means.append(changed.mean() / 10)
    _, low, _ = interval(diffs)
    assert low > 0
    assert 0.17 <= np.mean(means) <= 0.23
