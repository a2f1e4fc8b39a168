"""The lever-by-lever Shapley decomposition of the focused-vs-fragmented gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim.settings import SettingsError
from district_sim.validation.decompose import (
    ALL,
    coalition_settings,
    decomposition_markdown,
    differing_levers,
    final_achievement,
    lever_decomposition,
    lever_replicates,
    lever_table,
    shapley,
)

#: A tiny district for two years: the decomposition's arithmetic, not its numbers, is tested.
TINY = {"district.students": 600, "district.schools": 3}
YEARS = 2


@pytest.fixture(scope="module")
def reps() -> pd.DataFrame:
    return lever_replicates(3, seed=4, size=TINY, years=YEARS)


def test_the_levers_are_the_settings_the_scenario_files_differ_in():
    a, b = ds.load_scenario("fragmented"), ds.load_scenario("focused")
    levers = differing_levers(a, b)
    assert all(k.startswith("strategy.") for k in levers)
    assert {"strategy.initiatives_per_year", "strategy.alignment"} <= set(levers)
    assert "strategy.overhead_share" not in levers and "name" not in levers
    # moving every lever turns the base into the target, labels aside
    full = coalition_settings(a, levers)[-1].model_dump()
    assert {**full, "name": "", "description": ""} == {**b.model_dump(), "name": "", "description": ""}


def test_shapley_values_add_up_to_the_gap_in_every_replicate(reps):
    levers = reps[reps["lever"] != ALL]
    total = levers.groupby("replicate")["shapley"].sum()
    gap = reps[reps["lever"] == ALL].set_index("replicate")["gap"]
    assert len(total) == 3 and (gap != 0).all()
    np.testing.assert_allclose(total.to_numpy(), gap.to_numpy(), rtol=0, atol=1e-12)
    table = lever_table(reps)
    assert table.loc[table["lever"] != ALL, "share_of_gap"].sum() == pytest.approx(1.0)


def test_shapley_of_a_known_game():
    """Two levers that pay 1 and 2 alone and 6 together: the interaction of 3 splits evenly."""
    v = np.array([[0.0, 1.0, 2.0, 6.0]])
    np.testing.assert_allclose(shapley(v), [[2.5, 3.5]])
    with pytest.raises(ValueError, match="2\\^k"):
        shapley(np.zeros((1, 3)))


def test_the_effects_are_read_from_the_right_combinations(reps):
    """Alone = one lever added to the base; last = the target minus that lever alone."""
    a = ds.load_scenario("fragmented", TINY)
    b = ds.load_scenario("focused", TINY)
    lever = "strategy.initiative_duration_years"
    row = reps[(reps["lever"] == lever) & (reps["replicate"] == 0)].iloc[0]
    seed = int(row["seed"])
    was, now = a.strategy.initiative_duration_years, b.strategy.initiative_duration_years
    base = final_achievement(a, seed, YEARS)
    moved = final_achievement(ds.load_scenario(a, {lever: now}), seed, YEARS)
    unmoved = final_achievement(ds.load_scenario(b, {lever: was}), seed, YEARS)
    assert row["alone"] == moved - base
    assert row["last"] == final_achievement(b, seed, YEARS) - unmoved


def test_the_fast_path_reads_the_ablations_measure():
    """The last month of the final year, as evaluate.ablation reads it from run's table."""
    df = ds.run("focused", years=YEARS, seed=11, overrides=TINY)
    last = df[df["year"] == df["year"].max()]["achievement"].iloc[-1]
    assert final_achievement(ds.load_scenario("focused", TINY), 11, YEARS) == last


def test_a_lever_identical_in_both_scenarios_is_not_listed_and_a_lever_that_does_nothing_gets_zero():
    """The target moves one real lever and the theory of action's text, which no mechanism reads."""
    a = ds.load_scenario("fragmented", TINY)
    b = ds.load_scenario(a, {"strategy.alignment": 0.9, "strategy.theory_of_action": "words only"})
    reps = lever_replicates(2, seed=3, size=TINY, years=YEARS, base=a, target=b)
    assert set(reps["lever"]) == {"strategy.alignment", "strategy.theory_of_action", ALL}
    inert = reps[reps["lever"] == "strategy.theory_of_action"]
    assert (inert[["shapley", "alone", "last"]].to_numpy() == 0.0).all()
    real = reps[reps["lever"] == "strategy.alignment"]
    np.testing.assert_array_equal(real["shapley"].to_numpy(), real["gap"].to_numpy())


def test_the_same_seed_gives_the_same_table_whatever_the_workers(reps):
    again = lever_replicates(3, seed=4, size=TINY, years=YEARS, workers=2)
    pd.testing.assert_frame_equal(reps, again)
    a = ds.load_scenario("fragmented", TINY)
    b = ds.load_scenario(a, {"strategy.initiatives_per_year": 0.7})
    one, other = (lever_replicates(2, seed=s, size=TINY, years=YEARS, base=a, target=b) for s in (4, 5))
    assert not np.array_equal(one["gap"].to_numpy(), other["gap"].to_numpy())


@pytest.mark.parametrize("bad", [1, 0, 2.5, True, "20", 1001])
def test_bad_replicates_name_the_setting(bad):
    with pytest.raises(ValueError, match="replicates"):
        lever_decomposition(replicates=bad, size=TINY)


def test_bad_workers_years_and_size_name_the_setting():
    with pytest.raises(ValueError, match="workers"):
        lever_decomposition(replicates=2, size=TINY, workers=0)
    with pytest.raises(ValueError, match="years"):
        lever_decomposition(replicates=2, size=TINY, years=-1)
    with pytest.raises(SettingsError, match="district.students"):
        lever_decomposition(replicates=2, size={"district.students": -5})


def test_the_markdown_lists_every_lever_and_the_gap_last(reps):
    text = decomposition_markdown(lever_table(reps))
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == reps["lever"].nunique()
    assert rows[-1].startswith(f"| **{ALL}**")
    assert "`strategy.initiatives_per_year`" in text and "interaction" in text
