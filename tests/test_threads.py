"""BLAS threads: one while the model computes, unless the user says otherwise."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import district_sim as ds
from district_sim.model import DistrictModel
from district_sim.simulation import simulate
from district_sim.threads import ENV, blas_threads

SMALL = {"district.students": 600, "district.schools": 3}


def _blas_threads_now() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


class _Spy(DistrictModel):
    """Notes the BLAS thread counts in force while each month is computed."""

    def _school_month(self) -> None:
        self.seen = getattr(self, "seen", []) + _blas_threads_now()
        super()._school_month()


def test_the_model_computes_on_one_blas_thread_by_default(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    before = _blas_threads_now()
    model = simulate(ds.load_scenario("status_quo", SMALL), 1, 3, district=_Spy)
    assert model.threads == 1 and set(model.seen) == {1}
    assert _blas_threads_now() == before  # the user's own numpy keeps its threads


def test_the_environment_and_the_argument_choose_more(monkeypatch):
    monkeypatch.setenv(ENV, "2")
    model = simulate(ds.load_scenario("status_quo", SMALL), 1, 2, district=_Spy)
    assert model.threads == 2 and model.seen and set(model.seen) == {2}
    model = simulate(ds.load_scenario("status_quo", SMALL), 1, 2, district=_Spy, threads=1)
    assert model.threads == 1 and set(model.seen) == {1}   # the argument wins


def test_more_threads_change_results_at_most_in_the_last_bits():
    """BLAS may split a long sum between threads, so only one thread is bit-identical
    everywhere; two differ by rounding (about 1e-16 at 100,000 students)."""
    size = {"district.students": 20_000, "district.schools": 40}
    one = ds.run("fragmented", years=1, seed=3, overrides=size, threads=1)
    two = ds.run("fragmented", years=1, seed=3, overrides=size, threads=2)
    np.testing.assert_allclose(one.select_dtypes("number").to_numpy(),
                               two.select_dtypes("number").to_numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2", 1000])
def test_a_bad_thread_count_names_the_argument(bad):
    with pytest.raises(ValueError, match="threads must be a whole number between 1 and 256"):
        ds.run("status_quo", years=1, overrides=SMALL, threads=bad)


@pytest.mark.parametrize("raw", ["zero", "0", "1.5"])
def test_a_bad_environment_value_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv(ENV, raw)
    with pytest.raises(ValueError, match=ENV):
        blas_threads()
    with pytest.raises(ValueError, match=ENV):
        ds.compare(["status_quo"], years=1, replicates=1, overrides=SMALL)
