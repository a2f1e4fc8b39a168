"""Named scenarios: TOML files in ``scenarios/``, found by their file stem.

A scenario file may name a ``base`` scenario and change only what differs, so each
what-if states exactly the lever it pulls. Lists (``shocks``) replace the base's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .settings import Settings, SettingsError, apply_overrides, deep_merge, read_toml, validate


def search_dirs(env_var: str, folder: str) -> list[Path]:
    """Where named files are looked up: the folders in ``$env_var``, the source tree's
    ``folder/``, then the copy installed with the package (``_folder``)."""
    here = Path(__file__).resolve().parent
    dirs = [Path(p) for p in os.environ.get(env_var, "").split(os.pathsep) if p]
    dirs += [here.parent / folder, here / f"_{folder}"]
    return [d for d in dirs if d.is_dir()]


def named_files(dirs: list[Path]) -> dict[str, Path]:
    """name -> TOML file; the first folder that has a name wins."""
    found: dict[str, Path] = {}
    for d in dirs:
        for f in sorted(d.glob("*.toml")):
            found.setdefault(f.stem, f)
    return found


def scenario_dirs() -> list[Path]:
    return search_dirs("DISTRICT_SIM_SCENARIOS", "scenarios")


def scenario_files() -> dict[str, Path]:
    return named_files(scenario_dirs())


def list_scenarios() -> dict[str, str]:
    """Scenario name -> its one-line description."""
    return {name: str(read_toml(path).get("description", "")) for name, path in scenario_files().items()}


def resolve_named(name_or_path: str | os.PathLike, files: dict[str, Path], kind: str) -> Path:
    """A TOML path as given, or the file of a known name; a clear error otherwise."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or os.sep in text or "/" in text:
        if not path.is_file():
            raise SettingsError(f"{kind} file {text}: no such file")
        return path
    if text not in files:
        raise SettingsError(f"unknown {kind} {text!r} (known: {', '.join(files) or 'none'})")
    return files[text]


def _resolve(name_or_path: str | os.PathLike) -> Path:
    return resolve_named(name_or_path, scenario_files(), "scenario")


def scenario_data(name_or_path: str | os.PathLike, _seen: tuple = ()) -> dict[str, Any]:
    """The plain settings of a scenario, with its ``base`` chain merged in."""
    path = _resolve(name_or_path)
    if path.resolve() in _seen:
        raise SettingsError(f"{path}: base scenarios form a loop")
    data = read_toml(path)
    base = data.pop("base", None)
    data.setdefault("name", path.stem)
    if base is not None:
        if not isinstance(base, str):
            raise SettingsError(f"{path}: base must be a scenario name, got {base!r}")
        parent = scenario_data(base, _seen + (path.resolve(),))
        parent.pop("description", None)
        data = deep_merge(parent, data)
        data["name"] = path.stem
    return data


def load_scenario(
    name_or_path: str | os.PathLike | Settings, overrides: dict[str, Any] | None = None
) -> Settings:
    """A validated scenario, by name (``"focused"``), by path, or as given, with dotted
    overrides applied (``{"district.students": 5000}``)."""
    is_settings = isinstance(name_or_path, Settings)
    if not is_settings and not isinstance(name_or_path, str | os.PathLike):
        raise SettingsError(f"scenario must be a name, a TOML path or a Settings, got {name_or_path!r}")
    data = name_or_path.model_dump() if is_settings else scenario_data(name_or_path)
    return validate(apply_overrides(data, overrides))
