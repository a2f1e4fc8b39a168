"""The levers a leader can pull on the page, grouped as the PELP Coherence Framework groups them.

A lever is a dotted setting of the schema (``strategy.alignment``) with a plain-words label
and a one-line explanation for the page. Values typed on the page pass through the same
schema as scenario files, so a bad value gets the schema's own message naming the setting
and the allowed range, and nothing is changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..scenarios import load_scenario
from ..settings import SettingInfo, Settings, SettingsError, lookup

#: PELP's elements, in the order the page shows them.
GROUPS = ("Strategy", "Resources", "Structures and systems", "Culture", "Environment")


@dataclass(frozen=True)
class Lever:
    """A setting on the page: its range and kind are the schema's (:func:`settings.lookup`);
    the lever adds only how the page presents it."""

    key: str          # dotted setting
    group: str        # one of GROUPS
    label: str        # short name on the page
    help: str         # one line: what pulling it means
    step: float
    #: The part of the schema's range the slider spans, where the schema's is too wide to slide
    #: (teacher attention may be 1e9 in a thought experiment; a room needs a slider to 3).
    shown: tuple[float, float] | None = None
    slider: bool = True  # False: a typed input (counts and money, where a slider is too coarse)

    @property
    def section(self) -> str:
        return self.key.split(".")[0]

    @property
    def setting(self) -> SettingInfo:
        return lookup(self.key)

    @property
    def low(self) -> float:
        return self.shown[0] if self.shown is not None else self.setting.low

    @property
    def high(self) -> float:
        return self.shown[1] if self.shown is not None else self.setting.high

    @property
    def integer(self) -> bool:
        return self.setting.kind == "int"


LEVERS: tuple[Lever, ...] = (
    # Strategy: what the district does, and what it decides not to do.
    Lever("strategy.initiatives_per_year", "Strategy", "New initiatives a year",
          "How many initiatives the central office launches each September.", 0.1, (0, 10), slider=False),
    Lever("strategy.alignment", "Strategy", "Share aligned with the theory of action",
          "How many new initiatives serve the instructional core the strategy is about.", 0.05),
    Lever("strategy.initiative_duration_years", "Strategy", "Years an initiative is kept",
          "Full implementation takes 2-4 years; the typical programme lasts 14-18 months.", 0.1, (0.5, 8)),
    # Resources: money, people, time.
    Lever("strategy.resource_alignment", "Resources", "Share of money behind the strategy",
          "The rest of the discretionary budget funds unaligned programmes.", 0.05),
    Lever("district.spending_per_student", "Resources", "Spending per student ($ a year)",
          "All operating money (about $16,000 nationally); a change buys or costs posts, support "
          "and initiatives.", 100, (8000, 30000),
          slider=False),
    Lever("budget.pay_level", "Resources", "Teacher pay (1 = salary schedule as the run starts)",
          "A raise keeps teachers (a 4% bonus cut leaving by about 17%) but buys fewer posts.",
          0.01, (0.8, 1.3)),
    Lever("strategy.grant_funded_share", "Resources", "Unaligned work with its own grant",
          "Outside money that brings its own programme and ends when the grant does.", 0.05),
    # Structures and systems: who decides, how work flows.
    Lever("strategy.buffering", "Structures and systems", "Buffering of schools",
          "How far principals can keep unaligned demands out of classrooms.", 0.05),
    Lever("capacity.teacher_attention", "Structures and systems", "Teacher time for new work",
          "1 = typical: about three initiatives fill a teacher's margin.", 0.1, (0.2, 3)),
    Lever("leadership.principal_leadership_mean", "Structures and systems",
          "Principals' instructional leadership",
          "Stronger leaders buffer better and advocate for what their schools need.", 0.05),
    Lever("leadership.listening", "Structures and systems", "Central office listens to principals",
          "How far money follows principals' advocacy each year.", 0.05),
    # Culture: norms, trust, how things work here.
    Lever("teachers.cynicism_rate", "Culture", "Cynicism from abandoned initiatives",
          "'This too shall pass': what each initiative dropped before it paid back costs in trust.",
          0.05, (0, 1)),
    Lever("teachers.fatigue_rate", "Culture", "Fatigue from overload",
          "How fast teachers tire when asked for more than they can give.", 0.01, (0, 0.3)),
    Lever("teachers.support_turnover", "Culture", "Support keeps teachers",
          "How strongly supportive leadership lowers leaving.", 0.05, (0, 2)),
    # Environment: what the district does not control.
    Lever("environment.budget_cut_rate", "Environment", "Chance of a budget cut a year",
          "Downturns hit district budgets about once a decade.", 0.05),
    Lever("environment.state_mandate_rate", "Environment", "Chance of a state mandate a year",
          "Compliance work schools must take on, whatever the strategy.", 0.05),
    Lever("leadership.superintendent_tenure_years", "Environment", "Superintendent tenure (years)",
          "Large districts keep a superintendent about 5-6 years; politics can shorten it.", 0.5, (1, 12)),
    Lever("leadership.strategy_replacement", "Environment", "Chance a successor replaces the strategy",
          "Policy churn: new leaders bring new agendas (Hess's 'spinning wheels').", 0.05),
)

BY_KEY = {lever.key: lever for lever in LEVERS}


def by_group() -> dict[str, list[Lever]]:
    return {g: [lever for lever in LEVERS if lever.group == g] for g in GROUPS}


def lever(key: str) -> Lever:
    if key not in BY_KEY:
        raise SettingsError(f"{key}: not a lever on the page (levers: {', '.join(BY_KEY)})")
    return BY_KEY[key]


def current(settings: Settings, key: str) -> float:
    section, name = lever(key).key.split(".")
    return float(getattr(getattr(settings, section), name))


def parse(key: str, text: Any) -> float:
    """A value typed or slid on the page, as a number; a message naming the lever if it is not one."""
    lev = lever(key)
    if isinstance(text, bool):
        raise SettingsError(f"{key} ({lev.label}): enter a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text if text is not None else "").strip().replace(",", "")
        if not raw:
            raise SettingsError(f"{key} ({lev.label}): the field is empty; enter a number")
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{key} ({lev.label}): {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise SettingsError(f"{key} ({lev.label}): enter a finite number, got {text!r}")
    return value


def apply(settings: Settings, key: str, text: Any) -> tuple[Settings, float]:
    """New validated settings with one lever changed; SettingsError (naming the setting and
    the allowed range) if the value is not allowed. ``settings`` is left as it was."""
    value = parse(key, text)
    if lever(key).integer:
        value = float(round(value))
    return load_scenario(settings, {key: value}), value


def describe(key: str, value: float) -> str:
    """'New initiatives a year = 0' for labels of branches and markers."""
    return f"{lever(key).label} = {value:g}"
