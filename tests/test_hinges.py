"""What the recommendation hinges on: the batched tornado gives, variant by variant, what valuing
each variant on its own gives (input held through scalar quantiles, recalibrated), and the main
job carries it to the terminal, the report sections and summary.json."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zopa.hinges import OUTPUT, calibration_movers, recommendation_tornado

M = 200


@pytest.fixture(scope="module")
def scenario():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def setting(scenario):
    from zopa.analysis import analyze_scenario

    analysis, sv = analyze_scenario(scenario, 200, 0, stability_boot=0)
    package = analysis.solutions["nash"].package
    inputs = ["world.agi.arrival", "world.ip.value_to_holder", "triggers.agi_declared.court_delay",
              "world.revenue.growth_decay"]
    return sv, package, inputs, recommendation_tornado(scenario, sv, package, M, 0, include=inputs)


def alone(scenario, sv, package, quantiles):
    from zopa.recommend import package_scenario
    from zopa.value import value_scenario

    variant = package_scenario(scenario, sv.space, package)
    v = value_scenario(variant, M, 0, packages=[scenario.meta.status_quo, "recommended"], quantiles=quantiles)
    return {p: v.difference(p, "recommended", scenario.meta.status_quo).value for p in scenario.party_ids}


def test_batched_variants_equal_variants_valued_alone(scenario, setting):
    sv, package, inputs, result = setting
    base = alone(scenario, sv, package, None)
    for p in scenario.party_ids:
        rows = {r.input: r for r in result.rows[OUTPUT.format(party=p)]}
        assert set(rows) == set(inputs)
        for path, row in rows.items():
            assert row.output_base == pytest.approx(base[p], abs=1e-12)
            assert row.output_low == pytest.approx(alone(scenario, sv, package, {path: 0.1})[p], abs=1e-9)
            assert row.output_high == pytest.approx(alone(scenario, sv, package, {path: 0.9})[p], abs=1e-9)


def test_calibration_movers_are_found(scenario, setting):
    from zopa.recommend import package_scenario

    sv, package, inputs, _ = setting
    movers = calibration_movers(package_scenario(scenario, sv.space, package), inputs, (0.1, 0.9))
    assert "world.revenue.growth_decay" in movers and "triggers.agi_declared.court_delay" not in movers


def test_the_main_job_shows_what_the_recommendation_hinges_on(scenario):
    from zopa.pipeline import JobSettings, run_job
    from zopa.report.summary import summary_dict, validate_summary

    job = run_job(scenario, JobSettings(paths=400, space_paths=400, branches=False, hinge_budget=2_000))
    assert job.hinges is not None and job.hinge_paths == 200
    assert job.hinges.outputs == tuple(OUTPUT.format(party=p) for p in scenario.party_ids)
    from zopa.report.context import Deferred, ReportContext

    context = ReportContext(scenario)
    shown = {(t.build(context) if isinstance(t, Deferred) else t): body for t, body in job.sections()}
    assert "What the recommendation hinges on" in shown
    parts = [p.build(context) if isinstance(p, Deferred) else p for p in shown["What the recommendation hinges on"]]
    intro, *figures = parts[0]
    n_inputs = len(job.hinges.rows[job.hinges.outputs[0]])
    assert f"All {2 * n_inputs + 1} variants see the same 200 paths" in str(intro)
    assert len(figures) == 2 and "the predicted settlement" in figures[0].layout.title.text
    assert "recommended" not in figures[0].layout.title.text
    document = summary_dict(job.valuation, job.analysis, job.space_valuation, extra=job.summary_extra())
    validate_summary(json.loads(json.dumps(document)))
    hinges = document["recommendation"]["hinges"]
    assert hinges["paths"] == 200 and set(hinges["outputs"]) == set(scenario.party_ids)
    swings = [r["swing"] for r in hinges["outputs"]["openai"]]
    assert swings == sorted(swings, reverse=True) and np.isfinite(swings[0])
