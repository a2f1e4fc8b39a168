"""The run contract: one way to build a district and run it, for every face.

``run``, ``compare``, sweeps, validation probes, the lever decomposition and the page all
build their districts with :func:`simulate`, so a notebook, the command line, a cluster
and the browser get the same numbers from the same settings and seed. A run is the
district built from its settings and seed, plus what happened to it along the way:
:class:`Event` records a shock injected or levers pulled at a moment of the run, which
is how the page's "inject now" and "fork" are replayed exactly.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .calendar import MONTHS_PER_YEAR, to_years, year_start
from .model import MAX_MONTHS, DistrictModel
from .record import EVERYTHING, Record
from .settings import Settings, SettingsError, Shock

__all__ = ["Event", "MAX_MONTHS", "simulate", "warn_outside"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Event:
    """Something that happens to a running district at model time ``time`` (months from the
    start): a shock starts (``Shock``), or the district acts on new levers (``Settings``)."""

    time: float
    change: Shock | Settings

    @property
    def is_shock(self) -> bool:
        return isinstance(self.change, Shock)


def simulate(
    settings: Settings,
    seed: int,
    months: int = 0,
    record: Record = EVERYTHING,
    events: Sequence[Event] = (),
    progress: Callable[[int, int], None] | None = None,
    district: type[DistrictModel] = DistrictModel,
    threads: int | None = None,
) -> DistrictModel:
    """Build the district of ``settings`` and ``seed`` and run it ``months`` school months.

    ``record`` says which metrics are kept and how often (``model.results()`` is the
    table); ``events`` happen at their times, in order (events after the run's end do not
    happen, and a UserWarning says so; a scenario's shocks after the end stay scheduled on the
    model returned, for a caller that steps on, so the caller that ends the run there warns of
    them with :func:`warn_outside`, as ``run`` does); ``progress`` is
    called with (months done, months in all) after each school year. ``district`` is the
    model class: validation probes pass a subclass that looks inside. ``threads``: BLAS
    threads while it computes (default ``$DISTRICT_SIM_THREADS`` or 1;
    :mod:`district_sim.threads`). Returns the model where the run stopped, ready to step on.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= MAX_MONTHS:
        raise SettingsError(f"months must be a whole number between 0 and {MAX_MONTHS}, got {months!r}")
    warn_outside(settings, months, events, shocks=False)  # a scenario's later shocks stay scheduled
    model = district(settings, seed, record=record, threads=threads)
    model.final_step = months
    for event in sorted(events, key=lambda e: e.time):
        if event.time > months:
            break
        _advance(model, event.time, months, progress)
        if event.is_shock:
            model.schedule_shock(event.change)
        else:
            model.update_settings(event.change)
    _advance(model, months, months, progress)
    return model


def warn_outside(settings: Settings, months: int, events: Sequence[Event] = (), shocks: bool = True) -> None:
    """Say which of the scenario's shocks (if ``shocks``) and which ``events`` fall after a run of
    ``months`` ends and so do not happen in it: a shock in year 12 of a 10-year run is more likely
    a slip than an intent. The warning points at the caller's line outside the package."""
    length = f"the run ends ({to_years(months):g} school years, {months} months)"
    late = [f"shock {s.kind!r} in year {s.year} would start after {length}"
            for s in (settings.shocks if shocks else ()) if year_start(s.year) + 0.5 > months]
    late += [f"event ({f'shock {e.change.kind!r}' if e.is_shock else 'levers pulled'}) at month "
             f"{e.time:g} comes after {length}" for e in events if e.time > months]
    for message in late:
        warnings.warn(f"{message}: it does not happen in this run", UserWarning,
                      skip_file_prefixes=(_PACKAGE,))


def _advance(model: DistrictModel, until: float, months: int, progress) -> None:
    """Run to time ``until``; with a progress callback, a school year at a time (same path)."""
    steps = int(round(until - model.time))
    if progress is None:
        if steps > 0:
            model.run_for(steps)
        return
    while steps > 0:
        chunk = min(MONTHS_PER_YEAR - model.steps % MONTHS_PER_YEAR, steps)
        model.run_for(chunk)
        steps -= chunk
        progress(model.steps, months)
