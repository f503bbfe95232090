"""Per-path influence values of the valuation's estimates, for paired standard errors.

A party decides on the mean ``m = E[V]`` of its per-path values (USD bn), or, when risk averse
with CARA coefficient ``a``, on its certainty equivalent ``CE = -ln E[exp(-aV)]/a``.  Both are
smooth functions of sample means, so to first order each estimate is the mean of *influence
values* ``psi`` over the ``N`` common paths (delta method; van der Vaart 1998, *Asymptotic
Statistics*, ch. 3): ``psi = V`` for the mean and ``psi = -exp(-a(V - CE))/a`` for the certainty
equivalent (up to an additive constant, which no standard error sees).  A linear combination
``sum_j c_j est_j`` of estimates on the same paths then has the paired standard error
``sd(sum_j c_j psi_j)/sqrt(N)`` — the same figure as :meth:`zopa.value.Valuation.difference`
gives for a difference of two packages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zopa.threats.game import paired_se
from zopa.value import certainty_equivalent

__all__ = ["influence", "package_influence", "paired_se", "quantity_mean"]


def influence(samples: np.ndarray, risk_aversion: float | None = None) -> np.ndarray:
    """Influence values of the mean (``risk_aversion`` None or 0) or of the CARA certainty
    equivalent of per-path ``samples`` (last axis: paths).

    >>> x = np.array([1.0, 2.0, 3.0, 4.0])
    >>> bool(np.allclose(influence(x), x))
    True
    >>> from zopa.value import estimate  # the CE's delta-method standard error, as zopa.value has it
    >>> bool(np.isclose(paired_se(influence(x, 0.5)), estimate(x, 0.5).ce_se))
    True
    """
    x = np.asarray(samples, dtype=float)
    if not risk_aversion:
        return x
    a = float(risk_aversion)
    ce = certainty_equivalent(x, a)
    return -np.exp(-a * (x - ce)) / a


def package_influence(valuation: Any, package: str, party: str) -> np.ndarray:
    """Influence values of ``package``'s value to ``party`` under its own beliefs."""
    return influence(valuation.values[(package, party, party)], valuation.risk_aversion(party))


def quantity_mean(quantity: Any, party: str) -> float:
    """A scenario quantity's mean under ``party``'s beliefs (0 when it is absent)."""
    return float(quantity.for_party(party).mean()) if quantity is not None else 0.0
