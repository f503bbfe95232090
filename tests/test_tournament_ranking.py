"""Ranking tournament strategies: means over opponents, standard errors across seeds."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from zopa.cli import app
from zopa.negotiate import strategy_from_name, tournament
from zopa.negotiate.tournament import (
    TournamentTable,
    mean_se_text,
    rank_strategies,
    ranking_rows,
    ranking_table,
)


def hand_table() -> TournamentTable:
    """Two strategies x, y over three seeds; BATNAs (1, 2).  ``[i, j]``: a plays i, b plays j."""
    value_a = np.array([[[3, 3, 3], [5, 7, 6]],
                        [[2, 2, 2], [1, 1, 4]]], dtype=float)
    value_b = np.array([[[4, 4, 4], [2, 2, 2]],
                        [[6, 8, 7], [2, 2, 5]]], dtype=float)
    agreement = np.array([[[1, 1, 1], [1, 1, 1]],
                          [[1, 1, 1], [0, 0, 1]]], dtype=float)
    return TournamentTable(("x", "y"), (), (1.0, 2.0),
                           {"value_a": value_a, "value_b": value_b, "agreement": agreement})


def test_ranking_by_hand() -> None:
    """Per seed: x as a gains ((3+5)/2-1, (3+7)/2-1, (3+6)/2-1) = (3, 4, 3.5), as b (3, 4, 3.5);
    y as a (0.5, 0.5, 2), as b (0, 0, 1.5), so y's gain is (0.25, 0.25, 1.75): mean 0.75, sd
    sqrt(0.75), SE sqrt(0.75)/sqrt(3) = 0.5.  y agrees in (1+0+1+0)/4, 0.5 and 1 of its games:
    mean 2/3, SE sqrt(1/12)/sqrt(3) = 1/6."""
    x, y = rank_strategies(hand_table())
    assert (x.rank, x.strategy, y.rank, y.strategy) == (1, "x", 2, "y")
    third = 0.5 / math.sqrt(3)
    assert (x.gain, x.gain_se) == pytest.approx((3.5, third))
    assert (x.gain_a, x.gain_a_se, x.gain_b, x.gain_b_se) == pytest.approx((3.5, third, 3.5, third))
    assert (x.agreement_rate, x.agreement_rate_se) == (1.0, 0.0)
    assert (y.gain, y.gain_se) == pytest.approx((0.75, 0.5))
    assert (y.gain_a, y.gain_a_se, y.gain_b, y.gain_b_se) == pytest.approx((1.0, 0.5, 0.5, 0.5))
    assert (y.agreement_rate, y.agreement_rate_se) == pytest.approx((2 / 3, 1 / 6))
    assert x.seeds == 3 and not x.deterministic and not y.deterministic
    # Not the spread within seeds: y's six gains as a, pooled, would give sd(...)/sqrt(6) = 0.4082...
    assert y.gain_a_se != pytest.approx(float(np.std(hand_table().samples["value_a"][1], ddof=1) / math.sqrt(6)))


def test_ranking_keys_and_errors() -> None:
    t = hand_table()
    assert [r.strategy for r in rank_strategies(t, by="agreement_rate")] == ["x", "y"]
    flipped = TournamentTable(t.names, (), t.batna, {**t.samples, "value_b": t.samples["value_b"][::-1, ::-1]})
    assert [r.strategy for r in rank_strategies(flipped, by="gain_b")] == ["y", "x"]
    with pytest.raises(KeyError, match="unknown ranking key"):
        rank_strategies(t, by="wins")
    with pytest.raises(ValueError, match="per-seed"):
        rank_strategies(TournamentTable(t.names, ()))
    rows = ranking_rows(rank_strategies(t))
    assert rows[0]["strategy"] == "x" and json.loads(json.dumps(rows))[1]["gain"] == pytest.approx(0.75)


def _domain(k: int = 400, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, np.pi / 2, k)
    radius = np.sqrt(rng.uniform(0.2, 1.0, k))
    return radius * np.cos(angle), radius * np.sin(angle)


NAMES = ("boulware", "linear", "conceder", "hardliner")


def test_ranking_agrees_with_the_pair_table() -> None:
    u_a, u_b = _domain()
    table = tournament(u_a, u_b, 0.2, 0.25, {n: strategy_from_name(n) for n in NAMES}, rounds=10, seeds=6,
                       tie_tolerance=0.05, seed=3)
    ranking = rank_strategies(table)
    assert [r.rank for r in ranking] == [1, 2, 3, 4]
    assert all(a.gain >= b.gain for a, b in zip(ranking, ranking[1:]))
    for r in ranking:
        row_means = [table.row(r.strategy, other).mean_value_a for other in NAMES]
        col_means = [table.row(other, r.strategy).mean_value_b for other in NAMES]
        assert r.gain_a == pytest.approx(np.mean(row_means) - 0.2)
        assert r.gain_b == pytest.approx(np.mean(col_means) - 0.25)
        assert r.gain == pytest.approx((r.gain_a + r.gain_b) / 2)
        assert r.gain_se >= 0 and r.seeds == 6
    hardliner = next(r for r in ranking if r.strategy == "hardliner")
    assert hardliner.gain_b == pytest.approx(0.0) and hardliner.agreement_rate < 1


def test_a_deterministic_tournament_has_zero_errors_and_one_seed_none() -> None:
    u_a, u_b = _domain()
    strategies = {n: strategy_from_name(n) for n in NAMES[:2]}
    fixed = rank_strategies(tournament(u_a, u_b, 0.2, 0.25, strategies, rounds=8, seeds=4))
    assert all(r.deterministic and r.gain_se == 0.0 and r.agreement_rate_se == 0.0 for r in fixed)
    single = rank_strategies(tournament(u_a, u_b, 0.2, 0.25, strategies, rounds=8, seeds=1))
    assert all(math.isnan(r.gain_se) for r in single)
    assert mean_se_text(single[0].gain, single[0].gain_se).count("±") == 0


def test_text_and_table() -> None:
    assert mean_se_text(192.8314, 0.0412) == "192.831 ± 0.041"
    assert mean_se_text(12.0, 0.0) == "12.0 ± 0"
    assert mean_se_text(2 / 3, 1 / 6, percent=True) == "67% ± 17%"
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(ranking_table(rank_strategies(hand_table()), ("A", "B"), "utility"))
    text = " ".join(console.export_text().split())
    assert "gain as A" in text and "3.50 ± 0.29" in text and "standard error of the mean across the 3 seeds" in text


def test_cli_prints_the_ranking_first_and_pairs_on_request(tmp_path) -> None:
    from zopa.scenario.template import TEMPLATE

    path = tmp_path / "deal.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    args = ["tournament", str(path), "--paths", "200", "--seeds", "2", "--strategies", "boulware,conceder"]
    runner = CliRunner()
    result = runner.invoke(app, [*args, "--pairs"])
    assert result.exit_code == 0, result.output
    assert result.stdout.index("ranked by mean gain") < result.stdout.index("Tournament:")
    assert "standard error of the mean across the 2 seeds" in " ".join(result.stdout.split())
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert [r["rank"] for r in data["ranking"]] == [1, 2] and len(data["pairs"]) == 4
