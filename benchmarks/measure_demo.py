"""Re-measure the classroom demo's year-10 gap and its fork (the figures docs/teaching.md quotes).

``python benchmarks/measure_demo.py`` (seeds 0-7, about 30 s)."""
import numpy as np

from district_sim.ui.classroom import DEMO_SCHOOLS, DEMO_STUDENTS, Director
from district_sim.ui.session import Comparison, Setup

gaps, branch = [], []
for seed in range(8):
    c = Comparison(Setup(), students=DEMO_STUDENTS, schools=DEMO_SCHOOLS, seed=seed)
    d = Director(c)
    while c.months < 100:
        d.tick()
    left, right = c.latest("left")["achievement"], c.latest("right")["achievement"]
    gaps.append(right - left)
    b = [k for k in c.lines if k.startswith("branch")]
    if b:
        branch.append(c.latest(b[0])["achievement"] - left)
print("demo gap", np.round(gaps, 3), round(float(np.mean(gaps)), 3))
print("branch above its old self", np.round(branch, 3), round(float(np.mean(branch)), 3))
