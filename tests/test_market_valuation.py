"""Market-consistent valuation: one rate per stream, an equity process that reprices the round."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import base_dict, build, fixed, with_terms
from zopa.calibration import calibrate, repricing_check
from zopa.value import value_scenario

MARKET = {"method": "market", "rates": {"equity": fixed(0.12), "revenue": fixed(0.09), "fixed": fixed(0.04)}}


def market(data: dict) -> dict:
    return data | {"discounting": MARKET}


TRANSFER_KINDS = st.sampled_from(["revenue_share", "profit_share", "equity_stake", "payment"])


def transfer(kind: str, size: float) -> dict:
    common = {"id": "t", "kind": kind, "payer": "a", "payee": "b"}
    if kind == "revenue_share":
        return common | {"rate": fixed(size), "until": "agi", "cap": fixed(5 + 50 * size)}
    if kind == "profit_share":
        return common | {"terminal": True, "tiers": [{"rate": fixed(0.75), "up_to": fixed(3.0)}, {"rate": fixed(size)}]}
    if kind == "equity_stake":
        return common | {"stake": fixed(size), "dilution": {"dist": "uniform", "low": 0.1, "high": 0.3, "source": "test"}}
    return common | {"amount": fixed(10 * size), "when": "agi"}


@settings(max_examples=25, deadline=None)
@given(kind=TRANSFER_KINDS, size=st.floats(0.01, 0.9), rate_a=st.floats(0.0, 0.3), rate_b=st.floats(0.0, 0.3))
def test_transfers_are_zero_sum_whatever_the_parties_own_rates(kind, size, rate_a, rate_b):
    """Equal beliefs: what the payee gains the payer loses, path by path, at any party rates."""
    data = market(base_dict(volatility=0.3, rate_a=rate_a, rate_b=rate_b))
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board"}
    v = value_scenario(build(with_terms(data, [transfer(kind, size)])), 200, seed=1)
    for beliefs in ("a", "b"):
        np.testing.assert_allclose(v.values[("deal", "b", beliefs)], -v.values[("deal", "a", beliefs)], rtol=1e-12, atol=1e-12)


def test_party_rates_make_the_same_transfer_non_zero_sum():
    """The simplification the market rule removes: each side at its own rate."""
    data = base_dict(rate_a=0.15, rate_b=0.09)
    v = value_scenario(build(with_terms(data, [transfer("equity_stake", 0.3)])), 50, seed=0)
    assert v.estimate("deal", "b").mean > -v.estimate("deal", "a").mean * 1.2


def test_each_stream_is_discounted_at_its_class_rate():
    """A payment on a date (``fixed``) and a stake at exit (``equity``), each at its own rate; a
    term may name another class."""
    data = market(base_dict(rate_a=0.3, rate_b=0.3))
    data["triggers"]["closing"] = {"kind": "date", "date": "2027-06-30"}
    pay = {"id": "pay", "kind": "payment", "payer": "a", "payee": "b", "amount": fixed(5.0), "when": "closing"}
    stake = {"id": "stake", "kind": "equity_stake", "payer": "a", "payee": "b", "stake": fixed(0.3)}
    risky_pay = pay | {"id": "risky", "risk": "equity"}
    v = value_scenario(build(with_terms(data, [pay, stake, risky_pay])), 10, seed=0)
    t = 2027.0 + 181 / 365 - 2025
    parts = v.term_estimates("deal", "b")
    assert parts["pay"].mean == pytest.approx(5.0 * 1.04**-t, rel=1e-12)
    assert parts["risky"].mean == pytest.approx(5.0 * 1.12**-t, rel=1e-12)
    exit_value = 5.0 * 10.0 * math.exp(0.1 * 5)
    assert parts["stake"].mean == pytest.approx(0.3 * exit_value * 1.12**-5, rel=1e-12)


def calibrated(price: float = 40.0, volatility: float = 0.3) -> dict:
    data = market(base_dict(volatility=volatility))
    data["world"]["exit"]["revenue_multiple"] = {"dist": "lognormal", "lo": 3, "hi": 8, "source": "test"}
    data["packages"]["none"]["terms"] = [{"id": "equity", "kind": "equity_stake", "payee": "a", "stake": fixed(1.0),
                                          "dilution": fixed(0.2)}]
    data["calibration"] = {"price": fixed(price), "date": "2025-01-01", "package": "none", "term": "equity",
                           "beliefs": {"a": 1.0, "b": 1.0}, "paths": 20_000, "tolerance": 0.03}
    return data


def test_calibrated_equity_reprices_the_round():
    scenario = build(calibrated())
    cal = calibrate(scenario, seed=0)
    assert cal is not None and cal.scale > 0
    # Exactly on the calibration paths: the price is linear in the scale.
    v = value_scenario(scenario, cal.paths, seed=0, packages=["none"])
    carry = 1.12 ** (1 / 365)
    assert v.estimate("none", "a").mean * carry == pytest.approx(40.0, rel=1e-9)
    # Out of sample, within the stated tolerance and the Monte Carlo error.
    check = repricing_check(scenario, seed=0, n_paths=20_000)
    assert check.within_tolerance and abs(check.value - 40.0) < 4 * check.se + 0.03 * 40


def test_calibration_is_linear_in_the_price_and_shared_by_every_valuation():
    a, b = calibrate(build(calibrated(40.0)), 0), calibrate(build(calibrated(80.0)), 0)
    assert b.scale == pytest.approx(2 * a.scale, rel=1e-12)
    scenario = build(calibrated())
    small, large = value_scenario(scenario, 500, 0, packages=["none"]), value_scenario(scenario, 2000, 0, packages=["none"])
    np.testing.assert_array_equal(small.values[("none", "a", "a")], large.values[("none", "a", "a")][:500])
    assert small.calibration == large.calibration


def test_calibration_rejects_a_price_after_the_as_of_date():
    from zopa.scenario.load import ScenarioError, validate_data

    data = calibrated()
    data["calibration"]["date"] = "2026-01-01"
    with pytest.raises(ScenarioError, match="calibration.date"):
        validate_data(data, "<test>")


def test_market_rates_may_not_differ_by_party():
    from zopa.scenario.load import ScenarioError, validate_data

    data = market(base_dict())
    data["discounting"] = {"method": "market", "rates": {"revenue": {"a": fixed(0.1), "b": fixed(0.2)}},
                           "default": "revenue"}
    with pytest.raises(ScenarioError, match="belongs to the stream"):
        validate_data(data, "<test>")
