"""Nash's variable-threat bargaining game (Nash 1953, "Two-person cooperative games",
*Econometrica* 21(1): 128–140; Luce & Raiffa 1957, *Games and Decisions*, ch. 6; Owen,
*Game Theory*, ch. on two-person cooperative games; Ferguson, *Game Theory*, Part III §4).

Two players choose threats ``t1`` (row ``i``) and ``t2`` (column ``j``) simultaneously.  Carried
out, the pair gives the disagreement point ``d(i, j) = (D1[i, j], D2[i, j])`` — each side's value
of the outcome, less its costs (USD billions of present value in zopa).  The players then bargain
to the Nash bargaining solution (NBS) given ``d`` over the feasible set; the threats are only
carried out if bargaining fails, which at the NBS it does not.

Transferable utility (TU).  The feasible set is ``u1 + u2 <= S``; it contains every outcome the
players can reach, the threat outcomes included, so ``S`` is taken as ``max(S, max_ij D1 + D2)``.
The NBS with weight ``w`` for player 1 (symmetric: ``w = 1/2``) splits the surplus over ``d``:

    u1 = d1 + w (S - d1 - d2) = w S + [(1 - w) d1 - w d2],        u2 = S - u1.

Player 1 maximises and player 2 minimises ``A = (1 - w) D1 - w D2`` — for ``w = 1/2`` half of
``D1 - D2``: the threat choice is a zero-sum matrix game (Nash 1953, §7).  It is solved exactly:
a pure saddle point when ``max_i min_j A = min_j max_i A``, otherwise optimal mixed strategies
``x, y`` by linear programming (von Neumann's minimax theorem; Dantzig 1951):

    max v  s.t.  sum_i x_i A[i, j] >= v  for all j,  sum_i x_i = 1,  x >= 0

and the dual program for ``y`` (:func:`solve_zero_sum`, with ``scipy.optimize.linprog``).  With
mixed threats the threat point is the expectation ``d = (x' D1 y, x' D2 y)``; the NBS is linear in
``d`` under TU, so the payoffs are ``u1 = w S + val(A)``, ``u2 = S - u1``; for ``w = 1/2``,
``u1 = (S + delta)/2`` with ``delta = val(D1 - D2)``.

A finite feasible set (a frontier of packages ``u1[k], u2[k]``).  For each threat pair the NBS
package is found by :func:`zopa.bargain.nash_solution` given ``d(i, j)`` (when no package is
individually rational, the outcome is ``d(i, j)`` itself; ``risk_aversion`` is passed on, so CARA
parties bargain over the expected utility of their gains as in :func:`zopa.analysis.analyze_problem`).  This gives a bimatrix game of final
payoffs ``P1[i, j], P2[i, j]``; its pure-strategy Nash equilibria are the cells where ``P1`` is
a column maximum and ``P2`` a row maximum (:func:`finite_threat_solution`); there may be none
(Nash's existence proof needs the convex hull of the packages, i.e. lotteries, and mixed
threats).  The TU answer on the linear frontier through the best joint-value package is given
alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linprog

from zopa.bargain import nash_solution

#: The label of the "no threat" strategy (the status quo if both play it).
NO_THREAT = "no threat"
#: Relative tolerance for saddle points and equilibrium comparisons (floating-point rounding).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class ZeroSumSolution:
    """Optimal play of the zero-sum matrix game ``A`` (row player maximises ``x' A y``).

    ``value`` is the value of the game, ``row``/``column`` optimal mixed strategies, ``saddle``
    a pure saddle point ``(i, j)`` when one exists (then the strategies are pure).
    """

    value: float
    row: np.ndarray
    column: np.ndarray
    saddle: tuple[int, int] | None

    @property
    def pure(self) -> bool:
        return self.saddle is not None


def _tolerance(a: np.ndarray) -> float:
    return TOLERANCE * max(1.0, float(np.abs(a).max()))


def solve_zero_sum(payoff: ArrayLike) -> ZeroSumSolution:
    """Solve the zero-sum game with payoff matrix ``payoff`` (to the row player, who maximises).

    A pure saddle point when the maximin equals the minimax (the first maximin row and first
    minimax column); otherwise the two linear programs of the module docstring.

    >>> solve_zero_sum([[3.0, 1.0], [4.0, 2.0]]).saddle
    (1, 1)
    >>> pennies = solve_zero_sum([[1.0, -1.0], [-1.0, 1.0]])
    >>> pennies.saddle, round(pennies.value, 9), pennies.row.round(6).tolist()
    (None, 0.0, [0.5, 0.5])
    """
    a = np.asarray(payoff, dtype=float)
    if a.ndim != 2 or a.size == 0 or not np.isfinite(a).all():
        raise ValueError(f"expected a finite, non-empty 2-D payoff matrix; got shape {a.shape}")
    row_min, col_max = a.min(axis=1), a.max(axis=0)
    i, j = int(row_min.argmax()), int(col_max.argmin())
    if col_max[j] - row_min[i] <= _tolerance(a):
        return ZeroSumSolution(float(a[i, j]), np.eye(a.shape[0])[i], np.eye(a.shape[1])[j], (i, j))
    x, v = _maximin(a)
    y, w = _maximin(-a.T)
    return ZeroSumSolution(float((v - w) / 2.0), x, y, None)


def _maximin(a: np.ndarray) -> tuple[np.ndarray, float]:
    """The row player's optimal mixed strategy of ``a`` and the game's value, by LP."""
    m, n = a.shape
    objective = np.r_[np.zeros(m), -1.0]  # minimise -v
    a_ub = np.c_[-a.T, np.ones(n)]  # v - sum_i x_i a_ij <= 0
    a_eq = np.r_[np.ones(m), 0.0][None, :]
    bounds = [(0.0, None)] * m + [(None, None)]
    result = linprog(objective, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if not result.success:  # pragma: no cover - a matrix game always has a solution
        raise RuntimeError(f"linear program failed: {result.message}")
    x = np.clip(result.x[:m], 0.0, None)
    return x / x.sum(), float(result.x[m])


def _threat_matrices(d1: ArrayLike, d2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"expected two threat-outcome matrices of the same 2-D shape; got {a.shape} and {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("threat outcomes must be finite")
    return a, b


def _check_weight(weight: float) -> float:
    if not 0.0 < weight < 1.0:
        raise ValueError(f"expected a Nash weight strictly between 0 and 1, got {weight}")
    return float(weight)


@dataclass(frozen=True)
class TUThreatSolution:
    """Nash's variable-threat game with transferable utility on the frontier ``u1 + u2 = joint``.

    ``game`` solves the zero-sum threat game in ``(1 - w) D1 - w D2``; ``threat_point`` is
    ``(x' D1 y, x' D2 y)`` under the optimal threats, ``delta`` is ``x' (D1 - D2) y``, and
    ``payoff`` the final NBS payoffs ``(w S + val, (1 - w) S - val)``.  ``joint`` is the
    frontier's ``S`` after raising it to the best threat outcome if that is higher.
    """

    joint: float
    weight: float
    game: ZeroSumSolution
    threat_point: np.ndarray
    delta: float
    payoff: np.ndarray

    @property
    def threats(self) -> tuple[int | None, int | None]:
        """The optimal pure threats ``(i, j)``, or ``(None, None)`` when they are mixed."""
        return self.game.saddle if self.game.saddle is not None else (None, None)


def tu_threat_solution(d1: ArrayLike, d2: ArrayLike, joint: float, weight: float = 0.5) -> TUThreatSolution:
    """Solve Nash's threat game under TU (module docstring): threat outcomes ``d1, d2`` (rows:
    player 1's threats, columns: player 2's), frontier ``u1 + u2 = joint``.

    Ferguson's example (Part III §4.2): bimatrix ``[(0,0) (6,2) (-1,2); (4,-1) (3,6) (5,5)]``,
    ``S = 10``; ``val(A - B) = -0.9`` with mixed threats, so ``u = (4.55, 5.45)``.

    >>> t = tu_threat_solution([[0, 6, -1], [4, 3, 5]], [[0, 2, 2], [-1, 6, 5]], 10.0)
    >>> t.payoff.round(6).tolist(), round(t.delta, 6), t.threats
    ([4.55, 5.45], -0.9, (None, None))
    """
    a, b = _threat_matrices(d1, d2)
    w = _check_weight(weight)
    s = max(float(joint), float((a + b).max()))
    game = solve_zero_sum((1.0 - w) * a - w * b)
    point = np.array([game.row @ a @ game.column, game.row @ b @ game.column])
    u1 = w * s + game.value
    return TUThreatSolution(s, w, game, point, float(point[0] - point[1]), np.array([u1, s - u1]))


@dataclass(frozen=True)
class FiniteThreatSolution:
    """Nash's threat game over a finite set of packages.

    ``package[i, j]`` is the NBS package given ``d(i, j)`` (-1 when none is individually
    rational, and the outcome is ``d(i, j)``); ``payoff[:, i, j]`` the final payoffs;
    ``equilibria`` the pure-strategy Nash equilibria ``(i, j)`` of the bimatrix game ``payoff``
    (empty when there is none); ``tu`` the TU answer on ``u1 + u2 = max_k u1[k] + u2[k]``.
    """

    package: np.ndarray
    payoff: np.ndarray
    equilibria: tuple[tuple[int, int], ...]
    tu: TUThreatSolution
    joint_package: int


RiskAversion = tuple[float | None, float | None]


def nash_package(u1: np.ndarray, u2: np.ndarray, d1: float, d2: float, weight: float = 0.5,
                 risk_aversion: RiskAversion = (None, None)) -> int | None:
    """:func:`zopa.bargain.nash_solution`, passing ``risk_aversion`` only when a side is risk averse."""
    if any(risk_aversion):
        return nash_solution(u1, u2, d1, d2, weight, risk_aversion=risk_aversion)  # type: ignore[call-arg]
    return nash_solution(u1, u2, d1, d2, weight)


def nbs_outcomes(
    d1: np.ndarray, d2: np.ndarray, u1: np.ndarray, u2: np.ndarray, weight: float = 0.5,
    risk_aversion: RiskAversion = (None, None),
) -> tuple[np.ndarray, np.ndarray]:
    """NBS package per threat pair (-1: none rational) and the final payoffs ``(2, m, n)``."""
    package = np.array([nash_package(u1, u2, x, y, weight, risk_aversion)
                        for x, y in zip(d1.ravel(), d2.ravel(), strict=True)])
    package = np.array([-1 if k is None else k for k in package], dtype=int).reshape(d1.shape)
    agreed = package >= 0
    safe = np.where(agreed, package, 0)
    payoff = np.stack([np.where(agreed, u1[safe], d1), np.where(agreed, u2[safe], d2)])
    return package, payoff


def pure_equilibria(p1: ArrayLike, p2: ArrayLike) -> tuple[tuple[int, int], ...]:
    """Cells ``(i, j)`` where ``p1`` is maximal in its column and ``p2`` in its row (ties allowed).

    >>> pure_equilibria([[2, 0], [0, 1]], [[1, 0], [0, 2]])  # battle of the sexes
    ((0, 0), (1, 1))
    >>> pure_equilibria([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])  # matching pennies
    ()
    """
    a, b = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
    tol = _tolerance(np.stack([a, b]))
    best = (a >= a.max(axis=0, keepdims=True) - tol) & (b >= b.max(axis=1, keepdims=True) - tol)
    return tuple((int(i), int(j)) for i, j in np.argwhere(best))


def finite_threat_solution(
    d1: ArrayLike, d2: ArrayLike, u1: ArrayLike, u2: ArrayLike, weight: float = 0.5,
    risk_aversion: RiskAversion = (None, None),
) -> FiniteThreatSolution:
    """Solve the threat game over packages ``(u1[k], u2[k])`` (module docstring); the TU answer
    is Nash's, on dollar gains, whatever ``risk_aversion``.

    >>> f = finite_threat_solution([[0.0]], [[0.0]], [1.0, 2.0, 3.0], [3.0, 2.5, 1.0])
    >>> f.package.tolist(), f.equilibria, f.tu.payoff.tolist()
    ([[1]], ((0, 0),), [2.25, 2.25])
    """
    a, b = _threat_matrices(d1, d2)
    v1, v2 = np.asarray(u1, dtype=float), np.asarray(u2, dtype=float)
    if v1.ndim != 1 or v1.shape != v2.shape or v1.size == 0:
        raise ValueError("expected two non-empty 1-D utility arrays of the same length")
    w = _check_weight(weight)
    package, payoff = nbs_outcomes(a, b, v1, v2, w, risk_aversion)
    best = int((v1 + v2).argmax())
    tu = tu_threat_solution(a, b, float(v1[best] + v2[best]), w)
    return FiniteThreatSolution(package, payoff, pure_equilibria(payoff[0], payoff[1]), tu, best)
