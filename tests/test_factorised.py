"""The factorised deal-space pass against the unfactorised computation: the same certainty
equivalents, standard errors and moments for every package, hence the same frontier, ZOPA counts
and bargaining solutions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from zopa.basis_moments import (
    Factorisation, Group, direct_certainty_equivalents, factorise, factorised_certainty_equivalents,
)


@pytest.fixture(scope="module")
def scenario():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def valued(scenario):
    from zopa.basis import value_space

    return value_space(scenario, n_paths=300, seed=2)


def direct(pv, cols: np.ndarray, a: float | None) -> dict[str, np.ndarray]:
    """Every package's per-path values formed explicitly (in package chunks, double precision)."""
    n = pv.columns.shape[0]
    out = {k: np.empty(cols.shape[0]) for k in ("mean", "se", "gain_se", "utility", "utility_se")}
    for lo in range(0, cols.shape[0], 4096):
        v = pv.columns[:, cols[lo:lo + 4096]].sum(axis=2) + pv.constant[:, None]  # (N, k)
        out["mean"][lo:lo + 4096] = v.mean(axis=0)
        out["se"][lo:lo + 4096] = v.std(axis=0, ddof=1) / np.sqrt(n)
        if a:
            x = -a * v
            m = x.max(axis=0)
            ce = -(m + np.log(np.exp(x - m).mean(axis=0))) / a
            w = np.exp(-a * (v - ce))
            wb = np.exp(-a * (pv.batna_paths - pv.batna))
            out["utility"][lo:lo + 4096] = ce
            out["utility_se"][lo:lo + 4096] = w.std(axis=0, ddof=1) / np.sqrt(n) / a
            out["gain_se"][lo:lo + 4096] = (wb[:, None] - w).std(axis=0, ddof=1) / np.sqrt(n) / a
        else:
            out["gain_se"][lo:lo + 4096] = (v - pv.batna_paths[:, None]).std(axis=0, ddof=1) / np.sqrt(n)
    if not a:
        out["utility"], out["utility_se"] = out["mean"], out["se"]
    return out


@pytest.fixture(scope="module")
def reference(valued):
    cols = valued.space.column_index(valued.space.choices)
    return {p: direct(pv, cols, pv.risk_aversion) for p, pv in valued.parties.items()}


def test_every_package_matches_the_direct_computation(valued, reference):
    assert any(pv.risk_aversion for pv in valued.parties.values())
    for p, pv in valued.parties.items():
        for name, expected in reference[p].items():
            np.testing.assert_allclose(getattr(pv, name), expected, rtol=1e-9, atol=1e-9, err_msg=name)


def test_the_analysis_is_that_of_the_direct_computation(valued, reference):
    """Frontier, ZOPA counts (robust and near) and every solution are those of the unfactorised values."""
    from zopa.analysis import analyze_problem, problem_from_space

    parties = {p: dataclasses.replace(pv, **reference[p]) for p, pv in valued.parties.items()}
    fast = analyze_problem(problem_from_space(valued))
    slow = analyze_problem(problem_from_space(dataclasses.replace(valued, parties=parties)))
    assert fast.zopa.count == slow.zopa.count and fast.robust_count == slow.robust_count
    assert fast.near_count == slow.near_count
    np.testing.assert_array_equal(fast.frontier, slow.frontier)
    assert {k: None if v is None else v.package for k, v in fast.solutions.items()} == \
        {k: None if v is None else v.package for k, v in slow.solutions.items()}


def test_the_builtin_space_factorises_into_three_groups(scenario):
    from zopa.dealspace import expand

    f = factorise(expand(scenario.deal_space))
    assert sorted(g.size for g in f.groups) == [9, 35, 576]
    # every template in exactly one group
    assert sorted(t for g in f.groups for t in g.templates) == list(range(len(expand(scenario.deal_space).templates)))


def test_exponents_far_apart_fall_back_to_the_direct_pass():
    """Two groups whose largest exponents sit on different paths: the shifted products underflow
    and those packages are recomputed directly."""
    n, a = 64, 1.0
    C = np.zeros((n, 2))
    C[0, 0] = -800.0  # column 0 peaks (as −aV) on path 0, column 1 on path 1
    C[1, 1] = -800.0
    const, batna = np.zeros(n), np.zeros(n)
    groups = (Group((0,), (0,), (1,), (np.array([0]),), ((1,),)), Group((1,), (1,), (1,), (np.array([1]),), ((1,),)))
    factors = Factorisation(groups, np.zeros((1, 2), dtype=np.int64))
    cols = np.array([[0, 1]])
    ce, ce_se, gain_se = factorised_certainty_equivalents(C, const, batna, cols, a, factors)
    ref = direct_certainty_equivalents(C, const, batna, cols, a)
    assert np.isfinite(ce).all()
    np.testing.assert_allclose(ce, ref[0], rtol=1e-5)
    np.testing.assert_allclose(ce_se, ref[1], rtol=1e-4)


def test_numbers_do_not_depend_on_the_threads(scenario, monkeypatch):
    from zopa.basis import value_space

    monkeypatch.setenv("ZOPA_THREADS", "1")
    one = value_space(scenario, 200, seed=4)
    monkeypatch.setenv("ZOPA_THREADS", "2")
    two = value_space(scenario, 200, seed=4)
    for p in one.parties:
        for name in ("columns", "utility", "utility_se", "gain_se", "mean", "se"):
            np.testing.assert_array_equal(getattr(one.parties[p], name), getattr(two.parties[p], name))


def test_columns_decide_their_clauses_as_with_the_shared_terms(scenario):
    """Each column valued with its controlled clauses decided together with the shared terms' (the
    plain way) gives the columns value_space computes (deciding apart where the games are separate)."""
    from zopa.basis import value_space
    from zopa.calibration import exit_scale
    from zopa.discounting import discounter
    from zopa.scenario.schema import resolve_terms
    from zopa.value import decide_clauses, party_value, term_parts
    from zopa.world import RandomStreams, SimulatedWorld

    n = 150
    sv = value_space(scenario, n, seed=6)
    ds = scenario.deal_space
    shared = [t for t in resolve_terms(scenario, ds.base, ()) if t.id not in ds.drop] + list(scenario.common_terms)
    rule, times = discounter(scenario), scenario.time.times
    streams = RandomStreams(6, 0, n)
    for p in scenario.party_ids:
        world = SimulatedWorld(scenario, p, ds.restructured, streams, exit_scale=exit_scale(scenario, 6))
        for b, column in enumerate(sv.space.columns):
            if column.term is None:
                continue
            ctx, _ = decide_clauses(world, shared + [column.term], scenario.party_ids, times, rule, {})
            value = sum(party_value(part, flows, p, times, rule.rate(part, p))
                        for part, flows in term_parts(column.term, ctx).values())
            np.testing.assert_array_equal(sv.parties[p].columns[:, b], value, err_msg=f"{p} column {b}")
