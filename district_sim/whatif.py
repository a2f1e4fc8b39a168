"""A what-if you can save, share and replay: the page's story as a TOML file.

A what-if is everything that made the numbers on the page: each district's scenario and the
levers pulled on it before the run, the shared seed and the number of replicates, and every
shock injected, lever pulled and branch forked, each with its school month. The file is the
record the page already keeps (:class:`district_sim.ui.session.Line`: initial settings plus
a timed history of :class:`~district_sim.simulation.Event`), written (with tomli-w) as settings that differ
from the scenario, so a reader sees exactly which levers a group pulled and when.

:func:`replay` runs that record through :func:`~district_sim.simulation.simulate`, the same
path the page and ``compare`` take, with ``compare``'s replicate seeds, so the command line
(``district-sim whatif FILE``) gets the page's numbers. This module is core: it imports the
run contract and the settings, never a face.

The file (version 1)::

    version = 1
    title = "Stop launching in year 4"
    date = "2026-12-02"
    seed = 0
    replicates = 10
    months = 60                      # school months run (ten a year)

    [lines.left]
    scenario = "fragmented"
    levers = { "district.students" = 3000, "district.schools" = 6 }

    [[lines.left.events]]            # a shock injected at month 20
    month = 20
    shock = { kind = "budget_cut", year = 3, magnitude = 0.08, duration_years = 1.0 }

    [lines.right]
    scenario = "focused"
    levers = { "district.students" = 3000, "district.schools" = 6 }

    [lines.branch1]                  # a fork of the left side at month 30
    scenario = "fragmented"
    label = "fragmented, from y4m1: New initiatives a year = 0"
    parent = "left"
    fork_month = 30
    levers = { "district.students" = 3000, "district.schools" = 6 }

    [[lines.branch1.events]]         # its history: the parent's up to the fork, then the fork
    month = 20
    shock = { kind = "budget_cut", year = 3, magnitude = 0.08, duration_years = 1.0 }

    [[lines.branch1.events]]
    month = 30
    levers = { "strategy.initiatives_per_year" = 0.0 }

A ``levers`` event changes the listed settings of those the district acts on just before it
(the scenario with the line's ``levers``, then each earlier ``levers`` event in turn). A
branch's own lever is the ``levers`` event at its ``fork_month`` (the last one, for a fork of a
fork made the same month).

A file saved from the page also says how the page drew it, so that opening it there gives the
same charts (replaying ignores it)::

    [page]
    branches_made = 2                # forks made so far (names and colours the next one)

    [[page.markers]]                 # a shock button pressed, as the charts mark it
    month = 20
    kind = "budget_cut"
    lines = ["left"]
    label = "Budget cut (fragmented), year 3, month 1"
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import tomli_w
from pydantic import ValidationError

from .api import replicate_seeds
from .model import DistrictModel, check_seed
from .scenarios import load_scenario
from .settings import Settings, SettingsError, Shock, describe_validation_error, flatten
from .shocks import SHOCK_KINDS
from .simulation import MAX_MONTHS, Event, simulate

__all__ = ["VERSION", "WhatIf", "WhatIfError", "LineRecord", "ShockAt", "LeversAt", "MarkerAt",
           "read", "replay", "run_line", "changed_settings", "from_page", "save_csv", "read_csv",
           "csv_text", "csv_head"]

VERSION = 1
SIDES = ("left", "right")
MAX_REPLICATES = 1000
#: Settings that name a scenario rather than pull a lever: never written as levers.
_NOT_LEVERS = ("name", "description")


class WhatIfError(SettingsError):
    """A what-if file that cannot be read: one line naming the key and what is allowed."""


@dataclass(frozen=True)
class ShockAt:
    """A shock that starts at school month ``month`` (the page's "inject now")."""

    month: float
    shock: Shock


@dataclass(frozen=True)
class LeversAt:
    """Levers pulled at school month ``month`` (a fork's change, or a lever pulled mid-run):
    dotted settings and their new values."""

    month: float
    levers: dict[str, Any]


@dataclass(frozen=True)
class MarkerAt:
    """A shock button pressed on the page at school month ``month``, as its charts mark it: the
    districts it went into then (a branch removed since stays named) and the marker's words."""

    month: float
    kind: str
    lines: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class LineRecord:
    """One district of a what-if and the record that rebuilds it: a side (``left``,
    ``right``) or a branch forked from another line (``parent``, ``fork_month``)."""

    key: str
    scenario: str
    levers: dict[str, Any] = field(default_factory=dict)
    events: tuple[ShockAt | LeversAt, ...] = ()
    label: str = ""
    parent: str | None = None
    fork_month: float | None = None

    def settings(self) -> Settings:
        """What the district is built from: the scenario with this line's levers."""
        return load_scenario(self.scenario, self.levers)

    @property
    def fork_index(self) -> int | None:
        """Where in :meth:`history` a branch's own settings are: its last ``levers`` event at
        ``fork_month`` (None for a side)."""
        if self.parent is None:
            return None
        found = [i for i, e in enumerate(self.events)
                 if isinstance(e, LeversAt) and e.month == self.fork_month]
        return found[-1] if found else None

    def history(self) -> list[Event]:
        """The events :func:`simulate` replays, in the order they happened (a levers event
        becomes the whole settings the district acts on from then on)."""
        current, out = self.settings(), []
        for event in self.events:
            if isinstance(event, ShockAt):
                out.append(Event(event.month, event.shock))
            else:
                current = load_scenario(current, event.levers)
                out.append(Event(event.month, current))
        return out

    @property
    def title(self) -> str:
        return self.label or (self.scenario if self.parent is None else self.key)


@dataclass(frozen=True)
class WhatIf:
    """Both sides (and their branches), the seed, replicates and run length, and a title."""

    lines: dict[str, LineRecord]
    seed: int = 0
    replicates: int = 10
    months: int = 100
    title: str = ""
    date: str = field(default_factory=lambda: _dt.date.today().isoformat())
    version: int = VERSION
    #: How the page drew it (empty for a what-if not saved from the page).
    markers: tuple[MarkerAt, ...] = ()
    branches_made: int | None = None

    def to_toml(self) -> str:
        """The what-if as TOML text (what the page offers to download)."""
        head: dict[str, Any] = {"version": self.version, "title": self.title, "date": self.date,
                                "seed": self.seed, "replicates": self.replicates, "months": self.months}
        body = head | {"lines": {key: _line_table(line) for key, line in self.lines.items()}}
        page: dict[str, Any] = {}
        if self.branches_made is not None:
            page["branches_made"] = self.branches_made
        if self.markers:
            page["markers"] = [{"month": m.month, "kind": m.kind, "lines": list(m.lines), "label": m.label}
                               for m in self.markers]
        return tomli_w.dumps(body | ({"page": page} if page else {}))

    @classmethod
    def from_toml(cls, text: str, source: str = "what-if") -> WhatIf:
        """A what-if from TOML text; :class:`WhatIfError` (one line naming ``source`` and the
        key) if it is not a valid one."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise WhatIfError(f"{source}: not valid TOML ({err})") from None
        try:
            return _build(data)
        except WhatIfError as err:
            raise WhatIfError(f"{source}: {err}") from None

    def save(self, path: str | Path) -> Path:
        """Write the file atomically (an existing one is replaced whole or left as it was)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(self.to_toml(), encoding="utf-8")
        tmp.replace(path)
        return path


def read(path: str | Path) -> WhatIf:
    """A what-if from a file, naming the file in any error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WhatIfError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise WhatIfError(f"{path}: cannot be read ({err})") from None
    return WhatIf.from_toml(text, str(path))


# --- running ---------------------------------------------------------------------------------


def run_line(line: LineRecord, seed: int, months: int) -> DistrictModel:
    """One district of a what-if with one seed, run ``months`` school months (the page's
    replay of a :class:`Line`: its initial settings and its history through ``simulate``)."""
    return simulate(line.settings(), seed, months, events=line.history())


def replay(whatif: WhatIf, progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Every line of the what-if, replicate r with ``replicate_seeds(seed, replicates)[r]``
    (the seeds ``compare`` uses); long format like ``compare``: ``scenario`` (the line's
    title, what the tables group by), ``line`` (its key), ``replicate``, ``seed``, then the
    monthly metrics. ``progress`` gets (runs done, runs in all)."""
    seeds = replicate_seeds(whatif.seed, whatif.replicates)
    titles = _unique_titles(whatif.lines.values())
    frames, total = [], len(whatif.lines) * len(seeds)
    for key, line in whatif.lines.items():
        for r, s in enumerate(seeds):
            df = run_line(line, s, whatif.months).results()
            for i, (name, value) in enumerate((("scenario", titles[key]), ("line", key),
                                               ("replicate", r), ("seed", s))):
                df.insert(i, name, value)
            frames.append(df)
            if progress:
                progress(len(frames), total)
    return pd.concat(frames, ignore_index=True)


def _unique_titles(lines: Iterable[LineRecord]) -> dict[str, str]:
    """Each line's title; lines that share one (fragmented against fragmented with another
    lever) are told apart by their key, so tables never merge two districts."""
    lines = list(lines)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.title] = counts.get(line.title, 0) + 1
    return {line.key: line.title if counts[line.title] == 1 else f"{line.key}: {line.title}"
            for line in lines}


# --- recording what the page did --------------------------------------------------------------


class PageLine(Protocol):
    """What the page's ``Line`` holds (``district_sim.ui.session``), read without importing it."""

    key: str
    label: str
    scenario: str
    initial: Settings
    history: list[Event]
    parent: str | None
    fork_time: float | None


def changed_settings(settings: Settings, base: Settings) -> dict[str, Any]:
    """Dotted settings whose value differs from ``base`` (the levers pulled on it)."""
    new, old = flatten(settings.model_dump()), flatten(base.model_dump())
    return {k: v for k, v in new.items() if k not in _NOT_LEVERS and old.get(k) != v}


def from_line(line: PageLine) -> LineRecord:
    """The record of one of the page's districts: its levers as changes from its scenario,
    its history as shocks and lever changes at their months."""
    current = line.initial
    events: list[ShockAt | LeversAt] = []
    for event in line.history:
        if event.is_shock:
            events.append(ShockAt(_month(event.time), event.change))
        else:
            events.append(LeversAt(_month(event.time), changed_settings(event.change, current)))
            current = event.change
    return LineRecord(key=line.key, scenario=line.scenario,
                      levers=changed_settings(line.initial, load_scenario(line.scenario)),
                      events=tuple(events), label=line.label, parent=line.parent,
                      fork_month=None if line.fork_time is None else _month(line.fork_time))


class PageMarker(Protocol):
    """What the page's ``Marker`` holds (a shock button pressed)."""

    time: float
    kind: str
    lines: tuple[str, ...]
    label: str


def from_page(lines: Mapping[str, PageLine], seed: int, replicates: int, months: int,
              title: str = "", markers: Iterable[PageMarker] = (),
              branches_made: int | None = None) -> WhatIf:
    """A what-if of the page's districts as they stand (``Comparison.lines`` and its clock),
    with the shocks its charts mark and the forks made so far, so the page can reopen it as
    it was."""
    return WhatIf(lines={k: from_line(v) for k, v in lines.items()}, seed=seed,
                  replicates=replicates, months=months, title=title,
                  markers=tuple(MarkerAt(_month(m.time), m.kind, tuple(m.lines), m.label) for m in markers),
                  branches_made=branches_made)


def _month(time: float) -> float | int:
    return int(time) if float(time).is_integer() else float(time)


# --- reading and checking ---------------------------------------------------------------------


_TOP = {"version", "title", "date", "seed", "replicates", "months", "lines", "page"}
_PAGE = {"branches_made", "markers"}
_MARKER = {"month", "kind", "lines", "label"}
_LINE = {"scenario", "label", "parent", "fork_month", "levers", "events"}


def _build(data: dict[str, Any]) -> WhatIf:
    _known(data, _TOP, "")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise WhatIfError(f"version: this district-sim reads what-if version {VERSION}, got {version!r}")
    seed = _whole(data, "seed", 0, None, default=0)
    try:
        check_seed(seed)
    except SettingsError as err:
        raise WhatIfError(f"seed: {err}") from None
    replicates = _whole(data, "replicates", 1, MAX_REPLICATES, default=10)
    months = _whole(data, "months", 0, MAX_MONTHS, default=100)
    title, date = _text(data, "title", ""), _text(data, "date", "")
    lines = data.get("lines")
    if not isinstance(lines, dict) or not all(s in lines for s in SIDES):
        raise WhatIfError("lines: needs a [lines.left] and a [lines.right] table")
    records = {key: _line(key, value, months) for key, value in lines.items()}
    for key, line in records.items():
        if line.parent is not None and (line.parent not in records or line.parent == key):
            raise WhatIfError(f"lines.{key}.parent: no line {line.parent!r} to fork from "
                              f"(lines: {', '.join(records)})")
    markers, branches_made = _page(data.get("page", {}), months)
    return WhatIf(lines=records, seed=seed, replicates=replicates, months=months, title=title,
                  date=date, version=version, markers=markers, branches_made=branches_made)


def _page(data: Any, months: int) -> tuple[tuple[MarkerAt, ...], int | None]:
    """The optional [page] table: how the page drew the what-if."""
    if not isinstance(data, dict):
        raise WhatIfError("page: must be a table (branches_made, markers)")
    _known(data, _PAGE, "page.")
    made = None if "branches_made" not in data else _whole(data, "branches_made", 0, None, 0, "page.")
    markers = data.get("markers", [])
    if not isinstance(markers, list):
        raise WhatIfError("page.markers: must be a list of [[page.markers]] tables")
    return tuple(_marker(m, f"page.markers[{i}]", months) for i, m in enumerate(markers)), made


def _marker(data: Any, where: str, months: int) -> MarkerAt:
    if not isinstance(data, dict):
        raise WhatIfError(f"{where}: must be a table with month, kind, lines and label")
    _known(data, _MARKER, where + ".")
    for key in sorted(_MARKER - set(data)):
        raise WhatIfError(f"{where}.{key}: missing")
    kind = data["kind"]
    if kind not in SHOCK_KINDS:
        raise WhatIfError(f"{where}.kind: must be one of {', '.join(SHOCK_KINDS)}, got {kind!r}")
    lines = data["lines"]
    if not isinstance(lines, list) or not lines or not all(isinstance(k, str) for k in lines):
        raise WhatIfError(f"{where}.lines: must be a list of line keys in quotes, got {lines!r}")
    return MarkerAt(_month_value(data["month"], f"{where}.month", months), kind, tuple(lines),
                    _text(data, "label", "", where))


def _line(key: str, data: Any, months: int) -> LineRecord:
    where = f"lines.{key}"
    if not isinstance(data, dict):
        raise WhatIfError(f"{where}: must be a table with a scenario")
    _known(data, _LINE, where + ".")
    scenario = data.get("scenario")
    if not isinstance(scenario, str) or not scenario:
        raise WhatIfError(f"{where}.scenario: needs a scenario name, got {scenario!r}")
    levers = _levers(data.get("levers", {}), f"{where}.levers")
    parent = data.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise WhatIfError(f"{where}.parent: must be the key of another line, got {parent!r}")
    if key in SIDES and parent is not None:
        raise WhatIfError(f"{where}.parent: the {key} side is not a branch; remove parent")
    fork = data.get("fork_month")
    if (parent is None) != (fork is None):
        raise WhatIfError(f"{where}: a branch needs both parent and fork_month")
    if fork is not None:
        fork = _month_value(fork, f"{where}.fork_month", months)
    events = data.get("events", [])
    if not isinstance(events, list):
        raise WhatIfError(f"{where}.events: must be a list of [[{where}.events]] tables")
    record = LineRecord(key=key, scenario=scenario, levers=levers, label=_text(data, "label", "", where),
                        parent=parent, fork_month=fork,
                        events=tuple(_event(e, f"{where}.events[{i}]", months) for i, e in enumerate(events)))
    try:
        record.history()  # every lever value checked by the schema, as the page checks them
    except SettingsError as err:
        raise WhatIfError(f"{where}: {err}") from None
    if parent is not None and record.fork_index is None:
        raise WhatIfError(f"{where}.events: a branch needs a levers event at its fork_month ({fork}), "
                          "the lever it changed")
    return record


def _event(data: Any, where: str, months: int) -> ShockAt | LeversAt:
    if not isinstance(data, dict):
        raise WhatIfError(f"{where}: must be a table with month and shock or levers")
    _known(data, {"month", "shock", "levers"}, where + ".")
    if "month" not in data:
        raise WhatIfError(f"{where}.month: missing (the school month it happened, 0 to {months})")
    month = _month_value(data["month"], f"{where}.month", months)
    if ("shock" in data) == ("levers" in data):
        raise WhatIfError(f"{where}: needs exactly one of shock or levers")
    if "levers" in data:
        return LeversAt(month, _levers(data["levers"], f"{where}.levers"))
    shock = data["shock"]
    if not isinstance(shock, dict):
        raise WhatIfError(f"{where}.shock: must be a table (kind, year, magnitude, duration_years)")
    try:
        return ShockAt(month, Shock.model_validate(shock))
    except ValidationError as err:
        raise WhatIfError(f"{where}.shock.{describe_validation_error(err)}") from None


def _levers(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WhatIfError(f"{where}: must be a table of dotted settings and values")
    levers = flatten(value)  # {"strategy" = {alignment = 1}} and {"strategy.alignment" = 1} alike
    for key in levers:
        if key in _NOT_LEVERS:
            raise WhatIfError(f"{where}.{key}: a scenario's {key} is not a lever")
    return levers


def _known(data: dict, allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise WhatIfError(f"{where}{key}: unknown key (known: {', '.join(sorted(allowed))})")


def _whole(data: dict, key: str, low: int, high: int | None, default: int, where: str = "") -> int:
    value = data.get(key, default)
    too_high = high is not None and isinstance(value, int) and value > high
    if isinstance(value, bool) or not isinstance(value, int) or value < low or too_high:
        allowed = f"between {low} and {high}" if high is not None else f"{low} or more"
        raise WhatIfError(f"{where}{key}: must be a whole number {allowed}, got {value!r}")
    return value


def _month_value(value: Any, where: str, months: int) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= months:
        raise WhatIfError(f"{where}: must be a school month between 0 and {months} (the run's length), "
                          f"got {value!r}")
    return value


def _text(data: dict, key: str, default: str, where: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise WhatIfError(f"{where + '.' if where else ''}{key}: must be text in quotes, got {value!r}")
    return value


def _line_table(line: LineRecord) -> dict[str, Any]:
    """One line as the TOML table the file holds (keys in the order a reader wants them)."""
    table: dict[str, Any] = {"scenario": line.scenario}
    if line.label:
        table["label"] = line.label
    if line.parent is not None:
        table |= {"parent": line.parent, "fork_month": line.fork_month}
    if line.levers:
        table["levers"] = dict(line.levers)
    if line.events:
        table["events"] = [{"month": e.month, "shock": e.shock.model_dump()} if isinstance(e, ShockAt)
                           else {"month": e.month, "levers": dict(e.levers)} for e in line.events]
    return table


# --- tables that carry their what-if ------------------------------------------------------------

#: What begins each leading line of a what-if's CSV: the what-if's TOML, line by line.
COMMENT = "# "


def csv_head(whatif: WhatIf, notes: Iterable[str] = ()) -> str:
    """The whole what-if (title, date, seed, replicates, every line's scenario, levers and
    events) as ``# `` lines, then each of ``notes`` as a ``# # `` line (a comment of the TOML,
    so :func:`read_csv` still reads the what-if back): what leads a table that says what made it."""
    head = "".join(f"{COMMENT}{line}\n".replace(f"{COMMENT}\n", "#\n")
                   for line in whatif.to_toml().splitlines())
    return head + "".join(f"{COMMENT}# {' '.join(note.split())}\n" for note in notes)


def csv_text(whatif: WhatIf, df: pd.DataFrame) -> str:
    """The replayed table as CSV, led by :func:`csv_head`. :func:`read_csv` gives both back;
    ``pandas.read_csv(path, comment="#")`` reads the table."""
    return csv_head(whatif) + df.to_csv(index=False)


def save_csv(whatif: WhatIf, df: pd.DataFrame, path: str | Path) -> Path:
    """Write :func:`csv_text` atomically."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(csv_text(whatif, df), encoding="utf-8")
    tmp.replace(path)
    return path


def read_csv(path: str | Path) -> tuple[WhatIf, pd.DataFrame]:
    """The what-if and the table of a CSV written by :func:`save_csv`."""
    import io

    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    toml = "".join(line[len(COMMENT):] if line.startswith(COMMENT) else line[1:] for line in lines[:n])
    return WhatIf.from_toml(toml, str(path)), pd.read_csv(io.StringIO("".join(lines[n:])))
