"""Sensitivity analysis and sweeps over plain callables.

- :mod:`~zopa.sensitivity.tornado`: one-at-a-time swings of each input over its range.
- :mod:`~zopa.sensitivity.sobol`: variance-based global indices (SALib).
- :mod:`~zopa.sensitivity.beliefgap`: outputs as one parameter set moves toward another.
- :mod:`~zopa.sensitivity.sweep`: resumable parameter sweeps of a point function on Dask.

The first three call a batch evaluator ``evaluate(overrides) -> outputs`` (M aligned values per
input in, M values per output out) in as few calls as possible; sweeps call a picklable point
function ``point(params, seed) -> outputs`` once per grid point, on Dask workers.

The Sobol' names load on first use (PEP 562): SALib pulls in SciPy and pandas, which Dask
workers that only run sweep points need not import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from zopa.sensitivity.beliefgap import BeliefGapError, BeliefGapResult, belief_gap_curve, interpolate_beliefs
from zopa.sensitivity.sweep import PointRecord, SweepResult, local_client, point_seed, run_sweep
from zopa.sensitivity.sweep_grid import (
    GridMismatchError,
    SweepError,
    SweepFileError,
    SweepSpec,
    grid_from_vary,
    load_sweep_file,
    sample_grid,
)
from zopa.sensitivity.tornado import (
    BatchEvaluator,
    EvaluationError,
    InputRange,
    TornadoError,
    TornadoResult,
    TornadoRow,
    tornado,
    tornado_figure,
)

if TYPE_CHECKING:
    from zopa.sensitivity.sobol import (
        SobolError,
        SobolIndices,
        SobolInput,
        SobolProblem,
        SobolResult,
        sobol_figure,
        sobol_indices,
        uniform_problem,
    )

_SOBOL = (
    "SobolError",
    "SobolIndices",
    "SobolInput",
    "SobolProblem",
    "SobolResult",
    "sobol_figure",
    "sobol_indices",
    "uniform_problem",
)

__all__ = [
    "BatchEvaluator",
    "BeliefGapError",
    "BeliefGapResult",
    "EvaluationError",
    "GridMismatchError",
    "InputRange",
    "PointRecord",
    "SweepError",
    "SweepFileError",
    "SweepResult",
    "SweepSpec",
    "TornadoError",
    "TornadoResult",
    "TornadoRow",
    "belief_gap_curve",
    "grid_from_vary",
    "interpolate_beliefs",
    "load_sweep_file",
    "local_client",
    "point_seed",
    "run_sweep",
    "sample_grid",
    "tornado",
    "tornado_figure",
    *_SOBOL,
]


def __getattr__(name: str) -> Any:
    if name not in _SOBOL:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("zopa.sensitivity.sobol"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
