"""The metric registry: one declaration a column, and every reader agrees with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import district_sim as ds
from district_sim import metrics, report
from district_sim.calendar import MONTHS_PER_YEAR
from district_sim.metrics import FRACTIONS, METRICS, REPORTERS, Metric
from district_sim.ui import charts

SMALL = {"district.students": 1500, "district.schools": 5}


@pytest.fixture(scope="module")
def short_runs() -> pd.DataFrame:
    """Three years of three scenarios (one with a budget cut in year 3) over three seeds."""
    return pd.concat([ds.run(name, years=3, seed=seed, overrides=SMALL)
                      for name in ("focused", "fragmented", "fragmented_budget_cut")
                      for seed in (0, 1, 2)], ignore_index=True)


def test_the_table_has_one_column_a_metric_in_registry_order(short_runs):
    assert list(REPORTERS) == list(METRICS)
    assert [c for c in short_runs.columns if c not in ("scenario", "seed")] == list(METRICS)


def test_every_recorded_value_lies_in_its_declared_range(short_runs):
    for name, metric in METRICS.items():
        values = short_runs[name].to_numpy(dtype=float)
        assert np.isfinite(values).all(), name
        outside = [v for v in values if not metric.contains(v)]
        assert not outside, (f"{name}: {len(outside)} values outside [{metric.low}, {metric.high}], "
                             f"e.g. {outside[0]}")


def test_the_calendar_columns_count_school_months(short_runs):
    one = short_runs[(short_runs["scenario"] == "focused") & (short_runs["seed"] == 0)]
    steps = np.arange(1, len(one) + 1)
    assert (one["year"].to_numpy() == (steps - 1) // MONTHS_PER_YEAR + 1).all()
    assert (one["month"].to_numpy() == (steps - 1) % MONTHS_PER_YEAR + 1).all()
    assert METRICS["month"].high == MONTHS_PER_YEAR


def test_every_metric_is_declared_whole():
    for name, m in METRICS.items():
        assert isinstance(m, Metric) and m.name == name
        assert m.label.strip() and m.unit.strip(), name
        assert callable(m.compute), name
        if m.low is not None and m.high is not None:
            assert m.low < m.high, name
        if m.chart is not None:
            assert m.chart.chart in charts.CHART_TITLES, name


def test_a_range_check_rejects_values_outside():
    rate = METRICS["teacher_turnover"]
    assert rate.is_fraction and rate.contains(0.0) and rate.contains(1.0)
    assert not rate.contains(-1e-12) and not rate.contains(1.0 + 1e-12)
    dip = METRICS["implementation_dip"]
    assert dip.contains(-5.0) and not dip.contains(0.01)
    assert METRICS["achievement"].contains(-1e9) and METRICS["achievement"].contains(1e9)


def test_every_metric_a_chart_or_table_names_is_in_the_registry():
    named = {
        "report.HEADLINE": report.HEADLINE,
        "report.LABELS": list(report.LABELS),
        "report.FRACTIONS": sorted(report.FRACTIONS),
        "charts": charts.chart_columns(),
    }
    for where, names in named.items():
        missing = [n for n in names if n not in METRICS]
        assert not missing, f"{where} names metrics the registry lacks: {missing}"


def test_the_tables_labels_and_clipping_come_from_the_registry():
    assert {n: METRICS[n].label for n in report.HEADLINE} == report.LABELS
    assert {n for n, m in METRICS.items() if (m.low, m.high) == (0, 1)} == report.FRACTIONS
    # The tables' intervals were recorded clipping exactly these to [0, 1]; a metric that
    # joins or leaves the set changes the tables, so it should be a deliberate change.
    assert {
        "coherence", "resource_alignment", "implementation_depth", "teacher_fatigue",
        "teacher_turnover", "principal_turnover", "teacher_cynicism", "attention_met",
        "novice_share", "engagement", "culture", "structures", "systems", "stakeholders",
        "portfolio_alignment", "principal_focus"} == FRACTIONS
    for name in FRACTIONS:
        assert METRICS[name].unit in ("share", "share a year", "index"), name


def test_the_page_charts_are_the_registry_s():
    assert [c.key for c in charts.CHARTS] == list(charts.CHART_TITLES)
    drawn = {col for c in charts.CHARTS for p in c.panels for col in p.columns}
    assert drawn == {n for n, m in METRICS.items() if m.chart is not None}
    for chart in charts.CHARTS:
        assert chart.panels and chart.title
        for panel in chart.panels:
            assert 1 <= len(panel.columns) <= 2, panel  # first solid, second dotted
            for col in panel.columns:
                m = METRICS[col]
                assert m.chart.chart == chart.key
                assert panel.title == (m.chart.title or m.label)
                # a fixed axis spans exactly the declared range; a fitted one has none
                assert panel.limits == ((m.low, m.high) if m.chart.fixed else None)
                if m.chart.fixed:
                    assert m.low is not None and m.high is not None
    order = list(METRICS)
    for chart in charts.CHARTS:
        cols = [col for p in chart.panels for col in p.columns]
        assert cols == sorted(cols, key=order.index), chart.key  # panels in table order


def test_panels_whose_metrics_disagree_on_the_axis_are_refused(monkeypatch):
    clash = dict(METRICS)
    clash["budget_overhead"] = Metric(
        "budget_overhead", "x", "$M a year", 0.0, None, lambda m: 0.0,
        metrics.Plot("budget", METRICS["budget_aligned"].chart.title, fixed=True))
    monkeypatch.setattr(metrics, "METRICS", clash)
    with pytest.raises(ValueError, match="disagree"):
        metrics.chart_panels()


def test_label_falls_back_to_the_name():
    assert metrics.label("coherence") == "Coherence index (0-1)"
    assert metrics.label("replicate") == "replicate"
