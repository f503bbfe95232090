"""Alternating offers: closed forms, limits and the link to the Nash solution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zopa.bargain import (
    discount_factor,
    discount_factor_from_rate,
    finite_horizon_share,
    implied_nash_weight,
    nash_solution,
    rubinstein_share,
)

DELTA = st.floats(min_value=0.0, max_value=0.99)


def test_rubinstein_closed_form() -> None:
    assert rubinstein_share(19 / 20, 4 / 5) == pytest.approx(5 / 6, rel=1e-15)
    assert rubinstein_share(0.9, 0.9) == pytest.approx(1 / 1.9)
    assert rubinstein_share(0.7, 0.0) == 1.0  # an impatient responder accepts nothing
    assert rubinstein_share(0.0, 0.7) == pytest.approx(0.3)  # an impatient proposer keeps 1 - delta2
    assert rubinstein_share(1.0, 0.5) == 1.0
    assert rubinstein_share(0.5, 1.0) == 0.0


def test_finite_horizon_closed_forms() -> None:
    assert finite_horizon_share(0.9, 0.9, 5) == pytest.approx((1 + 0.9**5) / 1.9, rel=1e-15)
    assert round(finite_horizon_share(0.9, 0.9, 5), 4) == 0.8371
    assert finite_horizon_share(0.3, 0.8, 1) == 1.0  # ultimatum
    assert finite_horizon_share(0.3, 0.8, 2) == pytest.approx(0.2)  # party 2 gets its ultimatum, discounted


@given(st.floats(0.0, 0.99), st.integers(1, 40))
def test_equal_patience_formula(delta: float, rounds: int) -> None:
    expected = (1 - (-delta) ** rounds) / (1 + delta)
    assert finite_horizon_share(delta, delta, rounds) == pytest.approx(expected, abs=1e-12)


@given(DELTA, DELTA)
def test_long_horizon_tends_to_rubinstein(delta1: float, delta2: float) -> None:
    assert finite_horizon_share(delta1, delta2, 4001) == pytest.approx(rubinstein_share(delta1, delta2), abs=1e-9)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(1, 30))
def test_breakdown_risk_acts_like_discounting(p: float, delta: float, rounds: int) -> None:
    # Surviving a round with probability 1 - p scales the continuation like a discount factor.
    risky = finite_horizon_share(delta, delta, rounds, breakdown_probability=p)
    assert risky == pytest.approx(finite_horizon_share(delta * (1 - p), delta * (1 - p), rounds), abs=1e-12)


def test_certain_breakdown_is_an_ultimatum() -> None:
    assert finite_horizon_share(0.99, 0.99, 10, breakdown_probability=1.0) == 1.0


def test_discount_factors() -> None:
    assert discount_factor(0.5, 10.0) == pytest.approx(0.95)
    assert discount_factor(0.0, 3.0) == 1.0
    assert discount_factor_from_rate(0.12, 0.5) == pytest.approx(math.exp(-0.06))
    with pytest.raises(ValueError, match="cost_of_delay"):
        discount_factor(11.0, 10.0)
    with pytest.raises(ValueError, match="pie_size"):
        discount_factor(1.0, 0.0)
    with pytest.raises(ValueError, match="rate"):
        discount_factor_from_rate(-0.1, 1.0)


def test_implied_nash_weight_matches_fast_offers_limit() -> None:
    r1, r2 = 0.05, 0.20  # party 1 is the more patient
    alpha = implied_nash_weight(math.exp(-r1), math.exp(-r2))
    assert alpha == pytest.approx(r2 / (r1 + r2))
    dt = 1e-6
    assert rubinstein_share(math.exp(-r1 * dt), math.exp(-r2 * dt)) == pytest.approx(alpha, abs=1e-5)
    # The weighted Nash solution on a densely sampled unit pie gives party 1 that share.
    share = np.linspace(0.0, 1.0, 100_001)
    k = nash_solution(share, 1.0 - share, 0.0, 0.0, weight=alpha)
    assert share[k] == pytest.approx(alpha, abs=1e-5)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rubinstein_share(1.0, 1.0), "at least one"),
        (lambda: rubinstein_share(1.2, 0.5), "delta1"),
        (lambda: finite_horizon_share(0.5, 0.5, 0), "rounds"),
        (lambda: finite_horizon_share(0.5, 0.5, 2.5), "rounds"),
        (lambda: finite_horizon_share(0.5, 0.5, 3, breakdown_probability=1.5), "breakdown"),
        (lambda: implied_nash_weight(1.0, 0.5), "delta1"),
        (lambda: implied_nash_weight(0.5, 0.0), "delta2"),
    ],
)
def test_bad_input_raises(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]
