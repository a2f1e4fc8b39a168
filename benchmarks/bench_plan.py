"""How long planning a large design takes (issue 14: a 1,000,000-run design in under 10 s).

Loads an experiment of ``--points`` design points x ``--replicates`` replicates (a
factorial over strategy.buffering), then writes its output folder's first files (manifest,
runs.parquet) as a sweep does before its first run, and prints each step's time and the
manifest's size. Usage: python benchmarks/bench_plan.py [--points 1000] [--replicates 1000] [--design lhs]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

EXPERIMENT = """
name = "bench_plan"
base = "focused"
replicates = {replicates}
seeding = "{seeding}"
years = 1
[settings]
district.students = 1000
district.schools = 2
[[vary]]
setting = "strategy.buffering"
range = [0.0, 0.9]
{design}
"""


def main() -> int:
    from district_sim.experiments import load_experiment, store

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--seeding", choices=["common", "independent"], default="independent")
    ap.add_argument("--design", choices=["factorial", "lhs"], default="factorial",
                    help="factorial: --points steps (at most 1000); lhs: --points samples (each validated)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        path = Path(tmp) / "plan.toml"
        design = (f"steps = {args.points}" if args.design == "factorial" else
                  f'[design]\nkind = "lhs"\nsamples = {args.points}')
        path.write_text(EXPERIMENT.format(design=design, replicates=args.replicates, seeding=args.seeding))
        t0 = time.perf_counter()
        exp = load_experiment(path)
        t1 = time.perf_counter()
        runs = exp.plan.runs()
        t2 = time.perf_counter()
        out = Path(tmp) / "out"
        with store.locked(out):
            store.prepare(out, exp, exp.plan, resume=False)
        t3 = time.perf_counter()
        size = (out / store.MANIFEST).stat().st_size
    total = t3 - t0
    print(f"{len(runs)} runs ({args.design}, {args.points} points x {args.replicates} replicates, "
          f"{args.seeding} seeds): "
          f"load and plan {t1 - t0:.2f} s, list runs {t2 - t1:.2f} s, first files {t3 - t2:.2f} s, "
          f"total {total:.2f} s (target < 10 s); manifest {size / 1e6:.1f} MB")
    return 0 if total < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
