"""Moments and certainty equivalents of every package of a deal space from its basis columns.

With ``C`` the ``(N × B)`` per-path basis columns of one party (:mod:`zopa.basis`), a package is a
selection of columns; its value on path ``n`` is ``const_n + Σ_j C[n, s_j]``.

* Means and standard errors need only column means and the covariance of the columns:
  ``Var(V_k) = s_kᵀ Σ s_k`` (:func:`covariance_quadratic`), or per group of templates that share
  issues (:func:`group_moments`). The same holds for a package's gain over the BATNA, whose per-path
  value is one more column.
* A risk-averse party's certainty equivalent ``−ln E[e^{−aV}]/a`` needs sums over paths of
  products, not sums, of the columns. Templates that read no issue in common fall into separate
  *groups* (the connected components of the issue–template graph, :func:`factorise`); with ``G_g``
  the per-path value of group ``g``'s templates for each combination of its issues,
  ``e^{−aV_k} = e^{−a·const}·Π_g e^{−a G_g[k_g]}``, so ``Σ_n e^{−aV_{nk}}`` over the whole product
  of the groups' combinations is a Khatri–Rao product of all groups but the largest times the
  largest (one BLAS product per chunk of paths, in double precision): exact, and ``N·Π S_g``
  multiply-adds instead of one exponential per package and path
  (:func:`factorised_certainty_equivalents`). A deal space whose issues are all linked falls back to
  forming the per-path package values in package chunks (:func:`direct_certainty_equivalents`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from zopa.dealspace import ExpandedSpace

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

    >>> from zopa.dealspace import expand
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


def _path_chunk(widths: int) -> int:
    """Paths per chunk so that ``widths`` doubles per path stay within :data:`FACTOR_CELLS`."""
    return max(256, FACTOR_CELLS // max(widths, 1))


def group_moments(C: np.ndarray, const: np.ndarray, batna: np.ndarray,
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
    return mean, covariance_quadratic(cov, idx, total - 2, None), covariance_quadratic(cov, idx, total - 2, total - 1)


def covariance_quadratic(cov: np.ndarray, cols: np.ndarray, c_idx: int, b_idx: int | None) -> np.ndarray:
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


def factorisable(factors: Factorisation) -> bool:
    """Whether the factorised pass pays: small group tables, and few excluded combinations."""
    if not factors.groups:
        return False
    largest = max(g.size for g in factors.groups)
    product = factors.product
    return largest <= FACTOR_CELLS // 256 and product <= FACTOR_PRODUCT and product <= FACTOR_WASTE * factors.index.shape[0]


def factorised_certainty_equivalents(C: np.ndarray, const: np.ndarray, batna: np.ndarray, cols: np.ndarray,
                                     a: float, factors: Factorisation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`direct_certainty_equivalents` computes, without the per-package pass over the paths.

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
        ce[redo], ce_se[redo], gain_se[redo] = direct_certainty_equivalents(C, const, batna, cols[redo], a)
    return ce, ce_se, gain_se


def direct_certainty_equivalents(C: np.ndarray, const: np.ndarray, batna: np.ndarray, cols: np.ndarray,
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
