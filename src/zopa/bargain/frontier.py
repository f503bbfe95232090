"""Pareto frontier of a finite set of packages valued by two parties.

A package ``k`` carries a utility pair ``(u1[k], u2[k])``. Package ``j`` *dominates*
package ``k`` when ``u1[j] >= u1[k]`` and ``u2[j] >= u2[k]`` with at least one
inequality strict. The Pareto frontier is the set of packages that no package
dominates.

Tie policy: packages with identical utility pairs never dominate one another, so
duplicates of a Pareto-optimal pair are all on the frontier.

The algorithm is exact and ``O(n log n)``. Sort by ``u1`` descending and group
equal ``u1``; package ``k`` is dominated exactly when a group of strictly larger
``u1`` reaches ``u2 >= u2[k]`` (a running maximum over the groups before it) or
its own group holds a strictly larger ``u2``. Before sorting, an exact ``O(n)``
pass over ``u1``-bins drops packages that a package of a higher bin dominates,
which usually leaves a small fraction of the packages to sort.

Exactness.  Comparisons are exact comparisons of the doubles given. Utilities that
are doubles rounded from exact values (e.g. sums of decimal weights) can differ by
an ulp where the exact values are equal, and then a package the exact values
dominate survives. Pass such utilities either as doubles that compare as the exact
values do (:func:`zopa.genius.utilities` builds them so), or as the exact values
themselves (Python integers, :class:`fractions.Fraction`) to :func:`pareto_mask_exact`,
which runs the same algorithm on their dense ranks (a strictly increasing map, so
dominance is unchanged; ranks below ``2**53`` are exact as doubles).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["as_disagreement", "as_utility_arrays", "dense_ranks", "pareto_frontier", "pareto_mask", "pareto_mask_exact"]

_MAX_BINS = 4096


def as_utility_arrays(u1: ArrayLike, u2: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``u1, u2`` as 1-D float arrays of equal length, or raise ``ValueError``.

    Utilities must be finite: NaN or infinite entries are rejected.
    """
    a = np.asarray(u1, dtype=np.float64)
    b = np.asarray(u2, dtype=np.float64)
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"expected u1 and u2 as 1-D arrays of equal length, got shapes {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("expected finite utilities, found NaN or infinite values in u1 or u2")
    return a, b


def as_disagreement(d1: float, d2: float) -> tuple[float, float]:
    """Return the disagreement point ``(d1, d2)`` as floats, or raise ``ValueError``."""
    point = (float(d1), float(d2))
    if not all(math.isfinite(x) for x in point):
        raise ValueError(f"expected a finite disagreement point (d1, d2), got {point}")
    return point


def _undominated_by_higher_bins(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices surviving an exact ``O(n)`` prefilter.

    Packages are binned by ``u1`` into equal-width bins (the bin index is monotone
    in ``u1``, so a package in a higher bin has a strictly larger ``u1``). A package
    whose ``u2`` does not exceed the best ``u2`` of the higher bins is dominated.
    """
    bins = int(np.clip(a.size // 8, 1, _MAX_BINS))
    low, span = float(a.min()), float(a.max()) - float(a.min())
    scale = bins / span if span > 0.0 else math.inf
    if bins == 1 or not (math.isfinite(scale) and math.isfinite(span)):
        return np.arange(a.size)
    bin_of = ((a - low) * scale).astype(np.intp)
    np.minimum(bin_of, bins - 1, out=bin_of)
    bin_best = np.full(bins, -np.inf)
    np.maximum.at(bin_best, bin_of, b)
    higher_best = np.full(bins, -np.inf)
    higher_best[:-1] = np.maximum.accumulate(bin_best[::-1])[::-1][1:]
    return np.flatnonzero(b > higher_best[bin_of])


def _frontier_ascending(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.intp]:
    """Pareto-optimal indices by ``u1`` ascending, duplicates in index order."""
    if a.size == 0:
        return np.empty(0, dtype=np.intp)
    candidates = _undominated_by_higher_bins(a, b)
    order = candidates[np.argsort(-a[candidates])]  # u1 descending
    s1, s2 = a[order], b[order]
    group_start = np.empty(s1.size, dtype=bool)
    group_start[0] = True
    np.not_equal(s1[1:], s1[:-1], out=group_start[1:])
    group = np.cumsum(group_start) - 1
    group_best = np.maximum.reduceat(s2, np.flatnonzero(group_start))
    higher_best = np.empty(group_best.size)
    higher_best[0] = -np.inf
    np.maximum.accumulate(group_best[:-1], out=higher_best[1:])
    optimal = (higher_best[group] < s2) & (group_best[group] == s2)
    frontier = order[optimal][::-1]
    f1 = a[frontier]
    if np.any(f1[1:] == f1[:-1]):  # duplicates: restore index order among them
        frontier = frontier[np.lexsort((frontier, f1))]
    return frontier


def pareto_mask(u1: ArrayLike, u2: ArrayLike) -> NDArray[np.bool_]:
    """Boolean mask of the Pareto-optimal packages.

    ``mask[k]`` is True when no package ``j`` has ``u1[j] >= u1[k]`` and
    ``u2[j] >= u2[k]`` with one inequality strict. Identical utility pairs are all
    kept. Raises ``ValueError`` on NaN/infinite utilities or mismatched shapes.

    >>> pareto_mask([1.0, 2.0, 2.0, 0.0], [2.0, 1.0, 1.0, 0.0]).tolist()
    [True, True, True, False]
    """
    a, b = as_utility_arrays(u1, u2)
    mask = np.zeros(a.size, dtype=bool)
    mask[_frontier_ascending(a, b)] = True
    return mask


def pareto_frontier(u1: ArrayLike, u2: ArrayLike) -> NDArray[np.intp]:
    """Indices of the Pareto-optimal packages, ordered by ``u1`` ascending.

    Along the frontier ``u2`` then descends; duplicates appear in index order.
    Same tie policy and errors as `pareto_mask`.

    >>> pareto_frontier([3.0, 1.0, 2.0, 0.5], [1.0, 3.0, 2.0, 0.5]).tolist()
    [1, 2, 0]
    """
    a, b = as_utility_arrays(u1, u2)
    return _frontier_ascending(a, b)


def dense_ranks(values: ArrayLike) -> NDArray[np.float64]:
    """Dense ranks ``0, 1, ...`` of exactly comparable ``values`` (equal values, equal ranks), as doubles.

    >>> from fractions import Fraction
    >>> dense_ranks([Fraction(1, 3), 2, Fraction(2, 6)]).tolist()
    [0.0, 1.0, 0.0]
    """
    items = np.asarray(values, dtype=object).reshape(-1)
    _, inverse = np.unique(items, return_inverse=True)
    return inverse.reshape(-1).astype(np.float64)


def pareto_mask_exact(u1: ArrayLike, u2: ArrayLike) -> NDArray[np.bool_]:
    """:func:`pareto_mask` of exact utilities (integers, fractions): dominance on their dense ranks.

    >>> from fractions import Fraction
    >>> third = Fraction(1, 3)
    >>> pareto_mask_exact([third, Fraction(2, 6), 0], [1, Fraction(1, 2), 2]).tolist()
    [True, False, True]
    """
    a, b = np.asarray(u1, dtype=object).reshape(-1), np.asarray(u2, dtype=object).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"expected u1 and u2 of equal length, got {a.size} and {b.size}")
    return pareto_mask(dense_ranks(a), dense_ranks(b))
