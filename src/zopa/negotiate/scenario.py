"""Negotiations on a scenario's deal space: the calendar, the costs of delay and the utilities come
from the scenario; the protocol and strategies from :mod:`zopa.negotiate`.

Side ``a`` is the scenario's first party, side ``b`` its second. Rounds run from the as-of date to
the bargaining deadline every ``bargaining.round_months`` months (e.g. monthly to 2025-12-31);
a round of delay costs each side its ``bargaining.delay_cost`` (USD bn, mean of its belief) or,
when none is given, its discount rate applied to its gain at the Nash point over one round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from zopa.analysis import DealProblem, analyze_problem
from zopa.bargain.scenario import deadline_bargaining, round_dates
from zopa.negotiate.protocol import NegotiationResult, Side, negotiate
from zopa.negotiate.strategies import STRATEGY_NAMES, InvalidStrategyError, OpponentModel, strategy_from_name
from zopa.negotiate.tournament import TournamentTable, tournament
from zopa.results import Measure, PartyValue, Provenance, measure_of


def _measures(problem: DealProblem) -> tuple[Measure, Measure]:
    """Which definition each side's utility is (CE for a CARA party, else the mean)."""
    ra = problem.risk_aversion
    return (measure_of(ra[0]), measure_of(ra[1]))


def _root_seed(seed: int | None) -> int:
    """``seed``, or fresh entropy when it is None (recorded, so that the run can be reproduced)."""
    if seed is not None:
        return int(seed)
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy


@dataclass(frozen=True)
class Calendar:
    """Offer rounds, who opens, and what a round of delay costs each side (USD bn)."""

    rounds: int
    first: str  # "a" or "b"
    delay_cost: tuple[float, float]
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class ScenarioNegotiation:
    """One negotiation on a scenario's deal space.

    ``provenance``: the strategies, calendar and opponent model, the root seed of the tie-breaking
    streams and the Monte Carlo paths behind the problem's utilities (0 when not given).
    """

    problem: DealProblem
    calendar: Calendar
    strategies: tuple[str, str]
    result: NegotiationResult
    provenance: Provenance | None = field(default=None, compare=False)

    @property
    def values(self) -> dict[str, PartyValue]:
        """What each side ends with, net of delay costs (its BATNA on breakdown), with the Monte Carlo
        standard error of the agreed package's utility (of its BATNA on breakdown); the delay costs
        are taken as exact."""
        p, r = self.problem, self.result
        measures = _measures(p)
        out = {}
        for i, (party, value) in enumerate(zip(p.parties, (r.value_a, r.value_b))):
            if r.package is None:
                se = float(p.batna_se[i])
            else:
                se = float(p.utility_se[i, r.package]) if p.utility_se is not None else 0.0
            out[party] = PartyValue(value, se, measures[i])
        return out

    @property
    def gain_values(self) -> dict[str, PartyValue]:
        """Each side's gain over its BATNA, net of delay costs (0, exactly, on breakdown), with the
        paired standard error of the agreed package's gain."""
        p, r = self.problem, self.result
        measures = _measures(p)
        out = {}
        for i, (party, gain) in enumerate(zip(p.parties, (r.surplus_a, r.surplus_b))):
            se = 0.0
            if r.package is not None and p.gain_se is not None:
                se = float(p.gain_se[i, r.package])
            out[party] = PartyValue(gain, se, measures[i])
        return out

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


def _model(name: str) -> OpponentModel:
    """``name`` as an opponent model (``known`` or ``estimated``)."""
    if name == "known":
        return "known"
    if name == "estimated":
        return "estimated"
    raise InvalidStrategyError(f"opponent_model must be one of known, estimated; got {name!r}")


def _side(first: str) -> Side:
    if first not in ("a", "b"):
        raise ValueError(f"the calendar's first proposer must be 'a' or 'b', got {first!r}")
    return "a" if first == "a" else "b"


def negotiate_scenario(scenario: Any, problem: DealProblem, strategy_a: str, strategy_b: str,
                       seed: int | None = 0, opponent_model: str = "known",
                       cal: Calendar | None = None, *, paths: int = 0) -> ScenarioNegotiation:
    """Play one negotiation between named strategies on ``problem`` (from :func:`analyze_scenario`, or
    any problem with an explicit ``cal`` — then ``scenario`` may be None).

    ``seed`` roots the tie-breaking streams (None: fresh entropy, recorded in the provenance);
    ``paths``: the Monte Carlo paths behind the problem's utilities, for the provenance."""
    cal = cal or calendar(scenario, problem)
    a = strategy_from_name(strategy_a, _model(opponent_model))
    b = strategy_from_name(strategy_b, _model(opponent_model))
    u_a, u_b = problem.utility
    root = _root_seed(seed)
    result = negotiate(u_a, u_b, problem.batna[0], problem.batna[1], a, b, cal.rounds,
                       cal.delay_cost[0], cal.delay_cost[1], first=_side(cal.first), seed=root)
    made = Provenance("alternating-offers negotiation",
                      {"strategies": (strategy_a, strategy_b), "opponent_model": opponent_model, "rounds": cal.rounds,
                       "first": cal.first, "delay_cost": cal.delay_cost}, root, paths)
    return ScenarioNegotiation(problem, cal, (strategy_a, strategy_b), result, made)


def tournament_scenario(scenario: Any, problem: DealProblem, strategies: Sequence[str] = STRATEGY_NAMES,
                        seeds: int = 50, seed: int = 0, tie_tolerance: float = 0.5,
                        cal: Calendar | None = None, *, paths: int = 0) -> TournamentTable:
    """Every ordered pair of ``strategies`` over ``seeds`` seeds; ties within ``tie_tolerance`` (value
    units) are broken at random so that seeds matter. ``paths``: the Monte Carlo paths behind the
    problem's utilities, for the provenance."""
    cal = cal or calendar(scenario, problem)
    u_a, u_b = problem.utility
    table = tournament(u_a, u_b, problem.batna[0], problem.batna[1],
                       {name: strategy_from_name(name) for name in strategies}, cal.rounds, seeds,
                       delay_cost_a=cal.delay_cost[0], delay_cost_b=cal.delay_cost[1], first=_side(cal.first),
                       tie_tolerance=tie_tolerance, seed=seed)
    made = table.provenance
    if made is not None:
        made = Provenance(made.method, made.parameters, made.seed, paths)
    return dataclasses.replace(table, sides=problem.parties, measures=_measures(problem), provenance=made)
