"""The contract algebra: every term kind equals its former direct implementation path by path, a
kind registered from outside the package loads and values, and the commercial kinds and declared
drivers match closed forms."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from zopa.dealspace import expand
from zopa.scenario import builtin_path
from zopa.scenario.errors import ScenarioError
from zopa.scenario.load import load_scenario, parse_scenario
from zopa.terms import TERM_TYPES, TermBase, algebra as A
from zopa.terms.flows import CashFlows
from zopa.value import value_scenario
from zopa.world import RandomStreams, SimulatedWorld

sys.path.insert(0, str(Path(__file__).parent))
from reference_terms import OLD  # noqa: E402

RTOL = 1e-12


def _same(new: CashFlows, old: CashFlows, what: str) -> None:
    np.testing.assert_allclose(new.grid, old.grid, rtol=RTOL, atol=1e-300, err_msg=f"{what}: grid")
    assert len(new.lumps) == len(old.lumps), f"{what}: lumps"
    for a, b in zip(new.lumps, old.lumps):
        np.testing.assert_allclose(a.amount, b.amount, rtol=RTOL, atol=1e-300, err_msg=f"{what}: lump")
        np.testing.assert_array_equal(a.time, b.time)
    grid_times = 2025.0 + np.arange(old.grid.shape[1])
    for rate in (0.0, 0.05, 0.11):  # the values a party sees, path by path
        np.testing.assert_allclose(new.present_value(grid_times, rate), old.present_value(grid_times, rate),
                                   rtol=RTOL, atol=1e-12)


def _builtin_terms(scenario) -> list[tuple[str, TermBase]]:
    """Every term of the built-in case: named packages, common terms and deal-space columns."""
    found = {}

    def add(pkg: str, term: TermBase) -> None:
        found[(term.key, repr(term))] = (pkg, term)
        for child in term.children():
            add(pkg, child)

    for pkg in scenario.packages:
        for term in scenario.package_terms(pkg):
            add(pkg, term)
    space = expand(scenario.deal_space)
    for column in space.columns:
        if column.term is not None:
            add(scenario.meta.status_quo, column.term)
    return list(found.values())


@pytest.fixture(scope="module")
def builtin():
    return load_scenario(builtin_path())


def test_every_kind_equals_its_composition_path_by_path(builtin):
    terms = _builtin_terms(builtin)
    kinds = {t.kind for _, t in terms}
    assert {"revenue_share", "profit_share", "equity_stake", "exclusivity", "ip_access", "purchase_commitment",
            "capped", "funding_cost"} <= kinds
    streams = RandomStreams(7, 0, 500)
    checked = 0
    for belief in builtin.party_ids:
        for restructured in (True, False):
            world = SimulatedWorld(builtin, belief, restructured, streams)
            for pkg, term in terms:
                ctx = world.with_triggers(builtin.packages[pkg].triggers)
                new, old = term.flows(ctx), OLD[term.kind](term, ctx)
                _same(new.to_payee, old.to_payee, f"{term.key} to payee")
                _same(new.from_payer, old.from_payer, f"{term.key} from payer")
                checked += 1
    assert checked > 100


def test_capped_members_equal_their_former_parts(builtin):
    from reference_terms import old_member_parts

    world = SimulatedWorld(builtin, builtin.party_ids[0], True, RandomStreams(3, 0, 400))
    capped = [t for _, t in _builtin_terms(builtin) if t.kind == "capped"]
    assert capped
    for term in capped:
        new = {name.split(".", 1)[1]: flows for name, (_, flows) in term.parts(world).items()}
        old = old_member_parts(term, world)
        assert new.keys() == old.keys()
        for key in old:
            _same(new[key].to_payee, old[key].to_payee, f"{term.key}.{key}")


def test_payment_and_a_date_trigger_hand_example():
    s = parse_scenario(_MINIMAL + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "fee"
        kind = "lump"
        payer = "buyer"
        payee = "vendor"
        amount = { value = 10.0, source = "a" }
        at = "renewal"
        """))
    v = value_scenario(s, n_paths=64, seed=1)
    # 10 paid at the end of 2026 (t = 2027.0), discounted two years at the fixed rate of 5%
    assert v.estimate("status_quo", "vendor").mean == pytest.approx(10.0 / 1.05**2, rel=1e-12)
    assert v.estimate("status_quo", "buyer").mean == pytest.approx(-10.0 / 1.05**2, rel=1e-12)


# --- a kind registered from outside the package --------------------------------------------------


def test_a_kind_registered_outside_the_package_loads_and_values():
    from pydantic import Field

    from zopa.beliefs import Quantity, quantity_field
    from zopa.terms import register_term

    if "milestone_bonus" not in TERM_TYPES:
        @register_term
        class MilestoneBonus(TermBase):
            """``bonus`` per unit of the driver above ``threshold`` each year (a volume bonus)."""

            kind: Literal["milestone_bonus"] = "milestone_bonus"
            bonus: Quantity = quantity_field("money", "paid per unit above the threshold")
            threshold: Quantity = quantity_field("nonnegative", "units per year")
            of: str = Field(description="driver")

            def compose(self) -> A.Contract:
                above = A.positive(A.Sub(A.Series(self.of), A.Draw(self.threshold, f"{self.key}.threshold")))
                return A.Flow(A.Mul(A.Draw(self.bonus, f"{self.key}.bonus"), above))

    s = parse_scenario(_MINIMAL + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "bonus"
        kind = "milestone_bonus"
        payer = "buyer"
        payee = "vendor"
        of = "seats"
        bonus = { value = 2.0, source = "a" }
        threshold = { value = 100.0, source = "a" }
        """))
    v = value_scenario(s, n_paths=32, seed=0)
    # seats = 150 every year: (150 − 100) × 2 = 100 a year for 2025, 2026, 2027, revenue-class rate 8%
    expected = sum(100.0 / 1.08**k for k in range(3))
    assert v.estimate("status_quo", "vendor").mean == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ScenarioError, match="unknown key"):
        parse_scenario(_MINIMAL + textwrap.dedent("""
            [[packages.status_quo.terms]]
            id = "bonus"
            kind = "milestone_bonus"
            payer = "buyer"
            payee = "vendor"
            of = "seats"
            bonus = { value = 2.0, source = "a" }
            threshold = { value = 100.0, source = "a" }
            typo = 1
            """))


def test_an_unknown_kind_names_the_registered_ones():
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_MINIMAL + textwrap.dedent("""
            [[packages.status_quo.terms]]
            id = "x"
            kind = "revenue_shar"
            payer = "buyer"
            payee = "vendor"
            """))
    text = str(err.value)
    assert "unknown kind 'revenue_shar'" in text and "did you mean 'revenue_share'" in text


# --- commercial kinds and drivers -------------------------------------------------------------------


def test_price_with_discount_and_escalation_closed_form():
    s = parse_scenario(_MINIMAL + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "licence"
        kind = "price"
        payer = "buyer"
        payee = "vendor"
        price = { value = 1.5, source = "a" }
        volume = "seats"
        discount = { value = 0.2, source = "a" }
        escalation = { value = 0.03, source = "a" }
        until = "renewal"
        """))
    v = value_scenario(s, n_paths=16, seed=0)
    # 150 seats × 1.5 × 0.8 × 1.03^k in 2025 and 2026 (the renewal ends it at 2027.0)
    expected = sum(150 * 1.5 * 0.8 * 1.03**k / 1.08**k for k in range(2))
    assert v.estimate("status_quo", "vendor").mean == pytest.approx(expected, rel=1e-12)


def test_flow_of_a_gbm_driver_matches_its_expectation():
    s = parse_scenario(_MINIMAL.replace("[world.drivers.seats]", textwrap.dedent("""
        [world.drivers.usage]
        process = "gbm"
        initial = { value = 10.0, source = "a" }
        drift = { value = 0.1, source = "a" }
        volatility = { value = 0.3, source = "a" }

        [world.drivers.seats]""")) + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "royalty"
        kind = "flow"
        payer = "buyer"
        payee = "vendor"
        of = "usage"
        rate = { value = 0.5, source = "a" }
        """))
    v = value_scenario(s, n_paths=40_000, seed=2)
    expected = sum(0.5 * 10.0 * np.exp(0.1 * k) / 1.08**k for k in range(3))  # E[X_k] = X_0 e^{μ t}
    e = v.estimate("status_quo", "vendor")
    assert abs(e.mean - expected) < 4 * e.se


def test_sum_pays_both_ways_and_breaks_down_by_member():
    s = parse_scenario(_MINIMAL + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "swap"
        kind = "sum"
        payer = "buyer"
        payee = "vendor"

        [[packages.status_quo.terms.members]]
        id = "fee"
        kind = "flow"
        payer = "buyer"
        payee = "vendor"
        rate = { value = 5.0, source = "a" }

        [[packages.status_quo.terms.members]]
        id = "rebate"
        kind = "flow"
        payer = "vendor"
        payee = "buyer"
        rate = { value = 2.0, source = "a" }
        """))
    v = value_scenario(s, n_paths=8, seed=0)
    annuity = sum(1 / 1.05**k for k in range(3))
    assert v.estimate("status_quo", "vendor").mean == pytest.approx(3.0 * annuity, rel=1e-12)
    parts = v.term_estimates("status_quo", "buyer")
    assert parts["swap.fee"].mean == pytest.approx(-5.0 * annuity, rel=1e-12)
    assert parts["swap.rebate"].mean == pytest.approx(2.0 * annuity, rel=1e-12)


def test_event_trigger_and_ratio_driver():
    s = parse_scenario(_MINIMAL.replace("[world.drivers.seats]", textwrap.dedent("""
        [world.drivers.launch]
        process = "event"
        arrival = { value = 2026.0, source = "a" }

        [world.drivers.api_calls]
        process = "ratio"
        of = "seats"
        factor = { value = 2.0, source = "a" }

        [world.drivers.seats]""")).replace("[packages.status_quo]", textwrap.dedent("""
        [triggers.launched]
        kind = "event"
        driver = "launch"

        [packages.status_quo]""")) + textwrap.dedent("""
        [[packages.status_quo.terms]]
        id = "usage"
        kind = "flow"
        payer = "buyer"
        payee = "vendor"
        of = "api_calls"
        rate = { value = 1.0, source = "a" }
        until = "launched"
        """))
    v = value_scenario(s, n_paths=8, seed=0)
    assert v.estimate("status_quo", "vendor").mean == pytest.approx(300.0, rel=1e-12)  # 2025 only


def test_a_world_without_revenue_refuses_a_revenue_share():
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_MINIMAL + textwrap.dedent("""
            [[packages.status_quo.terms]]
            id = "share"
            kind = "revenue_share"
            payer = "buyer"
            payee = "vendor"
            rate = { value = 0.1, source = "a" }
            """))
    assert "reads revenue, but the scenario has no world.revenue" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_MINIMAL + textwrap.dedent("""
            [[packages.status_quo.terms]]
            id = "royalty"
            kind = "flow"
            payer = "buyer"
            payee = "vendor"
            of = "seat"
            rate = { value = 1.0, source = "a" }
            """))
    assert "undefined world driver 'seat'" in str(err.value) and "did you mean 'seats'" in str(err.value)


def test_every_shipped_kind_is_a_composition():
    shipped = {k: c for k, c in TERM_TYPES.items() if c.__module__.startswith("zopa.")}
    assert len(shipped) >= 13
    for kind, cls in shipped.items():
        assert cls.compose is not TermBase.compose or kind == "sum", kind


_MINIMAL = textwrap.dedent("""
    [meta]
    title = "A licence"
    as_of = 2025-01-01

    [time]
    start = 2025
    horizon = 2027

    [sources.a]
    citation = "illustrative"
    kind = "assumption"

    [parties.vendor]
    name = "Vendor"
    discount_rate = { value = 0.1, source = "a" }

    [parties.buyer]
    name = "Buyer"
    discount_rate = { value = 0.1, source = "a" }

    [discounting]
    rates.fixed = { value = 0.05, source = "a" }
    rates.revenue = { value = 0.08, source = "a" }

    [world.drivers.seats]
    process = "level"
    level = { value = 150.0, source = "a" }

    [triggers.renewal]
    kind = "date"
    date = 2026-12-31

    [packages.status_quo]
    label = "Contract in force"
    """)
