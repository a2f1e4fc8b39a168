"""Design points and run seeds: which settings each run gets, and which random numbers.

Sampled designs (Latin hypercube, Sobol, Morris) are drawn by SALib on the unit cube,
seeded by the experiment's seed, then mapped onto each varied setting's range or list, so
the design is a pure function of the experiment file. A run's seed depends only on the
experiment's seed and the run's identity (design point, replicate), never on which worker
runs it or when.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from pydantic import BaseModel

from ..settings import Settings, SettingsError, apply_overrides, validate
from .spec import SCENARIO_KEY, Experiment, Vary, setting_kind, shock_from


class Run(NamedTuple):
    """One run's identity and seed (a tuple: a million-run plan lists its runs in a second)."""

    run_id: int
    point: int
    replicate: int
    seed: int


@dataclass
class Plan:
    """Every design point of an experiment, with its validated settings, and every run."""

    keys: list[str]
    values: list[dict[str, Any]]
    settings: list[Settings]
    replicates: int
    seeds: np.ndarray  # (points, replicates)
    unit: np.ndarray | None = None  # sampled designs: the points on the unit cube
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def n_runs(self) -> int:
        return len(self.values) * self.replicates

    def runs(self) -> list[Run]:
        reps = self.replicates
        with without_gc():
            return [Run(i, i // reps, i % reps, seed) for i, seed in enumerate(self.seeds.ravel().tolist())]


# --- unit cube samples ----------------------------------------------------------------------------


def _problem(keys: list[str]) -> dict[str, Any]:
    return {"num_vars": len(keys), "names": list(keys), "bounds": [[0.0, 1.0]] * len(keys)}


def unit_sample(exp: Experiment) -> np.ndarray | None:
    """The sampled design on [0, 1]^D (None for a factorial design)."""
    d = exp.design
    if d.kind == "factorial":
        return None
    problem = _problem(exp.keys)
    seed = int(exp.spec.seed % 2**32)
    if d.kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, d.samples, seed=seed)
    if d.kind == "sobol":
        import warnings

        from SALib.sample import sobol

        if d.samples & (d.samples - 1):
            raise SettingsError(f"design.samples: the sobol design needs a power of 2 (e.g. "
                                f"{2 ** math.ceil(math.log2(d.samples))}), got {d.samples}")
        with warnings.catch_warnings():  # SALib warns about skip_values for small N
            warnings.simplefilter("ignore")
            return sobol.sample(problem, d.samples, calc_second_order=d.second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, d.samples, num_levels=d.levels, seed=seed)


def _from_unit(v: Vary, u: float) -> Any:
    kind = setting_kind(v.setting)
    if v.values is not None:
        return v.values[min(int(u * len(v.values)), len(v.values) - 1)]
    low, high = v.range
    if kind == "int":
        return int(min(math.floor(low + u * (high - low + 1)), high))
    if v.distribution == "loguniform":
        return float(math.exp(math.log(low) + u * (math.log(high) - math.log(low))))
    return float(low + u * (high - low))


def _levels(v: Vary) -> list[Any]:
    if v.values is not None:
        return list(v.values)
    grid = np.linspace(v.range[0], v.range[1], v.steps)
    if setting_kind(v.setting) == "int":
        levels = [int(round(x)) for x in grid]
        if len(set(levels)) < len(levels):
            raise SettingsError(f"vary {v.setting}: {v.steps} steps over {list(v.range)} repeat whole "
                                "numbers; use fewer steps or a list of values")
        return levels
    return [float(f"{x:.12g}") for x in grid]


def _cast(kind: str, value: Any) -> Any:
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    return str(value)


# --- seeds ------------------------------------------------------------------------------------------


def run_seeds(seed: int, points: int, replicates: int, seeding: str) -> np.ndarray:
    """Seeds of every run, shape (points, replicates).

    ``common``: replicate r has the same seed at every design point, spawned from the
    experiment's seed exactly as :func:`district_sim.replicate_seeds` does, so differences
    between points are paired (common random numbers). ``independent``: each run its own
    child SeedSequence, keyed by (point, replicate).
    """
    if seeding == "common":
        children = np.random.SeedSequence(seed).spawn(replicates)
        row = [int(c.generate_state(1, np.uint32)[0]) for c in children]
        return np.tile(np.asarray(row, dtype=np.int64), (points, 1))
    if points < 2**32 and replicates < 2**32:
        return _child_seeds(seed, points, replicates)
    out = np.empty((points, replicates), dtype=np.int64)
    for p in range(points):
        for r in range(replicates):
            ss = np.random.SeedSequence(seed, spawn_key=(p, r))
            out[p, r] = int(ss.generate_state(1, np.uint32)[0])
    return out


# numpy's SeedSequence constants (numpy/random/bit_generator.pyx), so that the seeds below are
# exactly SeedSequence(seed, spawn_key=(p, r)).generate_state(1, uint32)[0].
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _XSHIFT, _POOL, _WORD = 0xCA01F9DD, 0x4973F715, 16, 4, 0xFFFFFFFF


def _child_seeds(seed: int, points: int, replicates: int) -> np.ndarray:
    """SeedSequence's hash of (seed, point, replicate), computed for every run at once: a
    loop of a million SeedSequences takes 15 s, this a third of a second. Checked against
    SeedSequence in tests/test_sweeps.py."""
    from numpy.random.bit_generator import _coerce_to_uint32_array

    words = [int(w) for w in _coerce_to_uint32_array(seed)]
    words += [0] * (_POOL - len(words))  # the seed's words are padded when a spawn key follows
    p = np.repeat(np.arange(points, dtype=np.uint64), replicates)
    r = np.tile(np.arange(replicates, dtype=np.uint64), points)
    entropy = [np.full(p.shape, w, dtype=np.uint64) for w in words] + [p, r]
    const = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal const
        value = value ^ const
        const = (const * _MULT_A) & _WORD
        value = (value * const) & _WORD
        return value ^ (value >> _XSHIFT)

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = (_MIX_L * x - _MIX_R * y) & _WORD
        return out ^ (out >> _XSHIFT)

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(_POOL, len(entropy)):
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(entropy[src]))
    state = pool[0] ^ _INIT_B
    state = (state * ((_INIT_B * _MULT_B) & _WORD)) & _WORD
    return (state ^ (state >> _XSHIFT)).reshape(points, replicates).astype(np.int64)


# --- the plan ----------------------------------------------------------------------------------------


def _with_tables(data: dict[str, Any]) -> dict[str, Any]:
    """Every section present (``{}`` = its defaults, exactly what its default factory makes):
    pydantic inspects a default factory's signature each time it calls one, a third of the
    time of validating a design point."""
    for name, info in Settings.model_fields.items():
        factory = info.default_factory
        if isinstance(factory, type) and issubclass(factory, BaseModel):
            data.setdefault(name, {})
    return data


def _override(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with dotted keys set, copying only the tables on their paths (the keys were
    checked once by ``apply_overrides``; a deep copy of the whole base at each of 100,000
    points would take seconds)."""
    out = dict(base)
    copied: set[tuple[str, ...]] = set()
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node = out
        for depth, part in enumerate(parts[:-1]):
            path = tuple(parts[:depth + 1])
            if path not in copied:
                node[part] = dict(node.get(part, {}))
                copied.add(path)
            node = node[part]
        node[parts[-1]] = value
    return out


def _point_data(base: dict[str, Any], validated: Settings, overrides: dict[str, Any]) -> dict[str, Any]:
    """What a design point's Settings are validated from: the tables its overrides touch as
    plain data (validated again, with the point's values), every other table as the base's
    validated section, which pydantic takes as it is (six times faster a point than validating
    every table; the model never changes its settings, so points may share a section)."""
    touched = {dotted.split(".")[0] for dotted in overrides}
    data: dict[str, Any] = {name: getattr(validated, name) for name in Settings.model_fields
                            if name not in touched}
    data.update(_override({name: base[name] for name in touched if name in base}, overrides))
    return data


#: Every design point is validated and held as Settings before anything runs (so a bad
#: point fails at once); this bounds the memory that takes (a few GB at most).
MAX_POINTS = 100_000


def design_size(exp: Experiment) -> int:
    """How many points the design will have, known before sampling it."""
    d, k = exp.design, len(exp.keys)
    if d.kind == "factorial":
        return math.prod(len(_levels(v)) for v in exp.vary)
    if d.kind == "lhs":
        return d.samples
    if d.kind == "sobol":
        return d.samples * ((2 * k + 2) if d.second_order else (k + 2))
    return d.samples * (k + 1)  # morris trajectories


def _check_points(exp: Experiment) -> None:
    n = design_size(exp)
    if n > MAX_POINTS:
        raise SettingsError(f"design: {n} design points; at most {MAX_POINTS} (lower design.samples or "
                            "the steps, or split the study into several experiment files)")


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Building 100,000 settings objects or a million runs, none of them garbage: the cyclic
    collector would walk all of them again and again (a third of the time or more)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def points(exp: Experiment) -> Plan:
    """Every design point's values and validated settings, and each run's seed."""
    with without_gc():
        return _points(exp)


def _points(exp: Experiment) -> Plan:
    _check_points(exp)
    unit = unit_sample(exp)
    if unit is None:
        rows = [dict(zip(exp.keys, combo, strict=True))
                for combo in itertools.product(*(_levels(v) for v in exp.vary))]
    else:
        rows = [{v.setting: _from_unit(v, float(u)) for v, u in zip(exp.vary, row, strict=True)}
                for row in unit]
    if len(rows) * exp.spec.replicates > 10_000_000:
        raise SettingsError(f"the design has {len(rows) * exp.spec.replicates} runs; at most 10000000")
    kinds = {k: setting_kind(k) for k in exp.keys}
    bases: dict[str | None, tuple[dict[str, Any], Settings]] = {}
    values, settings = [], []
    checked = False
    for row in rows:
        scenario = row.get(SCENARIO_KEY)
        overrides = {k: v for k, v in row.items() if k != SCENARIO_KEY and not k.startswith("shock.")}
        try:
            if scenario not in bases:
                data = _with_tables(apply_overrides(exp.base_data(scenario), exp.fixed))
                bases[scenario] = data, validate(data)
            if not checked:  # the first point checks the keys (the same at every point)
                apply_overrides(bases[scenario][0], overrides)
                checked = True
            data = _point_data(*bases[scenario], overrides)
            if exp.spec.shock is not None:
                data["shocks"] = list(data.get("shocks", [])) + [shock_from(exp.spec.shock, row)]
            settings.append(validate(data))
        except SettingsError as err:
            at = ", ".join(f"{k}={v!r}" for k, v in row.items())
            raise SettingsError(f"{err} (at {at})" if at else str(err)) from None
        values.append({k: _cast(kinds[k], v) for k, v in row.items()})
    seeds = run_seeds(exp.spec.seed, len(rows), exp.spec.replicates, exp.spec.seeding)
    return Plan(list(exp.keys), values, settings, exp.spec.replicates, seeds, unit, kinds)
