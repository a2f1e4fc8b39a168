"""Credible learning: gains that fade, scores measured with error, a pandemic whose loss fades.

Each claim is checked over several seeds on small districts; tolerances come from the
spread the seeds show or from the closed forms in ``mechanisms/persistence.py``.
"""

import numpy as np
import pytest

import district_sim as ds
from district_sim.calendar import MONTHS_PER_YEAR
from district_sim.mechanisms import persistence, testing
from district_sim.settings import Shock
from district_sim.simulation import Event, simulate
from district_sim.validation import probes

SMALL = {"district.students": 4000, "district.schools": 8}
SEEDS = (0, 1, 2)


@pytest.mark.parametrize("one_year,long_run", [(0.35, 0.2), (0.5, 0.25), (0.2, 0.0), (0.9, 0.5)])
def test_monthly_rates_give_the_measured_persistence(one_year, long_run):
    """A gain made evenly over a year, then nothing: the end-of-year gain's share left a year
    later is P1, and what stays in the long run is L (stepping the same update as the model)."""
    d, r = persistence.monthly_rates(one_year, long_run)
    lasting = fading = 0.0
    ends = []
    for month in range(100 * MONTHS_PER_YEAR):
        gain = 0.01 if month < MONTHS_PER_YEAR else 0.0
        lasting, fading = lasting + d * gain, r * fading + (1 - d) * gain
        if (month + 1) % MONTHS_PER_YEAR == 0:
            ends.append(lasting + fading)
    assert ends[1] / ends[0] == pytest.approx(one_year, abs=1e-9)
    assert ends[-1] / ends[0] == pytest.approx(long_run, abs=1e-6)


def test_no_fade_out_is_the_old_model():
    assert persistence.monthly_rates(1.0, 1.0) == (1.0, 1.0)
    assert persistence.monthly_rates(1.0, 0.2)[1] == 1.0


def test_the_persistence_probe_measures_the_setting_it_is_given():
    """The paired probe (practice raised in half the schools for a year) recovers about the
    setting; engagement carried into the next year adds a little."""
    for p1 in (0.25, 0.45):
        size = {**SMALL, "students.persistence_one_year": p1}
        values = [probes.persistence(s, size=size)["persistence_one_year"] for s in SEEDS]
        assert p1 - 0.02 < np.mean(values) < p1 + 0.1, (p1, values)


def test_a_district_that_changes_nothing_stays_where_it_is():
    """With fade-out and succession the status quo's starting state is still its steady state
    (the tolerance is about three standard errors of the mean over these seeds)."""
    drifts = []
    for seed in (0, 1, 2, 3):
        df = ds.run("status_quo", years=10, seed=seed, overrides={"district.students": 12_000,
                                                                 "district.schools": 40})
        ends = df[df.month == 10].achievement.to_numpy()
        drifts.append(ends[-1] - ends[0])
    assert abs(np.mean(drifts)) < 0.03, drifts


def test_spring_test_reliability_within_grade():
    settings = ds.load_scenario("status_quo", {"district.students": 20_000, "district.schools": 10})
    for seed in SEEDS:
        model = simulate(settings, seed, 8)  # the first spring test has just been taken
        stu = model.students
        for grade in range(testing.FIRST_TESTED, testing.LAST_TESTED + 1):
            sits = stu.tested & (stu.grade == grade)
            ratio = stu.achievement[sits].var() / stu.test_score[sits].var()
            assert 0.85 < ratio < 0.95, (seed, grade, ratio)
        assert set(np.unique(stu.grade[stu.tested])) <= set(range(3, 9))
        assert not (stu.tested & ~stu.enrolled).any()


def test_tested_achievement_is_the_latest_spring_test():
    df = ds.run("focused", years=3, seed=4, overrides=SMALL)
    assert np.isfinite(df.tested_achievement).all()
    changes = df.month[df.tested_achievement.diff().fillna(0) != 0].unique()
    assert set(changes) == {testing.TEST_MONTH}  # a new score only each spring
    assert (df.tested_achievement != df.achievement).all()  # never the true mean


def test_results_the_district_reacts_to_are_tested_scores():
    """Only the test's noise differs: the first year's true learning is the same, and the
    summer's stakeholder update (which reads the change in scores) differs."""
    runs = {rel: ds.run("focused", years=2, seed=3, overrides={**SMALL, "students.test_reliability": rel})
            for rel in (0.05, 1.0)}
    first = runs[1.0].month.index[runs[1.0].year == 1]
    assert np.array_equal(runs[0.05].achievement[first], runs[1.0].achievement[first])
    assert runs[0.05].stakeholders.iloc[-1] != runs[1.0].stakeholders.iloc[-1]


def _cohort_losses(seed: int) -> tuple[np.ndarray, np.ndarray]:
    settings = ds.load_scenario("status_quo", {"district.students": 6000, "district.schools": 12,
                                               "environment.pandemic_rate": 0.0})
    shock = Shock(kind="pandemic", year=3, magnitude=0.35, duration_years=1.5)
    paths = []
    for events in ([], [Event(2 * MONTHS_PER_YEAR, shock)]):
        model = simulate(settings, seed, 2 * MONTHS_PER_YEAR, events=events)
        grade = model.students.grade.copy()
        path = []
        for _ in range(12):  # half years, through the shock and four years after
            path.append(model.students.achievement.copy())
            model.run_for(MONTHS_PER_YEAR // 2)
        paths.append(np.array(path))
    return paths[1] - paths[0], grade


@pytest.mark.parametrize("seed", SEEDS)
def test_the_pandemic_loss_fades_and_never_grows_after_the_shock(seed):
    loss, grade = _cohort_losses(seed)
    end = 3  # the shock ends 1.5 years (3 half years) after it starts
    for g in range(0, 9):  # cohorts that stay enrolled through the window
        path = loss[:, grade == g].mean(axis=1)
        after = path[end:]
        assert np.all(np.diff(after) >= -1e-3), (g, np.round(path, 3))  # recovers or holds
        assert after[-1] > after[0] / 2, (g, np.round(path, 3))  # partly recovers
        assert path.min() > -0.25, (g, np.round(path, 3))  # young children: bounded in SD
