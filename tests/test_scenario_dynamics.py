"""Negotiation, tournament and threat game on the built-in case, including a golden transcript."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zopa.analysis import analyze_scenario
from zopa.negotiate.scenario import negotiate_scenario, tournament_scenario
from zopa.report.dynamics import negotiation_dict, tree_text
from zopa.threats.game import Decision
from zopa.threats.scenario import analyze_threats

GOLDEN = Path(__file__).parent / "golden" / "negotiation_builtin.json"


@pytest.fixture(scope="module")
def analysed(builtin_module):
    analysis, _ = analyze_scenario(builtin_module, n_paths=1000, seed=0)
    return analysis


@pytest.fixture(scope="module")
def builtin_module():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


def transcript(scenario, analysis) -> dict:
    run = negotiate_scenario(scenario, analysis.problem, "boulware", "conceder", seed=0)
    data = negotiation_dict(run)
    return json.loads(json.dumps(data, default=float))


def test_golden_transcript(builtin_module, analysed):
    """One seeded negotiation on the built-in case, compared with the stored transcript.
    Regenerate with ZOPA_REGENERATE_GOLDEN=1 after an intended model change."""
    data = transcript(builtin_module, analysed)
    if os.environ.get("ZOPA_REGENERATE_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        if os.environ.get("CI") == "true":
            pytest.fail("golden transcript missing in CI")
    golden = json.loads(GOLDEN.read_text())
    assert [(r["round"], r["proposer"], r["package"], r["accepted"]) for r in data["trace"]] == \
        [(r["round"], r["proposer"], r["package"], r["accepted"]) for r in golden["trace"]]
    for mine, theirs in zip(data["trace"], golden["trace"]):
        assert mine["u_a"] == pytest.approx(theirs["u_a"], rel=1e-6)
        assert mine["u_b"] == pytest.approx(theirs["u_b"], rel=1e-6)
        assert mine["terms"] == theirs["terms"]
    assert data["agreement"] == golden["agreement"] and data["package"] == golden["package"]


def test_negotiation_is_individually_rational(builtin_module, analysed):
    for a, b in [("boulware", "conceder"), ("hardliner", "linear"), ("deadline", "tit_for_tat")]:
        run = negotiate_scenario(builtin_module, analysed.problem, a, b, seed=1)
        r = run.result
        if r.agreement:
            u_a, u_b = analysed.problem.utility[:, r.package]
            assert u_a >= r.batna_a and u_b >= r.batna_b
        assert run.calendar.rounds == 6  # monthly from 2025-07-09 to the 2025-12-31 deadline


def test_tournament_on_builtin(builtin_module, analysed):
    table = tournament_scenario(builtin_module, analysed.problem, ["boulware", "conceder", "hardliner"], seeds=3)
    rows = table.to_rows()
    assert len(rows) == 9
    assert all(0.0 <= r["agreement_rate"] <= 1.0 for r in rows)


def test_threat_game_on_builtin(builtin_module):
    t = analyze_threats(builtin_module, n_paths=4000, seed=0)
    root = t.game.root
    assert isinstance(root, Decision) and root.player == "openai"
    names = {c.threat for c in t.checks}
    assert "carry out antitrust" in names and "carry out declare_agi" in names
    # the responder never concedes to a threat that would not be carried out
    for c in t.checks:
        if c.threat.startswith("carry out") and not c.credible:
            move = c.threat.removeprefix("carry out ")
            assert t.solution.choice(("threaten: " + move,)).action == "refuse"
    text = "\n".join(tree_text(root))
    assert "[threat]" in text and "chance" in text
    efg = t.efg("test")
    assert efg.startswith("EFG 2 R") and efg.count("\nt ") >= 10
    # the disagreement point is no better for the threatener than the full game
    assert t.disagreement_point["openai"] <= t.solution.value["openai"] + 1e-9
