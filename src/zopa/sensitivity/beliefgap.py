"""Belief-gap curves: move one parameter set linearly toward another and watch the outputs.

For parameter sets a and b over the same names and fractions t₁ … t_M in [0, 1], the overrides
batch holds, for each name p,

    x_p(t) = (1 − t)·a_p + t·b_p,

which equals a_p exactly at t = 0 and b_p exactly at t = 1.  All M points go to the batch
evaluator in one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from zopa.results import Provenance
from zopa.sensitivity.tornado import SE_SUFFIX, BatchEvaluator, evaluate_batch


class BeliefGapError(ValueError):
    """Bad input to a belief-gap interpolation."""


def _check_params(which: str, params: Mapping[str, float]) -> None:
    if not isinstance(params, Mapping) or not params:
        raise BeliefGapError(f"{which} must be a non-empty mapping of parameter name to number")
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise BeliefGapError(f"{which}[{name!r}] must be a real number, got {value!r}")
        if not math.isfinite(value):
            raise BeliefGapError(f"{which}[{name!r}] must be finite, got {value!r}")


def interpolate_beliefs(
    a: Mapping[str, float],
    b: Mapping[str, float],
    fractions: Sequence[float],
) -> dict[str, np.ndarray]:
    """Overrides batch moving ``a`` toward ``b``: x(t) = (1 − t)·a + t·b for each fraction t.

    >>> o = interpolate_beliefs({"g": 0.1, "r": 5.0}, {"g": 0.3, "r": 4.0}, [0, 0.5, 1])
    >>> o["g"].tolist(), o["r"].tolist()
    ([0.1, 0.2, 0.3], [5.0, 4.5, 4.0])
    """
    _check_params("a", a)
    _check_params("b", b)
    if set(a) != set(b):
        raise BeliefGapError(
            f"a and b must name the same parameters; only in a: {sorted(set(a) - set(b))}, "
            f"only in b: {sorted(set(b) - set(a))}"
        )
    try:
        t = np.asarray(fractions, dtype=float)
    except (TypeError, ValueError):
        raise BeliefGapError(f"fractions must be numbers, got {fractions!r}") from None
    if t.ndim != 1 or t.size == 0:
        raise BeliefGapError(f"fractions must be a non-empty 1-D sequence, got shape {t.shape}")
    if not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(t > 1):
        raise BeliefGapError(f"fractions must lie in [0, 1], got {t.tolist()}")
    out = {}
    for name in a:  # a few named parameters
        lo, hi = sorted((float(a[name]), float(b[name])))
        out[name] = np.clip((1.0 - t) * float(a[name]) + t * float(b[name]), lo, hi)  # no rounding past an end
    return out


@dataclass(frozen=True)
class BeliefGapResult:
    """Outputs along the path from ``a`` (fraction 0) to ``b`` (fraction 1).

    ``overrides[p][j]`` and ``values[y][j]`` belong to ``fractions[j]``; ``values`` also holds
    ``.se`` companions where the evaluator returned them.  ``provenance``: how the evaluator
    computed its outputs (seed, paths), when it says.
    """

    fractions: np.ndarray
    overrides: dict[str, np.ndarray] = field(repr=False)
    outputs: tuple[str, ...]
    values: dict[str, np.ndarray] = field(repr=False)
    provenance: Provenance | None = field(default=None, compare=False)

    def to_rows(self) -> list[dict[str, float]]:
        """One flat dict per fraction: the fraction, each parameter, each output (and SE)."""
        columns = {"fraction": self.fractions, **self.overrides}
        for out in self.outputs:
            columns[out] = self.values[out]
            if out + SE_SUFFIX in self.values:
                columns[out + SE_SUFFIX] = self.values[out + SE_SUFFIX]
        return [
            {name: float(col[j]) for name, col in columns.items()} for j in range(len(self.fractions))
        ]


def belief_gap_curve(
    evaluate: BatchEvaluator,
    a: Mapping[str, float],
    b: Mapping[str, float],
    fractions: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    outputs: Sequence[str] | None = None,
    provenance: Provenance | None = None,
) -> BeliefGapResult:
    """Evaluate the outputs at each fraction of the way from ``a`` to ``b`` in one batch call
    (``provenance``: how ``evaluate`` computes its outputs, recorded as method ``"belief gap"``).

    >>> res = belief_gap_curve(lambda o: {"gap": o["g"] * 10}, {"g": 0.0}, {"g": 1.0}, [0, 0.5, 1])
    >>> [row["gap"] for row in res.to_rows()]
    [0.0, 5.0, 10.0]
    """
    overrides = interpolate_beliefs(a, b, fractions)
    names, values = evaluate_batch(evaluate, overrides, outputs)
    return BeliefGapResult(
        fractions=np.asarray(fractions, dtype=float),
        overrides=overrides,
        outputs=names,
        values=values,
        provenance=None if provenance is None else provenance.derived(
            "belief gap", fractions=tuple(float(t) for t in fractions)),
    )
