"""One recommendation: the settlement the analysis predicts, what each side should do, and why.

The supporting views answer different questions — the symmetric Nash solution (Nash 1950), the
patience-weighted Nash solution that alternating offers against the deadline converge to (Binmore,
Rubinstein & Wolinsky 1986), the threat-adjusted disagreement point (Nash 1953), a simulated
negotiation between given strategies — and are reconciled as follows:

* **The predicted settlement** is the patience-weighted Nash package on expected utilities, with
  the disagreement point moved by the threats each side would credibly carry out when the threat
  game is declared (a threat that is carried out sets the point bargaining continues from). By the
  outside-option principle (Binmore, Shaked & Sutton 1989) the disagreement point is the *inside*
  option — the contract in force, which runs while the parties talk — and an outside option (a
  BATNA other than the contract in force) only bounds the settlement from below: it matters only
  if it is better than what bargaining would give. It is
  the one solution that accounts for patience, the deadline, risk attitudes and threats together;
  Binmore, Rubinstein & Wolinsky show that the subgame-perfect outcome of alternating offers with a
  risk of breakdown *is* such an asymmetric Nash solution, with the breakdown outcome as the
  disagreement point.
* **The settlement range** spans the gains of the supporting views (symmetric Nash, patience-weighted
  Nash with and without threats, the simulated negotiation's agreement): where reasonable models of
  the same bargaining disagree, the answer is a range, not a point.
* **For each side**: its *target* (the predicted settlement), its *opening* (the best package for it
  that still leaves the other side clearly better off than walking away: the far edge of the ZOPA)
  and its *walk-away* line (what no deal would actually give it: its BATNA, or the threat point when
  threats are declared) — Raiffa's (1982) aspiration, target and reservation values.
* **Why**: the predicted package is written out as a named package and valued directly (both sides'
  beliefs, per term), so the reasons are the terms that carry the value and the part of each side's
  gain that is a bet on its own beliefs (gain under own beliefs minus gain under the other side's).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from zopa.noise import NOISE
from zopa.numbers import num, pm
from zopa.results import PartyValue, PerParty, Provenance, package_gains


@dataclass(frozen=True)
class SideAdvice:
    """What one side should aim for, open with and walk away at (USD bn of value to it).

    ``target``: its gain over its BATNA at the predicted settlement, ``opening_value`` at the package
    to open with, each with its (paired) Monte Carlo standard error.
    """

    party: str
    name: str
    target: PartyValue
    opening: dict[str, str]  # the package to open with
    opening_value: PartyValue
    walk_away: float  # value below which it should walk away
    walk_away_label: str

    @property
    def target_gain(self) -> tuple[float, float]:
        """``(gain over BATNA, SE)`` at the predicted settlement."""
        return self.target.pair

    @property
    def opening_gain(self) -> float:
        """The gain over its BATNA of the package to open with."""
        return self.opening_value.value


@dataclass(frozen=True)
class TermReason:
    """One term's contribution to each side's gain over the contract in force (risk-neutral means,
    own beliefs, with the paired standard error; a dropped term contributes minus its value in the
    contract in force)."""

    term: str
    label: str
    values: PerParty

    @property
    def value(self) -> tuple[float, float]:
        """The contributions, in party order."""
        a, b = (v.value for v in self.values.values())
        return (a, b)


def _pair(per: PerParty | None, parties: tuple[str, str]) -> tuple[float, float] | None:
    return None if per is None else (per[parties[0]].value, per[parties[1]].value)


@dataclass(frozen=True)
class Recommendation:
    """The reconciled answer (values in USD bn; gains are over each side's BATNA).

    ``gain_values``: each side's gain at the predicted settlement with its paired standard error;
    ``bet_values``: the part of it that exists only under the side's own beliefs (gain under own
    beliefs − under the other side's); ``premium_values``: the value of restructuring itself.
    ``gain``/``gain_se``/``bet``/``restructuring_premium`` are the same figures as pairs in party
    order. ``provenance``: seed and paths of the valuation behind the figures, when known.
    """

    parties: tuple[str, str]
    names: tuple[str, str]
    basis: str
    package: int
    choices: dict[str, str]
    gain_values: PerParty
    gain_range: tuple[tuple[float, float], tuple[float, float]]  # per side (low, high) over the views
    views: tuple[tuple[str, dict[str, str], tuple[float, float]], ...]  # (view, choices, gains)
    sides: tuple[SideAdvice, SideAdvice]
    terms: tuple[TermReason, ...] = ()
    bet_values: PerParty | None = None
    premium_values: PerParty | None = None
    stability: float | None = None  # share of bootstrap resamples keeping the Nash package
    threat_shift: tuple[float, float] | None = None  # disagreement point moved by threats, per side
    negotiation: str | None = None
    notes: tuple[str, ...] = ()
    batna: tuple[float, float] | None = None
    provenance: Provenance | None = None

    @property
    def gain(self) -> tuple[float, float]:
        """Each side's gain over its BATNA at the predicted settlement, in party order."""
        a, b = self.parties
        return (self.gain_values[a].value, self.gain_values[b].value)

    @property
    def gain_se(self) -> tuple[float, float]:
        """The standard errors of :attr:`gain`."""
        a, b = self.parties
        return (self.gain_values[a].se, self.gain_values[b].se)

    @property
    def bet(self) -> tuple[float, float] | None:
        """Gain under own beliefs − under the other side's, per side (party order)."""
        return _pair(self.bet_values, self.parties)

    @property
    def restructuring_premium(self) -> tuple[float, float] | None:
        """The value of restructuring by the deadline itself, per side (party order)."""
        return _pair(self.premium_values, self.parties)

    def lines(self, unit: str = "USD bn") -> list[str]:
        """The recommendation in plain words, first thing a reader sees."""
        a, b = self.names
        out = [f"Predicted settlement ({self.basis}): " + "; ".join(f"{k}: {v}" for k, v in self.choices.items()) + "."]
        out.append(f"{a} gains {pm(self.gain[0], self.gain_se[0], signed=True)} and {b} gains "
                   f"{pm(self.gain[1], self.gain_se[1], signed=True)} {unit} over walking away; across the "
                   f"supporting views {a} gains {num(self.gain_range[0][0], True)} to {num(self.gain_range[0][1], True)}, "
                   f"{b} {num(self.gain_range[1][0], True)} to {num(self.gain_range[1][1], True)}.")
        for side in self.sides:
            diff = {k: v for k, v in side.opening.items() if self.choices.get(k) != v}
            opening = "; ".join(f"{k}: {v}" for k, v in diff.items()) or "the predicted settlement itself"
            i = self.parties.index(side.party)
            floor = side.walk_away - self.batna[i] if self.batna is not None else None
            walk = (f"a value of {num(side.walk_away)}" + (f", {num(floor, True)} against its BATNA" if floor else ""))
            out.append(f"{side.name}: aim for the settlement ({num(side.target_gain[0], True)}); open with {opening} "
                       f"({num(side.opening_gain, True)}); walk away below {walk} ({side.walk_away_label}).")
        if self.terms:
            top = sorted(self.terms, key=lambda t: -abs(t.value[0]) - abs(t.value[1]))[:4]
            out.append("Why — the terms that move the gains over the contract in force: " + "; ".join(
                f"{t.label} ({a} {num(t.value[0], True)}, {b} {num(t.value[1], True)})" for t in top) + ".")
        if self.bet is not None:
            out.append(f"Of these gains, {num(self.bet[0], True)} ({a}) and {num(self.bet[1], True)} ({b}) exist only "
                       "under each side's own beliefs (the bet on their disagreement); the rest is value the deal creates.")
        if self.restructuring_premium is not None:
            joint = sum(self.gain)
            prem = sum(self.restructuring_premium)
            share = f" ({prem / joint:.0%} of the joint gain)" if joint > 0 else ""
            out.append(f"Restructuring by the deadline is itself worth {num(prem, True)} {unit} jointly{share}: the money "
                       "at risk that a missed deadline would cost.")
        if self.threat_shift is not None:
            out.append(f"Threats move the disagreement point by {num(self.threat_shift[0], True)} ({a}) and "
                       f"{num(self.threat_shift[1], True)} ({b}).")
        if self.negotiation:
            out.append(self.negotiation)
        if self.stability is not None:
            out.append(f"The symmetric Nash package survives {self.stability:.0%} of bootstrap resamples of the paths.")
        return out + list(self.notes)


def _gains(problem: Any, k: int, batna: tuple[float, ...]) -> tuple[float, float]:
    return (float(problem.utility[0, k] - batna[0]), float(problem.utility[1, k] - batna[1]))


def _gain_value(problem: Any, k: int, batna: tuple[float, ...], side: int) -> PartyValue:
    """Side ``side``'s gain over ``batna`` at package ``k``, with its paired SE (0 without one)."""
    return package_gains(problem, k, batna)[problem.parties[side]]


def _outside(problem: Any) -> tuple[float, float]:
    """Each side's outside option: its BATNA when that is not the contract in force (−∞ otherwise)."""
    inside = problem.inside or problem.batna
    return tuple(float(b) if b > i else -np.inf for b, i in zip(problem.batna, inside))  # type: ignore[return-value]


def _weighted(problem: Any, d: tuple[float, float], weight: float) -> int | None:
    """Weighted Nash on expected utilities from disagreement point ``d``, among the packages that give
    each side at least its outside option (the outside-option principle)."""
    from zopa.bargain import nash_solution

    u1, u2 = problem.utility
    o1, o2 = _outside(problem)
    idx = np.flatnonzero((u1 >= o1) & (u2 >= o2))
    if idx.size == 0:
        return None
    k = nash_solution(u1[idx], u2[idx], d[0], d[1], weight=weight, risk_aversion=problem.risk_aversion)
    return None if k is None else int(idx[k])


def _opening(problem: Any, side: int) -> int | None:
    """The best package for ``side`` that leaves the other side's gain clear of the noise."""
    gain = problem.utility - np.asarray(problem.batna)[:, None]
    other = 1 - side
    se = problem.gain_se[other] if problem.gain_se is not None else np.zeros(gain.shape[1])
    ok = NOISE.clear(gain[other], se) & (gain[side] >= 0)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    return int(idx[np.argmax(problem.utility[side, idx])])


def recommend(analysis: Any, threat_point: tuple[float, float] | None = None, negotiation: Any = None,
              package_valuation: Any = None, package_name: str | None = None,
              premium: PerParty | None = None, provenance: Provenance | None = None) -> Recommendation | None:
    """Reconcile the analysis into one recommendation (``None`` without a ZOPA).

    ``threat_point``: the threat-adjusted disagreement values; ``negotiation``: a
    :class:`~zopa.negotiate.scenario.ScenarioNegotiation`; ``package_valuation``: a valuation that
    includes the predicted package as the named package ``package_name`` (for the reasons);
    ``premium``: each side's restructuring premium; ``provenance``: how the analysis's figures were
    computed (seed and paths), recorded with the recommendation as method ``"recommendation"``.
    """
    p = analysis.problem
    if not analysis.zopa.exists:
        return None
    batna = tuple(float(x) for x in p.batna)
    weight = analysis.deadline.nash_weight if analysis.deadline is not None else 0.5
    views: list[tuple[str, int]] = []
    for key, label in (("nash", "symmetric Nash"), ("weighted_nash", "patience-weighted Nash")):
        point = analysis.solutions.get(key)
        if point is not None:
            views.append((label, point.package))
    basis = "patience-weighted Nash on expected utilities" if analysis.deadline is not None else "Nash on expected utilities"
    # Outside-option principle (Binmore, Shaked & Sutton 1989): bargaining starts from the inside option
    # (the contract in force, which runs while the parties talk); an outside option only bounds the
    # settlement from below.
    inside = tuple(float(x) for x in (p.inside or p.batna))
    k = _weighted(p, (inside[0], inside[1]), weight)
    if k is not None and any(o > -np.inf for o in _outside(p)):
        views.append(("patience-weighted Nash, outside options as bounds", k))
        basis += ", outside options as bounds"
    shift = None
    if threat_point is not None:
        d = (float(threat_point[0]), float(threat_point[1]))
        shift = (d[0] - batna[0], d[1] - batna[1])
        kt = _weighted(p, d, weight) if d != inside else k
        if kt is not None:
            views.append(("patience-weighted Nash from the threat point", kt))
            if d != inside:
                k = kt
                basis += ", from the threat-adjusted disagreement point"
    neg_line = None
    if negotiation is not None and getattr(negotiation.result, "agreement", False):
        views.append(("simulated negotiation", int(negotiation.result.package)))
        g = _gains(p, int(negotiation.result.package), batna)
        neg_line = (f"The simulated negotiation ({negotiation.strategies[0]} vs {negotiation.strategies[1]}) agrees on a "
                    f"package giving {p.names[0]} {num(g[0], True)} and {p.names[1]} {num(g[1], True)}."
                    if hasattr(negotiation, "strategies") else
                    f"The simulated negotiation agrees on a package giving {p.names[0]} {num(g[0], True)} and "
                    f"{p.names[1]} {num(g[1], True)}.")
    elif negotiation is not None:
        neg_line = "The simulated negotiation ends without agreement: the strategies played leave the ZOPA unused."
    if k is None:
        return None
    gains = [_gains(p, kv, batna) for _, kv in views] or [_gains(p, k, batna)]
    rng = tuple((min(g[i] for g in gains), max(g[i] for g in gains)) for i in (0, 1))
    walk = tuple(float(threat_point[i]) if threat_point is not None else batna[i] for i in (0, 1))
    sides = []
    for i in (0, 1):
        o = _opening(p, i)
        o = k if o is None else o
        sides.append(SideAdvice(p.parties[i], p.names[i], _gain_value(p, k, batna, i), p.describe(o),
                                _gain_value(p, o, batna, i), float(walk[i]),
                                "if talks fail and threats play out" if threat_point is not None else
                                f"its BATNA: {p.batna_label[i]}"))
    reasons: tuple[TermReason, ...] = ()
    bet = None
    if package_valuation is not None and package_name is not None:
        reasons, bet = _reasons(package_valuation, package_name, p.parties)
    stability = analysis.stability.share if getattr(analysis, "stability", None) is not None else None
    gains_k = package_gains(p, k, batna)
    gain_range = ((rng[0][0], rng[0][1]), (rng[1][0], rng[1][1]))
    made = None if provenance is None else provenance.derived("recommendation", basis=basis, nash_weight=weight)
    return Recommendation(
        p.parties, p.names, basis, int(k), p.describe(int(k)), gains_k,
        gain_range, tuple((name, p.describe(kv), _gains(p, kv, batna)) for name, kv in views), (sides[0], sides[1]),
        reasons, bet, premium, stability, shift, neg_line, notes=_edge_notes(p, int(k)), batna=(batna[0], batna[1]),
        provenance=made,
    )


def _edge_notes(problem: Any, k: int) -> tuple[str, ...]:
    """Say so when the predicted package sits at an end of a gridded range: it may lie beyond it."""
    if problem.choices is None:
        return ()
    out = []
    for pos, issue in enumerate(problem.issues):
        j = int(problem.choices[k, pos])
        if issue.ordered and j in (0, len(issue.options) - 1):
            end = "lower" if j == 0 else "upper"
            out.append(f"{issue.label or issue.id} at {issue.options[j]} is at the {end} end of the range "
                       "explored: the settlement may lie beyond it.")
    return tuple(out)


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    """Mean of per-path values and its standard error ``sd/√N`` (0 for one path)."""
    return float(np.mean(x)), float(np.std(x, ddof=1) / np.sqrt(x.size)) if x.size > 1 else 0.0


def _reasons(valuation: Any, name: str, parties: tuple[str, str]) -> tuple[tuple[TermReason, ...], dict[str, PartyValue]]:
    """Each term's contribution to the gain over the contract in force (risk-neutral means, own
    beliefs, paired: the term's value in the package minus its value in the status quo, zero where
    absent), and the bet ``[V_p(pkg) − V_p(sq)]_own − [V_p(pkg) − V_p(sq)]_other`` (means, paired
    over the common paths), each with its standard error ``sd/√N``."""
    sq = valuation.scenario.meta.status_quo
    a, b = parties
    terms = []
    new = {p: valuation.terms[(name, p, p)] for p in parties}
    old = {p: valuation.terms[(sq, p, p)] for p in parties}
    for term in dict.fromkeys([*new[a], *old[a]]):
        delta: dict[str, PartyValue] = {}
        for p in parties:
            x, y = new[p].get(term), old[p].get(term)
            paths = np.asarray((x if x is not None else 0.0) - (y if y is not None else 0.0), dtype=float)
            delta[p] = PartyValue(*_mean_se(np.atleast_1d(paths)), "mean")
        if abs(delta[a].value) + abs(delta[b].value) < 1e-9:
            continue  # the same in both: not a reason
        label = valuation.term_label(name if term in new[a] else sq, term)
        terms.append(TermReason(term, label if term in new[a] else f"{label} (dropped)", delta))
    bet = {}
    for p in parties:
        other = valuation.scenario.other(p)
        own = valuation.values[(name, p, p)] - valuation.values[(sq, p, p)]
        theirs = valuation.values[(name, p, other)] - valuation.values[(sq, p, other)]
        bet[p] = PartyValue(*_mean_se(np.asarray(own - theirs, dtype=float)), "mean")
    return tuple(terms), bet


def package_scenario(scenario: Any, space: Any, k: int, name: str = "recommended",
                     label: str = "the predicted settlement") -> Any:
    """``scenario`` with deal-space package ``k`` written out as the named package ``name``."""
    from zopa.scenario.schema import Scenario

    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    cols = space.column_index(space.choices[[k]])[0]
    terms = []
    for c in cols:
        term = space.columns[c].term
        if term is not None:
            raw = term.model_dump(mode="python", by_alias=True, exclude_none=True)
            raw.pop("key", None)
            terms.append(raw)
    ds = scenario.deal_space
    data["packages"][name] = {"label": label, "base": ds.base, "drop": list(ds.drop),
                              "restructured": ds.restructured, "terms": terms}
    return Scenario.model_validate(data)


def recommend_scenario(scenario: Any, analysis: Any, space_valuation: Any, n_paths: int, seed: int,
                       threat_point: tuple[float, float] | None = None, negotiation: Any = None) -> Recommendation | None:
    """:func:`recommend` with the predicted package valued directly (both beliefs, per term) and the
    restructuring premium priced on ``n_paths`` paths from ``seed``. Its provenance records the seed
    and the paths of the deal space's valuation behind the predicted package (``space_valuation``;
    ``n_paths`` without one), with ``reason_paths = n_paths``."""
    paths = int(getattr(space_valuation, "n_paths", n_paths))
    made = Provenance("deal-space analysis", {"reason_paths": n_paths}, seed, paths)
    first = recommend(analysis, threat_point, negotiation, provenance=made)
    if first is None:
        return None
    if space_valuation is None:
        return first
    from zopa.restructuring import restructuring_premium
    from zopa.value import value_scenario

    variant = package_scenario(scenario, space_valuation.space, first.package)
    v = value_scenario(variant, n_paths, seed, packages=[scenario.meta.status_quo, "recommended"])
    reasons, bet = _reasons(v, "recommended", first.parties)
    premium = restructuring_premium(scenario, n_paths, seed)
    prem = {p: PartyValue.of(premium[p]) for p in first.parties} if premium else None
    return dataclasses.replace(first, terms=reasons, bet_values=bet, premium_values=prem)
