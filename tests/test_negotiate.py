"""Alternating-offers negotiation: hand-computed traces, textbook limits, invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.negotiate import (
    STRATEGY_NAMES,
    DeadlineAware,
    Hardliner,
    NegotiationInputError,
    RelativeTitForTat,
    RoundContext,
    TimeDependent,
    InvalidStrategyError,
    nash_point,
    negotiate,
    strategy_from_name,
)

PIE = np.arange(101) / 100.0  # u_a = x, u_b = 1 - x on a grid of 101 splits


def test_boulware_versus_conceder_matches_hand_trace() -> None:
    # R = 10, tau = t / 10, BATNAs 0, so u_target = 1 - tau ** (1 / e); known opponent model:
    # the proposer offers, among packages with own utility >= target, the one best for the other.
    # t=0 a (Boulware, e=0.2): target 1 - 0 = 1          -> x = 1.00, (u_a, u_b) = (1.00, 0.00)
    #   b rejects: its next offer (t=1) is worth 1 - 0.1 ** 0.2 = 0.369 > 0 to it.
    # t=1 b (conceder, e=5): target 1 - 0.1 ** 0.2 = 0.369 -> 1 - x >= 0.369 -> x = 0.63
    #   a rejects: its next offer (t=2) has target 1 - 0.2 ** 5 = 0.99968 -> x = 1.00 > 0.63.
    # t=2 a: target 0.99968                               -> x = 1.00 again
    # t=3 b: 1 - 0.3 ** 0.2 = 0.21399 -> x = 0.78;  t=4 a: 1 - 0.4 ** 5 = 0.98976 -> x = 0.99
    # t=5 b: 1 - 0.5 ** 0.2 = 0.12945 -> x = 0.87;  t=6 a: 1 - 0.6 ** 5 = 0.92224 -> x = 0.93
    #   b accepts at t=6: its own offer at t=7 (1 - 0.7 ** 0.2 = 0.06885 -> x = 0.93) is the same.
    result = negotiate(PIE, 1 - PIE, 0.0, 0.0, strategy_from_name("boulware"),
                       strategy_from_name("conceder"), rounds=10)
    first_three = [(o.round, o.proposer, o.u_a, o.u_b) for o in result.offers[:3]]
    assert first_three == [
        (0, "a", 1.0, 0.0),
        (1, "b", 0.63, pytest.approx(0.37)),
        (2, "a", 1.0, 0.0),
    ]
    assert [o.package for o in result.offers] == [100, 63, 100, 78, 99, 87, 93]
    assert [o.accepted for o in result.offers] == [False] * 6 + [True]
    assert result.agreement and result.package == 93 and result.round == 6
    assert result.ending == "agreement"
    assert result.value_a == pytest.approx(0.93) and result.value_b == pytest.approx(0.07)
    assert result.nash.package == 50
    assert result.distance_to_nash == pytest.approx(np.hypot(0.43, 0.43))
    assert result.nash_product_gap == pytest.approx(0.25 - 0.93 * 0.07)


@pytest.mark.parametrize("first", ["a", "b"])
def test_identical_conceders_meet_at_the_symmetric_point(first: str) -> None:
    # Pie in quarters.  The first responder's next target, 1 - 0.1 ** 0.2 = 0.369, makes it
    # offer the split best for the other among those worth >= 0.369 to itself: (0.5, 0.5).
    # The other's next target 1 - 0.2 ** 0.2 = 0.275 <= 0.5, so it accepts.
    x = np.linspace(0.0, 1.0, 5)
    result = negotiate(x, 1 - x, 0.0, 0.0, TimeDependent(5.0), TimeDependent(5.0), 10, first=first)
    assert result.agreement and result.round == 1
    assert (result.value_a, result.value_b) == (0.5, 0.5)
    assert result.distance_to_nash == 0.0


@pytest.mark.parametrize("name", ["boulware", "linear", "conceder", "tit_for_tat", "deadline"])
@pytest.mark.parametrize("first", ["a", "b"])
def test_one_round_deadline_gives_the_ultimatum(name: str, first: str) -> None:
    # Responder's BATNA 0.3: the proposer's best acceptable split leaves exactly 0.3 to it.
    batna_a, batna_b = (0.0, 0.3) if first == "a" else (0.3, 0.0)
    result = negotiate(PIE, 1 - PIE, batna_a, batna_b, strategy_from_name(name),
                       strategy_from_name(name), rounds=1, first=first)
    assert result.agreement and result.round == 0 and len(result.offers) == 1
    assert result.package == (70 if first == "a" else 30)


def test_one_round_hardliner_demands_its_best_and_breaks_down() -> None:
    result = negotiate(PIE, 1 - PIE, 0.0, 0.3, Hardliner(), strategy_from_name("conceder"), 1)
    assert result.offers[0].package == 100
    assert not result.agreement and result.ending == "deadline" and result.round == 1
    assert (result.value_a, result.value_b) == (0.0, 0.3)


def test_no_zone_of_agreement_means_walk_away() -> None:
    result = negotiate(PIE, 1 - PIE, 0.6, 0.6, TimeDependent(1.0), TimeDependent(1.0), 10)
    assert result.ending == "walkaway" and result.round == 0 and result.offers == ()
    assert (result.value_a, result.value_b) == (0.6, 0.6)
    assert result.nash.package is None and result.distance_to_nash == 0.0


def test_delay_cost_is_charged_per_round_elapsed() -> None:
    result = negotiate(PIE, 1 - PIE, 0.0, 0.0, TimeDependent(1.0), TimeDependent(1.0), 10,
                       delay_cost_a=0.01, delay_cost_b=0.02)
    k, t = result.package, result.round
    assert result.agreement and t > 0
    assert result.value_a == PIE[k] - t * 0.01
    assert result.value_b == (1 - PIE)[k] - t * 0.02


def test_hardliners_with_incompatible_demands_reach_the_deadline() -> None:
    result = negotiate(PIE, 1 - PIE, 0.1, 0.1, Hardliner(), Hardliner(), 6)
    assert not result.agreement and result.ending == "deadline" and len(result.offers) == 6
    assert [o.package for o in result.offers] == [100, 0] * 3
    assert [o.proposer for o in result.offers] == ["a", "b"] * 3


def test_deadline_aware_last_proposer_makes_the_ultimatum() -> None:
    # b proposes in the last round (R = 10, a first) and knows a must take anything >= 0.2.
    result = negotiate(PIE, 1 - PIE, 0.2, 0.0, strategy_from_name("boulware"), DeadlineAware(), 10)
    assert result.agreement and result.round == 9 and result.package == 20


def test_estimated_model_reaches_an_agreement() -> None:
    result = negotiate(PIE, 1 - PIE, 0.0, 0.0, TimeDependent(1.0, "estimated"),
                       TimeDependent(1.0, "estimated"), 10)
    assert result.agreement
    assert 0.3 <= result.value_a <= 0.7


def test_time_dependent_target_follows_the_formula() -> None:
    context = RoundContext(round=3, rounds=10, best=2.0, best_overall=2.5, reservation=0.5)
    for e in (0.2, 1.0, 5.0):
        assert TimeDependent(e).target(context) == pytest.approx(2.0 - 1.5 * 0.3 ** (1 / e))
    assert Hardliner().target(context) == 2.5


def test_tit_for_tat_reciprocates_concessions() -> None:
    offers = np.array([0.1, 0.3, 0.25, 0.4])  # concessions 0.2, -0.05 (ignored), 0.15
    context = RoundContext(4, 10, 1.0, 1.0, 0.0, offers)
    assert RelativeTitForTat(1.0).target(context) == pytest.approx(1.0 - 0.35)
    assert RelativeTitForTat(0.5).target(context) == pytest.approx(1.0 - 0.175)


def test_deadline_aware_holds_then_moves_to_the_extrapolated_goal() -> None:
    offers = np.array([0.1, 0.2, 0.3])  # opponent concedes 0.1 a proposal
    strategy = DeadlineAware(endgame=0.2, hold_exponent=0.2)
    early = RoundContext(4, 20, 1.0, 1.0, 0.0, offers)
    assert strategy.target(early) == pytest.approx(1.0 - 0.2**5)
    # t = 17 of R = 20: opponent proposes at 18 only -> goal 0.3 + 0.1 = 0.4;
    # progress (0.85 - 0.8) / (0.95 - 0.8) = 1/3.
    late = RoundContext(17, 20, 1.0, 1.0, 0.0, offers)
    hold = 1.0 - 0.85**5
    assert strategy.goal(late) == pytest.approx(0.4)
    assert strategy.target(late) == pytest.approx(hold + (0.4 - hold) / 3)
    final = RoundContext(19, 20, 0.9, 1.0, 0.0, offers)
    assert strategy.target(final) == pytest.approx(0.9)
    assert DeadlineAware(opponent_model="estimated").goal(final) == pytest.approx(0.3)


def test_nash_point_maximises_the_product_over_individually_rational_packages() -> None:
    u_a = np.array([3.0, 2.0, 1.5, 0.5])
    u_b = np.array([0.0, 1.5, 1.6, 3.0])
    point = nash_point(u_a, u_b, 1.0, 0.5)
    assert point.package == 1 and point.product == pytest.approx(1.0)


def test_tie_tolerance_randomises_only_through_the_seed() -> None:
    rng = np.random.default_rng(3)
    u_a, u_b = rng.random(500), rng.random(500)
    def run(seed: int) -> object:
        return negotiate(u_a, u_b, 0.2, 0.2, TimeDependent(1.0), TimeDependent(0.5), 20,
                         seed=seed, tie_tolerance=0.05)

    assert run(11) == run(11)
    assert len({tuple(o.package for o in run(s).offers) for s in range(8)}) > 1
    fixed = {negotiate(u_a, u_b, 0.2, 0.2, TimeDependent(1.0), TimeDependent(0.5), 20, seed=s)
             for s in range(3)}
    assert len({r.offers for r in fixed}) == 1


def test_strategy_from_name_knows_the_presets_and_lists_them_on_error() -> None:
    assert strategy_from_name("boulware") == TimeDependent(0.2)
    assert strategy_from_name("Linear") == TimeDependent(1.0)
    assert strategy_from_name("conceder", "estimated") == TimeDependent(5.0, "estimated")
    assert strategy_from_name("tit-for-tat") == RelativeTitForTat(1.0)
    assert {type(strategy_from_name(n)).__name__ for n in STRATEGY_NAMES} == {
        "TimeDependent", "Hardliner", "RelativeTitForTat", "DeadlineAware"}
    with pytest.raises(InvalidStrategyError, match="boulware, linear, conceder"):
        strategy_from_name("stubborn")
    with pytest.raises(ValueError, match="opponent_model"):
        TimeDependent(1.0, "psychic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exponent"):
        TimeDependent(0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"u_b": np.zeros(3)}, "equal length"),
        ({"u_a": np.array([np.nan, 1.0])}, "finite"),
        ({"rounds": 0}, "rounds"),
        ({"first": "c"}, "first"),
        ({"delay_cost_a": -1.0}, "delay costs"),
        ({"batna_b": np.inf}, "BATNAs"),
        ({"tie_tolerance": -0.1}, "tie_tolerance"),
    ],
)
def test_bad_input_raises_a_clear_error(kwargs: dict, message: str) -> None:
    args = {"u_a": np.array([0.0, 1.0]), "u_b": np.array([1.0, 0.0]), "batna_a": 0.0,
            "batna_b": 0.0, "strategy_a": Hardliner(), "strategy_b": Hardliner(), "rounds": 3}
    with pytest.raises(NegotiationInputError, match=message):
        negotiate(**(args | kwargs))


@st.composite
def negotiation_cases(draw: st.DrawFn) -> dict:
    k = draw(st.integers(1, 30))
    values = st.floats(-2.0, 2.0, allow_nan=False)
    model = st.sampled_from(["known", "estimated"])
    return {
        "u_a": np.array(draw(st.lists(values, min_size=k, max_size=k))),
        "u_b": np.array(draw(st.lists(values, min_size=k, max_size=k))),
        "batna_a": draw(st.floats(-1.0, 1.0)),
        "batna_b": draw(st.floats(-1.0, 1.0)),
        "strategy_a": strategy_from_name(draw(st.sampled_from(STRATEGY_NAMES)), draw(model)),
        "strategy_b": strategy_from_name(draw(st.sampled_from(STRATEGY_NAMES)), draw(model)),
        "rounds": draw(st.integers(1, 12)),
        "delay_cost_a": draw(st.sampled_from([0.0, 0.01, 0.3])),
        "delay_cost_b": draw(st.sampled_from([0.0, 0.05])),
        "first": draw(st.sampled_from(["a", "b"])),
        "seed": draw(st.integers(0, 2**32)),
        "tie_tolerance": draw(st.sampled_from([0.0, 0.1])),
    }


@settings(max_examples=200, deadline=None)
@given(negotiation_cases())
def test_every_agreement_is_individually_rational(case: dict) -> None:
    result = negotiate(**case)
    assert len(result.offers) <= case["rounds"]
    assert [o.round for o in result.offers] == list(range(len(result.offers)))
    proposers = [o.proposer for o in result.offers]
    assert all(p != q for p, q in zip(proposers, proposers[1:]))
    if result.agreement:
        k, t = result.package, result.round
        assert result.offers[-1].accepted and result.offers[-1].package == k
        assert result.value_a == case["u_a"][k] - t * case["delay_cost_a"]
        assert result.value_b == case["u_b"][k] - t * case["delay_cost_b"]
        assert result.value_a >= case["batna_a"]
        assert result.value_b >= case["batna_b"]
    else:
        assert (result.value_a, result.value_b) == (case["batna_a"], case["batna_b"])
        assert not any(o.accepted for o in result.offers)
    assert result.nash_product_gap >= 0.0
    assert result.distance_to_nash >= 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([-1.0, 0.0, 0.1, 0.2, 0.3, 0.7, 1e-17, 0.30000000000000004]),
             min_size=1, max_size=40),
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.7, 1e-17]),
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.6, 0.7]),
)
def test_candidate_blocks_match_the_exact_test(
    values: list[float], shift: float, floor: float
) -> None:
    from zopa.negotiate.protocol import _leading_count, _party

    u = np.array(values)
    party = _party(u, u, 0.0, 0.0, 0.0, 0.0, Hardliner(), np.random.default_rng(0))
    n = _leading_count(party, shift, floor)
    assert n == int(np.count_nonzero(u - shift >= floor))
    assert (party.own[:n] - shift >= floor).all()
