"""The page's Info tab, in the shape NetLogo users know: what the model is, how it works, what
to notice, what to try, how to extend it, credits.

Written for a classroom and kept true to ``docs/model.md``. Names the page shows (lever labels,
chart titles, scenario descriptions) and numbers the code holds (months a school year, the two
scenarios' levers) are read from their registries rather than retyped, so the text cannot drift
from the page; every dotted setting, metric and scenario named in backticks is checked by
``tests/test_ui_levers.py`` to exist.
"""

from __future__ import annotations

from ..calendar import MONTHS_PER_YEAR
from ..metrics import METRICS
from ..scenarios import list_scenarios, load_scenario
from . import levers

#: The sections, in NetLogo's order (the Info tab's headings).
SECTIONS = ("What is it?", "How it works", "Things to notice", "Things to try",
            "Extending the model", "Credits and references")


def _lever(key: str) -> str:
    """A lever as the page names it, with its setting for those who read the files."""
    return f"*{levers.lever(key).name}* (`{key}`)"


def _chart(metric: str) -> str:
    """A metric by the title its chart panel carries on the page (its label if not charted)."""
    m = METRICS[metric]
    title = (m.chart.title if m.chart is not None else "") or m.label
    return f"*{title}* (`{metric}`)"


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
Both start from the same students
and teachers and meet the same luck (the same random budget cuts, mandates and departures), so
what differs between them is the strategy. Each side is run several times with different luck
(replicates); the charts show the mean and its 95% interval.

The numbers are the model's, not a forecast for any real district. Achievement is in student
standard deviations against the national norm: in education, 0.05 SD is a medium effect and
0.2 SD a large one.
"""


def _how_it_works() -> str:
    return f"""\
**Time.** One step is one *school month*; a school year has {MONTHS_PER_YEAR} of them, from
September to June. Between two years a summer passes, taking no time on the charts: teachers and
principals leave and are replaced, students move up a grade, the superintendent's year is
counted, and next year's budget, posts and initiatives are set. "Year 3, month 4" is the fourth
school month of the third year.

**Who acts.** A central office (the superintendent, the strategy and the budget) launches
initiatives each September. Three levers shape them: {_lever('strategy.initiatives_per_year')},
{_lever('strategy.alignment')} and {_lever('strategy.initiative_duration_years')}. One principal
a school decides how far the school takes each one on, and can shield it from unaligned work:
{_lever('strategy.buffering')}. Teachers and students are whole populations, stepped together.

**What happens each month.**
- *Limited attention.* Each teacher has a margin for new work,
  {_lever('capacity.teacher_attention')}; each initiative asks for part of it. When the asks
  exceed the margin, every initiative gets only part of what it needs.
- *Implementation takes time.* Teachers' depth in an initiative grows with the attention and
  money it gets. Only depth past a threshold (`initiatives.implementation_threshold`) improves
  teaching; before that, the time it takes lowers teaching a little (the implementation dip, a
  J-curve). With full attention and money, the threshold is passed in about the tenth school
  month.
- *Fatigue and cynicism.* Overload tires teachers, as fast as {_lever('teachers.fatigue_rate')}
  says; tired teachers have less margin and leave more often. An initiative dropped before it
  paid back leaves cynicism, {_lever('teachers.cynicism_rate')}: "this too shall pass".
- *Turnover.* Leavers take their skill and depth with them; novices replace them.
- *Money.* A share of the budget is free to direct; {_lever('strategy.resource_alignment')}
  says how much of it funds the strategy. Underfunded work deepens slowly.
- *Policy churn.* Superintendents leave after {_lever('leadership.superintendent_tenure_years')}
  on average; {_lever('leadership.strategy_replacement')} is how often a successor brings a new
  strategy.
- *Learning.* Students' achievement grows with the teaching they get; a spring test in month 8
  of each year gives the tested score.

**Coherence.** Culture, structures, systems, resources, stakeholders, how far the work schools
carry is aligned, and whether teachers can meet its demands are combined into one
{_chart('coherence')}. Nothing in the code writes "focused is better" into an outcome: any
difference comes from these mechanisms.
"""


def _things_to_notice() -> str:
    return f"""\
- In the first year the two sides barely differ: look at the band around each line before
  saying one is ahead. If the difference's 95% interval includes zero, the gap may be luck.
- Watch {_chart('implementation_depth')} and {_chart('active_initiatives')}: the fragmented
  district runs many more initiatives, but teachers get few of them deep enough to pay back.
- {_chart('teacher_fatigue')} and {_chart('teacher_turnover')} rise where teachers are
  overloaded; leavers take their depth with them, so the next year starts lower.
- {_chart('achievement')} moves slowly: a few hundredths of a standard deviation a year is a
  real effect in education.
- {_chart('achievement_gap')} barely responds to either strategy: nothing in the model targets
  high-need students.
- A shock from chance (a budget cut, a new superintendent, a mandate) hits both sides at once,
  and one you inject reaches the districts you choose; compare how far each falls and how fast
  each recovers.
"""


def _things_to_try() -> str:
    focused, fragmented = load_scenario("focused").strategy, load_scenario("fragmented").strategy
    return f"""\
- Predict first: which district is ahead after three years, and by how much? Then play to year 3.
- On the fragmented side, lower {_lever('strategy.initiatives_per_year')} from
  {fragmented.initiatives_per_year:g} towards the focused district's {focused.initiatives_per_year:g}.
  Which other lever closes most of what remains?
- Fork now: at year 3, copy the fragmented district into a branch that stops launching. Both
  futures start from the same point and meet the same luck; how long until the branch pays off?
- Raise {_lever('capacity.teacher_attention')} to 3 on the fragmented side, or compare
  `unlimited_capacity` with `fragmented`: when attention and money are unlimited and everything is
  aligned, does focus still pay?
- Inject a budget cut into both sides in year 3. Which district loses more, and why?
- Turn {_lever('strategy.buffering')} down on the focused side and add state mandates: what do
  principals protect their teachers from?
- Shorten {_lever('leadership.superintendent_tenure_years')}: how much of a focused strategy
  survives frequent changes of leader?
- Save the what-if (the file keeps both sides, every lever, shock and fork, the seed and the
  replicates) and replay it anywhere with `district-sim whatif`; check the numbers match.
"""


def _extending() -> str:
    return """\
- Every number the model uses is a setting with its range and source in `docs/parameters.md`;
  a scenario is a small TOML file in `scenarios/` that changes only what differs from its base.
- `district-sim compare` runs scenarios over many replicates with 95% intervals;
  `district-sim sweep` runs whole experiments; `district-sim validate` checks the model against
  field figures and switches each mechanism off in turn (the `mechanisms.*` switches).
- Ideas the model leaves out: teachers moving between schools, targeting high-need schools,
  school boards and unions as actors, classroom-level rigour and climate. `docs/model.md`
  (section 11) lists its known limits.
"""


def _credits() -> str:
    return """\
- The PELP Coherence Framework and the "Bristol City" case: Public Education Leadership Project,
  Harvard Business School and Graduate School of Education.
- Mechanisms: Hatch (2002) on colliding programmes; Newmann et al. (2001) on instructional
  programme coherence; Fixsen et al. (2005) on implementation; Fullan (2001) on the
  implementation dip; Hess (1999), *Spinning Wheels*, on policy churn; Honig and Hatch (2004) on
  buffering and bridging; Kraft, Marinell and Yee (2016) on leadership and teacher turnover.
- Built with Mesa (agent-based modelling in Python) and Solara. The full description, following
  the ODD protocol, is `docs/model.md`; every reference is in its section 12.
"""


def info_markdown() -> str:
    """The Info tab's text (markdown), one ``##`` heading a section, in :data:`SECTIONS` order."""
    bodies = (_what_is_it(), _how_it_works(), _things_to_notice(), _things_to_try(), _extending(),
              _credits())
    return "\n".join(f"## {title}\n\n{body}" for title, body in zip(SECTIONS, bodies, strict=True))
