"""district-sim in ten minutes: one run, a comparison with intervals, a small sweep, its results.

Read it top to bottom, then run it (about half a minute, nothing interactive):

    python examples/tutorial.py            # files in a new temporary folder
    python examples/tutorial.py FOLDER     # or in FOLDER (a new or empty one)

Every step uses a small district (1,500 students in 5 schools) and a few years so that it is
quick; the shipped scenarios are 20,000 students in 40 schools over 10 years. Figures are written
as PNG files, beside the sweep's folder; the folder's name is printed. CI runs this file
(``tests/test_docs.py``) and checks what it prints.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

import pandas as pd

import district_sim as ds
from district_sim import report
from district_sim.experiments import analyze, run_sweep

#: A small district: every scenario's other settings are kept.
SMALL = {"district.students": 1500, "district.schools": 5}


#: Where the figure and the sweep go.
work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="district-sim-tutorial-"))
work.mkdir(parents=True, exist_ok=True)
if (work / "sweep").exists():
    sys.exit(f"tutorial: {work / 'sweep'} holds an earlier sweep: remove it or choose another folder")


def step(title: str) -> None:
    print(f"\n== {title} ==")


# 1. One run. ``run`` returns the monthly table: one row a school month (ten a year), one column
#    a metric (``district_sim.metrics.METRICS`` says what each means, its unit and range).
step("1. one run of the focused scenario")
print("scenarios:", ", ".join(ds.list_scenarios()))
monthly = ds.run("focused", years=3, seed=1, overrides=SMALL)
print(f"{len(monthly)} months, {len(monthly.columns)} columns")
last = monthly.iloc[-1]
for metric in ("achievement", "coherence", "teacher_fatigue", "active_initiatives"):
    print(f"  {metric:20s} {last[metric]:.3f}")

# The run contract can record less: chosen metrics, once a year (or only the final month).
yearly = ds.run("focused", years=3, seed=1, overrides=SMALL, metrics=["achievement"], every="year")
print(f"yearly record: {len(yearly)} rows, achievement {yearly['achievement'].iloc[-1]:.3f} "
      "(the same run, fewer rows)")

# 2. A comparison. ``compare`` runs each scenario over replicates; replicate r has the same seed
#    in every scenario, so differences are paired. The table gives each metric's final-year mean
#    and 95% t-interval over replicates, bounded to the metric's range (a count never below 0).
step("2. fragmented vs focused, 6 replicates")
both = ds.compare(["fragmented", "focused"], years=3, replicates=6, seed=2, overrides=SMALL)
table = report.final_year_table(both)
print(report.format_table(table, ["achievement", "coherence", "active_initiatives"]))
focus = table.set_index("scenario").loc["focused"]
print(f"focused minus fragmented achievement: {focus['vs_first']:+.3f} "
      f"[{focus['vs_first_lo']:+.3f}, {focus['vs_first_hi']:+.3f}] SD (paired)")

figure = report.trajectories(both, work / "compare.png", title="fragmented vs focused")
print(f"figure: {figure}")

# 3. A sweep. An experiment file names a base scenario, the settings to vary, replicates, years
#    and what to record (docs/experiments.md). ``run_sweep`` writes part files as runs finish
#    (a killed sweep resumes with ``resume=True``) and results.parquet at the end.
step("3. a small sweep: initiatives a year x buffering")
experiment = work / "load.toml"
experiment.write_text(textwrap.dedent("""\
    name = "tutorial_load"
    base = "fragmented"
    seed = 3
    seeding = "common"
    replicates = 2
    years = 3

    [settings]
    district.students = 1500
    district.schools = 5

    [[vary]]
    setting = "strategy.initiatives_per_year"
    values = [1, 4]

    [[vary]]
    setting = "strategy.buffering"
    values = [0.1, 0.8]

    [record]
    metrics = ["achievement", "coherence", "teacher_fatigue"]
    every = "year"
    """))
sweep_dir = work / "sweep"
run_sweep(experiment, sweep_dir, workers=1, progress=False)
print("files:", ", ".join(sorted(p.name for p in sweep_dir.iterdir() if p.is_file()
                                 and not p.name.startswith("."))))

# 4. The results, with pandas (polars, DuckDB and pyarrow read the same file). One row a run and
#    recorded year; the varied settings are columns named by their dotted keys.
step("4. results.parquet with pandas")
results = pd.read_parquet(sweep_dir / "results.parquet")
print(f"{len(results)} rows, {results['run_id'].nunique()} runs")
final = results[results["year"] == results["year"].max()]
means = final.groupby(["strategy.initiatives_per_year", "strategy.buffering"])[
    ["achievement", "coherence", "teacher_fatigue"]].mean()
print(means.round(3).to_string())

# ``analyze`` (``district-sim analyze FOLDER`` on the command line) gives the same summaries with
# intervals, one table a varied setting, and figures in the folder.
summary = analyze(sweep_dir, figures=False)
print(f"analyze: {len(summary.tables)} tables ({', '.join(sorted(summary.tables))})")

print(f"\ndone; files in {work}")
