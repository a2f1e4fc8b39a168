"""district-sim: how many unconnected initiatives compare with a focused theory of action.

A Mesa agent-based model of a school district after Harvard's PELP Coherence Framework.
Start with :func:`run` and :func:`compare`; see ``docs/model.md`` for the model.
"""

from .api import compare, load_scenario, replicate_seeds, run
from .model import DistrictModel
from .scenarios import list_scenarios
from .settings import Settings, SettingsError

__version__ = "0.1.0"

__all__ = [
    "DistrictModel",
    "Settings",
    "SettingsError",
    "compare",
    "list_scenarios",
    "load_scenario",
    "replicate_seeds",
    "run",
    "__version__",
]
