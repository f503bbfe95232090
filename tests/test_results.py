"""One noise policy, per-party values and provenance on every result."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zopa.noise import NOISE, NOISE_Z, NoisePolicy, clear_of_noise, noise_sign
from zopa.results import (
    PartyValue,
    Provenance,
    measure_of,
    package_gains,
    pairs,
    per_party,
    per_party_estimates,
    per_party_pairs,
    ses,
    solution_gains,
    values,
)
from zopa.value import Estimate, estimate, value_scenario

PATHS = 400
SEED = 3


@pytest.fixture(scope="module")
def builtin():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def valuation(builtin):
    from zopa.threats.scenario import threat_packages
    from zopa.threats.variable_scenario import variable_threat_packages

    needed = sorted(set(threat_packages(builtin)) | set(variable_threat_packages(builtin)))
    return value_scenario(builtin, PATHS, SEED, packages=needed)


# --- the noise policy ---------------------------------------------------------------------------


def test_policy_rule_is_value_beyond_z_standard_errors() -> None:
    p = NoisePolicy(2.0)
    assert (p.clear(1.0, 0.4), p.clear(1.0, 0.5), p.clear(-1.0, 0.1)) == (True, False, False)
    assert (p.sign(1.0, 0.4), p.sign(-1.0, 0.4), p.sign(0.5, 0.4)) == (1, -1, 0)
    # within noise is strict: an exact figure (se = 0), even zero, is never noise
    assert p.within(0.5, 0.4) and not p.within(0.8, 0.4) and not p.within(0.0, 0.0)
    assert p.describe() == "more than 2 standard errors" and p.band() == "±2 SE"
    assert NoisePolicy(3).clear(2.9, 1.0) is False and NoisePolicy(3).z == 3.0


def test_policy_is_elementwise_and_scalar_for_scalars() -> None:
    v, s = np.array([3.0, -3.0, 0.1, 0.0]), np.array([1.0, 1.0, 1.0, 0.0])
    assert NOISE.clear(v, s).tolist() == [True, False, False, False]
    assert NOISE.sign(v, s).tolist() == [1, -1, 0, 0]
    assert NOISE.within(v, s).tolist() == [False, False, True, False]
    assert isinstance(NOISE.clear(1.0, 0.1), bool) and isinstance(NOISE.sign(1.0, 0.1), int)
    assert NOISE.clear(np.float64(1.0), 0.1) is True
    # a NaN standard error: nothing is clear and nothing is within noise
    assert not NOISE.clear(1.0, math.nan) and not NOISE.within(0.0, math.nan) and NOISE.sign(1.0, math.nan) == 0


def test_older_names_are_the_policy() -> None:
    import zopa.bargain as bargain
    import zopa.bargain.noise as old

    assert NOISE_Z == NOISE.z == 2.0
    assert old.NOISE_Z is NOISE_Z and old.clear_of_noise is clear_of_noise and bargain.noise_sign is noise_sign
    assert clear_of_noise([0.3, 0.5], 0.2).tolist() == [False, True]
    assert clear_of_noise(1.0, 0.4, z=3.0) is False and noise_sign(-1.0, 0.4, z=3.0) == 0


@pytest.mark.parametrize("z", [-1.0, math.inf, math.nan, True, "2"])
def test_policy_rejects_a_bad_multiple(z) -> None:
    with pytest.raises(ValueError, match="noise multiple"):
        NoisePolicy(z)


def test_estimate_significance_and_tornado_use_the_policy() -> None:
    from zopa.sensitivity.tornado import NOISE_MULTIPLE, InputRange, tornado

    assert Estimate(1.0, 0.4, 0, 1, 2).significant() and not Estimate(-1.0, 0.6, -2, -1, 0).significant()
    assert Estimate(1.0, 0.4, 0, 1, 2).significant(z=3.0) is False
    assert NOISE_MULTIPLE == NOISE.z
    res = tornado(lambda o: {"y": o["a"], "y.se": np.full(len(o["a"]), 0.5)}, [InputRange("a", 0, 0, 1)])
    # swing 1, swing SE √(0.5² + 0.5²) ≈ 0.71: within 2 SE
    assert res.to_rows("y")[0]["within_noise"] is NOISE.within(1.0, math.hypot(0.5, 0.5))


# --- per-party values -------------------------------------------------------------------------------


def test_party_value_and_helpers() -> None:
    e = estimate(np.array([1.0, 2.0, 3.0, 4.0]), risk_aversion=0.5)
    v = PartyValue.of(e)
    assert (v.value, v.se, v.measure) == (e.ce, e.ce_se, "CE") and e.party_value == v
    assert PartyValue.of(estimate(np.array([1.0, 2.0]))).measure == "mean"
    pp = per_party(("a", "b"), np.array([1.0, -2.0]), np.array([0.1, 0.2]), {"a": "CE", "b": "mean"})
    assert values(pp) == (1.0, -2.0) and ses(pp, ("b", "a")) == (0.2, 0.1)
    assert pairs(pp) == {"a": (1.0, 0.1), "b": (-2.0, 0.2)}
    assert per_party_pairs(pairs(pp), {"a": "CE", "b": "mean"}) == pp
    assert per_party(("a", "b"), [1.0, 2.0])["b"] == PartyValue(2.0, 0.0, "mean")
    assert per_party_estimates({"a": e})["a"] == v
    assert pp["a"].clear() and pp["b"].sign() == -1 and pp["a"].shifted(0.5).value == 0.5
    assert (measure_of(0.1), measure_of(None)) == ("CE", "mean")
    with pytest.raises(ValueError, match="measure"):
        PartyValue(1.0, 0.1, "median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="parties"):
        per_party(("a", "b"), [1.0])


def test_solution_adapter_reads_a_solution_point() -> None:
    from zopa.analysis import DealProblem, analyze_problem

    x = np.linspace(0.0, 10.0, 11)
    p = DealProblem(("a", "b"), ("A", "B"), np.vstack([x, 10 - x]), (0.0, 0.0), gain_se=np.full((2, 11), 0.1),
                    risk_aversion=(0.05, None))
    nash = analyze_problem(p).solutions["nash"]
    g = solution_gains(nash, p.parties, p.risk_aversion)
    assert values(g) == pytest.approx(nash.gain) and ses(g) == pytest.approx(nash.gain_se)
    assert (g["a"].measure, g["b"].measure) == ("CE", "mean")


def test_valuation_party_value_matches_its_estimate(valuation) -> None:
    for pkg in valuation.packages:
        for party in valuation.parties:
            e, v = valuation.estimate(pkg, party), valuation.party_value(pkg, party)
            assert (v.value, v.se) == (e.value, e.value_se)
            assert v.measure == measure_of(valuation.risk_aversion(party))
            other = valuation.scenario.other(party)
            assert valuation.party_value(pkg, party, other).value == valuation.estimate(pkg, party, other).value


# --- provenance ---------------------------------------------------------------------------------------


def test_provenance_is_copied_checked_and_portable() -> None:
    import copy
    import dataclasses
    import pickle

    given = {"k": 1}
    p = Provenance("m", given, seed=2, paths=10)
    given["k"] = 5
    assert p.parameters == {"k": 1}
    assert pickle.loads(pickle.dumps(p)) == p == copy.deepcopy(p)
    assert dataclasses.asdict(p) == {"method": "m", "parameters": {"k": 1}, "seed": 2, "paths": 10}
    assert p.derived("n", j=np.float64(0.5)).as_dict() == {"method": "n", "parameters": {"k": 1, "j": 0.5},
                                                          "seed": 2, "paths": 10}
    for bad in ({"seed": -1}, {"paths": 1.5}, {"method": ""}):
        with pytest.raises(ValueError):
            Provenance(**{"method": "m", **bad})  # type: ignore[arg-type]


def test_valuation_carries_its_provenance(builtin, valuation) -> None:
    prov = valuation.provenance
    assert (prov.method, prov.seed, prov.paths) == ("monte-carlo valuation", SEED, PATHS)
    assert prov.parameters["chunk_size"] == 16_384
    assert prov.parameters["discounting"] == (builtin.discounting.method if builtin.discounting else "party")
    scale = valuation.calibration.scale if valuation.calibration is not None else 1.0
    assert prov.parameters["calibration_scale"] == scale
    small = value_scenario(builtin, 64, 1, packages=[builtin.meta.status_quo], chunk_size=16,
                           quantiles={"world.agi.arrival": 0.1})
    assert small.provenance.parameters["chunk_size"] == 16 and small.provenance.parameters["pinned"] == (
        "world.agi.arrival",)
    assert (small.provenance.seed, small.provenance.paths) == (1, 64)


def test_threat_results_carry_provenance_and_party_values(builtin, valuation) -> None:
    from zopa.threats.scenario import analyze_threats
    from zopa.threats.variable_scenario import analyze_variable_threats

    t = analyze_threats(builtin, valuation=valuation)
    assert t.provenance is not None and (t.provenance.seed, t.provenance.paths) == (SEED, PATHS)
    assert t.provenance.method.startswith("threat game") and t.provenance.parameters["chunk_size"] == 16_384
    for p in builtin.party_ids:
        assert t.shift[p] == t.shift_values[p].pair
        assert t.shift_values[p].measure == t.measures[p] == measure_of(valuation.risk_aversion(p))
        assert t.disagreement_values[p].value == t.disagreement_point[p]
        assert t.equilibrium_values[p].pair == (t.solution.value[p], t.solution.value_se[p])
        for pkg, per in t.outcome_values.items():
            assert per[p].pair == (t.outcomes[pkg][p].value, t.outcomes[pkg][p].value_se)
    vt = analyze_variable_threats(builtin, valuation)
    assert vt.provenance is not None and (vt.provenance.seed, vt.provenance.paths) == (SEED, PATHS)
    for i, p in enumerate(vt.parties):
        assert vt.point_values[p].pair == (vt.point[i], vt.point_se[i])
        assert vt.point_shift_values[p].value == pytest.approx(vt.point[i] - vt.batna[i])
        assert vt.settlement_values[p].pair == (vt.settlement[i], vt.settlement_se[i])
        assert vt.batna_values[p].measure == measure_of(valuation.risk_aversion(p))


def _line_analysis():
    from zopa.analysis import DealProblem, analyze_problem

    x = np.linspace(0.0, 10.0, 101)
    return analyze_problem(DealProblem(("a", "b"), ("A", "B"), np.vstack([x, 10 - x]), (0.0, 0.0),
                                       gain_se=np.full((2, 101), 0.1), utility_se=np.full((2, 101), 0.1)))


def test_recommendation_carries_provenance_and_party_values() -> None:
    from zopa.recommend import recommend, recommend_scenario

    analysis = _line_analysis()
    rec = recommend(analysis)
    assert rec is not None and rec.provenance is None
    assert rec.gain == values(rec.gain_values) and rec.gain_se == ses(rec.gain_values) == (0.1, 0.1)
    assert rec.gain_values == package_gains(analysis.problem, rec.package)
    side = rec.sides[0]
    assert side.target_gain == side.target.pair and side.opening_gain == side.opening_value.value
    made = recommend(analysis, provenance=Provenance("deal-space analysis", {}, 5, 900))
    assert made is not None and made.provenance is not None
    assert (made.provenance.method, made.provenance.seed, made.provenance.paths) == ("recommendation", 5, 900)
    scenario_rec = recommend_scenario(None, analysis, None, 700, 9)
    assert scenario_rec is not None and scenario_rec.provenance is not None
    assert (scenario_rec.provenance.seed, scenario_rec.provenance.paths) == (9, 700)


def test_negotiation_and_tournament_carry_provenance() -> None:
    from zopa.negotiate.scenario import negotiate_scenario, plain_calendar, tournament_scenario

    problem = _line_analysis().problem
    run = negotiate_scenario(None, problem, "boulware", "conceder", seed=4, cal=plain_calendar(10), paths=900)
    assert run.provenance is not None and (run.provenance.seed, run.provenance.paths) == (4, 900)
    assert run.provenance.parameters["strategies"] == ("boulware", "conceder")
    r = run.result
    assert values(run.values) == (r.value_a, r.value_b) and values(run.gain_values) == (r.surplus_a, r.surplus_b)
    if r.package is not None:
        assert ses(run.gain_values) == (0.1, 0.1)
    # without a seed, fresh entropy is recorded, and replaying it gives the same negotiation
    free = negotiate_scenario(None, problem, "boulware", "conceder", seed=None, cal=plain_calendar(10))
    assert free.provenance is not None
    again = negotiate_scenario(None, problem, "boulware", "conceder", seed=free.provenance.seed, cal=plain_calendar(10))
    assert again.result == free.result
    table = tournament_scenario(None, problem, ["boulware", "conceder"], seeds=3, seed=6, cal=plain_calendar(10),
                                paths=900)
    assert table.provenance is not None and (table.provenance.seed, table.provenance.paths) == (6, 900)
    assert table.provenance.parameters["seeds"] == 3 and table.sides == ("a", "b")
    row = table.rows[0]
    assert table.row_values(row)["a"].pair == (row.mean_value_a, row.mean_value_a_se)


def test_tournament_without_a_seed_records_one_that_replays() -> None:
    from zopa.negotiate import strategy_from_name, tournament

    x = np.linspace(0.0, 1.0, 41)
    strategies = {n: strategy_from_name(n) for n in ("boulware", "conceder")}
    table = tournament(x, 1 - x, 0.0, 0.0, strategies, 10, seeds=3, tie_tolerance=0.05, seed=None)
    assert table.provenance is not None and table.provenance.paths == 0
    again = tournament(x, 1 - x, 0.0, 0.0, strategies, 10, seeds=3, tie_tolerance=0.05, seed=table.provenance.seed)
    assert again.rows == table.rows


def test_sensitivity_results_carry_provenance(builtin) -> None:
    from zopa.sensitivity.engine import BeliefGapRun, run_belief_gap, run_sobol, run_tornado

    t = run_tornado(builtin, include=["world.agi.asi_lag"], n_paths=200, space_paths=None, seed=2,
                    outputs=[f"value.{builtin.meta.status_quo}.openai"])
    assert t.provenance is not None and (t.provenance.seed, t.provenance.paths) == (2, 200)
    assert t.provenance.method == "one-at-a-time tornado" and t.provenance.parameters["points"] == 3
    s = run_sobol(builtin, include=["world.agi.asi_lag", "world.exit.revenue_multiple"], n_base=8, seed=2,
                  outputs=[f"value.{builtin.meta.status_quo}.openai"])
    assert s.provenance is not None and (s.provenance.seed, s.provenance.paths) == (2, s.n_evaluations)
    gap = run_belief_gap(builtin, "microsoft", fractions=(0.0, 1.0), n_paths=150, seed=2)
    assert isinstance(gap, BeliefGapRun) and len(gap) == 2 and gap[-1].fraction == 1.0
    assert gap.provenance is not None and (gap.provenance.seed, gap.provenance.paths) == (2, 150)
    start = gap[0]
    if start.zopa_count:
        assert values(gap.nash_values(start)) == start.nash_gain


def test_generic_sensitivity_results_record_a_given_provenance() -> None:
    from zopa.sensitivity.beliefgap import belief_gap_curve
    from zopa.sensitivity.sobol import sobol_indices, uniform_problem

    source = Provenance("evaluator", {"x": 1}, 8, 50)
    res = belief_gap_curve(lambda o: {"y": o["g"]}, {"g": 0.0}, {"g": 1.0}, [0.0, 1.0], provenance=source)
    assert res.provenance is not None and res.provenance.method == "belief gap"
    assert (res.provenance.seed, res.provenance.paths, res.provenance.parameters["x"]) == (8, 50, 1)
    assert belief_gap_curve(lambda o: {"y": o["g"]}, {"g": 0.0}, {"g": 1.0}, [0.0, 1.0]).provenance is None
    s = sobol_indices(lambda o: {"y": o["a"] + 0.1 * o["b"]}, uniform_problem({"a": (0, 1), "b": (0, 1)}),
                      n_base=16, seed=4)
    assert s.provenance is not None and s.provenance.seed == 4 and s.provenance.parameters["n_base"] == 16
