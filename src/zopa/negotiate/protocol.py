"""Alternating-offers negotiation over a finite deal space.

The deal space is ``K`` packages with utilities ``u_a[k]``, ``u_b[k]`` in each party's own
value units (e.g. USD billions of present value).  Rounds are ``t = 0, ..., R - 1``; the
proposer alternates, starting with ``first``.  An agreement on package ``k`` in round ``t``
is worth ``u_i[k] - t * delay_cost_i`` to side ``i``; without agreement both get their BATNA.

Round ``t``, proposer ``p``, responder ``r``:

1. ``p`` sets its target ``g`` with its strategy (:mod:`zopa.negotiate.strategies`) and
   offers, among packages with ``u_p[k] >= g`` and ``u_p[k] - t * c_p >= batna_p``, the one
   its opponent model scores highest (exact ties: the package best for ``p``, then the lowest
   index; or, with ``tie_tolerance > 0``, a seeded uniform draw among the packages scoring
   within ``tie_tolerance`` of the top).  Packages are ranked by own utility once, so each
   candidate set is a leading block of that ranking, found by binary search, and the offer
   is an argmax over that block.  If no package is worth its BATNA to ``p`` (under the
   ``"known"`` model: to both sides), ``p`` walks away and the negotiation breaks down.
2. ``r`` accepts (AC_next) iff ``u_r[k] - t * c_r >= batna_r`` and, before the last round,
   ``u_r[k] - t * c_r >= u_r[k'] - (t + 1) * c_r`` where ``k'`` is the offer ``r`` would make in
   round ``t + 1`` (its BATNA if it would walk away then).  In the last round ``r`` accepts
   anything worth at least its BATNA.

Every agreement is therefore individually rational for both sides, net of delay costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from zopa.negotiate.strategies import RoundContext, Strategy

Side = Literal["a", "b"]
Ending = Literal["agreement", "deadline", "walkaway"]
SeedLike = int | np.random.SeedSequence | None


class NegotiationInputError(ValueError):
    """Inputs to a negotiation that are not of the expected form."""


@dataclass(frozen=True)
class Offer:
    """One offer: the round, who proposed, the package and its (gross) utility to each side."""

    round: int
    proposer: Side
    package: int
    u_a: float
    u_b: float
    accepted: bool


@dataclass(frozen=True)
class NashPoint:
    """The package maximising the Nash product ``(u_a - d_a)(u_b - d_b)`` over ``u >= d``.

    ``package`` is None when no package is worth the BATNA to both sides; the point is then
    the disagreement point itself and ``product`` is 0.
    """

    package: int | None
    u_a: float
    u_b: float
    product: float


@dataclass(frozen=True)
class NegotiationResult:
    """Outcome of one alternating-offers negotiation.

    Values are in the parties' value units.  ``round`` is the round of agreement or walk-away,
    or ``R`` when the deadline passed (``ending`` says which).  ``value_a``/``value_b`` are net
    of delay costs (the BATNA on breakdown); ``distance_to_nash`` is the Euclidean distance in
    utility space from ``(value_a, value_b)`` to the Nash point, and ``nash_product_gap`` the
    Nash product at the Nash point minus ``(value_a - batna_a) * (value_b - batna_b)``.
    """

    offers: tuple[Offer, ...]
    agreement: bool
    package: int | None
    round: int
    ending: Ending
    value_a: float
    value_b: float
    batna_a: float
    batna_b: float
    nash: NashPoint
    distance_to_nash: float
    nash_product_gap: float

    @property
    def surplus_a(self) -> float:
        """Value to side a over its BATNA."""
        return self.value_a - self.batna_a

    @property
    def surplus_b(self) -> float:
        """Value to side b over its BATNA."""
        return self.value_b - self.batna_b

    @property
    def joint_value(self) -> float:
        """``value_a + value_b``."""
        return self.value_a + self.value_b


def nash_point(u_a: np.ndarray, u_b: np.ndarray, batna_a: float, batna_b: float) -> NashPoint:
    """Discrete Nash bargaining point: argmax of ``(u_a - d_a)(u_b - d_b)`` over ``u >= d``.

    >>> nash_point(np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.5, 1.0]), 0.0, 0.0).package
    1
    """
    surplus_a = u_a - batna_a
    surplus_b = u_b - batna_b
    feasible = (surplus_a >= 0) & (surplus_b >= 0)
    if not feasible.any():
        return NashPoint(None, float(batna_a), float(batna_b), 0.0)
    product = np.where(feasible, surplus_a * surplus_b, -np.inf)
    k = int(product.argmax())
    return NashPoint(k, float(u_a[k]), float(u_b[k]), float(product[k]))


@dataclass(frozen=True)
class _Party:
    """One side's view of the deal space, with packages ranked best-for-itself first.

    ``order`` sorts package indices by own utility, descending (stable: equal utilities keep
    index order); ``own``/``opp`` are both sides' utilities in that order and ``neg_own = -own``
    (ascending, for binary search).  Every candidate set a proposer considers is a threshold on
    own utility, hence a leading block ``[0, n)`` of this ranking.
    """

    batna: float
    delay_cost: float
    opp_batna: float
    opp_delay_cost: float
    strategy: Strategy
    rng: np.random.Generator
    order: np.ndarray
    own: np.ndarray
    opp: np.ndarray
    neg_own: np.ndarray


def ranking_of(u: np.ndarray) -> np.ndarray:
    """Package indices by utility, best first (stable: equal utilities keep index order)."""
    return np.argsort(-np.asarray(u, dtype=float), kind="stable")


def _party(
    u_own: np.ndarray, u_opp: np.ndarray, batna: float, delay_cost: float, opp_batna: float,
    opp_delay_cost: float, strategy: Strategy, rng: np.random.Generator, order: np.ndarray | None = None,
) -> _Party:
    order = ranking_of(u_own) if order is None else order
    own = u_own[order]
    return _Party(float(batna), float(delay_cost), float(opp_batna), float(opp_delay_cost),
                  strategy, rng, order, own, u_opp[order], -own)


def _leading_count(party: _Party, shift: float, floor: float) -> int:
    """How many top-ranked packages satisfy ``own - shift >= floor`` (evaluated exactly).

    Binary search on ``floor + shift``, then a check at the boundary: the test is monotone in
    ``own`` but may differ by one rounding from ``own >= floor + shift``.  Each correction
    step skips a whole run of equal utilities.
    """
    own, neg_own = party.own, party.neg_own
    i = int(np.searchsorted(neg_own, -(floor + shift), side="right"))
    while i > 0 and not own[i - 1] - shift >= floor:
        i = int(np.searchsorted(neg_own, -own[i - 1], side="left"))
    while i < own.size and own[i] - shift >= floor:
        i = int(np.searchsorted(neg_own, -own[i], side="right"))
    return i


def _propose(
    party: _Party, t: int, rounds: int, seen: list[float], tie_tolerance: float
) -> int | None:
    """The package ``party`` offers in round ``t``, or None if it walks away.

    Candidates are the packages with ``own >= target`` and ``own - t * delay_cost >= batna``;
    the offer is the candidate with the highest opponent-model score.  Exact ties go to the
    package best for the proposer, then the lowest index; with ``tie_tolerance > 0`` one of the
    candidates scoring within ``tie_tolerance`` of the top is drawn uniformly.
    """
    rational = _leading_count(party, t * party.delay_cost, party.batna)
    if rational == 0:
        return None
    known = party.strategy.opponent_model == "known"
    if known:
        acceptable = party.opp - t * party.opp_delay_cost >= party.opp_batna
        first = int(acceptable.argmax())
        if not acceptable[first] or first >= rational:
            return None
        best = float(party.own[first])
    else:
        best = float(party.own[0])
    context = RoundContext(
        round=t,
        rounds=rounds,
        best=best,
        best_overall=float(party.own[0]),
        reservation=party.batna,
        opponent_offers=np.asarray(seen, dtype=float),
    )
    aspiration = float(party.strategy.target(context))
    if np.isnan(aspiration):
        raise NegotiationInputError(f"{party.strategy!r} returned a NaN target in round {t}")
    target = min(aspiration, float(party.own[0]))
    n = min(rational, _leading_count(party, 0.0, target))
    if known:
        score = party.opp[:n]
    elif seen:
        score = -np.abs(party.own[:n] - seen[-1])
    else:
        score = -party.own[:n]
    position = int(score.argmax())
    if tie_tolerance > 0.0:
        near = np.flatnonzero(score >= score[position] - tie_tolerance)
        if near.size > 1:
            position = int(near[party.rng.integers(near.size)])
    return int(party.order[position])


def _side_generators(seed: SeedLike) -> tuple[np.random.Generator, np.random.Generator]:
    """One generator per side, children 0 and 1 of ``seed``.

    Children are derived from the spawn key rather than with ``spawn`` so that a
    ``SeedSequence`` passed twice yields the same streams both times.
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    children = (
        np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, i), pool_size=root.pool_size
        )
        for i in (0, 1)
    )
    rng_a, rng_b = (np.random.default_rng(child) for child in children)
    return rng_a, rng_b


def _as_utilities(u_a: ArrayLike, u_b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a = np.ascontiguousarray(u_a, dtype=float)
    b = np.ascontiguousarray(u_b, dtype=float)
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise NegotiationInputError(
            "u_a and u_b must be non-empty 1-D arrays of equal length; "
            f"got shapes {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise NegotiationInputError("u_a and u_b must contain only finite utilities")
    return a, b


def _check_scalars(
    batna_a: float,
    batna_b: float,
    rounds: int,
    delay_cost_a: float,
    delay_cost_b: float,
    first: str,
    tie_tolerance: float,
) -> None:
    if not (np.isfinite(batna_a) and np.isfinite(batna_b)):
        raise NegotiationInputError(f"BATNAs must be finite; got {batna_a}, {batna_b}")
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or rounds < 1:
        raise NegotiationInputError(f"rounds must be an integer >= 1; got {rounds!r}")
    for cost in (delay_cost_a, delay_cost_b):
        if not (np.isfinite(cost) and cost >= 0):
            raise NegotiationInputError(f"delay costs must be finite and >= 0; got {cost}")
    if first not in ("a", "b"):
        raise NegotiationInputError(f"first must be 'a' or 'b'; got {first!r}")
    if not (np.isfinite(tie_tolerance) and tie_tolerance >= 0):
        raise NegotiationInputError(f"tie_tolerance must be finite and >= 0; got {tie_tolerance}")


def negotiate(
    u_a: ArrayLike,
    u_b: ArrayLike,
    batna_a: float,
    batna_b: float,
    strategy_a: Strategy,
    strategy_b: Strategy,
    rounds: int,
    delay_cost_a: float = 0.0,
    delay_cost_b: float = 0.0,
    first: Side = "a",
    seed: SeedLike = None,
    *,
    tie_tolerance: float = 0.0,
    ranking: tuple[np.ndarray, np.ndarray] | None = None,
) -> NegotiationResult:
    """Run alternating offers for at most ``rounds`` rounds (see the module docstring).

    Args:
        u_a, u_b: utility of each of the ``K`` packages to side a and side b.
        batna_a, batna_b: each side's BATNA, in the same units.
        strategy_a, strategy_b: the sides' strategies.
        rounds: the deadline ``R``; rounds run ``0 .. R - 1``.
        delay_cost_a, delay_cost_b: utility lost per round elapsed before agreement.
        first: which side proposes in round 0.
        seed: root of the random streams (``SeedSequence``; one child per side).  Randomness
            is used only for tie-breaking when ``tie_tolerance > 0``.
        tie_tolerance: offers whose opponent-model score is within this of the best are
            treated as ties and one is drawn uniformly.
        ranking: ``(ranking_of(u_a), ranking_of(u_b))`` when already computed (tournaments reuse it).

    >>> x = np.linspace(0.0, 1.0, 5)
    >>> from zopa.negotiate.strategies import TimeDependent
    >>> result = negotiate(x, 1 - x, 0.0, 0.0, TimeDependent(5.0), TimeDependent(5.0), 10)
    >>> result.agreement, result.value_a, result.value_b
    (True, 0.5, 0.5)
    """
    ua, ub = _as_utilities(u_a, u_b)
    _check_scalars(batna_a, batna_b, rounds, delay_cost_a, delay_cost_b, first, tie_tolerance)
    rng_a, rng_b = _side_generators(seed)
    parties = {
        "a": _party(ua, ub, batna_a, delay_cost_a, batna_b, delay_cost_b, strategy_a, rng_a,
                    ranking[0] if ranking else None),
        "b": _party(ub, ua, batna_b, delay_cost_b, batna_a, delay_cost_a, strategy_b, rng_b,
                    ranking[1] if ranking else None),
    }
    utility = {"a": ua, "b": ub}
    # Own utility of each offer received from the opponent, per side.
    seen: dict[str, list[float]] = {"a": [], "b": []}
    offers: list[Offer] = []
    proposer: Side = first
    pending: int | None = _propose(parties[proposer], 0, rounds, seen[proposer], tie_tolerance)
    agreed: int | None = None
    ending: Ending = "deadline"
    end_round = rounds
    for t in range(rounds):
        responder: Side = "b" if proposer == "a" else "a"
        k = pending
        if k is None:
            ending, end_round = "walkaway", t
            break
        resp, u_resp = parties[responder], utility[responder]
        seen[responder].append(float(u_resp[k]))
        net = u_resp[k] - t * resp.delay_cost
        if t == rounds - 1:
            accept = bool(net >= resp.batna)
        else:
            pending = _propose(resp, t + 1, rounds, seen[responder], tie_tolerance)
            threshold = (
                resp.batna if pending is None
                else max(resp.batna, u_resp[pending] - (t + 1) * resp.delay_cost)
            )
            accept = bool(net >= threshold)
        offers.append(Offer(t, proposer, k, float(ua[k]), float(ub[k]), accept))
        if accept:
            agreed, ending, end_round = k, "agreement", t
            break
        proposer = responder

    nash = nash_point(ua, ub, float(batna_a), float(batna_b))
    if agreed is None:
        value_a, value_b = float(batna_a), float(batna_b)
    else:
        value_a = float(ua[agreed] - end_round * float(delay_cost_a))
        value_b = float(ub[agreed] - end_round * float(delay_cost_b))
    return NegotiationResult(
        offers=tuple(offers),
        agreement=agreed is not None,
        package=agreed,
        round=end_round,
        ending=ending,
        value_a=value_a,
        value_b=value_b,
        batna_a=float(batna_a),
        batna_b=float(batna_b),
        nash=nash,
        distance_to_nash=float(np.hypot(value_a - nash.u_a, value_b - nash.u_b)),
        nash_product_gap=nash.product - (value_a - batna_a) * (value_b - batna_b),
    )
