"""Monte Carlo noise: one policy for deciding that an estimate is clear of its standard error.

An estimate ``x`` with Monte Carlo standard error ``s`` (both in the estimate's own units, e.g.
USD bn of present value) is, under a policy with multiple ``z``,

* *clear of the noise* (positive beyond doubt) when ``x > z s``;
* *clearly negative* when ``x < -z s``, i.e. when ``-x`` is clear of the noise;
* *within noise* when ``|x| < z s``: strictly inside the band, so that an exact figure
  (``s = 0``) is never noise, and a tie with a zero margin is a tie, not noise.

The sign ``sign(x, s)`` is ``+1``, ``-1`` or ``0`` accordingly (``0`` on ``|x| <= z s``). The
default policy :data:`NOISE` has ``z = 2`` (about a 2.3% one-sided false-positive rate for normal
errors). Every "robust", "near", "significant" or "within noise" decision of the engine goes
through it, so that they all use the same ``z``; :data:`NOISE_Z`, :func:`clear_of_noise` and
:func:`noise_sign` are the same rule under their older names.

With a NaN standard error nothing is clear and nothing is within noise (every comparison with NaN
is false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NOISE", "NOISE_Z", "NoisePolicy", "clear_of_noise", "noise_sign"]


def _as_array(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=np.float64)


def _scalar_inputs(*xs: object) -> bool:
    """Whether no input is an array (then a 0-d result is returned as a plain Python scalar)."""
    return not any(isinstance(x, np.ndarray) or isinstance(x, (list, tuple)) for x in xs)


@dataclass(frozen=True)
class NoisePolicy:
    """How many standard errors ``z`` an estimate must clear to count as nonzero (module docstring).

    >>> p = NoisePolicy(2.0)
    >>> p.clear(1.0, 0.4), p.clear(1.0, 0.6), p.clear(0.1, 0.0)
    (True, False, True)
    >>> p.sign(-1.0, 0.1), p.within(0.5, 0.3), p.within(0.0, 0.0)
    (-1, True, False)
    >>> p.clear([3.0, -3.0], [1.0, 1.0]).tolist()
    [True, False]
    >>> p.describe(), NoisePolicy(1.5).describe("SE")
    ('more than 2 standard errors', 'more than 1.5 SE')
    """

    z: float = 2.0

    def __post_init__(self) -> None:
        if isinstance(self.z, bool) or not isinstance(self.z, (int, float)) or not math.isfinite(self.z) or self.z < 0:
            raise ValueError(f"the noise multiple z must be a finite number >= 0, got {self.z!r}")
        object.__setattr__(self, "z", float(self.z))

    @overload
    def clear(self, value: float, se: float) -> bool: ...
    @overload
    def clear(self, value: NDArray[Any], se: ArrayLike) -> NDArray[np.bool_]: ...
    @overload
    def clear(self, value: ArrayLike, se: NDArray[Any]) -> NDArray[np.bool_]: ...
    @overload
    def clear(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.bool_] | bool: ...

    def clear(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.bool_] | bool:
        """Whether ``value > z · se`` (elementwise; a plain bool when neither input is an array)."""
        out = _as_array(value) > self.z * _as_array(se)
        return bool(out) if out.ndim == 0 and _scalar_inputs(value, se) else out

    @overload
    def sign(self, value: float, se: float) -> int: ...
    @overload
    def sign(self, value: NDArray[Any], se: ArrayLike) -> NDArray[np.int8]: ...
    @overload
    def sign(self, value: ArrayLike, se: NDArray[Any]) -> NDArray[np.int8]: ...
    @overload
    def sign(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.int8] | int: ...

    def sign(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.int8] | int:
        """``+1`` where ``value > z·se``, ``-1`` where ``value < -z·se``, ``0`` in between (elementwise)."""
        v, s = _as_array(value), _as_array(se)
        out = np.where(v > self.z * s, 1, np.where(-v > self.z * s, -1, 0)).astype(np.int8)
        return int(out) if out.ndim == 0 and _scalar_inputs(value, se) else out

    @overload
    def within(self, value: float, se: float) -> bool: ...
    @overload
    def within(self, value: NDArray[Any], se: ArrayLike) -> NDArray[np.bool_]: ...
    @overload
    def within(self, value: ArrayLike, se: NDArray[Any]) -> NDArray[np.bool_]: ...
    @overload
    def within(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.bool_] | bool: ...

    def within(self, value: ArrayLike, se: ArrayLike) -> NDArray[np.bool_] | bool:
        """Whether ``|value| < z · se``: strictly inside the noise band (never for ``se = 0``)."""
        with np.errstate(invalid="ignore"):
            out = np.abs(_as_array(value)) < self.z * _as_array(se)
        return bool(out) if out.ndim == 0 and _scalar_inputs(value, se) else out

    def describe(self, unit: str = "standard errors") -> str:
        """The rule in words, e.g. ``"more than 2 standard errors"``."""
        return f"more than {self.z:g} {unit}"

    def band(self, unit: str = "SE") -> str:
        """The width of the noise band in words, e.g. ``"±2 SE"`` (for error bars)."""
        return f"±{self.z:g} {unit}"


#: The engine's noise policy: gains smaller than two standard errors are within noise.
NOISE = NoisePolicy(2.0)

#: The policy's multiple ``z`` (older name).
NOISE_Z = NOISE.z


def clear_of_noise(value: ArrayLike, se: ArrayLike, z: float = NOISE_Z) -> NDArray[np.bool_] | bool:
    """Whether ``value > z * se`` (elementwise; a plain bool for scalars): :meth:`NoisePolicy.clear`.

    >>> clear_of_noise(1.0, 0.4), clear_of_noise(1.0, 0.6), clear_of_noise(0.1, 0.0)
    (True, False, True)
    >>> clear_of_noise([3.0, -3.0], [1.0, 1.0]).tolist()
    [True, False]
    """
    return (NOISE if z == NOISE.z else NoisePolicy(z)).clear(value, se)


def noise_sign(value: float, se: float, z: float = NOISE_Z) -> int:
    """``+1`` when ``value`` is clearly positive, ``-1`` when clearly negative, ``0`` within noise:
    :meth:`NoisePolicy.sign`.

    >>> noise_sign(1.0, 0.1), noise_sign(-1.0, 0.1), noise_sign(0.1, 0.1)
    (1, -1, 0)
    """
    return (NOISE if z == NOISE.z else NoisePolicy(z)).sign(float(value), float(se))
