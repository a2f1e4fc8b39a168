"""The accepted parameter set: reading, writing, the headline and its range over the set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from district_sim.settings import SettingsError
from district_sim.validation import accepted

TINY = {"district.students": 600, "district.schools": 3}


def _frame(gaps_frag, gaps_sq, lows=None):
    lows = lows if lows is not None else [g - 0.01 for g in gaps_frag]
    return pd.DataFrame({"teachers.base_turnover": np.linspace(0.12, 0.15, len(gaps_frag)),
                         "focused_minus_fragmented": gaps_frag, "focused_minus_fragmented_low": lows,
                         "focused_minus_status_quo": gaps_sq,
                         "focused_minus_status_quo_low": [g - 0.01 for g in gaps_sq]})


def test_write_then_read_keeps_the_vectors_and_the_provenance(tmp_path):
    frame = _frame([0.1, 0.2], [0.05, 0.07])
    path = accepted.write(frame, {"command": "calibrate --x 1", "fingerprint": "abc"}, tmp_path / "a.csv")
    back = accepted.read(path)
    pd.testing.assert_frame_equal(back, frame)
    assert accepted.read_meta(path) == {"command": "calibrate --x 1", "fingerprint": "abc"}
    assert accepted.parameter_columns(back) == ["teachers.base_turnover"]


def test_unusable_files_name_themselves(tmp_path):
    with pytest.raises(SettingsError, match="no such file"):
        accepted.read(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("# command: x\na,b\n1,2\n")
    with pytest.raises(SettingsError, match="bad.csv: missing columns focused_minus_fragmented"):
        accepted.read(bad)
    with pytest.raises(ValueError, match="missing headline columns"):
        accepted.write(pd.DataFrame({"a": [1]}), {}, tmp_path / "x.csv")


def test_headline_range_counts_what_it_says():
    frame = _frame([0.02, 0.10, 0.30], [0.06, 0.40, 0.20], lows=[-0.01, 0.05, 0.2])
    table = accepted.headline_range(frame).set_index("contrast")
    frag, sq = table.loc["focused_minus_fragmented"], table.loc["focused_minus_status_quo"]
    assert (frag["min"], frag["median"], frag["max"]) == (0.02, 0.10, 0.30)
    assert frag["above_zero"] == 2 and frag["in_range"] == 2  # 0.02 is below 0.08
    assert sq["in_range"] == 2 and sq["vectors"] == 3  # 0.40 is above 0.30


def test_headline_differences_are_paired_and_reproducible():
    """Same seeds give the same differences; a different seed gives different ones."""
    a = accepted.headline_differences(seeds=2, seed=3, size=TINY, years=2)
    b = accepted.headline_differences(seeds=2, seed=3, size=TINY, years=2)
    c = accepted.headline_differences(seeds=2, seed=4, size=TINY, years=2)
    assert set(a) == {k.key for k in accepted.CONTRASTS}
    for key in a:
        assert a[key].shape == (2,) and np.array_equal(a[key], b[key])
        assert not np.array_equal(a[key], c[key])
    summary = accepted.summarise(a)
    for key in a:
        assert summary[f"{key}_low"] <= summary[key] <= summary[f"{key}_high"]


def test_the_fingerprint_follows_the_defaults(monkeypatch):
    before = accepted.settings_fingerprint()
    assert before == accepted.settings_fingerprint() and len(before) == 12
    from district_sim import settings

    field = settings.Teachers.model_fields["base_turnover"]
    monkeypatch.setattr(field, "default", field.default + 0.01)
    settings.Teachers.model_rebuild(force=True)
    settings.Settings.model_rebuild(force=True)
    try:
        changed = accepted.settings_fingerprint()
    finally:
        monkeypatch.undo()
        settings.Teachers.model_rebuild(force=True)
        settings.Settings.model_rebuild(force=True)
    assert changed != before and accepted.settings_fingerprint() == before


AT_DEFAULTS = {"focused_minus_fragmented": 0.1, "focused_minus_fragmented_low": 0.05,
               "focused_minus_fragmented_high": 0.15, "focused_minus_status_quo": 0.03,
               "focused_minus_status_quo_low": -0.01, "focused_minus_status_quo_high": 0.07}


def test_the_headline_shows_the_defaults_beside_the_set_and_says_when_the_set_is_stale():
    frame = _frame([0.12, 0.20], [0.06, 0.09])
    fresh = {"command": "calibrate", "settings_fingerprint": accepted.settings_fingerprint()}
    text = accepted.headline_markdown(AT_DEFAULTS, 20, frame, fresh)
    assert "+0.100 [+0.050, +0.150] (inside 0.08-0.35, interval above 0)" in text
    assert "+0.030 [-0.010, +0.070] (below 0.05-0.3, interval not above 0)" in text
    assert "+0.120 - +0.200 (+0.160)" in text and "2 parameter vectors" in text and "Stale" not in text
    stale = accepted.headline_markdown(AT_DEFAULTS, 20, frame, {**fresh, "settings_fingerprint": "old"})
    assert "**Stale:**" in stale
    none = accepted.headline_markdown(AT_DEFAULTS, 20, None, None)
    assert "no accepted set" in none and "No accepted set is recorded" in none


def test_validate_reads_the_recorded_set(tmp_path, monkeypatch):
    """The command's headline section: the defaults over seeds and the recorded set's range."""
    from argparse import Namespace

    from district_sim.validation import commands

    monkeypatch.setattr(accepted, "HEADLINE_SIZE", TINY)
    path = accepted.write(_frame([0.12, 0.20], [0.06, 0.09]),
                          {"settings_fingerprint": accepted.settings_fingerprint()}, tmp_path / "a.csv")
    text = commands.headline_section(Namespace(replicates=2, seed=0), path)
    assert "over 2 seeds" in text and "+0.120 - +0.200" in text
    missing = commands.headline_section(Namespace(replicates=2, seed=0), tmp_path / "none.csv")
    assert "no such file" in missing


def test_the_shipped_set_is_not_empty_and_lies_in_the_searched_box():
    """Issue 12: a non-empty set of vectors passing every target, recorded with the package."""
    from district_sim.validation.calibrate import PINNED, UNPINNED

    frame = accepted.read()
    assert len(frame) >= 1
    for name, (low, high) in {**PINNED, **UNPINNED}.items():
        assert frame[name].between(low, high).all(), name
    for c in accepted.CONTRASTS:
        low, mean, high = (frame[f"{c.key}{end}"] for end in ("_low", "", "_high"))
        assert (low <= mean).all() and (mean <= high).all()
    assert {"command", "settings_fingerprint", "targets"} <= set(accepted.read_meta())
