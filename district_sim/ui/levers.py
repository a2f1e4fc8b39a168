"""The levers a leader can pull on the page, grouped as the PELP Coherence Framework groups them.

A lever is a dotted setting of the schema (``strategy.alignment``) with a plain-words label,
its unit and a one-line explanation for the page. A value typed or slid on the page is read
here (:func:`parse`: a decimal field refuses a comma, since ``2,5`` read as 25 initiatives is
a trap; a whole-number field reads ``10,000`` as 10000), checked against the schema's range in
plain words built from that range and the lever's label ("New initiatives a year must be
between 0 and 50, got 60"), then passed through the same schema as scenario files. A bad value
changes nothing. :func:`display` is the label with the value the model now uses and its unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
    #: What the number counts, after it ("years", "a year"); money is written "$16,000".
    unit: str = ""
    #: How the value reads: "number", "share" (0-1, also as a percentage) or "money" (dollars).
    style: str = "number"

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

    @property
    def whole(self) -> bool:
        """A whole-number field (a count, or dollars in steps of 100): commas may group thousands."""
        return self.integer or (self.step >= 1 and float(self.step).is_integer())

    @property
    def decimals(self) -> int:
        """Digits after the point the page shows: the step's (0.05 -> 2, 0.5 -> 1, 100 -> 0)."""
        if self.whole:
            return 0
        text = f"{self.step:g}"
        return len(text.split(".")[1]) if "." in text else 0

    @property
    def name(self) -> str:
        """The label without its bracketed note, for sentences ("Spending per student")."""
        return self.label.split(" (")[0]


LEVERS: tuple[Lever, ...] = (
    # Strategy: what the district does, and what it decides not to do.
    Lever("strategy.initiatives_per_year", "Strategy", "New initiatives a year",
          "How many initiatives the central office launches each September.", 0.1, (0, 10), slider=False,
          unit="initiatives"),
    Lever("strategy.alignment", "Strategy", "Share aligned with the theory of action",
          "How many new initiatives serve the instructional core the strategy is about.", 0.05,
          unit="of new initiatives", style="share"),
    Lever("strategy.initiative_duration_years", "Strategy", "Years an initiative is kept",
          "Full implementation takes 2-4 years; the typical programme lasts 14-18 months.", 0.1, (0.5, 8),
          unit="years"),
    # Resources: money, people, time.
    Lever("strategy.resource_alignment", "Resources", "Share of money behind the strategy",
          "The rest of the discretionary budget funds unaligned programmes.", 0.05,
          unit="of the discretionary money", style="share"),
    Lever("district.spending_per_student", "Resources", "Spending per student ($ a year)",
          "All operating money (about $16,000 nationally); a change buys or costs posts, support "
          "and initiatives.", 100, (8000, 30000),
          slider=False, unit="a student a year", style="money"),
    Lever("budget.pay_level", "Resources", "Teacher pay (1 = salary schedule as the run starts)",
          "A raise keeps teachers (a 4% bonus cut leaving by about 17%) but buys fewer posts.",
          0.01, (0.8, 1.3), unit="× the starting salary schedule"),
    Lever("strategy.grant_funded_share", "Resources", "Unaligned work with its own grant",
          "Outside money that brings its own programme and ends when the grant does.", 0.05,
          unit="of unaligned initiatives", style="share"),
    # Structures and systems: who decides, how work flows.
    Lever("strategy.buffering", "Structures and systems", "Buffering of schools",
          "How far principals can keep unaligned demands out of classrooms.", 0.05,
          unit="of unaligned initiatives kept out", style="share"),
    Lever("capacity.teacher_attention", "Structures and systems", "Teacher time for new work",
          "1 = typical: about three initiatives fill a teacher's margin.", 0.1, (0.2, 3),
          unit="× typical"),
    Lever("leadership.principal_leadership_mean", "Structures and systems",
          "Principals' instructional leadership",
          "Stronger leaders buffer better and advocate for what their schools need.", 0.05,
          unit="on a 0-1 scale (0.5 typical)"),
    Lever("leadership.listening", "Structures and systems", "Central office listens to principals",
          "How far money follows principals' advocacy each year.", 0.05,
          unit="on a 0-1 scale"),
    # Culture: norms, trust, how things work here.
    Lever("teachers.cynicism_rate", "Culture", "Cynicism from abandoned initiatives",
          "'This too shall pass': what each initiative dropped before it paid back costs in trust.",
          0.05, (0, 1), unit="per initiative dropped"),
    Lever("teachers.fatigue_rate", "Culture", "Fatigue from overload",
          "How fast teachers tire when asked for more than they can give.", 0.01, (0, 0.3),
          unit="a month per unit of overload"),
    Lever("teachers.support_turnover", "Culture", "Support keeps teachers",
          "How strongly supportive leadership lowers leaving.", 0.05, (0, 2),
          unit="per unit of support (log hazard)"),
    # Environment: what the district does not control.
    Lever("environment.budget_cut_rate", "Environment", "Chance of a budget cut a year",
          "Downturns hit district budgets about once a decade.", 0.05,
          style="share"),
    Lever("environment.state_mandate_rate", "Environment", "Chance of a state mandate a year",
          "Compliance work schools must take on, whatever the strategy.", 0.05,
          style="share"),
    Lever("leadership.superintendent_tenure_years", "Environment", "Superintendent tenure (years)",
          "Large districts keep a superintendent about 5-6 years; politics can shorten it.", 0.5, (1, 12),
          unit="years"),
    Lever("leadership.strategy_replacement", "Environment", "Chance a successor replaces the strategy",
          "Policy churn: new leaders bring new agendas (Hess's 'spinning wheels').", 0.05,
          unit="of successions", style="share"),
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


#: A plain number as people type it: digits with at most one decimal point, maybe a sign and an
#: exponent (1e9 for a thought experiment). Python's float would also take "1_0" (10), "nan" and
#: "infinity"; a room should not meet those.
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
#: Thousands grouped by commas: 10,000 and 1,250,000.5, not 2,5 or 10,00.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(text: Any, name: str, whole: bool = False) -> float:
    """A number typed into a field called ``name``, or SettingsError in plain words.

    In a decimal field (``whole`` False) a comma is refused, not dropped: ``2,5`` means two and
    a half to half the world and would silently become 25. In a whole-number field commas may
    group thousands (``10,000``), and nothing else."""
    if isinstance(text, bool):
        raise SettingsError(f"{name}: enter a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = str(text if text is not None else "").strip()
        if not raw:
            raise SettingsError(f"{name}: the field is empty; enter a number")
        if "," in raw and whole and _THOUSANDS.match(raw):
            raw = raw.replace(",", "")
        elif "," in raw and whole:
            raise SettingsError(f"{name}: {raw!r} is not a number (commas may only group thousands, "
                                f"as in 10,000)")
        elif "," in raw:
            point = raw.replace(",", ".", 1) if raw.count(",") == 1 else ""
            hint = f" ({point}, not {raw})" if point and _NUMBER.match(point) else ""
            raise SettingsError(f"{name}: use a decimal point{hint}; a comma is not read here")
        if not _NUMBER.match(raw):
            raise SettingsError(f"{name}: {raw!r} is not a number")
        value = float(raw)
    if not math.isfinite(value):
        raise SettingsError(f"{name}: enter a finite number, got {text!r}")
    return value


#: The most digits a whole number may have: far beyond any seed or count, and below Python's own
#: limit on turning text into an int (4,300 digits), which would fail with a developer's message.
MAX_DIGITS = 1_000


def parse_whole(text: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    """A whole number typed into a field called ``name`` (a seed, a count), exactly, or
    SettingsError in plain words ("Seed must be a whole number of at least 0, got -1").

    Digits are read as digits, never through a float, so a seed beyond 2**64 is the seed typed
    (a float would round 2**64 + 1 to 2**64). Commas may group thousands ("10,000"), "7.0" and
    "1e3" are the whole numbers they write, "2.5" is not a whole number. ``low`` and ``high``
    are inclusive; None means no bound on that side."""
    message = f"{name} must be a whole number {_whole_range(low, high)}, got {{}}"
    if isinstance(text, bool):
        raise SettingsError(f"{name}: enter a whole number")
    if isinstance(text, int):
        number = int(text)
    elif isinstance(text, float):
        if not text.is_integer():
            raise SettingsError(message.format(f"{text:g}"))
        number = int(text)
    else:
        number = _whole_digits(str(text if text is not None else "").strip(), name, message)
    if (low is not None and number < low) or (high is not None and number > high):
        raise SettingsError(message.format(f"{number:,}" if abs(number) >= 10_000 else number))
    return number


def _whole_digits(raw: str, name: str, message: str) -> int:
    """The whole number a text writes, read exactly (``parse_whole``'s text case)."""
    if not raw:
        raise SettingsError(f"{name}: the field is empty; enter a whole number")
    if "," in raw:
        if not _THOUSANDS.match(raw):
            raise SettingsError(f"{name}: {raw!r} is not a whole number (commas may only group "
                                f"thousands, as in 10,000)")
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        raise SettingsError(f"{name}: {raw!r} is not a whole number")
    try:
        exact = Decimal(raw)
    except InvalidOperation:   # the pattern admits nothing Decimal refuses; kept as a guard
        raise SettingsError(f"{name}: {raw!r} is not a whole number") from None
    if exact.adjusted() >= MAX_DIGITS:
        raise SettingsError(f"{name}: {raw!r} has more than {MAX_DIGITS:,} digits")
    if exact != exact.to_integral_value():
        raise SettingsError(message.format(raw))
    return int(exact)


def _whole_range(low: int | None, high: int | None) -> str:
    """A whole number's range in words: "between 1 and 50", "of at least 0", "of at most 9"."""
    if low is not None and high is not None:
        return f"between {low:,} and {high:,}"
    if low is not None:
        return f"of at least {low:,}"
    return f"of at most {high:,}" if high is not None else "(positive or negative)"


def on_slider(key: str, value: Any) -> float:
    """Where a slider's thumb is for ``value``: on its range and its steps, as Vuetify 2's
    v-slider rounds its own thumb. Its keyboard sends the value before that rounding (0.7 minus
    a step of 0.05 is 0.6499999999999999 in a browser; an arrow key at the end of the track sends
    a step past it), so the district acts on where the thumb is, not on a value beside it."""
    lev = lever(key)
    number = min(max(float(value), lev.low), lev.high)
    offset = math.fmod(lev.low, lev.step)
    stepped = round((number - offset) / lev.step) * lev.step + offset
    return round(min(max(stepped, lev.low), lev.high), lev.decimals)


def field_text(key: str, value: float) -> str:
    """The value as its typed field shows it: plain digits that read back as the same number
    ("16000", "2.5", "5"), no thousands commas or unit (the readout above the field has them)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"   # twelve digits: the value typed, without a float's last-digit noise


def parse(key: str, text: Any) -> float:
    """A value typed or slid on the page, as a number in the schema's range; a plain-words
    message naming the lever if it is not one."""
    lev = lever(key)
    value = parse_number(text, lev.name, whole=lev.whole)
    if lev.integer:
        value = float(round(value))
    check(key, value)
    return value


def check(key: str, value: float) -> None:
    """SettingsError in plain words if ``value`` is outside the schema's range for the lever:
    "New initiatives a year must be between 0 and 50, got 60"."""
    lev = lever(key)
    info = lev.setting
    if not info.contains(value):
        raise SettingsError(f"{lev.name} must be {allowed(key)}, got {amount(key, value)}")


def allowed(key: str) -> str:
    """The schema's range of a lever in words: "between 0 and 50", "more than 0 and at most 50
    years", "between $1,000 and $1,000,000 a student a year"."""
    lev = lever(key)
    info = lev.setting
    low, high = math.isfinite(info.low), math.isfinite(info.high)
    first = f"{'more than' if info.low_open else 'at least'} {amount(key, info.low)}"
    second = f"{'less than' if info.high_open else 'at most'} {amount(key, info.high)}"
    if low and high and not (info.low_open or info.high_open):
        text = f"between {amount(key, info.low)} and {amount(key, info.high)}"
    elif low and high:
        text = f"{first} and {second}"
    else:
        text = first if low else second
    tail = _range_unit(lev)
    return f"{text} {tail}" if tail else text


def _range_unit(lev: Lever) -> str:
    """The unit a range is stated in, where the numbers alone would mislead: years, dollars."""
    return lev.unit if lev.style == "money" or lev.unit == "years" else ""


def amount(key: str, value: float) -> str:
    """A value as a sentence states it: "$16,000", "0.3", "50" (no unit: see :func:`display`)."""
    lev = lever(key)
    if lev.style == "money":
        return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}" if lev.whole or abs(value) >= 10_000 else f"{int(value)}"
    return f"{value:g}"


def shown(key: str, value: float) -> str:
    """The value with its unit, as the page shows it next to the control: "5 a year",
    "0.30 (30%) of new initiatives", "$16,000 a student a year", "1.4 years"."""
    lev = lever(key)
    if lev.style == "money":
        number = amount(key, value)
    else:
        number = f"{value:,.{lev.decimals}f}"
        if lev.style == "share":
            number += f" ({value * 100:.0f}%)"
    return f"{number} {lev.unit}" if lev.unit else number


def display(key: str, value: float) -> str:
    """A lever's label with the value the model now uses and its unit, for the control's
    readout: "New initiatives a year: 5.0 initiatives", "Spending per student: $16,000 a
    student a year" (the bracketed note of a label is said by the unit)."""
    return f"{lever(key).name}: {shown(key, value)}"


def apply(settings: Settings, key: str, text: Any) -> tuple[Settings, float]:
    """New validated settings with one lever changed; SettingsError in plain words (naming the
    lever and the allowed range) if the value is not allowed. ``settings`` is left as it was."""
    value = parse(key, text)
    return load_scenario(settings, {key: value}), value


def describe(key: str, value: float) -> str:
    """'New initiatives a year = 0' for labels of branches and markers."""
    return f"{lever(key).label} = {value:g}"
