"""Per-school output: ``run_schools`` is the run of ``run``, seen school by school.

Its schools, weighted by their students or teachers, add up to the district figures of the
same scenario and seed; its principal columns follow the summer's succession; keeping it
changes nothing of the run; bad input is refused naming the argument.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.record import Record
from district_sim.school_record import COLUMNS
from district_sim.simulation import simulate

SMALL = {"district.students": 2000, "district.schools": 8}
SCHOOLS = SMALL["district.schools"]
YEARS = 5
SEEDS = (1, 2, 3)
SCENARIOS = ("focused", "fragmented_churn")
TOL = 1e-12


@pytest.fixture(scope="module", params=[(sc, seed) for sc in SCENARIOS for seed in SEEDS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def pair(request):
    """run_schools for YEARS years and run() for one year more (its year y+1 holds the summer
    after year y); the first YEARS years of both are the same run."""
    scenario, seed = request.param
    schools = ds.run_schools(scenario, years=YEARS, seed=seed, overrides=SMALL)
    district = ds.run(scenario, years=YEARS + 1, seed=seed, overrides=SMALL)
    return schools, district


def weighted(schools: pd.DataFrame, column: str, weight: str) -> np.ndarray:
    """Per year: the schools' ``column`` weighted by ``weight`` (years in order)."""
    w = schools[weight].to_numpy(float)
    total = (schools[column].to_numpy(float) * w)
    years = schools["year"].to_numpy()
    return np.bincount(years - 1, weights=total) / np.bincount(years - 1, weights=w)


def tenth_month(district: pd.DataFrame, column: str) -> np.ndarray:
    rows = district[(district["month"] == 10) & (district["year"] <= YEARS)]
    return rows.sort_values("year")[column].to_numpy(float)


# --- shape -------------------------------------------------------------------------------


def test_one_row_a_school_and_year_with_the_columns(pair):
    schools, _ = pair
    assert list(schools.columns) == ["scenario", "seed", *COLUMNS]
    assert len(schools) == SCHOOLS * YEARS
    assert schools["year"].tolist() == list(np.repeat(np.arange(1, YEARS + 1), SCHOOLS))
    assert schools["school"].tolist() == list(range(SCHOOLS)) * YEARS
    assert not schools.isna().any().any()
    assert schools["principal_changed"].dtype == bool


def test_rates_lie_in_their_ranges(pair):
    schools, _ = pair
    for column in ("teacher_turnover", "high_need_share"):
        assert schools[column].between(0.0, 1.0).all(), column
    assert (schools["principal_tenure"] >= 0).all()
    assert (schools["tested"] <= schools["enrolled"]).all()
    assert (schools["teachers"] > 0).all()


# --- the schools add up to the district ---------------------------------------------------


def test_achievement_weighted_by_enrolled_students_is_the_districts_at_month_10(pair):
    schools, district = pair
    np.testing.assert_allclose(weighted(schools, "achievement", "enrolled"),
                               tenth_month(district, "achievement"), rtol=0, atol=TOL)
    enrolled = schools.groupby("year")["enrolled"].sum().to_numpy()
    np.testing.assert_array_equal(enrolled, tenth_month(district, "enrollment"))


def test_tested_achievement_weighted_by_tested_students_is_the_districts(pair):
    schools, district = pair
    if "tested_achievement" not in district.columns:
        pytest.skip("run() has no tested_achievement metric yet")
    assert (schools.groupby("year")["tested"].sum() > 0).all()  # the identity is not 0 = 0
    np.testing.assert_allclose(weighted(schools, "tested_achievement", "tested"),
                               tenth_month(district, "tested_achievement"), rtol=0, atol=TOL)


def test_teacher_practice_weighted_by_teachers_is_the_districts_at_month_10(pair):
    schools, district = pair
    np.testing.assert_allclose(weighted(schools, "teacher_practice", "teachers"),
                               tenth_month(district, "teacher_practice"), rtol=0, atol=TOL)


def test_teacher_turnover_of_year_y_is_the_districts_of_year_y_plus_1(pair):
    """run()'s teacher_turnover in year y is the summer before y; a school's is the summer after."""
    schools, district = pair
    after = district[(district["month"] == 1) & (district["year"] >= 2)].sort_values("year")
    np.testing.assert_allclose(weighted(schools, "teacher_turnover", "teachers"),
                               after["teacher_turnover"].to_numpy(float)[:YEARS], rtol=0, atol=TOL)
    assert schools["teacher_turnover"].gt(0).any()  # the identity is not 0 = 0


# --- principals ----------------------------------------------------------------------------


def test_no_principal_has_changed_in_year_1(pair):
    schools, _ = pair
    assert not schools.loc[schools["year"] == 1, "principal_changed"].any()


def test_a_principal_changed_exactly_where_the_tenure_restarted(pair):
    schools, _ = pair
    later = schools[schools["year"] > 1]
    assert (later["principal_changed"] == (later["principal_tenure"] == 0)).all()
    assert later["principal_changed"].any()  # succession happens in these runs


def test_principals_follow_the_summer_succession(pair):
    """Tenure grows a year each summer and restarts at a change; the share of schools with a
    new principal in year y is run()'s principal_turnover of year y (the summer before it)."""
    schools, district = pair
    tenure = schools.pivot(index="year", columns="school", values="principal_tenure").to_numpy()
    changed = schools.pivot(index="year", columns="school", values="principal_changed").to_numpy()
    np.testing.assert_allclose(tenure[1:], np.where(changed[1:], 0.0, tenure[:-1] + 1.0), rtol=0, atol=TOL)
    turnover = district[(district["month"] == 1) & (district["year"].between(2, YEARS))]
    np.testing.assert_allclose(changed[1:].mean(axis=1), turnover.sort_values("year")["principal_turnover"],
                               rtol=0, atol=TOL)


# --- keeping the record changes nothing ------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_keeping_the_school_record_leaves_the_run_bit_identical(scenario):
    s = ds.load_scenario(scenario, SMALL)
    plain = simulate(s, 7, 43).results()
    kept = simulate(s, 7, 43, record=Record(schools=True))
    pd.testing.assert_frame_equal(plain, kept.results(), check_exact=True)
    # and the schools' numbers do not depend on what else the run records
    quiet = ds.run_schools(scenario, years=4, seed=7, overrides=SMALL).drop(columns=["scenario", "seed"])
    pd.testing.assert_frame_equal(kept.school_record.frame(), quiet, check_exact=True)


def test_a_run_without_the_school_record_keeps_none():
    assert simulate(ds.load_scenario("focused", SMALL), 0, 10).school_record is None


def test_a_school_with_nobody_tested_scores_0_not_nan():
    model = simulate(ds.load_scenario("focused", SMALL), 0, 9, record=Record(metrics=(), schools=True))
    model.students.tested[model.students.school == 0] = False  # month 10 holds no test
    model.run_for(1)
    frame = model.school_record.frame()
    first = frame[frame["school"] == 0].iloc[0]
    assert first["tested"] == 0 and first["tested_achievement"] == 0.0
    assert frame["tested_achievement"].notna().all()


def test_without_turnover_no_teacher_leaves():
    schools = ds.run_schools("focused", years=3, seed=0, overrides={**SMALL, "mechanisms.turnover": False})
    assert (schools["teacher_turnover"] == 0).all()


def test_a_partial_year_is_refused_rather_than_cut():
    with pytest.raises(ValueError, match="years"):
        ds.run_schools("focused", years=2.5, overrides=SMALL)


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("years", [0, -1, 201, "ten", float("nan"), float("inf"), None])
def test_bad_years_are_refused_naming_years(years):
    with pytest.raises(ValueError, match="years"):
        ds.run_schools("focused", years=years, overrides=SMALL)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0", None])
def test_bad_seeds_are_refused_naming_the_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        ds.run_schools("focused", years=1, seed=seed, overrides=SMALL)


def test_bad_overrides_are_refused_naming_the_setting():
    with pytest.raises(ValueError, match="no_such_setting"):
        ds.run_schools("focused", years=1, overrides={"district.no_such_setting": 1})
    with pytest.raises(ValueError, match="district.students"):
        ds.run_schools("focused", years=1, overrides={"district.students": -5})


def test_an_unknown_scenario_is_refused():
    with pytest.raises(ValueError, match="no_such_scenario"):
        ds.run_schools("no_such_scenario", years=1)


def test_a_record_of_schools_must_be_true_or_false():
    with pytest.raises(ValueError, match="schools"):
        Record(schools="yes")
