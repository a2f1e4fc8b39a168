"""Shared helpers: small districts keep the suite fast; claims are tested over seeds."""

from __future__ import annotations

import numpy as np
import pytest

import district_sim as ds
from district_sim.report import interval

SMALL = {"district.students": 3000, "district.schools": 6}


def final(df, column="achievement"):
    return float(df[column].iloc[-1])


def paired_interval(a_values, b_values):
    """95% interval of the mean paired difference a - b over seeds."""
    return interval(np.asarray(a_values) - np.asarray(b_values))


@pytest.fixture(scope="session")
def headline():
    """focused and fragmented over 20 seeds, 10 years, at a moderate size."""
    return ds.compare(["fragmented", "focused"], years=10, replicates=20, seed=0,
                      overrides={"district.students": 8000, "district.schools": 16})
