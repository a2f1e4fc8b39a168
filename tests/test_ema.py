"""The EMA Workbench connector: parameters mapped from the schema, ranges checked against it,
EMA's reserved names refused, seeds independent and reproducible, outcomes those of
``district_sim.outcomes`` for the same seed, and the shipped example runs."""

from __future__ import annotations

import subprocess
import sys
import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

import district_sim as ds

pytestmark = pytest.mark.skipif(find_spec("ema_workbench") is None,
                                reason='needs the EMA Workbench: pip install -e ".[ema]"')

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ema_workbench_study.py"
TINY = {"district.students": 600, "district.schools": 2}


@pytest.fixture(scope="module")
def ema():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA warns on import that ipyparallel is missing
        from district_sim import ema
    return ema


@pytest.fixture(scope="module")
def workbench():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
    return ema_workbench


def _experiments(workbench, model, scenarios=4, policies=0, **kwargs):
    kwargs.setdefault("uncertainty_sampling_kwargs", {"rng": 3})
    kwargs.setdefault("lever_sampling_kwargs", {"rng": 4})
    with workbench.SequentialEvaluator(model) as evaluator:
        return evaluator.perform_experiments(scenarios=scenarios, policies=policies, log_progress=True,
                                             **kwargs)


# --- parameters ----------------------------------------------------------------------------------


def test_each_kind_of_setting_becomes_its_kind_of_parameter(ema, workbench):
    model = ema.build_model(
        scenario=["fragmented", "focused"],
        uncertainties={"capacity.teacher_attention": (0.5, 2.0), "district.class_size": (20, 24),
                       "mechanisms.fatigue": None, "budget.layoff_rule": ["seniority", "effectiveness"]},
        levers={"strategy.buffering": (0.1, 0.9), "mechanisms.turnover": [False, True]},
        overrides=TINY)
    kinds = {p.name: type(p).__name__ for p in [*model.uncertainties, *model.levers]}
    assert kinds == {"capacity__teacher_attention": "RealParameter",
                     "district__class_size": "IntegerParameter", "mechanisms__fatigue": "BooleanParameter",
                     "budget__layoff_rule": "CategoricalParameter",
                     "strategy__buffering": "RealParameter", "mechanisms__turnover": "BooleanParameter",
                     "scenario_name": "CategoricalParameter"}
    attention = model.uncertainties["capacity__teacher_attention"]
    assert (attention.lower_bound, attention.upper_bound) == (0.5, 2.0)
    assert attention.variable_name == ["capacity.teacher_attention"]  # what the district receives
    size = model.uncertainties["district__class_size"]
    assert (size.lower_bound, size.upper_bound) == (20, 24)
    assert [c.value for c in model.levers["scenario_name"].categories] == ["fragmented", "focused"]
    assert [o.name for o in model.outcomes] == ["achievement", "seeds"]


def test_ema_names_map_to_dotted_keys_both_ways(ema):
    from district_sim.settings import setting_keys

    for key in setting_keys():
        assert ema.setting_key(ema.ema_name(key)) == key
        assert ema.ema_name(key).isidentifier()


def test_names_choose_other_ema_names(ema):
    model = ema.build_model(uncertainties={"capacity.teacher_attention": (0.5, 2.0)},
                            names={"capacity.teacher_attention": "attention"}, overrides=TINY)
    assert [p.name for p in model.uncertainties] == ["attention"]
    assert model.uncertainties["attention"].variable_name == ["capacity.teacher_attention"]


def test_the_scenario_can_vary_as_an_uncertainty_or_stay_fixed(ema):
    as_world = ema.build_model(scenario=["focused", "fragmented"], scenario_as="uncertainty", overrides=TINY)
    assert [p.name for p in as_world.uncertainties] == ["scenario_name"] and not list(as_world.levers)
    fixed = ema.build_model(scenario="fragmented", overrides=TINY)
    assert not list(fixed.levers) and not list(fixed.uncertainties)


# --- ranges checked against the schema --------------------------------------------------------------


@pytest.mark.parametrize("specs, says", [
    ({"strategy.buffering": (0.2, 1.5)}, r"strategy\.buffering: range \(0\.2, 1\.5\) reaches outside .*<= 1"),
    ({"strategy.buffering": (-0.1, 0.5)}, r"strategy\.buffering: .*allowed: float >= 0 and <= 1"),
    ({"district.class_size": (1, 2.5)}, r"district\.class_size is a whole number"),
    ({"district.class_size": (0, 3)}, r"district\.class_size: range .*>= 1"),
    ({"strategy.buffering": (0.5, 0.5)}, r"strategy\.buffering: a range needs two numbers, low < high"),
    ({"strategy.buffering": (0.5, float("nan"))}, r"strategy\.buffering: a range needs two numbers"),
    ({"strategy.buffering": 0.5}, r"strategy\.buffering: a range is a tuple \(low, high\)"),
    ({"strategy.buffering": [0.5]}, r"strategy\.buffering: a list of values needs at least two"),
    ({"strategy.buffering": [0.5, 2.0]}, r"strategy\.buffering"),
    ({"mechanisms.fatigue": (0, 1)}, r"mechanisms\.fatigue is a switch: give its values as a list"),
    ({"budget.layoff_rule": ["seniority", "lottery"]}, r"budget\.layoff_rule"),
    ({"budget.layoff_rule": ("a", "b")}, r"budget\.layoff_rule is a name"),
    ({"strategy.bufering": (0.1, 0.2)}, r"strategy\.bufering"),
    ({"strategy": (0.1, 0.2)}, r"'strategy' is not a dotted setting"),
    ({"shocks": [1, 2]}, r"'shocks' is not a dotted setting"),
])
def test_a_range_outside_the_schema_names_the_setting_and_the_allowed_range(ema, specs, says):
    with pytest.raises(ValueError, match=says):
        ema.build_model(uncertainties=specs, overrides=TINY)


@pytest.mark.parametrize("kwargs, says", [
    ({"years": "10"}, "years must be"),
    ({"replications": 0}, "replications must be a whole number between 1 and 10000"),
    ({"replications": True}, "replications must be"),
    ({"seeds": "random"}, "seeds must be one of 'independent', 'per_scenario', 'common'"),
    ({"aggregate": "median"}, "aggregate must be one of"),
    ({"outcomes": ["achievment"]}, "achievment"),
    ({"outcomes": ["year"]}, "outcomes must name metrics"),
    ({"seed": -1}, "seed must be a whole number"),
    ({"name": "my district"}, "name must be a Python identifier"),
    ({"overrides": [("district.students", 600)]}, "overrides must be a dict"),
    ({"scenario": ["focused"]}, "a list of two or more different scenario names"),
    ({"scenario": ["focused", "nowhere"]}, "nowhere"),
    ({"uncertainties": {"strategy.buffering": (0.1, 0.2)}, "levers": {"strategy.buffering": (0.1, 0.2)}},
     "strategy.buffering is both an uncertainty and a lever"),
    ({"uncertainties": {"district.schools": (1, 2)}}, "district.schools is varied and also held fixed"),
    ({"names": {"strategy.alignment": "a"}}, "names: 'strategy.alignment' is not one of the varied"),
])
def test_bad_arguments_are_refused_before_anything_runs(ema, kwargs, says):
    kwargs = {"overrides": TINY, **kwargs}
    with pytest.raises(ValueError, match=says):
        ema.build_model(**kwargs)


# --- EMA's reserved names ---------------------------------------------------------------------------


@pytest.mark.parametrize("reserved", ["scenario", "policy", "model"])
def test_a_parameter_named_like_emas_own_columns_is_refused_with_the_way_out(ema, reserved):
    with pytest.raises(ValueError, match=rf"'{reserved}' is not a dotted setting.*EMA's own result columns"):
        ema.build_model(levers={reserved: ["fragmented", "focused"]}, overrides=TINY)
    with pytest.raises(ValueError, match=rf"EMA name '{reserved}' for strategy.buffering is one of EMA's own "
                                         r"result columns.*rename it.*'strategy__buffering'.*'__'"):
        ema.build_model(levers={"strategy.buffering": (0.1, 0.9)}, names={"strategy.buffering": reserved},
                        overrides=TINY)


def test_the_scenario_clash_says_how_to_vary_the_scenario(ema):
    with pytest.raises(ValueError, match=r"scenario=\[\.\.\.\] \(EMA name 'scenario_name'\)"):
        ema.build_model(levers={"scenario": ["fragmented", "focused"]}, overrides=TINY)


@pytest.mark.parametrize("taken", ["replications", "name", "outcomes"])
def test_a_name_emas_model_would_take_for_itself_is_refused(ema, taken):
    with pytest.raises(ValueError, match=f"EMA name '{taken}' .* attribute of EMA's model"):
        ema.build_model(levers={"strategy.buffering": (0.1, 0.9)}, names={"strategy.buffering": taken},
                        overrides=TINY)


@pytest.mark.parametrize("names, says", [
    ({"strategy.buffering": "x", "strategy.alignment": "x"}, "'x' for strategy.alignment .* another"),
    ({"strategy.buffering": "scenario_name"}, "the scenario's parameter"),
    ({"strategy.buffering": "strategy.buffering"}, "must be a Python identifier"),
])
def test_names_must_be_identifiers_and_each_its_own(ema, names, says):
    with pytest.raises(ValueError, match=says):
        ema.build_model(levers={"strategy.buffering": (0.1, 0.9), "strategy.alignment": (0.1, 0.9)},
                        names=names, overrides=TINY)


# --- seeds -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def study(ema, workbench):
    """6 worlds x 2 strategies x 3 replications, with every replication kept."""
    model = ema.build_model(
        scenario=["fragmented", "focused"], uncertainties={"capacity.teacher_attention": (0.5, 2.0),
                                                           "mechanisms.fatigue": None},
        outcomes=["achievement", "teacher_turnover"], years=2, replications=3, seed=11, overrides=TINY,
        keep_replications=True)
    experiments, out = _experiments(workbench, model, scenarios=6, policies=2,
                                    lever_sampling=workbench.Samplers.FF)
    return model, experiments, out


def test_seeds_differ_across_replications_and_experiments(study):
    _, experiments, out = study
    seeds = out["seeds"]
    assert seeds.shape == (len(experiments), 3) == (12, 3)
    assert len(np.unique(seeds)) == seeds.size
    assert out["achievement_replications"].shape == (12, 3)
    assert len(np.unique(out["achievement_replications"])) == 36  # 36 different districts


def test_the_same_design_gives_the_same_seeds_and_outcomes(study, workbench):
    model, experiments, out = study
    _, out2 = _experiments(workbench, model, scenarios=6, policies=2, lever_sampling=workbench.Samplers.FF)
    np.testing.assert_array_equal(out["seeds"], out2["seeds"])
    np.testing.assert_array_equal(out["achievement_replications"], out2["achievement_replications"])


def test_outcomes_are_those_of_district_sim_outcomes_for_the_same_seed(study, ema):
    _, experiments, out = study
    for i in (0, 7, 11):
        row = experiments.iloc[i]
        overrides = {**TINY, "capacity.teacher_attention": float(row["capacity__teacher_attention"]),
                     "mechanisms.fatigue": bool(row["mechanisms__fatigue"])}
        for r in range(3):
            expect = ds.outcomes(str(row["scenario_name"]), 2, int(out["seeds"][i, r]), overrides,
                                 metrics=["achievement", "teacher_turnover"])
            assert out["achievement_replications"][i, r] == expect["achievement"]
            assert out["teacher_turnover_replications"][i, r] == expect["teacher_turnover"]


def test_the_seed_of_a_replication_is_reproducible_from_its_inputs(study, ema):
    model, experiments, out = study
    row = experiments.iloc[4]
    inputs = {"capacity.teacher_attention": row["capacity__teacher_attention"],
              "mechanisms.fatigue": row["mechanisms__fatigue"], "scenario": str(row["scenario_name"])}
    assert [model.function.seed_for(inputs, r) for r in range(3)] == list(out["seeds"][4])
    by_ema_name = {"capacity__teacher_attention": inputs["capacity.teacher_attention"],
                   "mechanisms__fatigue": inputs["mechanisms.fatigue"], "scenario_name": inputs["scenario"]}
    assert model.function.seed_for(by_ema_name, 2) == out["seeds"][4, 2]


def _two_strategies(ema, workbench, seeds):
    model = ema.build_model(scenario=["fragmented", "focused"],
                            uncertainties={"capacity.teacher_attention": (0.5, 2.0)}, years=1,
                            replications=2, seed=5, seeds=seeds, overrides=TINY)
    return _experiments(workbench, model, scenarios=3, policies=2, lever_sampling=workbench.Samplers.FF)


def test_per_scenario_seeds_pair_the_strategies_within_each_world(ema, workbench):
    experiments, out = _two_strategies(ema, workbench, "per_scenario")
    seeds = {(w, s): tuple(out["seeds"][i]) for i, (w, s) in
             enumerate(zip(experiments["scenario"], experiments["scenario_name"], strict=True))}
    worlds = experiments["scenario"].unique()
    for world in worlds:
        assert seeds[(world, "focused")] == seeds[(world, "fragmented")]
    assert len({seeds[(w, "focused")] for w in worlds}) == len(worlds)


def test_common_seeds_are_compares_replicate_seeds_in_every_experiment(ema, workbench):
    experiments, out = _two_strategies(ema, workbench, "common")
    assert (out["seeds"] == np.array(ds.replicate_seeds(5, 2))).all()
    _, independent = _two_strategies(ema, workbench, "independent")
    assert len(np.unique(independent["seeds"])) == independent["seeds"].size


def test_outcomes_average_over_replications_unless_kept(ema, workbench, study):
    model = ema.build_model(
        scenario=["fragmented", "focused"], uncertainties={"capacity.teacher_attention": (0.5, 2.0),
                                                           "mechanisms.fatigue": None},
        outcomes=["achievement", "teacher_turnover"], years=2, replications=3, seed=11, overrides=TINY)
    _, averaged = _experiments(workbench, model, scenarios=6, policies=2,
                               lever_sampling=workbench.Samplers.FF)
    _, _, kept = study
    np.testing.assert_allclose(averaged["achievement"], kept["achievement_replications"].mean(axis=1),
                               rtol=0, atol=1e-15)
    assert averaged["achievement"].shape == (12,)


def test_a_trajectory_is_an_array_outcome_of_one_value_a_month(ema, workbench):
    model = ema.build_model(uncertainties={"capacity.teacher_attention": (0.5, 2.0)}, aggregate="trajectory",
                            years=2, replications=2, overrides=TINY)
    assert type(model.outcomes["achievement_trajectory"]).__name__ == "ArrayOutcome"
    experiments, out = _experiments(workbench, model, scenarios=2)
    assert out["achievement_trajectory"].shape == (2, 20)
    row = experiments.iloc[1]
    runs = [ds.outcomes("focused", 2, int(s), {**TINY, "capacity.teacher_attention":
                                               float(row["capacity__teacher_attention"])},
                        metrics=["achievement"], aggregate="trajectory")["achievement"]
            for s in out["seeds"][1]]
    np.testing.assert_allclose(out["achievement_trajectory"][1], np.mean(runs, axis=0), rtol=0, atol=1e-15)


def test_outcome_names_carry_the_aggregate_so_a_name_keeps_its_kind(ema):
    assert ema.outcome_name("achievement") == "achievement"
    assert ema.outcome_name("achievement", "mean") == "achievement_mean"
    assert ema.outcome_name("coherence", "trajectory", True) == "coherence_trajectory_replications"
    for aggregate in ("final", "final_year", "mean", "trajectory"):  # EMA refuses one name as two kinds
        for keep in (False, True):
            ema.build_model(outcomes=["achievement"], aggregate=aggregate, keep_replications=keep,
                            overrides=TINY)


def test_numpy_switches_and_whole_numbers_are_taken(ema):
    model = ema.build_model(overrides={**TINY, "mechanisms.fatigue": np.bool_(False),
                                       "district.schools": np.int64(2)},
                            uncertainties={"mechanisms.turnover": [np.False_, np.True_]})
    got = model.function(**{"mechanisms.turnover": np.True_, "replication": np.int64(0)})
    expect = ds.outcomes("focused", 10, got["seed"], {**TINY, "mechanisms.fatigue": False,
                                                      "mechanisms.turnover": True}, metrics=["achievement"])
    assert got["achievement"] == expect["achievement"]


# --- packaging and the example ------------------------------------------------------------------------


def test_without_the_workbench_the_import_error_says_what_to_install():
    code = ("import sys; sys.modules['ema_workbench'] = None\n"
            "try:\n    import district_sim.ema\nexcept ImportError as e:\n    print(e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert 'pip install "district-sim[ema]"' in r.stdout


def test_the_core_never_imports_the_workbench():
    code = "import sys, district_sim; ds = district_sim.run; print('ema_workbench' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert r.stdout.strip() == "False"


def test_the_example_runs_a_study_and_prints_a_prim_box():
    r = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "64 runs over 32 worlds" in r.stdout
    assert "PRIM box" in r.stdout and "coverage" in r.stdout and "density" in r.stdout
    assert "__" in r.stdout.split("PRIM box", 1)[1]  # the box restricts some settings


POOLED = """
import numpy as np
from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator
from district_sim import ema

if __name__ == "__main__":
    model = ema.build_model(uncertainties={"capacity.teacher_attention": (0.5, 2.0)}, years=1,
                            replications=2, overrides={"district.students": 600, "district.schools": 2})
    design = {"scenarios": 4, "uncertainty_sampling_kwargs": {"rng": 3}, "log_progress": True}
    with SequentialEvaluator(model) as evaluator:
        _, alone = evaluator.perform_experiments(**design)
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        _, pooled = evaluator.perform_experiments(**design)
    same = [np.array_equal(alone[k], pooled[k]) for k in ("seeds", "achievement")]
    print(*same, len(np.unique(pooled["achievement"])))
"""


def test_two_worker_processes_give_the_sequential_results(tmp_path):
    """EMA's multiprocessing evaluator pickles the model to its workers: same seeds, same numbers.
    In a fresh process: EMA's pool forks, which a test process with threads should not do."""
    script = tmp_path / "pooled.py"
    script.write_text(POOLED)
    r = subprocess.run([sys.executable, "-W", "ignore", str(script)], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "True", "4"]
