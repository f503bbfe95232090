"""Nash's variable-threat game (zopa.threats.variable): textbook and hand-derived cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zopa.bargain import nash_solution
from zopa.threats.variable import (
    finite_threat_solution,
    pure_equilibria,
    solve_zero_sum,
    tu_threat_solution,
)


def test_ferguson_tu_example_with_mixed_threats() -> None:
    """Ferguson, *Game Theory*, Part III §4.2 (TU cooperative games), bimatrix

        (0, 0)   (6, 2)  (-1, 2)
        (4, -1)  (3, 6)   (5, 5)

    By hand: the frontier is sigma = max(a_ij + b_ij) = 10 (cell (2, 3)).  The threat game is
    A - B = [[0, 4, -3], [5, -3, 0]]; column 1 is dominated for the minimiser by column 3
    (0 > -3, 5 > 0), leaving [[4, -3], [-3, 0]], which has no saddle (maximin -3 < minimax 0).
    The 2x2 formulas give p = (0 - (-3)) / (4 + 3 + 3 + 0) = 0.3 on row 1, q = 0.3 on column 2
    and delta = (4*0 - 9) / 10 = -0.9.  Payoffs: ((10 - 0.9)/2, (10 + 0.9)/2) = (4.55, 5.45).
    Threat point: x'Ay = 0.3*(0.3*6 - 0.7) + 0.7*(0.3*3 + 0.7*5) = 3.41 and x'By = 4.31.
    """
    a = [[0, 6, -1], [4, 3, 5]]
    b = [[0, 2, 2], [-1, 6, 5]]
    t = tu_threat_solution(a, b, joint=0.0)  # the frontier is raised to the best outcome, 10
    assert t.joint == 10.0
    assert not t.game.pure and t.threats == (None, None)
    assert t.game.row == pytest.approx([0.3, 0.7], abs=1e-9)
    assert t.game.column == pytest.approx([0.0, 0.3, 0.7], abs=1e-9)
    assert t.delta == pytest.approx(-0.9, abs=1e-9)
    assert t.game.value == pytest.approx(-0.45, abs=1e-9)  # the game in (D1 - D2)/2
    assert t.threat_point == pytest.approx([3.41, 4.31], abs=1e-9)
    assert t.payoff == pytest.approx([4.55, 5.45], abs=1e-9)


def test_hand_derived_pure_saddle_both_sides_threaten() -> None:
    """Rows: player 1's (no threat, threat); columns: player 2's (no threat, counter-threat).

    Status quo d(0, 0) = (2, 2).  Player 1's threat costs it 1 and player 2 3: d(1, 0) = (1, -1).
    Player 2's counter costs player 1 3 and itself 1: d(0, 1) = (-1, 1).  Both: (-2, -2).
    D1 - D2 = [[0, -2], [2, 0]]: row minima (-2, 0), column maxima (2, 0), so maximin = minimax
    = 0 at (1, 1): both threaten.  On u1 + u2 = 10: u = ((10 + 0)/2, (10 - 0)/2) = (5, 5), the
    same split as without threats.  Make player 1's threat cost player 2 5 instead: d(1, 0) =
    (1, -3), d(1, 1) = (-2, -4), D1 - D2 = [[0, -2], [4, 2]]: saddle (1, 1) with value 2, so
    u = (6, 4) — the threat point (-2, -4) is worse for both than the status quo, yet it moves
    the split by 1 towards player 1.
    """
    even = tu_threat_solution([[2, -1], [1, -2]], [[2, 1], [-1, -2]], 10.0)
    assert even.game.saddle == (1, 1) and even.threats == (1, 1)
    assert even.payoff.tolist() == [5.0, 5.0] and even.threat_point.tolist() == [-2.0, -2.0]
    t = tu_threat_solution([[2, -1], [1, -2]], [[2, 1], [-3, -4]], 10.0)
    assert t.game.saddle == (1, 1) and t.delta == 2.0
    assert t.threat_point.tolist() == [-2.0, -4.0]
    assert t.payoff.tolist() == [6.0, 4.0]
    assert t.game.row.tolist() == [0.0, 1.0] and t.game.column.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("a", [[[3.0, -1.0], [-2.0, 1.0]], [[0.0, 2.0], [3.0, -1.0]], [[-5.0, 4.0], [2.5, -0.5]]])
def test_two_by_two_mixed_solution_matches_the_closed_form(a: list[list[float]]) -> None:
    """Without a saddle: x1 = (d - c)/D, y1 = (d - b)/D, v = (ad - bc)/D, D = a - b - c + d."""
    (p, q), (r, s) = a
    den = p - q - r + s
    sol = solve_zero_sum(a)
    assert sol.saddle is None
    assert sol.row == pytest.approx([(s - r) / den, 1 - (s - r) / den], abs=1e-9)
    assert sol.column == pytest.approx([(s - q) / den, 1 - (s - q) / den], abs=1e-9)
    assert sol.value == pytest.approx((p * s - q * r) / den, abs=1e-9)


def test_first_example_of_the_closed_form_by_hand() -> None:
    """[[3, -1], [-2, 1]]: D = 7, x = (3/7, 4/7), y = (2/7, 5/7), v = 1/7."""
    sol = solve_zero_sum([[3.0, -1.0], [-2.0, 1.0]])
    assert sol.row == pytest.approx([3 / 7, 4 / 7]) and sol.column == pytest.approx([2 / 7, 5 / 7])
    assert sol.value == pytest.approx(1 / 7)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
              elements=st.floats(-100, 100, allow_nan=False, allow_infinity=False)))
def test_optimal_strategies_guarantee_the_value(a: np.ndarray) -> None:
    sol = solve_zero_sum(a)
    tol = 1e-7 * max(1.0, float(np.abs(a).max()))
    assert sol.row.sum() == pytest.approx(1.0) and sol.column.sum() == pytest.approx(1.0)
    assert (sol.row >= 0).all() and (sol.column >= 0).all()
    assert (sol.row @ a >= sol.value - tol).all()  # the row player gets at least v against any column
    assert (a @ sol.column <= sol.value + tol).all()  # the column player concedes at most v
    if sol.saddle is not None:
        i, j = sol.saddle
        assert a[i].min() == pytest.approx(a[:, j].max(), abs=tol)  # saddle up to rounding
        assert a[i].min() - tol <= a[i, j] <= a[:, j].max() + tol


def test_weighted_nash_threat_game() -> None:
    """One threat pair d = (2, 1), S = 10, weight 1/4: u1 = d1 + w (S - d1 - d2) = 3.75."""
    t = tu_threat_solution([[2.0]], [[1.0]], 10.0, weight=0.25)
    assert t.payoff == pytest.approx([3.75, 6.25])
    with pytest.raises(ValueError, match="between 0 and 1"):
        tu_threat_solution([[2.0]], [[1.0]], 10.0, weight=1.0)


def test_frontier_is_raised_to_the_best_threat_outcome() -> None:
    t = tu_threat_solution([[5.0]], [[6.0]], 10.0)
    assert t.joint == 11.0 and t.payoff.tolist() == [5.0, 6.0]


def test_finite_frontier_on_a_grid_reproduces_the_tu_answer() -> None:
    """Packages (k, 10 - k), k = 0..10.  D = [[(2, 2), (-1, 1)], [(2, -2), (-2, -4)]]:
    D1 - D2 = [[0, -2], [4, 2]], saddle (1, 1), delta 2 → TU u = (6, 4).  On the grid each cell's
    NBS is u1 = (10 + d1 - d2)/2 (an integer here): P1 = [[5, 4], [7, 6]], P2 = 10 - P1; at
    (1, 1), d = (-2, -4), package 6 has product 8 * 8 = 64 against 63 for its neighbours.
    Player 1's best replies are row 1 in both columns, player 2's column 1 in both rows, so
    (1, 1) is the only pure equilibrium, with payoffs (6, 4) = the TU answer.
    """
    u1 = np.arange(11.0)
    d1 = [[2.0, -1.0], [2.0, -2.0]]
    d2 = [[2.0, 1.0], [-2.0, -4.0]]
    f = finite_threat_solution(d1, d2, u1, 10.0 - u1)
    assert f.package.tolist() == [[5, 4], [7, 6]]
    assert f.payoff[0].tolist() == [[5.0, 4.0], [7.0, 6.0]]
    assert f.equilibria == ((1, 1),)
    assert f.tu.payoff.tolist() == [6.0, 4.0] and f.tu.game.saddle == (1, 1)
    assert nash_solution(u1, 10.0 - u1, -2.0, -4.0) == 6


def test_coarse_frontier_differs_from_tu() -> None:
    """Packages (2, 8) and (7, 2); player 2 has no threat; player 1: no threat → d = (0, 0),
    threat → d = (1, -3).  From (0, 0): products 16 and 14 → (2, 8).  From (1, -3): 1*11 = 11
    and 6*5 = 30 → (7, 2).  Player 1 threatens: equilibrium (1, 0), payoffs (7, 2).  TU on
    u1 + u2 = 10: delta = max(0, 4) = 4 → (7, 3)."""
    f = finite_threat_solution([[0.0], [1.0]], [[0.0], [-3.0]], [2.0, 7.0], [8.0, 2.0])
    assert f.package.tolist() == [[0], [1]] and f.equilibria == ((1, 0),)
    assert f.payoff[:, 1, 0].tolist() == [7.0, 2.0]
    assert f.tu.payoff.tolist() == [7.0, 3.0] and f.joint_package == 0


def test_no_pure_equilibrium_is_reported() -> None:
    """Matching pennies in threats: D1 = [[2, -2], [-2, 2]], D2 = 0 on the grid (k, 10 - k).
    NBS: d = (2, 0) → (6, 4), d = (-2, 0) → (4, 6), so P1 = [[6, 4], [4, 6]] and P2 = 10 - P1:
    player 1 wants to match, player 2 to mismatch — no pure equilibrium.  TU: mixed (1/2, 1/2),
    delta = 0, u = (5, 5)."""
    u1 = np.arange(11.0)
    f = finite_threat_solution([[2.0, -2.0], [-2.0, 2.0]], np.zeros((2, 2)), u1, 10.0 - u1)
    assert f.payoff[0].tolist() == [[6.0, 4.0], [4.0, 6.0]]
    assert f.equilibria == ()
    assert f.tu.game.row == pytest.approx([0.5, 0.5]) and f.tu.payoff == pytest.approx([5.0, 5.0])


def test_no_rational_package_leaves_the_threat_outcome() -> None:
    f = finite_threat_solution([[5.0]], [[5.0]], [1.0, 2.0], [2.0, 1.0])
    assert f.package.tolist() == [[-1]] and f.payoff[:, 0, 0].tolist() == [5.0, 5.0]


def test_pure_equilibria_of_textbook_bimatrices() -> None:
    prisoners = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # (cooperate, defect)
    assert pure_equilibria(*prisoners) == ((1, 1),)


@pytest.mark.parametrize("bad", [[], [[np.nan]], [1.0, 2.0]])
def test_bad_matrices_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="payoff matrix"):
        solve_zero_sum(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threat"):
        tu_threat_solution(bad, bad, 1.0)  # type: ignore[arg-type]


def test_risk_aversion_is_passed_to_the_nash_solution() -> None:
    """Packages (1, 3), (2, 2), (3, 1) from d = 0: risk neutral → (2, 2); a cautious side 1
    (CARA a = 2: utilities of gains 0.432, 0.491, 0.499) maximises u(g1) * g2 at (1, 3)."""
    u1, u2 = [1.0, 2.0, 3.0], [3.0, 2.0, 1.0]
    assert finite_threat_solution([[0.0]], [[0.0]], u1, u2).package.tolist() == [[1]]
    assert finite_threat_solution([[0.0]], [[0.0]], u1, u2, risk_aversion=(2.0, None)).package.tolist() == [[0]]
