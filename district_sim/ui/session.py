"""Districts run side by side in lockstep: the state behind the browser page.

:class:`Comparison` is a Mesa model whose step advances every district it holds by one
school month, so Mesa's SolaraViz can play, step and reset it like any model. Each
district is a :class:`Line` that records how it came to be (scenario, seed, levers pulled,
shocks injected, in the order they happened), so that any line can be rebuilt exactly by
replaying that record: the model is deterministic given its seed, so a replay reaches the
same state. That is how a lever change re-runs a district, and how "fork now" copies a
district's present into a branch (a deep copy of a Mesa model with scheduled events and
weakly referenced callbacks is not safe; a replay of a 10,000-student year takes ~15 ms).

Both sides share the seed, so they start from the same students and teachers and meet the
same random shocks (common random numbers): what differs between them is the strategy.
Nothing here imports Solara; the page (``app.py``) calls these methods and draws the result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import mesa

from ..calendar import MONTHS_PER_YEAR, SchoolTime, calendar
from ..model import DistrictModel, check_seed
from ..scenarios import list_scenarios, load_scenario
from ..settings import Settings, SettingsError, Shock, find
from ..shocks import BUTTONS
from ..simulation import Event, simulate
from . import levers

LEFT, RIGHT = "left", "right"
#: Okabe-Ito colours (readable by colour-blind viewers): left, right, then branches.
COLORS = {LEFT: "#D55E00", RIGHT: "#0072B2"}
BRANCH_COLORS = ("#CC79A7", "#009E73", "#E69F00", "#56B4E9", "#999933", "#882255")
MAX_BRANCHES = 4
MAX_MONTHS = 400  # 40 school years: the page stops playing there

#: Shocks the page can inject, with the size and length a button gives them (the registry's).
SHOCK_BUTTONS = BUTTONS

#: What the page builds by default: a 10,000-student district of 20 schools.
DEFAULT_STUDENTS = 10_000
DEFAULT_SCHOOLS = 20


@dataclass
class Setup:
    """Choices that survive a Reset: each side's scenario and the levers pulled on it."""

    scenarios: dict[str, str] = field(default_factory=lambda: {LEFT: "fragmented", RIGHT: "focused"})
    overrides: dict[str, dict[str, float]] = field(default_factory=lambda: {LEFT: {}, RIGHT: {}})


@dataclass
class Marker:
    """A shock injected from the page, drawn on the charts' time axis."""

    time: float
    kind: str
    lines: tuple[str, ...]
    label: str


@dataclass
class Line:
    """One district on the page, and the record that rebuilds it."""

    key: str
    label: str
    scenario: str
    seed: int
    initial: Settings
    color: str
    #: Shocks injected and levers pulled, in the order they happened.
    history: list[Event] = field(default_factory=list)
    parent: str | None = None
    fork_time: float | None = None
    fork_index: int | None = None  # where in history the branch's own settings are
    model: DistrictModel | None = None

    @property
    def settings(self) -> Settings:
        """What the district acts on now (a branch: its lever from the fork on)."""
        return self.model.settings

    @property
    def dashed(self) -> bool:
        return self.parent is not None

    def replay(self, until: float) -> DistrictModel:
        """Rebuild the district from its record and run it to ``until``."""
        return simulate(self.initial, self.seed, int(round(until)), events=self.history)


class Comparison(SchoolTime, mesa.Model):
    """Two districts (and branches forked from them) stepped together, month by month.

    Args:
        setup: each side's scenario and levers (kept across Resets); fragmented against
            focused if omitted.
        students, schools: size of both districts.
        seed: shared by every district (common random numbers).
    """

    def __init__(self, setup: Setup | None = None, students: int = DEFAULT_STUDENTS,
                 schools: int = DEFAULT_SCHOOLS, seed: int = 0) -> None:
        seed = check_seed(_whole(seed, "seed"))
        students = _whole(students, "district.students")
        schools = _whole(schools, "district.schools")
        super().__init__(rng=seed)
        self.setup = setup if setup is not None else Setup()
        self.seed = seed
        self.size = {"district.students": students, "district.schools": schools}
        self.lock = threading.RLock()
        self.lines: dict[str, Line] = {}
        self.markers: list[Marker] = []
        self._branch_count = 0
        for side in (LEFT, RIGHT):
            self.lines[side] = self._root(side)
        #: What the last action did, for the page (errors are raised, not stored).
        self.note = ""
        #: The classroom demonstration's current caption (empty outside it).
        self.caption = ""

    # --- building ---------------------------------------------------------------------------

    def _root(self, side: str, name: str | None = None, overrides: dict | None = None) -> Line:
        name = name or self.setup.scenarios[side]
        overrides = self.setup.overrides.get(side, {}) if overrides is None else overrides
        settings = load_scenario(name, {**self.size, **overrides})
        line = Line(key=side, label=name, scenario=name, seed=self.seed, initial=settings,
                    color=COLORS[side])
        line.model = simulate(settings, self.seed)
        return line

    @property
    def months(self) -> int:
        return int(round(self.time))

    def when(self, time: float | None = None) -> str:
        """'year 3, month 4' of the month about to start at ``time`` (now if omitted)."""
        year, month = calendar(self.time if time is None else time)
        return f"year {year}, month {month}"

    # --- time -------------------------------------------------------------------------------

    def step(self) -> None:
        """One school month for every district, in lockstep."""
        with self.lock:
            for line in self.lines.values():
                line.model.step()
            if self.months >= MAX_MONTHS:
                self.running = False

    def step_year(self) -> None:
        """The rest of this school year (up to the next September)."""
        for _ in range(MONTHS_PER_YEAR - self.months % MONTHS_PER_YEAR):
            if not self.running:
                break
            self.step()

    # --- choosing and pulling levers -----------------------------------------------------------

    def set_scenario(self, side: str, name: str) -> None:
        """Put another scenario on one side; its history is re-run up to now, so both sides
        stay in lockstep. The side's levers return to the scenario's own values."""
        if side not in (LEFT, RIGHT):
            raise SettingsError(f"side must be {LEFT} or {RIGHT}, got {side!r}")
        known = list_scenarios()
        if name not in known:
            raise SettingsError(f"unknown scenario {name!r} (known: {', '.join(known)})")
        with self.lock:
            line = self._root(side, name, {})
            line.history = [e for e in self.lines[side].history if e.is_shock]
            line.model = line.replay(self.time)
            self.lines[side] = line
            self.setup.scenarios[side] = name
            self.setup.overrides[side] = {}
            self.note = f"{_side_name(side)} is now {name}, re-run from the start to {self.when()}"

    def set_lever(self, key: str, lever_key: str, text: Any) -> float:
        """Change one lever of a district and re-run it from its start (a branch: from its
        fork) to now. Bad input raises SettingsError and changes nothing."""
        with self.lock:
            line = self._line(key)
            if line.parent is None:
                settings, value = levers.apply(line.initial, lever_key, text)
                candidate = Line(**{**line.__dict__, "initial": settings, "model": None})
            else:
                settings, value = levers.apply(line.history[line.fork_index].change, lever_key, text)
                history = list(line.history)
                history[line.fork_index] = Event(line.fork_time, settings)
                candidate = Line(**{**line.__dict__, "history": history, "model": None})
            candidate.model = candidate.replay(self.time)
            self.lines[key] = candidate
            if line.parent is None:
                self.setup.overrides.setdefault(key, {})[lever_key] = value
            start = "from the start" if line.parent is None else "from its fork"
            self.note = f"{line.label}: {levers.describe(lever_key, value)}, re-run {start}"
            return value

    # --- shocks ------------------------------------------------------------------------------

    def inject(self, kind: str, target: str = "all") -> Marker:
        """Start a shock now in one district, both sides ("both") or every district ("all")."""
        if kind not in SHOCK_BUTTONS:
            raise SettingsError(f"shock must be one of {', '.join(SHOCK_BUTTONS)}, got {kind!r}")
        with self.lock:
            keys = self._targets(target)
            spec = SHOCK_BUTTONS[kind]
            shock = Shock(kind=kind, year=self.year, magnitude=spec.magnitude,
                          duration_years=spec.duration_years)
            for key in keys:
                line = self.lines[key]
                line.history.append(Event(self.time, shock))
                line.model.schedule_shock(shock)
            who = "all districts" if target == "all" else (
                "both sides" if target == "both" else self.lines[target].label)
            marker = Marker(self.time, kind, tuple(keys), f"{spec.label} ({who}), {self.when()}")
            self.markers.append(marker)
            self.note = f"{marker.label}: {spec.help}"
            return marker

    def _targets(self, target: str) -> list[str]:
        if target == "all":
            return list(self.lines)
        if target == "both":
            return [LEFT, RIGHT]
        self._line(target)
        return [target]

    # --- branches ---------------------------------------------------------------------------

    def fork(self, key: str, lever_key: str, text: Any) -> Line:
        """Copy a district as it stands now into a new branch and change one lever there.

        The branch replays its parent's record to now (the same state, the model being
        deterministic), then acts on the changed lever from this month on. Both futures
        start from the same point and meet the same random shocks.
        """
        with self.lock:
            parent = self._line(key)
            branches = [k for k, line in self.lines.items() if line.parent is not None]
            if len(branches) >= MAX_BRANCHES:
                raise SettingsError(f"at most {MAX_BRANCHES} branches at once; remove one first")
            settings, value = levers.apply(parent.settings, lever_key, text)
            self._branch_count += 1
            bkey = f"branch{self._branch_count}"
            color = BRANCH_COLORS[(self._branch_count - 1) % len(BRANCH_COLORS)]
            lever_label = levers.describe(lever_key, value)
            label = f"{parent.label}, from y{self.year}m{self.month}: {lever_label}"
            history = [e for e in parent.history if e.time <= self.time]
            branch = Line(key=bkey, label=label, scenario=parent.scenario, seed=parent.seed,
                          initial=parent.initial, color=color,
                          history=history + [Event(self.time, settings)],
                          parent=key, fork_time=self.time, fork_index=len(history))
            branch.model = branch.replay(self.time)
            self.lines[bkey] = branch
            self.note = f"New branch of {parent.label} from {self.when()}: {lever_label}"
            return branch

    def remove(self, key: str) -> None:
        """Drop a branch (the two sides stay)."""
        with self.lock:
            line = self._line(key)
            if line.parent is None:
                raise SettingsError("only branches can be removed; pick another scenario instead")
            for k in [k for k, other in self.lines.items() if other.parent == key] + [key]:
                self.lines.pop(k, None)
            self.note = f"Removed {line.label}"

    def _line(self, key: str) -> Line:
        if key not in self.lines:
            raise SettingsError(f"no district {key!r} on the page (have: {', '.join(self.lines)})")
        return self.lines[key]

    # --- reading --------------------------------------------------------------------------------

    def series(self, columns: list[str]) -> list[dict]:
        """Each district's monthly values of ``columns`` (copies, safe to draw while playing).

        Row i is the month that ended at time i + 1. A branch's rows before its fork are its
        parent's (replayed), so charts draw a branch from its fork on.
        """
        with self.lock:
            out = []
            for line in self.lines.values():
                record = line.model.datacollector.model_vars
                n = len(record.get("achievement", []))
                out.append({
                    "key": line.key, "label": line.label, "color": line.color,
                    "dashed": line.dashed, "start": int(round(line.fork_time or 0)),
                    "n": n, "values": {c: list(record[c][:n]) for c in columns},
                })
            return out

    def latest(self, key: str) -> dict[str, float]:
        """The last recorded month of one district (empty before the first step)."""
        with self.lock:
            record = self._line(key).model.datacollector.model_vars
            if not record or not record.get("achievement"):
                return {}
            return {c: float(v[-1]) for c, v in record.items()}

    def environment_shocks(self) -> list[dict]:
        """Shocks from scenarios and chance (not the page's buttons), once per time and kind."""
        with self.lock:
            seen: dict[tuple, dict] = {}
            for line in self.lines.values():
                for entry in line.model.shock_state.log:
                    if entry["source"] == "injected":
                        continue
                    k = (round(entry["time"], 3), entry["kind"])
                    seen.setdefault(k, {**entry, "lines": []})["lines"].append(line.key)
            return sorted(seen.values(), key=lambda e: e["time"])


def _whole(value: Any, name: str) -> int:
    """Whole numbers from the page arrive as ints, floats or strings; a setting's range is
    the schema's (the seed's is the run's own check)."""
    info = find(name)
    low, high = (int(info.low), int(info.high)) if info is not None else (0, None)
    allowed = f"between {low} and {high}" if high is not None else f">= {low}"
    message = f"{name} must be a whole number {allowed}, got {value!r}"
    try:
        number = float(str(value).strip())
    except ValueError:
        raise SettingsError(message) from None
    if not number.is_integer() or number < low or (high is not None and number > high):
        raise SettingsError(message)
    return int(number)


def _side_name(side: str) -> str:
    return "The left side" if side == LEFT else "The right side"
