"""Values of every package in a deal space, through the basis decomposition.

On each path a package's value to a party is a sum of a few *basis columns*: one per term template,
picked by the package's choices on the issues that template reads, plus a constant column (the
terms every package shares). With ``C`` the ``(N × B)`` matrix of per-path column values, the values
of K packages are ``C · S`` for a sparse ``(B × K)`` selection ``S`` — no Python loop over packages or
paths.

* Means and standard errors need only column means and the ``(B × B)`` covariance of the columns:
  ``Var(V_k) = s_kᵀ Σ s_k``. The same holds for a package's gain over the BATNA, whose per-path value
  is one more column.
* A risk-averse party's certainty equivalent ``−ln E[e^{−aV}]/a`` needs the per-path values: packages
  are processed in chunks, ``V = C · S_chunk`` (one BLAS product per chunk).
"""

from __future__ import annotations

import dataclasses
import time as _time
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
from scipy.special import logsumexp

from zopa.calibration import exit_scale
from zopa.dealspace import ExpandedSpace, expand
from zopa.discounting import discounter
from zopa.scenario.schema import Scenario, resolve_terms
from zopa.value import DEFAULT_CHUNK, decide_clauses, party_value, term_parts, value_scenario
from zopa.world import RandomStreams, SimulatedWorld

#: Packages per chunk when per-path package values are needed (risk aversion).
PACKAGE_CHUNK = 2048


@dataclass(frozen=True)
class PartyValues:
    """One party's view of the whole deal space (under its own beliefs), USD bn.

    ``utility`` is what the party decides on: its certainty equivalent when risk averse, else the
    mean. ``gain_se`` is the standard error of ``utility − batna`` per package (paired paths).
    """

    party: str
    mean: np.ndarray
    se: np.ndarray
    utility: np.ndarray
    utility_se: np.ndarray
    gain_se: np.ndarray
    batna: float
    batna_se: float
    batna_package: str
    risk_aversion: float | None
    columns: np.ndarray  # (N, B) per-path column values
    constant: np.ndarray  # (N,) terms shared by every package
    batna_paths: np.ndarray  # (N,)
    inside: float | None = None  # the status quo's utility: the inside option, whatever the BATNA


@dataclass(frozen=True)
class SpaceValuation:
    """Both parties' values of every package of a deal space."""

    scenario: Scenario
    space: ExpandedSpace
    parties: dict[str, PartyValues]
    n_paths: int
    seed: int
    seconds: float

    def package_paths(self, party: str, k: int | np.ndarray) -> np.ndarray:
        """Per-path values of package(s) ``k`` to ``party``: shape ``(N,)`` or ``(N, len(k))``."""
        pv = self.parties[party]
        cols = self.space.column_index(self.space.choices[np.atleast_1d(k)])
        values = pv.columns[:, cols].sum(axis=2) + pv.constant[:, None]
        return values[:, 0] if np.ndim(k) == 0 else values


def batna_of(scenario: Scenario, party: str) -> list[str]:
    """Packages that make up ``party``'s BATNA: the status quo and its declared outside options."""
    options = scenario.deal_space.outside_options.get(party, []) if scenario.deal_space else []
    return [scenario.meta.status_quo, *options]


def value_space(
    scenario: Scenario,
    n_paths: int = 10_000,
    seed: int = 0,
    expanded: ExpandedSpace | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    quantiles: Mapping[str, float | np.ndarray] | None = None,
    beliefs: Mapping[str, str] | None = None,
) -> SpaceValuation:
    """Value every package of ``scenario.deal_space`` for both parties under their own beliefs.

    The BATNA of each party is the best (by its utility) of the status quo and its outside options,
    valued on the same paths (common random numbers), so gains are paired. ``beliefs`` maps a party to
    the party whose beliefs it values under (default: its own); ``quantiles`` pins inputs.
    """
    if scenario.deal_space is None:
        raise ValueError("the scenario has no [deal_space]; add issues to analyse a deal space")
    started = _time.perf_counter()
    space = expanded or expand(scenario.deal_space)
    ds = scenario.deal_space
    parties = scenario.party_ids
    rule = discounter(scenario)
    scale = exit_scale(scenario, seed, quantiles)
    shared_terms = (
        [t for t in resolve_terms(scenario, ds.base, ()) if t.id not in ds.drop] if ds.base else []
    ) + list(scenario.common_terms)
    view = {p: (beliefs or {}).get(p, p) for p in parties}
    n_cols = len(space.columns)
    columns = {p: np.zeros((n_paths, n_cols)) for p in parties}
    constant = {p: np.zeros(n_paths) for p in parties}
    times = scenario.time.times
    for start in range(0, n_paths, chunk_size):
        n = min(chunk_size, n_paths - start)
        rows = slice(start, start + n)
        streams = RandomStreams(seed, start, n, quantiles or {})
        for p in parties:
            world = SimulatedWorld(scenario, view[p], ds.restructured, streams, exit_scale=scale)
            alternatives: dict = {}  # stake term × clause alternative → values, shared by the columns
            shared_world, _ = decide_clauses(world, shared_terms, parties, times, rule, alternatives)
            for term in shared_terms:
                for part, flows in term_parts(term, shared_world).values():
                    constant[p][rows] += party_value(part, flows, p, times, rule.rate(part, p))
            for b, column in enumerate(space.columns):
                if column.term is not None:
                    # A controlled clause is decided on the stakes of this column and the shared terms.
                    ctx, _ = decide_clauses(world, shared_terms + [column.term], parties, times, rule, alternatives)
                    for part, flows in term_parts(column.term, ctx).values():
                        columns[p][rows, b] += party_value(part, flows, p, times, rule.rate(part, p))
        if progress is not None:
            progress(min(start + n, n_paths), n_paths)

    fallback = value_scenario(scenario, n_paths, seed, packages=sorted({q for p in parties for q in batna_of(scenario, p)}),
                              chunk_size=chunk_size, quantiles=quantiles)
    cols = space.column_index(space.choices)
    out = {}
    for p in parties:
        a = fallback.risk_aversion(p)
        options = {q: fallback.estimate(q, p, view[p]) for q in batna_of(scenario, p)}
        best = max(options, key=lambda q: options[q].value)
        out[p] = dataclasses.replace(
            _party_values(p, columns[p], constant[p], fallback.values[(best, p, view[p])], best, cols, a),
            inside=float(options[scenario.meta.status_quo].value))
    return SpaceValuation(scenario, space, out, n_paths, seed, _time.perf_counter() - started)


def _party_values(party: str, C: np.ndarray, const: np.ndarray, batna: np.ndarray, batna_package: str,
                  cols: np.ndarray, a: float | None) -> PartyValues:
    n = C.shape[0]
    # Augmented columns: basis, constant, BATNA; centred for a stable covariance.
    A = np.column_stack([C, const, batna])
    mu = A.mean(axis=0)
    centred = A - mu
    cov = centred.T @ centred / (n - 1)
    c_idx, b_idx = C.shape[1], C.shape[1] + 1
    mean = const.mean() + mu[cols].sum(axis=1)
    var = _quadratic(cov, cols, c_idx, None)
    gain_var = _quadratic(cov, cols, c_idx, b_idx)
    se = np.sqrt(np.maximum(var, 0.0) / n)
    gain_se = np.sqrt(np.maximum(gain_var, 0.0) / n)
    batna_mean = float(batna.mean())
    batna_se = float(batna.std(ddof=1) / np.sqrt(n))
    utility, utility_se, batna_u, batna_u_se = mean, se, batna_mean, batna_se
    if a:
        utility, utility_se, gain_se = _certainty_equivalents(C, const, batna, cols, a)
        batna_u = -float(logsumexp(-a * batna) - np.log(n)) / a
        w = np.exp(-a * (batna - batna_u))
        batna_u_se = float(w.std(ddof=1) / np.sqrt(n) / a)
    return PartyValues(party, mean, se, utility, utility_se, gain_se, batna_u, batna_u_se, batna_package, a, C,
                       const, batna)


def _quadratic(cov: np.ndarray, cols: np.ndarray, c_idx: int, b_idx: int | None) -> np.ndarray:
    """``sᵀ Σ s`` for every package, with ``s`` = its columns + the constant (− the BATNA column)."""
    idx = np.column_stack([cols, np.full(cols.shape[0], c_idx)])
    weights = np.ones(idx.shape[1])
    if b_idx is not None:
        idx = np.column_stack([idx, np.full(cols.shape[0], b_idx)])
        weights = np.append(weights, -1.0)
    total = np.zeros(cols.shape[0])
    for i in range(idx.shape[1]):  # a handful of templates: (T+2)(T+3)/2 gathers over all packages
        total += weights[i] ** 2 * np.diag(cov)[idx[:, i]]
        for j in range(i + 1, idx.shape[1]):
            total += 2.0 * weights[i] * weights[j] * cov[idx[:, i], idx[:, j]]
    return total


def _certainty_equivalents(C: np.ndarray, const: np.ndarray, batna: np.ndarray, cols: np.ndarray,
                           a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CARA certainty equivalents of every package, their SEs, and the SEs of CE gains over the
    BATNA, in package chunks.

    With ``E = e^{−aV − m}`` (``m`` the column max, for stability): ``CE = −(m + ln(ΣE/N))/a`` and
    ``w = e^{−a(V − CE)} = N·E/ΣE``. The CE's influence function is ``(1 − w_i)/a``, so
    ``se(CE) = sd(w)/(a√N)`` and ``se(CE − CE_batna) = sd(w_batna − w)/(a√N)``; the variances come
    from ``Σw²`` and ``w_batnaᵀ w`` (one BLAS product) without more passes over the paths.
    """
    n, K = C.shape[0], cols.shape[0]
    ce = np.empty(K)
    ce_se = np.empty(K)
    gain_se = np.empty(K)
    batna_ce = -float(logsumexp(-a * batna) - np.log(n)) / a
    w_batna = np.exp(-a * (batna - batna_ce))
    var_batna = float(w_batna.var(ddof=1))
    # Single precision for the (K × N) pass: values carry ~7 digits, far finer than their Monte Carlo
    # error; every sum runs along the contiguous path axis (pairwise summation) and ends in float64.
    scaled_t = np.ascontiguousarray((-a * C).T, dtype=np.float32)  # (B, N)
    offset = (-a * const).astype(np.float32)
    w_batna32 = w_batna.astype(np.float32)
    for lo in range(0, K, PACKAGE_CHUNK):
        hi = min(lo + PACKAGE_CHUNK, K)
        select = np.zeros((hi - lo, C.shape[1]), dtype=np.float32)
        select[np.arange(hi - lo)[:, None], cols[lo:hi]] = 1.0
        E = select @ scaled_t  # (k, N): −a·(V − const)
        E += offset
        m = E.max(axis=1, keepdims=True)
        E -= m
        np.exp(E, out=E)
        total = E.sum(axis=1, dtype=np.float64)
        ce[lo:hi] = -(m[:, 0].astype(np.float64) + np.log(total / n)) / a
        scale = n / total  # w = E · scale, mean(w) = 1
        sum_e2 = np.square(E).sum(axis=1, dtype=np.float64)
        var_w = (sum_e2 * scale**2 - n) / (n - 1)
        cov = ((E @ w_batna32).astype(np.float64) * scale - n) / (n - 1)
        ce_se[lo:hi] = np.sqrt(np.maximum(var_w, 0.0) / n) / a
        gain_se[lo:hi] = np.sqrt(np.maximum(var_batna + var_w - 2 * cov, 0.0) / n) / a
    return ce, ce_se, gain_se
