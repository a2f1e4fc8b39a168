"""The run contract: ``simulate(settings, seed, months, record, events, progress)``.

What a record keeps is a selection of the full monthly table (never different numbers);
an event is the same as doing the thing by hand at its time; progress watches without
touching; bad input is refused with a message naming what was wrong.
"""

from __future__ import annotations

import pandas as pd
import pytest

import district_sim as ds
from district_sim.record import EVERYTHING, NOTHING, Record
from district_sim.settings import Settings, Shock
from district_sim.simulation import MAX_MONTHS, Event, simulate

SMALL = {"district.students": 1500, "district.schools": 5}
SEEDS = (1, 2, 3)


def settings(scenario: str = "fragmented", **overrides) -> Settings:
    return ds.load_scenario(scenario, {**SMALL, **overrides})


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)


def full(s: Settings, seed: int, months: int) -> pd.DataFrame:
    return simulate(s, seed, months).results()


# --- what a record keeps -------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_yearly_record_is_the_tenth_month_rows_of_the_monthly_record(seed):
    s = settings()
    monthly = full(s, seed, 35)
    yearly = simulate(s, seed, 35, record=Record(every="year")).results()
    assert yearly["year"].tolist() == [1, 2, 3]
    same(yearly, monthly[monthly["month"] == 10])


@pytest.mark.parametrize("seed", SEEDS)
def test_final_record_is_the_last_row_of_the_monthly_record(seed):
    s = settings()
    monthly = full(s, seed, 27)
    final = simulate(s, seed, 27, record=Record(every="final")).results()
    assert len(final) == 1
    same(final, monthly.tail(1))


def test_a_record_of_some_metrics_keeps_the_calendar_and_those_columns_with_the_same_values():
    s = settings()
    monthly = full(s, 4, 30)
    few = simulate(s, 4, 30, record=Record(metrics=("achievement",))).results()
    assert list(few.columns) == ["year", "month", "achievement"]
    same(few, monthly[["year", "month", "achievement"]])
    two = simulate(s, 4, 30, record=Record(metrics=("teacher_fatigue", "budget"), every="year")).results()
    assert list(two.columns) == ["year", "month", "teacher_fatigue", "budget"]
    same(two, monthly.loc[monthly["month"] == 10, ["year", "month", "teacher_fatigue", "budget"]])


@pytest.mark.parametrize("seed", SEEDS)
def test_recording_nothing_keeps_no_rows_and_leaves_the_district_where_a_full_run_leaves_it(seed):
    s = settings()
    monthly = full(s, seed, 23)
    quiet = simulate(s, seed, 23, record=NOTHING)
    assert len(quiet.results()) == 0
    last = monthly.iloc[-1]
    summary = quiet.student_summary
    shared = [k for k in summary if k in monthly.columns]
    assert {"achievement", "achievement_gap", "achievement_high_need", "engagement",
            "learning_gain"} <= set(shared)
    for key in shared:
        assert summary[key] == last[key], key
    assert quiet.steps == 23


# --- events ----------------------------------------------------------------------------------


SHOCKS = [
    Shock(kind="budget_cut", year=1, magnitude=0.3, duration_years=1.0),
    Shock(kind="pandemic", year=1, magnitude=0.4, duration_years=1.0),
    Shock(kind="state_mandate", year=1, magnitude=3, duration_years=2.0),
    Shock(kind="superintendent_turnover", year=1, magnitude=1.0, duration_years=1.0),
]


@pytest.mark.parametrize("shock", SHOCKS, ids=lambda s: s.kind)
def test_a_shock_event_is_the_shock_injected_by_hand_at_its_time(shock):
    s = settings()
    evented = simulate(s, 5, 30, events=[Event(12, shock)])
    by_hand = simulate(s, 5, 12)
    by_hand.schedule_shock(shock)
    by_hand.run_for(18)
    same(evented.results(), by_hand.results())
    injected = [e for e in evented.shock_state.log if e["source"] == "injected"]
    assert [(e["kind"], e["time"]) for e in injected] == [(shock.kind, 12.0)]
    # And the shock does something: the run differs from one without it.
    assert not evented.results().equals(full(s, 5, 30))


def test_a_lever_event_is_update_settings_by_hand_at_its_time():
    s = settings()
    changed = s.model_copy(deep=True)
    changed.strategy.initiatives_per_year = 0.0
    changed.strategy.resource_alignment = 0.9
    evented = simulate(s, 6, 30, events=[Event(15, changed)])
    by_hand = simulate(s, 6, 15)
    by_hand.update_settings(changed)
    by_hand.run_for(15)
    same(evented.results(), by_hand.results())
    assert evented.settings.strategy.initiatives_per_year == 0.0
    assert not evented.results().equals(full(s, 6, 30))


def test_events_after_the_run_do_not_happen():
    s = settings()
    late_shock = Event(25, Shock(kind="budget_cut", year=1, magnitude=0.5))
    changed = s.model_copy(deep=True)
    changed.strategy.initiatives_per_year = 0.0
    model = simulate(s, 7, 20, events=[late_shock, Event(21, changed)])
    same(model.results(), full(s, 7, 20))
    assert not [e for e in model.shock_state.log if e["source"] == "injected"]
    assert model.settings.strategy.initiatives_per_year == s.strategy.initiatives_per_year


def test_events_given_out_of_order_happen_in_time_order():
    s = settings()
    early = Event(5, Shock(kind="pandemic", year=1, magnitude=0.4))
    late = Event(22, Shock(kind="budget_cut", year=1, magnitude=0.3))
    ordered = simulate(s, 8, 30, events=[early, late])
    shuffled = simulate(s, 8, 30, events=[late, early])
    same(shuffled.results(), ordered.results())
    injected = [(e["kind"], e["time"]) for e in shuffled.shock_state.log if e["source"] == "injected"]
    assert injected == [("pandemic", 5.0), ("budget_cut", 22.0)]


# --- progress -------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [25, 30, 7])
def test_progress_counts_months_up_to_the_end_and_changes_nothing(months):
    s = settings()
    calls = []
    watched = simulate(s, 9, months, progress=lambda done, total: calls.append((done, total)))
    same(watched.results(), full(s, 9, months))
    assert calls[-1] == (months, months)
    assert all(total == months for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(set(done)) == len(done)
    expected = [*range(10, months, 10), months]
    assert done == expected


def test_progress_with_events_changes_nothing():
    s = settings()
    events = [Event(12, Shock(kind="budget_cut", year=1, magnitude=0.3))]
    calls = []
    watched = simulate(s, 10, 30, events=events, progress=lambda d, t: calls.append((d, t)))
    same(watched.results(), simulate(s, 10, 30, events=events).results())
    assert calls[-1] == (30, 30)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("months", [-1, 1.5, True, MAX_MONTHS + 1, "10", None])
def test_bad_months_are_refused_naming_months(months):
    with pytest.raises(ValueError, match="months"):
        simulate(settings(), 0, months)


def test_zero_months_and_the_longest_run_are_accepted():
    model = simulate(settings(), 0, 0)  # a district built and not run
    assert model.steps == 0 and len(model.results()) == 0
    small = ds.load_scenario("fragmented", {"district.students": 50, "district.schools": 2})
    assert simulate(small, 0, MAX_MONTHS, record=NOTHING).steps == MAX_MONTHS


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", None])
def test_bad_seeds_are_refused_naming_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        simulate(settings(), seed, 10)


def test_a_record_of_every_week_is_refused_naming_every():
    with pytest.raises(ValueError, match="every"):
        Record(every="week")


def test_an_unknown_metric_is_refused_naming_it():
    with pytest.raises(ValueError, match="no_such_metric"):
        simulate(settings(), 0, 10, record=Record(metrics=("achievement", "no_such_metric")))


# --- the faces agree ------------------------------------------------------------------------


@pytest.mark.parametrize("scenario,seed", [("fragmented", 11), ("focused", 12)])
def test_run_and_simulate_give_the_same_table(scenario, seed):
    table = ds.run(scenario, years=3, seed=seed, overrides=SMALL)
    assert table["scenario"].eq(scenario).all() and table["seed"].eq(seed).all()
    same(table.drop(columns=["scenario", "seed"]),
         simulate(settings(scenario), seed, 30, record=EVERYTHING).results())
