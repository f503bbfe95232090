"""Round-robin strategy tournaments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zopa.negotiate import (
    STRATEGY_NAMES,
    NegotiationInputError,
    TournamentTable,
    negotiate,
    strategy_from_name,
    tournament,
)


def _domain(k: int = 2_000, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Packages on and under the concave frontier u_a**2 + u_b**2 = 1."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, np.pi / 2, k)
    radius = np.sqrt(rng.uniform(0.2, 1.0, k))
    return radius * np.cos(angle), radius * np.sin(angle)


STRATEGIES = {name: strategy_from_name(name) for name in STRATEGY_NAMES}


def _play(seed: int, seeds: int = 4) -> TournamentTable:
    u_a, u_b = _domain()
    return tournament(u_a, u_b, 0.2, 0.25, STRATEGIES, rounds=12, seeds=seeds,
                      tie_tolerance=0.02, seed=seed)


def test_table_has_one_row_per_ordered_pair() -> None:
    table = _play(seed=1)
    n = len(STRATEGIES)
    assert table.names == STRATEGY_NAMES
    assert len(table.rows) == n * n
    assert [(r.strategy_a, r.strategy_b) for r in table.rows] == [
        (a, b) for a in STRATEGY_NAMES for b in STRATEGY_NAMES]
    for column in ("agreement_rate", "mean_value_a", "mean_distance_to_nash_se"):
        assert table.matrix(column).shape == (n, n)
    rows = table.to_rows()
    assert len(rows) == n * n and rows[0]["strategy_a"] == "boulware" and rows[0]["runs"] == 4
    with pytest.raises(KeyError, match="unknown column"):
        table.matrix("strategy_a")


def test_rates_and_values_are_in_range() -> None:
    table = _play(seed=2)
    rates = table.matrix("agreement_rate")
    assert ((rates >= 0) & (rates <= 1)).all()
    for row in table.rows:
        assert row.mean_value_a >= 0.2 - 1e-12 and row.mean_value_b >= 0.25 - 1e-12
        assert row.mean_joint_value == pytest.approx(row.mean_value_a + row.mean_value_b)
        for se in (row.agreement_rate_se, row.mean_value_a_se, row.mean_joint_value_se):
            assert se >= 0
    hardliners = table.row("hardliner", "hardliner")
    assert hardliners.agreement_rate == 0.0 and hardliners.mean_round == 12


def test_same_seed_gives_an_identical_table_and_seeds_matter() -> None:
    assert _play(seed=7) == _play(seed=7)
    assert _play(seed=7).to_rows() != _play(seed=8).to_rows()


def test_without_tie_noise_each_pair_equals_a_single_negotiation() -> None:
    u_a, u_b = _domain(500)
    pair = {"boulware": STRATEGIES["boulware"], "conceder": STRATEGIES["conceder"]}
    table = tournament(u_a, u_b, 0.2, 0.25, pair, rounds=10, seeds=3)
    direct = negotiate(u_a, u_b, 0.2, 0.25, pair["boulware"], pair["conceder"], 10)
    row = table.row("boulware", "conceder")
    assert row.agreement_rate == float(direct.agreement)
    assert row.mean_value_a == direct.value_a and row.mean_value_b == direct.value_b
    assert row.mean_distance_to_nash == direct.distance_to_nash
    assert row.mean_value_a_se == 0.0 and row.agreement_rate_se == 0.0


def test_single_seed_has_undefined_standard_errors() -> None:
    u_a, u_b = _domain(200)
    table = tournament(u_a, u_b, 0.0, 0.0, {"linear": STRATEGIES["linear"]}, 5, seeds=1)
    assert math.isnan(table.rows[0].mean_value_a_se)


def test_bad_tournament_input() -> None:
    u_a, u_b = _domain(10)
    with pytest.raises(NegotiationInputError, match="at least one strategy"):
        tournament(u_a, u_b, 0.0, 0.0, {}, 5, seeds=2)
    with pytest.raises(NegotiationInputError, match="seeds"):
        tournament(u_a, u_b, 0.0, 0.0, STRATEGIES, 5, seeds=0)
