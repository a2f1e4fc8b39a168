"""Cost of the per-school output: ``run_schools`` against ``run``, same scenario and seed.

``run_schools`` must cost at most 20% more than ``run`` (it keeps none of the monthly table, so
it may cost less). To see the per-school record's own cost, it also times a full ``run``
with and without ``Record(schools=True)``. The runs alternate, so a slow spell of the machine
hits both; the ratio is of the medians. Pin to one core for steadier numbers
(``taskset -c 0``).
Usage: python benchmarks/bench_schools.py [--students 20000] [--years 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import district_sim as ds
from district_sim import calendar
from district_sim.record import Record
from district_sim.simulation import simulate


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scenario", default="fragmented")
    args = ap.parse_args()
    overrides = {"district.students": args.students, "district.schools": max(1, args.students // 500)}
    settings = ds.load_scenario(args.scenario, overrides)
    months = calendar.months(args.years)
    cases = {
        "run": lambda: ds.run(settings, years=args.years, seed=0),
        "run_schools": lambda: ds.run_schools(settings, years=args.years, seed=0),
        "simulate": lambda: simulate(settings, 0, months).results(),
        "simulate+schools": lambda: simulate(settings, 0, months, record=Record(schools=True))
        .school_record.frame(),
    }
    for fn in cases.values():  # warm up imports and caches
        fn()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeats):
        for name, fn in cases.items():
            times[name].append(timed(fn))
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"scenario {args.scenario}, {args.students} students, {args.years} years, "
          f"median of {args.repeats} alternating runs")
    for name, t in times.items():
        print(f"  {name:<17} median {median[name]:.3f} s  (min {min(t):.3f}, max {max(t):.3f})")
    print(f"run_schools / run:                          {median['run_schools'] / median['run']:.3f}")
    print(f"full record with schools / without:        {median['simulate+schools'] / median['simulate']:.3f}")


if __name__ == "__main__":
    main()
