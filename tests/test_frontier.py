"""Pareto frontier and ZOPA: brute-force references, closed forms, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.bargain import pareto_frontier, pareto_mask, rational_frontier, summarize_zopa, zopa_mask

GRID = st.integers(min_value=0, max_value=6).map(lambda k: k / 2)


def brute_force_mask(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """O(n^2) reference: k is dominated if some j is >= on both sides and > on one."""
    ge = (u1[:, None] >= u1[None, :]) & (u2[:, None] >= u2[None, :])
    gt = (u1[:, None] > u1[None, :]) | (u2[:, None] > u2[None, :])
    return ~np.any(ge & gt, axis=0)


@st.composite
def utility_sets(draw: st.DrawFn, min_size: int = 0, max_size: int = 60) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    u1 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)), dtype=float)
    u2 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)), dtype=float)
    return u1, u2


@given(utility_sets())
def test_mask_matches_brute_force(pair: tuple[np.ndarray, np.ndarray]) -> None:
    u1, u2 = pair
    np.testing.assert_array_equal(pareto_mask(u1, u2), brute_force_mask(u1, u2))


@given(utility_sets(min_size=1))
def test_frontier_is_sorted_mask(pair: tuple[np.ndarray, np.ndarray]) -> None:
    u1, u2 = pair
    frontier = pareto_frontier(u1, u2)
    np.testing.assert_array_equal(np.sort(frontier), np.flatnonzero(brute_force_mask(u1, u2)))
    key = np.lexsort((frontier, u1[frontier]))  # u1 ascending, duplicates by index
    np.testing.assert_array_equal(frontier, frontier[key])
    assert np.all(np.diff(u2[frontier]) <= 0)


@pytest.mark.parametrize("kind", ["uniform", "anticorrelated", "coarse"])
def test_large_sets_match_brute_force(kind: str) -> None:
    rng = np.random.default_rng(np.random.SeedSequence(7))
    n = 3000
    u1 = rng.random(n)
    if kind == "uniform":
        u2 = rng.random(n)
    elif kind == "anticorrelated":
        u2 = 1.0 - u1 + 0.01 * rng.random(n)
    else:
        u1 = np.round(u1, 1)
        u2 = np.round(1.0 - u1 + 0.3 * rng.random(n), 1)
    np.testing.assert_array_equal(pareto_mask(u1, u2), brute_force_mask(u1, u2))


def test_duplicates_are_all_kept_in_index_order() -> None:
    u1 = np.array([1.0, 2.0, 1.0, 2.0, 0.0])
    u2 = np.array([2.0, 1.0, 2.0, 1.0, 0.0])
    assert pareto_mask(u1, u2).tolist() == [True, True, True, True, False]
    assert pareto_frontier(u1, u2).tolist() == [0, 2, 1, 3]


def test_equal_u1_keeps_only_the_best_u2() -> None:
    assert pareto_mask([1.0, 1.0, 0.5], [0.2, 0.7, 0.9]).tolist() == [False, True, True]


def test_empty_and_single() -> None:
    assert pareto_mask([], []).tolist() == []
    assert pareto_frontier([], []).tolist() == []
    assert pareto_frontier([3.0], [-1.0]).tolist() == [0]


@pytest.mark.parametrize(
    ("u1", "u2"),
    [([1.0, np.nan], [0.0, 1.0]), ([1.0, 2.0], [np.inf, 1.0]), ([1.0, 2.0], [1.0]), ([[1.0]], [[1.0]])],
)
def test_bad_utilities_raise(u1: list, u2: list) -> None:
    with pytest.raises(ValueError, match="expected"):
        pareto_mask(u1, u2)


def test_zopa_mask_is_weak() -> None:
    assert zopa_mask([1.0, 2.0, 2.0], [1.0, 1.0, 0.999], 2.0, 1.0).tolist() == [False, True, False]
    with pytest.raises(ValueError, match="disagreement"):
        zopa_mask([1.0], [1.0], np.nan, 0.0)


def brute_force_area(u1: np.ndarray, u2: np.ndarray, d1: float, d2: float) -> float:
    """Area of the union of rectangles [d, u(k)] over rational k, by cells of a compressed grid."""
    rational = (u1 >= d1) & (u2 >= d2)
    x, y = u1[rational], u2[rational]
    xs = np.unique(np.concatenate([[d1], x]))
    ys = np.unique(np.concatenate([[d2], y]))
    area = 0.0
    for i in range(xs.size - 1):
        for j in range(ys.size - 1):
            covered = np.any((x >= xs[i + 1]) & (y >= ys[j + 1]))
            area += covered * (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j])
    return area


@given(utility_sets(min_size=1, max_size=30), GRID, GRID)
@settings(max_examples=60)
def test_summary_matches_brute_force(pair: tuple[np.ndarray, np.ndarray], d1: float, d2: float) -> None:
    u1, u2 = pair
    s = summarize_zopa(u1, u2, d1, d2)
    rational = (u1 >= d1) & (u2 >= d2)
    assert s.exists == bool(rational.any())
    assert s.count == int(rational.sum())
    assert s.area == pytest.approx(brute_force_area(u1, u2, d1, d2), abs=1e-12)
    if s.exists:
        assert s.width_1 == pytest.approx(u1[rational].max() - d1)
        assert s.width_2 == pytest.approx(u2[rational].max() - d2)
        assert (s.shortfall_index, s.shortfall) == (None, 0.0)
    else:
        total = np.maximum(d1 - u1, 0) + np.maximum(d2 - u2, 0)
        assert s.shortfall == pytest.approx(total.min())
        assert s.shortfall_index == int(np.argmin(total))
        assert (s.area, s.width_1, s.width_2) == (0.0, 0.0, 0.0)
    frontier = rational_frontier(u1, u2, d1, d2)
    np.testing.assert_array_equal(np.sort(frontier), np.flatnonzero(rational & pareto_mask(u1, u2)))


def test_area_of_linear_frontier_is_a_triangle() -> None:
    u1 = np.linspace(0.0, 1.0, 100_001)
    s = summarize_zopa(u1, 1.0 - u1, 0.2, 0.3)
    # The staircase under a densely sampled line tends to the triangle with legs 0.5 and 0.5.
    assert s.area == pytest.approx(0.125, abs=1e-5)
    assert (s.width_1, s.width_2) == pytest.approx((0.5, 0.5), abs=1e-5)


def test_shortfall_on_a_line_without_zopa() -> None:
    # a u1 + b u2 = c with G = c - a d1 - b d2 < 0: the cheapest fix costs -G / max(a, b).
    a, b, c, d1, d2 = 2.0, 1.0, 1.0, 0.4, 0.5
    u1 = np.linspace(0.0, c / a, 200_001)
    s = summarize_zopa(u1, (c - a * u1) / b, d1, d2)
    assert not s.exists
    assert s.shortfall == pytest.approx(-(c - a * d1 - b * d2) / max(a, b), abs=1e-5)


def test_summary_of_nothing() -> None:
    s = summarize_zopa([], [], 0.0, 0.0)
    assert (s.exists, s.count, s.shortfall_index, s.shortfall) == (False, 0, None, float("inf"))
