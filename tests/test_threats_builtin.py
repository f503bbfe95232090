"""The threat games on the built-in OpenAI–Microsoft case: paired errors, bargaining after a
threat, a Microsoft counter-move and Nash's variable-threat game."""

from __future__ import annotations

import numpy as np
import pytest

from zopa.analysis import problem_from_packages
from zopa.threats.game import walk
from zopa.threats.scenario import analyze_threats, threat_packages
from zopa.threats.variable_scenario import analyze_variable_threats
from zopa.value import value_scenario

PATHS = 4000


@pytest.fixture(scope="module")
def builtin():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def valuation(builtin):
    return value_scenario(builtin, PATHS, 0)


def with_microsoft_move(s):
    """The built-in case plus a (made-up, test-only) Microsoft move."""
    move = s.threats.moves["antitrust"].model_copy(update={
        "label": "Test counter-move", "by": "microsoft", "if_success": "compute_moved", "if_failure": "status_quo"})
    threats = s.threats.model_copy(update={"moves": {**s.threats.moves, "counter": move}})
    return s.model_copy(update={"threats": threats})


def test_sequential_game_comparisons_are_paired(builtin, valuation):
    t = analyze_threats(builtin, valuation=valuation)
    assert t.solution.value_influence is not None and t.notes == () and t.left_out == ()
    for c in t.solution.choices:
        assert c.paired
        unpaired = float(np.hypot(c.action_se[c.action], c.action_se[c.runner_up]))
        assert c.margin_se < unpaired  # common random numbers: positively correlated outcomes
    concession = builtin.threats.responses.concede
    for p, (shift, se) in t.shift.items():
        assert shift == pytest.approx(t.disagreement_point[p] - valuation.estimate("status_quo", p).value)
        assert 0 < se < t.disagreement.value_se[p] + valuation.estimate("status_quo", p).value_se
        if t.disagreement.path[-1] == "concede":  # the threat point is the concession package
            assert se == pytest.approx(valuation.difference(p, concession, "status_quo").value_se)


def test_bargaining_after_a_threat_on_the_builtin_case(builtin, valuation):
    sq = builtin.meta.status_quo
    packages = [p for p in valuation.packages if p != sq]
    problem = problem_from_packages(valuation)
    paths = lambda party, k: valuation.values[(packages[k], party, party)]  # noqa: E731
    plain = analyze_threats(builtin, valuation=valuation)
    t = analyze_threats(builtin, valuation=valuation, problem=problem, problem_paths=paths)
    assert [p for p, _ in walk(t.game.root)] == [p for p, _ in walk(plain.game.root)]
    assert t.game.root.player == "openai"
    assert {"carry out antitrust", "carry out declare_agi"} <= {c.threat for c in t.checks}
    assert t.bargained and t.solution.value_influence is not None
    assert not any("unpaired" in n for n in t.notes)
    labels = [n.label for _, n in walk(t.game.root) if hasattr(n, "payoffs")]
    assert any("→ bargain:" in label for label in labels)
    # bargaining can only help after a threat: each carried-out terminal is at least its outcome
    for (path, node), (_, old) in zip(walk(t.game.root), walk(plain.game.root)):
        if hasattr(node, "payoffs") and "→ bargain:" in node.label:
            assert all(node.payoffs[p] >= old.payoffs[p] - 1e-9 for p in node.payoffs)


def test_variable_threat_game_on_the_builtin_case(builtin, valuation):
    r = analyze_variable_threats(builtin, valuation)
    assert r.threats == (("no threat", "antitrust", "declare_agi", "multi_cloud"), ("no threat",))
    status_quo = [valuation.estimate("status_quo", p).value for p in r.parties]
    assert r.threat_point[:, 0, 0] == pytest.approx(status_quo)
    assert r.tu.game.pure  # additive outcomes: a dominant threat for each side
    assert r.settlement.sum() == pytest.approx(r.tu.joint)
    assert (r.shift_se[:, 1:, 0] < r.threat_point_se[:, 1:, 0]).all()  # paired shifts are sharper
    assert r.finite is None and r.lines()


def test_a_microsoft_move_enters_the_variable_threat_game_not_the_tree(builtin):
    s = with_microsoft_move(builtin)
    v = value_scenario(s, 1000, 0, packages=threat_packages(s))
    t = analyze_threats(s, valuation=v)
    assert t.left_out == ("counter",) and any("microsoft" in n for n in t.notes)
    assert "threaten: counter" not in dict(t.game.root.actions)
    r = analyze_variable_threats(s, v)
    assert r.threats[1] == ("no threat", "counter") and r.threat_point.shape == (2, 4, 2)
    # the counter-move's cost falls on Microsoft alone
    cost = s.threats.moves["counter"].cost.for_party("microsoft").mean()
    p_ms = s.threats.moves["counter"].success.for_party("microsoft").mean()
    expected = (p_ms * v.estimate("compute_moved", "microsoft").value
                + (1 - p_ms) * v.estimate("status_quo", "microsoft").value - cost)
    assert r.threat_point[1, 0, 1] == pytest.approx(expected)
