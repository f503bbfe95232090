"""Axiomatic bargaining solutions over a finite set of packages.

Each solution picks one package among the individually rational ones
(``u1 >= d1`` and ``u2 >= d2``) and returns its index, or None when no package
is rational. Write ``g1 = u1 - d1`` and ``g2 = u2 - d2`` for the gains over the
disagreement point ``d``.

- Nash, weight ``alpha`` for party 1 (symmetric: ``alpha = 1/2``): maximise
  ``g1**alpha * g2**(1 - alpha)``, computed as ``alpha log g1 + (1 - alpha) log g2``;
  a package with a zero gain on either side has product 0. With ``risk_aversion = (a1, a2)``
  the utilities are certainty equivalents of CARA parties and the product is taken over
  *expected-utility* gains ``u_i(g_i) = (1 - e^{-a_i g_i}) / a_i`` instead (Nash 1950 is stated on
  von Neumann–Morgenstern utilities; see :mod:`zopa.bargain.utility` for why the gain alone
  suffices). ``a_i`` None or 0 leaves ``g_i`` as is.
- Kalai–Smorodinsky: maximise ``min(g1 / (I1 - d1), g2 / (I2 - d2))`` where the
  ideal point ``I_i`` is the best utility of side ``i`` among rational packages
  (a side with ``I_i = d_i`` counts as fully served, ratio 1). On a finite set this
  is the package reaching furthest along the segment from ``d`` to ``I``. NegMAS's
  ``ks_points`` instead picks the package whose two normalised gains are closest;
  the two definitions pick the same point or the two neighbours of that segment.
- Egalitarian: maximise ``min(g1, g2)`` (NegMAS calls this ``kalai_points``).
- Utilitarian: maximise ``u1 + u2``.

Every solution is searched on the rational Pareto frontier only, so it is
Pareto optimal within the finite set and the work after the frontier is tiny.

Tie policy: objective values within a relative ``TIE_TOLERANCE`` of the best
(floating-point rounding) count as ties; among ties the higher ``u1 + u2`` wins,
then the lower package index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zopa.bargain.frontier import as_disagreement, as_utility_arrays
from zopa.bargain.region import rational_frontier
from zopa.bargain.utility import cara_utility

__all__ = [
    "TIE_TOLERANCE",
    "egalitarian_solution",
    "kalai_smorodinsky_solution",
    "nash_solution",
    "solve_all",
    "utilitarian_solution",
]

TIE_TOLERANCE = 1e-12
"""Relative gap below which two objective values count as tied."""

Objective = NDArray[np.float64]
ObjectiveFn = Callable[[Objective, Objective], Objective]
RiskAversion = tuple[float | None, float | None]
NEUTRAL: RiskAversion = (None, None)


def _tied(values: Objective) -> NDArray[np.bool_]:
    best = float(values.max())
    if best == -math.inf:
        return values == best
    return values >= best - TIE_TOLERANCE * max(1.0, abs(best))


def _pick(objective: Objective, g1: Objective, g2: Objective, indices: NDArray[np.intp]) -> int:
    """Index maximising ``objective``; ties go to the higher ``g1 + g2``, then the lower index."""
    candidates = np.flatnonzero(_tied(objective))
    welfare = g1[candidates] + g2[candidates]
    candidates = candidates[_tied(welfare)]
    return int(indices[candidates].min())


def _nash_objective(g1: Objective, g2: Objective, weight: float, risk_aversion: RiskAversion = NEUTRAL) -> Objective:
    a1, a2 = risk_aversion
    with np.errstate(divide="ignore"):
        return weight * np.log(cara_utility(g1, a1)) + (1.0 - weight) * np.log(cara_utility(g2, a2))


def _ks_objective(g1: Objective, g2: Objective) -> Objective:
    def normalised(g: Objective) -> Objective:
        top = float(g.max())
        return g / top if top > 0.0 else np.ones_like(g)

    return np.minimum(normalised(g1), normalised(g2))


def _check_weight(weight: float) -> float:
    weight = float(weight)
    if not 0.0 < weight < 1.0:
        raise ValueError(f"expected a Nash weight strictly between 0 and 1, got {weight}")
    return weight


def _frontier_gains(
    u1: ArrayLike, u2: ArrayLike, d1: float, d2: float
) -> tuple[NDArray[np.intp], Objective, Objective]:
    a, b = as_utility_arrays(u1, u2)
    d1, d2 = as_disagreement(d1, d2)
    frontier = rational_frontier(a, b, d1, d2)
    return frontier, a[frontier] - d1, b[frontier] - d2


def _solve(objective: ObjectiveFn, u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> int | None:
    frontier, g1, g2 = _frontier_gains(u1, u2, d1, d2)
    if frontier.size == 0:
        return None
    return _pick(objective(g1, g2), g1, g2, frontier)


def nash_solution(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float, weight: float = 0.5,
                  risk_aversion: RiskAversion = NEUTRAL) -> int | None:
    """Package maximising ``(u1 - d1)**weight * (u2 - d2)**(1 - weight)``, ``0 < weight < 1``;
    with ``risk_aversion = (a1, a2)``, maximising ``u_1(u1 - d1)**weight * u_2(u2 - d2)**(1 - weight)``
    with the CARA utility ``u_i(g) = (1 - e^{-a_i g}) / a_i`` of each side's dollar gain.

    >>> nash_solution([1.0, 2.0, 3.0, 0.5], [3.0, 2.5, 1.0, 0.5], 0.0, 0.0)
    1
    >>> nash_solution([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], 0.0, 0.0, risk_aversion=(2.0, None))  # cautious side 1
    0
    """
    return _solve(partial(_nash_objective, weight=_check_weight(weight), risk_aversion=_check_ra(risk_aversion)),
                  u1, u2, d1, d2)


def _check_ra(risk_aversion: RiskAversion) -> RiskAversion:
    a1, a2 = risk_aversion
    for a in (a1, a2):
        if a is not None and not (math.isfinite(float(a)) and float(a) >= 0.0):
            raise ValueError(f"expected risk aversion coefficients >= 0 (or None), got {risk_aversion}")
    return (None if a1 is None else float(a1), None if a2 is None else float(a2))


def kalai_smorodinsky_solution(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> int | None:
    """Package maximising ``min((u1 - d1) / (I1 - d1), (u2 - d2) / (I2 - d2))``.

    >>> kalai_smorodinsky_solution([0.0, 1.0, 4.0], [2.0, 1.5, 0.0], 0.0, 0.0)
    1
    """
    return _solve(_ks_objective, u1, u2, d1, d2)


def egalitarian_solution(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> int | None:
    """Package maximising ``min(u1 - d1, u2 - d2)``.

    >>> egalitarian_solution([0.0, 1.0, 4.0], [2.0, 1.5, 0.0], 0.0, 0.0)
    1
    """
    return _solve(np.minimum, u1, u2, d1, d2)


def utilitarian_solution(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> int | None:
    """Rational package maximising ``u1 + u2``.

    >>> utilitarian_solution([0.0, 1.0, 4.0], [2.0, 1.5, 0.0], 0.0, 0.0)
    2
    """
    return _solve(np.add, u1, u2, d1, d2)


def solve_all(
    u1: ArrayLike, u2: ArrayLike, d1: float, d2: float, nash_weight: float | None = None,
    risk_aversion: RiskAversion = NEUTRAL,
) -> dict[str, int | None]:
    """All solutions from one frontier computation.

    Keys: ``"nash"``, ``"kalai_smorodinsky"``, ``"egalitarian"``, ``"utilitarian"``
    and, when ``nash_weight`` is given, ``"weighted_nash"``. ``risk_aversion`` applies to the two
    Nash solutions only (products of expected-utility gains); Kalai–Smorodinsky, egalitarian and
    utilitarian stay on the values ``u`` themselves (dollar certainty equivalents).

    >>> solve_all([0.0, 1.0, 4.0], [2.0, 1.5, 0.0], 0.0, 0.0)
    {'nash': 1, 'kalai_smorodinsky': 1, 'egalitarian': 1, 'utilitarian': 2}
    """
    ra = _check_ra(risk_aversion)
    objectives: dict[str, ObjectiveFn] = {
        "nash": partial(_nash_objective, weight=0.5, risk_aversion=ra),
        "kalai_smorodinsky": _ks_objective,
        "egalitarian": np.minimum,
        "utilitarian": np.add,
    }
    if nash_weight is not None:
        objectives["weighted_nash"] = partial(_nash_objective, weight=_check_weight(nash_weight), risk_aversion=ra)
    frontier, g1, g2 = _frontier_gains(u1, u2, d1, d2)
    if frontier.size == 0:
        return dict.fromkeys(objectives)
    return {name: _pick(objective(g1, g2), g1, g2, frontier) for name, objective in objectives.items()}
