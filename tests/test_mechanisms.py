"""Each mechanism on its own, on small hand-made states where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

import district_sim as ds
from district_sim.mechanisms import implementation, turnover
from district_sim.mechanisms.coherence import Elements, coherence_index
from district_sim.model import DistrictModel
from district_sim.state.portfolio import PRACTICE, Initiative, Portfolio
from district_sim.state.schools import Schools
from district_sim.state.teachers import Teachers

from .conftest import SMALL


def make(n_initiatives, settings=None, teachers=10, demand=0.3, aligned=True, months=100):
    settings = settings or ds.Settings()
    schools = Schools(np.array([0.5]))
    p = Portfolio(1, slots=4)
    t = Teachers(np.zeros(teachers, dtype=int), p.slots)
    for _ in range(n_initiatives):
        k, grew = p.add(Initiative(aligned, PRACTICE, demand, 0.1, 0.0, False, False, months), 0)
        if grew:
            t.grow_slots(p.slots)
        p.adoption[0, k] = 1.0
    return settings, schools, p, t


def months(settings, schools, p, t, n, systems=0.5):
    for _ in range(n):
        implementation.step_teachers(t, schools, p, settings, systems)


def test_attention_is_rationed_in_proportion():
    s, sch, p, t = make(5)  # 5 x 0.3 = 1.5 of demand on capacity 1
    months(s, sch, p, t, 1)
    assert t.attention_met == pytest.approx(np.full(10, 1 / 1.5))
    s2 = s.model_copy(update={"mechanisms": s.mechanisms.model_copy(update={"attention_limit": False})})
    _, sch, p, t = make(5, s2)
    months(s2, sch, p, t, 1)
    # without the limit every initiative deepens as if alone
    _, sch1, p1, t1 = make(1, s2)
    months(s2, sch1, p1, t1, 1)
    assert t.depth[0, 0] == pytest.approx(t1.depth[0, 0])
    # and nothing is overloaded: no fatigue, no larger dip than a teacher with room to spare
    assert np.all(t.load <= 1.0 + 1e-12) and np.all(t.fatigue == 0.0)
    s3 = s2.model_copy(update={"capacity": s.capacity.model_copy(update={"teacher_attention": 100.0})})
    _, sch3, p3, t3 = make(5, s3)
    months(s3, sch3, p3, t3, 1)
    assert t.dip == pytest.approx(t3.dip * 100.0 / 1.5)  # attention needed is the only divisor


def test_depth_follows_the_implementation_timescale():
    s, sch, p, t = make(1)
    months(s, sch, p, t, 30)  # three school years at full attention
    assert 0.7 < t.depth[0, 0] < 0.9  # Fixsen: full implementation in 2-4 years


def test_no_practice_gain_below_threshold_and_gain_above():
    s, sch, p, t = make(1)
    start = t.practice.copy()
    months(s, sch, p, t, 8)  # depth about 0.36 < 0.4
    assert (t.depth[:, 0] < 0.4).all()
    assert t.practice == pytest.approx(start)
    assert (t.dip < 0).all()  # learning without mastery costs a dip
    months(s, sch, p, t, 20)
    assert (t.practice > start).all()
    assert t.dip == pytest.approx(0.0)


def test_overloaded_teachers_never_reach_threshold():
    s, sch, p, t = make(8)
    months(s, sch, p, t, 40)
    assert t.depth.max() < s.initiatives.implementation_threshold
    assert t.fatigue.min() > 0.1


def test_fatigue_only_with_overload():
    s, sch, p, t = make(2)
    months(s, sch, p, t, 20)
    assert t.fatigue.max() == 0.0


def test_unlimited_attention_removes_the_dip_and_the_overload():
    s = ds.load_scenario("focused", {"capacity.teacher_attention": 1e6})
    s, sch, p, t = make(8, s)
    months(s, sch, p, t, 5)
    assert np.abs(t.dip).max() < 1e-6
    assert t.fatigue.max() == 0.0


def test_threshold_off_gives_linear_dose():
    s = ds.load_scenario("focused", {"mechanisms.implementation_threshold": False})
    s, sch, p, t = make(1, s)
    start = t.practice.copy()
    months(s, sch, p, t, 2)
    assert (t.practice > start).all()


def test_leadership_multiplies_learning():
    gains = []
    for lead in (0.2, 0.8):
        s, sch, p, t = make(1)
        sch.leadership[:] = lead
        months(s, sch, p, t, 30)
        gains.append(t.practice.mean())
    assert gains[1] > gains[0] > 0


def test_turnover_hazard_rises_with_novices_poverty_fatigue_and_low_support():
    s = ds.Settings()
    sch = Schools(np.array([0.5, 0.9]))
    t = Teachers(np.array([0, 0, 0, 1]), 4)
    t.experience[:] = [10, 1, 10, 10]
    base = turnover.teacher_hazard(t, sch, s, 0.0)
    assert base[1] == pytest.approx(base[0] * s.teachers.novice_turnover_ratio)
    assert base[3] == pytest.approx(base[0] * s.teachers.high_poverty_turnover_ratio)
    t.fatigue[:] = 0.8
    assert (turnover.teacher_hazard(t, sch, s, 0.0) > base).all()
    t.fatigue[:] = 0.0
    sch.support[:] = 0.2
    assert (turnover.teacher_hazard(t, sch, s, 0.0) > base).all()


def test_leavers_are_replaced_by_novices_without_depth():
    s, sch, p, t = make(1)
    months(s, sch, p, t, 30)
    t.experience[:] = 10
    leaving = np.zeros(t.n, dtype=bool)
    leaving[:3] = True
    turnover.replace_teachers(t, leaving, s, 0.0, np.random.default_rng(0))
    assert (t.experience[:3] == 0).all() and (t.depth[:3] == 0).all()
    assert (t.depth[3:, 0] > 0.5).all()


def test_buffering_protects_schools_from_unaligned_work():
    adoption = {}
    for buffering in (0.0, 1.0):
        m = DistrictModel(ds.load_scenario("fragmented", {**SMALL, "strategy.buffering": buffering,
                                                          "strategy.alignment": 0.0}), seed=0)
        p = m.portfolio
        adoption[buffering] = p.adoption[:, p.active].mean()
    assert adoption[0.0] == 1.0
    assert adoption[1.0] < 0.5


def test_mandates_are_halved_not_refused():
    m = DistrictModel(ds.load_scenario("focused", {**SMALL, "strategy.buffering": 1.0}), seed=0)
    m.schools.leadership[:] = 1.0
    from district_sim.mechanisms.initiatives import design_initiative
    init = design_initiative(np.random.default_rng(0), m.settings, aligned=False, compliance=True)
    slot = m.central_office.launch(init)
    assert set(np.unique(m.portfolio.adoption[:, slot])) == {0.5}


def test_misaligned_resources_starve_the_strategy():
    funding = {}
    for ra in (0.1, 0.9):
        m = DistrictModel(ds.load_scenario("focused", {**SMALL, "strategy.resource_alignment": ra,
                                                       "strategy.initiatives_per_year": 6}), seed=0)
        p = m.portfolio
        funding[ra] = p.funding[p.active & p.aligned].mean()
    assert funding[0.1] < funding[0.9]


def test_advocacy_realigns_resources_when_the_office_listens():
    ra = {}
    for listening in (0.0, 1.0):
        m = DistrictModel(ds.load_scenario("focused", {**SMALL, "leadership.listening": listening,
                                                       "strategy.resource_alignment": 0.2,
                                                       "strategy.initiatives_per_year": 4}), seed=0)
        m.run_for(30)
        ra[listening] = m.central_office.resource_alignment
    assert ra[0.0] == pytest.approx(0.2)
    assert ra[1.0] > 0.25


def test_abandoned_initiatives_breed_cynicism_completed_ones_do_not():
    m = DistrictModel(ds.load_scenario("focused", SMALL), seed=0)
    slot = int(np.flatnonzero(m.portfolio.active)[0]) if m.portfolio.count else None
    if slot is None:
        from district_sim.mechanisms.initiatives import design_initiative
        slot = m.central_office.launch(design_initiative(m.streams["initiatives"], m.settings, True))
    m.teachers.depth[:, slot] = 0.2
    m.central_office.retire(slot)
    assert m.teachers.cynicism.mean() > 0
    assert m.portfolio.abandoned == 1
    m2 = DistrictModel(ds.load_scenario("focused", SMALL), seed=0)
    from district_sim.mechanisms.initiatives import design_initiative
    k = m2.central_office.launch(design_initiative(m2.streams["initiatives"], m2.settings, True))
    m2.teachers.depth[:, k] = 0.9
    m2.central_office.retire(k)
    assert m2.teachers.cynicism.max() == 0 and m2.portfolio.completed == 1


def test_policy_churn_changes_strategies_only_when_on():
    changes = {}
    for on in (True, False):
        over = {**SMALL, "mechanisms.policy_churn": on, "leadership.superintendent_tenure_years": 1.0,
                "leadership.strategy_replacement": 1.0}
        changes[on] = ds.run("focused", years=8, seed=2, overrides=over)["strategy_changes"].iloc[-1]
    assert changes[True] >= 2 and changes[False] == 0


def test_coherence_index_is_a_geometric_mean():
    e = Elements(culture=1, structures=1, systems=1, resources=1, stakeholders=1,
                 portfolio_alignment=1, load_fit=1)
    assert coherence_index(e) == pytest.approx(1.0)
    e.resources = 0.0
    assert coherence_index(e) < 0.2  # one element missing drags the whole index down
    e.resources = 0.5
    assert coherence_index(e) == pytest.approx(0.5 ** (1 / 7))


def test_cohorts_move_up_and_graduates_are_replaced():
    m = DistrictModel(ds.load_scenario("focused", SMALL), seed=0)
    grade = m.students.grade.copy()
    m.run_for(10)
    senior = grade == 12
    assert (m.students.grade[~senior] == grade[~senior] + 1).all()
    assert (m.students.grade[senior] == 0).all()


def test_an_initiative_works_exactly_its_planned_months():
    """Launched in September or mid-year, an initiative is stepped for its whole life."""
    for launched_at in (0.0, 3.5):
        p = Portfolio(1, slots=2)
        k, _ = p.add(Initiative(True, PRACTICE, 0.2, 0.1, 0.0, False, False, 10), launched_at)
        worked = 0
        for clock in range(1, 30):  # the month starting at t is stepped when the clock reads t + 1
            for slot in p.due(float(clock)):
                p.retire(int(slot), True)
            if clock > launched_at and p.active[k]:
                worked += 1
        assert worked == 10


def test_a_superintendent_leaving_does_not_shift_the_shared_leadership_draws():
    """Common random numbers: succession draws from its own stream."""
    settings = ds.load_scenario("focused", SMALL)
    calm, churn = DistrictModel(settings, seed=5), DistrictModel(settings, seed=5)
    churn.schedule_shock(ds.settings.Shock(kind="superintendent_turnover", year=1, magnitude=1.0))
    calm.run_years(3)
    churn.run_years(3)
    assert churn.central_office.strategy_changes >= 1
    assert calm.streams["leadership"].random() == churn.streams["leadership"].random()


def test_a_lone_mandate_dilutes_alignment_instead_of_zeroing_it():
    """Regular teaching counts as aligned work: one unaligned initiative of typical demand in
    every school halves the portfolio's alignment; with no initiative it is 1."""
    s = ds.Settings()
    schools = Schools(np.array([0.5, 0.5]))
    p = Portfolio(2, slots=2)
    t = Teachers(np.array([0, 1]), p.slots)
    e = Elements()
    e.observe(t, schools, p, 1.0, 0.0, core_demand=s.initiatives.teacher_demand)
    assert e.portfolio_alignment == 1.0
    k, _ = p.add(Initiative(False, 0, s.initiatives.teacher_demand, 0.1, 0.0, False, True, 10), 0)
    p.adoption[:, k] = 1.0
    e.observe(t, schools, p, 1.0, 0.0, core_demand=s.initiatives.teacher_demand)
    assert e.portfolio_alignment == pytest.approx(0.5)
    e.observe(t, schools, p, 1.0, 0.0)  # without the core's weight, the old cliff
    assert e.portfolio_alignment == 0.0


def test_the_monthly_step_leaves_idle_slots_empty_and_columns_slice_every_slot_array():
    from district_sim.simulation import simulate

    small = {"district.students": 1500, "district.schools": 3}
    model = simulate(ds.load_scenario("fragmented", small), 2, 25)
    p = model.portfolio
    idle = ~p.active
    assert idle.any() and p.active.any()
    assert (model.teachers.depth[:, idle] == 0).all()
    running = np.flatnonzero(p.active)
    part = p.columns(running)
    assert part.active.all() and part.adoption.shape == (p.adoption.shape[0], running.size)
    np.testing.assert_array_equal(part.teacher_demand, p.teacher_demand[running])
    assert part.slots == running.size and p.slots >= 16   # the original keeps its slots
