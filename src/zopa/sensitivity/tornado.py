"""One-at-a-time (tornado) sensitivity against a batch evaluator.

A *batch evaluator* maps M aligned values of each overridden input to M values of each named
output::

    evaluate({"world.revenue.initial": array([...M...]), ...}) -> {"zopa.width": array([...M...]), ...}

An output ``"X.se"`` next to ``"X"`` is read as the Monte Carlo standard error of ``X``.

For k inputs with base values b_i and range (l_i, h_i), the tornado evaluates 2k + 1 points in a
single call: the base point x⁰ = b and, for each i, x⁰ with coordinate i set to l_i and to h_i.
For an output y the row of input i holds y(l_i), y(h_i) and the swing |y(h_i) − y(l_i)|; rows are
sorted by swing, largest first.  With standard errors s(l_i), s(h_i) the swing's standard error is
taken as √(s(l_i)² + s(h_i)²) (independent estimates; with common random numbers this
overstates it, so the noise flag is conservative) and a swing below ``z`` times that is *within noise*
(``z`` of the engine's noise policy, :data:`zopa.noise.NOISE`: 2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from zopa.noise import NOISE
from zopa.results import Provenance

if TYPE_CHECKING:
    import plotly.graph_objects as go

BatchEvaluator = Callable[[dict[str, np.ndarray]], Mapping[str, np.ndarray]]
"""``evaluate(overrides) -> outputs``: M aligned values per input in, M values per output out."""

SE_SUFFIX = ".se"
#: The noise policy's multiple (older name; the rule itself is :meth:`zopa.noise.NoisePolicy.within`).
NOISE_MULTIPLE = NOISE.z


class EvaluationError(ValueError):
    """A batch evaluator returned something other than M finite-shaped values per output."""


class TornadoError(ValueError):
    """Bad input to a tornado analysis."""


def output_names(returned: Mapping[str, np.ndarray]) -> tuple[str, ...]:
    """Outputs of an evaluator result, leaving out standard-error companions ``X.se`` of ``X``.

    >>> output_names({"a": 1, "a.se": 0.1, "b.se": 2})
    ('a', 'b.se')
    """
    return tuple(
        name
        for name in returned
        if not (name.endswith(SE_SUFFIX) and name[: -len(SE_SUFFIX)] in returned)
    )


def evaluate_batch(
    evaluate: BatchEvaluator,
    overrides: dict[str, np.ndarray],
    outputs: Sequence[str] | None,
) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """Call ``evaluate`` once and check it returned M values for every wanted output.

    Returns the output names (``outputs``, or every non-SE output returned when None) and a dict
    of float arrays of length M holding those outputs and whatever ``.se`` companions exist.
    """
    sizes = {len(v) for v in overrides.values()}
    if len(sizes) != 1:
        raise EvaluationError(f"overrides must all have one common length, got lengths {sorted(sizes)}")
    (m,) = sizes
    returned = evaluate({name: np.array(v, dtype=float) for name, v in overrides.items()})
    if not isinstance(returned, Mapping):
        raise EvaluationError(f"evaluate must return a mapping of output name to array, got {type(returned).__name__}")
    names = tuple(outputs) if outputs is not None else output_names(returned)
    if not names:
        raise EvaluationError("evaluate returned no outputs")
    missing = [n for n in names if n not in returned]
    if missing:
        raise EvaluationError(f"evaluate did not return requested outputs {missing}; it returned {sorted(returned)}")
    wanted = list(names) + [n + SE_SUFFIX for n in names if n + SE_SUFFIX in returned]
    result: dict[str, np.ndarray] = {}
    for name in wanted:
        try:
            arr = np.asarray(returned[name], dtype=float)
        except (TypeError, ValueError) as exc:
            raise EvaluationError(f"output {name!r} is not numeric: {exc}") from None
        if arr.shape != (m,):
            raise EvaluationError(f"output {name!r} must have shape ({m},), got {arr.shape}")
        result[name] = arr
    return names, result


@dataclass(frozen=True)
class InputRange:
    """An input named by a dotted path, with its base value and the (low, high) values to try.

    ``low`` need not be below ``base`` or ``high`` (a decreasing mapping is fine), but the two ends
    must differ and all three must be finite.
    """

    name: str
    base: float
    low: float
    high: float
    label: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TornadoError(f"input name must be a non-empty string, got {self.name!r}")
        for attr in ("base", "low", "high"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise TornadoError(f"{self.name}: {attr} must be a real number, got {value!r}")
            if not math.isfinite(value):
                raise TornadoError(f"{self.name}: {attr} must be finite, got {value!r}")
            object.__setattr__(self, attr, float(value))
        if self.low == self.high:
            raise TornadoError(f"{self.name}: low and high must differ, both are {self.low!r}")

    @property
    def display(self) -> str:
        """The label if given, else the dotted name."""
        return self.label or self.name


@dataclass(frozen=True)
class TornadoRow:
    """One input's effect on one output (SE fields are None when the evaluator gives no SE)."""

    input: str
    label: str
    input_base: float
    input_low: float
    input_high: float
    output_base: float
    output_low: float
    output_high: float
    swing: float
    se_base: float | None = None
    se_low: float | None = None
    se_high: float | None = None
    swing_se: float | None = None
    within_noise: bool | None = None

    def as_dict(self) -> dict[str, str | float | bool | None]:
        """The row as a flat dict, fields in declaration order."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class TornadoResult:
    """Rows per output, each tuple sorted by swing descending (NaN swings last).

    ``provenance``: how the evaluator computed its outputs (seed, paths, settings), when it says.
    """

    inputs: tuple[InputRange, ...]
    outputs: tuple[str, ...]
    rows: dict[str, tuple[TornadoRow, ...]] = field(repr=False)
    provenance: Provenance | None = field(default=None, compare=False)

    def _check(self, output: str) -> None:
        if output not in self.rows:
            raise TornadoError(f"unknown output {output!r}; have {list(self.outputs)}")

    def base_output(self, output: str) -> float:
        """The output at the base point."""
        self._check(output)
        return self.rows[output][0].output_base

    def to_rows(self, output: str) -> list[dict[str, str | float | bool | None]]:
        """Rows of ``output`` as flat dicts for printing or tabulating, largest swing first."""
        self._check(output)
        return [row.as_dict() for row in self.rows[output]]


def tornado(
    evaluate: BatchEvaluator,
    inputs: Sequence[InputRange],
    outputs: Sequence[str] | None = None,
    provenance: Provenance | None = None,
) -> TornadoResult:
    """Evaluate the base point and each input at its low and high end in one batch of 2k + 1.

    Batch layout: index 0 is the base point; index 2i + 1 moves input i to ``low`` and 2i + 2 to
    ``high``, every other input staying at its base. ``provenance``: how ``evaluate`` computes its
    outputs (its seed and paths), recorded as method ``"one-at-a-time tornado"`` with the batch size
    and the noise multiple added.

    >>> def evaluate(o):
    ...     return {"y": 3 * o["a"] - o["b"], "y.se": np.ones(len(o["a"]))}
    >>> res = tornado(evaluate, [InputRange("a", 1, 0, 2), InputRange("b", 0, -1, 1)])
    >>> [(r["input"], r["output_low"], r["output_high"], r["swing"], r["within_noise"])
    ...  for r in res.to_rows("y")]
    [('a', 0.0, 6.0, 6.0, False), ('b', 4.0, 2.0, 2.0, True)]
    """
    inputs = tuple(inputs)
    if not inputs:
        raise TornadoError("tornado needs at least one input")
    if not all(isinstance(x, InputRange) for x in inputs):
        raise TornadoError("inputs must be InputRange values")
    names = [x.name for x in inputs]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise TornadoError(f"input names must be unique, repeated: {dupes}")
    if outputs is not None and isinstance(outputs, str):
        raise TornadoError("outputs must be a sequence of names, not a single string")

    k = len(inputs)
    base = np.array([x.base for x in inputs], dtype=float)
    design = np.tile(base, (2 * k + 1, 1))
    idx = np.arange(k)
    design[2 * idx + 1, idx] = [x.low for x in inputs]
    design[2 * idx + 2, idx] = [x.high for x in inputs]
    overrides = {x.name: design[:, i].copy() for i, x in enumerate(inputs)}

    out_names, values = evaluate_batch(evaluate, overrides, outputs)
    rows: dict[str, tuple[TornadoRow, ...]] = {}
    for out in out_names:
        y = values[out]
        y_low, y_high = y[1::2], y[2::2]
        with np.errstate(invalid="ignore"):  # inf − inf: the swing is undefined (NaN)
            swing = np.abs(y_high - y_low)
        has_se = out + SE_SUFFIX in values
        se = values[out + SE_SUFFIX] if has_se else np.full(2 * k + 1, np.nan)
        se_low, se_high = se[1::2], se[2::2]
        swing_se = np.hypot(se_low, se_high)
        noise = NOISE.within(swing, swing_se)
        # descending swing, NaN last, ties in the given input order
        order = sorted(range(k), key=lambda i: (-np.nan_to_num(swing[i], nan=-np.inf), i))
        rows[out] = tuple(
            TornadoRow(
                input=inputs[i].name,
                label=inputs[i].display,
                input_base=inputs[i].base,
                input_low=inputs[i].low,
                input_high=inputs[i].high,
                output_base=float(y[0]),
                output_low=float(y_low[i]),
                output_high=float(y_high[i]),
                swing=float(swing[i]),
                se_base=float(se[0]) if has_se else None,
                se_low=float(se_low[i]) if has_se else None,
                se_high=float(se_high[i]) if has_se else None,
                swing_se=float(swing_se[i]) if has_se else None,
                within_noise=bool(noise[i]) if has_se else None,
            )
            for i in order
        )
    made = None if provenance is None else provenance.derived(
        "one-at-a-time tornado", points=2 * k + 1, noise_z=NOISE.z)
    return TornadoResult(inputs=inputs, outputs=out_names, rows=rows, provenance=made)


def tornado_figure(result: TornadoResult, output: str, title: str | None = None) -> "go.Figure":
    """Horizontal bars from the base output to the output at each input's low and high end.

    The largest swing is drawn at the top; the low-end bar is narrower and drawn over the high-end
    one.  Bars whose swing is within noise are faded and their label marked "(noise)".
    """
    import plotly.graph_objects as go

    rows = result.rows.get(output)
    if rows is None:
        raise TornadoError(f"unknown output {output!r}; have {list(result.outputs)}")
    base = rows[0].output_base
    shown = rows[::-1]  # plotly draws the first category at the bottom
    plain = [r.label for r in shown]
    plain = [r.input if plain.count(r.label) > 1 else r.label for r in shown]
    labels = [p + (" (noise)" if r.within_noise else "") for p, r in zip(plain, shown, strict=True)]
    opacity = [0.35 if r.within_noise else 1.0 for r in shown]
    fig = go.Figure()
    # the narrower low-end bar is drawn over the high-end one, so both show when on the same side
    for end, colour, width in (("high", "#1f77b4", 0.8), ("low", "#d62728", 0.45)):
        ys = [getattr(r, f"output_{end}") for r in shown]
        xs = [getattr(r, f"input_{end}") for r in shown]
        fig.add_trace(
            go.Bar(
                name=f"input at {end}",
                orientation="h",
                y=labels,
                x=[v - base for v in ys],
                base=base,
                width=width,
                marker={"color": colour, "opacity": opacity},
                customdata=np.column_stack([xs, ys]),
                hovertemplate=(
                    f"%{{y}}<br>input = %{{customdata[0]:.4g}}<br>{output} = %{{customdata[1]:.4g}}<extra>{end}</extra>"
                ),
            )
        )
    fig.add_vline(x=base, line_dash="dash", line_color="black", annotation_text=f"base {base:.4g}")
    fig.update_layout(
        barmode="overlay",
        title=title or f"Tornado: {output}",
        xaxis_title=output,
        yaxis={"categoryorder": "array", "categoryarray": labels},
    )
    return fig
