"""Monte Carlo noise: one rule for deciding that an estimate is clear of its standard error.

An estimate ``x`` with standard error ``s`` is *clear of the noise* (positive beyond doubt) when

    x > z s,        z = NOISE_Z = 2 (about a 2.3% one-sided false-positive rate for normal errors).

With ``s = 0`` (exact values) this is ``x > 0``. Its mirror ``x < -z s`` is "clearly negative";
anything else is *within noise*. Every "robust", "near" or "within noise" decision of the analysis goes
through :func:`clear_of_noise` so that they all use the same ``z``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NOISE_Z", "clear_of_noise", "noise_sign"]

#: Gains smaller than this many standard errors are reported as within noise.
NOISE_Z = 2.0


def clear_of_noise(value: ArrayLike, se: ArrayLike, z: float = NOISE_Z) -> NDArray[np.bool_] | bool:
    """Whether ``value > z * se`` (elementwise; a plain bool for scalars).

    >>> clear_of_noise(1.0, 0.4), clear_of_noise(1.0, 0.6), clear_of_noise(0.1, 0.0)
    (True, False, True)
    >>> clear_of_noise([3.0, -3.0], [1.0, 1.0]).tolist()
    [True, False]
    """
    out = np.asarray(value, dtype=np.float64) > z * np.asarray(se, dtype=np.float64)
    return bool(out) if out.ndim == 0 else out


def noise_sign(value: float, se: float, z: float = NOISE_Z) -> int:
    """``+1`` when ``value`` is clearly positive, ``-1`` when clearly negative, ``0`` within noise.

    >>> noise_sign(1.0, 0.1), noise_sign(-1.0, 0.1), noise_sign(0.1, 0.1)
    (1, -1, 0)
    """
    if clear_of_noise(value, se, z):
        return 1
    if clear_of_noise(-value, se, z):
        return -1
    return 0
