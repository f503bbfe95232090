"""Bargaining against a deadline that does not end the talks: random proposers, a loss at the deadline.

Alternating offers that *end* at the deadline (:func:`~zopa.bargain.rubinstein.finite_horizon_share`)
hand the last proposer an ultimatum, so the first proposer's share jumps between about ``1/(1+δ)``
and ``δ/(1+δ)`` with the parity of the number of rounds — an artefact of who happens to speak last.
Real deadlines rarely end bargaining: they destroy part of the value at stake, and talks go on.

The model here (random proposers as in Binmore, Rubinstein & Wolinsky 1986, §4; stationary
continuation as in Rubinstein 1982):

* Rounds ``t = 1 .. T`` come before the deadline, over a pie of 1 (the joint surplus over the BATNAs).
  In each round party 1 proposes with probability ``q``, party 2 otherwise; the responder accepts or
  rejects. After a rejection talks collapse for good with probability ``p`` (both get their BATNA,
  pie 0), and party ``i`` discounts the next round by ``δ_i``. Write ``b_i = (1 - p) δ_i``.
* If there is no agreement by the deadline, a share ``L`` of the pie is lost (``0 <= L <= 1``) and the
  same game goes on without end over ``1 - L``.

Stationary game (no deadline). Let ``v_i`` be party ``i``'s expected value at the start of a round.
The proposer offers the responder exactly its continuation ``b_j v_j`` and keeps the rest, so
agreement is immediate, ``v_1 + v_2 = 1`` and ``v_1 = q (1 - b_2 v_2) + (1 - q) b_1 v_1``, whence

    v* = q (1 - b_2) / (1 - λ),        λ = (1 - q) b_1 + q b_2.

With ``q = 1/2``: ``v* = (1 - b_2) / (2 - b_1 - b_2)``; with equal patience ``v* = q``. With
``δ_i = e^{-r_i Δ}``, ``p = 0`` and ``Δ -> 0``: ``v* -> q r_2 / ((1 - q) r_1 + q r_2)``, which for
``q = 1/2`` is the Rubinstein / Nash weight ``r_2 / (r_1 + r_2)``.

With the deadline. Before the deadline ``V_t + W_t = 1`` and the same argument gives the linear
recursion ``V_t = q (1 - b_2) + λ V_{t+1}``; at the last round the continuation is
``(1 - L)(v*, 1 - v*)``, so ``V_T = q + (1 - L)(v* - q)``. Hence the closed form

    V_1 = v* + L λ^{T-1} (q - v*).

The recursion's only non-zero eigenvalue is ``λ ∈ [0, 1)`` (alternating offers have ``-√(δ_1 δ_2)``):
``V_1`` moves monotonically with ``T`` and never oscillates; ``|V_1(T+1) - V_1(T)| =
L |q - v*| λ^{T-1} (1 - λ) <= L |q - v*| 27/256`` for ``T >= 4``. ``L = 0``: the deadline is
irrelevant (``V_1 = v*``); ``T -> ∞``: ``V_1 -> v*``. A looming loss pulls the split from the
patience split ``v*`` toward the proposal-power split ``q``: the less is left after the deadline,
the less waiting is worth, whoever is more patient. As offers get fast with the deadline ``D``
fixed in calendar time (``T = D/Δ``), ``λ^{T-1} -> e^{-((1-q) r_1 + q r_2) D}``.
"""

from __future__ import annotations

import math

from zopa.bargain.rubinstein import _check_delta

__all__ = ["deadline_share", "random_proposer_share"]


def _check_probability(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"expected {name} in [0, 1], got {value}")
    return value


def _continuation(delta1: float, delta2: float, p: float, q: float) -> tuple[float, float, float]:
    """``(b1, b2, λ)`` with ``b_i = (1 - p) δ_i`` and ``λ = (1 - q) b1 + q b2``."""
    b1 = (1.0 - p) * _check_delta("delta1", delta1)
    b2 = (1.0 - p) * _check_delta("delta2", delta2)
    lam = (1.0 - q) * b1 + q * b2
    if lam >= 1.0:
        raise ValueError("expected some impatience or breakdown risk for the party that may respond: "
                         f"got delta1 = {delta1}, delta2 = {delta2}, breakdown 0 and proposer probability {q}")
    return b1, b2, lam


def random_proposer_share(
    delta1: float, delta2: float, breakdown_probability: float = 0.0, first_proposer_probability: float = 0.5
) -> float:
    """Party 1's expected share in the stationary random-proposer game (no deadline):
    ``v* = q (1 - b_2) / (1 - (1 - q) b_1 - q b_2)`` with ``b_i = (1 - p) δ_i``.

    >>> random_proposer_share(0.9, 0.9)
    0.5
    >>> round(random_proposer_share(0.95, 0.8), 6)  # (1 - 0.8) / (2 - 0.95 - 0.8)
    0.8
    """
    p = _check_probability("breakdown_probability", breakdown_probability)
    q = _check_probability("first_proposer_probability", first_proposer_probability)
    _, b2, lam = _continuation(delta1, delta2, p, q)
    return q * (1.0 - b2) / (1.0 - lam)


def deadline_share(
    delta1: float,
    delta2: float,
    rounds: int,
    loss: float = 0.0,
    breakdown_probability: float = 0.0,
    first_proposer_probability: float = 0.5,
) -> float:
    """Party 1's expected share when ``rounds`` rounds precede a deadline at which a share ``loss`` of
    the pie is lost and bargaining goes on: ``V_1 = v* + loss · λ^{rounds - 1} (q - v*)``.

    ``v*`` is :func:`random_proposer_share`, ``λ = (1 - q)(1 - p) δ_1 + q (1 - p) δ_2``, ``q`` the
    probability that party 1 proposes in a round and ``p`` the per-round breakdown probability.
    Agreement comes in round 1, so this is also party 1's share of the surplus (before the proposer of
    round 1 is drawn). See the module docstring for the derivation.

    >>> deadline_share(0.9, 0.9, 6, loss=0.5)  # equal patience: q whatever the deadline
    0.5
    >>> round(deadline_share(0.95, 0.8, 1, loss=0.5), 6)  # v* - L (v* - q) = 0.8 - 0.5 * 0.3
    0.65
    >>> round(deadline_share(0.95, 0.8, 200, loss=0.5), 6)  # long before the deadline: v*
    0.8
    """
    if isinstance(rounds, bool) or int(rounds) != rounds or rounds < 1:
        raise ValueError(f"expected rounds as an integer >= 1, got {rounds!r}")
    loss = float(loss)
    if not (math.isfinite(loss) and 0.0 <= loss <= 1.0):
        raise ValueError(f"expected loss as a share of the pie in [0, 1], got {loss}")
    p = _check_probability("breakdown_probability", breakdown_probability)
    q = _check_probability("first_proposer_probability", first_proposer_probability)
    _, b2, lam = _continuation(delta1, delta2, p, q)
    stationary = q * (1.0 - b2) / (1.0 - lam)
    return stationary + loss * lam ** (int(rounds) - 1) * (q - stationary)
