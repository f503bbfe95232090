"""Zone of possible agreement (ZOPA) for two parties over a finite set of packages.

A package is *individually rational* when each party gets at least its
disagreement (BATNA) value: ``u1 >= d1`` and ``u2 >= d2``. The comparison is
weak (``>=``): a package worth exactly a party's BATNA is acceptable to it. The
ZOPA is the set of individually rational packages; it exists when that set is
non-empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zopa.bargain.frontier import as_disagreement, as_utility_arrays, pareto_frontier

__all__ = ["ZopaSummary", "rational_frontier", "summarize_zopa", "zopa_mask"]


def zopa_mask(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> NDArray[np.bool_]:
    """Mask of the individually rational packages: ``u1 >= d1`` and ``u2 >= d2``.

    >>> zopa_mask([1.0, 2.0, 3.0], [3.0, 2.0, 0.5], 1.5, 1.0).tolist()
    [False, True, False]
    """
    a, b = as_utility_arrays(u1, u2)
    d1, d2 = as_disagreement(d1, d2)
    return (a >= d1) & (b >= d2)


def rational_frontier(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> NDArray[np.intp]:
    """Indices of the Pareto-optimal rational packages, ordered by ``u1`` ascending.

    A rational package dominated by another package is dominated by a rational
    one, so this is the Pareto frontier restricted to the ZOPA.
    """
    a, b = as_utility_arrays(u1, u2)
    rational = np.flatnonzero(zopa_mask(a, b, d1, d2))
    return rational[pareto_frontier(a[rational], b[rational])]


@dataclass(frozen=True)
class ZopaSummary:
    """Size and shape of the ZOPA, in the parties' utility units.

    Attributes:
        exists: True when at least one package is individually rational.
        count: number of individually rational packages.
        area: area of ``{x : d <= x <= u(k)`` for some rational package ``k}``,
            the staircase under the rational Pareto frontier above ``d``
            (units of u1 times units of u2; 0 when no ZOPA exists).
        width_1: largest gain ``u1 - d1`` within the ZOPA (0 when none).
        width_2: largest gain ``u2 - d2`` within the ZOPA (0 when none).
        shortfall_index: when no ZOPA exists, the package minimising the total
            shortfall ``max(d1 - u1, 0) + max(d2 - u2, 0)`` (lowest index among
            ties); None when a ZOPA exists or there are no packages.
        shortfall: that minimal total shortfall (0 when a ZOPA exists, infinite
            when there are no packages): how much the BATNAs would have to fall,
            in total, for a deal to become possible.
    """

    exists: bool
    count: int
    area: float
    width_1: float
    width_2: float
    shortfall_index: int | None
    shortfall: float


def summarize_zopa(u1: ArrayLike, u2: ArrayLike, d1: float, d2: float) -> ZopaSummary:
    """Summarise the ZOPA of packages ``(u1, u2)`` against the disagreement point ``d``.

    With the rational frontier ``f_1 < f_2 < ... < f_m`` sorted by ``u1``, the area is
    ``sum_k (u1[f_k] - u1[f_{k-1}]) * (u2[f_k] - d2)`` with ``u1[f_0] = d1``.

    >>> s = summarize_zopa([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], 0.0, 0.0)
    >>> (s.exists, s.count, s.area, s.width_1, s.width_2)
    (True, 3, 6.0, 3.0, 3.0)
    >>> summarize_zopa([1.0, 3.0], [3.0, 1.0], 2.0, 2.5).shortfall
    1.0
    """
    a, b = as_utility_arrays(u1, u2)
    d1, d2 = as_disagreement(d1, d2)
    rational = zopa_mask(a, b, d1, d2)
    count = int(rational.sum())
    if count == 0:
        if a.size == 0:
            return ZopaSummary(False, 0, 0.0, 0.0, 0.0, None, float("inf"))
        total_shortfall = np.maximum(d1 - a, 0.0) + np.maximum(d2 - b, 0.0)
        k = int(np.argmin(total_shortfall))
        return ZopaSummary(False, 0, 0.0, 0.0, 0.0, k, float(total_shortfall[k]))
    frontier = rational_frontier(a, b, d1, d2)
    x, y = a[frontier], b[frontier]
    steps = np.diff(x, prepend=d1)
    area = float(np.dot(steps, y - d2))
    return ZopaSummary(True, count, area, float(x[-1] - d1), float(y[0] - d2), None, 0.0)
