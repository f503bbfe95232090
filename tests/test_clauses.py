"""Strategic clauses: a trigger one party controls is exercised when it pays, and disputed when that pays."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import base_dict, build, fixed, with_terms
from zopa.value import value_scenario


def share(payer: str, payee: str, rate, until: str | None, term_id: str) -> dict:
    term = {"id": term_id, "kind": "revenue_share", "payer": payer, "payee": payee,
            "rate": rate if isinstance(rate, dict) else fixed(rate)}
    return term | ({"until": until} if until else {})


def two_way(trigger: dict | None, cost: float = 0.0) -> dict:
    """``a`` pays ``b`` 10% of revenue and ``b`` pays ``a`` a random 0–20% until the trigger: declaring
    pays ``a`` on paths where its own receipts are small."""
    data = base_dict(volatility=0.3, arrival={"dist": "uniform", "low": 2025, "high": 2031, "source": "test"})
    if trigger is not None:
        data["triggers"]["agi"] = trigger | ({"exercise_cost": fixed(cost)} if cost else {})
    until = "agi" if trigger is not None else None
    back = {"dist": "uniform", "low": 0.0, "high": 0.2, "source": "test"}
    return with_terms(data, [share("a", "b", 0.1, until, "out"), share("b", "a", back, until, "in")])


def test_controller_exercises_only_where_it_pays_and_never_loses_by_controlling():
    n, cost = 3000, 0.4
    controlled = value_scenario(build(two_way({"kind": "declared", "event": "agi", "rule": "board",
                                               "controlled_by": "a"}, cost)), n, seed=2)
    fires = value_scenario(build(two_way({"kind": "declared", "event": "agi", "rule": "board"})), n, seed=2)
    never = value_scenario(build(two_way(None)), n, seed=2)
    key = ("deal", "a", "a")
    df = 1.0  # both parties' rates are 0 in the test world
    fire_net = fires.values[key] - cost * df * (fires.values[key] != never.values[key])
    # per path: the controller's value is the better of declaring (net of its cost) and not declaring
    eligible = fires.values[key] != never.values[key]
    expected = np.where(eligible, np.maximum(fires.values[key] - cost * df, never.values[key]), never.values[key])
    np.testing.assert_allclose(controlled.values[key], expected, rtol=1e-12, atol=1e-12)
    declared = controlled.values[key] != never.values[key]
    assert np.all(fire_net[declared] > never.values[key][declared])  # exercised only where it pays
    assert 0.1 < declared.mean() < 0.9  # the decision bites both ways on this world
    # control never lowers the owner's value versus the same clause firing by itself
    assert np.all(controlled.values[key] >= fire_net - 1e-12)
    rates = controlled.clauses[("deal", "a")]["agi"]
    assert rates.declared == pytest.approx(declared.mean())


@pytest.mark.parametrize("litigation, declares, disputes", [(1.0, True, True), (2.0, False, False), (4.0, True, False)])
def test_counterparty_disputes_as_a_best_response(litigation, declares, disputes):
    """Flat revenue 10, ``a`` pays ``b`` 1 a year until AGI (arrives 2026), rates 0, horizon 2030:
    ``V_b(τ) = 1``, ``V_b(τ + 2) = 3``, ``V_b(∞) = 6``; the court upholds with 1/2. ``b`` disputes iff
    ``4.5 − L > 1``; ``a`` declares iff its value then beats ``−6``: disputed ``−4.5 − L``, else ``−1``."""
    data = base_dict(growth=0.0, arrival=fixed(2026.0))
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "counterparty_agreement",
                               "controlled_by": "a", "court_delay": fixed(2.0), "court_upholds": fixed(0.5),
                               "litigation_cost": fixed(litigation)}
    v = value_scenario(build(with_terms(data, [share("a", "b", 0.1, "agi", "out")])), 20_000, seed=0)
    rates = v.clauses[("deal", "a")]["agi"]
    assert (rates.declared == 1.0, rates.disputed == 1.0) == (declares, disputes)
    expected_a = -4.5 - litigation if disputes else (-1.0 if declares else -6.0)
    e = v.estimate("deal", "a")
    assert abs(e.mean - expected_a) < 4 * e.se + 1e-9
    parts = v.term_estimates("deal", "b")
    assert parts["clause.agi"].mean == pytest.approx(-litigation if disputes else 0.0)


def test_profit_test_delays_eligibility_until_cumulative_profits_reach_it():
    # profit 2 a year (20% of 10): cumulative 2, 4, 6 → a test of 5 is met in 2027, declarable from 2028
    data = base_dict(growth=0.0, arrival=fixed(2025.0))
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board", "profit_test": fixed(5.0)}
    v = value_scenario(build(with_terms(data, [share("a", "b", 0.1, "agi", "out")])), 10, seed=0)
    assert v.estimate("deal", "b").mean == pytest.approx(3.0)


def test_a_controlled_date_is_an_option_exercised_where_it_pays():
    """``a`` may end its 10% revenue share at the end of 2026 for a fee of 2: it does so exactly on the
    paths where the payments it escapes are worth more than the fee."""
    data = base_dict(volatility=0.4, horizon=2030)
    data["triggers"]["exit"] = {"kind": "date", "date": "2026-12-31", "controlled_by": "a", "exercise_cost": fixed(2.0)}
    optioned = value_scenario(build(with_terms(data, [share("a", "b", 0.1, "exit", "out")])), 2000, seed=4)
    plain = value_scenario(build(with_terms(data, [share("a", "b", 0.1, None, "out")])), 2000, seed=4)
    data["triggers"]["exit"] = {"kind": "date", "date": "2026-12-31"}
    ends = value_scenario(build(with_terms(data, [share("a", "b", 0.1, "exit", "out")])), 2000, seed=4)
    key = ("deal", "a", "a")
    expected = np.maximum(ends.values[key] - 2.0, plain.values[key])  # rates 0: the fee is not discounted
    np.testing.assert_allclose(optioned.values[key], expected, rtol=1e-12, atol=1e-12)
    assert 0.05 < optioned.clauses[("deal", "a")]["exit"].declared < 0.95


def test_packages_sharing_a_term_but_not_a_decision_do_not_share_its_value():
    """``deal2`` inherits ``deal``'s term but adds receipts that make ``a`` never declare: valuing it
    next to ``deal`` must give what valuing it alone gives."""
    data = base_dict(volatility=0.3, arrival={"dist": "uniform", "low": 2025, "high": 2031, "source": "test"})
    data["triggers"]["agi"] = {"kind": "declared", "event": "agi", "rule": "board", "controlled_by": "a"}
    data = with_terms(data, [share("a", "b", 0.1, "agi", "out")])
    data["packages"]["deal2"] = {"label": "deal2", "base": "deal", "terms": [share("b", "a", 0.3, "agi", "in")]}
    scenario = build(data)
    together = value_scenario(scenario, 2000, seed=1)
    alone = value_scenario(scenario, 2000, seed=1, packages=["deal2"])
    assert together.clauses[("deal", "a")]["agi"].declared > 0.5
    assert together.clauses[("deal2", "a")]["agi"].declared == 0.0
    for party in ("a", "b"):
        np.testing.assert_array_equal(together.values[("deal2", party, party)], alone.values[("deal2", party, party)])


def test_decided_values_picked_from_the_alternatives_equal_valuing_again(builtin, monkeypatch):
    """Once a clause is decided, a stake's values are picked path by path from the alternatives the
    decision valued (never, at eligibility, after court or panel): bit for bit what valuing the term
    again in the decided world gives — for the named packages (every rule: board, panel,
    counterparty agreement) and for every column of the deal space."""
    import zopa.basis as basis
    import zopa.value as value
    from zopa.calibration import exit_scale
    from zopa.dealspace import expand

    picked = []
    real = value.decided_term_values

    def counting(*args):
        out = real(*args)
        picked.append(out is not None)
        return out

    def run():
        v = value_scenario(builtin, 700, 3)
        space = expand(builtin.deal_space)
        cols = [basis.party_columns(builtin, p, p, 700, 3, exit_scale(builtin, 3), space) for p in builtin.party_ids]
        return v, cols

    monkeypatch.setattr(value, "decided_term_values", counting)
    monkeypatch.setattr(basis, "decided_term_values", counting)
    fast, fast_cols = run()
    assert sum(picked) > 20  # the shortcut is taken
    monkeypatch.setattr(value, "decided_term_values", lambda *args: None)
    monkeypatch.setattr(basis, "decided_term_values", lambda *args: None)
    slow, slow_cols = run()
    assert fast.values.keys() == slow.values.keys()
    for key in slow.values:
        assert np.array_equal(fast.values[key], slow.values[key]), key
        for term in slow.terms[key]:
            assert np.array_equal(fast.terms[key][term], slow.terms[key][term]), (key, term)
    for (c1, k1), (c2, k2) in zip(fast_cols, slow_cols):
        assert np.array_equal(c1, c2) and np.array_equal(k1, k2)
