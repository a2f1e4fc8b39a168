"""Where a run's time goes: timers around each phase of the school month and the summer.

Wraps the phases the model calls (the teachers' and students' months, the monthly table, the
coherence elements, ...) with ``perf_counter`` timers, runs ``--runs`` districts after a warm-up,
and prints each phase's time a run and a month. The wrappers add about a microsecond a call,
so phases read slightly slow; the whole run's time is printed alongside. Nothing is set in the
environment. This is the profile quoted in docs/model.md 3 ("Speed as users run it").

Usage: python benchmarks/profile_month.py [--students 10000] [--years 10] [--runs 10]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable

import district_sim.model as model_module
from district_sim.api import load_scenario
from district_sim.mechanisms import coherence, implementation, learning
from district_sim.model import DistrictModel
from district_sim.record import MonthlyTable
from district_sim.simulation import simulate

SPENT: dict[str, float] = defaultdict(float)


def timed(owner: object, name: str, label: str) -> None:
    """Replace ``owner.name`` by a wrapper that adds its time to ``SPENT[label]``."""
    inner: Callable = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)


PHASES = [
    (implementation, "step_teachers", "teachers' month"),
    (implementation, "age_teachers", "teachers' experience"),
    (implementation, "classroom_effect", "classroom effect"),
    (learning, "step_students", "students' month"),
    (model_module, "summarise_students", "students' group means"),
    (coherence.Elements, "observe", "coherence elements"),
    (MonthlyTable, "collect", "monthly table"),
    (DistrictModel, "_school_month", "whole month"),
    (DistrictModel, "_summer", "summers"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    settings = load_scenario("fragmented", {"district.students": args.students,
                                             "district.schools": max(1, args.students // 500)})
    months = args.years * 10
    for owner, name, label in PHASES:
        timed(owner, name, label)
    for seed in range(3):  # warm-up
        simulate(settings, seed, months).results()
    SPENT.clear()
    start = time.perf_counter()
    for seed in range(args.runs):
        simulate(settings, seed, months).results()
    per_run = (time.perf_counter() - start) / args.runs
    print(f"fragmented, {args.students:,} students, {args.years} years: {per_run * 1e3:.1f} ms a run "
          f"(mean of {args.runs})")
    print(f"{'phase':<24} {'ms a run':>9} {'us a month':>11}")
    for label, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"{label:<24} {seconds / args.runs * 1e3:>9.1f} {seconds / args.runs / months * 1e6:>11.0f}")


if __name__ == "__main__":
    main()
