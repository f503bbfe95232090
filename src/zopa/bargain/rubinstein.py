"""Alternating-offers bargaining over a unit pie (Rubinstein 1982, Ståhl 1972).

Party 1 proposes a split in round 1, party 2 accepts or makes the counter-offer
in round 2, and so on. Party ``i`` values one unit received one round later as
``delta_i`` now (its per-round discount factor, ``0 <= delta_i <= 1``). The pie is
the surplus over both BATNAs, so a share ``x`` here means ``x`` times the surplus
on top of the proposer's disagreement value.
"""

from __future__ import annotations

import math

__all__ = [
    "discount_factor",
    "discount_factor_from_rate",
    "finite_horizon_share",
    "implied_nash_weight",
    "rubinstein_share",
]


def _check_delta(name: str, delta: float, *, open_interval: bool = False) -> float:
    delta = float(delta)
    valid = 0.0 < delta < 1.0 if open_interval else 0.0 <= delta <= 1.0
    if not valid:
        bounds = "0 < delta < 1" if open_interval else "0 <= delta <= 1"
        raise ValueError(f"expected {name} with {bounds}, got {delta}")
    return delta


def rubinstein_share(delta1: float, delta2: float) -> float:
    """First proposer's (party 1's) share in the infinite-horizon game.

    The unique subgame-perfect split gives the proposer ``(1 - delta2) / (1 - delta1 * delta2)``,
    accepted at once. Undefined when both parties are perfectly patient.

    >>> rubinstein_share(19 / 20, 4 / 5)  # doctest: +ELLIPSIS
    0.833333...
    """
    delta1 = _check_delta("delta1", delta1)
    delta2 = _check_delta("delta2", delta2)
    if delta1 * delta2 == 1.0:
        raise ValueError("expected at least one discount factor below 1, got delta1 = delta2 = 1")
    return (1.0 - delta2) / (1.0 - delta1 * delta2)


def finite_horizon_share(
    delta1: float, delta2: float, rounds: int, breakdown_probability: float = 0.0
) -> float:
    """First proposer's share when bargaining ends after ``rounds`` offers.

    Party 1 proposes in odd rounds, party 2 in even rounds. In the last round the
    proposer makes an ultimatum and takes the whole pie. After each rejected offer
    talks break down (both get their BATNA, i.e. no pie) with probability ``p``.
    Backward induction over the proposer's share ``x_t`` in round ``t``::

        x_T = 1,    x_t = 1 - (1 - p) * delta_r * x_{t+1}

    where ``r`` is the responder of round ``t`` (the proposer of round ``t + 1``):
    the proposer offers exactly the responder's discounted continuation value.
    With equal ``delta`` and ``p = 0``, ``x_1 = (1 - (-delta)**T) / (1 + delta)``,
    which tends to Rubinstein's share as ``T`` grows. The share flips with the parity of ``T`` (whoever
    speaks last takes all); :func:`zopa.bargain.deadline.deadline_share` is the model without that
    artefact.

    >>> round(finite_horizon_share(0.9, 0.9, 5), 4)
    0.8371
    >>> finite_horizon_share(0.5, 0.5, 1)
    1.0
    """
    delta1 = _check_delta("delta1", delta1)
    delta2 = _check_delta("delta2", delta2)
    p = float(breakdown_probability)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"expected breakdown_probability in [0, 1], got {p}")
    if isinstance(rounds, bool) or int(rounds) != rounds or rounds < 1:
        raise ValueError(f"expected rounds as an integer >= 1, got {rounds!r}")
    share = 1.0
    for t in range(int(rounds) - 1, 0, -1):
        responder_delta = delta2 if t % 2 == 1 else delta1
        share = 1.0 - (1.0 - p) * responder_delta * share
    return share


def discount_factor(cost_of_delay_per_round: float, pie_size: float) -> float:
    """Per-round discount factor equivalent to losing a fixed amount per round of delay.

    If a round of delay costs a party ``c`` (e.g. money lost per month of
    deadlock) out of a surplus ``S`` at stake, then after one round the deal is
    worth ``(S - c) / S`` of what it is worth now, so ``delta = 1 - c / S``. Use
    the same units for ``c`` and ``S``. This matches the first round's loss; it
    treats the cost as proportional to what is left, which is the discounting
    model Rubinstein's formula assumes. Requires ``0 <= c <= S`` and ``S > 0``.

    >>> discount_factor(0.5, 10.0)
    0.95
    """
    cost, pie = float(cost_of_delay_per_round), float(pie_size)
    if not (math.isfinite(pie) and pie > 0.0):
        raise ValueError(f"expected a positive, finite pie_size, got {pie}")
    if not 0.0 <= cost <= pie:
        raise ValueError(f"expected 0 <= cost_of_delay_per_round <= pie_size ({pie}), got {cost}")
    return 1.0 - cost / pie


def discount_factor_from_rate(rate_per_year: float, years_per_round: float) -> float:
    """Per-round discount factor ``exp(-r * dt)`` for a continuous rate ``r`` (per year)
    and a time ``dt`` (years) between offers.

    >>> round(discount_factor_from_rate(0.10, 1 / 12), 6)
    0.991701
    """
    rate, dt = float(rate_per_year), float(years_per_round)
    if not (math.isfinite(rate) and rate >= 0.0 and math.isfinite(dt) and dt >= 0.0):
        raise ValueError(f"expected a rate >= 0 and a time between offers >= 0, got {rate} and {dt}")
    return math.exp(-rate * dt)


def implied_nash_weight(delta1: float, delta2: float) -> float:
    """Nash weight of party 1 that reproduces the Rubinstein split in the limit of fast offers.

    With ``delta_i = exp(-r_i * dt)``, Rubinstein's share tends to ``r2 / (r1 + r2)``
    as ``dt -> 0``, which is the asymmetric Nash solution on a unit pie with weight
    ``alpha = ln delta2 / (ln delta1 + ln delta2)``: the more patient party gets the
    larger weight. Requires ``0 < delta_i < 1``.

    >>> implied_nash_weight(0.9, 0.9)
    0.5
    """
    delta1 = _check_delta("delta1", delta1, open_interval=True)
    delta2 = _check_delta("delta2", delta2, open_interval=True)
    log1, log2 = math.log(delta1), math.log(delta2)
    return log2 / (log1 + log2)
