"""Why two districts differ now, in plain words, read off the models' monthly reporters.

The diagnosis follows the causal chain the model tells: achievement follows classroom
effect, which is teachers' practice less the dip while they learn new routines; practice
changes only where initiatives are implemented past a threshold;
depth needs attention, money and time, which overload, fatigue, turnover, abandoned
initiatives and misaligned resources take away. Each candidate mechanism is scored by how
far the district that is ahead does better on it, in units of a difference that matters
(its ``scale``, a stated judgement); the best-scoring mechanisms are named. It is a reading of the current
state, not a causal test: the ablation experiments (``mechanisms.*`` switches) are that.

With replicates, who is ahead is read off the paired difference's 95% interval (as
``compare``'s ``vs_first``): a district is called ahead only when the interval excludes zero,
and otherwise the page says there is no clear difference yet, with the interval, so that one
seed's luck is never read as a strategy's effect.

Clear is not the same as large. The districts' runs share their luck (common random numbers),
so their paired differences are measured precisely, and from the first months the interval
can exclude zero for a gap of a thousandth of an SD. A gap under ``LEVEL`` (0.01 SD) whose
interval excludes zero is called real in the model but too small to matter yet. Why 0.01 SD:
it is 5% of the narrowest achievement axis the charts draw (``charts.MIN_SPAN``, 0.2 SD, "a
difference that matters" on screen), too little for the two lines to look apart; and a fifth
of 0.05 SD, where a medium effect begins in Kraft's (2020) benchmarks for education
interventions. Two districts whose runs are still identical (a branch in the months after its
fork) are said to be the same so far, not "no clear difference".

A branch is named by its label in quotes ("fragmented, from y4m1: New initiatives a year = 0"
holds a colon and a comma of its own), so a sentence about it still reads as a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Achievement differences smaller than this (student SD) are too small to matter: with one
#: run they are called level; with replicates whose paired interval excludes zero, real in the
#: model but too small to matter yet (the reason for 0.01 is in the module's docstring).
LEVEL = 0.01
#: Practice differences smaller than this (SD a year of value-added) are not mentioned: half
#: of ``LEVEL``, as a year of practice moves achievement by about its own size.
PRACTICE_LEVEL = 0.005

#: A paired difference, district a less district b: (mean, low, high) of its 95% interval.
Interval = tuple[float, float, float]


@dataclass(frozen=True)
class Driver:
    name: str
    column: str
    better: int     # +1: higher is better for learning; -1: lower is better
    scale: float    # a difference that matters
    say: Callable[[str, str, float, float], str]  # (ahead, behind, ahead's value, behind's)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


DRIVERS: tuple[Driver, ...] = (
    Driver("limited attention", "attention_met", +1, 0.1, lambda a, b, va, vb: (
        f"Teachers in {b} can give only {_pct(vb)} of the attention their initiatives ask "
        f"for, against {_pct(va)} in {a}: spread over too many programmes, effort never "
        f"builds the depth at which practice changes.")),
    Driver("implementation depth", "implementation_depth", +1, 0.1, lambda a, b, va, vb: (
        f"Initiatives in {a} are implemented to a depth of {va:.2f}, against {vb:.2f} in {b}; "
        f"an initiative changes practice only past its threshold, so shallow work buys nothing.")),
    Driver("initiatives dropped before they paid back", "abandoned_per_year", -1, 1.5,
           lambda a, b, va, vb: (
               f"{b} has dropped {vb:.1f} initiatives a year before they paid back "
               f"(against {va:.1f} in {a}): each one cost effort and an implementation dip, "
               f"and left cynicism behind.")),
    Driver("misaligned money", "resource_alignment", +1, 0.2, lambda a, b, va, vb: (
        f"{a} puts {_pct(va)} of its improvement money behind its strategy, {b} only "
        f"{_pct(vb)}: aligned initiatives in {b} are underfunded and grow depth slowly.")),
    Driver("class size", "class_size", -1, 1.0, lambda a, b, va, vb: (
        f"Classes in {b} hold {vb:.1f} students a teacher, against {va:.1f} in {a}: money "
        f"buys posts, and each student fewer adds about 0.01 SD a year (between Florida's "
        f"statewide reduction, about zero, and Tennessee's STAR, about 0.03).")),
    Driver("fatigue", "teacher_fatigue", -1, 0.1, lambda a, b, va, vb: (
        f"Teachers in {b} are more tired (fatigue {va:.2f} in {a}, {vb:.2f} in {b}): "
        f"overload eats the attention that implementation needs and pushes people out.")),
    Driver("turnover", "novice_share", -1, 0.05, lambda a, b, va, vb: (
        f"{_pct(vb)} of teachers in {b} are in their first three years, against {_pct(va)} "
        f"in {a}: turnover replaces trained teachers with novices and takes their practice with them.")),
    Driver("cynicism", "teacher_cynicism", -1, 0.15, lambda a, b, va, vb: (
        f"Cynicism is higher in {b} ({vb:.2f} against {va:.2f}): 'this too shall pass' "
        f"weakens the culture that sustains new practice.")),
    Driver("policy churn", "strategy_changes", -1, 1.0, lambda a, b, va, vb: (
        f"{b} has changed strategy {vb:.0f} times (against {va:.0f} in {a}): each new agenda "
        f"abandons work before it pays back.")),
)


@dataclass(frozen=True)
class Diagnosis:
    headline: str
    reasons: list[str]
    leader: str | None
    driver: str | None   # name of the main mechanism, None if level or too early

    @property
    def text(self) -> str:
        return " ".join([self.headline, *self.reasons])


def _with_rates(latest: dict[str, float], years: float) -> dict[str, float]:
    out = dict(latest)
    out["abandoned_per_year"] = latest.get("initiatives_abandoned", 0.0) / max(years, 1.0)
    return out


def _num(x: float, digits: int = 3) -> str:
    """Three decimals with a true minus sign (−0.010), as the page prints differences."""
    return f"{x:.{digits}f}".replace("-", "\u2212")


def _digits(diff: Interval) -> int:
    """Decimals that show an interval: three, or four when all of it lies within 0.01 of zero,
    where three would print a bound that excludes zero as 0.000."""
    return 4 if max(abs(x) for x in diff) < 0.01 else 3


def clear(diff: Interval) -> bool:
    """Whether a paired difference's 95% interval excludes zero."""
    return diff[1] > 0 or diff[2] < 0


def identical(diff: Interval) -> bool:
    """Whether two districts' paired runs are still equal in every run (a fresh branch)."""
    return max(abs(x) for x in diff) < 1e-12


def _oriented(diff: Interval, a_ahead: bool) -> Interval:
    """The difference as the district ahead less the other."""
    mean, low, high = diff
    return diff if a_ahead else (-mean, -high, -low)


def _practice_lead(name_a: str, name_b: str, a: dict, b: dict, diffs: dict[str, Interval] | None,
                   runs: int) -> str | None:
    """'Teacher practice is already ... better in X' if it is (clearly, with replicates)."""
    if diffs is not None and runs > 1 and "teacher_practice" in diffs:
        diff = diffs["teacher_practice"]
        if not clear(diff) or abs(diff[0]) < PRACTICE_LEVEL:
            return None
        ahead = name_a if diff[0] > 0 else name_b
        mean, low, high = _oriented(diff, diff[0] > 0)
        return (f"Teacher practice is already {mean:.3f} SD [{_num(low)}, {_num(high)}] better in "
                f"{ahead}; achievement follows practice with a lag.")
    practice = a["teacher_practice"] - b["teacher_practice"]
    if abs(practice) < PRACTICE_LEVEL:
        return None
    ahead = name_a if practice > 0 else name_b
    return f"Teacher practice is already {abs(practice):.3f} SD better in {ahead}; achievement follows " \
           "practice with a lag."


def diagnose(name_a: str, a: dict[str, float], name_b: str, b: dict[str, float],
             years: float, top: int = 2, diffs: dict[str, Interval] | None = None,
             runs: int = 1) -> Diagnosis:
    """Compare the latest month of two districts (``a``, ``b``: reporter -> mean value).

    ``diffs``: the paired differences a less b over ``runs`` replicates (column -> interval,
    ``achievement`` at least): with two or more runs, a district is ahead only if the
    achievement interval excludes zero. Without them (one run), a gap under ``LEVEL`` is level.
    """
    if not a or not b:
        return Diagnosis("Press Play (or ▶ in the top bar), or Step a month: both districts start "
                         "from the same students, teachers and budget.", [], None, None)
    gap = a["achievement"] - b["achievement"]
    banded = diffs is not None and runs > 1 and "achievement" in diffs
    if banded:
        gap = diffs["achievement"][0]
    if (banded and not clear(diffs["achievement"])) or (not banded and abs(gap) < LEVEL):
        reasons = ["Initiatives take two to four years to pay back; watch implementation "
                   "depth and fatigue, which move first."]
        lead = _practice_lead(name_a, name_b, a, b, diffs, runs)
        if lead:
            reasons.insert(0, lead)
        if banded and identical(diffs["achievement"]):
            headline = (f"{name_a} and {name_b} are still the same: achievement is equal in all "
                        f"{runs} paired runs so far.")
        elif banded:
            mean, low, high = diffs["achievement"]
            k = _digits(diffs["achievement"])
            headline = (f"No clear difference yet between {name_a} and {name_b} in achievement "
                        f"({name_a} less {name_b}: {_num(mean, k)} SD [{_num(low, k)}, "
                        f"{_num(high, k)}], a 95% interval over {runs} paired runs that includes zero).")
        else:
            headline = (f"{name_a} and {name_b} are level so far "
                        f"(achievement differs by {abs(gap):.3f} SD).")
        return Diagnosis(headline, reasons, None, None)
    if gap > 0:
        ahead, behind, va_all, vb_all = name_a, name_b, a, b
    else:
        ahead, behind, va_all, vb_all = name_b, name_a, b, a
    va_all, vb_all = _with_rates(va_all, years), _with_rates(vb_all, years)
    practice = va_all["teacher_practice"] - vb_all["teacher_practice"]
    dip = va_all["implementation_dip"] - vb_all["implementation_dip"]  # dips are <= 0
    parts = []
    if abs(practice) >= 0.001:
        parts.append(f"teachers' practice is {abs(practice):.3f} SD "
                     + ("better" if practice > 0 else "worse"))
    if abs(dip) >= 0.001:
        parts.append(f"they lose {abs(dip):.3f} SD " + ("less" if dip > 0 else "more")
                     + " to the implementation dip of learning new routines")
    if banded:
        _, low, high = _oriented(diffs["achievement"], gap > 0)
        k = _digits(diffs["achievement"])
        headline = (f"{ahead} is {abs(gap):.{k}f} SD ahead of {behind} in achievement "
                    f"[{_num(low, k)}, {_num(high, k)}]: a 95% interval over {runs} paired runs that "
                    f"excludes zero" + (
                        f", so the gap is not luck, but it is too small to matter yet (smaller than "
                        f"{LEVEL} SD; the runs share their luck, so even a tiny gap is measured "
                        f"precisely)." if abs(gap) < LEVEL else "."))
    else:
        headline = f"{ahead} is {abs(gap):.3f} SD ahead of {behind} in achievement."
    if parts:
        headline += f" In its classrooms now, {' and '.join(parts)}."
    scored = []
    for d in DRIVERS:
        va, vb = va_all.get(d.column), vb_all.get(d.column)
        if va is None or vb is None:
            continue
        score = d.better * (va - vb) / d.scale
        if score >= 0.5:
            scored.append((score, d, va, vb))
    scored.sort(key=lambda s: -s[0])
    if not scored:
        return Diagnosis(headline, ["No single mechanism stands out: the difference is built "
                                    "from many small ones (see the charts)."], ahead, None)
    reasons = [("Main reason, " if i == 0 else "Also, ") + f"{d.name}: " + d.say(ahead, behind, va, vb)
               for i, (_, d, va, vb) in enumerate(scored[:top])]
    return Diagnosis(headline, reasons, ahead, scored[0][1].name)


#: The differences whose intervals the explanation reads.
PAIRED = ("achievement", "teacher_practice")


def diagnose_pair(comparison, a: str, b: str, top: int = 2) -> Diagnosis:
    """:func:`diagnose` of two districts of a ``session.Comparison`` now: their means over the
    replicates and the paired differences' intervals (they share seeds)."""
    from ..calendar import to_years

    la, lb = comparison.lines[a], comparison.lines[b]
    mean_a, mean_b = comparison.latest(a), comparison.latest(b)
    if not (mean_a and mean_b) and getattr(comparison, "opening", 0):
        return Diagnosis(opening_headline(comparison.opening), [], None, None)
    diffs = ({c: comparison.difference(a, b, c) for c in PAIRED} if mean_a and mean_b else None)
    return diagnose(name(la), mean_a, name(lb), mean_b, to_years(comparison.time), top, diffs,
                    min(len(la.models), len(lb.models)))


def opening_headline(months: int) -> str:
    """Month 0 while the page's opening runs to ``months``: what is shown, and that it is already
    running (asking for Play then, with the page playing, told a room the wrong thing)."""
    from ..calendar import MONTHS_PER_YEAR

    return (f"Month 0: both districts start from the same students, teachers and budget; the page "
            f"is running them to year {months // MONTHS_PER_YEAR} as it opens.")


def name(line) -> str:
    """A district as a sentence names it: a scenario by its name, a branch by its label in
    quotes (the label has punctuation of its own)."""
    return f"\u201c{line.label}\u201d" if line.parent else line.label
