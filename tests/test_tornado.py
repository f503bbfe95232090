"""Tornado (one-at-a-time) sensitivity and belief-gap curves against toy batch evaluators."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zopa.sensitivity import (
    BeliefGapError,
    EvaluationError,
    InputRange,
    TornadoError,
    belief_gap_curve,
    interpolate_beliefs,
    tornado,
    tornado_figure,
)


class Recorder:
    """A batch evaluator y = 5a − 2b + c², z = a·b, recording every call."""

    def __init__(self, se: float | None = None) -> None:
        self.calls: list[dict[str, np.ndarray]] = []
        self.se = se

    def __call__(self, o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.calls.append({k: v.copy() for k, v in o.items()})
        a, b, c = o["a"], o["b"], o["c"]
        out = {"y": 5 * a - 2 * b + c**2, "z": a * b}
        if self.se is not None:
            out["y.se"] = np.full(len(a), self.se)
        return out


INPUTS = [
    InputRange("a", base=1.0, low=0.0, high=2.0, label="alpha"),
    InputRange("b", base=2.0, low=3.0, high=1.0),  # decreasing: low end above high end
    InputRange("c", base=0.0, low=-1.0, high=3.0),
]


def test_one_call_with_base_then_low_high_per_input() -> None:
    ev = Recorder()
    tornado(ev, INPUTS)
    assert len(ev.calls) == 1
    o = ev.calls[0]
    assert set(o) == {"a", "b", "c"}
    np.testing.assert_array_equal(o["a"], [1, 0, 2, 1, 1, 1, 1])
    np.testing.assert_array_equal(o["b"], [2, 2, 2, 3, 1, 2, 2])
    np.testing.assert_array_equal(o["c"], [0, 0, 0, 0, 0, -1, 3])


def test_rows_hold_exact_values_sorted_by_swing() -> None:
    res = tornado(Recorder(), INPUTS)
    assert res.outputs == ("y", "z")
    assert res.base_output("y") == 5 - 4 + 0
    rows = res.to_rows("y")
    # swings: a → |10 − 0| = 10, c → |9 − 1| = 8, b → |−2·1 − (−2·3)| = 4
    assert [r["input"] for r in rows] == ["a", "c", "b"]
    a, c, b = rows
    assert (a["label"], a["output_low"], a["output_high"], a["swing"]) == ("alpha", -4.0, 6.0, 10.0)
    assert (c["output_low"], c["output_high"], c["swing"]) == (2.0, 10.0, 8.0)
    assert (b["input_low"], b["input_high"]) == (3.0, 1.0)
    assert (b["output_low"], b["output_high"], b["swing"]) == (-1.0, 3.0, 4.0)
    assert all(r["output_base"] == 1.0 for r in rows)
    assert all(r["se_low"] is None and r["within_noise"] is None for r in rows)
    z = res.to_rows("z")  # z = a·b: a swing 4, b swing 2, c swing 0
    assert [(r["input"], r["swing"]) for r in z] == [("a", 4.0), ("b", 2.0), ("c", 0.0)]


def test_standard_errors_flag_swings_within_noise() -> None:
    # swing SE = √2·se; noise when swing < 2√2·se.  se = 1.5 → threshold 4.24: b (4) is noise
    res = tornado(Recorder(se=1.5), INPUTS, outputs=["y"])
    assert res.outputs == ("y",)
    rows = {r["input"]: r for r in res.to_rows("y")}
    assert rows["b"]["within_noise"] is True
    assert rows["a"]["within_noise"] is False and rows["c"]["within_noise"] is False
    assert rows["a"]["se_low"] == rows["a"]["se_high"] == rows["a"]["se_base"] == 1.5
    assert rows["a"]["swing_se"] == pytest.approx(1.5 * math.sqrt(2))


def test_nan_swing_sorts_last() -> None:
    def ev(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"y": np.where(o["b"] > 2.5, np.nan, o["a"] + o["c"])}

    rows = tornado(ev, INPUTS).to_rows("y")
    assert [r["input"] for r in rows] == ["c", "a", "b"]
    assert math.isnan(rows[-1]["swing"])

    def infinite(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"y": np.where(o["c"] != 0, np.inf, o["a"])}

    rows = tornado(infinite, INPUTS).to_rows("y")  # inf − inf: undefined swing, no warning
    assert [r["input"] for r in rows] == ["a", "b", "c"] and math.isnan(rows[-1]["swing"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "a", "base": 1, "low": 2, "high": 2}, "low and high must differ"),
        ({"name": "a", "base": 1, "low": 0, "high": math.inf}, "finite"),
        ({"name": "a", "base": math.nan, "low": 0, "high": 1}, "finite"),
        ({"name": "", "base": 1, "low": 0, "high": 2}, "non-empty"),
        ({"name": "a", "base": "1", "low": 0, "high": 2}, "real number"),
    ],
)
def test_input_range_validation(kwargs: dict, match: str) -> None:
    with pytest.raises(TornadoError, match=match):
        InputRange(**kwargs)


def test_bad_calls_raise_value_errors() -> None:
    with pytest.raises(TornadoError, match="unique"):
        tornado(Recorder(), [INPUTS[0], INPUTS[0]])
    with pytest.raises(TornadoError, match="at least one"):
        tornado(Recorder(), [])
    with pytest.raises(EvaluationError, match="did not return"):
        tornado(Recorder(), INPUTS, outputs=["nope"])
    with pytest.raises(EvaluationError, match=r"shape \(7,\)"):
        tornado(lambda o: {"y": np.zeros(3)}, INPUTS)
    with pytest.raises(EvaluationError, match="mapping"):
        tornado(lambda o: [1, 2], INPUTS)
    with pytest.raises(TornadoError, match="unknown output"):
        tornado(Recorder(), INPUTS).to_rows("w")
    assert issubclass(TornadoError, ValueError) and issubclass(EvaluationError, ValueError)


def test_figure_bars_around_base_largest_on_top() -> None:
    res = tornado(Recorder(se=1.5), INPUTS)
    fig = tornado_figure(res, "y")
    assert isinstance(fig, go.Figure)
    high, low = fig.data
    assert (high.name, low.name) == ("input at high", "input at low")
    assert low.orientation == "h" and high.base == 1.0 and low.width < high.width
    # plotly draws categories bottom-up: largest swing (alpha) last
    assert list(low.y) == ["b (noise)", "c", "alpha"]
    assert list(high.x) == [3.0 - 1.0, 10.0 - 1.0, 6.0 - 1.0]
    with pytest.raises(TornadoError):
        tornado_figure(res, "nope")


# --- belief gap --------------------------------------------------------------------------------

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.tuples(finite, finite), min_size=1, max_size=4))
def test_interpolation_hits_both_ends_exactly(pairs: dict[str, tuple[float, float]]) -> None:
    a = {k: v[0] for k, v in pairs.items()}
    b = {k: v[1] for k, v in pairs.items()}
    o = interpolate_beliefs(a, b, [0.0, 0.3, 1.0])
    for k in a:
        assert o[k][0] == a[k] and o[k][2] == b[k]
        lo, hi = sorted((a[k], b[k]))
        assert lo <= o[k][1] <= hi


def test_belief_gap_curve_one_call_rows_per_fraction() -> None:
    calls: list[dict[str, np.ndarray]] = []

    def ev(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        calls.append(o)
        return {"value": 100 * o["growth"] - o["rate"], "value.se": np.full(len(o["rate"]), 0.5)}

    a, b = {"growth": 0.1, "rate": 0.07}, {"growth": 0.3, "rate": 0.12}
    res = belief_gap_curve(ev, a, b, [0.0, 0.5, 1.0])
    assert len(calls) == 1
    rows = res.to_rows()
    assert [r["fraction"] for r in rows] == [0.0, 0.5, 1.0]
    assert rows[0]["growth"] == 0.1 and rows[2]["rate"] == 0.12
    assert [r["value"] for r in rows] == pytest.approx([10 - 0.07, 20 - 0.095, 30 - 0.12])
    assert rows[1]["value.se"] == 0.5


@pytest.mark.parametrize(
    ("a", "b", "fractions", "match"),
    [
        ({"x": 1.0}, {"y": 1.0}, [0, 1], "same parameters"),
        ({"x": 1.0}, {"x": 2.0}, [0, 1.5], r"\[0, 1\]"),
        ({"x": 1.0}, {"x": 2.0}, [], "non-empty"),
        ({"x": math.nan}, {"x": 2.0}, [0], "finite"),
        ({}, {}, [0], "non-empty mapping"),
    ],
)
def test_belief_gap_bad_input(a: dict, b: dict, fractions: list, match: str) -> None:
    with pytest.raises(BeliefGapError, match=match):
        interpolate_beliefs(a, b, fractions)
