"""Bootstrap stability of the Nash package: against a naive loop over resamples and all packages,
clear winners, coin flips, the candidate screen, cost, and the built-in case."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pytest

from zopa.analysis import DealProblem, analyze_scenario
from zopa.bargain import cara_certainty_equivalent, nash_solution, nash_stability
from zopa.bargain.stability import bootstrap_nash_argmax, nash_candidates


@dataclass
class FakeParty:
    risk_aversion: float | None
    batna_paths: np.ndarray


class FakeSpace:
    """What :func:`nash_stability` reads from a :class:`zopa.basis.SpaceValuation`."""

    def __init__(self, paths: dict[str, np.ndarray], batna: dict[str, np.ndarray], ra: dict[str, float | None]):
        self.paths = paths
        self.parties = {p: FakeParty(ra[p], batna[p]) for p in paths}

    def package_paths(self, party: str, k):
        values = self.paths[party][:, np.atleast_1d(k)]
        return values[:, 0] if np.ndim(k) == 0 else values


def estimates(v: np.ndarray, batna: np.ndarray, a: float | None) -> tuple[np.ndarray, float, np.ndarray]:
    """Utilities (CE or mean), BATNA utility, and paired SEs of the gains (influence functions)."""
    n = v.shape[0]
    if not a:
        return v.mean(axis=0), float(batna.mean()), (v - batna[:, None]).std(axis=0, ddof=1) / np.sqrt(n)
    ce = cara_certainty_equivalent(v, a, axis=0)
    ce_b = float(cara_certainty_equivalent(batna, a))
    w = np.exp(-a * (v - ce))
    w_b = np.exp(-a * (batna - ce_b))
    return ce, ce_b, (w_b[:, None] - w).std(axis=0, ddof=1) / (a * np.sqrt(n))


def make_case(seed: int = 0, n: int = 300, k: int = 40, noise: float = 3.0, a: float | None = 0.05):
    rng = np.random.default_rng(seed)
    S = 20.0
    z = rng.lognormal(0.0, 0.3, n)
    x = np.linspace(0.25, 0.75, k)
    v1 = S * np.outer(z, x) + noise * rng.standard_normal((n, k))
    v2 = S * np.outer(z, 1 - x) + noise * rng.standard_normal((n, k))
    v1 = np.column_stack([v1, 0.9 * v1[:, ::2]])  # dominated packages
    v2 = np.column_stack([v2, 0.9 * v2[:, ::2]])
    b1, b2 = 2.0 + 0.5 * rng.standard_normal(n), 1.0 + 0.5 * rng.standard_normal(n)
    ra = {"a": a, "b": None}
    space = FakeSpace({"a": v1, "b": v2}, {"a": b1, "b": b2}, ra)
    (u1, d1, s1), (u2, d2, s2) = estimates(v1, b1, a), estimates(v2, b2, None)
    problem = DealProblem(("a", "b"), ("A", "B"), np.vstack([u1, u2]), (d1, d2), gain_se=np.vstack([s1, s2]),
                          risk_aversion=(a, None))
    return space, problem


def naive_winners(space: FakeSpace, problem: DealProblem, n_boot: int, seed: int) -> list[int | None]:
    """One resample at a time, every package, straight from the definitions."""
    v1, v2 = space.paths["a"], space.paths["b"]
    b1, b2 = space.parties["a"].batna_paths, space.parties["b"].batna_paths
    a1, a2 = problem.risk_aversion
    n = v1.shape[0]
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    out = []
    for rows in idx:
        u1, d1 = cara_certainty_equivalent(v1[rows], a1, axis=0), float(cara_certainty_equivalent(b1[rows], a1))
        u2, d2 = cara_certainty_equivalent(v2[rows], a2, axis=0), float(cara_certainty_equivalent(b2[rows], a2))
        out.append(nash_solution(u1, u2, d1, d2, risk_aversion=(a1, a2)))
    return out


@pytest.mark.parametrize("a", [None, 0.05])
def test_matches_a_naive_bootstrap_over_every_package(a) -> None:
    space, problem = make_case(a=a)
    n_boot = 60  # one batch: the same draws as the naive loop
    result = nash_stability(space, problem, n_boot=n_boot, seed=7)
    winners = naive_winners(space, problem, n_boot, seed=7)
    k_star = nash_solution(*problem.utility, *problem.batna, risk_aversion=problem.risk_aversion)
    assert result.package == k_star
    assert result.share == pytest.approx(np.mean([w == k_star for w in winners]))
    counts = {k: np.mean([w == k for w in winners]) for k in set(winners) if k != k_star}
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [k for k, _ in result.alternatives] == [k for k, _ in expected]
    assert [s for _, s in result.alternatives] == pytest.approx([s for _, s in expected])
    assert 0.0 < result.share < 1.0  # a contested case: noise does move the argmax
    assert result.share + sum(s for _, s in result.alternatives) + result.no_deal_share <= 1.0 + 1e-12


def test_a_clear_winner_is_always_the_winner() -> None:
    rng = np.random.default_rng(1)
    n = 500
    v1 = rng.normal([10.0, 1.0, 2.0, 1.5], 1.0, (n, 4))
    v2 = rng.normal([10.0, 2.0, 1.0, 1.5], 1.0, (n, 4))
    zero = np.zeros(n)
    space = FakeSpace({"a": v1, "b": v2}, {"a": zero, "b": zero}, {"a": 0.1, "b": None})
    (u1, _, s1), (u2, _, s2) = estimates(v1, zero, 0.1), estimates(v2, zero, None)
    problem = DealProblem(("a", "b"), ("A", "B"), np.vstack([u1, u2]), (0.0, 0.0), gain_se=np.vstack([s1, s2]),
                          risk_aversion=(0.1, None))
    result = nash_stability(space, problem, n_boot=100)
    assert (result.package, result.share, result.alternatives, result.no_deal_share) == (0, 1.0, (), 0.0)
    assert result.share_se == 0.0


def test_two_packages_equal_in_expectation_split_the_resamples() -> None:
    """Package 1 is package 0 plus independent zero-mean noise: the argmax is a coin flip."""
    rng = np.random.default_rng(2)
    n = 2000
    base = rng.normal(5.0, 1.0, n)
    v1 = np.column_stack([base, base + rng.normal(0.0, 1.0, n)])
    v1[:, 1] -= v1[:, 1].mean() - v1[:, 0].mean()  # equal means exactly, on the full sample
    v2 = np.column_stack([base, base])
    zero = np.zeros(n)
    space = FakeSpace({"a": v1, "b": v2}, {"a": zero, "b": zero}, {"a": None, "b": None})
    problem = DealProblem(("a", "b"), ("A", "B"), np.vstack([v1.mean(0), v2.mean(0)]), (0.0, 0.0),
                          gain_se=np.full((2, 2), 0.02))
    result = nash_stability(space, problem, n_boot=400, seed=3)
    assert 0.4 < result.share < 0.6
    assert result.alternatives[0][0] != result.package


def test_candidate_screen() -> None:
    space, problem = make_case()
    cand = nash_candidates(problem)
    k_star = nash_solution(*problem.utility, *problem.batna, risk_aversion=problem.risk_aversion)
    assert cand[0] == k_star and len(set(cand.tolist())) == cand.size
    assert nash_candidates(problem, max_candidates=3).tolist() == cand[:3].tolist()
    # without standard errors only the frontier remains (exact values: no noise)
    exact = DealProblem(problem.parties, problem.names, problem.utility, problem.batna, risk_aversion=problem.risk_aversion)
    from zopa.bargain import rational_frontier

    assert set(nash_candidates(exact).tolist()) == set(rational_frontier(*problem.utility, *problem.batna).tolist())
    assert nash_stability(space, DealProblem(problem.parties, problem.names, problem.utility, (1e6, 1e6))) is None


def test_bootstrap_is_reproducible_and_batch_independent() -> None:
    space, problem = make_case()
    v1, v2 = space.paths["a"], space.paths["b"]
    b1, b2 = space.parties["a"].batna_paths, space.parties["b"].batna_paths
    one = bootstrap_nash_argmax(v1, v2, b1, b2, n_boot=50, seed=4, risk_aversion=(0.05, None), batch=50)
    again = bootstrap_nash_argmax(v1, v2, b1, b2, n_boot=50, seed=4, risk_aversion=(0.05, None), batch=50)
    np.testing.assert_array_equal(one, again)
    with pytest.raises(ValueError, match="n_boot"):
        nash_stability(space, problem, n_boot=0)


def test_cheap_on_a_deal_space_of_the_builtin_size() -> None:
    """141,120 packages × 4,000 paths (a factor model stands in for the basis columns): the screen is
    O(K), the bootstrap touches only the candidates. Measured ~0.1 s; the bound is loose for CI."""
    rng = np.random.default_rng(5)
    n, k, factors = 4000, 141_120, 6
    F = rng.standard_normal((n, factors))
    load = rng.uniform(-1, 1, (2, k, factors))
    mu = np.vstack([rng.uniform(0, 10, k), rng.uniform(0, 10, k)])
    mu[1] = 10 - mu[0] + rng.uniform(-1, 0, k)  # a tradeoff between the sides

    class FactorSpace:
        parties = {"a": FakeParty(0.01, np.zeros(n)), "b": FakeParty(None, np.zeros(n))}

        def package_paths(self, party, kk):
            i = 0 if party == "a" else 1
            kk = np.atleast_1d(kk)
            return mu[i, kk] + F @ load[i, kk].T

    means = mu + np.einsum("ikf,f->ik", load, F.mean(axis=0))
    se = np.sqrt(np.einsum("ikf,ikf->ik", load, load) / n)
    problem = DealProblem(("a", "b"), ("A", "B"), means, (0.0, 0.0), gain_se=se, risk_aversion=(0.01, None))
    started = time.perf_counter()
    result = nash_stability(FactorSpace(), problem, n_boot=200)
    assert time.perf_counter() - started < 5.0
    assert result is not None and result.n_candidates <= 512


@pytest.fixture(scope="module")
def builtin_analysis():
    from zopa.scenario import builtin_path, load_scenario

    return analyze_scenario(load_scenario(builtin_path()), n_paths=400, seed=0)


def test_builtin_analysis_reports_stability(builtin_analysis) -> None:
    analysis, space = builtin_analysis
    st = analysis.stability
    assert st is not None and st.package == analysis.solutions["nash"].package
    assert st.n_boot == 200 and 0.0 <= st.share <= 1.0
    assert analysis.problem.risk_aversion == (space.parties["openai"].risk_aversion, None)
    assert any("bootstrap resamples" in line for line in analysis.verdict())
