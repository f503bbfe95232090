"""Negotiations on a scenario's deal space: the calendar, the costs of delay and the utilities come
from the scenario; the protocol and strategies from :mod:`zopa.negotiate`.

Side ``a`` is the scenario's first party, side ``b`` its second. Rounds run from the as-of date to
the bargaining deadline every ``bargaining.round_months`` months (e.g. monthly to 2025-12-31);
a round of delay costs each side its ``bargaining.delay_cost`` (USD bn, mean of its belief) or,
when none is given, its discount rate applied to its gain at the Nash point over one round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from zopa.analysis import DealProblem, analyze_problem
from zopa.bargain.scenario import deadline_bargaining, round_dates
from zopa.negotiate.protocol import NegotiationResult, negotiate
from zopa.negotiate.strategies import STRATEGY_NAMES, strategy_from_name
from zopa.negotiate.tournament import TournamentTable, tournament


@dataclass(frozen=True)
class Calendar:
    """Offer rounds, who opens, and what a round of delay costs each side (USD bn)."""

    rounds: int
    first: str  # "a" or "b"
    delay_cost: tuple[float, float]
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class ScenarioNegotiation:
    """One negotiation on a scenario's deal space."""

    problem: DealProblem
    calendar: Calendar
    strategies: tuple[str, str]
    result: NegotiationResult

    def trace_rows(self) -> list[dict[str, Any]]:
        """The offer trace with dates and readable packages."""
        rows = []
        for offer in self.result.offers:
            rows.append({
                "round": offer.round,
                "date": self.calendar.dates[min(offer.round, len(self.calendar.dates) - 1)].isoformat()
                if self.calendar.dates else "",
                "proposer": self.problem.names[0 if offer.proposer == "a" else 1],
                "package": offer.package,
                "u_a": offer.u_a,
                "u_b": offer.u_b,
                "accepted": offer.accepted,
                "terms": self.problem.describe(offer.package),
            })
        return rows


def calendar(scenario: Any, problem: DealProblem) -> Calendar:
    """Rounds, opener and delay costs of a scenario's bargaining settings."""
    b = scenario.bargaining
    util = analyze_problem(problem).solutions.get("utilitarian")
    surplus = sum(util.gain) if util is not None else 1.0
    deadline = deadline_bargaining(scenario, max(surplus, 1e-9))
    rounds = deadline.rounds if deadline is not None else 12
    final = b.deadline or (scenario.world.funding.deadline if scenario.world.funding else None)
    if final is None:
        final = dt.date(scenario.meta.as_of.year + 1, scenario.meta.as_of.month, 1)
    dates = tuple(round_dates(scenario.meta.as_of, final, b.round_months))[:rounds]
    parties = scenario.party_ids
    costs = []
    nash = analyze_problem(problem).solutions.get("nash")
    for i, p in enumerate(parties):
        if p in b.delay_cost:
            costs.append(float(b.delay_cost[p].for_party(p).mean()))
        else:
            rate = float(scenario.parties[p].discount_rate.for_party(p).mean())
            gain = max(nash.gain[i], 0.0) if nash is not None else 0.0
            costs.append(gain * (1 - (1 + rate) ** (-b.round_months / 12)))
    first_party = deadline.first_proposer if deadline is not None else parties[0]
    return Calendar(rounds, "a" if first_party == parties[0] else "b", (costs[0], costs[1]), dates)


def plain_calendar(rounds: int, first: str = "a") -> Calendar:
    """A calendar without dates or delay costs (e.g. for a GENIUS domain)."""
    return Calendar(rounds, first, (0.0, 0.0), ())


def negotiate_scenario(scenario: Any, problem: DealProblem, strategy_a: str, strategy_b: str,
                       seed: int | None = 0, opponent_model: str = "known",
                       cal: Calendar | None = None) -> ScenarioNegotiation:
    """Play one negotiation between named strategies on ``problem`` (from :func:`analyze_scenario`, or
    any problem with an explicit ``cal`` — then ``scenario`` may be None)."""
    cal = cal or calendar(scenario, problem)
    a = strategy_from_name(strategy_a, opponent_model)  # type: ignore[arg-type]
    b = strategy_from_name(strategy_b, opponent_model)  # type: ignore[arg-type]
    u_a, u_b = problem.utility
    result = negotiate(u_a, u_b, problem.batna[0], problem.batna[1], a, b, cal.rounds,
                       cal.delay_cost[0], cal.delay_cost[1], first=cal.first, seed=seed)  # type: ignore[arg-type]
    return ScenarioNegotiation(problem, cal, (strategy_a, strategy_b), result)


def tournament_scenario(scenario: Any, problem: DealProblem, strategies: Sequence[str] = STRATEGY_NAMES,
                        seeds: int = 50, seed: int = 0, tie_tolerance: float = 0.5,
                        cal: Calendar | None = None) -> TournamentTable:
    """Every ordered pair of ``strategies`` over ``seeds`` seeds; ties within ``tie_tolerance`` (value
    units) are broken at random so that seeds matter."""
    cal = cal or calendar(scenario, problem)
    u_a, u_b = problem.utility
    return tournament(u_a, u_b, problem.batna[0], problem.batna[1],
                      {name: strategy_from_name(name) for name in strategies}, cal.rounds, seeds,
                      delay_cost_a=cal.delay_cost[0], delay_cost_b=cal.delay_cost[1], first=cal.first,  # type: ignore[arg-type]
                      tie_tolerance=tie_tolerance, seed=seed)
