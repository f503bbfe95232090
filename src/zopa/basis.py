"""Values of every package in a deal space, through the basis decomposition.

On each path a package's value to a party is a sum of a few *basis columns*: one per term template,
picked by the package's choices on the issues that template reads, plus a constant column (the
terms every package shares). With ``C`` the ``(N × B)`` matrix of per-path column values, the values
of K packages are ``C · S`` for a sparse ``(B × K)`` selection ``S`` — no Python loop over packages or
paths. :mod:`zopa.basis_moments` turns the columns into every package's mean, certainty equivalent
and paired standard errors without forming ``C · S``.
"""

from __future__ import annotations

import dataclasses
import time as _time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
from scipy.special import logsumexp

from zopa.basis_moments import (
    Factorisation, direct_certainty_equivalents, factorisable, factorise, factorised_certainty_equivalents,
    group_moments, covariance_quadratic,
)
from zopa.calibration import exit_scale
from zopa.clauses import ClauseDecision, controlled_in
from zopa.dealspace import ExpandedSpace, expand
from zopa.discounting import discounter
from zopa.scenario.schema import Scenario, resolve_terms
from zopa.value import (
    DEFAULT_CHUNK, Valuation, decide_clauses, decided_term_values, party_value, term_parts, value_scenario,
)
from zopa.workers import serial_blas, worker_threads
from zopa.world import RandomStreams, SimulatedWorld

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
        values = pv.columns[:, cols[:, 0]]  # one (N, K') gather per template, not an (N, K', T) array
        for t in range(1, cols.shape[1]):
            values += pv.columns[:, cols[:, t]]
        values += pv.constant[:, None]
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
    valuation: Valuation | None = None,
    helper: Any = None,
    queued: Callable[[], None] | None = None,
) -> SpaceValuation:
    """Value every package of ``scenario.deal_space`` for both parties under their own beliefs.

    The BATNA of each party is the best (by its utility) of the status quo and its outside options,
    valued on the same paths (common random numbers), so gains are paired. ``beliefs`` maps a party to
    the party whose beliefs it values under (default: its own); ``quantiles`` pins inputs.
    ``valuation``: a valuation of the scenario's named packages on the same paths (``n_paths`` and
    ``seed``, no pinned inputs) that covers the BATNA packages; it is used instead of valuing them
    again (the values are identical: paths do not depend on which packages are valued).
    ``progress(done, total)`` reports paths valued, several times per chunk of paths. ``helper``
    (a :class:`zopa.workers.Helper`) values the other parties' side beside this one's; ``queued()``
    is called once that work is queued (at once without a helper), so that the caller can queue
    more behind it.
    """
    if scenario.deal_space is None:
        raise ValueError("the scenario has no [deal_space]; add issues to analyse a deal space")
    started = _time.perf_counter()
    space = expanded or expand(scenario.deal_space)
    parties = scenario.party_ids
    scale = exit_scale(scenario, seed, quantiles)
    view = {p: (beliefs or {}).get(p, p) for p in parties}
    needed = sorted({q for p in parties for q in batna_of(scenario, p)})
    fallback = valuation
    if (fallback is None or quantiles or fallback.n_paths != n_paths or fallback.seed != seed
            or not set(needed) <= set(fallback.packages) or fallback.scenario is not scenario):
        fallback = value_scenario(scenario, n_paths, seed, packages=needed, chunk_size=chunk_size, quantiles=quantiles)

    def batna(p: str) -> Batna:
        options = {q: fallback.estimate(q, p, view[p]) for q in batna_of(scenario, p)}
        best = max(options, key=lambda q: options[q].value)
        return Batna(best, fallback.values[(best, p, view[p])], float(options[scenario.meta.status_quo].value),
                     fallback.risk_aversion(p))

    def values_of(p: str, report: Callable[[int, int], None] | None = None) -> PartyValues:
        return party_space_values(scenario, p, view[p], n_paths, seed, scale, batna(p), space, chunk_size, quantiles,
                                  report)

    out: dict[str, PartyValues] = {}
    first, others = parties[0], parties[1:]
    workers = worker_threads(len(parties))
    # the parties' worlds are independent: the others' values in the helper process (or threads)
    if helper is not None and helper.parallel and others:
        pending = {p: helper.submit(party_space_values, scenario, p, view[p], n_paths, seed, scale, batna(p),
                                    expanded, chunk_size, quantiles) for p in others}
        if queued is not None:
            queued()
        share = (lambda done, total: progress(done // len(parties), total)) if progress is not None else None
        out[first] = values_of(first, share)
        for p, future in pending.items():
            out[p] = future.result()
    else:
        if queued is not None:
            queued()
        if workers > 1:
            with serial_blas(), ThreadPoolExecutor(workers) as pool:  # one BLAS setting for both threads
                out = dict(zip(parties, pool.map(lambda p: values_of(p, progress if p == first else None), parties)))
        else:
            for i, p in enumerate(parties):
                step = (lambda done, total, i=i: progress((i * total + done) // len(parties), total)) \
                    if progress is not None else None
                out[p] = values_of(p, step)
    if progress is not None:
        progress(n_paths, n_paths)
    return SpaceValuation(scenario, space, {p: out[p] for p in parties}, n_paths, seed, _time.perf_counter() - started)


@dataclass(frozen=True)
class Batna:
    """A party's BATNA on the deal space's paths: the best of its options by the party's utility
    (``package``), its per-path values ``(N,)``, the contract in force's utility (the inside option)
    and the party's risk aversion (``None``: risk neutral)."""

    package: str
    paths: np.ndarray
    inside: float
    risk_aversion: float | None


def party_space_values(scenario: Scenario, party: str, belief: str, n_paths: int, seed: int, scale: float,
                       batna: Batna, expanded: ExpandedSpace | None = None, chunk_size: int = DEFAULT_CHUNK,
                       quantiles: Mapping[str, float | np.ndarray] | None = None,
                       progress: Callable[[int, int], None] | None = None) -> PartyValues:
    """``party``'s view of every package of the deal space: its basis columns
    (:func:`party_columns`) summarised into means, utilities and paired standard errors (a
    module-level function, so a helper process can run it)."""
    space = expanded or expand(scenario.deal_space)  # type: ignore[arg-type]
    columns, constant = party_columns(scenario, party, belief, n_paths, seed, scale, space, chunk_size, quantiles,
                                      progress)
    with serial_blas():
        values = _party_values(party, columns, constant, batna.paths, batna.package, space.column_index(space.choices),
                               batna.risk_aversion, factorise(space))
    return dataclasses.replace(values, inside=batna.inside)


def party_columns(scenario: Scenario, party: str, belief: str, n_paths: int, seed: int, scale: float,
                  expanded: ExpandedSpace | None = None, chunk_size: int = DEFAULT_CHUNK,
                  quantiles: Mapping[str, float | np.ndarray] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``party``'s per-path basis columns ``(N, B)`` and shared terms ``(N,)`` under ``belief``'s world
    with exit scale ``scale`` (a module-level function, so a helper process can run it).

    A column whose term depends on no controlled trigger sees the decisions taken on the shared
    terms. One whose controlled triggers X are none of the shared terms' D splits into two
    independent games: no term depends on both an X and a D trigger (the shared terms read no X, the
    column's term no D), and a trigger's eligibility reads the world's events, not other triggers,
    so each decision sees the same stakes in either order. Its X is then decided alone, on its own
    stakes, in the shared terms' world (the values are those of deciding all together). Otherwise the
    column's and the shared terms' triggers are decided together.
    """
    space = expanded or expand(scenario.deal_space)  # type: ignore[arg-type]
    ds = scenario.deal_space
    assert ds is not None
    parties = scenario.party_ids
    rule = discounter(scenario)
    shared_terms = (
        [t for t in resolve_terms(scenario, ds.base, ()) if t.id not in ds.drop] if ds.base else []
    ) + list(scenario.common_terms)
    times = scenario.time.times
    shared_triggers = set(controlled_in(scenario, set().union(*(t.triggers() for t in shared_terms)))) \
        if shared_terms else set()
    own = [controlled_in(scenario, column.term.triggers()) if column.term is not None else [] for column in space.columns]
    apart = [bool(x) and not (set(x) & shared_triggers) for x in own]
    n_cols = len(space.columns)
    columns = np.zeros((n_paths, n_cols))
    constant = np.zeros(n_paths)
    for start in range(0, n_paths, chunk_size):
        n = min(chunk_size, n_paths - start)
        rows = slice(start, start + n)
        world = SimulatedWorld(scenario, belief, ds.restructured, RandomStreams(seed, start, n, quantiles or {}),
                               exit_scale=scale)
        alternatives: dict = {}  # stake term × clause alternative → values, shared by the columns
        shared_world, _ = decide_clauses(world, shared_terms, parties, times, rule, alternatives)
        for term in shared_terms:
            for part, flows in term_parts(term, shared_world).values():
                constant[rows] += party_value(part, flows, party, times, rule.rate(part, party))
        for b, column in enumerate(space.columns):
            if column.term is not None:
                ctx = shared_world
                decisions: list[ClauseDecision] = []
                if apart[b]:
                    ctx, decisions = decide_clauses(shared_world, [column.term], parties, times, rule, alternatives)
                elif own[b]:
                    ctx, decisions = decide_clauses(world, shared_terms + [column.term], parties, times, rule,
                                                    alternatives)
                # the decisions valued the column's term under their alternatives: picked path by path
                decided = decided_term_values(column.term, decisions, alternatives, "", own[b]) if decisions else None
                if decided is not None:
                    for per_party in decided.values():
                        columns[rows, b] += per_party[party]
                else:
                    for part, flows in term_parts(column.term, ctx).values():
                        columns[rows, b] += party_value(part, flows, party, times, rule.rate(part, party))
            if progress is not None and (b + 1) % 16 == 0:
                progress(start + n * (b + 1) // n_cols, n_paths)
    return columns, constant


def _party_values(party: str, C: np.ndarray, const: np.ndarray, batna: np.ndarray, batna_package: str,
                  cols: np.ndarray, a: float | None, factors: Factorisation | None = None) -> PartyValues:
    n = C.shape[0]
    if factors is not None and factors.groups:
        mean, var, gain_var = group_moments(C, const, batna, factors)
    else:
        # Augmented columns: basis, constant, BATNA; centred for a stable covariance.
        A = np.column_stack([C, const, batna])
        mu = A.mean(axis=0)
        centred = A - mu
        cov = centred.T @ centred / (n - 1)
        c_idx, b_idx = C.shape[1], C.shape[1] + 1
        mean = const.mean() + mu[cols].sum(axis=1)
        var = covariance_quadratic(cov, cols, c_idx, None)
        gain_var = covariance_quadratic(cov, cols, c_idx, b_idx)
    se = np.sqrt(np.maximum(var, 0.0) / n)
    gain_se = np.sqrt(np.maximum(gain_var, 0.0) / n)
    batna_mean = float(batna.mean())
    batna_se = float(batna.std(ddof=1) / np.sqrt(n))
    utility, utility_se, batna_u, batna_u_se = mean, se, batna_mean, batna_se
    if a:
        if factors is not None and factorisable(factors):
            utility, utility_se, gain_se = factorised_certainty_equivalents(C, const, batna, cols, a, factors)
        else:
            utility, utility_se, gain_se = direct_certainty_equivalents(C, const, batna, cols, a)
        batna_u = -float(logsumexp(-a * batna) - np.log(n)) / a
        w = np.exp(-a * (batna - batna_u))
        batna_u_se = float(w.std(ddof=1) / np.sqrt(n) / a)
    return PartyValues(party, mean, se, utility, utility_se, gain_se, batna_u, batna_u_se, batna_package, a, C,
                       const, batna)


