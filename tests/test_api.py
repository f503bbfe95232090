"""The library calls on the built-in case at small path counts, and their DataFrames against the
results they come from."""

from __future__ import annotations

import numpy as np
import pytest

import zopa

PATHS = 300


@pytest.fixture(scope="module")
def scenario():
    return zopa.load()


def test_load_by_default_name_and_path(scenario):
    from zopa.scenario import ScenarioError, builtin_path

    assert zopa.load("openai_microsoft_2025").meta.title == scenario.meta.title
    assert zopa.load(builtin_path()).meta.title == scenario.meta.title
    with pytest.raises(ScenarioError):
        zopa.load("no_such_scenario.toml")


def test_value_and_its_frame(scenario):
    v = zopa.value(scenario, paths=PATHS)
    frame = zopa.to_frame(v)
    assert frame.shape[0] == len(v.packages) * 2 * 2
    assert {"package", "party", "beliefs", "mean", "se", "ce", "value", "gain", "gain_se"} <= set(frame.columns)
    row = frame[(frame.package == "openai_offer") & (frame.party == "openai") & (frame.beliefs == "openai")].iloc[0]
    e = v.estimate("openai_offer", "openai")
    d = v.difference("openai", "openai_offer", "status_quo")
    assert (row["mean"], row["value"], row["value_se"]) == (e.mean, e.value, e.value_se)
    assert (row["gain"], row["gain_se"]) == (d.value, d.value_se)
    assert frame[frame.package == "status_quo"]["gain"].isna().all()
    assert zopa.value(scenario, paths=PATHS) is v  # shared in process: valued once


def test_analyze_and_its_frame(scenario):
    a = zopa.analyze(scenario, paths=PATHS)
    frame = zopa.to_frame(a)
    p = a.problem
    assert frame.shape[0] == p.n_packages
    assert int(frame["in_zopa"].sum()) == a.zopa.count
    assert int(frame["robust"].sum()) == a.robust_count
    assert int(frame["frontier"].sum()) == len(a.frontier)
    for i, party in enumerate(p.parties):
        np.testing.assert_array_equal(frame[f"utility.{party}"].to_numpy(), p.utility[i])
        np.testing.assert_array_equal(frame[f"gain_se.{party}"].to_numpy(), p.gain_se[i])
    nash = a.solutions["nash"]
    chosen = frame.iloc[nash.package]
    assert {k: str(chosen[k]) for k in nash.choices} == nash.choices


def test_negotiate_and_its_frame(scenario):
    n = zopa.negotiate(scenario, "boulware", "conceder", paths=PATHS)
    frame = zopa.to_frame(n)
    assert frame.shape[0] == len(n.result.offers)
    np.testing.assert_array_equal(frame["u_a"].to_numpy(), [o.u_a for o in n.result.offers])
    assert frame["accepted"].iloc[-1] == n.result.agreement


def test_threats_and_its_frame(scenario):
    t = zopa.threats(scenario, paths=PATHS)
    frame = zopa.to_frame(t)
    assert frame.shape[0] == len(t.checks)
    assert frame["credible"].tolist() == [c.credible for c in t.checks]


def test_sensitivity_and_its_frame(scenario):
    r = zopa.sensitivity(scenario, inputs=["world.exit", "inputs.dilution"], paths=PATHS, space_paths=None)
    frame = zopa.to_frame(r)
    assert frame.shape[0] == sum(len(r.rows[o]) for o in r.outputs)
    first = r.rows[r.outputs[0]][0]
    row = frame[(frame.output == r.outputs[0]) & (frame.input == first.input)].iloc[0]
    assert row["swing"] == first.swing


def test_run_and_its_frame(scenario):
    job = zopa.run(scenario, paths=PATHS, hinges=False, branches=False)
    assert job.recommendation is not None and job.space_valuation.n_paths == PATHS
    frame = zopa.to_frame(job)
    assert frame.equals(zopa.to_frame(job.valuation))


def test_names_that_are_modules_too():
    import zopa.value as module

    assert module.value_scenario.__name__ == "value_scenario"
    assert callable(zopa.value) and callable(zopa.threats) and callable(zopa.negotiate) and callable(zopa.sensitivity)
    with pytest.raises(TypeError):
        zopa.to_frame(object())
