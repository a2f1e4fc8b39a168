"""Scenario discovery with the EMA Workbench: where does a focused strategy stop paying?

The district model runs as an EMA ``ReplicatorModel`` (:mod:`district_sim.ema`). The two
strategies are the levers (the scenario names ``fragmented`` and ``focused``); five settings no
study pins down well are the uncertainties, sampled by Latin hypercube over plausible ranges.
Both strategies face the same random district and shocks under each sampled world
(``seeds="per_scenario"``: common random numbers), so their difference is paired. PRIM then
finds the box of worlds where focused beats fragmented by less than ``MARGIN`` SD of final-year
achievement.

    pip install -e ".[ema]"
    python examples/ema_workbench_study.py            # about 10 s on one core

Small districts (2,000 students in 6 schools, 8 years) keep it quick; the numbers are
illustrative, not the validated headline (see docs/validation.md).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore", message="ipyparallel not installed")  # EMA's, on import

from ema_workbench import Samplers, SequentialEvaluator  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

from district_sim import ema  # noqa: E402

#: Focused "does not clearly pay" where it beats fragmented by less than this: a tenth of a
#: student SD, about the size education research calls a meaningful effect of a programme.
MARGIN = 0.1
WORLDS = 32        # sampled uncertainties: 32 worlds x 2 strategies = 64 runs
DESIGN_SEED = 7    # the Latin hypercube's seed: the same design, and so the same box, every time

UNCERTAINTIES = {
    "capacity.teacher_attention": (0.5, 3.0),           # how much new work a teacher can absorb
    "leadership.superintendent_tenure_years": (2.0, 10.0),
    "teachers.base_turnover": (0.08, 0.25),
    "initiatives.implementation_threshold": (0.2, 0.6),  # depth an initiative needs before it pays
    "initiatives.learning_rate": (0.03, 0.09),
}


def district_model():
    return ema.build_model(
        "district", scenario=["fragmented", "focused"], uncertainties=UNCERTAINTIES,
        outcomes=["achievement", "teacher_fatigue"], aggregate="final", years=8, seed=2026,
        seeds="per_scenario", overrides={"district.students": 2000, "district.schools": 6})


def focused_advantage(experiments: pd.DataFrame, outcomes: dict) -> pd.DataFrame:
    """One row a sampled world: its uncertainties and focused minus fragmented achievement."""
    frame = experiments.assign(achievement=outcomes["achievement"])
    wide = frame.pivot_table(index="scenario", columns="scenario_name", values="achievement", observed=True)
    worlds = frame.drop_duplicates("scenario").set_index("scenario")[[ema.ema_name(k) for k in UNCERTAINTIES]]
    return worlds.assign(advantage=wide["focused"] - wide["fragmented"]).reset_index(drop=True)


def main() -> None:
    model = district_model()
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=WORLDS, policies=2, lever_sampling=Samplers.FF,
            uncertainty_sampling_kwargs={"rng": DESIGN_SEED}, log_progress=True)
    worlds = focused_advantage(experiments, outcomes)
    small = (worlds["advantage"] < MARGIN).to_numpy()
    print(f"{len(experiments)} runs over {len(worlds)} worlds; focused beats fragmented by "
          f"{worlds['advantage'].mean():+.3f} SD on average (from {worlds['advantage'].min():+.3f} "
          f"to {worlds['advantage'].max():+.3f}); by less than {MARGIN} SD in {small.sum()} worlds")
    if not small.any() or small.all():
        print("PRIM needs worlds on both sides of the margin; widen the ranges or change MARGIN")
        return
    finder = prim.Prim(worlds.drop(columns="advantage"), small, peel_alpha=0.1, mass_min=0.1)
    box = finder.find_box()
    # the densest box that still holds at least half of the worlds where focused does not clearly pay
    trajectory = box.peeling_trajectory
    choice = int(trajectory[trajectory["coverage"] >= 0.5]["density"].idxmax())
    box.select(choice)
    print(f"\nPRIM box {choice}: where focused beats fragmented by less than {MARGIN} SD "
          f"(EMA names: a setting's dotted key with '.' written '__')")
    box.inspect()
    _, limits = box.inspect(style="data")[0]
    where = [f"{ema.setting_key(name)} {row.iloc[0]:.3g} to {row.iloc[1]:.3g}"
             for name, row in limits.iterrows()]
    print(f"\nIn words: focused beats fragmented by less than {MARGIN} SD in {box.density:.0%} of the "
          f"worlds with {', '.join(where)}; the box holds {box.coverage:.0%} of the worlds where it does so")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    pd.set_option("display.width", 120)
    main()
