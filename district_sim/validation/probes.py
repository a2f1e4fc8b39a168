"""Designed runs that measure what the field measured (pattern-oriented validation).

Each probe runs the model the way a study observed real districts and returns the
statistics it yields for one seed. The targets in :mod:`.targets` say which statistic
stands for which published figure. Probes run the shipped defaults (``status_quo``,
a district that launches nothing, stands for the typical district of national surveys)
at modest sizes: every statistic here is a mean over teachers, students or years, so it
does not depend on the district's size beyond its noise.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..calendar import MONTHS_PER_YEAR
from ..mechanisms import implementation, turnover
from ..mechanisms.initiatives import design_initiative
from ..mechanisms.testing import FIRST_TESTED, LAST_TESTED
from ..model import DistrictModel
from ..scenarios import load_scenario
from ..settings import Settings, Shock
from ..simulation import Event, simulate
from ..state.students import NORM_GAIN

#: The typical district of national surveys: no strategy push, default everything else.
BASELINE = "status_quo"
SIZE = {"district.students": 6000, "district.schools": 12}


class _Observed(DistrictModel):
    """A district that notes, just before each summer, what the summer's draws act on."""

    def __init__(self, settings: Settings, seed: int, **kwargs) -> None:
        self.notes: dict[str, list[float]] = defaultdict(list)
        super().__init__(settings, seed, **kwargs)

    def step(self) -> None:
        super().step()
        if self.steps % MONTHS_PER_YEAR == MONTHS_PER_YEAR // 2:
            self._note_experience()

    def _note_experience(self) -> None:
        """Returns to experience as studies estimate them: within teacher (the teacher's own
        practice held fixed, as teacher fixed effects do), at mid-year, so that first-year
        teachers are about half a year in."""
        t, tch = self.teachers, self.settings.teachers
        returns = t.experience_effect(tch.novice_gap)
        exp = t.experience
        first, mid, late = exp < 1.0, (exp >= 3.0) & (exp < 5.0), exp >= 10.0
        if first.any() and mid.any() and late.any():
            e0, e4, e10 = (float(returns[m].mean()) for m in (first, mid, late))
            self.notes["novice_gap"].append(e10 - e0)
            self.notes["experience_share_by_4"].append((e4 - e0) / (e10 - e0) if e10 > e0 else np.nan)

    def summer(self) -> None:
        self._note_year()
        super().summer()
        self.notes["teacher_turnover"].append(self.teacher_turnover)
        self.notes["principal_turnover"].append(self.principal_turnover)

    def _note_year(self) -> None:
        t, s, note = self.teachers, self.schools, self.notes
        hazard = turnover.teacher_hazard(t, s, self.settings, self.shock_state.shortage)
        novice = t.experience < self.settings.teachers.novice_years
        note["novice_turnover"].append(float(hazard[novice].mean()) if novice.any() else np.nan)
        poor = s.high_poverty[t.school]
        if poor.any() and (~poor).any():
            note["high_poverty_ratio"].append(float(hazard[poor].mean() / hazard[~poor].mean()))
        support = s.support[t.school]
        low, high = np.quantile(support, [0.25, 0.75])
        if high > low:
            ratio = hazard[support <= low].mean() / hazard[support >= high].mean()
            note["support_ratio"].append(float(ratio))
        note["principal_tenure"].append(float(s.principal_tenure.mean()))
        effect = implementation.classroom_effect(t, self.settings)
        note["value_added_sd"].append(float(effect.std()))
        note["environment_ratio"].append(_environment_ratio(self))
        stu = self.students
        gain = NORM_GAIN[np.minimum(stu.grade, NORM_GAIN.size - 1)] + stu.growth
        for name, grades in (("gain_early", (1,)), ("gain_middle", (6, 7))):
            mask = np.isin(stu.grade, grades) & stu.enrolled
            note[name].append(float(gain[mask].mean()))


def _environment_ratio(model: DistrictModel) -> float:
    """Ten-year improvement with experience at the 75th against the 25th percentile of schools'
    professional environment, as Kraft and Papay (2014) contrast them.

    A novice gains ``novice_gap * (1 - exp(-10 / experience_years))`` over ten years, scaled
    by the school's experience multiplier (``age_teachers``); the ratio of two schools' ten-year
    gains is the ratio of their multipliers.
    """
    env = implementation.professional_environment(model.schools, model.elements.culture)
    low, high = np.quantile(env, [0.25, 0.75])
    scale = implementation.experience_multiplier(np.array([low, high]), model.settings)
    return float(scale[1] / scale[0])


def _mean(values: list[float], skip_first: bool = True) -> float:
    """Mean of a yearly series; the first year is the start-up and is left out."""
    arr = np.asarray(values[1:] if skip_first and len(values) > 1 else values, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else np.nan


def workforce(seed: int, years: int = 10, size: dict | None = None) -> dict[str, float]:
    """Turnover, value-added spread, returns to experience and yearly gains in a typical district."""
    model = simulate(load_scenario(BASELINE, size or SIZE), seed, years * MONTHS_PER_YEAR, district=_Observed)
    return {name: _mean(values) for name, values in model.notes.items()}


def superintendents(seed: int, years: int = 150) -> dict[str, float]:
    """Completed superintendent tenures over a long history of a small typical district."""
    small = load_scenario(BASELINE, {"district.students": 300, "district.schools": 2})
    model = simulate(small, seed, years * MONTHS_PER_YEAR)
    tenures = model.central_office.completed_tenures
    return {"superintendent_tenure": float(np.mean(tenures)) if tenures else np.nan}


def coaching(seed: int, treated_schools: int, schools: int = 20, per_school: int = 400,
             overrides: dict | None = None) -> dict[str, float]:
    """A year of instructional coaching in ``treated_schools`` of a typical district.

    Coaching is one aligned initiative on teachers' practice, lasting a school year, taken
    up by every teacher in the treated schools. Its effects are measured as studies do:
    treated teachers' practice (in teacher SD) and their students' achievement (student
    SD) at the end of the year, against the same district without it (same seed).
    """
    settings = load_scenario(BASELINE, {"district.students": schools * per_school,
                                        "district.schools": schools, **(overrides or {})})
    out = {}
    for arm in ("control", "coached"):
        model = simulate(settings, seed)
        treated = np.arange(schools) < treated_schools
        if arm == "coached":
            rng = np.random.default_rng(seed)
            init = design_initiative(rng, settings, aligned=True, months=MONTHS_PER_YEAR,
                                     origin="coaching", coached=True)
            model.central_office.launch(init, schools=treated)
            model.central_office.fund()
        model.run_for(MONTHS_PER_YEAR - 1)
        model.step()  # month 10, stopping before the summer turns the staff over
        teach = treated[model.teachers.school]
        stud = treated[model.students.school] & model.students.enrolled
        out[arm] = (float(model.teachers.practice[teach].mean()),
                    float(model.students.achievement[stud].mean()))
    gain = (out["coached"][0] - out["control"][0]) / settings.teachers.practice_sd
    return {"practice": gain * settings.coaching.observation_validity,
            "value_added": gain,
            "achievement": out["coached"][1] - out["control"][1]}


def persistence(seed: int, raise_by: float = 0.1, size: dict | None = None) -> dict[str, float]:
    """One-year persistence as value-added studies measure it.

    In half the schools (drawn with the seed, apart from the model's streams) every teacher's
    practice is raised by ``raise_by`` (SD a year) for one school year, against the same
    district without it. The gain is the treated students' achievement over the control's at
    the end of that year; persistence is the share of it the same students (those who are
    still enrolled and have not graduated) hold at the end of the next year.
    """
    settings = load_scenario(BASELINE, size or SIZE)
    schools = settings.district.schools
    treated = np.random.default_rng([seed, 7]).permutation(schools) < schools // 2
    ends = {}
    for arm in ("control", "raised"):
        model = simulate(settings, seed)
        # A per-teacher array: posts that money adds or removes carry it along (new posts: False).
        model.teachers.raised = treated[model.teachers.school]
        if arm == "raised":
            model.teachers.practice[model.teachers.raised] += raise_by
        model.run_for(MONTHS_PER_YEAR)  # the year, and the summer after it
        if arm == "raised":  # the raise ends with the year; successors never had it
            model.teachers.practice[model.teachers.raised & ~model.teachers.left] -= raise_by
        first = (model.students.achievement.copy(), model.students.enrolled.copy(),
                 model.students.grade.copy())
        model.run_for(MONTHS_PER_YEAR)
        ends[arm] = (first, model.students.achievement.copy(), model.students.enrolled.copy())
    stu_school = model.students.school
    (a0, e0, g0), a1, e1 = ends["raised"]
    (c0, ce0, _), c1, ce1 = ends["control"]
    # grade after the first summer: staying students are in 1..12; the next summer graduates 12s
    followed = treated[stu_school] & e0 & e1 & ce0 & ce1 & (g0 >= 1) & (g0 <= 11)
    gain = float((a0 - c0)[followed].mean())
    later = float((a1 - c1)[followed].mean())
    return {"persistence_one_year": later / gain if gain > 0 else np.nan}


def _achievement_after(settings: Settings, seed: int, years: int, events: list[Event]) -> float:
    """Mean achievement of enrolled students at the end of school year ``years`` (before its
    summer), after ``events``."""
    model = simulate(settings, seed, years * MONTHS_PER_YEAR - 1, events=events)
    model.step()
    return model.achievement_mean()


def money(seed: int, scenario: str = BASELINE, dollars: float = 1000.0, years: int = 4,
          size: dict | None = None) -> dict[str, float]:
    """New money as school-finance studies measure it: ``dollars`` more a pupil from the start
    of year 1 for ``years`` years (a funding increase, spread over the lines as spending is),
    against the same district and seed without it, read at the end of year ``years``."""
    settings = load_scenario(scenario, size or SIZE)
    share = dollars / settings.district.spending_per_student
    more = Event(0, Shock(kind="funding_increase", year=1, magnitude=share, duration_years=years))
    gain = _achievement_after(settings, seed, years, [more]) - _achievement_after(settings, seed, years, [])
    return {"money": gain}


def class_size(seed: int, smaller: float = 1 / 3, years: int = 4,
               size: dict | None = None) -> dict[str, float]:
    """A district-wide class-size reduction: from the start of year 1 the teacher line pays
    for classes ``smaller`` smaller (1 / (1 - smaller) times the posts, the money taken from
    the rest of spending), sustained ``years`` years, against the same district and seed."""
    settings = load_scenario(BASELINE, size or SIZE)
    b = settings.budget
    other = 1.0 - b.teacher_share - b.support_share - b.overhead_share - b.discretionary_share
    share = b.teacher_share / (1.0 - smaller)
    if share - b.teacher_share > other:
        raise ValueError(f"class_size probe: smaller={smaller} needs more than the rest of spending")
    lever = Event(0, settings.model_copy(update={"budget": b.model_copy(update={"teacher_share": share})}))
    gain = _achievement_after(settings, seed, years, [lever]) - _achievement_after(settings, seed, years, [])
    return {"class_size_third": gain}


class _Leavers(DistrictModel):
    """A district that notes each summer's leavers in high-poverty schools."""

    def summer(self) -> None:
        super().summer()
        poor = self.schools.high_poverty[self.teachers.school]
        self.leaving_poor = getattr(self, "leaving_poor", []) + [
            float(self.teachers.left[poor].mean()) if poor.any() else np.nan]


def retention_pay(seed: int, bonus: float = 0.042, years: int = 3,
                  size: dict | None = None) -> dict[str, float]:
    """A retention bonus as North Carolina paid it (Clotfelter, Glennie, Ladd and Vigdor 2008):
    ``bonus`` of salary for teachers in high-poverty schools for ``years`` years, paid with
    money that comes with it (a funding increase of its cost, so no post is lost), against the
    same district and seed. Statistic: one minus the ratio of the high-poverty schools' yearly
    leaving rates, bonus over none, over the years it is paid."""
    settings = load_scenario(BASELINE, size or SIZE)
    model = DistrictModel(settings, seed)
    poor_posts = float(model.schools.high_poverty[model.teachers.school].mean())
    cost = bonus * poor_posts  # of the teacher line, so of all spending as the increase spreads
    paid = settings.model_copy(update={"budget": settings.budget.model_copy(
        update={"high_poverty_bonus": bonus})})
    rates = {}
    for arm, events in (("none", []), ("bonus", [
            Event(0, paid), Event(0, Shock(kind="funding_increase", year=1, magnitude=cost,
                                           duration_years=years))])):
        model = simulate(settings, seed, years * MONTHS_PER_YEAR, events=events, district=_Leavers)
        rates[arm] = float(np.nanmean(model.leaving_poor))
    return {"retention_pay": 1.0 - rates["bonus"] / rates["none"] if rates["none"] > 0 else np.nan}


def pandemic(seed: int, magnitude: float = 0.35, size: dict | None = None) -> dict[str, float]:
    """A year of pandemic schooling against the same district without it.

    The loss is the fall in achievement over the pandemic year in units of that year's
    normal growth, for students in grades 3-8 in schools that are not high-poverty, and the ratio of
    the loss in high-poverty schools to it.
    """
    settings = load_scenario(BASELINE, size or SIZE)
    ends = {}
    for arm in ("calm", "pandemic"):
        # One ordinary year, then the pandemic year, stopping before its summer.
        shock = Shock(kind="pandemic", year=2, magnitude=magnitude, duration_years=1.0)
        events = [Event(MONTHS_PER_YEAR, shock)] if arm == "pandemic" else []
        model = simulate(settings, seed, 2 * MONTHS_PER_YEAR - 1, events=events)
        model.step()
        stu = model.students
        # Grades 3-8, whose spring tests the studies compared (Goldhaber, Kane et al. 2022).
        tested = stu.enrolled & (stu.grade >= FIRST_TESTED) & (stu.grade <= LAST_TESTED)
        poor = model.schools.high_poverty[stu.school] & tested
        rest = ~model.schools.high_poverty[stu.school] & tested
        norm = NORM_GAIN[np.minimum(stu.grade, NORM_GAIN.size - 1)]
        ends[arm] = (stu.achievement.copy(), poor, rest, norm)
    (calm, poor, rest, norm), hit = ends["calm"], ends["pandemic"][0]
    loss = calm - hit
    share_rest = float(loss[rest].mean() / norm[rest].mean())
    share_poor = float(loss[poor].mean() / norm[poor].mean()) if poor.any() else np.nan
    return {"pandemic_loss": share_rest, "pandemic_poverty_ratio": share_poor / share_rest
            if share_rest > 0 else np.nan}


def succession(seed: int, share: float = 0.5, years: int = 4, scenario: str = BASELINE,
               size: dict | None = None, after: int = 1) -> dict[str, float]:
    """Principal succession as difference-in-differences studies measure it, made a trial.

    At the summer after year ``after`` the central office moves the principals of ``share``
    of the schools on (drawn with the seed, apart from the model's streams, so that the
    schools' conditions do not choose them), against the same district (same seed) keeping
    those principals. The same students (in those schools, enrolled throughout and not
    graduating before the end) are followed over the successor's first ``years`` years:
    ``succession_dip`` is how much less they grew in the first year (student SD),
    ``succession_year_k`` how much less in year k, ``succession_gap`` how far behind they are
    at the end, and ``succession_recovery`` the mean yearly shortfall of years 2 to ``years``
    over the first year's.
    """
    settings = load_scenario(scenario, size or SIZE)
    schools = settings.district.schools
    chosen = np.random.default_rng([seed, 11]).permutation(schools) < round(share * schools)
    paths = {}
    for arm, decision in (("kept", -1), ("changed", 1)):
        model = simulate(settings, seed, (after - 1) * MONTHS_PER_YEAR)
        model.schools.district_decision[:] = np.where(chosen, decision, 0)
        model.run_for(MONTHS_PER_YEAR)  # the year before, and the summer of the change
        stu = model.students
        grade = stu.grade.copy()
        levels, enrolled = [stu.achievement.copy()], stu.enrolled.copy()
        for year in range(years):
            model.run_for(MONTHS_PER_YEAR - 1 + (year > 0))  # to the year's end, before its summer
            levels.append(stu.achievement.copy())
            enrolled &= stu.enrolled
        paths[arm] = (np.array(levels), enrolled)
    (changed, e1), (kept, e0) = paths["changed"], paths["kept"]
    followed = chosen[model.students.school] & e0 & e1 & (grade + years - 1 < NORM_GAIN.size)
    shortfall = -np.diff((changed - kept)[:, followed].mean(axis=1))  # growth lost, year by year
    dip = float(shortfall[0])
    out = {"succession_dip": dip, "succession_gap": float(shortfall.sum()),
           "succession_recovery": float(shortfall[1:].mean() / dip) if dip > 0 else np.nan}
    out.update({f"succession_year_{k + 1}": float(v) for k, v in enumerate(shortfall)})
    return out


class _SupportObserved(DistrictModel):
    """A district that notes, just before each summer's draws, each school's support and its
    teachers' mean leaving probability (what the draws act on)."""

    def __init__(self, settings: Settings, seed: int, **kwargs) -> None:
        self.support_notes: list[tuple[np.ndarray, np.ndarray]] = []
        super().__init__(settings, seed, **kwargs)

    def summer(self) -> None:
        t, s = self.teachers, self.schools
        hazard = turnover.teacher_hazard(t, s, self.settings, self.shock_state.shortage)
        staff = np.maximum(np.bincount(t.school, minlength=s.n), 1)
        leaving = np.bincount(t.school, weights=hazard, minlength=s.n) / staff
        self.support_notes.append((s.support.copy(), leaving))
        super().summer()


def support_gradient(seed: int, years: int = 10, size: dict | None = None) -> dict[str, float]:
    """Teacher turnover per standard deviation of school support, as panel studies estimate it.

    Kraft, Marinell and Yee (2016) relate changes in a school's climate to changes in its
    turnover within the same school over time (school fixed effects), per SD of the climate
    measure. Here: each school's mean log leaving probability against its support
    (standardised by the SD of support over all school-years), both demeaned within school,
    years 2-10. ``support_sd_turnover`` is the proportional change in turnover per SD
    (negative: fewer leave); ``support_sd_turnover_between`` the same without fixed effects.
    """
    model = simulate(load_scenario(BASELINE, size or SIZE), seed, years * MONTHS_PER_YEAR,
                     district=_SupportObserved)
    notes = model.support_notes[1:]
    support = np.array([a for a, _ in notes])
    log_hazard = np.log(np.array([b for _, b in notes]))
    z = support / support.std()

    def slope(x: np.ndarray, y: np.ndarray) -> float:
        return float(np.expm1((x * y).sum() / (x * x).sum()))

    return {"support_sd_turnover": slope(z - z.mean(axis=0), log_hazard - log_hazard.mean(axis=0)),
            "support_sd_turnover_between": slope(z - z.mean(), log_hazard - log_hazard.mean())}
