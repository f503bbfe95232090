"""How stable is the Nash package under Monte Carlo noise? A bootstrap over the simulated paths.

The Nash package ``k*`` maximises ``w ln u_1(g_1) + (1 - w) ln u_2(g_2)`` over rational packages, where
``g_i = CE_i(k) - CE_i(BATNA)`` are Monte Carlo estimates from ``N`` paths (means for a risk-neutral
party, CARA certainty equivalents ``CE = -ln mean(e^{-aV}) / a`` for a risk-averse one) and ``u_i``
is the CARA utility (identity when risk neutral; :mod:`zopa.bargain.utility`). Another set of paths
could crown another package. The bootstrap (Efron 1979) estimates how often:

1. Draw ``B`` resamples of the ``N`` path indices with replacement. The *same* indices serve both
   parties and all packages — the paths are common random numbers, so the resample keeps the pairing
   between packages, BATNAs and parties.
2. For each resample ``b`` with multiplicities ``n_b`` (``Σ n_b = N``), re-estimate every candidate's
   value: ``mean_b = n_bᵀ V / N`` and ``CE_b = m - ln(n_bᵀ e^{-a(V - m)} / N) / a`` (``m`` the
   column minimum, so no exponential overflows) — one matrix product per batch of resamples, no loop
   over paths or packages.
3. Recompute the Nash objective and its argmax on each resample.

The share of resamples whose argmax is ``k*`` is the package's *stability*; a binomial standard
error ``√(s(1-s)/B)`` goes with it. The BATNA package is held fixed (its paths are resampled too).

Candidates. Only packages that could plausibly win are re-estimated: the rational Pareto frontier
and every rational package whose Nash objective is within ``candidate_z`` standard errors of the best
(delta method: ``se(w ln u(g)) = w u'(g) se(g) / u(g)`` with ``u'(g) = e^{-ag}``, the two sides
combined in quadrature, and the difference from the best package's objective judged with
:func:`~zopa.bargain.noise.clear_of_noise`). At most ``max_candidates`` are kept, nearest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zopa.noise import NOISE_Z, clear_of_noise
from zopa.bargain.region import rational_frontier
from zopa.bargain.solutions import nash_solution
from zopa.bargain.utility import cara_utility

__all__ = ["NashStability", "bootstrap_nash_argmax", "nash_candidates", "nash_stability"]


@dataclass(frozen=True)
class NashStability:
    """Bootstrap stability of the Nash package.

    Attributes:
        package: the Nash package of the full sample.
        share: fraction of bootstrap resamples in which it is still the Nash package.
        alternatives: the packages that win instead, most frequent first, as ``(package, share)``.
        no_deal_share: fraction of resamples in which no candidate gives both sides a positive gain.
        n_boot: number of resamples.
        n_candidates: number of packages re-estimated.
        weight: Nash weight of party 1.
    """

    package: int
    share: float
    alternatives: tuple[tuple[int, float], ...]
    no_deal_share: float
    n_boot: int
    n_candidates: int
    weight: float = 0.5

    @property
    def share_se(self) -> float:
        """Binomial standard error of ``share`` (bootstrap sampling error only)."""
        return math.sqrt(self.share * (1.0 - self.share) / self.n_boot) if self.n_boot else float("nan")


def _objective(g1: NDArray[np.float64], g2: NDArray[np.float64], weight: float,
               risk_aversion: tuple[float | None, float | None]) -> NDArray[np.float64]:
    """``w ln u1(g1) + (1 - w) ln u2(g2)`` where both gains are >= 0, else ``-inf``."""
    ok = (g1 >= 0.0) & (g2 >= 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = weight * np.log(cara_utility(np.where(ok, g1, 1.0), risk_aversion[0])) + \
            (1.0 - weight) * np.log(cara_utility(np.where(ok, g2, 1.0), risk_aversion[1]))
    value = np.where(ok & (g1 > 0.0) & (g2 > 0.0), value, -np.inf)
    return value


def nash_candidates(problem: Any, weight: float = 0.5, candidate_z: float = 2 * NOISE_Z,
                    max_candidates: int = 512) -> NDArray[np.intp]:
    """Packages that could be the Nash package on another draw of the paths, the Nash package first,
    then by how many standard errors their objective trails it (see the module docstring)."""
    u1, u2 = problem.utility
    d1, d2 = problem.batna
    ra = tuple(getattr(problem, "risk_aversion", (None, None)))
    k_star = nash_solution(u1, u2, d1, d2, weight, ra)  # type: ignore[arg-type]
    if k_star is None:
        return np.empty(0, dtype=np.intp)
    g1, g2 = u1 - d1, u2 - d2
    obj = _objective(g1, g2, weight, ra)  # type: ignore[arg-type]
    if problem.gain_se is not None:
        se1, se2 = problem.gain_se
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            slope1 = weight * np.exp(-(ra[0] or 0.0) * g1) / cara_utility(g1, ra[0])
            slope2 = (1.0 - weight) * np.exp(-(ra[1] or 0.0) * g2) / cara_utility(g2, ra[1])
            obj_se = np.hypot(slope1 * se1, slope2 * se2)
        obj_se = np.where(np.isfinite(obj), obj_se, np.inf)
    else:
        obj_se = np.zeros_like(obj)
    best = obj[k_star]
    diff_se = np.hypot(obj_se, obj_se[k_star])
    trail = best - obj
    near = np.isfinite(obj) & ~clear_of_noise(trail, diff_se, candidate_z)
    pool = np.union1d(np.flatnonzero(near), rational_frontier(u1, u2, d1, d2))
    pool = pool[pool != k_star]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(diff_se[pool] > 0, trail[pool] / diff_se[pool], np.where(trail[pool] > 0, np.inf, 0.0))
    order = pool[np.lexsort((pool, z))]
    return np.concatenate([[k_star], order[: max(max_candidates - 1, 0)]]).astype(np.intp)


def _resampled_values(paths: NDArray[np.float64], a: float | None, counts: NDArray[np.float64],
                      prepared: tuple[NDArray[np.float64], NDArray[np.float64]] | None) -> NDArray[np.float64]:
    """Per-resample estimates ``(B, K)`` from per-path values ``(N, K)`` and multiplicities ``(B, N)``."""
    n = paths.shape[0]
    if not a:
        return counts @ paths / n
    if prepared is None:
        raise ValueError("a risk-averse party's resampled values need its prepared (low, weights)")
    low, weights = prepared
    with np.errstate(divide="ignore"):
        return low - np.log(counts @ weights / n) / a


def bootstrap_nash_argmax(paths1: NDArray[np.float64], paths2: NDArray[np.float64],
                          batna1: NDArray[np.float64], batna2: NDArray[np.float64], n_boot: int = 200,
                          seed: int = 0, weight: float = 0.5,
                          risk_aversion: tuple[float | None, float | None] = (None, None),
                          batch: int = 64) -> NDArray[np.intp]:
    """Column index of the Nash package on each of ``n_boot`` resamples (``-1``: no column gives both
    sides a positive gain).

    ``paths_i`` are per-path values ``(N, K)`` of ``K`` candidate packages to party ``i``, ``batna_i``
    its BATNA's per-path values ``(N,)``. Resamples draw ``N`` path indices with replacement, shared by
    both parties (common random numbers), turned into multiplicities with one ``bincount``.

    >>> v = np.array([[1.0, 2.0], [3.0, 2.0]])  # two paths, two packages: package 0 is riskier
    >>> bootstrap_nash_argmax(v, v[:, ::-1], np.zeros(2), np.zeros(2), n_boot=4, seed=1).shape
    (4,)
    """
    n = paths1.shape[0]
    rng = np.random.default_rng(seed)
    a1, a2 = risk_aversion
    values: list[tuple[NDArray[np.float64], float | None,
                       tuple[NDArray[np.float64], NDArray[np.float64]] | None]] = []
    for paths, batna, a in ((paths1, batna1, a1), (paths2, batna2, a2)):
        full = np.column_stack([paths, batna]).astype(np.float64)
        if a:
            low = full.min(axis=0)
            values.append((full, a, (low, np.exp(-a * (full - low)))))
        else:
            values.append((full, a, None))
    out = np.empty(n_boot, dtype=np.intp)
    for lo in range(0, n_boot, batch):
        b = min(batch, n_boot - lo)
        idx = rng.integers(0, n, size=(b, n))
        flat = np.bincount((idx + n * np.arange(b)[:, None]).ravel(), minlength=b * n)
        counts = flat.reshape(b, n).astype(np.float64)
        est = [_resampled_values(full, a, counts, prep) for full, a, prep in values]
        g1 = est[0][:, :-1] - est[0][:, -1:]
        g2 = est[1][:, :-1] - est[1][:, -1:]
        obj = _objective(g1, g2, weight, risk_aversion)
        winner = obj.argmax(axis=1)
        winner[~np.isfinite(obj).any(axis=1)] = -1
        out[lo:lo + b] = winner
    return out


def nash_stability(space_valuation: Any, problem: Any, n_boot: int = 200, seed: int = 0, weight: float = 0.5,
                   candidate_z: float = 2 * NOISE_Z, max_candidates: int = 512,
                   n_alternatives: int = 5) -> NashStability | None:
    """Bootstrap stability of the Nash package of ``problem`` (a :class:`zopa.analysis.DealProblem`
    from ``space_valuation``, a :class:`zopa.basis.SpaceValuation`); None without a Nash package.

    Per-path values of the candidates come from ``space_valuation.package_paths(party, k)`` (shape
    ``(N, K')``); each party's risk aversion from ``space_valuation.parties[party].risk_aversion``.
    Cost: ``O(N K')`` memory and ``B N K'`` multiply-adds, independent of the size of the deal space
    beyond the ``O(K)`` candidate screen.
    """
    if not 0.0 < weight < 1.0:
        raise ValueError(f"expected a Nash weight strictly between 0 and 1, got {weight}")
    if n_boot < 1:
        raise ValueError(f"expected n_boot >= 1, got {n_boot}")
    candidates = nash_candidates(problem, weight, candidate_z, max_candidates)
    if candidates.size == 0:
        return None
    parties = problem.parties
    pvs = [space_valuation.parties[p] for p in parties]
    ra = (pvs[0].risk_aversion, pvs[1].risk_aversion)
    paths = [np.asarray(space_valuation.package_paths(p, candidates), dtype=np.float64).reshape(-1, candidates.size)
             for p in parties]
    winners = bootstrap_nash_argmax(paths[0], paths[1], pvs[0].batna_paths, pvs[1].batna_paths, n_boot, seed,
                                    weight, ra)
    columns, counts = np.unique(winners, return_counts=True)
    share = dict(zip(columns.tolist(), (counts / n_boot).tolist()))
    others = sorted(((int(candidates[c]), s) for c, s in share.items() if c > 0), key=lambda x: (-x[1], x[0]))
    return NashStability(int(candidates[0]), float(share.get(0, 0.0)), tuple(others[:n_alternatives]),
                         float(share.get(-1, 0.0)), int(n_boot), int(candidates.size), float(weight))
