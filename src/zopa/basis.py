"""Values of every package in a deal space, through the basis decomposition.

On each path a package's value to a party is a sum of a few *basis columns*: one per term template,
picked by the package's choices on the issues that template reads, plus a constant column (the
terms every package shares). With ``C`` the ``(N × B)`` matrix of per-path column values, the values
of K packages are ``C · S`` for a sparse ``(B × K)`` selection ``S`` — no Python loop over packages or
paths.

* Means and standard errors need only column means and the covariance of the columns:
  ``Var(V_k) = s_kᵀ Σ s_k``. The same holds for a package's gain over the BATNA, whose per-path value
  is one more column.
* A risk-averse party's certainty equivalent ``−ln E[e^{−aV}]/a`` needs sums over paths of
  products, not sums, of the columns. Templates that read no issue in common fall into separate
  *groups* (the connected components of the issue–template graph); with ``G_g`` the per-path value
  of group ``g``'s templates for each combination of its issues, ``e^{−aV_k} = e^{−a·const}·Π_g
  e^{−a G_g[k_g]}``, so ``Σ_n e^{−aV_{nk}}`` over the whole product of the groups' combinations is a
  Khatri–Rao product of all groups but the largest times the largest (one BLAS product per chunk
  of paths, in double precision): exact, and ``N·Π S_g`` multiply-adds instead of one exponential
  per package and path (:func:`factorised_certainty_equivalents`). A deal space whose issues are all
  linked falls back to forming the per-path package values in package chunks
  (:func:`_certainty_equivalents`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time as _time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import numpy as np
from scipy.special import logsumexp

from zopa.calibration import exit_scale
from zopa.clauses import ClauseDecision, controlled_in
from zopa.dealspace import ExpandedSpace, expand
from zopa.discounting import discounter
from zopa.scenario.schema import Scenario, resolve_terms
from zopa.value import (
    DEFAULT_CHUNK, Valuation, decide_clauses, decided_term_values, party_value, term_parts, value_scenario,
)
from zopa.world import RandomStreams, SimulatedWorld

#: Packages per chunk when per-path package values are needed (risk aversion, direct method).
PACKAGE_CHUNK = 2048
#: Per chunk of paths, at most this many doubles in the group tables of the factorised pass.
FACTOR_CELLS = 1 << 22
#: The factorised pass is used while the product of the group sizes stays below this many cells...
FACTOR_PRODUCT = 1 << 23
#: ... and below this multiple of the number of packages (excluded combinations are computed too).
FACTOR_WASTE = 16
#: A sum of shifted exponentials below this is recomputed directly (it may have underflowed).
UNDERFLOW = 1e-250


def worker_threads(tasks: int) -> int:
    """Threads for ``tasks`` independent pieces of work: at most the CPUs this process may use, or
    ``$ZOPA_THREADS`` (1: everything in the calling thread). Results never depend on it."""
    env = os.environ.get("ZOPA_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        cpus = int(env)
    else:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(tasks, cpus))


@contextlib.contextmanager
def serial_blas() -> Iterator[None]:
    """BLAS single-threaded for the duration: zopa parallelises over parties and stages with its own
    threads (:func:`worker_threads`), and BLAS threads competing with them for the same cores, or
    spinning while they wait, only slow both down. It also makes the floating-point sums of every
    matrix product independent of the machine's core count and of ``$ZOPA_THREADS``: the same seed
    gives the same numbers to the last bit. Nested uses are free."""
    global _SERIAL
    if _SERIAL:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        _SERIAL = True
        try:
            yield
        finally:
            _SERIAL = False


_SERIAL = False


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


@dataclass(frozen=True)
class Group:
    """Templates linked by the issues they read: ``issues`` (positions in ``issue_ids``), their
    numbers of options ``shape`` (``size = Π shape`` combinations, C order), and per template
    ``columns[j]``, the template's basis columns laid out as ``broadcast[j]`` (the group's axes, 1 on
    the axes of issues the template does not read)."""

    issues: tuple[int, ...]
    templates: tuple[int, ...]
    shape: tuple[int, ...]
    columns: tuple[np.ndarray, ...]  # per template: its basis column of each combination of the issues it reads
    broadcast: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def combination_columns(self) -> np.ndarray:
        """``(size, len(templates))``: each template's basis column for each combination of the group."""
        return np.stack([np.broadcast_to(c.reshape(b), self.shape).ravel() for c, b in zip(self.columns, self.broadcast)],
                        axis=1)

    def table(self, rows: np.ndarray) -> np.ndarray:
        """``(size, n)``: the group's value per combination from basis-column rows ``(B, n)`` (paths
        last), by broadcasting each template's columns over the issues it does not read."""
        n = rows.shape[1]
        out = np.zeros((*self.shape, n))
        for cols, shape in zip(self.columns, self.broadcast):
            out += rows[cols].reshape(*shape, n)
        return out.reshape(self.size, n)


@dataclass(frozen=True)
class Factorisation:
    """The deal space's templates in groups that share no issue; ``index[k, g]`` is package ``k``'s
    combination in group ``g``."""

    groups: tuple[Group, ...]
    index: np.ndarray  # (K, G)

    @property
    def product(self) -> int:
        """Number of combinations of the groups' combinations (the packages before exclusions)."""
        return int(np.prod([g.size for g in self.groups], dtype=np.int64))


def factorise(space: ExpandedSpace) -> Factorisation:
    """Group the templates by the connected components of the issues they read (union–find over
    issues; templates that read no issue form one group of size 1).

    >>> from zopa.scenario import builtin_path, load_scenario
    >>> f = factorise(expand(load_scenario(builtin_path()).deal_space))
    >>> sorted(g.size for g in f.groups), f.product
    ([9, 35, 576], 181440)
    """
    pos = {issue: j for j, issue in enumerate(space.issue_ids)}
    parent = list(range(len(space.issue_ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for template in space.templates:
        ids = [pos[i] for i in template.issues]
        for j in ids[1:]:
            parent[root(j)] = root(ids[0])
    members: dict[int, list[int]] = {}
    free: list[int] = []
    for t, template in enumerate(space.templates):
        if template.issues:
            members.setdefault(root(pos[template.issues[0]]), []).append(t)
        else:
            free.append(t)
    sizes = space.sizes()
    groups: list[Group] = []
    index: list[np.ndarray] = []
    for r in sorted(members, key=lambda r: min(j for j in range(len(sizes)) if root(j) == r)):
        issues = tuple(j for j in range(len(sizes)) if root(j) == r)
        columns, broadcast = [], []
        for t in members[r]:
            own = [pos[i] for i in space.templates[t].issues]  # the template's order (its mixed radix)
            table = space.template_columns[t].reshape([sizes[j] for j in own])
            order = sorted(range(len(own)), key=lambda x: own[x])  # to the group's (issue_ids) order
            table = np.ascontiguousarray(table.transpose(order))
            columns.append(table.ravel())
            broadcast.append(tuple(sizes[j] if j in own else 1 for j in issues))
        groups.append(Group(issues, tuple(members[r]), tuple(sizes[j] for j in issues), tuple(columns), tuple(broadcast)))
        index.append(np.ravel_multi_index(tuple(space.choices[:, j].astype(np.int64) for j in issues),
                                          tuple(sizes[j] for j in issues)))
    if free:
        groups.append(Group((), tuple(free), (), tuple(space.template_columns[t][:1] for t in free),
                            tuple(() for _ in free)))
        index.append(np.zeros(space.n_packages, dtype=np.int64))
    return Factorisation(tuple(groups), np.stack(index, axis=1) if index else np.zeros((space.n_packages, 0), np.int64))


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
        mean, var, gain_var = _group_moments(C, const, batna, factors)
    else:
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
        if factors is not None and _factorisable(factors):
            utility, utility_se, gain_se = factorised_certainty_equivalents(C, const, batna, cols, a, factors)
        else:
            utility, utility_se, gain_se = _certainty_equivalents(C, const, batna, cols, a)
        batna_u = -float(logsumexp(-a * batna) - np.log(n)) / a
        w = np.exp(-a * (batna - batna_u))
        batna_u_se = float(w.std(ddof=1) / np.sqrt(n) / a)
    return PartyValues(party, mean, se, utility, utility_se, gain_se, batna_u, batna_u_se, batna_package, a, C,
                       const, batna)


def _path_chunk(widths: int) -> int:
    """Paths per chunk so that ``widths`` doubles per path stay within :data:`FACTOR_CELLS`."""
    return max(256, FACTOR_CELLS // max(widths, 1))


def _group_moments(C: np.ndarray, const: np.ndarray, batna: np.ndarray,
                   factors: Factorisation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, variance and variance of the gain over the BATNA of every package, from the groups.

    From the ``(B + 2) × (B + 2)`` covariance ``Σ`` of the basis columns, the constant and the BATNA
    (one BLAS product over the centred paths), the covariance of two groups' values is
    ``Cov(G_g[c], G_h[d]) = Σ_{t ∈ g, u ∈ h} Σ[col_t(c), col_u(d)]``, i.e. ``Mᵀ Σ M`` with ``M`` the
    0/1 matrix of which columns make up each combination; then
    ``Var(V_k) = Σ_{g,h} Cov(G_g[k_g], G_h[k_h])`` (the constant counted with weight 1, the BATNA with
    −1 for the gain): ``(G + 2)(G + 3)/2`` gathers over the packages instead of ``(T + 2)(T + 3)/2``.
    """
    n, B = C.shape
    mu = np.concatenate([C.mean(axis=0), [const.mean(), batna.mean()]])
    centred = np.empty((n, B + 2))
    np.subtract(C, mu[:B], out=centred[:, :B])
    centred[:, B], centred[:, B + 1] = const - mu[B], batna - mu[B + 1]
    cov_b = centred.T @ centred / (n - 1)
    # group combinations and the two extra columns as index lists into the augmented columns
    lists = [g.combination_columns() for g in factors.groups] + [np.array([[B]]), np.array([[B + 1]])]
    offsets = np.concatenate([[0], np.cumsum([x.shape[0] for x in lists])]).astype(np.int64)
    total = int(offsets[-1])
    # M[b, c] counts how often augmented column b enters combination c: the combinations' covariance
    # is Mᵀ Σ M (two small dense products instead of one gather per pair of templates)
    M = np.zeros((B + 2, total))
    for x, lo in zip(lists, offsets[:-1]):
        rows = np.repeat(np.arange(x.shape[0]), x.shape[1]) + lo
        np.add.at(M, (x.ravel(), rows), 1.0)
    cov = M.T @ (cov_b @ M)
    idx = factors.index + offsets[:-3]
    mean = mu[B] + sum(mu[x].sum(axis=1)[factors.index[:, g]] for g, x in enumerate(lists[:-2]))
    return mean, _quadratic(cov, idx, total - 2, None), _quadratic(cov, idx, total - 2, total - 1)


def _quadratic(cov: np.ndarray, cols: np.ndarray, c_idx: int, b_idx: int | None) -> np.ndarray:
    """``sᵀ Σ s`` for every package, with ``s`` = its columns + the constant (− the BATNA column)."""
    idx = np.column_stack([cols, np.full(cols.shape[0], c_idx)])
    weights = np.ones(idx.shape[1])
    if b_idx is not None:
        idx = np.column_stack([idx, np.full(cols.shape[0], b_idx)])
        weights = np.append(weights, -1.0)
    total = np.zeros(cols.shape[0])
    diag = np.diag(cov)
    for i in range(idx.shape[1]):  # a handful of templates or groups: (T+2)(T+3)/2 gathers over all packages
        total += weights[i] ** 2 * diag[idx[:, i]]
        for j in range(i + 1, idx.shape[1]):
            total += 2.0 * weights[i] * weights[j] * cov[idx[:, i], idx[:, j]]
    return total


def _factorisable(factors: Factorisation) -> bool:
    """Whether the factorised pass pays: small group tables, and few excluded combinations."""
    if not factors.groups:
        return False
    largest = max(g.size for g in factors.groups)
    product = factors.product
    return largest <= FACTOR_CELLS // 256 and product <= FACTOR_PRODUCT and product <= FACTOR_WASTE * factors.index.shape[0]


def factorised_certainty_equivalents(C: np.ndarray, const: np.ndarray, batna: np.ndarray, cols: np.ndarray,
                                     a: float, factors: Factorisation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`_certainty_equivalents` computes, without the per-package pass over the paths.

    Per group ``g`` let ``F_g = e^{−a G_g − m_g}`` (``m_g`` each combination's largest exponent over
    the paths, so ``F_g ≤ 1``) and ``F_0 = e^{−a·const − m_0}``. For package ``k`` with combinations
    ``k_g``, ``e^{−aV_{nk}} = e^{s_k} Π_g F_g[n, k_g]`` with ``s_k = m_0 + Σ_g m_g[k_g]``. With ``L`` the
    largest group and ``P`` the Khatri–Rao product of ``F_0`` and the other groups' tables (one column
    per combination of their combinations),

    * ``S_0 = Σ_n Pᵀ F_L`` gives ``CE_k = −(s_k + ln(S_0/N))/a``;
    * ``S_2 = Σ_n (P²)ᵀ F_L²`` and ``S_b = Σ_n (P·w_b)ᵀ F_L`` (``w_b = e^{−a(V_b − CE_b)}`` the BATNA's
      weights) give ``Σ_n w² = N² S_2 / S_0²`` and ``Σ_n w w_b = N S_b / S_0`` for the CE weights
      ``w = N e^{−aV}/Σ e^{−aV}``, hence the same delta-method standard errors.

    Three BLAS products per chunk of paths, in double precision. A package whose ``S_0`` or ``S_2``
    falls below :data:`UNDERFLOW` (exponents far apart across groups) is recomputed directly.
    """
    n, K = C.shape[0], cols.shape[0]
    groups = factors.groups
    # only the combinations some package uses (exclusions inside a group drop the others)
    used = [np.unique(factors.index[:, g]) for g in range(len(groups))]
    local = [np.searchsorted(used[g], factors.index[:, g]) for g in range(len(groups))]
    order = sorted(range(len(groups)), key=lambda g: used[g].size)
    last, rest = order[-1], order[:-1]
    batna_ce = -float(logsumexp(-a * batna) - np.log(n)) / a
    w_batna = np.exp(-a * (batna - batna_ce))
    var_batna = float(w_batna.var(ddof=1))
    # shifts: each column's largest exponent over the paths, summed over a combination's templates
    # (at least its largest exponent, so every factor is at most 1)
    top = (-a * C).max(axis=0)
    m0 = float(np.max(-a * const))
    shift = [g.table(top[:, None])[used[i], 0] for i, g in enumerate(groups)]
    rest_size = int(np.prod([used[g].size for g in rest], dtype=np.int64))
    S0 = np.zeros((rest_size, used[last].size))
    S2 = np.zeros_like(S0)
    Sb = np.zeros_like(S0)
    step = _path_chunk(2 * rest_size + 2 * groups[last].size + C.shape[1])
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        rows = np.ascontiguousarray(C[lo:hi].T)  # (B, n): paths last
        P = np.exp(-a * const[lo:hi] - m0)[None, :]
        for g in rest:
            F = np.exp(-a * groups[g].table(rows)[used[g]] - shift[g][:, None])
            P = (P[:, None, :] * F[None, :, :]).reshape(-1, hi - lo)
        FL = np.exp(-a * groups[last].table(rows)[used[last]] - shift[last][:, None])
        S0 += P @ FL.T
        S2 += np.square(P) @ np.square(FL).T
        Sb += (P * w_batna[lo:hi]) @ FL.T
    flat = np.zeros(K, dtype=np.int64)
    for g in rest:
        flat = flat * used[g].size + local[g]
    flat = flat * used[last].size + local[last]
    s0, s2, sb = S0.ravel()[flat], S2.ravel()[flat], Sb.ravel()[flat]
    s = m0 + sum(shift[g][local[g]] for g in range(len(groups)))
    bad = ~((s0 > UNDERFLOW) & (s2 > UNDERFLOW) & np.isfinite(s0) & np.isfinite(s2))
    s0, s2 = np.where(bad, 1.0, s0), np.where(bad, 1.0, s2)
    ce = -(s + np.log(s0 / n)) / a
    var_w = (n * n * s2 / np.square(s0) - n) / (n - 1)
    cov = (n * sb / s0 - n) / (n - 1)
    ce_se = np.sqrt(np.maximum(var_w, 0.0) / n) / a
    gain_se = np.sqrt(np.maximum(var_batna + var_w - 2 * cov, 0.0) / n) / a
    if bad.any():
        redo = np.flatnonzero(bad)
        ce[redo], ce_se[redo], gain_se[redo] = _certainty_equivalents(C, const, batna, cols[redo], a)
    return ce, ce_se, gain_se


def _certainty_equivalents(C: np.ndarray, const: np.ndarray, batna: np.ndarray, cols: np.ndarray,
                           a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CARA certainty equivalents of every package, their SEs, and the SEs of CE gains over the
    BATNA, in package chunks (the direct method: per-path package values).

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
