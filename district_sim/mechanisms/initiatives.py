"""How the central office designs an initiative: what it serves, demands, costs and lasts.

The initiatives it launches take slots of the :class:`~district_sim.state.portfolio.Portfolio`.
"""

from __future__ import annotations

import numpy as np

from .. import calendar
from ..state.portfolio import CONTENT, ENGAGEMENT, NONE, PRACTICE, Initiative


def design_initiative(
    rng: np.random.Generator,
    settings,
    aligned: bool,
    compliance: bool = False,
    months: int | None = None,
    origin: str = "strategy",
    coached: bool | None = None,
) -> Initiative:
    """Draw one initiative's features the way the district's strategy shapes them.

    Aligned initiatives serve the instructional core by construction (the theory of
    action is about the core); unaligned ones touch it only sometimes.
    Draws a fixed number of random numbers whatever the branch, so that two scenarios
    sharing a seed stay in step. ``coached`` forces coaching on or off; by default an
    aligned practice initiative is coached with the strategy's ``coaching_share``.
    """
    ini = settings.initiatives
    strat = settings.strategy
    u = rng.random(4)
    z = rng.standard_normal(2)
    if compliance:
        serves = NONE
    elif aligned or u[1] < ini.unaligned_core_share:
        practice = ini.practice_share
        engagement = practice + (1.0 - practice) * ini.engagement_share
        serves = PRACTICE if u[0] < practice else (ENGAGEMENT if u[0] < engagement else CONTENT)
    else:
        serves = NONE
    if months is None:
        # Gamma with shape 4: planned lives vary, none is instant.
        years = rng.gamma(ini.duration_shape, strat.initiative_duration_years / ini.duration_shape)
        months = max(1, calendar.months(years))
    else:
        rng.gamma(ini.duration_shape, 1.0)  # same draws as the other branch
    if coached is None:
        coached = aligned and serves == PRACTICE and bool(u[3] < strat.coaching_share)
    elif coached:
        serves = PRACTICE
    cost = 0.0 if compliance else ini.cost_per_teacher
    if coached:
        cost = settings.coaching.cost_per_coach / settings.coaching.caseload
    spread = np.exp(ini.demand_spread * z - 0.5 * ini.demand_spread**2)
    return Initiative(
        aligned=aligned,
        serves=serves,
        teacher_demand=float(ini.teacher_demand * spread[0]),
        principal_demand=float(ini.principal_demand * spread[1]),
        cost_per_teacher=cost,
        grant_funded=(not aligned) and (not compliance) and bool(u[2] < strat.grant_funded_share),
        compliance=compliance,
        months=months,
        origin=origin,
        coached=coached,
    )
