"""Money: the budget's lines, posts and class size, cuts and layoffs, pay and support staff."""

from __future__ import annotations

import numpy as np
import pytest

import district_sim as ds
from district_sim.api import replicate_seeds
from district_sim.calendar import MONTHS_PER_YEAR
from district_sim.mechanisms import budget, turnover
from district_sim.model import DistrictModel
from district_sim.settings import Settings, SettingsError, Shock
from district_sim.simulation import Event, simulate

SMALL = {"district.students": 3000, "district.schools": 6}
QUIET = {**SMALL, "environment.budget_cut_rate": 0, "environment.state_mandate_rate": 0,
         "environment.enrollment_decline_rate": 0, "environment.teacher_shortage_rate": 0}
SEEDS = replicate_seeds(0, 6)


def _settings(scenario: str = "status_quo", **over) -> Settings:
    return ds.load_scenario(scenario, {**QUIET, **over})


def test_the_lines_add_up_to_spending_and_the_rest_is_what_the_shares_leave():
    s = Settings()
    lines = budget.plan(s, 1000, 0.0, 0.0)
    assert lines.total == pytest.approx(1000 * s.district.spending_per_student)
    assert lines.discretionary == pytest.approx(1000 * 16_000 * 0.0425)
    b = s.budget
    named = b.teacher_share + b.support_share + b.overhead_share + b.discretionary_share
    assert lines.other == pytest.approx(1000 * 16_000 * (1 - named))


def test_a_cut_that_protects_classrooms_falls_on_the_pot_and_overhead_before_posts():
    s = Settings()
    full = budget.plan(s, 1000, 0.0, 0.0)
    small = budget.plan(s, 1000, 0.04, 0.0)   # less than half of pot + overhead (9.25%)
    assert small.teachers == full.teachers and small.support == full.support
    assert small.total == pytest.approx(0.96 * full.total)
    # pot and overhead lose the same share
    assert small.discretionary / full.discretionary == pytest.approx(small.overhead / full.overhead)
    big = budget.plan(s, 1000, 0.07, 0.0)     # the Great Recession's cut reaches classrooms
    assert big.discretionary == pytest.approx(full.discretionary * 0.5 * (1 - 0.02375 / 0.95375))
    for line in ("teachers", "support", "other"):   # the rest in proportion
        assert getattr(big, line) / getattr(full, line) == pytest.approx(1 - 0.02375 / 0.95375)
    assert big.total == pytest.approx(0.93 * full.total)
    none_cuttable = ds.load_scenario("status_quo", {"budget.cuttable_share": 0.0})
    even = budget.plan(none_cuttable, 1000, 0.07, 0.0)
    assert even.teachers == pytest.approx(0.93 * full.teachers)


def test_a_cut_across_the_board_takes_the_same_share_of_every_line():
    s = ds.load_scenario("status_quo", {"budget.cut_placement": "across_the_board"})
    full, cut = budget.plan(s, 1000, 0.0, 0.0), budget.plan(s, 1000, 0.1, 0.0)
    for line in ("teachers", "support", "overhead", "discretionary", "other"):
        assert getattr(cut, line) == pytest.approx(0.9 * getattr(full, line))


def test_the_district_as_built_staffs_its_class_size_and_nothing_changes_without_a_change_of_money():
    model = simulate(_settings(), 3, 3 * MONTHS_PER_YEAR)
    assert model.teachers.n == model.staffing.posts.sum()
    assert model.layoffs == 0 and model.hires == 0
    assert model.schools.class_size.mean() == pytest.approx(3000 / model.teachers.n, rel=0.05)
    assert model.staffing.post_cost == pytest.approx(0.27 * 16_000 * 3000 / model.teachers.n)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_new_money_at_a_years_start_hires_novices_at_once_and_smaller_classes_follow(seed):
    more = Event(0, Shock(kind="funding_increase", year=1, magnitude=0.0625, duration_years=2))
    base = simulate(_settings(), seed)
    model = simulate(_settings(), seed, events=[more])
    added = model.teachers.n - base.teachers.n
    assert added == pytest.approx(0.0625 * base.teachers.n, abs=len(model.staffing.posts))
    assert model.hires == added
    new = model.teachers.experience == 0
    assert new.sum() >= added
    assert model.schools.class_size.mean() < base.schools.class_size.mean()
    assert model.central_office.budget_total == pytest.approx(1.0625 * base.central_office.budget_total)
    # when the money ends, the posts go again at the next September (a freeze first)
    model.run_for(2 * MONTHS_PER_YEAR + 1)
    assert model.teachers.n == base.teachers.n


def test_a_cut_injected_mid_year_waits_for_september_to_change_posts():
    s = ds.load_scenario("status_quo", {**QUIET, "budget.cut_placement": "across_the_board"})
    model = simulate(s, 1, 4)
    posts, pot = model.teachers.n, model.central_office.budget_total
    model.schedule_shock(Shock(kind="budget_cut", year=1, magnitude=0.2, duration_years=2))
    assert model.central_office.budget_total == pytest.approx(0.8 * pot)   # money at once
    assert model.teachers.n == posts                                       # contracts run the year
    model.run_for(MONTHS_PER_YEAR - 4 + 1)  # through the summer into September's month
    assert model.teachers.n < 0.85 * posts


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_a_cut_smaller_than_the_summers_leavers_is_met_mostly_by_a_hiring_freeze(seed):
    s = ds.load_scenario("status_quo", {**QUIET, "budget.cut_placement": "across_the_board"})
    cut = Event(MONTHS_PER_YEAR, Shock(kind="budget_cut", year=2, magnitude=0.05, duration_years=1))
    model = simulate(s, seed, MONTHS_PER_YEAR + 1, events=[cut])
    removed = model.staffing.posts.sum() - model.teachers.n
    assert removed > 0
    # about 16% leave each summer against 5% of posts to go; a school whose leavers fall short
    # of its share lays off the rest (posts are a school's, no transfers between schools)
    assert model.layoffs <= 0.2 * removed


def _laid_off_value(rule: str, seed: int) -> tuple[float, float]:
    """Mean value-added (practice + experience) of the staff kept after a deep cut, and before."""
    s = ds.load_scenario("status_quo", {**QUIET, "budget.cut_placement": "across_the_board",
                                        "budget.layoff_rule": rule})
    cut = Event(MONTHS_PER_YEAR, Shock(kind="budget_cut", year=2, magnitude=0.3, duration_years=1))
    model = simulate(s, seed, MONTHS_PER_YEAR, events=[cut])
    t = model.teachers
    return float((t.practice + t.experience_gain).mean()), model.layoffs


def test_effectiveness_layoffs_keep_a_stronger_staff_than_seniority_layoffs_over_seeds():
    diffs = []
    for seed in SEEDS:
        by_merit, laid_merit = _laid_off_value("effectiveness", seed)
        by_seniority, laid_seniority = _laid_off_value("seniority", seed)
        assert laid_merit > 0 and laid_seniority > 0
        diffs.append(by_merit - by_seniority)
    diffs = np.array(diffs)
    assert diffs.mean() - 3 * diffs.std(ddof=1) / np.sqrt(diffs.size) > 0


def test_seniority_layoffs_remove_the_least_experienced():
    s = ds.load_scenario("status_quo", {**QUIET, "budget.cut_placement": "across_the_board"})
    model = simulate(s, 2, MONTHS_PER_YEAR - 1)
    before = model.teachers.experience.copy()
    cut = Shock(kind="budget_cut", year=2, magnitude=0.3, duration_years=1)
    model.schedule_shock(cut, at=MONTHS_PER_YEAR + 0.5)
    model.run_for(2)
    assert model.layoffs > 0
    # the kept experienced staff are the most senior: nobody kept (aside from this summer's
    # hires) has less experience than the median of those before
    kept = model.teachers.experience[model.teachers.experience > 0.5]
    assert np.median(kept) > np.median(before)


def test_enrolment_decline_cuts_money_and_then_posts():
    decline = Event(0, Shock(kind="enrollment_decline", year=1, magnitude=0.2, duration_years=1))
    model = simulate(_settings(), 4, MONTHS_PER_YEAR + 1, events=[decline])
    base = simulate(_settings(), 4, MONTHS_PER_YEAR + 1)
    assert model.lines.total < 0.9 * base.lines.total
    assert model.teachers.n < 0.9 * base.teachers.n
    assert model.schools.class_size.mean() == pytest.approx(base.schools.class_size.mean(), rel=0.06)


def test_a_raise_keeps_teachers_and_costs_posts():
    kept, posts = [], []
    for seed in SEEDS:
        raised = Event(0, ds.load_scenario("status_quo", {**QUIET, "budget.pay_level": 1.1}))
        a = simulate(_settings(), seed, 3 * MONTHS_PER_YEAR)
        b = simulate(_settings(), seed, 3 * MONTHS_PER_YEAR, events=[raised])
        h_a = turnover.teacher_hazard(a.teachers, a.schools, a.settings, 0.0).mean()
        h_b = turnover.teacher_hazard(b.teachers, b.schools, b.settings, 0.0).mean()
        kept.append(h_b / h_a)
        posts.append(b.teachers.n / a.teachers.n)
    assert np.mean(kept) < 0.75          # exp(-4.4 x 0.1) = 0.64, less the novices' share
    assert np.mean(posts) == pytest.approx(1 / 1.1, abs=0.02)


def test_fewer_support_staff_narrow_a_principals_margin_for_initiatives():
    s = _settings("fragmented", **{"budget.cut_placement": "classrooms_last"})
    cut = Event(MONTHS_PER_YEAR, Shock(kind="budget_cut", year=2, magnitude=0.3, duration_years=1))
    a = simulate(s, 5, MONTHS_PER_YEAR + 3)
    b = simulate(s, 5, MONTHS_PER_YEAR + 3, events=[cut])
    assert b.schools.support_staffing.max() < 0.8
    assert b.schools.focus.mean() < a.schools.focus.mean()


def test_smaller_classes_raise_growth_and_nothing_without_a_class_size_effect():
    def gain(effect: float, seed: int) -> float:
        s = _settings(**{"students.class_size_effect": effect})
        richer = s.budget.model_copy(update={"teacher_share": 0.405})
        lever = Event(0, s.model_copy(update={"budget": richer}))
        with_lever = simulate(s, seed, 2 * MONTHS_PER_YEAR, events=[lever]).achievement_mean()
        return with_lever - simulate(s, seed, 2 * MONTHS_PER_YEAR).achievement_mean()

    on = np.array([gain(0.01, s) for s in SEEDS[:4]])
    off = np.array([gain(0.0, s) for s in SEEDS[:4]])
    assert on.mean() > 0.02
    assert off.mean() < on.mean() - 0.02   # without the effect the new posts only bring novices
    assert off.mean() < 0.005


def test_bad_budget_settings_name_the_setting():
    with pytest.raises(ValueError, match="teacher_share"):
        ds.load_scenario("status_quo", {"budget.teacher_share": 0.9, "budget.support_share": 0.2})
    with pytest.raises(ValueError, match="cut_placement"):
        ds.load_scenario("status_quo", {"budget.cut_placement": "everywhere"})
    with pytest.raises(ValueError, match="magnitude of a budget_cut"):
        Shock(kind="budget_cut", year=1, magnitude=0.6)
    with pytest.raises(SettingsError, match="spending_per_student"):
        ds.load_scenario("status_quo", {"district.spending_per_student": 10})


def test_more_money_never_leaves_a_rate_outside_its_range_or_a_nan():
    events = [Event(0, Shock(kind="funding_increase", year=1, magnitude=1.0, duration_years=2)),
              Event(25, Shock(kind="budget_cut", year=1, magnitude=0.5, duration_years=2))]
    df = simulate(_settings("fragmented"), 7, 6 * MONTHS_PER_YEAR, events=events).results()
    assert not df.isna().any().any()
    for col in ("teacher_turnover", "principal_focus", "attention_met", "coherence"):
        assert df[col].between(0, 1).all()
    assert (df["class_size"] > 0).all()


def test_the_model_builds_with_a_costly_raise_from_the_start():
    model = DistrictModel(_settings(**{"budget.pay_level": 1.3}), 0)
    assert model.teachers.n < model.staffing.posts.sum()
    model.run_for(MONTHS_PER_YEAR + 1)
    assert np.isfinite(model.achievement_mean())


def _gap_change(ratio: float, seed: int) -> float:
    """Achievement gap (other minus high-need) after a deep cut across the board, minus without."""
    s = ds.load_scenario("status_quo", {**QUIET, "budget.cut_placement": "across_the_board",
                                        "students.class_size_need_ratio": ratio})
    cut = Event(0, Shock(kind="budget_cut", year=1, magnitude=0.2, duration_years=3))
    hit = simulate(s, seed, 3 * MONTHS_PER_YEAR - 1, events=[cut])
    base = simulate(s, seed, 3 * MONTHS_PER_YEAR - 1)
    return hit.student_summary["achievement_gap"] - base.student_summary["achievement_gap"]


def test_a_cut_widens_the_gap_by_need_only_where_smaller_classes_help_high_need_students_more():
    wider = np.array([_gap_change(1.5, s) for s in SEEDS])
    same = np.array([_gap_change(1.0, s) for s in SEEDS])
    assert wider.mean() - 3 * wider.std(ddof=1) / np.sqrt(wider.size) > 0
    assert abs(same.mean()) < wider.mean() / 2
