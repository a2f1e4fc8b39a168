"""The EMA Workbench connector: the district model as an EMA ``ReplicatorModel``.

Researchers explore the model with the EMA Workbench (sample uncertainties and levers, run
thousands of districts, find with PRIM the region where a strategy fails). Everyone would
otherwise write the same wrapper and fall into the same traps, which this module closes once:

- **Names.** A setting is given by its dotted key (``"capacity.teacher_attention"``); EMA 3 wants
  names that are Python identifiers, so its parameter is named ``capacity__teacher_attention``
  (the dot becomes a double underscore; no setting's name holds one, so the mapping goes both
  ways: :func:`ema_name`, :func:`setting_key`) and carries the dotted key as EMA's
  ``variable_name``, which is what the model receives. ``names=`` chooses other EMA names.
  EMA's results already have columns ``scenario``, ``policy`` and ``model``, and EMA takes a
  lever named like an attribute of its model object (``name``, ``replications``...) for itself,
  so such names are refused with the way out. The district's scenario, when it varies, is the
  parameter ``scenario_name``.
- **Ranges** are the values to explore, which must lie inside the schema's validity bounds
  (``settings.lookup``); a range outside them, or an end the schema refuses, is a ValueError
  naming the setting and the allowed range. Whole-number settings become ``IntegerParameter``,
  switches ``BooleanParameter``, names (and any list of values) ``CategoricalParameter``.
- **Seeds.** A plain EMA ``Model`` gives the function no seed, so every experiment would run on
  seed 0. Here each replication of each experiment gets its own seed (``seeds="independent"``),
  derived from the base seed, the replication and the experiment's inputs (their values, hashed:
  EMA's experiment ids come from process-wide counters and are not reproducible). Common random
  numbers are an option: ``"per_scenario"`` gives the policies run on one EMA scenario the same
  seeds (paired comparisons of levers), ``"common"`` gives every experiment replication r's seed
  of :func:`district_sim.replicate_seeds` (the seeds ``compare`` uses). The seeds are an outcome
  (``seeds``), so any run can be re-run with :func:`district_sim.run`.
- **Outcomes** are named by metric and summed up as :func:`district_sim.outcomes` does
  (``aggregate``: ``final``, the number ``compare`` reports for the final year; ``final_year``;
  ``mean``; ``trajectory``), then averaged over replications (``keep_replications=True`` keeps
  them: one row a replication, EMA's layout for ``process_replications``). A final value is the
  ``ScalarOutcome`` named by the metric (``achievement``); the others carry the aggregate in
  their names (``achievement_mean``, the ``ArrayOutcome`` ``achievement_trajectory``, and
  ``..._replications`` when kept; :func:`outcome_name`).

Needs ``pip install "district-sim[ema]"``; the model core never imports this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

try:
    with warnings.catch_warnings():  # EMA warns on import that an optional evaluator's package is missing
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        from ema_workbench import (
            ArrayOutcome,
            BooleanParameter,
            CategoricalParameter,
            IntegerParameter,
            RealParameter,
            ReplicatorModel,
            ScalarOutcome,
        )
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError('district_sim.ema needs the EMA Workbench 3: pip install "district-sim[ema]" '
                      '(or pip install "ema_workbench>=3,<4")') from err

from .api import AGGREGATES, Aggregate, check_metrics, check_years, outcomes, replicate_seeds
from .metrics import METRICS
from .model import check_seed
from .scenarios import load_scenario
from .settings import SettingInfo, Settings, SettingsError, lookup

__all__ = ["RESERVED", "SCENARIO", "SEEDS", "Study", "build_model", "ema_name", "outcome_name", "setting_key"]

#: Columns of EMA's experiments table: no parameter may be named like one.
RESERVED = ("scenario", "policy", "model")
#: How replications are seeded (see the module's docstring).
SEEDS = ("independent", "per_scenario", "common")
Seeds = Literal["independent", "per_scenario", "common"]
#: The EMA name of the parameter that picks the district's scenario, when it varies.
SCENARIO = "scenario_name"
#: The keyword that carries the replication's number to the model (EMA's replications list).
REPLICATION = "replication"
#: The largest seed: seeds fit a signed 64-bit integer, so EMA's arrays hold them exactly.
_SEED_BITS = 63

Range = tuple[float, float] | Sequence[Any] | None


def ema_name(key: str) -> str:
    """The EMA name of dotted setting ``key``: ``strategy.buffering`` -> ``strategy__buffering``."""
    return key.replace(".", "__")


def setting_key(name: str) -> str:
    """The dotted setting of EMA name ``name`` (the inverse of :func:`ema_name`)."""
    return name.replace("__", ".")


def _plain(value: Any) -> Any:
    """numpy scalars (EMA's samples, a user's ``np.bool_(True)``) as Python values: the schema
    takes ``True`` for a switch, not ``np.True_``."""
    return value.item() if isinstance(value, np.generic) else value


# --- the run ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Study:
    """One experiment's replication, as EMA calls it: the inputs (dotted keys, and ``scenario``
    when it varies) plus ``replication``, to the outcomes. A module-level class, so that EMA's
    multiprocessing evaluator can send it to its workers."""

    scenario: str | os.PathLike | Settings
    years: float
    metrics: tuple[str, ...]
    aggregate: Aggregate = "final"
    seed: int = 0
    seeds: Seeds = "independent"
    replications: int = 1
    overrides: dict[str, Any] = field(default_factory=dict)
    #: Inputs that belong to EMA's scenario (the uncertainties): ``per_scenario`` seeds read only them.
    uncertain: tuple[str, ...] = ()

    def seed_for(self, inputs: Mapping[str, Any], replication: int) -> int:
        """The seed of replication ``replication`` of the experiment with ``inputs``: keyed by
        dotted key (and ``scenario``), as the model receives them, or by their default EMA names
        (``capacity__teacher_attention``, ``scenario_name``), as EMA's experiments table has them."""
        if self.seeds == "common":
            return replicate_seeds(self.seed, self.replications)[replication]
        keyed = {setting_key(k) if k != SCENARIO else "scenario": _plain(v) for k, v in inputs.items()}
        if self.seeds == "per_scenario":
            keyed = {k: v for k, v in keyed.items() if k in self.uncertain}
        text = json.dumps(sorted((k, v if isinstance(v, bool | int | float) else str(v))
                                 for k, v in keyed.items()))
        digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        sequence = np.random.SeedSequence(self.seed, spawn_key=(digest, replication))
        return int(sequence.generate_state(1, np.uint64)[0]) >> (64 - _SEED_BITS)

    def __call__(self, **inputs: Any) -> dict[str, Any]:
        replication = inputs.pop(REPLICATION, 0)
        seed = self.seed_for(inputs, replication)
        chosen = {k: _plain(v) for k, v in inputs.items()}
        scenario = chosen.pop("scenario", self.scenario)
        out = outcomes(scenario, self.years, seed, {**self.overrides, **chosen}, metrics=self.metrics,
                       aggregate=self.aggregate)
        return {**out, "seed": seed}


def _mean_over_replications(values: list) -> np.ndarray:
    """A trajectory's mean over replications, month by month."""
    return np.mean(np.stack([np.asarray(v, dtype=float) for v in values]), axis=0)


def _stacked(values: list) -> np.ndarray:
    return np.stack([np.asarray(v) for v in values])


# --- parameters ---------------------------------------------------------------------------------


def _check_name(name: Any, key: str, taken: set[str]) -> str:
    """``name`` as the EMA name of ``key``, unless EMA would refuse it or take it for itself;
    ``taken`` holds the names EMA's model object uses and those already given."""
    way_out = f"rename it (names={{{key!r}: {ema_name(key)!r}}}: a setting's EMA name is its dotted key " \
              f"with '.' written '__')"
    if not isinstance(name, str) or not name.isidentifier():
        raise SettingsError(f"EMA name for {key} must be a Python identifier (EMA 3 requires one), "
                            f"got {name!r}; {way_out}")
    if name in RESERVED:
        scenario = f"; the district's scenario varies with scenario=[...] as {SCENARIO!r}" \
            if name == "scenario" else ""
        raise SettingsError(f"EMA name {name!r} for {key} is one of EMA's own result columns "
                            f"({', '.join(RESERVED)}): {way_out}{scenario}")
    if name == SCENARIO:
        raise SettingsError(f"EMA name {name!r} for {key} is the scenario's parameter: {way_out}")
    if name in taken:
        raise SettingsError(f"EMA name {name!r} for {key} is an attribute of EMA's model (which EMA would "
                            f"take for itself) or another setting's name: {way_out}")
    taken.add(name)
    return name


def _check_range(key: str, spec: Range, base: Settings, overrides: dict[str, Any]) -> tuple[str, list]:
    """The kind of parameter a setting's ``spec`` asks for ('real', 'integer', 'boolean' or
    'categorical') and its values: the two ends of a range, or the categories."""
    info = lookup(key)
    if info.kind not in ("int", "float", "bool", "str"):
        raise SettingsError(f"{key} is a {info.kind} of settings, not one setting: give its settings by "
                            f"their dotted keys")
    if info.kind == "bool" and (spec is None or _both_truths(spec)):
        return "boolean", [False, True]
    if isinstance(spec, list):
        values = [_plain(v) for v in spec]
        if len(values) < 2 or len(set(map(repr, values))) < len(values):
            raise SettingsError(f"{key}: a list of values needs at least two different ones, got {spec!r} "
                                f"(hold one value fixed with overrides)")
        for value in values:
            _valid(base, overrides, key, value)
        return "categorical", values
    if info.kind in ("bool", "str"):
        raise SettingsError(f"{key} is a {'switch' if info.kind == 'bool' else 'name'}: give its values as "
                            f"a list ({'None or [False, True]' if info.kind == 'bool' else '[...]'}), "
                            f"got {spec!r}")
    return _check_bounds(key, spec, info, base, overrides)


def _check_bounds(key: str, spec: Any, info: SettingInfo, base: Settings,
                  overrides: dict[str, Any]) -> tuple[str, list]:
    """A numeric setting's range: two numbers, low < high, whole for a whole-number setting, and
    inside the schema's validity bounds."""
    if not isinstance(spec, tuple) or len(spec) != 2:
        raise SettingsError(f"{key}: a range is a tuple (low, high) and a set of values a list [...], got "
                            f"{spec!r} ({info.range_text()})")
    low, high = (_plain(v) for v in spec)
    numbers_ok = all(isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)
                     for v in (low, high))
    if not numbers_ok or not low < high:
        raise SettingsError(f"{key}: a range needs two numbers, low < high, got {spec!r} "
                            f"({info.range_text()})")
    if info.kind == "int" and not (float(low).is_integer() and float(high).is_integer()):
        raise SettingsError(f"{key} is a whole number: its range needs whole ends, got {spec!r}")
    if not (info.contains(low) and info.contains(high)):
        raise SettingsError(f"{key}: range {spec!r} reaches outside the values the schema allows "
                            f"({info.range_text()}); a range is the values to explore, inside those "
                            f"validity bounds")
    for value in (low, high):
        _valid(base, overrides, key, int(value) if info.kind == "int" else value)
    return ("integer", [int(low), int(high)]) if info.kind == "int" else ("real", [float(low), float(high)])


def _both_truths(spec: Any) -> bool:
    """[False, True] in any order, numpy's booleans too (but not 0 and 1: a slip for a switch)."""
    if not isinstance(spec, list | tuple):
        return False
    values = [_plain(v) for v in spec]
    return all(isinstance(v, bool) for v in values) and sorted(values) == [False, True]


def _valid(base: Settings, overrides: dict[str, Any], key: str, value: Any) -> None:
    """Refuse a value the schema refuses (naming the setting and its range), here rather than in
    experiment 1; the schema's warnings about a value (small schools...) come when it runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_scenario(base, {**overrides, key: value})


def _parameter(kind: str, name: str, values: list, key: str):
    if kind == "boolean":
        return BooleanParameter(name, variable_name=key)
    if kind == "categorical":
        return CategoricalParameter(name, values, variable_name=key)
    if kind == "integer":
        return IntegerParameter(name, *values, variable_name=key)
    return RealParameter(name, *values, variable_name=key)


def _parameters(specs: Mapping[str, Range], what: str, base: Settings, overrides: dict[str, Any],
                names: Mapping[str, str], taken: set[str]) -> list:
    out = []
    for key, spec in specs.items():
        if key in RESERVED or not isinstance(key, str) or "." not in key:
            hint = (f"; {', '.join(RESERVED)} are EMA's own result columns, and the district's scenario "
                    f"varies with scenario=[...] (EMA name {SCENARIO!r})" if key in RESERVED else "")
            raise SettingsError(f"{what}: {key!r} is not a dotted setting (such as 'strategy.buffering')"
                                f"{hint}")
        kind, values = _check_range(key, spec, base, overrides)
        name = _check_name(names.get(key, ema_name(key)), key, taken)
        out.append(_parameter(kind, name, values, key))
    return out


# --- the model ----------------------------------------------------------------------------------


def build_model(
    name: str = "district",
    *,
    scenario: str | os.PathLike | Settings | Sequence[str] = "focused",
    uncertainties: Mapping[str, Range] | None = None,
    levers: Mapping[str, Range] | None = None,
    outcomes: Sequence[str] = ("achievement",),
    aggregate: Aggregate = "final",
    years: float = 10,
    replications: int = 1,
    seed: int = 0,
    seeds: Seeds = "independent",
    overrides: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    scenario_as: Literal["lever", "uncertainty"] = "lever",
    keep_replications: bool = False,
) -> ReplicatorModel:
    """An EMA ``ReplicatorModel`` of the district (see the module's docstring).

    ``scenario`` is the base (a name, a TOML path or a Settings) or a list of scenario names,
    which becomes the categorical parameter ``scenario_name`` (a lever unless ``scenario_as`` is
    ``"uncertainty"``). ``uncertainties`` and ``levers`` map dotted settings to a range
    ``(low, high)`` or a list of values (a switch: ``None`` for both values); ``overrides`` holds
    other settings fixed. Each experiment runs ``replications`` districts of ``years`` years.
    Raises ValueError naming the argument or the setting for anything the schema or EMA would
    refuse, before anything runs.
    """
    _check_arguments(name, years, aggregate, replications, seeds, scenario_as, keep_replications)
    metrics = _check_outcomes(outcomes)
    fixed = _check_mapping(overrides, "overrides", "dotted settings to values")
    names = _check_mapping(names, "names", "dotted settings to EMA names")
    uncertainties = _check_mapping(uncertainties, "uncertainties", _SPECS)
    levers = _check_mapping(levers, "levers", _SPECS)
    choices = _scenario_choices(scenario, fixed)
    base = load_scenario(choices[0] if choices else scenario, fixed)
    _check_once(uncertainties, levers, fixed, names)
    varied_scenario = ("scenario",) if choices and scenario_as == "uncertainty" else ()
    model = ReplicatorModel(name, function=Study(
        scenario=choices[0] if choices else scenario, years=years, metrics=metrics, aggregate=aggregate,
        seed=check_seed(seed), seeds=seeds, replications=int(replications), overrides=fixed,
        uncertain=(*uncertainties, *varied_scenario)))
    taken = {a for a in dir(model) if not a.startswith("_")}  # grows with each name given
    model.uncertainties = _parameters(uncertainties, "uncertainties", base, fixed, names, taken)
    model.levers = _parameters(levers, "levers", base, fixed, names, taken)
    if choices:
        pick = CategoricalParameter(SCENARIO, choices, variable_name="scenario")
        if scenario_as == "lever":
            model.levers = [*model.levers, pick]
        else:
            model.uncertainties = [*model.uncertainties, pick]
    model.replications = [{REPLICATION: r} for r in range(int(replications))]
    model.outcomes = _outcomes(metrics, aggregate, keep_replications)
    return model


_SPECS = "dotted settings to ranges (low, high) or lists of values"


def _check_arguments(name: Any, years: Any, aggregate: Any, replications: Any, seeds: Any,
                     scenario_as: Any, keep_replications: Any) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise SettingsError(f"name must be a Python identifier (EMA 3 requires one), got {name!r}")
    check_years(years)
    if not isinstance(aggregate, str) or aggregate not in AGGREGATES:
        raise SettingsError(f"aggregate must be one of {', '.join(map(repr, AGGREGATES))}, got {aggregate!r}")
    if (isinstance(replications, bool) or not isinstance(replications, int | np.integer)
            or not 1 <= replications <= 10_000):
        raise SettingsError(f"replications must be a whole number between 1 and 10000, got {replications!r}")
    if not isinstance(seeds, str) or seeds not in SEEDS:
        raise SettingsError(f"seeds must be one of {', '.join(map(repr, SEEDS))}, got {seeds!r}")
    if scenario_as not in ("lever", "uncertainty"):
        raise SettingsError(f"scenario_as must be 'lever' or 'uncertainty', got {scenario_as!r}")
    if not isinstance(keep_replications, bool | np.bool_):
        raise SettingsError(f"keep_replications must be True or False, got {keep_replications!r}")


def _check_outcomes(outcomes: Any) -> tuple[str, ...]:
    known = [m for m in METRICS if m not in ("year", "month")]
    names = check_metrics(list(outcomes) if isinstance(outcomes, tuple) else outcomes)
    if names is None or any(m not in known for m in names):
        raise SettingsError(f"outcomes must name metrics (known: {', '.join(known)}), got {outcomes!r}")
    return names


def _check_mapping(value: Any, what: str, of: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingsError(f"{what} must be a dict of {of}, got {value!r}")
    return {k: _plain(v) for k, v in value.items()} if what == "overrides" else dict(value)


def _scenario_choices(scenario: Any, fixed: dict[str, Any]) -> list[str]:
    """The scenario names EMA picks from ([] when the scenario is fixed), each loaded once so
    that an unknown name or a bad override is refused now rather than in experiment 1."""
    if not isinstance(scenario, list | tuple):
        load_scenario(scenario, fixed)
        return []
    choices = list(scenario)
    if len(choices) < 2 or not all(isinstance(s, str) for s in choices) or len(set(choices)) < len(choices):
        raise SettingsError(f"scenario must be one scenario or a list of two or more different scenario "
                            f"names, got {scenario!r}")
    for s in choices:
        load_scenario(s, fixed)
    return choices


def _check_once(uncertainties: dict, levers: dict, fixed: dict, names: dict) -> None:
    """A setting is varied in one place or held fixed, and ``names`` renames varied settings."""
    both = sorted(set(uncertainties) & set(levers))
    if both:
        raise SettingsError(f"{both[0]} is both an uncertainty and a lever: vary it in one place")
    again = sorted((set(uncertainties) | set(levers)) & set(fixed))
    if again:
        raise SettingsError(f"{again[0]} is varied and also held fixed in overrides: remove one")
    unknown = sorted(set(names) - set(uncertainties) - set(levers))
    if unknown:
        raise SettingsError(f"names: {unknown[0]!r} is not one of the varied settings")


def outcome_name(metric: str, aggregate: str = "final", keep_replications: bool = False) -> str:
    """The EMA outcome of ``metric``: the metric's name for its final value, with the aggregate
    (``achievement_mean``, ``achievement_trajectory``) and ``_replications`` when they are kept.
    EMA registers outcome names process-wide with their class, so a name is always the same
    kind of outcome (scalar or array), whichever models a session builds."""
    kept = "_replications" if keep_replications else ""
    return metric + ("" if aggregate == "final" else f"_{aggregate}") + kept


def _outcomes(metrics: tuple[str, ...], aggregate: str, keep: bool) -> list:
    """One outcome a metric (averaged over replications unless ``keep``), and the seeds."""
    out = []
    for m in metrics:
        name = outcome_name(m, aggregate, keep)
        if keep:
            out.append(ArrayOutcome(name, variable_name=m, function=_stacked))
        elif aggregate == "trajectory":
            out.append(ArrayOutcome(name, variable_name=m, function=_mean_over_replications))
        else:
            out.append(ScalarOutcome(name, variable_name=m, function=np.mean))
    out.append(ArrayOutcome("seeds", variable_name="seed", function=_stacked))
    return out
