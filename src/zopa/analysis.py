"""Bargaining analysis of a deal space: BATNAs, the ZOPA, bargaining solutions and deadline bargaining,
with Monte Carlo error bars, for a scenario or for a GENIUS domain.

The input is a :class:`DealProblem`: both parties' utilities of K packages (USD bn of present value,
or GENIUS's [0, 1] scale), their disagreement values (BATNAs), optional standard errors and the
issue choices behind each package. :func:`analyze_problem` works on that alone;
:func:`analyze_scenario` and :func:`analyze_genius` build it.

Noise. A package is *robustly* in the ZOPA when both sides' gains over their BATNAs exceed two
standard errors (paired over paths); the ZOPA's existence is *within noise* when packages are in it
but none robustly, or when none is in it but some miss by less than two standard errors. Every such
decision goes through :func:`zopa.bargain.noise.clear_of_noise` (``x > NOISE_Z · se``).

Risk. A risk-averse (CARA) party's utilities are certainty equivalents (USD bn). The Nash and
patience-weighted Nash solutions maximise the product of *expected-utility* gains
``u(CE_k) − u(CE_batna)`` with ``u(c) = (1 − e^{−ac})/a`` (Nash 1950 is stated on von Neumann–Morgenstern
utilities; :mod:`zopa.bargain.utility`); Kalai–Smorodinsky, egalitarian and utilitarian stay on the
dollar certainty equivalents. Risk-neutral parties: both readings coincide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from zopa.bargain import (
    pareto_frontier,
    solve_all,
    summarize_zopa,
    zopa_mask,
)
from zopa.bargain.noise import NOISE_Z, clear_of_noise
from zopa.bargain.region import ZopaSummary
from zopa.bargain.stability import NashStability, nash_stability
from zopa.bargain.scenario import DeadlineBargaining, deadline_bargaining
from zopa.numbers import num, pm

@dataclass(frozen=True)
class IssueSpec:
    """An issue as the analysis needs it: id, label and option labels."""

    id: str
    label: str
    options: tuple[str, ...]
    ordered: bool = False  # a gridded range: its first and last options are the edges of what was explored


@dataclass(frozen=True)
class DealProblem:
    """Utilities of K packages to two parties, their BATNAs, and (optionally) error bars and choices."""

    parties: tuple[str, str]
    names: tuple[str, str]
    utility: np.ndarray  # (2, K)
    batna: tuple[float, float]
    batna_label: tuple[str, str] = ("BATNA", "BATNA")
    utility_se: np.ndarray | None = None  # (2, K)
    gain_se: np.ndarray | None = None  # (2, K): SE of utility − BATNA, paired
    batna_se: tuple[float, float] = (0.0, 0.0)
    choices: np.ndarray | None = None  # (K, n_issues) option index per package
    issues: tuple[IssueSpec, ...] = ()
    unit: str = "USD bn"
    labels: tuple[str, ...] = ()  # package names, when packages are named rather than built from issues
    risk_aversion: tuple[float | None, float | None] = (None, None)  # CARA a per unit; None: risk neutral
    inside: tuple[float, float] | None = None  # the status quo's utilities (the inside option), when a BATNA is an outside option

    @property
    def n_packages(self) -> int:
        return int(self.utility.shape[1])

    def describe(self, k: int) -> dict[str, str]:
        if self.choices is None:
            return {"package": self.labels[k] if k < len(self.labels) else str(k)}
        return {i.label or i.id: i.options[int(j)] for i, j in zip(self.issues, self.choices[k])}


@dataclass(frozen=True)
class SolutionPoint:
    """One bargaining solution: its package, each side's utility and gain over its BATNA (± SE)."""

    name: str
    package: int
    choices: dict[str, str]
    utility: tuple[float, float]
    utility_se: tuple[float, float]
    gain: tuple[float, float]
    gain_se: tuple[float, float]

    @property
    def within_noise(self) -> bool:
        """Whether either side's gain is not clear of the noise (``NOISE_Z`` standard errors)."""
        return any(not clear_of_noise(g, s) for g, s in zip(self.gain, self.gain_se) if s > 0)


@dataclass(frozen=True)
class IssueRange:
    """Which options of an issue occur inside the ZOPA."""

    issue: IssueSpec
    in_zopa: tuple[str, ...]

    @property
    def status(self) -> str:
        """``free`` (every option possible), ``fixed`` (one option) or ``limited``."""
        n = len(self.in_zopa)
        return "free" if n == len(self.issue.options) else "fixed" if n == 1 else "none" if n == 0 else "limited"


@dataclass(frozen=True)
class GapCloser:
    """When there is no ZOPA: the closest package, and the issue whose choice matters most for the gap.

    For each issue, ``m(o)`` is the smallest total shortfall over packages with that issue at option
    ``o``; the issue with the widest spread ``max m − min m`` is reported, with its best option
    (``option``) and ``shortfall_after`` = the smallest shortfall left if it were held at its *worst*
    option instead: how much closing the gap depends on getting that issue right."""

    shortfall: float
    package: int
    choices: dict[str, str]
    issue: str | None
    option: str | None
    shortfall_after: float | None


@dataclass(frozen=True)
class Analysis:
    problem: DealProblem
    zopa: ZopaSummary
    robust_count: int
    near_count: int  # packages missing the ZOPA by less than the noise
    solutions: dict[str, SolutionPoint | None]
    frontier: np.ndarray
    issue_ranges: tuple[IssueRange, ...]
    deadline: DeadlineBargaining | None
    gap: GapCloser | None
    notes: tuple[str, ...] = field(default_factory=tuple)
    stability: NashStability | None = None  # bootstrap stability of the Nash package (deal spaces)

    @property
    def existence_within_noise(self) -> bool:
        if self.zopa.exists:
            return self.robust_count == 0
        return self.near_count > 0

    def verdict(self) -> list[str]:
        """The answer in plain words."""
        p = self.problem
        unit = p.unit
        lines = []
        if self.zopa.exists:
            lines.append(
                f"A ZOPA exists: {self.zopa.count:,} of {p.n_packages:,} packages{' of the deal space' if p.choices is not None else ''} leave both sides better off than "
                f"walking away" + (f" ({self.robust_count:,} by more than {NOISE_Z:g} standard errors)."
                                    if self.problem.gain_se is not None else ".")
            )
            lines.append(
                f"Its width: up to {num(self.zopa.width_1)} {unit} of gain for {p.names[0]} and up to "
                f"{num(self.zopa.width_2)} {unit} for {p.names[1]}."
            )
            if self.existence_within_noise:
                lines.append("But no package clears both BATNAs by more than the Monte Carlo noise: "
                             "run more paths before concluding that a deal is possible.")
        else:
            scope = "package of the deal space" if self.problem.choices is not None else "named package"
            lines.append(f"No ZOPA: no {scope} is at least as good as walking away for both sides; the closest misses "
                         f"by {num(self.zopa.shortfall)} {unit} in total.")
            if self.existence_within_noise:
                lines.append(f"{self.near_count:,} packages miss by less than the Monte Carlo noise: the absence of a "
                             "ZOPA is not certain.")
            if self.gap is not None and self.gap.issue is not None and self.gap.shortfall_after is not None:
                lines.append(f"The issue that matters most for closing the gap: {self.gap.issue} — at its best option "
                             f"({self.gap.option}) the gap is {num(self.gap.shortfall)} {unit}; held at its worst option "
                             f"it is at least {num(self.gap.shortfall_after)}.")
        nash = self.solutions.get("nash")
        if nash is not None:
            lines.append(
                f"Nash bargaining predicts: {', '.join(f'{k}: {v}' for k, v in nash.choices.items())} — "
                f"{p.names[0]} gains {pm(nash.gain[0], nash.gain_se[0], signed=True)}, {p.names[1]} gains "
                f"{pm(nash.gain[1], nash.gain_se[1], signed=True)} {unit} over walking away."
            )
            averse = [n for n, a in zip(p.names, p.risk_aversion) if a]
            if averse:
                lines.append(f"(Nash bargaining on expected utilities: {' and '.join(averse)} "
                             f"{'is' if len(averse) == 1 else 'are'} risk averse.)")
        st = self.stability
        if nash is not None and st is not None and st.package == nash.package:
            line = (f"Resampling the Monte Carlo paths ({st.n_boot} bootstrap resamples), this package stays the "
                    f"Nash solution in {st.share:.0%} of them")
            if st.alternatives:
                k, share = st.alternatives[0]
                mine, other = p.describe(nash.package), p.describe(k)
                diff = [f"{key}: {value}" for key, value in other.items() if mine.get(key) != value]
                line += f"; the most frequent alternative ({share:.0%}) differs in {', '.join(diff) or 'nothing'}"
            lines.append(line + ".")
        return lines + list(self.notes)


def analyze_problem(problem: DealProblem, deadline: DeadlineBargaining | None = None) -> Analysis:
    """Run the whole bargaining analysis on a :class:`DealProblem`.

    Nash and weighted Nash maximise ``Π (u_i(U_i − d_i))^{w_i}`` with ``u_i`` the CARA utility of
    ``problem.risk_aversion[i]`` (identity when risk neutral; the CARA translation property
    ``u(d + g) − u(d) = e^{−ad} u(g)`` makes the gain in dollars enough); Kalai–Smorodinsky, egalitarian
    and utilitarian work on the dollar values ``U`` (certainty equivalents). Robust / near counts use
    :func:`clear_of_noise` on the paired gain SEs.

    >>> p = DealProblem(("a", "b"), ("A", "B"), np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), (0.0, 0.0),
    ...                 risk_aversion=(2.0, None))
    >>> analyze_problem(p).solutions["nash"].package  # a cautious side 1 settles for less
    0
    >>> analyze_problem(dataclasses.replace(p, risk_aversion=(None, None))).solutions["nash"].package
    1
    """
    u1, u2 = problem.utility
    d1, d2 = problem.batna
    zopa = summarize_zopa(u1, u2, d1, d2)
    gain = problem.utility - np.asarray(problem.batna)[:, None]
    in_zopa = zopa_mask(u1, u2, d1, d2)
    if problem.gain_se is None:  # exact utilities: no noise
        robust, near = int(in_zopa.sum()), 0
    else:
        gse = problem.gain_se
        robust = int(np.sum(np.all(clear_of_noise(gain, gse), axis=0)))
        near = int(np.sum(~in_zopa & ~np.any(clear_of_noise(-gain, gse), axis=0)))  # short by less than noise
    indices = solve_all(u1, u2, d1, d2, nash_weight=deadline.nash_weight if deadline else None,
                        risk_aversion=problem.risk_aversion)
    names = {"nash": "Nash", "kalai_smorodinsky": "Kalai–Smorodinsky", "egalitarian": "egalitarian",
             "utilitarian": "utilitarian (max joint value)", "weighted_nash": "patience-weighted Nash"}
    solutions = {key: (None if k is None else _point(problem, names.get(key, key), k)) for key, k in indices.items()}
    ranges = _issue_ranges(problem, in_zopa)
    gap = None if zopa.exists else _gap_closer(problem, zopa)
    return Analysis(problem, zopa, robust, near, solutions, pareto_frontier(u1, u2), ranges, deadline, gap,
                    _edge_notes(problem, solutions))


def _edge_notes(problem: DealProblem, solutions: dict[str, SolutionPoint | None]) -> tuple[str, ...]:
    """Warn when a solution sits at the end of a gridded range: the answer may lie beyond it."""
    notes = []
    if problem.choices is None:
        return ()
    for key in ("nash", "weighted_nash"):
        point = solutions.get(key)
        if point is None:
            continue
        for pos, issue in enumerate(problem.issues):
            if not issue.ordered:
                continue
            j = int(problem.choices[point.package, pos])
            if j in (0, len(issue.options) - 1):
                end = "lower" if j == 0 else "upper"
                notes.append(f"The {point.name} solution puts {issue.label or issue.id} at the {end} end of the range "
                             f"explored ({issue.options[j]}); the settlement may lie beyond it — widen the range to see.")
    return tuple(notes)


def _point(problem: DealProblem, name: str, k: int) -> SolutionPoint:
    use = problem.utility[:, k]
    se = problem.utility_se[:, k] if problem.utility_se is not None else np.zeros(2)
    gse = problem.gain_se[:, k] if problem.gain_se is not None else np.zeros(2)
    gain = use - np.asarray(problem.batna)
    return SolutionPoint(name, int(k), problem.describe(int(k)), (float(use[0]), float(use[1])),
                         (float(se[0]), float(se[1])), (float(gain[0]), float(gain[1])), (float(gse[0]), float(gse[1])))


def _issue_ranges(problem: DealProblem, in_zopa: np.ndarray) -> tuple[IssueRange, ...]:
    if problem.choices is None:
        return ()
    out = []
    for j, issue in enumerate(problem.issues):
        present = np.unique(problem.choices[in_zopa, j]) if in_zopa.any() else np.array([], dtype=int)
        out.append(IssueRange(issue, tuple(issue.options[int(i)] for i in present)))
    return tuple(out)


def _gap_closer(problem: DealProblem, zopa: ZopaSummary) -> GapCloser | None:
    if zopa.shortfall_index is None:
        return None
    k = zopa.shortfall_index
    u1, u2 = problem.utility
    d1, d2 = problem.batna
    shortfall = np.maximum(d1 - u1, 0.0) + np.maximum(d2 - u2, 0.0)
    if problem.choices is None:
        return GapCloser(float(zopa.shortfall), k, problem.describe(k), None, None, None)
    best_issue = best_option = None
    best_after = None
    widest = 0.0
    for pos, issue in enumerate(problem.issues):  # a few issues, vectorised over packages
        per_option = np.full(len(issue.options), np.inf)
        np.minimum.at(per_option, problem.choices[:, pos], shortfall)
        finite = per_option[np.isfinite(per_option)]
        if finite.size > 1 and finite.max() - finite.min() > widest:
            widest = float(finite.max() - finite.min())
            best_issue, best_option = issue.label or issue.id, issue.options[int(np.argmin(per_option))]
            best_after = float(finite.max())
    return GapCloser(float(zopa.shortfall), k, problem.describe(k), best_issue, best_option, best_after)


# --- scenarios --------------------------------------------------------------------------------------


def problem_from_space(space_valuation: Any) -> DealProblem:
    """A :class:`DealProblem` from a valued deal space (:func:`zopa.basis.value_space`)."""
    s = space_valuation.scenario
    p1, p2 = s.party_ids
    pv1, pv2 = space_valuation.parties[p1], space_valuation.parties[p2]
    ex = space_valuation.space
    issues = tuple(IssueSpec(i, ex.space.issues[i].label or i,
                             tuple(ex.space.issues[i].option_label(j) for j in range(len(ex.space.issues[i].options))),
                             ordered=ex.space.issues[i].range is not None)
                   for i in ex.issue_ids)
    return DealProblem(
        parties=(p1, p2), names=(s.parties[p1].name, s.parties[p2].name),
        utility=np.vstack([pv1.utility, pv2.utility]), batna=(pv1.batna, pv2.batna),
        batna_label=(pv1.batna_package, pv2.batna_package),
        utility_se=np.vstack([pv1.utility_se, pv2.utility_se]), gain_se=np.vstack([pv1.gain_se, pv2.gain_se]),
        batna_se=(pv1.batna_se, pv2.batna_se), choices=ex.choices, issues=issues,
        risk_aversion=(pv1.risk_aversion or None, pv2.risk_aversion or None),
        inside=(pv1.inside, pv2.inside) if pv1.inside is not None and pv2.inside is not None else None,
        unit=_unit(s),
    )


def problem_from_packages(valuation: Any) -> DealProblem:
    """A :class:`DealProblem` over a scenario's named packages (for scenarios without a deal space):
    the status quo is the BATNA, the other packages are the options."""
    s = valuation.scenario
    p1, p2 = s.party_ids
    sq = s.meta.status_quo
    packages = [p for p in valuation.packages if p != sq]
    if not packages:
        raise ValueError("the scenario has only the status quo: add packages or a [deal_space] to analyse")
    est = {p: [valuation.estimate(pkg, p) for pkg in packages] for p in (p1, p2)}
    gains = {p: [valuation.difference(p, pkg, sq) for pkg in packages] for p in (p1, p2)}
    batna = {p: valuation.estimate(sq, p) for p in (p1, p2)}

    def gse(d: Any) -> float:
        return d.ce_se if d.ce_se is not None else d.se

    return DealProblem(
        parties=(p1, p2), names=(s.parties[p1].name, s.parties[p2].name),
        utility=np.array([[e.value for e in est[p]] for p in (p1, p2)]),
        batna=(batna[p1].value, batna[p2].value), batna_label=(sq, sq),
        utility_se=np.array([[e.value_se for e in est[p]] for p in (p1, p2)]),
        gain_se=np.array([[gse(d) for d in gains[p]] for p in (p1, p2)]),
        batna_se=(batna[p1].value_se, batna[p2].value_se),
        labels=tuple(s.packages[pkg].label for pkg in packages),
        risk_aversion=(valuation.risk_aversion(p1) or None, valuation.risk_aversion(p2) or None),
        unit=_unit(s),
    )


def _unit(scenario: Any) -> str:
    """The scenario's money unit in its short form (``"USD m"``), for the verdict's sentences."""
    from zopa.units import parse_unit

    return parse_unit(scenario.meta.unit).short


def analyze_scenario(scenario: Any, n_paths: int = 5_000, seed: int = 0,
                     progress: Callable[[int, int], None] | None = None, deadline_loss: float | None = None,
                     stability_boot: int = 200, *, valuation: Any = None, space_valuation: Any = None,
                     cache: Any = None, helper: Any = None) -> tuple[Analysis, Any]:
    """Value the scenario's deal space and analyse it; returns the analysis and the space valuation.
    Without a deal space, the named packages are the options (and the valuation is returned).

    ``deadline_loss`` (USD bn of joint surplus lost if the deadline passes) goes to
    :func:`deadline_bargaining`; by default the joint restructuring premium
    (:func:`zopa.restructuring.deadline_loss`, on the same paths). With a deal space, ``Analysis.stability`` is the bootstrap stability
    of the Nash package over ``stability_boot`` resamples of the paths (0: skip).

    Values already computed are used instead of computing them again: ``space_valuation`` (a
    :class:`~zopa.basis.SpaceValuation` of this scenario), ``valuation`` (the named packages on
    ``n_paths`` paths with ``seed``: the options when there is no deal space, the BATNAs when there
    is one), and ``cache`` (a :class:`zopa.cache.Cache`) for whatever is still missing; ``helper`` (a
    :class:`zopa.workers.Helper`) values one party's deal-space columns beside the other's."""
    from zopa.workers import serial_blas

    with serial_blas():  # the same floating-point sums whatever the number of cores
        return _analyze_scenario(scenario, n_paths, seed, progress, deadline_loss, stability_boot, valuation,
                                 space_valuation, cache, helper)


def _analyze_scenario(scenario: Any, n_paths: int, seed: int, progress: Callable[[int, int], None] | None,
                      deadline_loss: float | None, stability_boot: int, valuation: Any, space_valuation: Any,
                      cache: Any, helper: Any = None) -> tuple[Analysis, Any]:
    from zopa.basis import value_space
    from zopa.restructuring import deadline_loss as joint_loss

    if deadline_loss is None:
        deadline_loss = joint_loss(scenario, n_paths, seed) if scenario.bargaining is not None else 0.0
    same_paths = valuation is not None and valuation.n_paths == n_paths and valuation.seed == seed
    if scenario.deal_space is None:
        if not same_paths or set(valuation.packages) != set(scenario.packages):
            from zopa.value import value_scenario

            valuation = (cache.valuation(scenario, n_paths, seed, progress=progress) if cache is not None
                         else value_scenario(scenario, n_paths, seed, progress=progress))
        problem = problem_from_packages(valuation)
        first = analyze_problem(problem)
        util = first.solutions.get("utilitarian")
        deadline = deadline_bargaining(scenario, sum(util.gain) if util is not None else 0.0, deadline_loss)
        return (analyze_problem(problem, deadline) if deadline else first), None
    sv = space_valuation
    if sv is None:
        reuse = valuation if same_paths else None
        sv = (cache.space(scenario, n_paths, seed, valuation=reuse, progress=progress, helper=helper)
              if cache is not None else value_space(scenario, n_paths, seed, progress=progress, valuation=reuse,
                                                    helper=helper))
    n_paths = sv.n_paths
    problem = problem_from_space(sv)
    first = analyze_problem(problem)
    util = first.solutions.get("utilitarian")
    surplus = sum(util.gain) if util is not None else 0.0
    deadline = deadline_bargaining(scenario, surplus, deadline_loss)
    analysis = analyze_problem(problem, deadline) if deadline else first
    if stability_boot > 0 and n_paths > 1:
        stability = nash_stability(sv, problem, n_boot=stability_boot, seed=seed)
        analysis = dataclasses.replace(analysis, stability=stability)
    return analysis, sv


def analyze_genius(domain: Any) -> Analysis:
    """Analyse a GENIUS domain: utilities on GENIUS's [0, 1] scale, reservation values as BATNAs."""
    from zopa.genius import utilities

    u_a, u_b = utilities(domain)
    names = tuple(domain.parties)
    grids = np.stack(np.unravel_index(np.arange(u_a.size), domain.shape), axis=1)
    issues = tuple(IssueSpec(name, name, tuple(str(v) for v in values)) for name, values in zip(domain.issues, domain.values))
    problem = DealProblem(parties=names, names=names, utility=np.vstack([u_a, u_b]),
                          batna=(float(domain.reservation_values[0]), float(domain.reservation_values[1])),
                          batna_label=("reservation", "reservation"),
                          choices=grids, issues=issues, unit="utility")
    return analyze_problem(problem)


def today() -> str:
    return dt.date.today().isoformat()
