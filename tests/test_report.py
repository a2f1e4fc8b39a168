"""Intervals in reports: scipy's t quantiles, and bounds no count or rate can cross."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from district_sim.metrics import METRICS
from district_sim.report import (
    HEADLINE,
    band,
    bounds,
    final_year_table,
    format_table,
    interval,
    metric_interval,
    t_quantile,
    trajectories,
)


@pytest.mark.parametrize("df", [1, 2, 5, 19, 29, 30, 31, 45, 99, 1000])
def test_t_quantile_is_scipys_at_every_degree_of_freedom(df):
    assert t_quantile(df) == pytest.approx(stats.t.ppf(0.975, df), rel=1e-12)


def test_t_quantile_at_19_is_2_093_not_the_old_tables_2_131():
    assert round(t_quantile(19), 3) == 2.093
    assert t_quantile(40) > 1.96  # the old table fell back to the normal beyond 30


def test_t_quantile_refuses_no_degrees_of_freedom():
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0)


def test_interval_half_width_is_t_times_standard_error():
    values = np.random.default_rng(3).normal(2.0, 1.5, size=20)
    mean, low, high = interval(values)
    half = stats.t.ppf(0.975, 19) * values.std(ddof=1) / np.sqrt(20)
    assert mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx((mean - half, mean + half))


def test_one_value_collapses_to_itself():
    assert interval([0.42]) == (0.42, 0.42, 0.42)


def test_no_values_is_a_value_error():
    with pytest.raises(ValueError, match="values"):
        interval([])


def test_a_count_near_zero_has_its_lower_bound_clipped_at_zero():
    counts = np.array([0, 0, 1, 14, 0, 12, 0, 15])  # mean 5.25, unbounded low about -0.9
    unbounded = interval(counts)
    assert unbounded[1] < 0
    mean, low, high = metric_interval(counts, "active_initiatives")
    assert METRICS["active_initiatives"].low == 0
    assert (mean, low, high) == (unbounded[0], 0.0, unbounded[2])


def test_explicit_bounds_clip_both_ends_and_leave_the_mean():
    mean, low, high = interval([0.0, 1.0, 1.0, 1.0], low=0.0, high=1.0)
    assert mean == 0.75 and low >= 0.0 and high == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_a_rate_interval_never_leaves_zero_one(seed):
    rng = np.random.default_rng(seed)
    for n in (2, 3, 5, 20):
        for p in (0.01, 0.5, 0.99):
            rates = rng.binomial(1, p, size=n).astype(float)
            _, low, high = metric_interval(rates, "teacher_turnover")
            assert 0.0 <= low <= high <= 1.0


def test_bounds_come_from_the_metric_registry_and_other_columns_are_unbounded():
    assert bounds("teacher_turnover") == (0, 1)
    assert bounds("achievement") == (METRICS["achievement"].low, METRICS["achievement"].high)
    assert bounds("vs_first") == (None, None)


def _ends(replicates: int = 4) -> pd.DataFrame:
    """A fake monthly table: two scenarios, a last month each run, counts near zero."""
    rows = []
    for scenario, shift in (("a", 0.0), ("b", 0.1)):
        for r in range(replicates):
            row = {m: 0.5 for m in HEADLINE}
            row.update(scenario=scenario, replicate=r, year=1, month=10,
                       achievement=shift + 0.01 * r, active_initiatives=[0, 0, 0, 9][r],
                       teacher_turnover=[0.0, 0.0, 0.0, 0.9][r])
            rows.append(row)
    return pd.DataFrame(rows)


def test_final_year_table_bounds_every_headline_metric_to_its_range():
    table = final_year_table(_ends())
    assert (table["active_initiatives_lo"] == 0.0).all()
    assert (table["teacher_turnover_lo"] == 0.0).all()
    # a paired difference has no range: its interval is the plain t-interval
    assert table.loc[1, "vs_first"] == pytest.approx(0.1)
    text = format_table(table)
    assert "2.250 [0.000, " in text  # active_initiatives: mean 2.25, lower bound at 0, not -4.9


def test_trajectory_bands_are_bounded_like_the_tables(tmp_path):
    frame = _ends().assign(t=1.0)
    part = frame[frame["scenario"] == "a"]
    b = band(part, "active_initiatives")
    assert list(b.columns) == ["mean", "low", "high"]
    assert b.loc[1.0, "mean"] == 2.25 and b.loc[1.0, "low"] == 0.0 and b.loc[1.0, "high"] > 2.25
    assert trajectories(_ends(), tmp_path / "t.png").stat().st_size > 10_000
