"""The experiment file: what to vary, how to sample it, how often, and what to keep.

An experiment (``experiments/*.toml``) starts from a base scenario, fixes some settings,
varies others, and names a design. Every varied value is checked against the
:class:`~district_sim.settings.Settings` schema *before* anything runs, so a typo or an
impossible range fails at once, in one line naming the dotted setting and what is allowed.
See ``docs/experiments.md`` for every key.
"""

from __future__ import annotations

import hashlib
import math
import os
import types
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .. import calendar
from ..metrics import REPORTERS
from ..report import HEADLINE
from ..scenarios import scenario_data
from ..settings import (
    SettingsError,
    apply_overrides,
    find,
    flatten,
    lookup,
    setting_keys,
    validate,
)
from ..shocks import SHOCK_KINDS, SHOCKS

#: Varied keys that are not settings: the base scenario, and one shock added to every run.
SCENARIO_KEY = "scenario"
SHOCK_KEYS = ("shock.kind", "shock.year", "shock.duration_years", "shock.magnitude", "shock.severity")

#: Settings that the "every numeric setting" screen leaves out unless named: the district's
#: size sets the run time, not a causal lever, and is fixed in ``[settings]``.
NUMERIC_EXCLUDE = ("district.students", "district.schools")

Design = Literal["factorial", "lhs", "sobol", "morris"]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Vary(_Table):
    """One varied setting: a list of values, or a range (steps for factorial designs)."""

    setting: str = Field(description="Dotted setting (strategy.buffering), scenario, or shock.*")
    values: list[Any] | None = Field(None, min_length=1)
    range: tuple[float, float] | None = None
    steps: int | None = Field(None, ge=2, le=1000)
    distribution: Literal["uniform", "loguniform"] = "uniform"

    @model_validator(mode="after")
    def _one_source(self) -> Vary:
        if (self.values is None) == (self.range is None):
            raise ValueError(f"vary {self.setting}: give either values = [...] or range = [low, high]")
        if self.range is not None:
            low, high = self.range
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise ValueError(f"vary {self.setting}: range must be [low, high] with low < high, "
                                 f"got {list(self.range)}")
            if self.distribution == "loguniform" and low <= 0:
                raise ValueError(f"vary {self.setting}: a loguniform range needs low > 0, got {low:g}")
        if self.values is not None and self.steps is not None:
            raise ValueError(f"vary {self.setting}: steps goes with range, not values")
        return self


class VaryNumeric(_Table):
    """Vary every numeric setting of the schema (for screening), each over a range around the
    base value: value x (1 -/+ relative_range), or +/- relative_range x 10% of the allowed span
    when the base value is 0, clipped to the setting's bounds."""

    relative_range: float = Field(0.5, gt=0, lt=1)
    exclude: list[str] = Field(default_factory=list)


class DesignTable(_Table):
    kind: Design = "factorial"
    samples: int | None = Field(
        None, ge=1, le=1_000_000,
        description="lhs: points; sobol: base sample N (points = N(D+2), or N(2D+2) with "
        "second_order); morris: trajectories (points = N(D+1)).")
    levels: int = Field(4, ge=2, le=100, description="Morris grid levels (even numbers are best).")
    second_order: bool = Field(False, description="Sobol: also estimate second-order indices.")


class Record(_Table):
    metrics: list[str] = Field(default_factory=lambda: list(HEADLINE), min_length=1)
    every: Literal["month", "year", "final"] = "year"


class ShockTable(_Table):
    """One shock added to every run (after the base scenario's own)."""

    kind: str | None = None
    year: int = Field(3, ge=1, le=1000)
    duration_years: float = Field(1.0, ge=0, le=100)
    magnitude: float | None = None
    severity: float | None = Field(None, ge=0, le=1, description="Share of the kind's largest "
                                   "allowed magnitude (so one number fits every kind).")


class ExperimentFile(_Table):
    name: str | None = None
    description: str = ""
    base: str = Field(description="Base scenario: a name from scenarios/ or a TOML path.")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    seeding: Literal["common", "independent"] = "independent"
    replicates: int = Field(1, ge=1, le=10_000)
    years: int = Field(10, ge=1, le=200)
    settings: dict[str, Any] = Field(default_factory=dict)
    shock: ShockTable | None = None
    vary: list[Vary] = Field(default_factory=list)
    vary_numeric: VaryNumeric | None = None
    design: DesignTable = Field(default_factory=DesignTable)
    record: Record = Field(default_factory=Record)


# --- one-line messages ------------------------------------------------------------------------


def describe_error(err: ValidationError, where: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "experiment"
        if e["type"] == "extra_forbidden":
            known = _known(e["loc"][:-1])
            lines.append(f"{loc}: unknown key" + (f" (known: {', '.join(known)})" if known else ""))
            continue
        msg = e["msg"].removeprefix("Value error, ")
        got = e.get("input")
        text = msg if msg.startswith("vary ") else f"{loc}: {msg}"
        if got is not None and not isinstance(got, dict | list) and "got" not in msg:
            text += f", got {got!r}"
        lines.append(text)
    return f"{where}: " + "; ".join(lines)


def _known(loc: tuple) -> list[str]:
    model: Any = ExperimentFile
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return []
        model = fields[part].annotation
        args = [a for a in typing.get_args(model) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(model, types.UnionType) or typing.get_origin(model) in (list, typing.Union):
            model = args[0] if args else model
    return list(getattr(model, "model_fields", {}))


# --- the schema of settings: kinds and bounds ----------------------------------------------------


def setting_kind(dotted: str) -> str:
    """'int', 'float', 'bool' or 'str': the column type of a varied key."""
    if dotted in ("shock.year",):
        return "int"
    if dotted in ("shock.duration_years", "shock.magnitude", "shock.severity"):
        return "float"
    info = find(dotted)
    return info.kind if info is not None and info.kind in ("int", "float", "bool") else "str"


# --- the loaded experiment ------------------------------------------------------------------------


class Experiment:
    """A validated experiment: the file's tables plus the resolved list of varied settings."""

    def __init__(self, spec: ExperimentFile, path: Path | None, text: bytes):
        self.spec = spec
        self.path = path
        self.text = text  # what was read and hashed (the file may change while a sweep runs)
        self.sha256 = hashlib.sha256(text).hexdigest()
        self.name = spec.name or (path.stem if path else "experiment")
        self.fixed = flatten(spec.settings)
        self.vary = list(spec.vary)
        if spec.vary_numeric is not None:
            self.vary += self._numeric_vary(spec.vary_numeric)
        self.keys = [v.setting for v in self.vary]
        self.plan = None  # set by load_experiment: every design point, validated

    # Where the base scenario is looked up: a relative path is relative to the experiment file.
    def base_ref(self, name: str | None = None) -> str:
        ref = name or self.spec.base
        if self.path is not None and (ref.endswith(".toml") or "/" in ref or os.sep in ref):
            candidate = self.path.parent / ref
            if candidate.is_file():
                return str(candidate)
        return ref

    def base_data(self, scenario: str | None = None) -> dict[str, Any]:
        return scenario_data(self.base_ref(scenario))

    def _numeric_vary(self, table: VaryNumeric) -> list[Vary]:
        named = set(self.fixed) | {v.setting for v in self.spec.vary}
        for key in table.exclude:
            if find(key) is None:
                raise SettingsError(f"vary_numeric.exclude: {key}: unknown setting")
        skip = named | set(table.exclude) | set(NUMERIC_EXCLUDE)
        data = apply_overrides(self.base_data(), self.fixed)
        settings = validate(data)
        out = []
        r = table.relative_range
        for key in setting_keys():
            info = lookup(key)
            if key in skip or not info.numeric:
                continue
            value = float(_get(settings.model_dump(), key))
            low, high, lo_open, hi_open = info.low, info.high, info.low_open, info.high_open
            span = (high - low) if math.isfinite(high - low) else 1.0
            half = r * abs(value) if value != 0 else r * 0.1 * span
            lo, hi = max(value - half, low), min(value + half, high)
            # Open bounds (gt / lt) must not be reached; step in by a millionth of the range.
            eps = 1e-6 * (hi - lo)
            lo, hi = (lo + eps if lo_open and lo <= low else lo), (hi - eps if hi_open and hi >= high else hi)
            if setting_kind(key) == "int":
                lo, hi = math.ceil(lo), math.floor(hi)
            lo, hi = float(f"{lo:.12g}"), float(f"{hi:.12g}")
            if hi > lo:
                out.append(Vary(setting=key, range=(lo, hi)))
        return out

    @property
    def design(self) -> DesignTable:
        return self.spec.design

    @property
    def months(self) -> int:
        return calendar.months(self.spec.years)


def _get(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[part]
    return data


def check(exp: Experiment) -> None:
    """Rules that need more than one key: known settings, kinds, design needs."""
    seen = set()
    kind = exp.design.kind
    for v in exp.vary:
        key = v.setting
        if key in seen:
            raise SettingsError(f"vary {key}: varied twice")
        seen.add(key)
        if key in exp.fixed:
            raise SettingsError(f"vary {key}: also fixed in [settings]; keep one")
        if key.startswith("shock."):
            if key not in SHOCK_KEYS:
                raise SettingsError(f"vary {key}: unknown shock key (known: {', '.join(SHOCK_KEYS)})")
            if exp.spec.shock is None:
                raise SettingsError(f"vary {key}: needs a [shock] table (year, duration_years, ...)")
        elif key != SCENARIO_KEY:
            if key == "shocks" or key.startswith("shocks."):
                raise SettingsError(f"vary {key}: vary shocks through [shock] and shock.kind, "
                                    "shock.magnitude or shock.severity")
            if lookup(key).kind == "table":  # unknown settings name the known ones
                raise SettingsError(f"vary {key}: not a single setting")
        skind = setting_kind(key)
        if v.range is not None and skind not in ("int", "float"):
            raise SettingsError(f"vary {key}: range needs a numeric setting ({key} is {skind}); "
                                "use values = [...]")
        if v.range is not None:
            low, high = (lookup(key).low, lookup(key).high) if not key.startswith("shock.") else (
                -math.inf, math.inf)
            if v.range[0] < low or v.range[1] > high:
                raise SettingsError(f"vary {key}: range {list(v.range)} is outside the allowed "
                                    f"{low:g} to {high:g}")
        if kind == "factorial" and v.range is not None and v.steps is None:
            raise SettingsError(f"vary {key}: a factorial design needs steps with a range "
                                "(or a list of values)")
        if kind != "factorial" and v.steps is not None:
            raise SettingsError(f"vary {key}: steps applies to factorial designs only "
                                f"(the {kind} design samples the range)")
        if kind == "factorial" and v.distribution != "uniform":
            raise SettingsError(f"vary {key}: distribution applies to sampled designs only")
    if kind != "factorial":
        if not exp.vary:
            raise SettingsError(f"design {kind} needs at least one varied setting")
        if exp.design.samples is None:
            raise SettingsError(f"design.samples: the {kind} design needs samples (a whole number >= 1)")
    elif exp.design.samples is not None:
        raise SettingsError("design.samples: the factorial design takes no samples (its points are "
                            "every combination)")
    for metric in exp.spec.record.metrics:
        if metric not in REPORTERS or metric in ("year", "month"):
            known = ", ".join(k for k in REPORTERS if k not in ("year", "month"))
            raise SettingsError(f"record.metrics: unknown metric {metric!r} (known: {known})")
    shock = exp.spec.shock
    if shock is not None:
        varied = set(exp.keys)
        if shock.kind is None and "shock.kind" not in varied:
            raise SettingsError("shock.kind: give the kind in [shock] or vary it "
                                f"(one of {', '.join(SHOCK_KINDS)})")
        has_mag = shock.magnitude is not None or "shock.magnitude" in varied
        has_sev = shock.severity is not None or "shock.severity" in varied
        if has_mag == has_sev:
            raise SettingsError("shock: give exactly one of magnitude (in the kind's own units) or "
                                "severity (0-1, share of the kind's largest magnitude)")


def shock_from(table: ShockTable, values: dict[str, Any]) -> dict[str, Any]:
    """The shock a run adds, from [shock] with any varied shock.* values applied."""
    merged = table.model_dump()
    for key, value in values.items():
        if key.startswith("shock."):
            merged[key.removeprefix("shock.")] = value
    kind = merged["kind"]
    if kind not in SHOCKS:
        raise SettingsError(f"shock.kind: must be one of {', '.join(SHOCK_KINDS)}, got {kind!r}")
    if merged["severity"] is not None:
        sev = float(merged["severity"])
        if not 0 <= sev <= 1:
            raise SettingsError(f"shock.severity: must be between 0 and 1, got {sev!r}")
        magnitude = sev * SHOCKS[kind].high  # magnitudes run from 0
    else:
        magnitude = merged["magnitude"]
    return {"kind": kind, "year": merged["year"], "magnitude": magnitude,
            "duration_years": merged["duration_years"]}
