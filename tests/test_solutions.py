"""Bargaining solutions: axioms (hypothesis), closed forms and the tie policy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.bargain import (
    egalitarian_solution,
    kalai_smorodinsky_solution,
    nash_solution,
    pareto_mask,
    solve_all,
    summarize_zopa,
    utilitarian_solution,
)

GRID = st.integers(min_value=0, max_value=6).map(lambda k: k / 2)
NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian", "weighted_nash")


@st.composite
def problems(draw: st.DrawFn, max_size: int = 60) -> tuple[np.ndarray, np.ndarray, float, float]:
    n = draw(st.integers(min_value=1, max_value=max_size))
    u1 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)))
    u2 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)))
    return u1, u2, draw(GRID), draw(GRID)


def reference_values(
    name: str, u1: np.ndarray, u2: np.ndarray, d1: float, d2: float, weight: float = 0.3
) -> np.ndarray:
    """Objective of each package (-inf if not rational), straight from the definitions."""
    g1, g2 = u1 - d1, u2 - d2
    rational = (g1 >= 0) & (g2 >= 0)
    if not rational.any():
        return np.full(u1.size, -np.inf)
    c1, c2 = np.where(rational, g1, 0.0), np.where(rational, g2, 0.0)
    if name == "nash":
        values = c1 * c2
    elif name == "weighted_nash":
        values = c1**weight * c2 ** (1 - weight)
    elif name == "kalai_smorodinsky":
        i1, i2 = c1[rational].max(), c2[rational].max()
        values = np.minimum(c1 / i1 if i1 > 0 else 1.0, c2 / i2 if i2 > 0 else 1.0)
    elif name == "egalitarian":
        values = np.minimum(c1, c2)
    else:
        values = u1 + u2
    return np.where(rational, values, -np.inf)


def is_optimal(name: str, k: int, u1: np.ndarray, u2: np.ndarray, d1: float, d2: float) -> bool:
    values = reference_values(name, u1, u2, d1, d2)
    return bool(values[k] >= values.max() - 1e-9 * max(1.0, abs(values.max())))


@given(problems())
def test_solutions_are_optimal_rational_and_pareto(problem: tuple) -> None:
    u1, u2, d1, d2 = problem
    chosen = solve_all(u1, u2, d1, d2, nash_weight=0.3)
    rational = (u1 >= d1) & (u2 >= d2)
    pareto = pareto_mask(u1, u2)
    for name in NAMES:
        k = chosen[name]
        if not rational.any():
            assert k is None
            continue
        assert k is not None and rational[k] and pareto[k], name
        assert is_optimal(name, k, u1, u2, d1, d2), name


@given(problems(max_size=20))
@settings(max_examples=50)
def test_single_solution_functions_agree_with_solve_all(problem: tuple) -> None:
    u1, u2, d1, d2 = problem
    chosen = solve_all(u1, u2, d1, d2, nash_weight=0.3)
    assert chosen["nash"] == nash_solution(u1, u2, d1, d2)
    assert chosen["weighted_nash"] == nash_solution(u1, u2, d1, d2, weight=0.3)
    assert chosen["kalai_smorodinsky"] == kalai_smorodinsky_solution(u1, u2, d1, d2)
    assert chosen["egalitarian"] == egalitarian_solution(u1, u2, d1, d2)
    assert chosen["utilitarian"] == utilitarian_solution(u1, u2, d1, d2)


AFFINE = st.tuples(st.sampled_from([0.25, 1.0, 3.0, 7.5]), st.sampled_from([-2.0, 0.0, 1.3]))


@given(problems(), AFFINE, AFFINE, st.sampled_from([0.5, 0.2, 0.7]))
def test_nash_is_invariant_under_positive_affine_rescaling(
    problem: tuple, side1: tuple[float, float], side2: tuple[float, float], weight: float
) -> None:
    u1, u2, d1, d2 = problem
    (a1, b1), (a2, b2) = side1, side2
    k = nash_solution(a1 * u1 + b1, a2 * u2 + b2, a1 * d1 + b1, a2 * d2 + b2, weight=weight)
    if k is None:
        assert nash_solution(u1, u2, d1, d2, weight=weight) is None
        return
    # Compare values, not indices: the rescaled choice is optimal for the original problem.
    values = reference_values("weighted_nash", u1, u2, d1, d2, weight)
    assert values[k] == pytest.approx(values.max(), rel=1e-9, abs=1e-12)


@given(problems(max_size=30), GRID)
def test_symmetric_problems_have_symmetric_solution_values(problem: tuple, d: float) -> None:
    u1, u2, _, _ = problem
    s1, s2 = np.concatenate([u1, u2]), np.concatenate([u2, u1])  # closed under swapping
    for name in NAMES[:4]:
        values = reference_values(name, s1, s2, d, d)
        k = solve_all(s1, s2, d, d)[name]
        if k is None:
            continue
        mirror = np.flatnonzero((s1 == s2[k]) & (s2 == s1[k]))
        assert mirror.size and values[mirror[0]] == pytest.approx(values.max()), name
        swapped = solve_all(s2, s1, d, d)[name]
        assert values[swapped] == pytest.approx(values[k]), name
        optimal_pairs = {(s1[j], s2[j]) for j in np.flatnonzero(values >= values.max() - 1e-12)}
        if len(optimal_pairs) == 1:
            assert s1[k] == s2[k], name


@st.composite
def with_dominated_packages(draw: st.DrawFn) -> tuple[tuple, np.ndarray, np.ndarray, np.ndarray]:
    u1, u2, d1, d2 = draw(problems(max_size=30))
    m = draw(st.integers(min_value=1, max_value=30))
    source = np.array(draw(st.lists(st.integers(0, u1.size - 1), min_size=m, max_size=m)))
    cut1 = np.array(draw(st.lists(GRID, min_size=m, max_size=m)))
    cut2 = np.array(draw(st.lists(GRID, min_size=m, max_size=m)))
    cut1 = np.where((cut1 == 0) & (cut2 == 0), 0.5, cut1)  # strictly dominated
    slots = draw(st.lists(st.integers(0, u1.size + m - 1), min_size=m, max_size=m, unique=True))
    return (u1, u2, d1, d2), u1[source] - cut1, u2[source] - cut2, np.array(slots)


@given(with_dominated_packages())
def test_adding_dominated_packages_changes_no_solution(case: tuple) -> None:
    (u1, u2, d1, d2), extra1, extra2, slots = case
    n = u1.size + extra1.size
    is_extra = np.zeros(n, dtype=bool)
    is_extra[slots] = True
    v1, v2 = np.empty(n), np.empty(n)
    v1[is_extra], v2[is_extra] = extra1, extra2
    v1[~is_extra], v2[~is_extra] = u1, u2  # originals keep their relative order
    before = solve_all(u1, u2, d1, d2, nash_weight=0.3)
    after = solve_all(v1, v2, d1, d2, nash_weight=0.3)
    for name in NAMES:
        if before[name] is None:
            assert after[name] is None
        else:
            assert (v1[after[name]], v2[after[name]]) == (u1[before[name]], u2[before[name]]), name


@given(
    st.floats(0.5, 4.0), st.floats(0.5, 5.0), st.floats(0.5, 5.0), st.floats(0.0, 0.6), st.floats(0.0, 0.6)
)
@settings(max_examples=25, deadline=None)
def test_kalai_smorodinsky_lies_on_the_line_to_the_ideal_point(
    p: float, s1: float, s2: float, f1: float, f2: float
) -> None:
    rng = np.random.default_rng(np.random.SeedSequence(11))
    x = np.linspace(0.0, s1, 20_001)
    y = s2 * (1.0 - (x / s1) ** p) ** (1.0 / p)
    inner = rng.random(5_000) * s1  # dominated packages under the curve
    below = rng.random(5_000) * s2 * (1.0 - (inner / s1) ** p) ** (1.0 / p)
    u1, u2 = np.concatenate([x, inner]), np.concatenate([y, below])
    d1 = f1 * s1
    d2 = f2 * s2 * (1.0 - (d1 / s1) ** p) ** (1.0 / p)
    k = kalai_smorodinsky_solution(u1, u2, d1, d2)
    rational = (u1 >= d1) & (u2 >= d2)
    i1, i2 = u1[rational].max(), u2[rational].max()
    r1, r2 = (u1[k] - d1) / (i1 - d1), (u2[k] - d2) / (i2 - d2)
    # The normalised gains agree up to the sampling step of the curve.
    assert abs(r1 - r2) < 2e-3


@pytest.mark.parametrize(
    ("a", "b", "c", "d1", "d2", "alpha"),
    [(1.0, 1.0, 1.0, 0.0, 0.0, 0.5), (2.0, 1.0, 3.0, 0.2, 0.5, 0.5), (1.0, 3.0, 4.0, 1.0, 0.3, 0.3),
     (0.5, 2.0, 2.0, 0.4, 0.1, 0.8)],
)
def test_nash_on_a_linear_frontier(a: float, b: float, c: float, d1: float, d2: float, alpha: float) -> None:
    u1 = np.linspace(0.0, c / a, 200_001)
    u2 = (c - a * u1) / b
    gain = c - a * d1 - b * d2
    k = nash_solution(u1, u2, d1, d2, weight=alpha)
    step = (c / a) / 200_000
    assert u1[k] == pytest.approx(d1 + alpha * gain / a, abs=1.01 * step)
    assert u2[k] == pytest.approx(d2 + (1 - alpha) * gain / b, abs=1.01 * step * a / b)


def test_no_zopa_behind_a_linear_frontier() -> None:
    a, b, c, d1, d2 = 1.0, 2.0, 1.0, 0.6, 0.3  # G = c - a d1 - b d2 < 0
    u1 = np.linspace(0.0, c / a, 200_001)
    u2 = (c - a * u1) / b
    assert not summarize_zopa(u1, u2, d1, d2).exists
    assert set(solve_all(u1, u2, d1, d2, nash_weight=0.4).values()) == {None}


def test_closed_forms_on_a_parabolic_frontier() -> None:
    u1 = np.linspace(0.0, 1.0, 200_001)
    u2 = 1.0 - u1**2
    chosen = solve_all(u1, u2, 0.0, 0.0)
    assert u1[chosen["nash"]] == pytest.approx(1 / math.sqrt(3), abs=1e-5)
    assert u1[chosen["kalai_smorodinsky"]] == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-5)
    assert u1[chosen["egalitarian"]] == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-5)
    assert u1[chosen["utilitarian"]] == pytest.approx(0.5, abs=1e-5)


def test_tie_policy() -> None:
    # Equal Nash products 2*6 = 3*4: the higher u1 + u2 wins.
    assert nash_solution([3.0, 2.0], [4.0, 6.0], 0.0, 0.0) == 1
    # Mirror images tie on every criterion: the lower index wins.
    assert solve_all([6.0, 2.0, 2.0], [2.0, 6.0, 6.0], 0.0, 0.0) == dict.fromkeys(NAMES[:4], 0)
    # Only the disagreement point itself is rational: it is chosen (product 0).
    assert solve_all([1.0, 1.0, 0.0], [1.0, 1.0, 5.0], 1.0, 1.0) == dict.fromkeys(NAMES[:4], 0)


def test_zero_gain_packages_lose_to_positive_products() -> None:
    assert nash_solution([5.0, 1.0, 0.0], [0.0, 1.0, 5.0], 0.0, 0.0) == 1


def test_ks_ideal_counts_a_flat_side_as_served() -> None:
    # Party 1 gains nothing anywhere in the ZOPA; KS then maximises party 2's gain.
    assert kalai_smorodinsky_solution([1.0, 1.0, 2.0], [1.0, 3.0, 0.0], 1.0, 0.5) == 1


def test_no_rational_package_gives_none() -> None:
    assert solve_all([0.0, 1.0], [1.0, 0.0], 0.5, 0.5) == dict.fromkeys(NAMES[:4])
    assert nash_solution([], [], 0.0, 0.0) is None


@pytest.mark.parametrize("weight", [0.0, 1.0, -0.1, float("nan")])
def test_bad_nash_weight_raises(weight: float) -> None:
    with pytest.raises(ValueError, match="Nash weight"):
        nash_solution([1.0], [1.0], 0.0, 0.0, weight=weight)


def test_ks_differs_from_negmas_closest_gains_point() -> None:
    """NegMAS's ``ks_points`` picks the frontier point whose normalised gains are closest;
    ours maximises the smaller normalised gain. Here X = (0.40, 0.41) has the closest gains
    but Y = (0.48, 0.405) gives both parties more than 0.40: the two definitions pick the
    two frontier points either side of the line from d to the ideal point."""
    ops = pytest.importorskip("negmas.preferences.ops")
    from negmas.preferences import MappingUtilityFunction
    u1 = np.array([0.0, 0.40, 0.48, 1.0])
    u2 = np.array([1.0, 0.41, 0.405, 0.0])
    assert kalai_smorodinsky_solution(u1, u2, 0.0, 0.0) == 2
    frontier = list(zip(u1.tolist(), u2.tolist(), strict=True))
    ufuns = [MappingUtilityFunction({}, reserved_value=0.0) for _ in range(2)]
    negmas_ks = ops.ks_points(ufuns, frontier, ranges=[(0.0, 1.0), (0.0, 1.0)])
    assert [index for _, index in negmas_ks] == [1]
