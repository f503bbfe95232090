"""Resources with a supplier capacity, spend that may exceed revenue, commitments against own need."""

from __future__ import annotations

import pytest

from conftest import base_dict, build, fixed, with_terms
from zopa.value import value_scenario


def compute_world(capacity: float | None = None, base: str = "revenue", shortfall: float | None = None) -> dict:
    """Flat revenue 10 with a 20% margin (cost 8); compute is half the spend base."""
    data = base_dict(horizon=2026, growth=0.0)
    resource = {"spend_share": fixed(0.5), "spend_base": base,
                "holder_share": {"none": fixed(0.2), "rofr": fixed(0.7), "exclusive": fixed(1.0)},
                "holder_margin": fixed(0.3), "grantor_premium": fixed(0.1)}
    if capacity is not None:
        resource["capacity_share"] = fixed(capacity)
    if shortfall is not None:
        resource["shortfall_cost"] = fixed(shortfall)
    data["world"]["resources"] = {"compute": resource}
    return data


def right(regime: str) -> dict:
    return {"id": "x", "kind": "exclusivity", "resource": "compute", "regime": regime, "payer": "a", "payee": "b"}


def two_years(data: dict, term: dict) -> tuple[float, float]:
    v = value_scenario(build(with_terms(data, [term])), 10, seed=0)
    return v.estimate("deal", "b").mean / 2, v.estimate("deal", "a").mean / 2


def test_unlimited_capacity_is_the_old_rule():
    # need 5; exclusivity locks in 5·(1 − 0.2) = 4: holder +0.3·4, grantor −0.1·4
    holder, grantor = two_years(compute_world(), right("exclusive"))
    assert (holder, grantor) == (pytest.approx(1.2), pytest.approx(-0.4))


def test_capacity_limits_what_an_exclusivity_locks_in_and_strands_the_rest():
    # capacity 60% of need: holder supplies 3 (vs 1 in a free market) → locks in 2; 40% of need (2)
    # is unmet under strict exclusivity and costs the grantor 0.5 per USD.
    holder, grantor = two_years(compute_world(capacity=0.6, shortfall=0.5), right("exclusive"))
    assert holder == pytest.approx(0.3 * 2)
    assert grantor == pytest.approx(-(0.1 * 2 + 0.5 * 2))
    # the same right destroys value: the holder gains less than the grantor loses
    assert holder + grantor < 0


def test_a_right_of_first_refusal_lets_the_buyer_buy_the_shortfall_elsewhere():
    holder, grantor = two_years(compute_world(capacity=0.6, shortfall=0.5), right("rofr"))
    assert holder == pytest.approx(0.3 * 5 * (0.6 - 0.2))
    assert grantor == pytest.approx(-0.1 * 5 * (0.6 - 0.2))


def test_spend_on_cost_can_exceed_revenue_for_a_loss_maker():
    data = compute_world(base="cost")
    data["world"]["margin"] = {"initial": fixed(-0.6), "long_run": fixed(-0.6), "convergence": fixed(0.0)}
    data["world"]["resources"]["compute"]["spend_share"] = fixed(0.8)
    # cost = 10 − (−6) = 16, compute need = 12.8 > revenue 10; exclusivity locks in 0.8 of it
    holder, _ = two_years(data, right("exclusive"))
    assert holder == pytest.approx(0.3 * 12.8 * 0.8)


def test_purchase_commitment_is_valued_against_the_buyers_own_need():
    data = compute_world(base="cost")  # need = 0.5 · 8 = 4, 0.8 bought anyway
    term = {"id": "c", "kind": "purchase_commitment", "resource": "compute", "payer": "a", "payee": "b",
            "amount_per_year": fixed(6.0)}
    holder, grantor = two_years(data, term)
    shifted, overbuy = 4 - 0.8, 2.0
    assert holder == pytest.approx(0.3 * (shifted + overbuy))
    assert grantor == pytest.approx(-(0.1 * shifted + overbuy))


def test_strict_regimes_must_name_regimes():
    from zopa.scenario.load import ScenarioError, validate_data

    data = compute_world(capacity=0.5)
    data["world"]["resources"]["compute"]["strict_regimes"] = ["exclusve"]
    with pytest.raises(ScenarioError, match="did you mean 'exclusive'"):
        validate_data(data, "<test>")
