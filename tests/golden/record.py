"""Output fingerprints that a renovation must leave bit-identical.

``python tests/golden/record.py`` writes ``hashes.json`` beside this file; ``test_golden.py``
recomputes the same fingerprints and compares. They cover every named scenario, a compare,
a small sweep (one and two workers), the validation probes and the lever decomposition on
small districts, and one page replay with a lever change, an injected shock and a fork.
BLAS runs on one thread (threadpoolctl), as sums split over threads may round differently.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SMALL = {"district.students": 1500, "district.schools": 5}


def digest(df: pd.DataFrame) -> str:
    """sha256 of a table's column names, dtypes and values (row order kept)."""
    h = hashlib.sha256()
    h.update(json.dumps([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def scenario_runs() -> dict[str, str]:
    import district_sim as ds

    return {f"run:{name}": digest(ds.run(name, years=8, seed=3, overrides=SMALL))
            for name in ds.list_scenarios()}


def compare_run() -> dict[str, str]:
    import district_sim as ds

    df = ds.compare(["fragmented", "focused"], years=5, replicates=3, seed=7, overrides=SMALL)
    return {"compare": digest(df)}


SWEEP = """
name = "golden"
base = "focused"
seed = 5
seeding = "common"
replicates = 2
years = 4
[settings]
district.students = 800
district.schools = 4
[shock]
year = 2
duration_years = 1.5
[[vary]]
setting = "scenario"
values = ["fragmented", "focused"]
[[vary]]
setting = "shock.kind"
values = ["budget_cut", "superintendent_turnover", "state_mandate", "pandemic",
          "enrollment_decline", "teacher_shortage"]
[[vary]]
setting = "shock.severity"
values = [0.0, 0.6]
[record]
metrics = ["achievement", "coherence", "budget", "enrollment", "teacher_turnover"]
every = "year"
"""


def sweep_runs() -> dict[str, str]:
    from district_sim.experiments.runner import run_sweep

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "golden.toml"
        path.write_text(SWEEP)
        for workers in (1, 2):
            df = run_sweep(path, Path(tmp) / f"out{workers}", workers=workers, progress=False)
            out[f"sweep:workers={workers}"] = digest(df.reset_index(drop=True))
    return out


def validation_runs() -> dict[str, str]:
    from district_sim.validation import decompose, probes

    size = {"district.students": 1200, "district.schools": 4}
    stats = {
        "workforce": probes.workforce(1, years=4, size=size),
        "superintendents": probes.superintendents(1, years=30),
        "coaching": probes.coaching(1, treated_schools=2, schools=4, per_school=200),
        "pandemic": probes.pandemic(1, size=size),
    }
    out = {f"probe:{k}": hashlib.sha256(json.dumps(v, sort_keys=True).encode()).hexdigest()
           for k, v in stats.items()}
    import district_sim as ds

    base = ds.load_scenario("fragmented", size)
    target = ds.load_scenario("focused", size)
    levers = decompose.differing_levers(base, target)
    combos = decompose.coalition_settings(base, levers)
    values = decompose.coalition_values(combos[:8], [11, 12], years=3)
    out["decompose:values"] = hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()
    return out


def page_replay() -> dict[str, str]:
    from district_sim.ui.session import Comparison

    page = Comparison(students=1500, schools=5, seed=4)
    for _ in range(13):
        page.step()
    page.set_lever("right", "strategy.buffering", "0.3")
    page.inject("pandemic", "all")
    for _ in range(8):
        page.step()
    page.fork("left", "strategy.initiatives_per_year", "2")
    page.step_year()
    page.inject("budget_cut", "both")
    for _ in range(12):
        page.step()
    out = {}
    for line in page.series(["achievement", "coherence", "budget", "teacher_fatigue"]):
        df = pd.DataFrame(line["values"])
        out[f"page:{line['key']}"] = digest(df)
    out["page:labels"] = hashlib.sha256(
        json.dumps([(s["key"], s["label"], s["start"]) for s in page.series([])]).encode()).hexdigest()
    return out


def fingerprints() -> dict[str, str]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        out = {}
        for part in (scenario_runs, compare_run, sweep_runs, validation_runs, page_replay):
            out.update(part())
    return out


#: The libraries whose arithmetic the fingerprints depend on: a new release may move the last
#: bits of a sum or of a random draw's transform without any change to this project (the
#: fingerprints of 3e97b5a, recorded with earlier releases, all moved under numpy 2.5.5,
#: pandas 3.1.1, scipy 1.18.1 and mesa 3.5.1).
LIBRARIES = ("numpy", "pandas", "scipy", "mesa", "pyarrow")


def libraries() -> dict[str, str]:
    """Python's and each of LIBRARIES' version, as installed."""
    from importlib.metadata import version

    found = {"python": sys.version.split()[0]}
    found.update({name: version(name) for name in LIBRARIES})
    return found


if __name__ == "__main__":
    import subprocess

    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            cwd=HERE).stdout.strip()
    result = {"commit": commit, "libraries": libraries(), "hashes": fingerprints()}
    (HERE / "hashes.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"{len(result['hashes'])} fingerprints from {commit}", file=sys.stderr)
