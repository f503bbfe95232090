"""Nash's variable-threat game (:mod:`zopa.threats.variable`) on a scenario's ``[threats]``.

Threat sets.  Each party's threats are ``"no threat"`` and the moves it declares
(``threats.moves.*.by``), so both sides may threaten.  Rows are the first party's threats,
columns the second's (``scenario.party_ids`` order).

Threat outcomes (USD bn of present value, each side under its own beliefs).  With ``V_q(k)``
party ``q``'s value of package ``k`` (its certainty equivalent when risk averse) and ``p_q(m)``
its own success probability for move ``m``, a carried-out move is worth to ``q``

    E_q(m) = p_q(m) V_q(success_m) + (1 - p_q(m)) V_q(failure_m) - [q = mover] cost_m,

the same figures the sequential game's chance node uses (:mod:`zopa.threats.scenario`; the
court response is left to that game).  "No threat" is the status quo ``sq``.  When both sides
carry out a move their effects, each measured against the status quo, add up (an assumption —
the scenario has no package for the joint outcome):

    d_q(m1, m2) = V_q(sq) + [E_q(m1) - V_q(sq)] + [E_q(m2) - V_q(sq)],

so ``d(no threat, no threat)`` is the plain BATNA ``V(sq)``.  Under this rule ``d1 - d2`` is a row
effect plus a column effect, so each side has a dominant threat (the one that most raises its
own ``d`` less the other's) and the TU game has a pure saddle point; mixed threats need a
non-additive outcome matrix (:func:`~zopa.threats.variable.tu_threat_solution` takes any).  Every ``d_q`` is a linear
combination ``sum_k W_k V_q(k) - c`` of package values on the valuation's common paths, so its
standard error and that of its *shift* ``d_q - V_q(sq)`` are paired:
``sd(sum_k W_k psi_qk)/sqrt(N)`` and ``sd(sum_k W_k psi_qk - psi_q,sq)/sqrt(N)`` with the
per-path influence values ``psi`` of :mod:`zopa.threats.paths` (the threat probabilities, costs
and optimal strategies are treated as fixed).

Settlement (Nash 1953).  Threats are carried out only if bargaining fails, so the settlement
carries no threat costs.  With a :class:`~zopa.analysis.DealProblem` the NBS is taken over its
packages for every threat pair (on expected-utility gains for the CARA parties the problem
declares, as :func:`zopa.analysis.analyze_problem` does), and the pure equilibria of the resulting bimatrix game are
reported (:func:`~zopa.threats.variable.finite_threat_solution`); with or without one, the TU
answer on the frontier ``u1 + u2 = S`` through the best joint-value package is given:
``u1 = (S + d1 - d2)/2`` at the optimal threats.  Its standard error is paired when ``S`` comes
from the valuation; with a problem (whose packages have no per-path values here) it is the
bound ``se(a + b) <= se(a) + se(b)``, which holds whatever the correlation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from zopa.results import Measure, PartyValue, Provenance, measure_of, per_party
from zopa.threats.paths import package_influence, paired_se, quantity_mean
from zopa.threats.variable import (
    NO_THREAT,
    RiskAversion,
    FiniteThreatSolution,
    TUThreatSolution,
    finite_threat_solution,
    tu_threat_solution,
)

__all__ = ["VariableThreatAnalysis", "analyze_variable_threats", "threat_sets", "variable_threat_packages"]


@dataclass(frozen=True)
class Equilibrium:
    """A pure equilibrium of the finite threat game: the threats, the settlement and its payoffs."""

    threats: tuple[str, str]
    package: int | None  # index into the problem's packages; None: no package beats the threat point
    terms: dict[str, str]
    payoff: tuple[float, float]
    payoff_se: tuple[float, float]


@dataclass(frozen=True)
class VariableThreatAnalysis:
    """Nash's variable-threat game on a scenario (module docstring); arrays in ``parties`` order.

    ``threat_point[q, i, j]`` is ``d_q`` for row threat ``i`` and column threat ``j``;
    ``threat_point_se`` its standard error, ``shift_se`` the paired standard error of
    ``d_q - batna_q``.  ``point``/``point_se``/``point_shift_se`` are the same at the TU-optimal
    threats (mixed: the expectation), ``settlement``/``settlement_se`` the TU settlement,
    ``joint_package`` the package whose joint value is ``S``.  ``finite`` and ``equilibria``:
    the game over ``problem``'s packages, when one was given.  ``measures``: whether each side's
    values are certainty equivalents or means; the ``*_values`` properties give the same figures
    as per-party values.  ``provenance``: the valuation's seed and paths behind them.
    """

    parties: tuple[str, str]
    threats: tuple[tuple[str, ...], tuple[str, ...]]
    labels: dict[str, str]
    batna: np.ndarray
    batna_se: np.ndarray
    threat_point: np.ndarray
    threat_point_se: np.ndarray
    shift_se: np.ndarray
    tu: TUThreatSolution
    joint_package: str
    point: np.ndarray
    point_se: np.ndarray
    point_shift_se: np.ndarray
    settlement: np.ndarray
    settlement_se: np.ndarray
    settlement_paired: bool
    finite: FiniteThreatSolution | None = None
    equilibria: tuple[Equilibrium, ...] = ()
    notes: tuple[str, ...] = ()
    measures: tuple[Measure, Measure] = ("mean", "mean")
    provenance: Provenance | None = None

    def _values(self, value: np.ndarray, se: np.ndarray) -> dict[str, PartyValue]:
        return per_party(self.parties, value, se, self.measures)

    @property
    def batna_values(self) -> dict[str, PartyValue]:
        """Each side's value of the status quo (its BATNA here), paired SE."""
        return self._values(self.batna, self.batna_se)

    @property
    def point_values(self) -> dict[str, PartyValue]:
        """The threat point at the TU-optimal threats."""
        return self._values(self.point, self.point_se)

    @property
    def point_shift_values(self) -> dict[str, PartyValue]:
        """``d_q - V_q(status quo)`` at the TU-optimal threats, paired SE."""
        return self._values(self.point_shift, self.point_shift_se)

    @property
    def settlement_values(self) -> dict[str, PartyValue]:
        """The TU settlement on the frontier through :attr:`joint_package`."""
        return self._values(self.settlement, self.settlement_se)

    def equilibrium_values(self, equilibrium: Equilibrium) -> dict[str, PartyValue]:
        """An equilibrium's payoffs as per-party values."""
        return self._values(np.asarray(equilibrium.payoff), np.asarray(equilibrium.payoff_se))

    @property
    def shift(self) -> np.ndarray:
        """``d_q(i, j) - V_q(status quo)``: how each threat pair moves the disagreement point."""
        return self.threat_point - self.batna[:, None, None]

    @property
    def point_shift(self) -> np.ndarray:
        return self.point - self.batna

    def strategies(self) -> dict[str, dict[str, float]]:
        """Each party's optimal threats under TU: threat -> probability (pure: one entry of 1)."""
        mixes = (self.tu.game.row, self.tu.game.column)
        return {p: {t: float(x) for t, x in zip(names, mix, strict=True) if x > 1e-9}
                for p, names, mix in zip(self.parties, self.threats, mixes, strict=True)}

    def lines(self, names: dict[str, str] | None = None, unit: str = "USD bn") -> list[str]:
        """The answer in plain words."""
        names = names or {}
        n = [names.get(p, p) for p in self.parties]
        moves = self.strategies()
        chosen = "; ".join(f"{names.get(p, p)}: " + ", ".join(
            self.labels.get(t, t) + ("" if x == 1.0 else f" ({x:.0%})") for t, x in mix.items())
            for p, mix in moves.items())
        out = [f"Optimal threats (Nash's variable-threat game, transferable utility): {chosen}.",
               "Threat point: " + ", ".join(
                   f"{n[q]} {self.point[q]:,.2f} ± {self.point_se[q]:,.2f} ({self.point_shift[q]:+,.2f} "
                   f"± {self.point_shift_se[q]:,.2f} against the status quo, paired)" for q in range(2)) + f" {unit}.",
               f"Settlement on the frontier through {self.joint_package} (joint value {self.tu.joint:,.2f}): "
               + ", ".join(f"{n[q]} {self.settlement[q]:,.2f} ± {self.settlement_se[q]:,.2f}" for q in range(2))
               + f" {unit}."]
        if self.finite is not None:
            if not self.equilibria:
                out.append("Over the deal's packages the threat game has no pure-strategy equilibrium.")
            for e in self.equilibria:
                what = "; ".join(f"{k}: {v}" for k, v in e.terms.items()) if e.package is not None else "no deal"
                out.append(f"Equilibrium over the deal's packages: {n[0]} {self.labels.get(e.threats[0], e.threats[0])}, "
                           f"{n[1]} {self.labels.get(e.threats[1], e.threats[1])} → {what}: "
                           + ", ".join(f"{n[q]} {e.payoff[q]:,.2f} ± {e.payoff_se[q]:,.2f}" for q in range(2)) + ".")
        return out + list(self.notes)


def threat_sets(scenario: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each party's threats, ``"no threat"`` first, then its moves in declaration order."""
    moves = scenario.threats.moves
    p1, p2 = scenario.party_ids
    return tuple((NO_THREAT, *(name for name, m in moves.items() if m.by == p)) for p in (p1, p2))  # type: ignore[return-value]


def variable_threat_packages(scenario: Any) -> list[str]:
    """The packages the variable-threat game's outcomes are made of."""
    names = {scenario.meta.status_quo}
    for move in scenario.threats.moves.values():
        names |= {move.if_success, move.if_failure}
    return sorted(names)


def _lottery(scenario: Any, index: dict[str, int], threat: str, party: str) -> tuple[np.ndarray, float]:
    """Weights over packages of one carried-out threat to ``party`` (own odds) and its cost to it."""
    weights = np.zeros(len(index))
    if threat == NO_THREAT:
        weights[index[scenario.meta.status_quo]] = 1.0
        return weights, 0.0
    move = scenario.threats.moves[threat]
    p = quantity_mean(move.success, party)
    weights[index[move.if_success]] += p
    weights[index[move.if_failure]] += 1.0 - p
    return weights, quantity_mean(move.cost, move.by) if move.by == party else 0.0


def _pair_weights(scenario: Any, index: dict[str, int], threats: tuple[tuple[str, ...], tuple[str, ...]],
                  party: str) -> tuple[np.ndarray, np.ndarray]:
    """``W[i, j, k]`` and ``c[i, j]``: ``d(i, j) = W[i, j] . V - c[i, j]`` (additive effects)."""
    rows = [_lottery(scenario, index, t, party) for t in threats[0]]
    cols = [_lottery(scenario, index, t, party) for t in threats[1]]
    sq = np.zeros(len(index))
    sq[index[scenario.meta.status_quo]] = 1.0
    w = np.stack([r for r, _ in rows])[:, None, :] + np.stack([c for c, _ in cols])[None, :, :] - sq
    cost = np.array([c for _, c in rows])[:, None] + np.array([c for _, c in cols])[None, :]
    return w, cost


def analyze_variable_threats(scenario: Any, valuation: Any, problem: Any = None, weight: float = 0.5) -> VariableThreatAnalysis:
    """Solve Nash's variable-threat game on ``scenario`` with values from ``valuation`` (which must
    cover :func:`variable_threat_packages`); see the module docstring.

    ``problem``: a :class:`~zopa.analysis.DealProblem` to settle on (its packages, NBS per threat
    pair); without it the settlement is the TU one on the frontier through the valuation's best
    joint-value package.  ``weight``: player 1's Nash weight (1/2: symmetric).
    """
    if scenario.threats is None:
        raise ValueError("the scenario has no [threats] section; declare moves to analyse threats")
    needed = variable_threat_packages(scenario)
    missing = sorted(set(needed) - set(valuation.packages))
    if missing:
        raise ValueError(f"the valuation does not cover the threat outcome package(s) {', '.join(missing)}")
    parties = tuple(scenario.party_ids)
    sq = scenario.meta.status_quo
    threats = threat_sets(scenario)
    index = {pkg: k for k, pkg in enumerate(needed)}
    values = np.array([[valuation.party_value(pkg, q).value for pkg in needed] for q in parties])  # (2, K)
    psi = np.stack([np.stack([package_influence(valuation, pkg, q) for pkg in needed]) for q in parties])  # (2, K, N)
    weights, costs = zip(*(_pair_weights(scenario, index, threats, q) for q in parties), strict=True)
    w, c = np.stack(weights), np.stack(costs)  # (2, m, n, K), (2, m, n)
    d = np.einsum("qmnk,qk->qmn", w, values) - c
    d_psi = np.einsum("qmnk,qkN->qmnN", w, psi)
    sq_psi = psi[:, index[sq]]  # (2, N)
    batna = values[:, index[sq]]
    shift_se = paired_se(d_psi - sq_psi[:, None, None, :])

    joint, joint_package, joint_psi, joint_se, notes = _frontier(valuation, problem, parties)
    tu = tu_threat_solution(d[0], d[1], joint, weight)
    x, y = tu.game.row, tu.game.column
    point_psi = np.einsum("m,n,qmnN->qN", x, y, d_psi)
    if tu.joint > joint + 1e-9 * max(1.0, abs(joint)):
        i, j = np.unravel_index(int((d[0] + d[1]).argmax()), d[0].shape)
        joint_psi, joint_package = d_psi[0, i, j] + d_psi[1, i, j], f"the threat outcome ({threats[0][i]}, {threats[1][j]})"
        notes.append("A threat outcome is worth more jointly than any package: the frontier goes through it.")
    settlement, settlement_se, paired = _settlement(tu, weight, point_psi, joint_psi, joint_se, paired_se(point_psi))
    d_se = paired_se(d_psi)
    finite, equilibria = (None, ()) if problem is None else _finite(problem, parties, threats, d, d_se, weight)
    if problem is not None:
        notes.extend(_batna_note(problem, parties, batna, scenario))
    if not scenario.threats.moves:
        notes.append("No moves are declared (threats.moves), so neither side has a threat in this game and its threat "
                     "point is the status quo; the declared tree's threat point is the sequential game's.")
    labels = {NO_THREAT: NO_THREAT, **{name: m.label for name, m in scenario.threats.moves.items()}}
    source = getattr(valuation, "provenance", None)
    made = None if source is None else source.derived("variable-threat game (Nash 1953)", weight=weight,
                                                      packages=problem is not None)
    return VariableThreatAnalysis(
        parties=parties, threats=threats, labels=labels, batna=batna, batna_se=paired_se(sq_psi),
        threat_point=d, threat_point_se=d_se, shift_se=shift_se, tu=tu, joint_package=joint_package,
        point=tu.threat_point, point_se=paired_se(point_psi), point_shift_se=paired_se(point_psi - sq_psi),
        settlement=settlement, settlement_se=settlement_se, settlement_paired=paired,
        finite=finite, equilibria=equilibria, notes=tuple(notes),
        measures=(measure_of(valuation.risk_aversion(parties[0])), measure_of(valuation.risk_aversion(parties[1]))),
        provenance=made,
    )


def _frontier(valuation: Any, problem: Any, parties: tuple[str, ...]) -> tuple[float, str, np.ndarray | None, float, list[str]]:
    """``S``: the best joint value among the problem's packages (SE bound) or the valuation's (paired)."""
    if problem is not None:
        order = [list(problem.parties).index(p) for p in parties]
        u = np.asarray(problem.utility)[order]
        k = int(u.sum(axis=0).argmax())
        se = 0.0 if problem.utility_se is None else float(np.asarray(problem.utility_se)[order][:, k].sum())
        name = problem.labels[k] if k < len(problem.labels) else "; ".join(f"{a}: {b}" for a, b in problem.describe(k).items())
        return float(u[:, k].sum()), name, None, se, []
    packages = list(valuation.packages)
    joint = np.array([sum(valuation.party_value(pkg, q).value for q in parties) for pkg in packages])
    best = packages[int(joint.argmax())]
    psi = np.sum([package_influence(valuation, best, q) for q in parties], axis=0)
    return float(joint.max()), best, psi, float(paired_se(psi)), []


def _settlement(tu: TUThreatSolution, weight: float, point_psi: np.ndarray, joint_psi: np.ndarray | None,
                joint_se: float, point_se: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """TU settlement ``u1 = w S + (1 - w) d1 - w d2``, ``u2 = S - u1``, with its standard errors."""
    coef = np.array([1.0 - weight, -weight])
    if joint_psi is not None:
        u1_psi = weight * joint_psi + coef @ point_psi
        return tu.payoff, paired_se(np.stack([u1_psi, joint_psi - u1_psi])), True
    spread = np.abs(coef) @ point_se  # bound on se((1 - w) d1 - w d2)
    return tu.payoff, np.array([weight * joint_se + spread, (1.0 - weight) * joint_se + spread]), False


def _finite(problem: Any, parties: tuple[str, ...], threats: tuple[tuple[str, ...], tuple[str, ...]],
            d: np.ndarray, d_se: np.ndarray, weight: float) -> tuple[FiniteThreatSolution, tuple[Equilibrium, ...]]:
    """The threat game over the problem's packages; an equilibrium without agreement keeps ``d``'s SE."""
    order = [list(problem.parties).index(p) for p in parties]
    u = np.asarray(problem.utility)[order]
    use = np.zeros_like(u) if problem.utility_se is None else np.asarray(problem.utility_se)[order]
    finite = finite_threat_solution(d[0], d[1], u[0], u[1], weight, problem_risk_aversion(problem, order))
    out = []
    for i, j in finite.equilibria:
        k = int(finite.package[i, j])
        agreed = k >= 0
        out.append(Equilibrium((threats[0][i], threats[1][j]), k if agreed else None,
                               problem.describe(k) if agreed else {},
                               (float(finite.payoff[0, i, j]), float(finite.payoff[1, i, j])),
                               (float(use[0, k]), float(use[1, k])) if agreed else (float(d_se[0, i, j]), float(d_se[1, i, j]))))
    return finite, tuple(out)


def problem_risk_aversion(problem: Any, order: list[int]) -> RiskAversion:
    """The problem's CARA coefficients in ``order`` (None: risk neutral; absent field: neutral)."""
    ra = getattr(problem, "risk_aversion", (None, None))
    return (ra[order[0]] or None, ra[order[1]] or None)


def _batna_note(problem: Any, parties: tuple[str, ...], batna: np.ndarray, scenario: Any) -> list[str]:
    order = [list(problem.parties).index(p) for p in parties]
    theirs = np.asarray(problem.batna, dtype=float)[order]
    if np.allclose(theirs, batna, rtol=1e-6, atol=1e-9):
        return []
    return [f"The deal problem's BATNAs ({', '.join(f'{v:,.2f}' for v in theirs)}) differ from the status quo "
            f"{scenario.meta.status_quo!r} valued here ({', '.join(f'{v:,.2f}' for v in batna)}): outside options "
            "or other paths; the threat point is measured from the status quo."]
