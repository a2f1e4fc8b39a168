"""What users get: one whole ``district_sim.run()`` call against the numpy reference.

For each size (default 10,000, 100,000 and 1,000,000 students, ten years) a fresh process,
with nothing set in the environment and no ``taskset`` (what a user's script gets), imports
numpy and pandas first as a user's script would, then times, alternately and best of
``--repeats``: the whole ``district_sim.run("fragmented", years=10, ...)`` call (building,
stepping, recording, the DataFrame), and the step loop of the reference (bare numpy stepping
simplified district dynamics, ``../shared/bench/numpy_reference.py``) for the same students
and months. Prints both, their ratio and the process's peak memory (the run's; the reference
allocates a few MiB). Sweep scaling on 1 and 2 workers: ``benchmarks/bench_sweep.py``.

Figures the project aims at (issue 13): at most 3x the reference at 10,000 students, 4x at
100,000 (aim 2x), 3x at 1,000,000 and under 1 GiB. A busy machine reads slow: run twice.
Usage: python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--repeats 3]
       [--reference PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "bench" / "numpy_reference.py"

CHILD = r"""
import importlib.util, json, resource, sys, time
import numpy as np
import pandas as pd
import district_sim as ds

students, years, repeats, reference = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
spec = importlib.util.spec_from_file_location("numpy_reference", reference)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
months = years * 10
overrides = {"district.students": students, "district.schools": max(1, students // 500)}
model_s, ref_s = [], []
for r in range(repeats):
    t0 = time.perf_counter()
    df = ds.run("fragmented", years=years, seed=r, overrides=overrides)
    model_s.append(time.perf_counter() - t0)
    district = ref.District(students=students, seed=r)
    t0 = time.perf_counter()
    for _ in range(months):
        district.step()
    ref_s.append(time.perf_counter() - t0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
print(json.dumps({"students": students, "rows": len(df), "model_s": min(model_s), "ref_s": min(ref_s),
                  "peak_mib": peak}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    args = ap.parse_args()
    if not args.reference.is_file():
        sys.exit(f"bench_scale: --reference: no such file {str(args.reference)!r}")
    print(f"fragmented, {args.years} years, best of {args.repeats}, nothing set in the environment")
    print(f"{'students':>9} {'run() s':>8} {'reference s':>12} {'ratio':>6} {'peak MiB':>9}")
    for n in args.sizes:
        out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(args.years), str(args.repeats),
                              str(args.reference)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{n:>9} {r['model_s']:>8.3f} {r['ref_s']:>12.3f} {r['model_s'] / r['ref_s']:>6.2f} "
              f"{r['peak_mib']:>9.0f}")


if __name__ == "__main__":
    main()
