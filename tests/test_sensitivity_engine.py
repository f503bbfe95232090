"""The engine as an evaluator: pinning inputs, tornado swings, Sobol' design, belief gap, sweep points."""

from __future__ import annotations

import numpy as np
import pytest

from zopa.sensitivity.engine import (
    blend_beliefs, pin, run_belief_gap, run_sobol, run_tornado, scenario_outputs, sweep_point, uncertain_inputs,
    with_values,
)


@pytest.fixture(scope="module")
def scenario():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


def test_pin_holds_each_partys_own_quantile(scenario):
    pinned = pin(scenario, {"world.agi.arrival": 0.1, "inputs.dilution": 0.9})
    arrival = pinned.world.agi.arrival
    for party in scenario.party_ids:
        assert arrival.for_party(party).value == pytest.approx(scenario.world.agi.arrival.for_party(party).quantile(0.1))
    # a named input changes at every use
    stake = next(t for t in pinned.packages["openai_offer"].terms if t.id == "microsoft_stake")
    assert stake.dilution.for_party("openai").value == pytest.approx(0.2 + 0.9 * 0.2)
    assert stake.dilution.input == "dilution"


def test_with_values_and_unknown_path(scenario):
    changed = with_values(scenario, {"world.revenue.initial": 20.0})
    assert changed.world.revenue.initial.for_party("openai").value == 20.0
    with pytest.raises(ValueError, match="no input at"):
        with_values(scenario, {"world.revenue.inital": 1.0})


def test_inputs_are_listed_once(scenario):
    paths = [i.path for i in uncertain_inputs(scenario)]
    assert len(paths) == len(set(paths))
    assert "inputs.dilution" in paths and not any(p.endswith("microsoft_stake.dilution") for p in paths)


def test_tornado_ranks_agi_timing_above_an_irrelevant_input(scenario):
    result = run_tornado(scenario, include=["world.agi.arrival", "world.agi.asi_lag"], n_paths=1500, space_paths=None,
                         outputs=["gain.openai_offer.microsoft"])
    rows = result.to_rows("gain.openai_offer.microsoft")
    assert rows[0]["input"] == "world.agi.arrival" and rows[0]["swing"] > 1.0
    asi = next(r for r in rows if r["input"] == "world.agi.asi_lag")
    assert asi["swing"] == pytest.approx(0.0, abs=1e-9)  # no package of the list uses ASI for Microsoft's gain
    base = scenario_outputs(scenario, 1500, 0, None)["gain.openai_offer.microsoft"]
    assert rows[0]["output_base"] == pytest.approx(base)


def test_sobol_per_path_design_runs_in_one_engine_call(scenario):
    res = run_sobol(scenario, include=["world.agi.arrival", "world.exit.revenue_multiple"], n_base=64,
                    outputs=["value.status_quo.openai"])
    rows = {r["input"]: r for r in res.to_rows("value.status_quo.openai")}
    assert rows["world.exit.revenue_multiple"]["ST"] > 0.05
    assert all(0 <= r["ST"] + r["ST_conf"] for r in rows.values())


def test_sobol_rows_share_noise_so_irrelevant_inputs_score_zero(scenario):
    """Rows of one base sample share revenue shocks and chance events: an input the output does not
    depend on changes nothing, so its total index is exactly zero despite the noise."""
    res = run_sobol(scenario, include=["world.agi.asi_lag", "world.exit.revenue_multiple"], n_base=64,
                    outputs=["value.openai_offer.microsoft"])
    rows = {r["input"]: r for r in res.to_rows("value.openai_offer.microsoft")}
    assert rows["world.agi.asi_lag"]["ST"] == pytest.approx(0.0, abs=1e-12)
    assert rows["world.exit.revenue_multiple"]["ST"] > 0.1


def test_identical_beliefs_leave_no_bet(scenario):
    points = run_belief_gap(scenario, "microsoft", fractions=(0.0, 1.0), n_paths=300)
    start, end = points
    assert end.bet == 0.0  # exactly: identical beliefs give identical paths
    assert start.bet != 0.0
    assert end.created == pytest.approx(end.joint_gain)


def test_blend_moves_quantiles(scenario):
    half = blend_beliefs(scenario, "microsoft", 0.5)
    mine = scenario.world.agi.arrival.for_party("microsoft").quantile(0.3)
    theirs = scenario.world.agi.arrival.for_party("openai").quantile(0.3)
    assert half.world.agi.arrival.for_party("microsoft").quantile(0.3) == pytest.approx((mine + theirs) / 2)
    assert half.world.agi.arrival.for_party("openai") == scenario.world.agi.arrival.for_party("openai")


def test_sweep_point_is_deterministic():
    a = sweep_point({"world.revenue.initial": 10.0}, seed=3, n_paths=500, space_paths=None)
    b = sweep_point({"world.revenue.initial": 10.0}, seed=3, n_paths=500, space_paths=None)
    c = sweep_point({"world.revenue.initial": 15.0}, seed=3, n_paths=500, space_paths=None)
    assert a == b
    assert c["value.status_quo.microsoft"] > a["value.status_quo.microsoft"]
    assert np.isfinite(list(a.values())).all()


def test_named_input_changes_reach_the_deal_space(scenario):
    """Setting inputs.dilution must change the deal-space templates that use it, too."""
    changed = with_values(scenario, {"inputs.dilution": 0.0})
    from zopa.beliefs import Quantity

    template = next(t for t in changed.deal_space.terms if t["id"] == "microsoft_stake")
    dilution = Quantity.model_validate(template["dilution"])
    assert dilution.for_party("openai").value == 0.0 and dilution.input == "dilution"
    pinned = pin(scenario, {"inputs.microsoft_cap": 0.9})
    revenue = next(t for t in pinned.deal_space.terms if t["id"] == "revenue_share")
    cap = Quantity.model_validate(revenue["cap"]).for_party("openai").value
    assert cap == pytest.approx(scenario.inputs["microsoft_cap"].for_party("openai").quantile(0.9))
