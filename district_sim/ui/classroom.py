"""The "Classroom" preset: a scripted five-minute demonstration of coherence.

The script is a list of beats. At each beat's month the page shows a caption (what to look
at, a question for the class), holds for a few seconds so the teacher can talk, and may act:
inject a shock into both sides, or fork a branch. Between beats it plays one month at a
time. Timings add up to about five minutes; ``docs/teaching.md`` builds a 50-minute class
around it. The script is data, and :class:`Director` plays it on any :class:`Comparison`,
so tests run the whole demonstration without a browser and without waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import charts
from .session import LEFT, Comparison, Setup

#: Seconds a school month takes between beats.
MONTH_SECONDS = 1.0


@dataclass(frozen=True)
class Beat:
    month: int                       # months since the start when the beat happens
    caption: str
    hold: float = 18.0               # seconds to pause on the caption
    shock: str | None = None         # inject into both sides
    fork: tuple[str, str, float] | None = None   # (district, lever, value)


SCRIPT: tuple[Beat, ...] = (
    Beat(0, "Two districts with the same students, teachers, budget and luck (the same random "
         "shocks). Left, 'Bristol City': about five new initiatives a year, a third of them "
         "aligned, each with its own funding stream. Right: a focused theory of action, fewer "
         "than one new initiative a year, nearly all aligned, schools buffered. "
         "Ask: which district will be ahead in three years?", hold=25),
    Beat(6, "Half a year in. Look at 'Initiatives and implementation depth': the left asks teachers to carry "
         "many programmes at once, so none gets deep. Look at 'Fatigue and turnover': overload tires people.",
         hold=20),
    Beat(14, "Year 2. 'Teacher practice' dips on the left: every new initiative costs effort before "
         "it pays back (the implementation dip), and most are dropped after 14-18 months, "
         "before they ever do. The right is still building depth.", hold=22),
    Beat(25, "A cut of 7% of all spending hits both districts (the dashed line marked B), the "
         "Great Recession's size. It falls on the initiatives' pot and the central office first, "
         "then on every line, teacher posts among them, next September. See 'Money: class "
         "size and budget by use': aligned money (solid) against unaligned programmes (dotted).",
         hold=22, shock="budget_cut"),
    Beat(32, "Fork: from where Bristol City stands now, what if it launched only one initiative "
         "a year? The dashed branch starts from exactly the same state and faces the same luck. "
         "Ask: how soon does it pull away from its old self?", hold=25,
         fork=(LEFT, "strategy.initiatives_per_year", 1.0)),
    Beat(45, "'Coherence index': the PELP elements (culture, structures, systems, resources, "
         "stakeholders) line up on the right and fray on the left. 'Why the districts differ now' "
         "names the mechanism that drives the gap.", hold=22),
    Beat(52, "A new superintendent arrives in both districts and drops the running strategy "
         "(policy churn, marked S). Ask: which district loses more, the one with a deep "
         "strategy or the one with many shallow initiatives?", hold=25,
         shock="superintendent_turnover"),
    Beat(75, "Turnover: tired, cynical teachers leave, and novices replace them (see 'Fatigue and "
         "turnover'). Now look at 'Gap: other minus high-need students (SD)': it barely "
         "differs. Ask: why does coherence lift everyone without closing the gap?", hold=20),
    Beat(100, "Ten years. The focused district did less, and achieved more: limited attention, "
          "implementation thresholds, fatigue, turnover and misaligned money, not one big "
          "effect. Ask: what would make focus stop paying? (Try the 'unlimited_capacity' "
          "scenario on one side.)", hold=30),
)

DEMO_STUDENTS = 10_000
DEMO_SCHOOLS = 20
DEMO_SEED = 0


#: Where a caption's eye goes: the explain panel (which shows the caption) unless it names a chart.
EXPLAIN = ".ds-explain-panel"
_QUOTED = re.compile(r"(?<![A-Za-z])'([^']+?)'(?![A-Za-z])")


def chart_selectors() -> dict[str, str]:
    """Every chart's visible title, and each of its panels' titles, to the chart on the page."""
    found = {}
    for chart in charts.CHARTS:
        found[chart.title] = f".ds-chart-{chart.key}"
        for panel in chart.panels:
            found.setdefault(panel.title, f".ds-chart-{chart.key}")
    return found


def focus(caption: str) -> str:
    """The page element a caption talks about: the first chart it names by its title, else
    the explain panel, where the caption is."""
    selectors = chart_selectors()
    return next((selectors[q] for q in _QUOTED.findall(caption) if q in selectors), EXPLAIN)


def total_seconds(script: tuple[Beat, ...] = SCRIPT) -> float:
    return script[-1].month * MONTH_SECONDS + sum(b.hold for b in script)


def fresh_comparison() -> Comparison:
    """The demonstration's starting point: fragmented against focused, as the page opens."""
    return Comparison(Setup(), students=DEMO_STUDENTS, schools=DEMO_SCHOOLS, seed=DEMO_SEED)


@dataclass
class Director:
    """Plays the script on a comparison: ``tick()`` does the next thing and says how long
    to wait before the following one."""

    comparison: Comparison
    script: tuple[Beat, ...] = SCRIPT
    done: set[int] = field(default_factory=set)
    caption: str = ""
    focus: str = EXPLAIN    # the element the caption talks about (a CSS selector)

    @property
    def finished(self) -> bool:
        return len(self.done) == len(self.script) or not self.comparison.running

    def tick(self) -> float:
        """Act on a beat due now, or play one month; seconds to wait before the next tick."""
        c = self.comparison
        for i, beat in enumerate(self.script):
            if i not in self.done and beat.month <= c.months:
                self.done.add(i)
                self.caption = beat.caption
                self.focus = focus(beat.caption)
                if beat.shock:
                    c.inject(beat.shock, "both")
                if beat.fork:
                    c.fork(*beat.fork)
                return beat.hold
        if not self.finished:
            c.step()
        return MONTH_SECONDS


assert all(a.month < b.month for a, b in zip(SCRIPT, SCRIPT[1:], strict=False))
