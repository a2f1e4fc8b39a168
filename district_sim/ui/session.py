"""Districts run side by side in lockstep: the state behind the browser page.

:class:`Comparison` is a Mesa model whose step advances every district it holds by one
school month, so the page's controls (``controls``) play, step and reset it like any Mesa model. Each
district is a :class:`Line` that records how it came to be (scenario, seed, levers pulled,
shocks injected, in the order they happened), so that any line can be rebuilt exactly by
replaying that record: the model is deterministic given its seed, so a replay reaches the
same state. That is how a lever change re-runs a district, and how "fork now" copies a
district's present into a branch (a deep copy of a Mesa model with scheduled events and
weakly referenced callbacks is not safe; a replay of a 10,000-student year takes ~15 ms).

Each district is a set of replicates stepped together: replicate *r* runs on the *r*-th of
``replicate_seeds(seed, replicates)``, the seeds ``district_sim.compare`` gives its replicates
for the same seed, so a side's runs are ``compare``'s runs, number for number, and the page can
show a mean with its 95% interval instead of one seed's luck. Every district on the page shares
those seeds, so they start from the same students and teachers and meet the same random shocks
(common random numbers, run by run): what differs between them is the strategy, and their
differences are paired over the replicates, as ``compare``'s ``vs_first``. Levers, shocks and
forks act on every replicate of a district. Nothing here imports Solara; the page (``app.py``)
calls these methods and draws the result.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import mesa
import numpy as np

from ..api import replicate_seeds
from ..calendar import MONTHS_PER_YEAR, SchoolTime, calendar
from ..model import DistrictModel, check_seed
from ..report import interval, metric_interval
from ..scenarios import list_scenarios, load_scenario
from ..settings import Settings, SettingsError, Shock, find
from ..shocks import BUTTONS
from ..simulation import Event, simulate
from ..whatif import LineRecord, MarkerAt, WhatIf, changed_settings, from_page
from . import levers

LEFT, RIGHT = "left", "right"
#: Colours readable by colour-blind viewers (Okabe-Ito's and Paul Tol's palettes): left, right,
#: then branches. Each is at least 3:1 (WCAG's figure for lines) against the charts' cells, white
#: and the dark theme's #121212 (page.css), so no line fades into one of them: Okabe-Ito's orange
#: (#E69F00, 2.3:1 on white), sky blue (#56B4E9, 2.3:1 on white) and Tol's wine (#882255, 2.1:1 on
#: the dark cells) did; Tol's ochre (#997700), light blue (#6699CC) and purple (#AA4499) took
#: their places.
COLORS = {LEFT: "#D55E00", RIGHT: "#0072B2"}
BRANCH_COLORS = ("#CC79A7", "#009E73", "#997700", "#6699CC", "#999933", "#AA4499")
MAX_BRANCHES = 4
MAX_MONTHS = 400  # 40 school years: the page stops playing there

#: Shocks the page can inject, with the size and length a button gives them (the registry's).
SHOCK_BUTTONS = BUTTONS

#: What the page builds by default: a 10,000-student district of 20 schools.
DEFAULT_STUDENTS = 10_000
DEFAULT_SCHOOLS = 20
#: Replicates of each district: ten give a 95% interval about 0.7 standard errors of one
#: run wide each side (t at 9 degrees of freedom, 2.26, over the square root of 10) for about
#: ten times one run's cost, which a month of a 10,000-student district keeps small (~1 ms a run).
DEFAULT_REPLICATES = 10
#: The page's largest number of replicates: a lever change re-runs all of them to now.
MAX_REPLICATES = 50

#: A band: each month's mean over the replicates and its 95% interval (lists of floats).
Band = tuple[list[float], list[float], list[float]]


@dataclass
class Setup:
    """Choices that survive a Reset: each side's scenario and the levers pulled on it, and the
    seed (typed on the page, where a bad one gets a message at the field)."""

    scenarios: dict[str, str] = field(default_factory=lambda: {LEFT: "fragmented", RIGHT: "focused"})
    overrides: dict[str, dict[str, float]] = field(default_factory=lambda: {LEFT: {}, RIGHT: {}})
    seed: int = 0
    #: The what-if's title (its file name and the exports' first line), kept across Resets.
    title: str = ""


@dataclass
class Marker:
    """A shock injected from the page, drawn on the charts' time axis."""

    time: float
    kind: str
    lines: tuple[str, ...]
    label: str


@dataclass
class Line:
    """One district on the page (its replicates), and the record that rebuilds it."""

    key: str
    label: str
    scenario: str
    seed: int                  # the page's seed; the replicates run on ``seeds``
    initial: Settings
    color: str
    seeds: tuple[int, ...] = ()
    #: Shocks injected and levers pulled, in the order they happened.
    history: list[Event] = field(default_factory=list)
    parent: str | None = None
    fork_time: float | None = None
    fork_index: int | None = None  # where in history the branch's own settings are
    models: list[DistrictModel] = field(default_factory=list)
    #: Each column's band so far, extended as months are recorded (past months never change:
    #: a change that rewrites the past builds a new Line).
    bands: dict[str, Band] = field(default_factory=dict, init=False, repr=False)

    @property
    def model(self) -> DistrictModel:
        """The first replicate: what the PELP diagram and the schools view show."""
        return self.models[0]

    @property
    def settings(self) -> Settings:
        """What the district acts on now (a branch: its lever from the fork on)."""
        return self.model.settings

    @property
    def dashed(self) -> bool:
        return self.parent is not None

    @property
    def months(self) -> int:
        """Months recorded (every replicate has the same)."""
        return len(self.model.datacollector.model_vars.get("achievement", []))

    def replay(self, until: float) -> list[DistrictModel]:
        """Rebuild every replicate from the record and run it to ``until``."""
        return [simulate(self.initial, s, int(round(until)), events=self.history) for s in self.seeds]

    def rebuilt(self, until: float, **changes: Any) -> Line:
        """A copy with ``changes`` to its record, replayed to ``until`` (bands start afresh)."""
        line = replace(self, models=[], **changes)
        line.models = line.replay(until)
        return line

    def runs(self, column: str) -> np.ndarray:
        """Every replicate's monthly values of ``column``: one row a replicate."""
        return np.array([m.datacollector.model_vars[column][:self.months] for m in self.models], dtype=float)

    def band(self, column: str) -> Band:
        """Each month's mean over the replicates and its 95% t-interval, bounded to the metric's
        range (``report.metric_interval``, as ``compare``'s tables and figures)."""
        means, lows, highs = self.bands.setdefault(column, ([], [], []))
        n = self.months
        if len(means) < n:
            record = [m.datacollector.model_vars[column] for m in self.models]
            for i in range(len(means), n):
                mean, low, high = metric_interval([r[i] for r in record], column)
                means.append(float(mean))
                lows.append(float(low))
                highs.append(float(high))
        return means[:n], lows[:n], highs[:n]


class Comparison(SchoolTime, mesa.Model):
    """Two districts (and branches forked from them) stepped together, month by month.

    Args:
        setup: each side's scenario and levers (kept across Resets); fragmented against
            focused if omitted.
        students, schools: size of both districts.
        seed: gives every district the same replicate seeds (common random numbers), those
            ``compare`` uses for it; any whole number >= 0, as ``compare`` takes (a string of
            digits too). Kept in ``setup``; the setup's seed if omitted.
        replicates: runs of each district (1 to ``MAX_REPLICATES``).
    """

    def __init__(self, setup: Setup | None = None, students: int = DEFAULT_STUDENTS,
                 schools: int = DEFAULT_SCHOOLS, seed: int | str | None = None,
                 replicates: int = DEFAULT_REPLICATES) -> None:
        self._prepare(setup if setup is not None else Setup(), students, schools, seed, replicates)
        for side in (LEFT, RIGHT):
            self.lines[side] = self._root(side)

    def _prepare(self, setup: Setup, students: int, schools: int, seed: int | str | None,
                 replicates: int) -> None:
        """Check the size, seed and replicates and set the clock at month 0, with no district yet."""
        seed = check_seed(_whole(setup.seed if seed is None else seed, "seed"))
        students = _whole(students, "district.students")
        schools = _whole(schools, "district.schools")
        replicates = _whole(replicates, "replicates", 1, MAX_REPLICATES)
        super().__init__(rng=seed)
        setup.seed = seed
        self.setup = setup
        self.seed = seed
        self.replicates = replicates
        self.seeds = tuple(replicate_seeds(seed, replicates))
        self.size = {"district.students": students, "district.schools": schools}
        self.lock = threading.RLock()
        self.lines: dict[str, Line] = {}
        self.markers: list[Marker] = []
        self._branch_count = 0
        #: What the last action did, for the page (errors are raised, not stored).
        self.note = ""
        #: The classroom demonstration's current caption (empty outside it).
        self.caption = ""
        #: The month the page's opening runs both sides to, while it runs (0: no opening running;
        #: set by controls.Playback): before its first month the explanation says the page is
        #: running, not "Press Play".
        self.opening = 0

    # --- building ---------------------------------------------------------------------------

    def _root(self, side: str, name: str | None = None, overrides: dict | None = None) -> Line:
        name = name or self.setup.scenarios[side]
        overrides = self.setup.overrides.get(side, {}) if overrides is None else overrides
        settings = load_scenario(name, {**self.size, **overrides})
        line = Line(key=side, label=name, scenario=name, seed=self.seed, initial=settings,
                    color=COLORS[side], seeds=self.seeds)
        line.models = [simulate(settings, s) for s in self.seeds]
        return line

    @property
    def months(self) -> int:
        return int(round(self.time))

    @property
    def title(self) -> str:
        return self.setup.title

    # --- saving and opening a what-if ---------------------------------------------------------

    def whatif(self, title: str | None = None) -> WhatIf:
        """The page as a what-if (both sides, every branch, every shock, lever and fork with its
        month, the clock and how the charts mark the shocks): what "Save what-if" writes."""
        with self.lock:
            return from_page(self.lines, self.seed, self.replicates, self.months,
                             self.title if title is None else title, self.markers, self._branch_count)

    @classmethod
    def from_whatif(cls, story: WhatIf, setup: Setup | None = None) -> Comparison:
        """The page a what-if was saved from, exactly: the same districts (keys, labels, colours,
        branches and their forks), replayed on the same seeds to the same month, the same shock
        markers, and the same next branch, so stepping on gives what the saved page would have.

        ``setup`` (the page's, kept across Resets) takes the what-if's scenarios, levers, seed
        and title, but only once the what-if has opened: one the page cannot show raises
        SettingsError and changes nothing."""
        _fits_the_page(story)
        left = story.lines[LEFT].settings()
        c = cls.__new__(cls)
        c._prepare(Setup(title=story.title), left.district.students, left.district.schools,
                   story.seed, story.replicates)
        c._branch_count = _branches_made(story)
        if story.months:
            c.run_for(story.months)    # the clock (no district yet: nothing else moves)
        for key, record in story.lines.items():
            c.lines[key] = c._restored(record, story)
        c.markers = [Marker(float(m.month), m.kind, m.lines, m.label)
                     for m in (story.markers or _markers_of(story, c.lines))]
        if setup is not None:
            setup.__dict__.update(c.setup.__dict__)
            c.setup = setup
        c.setup.scenarios = {side: story.lines[side].scenario for side in (LEFT, RIGHT)}
        c.setup.overrides = {side: c._overrides(c.lines[side]) for side in (LEFT, RIGHT)}
        name = f"“{story.title}”" if story.title else "the what-if"
        saved = f" (saved {story.date})" if story.date else ""
        c.note = f"Opened {name}{saved}: {len(c.lines)} districts replayed to {c.when()}"
        return c

    def _restored(self, record: LineRecord, story: WhatIf) -> Line:
        """One district of a what-if, rebuilt from its record and replayed to now."""
        history = [Event(float(e.time), e.change) for e in record.history()]
        fork = record.fork_month
        line = Line(key=record.key, label=record.title, scenario=record.scenario, seed=self.seed,
                    initial=record.settings(), color=self._color(record.key, story), seeds=self.seeds,
                    history=history, parent=record.parent, fork_time=None if fork is None else float(fork),
                    fork_index=record.fork_index)
        line.models = line.replay(self.time)
        return line

    def _color(self, key: str, story: WhatIf) -> str:
        """A side's colour; a branch's from the order it was made (``branch3``: the third
        colour), as ``fork`` gave it; a branch named otherwise takes the next colour unused."""
        if key in COLORS:
            return COLORS[key]
        number = _branch_number(key)
        if number:
            return BRANCH_COLORS[(number - 1) % len(BRANCH_COLORS)]
        used = {self._color(k, story) for k in story.lines if _branch_number(k) or k in COLORS}
        others = [k for k in story.lines if k not in COLORS and not _branch_number(k)]
        free = [c for c in BRANCH_COLORS if c not in used] or list(BRANCH_COLORS)
        return free[others.index(key) % len(free)]

    def _overrides(self, line: Line) -> dict[str, Any]:
        """The levers pulled on a side, as the setup keeps them (beyond the district's size)."""
        return changed_settings(line.initial, load_scenario(line.scenario, self.size))

    def restarted(self, seed: int | str | None = None) -> Comparison:
        """The page's districts built afresh at month 0, as Reset builds them (same scenarios,
        levers, size and replicates), on ``seed`` if given, which the setup then keeps (it is
        the one Reset passes). A bad seed raises SettingsError and changes nothing."""
        return Comparison(self.setup, self.size["district.students"], self.size["district.schools"],
                          seed, self.replicates)

    def when(self, time: float | None = None) -> str:
        """'year 3, month 4' of the month about to start at ``time`` (now if omitted)."""
        year, month = calendar(self.time if time is None else time)
        return f"year {year}, month {month}"

    # --- time -------------------------------------------------------------------------------

    def step(self) -> None:
        """One school month for every district, in lockstep."""
        with self.lock:
            for line in self.lines.values():
                for model in line.models:
                    model.step()
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
            history = [e for e in self.lines[side].history if e.is_shock]
            self.lines[side] = line.rebuilt(self.time, history=history)
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
                candidate = line.rebuilt(self.time, initial=settings)
            else:
                settings, value = levers.apply(line.history[line.fork_index].change, lever_key, text)
                history = list(line.history)
                history[line.fork_index] = Event(line.fork_time, settings)
                candidate = line.rebuilt(self.time, history=history)
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
                for model in line.models:
                    model.schedule_shock(shock)
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
                          initial=parent.initial, color=color, seeds=parent.seeds,
                          history=history + [Event(self.time, settings)],
                          parent=key, fork_time=self.time, fork_index=len(history))
            branch.models = branch.replay(self.time)
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

    def series(self, columns: list[str], spread: bool = False) -> list[dict]:
        """Each district's monthly band of ``columns``: ``values`` the mean over its replicates,
        ``low`` and ``high`` its 95% interval, and with ``spread`` each replicate's values
        (``runs``: column -> one row a replicate). Copies, safe to draw while playing.

        Row i is the month that ended at time i + 1. A branch's rows before its fork are its
        parent's (replayed), so charts draw a branch from its fork on.
        """
        with self.lock:
            out = []
            for line in self.lines.values():
                bands = {c: line.band(c) for c in columns}
                entry = {
                    "key": line.key, "label": line.label, "color": line.color,
                    "dashed": line.dashed, "start": int(round(line.fork_time or 0)),
                    "n": line.months, "replicates": len(line.models),
                    "values": {c: b[0] for c, b in bands.items()},
                    "low": {c: b[1] for c, b in bands.items()},
                    "high": {c: b[2] for c, b in bands.items()},
                }
                if spread:
                    entry["runs"] = {c: line.runs(c) for c in columns}
                out.append(entry)
            return out

    def latest(self, key: str) -> dict[str, float]:
        """The last recorded month of one district, each column's mean over its replicates
        (empty before the first step)."""
        return {c: float(v.mean()) for c, v in self.latest_runs(key).items()}

    def latest_runs(self, key: str) -> dict[str, np.ndarray]:
        """The last recorded month of one district, each column's value in every replicate."""
        with self.lock:
            line = self._line(key)
            if not line.months:
                return {}
            records = [m.datacollector.model_vars for m in line.models]
            return {c: np.array([r[c][-1] for r in records], dtype=float) for c in records[0]}

    def difference(self, a: str, b: str, column: str = "achievement") -> tuple[float, float, float]:
        """District ``a`` less district ``b`` in ``column`` now: the mean of the paired
        differences over the replicates (they share seeds) and its 95% interval, as ``compare``'s
        ``vs_first``. Raises SettingsError before the first month."""
        runs_a, runs_b = self.latest_runs(a), self.latest_runs(b)
        if not runs_a or not runs_b:
            raise SettingsError("no month has been run yet: step first")
        mean, low, high = interval(runs_a[column] - runs_b[column])
        return float(mean), float(low), float(high)

    def environment_shocks(self) -> list[dict]:
        """Shocks from scenarios and chance (not the page's buttons), once per time and kind,
        with the districts and how many of each district's replicates met them (``runs``: a
        random shock falls in some replicates, a scenario's in all)."""
        with self.lock:
            seen: dict[tuple, dict] = {}
            for line in self.lines.values():
                for model in line.models:
                    for entry in model.shock_state.log:
                        if entry["source"] == "injected":
                            continue
                        k = (round(entry["time"], 3), entry["kind"])
                        item = seen.setdefault(k, {**entry, "lines": [], "runs": {}})
                        if line.key not in item["lines"]:
                            item["lines"].append(line.key)
                        item["runs"][line.key] = item["runs"].get(line.key, 0) + 1
            return sorted(seen.values(), key=lambda e: e["time"])


_BRANCH = re.compile(r"branch([1-9]\d*)")


def _branch_number(key: str) -> int:
    """3 for ``branch3`` (the page's name for its third fork), else 0."""
    found = _BRANCH.fullmatch(key)
    return int(found.group(1)) if found else 0


def _fits_the_page(story: WhatIf) -> None:
    """Refuse, in plain words, a what-if the page cannot show (the command line can replay it)."""
    branches = [k for k, line in story.lines.items() if line.parent is not None]
    if story.replicates > MAX_REPLICATES:
        raise SettingsError(f"this what-if runs each district {story.replicates} times; the page runs "
                            f"at most {MAX_REPLICATES} (replay it with district-sim whatif)")
    if story.months > MAX_MONTHS:
        raise SettingsError(f"this what-if runs {story.months} months; the page stops at {MAX_MONTHS}")
    if len(branches) > MAX_BRANCHES:
        raise SettingsError(f"this what-if has {len(branches)} branches; the page shows at most "
                            f"{MAX_BRANCHES} (replay it with district-sim whatif)")


def _branches_made(story: WhatIf) -> int:
    """Forks made before the what-if was saved: what it says, else what its branch names show."""
    if story.branches_made is not None:
        return story.branches_made
    numbers = [_branch_number(k) for k, line in story.lines.items() if line.parent is not None]
    return max(numbers + [sum(1 for k in story.lines if story.lines[k].parent is not None)])


def _markers_of(story: WhatIf, lines: dict[str, Line]) -> list[MarkerAt]:
    """Markers for a what-if that does not say how the page drew it (written by hand or by a
    script): each shock once, in the districts that met it, in the words the buttons use."""
    found: dict[tuple, list[str]] = {}
    for key, record in story.lines.items():
        for event in record.events:
            if not hasattr(event, "shock"):
                continue
            found.setdefault((event.month, event.shock.kind), []).append(key)
    out = []
    for (month, kind), keys in sorted(found.items(), key=lambda item: item[0][0]):
        if set(keys) == set(lines):
            who = "all districts"
        elif set(keys) == {LEFT, RIGHT}:
            who = "both sides"
        else:
            who = ", ".join(lines[k].label for k in keys)
        spec = SHOCK_BUTTONS.get(kind)
        name = spec.label if spec else kind.replace("_", " ")
        year, month_of_year = calendar(month)
        out.append(MarkerAt(month, kind, tuple(keys), f"{name} ({who}), year {year}, month {month_of_year}"))
    return out


#: The page's names for the whole numbers it takes, in its own words.
WHOLE_LABELS = {"seed": "Seed", "district.students": "Students in each district",
                "district.schools": "Schools in each district", "replicates": "Runs of each district"}


def _whole(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    """Whole numbers from the page arrive as ints, floats or strings; a setting's range is
    the schema's unless given (the seed's is the run's own check). ``levers.parse_whole``
    reads the digits exactly, so a seed beyond a float's 2**53 is the seed typed."""
    info = find(name)
    if low is None:
        low, high = (int(info.low), int(info.high)) if info is not None else (0, None)
    return levers.parse_whole(value, WHOLE_LABELS.get(name, name), low, high)


def _side_name(side: str) -> str:
    return "The left side" if side == LEFT else "The right side"
