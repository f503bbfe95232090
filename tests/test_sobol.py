"""Sobol' indices against analytic answers (Ishigami, additive models)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from scipy import stats

from zopa.sensitivity import SobolError, SobolInput, SobolProblem, sobol_figure, sobol_indices, uniform_problem

A, B = 7.0, 0.1
PI = np.pi

# Ishigami variances (Sobol' & Levitan 1999): V1, V2, V13 and the total V
V1 = 0.5 * (1 + B * PI**4 / 5) ** 2
V2 = A**2 / 8
V13 = 8 * B**2 * PI**8 / 225
V = V1 + V2 + V13
ISHIGAMI_S1 = np.array([V1, V2, 0.0]) / V  # ≈ (0.314, 0.442, 0)
ISHIGAMI_ST = np.array([V1 + V13, V2, V13]) / V  # ≈ (0.558, 0.442, 0.244)
ISHIGAMI = uniform_problem({"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)})


class Ishigami:
    """Vectorised Ishigami function with a call counter."""

    def __init__(self) -> None:
        self.calls = 0
        self.rows = 0

    def __call__(self, o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.calls += 1
        self.rows += len(o["x1"])
        x1, x2, x3 = o["x1"], o["x2"], o["x3"]
        return {"y": np.sin(x1) + A * np.sin(x2) ** 2 + B * x3**4 * np.sin(x1)}


def test_analytic_ishigami_values() -> None:
    np.testing.assert_allclose(ISHIGAMI_S1, [0.314, 0.442, 0.0], atol=5e-4)
    np.testing.assert_allclose(ISHIGAMI_ST, [0.558, 0.442, 0.244], atol=5e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ishigami_analytic_indices_inside_confidence_intervals(seed: int) -> None:
    ev = Ishigami()
    res = sobol_indices(ev, ISHIGAMI, n_base=2**13, seed=seed)
    assert ev.calls == 1 and ev.rows == 2**13 * (3 + 2) == res.n_evaluations
    ix = res["y"]
    # fixed seeds, honest check: every analytic value within SALib's own 95% interval
    assert np.all(np.abs(ix.S1 - ISHIGAMI_S1) <= ix.S1_conf), (ix.S1, ix.S1_conf)
    assert np.all(np.abs(ix.ST - ISHIGAMI_ST) <= ix.ST_conf), (ix.ST, ix.ST_conf)
    assert np.all(ix.S1_conf < 0.05) and np.all(ix.ST_conf < 0.05)  # intervals are informative


def test_second_order_finds_the_x1_x3_interaction() -> None:
    ev = Ishigami()
    res = sobol_indices(ev, ISHIGAMI, n_base=2**12, seed=0, calc_second_order=True)
    assert ev.calls == 1 and res.n_evaluations == 2**12 * (2 * 3 + 2)
    ix = res["y"]
    expected = {(0, 1): 0.0, (0, 2): V13 / V, (1, 2): 0.0}
    for (i, j), value in expected.items():
        assert abs(ix.S2[i, j] - value) <= ix.S2_conf[i, j]
    assert np.isnan(ix.S2[1, 0])


def test_additive_model_total_equals_first_order() -> None:
    calls = []

    def ev(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        calls.append(len(o["x1"]))
        return {"y": 2 * o["x1"] + o["x2"] + 0.5 * o["x3"], "y.se": np.zeros(len(o["x1"]))}

    res = sobol_indices(ev, uniform_problem({"x1": (0, 1), "x2": (0, 1), "x3": (0, 1)}), n_base=2**11, seed=3)
    assert res.outputs == ("y",)  # the .se companion is not an output of its own
    ix = res["y"]
    exact = np.array([4.0, 1.0, 0.25]) / 5.25
    assert np.all(np.abs(ix.ST - ix.S1) <= np.maximum(ix.ST_conf, ix.S1_conf))
    assert np.all(np.abs(ix.S1 - exact) <= ix.S1_conf)
    assert np.all(np.abs(ix.ST - exact) <= ix.ST_conf)
    assert calls == [2**11 * 5]


def test_chunked_calls_are_bounded_and_give_the_same_answer() -> None:
    whole, chunked = Ishigami(), Ishigami()
    r1 = sobol_indices(whole, ISHIGAMI, n_base=1024, seed=5)
    r2 = sobol_indices(chunked, ISHIGAMI, n_base=1024, seed=5, max_batch=1500)
    assert whole.calls == 1 and chunked.calls == r2.n_calls == -(-1024 * 5 // 1500) == 4
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_array_equal(getattr(r1["y"], key), getattr(r2["y"], key))


def test_seed_reproduces_and_varies() -> None:
    a = sobol_indices(Ishigami(), ISHIGAMI, n_base=256, seed=11)["y"]
    b = sobol_indices(Ishigami(), ISHIGAMI, n_base=256, seed=11)["y"]
    c = sobol_indices(Ishigami(), ISHIGAMI, n_base=256, seed=12)["y"]
    np.testing.assert_array_equal(a.S1, b.S1)
    np.testing.assert_array_equal(a.ST_conf, b.ST_conf)
    assert not np.array_equal(a.S1, c.S1)


def test_distributions_are_applied_to_the_sample() -> None:
    seen: dict[str, np.ndarray] = {}

    def ev(o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        seen.update(o)
        return {"y": o["n"] + o["t"] + o["l"] + o["u"] + o["tn"] + o["lu"]}

    problem = SobolProblem(
        (
            SobolInput("n", "norm", (10.0, 2.0)),
            SobolInput("t", "triang", (1.0, 2.0, 6.0)),
            SobolInput("l", "lognorm", (0.0, 0.5)),
            SobolInput("u", "unif", (-3.0, -1.0)),
            SobolInput("tn", "truncnorm", (0.0, 1.0, 0.5, 2.0)),
            SobolInput("lu", "logunif", (1.0, 100.0)),
        )
    )
    sobol_indices(ev, problem, n_base=2**10, seed=0)
    for name, dist in {
        "n": stats.norm(10, 2),
        "t": stats.triang(c=0.2, loc=1, scale=5),
        "l": stats.lognorm(s=0.5),
        "u": stats.uniform(-3, 2),
        "tn": stats.truncnorm(-0.25, 0.25, loc=0.5, scale=2),
        "lu": stats.loguniform(1, 100),
    }.items():
        assert stats.kstest(seen[name], dist.cdf).pvalue > 0.01, name
    assert np.all(np.isfinite(seen["n"]))


def test_constant_output_has_zero_indices_and_nonfinite_is_refused() -> None:
    res = sobol_indices(lambda o: {"c": np.ones(len(o["x1"]))}, ISHIGAMI, n_base=64)
    np.testing.assert_array_equal(res["c"].ST, 0.0)
    with pytest.raises(SobolError, match="non-finite"):
        sobol_indices(lambda o: {"y": np.log(o["x1"] + 4) * np.where(o["x2"] > 3, np.nan, 1)}, ISHIGAMI, n_base=64)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SobolInput("a", "unif", (1.0, 1.0)), "invalid unif"),
        (lambda: SobolInput("a", "norm", (0.0, -1.0)), "invalid norm"),
        (lambda: SobolInput("a", "triang", (0.0, 5.0, 1.0)), "invalid triang"),
        (lambda: SobolInput("a", "beta", (1.0, 1.0)), "dist must be one of"),
        (lambda: SobolInput("a", "unif", (0.0,)), "needs finite params"),
        (lambda: SobolProblem((SobolInput("a"), SobolInput("a"))), "unique"),
        (lambda: SobolProblem(()), "one or more"),
        (lambda: sobol_indices(Ishigami(), ISHIGAMI, n_base=1000), "power of two"),
        (lambda: sobol_indices(Ishigami(), ISHIGAMI, n_base=64, seed=-1), "non-negative"),
        (lambda: sobol_indices(Ishigami(), ISHIGAMI, n_base=64, confidence_level=1.5), "confidence_level"),
        (lambda: sobol_indices(Ishigami(), ISHIGAMI, n_base=64, outputs="y"), "not a single string"),
    ],
)
def test_bad_input(make, match: str) -> None:
    with pytest.raises(SobolError, match=match):
        make()


def test_rows_and_figure() -> None:
    res = sobol_indices(Ishigami(), ISHIGAMI, n_base=512, seed=0)
    rows = res.to_rows("y")
    assert [r["input"] for r in rows] == ["x1", "x2", "x3"]  # by ST: 0.558, 0.442, 0.244
    assert set(rows[0]) == {"input", "label", "S1", "S1_conf", "ST", "ST_conf"}
    fig = sobol_figure(res, "y")
    assert isinstance(fig, go.Figure)
    s1, st = fig.data
    assert list(s1.x) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(st.y, [r["ST"] for r in rows])
    np.testing.assert_allclose(st.error_y.array, [r["ST_conf"] for r in rows])
    with pytest.raises(SobolError, match="unknown output"):
        res.to_rows("z")
