"""Negotiation strategies for the alternating-offers protocol.

A strategy is a small frozen dataclass with one rule, ``target(context) -> float``: the
utility (in the side's own value units, e.g. USD billions of present value, *gross* of delay
costs) that the side aspires to in the round where it proposes.  Everything else is shared
by all strategies and lives in :mod:`zopa.negotiate.protocol`:

* **Offer selection.**  Among packages whose own utility is at least the target and whose
  own value net of delay cost is at least the side's BATNA, the proposer offers the package
  its opponent model scores highest (a masked argmax over all packages).
* **Acceptance (AC_next).**  The responder accepts an offer if its value, net of delay cost,
  is at least its BATNA and at least the net value of the offer it would itself make next
  round; in the last round it accepts anything worth at least its BATNA.

Opponent models (the ``opponent_model`` field of every strategy):

* ``"known"``: the opponent's utilities and BATNA are known.  The opponent is scored by its
  true utility, and ``best`` in the context is the side's best package among those worth at
  least the opponent's BATNA (net of the opponent's delay cost) — the best the opponent could
  ever be brought to accept.
* ``"estimated"``: only the opponent's offers are seen.  A package ``k`` is scored by
  ``-|u_own[k] - u_own[last opponent offer]|`` (the opponent is assumed to like packages that
  look, in own utility, like what it last asked for), or ``-u_own[k]`` before the opponent has
  made any offer (a zero-sum prior).  ``best`` is then the side's best package overall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

import numpy as np

OpponentModel = Literal["known", "estimated"]
OPPONENT_MODELS: tuple[str, ...] = ("known", "estimated")

BOULWARE_EXPONENT = 0.2
LINEAR_EXPONENT = 1.0
CONCEDER_EXPONENT = 5.0


class InvalidStrategyError(ValueError):
    """A strategy name that is not a preset, or a strategy parameter out of range."""


@dataclass(frozen=True)
class RoundContext:
    """What a strategy sees when it sets its target for the round in which it proposes.

    Attributes:
        round: the round ``t`` (0-based) in which this side proposes.
        rounds: the number of rounds ``R``; round ``R - 1`` is the last one.
        best: own utility of the side's best package among those its opponent model deems
            acceptable to the opponent (see the module docstring).
        best_overall: own utility of the side's best package in the whole deal space.
        reservation: the side's BATNA (own value units).
        opponent_offers: own utility of each offer the opponent has made so far, oldest first.
    """

    round: int
    rounds: int
    best: float
    best_overall: float
    reservation: float
    opponent_offers: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def time(self) -> float:
        """Normalised time ``tau = t / R`` in ``[0, 1)``."""
        return self.round / self.rounds

    @property
    def opponent_rounds_left(self) -> int:
        """How many more times the opponent proposes after this round, up to the deadline."""
        return len(range(self.round + 1, self.rounds, 2))


@runtime_checkable
class Strategy(Protocol):
    """A negotiation strategy: an opponent model and a target rule."""

    @property
    def opponent_model(self) -> OpponentModel: ...

    def target(self, context: RoundContext) -> float:
        """Own utility the side aspires to in the round it proposes (gross of delay cost)."""
        ...


def _check_model(model: str) -> None:
    if model not in OPPONENT_MODELS:
        raise InvalidStrategyError(
            f"opponent_model must be one of {', '.join(OPPONENT_MODELS)}; got {model!r}"
        )


def concession_curve(best: float, reservation: float, time: float, exponent: float) -> float:
    """Faratin time-dependent aspiration ``u_max - (u_max - u_min) * tau ** (1 / e)``.

    ``u_max = best``, ``u_min = reservation`` (floored so the curve never rises).

    >>> concession_curve(1.0, 0.0, 0.5, 1.0)
    0.5
    >>> round(concession_curve(1.0, 0.0, 0.1, 5.0), 6)
    0.369043
    """
    span = max(best - reservation, 0.0)
    return best - span * time ** (1.0 / exponent)


@dataclass(frozen=True)
class TimeDependent:
    """Time-dependent concession (Faratin, Sierra & Jennings 1998; GENIUS).

    Target at normalised time ``tau = t / R``::

        u_target = u_max - (u_max - u_min) * tau ** (1 / e)

    with ``u_max`` the best package for itself (``RoundContext.best``) and ``u_min`` its BATNA.
    ``e < 1`` is Boulware (holds firm, concedes late), ``e = 1`` linear, ``e > 1`` conceder.
    Presets: ``boulware`` e = 0.2, ``linear`` e = 1, ``conceder`` e = 5.  Since ``tau`` is at
    most ``(R - 1) / R``, the target stays above the BATNA; the last-round acceptance rule
    (the responder takes anything worth its BATNA) is what closes the remaining gap.
    """

    exponent: float
    opponent_model: OpponentModel = "known"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.exponent) and self.exponent > 0):
            raise InvalidStrategyError(f"exponent must be a finite number > 0; got {self.exponent}")
        _check_model(self.opponent_model)

    def target(self, context: RoundContext) -> float:
        return concession_curve(context.best, context.reservation, context.time, self.exponent)


@dataclass(frozen=True)
class Hardliner:
    """Always offers its best package in the whole deal space, whatever the opponent needs.

    Its target is ``RoundContext.best_overall``; under AC_next it accepts only offers worth
    at least its best package less one round of delay cost, except in the last round, where
    (as every responder) it takes anything worth at least its BATNA.
    """

    opponent_model: OpponentModel = "known"

    def __post_init__(self) -> None:
        _check_model(self.opponent_model)

    def target(self, context: RoundContext) -> float:
        return context.best_overall


@dataclass(frozen=True)
class RelativeTitForTat:
    """Reciprocates the opponent's concessions, measured in its own utility.

    Let ``y_1, ..., y_n`` be the own utility of the opponent's offers so far.  Each opponent
    concession ``max(y_i - y_{i-1}, 0)`` is answered by an own concession ``reciprocity``
    times as large, starting from the best package::

        u_target = u_max - reciprocity * sum_i max(y_i - y_{i-1}, 0)

    An opponent that never concedes is never conceded to before the deadline.
    """

    reciprocity: float = 1.0
    opponent_model: OpponentModel = "known"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.reciprocity) and self.reciprocity >= 0):
            raise InvalidStrategyError(
                f"reciprocity must be a finite number >= 0; got {self.reciprocity}"
            )
        _check_model(self.opponent_model)

    def target(self, context: RoundContext) -> float:
        offers = context.opponent_offers
        conceded = float(np.clip(np.diff(offers), 0.0, None).sum()) if offers.size > 1 else 0.0
        return context.best - self.reciprocity * conceded


@dataclass(frozen=True)
class DeadlineAware:
    """Holds firm, then concedes fast to what the opponent should accept before the deadline.

    Before the endgame (``tau < 1 - endgame``) the target follows the Boulware curve with
    exponent ``hold_exponent``: ``h(tau) = u_max - (u_max - u_min) * tau ** (1 / hold_exponent)``.
    In the endgame it moves linearly from ``h`` to a *goal*, reaching it at its last proposal
    before the deadline::

        u_target = h + (goal - h) * s,   s = (tau - (1 - endgame)) / ((R - 1) / R - (1 - endgame))

    (``s = 1`` when the endgame holds a single round).  The goal is the own utility of the best
    package the opponent is estimated to accept before the deadline:

    * proposing in the last round under the ``"known"`` model: ``u_max`` — the opponent must
      then take anything worth at least its BATNA (the ultimatum);
    * otherwise: the own utility of the opponent's offers extrapolated linearly to its last
      proposal, ``max(y_n + max(slope, 0) * m, max_i y_i)`` with ``slope = (y_n - y_1) / (n - 1)``
      and ``m`` the opponent's remaining proposals, clipped to ``[u_min, u_max]``;
    * before any opponent offer: ``h`` (it keeps holding).
    """

    endgame: float = 0.2
    hold_exponent: float = BOULWARE_EXPONENT
    opponent_model: OpponentModel = "known"

    def __post_init__(self) -> None:
        if not (0.0 < self.endgame <= 1.0):
            raise InvalidStrategyError(f"endgame must be a fraction in (0, 1]; got {self.endgame}")
        if not (np.isfinite(self.hold_exponent) and self.hold_exponent > 0):
            raise InvalidStrategyError(
                f"hold_exponent must be a finite number > 0; got {self.hold_exponent}"
            )
        _check_model(self.opponent_model)

    def goal(self, context: RoundContext) -> float | None:
        """Own utility of the package the opponent is estimated to accept, or None if unknown."""
        last_round = context.round == context.rounds - 1
        if last_round and self.opponent_model == "known":
            return context.best
        offers = context.opponent_offers
        if offers.size == 0:
            return None
        slope = (offers[-1] - offers[0]) / (offers.size - 1) if offers.size > 1 else 0.0
        projected = max(
            float(offers[-1]) + max(float(slope), 0.0) * context.opponent_rounds_left,
            float(offers.max()),
        )
        ceiling = max(context.best, context.reservation)
        return float(np.clip(projected, context.reservation, ceiling))

    def target(self, context: RoundContext) -> float:
        hold = concession_curve(
            context.best, context.reservation, context.time, self.hold_exponent
        )
        start = 1.0 - self.endgame
        if context.time < start:
            return hold
        goal = self.goal(context)
        if goal is None:
            return hold
        last = (context.rounds - 1) / context.rounds
        progress = 1.0 if last <= start else min((context.time - start) / (last - start), 1.0)
        return hold + (goal - hold) * progress


STRATEGY_NAMES: tuple[str, ...] = (
    "boulware",
    "linear",
    "conceder",
    "hardliner",
    "tit_for_tat",
    "deadline",
)


def strategy_from_name(name: str, opponent_model: OpponentModel = "known") -> Strategy:
    """Build a preset strategy by name (case, spaces and hyphens ignored).

    Valid names: ``boulware`` (e = 0.2), ``linear`` (e = 1), ``conceder`` (e = 5),
    ``hardliner``, ``tit_for_tat`` (reciprocity 1), ``deadline`` (endgame 0.2).

    >>> strategy_from_name("Boulware")
    TimeDependent(exponent=0.2, opponent_model='known')
    """
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    _check_model(opponent_model)
    if key == "boulware":
        return TimeDependent(BOULWARE_EXPONENT, opponent_model)
    if key == "linear":
        return TimeDependent(LINEAR_EXPONENT, opponent_model)
    if key == "conceder":
        return TimeDependent(CONCEDER_EXPONENT, opponent_model)
    if key == "hardliner":
        return Hardliner(opponent_model)
    if key in ("tit_for_tat", "titfortat", "tft"):
        return RelativeTitForTat(1.0, opponent_model)
    if key in ("deadline", "deadline_aware"):
        return DeadlineAware(opponent_model=opponent_model)
    raise InvalidStrategyError(
        f"unknown strategy {name!r}; expected one of: {', '.join(STRATEGY_NAMES)}"
    )
