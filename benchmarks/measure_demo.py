"""Re-measure the classroom demo's year-10 figures that docs/teaching.md quotes.

``python benchmarks/measure_demo.py`` plays the scripted demo (its shocks and fork) on seeds
0-7 without a browser and prints the gap, the fork's gain and the rates the guide names; then
the "where focus stops paying" comparison (focused against unlimited_capacity and against
fragmented, ten years, seeds 0-5, at the page's default size).
"""

import numpy as np

from district_sim.ui.classroom import DEMO_SCHOOLS, DEMO_STUDENTS, Director
from district_sim.ui.session import DEFAULT_SCHOOLS, DEFAULT_STUDENTS, Comparison, Setup

RATES = ("attention_met", "teacher_fatigue", "teacher_turnover", "implementation_depth", "coherence")
SEEDS = range(8)


def year_ten(seed: int) -> dict[str, dict[str, float]]:
    c = Comparison(Setup(), students=DEMO_STUDENTS, schools=DEMO_SCHOOLS, seed=seed)
    director = Director(c)
    while c.months < 100:
        director.tick()
    return {key: c.latest(key) for key in c.lines}


def main() -> None:
    runs = [year_ten(seed) for seed in SEEDS]
    gap = [r["right"]["achievement"] - r["left"]["achievement"] for r in runs]
    fork = [r[k]["achievement"] - r["left"]["achievement"] for r in runs for k in r if k.startswith("branch")]
    print("gap, focused - fragmented:", np.round(gap, 3), "mean", round(float(np.mean(gap)), 3))
    print("fork above its old self:", np.round(fork, 3), "mean", round(float(np.mean(fork)), 3))
    for key in RATES:
        for side in ("left", "right"):
            v = [r[side][key] for r in runs]
            print(f"{key:22s} {side:5s} min {min(v):.2f} mean {np.mean(v):.2f} max {max(v):.2f}")
    boundary()


def boundary() -> None:
    """Focused against unlimited_capacity and against fragmented, as the page runs them."""
    import district_sim as ds

    size = {"district.students": DEFAULT_STUDENTS, "district.schools": DEFAULT_SCHOOLS}
    final = {name: [ds.run(name, years=10, seed=s, overrides=size)["achievement"].iloc[-1] for s in range(6)]
             for name in ("focused", "unlimited_capacity", "fragmented")}
    for other in ("unlimited_capacity", "fragmented"):
        d = np.array(final["focused"]) - np.array(final[other])
        print(f"focused - {other}, seeds 0-5:", np.round(d, 3), "mean", round(float(d.mean()), 3))


if __name__ == "__main__":
    main()
