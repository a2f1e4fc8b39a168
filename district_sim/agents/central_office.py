"""The central office: theory of action, initiative portfolio, budget, superintendent.

It is the only agent that sees the whole district. Its yearly decisions (how many
initiatives to launch, how aligned, how to split the money) are what the scenario's
``strategy`` settings describe; what happens to those decisions in schools and
classrooms is left to principals and teachers.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..mechanisms.coaching import appoint_coaches
from ..mechanisms.initiatives import design_initiative
from ..state.portfolio import Initiative
from .principals import gatekeeping


class CentralOffice(mesa.Agent):
    """Holds the strategy and acts on it once a year, and when shocks force it to."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        strategy = model.settings.strategy
        self.theory_of_action = strategy.theory_of_action
        #: Counts strategies: a successor who replaces the strategy increments it.
        self.strategy_version = 1
        #: Share of discretionary money for the strategy; principals' advocacy moves it.
        self.resource_alignment = strategy.resource_alignment
        self.superintendent_years = 0.0
        self.completed_tenures: list[float] = []
        self.strategy_changes = 0
        self.vacancy_until = -1.0
        self.budget_total = 0.0
        self.budget_aligned = 0.0
        self.budget_unaligned = 0.0

    # --- initiatives -------------------------------------------------------------------

    def plan_year(self) -> None:
        """Launch this year's initiatives, as many and as aligned as the strategy says."""
        strategy = self.model.settings.strategy
        rng = self.model.streams["initiatives"]
        whole = int(strategy.initiatives_per_year)
        count = whole + int(rng.random() < strategy.initiatives_per_year - whole)
        if self.model.time < self.vacancy_until:
            return  # an interim superintendent launches nothing
        for _ in range(count):
            aligned = bool(rng.random() < strategy.alignment)
            self.launch(design_initiative(rng, self.model.settings, aligned))

    def comply(self, count: int, months: int) -> None:
        """A state mandate: ``count`` compliance initiatives for ``months``, whatever the strategy."""
        for _ in range(count):
            init = design_initiative(self.model.streams["initiatives"], self.model.settings, aligned=False,
                                     compliance=True, months=months, origin="mandate")
            self.launch(init)

    def launch(self, initiative: Initiative, schools: np.ndarray | None = None) -> int:
        """Put an initiative in the portfolio and let each principal decide on it.

        ``schools`` (a mask) offers it to some schools only, as a pilot does; the others
        never see it. A coached initiative gets its coaches once uptake is known.
        """
        model = self.model
        slot, grew = model.portfolio.add(initiative, model.time)
        if grew:
            model.teachers.grow_slots(model.portfolio.slots)
        model.teachers.depth[:, slot] = 0.0
        draws = model.streams["initiatives"].random(model.schools.n)
        model.portfolio.adoption[:, slot] = gatekeeping(model.schools, initiative, draws, model.settings)
        if schools is not None:
            model.portfolio.adoption[~np.asarray(schools, dtype=bool), slot] = 0.0
        if initiative.coached:
            appoint_coaches(model.teachers, model.portfolio, slot, model.settings)
        return slot

    def retire(self, slot: int) -> None:
        """End an initiative; one abandoned before it paid back breeds cynicism."""
        model = self.model
        depth = model.teachers.depth[:, slot]
        threshold = model.settings.initiatives.implementation_threshold
        adopted = model.portfolio.adoption[model.teachers.school, slot]
        # Paid back where it was taken up: schools that buffered it do not count against it.
        paid_back = float(depth[adopted > 0].mean()) >= threshold if np.any(adopted > 0) else True
        if model.settings.mechanisms.fatigue and threshold > 0:
            invested = np.where(depth < threshold, depth / threshold, 0.0) * adopted
            c = model.teachers.cynicism
            c += model.settings.teachers.cynicism_rate * invested * (1.0 - c)
            np.clip(c, 0.0, 1.0, out=c)  # a steep cynicism_rate must not overshoot the scale
        model.teachers.depth[:, slot] = 0.0
        model.portfolio.retire(slot, paid_back)

    def retire_due(self) -> None:
        for slot in self.model.portfolio.due(self.model.time):
            self.retire(int(slot))

    def abandon_strategy(self, share: float) -> None:
        """A successor drops ``share`` of the running strategy (not the state's mandates)."""
        portfolio = self.model.portfolio
        rng = self.model.streams["succession"]
        running = np.flatnonzero(portfolio.active & ~portfolio.compliance)
        drop = running[rng.random(running.size) < share]
        for slot in drop:
            self.retire(int(slot))
        if share >= 0.5:
            self.strategy_version += 1
            self.strategy_changes += 1
            self.resource_alignment = self.model.settings.strategy.resource_alignment
            self.model.elements.systems *= 1.0 - share / 2

    # --- superintendent ------------------------------------------------------------------

    def superintendent_year(self, draw_leave: float, draw_replace: float) -> None:
        """One more year in office; perhaps a departure and a new strategy (policy churn)."""
        self.superintendent_years += 1.0
        if not self.model.settings.mechanisms.policy_churn:
            return
        leadership = self.model.settings.leadership
        support = self.model.elements.stakeholders
        # A yearly departure chance of 1/tenure gives a mean tenure of exactly ``tenure`` at
        # neutral support (a geometric spell); backing from stakeholders lengthens it.
        leave = (1.0 / leadership.superintendent_tenure_years) * np.exp(
            -leadership.support_tenure_effect * (support - 0.5))
        if draw_leave < min(1.0, leave):
            replace = leadership.strategy_replacement * (1.5 - support)
            self.succession(1.0 if draw_replace < replace else leadership.kept_strategy_abandonment)

    def succession(self, abandon_share: float, vacancy_years: float = 0.0) -> None:
        """A new superintendent arrives and keeps or replaces the strategy."""
        self.completed_tenures.append(self.superintendent_years)
        self.superintendent_years = 0.0
        self.vacancy_until = self.model.time + 10.0 * vacancy_years
        self.abandon_strategy(abandon_share)
        self.model.elements.stakeholders = 0.5

    # --- resources -----------------------------------------------------------------------

    def set_budget(self, discretionary: float) -> None:
        """This year's money the office is free to direct (the budget's discretionary line)."""
        self.budget_total = discretionary

    def fund(self) -> None:
        """Split the money and set each initiative's funding ratio (0-1).

        With misaligned resources the strategy gets only its share, whatever it
        needs, while the rest flows to unaligned programmes. Grant-funded work brings
        its own money; compliance work costs the district attention, not dollars.
        """
        model = self.model
        p = model.portfolio
        teachers_in = np.bincount(model.teachers.school, minlength=model.schools.n)
        served = teachers_in @ p.adoption
        cost = p.cost_per_teacher * served * p.active
        own = p.grant_funded | p.compliance
        rest = self.budget_total
        funding = np.ones(p.slots)
        if model.settings.mechanisms.resource_misalignment:
            aligned_pot = rest * self.resource_alignment
            other_pot = rest - aligned_pot
            for mask, pot in ((p.aligned & ~own, aligned_pot), (~p.aligned & ~own, other_pot)):
                need = cost[mask].sum()
                funding[mask] = min(1.0, pot / need) if need > 0 else 1.0
            self.budget_aligned = aligned_pot
            self.budget_unaligned = other_pot + cost[p.grant_funded].sum()
        else:
            mask = ~own
            need = cost[mask].sum()
            funding[mask] = min(1.0, rest / need) if need > 0 else 1.0
            spent = funding * cost
            self.budget_aligned = spent[p.aligned & ~own].sum()
            self.budget_unaligned = rest - self.budget_aligned + cost[p.grant_funded].sum()
        p.funding = funding

    def listen(self, advocacy: float) -> None:
        """Re-align money toward the strategy as far as principals press and the office listens."""
        listening = self.model.settings.leadership.listening
        self.resource_alignment += listening * advocacy * (1.0 - self.resource_alignment)
