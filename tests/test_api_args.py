"""The Python API refuses bad arguments with a ValueError naming the argument and the allowed
range, before anything runs; run() records what it is asked to; outcomes() sums a run up as
compare's table does; a shock or event outside the run is said, not silently dropped."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.api import AGGREGATES, outcomes
from district_sim.calendar import MONTHS_PER_YEAR
from district_sim.settings import Shock
from district_sim.simulation import MAX_MONTHS, Event, simulate

TINY = {"district.students": 600, "district.schools": 2}


@pytest.fixture(scope="module")
def model():
    return ds.DistrictModel(ds.load_scenario("focused", TINY), seed=0)


# --- run()'s recording --------------------------------------------------------------------------


def test_run_defaults_record_every_metric_every_month():
    df = ds.run("focused", years=1, seed=3, overrides=TINY)
    assert len(df) == MONTHS_PER_YEAR
    assert set(ds.record.REPORTERS) <= set(df.columns)


@pytest.mark.parametrize("every, rows", [("month", 20), ("year", 2), ("final", 1)])
def test_run_records_chosen_metrics_as_often_as_asked(every, rows):
    full = ds.run("fragmented", years=2, seed=5, overrides=TINY)
    part = ds.run("fragmented", years=2, seed=5, overrides=TINY, metrics=["coherence", "achievement"],
                  every=every)
    assert list(part.columns) == ["scenario", "seed", "year", "month", "achievement", "coherence"]
    assert len(part) == rows
    kept = full.merge(part[["year", "month"]], on=["year", "month"])
    pd.testing.assert_frame_equal(part.reset_index(drop=True), kept[part.columns].reset_index(drop=True))


@pytest.mark.parametrize("kwargs, named", [
    ({"metrics": ["achievment"]}, "achievment"),
    ({"metrics": "achievement"}, "metrics must be None or a list"),
    ({"metrics": []}, "at least one metric"),
    ({"every": "week"}, "every must be one of 'month', 'year', 'final'"),
    ({"every": None}, "every must be one of"),
])
def test_run_refuses_unknown_metrics_and_every(kwargs, named):
    with pytest.raises(ValueError, match=named):
        ds.run("focused", years=1, overrides=TINY, **kwargs)


# --- outcomes() ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def table():
    return ds.run("focused", years=3, seed=2, overrides=TINY)


def test_outcomes_final_is_compares_final_year(table):
    """compare's table and analyze read the last month of each run (report.final_rows)."""
    from district_sim.report import final_rows

    got = outcomes("focused", 3, 2, TINY)
    end = final_rows(table.assign(replicate=0)).iloc[0]
    assert set(got) == set(ds.metrics.METRICS) - {"year", "month"}
    assert all(got[m] == end[m] for m in got)


def test_outcomes_final_year_mean_and_trajectory(table):
    names = ["achievement", "teacher_turnover"]
    year3 = table[table["year"] == 3]
    got = outcomes("focused", 3, 2, TINY, metrics=names, aggregate="final_year")
    assert got == {m: float(year3[m].mean()) for m in names}
    assert len(year3) == MONTHS_PER_YEAR
    assert outcomes("focused", 3, 2, TINY, metrics=names, aggregate="mean") == {
        m: float(table[m].mean()) for m in names}
    path = outcomes("focused", 3, 2, TINY, metrics=names, aggregate="trajectory")
    for m in names:
        assert isinstance(path[m], np.ndarray) and path[m].dtype == float
        np.testing.assert_array_equal(path[m], table[m].to_numpy())


@pytest.mark.parametrize("aggregate", ["last", None, 1])
def test_outcomes_refuses_unknown_aggregate(aggregate):
    with pytest.raises(ValueError, match="aggregate must be one of 'final', 'final_year'"):
        outcomes("focused", 1, 0, TINY, aggregate=aggregate)
    assert AGGREGATES == ("final", "final_year", "mean", "trajectory")


# --- run(): strict arguments --------------------------------------------------------------------


@pytest.mark.parametrize("years", ["10", True, np.bool_(True), None, math.nan, math.inf, 10**400, -1, 0, 201,
                                   [1]])
def test_run_refuses_years_that_are_not_a_number_of_school_years(years):
    with pytest.raises(ValueError, match=r"years must be .*between 0\.1 and 200"):
        ds.run("focused", years=years, overrides=TINY)


def test_run_takes_numpy_numbers_for_years_and_seed():
    a = ds.run("focused", years=np.float64(0.5), seed=np.int64(4), overrides=TINY)
    b = ds.run("focused", years=0.5, seed=4, overrides=TINY)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("progress", ["x", 5, True])
def test_run_refuses_a_progress_that_is_not_a_function(progress):
    with pytest.raises(ValueError, match="progress must be None or a function"):
        ds.run("focused", years=1, overrides=TINY, progress=progress)
    with pytest.raises(ValueError, match="progress must be None or a function"):
        ds.compare(["focused"], years=1, replicates=1, overrides=TINY, progress=progress)


@pytest.mark.parametrize("seed", [1.0, "1", True, -1, None])
def test_seeds_of_the_wrong_type_are_refused(seed):
    for call in (lambda: ds.run("focused", years=1, seed=seed, overrides=TINY),
                 lambda: ds.compare(["focused"], years=1, replicates=1, seed=seed, overrides=TINY),
                 lambda: ds.replicate_seeds(seed, 2),
                 lambda: ds.DistrictModel(ds.load_scenario("focused", TINY), seed=seed)):
        with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
            call()


@pytest.mark.parametrize("overrides", [["district.students", 600], "district.students=600", 5])
def test_overrides_that_are_not_a_dict_are_refused(overrides):
    with pytest.raises(ValueError, match="overrides must be a dict of dotted settings"):
        ds.run("focused", years=1, overrides=overrides)


# --- the model's clock ---------------------------------------------------------------------------


@pytest.mark.parametrize("years", [math.nan, math.inf, 10**400, "1", -1, 1e12, True, None])
def test_run_years_refuses_what_is_not_a_length(model, years):
    steps = model.steps
    with pytest.raises(ValueError, match=r"run_years years must be a number of school years between 0 and"):
        model.run_years(years)
    assert model.steps == steps  # refused before running, 1e12 included


@pytest.mark.parametrize("duration", [None, -5, 1.5, math.nan, "3", True, MAX_MONTHS + 1])
def test_run_for_takes_whole_months_only(model, duration):
    steps = model.steps
    with pytest.raises(ValueError, match="run_for duration must be a whole number of school months"):
        model.run_for(duration)
    assert model.steps == steps


@pytest.mark.parametrize("end", [None, 2.5, -1, MAX_MONTHS + 1, "4"])
def test_run_until_takes_a_whole_month_from_now(end):
    m = ds.DistrictModel(ds.load_scenario("focused", TINY), seed=0)
    m.run_for(2)
    with pytest.raises(ValueError, match=r"run_until end_time must be a whole month between 2 \(now\)"):
        m.run_until(end)
    with pytest.raises(ValueError, match="run_until end_time"):
        m.run_until(1)  # the past
    assert m.steps == 2


def test_whole_months_given_as_numbers_of_any_kind_run_the_same():
    runs = []
    for advance in (lambda m: m.run_for(12), lambda m: m.run_for(12.0), lambda m: m.run_for(np.int64(12)),
                    lambda m: m.run_until(12), lambda m: m.run_years(1.2)):
        m = ds.DistrictModel(ds.load_scenario("focused", TINY), seed=1)
        advance(m)
        runs.append((m.steps, m.time, m.results()))
    for steps, time, df in runs[1:]:
        assert (steps, time) == (12, 12.0)
        pd.testing.assert_frame_equal(df, runs[0][2])


def test_a_run_stops_at_the_longest_run(model):
    m = ds.DistrictModel(ds.load_scenario("focused", TINY), seed=0)
    m.run_for(0)  # nothing to do, and no warning from Mesa
    with pytest.raises(ValueError, match=f"between 0 and {MAX_MONTHS}"):
        m.run_for(MAX_MONTHS + 1)
    assert m.steps == 0


# --- shocks and events outside the run -------------------------------------------------------------


def test_a_scenario_shock_after_the_run_is_warned_of_with_its_year_and_the_runs_length():
    # focused_churn: a new superintendent in years 3 and 7
    with pytest.warns(UserWarning, match=r"shock 'superintendent_turnover' in year 7 would start after the "
                                         r"run ends \(5 school years, 50 months\)") as seen:
        ds.run("focused_churn", years=5, overrides=TINY, every="final")
    assert len([w for w in seen if "year 3" in str(w.message)]) == 0
    assert all(w.filename == __file__ for w in seen)  # the warning points at the caller
    for call in (lambda: ds.run_schools("focused_churn", years=6, overrides=TINY),
                 lambda: ds.outcomes("focused_churn", 6, 0, TINY, metrics=["achievement"]),
                 lambda: ds.compare(["focused_churn"], years=6, replicates=1, overrides=TINY)):
        with pytest.warns(UserWarning, match=r"year 7 would start after the run ends \(6 school years"):
            call()


def test_no_warning_when_every_shock_falls_inside_the_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds.run("focused_churn", years=7, overrides=TINY, every="final")
        simulate(ds.load_scenario("focused_churn", TINY), 0)  # a district to step on: nothing dropped
        model = simulate(ds.load_scenario("focused_churn", TINY), 0, 30)  # the page's replay to year 3
    model.run_for(40)  # ... which steps on: year 7's shock happens, as it was scheduled
    years = [e["year"] for e in model.shock_state.log if e["source"] == "scenario"]
    assert years == [3, 7]


def test_an_event_after_the_run_is_warned_of():
    settings = ds.load_scenario("focused", TINY)
    late = Event(25, Shock(kind="budget_cut", year=1, magnitude=0.1))
    with pytest.warns(UserWarning, match=r"event \(shock 'budget_cut'\) at month 25 comes after the run "
                                         r"ends \(2 school years, 20 months\)"):
        simulate(settings, 0, 20, events=[Event(5, settings), late])
    with pytest.warns(UserWarning, match=r"event \(levers pulled\) at month 21"):
        simulate(settings, 0, 20, events=[Event(21, settings)])

