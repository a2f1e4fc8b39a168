"""Experiments: parameter sweeps, replicates and sensitivity analysis, locally or on Dask.

An experiment file (``experiments/*.toml``, see ``docs/experiments.md``) names a base
scenario, the settings to vary, a design (factorial, Latin hypercube, Sobol, Morris),
replicates, years and the metrics to keep. :func:`run_sweep` runs it and returns the tidy
results; :func:`analyze` summarises a finished sweep's folder.
"""

from .files import load_experiment
from .runner import run_sweep


def analyze(folder, metrics=None, figures=True):
    """Summary tables, figures and (for Morris/Sobol designs) sensitivity indices of a sweep
    folder; see :func:`district_sim.experiments.analysis.analyze`."""
    from .analysis import analyze as _analyze

    return _analyze(folder, metrics=metrics, figures=figures)


__all__ = ["analyze", "load_experiment", "run_sweep"]
