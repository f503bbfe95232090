"""The deal space: expansion, exclusions, and the basis decomposition against direct valuation."""

from __future__ import annotations

import numpy as np
import pytest

from zopa.basis import value_space
from zopa.dealspace import expand
from zopa.scenario.schema import Scenario
from zopa.value import estimate, value_scenario


@pytest.fixture(scope="module")
def scenario():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def valued(scenario):
    return value_space(scenario, n_paths=400, seed=5)


def test_expansion_counts(scenario):
    space = expand(scenario.deal_space)
    sizes = [len(i.options) for i in scenario.deal_space.issues.values()]
    total = int(np.prod(sizes))
    # two exclusions remove the rate-0 packages whose end date is not the first one
    removed = total // (3 * 3) * 2
    assert space.n_packages == total - removed
    assert len({tuple(c) for c in space.choices.tolist()}) == space.n_packages


def test_every_option_has_its_own_column_values(scenario, valued):
    """Options of one issue must give different values (one key stands for several fixed values)."""
    space = valued.space
    ms = valued.parties["microsoft"]
    stake = next(t for t, tpl in enumerate(space.templates) if tpl.id == "microsoft_stake")
    cols = space.template_columns[stake]
    means = ms.columns[:, cols].mean(axis=0)
    options = np.array(scenario.deal_space.issues["stake"].options)
    np.testing.assert_allclose(means / means[0], options / options[0], rtol=1e-12)


def replica(scenario: Scenario, space, k: int) -> Scenario:
    """The deal-space package ``k`` written out as an ordinary named package."""
    from zopa.recommend import package_scenario

    return package_scenario(scenario, space, k, "replica", label="replica")


@pytest.mark.parametrize("k", [0, 4321, 99_999])
def test_basis_equals_direct_valuation(scenario, valued, k):
    """Peer check: the basis decomposition gives, path by path, what valuing the package directly gives."""
    direct = value_scenario(replica(scenario, valued.space, k), 400, seed=5, packages=["replica"])
    for party in scenario.party_ids:
        via_basis = valued.package_paths(party, k)
        np.testing.assert_allclose(via_basis, direct.values[("replica", party, party)], rtol=1e-10, atol=1e-9)
        pv = valued.parties[party]
        e = estimate(via_basis, pv.risk_aversion)
        assert pv.utility[k] == pytest.approx(e.value, rel=1e-5, abs=1e-4)
        assert pv.utility_se[k] == pytest.approx(e.value_se, rel=1e-3)
        assert pv.mean[k] == pytest.approx(e.mean, rel=1e-12)
        gain = estimate(via_basis - pv.batna_paths, None)
        if pv.risk_aversion is None:
            assert pv.gain_se[k] == pytest.approx(gain.se, rel=1e-6)


def test_gap_closer_names_the_issue_that_matters():
    """No ZOPA on a 3 × 2 space: the first issue decides how close a deal gets, the second barely."""
    from zopa.analysis import DealProblem, IssueSpec, analyze_problem

    choices = np.array([[i, j] for i in range(3) for j in range(2)])
    u1 = np.array([0.0, 0.1, 1.0, 1.1, 2.0, 2.1])
    u2 = 3.0 - u1 - np.array([0.0, 0.05] * 3)
    problem = DealProblem(("a", "b"), ("A", "B"), np.vstack([u1, u2]), batna=(1.9, 1.9), choices=choices,
                          issues=(IssueSpec("x", "X", ("low", "mid", "high")), IssueSpec("y", "Y", ("no", "yes"))))
    analysis = analyze_problem(problem)
    assert not analysis.zopa.exists
    gap = analysis.gap
    assert gap.issue == "X" and gap.option == "mid"
    # shortfalls: (1.9, 1.8, 0.9, 0.85, 0.9, 1.05); X's best option "mid" reaches 0.85, its worst "low" 1.8
    assert gap.shortfall == pytest.approx(0.85)
    assert gap.shortfall_after == pytest.approx(1.8)
    assert any("matters most" in line for line in analysis.verdict())
