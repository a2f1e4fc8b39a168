"""The browser page's state, without a browser: lockstep, common random numbers, levers,
shocks, forks, the explanation, the exports and the classroom script."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.cli import main
from district_sim.model import DistrictModel
from district_sim.settings import SettingsError
from district_sim.ui import charts, classroom, explain, exports, levers
from district_sim.ui.session import COLORS, LEFT, RIGHT, SHOCK_BUTTONS, Comparison, Setup
from district_sim.whatif import WhatIf

SMALL = {"students": 3000, "schools": 6, "replicates": 3}


def small(seed: int = 0, **setup) -> Comparison:
    return Comparison(Setup(**setup) if setup else None, seed=seed, **SMALL)


def run(c: Comparison, months: int) -> Comparison:
    for _ in range(months):
        c.step()
    return c


def table_rows(data: bytes) -> list[dict]:
    """An export's rows, past its leading ``# `` lines (the what-if that made it)."""
    text = data.decode()
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


def frame(c: Comparison, key: str) -> pd.DataFrame:
    return c.lines[key].model.results()


# --- lockstep and common random numbers -----------------------------------------------------------


def test_sides_step_in_lockstep_and_a_year_ends_in_september():
    c = run(small(), 7)
    assert c.months == 7
    assert {line.model.time for line in c.lines.values()} == {7.0}
    assert len(frame(c, LEFT)) == len(frame(c, RIGHT)) == 7
    c.step_year()
    assert c.months == 10 and (c.year, c.month) == (2, 1)
    c.step_year()
    assert c.months == 20


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_both_sides_start_alike_and_meet_the_same_random_shocks(seed):
    c = small(seed)
    left, right = c.lines[LEFT].model, c.lines[RIGHT].model
    assert np.array_equal(left.teachers.practice, right.teachers.practice)
    assert np.array_equal(left.students.achievement, right.students.achievement)
    run(c, 60)

    def random_shocks(m):
        return [(e["time"], e["kind"], round(e["magnitude"], 9)) for e in m.shock_state.log
                if e["source"] == "random"]

    assert random_shocks(left) == random_shocks(right)


def test_the_two_strategies_diverge_in_the_default_comparison():
    """Over several seeds, focused is ahead of fragmented after five years on the page."""
    gaps = []
    for seed in range(4):
        c = run(small(seed), 50)
        gaps.append(c.latest(RIGHT)["achievement"] - c.latest(LEFT)["achievement"])
    assert min(gaps) > 0, gaps


# --- replicates: the runs compare makes, number for number ------------------------------------------


@pytest.mark.parametrize("seed", [0, 7])
def test_each_sides_replicates_are_compares_runs_for_the_same_seed(seed):
    c = run(small(seed), 14)                               # crosses the first summer
    size = {"district.students": SMALL["students"], "district.schools": SMALL["schools"]}
    both = ds.compare(["fragmented", "focused"], years=1.4, replicates=SMALL["replicates"], seed=seed,
                      overrides=size)
    assert c.seeds == tuple(ds.replicate_seeds(seed, SMALL["replicates"]))
    for side in (LEFT, RIGHT):
        line = c.lines[side]
        assert len(line.models) == SMALL["replicates"]
        for r, model in enumerate(line.models):
            page = model.results().reset_index(drop=True)
            cli = both[(both["scenario"] == line.scenario) & (both["replicate"] == r)].reset_index(drop=True)
            for month in (0, 9, 10, 13):                   # a few months, either side of the summer
                for column in page.columns:
                    assert page[column].iloc[month] == cli[column].iloc[month], (side, r, month, column)


def test_the_band_is_reports_interval_of_the_replicates():
    c = run(small(), 6)
    s = c.series(["achievement", "teacher_fatigue"], spread=True)[0]
    runs = s["runs"]["achievement"]
    assert runs.shape == (3, 6) and len(np.unique(runs[:, -1])) == 3    # three different runs
    for month in (0, 5):
        for column in ("achievement", "teacher_fatigue"):
            mean, low, high = ds.report.metric_interval(s["runs"][column][:, month], column)
            assert (s["values"][column][month], s["low"][column][month], s["high"][column][month]) == (
                mean, low, high)
    assert s["low"]["achievement"][-1] < s["values"]["achievement"][-1] < s["high"]["achievement"][-1]
    run(c, 2)                                              # the cache extends, not restarts
    assert len(c.series(["achievement"])[0]["values"]["achievement"]) == 8


def test_the_difference_is_paired_over_replicates_as_compares_vs_first():
    c = run(small(), 10)
    right, left = c.latest_runs(RIGHT)["achievement"], c.latest_runs(LEFT)["achievement"]
    assert c.difference(RIGHT, LEFT) == pytest.approx(ds.report.interval(right - left))
    assert c.latest(RIGHT)["achievement"] == pytest.approx(right.mean())
    with pytest.raises(SettingsError, match="step first"):
        small().difference(RIGHT, LEFT)


def test_shocks_levers_and_forks_reach_every_replicate():
    c = run(small(), 11)
    c.inject("pandemic", RIGHT)
    assert all(m.shock_state.pandemic > 0 for m in c.lines[RIGHT].models)
    assert all(m.shock_state.pandemic == 0 for m in c.lines[LEFT].models)
    branch = c.fork(RIGHT, "strategy.alignment", 0.2)
    assert c.lines[branch.key].seeds == c.seeds and len(c.lines[branch.key].models) == 3
    assert all(m.settings.strategy.alignment == 0.2 for m in c.lines[branch.key].models)
    run(c, 3)
    assert {m.time for line in c.lines.values() for m in line.models} == {14.0}


@pytest.mark.parametrize("seed", ["123", 2**40, "18446744073709551617", " 9 "])
def test_the_page_takes_every_seed_compare_takes(seed):
    c = Comparison(seed=seed, students=2000, schools=4, replicates=2)
    assert c.seeds == tuple(ds.replicate_seeds(int(str(seed)), 2))


@pytest.mark.parametrize("kwargs, words", [
    ({"seed": -1}, "Seed must be a whole number of at least 0, got -1"),
    ({"seed": "1.5"}, "Seed must be a whole number of at least 0, got 1.5"),
    ({"seed": "abc"}, "Seed: 'abc' is not a whole number"),
    ({"replicates": 0}, "Runs of each district must be a whole number between 1 and 50, got 0"),
    ({"replicates": 51}, "Runs of each district must be a whole number between 1 and 50, got 51"),
])
def test_bad_seed_or_replicates_name_the_setting_and_the_range(kwargs, words):
    with pytest.raises(SettingsError, match=words):
        Comparison(students=2000, schools=4, **kwargs)


# --- scenarios and levers ----------------------------------------------------------------------


def test_picking_a_scenario_re_runs_that_side_to_now():
    c = run(small(), 15)
    before_left = frame(c, LEFT)
    c.set_scenario(RIGHT, "status_quo")
    assert c.lines[RIGHT].scenario == "status_quo" and c.setup.scenarios[RIGHT] == "status_quo"
    assert c.lines[RIGHT].model.time == 15 and len(frame(c, RIGHT)) == 15
    assert frame(c, RIGHT)["active_initiatives"].max() == 0  # launches nothing
    pd.testing.assert_frame_equal(frame(c, LEFT), before_left)
    with pytest.raises(SettingsError, match="unknown scenario 'nope'"):
        c.set_scenario(LEFT, "nope")


def test_a_lever_change_re_runs_the_district_and_survives_reset():
    c = run(small(), 20)
    before = c.lines[RIGHT].runs("initiatives_launched")[:, -1]
    value = c.set_lever(RIGHT, "strategy.initiatives_per_year", "0")
    assert value == 0
    after = c.lines[RIGHT].runs("initiatives_launched")[:, -1]
    assert len(frame(c, RIGHT)) == 20
    assert all(m.settings.strategy.initiatives_per_year == 0 for m in c.lines[RIGHT].models)
    assert before.sum() > 0 and after.sum() == 0           # in every replicate
    assert c.setup.overrides[RIGHT] == {"strategy.initiatives_per_year": 0}
    fresh = Comparison(c.setup, seed=0, **SMALL)     # SolaraViz's Reset builds it so
    assert fresh.lines[RIGHT].settings.strategy.initiatives_per_year == 0


@pytest.mark.parametrize("text, words", [      # the lever's plain-words name, as levers.py says it
    ("", ["Share aligned with the theory of action", "empty"]),
    ("abc", ["Share aligned with the theory of action", "'abc' is not a number"]),
    ("1.5", ["Share aligned with the theory of action", "between 0 and 1", "1.5"]),
    ("-0.1", ["Share aligned with the theory of action", "between 0 and 1"]),
    ("nan", ["Share aligned with the theory of action", "not a number"]),
    ("0,5", ["use a decimal point (0.5, not 0,5)"]),
])
def test_bad_lever_input_names_the_setting_and_keeps_the_model(text, words):
    c = run(small(), 12)
    model, before, overrides = c.lines[LEFT].model, frame(c, LEFT), dict(c.setup.overrides[LEFT])
    with pytest.raises(SettingsError) as err:
        c.set_lever(LEFT, "strategy.alignment", text)
    for word in words:
        assert word in str(err.value)
    assert c.lines[LEFT].model is model and c.months == 12
    pd.testing.assert_frame_equal(frame(c, LEFT), before)
    assert c.setup.overrides[LEFT] == overrides


def test_unknown_levers_and_districts_are_refused():
    c = small()
    with pytest.raises(SettingsError, match="not a lever"):
        c.set_lever(LEFT, "district.students", 10)
    with pytest.raises(SettingsError, match="no district 'middle'"):
        c.set_lever("middle", "strategy.alignment", 0.5)


def test_every_lever_is_a_setting_whose_page_range_the_schema_allows():
    settings = ds.load_scenario("focused")
    assert set(levers.GROUPS) == {lever.group for lever in levers.LEVERS}
    for lever in levers.LEVERS:
        for value in (lever.low, lever.high):
            changed, _ = levers.apply(settings, lever.key, value)
            assert levers.current(changed, lever.key) == pytest.approx(value)
        assert lever.help and len(lever.help) < 120


# --- shocks ----------------------------------------------------------------------------------


def test_a_shock_starts_now_in_the_chosen_districts_and_marks_the_charts():
    c = run(small(), 13)
    marker = c.inject("budget_cut", "both")
    assert marker.time == 13 and marker.lines == (LEFT, RIGHT)
    for key in (LEFT, RIGHT):
        log = [e for e in c.lines[key].model.shock_state.log if e["source"] == "injected"]
        assert log == [pytest.approx(log[0])] and log[0]["kind"] == "budget_cut" and log[0]["time"] == 13
        assert c.lines[key].model.shock_state.budget_cut == pytest.approx(0.07)
    c.inject("pandemic", RIGHT)
    assert c.lines[LEFT].model.shock_state.pandemic == 0 < c.lines[RIGHT].model.shock_state.pandemic
    run(c, 1)
    svg = charts.all_charts_svg(c)["achievement"]
    assert svg.count('class="shock-marker" data-kind="budget_cut"') == 2      # one per panel
    assert svg.count('class="shock-marker" data-kind="pandemic"') == 2
    with pytest.raises(SettingsError, match="shock must be one of"):
        c.inject("meteor", "all")


def test_shock_buttons_are_valid_shocks():
    for kind, spec in SHOCK_BUTTONS.items():
        shock = ds.settings.Shock(kind=kind, year=1, magnitude=spec.magnitude,
                                  duration_years=spec.duration_years)
        assert shock.kind == kind


# --- fork ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 3])
def test_a_fork_with_no_change_reproduces_the_parents_future_exactly(seed):
    c = run(small(seed), 17)
    c.inject("state_mandate", "all")
    run(c, 6)
    same = c.lines[RIGHT].settings.strategy.alignment
    branch = c.fork(RIGHT, "strategy.alignment", same)
    c.inject("budget_cut", "all")  # reaches the branch too
    run(c, 34)                       # crosses summers, random shocks, the injected ones
    pd.testing.assert_frame_equal(frame(c, branch.key), frame(c, RIGHT))
    branch_teachers, parent_teachers = c.lines[branch.key].model.teachers, c.lines[RIGHT].model.teachers
    assert np.array_equal(branch_teachers.practice, parent_teachers.practice)


def test_a_fork_changes_one_lever_from_now_on():
    c = run(small(), 30)
    branch = c.fork(LEFT, "strategy.initiatives_per_year", "0")
    assert branch.parent == LEFT and branch.fork_time == 30 and "y4m1" in branch.label
    run(c, 30)
    parent, child = frame(c, LEFT), frame(c, branch.key)
    pd.testing.assert_frame_equal(parent.iloc[:30], child.iloc[:30])   # same past
    # this September's launches were made before the fork; from the next one on, none but mandates
    launched = {name: df["initiatives_launched"].iloc[-1] - df["initiatives_launched"].iloc[29]
                for name, df in (("parent", parent), ("child", child))}
    assert launched["child"] + 5 <= launched["parent"], launched
    assert c.lines[LEFT].settings.strategy.initiatives_per_year == 5   # the parent is untouched
    # a lever pulled on the branch re-runs it from its fork, not from the start
    c.set_lever(branch.key, "strategy.buffering", 0.9)
    pd.testing.assert_frame_equal(frame(c, LEFT).iloc[:30], frame(c, branch.key).iloc[:30])
    assert c.lines[branch.key].settings.strategy.buffering == 0.9


def test_fork_refuses_bad_input_and_too_many_branches_and_can_remove():
    c = run(small(), 5)
    with pytest.raises(SettingsError, match="New initiatives a year.*empty"):
        c.fork(LEFT, "strategy.initiatives_per_year", " ")
    with pytest.raises(SettingsError, match="New initiatives a year must be between 0 and 50"):
        c.fork(LEFT, "strategy.initiatives_per_year", 51)
    assert list(c.lines) == [LEFT, RIGHT]
    keys = [c.fork(RIGHT, "strategy.alignment", 0.5).key for _ in range(4)]
    with pytest.raises(SettingsError, match="at most 4 branches"):
        c.fork(RIGHT, "strategy.alignment", 0.5)
    c.remove(keys[0])
    assert keys[0] not in c.lines
    with pytest.raises(SettingsError, match="only branches"):
        c.remove(LEFT)


def test_update_settings_refuses_a_different_district_and_adopts_the_resource_split():
    model = DistrictModel(ds.load_scenario("fragmented", {"district.students": 2000, "district.schools": 4}))
    model.run_for(5)
    with pytest.raises(SettingsError, match="district.students cannot change"):
        model.update_settings(ds.load_scenario(model.settings, {"district.students": 3000}))
    model.update_settings(ds.load_scenario(model.settings, {"strategy.resource_alignment": 0.9}))
    assert model.central_office.resource_alignment == 0.9
    model.step()
    assert model.results()["resource_alignment"].iloc[-1] > 0.5


# --- explain -------------------------------------------------------------------------------------


def test_explain_asks_to_play_before_the_first_month_and_says_level_when_level():
    c = small()
    assert "Play" in explain.diagnose("a", c.latest(LEFT), "b", c.latest(RIGHT), 0).text
    row = {"achievement": -0.3, "teacher_practice": 0.01, "implementation_dip": 0.0}
    d = explain.diagnose("a", row, "b", dict(row, achievement=-0.305), 1)
    assert d.leader is None and "level" in d.headline


def test_explain_while_the_opening_runs_says_so_at_month_0_and_then_reads_the_month():
    c = small()
    c.opening = 100                               # as controls.Playback sets it as the page opens
    d = explain.diagnose_pair(c, LEFT, RIGHT)
    assert "Play" not in d.text and "Step" not in d.text       # the page is playing already
    assert d.headline.startswith("Month 0: both districts start") and "running them to year 10" in d.headline
    c.step()
    after = explain.diagnose_pair(c, LEFT, RIGHT)
    assert "Month 0" not in after.text and "achievement" in after.headline   # the month it shows
    c.opening = 0
    fresh = small()
    assert "Play" in explain.diagnose_pair(fresh, LEFT, RIGHT).text           # no opening: the hint


def test_explain_names_the_mechanism_that_differs_most():
    base = {"achievement": -0.2, "teacher_practice": 0.02, "implementation_dip": 0.0,
            "attention_met": 1.0, "implementation_depth": 0.5, "initiatives_abandoned": 2,
            "resource_alignment": 0.8, "teacher_fatigue": 0.0, "novice_share": 0.25,
            "teacher_cynicism": 0.02, "strategy_changes": 1}
    behind = dict(base, achievement=-0.3, teacher_practice=0.0, attention_met=0.4)
    d = explain.diagnose("focused", base, "fragmented", behind, 5)
    assert d.leader == "focused" and d.driver == "limited attention"
    assert "40%" in d.text and "0.100 SD ahead" in d.text
    behind = dict(base, achievement=-0.3, resource_alignment=0.2)
    assert explain.diagnose("fragmented", behind, "focused", base, 5).driver == "misaligned money"


def test_explain_on_the_default_comparison_after_five_years():
    c = run(small(), 50)
    d = explain.diagnose_pair(c, LEFT, RIGHT)
    assert d.leader == "focused" and c.difference(RIGHT, LEFT)[1] > 0
    assert d.driver in {x.name for x in explain.DRIVERS}
    assert d.text.startswith("focused is") and "fragmented" in d.text


def test_explain_calls_a_district_ahead_only_when_the_paired_interval_excludes_zero():
    row = {"achievement": -0.29, "teacher_practice": 0.02, "implementation_dip": 0.0}
    behind = dict(row, achievement=-0.30, teacher_practice=0.0)
    unclear = {"achievement": (-0.01, -0.04, 0.02), "teacher_practice": (0.02, -0.01, 0.05)}
    d = explain.diagnose("focused", row, "fragmented", behind, 2, diffs=unclear, runs=10)
    assert d.leader is None
    assert d.headline.startswith("No clear difference yet between focused and fragmented")
    assert "\u22120.010 SD [\u22120.040, 0.020]" in d.headline and "over 10 paired runs" in d.headline
    assert "Teacher practice is already" not in d.text               # its interval includes zero too
    clear = {"achievement": (-0.12, -0.15, -0.09), "teacher_practice": (0.02, 0.01, 0.03)}
    d = explain.diagnose("fragmented", behind, "focused", row, 5, diffs=clear, runs=10)
    assert d.leader == "focused"
    assert d.headline.startswith("focused is 0.120 SD ahead of fragmented in achievement [0.090, 0.150]")
    assert "excludes zero." in d.headline
    tiny = {"achievement": (0.004, 0.002, 0.006), "teacher_practice": (0.0, -0.001, 0.001)}
    d = explain.diagnose("focused", row, "fragmented", behind, 1, diffs=tiny, runs=10)
    assert d.leader == "focused" and "smaller than 0.01 SD" in d.headline
    one_run = explain.diagnose("focused", row, "fragmented", behind, 1, diffs=tiny, runs=1)
    assert "interval" not in one_run.headline                         # one run has no interval


def test_diagnose_pair_reads_the_pages_paired_differences():
    c = run(small(), 30)
    d = explain.diagnose_pair(c, RIGHT, LEFT)
    mean, low, high = c.difference(RIGHT, LEFT)
    assert f"[{low:.3f}, {high:.3f}]" in d.headline or "No clear difference" in d.headline
    assert f"over {SMALL['replicates']} paired runs" in d.headline
    assert (d.leader == "focused") == (low > 0)


# --- charts and exports --------------------------------------------------------------------------


def test_charts_draw_every_district_on_the_same_axes():
    c = run(small(), 12)
    b = c.fork(RIGHT, "strategy.alignment", 0.2)
    run(c, 8)
    svgs = charts.all_charts_svg(c)
    assert set(svgs) == {chart.key for chart in charts.CHARTS}
    svg = svgs["achievement"]
    for key in (LEFT, RIGHT, b.key):
        assert f'data-line="{key}" data-column="achievement"' in svg
    assert 'data-line="left" data-column="achievement" data-n="20"' in svg
    assert 'data-line="branch1" data-column="achievement" data-n="9"' in svg  # from its fork
    assert svg.count("<polyline") == 6                                      # 3 lines x 2 panels


def test_csv_export_holds_every_district_and_month():
    c = run(small(), 11)
    c.inject("pandemic", LEFT)
    c.fork(LEFT, "strategy.buffering", 0.5)
    run(c, 4)
    rows = list(table_rows(exports.csv_bytes(c)))
    assert len(rows) == 15 * 3
    assert {r["district"] for r in rows} == {LEFT, RIGHT, "branch1"}
    left = [r for r in rows if r["district"] == LEFT]
    assert float(left[-1]["achievement"]) == pytest.approx(c.latest(LEFT)["achievement"])
    assert any("pandemic:injected" in r["shocks_started"] for r in left)
    assert {r["fork_month"] for r in rows if r["district"] == "branch1"} == {"11"}


def test_the_csv_holds_each_districts_means_and_every_run_as_compare_writes_it():
    c = run(small(2), 12)
    rows = list(table_rows(exports.csv_bytes(c)))
    right = [r for r in rows if r["district"] == RIGHT]
    runs = c.latest_runs(RIGHT)["achievement"]
    assert float(right[-1]["achievement"]) == pytest.approx(runs.mean())
    last = {k: float(right[-1][k]) for k in ("achievement_low", "achievement", "achievement_high")}
    assert last["achievement_low"] < last["achievement"] < last["achievement_high"]
    assert {r["replicates"] for r in rows} == {str(SMALL["replicates"])}
    every = pd.read_csv(io.BytesIO(exports.runs_csv_bytes(c)), comment="#")
    assert len(every) == 2 * SMALL["replicates"] * 12
    both = ds.compare(["fragmented", "focused"], years=1.2, replicates=SMALL["replicates"], seed=2,
                      overrides={"district.students": 3000, "district.schools": 6})
    mine = every[(every["district"] == RIGHT) & (every["replicate"] == 1)]["achievement"].to_numpy()
    cli = both[(both["scenario"] == "focused") & (both["replicate"] == 1)]["achievement"].to_numpy()
    assert np.allclose(mine, cli, rtol=0, atol=1e-15)                     # CSV's text round-trips floats
    assert set(every["seed"]) == set(ds.replicate_seeds(2, SMALL["replicates"]))


def test_png_export_is_a_png():
    c = run(small(), 6)
    c.inject("budget_cut", "all")
    data = exports.png_bytes(c, dpi=40)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_schools_and_pelp_views():
    c = run(small(), 10)
    model = c.lines[RIGHT].model
    for metric in charts.SCHOOL_METRICS:
        values = charts.school_values(model, metric)
        assert values.shape == (6,) and np.isfinite(values).all()
    by_school = charts.school_values(model, "achievement")
    assert by_school.mean() == pytest.approx(model.achievement_mean(), abs=0.05)
    detail = charts.school_detail(model, 2)
    assert detail["principal"]["school"] == 2 and detail["teachers"]
    assert {t["school"] for t in detail["teachers"]} == {2}
    svg = charts.pelp_svg(model, "focused", "#000")
    assert svg.count('class="pelp-element"') == 7
    assert charts.alignment_color(0) != charts.alignment_color(1)


# --- the classroom script and the command ---------------------------------------------------------


def test_the_classroom_script_runs_to_the_end_in_about_five_minutes(monkeypatch):
    assert 240 <= classroom.total_seconds() <= 360
    monkeypatch.setattr(classroom, "DEMO_STUDENTS", 2000)
    monkeypatch.setattr(classroom, "DEMO_SCHOOLS", 4)
    director = classroom.Director(classroom.fresh_comparison())
    waited = 0.0
    while not director.finished:
        waited += director.tick()
    c = director.comparison
    assert c.months == classroom.SCRIPT[-1].month
    assert waited == pytest.approx(classroom.total_seconds())
    assert [m.kind for m in c.markers] == ["budget_cut", "superintendent_turnover"]
    assert any(line.parent == LEFT for line in c.lines.values())
    assert director.caption == classroom.SCRIPT[-1].caption


def test_ui_command_refuses_a_bad_port(capsys):
    assert main(["ui", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--port must be between 1 and 65535" in err


def test_lever_ranges_are_the_schemas_or_a_stated_narrowing_inside_it():
    from district_sim.settings import lookup
    from district_sim.ui.levers import LEVERS

    for lever in LEVERS:
        info = lookup(lever.key)
        assert info.numeric, lever.key
        assert info.contains(lever.low) and info.contains(lever.high), lever.key
        if lever.shown is not None:  # a narrowing, not the schema's range restated
            assert (lever.low, lever.high) != (info.low, info.high), lever.key


# --- saving and opening a what-if: the page restored exactly ------------------------------------------


def scripted_page(seed: int) -> Comparison:
    """A page with every kind of change, at several months: a scenario changed, levers pulled on
    a side (before and after a fork of it) and on a branch, shocks into one side and into all,
    two forks (one of them later removed, so the next fork is the third), a fork of a fork."""
    c = small(seed)
    script = ((4, lambda: c.set_scenario(RIGHT, "focused_pandemic")),
              (3, lambda: c.set_lever(LEFT, "strategy.alignment", "0.7")),
              (5, lambda: c.inject("budget_cut", LEFT)),
              (0, lambda: c.fork(LEFT, "strategy.initiatives_per_year", "0")),
              (6, lambda: c.inject("state_mandate", "all")),
              (2, lambda: c.fork(RIGHT, "strategy.buffering", "0.9")),
              (3, lambda: c.set_lever("branch1", "strategy.buffering", "0.2")),
              (1, lambda: c.fork("branch1", "strategy.alignment", "0.3")),
              (2, lambda: c.inject("pandemic", "branch2")),
              (1, lambda: c.remove("branch2")),
              (4, lambda: c.set_lever(LEFT, "strategy.buffering", "0.6")))
    for months, action in script:
        run(c, months)
        action()
    return run(c, 3)


def assert_same_page(a: Comparison, b: Comparison) -> None:
    """Every district, replicate and recorded column equal, bit for bit, and what the page
    draws and exports from them."""
    assert (a.months, a.time, a.seed, a.seeds, a.replicates, a.size) == (b.months, b.time, b.seed, b.seeds,
                                                                         b.replicates, b.size)
    assert list(a.lines) == list(b.lines)
    for key, line in a.lines.items():
        other = b.lines[key]
        for name in ("label", "scenario", "color", "parent", "fork_time", "fork_index", "seeds", "initial"):
            assert getattr(line, name) == getattr(other, name), (key, name)
        assert [(e.time, e.change) for e in line.history] == [(e.time, e.change) for e in other.history]
        assert line.settings == other.settings
        assert len(line.models) == len(other.models)
        for ma, mb in zip(line.models, other.models, strict=True):
            pd.testing.assert_frame_equal(ma.results(), mb.results(), check_exact=True)
            assert ma.time == mb.time
    assert a.markers == b.markers
    assert a._branch_count == b._branch_count
    assert charts.all_charts_svg(a) == charts.all_charts_svg(b)
    now = datetime.datetime(2026, 12, 2, 6, 40, tzinfo=datetime.UTC)
    assert exports.csv_bytes(a, now) == exports.csv_bytes(b, now)
    assert exports.runs_csv_bytes(a, now) == exports.runs_csv_bytes(b, now)


@pytest.mark.parametrize("seed", [0, 7])
def test_a_saved_what_if_opens_as_the_page_that_saved_it_and_steps_on_alike(seed):
    page = scripted_page(seed)
    assert set(page.lines) == {LEFT, RIGHT, "branch1", "branch3"} and len(page.markers) == 3
    page.setup.title = "Stop launching"
    text = page.whatif().to_toml()
    setup = Setup()
    opened = Comparison.from_whatif(WhatIf.from_toml(text), setup)
    assert opened.setup is setup and setup.title == "Stop launching" and setup.seed == seed
    assert setup.scenarios == page.setup.scenarios and setup.overrides == page.setup.overrides
    assert_same_page(page, opened)
    for c in (page, opened):                          # Play/Step and the next fork continue alike
        run(c, 7)
        c.fork(RIGHT, "strategy.alignment", "0.5")
        c.inject("budget_cut", "all")
        run(c, 4)
    assert "branch4" in opened.lines
    assert_same_page(page, opened)
    assert page.restarted().lines[RIGHT].initial == opened.restarted().lines[RIGHT].initial  # Reset too


def test_opening_a_what_if_the_page_cannot_show_changes_nothing():
    page = scripted_page(0)
    story = page.whatif()
    setup = Setup(title="mine")
    for bad, words in ((replace(story, replicates=51), "the page runs at most 50"),
                       (replace(story, months=401), "the page stops at 400")):
        with pytest.raises(SettingsError, match=words):
            Comparison.from_whatif(bad, setup)
    assert setup == Setup(title="mine")


def test_a_what_if_written_without_the_page_gets_markers_and_colours():
    text = """version = 1
seed = 2
replicates = 2
months = 12
[lines.left]
scenario = "fragmented"
levers = { "district.students" = 3000, "district.schools" = 6 }
[[lines.left.events]]
month = 5
shock = { kind = "budget_cut", year = 1, magnitude = 0.05, duration_years = 1.0 }
[lines.right]
scenario = "focused"
levers = { "district.students" = 3000, "district.schools" = 6 }
[lines.mine]
scenario = "fragmented"
parent = "left"
fork_month = 8
levers = { "district.students" = 3000, "district.schools" = 6 }
[[lines.mine.events]]
month = 5
shock = { kind = "budget_cut", year = 1, magnitude = 0.05, duration_years = 1.0 }
[[lines.mine.events]]
month = 8
levers = { "strategy.alignment" = 0.5 }
"""
    c = Comparison.from_whatif(WhatIf.from_toml(text))
    assert c.months == 12 and c.lines["mine"].fork_index == 1 and c.lines["mine"].color not in COLORS.values()
    assert [(m.time, m.kind, m.lines) for m in c.markers] == [(5.0, "budget_cut", (LEFT, "mine"))]
    c.fork(LEFT, "strategy.buffering", "0.5")
    assert "branch2" in c.lines


# --- exports carry the what-if: title, settings, seed, date and version ------------------------------

NOW = datetime.datetime(2026, 12, 2, 6, 40, tzinfo=datetime.UTC)


def test_the_csv_exports_begin_with_the_what_if_and_when_and_by_what(tmp_path):
    c = scripted_page(7)
    c.setup.title = "Stop launching"
    for name, data in (("data.csv", exports.csv_bytes(c, NOW)), ("runs.csv", exports.runs_csv_bytes(c, NOW))):
        path = tmp_path / name
        path.write_bytes(data)
        lines = data.decode().splitlines()
        assert lines[:4] == ["# version = 1", '# title = "Stop launching"', f"# date = \"{c.whatif().date}\"",
                             "# seed = 7"]
        assert (f"# # Exported from the district-sim {ds.__version__} page on 2026-12-02 06:40 UTC; read "
                'the table with pandas.read_csv(path, comment="#")') in lines
        story, table = ds.whatif.read_csv(path)
        assert story == c.whatif()                        # the export is a what-if file too
        assert list(table.columns) == list(pd.read_csv(path, comment="#").columns)
    assert list(table.columns[:5]) == ["district", "label", "scenario", "replicate", "seed"]


def test_the_pages_csv_has_the_numbers_district_sim_whatif_writes_for_its_saved_file(tmp_path, capsys):
    c = scripted_page(0)
    saved = c.whatif("Stop launching").save(tmp_path / "saved.toml")
    out = tmp_path / "x.csv"
    assert main(["whatif", str(saved), "--out", str(out)]) == 0
    cli = pd.read_csv(out, comment="#", dtype=str)
    runs = pd.read_csv(io.BytesIO(exports.runs_csv_bytes(c)), comment="#", dtype=str)
    names = ("district", "label", "scenario", "replicate", "seed")
    metrics = [col for col in runs.columns if col not in names]
    assert len(cli) == len(runs) == 4 * SMALL["replicates"] * c.months
    # every run, cell for cell as text: the page's "Every run" CSV and the command line's agree
    assert cli["line"].tolist() == runs["district"].tolist() and cli["seed"].tolist() == runs["seed"].tolist()
    assert cli[metrics].equals(runs[metrics])
    # the page's "Data" CSV is their mean over the runs, month by month, to the last bit
    data = pd.read_csv(io.BytesIO(exports.csv_bytes(c)), comment="#")
    numbers = cli[["line", "replicate", "achievement"]].assign(achievement=cli["achievement"].astype(float))
    for key, rows in data.groupby("district", sort=False):
        per_run = np.array([g["achievement"].to_numpy() for _, g in
                            numbers[numbers["line"] == key].groupby("replicate", sort=False)])
        assert np.array_equal(rows["achievement"].to_numpy(), per_run.mean(axis=0)), key


def test_the_png_draws_and_keeps_the_title_seed_settings_and_date():
    from PIL import Image

    c = scripted_page(7)
    c.setup.title = "Stop launching"
    image = Image.open(io.BytesIO(exports.png_bytes(c, dpi=40, now=NOW)))
    info = image.info
    assert info["Title"] == "Stop launching" and info["Software"] == f"district-sim {ds.__version__}"
    assert info["Creation Time"] == "2026-12-02 06:40 UTC"
    assert "seed 7" in info["Description"] and "3 runs a district" in info["Description"]
    assert "Left: fragmented; Share aligned with the theory of action = 0.7; Buffering of schools = 0.6" \
        in info["Description"]
    assert "Right: focused_pandemic" in info["Description"]
    assert "Budget cut (fragmented)" in info["Description"]
    assert WhatIf.from_toml(info["Comment"]) == c.whatif()
    words = exports._provenance_lines(c, c.whatif(), exports.settings_words(c), list(c.markers), NOW)
    assert words[0] == "Stop launching" and words[-1].startswith("Exported from the district-sim")


@pytest.mark.parametrize(("title", "stem"), [
    ("", "district-sim"), ("Stop launching, year 4!", "stop-launching-year-4"),
    ("../../etc/passwd", "etc-passwd"), ("Année 3", "annee-3"), ("x" * 80, "x" * 60)])
def test_file_names_come_from_the_title_in_safe_characters(title, stem):
    assert exports.file_stem(title) == stem
