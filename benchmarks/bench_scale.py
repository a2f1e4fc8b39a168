"""Speed and memory of one run at 10,000 / 50,000 / 100,000 students over 10 years.

Each size runs in a fresh process (so peak memory is that run's own), on one core.
Prints student-steps per second (students x school months / seconds) and peak RSS.
Usage: python benchmarks/bench_scale.py [--sizes 10000 50000 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import district_sim as ds
from district_sim.model import DistrictModel
students, years, repeats, scenario = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
settings = ds.load_scenario(scenario, {"district.students": students,
                                       "district.schools": max(1, students // 500)})
times = []
for r in range(repeats):
    t0 = time.perf_counter()
    model = DistrictModel(settings, seed=r)
    model.run_for(years * 10)
    model.results()
    times.append(time.perf_counter() - t0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
print(json.dumps({"students": students, "best_s": min(times), "median_s": sorted(times)[len(times)//2],
                  "peak_mib": peak, "teachers": int(model.teachers.n)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="fragmented")
    args = ap.parse_args()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    print(f"scenario {args.scenario}, {args.years} years, best of {args.repeats}, one core")
    header = ("students", 9), ("teachers", 8), ("best s", 7), ("median s", 8), \
        ("student-steps/s", 16), ("peak MiB", 9)
    print(" ".join(f"{name:>{width}}" for name, width in header))
    for n in args.sizes:
        cmd = ["taskset", "-c", "0"] if os.path.exists("/usr/bin/taskset") else []
        out = subprocess.run(cmd + [sys.executable, "-c", CHILD, str(n), str(args.years),
                                    str(args.repeats), args.scenario],
                             capture_output=True, text=True, env=env, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rate = n * args.years * 10 / r["best_s"]
        print(f"{n:>9} {r['teachers']:>8} {r['best_s']:>7.3f} {r['median_s']:>8.3f} {rate:>16,.0f} "
              f"{r['peak_mib']:>9.0f}")


if __name__ == "__main__":
    main()
