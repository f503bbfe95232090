"""Properties of terms (hypothesis): monotone in the rate, zero is zero, an infinite cap is no cap,
and what one side receives from a transfer is what the other gives when beliefs and rates agree."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import base_dict, build, fixed, with_terms
from zopa.value import value_scenario

PATHS = 400
rates = st.floats(0.0, 1.0, allow_nan=False)
discounts = st.floats(0.0, 0.3, allow_nan=False)


def valued(terms: list[dict], **kw) -> object:
    data = with_terms(base_dict(volatility=kw.pop("volatility", 0.3), **kw), terms)
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board"}
    return value_scenario(build(data), PATHS, seed=kw.get("seed", 0))


def share(rate: float, **extra) -> dict:
    return {"id": "s", "kind": "revenue_share", "payer": "a", "payee": "b", "rate": fixed(rate)} | extra


@settings(max_examples=25, deadline=None)
@given(r1=rates, r2=rates, cap=st.floats(0.5, 50.0))
def test_raising_the_rate_never_lowers_the_receivers_value(r1, r2, cap):
    lo, hi = sorted((r1, r2))
    v_lo = valued([share(lo, cap=fixed(cap), until="agi")])
    v_hi = valued([share(hi, cap=fixed(cap), until="agi")])
    assert np.all(v_hi.values[("deal", "b", "b")] >= v_lo.values[("deal", "b", "b")] - 1e-12)
    assert v_hi.estimate("deal", "b").mean >= v_lo.estimate("deal", "b").mean - 1e-12


@settings(max_examples=15, deadline=None)
@given(rate_b=discounts, kind=st.sampled_from(["revenue_share", "profit_share", "equity_stake", "payment"]))
def test_zero_term_is_worth_exactly_zero(rate_b, kind):
    zero = {
        "revenue_share": share(0.0),
        "profit_share": {"id": "s", "kind": "profit_share", "payer": "a", "payee": "b",
                         "tiers": [{"rate": fixed(0.0)}], "terminal": True},
        "equity_stake": {"id": "s", "kind": "equity_stake", "payer": "a", "payee": "b", "stake": fixed(0.0)},
        "payment": {"id": "s", "kind": "payment", "payer": "a", "payee": "b", "amount": fixed(0.0), "when": "agi"},
    }[kind]
    v = valued([zero], rate_b=rate_b)
    for party in ("a", "b"):
        assert np.all(v.values[("deal", party, party)] == 0.0)


@settings(max_examples=15, deadline=None)
@given(rate=rates)
def test_infinite_cap_equals_no_cap(rate):
    capped = valued([share(rate, cap=fixed(math.inf))])
    free = valued([share(rate)])
    for key in capped.values:
        np.testing.assert_array_equal(capped.values[key], free.values[key])


@settings(max_examples=20, deadline=None)
@given(rate=rates, discount=discounts, stake=st.floats(0.0, 1.0), cap=st.floats(1.0, 100.0))
def test_transfers_balance_exactly_with_identical_beliefs_and_rates(rate, discount, stake, cap):
    terms = [
        share(rate, until="agi"),
        {"id": "p", "kind": "profit_share", "payer": "a", "payee": "b", "cap": fixed(cap), "terminal": True,
         "tiers": [{"rate": fixed(0.75), "up_to": fixed(cap / 3)}, {"rate": fixed(0.49)}]},
        {"id": "e", "kind": "equity_stake", "payer": "a", "payee": "b", "stake": fixed(stake)},
    ]
    v = valued(terms, rate_a=discount, rate_b=discount)
    for term in ("s", "p", "e"):
        received = v.terms[("deal", "b", "b")][term]
        given_ = v.terms[("deal", "a", "a")][term]
        np.testing.assert_array_equal(received, -given_)


def test_different_beliefs_open_a_gap():
    """With different AGI beliefs the same transfer is worth different amounts to the two sides."""
    data = with_terms(base_dict(arrival={"a": {"dist": "uniform", "low": 2025, "high": 2028, "source": "test"},
                                         "b": {"dist": "uniform", "low": 2029, "high": 2040, "source": "test"}}),
                      [share(0.2, until="agi")])
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board"}
    v = value_scenario(build(data), 2000, seed=0)
    assert v.estimate("deal", "b").mean > -v.estimate("deal", "a").mean + 1.0
