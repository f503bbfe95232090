"""Sensitivity analysis and sweeps over plain callables.

- :mod:`~zopa.sensitivity.tornado`: one-at-a-time swings of each input over its range.
- :mod:`~zopa.sensitivity.sobol`: variance-based global indices (SALib).
- :mod:`~zopa.sensitivity.beliefgap`: outputs as one parameter set moves toward another.
- :mod:`~zopa.sensitivity.sweep`: resumable parameter sweeps of a point function on Dask.

The first three call a batch evaluator ``evaluate(overrides) -> outputs`` (M aligned values per
input in, M values per output out) in as few calls as possible; sweeps call a picklable point
function ``point(params, seed) -> outputs`` once per grid point, on Dask workers.

Every name loads on first use (PEP 562): SALib pulls in SciPy and pandas, which Dask workers
that only run sweep points need not import, and figures plotly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# bound now: the function ``tornado`` shares its module's name, which importing the module would
# otherwise leave on the package (the module needs only numpy)
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
    from zopa.sensitivity.beliefgap import BeliefGapError, BeliefGapResult, belief_gap_curve, interpolate_beliefs
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

#: Public name → the module that defines it (loaded on first use, PEP 562: SALib pulls in SciPy and
#: pandas, sweeps pyarrow, figures plotly; the main job's quick tornado needs none of them).
_HOME = {
    **dict.fromkeys(("BeliefGapError", "BeliefGapResult", "belief_gap_curve", "interpolate_beliefs"), "beliefgap"),
    **dict.fromkeys(("SobolError", "SobolIndices", "SobolInput", "SobolProblem", "SobolResult", "sobol_figure",
                     "sobol_indices", "uniform_problem"), "sobol"),
    **dict.fromkeys(("PointRecord", "SweepResult", "local_client", "point_seed", "run_sweep"), "sweep"),
    **dict.fromkeys(("GridMismatchError", "SweepError", "SweepFileError", "SweepSpec", "grid_from_vary",
                     "load_sweep_file", "sample_grid"), "sweep_grid"),
}

__all__ = sorted([*_HOME, "BatchEvaluator", "EvaluationError", "InputRange", "TornadoError", "TornadoResult",
                  "TornadoRow", "tornado", "tornado_figure"])


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"zopa.sensitivity.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
