"""district-sim: how many unconnected initiatives compare with a focused theory of action.

A Mesa agent-based model of a school district after Harvard's PELP Coherence Framework.
Start with :func:`run` and :func:`compare` (:func:`run_schools` for one row a school and year,
:func:`outcomes` for one run's outcomes as a flat dict, what external tools read);
every face builds its districts with :func:`simulate` (settings, seed, months, what to record,
timed events); see ``docs/model.md`` for the model.
"""

from .api import compare, load_scenario, outcomes, replicate_seeds, run, run_schools
from .model import DistrictModel
from .record import Record
from .scenarios import list_scenarios
from .settings import Settings, SettingsError
from .simulation import Event, simulate

__version__ = "0.1.0"

__all__ = [
    "DistrictModel",
    "Event",
    "Record",
    "Settings",
    "SettingsError",
    "compare",
    "list_scenarios",
    "load_scenario",
    "outcomes",
    "replicate_seeds",
    "run",
    "run_schools",
    "simulate",
    "__version__",
]
