"""Deadline bargaining without parity artefacts: random proposers (Binmore, Rubinstein & Wolinsky
1986), a share of the pie lost at the deadline, then stationary bargaining over the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zopa.analysis import deadline_bargaining
from zopa.bargain import (
    deadline_share,
    finite_horizon_share,
    implied_nash_weight,
    random_proposer_share,
    rubinstein_share,
)

DELTA = st.floats(min_value=0.0, max_value=0.99)
PROB = st.floats(min_value=0.0, max_value=1.0)
DELTA_GRID = (0.5, 0.8, 0.9, 0.95, 0.99)
#: |V(N+1) − V(N)| = L |q − v*| λ^{N−1}(1 − λ) <= L · max_λ λ³(1 − λ) = L · 27/256 for N >= 4.
PARITY_TOLERANCE = 27 / 256


def backward_induction(d1: float, d2: float, rounds: int, loss: float, p: float, q: float,
                       tail: int = 6000) -> float:
    """Party 1's expected value by brute force: the stationary game by value iteration, then the rounds
    before the deadline backwards, each proposer choosing between its best acceptable offer and delay."""
    b1, b2 = (1 - p) * d1, (1 - p) * d2

    def step(v: float, w: float, pie: float) -> tuple[float, float]:
        # proposer 1: offer b2·w (accepted) and keep pie − b2·w, or delay and get b1·v
        one = (pie - b2 * w, b2 * w) if pie - b2 * w >= b1 * v else (b1 * v, b2 * w)
        two = (b1 * v, pie - b1 * v) if pie - b1 * v >= b2 * w else (b1 * v, b2 * w)
        return q * one[0] + (1 - q) * two[0], q * one[1] + (1 - q) * two[1]

    v = w = 0.0
    for _ in range(tail):
        v, w = step(v, w, 1.0)
    v, w = (1 - loss) * v, (1 - loss) * w
    for _ in range(rounds):
        v, w = step(v, w, 1.0)
    return v


@given(DELTA, DELTA, st.integers(1, 40), PROB, st.floats(0.0, 0.9), PROB)
def test_closed_form_matches_backward_induction(d1, d2, rounds, loss, p, q) -> None:
    if (1 - p) * ((1 - q) * d1 + q * d2) > 0.995:  # value iteration would converge too slowly
        return
    assert deadline_share(d1, d2, rounds, loss, p, q) == pytest.approx(
        backward_induction(d1, d2, rounds, loss, p, q), abs=1e-9)


def test_stationary_share_with_even_odds() -> None:
    """q = 1/2, no deadline: v* = (1 − δ2)/(2 − δ1 − δ2); equal patience splits evenly."""
    for d1 in DELTA_GRID:
        for d2 in DELTA_GRID:
            assert random_proposer_share(d1, d2) == pytest.approx((1 - d2) / (2 - d1 - d2), rel=1e-12)
    assert random_proposer_share(0.9, 0.9) == 0.5
    assert random_proposer_share(0.9, 0.9, 0.2, 0.3) == pytest.approx(0.3)  # equal patience: v* = q
    # δ2 = 0: party 1 keeps everything when it proposes, and gets its continuation b1·v* when party 2 does
    assert random_proposer_share(0.7, 0.0) == pytest.approx(0.5 / (1 - 0.5 * 0.7))
    assert random_proposer_share(0.5, 0.5, first_proposer_probability=1.0) == 1.0


def test_fast_offers_limit_is_the_nash_weight() -> None:
    """δ_i = e^{−r_i Δ}, Δ → 0: v* → q r2 / ((1 − q) r1 + q r2) — for q = 1/2 the Rubinstein limit
    r2/(r1 + r2), which is the patience-weighted Nash weight."""
    r1, r2, dt = 0.05, 0.20, 1e-7
    d1, d2 = math.exp(-r1 * dt), math.exp(-r2 * dt)
    assert random_proposer_share(d1, d2) == pytest.approx(implied_nash_weight(d1, d2), abs=1e-6)
    assert random_proposer_share(d1, d2) == pytest.approx(rubinstein_share(d1, d2), abs=1e-6)
    q = 0.3
    assert random_proposer_share(d1, d2, 0.0, q) == pytest.approx(q * r2 / ((1 - q) * r1 + q * r2), abs=1e-6)


def test_fast_offers_with_a_fixed_calendar_deadline() -> None:
    """T = D/Δ rounds: V → v* + L e^{−((1−q) r1 + q r2) D}(q − v*)."""
    r1, r2, D, L, q = 0.1, 0.6, 0.5, 0.4, 0.5
    v_star = q * r2 / ((1 - q) * r1 + q * r2)
    limit = v_star + L * math.exp(-((1 - q) * r1 + q * r2) * D) * (q - v_star)
    dt = 1e-5
    share = deadline_share(math.exp(-r1 * dt), math.exp(-r2 * dt), round(D / dt), L, 0.0, q)
    assert share == pytest.approx(limit, abs=1e-4)


@pytest.mark.parametrize("loss", [0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("p", [0.0, 0.03])
def test_no_parity_artefact(loss: float, p: float) -> None:
    """For every N >= 4 and every pair of deltas on the grid, one more round before the deadline moves
    the first party's expected share by less than 27/256 of the loss, always in the same direction —
    unlike the ultimatum model, which flips between ~1/(1+δ) and ~δ/(1+δ)."""
    for d1 in DELTA_GRID:
        for d2 in DELTA_GRID:
            shares = [deadline_share(d1, d2, n, loss, p) for n in range(4, 80)]
            steps = [b - a for a, b in zip(shares, shares[1:])]
            assert max(abs(s) for s in steps) <= PARITY_TOLERANCE * loss + 1e-15
            assert all(s >= 0 for s in steps) or all(s <= 0 for s in steps)
    # the ultimatum model's flip between 6 and 7 rounds is (δ(1 − p))^6 — 0.53 for δ = 0.9
    ultimatum = [finite_horizon_share(0.9, 0.9, n, p) for n in (6, 7)]
    assert abs(ultimatum[1] - ultimatum[0]) == pytest.approx((0.9 * (1 - p)) ** 6)
    assert abs(ultimatum[1] - ultimatum[0]) > 3 * PARITY_TOLERANCE


@given(DELTA, DELTA, st.integers(1, 200), PROB, PROB)
def test_without_a_loss_the_deadline_is_irrelevant(d1, d2, rounds, p, q) -> None:
    if (1 - p) * ((1 - q) * d1 + q * d2) >= 1:
        return
    assert deadline_share(d1, d2, rounds, 0.0, p, q) == pytest.approx(random_proposer_share(d1, d2, p, q), abs=1e-15)


@given(DELTA, DELTA, PROB, st.floats(0.0, 0.9))
def test_many_rounds_tend_to_the_stationary_share(d1, d2, loss, p) -> None:
    assert deadline_share(d1, d2, 5000, loss, p) == pytest.approx(random_proposer_share(d1, d2, p), abs=1e-12)


def test_last_round_and_total_loss() -> None:
    # one round left and everything lost after it: the proposer lottery alone, q
    assert deadline_share(0.95, 0.6, 1, loss=1.0, first_proposer_probability=0.3) == pytest.approx(0.3)
    # the more patient party gains from a distant deadline and loses as it nears: v* − L λ^{T−1}(v* − q)
    v = random_proposer_share(0.95, 0.6)
    assert v > 0.5
    assert [deadline_share(0.95, 0.6, t, 0.5) < v for t in (1, 2, 5)] == [True] * 3
    assert deadline_share(0.95, 0.6, 1, 0.5) == pytest.approx(v - 0.5 * (v - 0.5))


@given(DELTA, DELTA, st.integers(1, 50), PROB, st.floats(0.0, 0.95))
def test_breakdown_risk_acts_like_discounting(d1, d2, rounds, loss, p) -> None:
    assert deadline_share(d1, d2, rounds, loss, p) == pytest.approx(
        deadline_share(d1 * (1 - p), d2 * (1 - p), rounds, loss), abs=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: deadline_share(0.9, 0.9, 0, 0.1), "rounds"),
        (lambda: deadline_share(0.9, 0.9, 2.5, 0.1), "rounds"),
        (lambda: deadline_share(0.9, 0.9, 3, 1.5), "loss"),
        (lambda: deadline_share(0.9, 0.9, 3, -0.1), "loss"),
        (lambda: deadline_share(0.9, 0.9, 3, 0.1, breakdown_probability=2.0), "breakdown"),
        (lambda: deadline_share(0.9, 0.9, 3, 0.1, first_proposer_probability=-0.5), "proposer"),
        (lambda: deadline_share(1.0, 1.0, 3, 0.1), "impatience"),
        (lambda: random_proposer_share(1.2, 0.5), "delta1"),
    ],
)
def test_bad_input_raises(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_scenario_deadline_bargaining_uses_the_new_model(builtin) -> None:
    surplus = 40.0
    plain = deadline_bargaining(builtin, surplus)
    lossy = deadline_bargaining(builtin, surplus, deadline_loss=10.0)
    assert plain is not None and lossy is not None
    first, second = (0, 1) if plain.first_proposer == builtin.party_ids[0] else (1, 0)
    d_first, d_second = plain.delta[first], plain.delta[second]
    assert plain.loss_share == 0.0 and lossy.loss_share == pytest.approx(0.25)
    assert plain.finite_share == pytest.approx(plain.stationary_share)  # no loss: the deadline is irrelevant
    assert lossy.finite_share == deadline_share(d_first, d_second, lossy.rounds, 0.25, lossy.breakdown_probability, 0.5)
    assert lossy.infinite_share == rubinstein_share(d_first, d_second)
    assert lossy.ultimatum_share == finite_horizon_share(d_first, d_second, lossy.rounds, lossy.breakdown_probability)
    for d in (plain, lossy):
        assert 0.0 < d.nash_weight < 1.0
    # the loss is capped at the whole surplus
    assert deadline_bargaining(builtin, surplus, deadline_loss=1e3).loss_share == 1.0
    with pytest.raises(ValueError, match="deadline_loss"):
        deadline_bargaining(builtin, surplus, deadline_loss=-1.0)
