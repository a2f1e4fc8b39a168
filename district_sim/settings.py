"""One validated schema for every setting of a district simulation.

Scenario files (``scenarios/*.toml``), dotted overrides from Python or the command
line, and experiment files all pass through :class:`Settings`, so a setting has
exactly one name, one default, one allowed range and one documented source.  The
``description`` of each field is the documentation: ``docs/parameters.md`` is
generated from it.
"""

from __future__ import annotations

import copy
import math
import tomllib
import typing
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from .shocks import SHOCK_KINDS, SHOCKS

#: A shock's kind: one of the records of :mod:`district_sim.shocks`.
ShockKind = Literal[SHOCK_KINDS]  # type: ignore[valid-type]


class _Section(BaseModel):
    """A table of a scenario file: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="before")
    @classmethod
    def _no_truth_for_numbers(cls, data: Any) -> Any:
        """``true`` for a number or ``1`` for a switch is a slip, not a value: pydantic would
        quietly read them as 1.0 and True."""
        if not isinstance(data, dict):
            return data
        for name, value in data.items():
            field = cls.model_fields.get(name)
            if field is None:
                continue
            if field.annotation in (float, int) and isinstance(value, bool):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if field.annotation is bool and not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false, got {value!r}")
        return data


class District(_Section):
    students: int = Field(
        20_000, ge=1, le=2_000_000,
        description="Enrolled students (one a seat). A mid-sized urban district; "
        "Bristol City, PELP's composite case, is a large urban district.",
    )
    schools: int = Field(
        40, ge=1, le=5_000,
        description="Schools, each with one principal. About 500 students a school, "
        "the NCES average for US public schools.",
    )
    class_size: int = Field(
        22, ge=1, le=60,
        description="Students a classroom (one teacher a classroom) in the district as built: its "
        "spending staffs classes of this size at the start (NCES average class size is about 21 "
        "elementary to 26 secondary). With ``spending_per_student`` and ``budget.teacher_share`` it "
        "sets what a teacher post costs; after that, class size follows money.",
    )
    high_need_share: float = Field(
        0.6, ge=0, le=1,
        description="Share of students flagged high-need (e.g. low-income). Large urban "
        "districts serve 60%+ low-income students (NCES, Council of the Great City Schools).",
    )
    segregation: float = Field(
        0.5, ge=0, le=1,
        description="How unevenly high-need students are spread across schools (0 = evenly, "
        "1 = strongly sorted). Stated reason: creates the high-poverty schools (>75% high-need, "
        "NCES definition) where turnover is 1.5x.",
    )
    initial_achievement: float = Field(
        -0.3, ge=-3, le=3,
        description="District mean achievement at the start, in student SD against the national "
        "norm. Large-city districts sit about 0.2-0.4 SD below the nation (NAEP TUDA).",
    )
    high_need_gap: float = Field(
        0.6, ge=0, le=3,
        description="Initial achievement gap, other minus high-need students, in SD. The "
        "income achievement gap is about 0.5-1.0 SD (Reardon 2011).",
    )
    spending_per_student: float = Field(
        16_000.0, ge=1_000, le=1_000_000,
        description="Total operating spending, dollars a student a year, as the run starts: about "
        "$15,000-17,000 nationally (NCES Digest of Education Statistics, current expenditure per "
        "pupil). The district as built is its history, which its students' starting achievement "
        "already reflects: what moves results is a change of money during the run (a "
        "budget_cut or funding_increase shock, a lever, enrolment), split into lines by the "
        "``budget`` shares.",
    )


class Budget(_Section):
    """How total spending splits into lines, what a cut falls on, and who is laid off.

    Each line is a share of ``district.spending_per_student`` times enrolment; what is left
    after the four named lines is the rest of a district's spending (specialist and special
    education staff, buildings, transport, food), which the model holds but does not act on.
    """

    teacher_share: float = Field(
        0.27, ge=0.01, le=1,
        description="Share of spending on classroom teachers' salaries and benefits; with "
        "``district.class_size`` it sets what a post costs. Stated reason: at the default spending "
        "and classes of 22 (21.7 on average once posts are whole) this prices a post at about "
        "$94,000, an average teacher's salary "
        "(about $66,400 in 2021-22, NCES Digest table 211.60) plus benefits of about 40% of "
        "salaries (NCES: benefits about a quarter, salaries about three fifths of current "
        "expenditure).",
    )
    support_share: float = Field(
        0.12, ge=0, le=1,
        description="Share of spending on school support staff (assistant principals, "
        "counsellors, instructional aides, office staff), which carry part of a principal's "
        "load. Stated reason: NCES's student support, instructional staff support and school "
        "administration functions together are about 16% of current expenditure, some of it "
        "central.",
    )
    overhead_share: float = Field(
        0.05, ge=0, le=1,
        description="Share of spending on central administration and business services (NCES "
        "general administration and central services: about 2-5%). The model gives it no "
        "effect of its own; it is where a cut that protects classrooms falls second.",
    )
    discretionary_share: float = Field(
        0.0425, ge=0, le=1,
        description="Share of spending the district is free to direct: the pot that funds "
        "initiatives (``strategy.resource_alignment`` of it the strategy's). Stated reason: "
        "about 4-5% of per-pupil spending is discretionary after salaries and mandates; 0.0425 "
        "is the $680 a pupil the earlier model's $800 improvement budget left after its 15% "
        "overhead.",
    )
    pay_level: float = Field(
        1.0, ge=0.5, le=2,
        description="Teachers' pay relative to the district's salary schedule as the run "
        "starts. Stated reason for 1: the district as it is. A raise costs posts at the same "
        "money and keeps teachers (``teachers.pay_turnover``).",
    )
    high_poverty_bonus: float = Field(
        0.0, ge=0, le=1,
        description="Extra pay in high-poverty schools, as a share of salary (a retention "
        "bonus such as North Carolina's $1,800, about 4% of a 2002 salary; Clotfelter, Glennie, "
        "Ladd and Vigdor 2008). Paid from the teacher line, so it costs posts. Default 0: "
        "districts mostly pay one schedule.",
    )
    cut_placement: Literal["classrooms_last", "across_the_board"] = Field(
        "classrooms_last",
        description="Where a cut falls. classrooms_last: the discretionary pot and central overhead "
        "first (in proportion, as far as ``cuttable_share`` of them), then every line in "
        "proportion, teacher posts among them (leavers not replaced, then layoffs); "
        "across_the_board: every line by the same share from the start. Stated reason for the "
        "default: districts protect classrooms as far as they can, yet the Great Recession's cut "
        "of about 7% of spending still cost teaching posts and test scores (Jackson, Wigger and "
        "Xiong 2021).",
    )
    cuttable_share: float = Field(
        0.5, ge=0, le=1,
        description="Share of the discretionary pot and of central overhead a classrooms_last cut "
        "can take before it reaches schools. Stated reason: much of both is committed in any year "
        "(contracts, legally required functions, programmes under way), so about half is what a "
        "district can give up quickly; with it a 7% cut takes half the pot and overhead, then "
        "about 2.5% of every line (51% of the pot and overhead in all).",
    )
    layoff_rule: Literal["seniority", "effectiveness"] = Field(
        "seniority",
        description="Who goes when posts must go: seniority (the least experienced first, as most "
        "contracts and many state laws require) or effectiveness (the least effective first). "
        "Boyd, Lankford, Loeb and Wyckoff (2011) and Goldhaber and Theobald (2013) find "
        "seniority-based layoffs remove teachers well above the least effective.",
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> Budget:
        named = self.teacher_share + self.support_share + self.overhead_share + self.discretionary_share
        if named > 1.0 + 1e-9:
            raise ValueError(
                "teacher_share + support_share + overhead_share + discretionary_share must be at "
                f"most 1 (shares of total spending), got {named:g}")
        return self


class Strategy(_Section):
    theory_of_action: str = Field(
        "If we help all teachers improve their instructional practice, then all students "
        "will achieve at high levels.",
        description="The district's theory of action (PELP's own example); initiatives are "
        "aligned or not with it.",
    )
    initiatives_per_year: float = Field(
        2.0, ge=0, le=50,
        description="New initiatives the central office launches each year (the fractional part "
        "is a probability). Scenario-specific; the default is a middle case.",
    )
    alignment: float = Field(
        0.5, ge=0, le=1,
        description="Share of new initiatives aligned with the theory of action. Scenario-specific.",
    )
    resource_alignment: float = Field(
        0.5, ge=0, le=1,
        description="Share of the money the district is free to direct (the discretionary pot, "
        "``budget.discretionary_share``) that funds the strategy; the rest funds unaligned "
        "programmes. Scenario-specific.",
    )
    buffering: float = Field(
        0.5, ge=0, le=1,
        description="How far the central office and principals shield schools from unaligned "
        "demands (Honig and Hatch 2004). Probability an unaligned initiative is buffered by an "
        "average principal. Scenario-specific.",
    )
    initiative_duration_years: float = Field(
        1.5, gt=0, le=50,
        description="Mean planned life of an initiative. The typical intervention lasts 14-18 "
        "months (Latham 1988); full implementation takes 2-4 years (Fixsen et al. 2005).",
    )
    grant_funded_share: float = Field(
        0.5, ge=0, le=1,
        description="Share of unaligned initiatives that arrive with their own funding stream and "
        "end when it does ('each with its own funding stream', PELP's Bristol City).",
    )
    coaching_share: float = Field(
        0.0, ge=0, le=1,
        description="Share of the strategy's aligned practice initiatives delivered with "
        "instructional coaches (see ``coaching``). Stated reason for the default 0: the shipped "
        "scenarios do not coach, "
        "so their results do not rest on a mechanism that only one-year coaching trials pin down. "
        "Above 0 is extrapolation: the trials say nothing of coaching a whole district for years "
        "(with every teacher coached the model lets the workforce converge on its best teachers "
        "and keeps every gain, about +1 SD of achievement in ten years for `focused`; "
        "district-wide programmes have shown far less), so it is not a lever on the page.",
    )


class Capacity(_Section):
    teacher_attention: float = Field(
        1.0, gt=0, le=1e9,
        description="Initiative work a teacher can absorb a month; 1.0 = typical. With a typical "
        "initiative demanding 0.3, a teacher carries about three at once (Hatch 2002: programmes "
        "collide; Newmann et al. 2001: teachers do not know half of the projects under way).",
    )
    principal_attention: float = Field(
        1.0, gt=0, le=1e9,
        description="Initiative oversight a principal can give a month; 1.0 = typical. Stated "
        "reason: as for teacher attention, about four typical initiatives fill a principal's "
        "margin.",
    )
    support_staff_effect: float = Field(
        0.5, ge=0, le=5,
        description="How far a principal's oversight capacity follows the school support staff "
        "the budget pays for: capacity x (1 + this x (support now / support as built - 1)), so a "
        "20% cut in support staff costs principals 10% of their margin. Stated reason: assistant "
        "principals and office staff take over management that otherwise crowds out "
        "instructional leadership (Horng, Klasik and Loeb 2010: principals spend most of their "
        "time on administration and management); no study pins the size, so half is a middle.",
    )


class Initiatives(_Section):
    teacher_demand: float = Field(
        0.3, gt=0, le=10,
        description="Attention a typical initiative asks of each teacher a month (share of the "
        "typical capacity). Stated reason: about three initiatives fill a teacher's margin.",
    )
    demand_spread: float = Field(
        0.3, ge=0, le=2,
        description="Log-normal spread of initiatives' demands around teacher_demand. Stated "
        "reason: programmes differ in weight; 0.3 puts most within 0.7-1.4x the typical demand.",
    )
    principal_demand: float = Field(
        0.25, gt=0, le=10,
        description="Oversight a typical initiative asks of each principal a month. Stated reason: "
        "a little less than a teacher's share, since principals delegate part of the work.",
    )
    cost_per_teacher: float = Field(
        2_500.0, ge=0, le=100_000,
        description="Yearly cost of an initiative for each teacher it serves (coaching, materials, "
        "release time). Stated reason: instructional coaching costs a few thousand dollars a "
        "teacher a year (Kraft, Blazar and Hogan 2018 discuss costs at scale).",
    )
    learning_rate: float = Field(
        0.055, gt=0, le=1,
        description="Monthly growth of implementation depth at full attention and funding: "
        "depth reaches 0.8 in about 30 school months, so full implementation takes about three "
        "years (Fixsen et al. 2005: 2-4 years).",
    )
    depth_decay: float = Field(
        0.03, ge=0, le=1,
        description="Monthly loss of depth for the unattended share of an initiative. Stated "
        "reason: routines not practised fade within a couple of years.",
    )
    implementation_threshold: float = Field(
        0.4, ge=0, lt=1,
        description="Depth below which an initiative changes no practice (a threshold, not a "
        "linear dose; Fixsen et al. 2005 on initial vs full implementation).",
    )
    practice_gain: float = Field(
        0.012, ge=0, le=1,
        description="Monthly gain in a teacher's practice (student SD of value-added a year) from "
        "one fully implemented core initiative. Fitted (not an independent check): a sustained "
        "focused strategy then beats the status quo by about 0.12 SD after ten years, the order of "
        "comprehensive school reform's effects against business as usual, which were strongest "
        "after five or more years (Borman et al. 2003: about 0.12-0.15 SD); refitted from 0.004 "
        "after fade-out (students' persistence) and principal succession had brought that to "
        "+0.046. No other figure of the calibration table pins it (docs/calibration.md).",
    )
    implementation_dip: float = Field(
        0.006, ge=0, le=1,
        description="Largest loss of a teacher's classroom effect (SD a year) while one initiative "
        "is being learned, before it passes the threshold (Fullan 2001's implementation dip).",
    )
    unaligned_core_share: float = Field(
        0.3, ge=0, le=1,
        description="Probability an unaligned initiative touches the instructional core at all "
        "(the rest are compliance, operations or add-on programmes). Stated reason: Newmann et "
        "al. (2001) found much of incoherent schools' programme load unrelated to instruction.",
    )
    unaligned_potency: float = Field(
        0.5, ge=0, le=1,
        description="Effect of an unaligned core initiative relative to an aligned one, which the "
        "district's systems reinforce. Stated reason: no systems support it.",
    )
    practice_share: float = Field(
        0.6, ge=0, le=1,
        description="Share of core initiatives (aligned ones, and unaligned ones that touch the "
        "core) that work on teachers' practice (the others split by ``engagement_share``). "
        "Stated reason: professional development for teachers is the commonest district "
        "improvement programme, and PELP's example theory of action is about practice; no "
        "survey ranks the three.",
    )
    engagement_share: float = Field(
        0.5, ge=0, le=1,
        description="Of core initiatives not on practice, the share on students' engagement; the "
        "rest work on content. Stated reason: no evidence ranks engagement above content.",
    )
    duration_shape: float = Field(
        4.0, gt=0, le=1000,
        description="Gamma shape of initiatives' planned lives around "
        "``strategy.initiative_duration_years``. Stated reason: 4 gives a coefficient of "
        "variation of 0.5, so lives vary around the typical 14-18 months (Latham 1988) and none "
        "is instant.",
    )


class Coaching(_Section):
    """Instructional coaching: an initiative on practice carried by coaches in classrooms."""

    pace: float = Field(
        6.0, ge=1, le=100,
        description="How many times faster implementation deepens with a coach than with "
        "training alone. Stated reason: training without follow-up rarely reaches the classroom, "
        "coaching brings most of it there (Joyce and Showers 2002); at 6x a year of coaching "
        "takes a teacher past the threshold in about two months and to near full implementation "
        "by the year's end, where training alone needs 2-4 years (Fixsen et al. 2005). Also "
        "calibrated with ``transfer`` (docs/calibration.md).",
    )
    transfer: float = Field(
        0.5, ge=0, le=1,
        description="Monthly share of the gap between a teacher's practice and their coach's that "
        "a fully implemented coaching cycle closes, at full intensity (see ``coach_reach``). "
        "Calibrated: pinned, jointly with ``pace``, by the small-scale coaching effect on "
        "achievement (Kraft, Blazar and Hogan 2018), and by nothing else (docs/calibration.md).",
    )
    caseload: int = Field(
        10, ge=1, le=1000,
        description="Teachers one coach works with: the programme's design. Stated reason: "
        "intensive programmes hold a coach to about 10-20 teachers (Knight 2007 advises no more "
        "than 20); the low end is taken because the trials behind the coaching figures are "
        "intensive ones. The district fills coaching posts from its strongest teachers, so the "
        "more of its workforce it coaches the deeper it reaches for coaches: that, with the cost, "
        "not a set discount, is what weakens coaching at scale here.",
    )
    coach_reach: int = Field(
        10, ge=1, le=1000,
        description="Teachers a coach can give full-intensity coaching (a cycle every week or "
        "two). With a larger caseload each teacher gets ``coach_reach / caseload`` of it, and "
        "``pace`` and ``transfer`` act in that proportion, so a larger caseload is cheaper but "
        "weaker. Stated reason: the intensive end of Knight's (2007) 10-20.",
    )
    cost_per_coach: float = Field(
        100_000.0, ge=0, le=10_000_000,
        description="Yearly cost of one coach (salary and benefits of an experienced teacher). "
        "Stated reason: US teacher compensation with benefits is roughly $90,000-$110,000.",
    )
    observation_validity: float = Field(
        0.25, ge=0.01, le=1,
        description="Correlation between a teacher's classroom-observation score and their "
        "value-added; converts a change in practice (value-added SD) into the observation-rubric "
        "SD in which coaching studies report effects on instruction. The MET project found "
        "modest correlations, about 0.1-0.35 across instruments (Kane and Staiger 2012). Used "
        "only to report instruction as observers rate it, but it decides whether the coaching "
        "instruction targets pass: they do for about 0.16-0.30 (docs/calibration.md, stage 3), "
        "not over the whole MET range.",
    )


class Teachers(_Section):
    practice_mean: float = Field(
        0.0, ge=-1, le=1,
        description="Mean value-added of the district's experienced teachers against the "
        "national mean teacher, student SD a year. Stated reason: the district hires from the "
        "national pool; its lower starting achievement is history (initial_achievement).",
    )
    practice_sd: float = Field(
        0.12, ge=0, le=1,
        description="Spread of teacher value-added: 0.10-0.15 (Rockoff 2004; Hanushek and "
        "Rivkin 2010).",
    )
    novice_gap: float = Field(
        0.09, ge=0, le=1,
        description="How far a teacher is below an experienced one on their first day. "
        "Calibrated so that first-year teachers, averaged over their first year, are 0.05-0.10 "
        "below (Clotfelter, Ladd and Vigdor; Papay and Kraft 2015): 0.09 gives about 0.06 "
        "(docs/validation.md).",
    )
    experience_years: float = Field(
        1.5, gt=0, le=30,
        description="Time constant of returns to experience: most of the gain by years 3-5 "
        "(Papay and Kraft 2015).",
    )
    environment_boost: float = Field(
        4.8, ge=0, le=50,
        description="How much a school's professional environment (0-1: half principal leadership, "
        "half culture) scales what experience teaches: returns to experience are multiplied by "
        "exp(environment_boost x (environment - a typical school's)). Calibrated so that teachers "
        "in schools at the 75th percentile of environment improve 38% more over 10 years than at "
        "the 25th (Kraft and Papay 2014; docs/validation.md).",
    )
    environment_cap: float = Field(
        1.5, ge=1, le=10,
        description="Largest factor by which a school's environment can raise (or, inverted, "
        "lower) what experience teaches. Stated reason: Kraft and Papay (2014) measured 1.38x "
        "between quarters of real schools; a cap a little wider keeps the model from "
        "extrapolating that finding to environments far outside those observed.",
    )
    base_turnover: float = Field(
        0.135, ge=0, le=1,
        description="Yearly leaving rate of an experienced teacher in an average school at "
        "average fatigue and support. Calibrated so overall turnover is about 16% (NCES TFS).",
    )
    novice_turnover_ratio: float = Field(
        1.45, ge=0, le=10,
        description="Turnover of teachers in their first three years relative to others: "
        "novices about 20% (Carver-Thomas and Darling-Hammond 2017).",
    )
    high_poverty_turnover_ratio: float = Field(
        1.5, ge=0, le=10,
        description="Turnover in high-poverty schools relative to others: about 1.5x "
        "(Carver-Thomas and Darling-Hammond 2017).",
    )
    fatigue_turnover: float = Field(
        0.6, ge=0, le=20,
        description="Log-hazard of leaving per unit of fatigue above its baseline. Stated reason: "
        "overload and cynicism are among the working conditions Kraft, Marinell and Yee (2016) "
        "tie to leaving.",
    )
    support_turnover: float = Field(
        1.0, ge=0, le=20,
        description="Log-hazard reduction per unit of leadership support above average: "
        "leadership support is the strongest driver (Kraft, Marinell and Yee 2016). Calibrated: "
        "0.6 left the least supported quarter of schools barely 1.1x as likely to lose teachers "
        "as the most supported; the profile through the defaults accepts about 0.7-2 "
        "(docs/calibration.md); 1.0 lies inside it.",
    )
    pay_turnover: float = Field(
        4.4, ge=0, le=50,
        description="Log-hazard reduction of leaving per unit of pay above the salary schedule "
        "(a 10% raise: x exp(-0.44) = 0.64 of the leaving). Calibrated to Clotfelter, Glennie, "
        "Ladd and Vigdor (2008): an $1,800 bonus, about 4.2% of a North Carolina salary of "
        "about $42,700 in 2001-02, cut the leaving of targeted teachers by 17% (12% in the 2006 "
        "working paper): -ln(0.83) / 0.042.",
    )
    fatigue_rate: float = Field(
        0.05, ge=0, le=5,
        description="Monthly growth of fatigue per unit of overload (demand over capacity). Stated "
        "reason: a teacher carrying twice their margin is about half worn out within a school "
        "year; not pinned by a figure (calibration.md, stage 2).",
    )
    fatigue_recovery: float = Field(
        0.1, ge=0, le=1,
        description="Monthly recovery of fatigue in school months (the summer has its own, "
        "``summer_fatigue_recovery``). Stated reason: without overload, fatigue halves in about "
        "seven months.",
    )
    fatigue_capacity_loss: float = Field(
        0.5, ge=0, le=1,
        description="Share of attention a fully fatigued teacher loses. Stated reason: exhaustion "
        "halves what a teacher can take on beyond their classes, without stopping them.",
    )
    cynicism_rate: float = Field(
        0.15, ge=0, le=5,
        description="Cynicism gained per initiative abandoned before it paid back, scaled by the "
        "effort invested (Hess 1999's 'spinning wheels').",
    )
    cynicism_recovery: float = Field(
        0.3, ge=0, le=1,
        description="Share of cynicism that fades each year. Stated reason: trust returns slowly; "
        "about half of it is back after two calm years.",
    )
    cynicism_drag: float = Field(
        0.5, ge=0, le=1,
        description="How much a fully cynical teacher slows implementation (0.5: at half speed). "
        "Stated reason: cynical teachers comply on the surface, going through the motions "
        "(Fullan 2001), so they slow the work without stopping it.",
    )
    summer_fatigue_recovery: float = Field(
        0.5, ge=0, le=1,
        description="Share of fatigue a summer break removes. Stated reason: the break restores "
        "much but not all; a year of overload carries partly into the next.",
    )
    underprepared_gap: float = Field(
        0.1, ge=0, le=1,
        description="How far below a typical new hire an underprepared hire (taken on in a "
        "teacher shortage) starts, in student SD of value-added a year. Stated reason: about a "
        "novice's gap again, the order of the difference certification and preparation make in "
        "North Carolina's data (Clotfelter, Ladd and Vigdor 2007).",
    )
    novice_years: float = Field(
        3.0, gt=0, le=40,
        description="Experience (years) below which a teacher counts as a novice, for turnover "
        "and in reports: the 'fewer than three years' of Carver-Thomas and Darling-Hammond "
        "(2017), whose novice turnover the model is calibrated to.",
    )
    initial_turnover_ratio: float = Field(
        1.3, gt=0, le=10,
        description="The first staff's experience is drawn as in a workforce whose yearly "
        "turnover is ``base_turnover`` times this (exponential tenure). Stated reason: in the "
        "status quo overall turnover settles near 1.3x the base rate (novices and high-poverty "
        "schools leave more), so the district starts close to the experience mix it keeps.",
    )
    national_turnover: float = Field(
        0.16, gt=0, le=1,
        description="Yearly turnover of the nation's teachers, whose experience mix sets the "
        "average teacher value-added is measured against (NCES Teacher Follow-up Survey "
        "2012-13: about 16%).",
    )


class Students(_Section):
    engagement_mean: float = Field(
        0.6, ge=0, le=1,
        description="Typical engagement (0-1) of a student nationally; the reference point of "
        "the engagement effect. Stated reason: a scale point only (results depend on differences "
        "from it); 0.6 leaves room both ways.",
    )
    high_need_engagement_gap: float = Field(
        0.1, ge=0, le=1,
        description="Lower typical engagement of high-need students. Stated reason: part of the "
        "gap's mechanism.",
    )
    engagement_effect: float = Field(
        0.15, ge=0, le=2,
        description="Yearly achievement growth (SD) per unit of engagement above the norm. "
        "Stated reason: a student a tenth of the scale more engaged gains 0.015 SD a year more, "
        "small against a teacher's spread (0.12), as engagement effects net of teachers are.",
    )
    engagement_adjust: float = Field(
        0.15, ge=0, le=1,
        description="Monthly speed at which engagement follows its classroom and school target. "
        "Stated reason: a new class's climate shows in students' engagement within a term.",
    )
    rigor_effect: float = Field(
        0.1, ge=0, le=2,
        description="Yearly achievement growth (SD) per unit of content rigour above the norm "
        "(academically challenging content, the third element of the instructional core). "
        "Stated reason: the best content against typical content (0.5 of the scale) adds 0.05 SD "
        "a year; every school starts typical and content initiatives are scaled to move "
        "achievement as fast as practice ones, so results barely depend on it.",
    )
    class_size_effect: float = Field(
        0.008, ge=0, le=0.1,
        description="Yearly achievement growth (SD) per student fewer in a class than "
        "``district.class_size``, for a student who is not high-need (``class_size_need_ratio`` "
        "times it for one who is; about 0.01 for the default district's average student), in "
        "every grade. Between the evidence at scale and the early-grades experiment: Tennessee "
        "STAR gave about +0.2 SD for classes 7-8 pupils smaller in K-3 after up to four years "
        "(Krueger 1999), which through the model's fade-out (``persistence_one_year``) takes "
        "about 0.03 a pupil a year; Florida's statewide mandate gave about zero (Chingos 2012). "
        "Stated reason for the size, a third of STAR's: the model's classes span K-12, where the "
        "evidence is weaker than in K-3, and Florida shows that at scale much of the gain does "
        "not appear. A district-wide reduction also hires novices, which the model does "
        "separately (Jepsen and Rivkin 2009 found that offset much of California's gain); with "
        "them, a third smaller for four years gives about +0.06 SD (docs/validation.md).",
    )
    class_size_need_ratio: float = Field(
        1.5, ge=0, le=5,
        description="How many times the class-size effect a high-need student gets. Krueger "
        "(1999) found a larger effect for students on free lunch and minority students (Nye et "
        "al. 1993: about twice as large for Black students after kindergarten); Ding and Lehrer "
        "(2011) find the differences lose significance once multiple tests are corrected for. "
        "Stated reason for 1.5: between no difference and twice; with it cuts widen and money "
        "narrows the gap by income, as Jackson, Wigger and Xiong (2021) found for the Great "
        "Recession's cuts.",
    )
    intake_sd: float = Field(
        0.85, gt=0, le=5,
        description="SD of achievement within an entering cohort, in national student SD. Stated "
        "reason: a district's students vary less than the nation's, since part of the national "
        "variance lies between districts (Reardon 2011).",
    )
    climate_engagement: float = Field(
        0.3, ge=0, le=5,
        description="Pull of school climate (0-1) on the engagement students head for: the best "
        "climate raises it by 0.15 over a typical school, the worst lowers it as much. Stated "
        "reason: less than a strong teacher's and the high-need gap's pull; engagement "
        "initiatives are scaled by it, so they move achievement as fast as practice ones "
        "whatever its value.",
    )
    pandemic_engagement: float = Field(
        0.5, ge=0, le=5,
        description="Fall in the engagement students head for per unit of pandemic magnitude "
        "(times ``environment.pandemic_poverty_ratio`` in high-poverty schools). Stated reason: "
        "remote schooling cut attendance and engagement; a magnitude-0.35 pandemic lowers it by "
        "about 0.18, twice that in high-poverty schools.",
    )
    persistence_one_year: float = Field(
        0.35, ge=0, le=1,
        description="Share of a year's gain beyond normal growth (from a teacher, an initiative, a "
        "shock, anything) still there one year later, measured as studies measure it: end-of-year "
        "scores a year apart. Jacob, Lefgren and Sims 2010 find about a fifth (ruling out more "
        "than a third); Chetty, Friedman and Rockoff 2014 about a half; 0.35 is between them.",
    )
    persistence_long_run: float = Field(
        0.2, ge=0, le=1,
        description="Share of such an end-of-year gain that lasts: the durable part, toward which "
        "the rest fades (mechanisms/persistence.py turns the two shares into monthly rates). "
        "Chetty, Friedman and Rockoff 2014: about a quarter after three or four years; Jacob, "
        "Lefgren and Sims 2010's fifth after one year bounds it from above; 0.2. A value above "
        "persistence_one_year acts as persistence_one_year (nothing fades after the first year).",
    )
    test_reliability: float = Field(
        0.9, gt=0, le=1,
        description="Reliability of a student's spring state test: true-score variance over "
        "observed-score variance within a grade. Stated reason: state tests' technical reports "
        "give about 0.85-0.92 for a student's score; 0.9 is their middle.",
    )


class Leadership(_Section):
    superintendent_tenure_years: float = Field(
        5.5, gt=0, le=100,
        description="Mean superintendent tenure: completed tenures about 5-6 years in large "
        "districts (Broad Center 2018).",
    )
    strategy_replacement: float = Field(
        0.6, ge=0, le=1,
        description="Probability a new superintendent replaces the strategy (policy churn, Hess "
        "1999), lowered by stakeholder support.",
    )
    principal_turnover: float = Field(
        0.2, ge=0, le=1,
        description="Yearly principal turnover in a school that is not high-poverty and scores at "
        "the district's mean: about 18-22%, tenure about 4 years (Levin and Bradley 2019). The "
        "district's mean is a little higher, since its high-poverty and low-scoring schools lose "
        "principals more often (`principal_high_poverty_ratio`, `principal_score_turnover`).",
    )
    principal_high_poverty_ratio: float = Field(
        1.3, ge=0, le=10,
        description="How many times as often a high-poverty school (over 75% high-need) loses its "
        "principal. Béteille, Kalogrides and Loeb (2012) find principals use high-poverty schools "
        "as stepping stones and leave them more often, without one portable ratio; stated reason "
        "for 1.3: a gap a little smaller than teachers' 1.5x (principals' leaving is driven more by "
        "promotion and district moves, which follow school poverty less), keeping the district's "
        "mean inside the 18-22% band.",
    )
    principal_score_turnover: float = Field(
        1.0, ge=0, le=10,
        description="Log-hazard increase of principal leaving per student SD the school's latest "
        "tested mean lies below the district's (Béteille, Kalogrides and Loeb 2012: low-achieving "
        "schools lose principals more often; also accountability pressure). Stated reason for 1.0: "
        "the default district's school means lie within about 0.15 SD of its mean (SD about 0.09), "
        "so its lowest-scoring school loses principals about 1.15x as often as an average one, on "
        "top of poverty's 1.3x: together about 1.5x, as teachers' 1.5x. 0 where no student of the "
        "school sat the spring test.",
    )
    principal_value_added: float = Field(
        0.05, ge=0, le=1,
        description="Yearly achievement growth (SD) of a school's students per SD of its "
        "principal's effective instructional leadership: principals' value-added. Branch, "
        "Hanushek and Rivkin 2012: a principal one SD better raises growth by at least 0.05 SD a "
        "year (Grissom, Egalite and Lindsay 2021 review larger estimates, up to about 0.13).",
    )
    principal_ramp_dip: float = Field(
        0.5, ge=0, le=1,
        description="Share of a principal's instructional leadership missing in the first year at "
        "a new school; it fades as exp(-years in post / `principal_ramp_years`), so effective "
        "leadership = leadership x (1 - this x exp(-tenure / ramp years)). It lowers what "
        "leadership multiplies (teachers' learning, the professional environment) and teachers' "
        "sense of support (more of them leave). Bartanen, Grissom and Rogers (2019): a change of "
        "principal lowers achievement about 0.03 SD the next year, explained by successors' "
        "inexperience; Clark, Martorell and Rockoff (2009): principals' returns to experience are "
        "steepest in their first years. Stated reason for 0.5 (no study measures leadership on "
        "this scale): with principal effects of the published size (a principal 1 SD better adds "
        "at least 0.05 SD a year, Branch, Hanushek and Rivkin 2012) a successor at half strength "
        "would cost about 0.04 SD in the first year, near the 0.03 Bartanen et al. find. The "
        "model's principals reach students only through the professional environment and teachers' "
        "support, so the dip it yields is smaller (`succession_dip`, docs/validation.md).",
    )
    principal_ramp_years: float = Field(
        1.5, gt=0, le=30,
        description="Time constant of a new principal's settling in: the missing share falls to "
        "51% in year 2, 26% in year 3 and 14% in year 4. Miller (2013) and Bartanen, Grissom and "
        "Rogers (2019): achievement recovers over 2-4 years after a change; Clark, Martorell and "
        "Rockoff (2009): most of a principal's experience gain comes in the first three years.",
    )
    principal_leadership_mean: float = Field(
        0.5, ge=0, le=1,
        description="Mean instructional leadership of principals (0-1 scale; 0.5 = typical), those "
        "in post at the start and the pool successors are drawn from alike (leaving does not depend "
        "on leadership, so a pool unlike the sitting principals would drift the district away from "
        "where it starts; a successor's inexperience is `principal_ramp_dip`, not a weaker pool). "
        "Stated reason: the scale's midpoint is the typical principal by construction.",
    )
    principal_leadership_sd: float = Field(
        0.15, ge=0, le=1,
        description="Spread of principals' instructional leadership (sitting principals and the "
        "successors' pool alike, clipped to 0-1). Stated reason: 0.15 keeps "
        "almost every principal inside the 0-1 scale while giving the quarter-vs-quarter support "
        "contrast the turnover targets need (calibration.md).",
    )
    listening: float = Field(
        0.5, ge=0, le=1,
        description="How far the central office re-aligns resources when principals advocate for "
        "their schools' needs (PELP: principals as 'connective tissue').",
    )
    support_tenure_effect: float = Field(
        2.0, ge=0, le=20,
        description="How strongly stakeholder support keeps a superintendent: the yearly leaving "
        "chance is multiplied by exp(-this x (support - 0.5)), so full support cuts it to 37% and "
        "none raises it 2.7x. Stated reason: conflict with the board is a leading reason "
        "superintendents leave; not pinned by a figure (tenure itself is, at neutral support).",
    )
    kept_strategy_abandonment: float = Field(
        0.2, ge=0, le=1,
        description="Share of the running strategy a new superintendent drops even when keeping "
        "it. Stated reason: successors re-prioritise some of what they inherit (Hess 1999).",
    )


class Environment(_Section):
    budget_cut_rate: float = Field(
        0.1, ge=0, le=1,
        description="Yearly probability of a random budget cut (stated reason: a downturn hits "
        "district budgets about once a decade); its size is 3-15% of total spending (the Great "
        "Recession cut about 7% nationally, Jackson, Wigger and Xiong 2021).",
    )
    state_mandate_rate: float = Field(
        0.1, ge=0, le=1,
        description="Yearly probability of a new state mandate. Stated reason: state "
        "accountability and program rules change every few years; one in ten years is a "
        "conservative middle.",
    )
    pandemic_rate: float = Field(
        0.0, ge=0, le=1,
        description="Yearly probability of a pandemic-scale disruption. Stated reason: off by "
        "default, since once a century is too rare to matter in ten years; scenarios schedule "
        "one explicitly.",
    )
    enrollment_decline_rate: float = Field(
        0.05, ge=0, le=1,
        description="Yearly probability of an enrolment decline. Stated reason: about one "
        "multi-year decline every twenty years, as demographic and charter shifts bring to urban "
        "districts.",
    )
    teacher_shortage_rate: float = Field(
        0.05, ge=0, le=1,
        description="Yearly probability of a teacher-shortage year. Stated reason: shortages "
        "come with the labour market's cycles, about one year in twenty in a given district.",
    )
    pandemic_poverty_ratio: float = Field(
        2.0, ge=0, le=10,
        description="How many times as much a pandemic costs high-poverty schools, in learning "
        "and engagement (Goldhaber, Kane et al. 2022: about twice as much in high-poverty, remote "
        "schools).",
    )
    pandemic_loss_cap: float = Field(
        0.4, ge=0, le=5,
        description="Largest yearly growth (SD) a pandemic's share is taken of: a magnitude-m "
        "pandemic costs m times the grade's normal yearly growth, but at most m times this, so "
        "young children, whose normal growth is largest (1.5 SD in kindergarten), do not lose "
        "several times the SD older ones lose. Stated reason: measured losses in SD were of "
        "similar size across grades 3-8 (Kuhfeld et al. 2022; Goldhaber, Kane et al. 2022), and "
        "early-grade losses were not several times larger; 0.4 is grade 4's normal growth.",
    )
    pandemic_fatigue: float = Field(
        0.2, ge=0, le=1,
        description="Fatigue a pandemic adds to every teacher when it starts, per unit of its "
        "magnitude (a share of the way to full fatigue). Stated reason: the switch to remote "
        "teaching was an overload of its own; a magnitude-0.35 pandemic adds 0.07.",
    )


class Elements(_Section):
    """PELP's slow organisational elements: how fast systems and stakeholders move."""

    systems_adjustment: float = Field(
        0.2, ge=0, le=1,
        description="Yearly share of the gap between the district's systems and the alignment "
        "of the work that actually runs that is closed. Stated reason: data, evaluation and "
        "staffing systems are rebuilt over about five years.",
    )
    stakeholder_adjustment: float = Field(
        0.3, ge=0, le=1,
        description="Yearly share of the way stakeholders' support moves toward what results and "
        "cuts warrant. Stated reason: support follows two or three years of results.",
    )
    stakeholder_results: float = Field(
        5.0, ge=0, le=100,
        description="Support warranted per SD of yearly achievement change (0.1 SD a year "
        "moves it by 0.5 from neutral). Stated reason: results of that size are what a board "
        "notices.",
    )
    stakeholder_cuts: float = Field(
        1.5, ge=0, le=30,
        description="Support lost per unit of budget cut, a share of total spending (a cut of 7%, "
        "the Great Recession's, lowers it by about 0.1). Stated reason: cuts are felt, but less "
        "than results; 1.5 keeps the weight the earlier model gave a 20% cut of the discretionary "
        "budget.",
    )


class Mechanisms(_Section):
    """Switches for the ablation study: each turns one mechanism off."""

    attention_limit: bool = Field(True, description="Teachers ration attention over initiatives.")
    implementation_threshold: bool = Field(
        True, description="Initiatives pay back only past a depth threshold (off: linear dose, "
        "no dip)."
    )
    fatigue: bool = Field(True, description="Overload builds fatigue and abandonment cynicism.")
    turnover: bool = Field(True, description="Teachers and principals leave and are replaced.")
    policy_churn: bool = Field(True, description="Superintendents leave and successors may "
                               "replace the strategy.")
    buffering: bool = Field(True, description="Principals can buffer unaligned initiatives.")
    resource_misalignment: bool = Field(
        True, description="Money is split between the strategy and unaligned programmes (off: one "
        "pool funds whatever runs)."
    )


#: The ablation switches, in the order the docs list them.
MECHANISM_NAMES: tuple[str, ...] = tuple(Mechanisms.model_fields)


class Shock(_Section):
    kind: ShockKind = Field(description="One of " + ", ".join(SHOCK_KINDS) + ".")
    year: int = Field(ge=1, le=1000, description="Simulated year the shock starts (1 = first).")
    magnitude: float = Field(
        description="Size of the shock; its meaning and range depend on the kind (see docs)."
    )
    duration_years: float = Field(
        1.0, ge=0, le=100, description="How long the shock lasts, in years. For "
        "superintendent_turnover, the vacancy: an interim launches nothing in a September inside it."
    )

    @model_validator(mode="after")
    def _magnitude_in_range(self) -> Shock:
        kind = SHOCKS[self.kind]
        if not (math.isfinite(self.magnitude) and 0.0 <= self.magnitude <= kind.high):
            raise ValueError(
                f"magnitude of a {self.kind} shock is the {kind.meaning}: must be between "
                f"0 and {kind.high:g}, got {self.magnitude!r}"
            )
        return self


class Settings(_Section):
    """Every setting of one district simulation."""

    name: str = Field("custom", description="Scenario name (its file stem).")
    description: str = Field("", description="One line saying what the scenario shows.")
    district: District = Field(default_factory=District)
    strategy: Strategy = Field(default_factory=Strategy)
    budget: Budget = Field(default_factory=Budget)
    capacity: Capacity = Field(default_factory=Capacity)
    initiatives: Initiatives = Field(default_factory=Initiatives)
    coaching: Coaching = Field(default_factory=Coaching)
    teachers: Teachers = Field(default_factory=Teachers)
    students: Students = Field(default_factory=Students)
    leadership: Leadership = Field(default_factory=Leadership)
    environment: Environment = Field(default_factory=Environment)
    elements: Elements = Field(default_factory=Elements)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    shocks: list[Shock] = Field(default_factory=list, description="Scheduled shocks.")

    @model_validator(mode="after")
    def _schools_fit_students(self) -> Settings:
        if self.district.schools > self.district.students:
            raise ValueError(
                f"district.schools must be between 1 and district.students "
                f"({self.district.students}), got {self.district.schools}"
            )
        _warn_small_schools(self.district)
        return self


#: Grades a school teaches, K..12: students are spread evenly over them (``state/students.py``'s
#: ``GRADES``, the length of its norm-growth table, is the same number).
GRADES = 13


class SmallSchoolWarning(UserWarning):
    """A school would have fewer students than one class a grade: a district of a few large
    schools scaled down by ``district.students`` alone (the model still runs, on classes smaller
    than ``district.class_size``). Filter this class to silence it where that is meant."""


#: District sizes already warned of in this process: settings are validated again and again
#: (each scenario of a compare, each run's model), and libraries that reset warning filters
#: defeat Python's own once-a-place rule, so a size is warned of once a process.
_WARNED_SIZES: set[tuple[int, int, int]] = set()


def _warn_small_schools(district: District) -> None:
    """Warn (never raise: results must not change) when the smallest school is below one
    class a grade, naming the settings and a number of schools that would fit."""
    smallest = district.students // district.schools
    needed = GRADES * district.class_size
    size = (district.students, district.schools, district.class_size)
    if smallest >= needed or size in _WARNED_SIZES:
        return
    _WARNED_SIZES.add(size)
    fits = district.students // needed
    advice = (f"set district.schools={fits} or fewer, or raise district.students" if fits >= 1 else
              f"raise district.students to at least {needed} or lower district.class_size")
    warnings.warn(
        f"district.students={district.students} over district.schools={district.schools} makes "
        f"schools of {smallest} students, fewer than one class a grade ({GRADES} grades x "
        f"district.class_size={district.class_size} = {needed}); {advice}",
        SmallSchoolWarning, skip_file_prefixes=_NOT_THE_CALLER)


#: Frames a warning skips so that it points at the code that built the settings.
_NOT_THE_CALLER = (str(Path(__file__).parent), str(Path(pydantic.__file__).parent))


# --- loading, merging, overriding ------------------------------------------------------------


class SettingsError(ValueError):
    """A bad setting: the message names it and what is allowed, in one line."""


# --- the one lookup: what is a setting? -----------------------------------------------------------


@dataclass(frozen=True)
class SettingInfo:
    """What the schema declares about one setting (or one table of settings).

    Every reader of the schema asks this, so a range is stated once, in the field's
    ``Field(ge=..., le=...)``: error messages, dotted overrides, experiment-file bounds,
    the page's levers and docs/parameters.md all read it here.
    """

    key: str                  # dotted, e.g. "strategy.buffering" ("" for the whole schema)
    kind: str                 # "int", "float", "bool", "str", "table" or "list"
    default: Any
    description: str          # meaning and source (or stated reason)
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False    # gt rather than ge
    high_open: bool = False   # lt rather than le
    keys: tuple[str, ...] = ()  # a table's settings, in schema order

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float")

    def bounds_parts(self) -> list[str]:
        """['>= 0', '<= 1']: the declared bounds, in words."""
        parts = []
        if math.isfinite(self.low):
            parts.append(f"{'>' if self.low_open else '>='} {self.low:g}")
        if math.isfinite(self.high):
            parts.append(f"{'<' if self.high_open else '<='} {self.high:g}")
        return parts

    def range_text(self) -> str:
        """'allowed: float >= 0 and <= 1' for messages ('' if nothing is declared)."""
        parts = self.bounds_parts()
        if not parts:
            return ""
        return ("allowed: " + (f"{self.kind} " if self.numeric else "")) + " and ".join(parts)

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below


def _kind(annotation: Any) -> str:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    if typing.get_origin(annotation) is list:
        return "list"
    return annotation.__name__ if annotation in (int, float, bool, str) else "str"


def _info(key: str, field: FieldInfo | None, annotation: Any) -> SettingInfo:
    if field is None:  # the whole schema
        return SettingInfo("", "table", None, "Every setting.", keys=tuple(Settings.model_fields))
    bounds: dict[str, Any] = {}
    for meta in field.metadata:
        for attr, name, is_open in (("ge", "low", False), ("gt", "low", True),
                                    ("le", "high", False), ("lt", "high", True)):
            if getattr(meta, attr, None) is not None:
                bounds[name] = float(getattr(meta, attr))
                bounds[f"{name}_open"] = is_open
    default = field.get_default(call_default_factory=True)
    keys = tuple(getattr(annotation, "model_fields", {}) or ())
    return SettingInfo(key, _kind(annotation), default, field.description or "", keys=keys, **bounds)


def find(key: str | tuple) -> SettingInfo | None:
    """The setting at a dotted key or a location tuple, or None if the schema has none there."""
    parts = tuple(key.split(".")) if isinstance(key, str) else tuple(key)
    if parts == ("",):
        parts = ()
    model: Any = Settings
    field = None
    for part in parts:
        fields = getattr(model, "model_fields", None)
        if fields is None or not isinstance(part, str) or part not in fields:
            return None
        field = fields[part]
        model = field.annotation
    return _info(".".join(parts), field, model)


def lookup(key: str) -> SettingInfo:
    """What is ``key``? A :class:`SettingInfo`; SettingsError naming the first unknown part."""
    if not isinstance(key, str) or not key:
        raise SettingsError(f"override keys must be dotted setting names, got {key!r}")
    parts = key.split(".")
    for i in range(len(parts)):
        if find(parts[: i + 1]) is None:
            parent = find(parts[:i])
            where = ".".join(parts[:i]) or "top level"
            known = ", ".join(parent.keys) if parent is not None and parent.keys else "none"
            raise SettingsError(f"{key}: unknown setting (known at {where}: {known})")
    return find(parts)


def setting_keys() -> list[str]:
    """Every single setting of the sections, as dotted keys, in schema order."""
    return [f"{section}.{name}" for section in find("").keys if (info := find(section)).kind == "table"
            for name in info.keys]


def describe_validation_error(err: ValidationError) -> str:
    """Turn pydantic's report into one line per problem naming the dotted setting."""
    lines = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        dotted = ".".join(str(p) for p in loc) or "settings"
        if e["type"] == "extra_forbidden":
            lines.append(f"{dotted}: unknown setting{_known_keys_hint(loc[:-1])}")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        info = find(loc)
        allowed = info.range_text() if info is not None and loc else ""
        got = e.get("input")
        text = msg if not loc else f"{dotted}: {msg}"
        # A section's own check names its field ("schools must be ...").
        if loc and info is not None and msg.split(" ", 1)[0] in info.keys:
            text, allowed, got = f"{dotted}.{msg}", "", None
        if allowed and "must be" not in msg:
            text += f" ({allowed})"
        if got is not None and not isinstance(got, dict | list) and "got" not in msg:
            text += f", got {got!r}"
        lines.append(text)
    return "; ".join(lines)


def _known_keys_hint(section: tuple) -> str:
    info = find(section)
    return f" (known: {', '.join(info.keys)})" if info is not None and info.keys else ""


def validate(data: dict[str, Any]) -> Settings:
    """Build :class:`Settings` from plain data, raising :class:`SettingsError` in one line."""
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise SettingsError(describe_validation_error(err)) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, naming the file and the fault if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: malformed TOML: {err}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not a text (UTF-8) TOML file") from None
    except OSError as err:
        raise SettingsError(f"{path}: cannot read: {err.strerror}") from None


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the base's."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys (``{"district": {"students": 1}}`` -> ``district.students``),
    the form overrides take; lists (shocks) stay whole values, as an override sets them."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def parse_value(text: str) -> Any:
    """Read a command-line value as TOML would (numbers, booleans, lists), else as a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Set dotted keys (``"district.students": 5000``) in a plain settings dict.

    Unknown keys are rejected here, with the known ones listed, rather than later by
    the schema, so that a typo in an override names the typo.
    """
    if overrides is not None and not isinstance(overrides, dict):
        raise SettingsError(f"overrides must be a dict of dotted settings to values, got {overrides!r}")
    out = copy.deepcopy(data)
    for dotted, value in (overrides or {}).items():
        lookup(dotted)  # a typo names the typo and the known keys
        parts = dotted.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise SettingsError(f"{dotted}: {part} is not a table")
        node[parts[-1]] = value
    return out
