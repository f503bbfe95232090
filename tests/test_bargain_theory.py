"""Nash bargaining on expected utilities: CARA utility, risk-neutral equivalence, Kihlstrom–Roth–
Schmeidler (1981) and the closed form of the Nash split with a CARA party; the noise rule."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import lambertw

from zopa.analysis import NOISE_Z, DealProblem, SolutionPoint, analyze_problem
from zopa.bargain import (
    cara_certainty_equivalent,
    cara_inverse,
    cara_nash_share,
    cara_utility,
    clear_of_noise,
    nash_solution,
    noise_sign,
    solve_all,
)

GRID = st.integers(min_value=0, max_value=6).map(lambda k: k / 2)
A = st.floats(min_value=1e-3, max_value=5.0)


@st.composite
def grid_problems(draw: st.DrawFn, max_size: int = 40) -> tuple[np.ndarray, np.ndarray, float, float]:
    n = draw(st.integers(min_value=1, max_value=max_size))
    u1 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)))
    u2 = np.array(draw(st.lists(GRID, min_size=n, max_size=n)))
    return u1, u2, draw(GRID), draw(GRID)


def problem(u1: np.ndarray, u2: np.ndarray, d: tuple[float, float] = (0.0, 0.0),
            risk_aversion: tuple[float | None, float | None] = (None, None)) -> DealProblem:
    return DealProblem(("a", "b"), ("A", "B"), np.vstack([u1, u2]), d, risk_aversion=risk_aversion)


# --- CARA utility ---------------------------------------------------------------------------------------


@given(A, st.floats(-20.0, 20.0))
def test_cara_inverse_round_trips(a: float, c: float) -> None:
    if a * c > 5:  # u is flat there: the inverse is ill-conditioned (1 − a u = e^{−ac} loses digits)
        return
    assert float(cara_inverse(cara_utility(c, a), a)) == pytest.approx(c, rel=1e-9, abs=1e-9)


@given(A, st.floats(-10.0, 10.0), st.floats(0.0, 10.0))
def test_cara_translation_property(a: float, d: float, g: float) -> None:
    """u(d + g) − u(d) = e^{−ad} u(g): why the Nash product needs only the dollar gains."""
    level = float(cara_utility(d, a))
    lhs = float(cara_utility(d + g, a)) - level  # a difference of levels: rounding ~ eps · |u(d)|
    assert lhs == pytest.approx(math.exp(-a * d) * float(cara_utility(g, a)), rel=1e-9, abs=1e-12 * (1 + abs(level)))


def test_cara_utility_is_monotone_concave_and_tends_to_identity() -> None:
    c = np.linspace(-5, 5, 101)
    u = cara_utility(c, 0.7)
    assert np.all(np.diff(u) > 0) and np.all(np.diff(u, 2) < 0)
    np.testing.assert_allclose(cara_utility(c, 1e-10), c, atol=1e-8)
    np.testing.assert_array_equal(cara_utility(c, None), c)
    np.testing.assert_array_equal(cara_utility(c, 0.0), c)
    with pytest.raises(ValueError, match="risk aversion"):
        cara_utility(c, -1.0)
    with pytest.raises(ValueError, match="below 1/a"):
        cara_inverse([2.0], 1.0)


@given(A, st.lists(st.floats(-10.0, 10.0), min_size=1, max_size=30))
def test_expected_utility_of_paths_is_utility_of_ce(a: float, paths: list[float]) -> None:
    """E[u(V)] = u(CE): the Nash product on u(CE) is the product of expected utilities."""
    v = np.array(paths)
    ce = float(cara_certainty_equivalent(v, a))
    assert float(np.mean(cara_utility(v, a))) == pytest.approx(float(cara_utility(ce, a)), rel=1e-9, abs=1e-9)


# --- Nash on utilities ------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(grid_problems())
def test_risk_neutral_nash_on_utilities_equals_nash_on_values(case) -> None:
    u1, u2, d1, d2 = case
    plain = solve_all(u1, u2, d1, d2, nash_weight=0.3)
    assert solve_all(u1, u2, d1, d2, nash_weight=0.3, risk_aversion=(None, None)) == plain
    assert solve_all(u1, u2, d1, d2, nash_weight=0.3, risk_aversion=(0.0, 0.0)) == plain
    a = analyze_problem(problem(u1, u2, (d1, d2)))
    b = analyze_problem(problem(u1, u2, (d1, d2), (0.0, None)))
    assert {k: p and p.package for k, p in a.solutions.items()} == {k: p and p.package for k, p in b.solutions.items()}


def test_tiny_risk_aversion_gives_the_risk_neutral_nash_package() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        u1, u2 = rng.uniform(0, 10, (2, 500))
        assert nash_solution(u1, u2, 1.0, 2.0, risk_aversion=(1e-9, 1e-9)) == nash_solution(u1, u2, 1.0, 2.0)


@settings(max_examples=100)
@given(st.integers(0, 10_000), A, st.floats(0.05, 0.95))
def test_nash_maximises_product_of_expected_utility_gains(seed: int, a: float, weight: float) -> None:
    """Straight from the definition, with utility *levels*: max (u(CE_k) − u(d_1))^w (CE2_k − d_2)^(1−w)."""
    rng = np.random.default_rng(seed)
    u1, u2 = rng.uniform(-1, 3, (2, 200))
    d1, d2 = 0.5, 0.2
    level = cara_utility(u1, a) - cara_utility(d1, a)
    g2 = u2 - d2
    ok = (level > 0) & (g2 > 0)
    if not ok.any():
        return
    product = np.where(ok, np.abs(level) ** weight * np.abs(g2) ** (1 - weight), -1.0)
    expected = int(np.argmax(product))
    got = nash_solution(u1, u2, d1, d2, weight, risk_aversion=(a, None))
    assert got == expected or product[got] == pytest.approx(product[expected], rel=1e-12)
    # the other solutions ignore risk aversion: they read the dollar values
    with_ra = solve_all(u1, u2, d1, d2, risk_aversion=(a, None))
    without = solve_all(u1, u2, d1, d2)
    for key in ("kalai_smorodinsky", "egalitarian", "utilitarian"):
        assert with_ra[key] == without[key]


# --- Kihlstrom, Roth & Schmeidler (1981) ------------------------------------------------------------------


def nash_split(shares: np.ndarray, v1: np.ndarray, v2: np.ndarray, a: float | None, weight: float | None = None) -> float:
    """Party 1's share at the (weighted) Nash package of a DealProblem over pie splits."""
    p = problem(v1, v2, (0.0, 0.0), (a, None))
    if weight is None:
        return float(shares[analyze_problem(p).solutions["nash"].package])
    return float(shares[nash_solution(v1, v2, 0.0, 0.0, weight, risk_aversion=(a, None))])


def test_closed_form_for_a_sure_pie_matches_lambert_w() -> None:
    """u1(x) = (1 − e^{−ax})/a, u2 = S − x: the FOC e^{ax} = 1 + a(S − x) gives x = S − (W(e^{1+aS}) − 1)/a."""
    S = 10.0
    for a in (0.01, 0.1, 0.3, 1.0, 3.0):
        x = S - (float(lambertw(math.exp(1 + a * S)).real) - 1) / a
        assert cara_nash_share(S, a) == pytest.approx(x, rel=1e-12)
        assert math.exp(a * x) == pytest.approx(1 + a * (S - x), rel=1e-12)  # first-order condition
    assert cara_nash_share(S, 1e-12) == pytest.approx(S / 2, rel=1e-9)  # the risk-neutral limit, no cancellation
    # aS = 10⁴: e^{1+aS} overflows, Wright's ω does not; then e^{ax} ≈ aS, x ≈ ln(1 + aS)/a
    x = cara_nash_share(1e3, 10.0)
    assert x == pytest.approx(math.log(1e4) / 10, rel=1e-3)
    assert math.exp(10.0 * x) == pytest.approx(1 + 10.0 * (1e3 - x), rel=1e-10)


def test_numerical_nash_split_of_a_sure_pie_matches_the_closed_form() -> None:
    S, n = 10.0, 200_001
    x = np.linspace(0.0, S, n)
    step = S / (n - 1)
    for a in (0.05, 0.2, 0.5, 1.0, 2.0):
        assert nash_split(x, x, S - x, a) == pytest.approx(cara_nash_share(S, a), abs=step)
        for w in (0.3, 0.7):
            assert nash_split(x, x, S - x, a, w) == pytest.approx(cara_nash_share(S, a, w), abs=step)
    assert nash_split(x, x, S - x, None) == pytest.approx(S / 2, abs=step)


@given(st.floats(0.1, 100.0), st.floats(1e-3, 3.0), st.floats(0.05, 0.95))
def test_closed_form_first_order_condition_and_bounds(S: float, a: float, w: float) -> None:
    x = cara_nash_share(S, a, w)
    k = w / (1 - w)
    assert 0.0 < x < w * S  # risk aversion costs share (KRS)
    assert math.expm1(a * x) == pytest.approx(k * a * (S - x), rel=1e-8)
    assert cara_nash_share(S, 1.5 * a, w) < x


def test_krs_more_risk_averse_party_gets_less_of_a_risky_pie() -> None:
    """Split a risky pie S·Z (Z = 0.5 or 1.5, equally likely); party 1 (CARA a) values its share x by
    its certainty equivalent, party 2 is risk neutral. Nash on expected utilities: x falls with a."""
    S = 10.0
    Z = np.array([0.5, 1.5])
    x = np.linspace(0.0, 1.0, 20_001)
    paths1 = S * np.outer(Z, x)  # (paths, packages)
    v2 = (1 - x) * S * Z.mean()
    shares = []
    for a in (1e-6, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0):
        ce1 = cara_certainty_equivalent(paths1, a, axis=0)
        share = nash_split(x, ce1, v2, a)
        # the same split straight from expected utilities E[u(x S Z)]
        eu1 = cara_utility(paths1, a).mean(axis=0)
        assert share == pytest.approx(x[int(np.argmax(eu1 * v2))], abs=1e-4)
        shares.append(share)
    assert shares[0] == pytest.approx(0.5, abs=1e-4)
    assert np.all(np.diff(shares) < 0)
    # Nash on dollar CEs would give party 1 more than Nash on its utilities
    ce1 = cara_certainty_equivalent(paths1, 1.0, axis=0)
    assert nash_split(x, ce1, v2, None) > nash_split(x, ce1, v2, 1.0) + 0.05


def test_analyze_problem_reports_dollar_gains_at_the_utility_nash_package() -> None:
    S = 10.0
    x = np.linspace(0, S, 1001)
    analysis = analyze_problem(problem(x, S - x, (0.0, 0.0), (0.5, None)))
    nash = analysis.solutions["nash"]
    assert nash.gain == pytest.approx((x[nash.package], S - x[nash.package]))
    assert nash.utility[0] == pytest.approx(cara_nash_share(S, 0.5), abs=S / 1000)
    assert analysis.solutions["egalitarian"].utility[0] == pytest.approx(S / 2)  # dollars, not utilities
    assert any("expected utilities" in line for line in analysis.verdict())


# --- noise ----------------------------------------------------------------------------------------------


def test_noise_rule_is_used_for_robust_and_near_counts() -> None:
    rng = np.random.default_rng(0)
    u = rng.normal(1.0, 1.0, (2, 300))
    se = rng.uniform(0.01, 1.0, (2, 300))
    p = dataclasses.replace(problem(u[0], u[1]), gain_se=se, utility_se=se)
    a = analyze_problem(p)
    assert a.robust_count == int(np.all(u > NOISE_Z * se, axis=0).sum())
    in_zopa = np.all(u >= 0, axis=0)
    assert a.near_count == int((~in_zopa & np.all(u >= -NOISE_Z * se, axis=0)).sum())
    point = SolutionPoint("x", 0, {}, (1.0, 1.0), (0.0, 0.0), (1.0, 0.3), (0.1, 0.2))
    assert point.within_noise and not dataclasses.replace(point, gain=(1.0, 0.5)).within_noise
    assert clear_of_noise(np.array([0.3, 0.5]), 0.2).tolist() == [False, True]
    assert (noise_sign(0.5, 0.2), noise_sign(-0.5, 0.2), noise_sign(0.3, 0.2)) == (1, -1, 0)
