"""The deadline bargaining a scenario declares (the pure models are in :mod:`zopa.bargain.deadline` and
:mod:`zopa.bargain.rubinstein`): discount factors per round from each side's
impatience (or its cost of delay), the rounds from the as-of date to the deadline, and the share of the
surplus the deadline model gives the first proposer (:mod:`zopa.bargain.deadline`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from zopa.bargain import discount_factor, discount_factor_from_rate, finite_horizon_share, rubinstein_share
from zopa.bargain.deadline import deadline_share, random_proposer_share

#: Probability that the first proposer makes the offer in any one round of the deadline model.
PROPOSER_PROBABILITY = 0.5

DEADLINE_MODEL = "random proposer; a share of the surplus is lost at the deadline, then bargaining goes on"


@dataclass(frozen=True)
class DeadlineBargaining:
    """Bargaining up to and past the deadline.

    ``infinite_share``: the first proposer's share of the surplus in Rubinstein's (1982) alternating
    offers without a deadline, ``(1 − δ_2)/(1 − δ_1 δ_2)``. ``finite_share``: its expected share in the
    deadline model (:func:`zopa.bargain.deadline.deadline_share`; Binmore, Rubinstein & Wolinsky 1986):
    each round it proposes with probability ``proposer_probability``; talks break down with
    ``breakdown_probability`` after a rejection; if the ``rounds`` rounds before the deadline pass
    without agreement, ``loss_share`` of the surplus is lost and bargaining goes on over the rest.
    ``stationary_share``: the same model with no deadline. ``ultimatum_share``: the older model in which
    the deadline ends the talks with an ultimatum (:func:`zopa.bargain.finite_horizon_share`), kept for
    comparison only — it flips with the parity of ``rounds``. ``nash_weight``: weight of party 1 (the
    scenario's first party) in the patience-weighted Nash solution, ``finite_share`` for the first
    proposer, in (0, 1).
    """

    first_proposer: str
    rounds: int
    delta: tuple[float, float]
    breakdown_probability: float
    infinite_share: float  # first proposer's share of the surplus, no deadline (Rubinstein)
    finite_share: float  # with the deadline (random proposer, loss at the deadline)
    nash_weight: float  # weight of party 1 in the patience-weighted Nash solution
    loss_share: float = 0.0  # share of the surplus lost when the deadline passes
    proposer_probability: float = PROPOSER_PROBABILITY
    stationary_share: float | None = None  # random-proposer share without the deadline
    ultimatum_share: float | None = None  # alternating offers ending in an ultimatum (parity-sensitive)
    deadline_loss: float = 0.0  # USD bn of joint surplus lost at the deadline
    model: str = DEADLINE_MODEL


def deadline_bargaining(scenario: Any, surplus: float, deadline_loss: float = 0.0) -> DeadlineBargaining | None:
    """Discount factors per round from each side's cost of delay (relative to the joint ``surplus``)
    or, when none is given, from its discount rate; rounds from the as-of date to the deadline.

    ``deadline_loss`` (USD bn, ``>= 0``) is the joint surplus destroyed if the deadline passes without
    a deal; as a share of the surplus, ``L = min(deadline_loss / surplus, 1)``. The first proposer's
    share with the deadline is :func:`~zopa.bargain.deadline.deadline_share` with proposer probability
    ``PROPOSER_PROBABILITY`` (1/2): ``v* + L λ^{T−1}(q − v*)`` — no parity artefact, and ``L = 0``
    makes the deadline irrelevant. The patience-weighted Nash weight is that share, kept in (0, 1).
    """
    b = scenario.bargaining
    deadline = b.deadline or (scenario.world.funding.deadline if scenario.world.funding else None)
    if deadline is None or surplus <= 0:
        return None
    parties = scenario.party_ids
    rounds = len(round_dates(scenario.meta.as_of, deadline, b.round_months))
    deltas = []
    for p in parties:
        if p in b.delay_cost:
            cost = float(b.delay_cost[p].for_party(p).mean())
            deltas.append(discount_factor(min(cost, surplus), surplus))
        else:
            rate = float(scenario.parties[p].discount_rate.for_party(p).mean())
            deltas.append(discount_factor_from_rate(math.log1p(rate), b.round_months / 12))
    first = b.first_proposer or (scenario.world.funding.party if scenario.world.funding else parties[0])
    order = (0, 1) if first == parties[0] else (1, 0)
    d_first, d_second = deltas[order[0]], deltas[order[1]]
    breakdown = float(b.breakdown_probability.for_party(first).mean()) if b.breakdown_probability else 0.0
    loss = float(deadline_loss)
    if not (math.isfinite(loss) and loss >= 0.0):
        raise ValueError(f"expected deadline_loss >= 0 (USD bn), got {deadline_loss}")
    loss_share = min(loss / surplus, 1.0)
    q = PROPOSER_PROBABILITY
    inf_share = rubinstein_share(d_first, d_second) if d_first * d_second < 1 else 0.5
    ultimatum = finite_horizon_share(d_first, d_second, rounds, breakdown)
    if (1 - breakdown) * ((1 - q) * d_first + q * d_second) < 1:
        stationary = random_proposer_share(d_first, d_second, breakdown, q)
        fin_share = deadline_share(d_first, d_second, rounds, loss_share, breakdown, q)
    else:  # both perfectly patient, no breakdown risk: the equal-patience limit, q
        stationary = fin_share = q
    weight_first = min(max(fin_share, 1e-6), 1 - 1e-6)
    weight_party1 = weight_first if order[0] == 0 else 1 - weight_first
    return DeadlineBargaining(first, rounds, (deltas[0], deltas[1]), breakdown, inf_share, fin_share, weight_party1,
                              loss_share=loss_share, proposer_probability=q, stationary_share=stationary,
                              ultimatum_share=ultimatum, deadline_loss=loss)


def round_dates(start: dt.date, deadline: dt.date, months: float) -> list[dt.date]:
    """Offer dates every ``months`` months from ``start`` up to and including ``deadline`` (at least one).

    >>> [d.isoformat() for d in round_dates(dt.date(2025, 7, 9), dt.date(2025, 12, 31), 1)][-1]
    '2025-12-09'
    """
    dates = [start]
    i = 1
    while True:
        total = i * months
        whole = int(math.floor(total + 1e-9))
        year, month = divmod(start.month - 1 + whole, 12)
        day = min(start.day, _days_in_month(start.year + year, month + 1))
        date = dt.date(start.year + year, month + 1, day) + dt.timedelta(days=round((total - whole) * 30))
        if date > deadline:
            return dates
        dates.append(date)
        i += 1


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day
