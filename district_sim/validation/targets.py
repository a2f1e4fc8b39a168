"""The field's published figures, each paired with the model statistic that answers it.

One target for each row of the calibration table in the domain brief (turnover of
teachers overall, of novices and in high-poverty schools, and what drives it; principal
turnover and tenure; superintendent tenure; the spread of teacher effectiveness; returns
to experience; the professional environment; coaching at small scale and at scale;
yearly learning gains; the pandemic's loss; principal succession). ``measure`` says exactly
how the statistic is computed from model output; the probe functions in :mod:`.probes`
compute it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import probes


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    low: float
    high: float
    observed: str
    source: str
    probe: str
    statistic: str
    measure: str
    fast: bool = True

    def hit(self, value: float) -> bool:
        return math.isfinite(value) and self.low <= value <= self.high


#: Probes by name: each takes a seed and returns a dict of statistics.
PROBES = {
    "workforce": probes.workforce,
    "superintendents": probes.superintendents,
    "coaching_small": lambda seed: probes.coaching(seed, treated_schools=2),
    "coaching_scale": lambda seed: probes.coaching(seed, treated_schools=20),
    "pandemic": probes.pandemic,
    "succession": probes.succession,
    "persistence": probes.persistence,
    "money_status_quo": probes.money,
    "money_focused": lambda seed: probes.money(seed, scenario="focused"),
    "class_size": probes.class_size,
    "retention_pay": probes.retention_pay,
}

_TYPICAL = ("`status_quo` (a district that launches nothing), 6,000 students in 12 schools, 10 "
            "years; noted just before each summer's draws, years 2-10 averaged")
_TYPICAL_RUN = "`status_quo`, 6,000 students in 12 schools, 10 years, years 2-10 averaged"

TARGETS: tuple[Target, ...] = (
    Target("teacher_turnover", "Teacher turnover, per year", 0.13, 0.19, "about 16% (8% move, 8% leave)",
           "NCES TFS 2012-13", "workforce", "teacher_turnover",
           f"Share of teachers who leave at each summer. {_TYPICAL}."),
    Target("novice_turnover", "Novice teacher turnover, per year", 0.17, 0.25, "about 20%",
           "Carver-Thomas and Darling-Hammond 2017 (LPI)", "workforce", "novice_turnover",
           f"Mean leaving probability of teachers with under three years' experience. {_TYPICAL}."),
    Target("high_poverty_ratio", "Turnover, high-poverty / other schools", 1.3, 1.8, "about 1.5x",
           "Carver-Thomas and Darling-Hammond 2017 (LPI)", "workforce", "high_poverty_ratio",
           f"Mean leaving probability in high-poverty schools over that in the others. {_TYPICAL}."),
    Target("support_ratio", "Turnover, least / most supported quarter", 1.1, math.inf,
           "leadership support is the strongest driver (direction only)",
           "Kraft, Marinell and Yee 2016", "workforce", "support_ratio",
           "Mean leaving probability of teachers in the quarter of schools with the least "
           "support (principal leadership and culture) over that in the most supported quarter. "
           f"{_TYPICAL}."),
    Target("principal_turnover", "Principal turnover, per year", 0.17, 0.23, "about 18-22%",
           "Levin and Bradley 2019", "workforce", "principal_turnover",
           f"Share of principals who leave at each summer. {_TYPICAL}."),
    Target("principal_tenure", "Principal tenure at a school, years", 3.0, 5.0, "about 4 years",
           "DeAngelis and White 2011", "workforce", "principal_tenure",
           f"Mean years in post of sitting principals. {_TYPICAL}."),
    Target("superintendent_tenure", "Superintendent completed tenure, years", 5.0, 6.0,
           "about 5-6 years (5.1 in high-poverty districts)", "Broad Center 2018",
           "superintendents", "superintendent_tenure",
           "Mean length of completed superintendent tenures over 150 years of a small "
           "`status_quo` district (300 students, 2 schools)."),
    Target("value_added_sd", "Spread of teacher value-added (SD)", 0.10, 0.15, "0.10-0.15",
           "Rockoff 2004; Hanushek and Rivkin 2010", "workforce", "value_added_sd",
           f"Standard deviation of teachers' classroom effect (practice, experience, dip). {_TYPICAL}."),
    Target("novice_gap", "Novices below experienced teachers (SD)", 0.05, 0.10, "0.05-0.10",
           "Clotfelter, Ladd and Vigdor; Papay and Kraft 2015", "workforce", "novice_gap",
           "Within-teacher returns to experience (a teacher's own practice held fixed, as teacher "
           "fixed-effect studies estimate them): mean experience effect of teachers with 10+ "
           "years minus that of first-year teachers, at mid-year (month 5). " + _TYPICAL_RUN + "."),
    Target("experience_share_by_4", "Share of the 10-year gain reached by years 3-5", 0.6, 0.95,
           "most of the gain by years 3-5, some after", "Papay and Kraft 2015", "workforce",
           "experience_share_by_4",
           "Within teacher, at mid-year as above: (effect at 3-5 years - first year) / "
           "(10+ years - first year). " + _TYPICAL_RUN + "."),
    Target("environment_ratio", "10-year improvement, strong / weak environment", 1.25, 1.55,
           "teachers in schools at the 75th percentile of environment improve 38% more over 10 "
           "years than at the 25th", "Kraft and Papay 2014",
           "workforce", "environment_ratio",
           "Gain in classroom effect over a novice's first ten years in the school at the 75th "
           "percentile of professional environment (half principal leadership, half culture) over "
           "that in the school at the 25th, at those schools' experience multipliers "
           f"(`age_teachers`). {_TYPICAL}."),
    Target("coaching_practice_small", "Coaching effect on instruction, small scale (rubric SD)", 0.3, 0.7,
           "+0.49", "Kraft, Blazar and Hogan 2018", "coaching_small", "practice",
           "One school year of coaching (a coached initiative on practice, offered to 2 of 20 "
           "schools of `status_quo`, 8,000 students, and taken up by every teacher there; the "
           "district appoints its strongest teachers as coaches, one per `coaching.caseload`): "
           "treated teachers' practice at the end of the year minus the same teachers' without "
           "it (same seed), over the teacher SD of practice, times `coaching.observation_validity` "
           "(studies rate instruction on observation rubrics, which correlate about 0.25 with "
           "value-added)."),
    Target("coaching_achievement_small", "Coaching effect on achievement, small scale (SD)", 0.10, 0.26,
           "+0.18", "Kraft, Blazar and Hogan 2018", "coaching_small", "achievement",
           "As above: treated schools' students' achievement at the end of the year, minus "
           "without coaching (student SD; no conversion)."),
    Target("coaching_practice_scale", "Coaching effect on instruction, at scale (rubric SD)", 0.15, 0.35,
           "about half of +0.49", "Kraft, Blazar and Hogan 2018", "coaching_scale", "practice",
           "As the small-scale probe, with all 20 schools coached."),
    Target("coaching_achievement_scale", "Coaching effect on achievement, at scale (SD)", 0.04, 0.13,
           "about half of +0.18", "Kraft, Blazar and Hogan 2018", "coaching_scale", "achievement",
           "As the small-scale probe, with all 20 schools coached."),
    Target("gain_early", "Yearly learning gain, grades 1-2 (SD)", 0.8, 1.2, "about 1.0",
           "Bloom, Hill, Black and Lipsey 2008", "workforce", "gain_early",
           "Mean yearly gain (the grade's national norm plus the student's growth against it) "
           f"of students in grade 1. {_TYPICAL}."),
    Target("gain_middle", "Yearly learning gain, middle grades (SD)", 0.2, 0.4, "about 0.2-0.4",
           "Bloom, Hill, Black and Lipsey 2008", "workforce", "gain_middle",
           f"As above, students in grades 6 and 7. {_TYPICAL}."),
    Target("pandemic_loss", "Pandemic loss, share of a year's growth", 0.2, 0.5, "about 0.2-0.5",
           "Goldhaber, Kane et al. 2022", "pandemic", "pandemic_loss",
           "A pandemic (magnitude 0.35, one year) in year 2 of `status_quo`: achievement at the "
           "end of that year against the same district without it (same seed), in units of the "
           "year's normal growth, for students outside high-poverty schools."),
    Target("pandemic_poverty_ratio", "Pandemic loss, high-poverty / other schools", 1.5, 2.5,
           "about twice as much in high-poverty schools", "Goldhaber, Kane et al. 2022", "pandemic",
           "pandemic_poverty_ratio", "As above: the loss in high-poverty schools over the loss "
           "in the others."),
    Target("persistence_one_year", "One-year persistence of a year's gain (share)", 0.2, 0.5,
           "about a fifth (Jacob et al.) to a half (Chetty et al.)",
           "Jacob, Lefgren and Sims 2010; Chetty, Friedman and Rockoff 2014", "persistence",
           "persistence_one_year",
           "In half the schools of `status_quo` (6,000 students in 12 schools, drawn with the seed "
           "apart from the model's streams) every teacher's practice is raised by 0.1 SD a year for "
           "the first school year, against the same district without it (same seed). Statistic: "
           "the same students' (enrolled both years, not graduating) gain over the control at the "
           "end of the next year, over their gain at the end of the raised year. Set by "
           "`students.persistence_one_year` (0.35); the raise also lifts engagement, which carries "
           "a little into the next year."),
    Target("money_status_quo", "$1,000 more a pupil for four years, `status_quo` (SD)", 0.005, 0.07,
           "+0.0316 SD (90% of true effects between -0.004 and 0.067)", "Jackson and Mackevicius 2023",
           "money_status_quo", "money",
           "`status_quo`, 6,000 students in 12 schools: a `funding_increase` of $1,000 a pupil "
           "(0.0625 of $16,000) from the start of year 1 for four years, against the same district "
           "and seed without it; mean achievement at the end of year 4. The money is spread over "
           "the lines as spending is: the teacher line buys posts (classes about 6% smaller, the "
           "new posts filled by novices), support staff widen principals' margin, the pot funds "
           "more initiatives. The model's figure sits in the lower half of the studies' range: it "
           "spends the money as the district already does, mostly on smaller classes, and no "
           "raise comes with it."),
    Target("money_focused", "$1,000 more a pupil for four years, `focused` (SD)", 0.005, 0.07,
           "+0.0316 SD (90% of true effects between -0.004 and 0.067)", "Jackson and Mackevicius 2023",
           "money_focused", "money", "As above, in `focused`."),
    Target("class_size_third", "Classes a third smaller for four years (SD)", 0.02, 0.15,
           "about +0.2 SD in K-3 (Tennessee STAR); about zero at scale (Florida)",
           "Krueger 1999; Chingos 2012", "class_size", "class_size_third",
           "`status_quo`, 6,000 students in 12 schools: from the start of year 1 the teacher line "
           "pays for 1.5 times the posts (classes a third smaller; the money comes from the rest "
           "of spending), sustained four years, against the same district and seed; mean "
           "achievement at the end of year 4. Set by `students.class_size_effect`; the new posts "
           "go to novices, who cost some of it back in the first years (Jepsen and Rivkin 2009)."),
    Target("retention_pay", "Retention bonus: cut in high-poverty schools' leaving (share)", 0.10, 0.25,
           "an $1,800 bonus cut leaving by about 17% (12% in the working paper)",
           "Clotfelter, Glennie, Ladd and Vigdor 2008", "retention_pay", "retention_pay",
           "`status_quo`, 6,000 students in 12 schools: a bonus of 4.2% of salary (North "
           "Carolina's $1,800 in 2001-02) for teachers in high-poverty schools for three years, paid "
           "with money that comes with it, against the same district and seed. Statistic: one minus "
           "the ratio of the high-poverty schools' yearly leaving rates over the three summers, "
           "bonus over none. Set by `teachers.pay_turnover` (calibrated to the published 17%); "
           "what the run adds is everything else that moves leaving meanwhile (experience mix, "
           "support)."),
    Target("succession_dip", "Principal succession: growth lost in the successor's first year (SD)",
           0.005, 0.08, "a few hundredths of an SD (about 0.03 the next year)",
           "Bartanen, Grissom and Rogers 2019; Miller 2013; Béteille, Kalogrides and Loeb 2012",
           "succession", "succession_dip",
           "At the first summer of `status_quo` (6,000 students in 12 schools) the central office "
           "moves on the principals of half the schools, drawn with the seed apart from the model's "
           "streams (so the schools' conditions do not choose them), against the same district (same "
           "seed) keeping them. Statistic: the same students' (in those schools, enrolled for the "
           "next four years and not graduating) achievement gain over the successor's first school "
           "year, kept minus changed. Only mechanisms carry it: a successor's leadership is drawn "
           "from the pool and starts at the bottom of the settling-in ramp (`principal_ramp_dip`), "
           "which lowers the professional environment, what leadership multiplies, teachers' "
           "support (so more of them leave), and the principal's own value-added "
           "(`principal_value_added`, Branch, Hanushek and Rivkin 2012)."),
    Target("succession_recovery", "Principal succession: later yearly loss over the first year's",
           -1.0, 1.0, "recovered over 2-4 years (no lasting slide)",
           "Miller 2013; Bartanen, Grissom and Rogers 2019", "succession", "succession_recovery",
           "As above: the mean yearly growth the same students lose in the successor's years 2-4 over "
           "what they lost in the first year. At most 1: the later years cost less, on average, "
           "than the first, so the school is recovering rather than sliding (below 0 it gains "
           "back; below -1 each later year would give back more than the first cost, which a "
           "successor drawn from the same pool as the principal kept cannot do on average). The "
           "studies see the dip fade within 2-4 years; the model's later losses come "
           "from what is left of the ramp, the experience teachers did not gain under it, and "
           "teachers who left at the end of the first year, replaced by novices. A ratio, not the "
           "four-year level gap, because part of any gain fades each year (`students` persistence), "
           "which would flatter a level."),
)

BY_KEY = {t.key: t for t in TARGETS}

# Teacher turnover per SD of school support, in the panel studies' own unit (a check on
# ``teachers.support_turnover`` beside the open-ended quarter ratio above).
PROBES["support_gradient"] = probes.support_gradient
SUPPORT_GRADIENT = Target(
    "support_sd_turnover", "Turnover change per SD of school support (within school)", -0.25, -0.03,
    "about 5% fewer leavers per SD of principal effectiveness (0.5 points on 13%, Grissom and "
    "Bartanen); up to about 25% fewer where all four climate dimensions improve (Kraft, Marinell "
    "and Yee)",
    "Grissom and Bartanen 2019 (AERJ 56(2)); Kraft, Marinell and Yee 2016 (AERJ 53(5), 1411-1449; "
    "Research Alliance brief, March 2016)", "support_gradient", "support_sd_turnover",
    "As Kraft, Marinell and Yee identify it, from changes within a school over time: each school's "
    "mean leaving probability (log) against its support (half principal leadership, half culture; "
    "in SD of support over all school-years), both demeaned within school, as a proportional "
    f"change per SD. {_TYPICAL}. The band spans one part of support alone (principal "
    "effectiveness) to all of the climate improving at once; neither study's own per-SD "
    "coefficient for leadership was available to pin it more tightly.")
TARGETS = (*TARGETS, SUPPORT_GRADIENT)
BY_KEY[SUPPORT_GRADIENT.key] = SUPPORT_GRADIENT
