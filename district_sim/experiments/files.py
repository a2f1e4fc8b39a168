"""Experiment files: where named ones live, and reading one into a checked plan.

Reading a file checks its own keys (:mod:`.spec`), then builds every design point
(:mod:`.design`), so a file that would fail mid-sweep fails when it is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from ..scenarios import named_files, resolve_named, search_dirs
from ..settings import SettingsError, read_toml
from .design import points
from .spec import Experiment, ExperimentFile, check, describe_error


def experiment_dirs() -> list[Path]:
    """$DISTRICT_SIM_EXPERIMENTS, the source tree's ``experiments/``, the installed copy."""
    return search_dirs("DISTRICT_SIM_EXPERIMENTS", "experiments")


def experiment_files() -> dict[str, Path]:
    return named_files(experiment_dirs())


def resolve_experiment(name_or_path: str | os.PathLike) -> Path:
    return resolve_named(name_or_path, experiment_files(), "experiment")


def load_experiment(name_or_path: str | os.PathLike) -> Experiment:
    """Read and check an experiment file (a name from ``experiments/`` or a path).

    Checks the file's own keys, then that every varied value, and every design point, makes
    valid settings for the base scenario; raises :class:`SettingsError` in one line.
    """
    path = resolve_experiment(name_or_path)
    data = read_toml(path)
    try:
        spec = ExperimentFile.model_validate(data)
    except ValidationError as err:
        raise SettingsError(describe_error(err, str(path))) from None
    try:
        exp = Experiment(spec, path, path.read_bytes())
        check(exp)
        exp.plan = points(exp)  # builds and validates every run's settings
    except SettingsError as err:
        text = str(err)
        raise SettingsError(text if text.startswith(str(path)) else f"{path}: {text}") from None
    return exp
