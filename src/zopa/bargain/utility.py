"""Expected utility of a party with constant absolute risk aversion (CARA).

A party with CARA coefficient ``a > 0`` (per unit of value, e.g. per USD bn) ranks risky values
``V`` by ``E[u(V)]`` with the (normalised) utility

    u(c) = (1 - e^{-a c}) / a,        u(0) = 0,  u'(0) = 1,  u(c) -> c as a -> 0.

Its certainty equivalent is ``CE = u^{-1}(E[u(V)]) = -ln E[e^{-aV}] / a``, so the expected utility of a
package is ``u(CE)``: the dollar figure the analysis decides on, mapped through ``u``.

Nash bargaining is defined on utilities, not on dollars (Nash 1950). It is invariant to positive
affine maps of each party's utility, and CARA has the translation property

    u(d + g) - u(d) = e^{-a d} u(g),

so the Nash product of utility gains over the disagreement CEs ``d`` is, up to the positive factor
``e^{-a d}``, the product of ``u(g)`` with ``g = CE - d`` the dollar gain. That is why the solutions
work on ``cara_utility(gain, a)`` and never need the level ``d`` (nor risk the overflow of
``e^{-a d}``).

Kihlstrom, Roth & Schmeidler (1981): the Nash solution gives a party less the more risk averse it is.
Splitting a sure pie ``S`` (disagreement 0) between a CARA party 1 (``u1(x) = (1 - e^{-ax})/a``) and a
risk-neutral party 2 (``u2 = S - x``), the weighted Nash solution with weight ``w`` maximises
``w ln u1(x) + (1 - w) ln(S - x)``; its first-order condition ``w u1'(x) / u1(x) = (1 - w) / (S - x)``
with ``u1' = e^{-ax}`` gives, for ``k = w / (1 - w)``,

    e^{a x} = 1 + k a (S - x).

With ``y = 1 + k a (S - x)`` this is ``(y/k) e^{y/k} = e^{aS + 1/k} / k``, so
``y = k W(e^{aS + 1/k} / k) = k ω(aS + 1/k - ln k)`` (Lambert's ``W``; Wright's ``ω(z) = W(e^z)``
avoids overflow) and

    x = S - (y - 1) / (k a).

Equivalently ``t = y - 1`` solves ``t/k + ln(1 + t) = aS`` (used to polish the closed form). For ``w = 1/2``: ``x = S - (W(e^{1 + aS}) - 1) / a``, which tends to ``S/2`` as ``a -> 0``
(``W(e^{1+ε}) ≈ 1 + ε/2``) and falls with ``a``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp, wrightomega

__all__ = [
    "cara_certainty_equivalent",
    "cara_inverse",
    "cara_nash_share",
    "cara_utility",
]


def _coefficient(a: float | None) -> float:
    if a is None:
        return 0.0
    a = float(a)
    if not (math.isfinite(a) and a >= 0.0):
        raise ValueError(f"expected a risk aversion a >= 0 (or None), got {a}")
    return a


def cara_utility(values: ArrayLike, a: float | None) -> NDArray[np.float64]:
    """CARA utility ``u(c) = (1 - e^{-a c}) / a`` of dollar values ``c`` (``a`` None or 0: ``u(c) = c``).

    Computed as ``-expm1(-a c) / a``, exact to rounding for small ``a c``. Monotone increasing, so it
    never changes which packages are rational or Pareto optimal.

    >>> cara_utility([0.0, 1.0], None).tolist()
    [0.0, 1.0]
    >>> round(float(cara_utility(1.0, 1.0)), 6)  # 1 - 1/e
    0.632121
    >>> round(float(cara_utility(2.0, 1e-9)), 6)  # -> c as a -> 0 (here 2 - a c^2/2)
    2.0
    """
    c = np.asarray(values, dtype=np.float64)
    a = _coefficient(a)
    if a == 0.0:
        return c
    return -np.expm1(-a * c) / a


def cara_inverse(utilities: ArrayLike, a: float | None) -> NDArray[np.float64]:
    """Dollar value whose CARA utility is ``u``: ``c = -ln(1 - a u) / a`` (needs ``a u < 1``;
    ill-conditioned where ``u`` is flat, ``a c >> 1``).

    >>> round(float(cara_inverse(cara_utility(3.0, 0.5), 0.5)), 12)
    3.0
    >>> cara_inverse([1.5], 0).tolist()
    [1.5]
    """
    u = np.asarray(utilities, dtype=np.float64)
    a = _coefficient(a)
    if a == 0.0:
        return u
    if np.any(a * u >= 1.0):
        raise ValueError(f"CARA utilities are below 1/a = {1 / a}; got a value at or above it")
    return -np.log1p(-a * u) / a


def cara_certainty_equivalent(samples: ArrayLike, a: float | None, axis: int = 0) -> NDArray[np.float64]:
    """Certainty equivalent ``-ln mean(e^{-aV}) / a`` along ``axis`` (log-sum-exp), the mean when
    ``a`` is None or 0.

    >>> float(cara_certainty_equivalent([0.0, 2.0], None))
    1.0
    >>> round(float(cara_certainty_equivalent([0.0, 2.0], 1.0)), 6)  # -ln((1 + e^-2)/2)
    0.566219
    """
    v = np.asarray(samples, dtype=np.float64)
    a = _coefficient(a)
    if a == 0.0:
        return np.asarray(v.mean(axis=axis))
    n = v.shape[axis]
    return np.asarray(-(logsumexp(-a * v, axis=axis) - math.log(n)) / a)


def cara_nash_share(pie: float, a: float | None, weight: float = 0.5) -> float:
    """Weighted Nash split of a sure ``pie`` (disagreement 0): what a CARA party 1 (weight ``w``)
    gets from a risk-neutral party 2, ``x = S - (k ω(aS + 1/k - ln k) - 1) / (k a)``, ``k = w/(1-w)``
    (see the module docstring; Kihlstrom, Roth & Schmeidler 1981). ``a`` None or 0: ``x = w S``.

    >>> cara_nash_share(10.0, None)
    5.0
    >>> round(cara_nash_share(10.0, 0.2), 6)  # S - (W(e^3) - 1)/a
    3.9603
    """
    pie = float(pie)
    if not (math.isfinite(pie) and pie > 0.0):
        raise ValueError(f"expected a positive, finite pie, got {pie}")
    w = float(weight)
    if not 0.0 < w < 1.0:
        raise ValueError(f"expected a Nash weight strictly between 0 and 1, got {w}")
    a = _coefficient(a)
    if a == 0.0:
        return w * pie
    k = w / (1.0 - w)
    target = a * pie
    # t = y - 1 = k a (S - x) solves t/k + ln(1 + t) = aS; the closed form t = k ω(aS + 1/k - ln k) - 1
    # loses digits to cancellation when aS is small, so two Newton steps on log1p polish it.
    t = k * float(np.real(wrightomega(target + 1.0 / k - math.log(k)))) - 1.0
    for _ in range(2):
        t -= (t / k + math.log1p(t) - target) / (1.0 / k + 1.0 / (1.0 + t))
    x = pie - t / (k * a)
    return min(max(x, 0.0), pie)
