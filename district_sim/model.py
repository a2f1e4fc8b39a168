"""DistrictModel: a school district month by month, summer by summer.

One Mesa step is one school month (ten a year). The summer between two school years is
a recurring Mesa event that runs after the tenth month: turnover and hiring, cohorts
moving up, the superintendent's year, the budget, and next year's initiatives. Shocks
are one-off events. Teachers and students are arrays (see ``agents/``); the central
office and the principals are Mesa agents.
"""

from __future__ import annotations

import math
import numbers

import mesa
import numpy as np
from mesa.time import Priority, Schedule

from .agents.central_office import CentralOffice
from .agents.principals import Principal, advocacy
from .calendar import MONTHS_PER_YEAR, SUMMER_AFTER, SchoolTime, calendar, months, step_calendar, year_start
from .mechanisms import budget, implementation, learning, persistence, testing, turnover
from .mechanisms.coherence import Elements
from .mechanisms.shocks import ShockEvent, ShockState, draw_random_shocks
from .metrics import summarise_students
from .record import EVERYTHING, MonthlyTable, Record
from .settings import Settings, SettingsError
from .state.portfolio import Portfolio
from .state.schools import Schools
from .state.students import Students
from .state.teachers import Teachers
from .threads import blas_threads, computing

#: The longest run: 200 school years, however it is run (``years``, ``run_for``, ``simulate``).
MAX_MONTHS = 200 * MONTHS_PER_YEAR

# Appending a stream keeps the others' draws (SeedSequence children are indexed).
# "succession" is drawn only when a superintendent leaves, so a departure in one scenario
# does not shift the principals' draws that another scenario with the same seed shares.
# "staffing" is drawn only when money changes posts (new hires, classes re-drawn), so a cut or new
# money does not shift the other streams' draws at that moment; once posts differ, the summers'
# per-post draws from "teachers" no longer pair row by row.
STREAMS = ("environment", "leadership", "initiatives", "teachers", "students", "succession", "testing",
           "staffing")


def _checked(settings: Settings | None, seed: int) -> tuple[Settings, int]:
    """Refuse what would fail deep inside with a foreign message: a non-Settings, a bad seed,
    or Settings edited in place into something the schema forbids (re-validated whole)."""
    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        raise SettingsError(f"DistrictModel needs a Settings (load_scenario makes one), got {settings!r}")
    else:
        try:
            settings = Settings.model_validate(settings.model_dump())
        except ValueError as err:  # pydantic's ValidationError is a ValueError
            from .settings import describe_validation_error

            raise SettingsError(describe_validation_error(err)) from None
    return settings, check_seed(seed)


def check_seed(seed: object) -> int:
    """A run's seed: a whole number >= 0 (numpy's SeedSequence takes any such number)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise SettingsError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def is_number(value: object) -> bool:
    """A finite real number (numpy's too), not a truth value: a bool is a slip, not a length.
    An integer too large for a float (``10**400``) is not finite either."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _whole_months(value: object, what: str, room: float) -> int:
    """``value`` as a whole number of school months between 0 and ``room``, or SettingsError
    naming ``what`` and the allowed range."""
    if not is_number(value) or value != int(value) or not 0 <= value <= room:
        raise SettingsError(f"{what} must be a whole number of school months between 0 and {room:g} "
                            f"(a run lasts at most {MAX_MONTHS} months), got {value!r}")
    return int(value)


def _index(i: int, n: int, what: str) -> int:
    if isinstance(i, bool) or not isinstance(i, int | np.integer) or not 0 <= i < n:
        raise SettingsError(f"{what} must be a whole number between 0 and {n - 1}, got {i!r}")
    return int(i)


class DistrictModel(SchoolTime, mesa.Model):
    """A district whose strategy, resources and environment act on its instructional core.

    Args:
        settings: a validated :class:`~district_sim.settings.Settings` (see
            :func:`district_sim.load_scenario`); the schema's defaults if omitted.
        seed: the run's seed. Each concern draws from its own stream spawned from it,
            so two scenarios run with one seed share their environment's shocks.
        record: which metrics to record, and how often (:class:`~district_sim.record.Record`).
        threads: BLAS threads while the model computes (default ``$DISTRICT_SIM_THREADS``
            or 1: see :mod:`district_sim.threads`).
    """

    def __init__(self, settings: Settings | None = None, seed: int = 0,
                 record: Record = EVERYTHING, threads: int | None = None) -> None:
        settings, seed = _checked(settings, seed)
        #: BLAS threads the model computes on (its months, summers and construction).
        self.threads = blas_threads(threads)
        super().__init__(rng=seed)
        with computing(self.threads):
            self._build(settings, seed, record)

    def _build(self, settings: Settings, seed: int, record: Record) -> None:
        self.settings = settings
        self.seed = seed
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}
        self.shock_state = ShockState()
        self._pending: list[ShockEvent] = []  # events hold weak references; keep them alive
        self.elements = Elements()
        #: Posts laid off and hired for money's sake (not leavers' successors), over the run.
        self.layoffs = 0
        self.hires = 0
        self._build_district()
        self.central_office = CentralOffice(self)
        for school in range(self.schools.n):
            Principal(self, school)  # a Mesa agent registers itself in model.agents
        # Before the first summer, report the rates the district starts with.
        on = self.settings.mechanisms.turnover
        hazard = turnover.teacher_hazard(self.teachers, self.schools, self.settings, 0.0)
        self.teacher_turnover = float(hazard.mean()) if on else 0.0
        self.principal_turnover = self.settings.leadership.principal_turnover if on else 0.0
        testing.spring_test(self.students, self.settings.students.test_reliability, self.streams["testing"])
        #: The spring scores last summer's decisions read (the baseline test's before the first).
        self._last_summer_scores = testing.tested_mean(self.students)
        self._start_year()
        for shock in self.settings.shocks:
            self.schedule_shock(shock, at=year_start(shock.year) + 0.5, source="scenario")
        self.schedule_recurring(self.summer, Schedule(interval=MONTHS_PER_YEAR, start=SUMMER_AFTER),
                                priority=Priority.LOW)
        self.record = record
        self.school_record = record.school_record(self)  # per-school rows, if the record asks
        #: The run's last step, when the caller knows it (a record of the final month needs it).
        self.final_step: int | None = None
        #: The monthly table (Mesa's ``DataCollector`` interface: ``model_vars``, ``collect``).
        self.datacollector = MonthlyTable(record.reporters())

    # --- construction -------------------------------------------------------------------

    def _build_district(self) -> None:
        d = self.settings.district
        rng = self.streams["students"]
        offsets = np.linspace(-1.0, 1.0, d.schools) if d.schools > 1 else np.zeros(1)
        spread = d.segregation * min(d.high_need_share, 1.0 - d.high_need_share)
        poverty = np.clip(d.high_need_share + spread * rng.permutation(offsets), 0.0, 1.0)
        self.schools = Schools(poverty)

        school = np.arange(d.students) % d.schools
        high_need = rng.random(d.students) < poverty[school]
        grade = rng.integers(0, learning.NORM_GAIN.size, d.students)
        self.students = Students(school, high_need, grade)

        per_school = np.bincount(school, minlength=d.schools)
        classrooms = np.maximum(1, np.ceil(per_school / d.class_size).astype(int))
        self.portfolio = Portfolio(d.schools)
        self.teachers = Teachers(np.repeat(np.arange(d.schools), classrooms), self.portfolio.slots)
        #: The district as built: the posts and their cost that money's changes are read against.
        built = budget.plan(self.settings, d.students, 0.0, 0.0)
        self.staffing = budget.Staffing.as_built(classrooms, per_school, built)
        self._hire_initial_staff()
        learning.assign_teachers(self.students, self.teachers.school, rng)
        budget.class_sizes(self.students, self.teachers, self.schools)
        self._settle_students()

    def _hire_initial_staff(self) -> None:
        tch, lead = self.settings.teachers, self.settings.leadership
        rng = self.streams["teachers"]
        t = self.teachers
        t.practice = tch.practice_mean + tch.practice_sd * rng.standard_normal(t.n)
        # Experience as a turnover-driven workforce has it: roughly exponential.
        t.experience = rng.exponential(1.0 / max(tch.base_turnover * tch.initial_turnover_ratio, 0.02), t.n)
        t.experience_gain = tch.novice_gap * (1.0 - np.exp(-t.experience / tch.experience_years))
        s = self.schools
        s.leadership = np.clip(lead.principal_leadership_mean
                               + lead.principal_leadership_sd * rng.standard_normal(s.n), 0.0, 1.0)
        # Whole years in post, as the summers count them, at each school's own leaving rate
        # (results not yet known: no score gap): the steady state a settling-in principal has.
        hazard = np.clip(turnover.principal_hazard(s, self.settings, np.zeros(s.n)), 0.02, 0.95)
        s.principal_tenure = np.floor(rng.exponential(1.0, s.n) / -np.log1p(-hazard))
        s.settled = turnover.settling(s.principal_tenure, self.settings)  # before students settle

    def _settle_students(self) -> None:
        """Start students at the status quo's steady state.

        Growth under the initial teachers and conditions gives each group a yearly
        drift; grades are laid out along it, so that a district that changes nothing
        stays where it is, and any trend in a run comes from what the district does.
        """
        d, stu = self.settings.district, self.students
        effect = implementation.classroom_effect(self.teachers, self.settings)
        ts = self.teachers.school
        stu.engagement = learning.engagement_target(stu, self.schools, effect, self.settings, 0.0, ts)
        growth = learning.yearly_growth(stu, self.schools, effect, self.settings, 0.0, ts)
        share = float(stu.high_need.mean())
        hn = stu.high_need

        def drift(mask: np.ndarray) -> float:
            return float(growth[mask].mean()) if mask.any() else 0.0

        self.baseline = {
            "high_need_level": d.initial_achievement - d.high_need_gap * (1.0 - share),
            "other_level": d.initial_achievement + d.high_need_gap * share,
            "high_need_drift": drift(hn),
            "other_drift": drift(~hn),
            "engagement": self.settings.students.engagement_mean,
            "engagement_gap": self.settings.students.high_need_engagement_gap,
            "intake_sd": self.settings.students.intake_sd,
        }
        self.baseline["durable"], self.baseline["retention"] = persistence.rates(self.settings.students)
        stu.achievement, stu.fading = learning.intake(stu.n, hn, stu.grade.astype(float), self.baseline,
                                                      self.streams["students"])

    # --- the year --------------------------------------------------------------------------

    def _start_year(self) -> None:
        """Budget, this year's random shocks and initiatives: what happens each September."""
        office = self.central_office
        self.rebudget()
        year, _ = calendar(self.time)
        for shock in draw_random_shocks(self.streams["environment"], self.settings, year):
            self.schedule_shock(shock, at=self.time + 0.5, source="random")
        office.plan_year()
        office.fund()

    def step(self) -> None:
        """One school month."""
        with computing(self.threads):
            self._school_month()

    def run_for(self, duration: float | int) -> None:
        """Mesa's ``run_for`` in school months (a step is a month), its months and summers
        computed under one thread limit. Whole months only: the calendar, the record and the
        replays read the clock as whole months, and a half month would shift them all."""
        duration = _whole_months(duration, "run_for duration", MAX_MONTHS - self.time)
        if duration:
            with computing(self.threads):
                super().run_for(duration)

    def run_until(self, end_time: float | int) -> None:
        """Mesa's ``run_until``, under one thread limit (as ``run_for``); ``end_time`` is a whole
        month from now (``model.time``) to the longest run's end."""
        if not is_number(end_time) or end_time != int(end_time) or not self.time <= end_time <= MAX_MONTHS:
            raise SettingsError(f"run_until end_time must be a whole month between {self.time:g} (now) and "
                                f"{MAX_MONTHS} (a run lasts at most {MAX_MONTHS} months), got {end_time!r}")
        if end_time > self.time:
            with computing(self.threads):
                super().run_until(float(end_time))

    def _school_month(self) -> None:
        office = self.central_office
        office.retire_due()
        self._lose_enrolment()
        office.fund()
        s = self.settings
        implementation.step_teachers(self.teachers, self.schools, self.portfolio, s,
                                     self.elements.systems)
        implementation.age_teachers(self.teachers, self.schools, self.elements.culture, s)
        effect = implementation.classroom_effect(self.teachers, s)
        self.classroom_effect = effect
        learning.step_students(self.students, self.schools, effect, s, self.shock_state.pandemic,
                               self.teachers.school)
        if step_calendar(self.steps)[1] == testing.TEST_MONTH:
            testing.spring_test(self.students, s.students.test_reliability, self.streams["testing"])
        self.student_summary = summarise_students(self.students)
        self.elements.observe(self.teachers, self.schools, self.portfolio,
                              office.budget_aligned, office.budget_unaligned,
                              core_demand=s.initiatives.teacher_demand)
        self.schools.support = turnover.school_support(self.schools, self.elements.culture)
        if self.record.due(self.steps, self.final_step):
            self.datacollector.collect(self)
        if self.school_record is not None:
            self.school_record.end_month(self)

    def summer(self) -> None:
        """Between two school years: people leave and arrive, cohorts move, money is set."""
        with computing(self.threads):
            self._summer()

    def _summer(self) -> None:
        s = self.settings
        scores = testing.tested_mean(self.students)
        self.elements.summer(scores - self._last_summer_scores, self.shock_state.cut, s.elements)
        self._last_summer_scores = scores
        t = self.teachers
        self.teacher_turnover = turnover.teacher_summer(
            t, self.schools, s, self.shock_state.shortage, self.streams["teachers"])
        t.fatigue *= 1.0 - s.teachers.summer_fatigue_recovery
        t.cynicism *= 1.0 - s.teachers.cynicism_recovery
        self.principal_turnover = turnover.principal_summer(self.schools, s, self.streams["leadership"],
                                                            self.students)
        learning.summer_cohorts(self.students, self.schools, self.baseline, self.streams["students"])
        learning.assign_teachers(self.students, t.school, self.streams["students"])
        leave, replace = self.streams["leadership"].random(2)
        self.central_office.superintendent_year(leave, replace)
        self.central_office.listen(float(np.mean(advocacy(self.schools, self.portfolio))))
        if self.school_record is not None:
            self.school_record.after_summer(self)
        self._start_year()

    def _lose_enrolment(self) -> None:
        loss = self.shock_state.enrollment_loss
        if loss > 0:
            self.students.enrolled &= self.streams["students"].random(self.students.n) >= loss
            self.students.roster_changed()
            budget.class_sizes(self.students, self.teachers, self.schools)

    # --- money ----------------------------------------------------------------------------------

    def rebudget(self) -> None:
        """Set this year's money from enrolment, spending, cuts and increases (the caller then
        funds the work: ``CentralOffice.fund``).

        At a school year's start (budgets are adopted before it; shocks of the year arrive in
        its first month) posts are brought to what the teacher line buys; a change later in the
        year waits for the next September, since contracts run the year."""
        s, schools = self.settings, self.schools
        enrolled = int(self.students.enrolled.sum())
        self.lines = budget.plan(s, enrolled, self.shock_state.cut, self.shock_state.increase)
        schools.pay = budget.school_pay(schools, s)
        schools.support_staffing[:] = budget.support_staffing(self.lines, self.staffing)
        self.central_office.set_budget(self.lines.discretionary)
        if self.time - year_start(self.year) < 1.0:
            self._restaff()

    def _restaff(self) -> None:
        enrolled = budget.enrolled_by_school(self.students, self.schools.n)
        target = budget.posts_funded(self.staffing, self.lines.teachers, enrolled, self.schools.pay)
        rng = self.streams["staffing"]
        frozen, laid_off, hired = budget.restaff(self.teachers, target, self.settings,
                                                 self.shock_state.shortage, rng)
        if frozen or laid_off or hired:
            self.layoffs += laid_off
            self.hires += hired
            learning.assign_teachers(self.students, self.teachers.school, rng)
        budget.class_sizes(self.students, self.teachers, self.schools)

    # --- levers -------------------------------------------------------------------------------

    #: Settings that shape the district built at the start; a different one is another district.
    STRUCTURAL = ("students", "schools", "class_size", "high_need_share", "segregation",
                  "initial_achievement", "high_need_gap")

    def update_settings(self, settings: Settings) -> None:
        """Pull levers mid-run: from now on the district acts on ``settings``.

        This is a decision taken in the middle of a story (the browser's "fork now": from
        where we stand in year 3, stop launching initiatives), not a different district,
        so what was built at the start (its size, its schools, its students' starting
        point) and the scenario's scheduled shocks cannot change; re-run from the start
        for those. Initiatives already running keep what they were designed with; the
        central office adopts the new resource split and budget at once, and every other
        setting is read where it acts (next month, or next September for launches).
        """
        old = self.settings
        changed = [k for k in self.STRUCTURAL if getattr(old.district, k) != getattr(settings.district, k)]
        if changed or settings.shocks != old.shocks:
            what = ", ".join(f"district.{k}" for k in changed) or "shocks"
            raise SettingsError(f"{what} cannot change during a run; re-run the district from the start")
        self.settings = settings
        office = self.central_office
        office.theory_of_action = settings.strategy.theory_of_action
        if settings.strategy.resource_alignment != old.strategy.resource_alignment:
            office.resource_alignment = settings.strategy.resource_alignment
        if (settings.district.spending_per_student != old.district.spending_per_student
                or settings.budget != old.budget):
            self.rebudget()
        office.fund()

    # --- shocks ------------------------------------------------------------------------------

    def schedule_shock(self, shock, at: float | None = None, source: str = "injected") -> None:
        """Start a shock at time ``at`` (now if omitted: the browser's 'inject now')."""
        event = ShockEvent(self, shock, source)
        self._pending.append(event)
        if at is None or at <= self.time:
            event.start()
        else:
            self.schedule_event(event.start, at=at)

    # --- observation ---------------------------------------------------------------------------

    @property
    def principals(self) -> list[Principal]:
        """The principals, school by school (``principals[i]`` leads school ``i``): Mesa's
        ``agents_by_type[Principal]`` in the order they were appointed."""
        return self.agents_by_type[Principal].to_list()

    def achievement_mean(self) -> float:
        stu = self.students
        mask = stu.enrolled if stu.enrolled.any() else np.ones(stu.n, dtype=bool)
        return float(stu.achievement[mask].mean())

    def run_years(self, years: float) -> None:
        """Advance by school years (ten months and the summer after each; a fraction of a year
        is rounded to the nearest month), up to the longest run's end."""
        room = (MAX_MONTHS - self.time) / MONTHS_PER_YEAR
        if not is_number(years) or not 0 <= years <= room:
            raise SettingsError(f"run_years years must be a number of school years between 0 and "
                                f"{room:g} (a run lasts at most {MAX_MONTHS // MONTHS_PER_YEAR} years), "
                                f"got {years!r}")
        self.run_for(months(float(years)))

    def teacher(self, i: int):
        """A read-only view of teacher ``i`` (the arrays stay the truth)."""
        return self.teachers.view(_index(i, self.teachers.n, "teacher"))

    def student(self, i: int):
        return self.students.view(_index(i, self.students.n, "student"))

    def results(self):
        """The monthly record as a DataFrame (one row a school month)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
