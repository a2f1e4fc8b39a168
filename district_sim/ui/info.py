"""The page's Info tab ("About the model"), in the shape NetLogo users know: what the model is,
how it works and how to use the page, what to notice, what to try, how to extend it, credits.

Written for a classroom and kept true to ``docs/model.md``. Names the page shows (lever labels,
chart titles, scenario descriptions, the controls in :data:`CONTROLS`) and numbers the code
holds (months a school year, the scenarios' levers, the default settings) are read from their
registries rather than retyped, so the text cannot drift from the page. Every dotted setting,
metric and scenario named in backticks is checked by ``tests/test_ui_levers.py`` to exist; every
control named is checked by ``tests/test_ui_info.py`` to be on the page; and every claim "Things
to notice" makes about the two default districts is checked there against a run of the page's
defaults (the figures it quotes are rounded from that run, and say so).
"""

from __future__ import annotations

import math

from ..calendar import MONTHS_PER_YEAR
from ..metrics import METRICS
from ..scenarios import list_scenarios, load_scenario
from ..settings import Settings
from . import levers

#: The sections, in NetLogo's order (the Info tab's headings). NetLogo's "How to use it" is the
#: last part of "How it works" (a ``###`` heading), so the six stay those the tests know.
SECTIONS = ("What is it?", "How it works", "Things to notice", "Things to try",
            "Extending the model", "Credits and references")

#: The page's controls the text names, by the words on them (buttons, cards, views): each must
#: be on the page (``tests/test_ui_info.py`` looks for it in the page's code).
CONTROLS = ("Play", "Step a month", "Step a year", "Reset", "Districts", "Levers", "Shocks, now",
            "Fork now", "Fork", "Save and share", "Data (CSV)", "Present", "Compare", "Schools",
            "Why the districts differ now", "Classroom demo (5 min)")


def _lever(key: str) -> str:
    """A lever as the page names it (its setting is listed under "Extending the model", for
    those who read the files, so the classroom text stays in plain words)."""
    return f"*{levers.lever(key).name}*"


def _chart(metric: str) -> str:
    """A metric by the title its chart panel carries on the page (its label if not charted)."""
    m = METRICS[metric]
    title = (m.chart.title if m.chart is not None else "") or m.label
    return f"*{title}*"


def _settings_named(text: str) -> str:
    """The settings behind every lever ``text`` names, one line each: page name, then setting."""
    named = [lv for lv in levers.LEVERS if f"*{lv.name}*" in text]
    return "\n".join(f"    - *{lv.name}* (`{lv.key}`)" for lv in named)   # nested: four spaces


def _control(name: str) -> str:
    """A control by the words on it, in bold (it must be one of :data:`CONTROLS`)."""
    if name not in CONTROLS:
        raise ValueError(f"{name!r} is not a control the Info tab knows")
    return f"**{name}**"


def threshold_month(settings: Settings | None = None) -> int:
    """The school month of work in which a teacher's depth in one initiative passes the
    implementation threshold, with full attention and money and no cynicism: depth after t
    months is ``1 - (1 - learning_rate) ** t`` (docs/model.md, 7.4), so the first whole t
    with ``(1 - learning_rate) ** t <= 1 - threshold``."""
    s = (settings or Settings()).initiatives
    return math.ceil(math.log(1 - s.implementation_threshold) / math.log(1 - s.learning_rate))


def _what_is_it() -> str:
    described = list_scenarios()
    return f"""\
A simulated school district, seen month by month, to ask one question from Harvard's Public
Education Leadership Project (PELP): why does a district that runs many unconnected initiatives
do worse for students than one that follows a focused theory of action, with its culture,
structures, systems, resources and stakeholders lined up behind the instructional core (teachers,
students and content in the classroom)? And when does focus stop mattering?

The page runs two districts side by side. By default the left is `fragmented`:
{described.get('fragmented', '')}. The right is `focused`: {described.get('focused', '')}.
Both start from the same students and teachers and meet the same random shocks from outside
(budget cuts, state mandates, enrolment declines, teacher shortages, pandemics), so what differs
between them is the strategy. Each side is run several times, each run with different luck
(the runs are *replicates*); a line on a chart is the mean of a side's runs and its shaded band
the 95% interval of that mean.

The numbers are the model's, not a forecast for any real district. Achievement is in student
standard deviations (SD) against the national norm. In Kraft's (2020) benchmarks for education,
an effect from 0.05 SD is medium and from 0.2 SD large.
"""


def _how_it_works() -> str:
    s = Settings()
    return f"""\
**Time.** One step is one *school month*; a school year has {MONTHS_PER_YEAR} of them, from
September to June. Between two years a summer passes, taking no time on the charts: some
teachers and principals leave and are replaced, students move up a grade, the superintendent
may leave, and next year's budget, posts and initiatives are set. "Year 3, month 4" is the
fourth school month of the third year.

**Who acts.** A central office (the superintendent, the strategy and the budget) launches
initiatives each September. Three levers shape them: {_lever('strategy.initiatives_per_year')},
{_lever('strategy.alignment')} and {_lever('strategy.initiative_duration_years')}. Each school's
principal can shield the school from initiatives that are not aligned with the strategy,
{_lever('strategy.buffering')}; aligned work cannot be refused. Teachers and students are whole
populations, stepped together.

**What happens each month.**

- *Limited attention.* Each teacher has a margin for new work,
  {_lever('capacity.teacher_attention')}; each initiative asks for part of it. When the asks
  add up to more than the margin, every initiative gets only part of what it needs.
- *Implementation takes time.* Teachers' depth in an initiative grows with the attention and
  money it gets. Only depth past a threshold (`initiatives.implementation_threshold`) improves
  teaching; before that, the time it takes lowers teaching a little (the implementation dip, a
  J-curve). With full attention and money, depth passes the threshold in the
  {_ordinal(threshold_month(s))} school month of work.
- *Fatigue and cynicism.* Overload tires teachers, as fast as {_lever('teachers.fatigue_rate')}
  says; tired teachers have less margin and leave more often. An initiative dropped before it
  paid back leaves cynicism in the teachers who had started on it,
  {_lever('teachers.cynicism_rate')}: "this too shall pass".
- *Turnover.* Each summer some teachers leave, more of them where they are tired, new or
  unsupported; novices replace them, and leavers take their skill and depth with them.
- *Money.* Spending per student is split into lines: teachers' posts (so class size), support
  staff, the central office, and a pot of about {100 * s.budget.discretionary_share:.0f}% of
  spending that funds initiatives. {_lever('strategy.resource_alignment')} is how much of that
  pot goes to the strategy's work. Underfunded work deepens slowly.
- *Policy churn.* How long a superintendent stays, on average, is
  {_lever('leadership.superintendent_tenure_years')}; stakeholders who back the district keep
  them longer. {_lever('leadership.strategy_replacement')} is how likely a successor is to drop
  the running work and start a new strategy.
- *Learning.* Students' achievement grows with the teaching they get and their principal's
  leadership; a spring test in month 8 of each year gives the tested score.

**Coherence.** Culture, structures, systems, resources, stakeholders, how far the work schools
carry is aligned, and whether teachers can meet its demands are combined into one
{_chart('coherence')}, so that one weak element pulls it down. The index itself changes
nothing: it is a reading. Culture, systems and stakeholders do act (on who leaves, on how much
aligned work pays, on how long superintendents stay). Nothing in the code writes "focused is
better" into an outcome: any difference comes from these mechanisms.

### How to use it

- {_control('Play')} runs month after month; {_control('Step a month')} and
  {_control('Step a year')} move on by one; {_control('Reset')} goes back to month 0.
- {_control('Compare')} shows the charts, {_control('Schools')} every school and its teachers.
  The time above the charts is the school month about to run. The table under the two
  scenarios' descriptions gives each district's figures for the month just run, one column a
  chart: achievement with its 95% interval, then what the other charts show.
- The {_control('Why the districts differ now')} panel says which district is ahead, whether the
  difference is clear (its 95% interval excludes zero) and large enough to matter, and which
  mechanisms differ most.
- {_control('Districts')}: each side's scenario and the seed. {_control('Levers')}: change a
  setting of one district; it re-runs from the start with the new value. {_control('Shocks, now')}:
  a budget cut, a mandate or another event, now, in the districts you choose.
  {_control('Fork now')} and {_control('Fork')}: copy a district as it stands into a branch
  (a dashed line) with one lever changed.
- {_control('Save and share')} keeps the what-if in a file and exports {_control('Data (CSV)')};
  {_control('Present')} gives large type for a projector; {_control('Classroom demo (5 min)')}
  narrates a run for a class.
"""


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 10th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _things_to_notice() -> str:
    return f"""\
What follows is what the page's default run shows (10,000 students a district, 10 runs a side,
seed 0); another seed or other levers can differ in the details.

- **Small and clear is still small.** Through the first year the two districts differ in
  achievement by less than 0.01 SD. The runs share their luck, so even so small a difference
  is measured precisely: the explain panel may call it clear, and says it is too small to matter.
- {_chart('coherence')} differs from the first month (about 0.8 against 0.5), and the gap
  stays: the index reads how the strategy lines things up, before any student has learned more.
- {_chart('active_initiatives')}: the fragmented district always runs more initiatives. In its
  first year its teachers are deeper into them ({_chart('implementation_depth')}), but those
  initiatives are dropped before they pay back; from the second year on the focused district is
  deeper, and stays so.
- {_chart('teacher_fatigue')} stays near zero in the focused district and rises in the
  fragmented one; from the second year on more of the fragmented district's teachers leave
  ({_chart('teacher_turnover')}), and leavers take their depth with them.
- {_chart('achievement')} follows teaching with a lag: the focused district's achievement hardly
  moves for three years, then climbs; by year 10 it is ahead by about 0.2 SD, a large effect.
  The fragmented district ends lower than it began: doing nothing new (`status_quo`) would have
  kept it level.
- {_chart('achievement_gap')} barely responds to either strategy: nothing in the model targets
  high-need students.
- A shock from chance hits both sides at once, and one you inject reaches the districts you
  choose; compare how far each falls and how fast each recovers.
"""


def _things_to_try() -> str:
    focused, fragmented = load_scenario("focused").strategy, load_scenario("fragmented").strategy
    return f"""\
- Predict first: which district is ahead after three years, and by how much? Then play to year 3
  and read the figures table.
- On the fragmented side, lower {_lever('strategy.initiatives_per_year')} from
  {fragmented.initiatives_per_year:g} towards the focused district's {focused.initiatives_per_year:g}.
  Which other lever closes most of what remains?
- Fork now: at year 3, copy the fragmented district into a branch that launches nothing new. Both
  futures start from the same point and meet the same luck; how long until the branch pulls ahead?
- Put `status_quo` on one side: is the fragmented district better than doing nothing?
- Raise {_lever('capacity.teacher_attention')} on the fragmented side, or compare
  `unlimited_capacity` with `fragmented`: when attention and money are unlimited and everything is
  aligned, does focus still pay?
- Inject a budget cut into both sides in year 3. Which district loses more, and why?
- Turn {_lever('strategy.buffering')} down on the focused side and inject state mandates: what do
  principals protect their teachers from?
- Shorten {_lever('leadership.superintendent_tenure_years')}: how much of a focused strategy
  survives frequent changes of leader?
- Save the what-if (the file keeps both sides, every lever, shock and fork, the seed and the
  runs) and replay it anywhere with `district-sim whatif`; check that the numbers match.
"""


def _extending(named: str) -> str:
    return f"""\
- Every number the model uses is a setting with its range and source in `docs/parameters.md`;
  a scenario is a small TOML file in `scenarios/` that changes only what differs from its base.
- `district-sim compare` runs scenarios over many replicates with 95% intervals (the page's runs
  are its runs, for the same seed); `district-sim sweep` runs whole experiments;
  `district-sim validate` checks the model against field figures and switches each mechanism
  off in turn (the `mechanisms.*` switches), which is how to test what causes a difference.
- Ideas the model leaves out: teachers moving between schools, targeting high-need students,
  school boards and unions as actors, classroom-level rigour and climate. `docs/model.md`
  (section 11) lists its known limits.
- The settings behind the levers named here, for a scenario file or `district-sim compare`:
{named}
"""


def _credits() -> str:
    return """\
- The PELP Coherence Framework and the "Bristol City" case: Public Education Leadership Project,
  Harvard Business School and Graduate School of Education.
- Mechanisms: Hatch (2002) on colliding programmes; Newmann et al. (2001) on instructional
  programme coherence; Fixsen et al. (2005) on implementation; Fullan (2001) on the
  implementation dip; Hess (1999), *Spinning Wheels*, on policy churn; Honig and Hatch (2004) on
  buffering and bridging; Kraft, Marinell and Yee (2016) on leadership and teacher turnover;
  Kraft (2020) on how large an effect in education is.
- Built with Mesa (agent-based modelling in Python) and Solara. The full description, following
  the ODD protocol, is `docs/model.md`; every reference is in its section 12, and every
  setting's source in `docs/parameters.md`.
"""


def info_markdown() -> str:
    """The Info tab's text (markdown), one ``##`` heading a section, in :data:`SECTIONS` order."""
    first = (_what_is_it(), _how_it_works(), _things_to_notice(), _things_to_try())
    bodies = (*first, _extending(_settings_named("".join(first))), _credits())
    return "\n".join(f"## {title}\n\n{body}" for title, body in zip(SECTIONS, bodies, strict=True))
