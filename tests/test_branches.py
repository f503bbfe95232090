"""Modeller's open questions: each branch option is its own scenario, analysed on the same paths."""

from __future__ import annotations

import pytest

from zopa.branches import analyze_branches, branch_scenario
from zopa.value import value_scenario


def test_builtin_cap_scope_branches_are_the_two_readings(builtin):
    assert set(builtin.branches["cap_scope"].options) == {"counts", "apart"}
    apart = branch_scenario(builtin, "cap_scope", "apart")
    economics = next(t for t in apart.packages["status_quo"].terms if t.id == "economics")
    assert economics.count_probability["revenue_share"].for_party("openai").value == 0.0
    # Not counting the revenue share toward the cap can only raise what Microsoft receives.
    sq = builtin.meta.status_quo
    both = [value_scenario(s, 2000, 0, packages=[sq]).estimate(sq, "microsoft").mean for s in (builtin, apart)]
    assert both[1] >= both[0]


def test_analyze_branches_reports_every_option(builtin):
    rows = analyze_branches(builtin, n_paths=500, space_paths=0, seed=0)
    assert [(r.branch, r.option) for r in rows] == [("cap_scope", "counts"), ("cap_scope", "apart")]
    assert rows[1].status_quo["microsoft"][0] >= rows[0].status_quo["microsoft"][0]


def test_branch_paths_must_name_inputs():
    from conftest import base_dict
    from zopa.scenario.load import ScenarioError, validate_data

    data = base_dict()
    data["branches"] = {"q": {"label": "q", "source": "test", "options": {
        "x": {"label": "x", "set": {"world.revenue.inital": 1.0}}, "y": {"label": "y", "set": {"world.revenue.initial": 2.0}}}}}
    with pytest.raises(ScenarioError, match="did you mean 'world.revenue.initial'"):
        validate_data(data, "<test>")


def test_the_job_reports_the_headline_answer_with_its_own_numbers(builtin):
    """The answer that leaves the scenario as written is the headline: its row carries the job's own
    status quo and Nash package (one value per quantity), and the other answers are analysed as
    scenarios of their own, exactly as ``analyze_branches`` does for them alone."""
    from zopa.branches import headline_options
    from zopa.pipeline import JobSettings, run_job

    assert headline_options(builtin) == {("cap_scope", "counts")}
    settings = JobSettings(paths=600, space_paths=600, branch_paths=600, branch_space_paths=300, hinges=False,
                           negotiation=None)
    result = run_job(builtin, settings)
    counts, apart = result.branches
    assert (counts.option, counts.headline, apart.option, apart.headline) == ("counts", True, "apart", False)
    sq = builtin.meta.status_quo
    for p in builtin.party_ids:
        e = result.valuation.estimate(sq, p)
        assert counts.status_quo[p] == (e.value, e.value_se)
    nash = result.analysis.solutions["nash"]
    assert counts.nash == dict(nash.choices) and counts.space_paths == 600
    alone, = analyze_branches(builtin, 600, 300, 0, options=[("cap_scope", "apart")])
    assert apart == alone and apart.space_paths == 300
