"""Global (variance-based) sensitivity: Sobol' indices with SALib's Saltelli scheme.

For an output Y = f(X₁, …, X_k) with independent inputs, the first-order index of X_i is

    S1_i = Var(E[Y | X_i]) / Var(Y)

(the share of variance X_i explains alone) and the total-order index is

    ST_i = E[Var(Y | X_~i)] / Var(Y)

(the share left unexplained once every other input is fixed, interactions included).
ST_i − S1_i measures X_i's interactions; Σ S1_i = 1 for an additive model.

SALib's Sobol' sampler draws a scrambled Sobol' sequence of 2k dimensions on the unit cube and
builds the Saltelli matrices A, B and A_B^(i), n_base·(k + 2) rows (n_base·(2k + 2) with
second-order indices).  Each unit coordinate u is mapped through the input's inverse CDF, the
whole matrix goes to the batch evaluator in one call (or ``ceil(rows / max_batch)`` calls), and
SALib's estimators (Saltelli 2010 for S1, Jansen for ST) give the indices with bootstrap
confidence intervals.  Monte Carlo noise in the evaluator's outputs adds variance explained by no
input, so it lowers S1 and raises ST − S1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from SALib.analyze import sobol as salib_analyze
from SALib.sample import sobol as salib_sample
from scipy import stats

from zopa.results import Provenance
from zopa.sensitivity.tornado import BatchEvaluator, evaluate_batch

# number of parameters and their meaning, per distribution
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "unif": ("low", "high"),
    "logunif": ("low", "high"),
    "norm": ("mean", "sd"),
    "lognorm": ("log_mean", "log_sd"),
    "truncnorm": ("low", "high", "mean", "sd"),
    "triang": ("low", "mode", "high"),
}

_U_EPS = 1e-12  # keeps unbounded inverse CDFs finite at u = 0 or 1


class SobolError(ValueError):
    """Bad input to, or unusable output from, a Sobol' analysis."""


@dataclass(frozen=True)
class SobolInput:
    """An input and its distribution.

    ``params`` by ``dist``: unif (low, high); logunif (low, high), 0 < low; norm (mean, sd);
    lognorm (log_mean, log_sd) of ln X; truncnorm (low, high, mean, sd); triang (low, mode, high).
    """

    name: str
    dist: str = "unif"
    params: tuple[float, ...] = (0.0, 1.0)
    label: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise SobolError(f"input name must be a non-empty string, got {self.name!r}")
        if self.dist not in DISTRIBUTIONS:
            raise SobolError(f"{self.name}: dist must be one of {sorted(DISTRIBUTIONS)}, got {self.dist!r}")
        expected = DISTRIBUTIONS[self.dist]
        try:
            params = tuple(float(p) for p in self.params)
        except (TypeError, ValueError):
            raise SobolError(f"{self.name}: params must be numbers {expected}, got {self.params!r}") from None
        object.__setattr__(self, "params", params)
        if len(params) != len(expected) or not all(math.isfinite(p) for p in params):
            raise SobolError(f"{self.name}: {self.dist} needs finite params {expected}, got {self.params!r}")
        if not _valid_params(self.dist, params):
            raise SobolError(f"{self.name}: invalid {self.dist} params {dict(zip(expected, params, strict=True))}")

    @property
    def display(self) -> str:
        """The label if given, else the dotted name."""
        return self.label or self.name

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: maps uniform u ∈ [0, 1] to this input's distribution."""
        u = np.clip(u, _U_EPS, 1.0 - _U_EPS)
        p = self.params
        match self.dist:
            case "unif":
                return p[0] + u * (p[1] - p[0])
            case "logunif":
                return np.exp(np.log(p[0]) + u * (np.log(p[1]) - np.log(p[0])))
            case "norm":
                return stats.norm.ppf(u, loc=p[0], scale=p[1])
            case "lognorm":
                return np.exp(stats.norm.ppf(u, loc=p[0], scale=p[1]))
            case "truncnorm":
                lo, hi, mean, sd = p
                return stats.truncnorm.ppf(u, (lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd)
            case _:  # triang
                lo, mode, hi = p
                return stats.triang.ppf(u, c=(mode - lo) / (hi - lo), loc=lo, scale=hi - lo)


@dataclass(frozen=True)
class SobolProblem:
    """The inputs of a Sobol' analysis, assumed independent."""

    inputs: tuple[SobolInput, ...]

    def __post_init__(self) -> None:
        inputs = tuple(self.inputs)
        object.__setattr__(self, "inputs", inputs)
        if not inputs or not all(isinstance(x, SobolInput) for x in inputs):
            raise SobolError("a SobolProblem needs one or more SobolInput values")
        names = [x.name for x in inputs]
        if len(set(names)) != len(names):
            repeated = sorted({n for n in names if names.count(n) > 1})
            raise SobolError(f"input names must be unique, repeated: {repeated}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(x.name for x in self.inputs)

    def salib_problem(self) -> dict[str, object]:
        """SALib's problem dict on the unit cube (inverse CDFs are applied by :meth:`transform`)."""
        k = len(self.inputs)
        return {"num_vars": k, "names": list(self.names), "bounds": [[0.0, 1.0]] * k}

    def transform(self, unit: np.ndarray) -> np.ndarray:
        """Map an (n, k) sample of the unit cube to input values, column by column."""
        return np.column_stack([x.ppf(unit[:, i]) for i, x in enumerate(self.inputs)])


def uniform_problem(bounds: Mapping[str, tuple[float, float]]) -> SobolProblem:
    """A problem with each input uniform on its (low, high) bounds.

    >>> uniform_problem({"a": (0, 1), "b": (2, 4)}).inputs[1].params
    (2.0, 4.0)
    """
    return SobolProblem(tuple(SobolInput(name, "unif", tuple(b)) for name, b in bounds.items()))


def _valid_params(dist: str, p: tuple[float, ...]) -> bool:
    """Whether ``p`` (already of the right length) are valid parameters of ``dist``."""
    if dist == "unif":
        return p[0] < p[1]
    if dist == "logunif":
        return 0 < p[0] < p[1]
    if dist in ("norm", "lognorm"):
        return p[1] > 0
    if dist == "truncnorm":
        return p[0] < p[1] and p[3] > 0
    if dist == "triang":
        return p[0] <= p[1] <= p[2] and p[0] < p[2]
    return False


@dataclass(frozen=True)
class SobolIndices:
    """Indices of one output, arrays aligned with the problem's inputs.

    S2 and S2_conf are k × k (upper triangle filled, NaN elsewhere) when second order was asked.
    """

    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    S2: np.ndarray | None = None
    S2_conf: np.ndarray | None = None


@dataclass(frozen=True)
class SobolResult:
    """Sobol' indices per output, with how they were obtained."""

    problem: SobolProblem
    outputs: tuple[str, ...]
    indices: dict[str, SobolIndices] = field(repr=False)
    n_base: int
    n_evaluations: int
    n_calls: int
    seed: int
    confidence_level: float
    provenance: Provenance | None = field(default=None, compare=False)

    def __getitem__(self, output: str) -> SobolIndices:
        if output not in self.indices:
            raise SobolError(f"unknown output {output!r}; have {list(self.outputs)}")
        return self.indices[output]

    def to_rows(self, output: str) -> list[dict[str, str | float]]:
        """One dict per input (input, label, S1, S1_conf, ST, ST_conf), largest ST first."""
        ix = self[output]
        order = sorted(range(len(self.problem.inputs)), key=lambda i: -float(ix.ST[i]))
        rows: list[dict[str, str | float]] = [
            {
                "input": x.name,
                "label": x.display,
                "S1": float(ix.S1[i]),
                "S1_conf": float(ix.S1_conf[i]),
                "ST": float(ix.ST[i]),
                "ST_conf": float(ix.ST_conf[i]),
            }
            for i, x in ((i, self.problem.inputs[i]) for i in order)
        ]
        return rows


def _check_args(n_base: int, seed: int, confidence_level: float, num_resamples: int, max_batch: int | None) -> None:
    if isinstance(n_base, bool) or not isinstance(n_base, int) or n_base < 2 or n_base & (n_base - 1):
        raise SobolError(f"n_base must be a power of two ≥ 2, got {n_base!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SobolError(f"seed must be a non-negative integer, got {seed!r}")
    if not 0.0 < confidence_level < 1.0:
        raise SobolError(f"confidence_level must lie in (0, 1), got {confidence_level!r}")
    if not isinstance(num_resamples, int) or num_resamples < 2:
        raise SobolError(f"num_resamples must be an integer ≥ 2, got {num_resamples!r}")
    if max_batch is not None and (not isinstance(max_batch, int) or max_batch < 1):
        raise SobolError(f"max_batch must be a positive integer or None, got {max_batch!r}")


def sobol_indices(
    evaluate: BatchEvaluator,
    problem: SobolProblem,
    n_base: int = 1024,
    seed: int = 0,
    outputs: Sequence[str] | None = None,
    calc_second_order: bool = False,
    confidence_level: float = 0.95,
    num_resamples: int = 100,
    max_batch: int | None = None,
) -> SobolResult:
    """Sobol' indices of each output, from n_base·(k + 2) model runs in ⌈rows / max_batch⌉ calls.

    ``seed`` fixes both the Sobol' scrambling and the bootstrap behind the confidence intervals,
    so a seed reproduces the result exactly.  An output with zero variance depends on no input
    and gets all indices 0.

    >>> p = uniform_problem({"x1": (0, 1), "x2": (0, 1)})
    >>> res = sobol_indices(lambda o: {"y": 4 * o["x1"] + o["x2"]}, p, n_base=256)
    >>> res["y"].ST.round(1).tolist()  # variances 16/12 and 1/12 of 17/12
    [0.9, 0.1]
    """
    if not isinstance(problem, SobolProblem):
        raise SobolError(f"problem must be a SobolProblem, got {type(problem).__name__}")
    _check_args(n_base, seed, confidence_level, num_resamples, max_batch)
    if outputs is not None and isinstance(outputs, str):
        raise SobolError("outputs must be a sequence of names, not a single string")

    sample_seq, bootstrap_seq = np.random.SeedSequence(seed).spawn(2)
    salib_problem = problem.salib_problem()
    unit = salib_sample.sample(
        salib_problem,
        n_base,
        calc_second_order=calc_second_order,
        scramble=True,
        seed=np.random.default_rng(sample_seq),
    )
    x = problem.transform(unit)
    n_rows = x.shape[0]
    chunk = n_rows if max_batch is None else max_batch
    names: tuple[str, ...] | None = tuple(outputs) if outputs is not None else None
    pieces: list[dict[str, np.ndarray]] = []
    for start in range(0, n_rows, chunk):
        block = x[start : start + chunk]
        overrides = {name: block[:, i] for i, name in enumerate(problem.names)}
        names, values = evaluate_batch(evaluate, overrides, names)
        pieces.append(values)
    assert names is not None
    # SALib only seeds its bootstrap for a truthy seed; force a non-zero one
    bootstrap_seed = int(bootstrap_seq.generate_state(1, np.uint64)[0]) | 1

    k = len(problem.inputs)
    indices: dict[str, SobolIndices] = {}
    for out in names:
        y = np.concatenate([p[out] for p in pieces])
        bad = int(np.count_nonzero(~np.isfinite(y)))
        if bad:
            raise SobolError(f"output {out!r} has {bad} non-finite values of {n_rows}; Sobol' indices need finite ones")
        if np.ptp(y) == 0.0:
            zeros = np.zeros(k)
            square = np.where(np.triu(np.ones((k, k)), 1) > 0, 0.0, np.nan) if calc_second_order else None
            indices[out] = SobolIndices(zeros, zeros, zeros, zeros, square, square)
            continue
        si = salib_analyze.analyze(
            salib_problem,
            y,
            calc_second_order=calc_second_order,
            num_resamples=num_resamples,
            conf_level=confidence_level,
            seed=bootstrap_seed,
        )
        indices[out] = SobolIndices(
            S1=np.asarray(si["S1"], dtype=float),
            S1_conf=np.asarray(si["S1_conf"], dtype=float),
            ST=np.asarray(si["ST"], dtype=float),
            ST_conf=np.asarray(si["ST_conf"], dtype=float),
            S2=np.asarray(si["S2"], dtype=float) if calc_second_order else None,
            S2_conf=np.asarray(si["S2_conf"], dtype=float) if calc_second_order else None,
        )
    return SobolResult(
        problem=problem,
        outputs=names,
        indices=indices,
        n_base=n_base,
        n_evaluations=n_rows,
        n_calls=len(pieces),
        seed=seed,
        confidence_level=confidence_level,
        provenance=Provenance("Sobol' indices (Saltelli design, SALib)",
                              {"n_base": n_base, "second_order": calc_second_order,
                               "confidence_level": confidence_level, "num_resamples": num_resamples,
                               "evaluations": n_rows}, seed, 0),
    )


def sobol_figure(result: SobolResult, output: str, title: str | None = None) -> go.Figure:
    """Grouped bars of S1 and ST per input (largest ST first) with confidence-interval error bars."""
    rows = result.to_rows(output)
    labels = [r["label"] for r in rows]
    fig = go.Figure()
    for key, name, colour in (("S1", "first order S1", "#1f77b4"), ("ST", "total order ST", "#ff7f0e")):
        fig.add_trace(
            go.Bar(
                name=name,
                x=labels,
                y=[r[key] for r in rows],
                error_y={"type": "data", "array": [r[f"{key}_conf"] for r in rows], "visible": True},
                marker={"color": colour},
            )
        )
    pct = round(100 * result.confidence_level)
    fig.update_layout(
        barmode="group",
        title=title or f"Sobol' indices: {output} (n_base={result.n_base}, {pct}% intervals)",
        yaxis_title="index",
    )
    return fig
