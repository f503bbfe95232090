"""Monte Carlo values against closed forms, within 4 standard errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from conftest import base_dict, build, fixed, with_terms
from zopa.value import value_scenario
from zopa.world import year_fraction

N = 40_000


def one_period_lognormal(sigma: float, growth: float, revenue: float, terms: list[dict]):
    """Grid 2025–2026 at zero discount: R_1 is lognormal with mean F = revenue·e^growth, log-sd σ."""
    data = with_terms(base_dict(horizon=2026, revenue=revenue, growth=growth, volatility=sigma), terms)
    return value_scenario(build(data), N, seed=7)


def share(rate: float, cap: float | None = None, term_id: str = "share") -> dict:
    term = {"id": term_id, "kind": "revenue_share", "payer": "a", "payee": "b", "rate": fixed(rate)}
    if cap is not None:
        term["cap"] = fixed(cap)
    return term


def call(F: float, K: float, s: float) -> float:
    d1 = (math.log(F / K) + s * s / 2) / s
    return F * norm.cdf(d1) - K * norm.cdf(d1 - s)


def test_capped_share_on_a_lognormal():
    # E[min(aX, C)] = aF·N(−d1') + C·N(d2'), d1' = (ln(aF/C) + σ²/2)/σ, d2' = d1' − σ.
    # The first grid year pays a·R0 for sure, so the cumulative cap is C + a·R0.
    a, C, sigma, R0, g = 0.2, 2.5, 0.4, 10.0, 0.2
    v = one_period_lognormal(sigma, g, R0, [share(a, C + a * R0)])
    F = R0 * math.exp(g)
    d1 = (math.log(a * F / C) + sigma**2 / 2) / sigma
    expected = a * R0 + a * F * norm.cdf(-d1) + C * norm.cdf(d1 - sigma)
    e = v.estimate("deal", "b")
    assert abs(e.mean - expected) < 4 * e.se


def test_call_is_uncapped_minus_capped_share():
    # E[(X−K)+] = F·N(d1) − K·N(d2) = E[X] − E[min(X, K)]
    sigma, R0, g, K = 0.3, 10.0, 0.1, 12.0
    v = one_period_lognormal(sigma, g, R0, [share(1.0, None, "all"), share(1.0, K + R0, "capped")])
    parts = v.terms[("deal", "b", "b")]
    payoff = parts["all"] - parts["capped"]
    expected = call(R0 * math.exp(g), K, sigma)
    se = payoff.std(ddof=1) / math.sqrt(N)
    assert abs(payoff.mean() - expected) < 4 * se


def test_call_spread():
    # E[min((X−K)+, C)] = Call(K) − Call(K+C) = E[min(X, K+C)] − E[min(X, K)]
    sigma, R0, g, K, C = 0.35, 10.0, 0.05, 9.0, 4.0
    v = one_period_lognormal(sigma, g, R0, [share(1.0, K + C + R0, "upper"), share(1.0, K + R0, "lower")])
    parts = v.terms[("deal", "b", "b")]
    payoff = parts["upper"] - parts["lower"]
    F = R0 * math.exp(g)
    expected = call(F, K, sigma) - call(F, K + C, sigma)
    assert abs(payoff.mean() - expected) < 4 * payoff.std(ddof=1) / math.sqrt(N)


def test_flow_stopping_at_exponential_agi():
    # s·X0·e^{gt} until an exponential arrival of rate λ, discounted continuously at r:
    # Σ_t s·X0·e^{(g−λ−r)t} on the grid t = 0, 1, …, T−1.
    s_, X0, g, lam, r = 0.2, 10.0, 0.15, 0.3, 0.08
    data = base_dict(horizon=2034, revenue=X0, growth=g, rate_b=math.exp(r) - 1,
                     arrival={"dist": "exponential", "rate": lam, "start": 2025, "source": "test"})
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board"}
    term = share(s_) | {"until": "agi"}
    v = value_scenario(build(with_terms(data, [term])), N, seed=3)
    t = np.arange(10)
    expected = float(np.sum(s_ * X0 * np.exp((g - lam - r) * t)))
    e = v.estimate("deal", "b")
    assert abs(e.mean - expected) < 4 * e.se
    continuous = s_ * X0 * (1 - math.exp(-(r + lam - g) * 10)) / (r + lam - g)
    assert abs(e.mean - continuous) / continuous < 0.25  # grid sum vs integral: same order


def test_uncapped_share_is_rate_times_expected_revenue():
    a, R0, g, sigma, r = 0.15, 8.0, 0.12, 0.3, 0.1
    data = base_dict(horizon=2032, revenue=R0, growth=g, volatility=sigma, rate_b=r)
    v = value_scenario(build(with_terms(data, [share(a)])), N, seed=11)
    t = np.arange(8)
    expected = float(np.sum(a * R0 * np.exp(g * t) * (1 + r) ** -t))
    e = v.estimate("deal", "b")
    assert abs(e.mean - expected) < 4 * e.se


def test_fixed_date_payment_discounts_exactly():
    data = base_dict(rate_a=0.07, rate_b=0.12)
    data["triggers"]["closing"] = {"kind": "date", "date": "2027-06-30"}
    term = {"id": "pay", "kind": "payment", "payer": "a", "payee": "b", "amount": fixed(5.0), "when": "closing"}
    s = build(with_terms(data, [term]))
    v = value_scenario(s, 100, seed=0)
    t = year_fraction(s.triggers["closing"].date) - 2025
    assert v.estimate("deal", "b").mean == pytest.approx(5.0 * 1.12**-t, rel=1e-12)
    assert v.estimate("deal", "a").mean == pytest.approx(-5.0 * 1.07**-t, rel=1e-12)
    assert v.estimate("deal", "b").se < 1e-12


def test_tiered_profit_share_by_hand():
    # Profit 2/yr (20% margin on revenue 10, no growth). Tiers: 75% until 3 received, then 50%,
    # total cap 4. Year 0: 0.75·2 = 1.5 (1.5). Year 1: 1.5 (3.0). Year 2: 0.5·2 = 1.0 (4.0, capped).
    data = base_dict(horizon=2029, growth=0.0)
    term = {"id": "profit", "kind": "profit_share", "payer": "a", "payee": "b", "cap": fixed(4.0),
            "tiers": [{"rate": fixed(0.75), "up_to": fixed(3.0)}, {"rate": fixed(0.5)}]}
    v = value_scenario(build(with_terms(data, [term])), 10, seed=0)
    assert v.estimate("deal", "b").mean == pytest.approx(4.0)
    # a tier boundary inside a year: 75% until 2 received → year 1 pays 0.5 at 75% then
    # (2 − 0.5/0.75)·0.5 at 50%.
    term2 = term | {"tiers": [{"rate": fixed(0.75), "up_to": fixed(2.0)}, {"rate": fixed(0.5)}], "cap": fixed(100.0)}
    v2 = value_scenario(build(with_terms(data, [term2])), 10, seed=0)
    first_two = 1.5 + 0.5 + (2 - 0.5 / 0.75) * 0.5
    assert v2.estimate("deal", "b").mean == pytest.approx(first_two + 3 * 1.0)


def test_capped_combinator_counts_members_with_probability():
    # Two 10%-of-revenue shares (1/yr each, flat revenue 10) under a joint cap of 3 over 5 years.
    # Share y counts toward the cap with probability p: E = p·3·… computed by cases.
    data = base_dict(horizon=2029, growth=0.0)
    members = [share(0.1, None, "x"), share(0.1, None, "y")]
    term = {"id": "cap", "kind": "capped", "payer": "a", "payee": "b", "cap": fixed(3.0), "members": members,
            "count_probability": {"y": fixed(0.25)}}
    v = value_scenario(build(with_terms(data, [term])), 40_000, seed=5)
    # y counts: joint 2/yr capped at 3 in total. y does not count: x capped at 3, y free = 5.
    expected = 0.25 * 3.0 + 0.75 * (3.0 + 5.0)
    e = v.estimate("deal", "b")
    assert abs(e.mean - expected) < 4 * e.se + 1e-12
    parts = v.term_estimates("deal", "b")
    assert set(parts) == {"cap.x", "cap.y"}


def test_equity_stake_at_exit():
    # stake·(1−dilution)·multiple·R_T discounted from the horizon.
    data = base_dict(horizon=2030, growth=0.1, rate_b=0.1)
    term = {"id": "stake", "kind": "equity_stake", "payer": "a", "payee": "b", "stake": fixed(0.3),
            "dilution": fixed(0.2)}
    v = value_scenario(build(with_terms(data, [term])), 10, seed=0)
    expected = 0.3 * 0.8 * 5.0 * 10.0 * math.exp(0.5) * 1.1**-5
    assert v.estimate("deal", "b").mean == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("baseline, payee_per_year, payer_per_year", [
    ("none", 0.3 * (4 + 3), 0.1 * 4 + 3),  # need 5, buys 1 anyway: shifts 4, overbuys 3
    ("exclusive", 0.3 * 3, 3.0),           # an exclusivity already locks in all 5: only the overbuy counts
])
def test_purchase_commitment_by_hand(baseline, payee_per_year, payer_per_year):
    data = base_dict(horizon=2026, growth=0.0)
    data["world"]["resources"] = {"compute": {
        "spend_share": fixed(0.5), "holder_share": {"none": fixed(0.2), "exclusive": fixed(1.0)},
        "holder_margin": fixed(0.3), "grantor_premium": fixed(0.1)}}
    term = {"id": "c", "kind": "purchase_commitment", "resource": "compute", "payer": "a", "payee": "b",
            "amount_per_year": fixed(8.0), "baseline_regime": baseline}
    v = value_scenario(build(with_terms(data, [term])), 10, seed=0)
    assert v.estimate("deal", "b").mean == pytest.approx(2 * payee_per_year)
    assert v.estimate("deal", "a").mean == pytest.approx(-2 * payer_per_year)
