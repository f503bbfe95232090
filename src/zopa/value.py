"""Valuation: what each package is worth to each party, under its own and the other side's beliefs.

The value of a package to party ``p`` on one path is the present value of what ``p`` receives minus
what it gives, summed over the package's terms:
``V_p = Σ_terms [p = payee]·PV_r(to_payee) − [p = payer]·PV_r(from_payer)``, where ``r`` is the
market rate of the term's risk class (the same for both parties; :mod:`zopa.discounting`) — or, in a
scenario that declares ``discounting.method = "party"``, ``p``'s own rate. Exit values carry the
calibration scale that reprices the latest funding round (:mod:`zopa.calibration`). Estimates are Monte Carlo
means with standard errors ``sd/√N``, 5/50/95% quantiles, and — for a risk-averse party with CARA
coefficient ``a`` — the certainty equivalent ``CE = −ln E[e^{−aV}]/a`` with a delta-method standard
error ``se(E[e^{−aV}]) / (a E[e^{−aV}])``.
"""

from __future__ import annotations

import hashlib
import time as _time
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy.special import logsumexp

from zopa.calibration import Calibration, calibrate
from zopa.clauses import ClauseDecision, controlled_in, decide_all, decided_from_outcomes
from zopa.discounting import Discounter, discounter
from zopa.noise import NOISE, NoisePolicy
from zopa.results import PartyValue, Provenance, measure_of
from zopa.scenario.schema import Scenario
from zopa.terms import Flows, TermBase
from zopa.world import RandomStreams, SimulatedWorld

#: Default number of Monte Carlo paths.
DEFAULT_PATHS = 20_000
#: Paths per chunk; bounds memory, never changes results.
DEFAULT_CHUNK = 16_384


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate (USD billions of present value)."""

    mean: float
    se: float
    q05: float
    q50: float
    q95: float
    ce: float | None = None
    ce_se: float | None = None

    def __str__(self) -> str:
        if self.ce is not None and self.ce_se is not None:
            return f"{self.ce:,.2f} ± {self.ce_se:,.2f} (certainty equivalent; mean {self.mean:,.2f} ± {self.se:,.2f})"
        return f"{self.mean:,.2f} ± {self.se:,.2f}"

    @property
    def value(self) -> float:
        """The figure a party decides on: its certainty equivalent when risk averse, else the mean."""
        return self.ce if self.ce is not None else self.mean

    @property
    def value_se(self) -> float:
        return self.ce_se if self.ce_se is not None else self.se

    def significant(self, z: float | None = None) -> bool:
        """Whether the mean differs from zero by more than ``z`` standard errors (default: the
        engine's noise policy, :data:`zopa.noise.NOISE`).

        >>> Estimate(1.0, 0.4, 0, 1, 2).significant(), Estimate(-1.0, 0.6, -2, -1, 0).significant()
        (True, False)
        """
        policy = NOISE if z is None else NoisePolicy(z)
        return policy.sign(self.mean, self.se) != 0

    @property
    def party_value(self) -> PartyValue:
        """The decision value as a :class:`~zopa.results.PartyValue` (CE when risk averse, else mean)."""
        return PartyValue.of(self)


def estimate(samples: np.ndarray, risk_aversion: float | None = None) -> Estimate:
    """Summarise per-path values; with ``risk_aversion = a > 0`` add the CARA certainty equivalent.

    >>> e = estimate(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> e.mean, round(e.se, 4)
    (2.5, 0.6455)
    """
    x = np.asarray(samples, dtype=float)
    n = x.size
    mean = float(x.mean())
    se = float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    q05, q50, q95 = (float(v) for v in np.quantile(x, [0.05, 0.5, 0.95]))
    ce = ce_se = None
    if risk_aversion:
        a = float(risk_aversion)
        ce = certainty_equivalent(x, a)
        ce_se = float(_ce_weights(x, a).std(ddof=1) / np.sqrt(n) / a) if n > 1 else float("nan")
    return Estimate(mean, se, q05, q50, q95, ce, ce_se)


def party_value(term: TermBase, flows: Flows, party: str, times: np.ndarray, rate: float) -> np.ndarray:
    """Per-path value of one term's flows to ``party`` at annual discount ``rate`` (the term's rate
    under the scenario's :class:`~zopa.discounting.Discounter`)."""
    value = np.zeros(flows.to_payee.grid.shape[0])
    if term.payee == party:
        value = value + flows.to_payee.present_value(times, rate)
    if term.payer == party:
        value = value - flows.from_payer.present_value(times, rate)
    return value


def term_parts(term: TermBase, ctx: SimulatedWorld) -> dict[str, tuple[TermBase, Flows]]:
    """A term's flows, split into its members for combinators (``cap.member``) for the breakdown,
    each with the term whose parties and risk class apply."""
    return term.parts(ctx)


@dataclass(frozen=True)
class Valuation:
    """Per-path values of every package to every party under every party's beliefs.

    ``values[(package, party, beliefs)]`` is an array of ``N`` present values (USD bn);
    ``terms[(package, party, beliefs)][term]`` the same per term (combinator members as
    ``cap.member``).
    """

    scenario: Scenario
    seed: int
    n_paths: int
    packages: tuple[str, ...]
    values: dict[tuple[str, str, str], np.ndarray]
    terms: dict[tuple[str, str, str], dict[str, np.ndarray]]
    seconds: float = 0.0
    term_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # package → term → label
    calibration: Calibration | None = None
    clauses: dict[tuple[str, str], dict[str, "ClauseRates"]] = field(default_factory=dict)  # (package, beliefs) →
    chunk_size: int = DEFAULT_CHUNK
    pinned: tuple[str, ...] = ()  # TOML paths of inputs held at given quantiles
    mapped_noise: bool = False  # whether paths were mapped onto each other's random noise

    @property
    def parties(self) -> list[str]:
        return self.scenario.party_ids

    @property
    def provenance(self) -> Provenance:
        """How these values were computed: Monte Carlo valuation with this seed and number of paths;
        parameters ``chunk_size`` (paths per chunk; never changes results), ``discounting``
        (``market`` or ``party``, :mod:`zopa.discounting`), ``calibration_scale`` (the exit-value
        scale, 1 without a calibration), and ``pinned``/``mapped_noise`` when inputs were pinned at
        quantiles or paths shared noise."""
        params: dict[str, Any] = {
            "chunk_size": self.chunk_size,
            "discounting": getattr(getattr(self.scenario, "discounting", None), "method", "party"),
            "calibration_scale": 1.0 if self.calibration is None else float(self.calibration.scale),
        }
        if self.pinned:
            params["pinned"] = self.pinned
        if self.mapped_noise:
            params["mapped_noise"] = True
        return Provenance("monte-carlo valuation", params, self.seed, self.n_paths)

    def term_label(self, package: str, term: str) -> str:
        """The label a package gives one of its terms (as written in the scenario)."""
        return self.term_labels.get(package, {}).get(term, term)

    def risk_aversion(self, party: str) -> float | None:
        ra = self.scenario.parties[party].risk_aversion
        return float(ra.for_party(party).mean()) if ra is not None else None

    def estimate(self, package: str, party: str, beliefs: str | None = None) -> Estimate:
        """Value of ``package`` to ``party`` under ``beliefs`` (default: the party's own)."""
        return estimate(self.values[(package, party, beliefs or party)], self.risk_aversion(party))

    def party_value(self, package: str, party: str, beliefs: str | None = None) -> PartyValue:
        """The number ``party`` decides on for ``package`` (its certainty equivalent when risk
        averse, else the mean; USD bn) with its Monte Carlo standard error: :meth:`estimate` as a
        :class:`~zopa.results.PartyValue`."""
        x = np.asarray(self.values[(package, party, beliefs or party)], dtype=float)
        a = self.risk_aversion(party)
        n = x.size
        if a:
            se = float(_ce_weights(x, a).std(ddof=1) / np.sqrt(n) / a) if n > 1 else float("nan")
            return PartyValue(certainty_equivalent(x, a), se, measure_of(a))
        se = float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        return PartyValue(float(x.mean()), se, "mean")

    def term_estimates(self, package: str, party: str, beliefs: str | None = None) -> dict[str, Estimate]:
        """Per-term breakdown (risk-neutral means ± SE)."""
        return {k: estimate(v) for k, v in self.terms[(package, party, beliefs or party)].items()}

    def difference(self, party: str, package: str, reference: str, beliefs: str | None = None) -> Estimate:
        """``V(package) − V(reference)`` to ``party`` path by path (common random numbers keep the
        standard error small). For a risk-averse party ``ce`` is the difference of certainty
        equivalents, its SE from the paired per-path values."""
        b = beliefs or party
        x, y = self.values[(package, party, b)], self.values[(reference, party, b)]
        diff = estimate(x - y)
        a = self.risk_aversion(party)
        if not a:
            return diff
        ce = certainty_equivalent(x, a) - certainty_equivalent(y, a)
        influence = (_ce_weights(y, a) - _ce_weights(x, a)) / a
        return Estimate(diff.mean, diff.se, diff.q05, diff.q50, diff.q95, ce,
                        float(influence.std(ddof=1) / np.sqrt(x.size)))


def certainty_equivalent(samples: np.ndarray, risk_aversion: float) -> float:
    """CARA certainty equivalent ``−ln E[e^{−aV}]/a`` (computed stably with log-sum-exp)."""
    x = np.asarray(samples, dtype=float)
    return -float(logsumexp(-risk_aversion * x) - np.log(x.size)) / risk_aversion


def _ce_weights(samples: np.ndarray, risk_aversion: float) -> np.ndarray:
    """``e^{−aV_i}/E[e^{−aV}]``: the certainty equivalent's influence is ``(1 − w_i)/a``."""
    x = np.asarray(samples, dtype=float)
    return np.exp(-risk_aversion * (x - certainty_equivalent(x, risk_aversion)))


def term_labels_of(terms: list[TermBase]) -> dict[str, str]:
    """Breakdown names (combinator members as ``cap.member``) → labels, for one package's terms."""
    out: dict[str, str] = {}
    for term in terms:
        out.update(term.part_labels())
    return out


def value_scenario(
    scenario: Scenario,
    n_paths: int = DEFAULT_PATHS,
    seed: int = 0,
    packages: list[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
    quantiles: Mapping[str, float | np.ndarray] | None = None,
    noise_paths: np.ndarray | None = None,
    beliefs: Sequence[str] | None = None,
) -> Valuation:
    """Value packages (default: all) for both parties under both parties' beliefs (or only under
    ``beliefs``: each belief set's worlds are independent, so :func:`join_beliefs` of valuations
    under different beliefs is the valuation under all of them, to the last bit).

    Paths are processed in chunks of ``chunk_size``; results are identical for any chunk size.
    ``progress(done, total)`` is called after each chunk. ``quantiles`` pins inputs by TOML path and
    ``noise_paths`` maps paths onto each other's random noise (see :class:`~zopa.world.RandomStreams`).
    """
    if n_paths < 2:
        raise ValueError(f"n_paths must be at least 2, got {n_paths}")
    started = _time.perf_counter()
    packages = list(packages or scenario.packages)
    unknown = [p for p in packages if p not in scenario.packages]
    if unknown:
        raise ValueError(f"unknown package(s) {', '.join(unknown)}; known: {', '.join(scenario.packages)}")
    parties = scenario.party_ids
    rule = discounter(scenario)
    cal = calibrate(scenario, seed, quantiles)
    scale = 1.0 if cal is None else cal.scale
    resolved = {pkg: scenario.package_terms(pkg) for pkg in packages}
    states = sorted({scenario.packages[pkg].restructured for pkg in packages})
    views = list(beliefs) if beliefs is not None else parties
    keys = [(pkg, party, belief) for pkg in packages for party in parties for belief in views]
    values = {k: np.empty(n_paths) for k in keys}
    terms: dict[tuple[str, str, str], dict[str, np.ndarray]] = {k: {} for k in keys}
    labels = {pkg: term_labels_of(resolved[pkg]) for pkg in packages}
    clauses: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    times = scenario.time.times
    for start in range(0, n_paths, chunk_size):
        n = min(chunk_size, n_paths - start)
        rows = slice(start, start + n)
        streams = RandomStreams(seed, start, n, quantiles or {}, noise_paths)
        for belief in views:
            draws: dict[tuple[str, int], np.ndarray] = {}
            for state in states:
                world = SimulatedWorld(scenario, belief, state, streams, draws, exit_scale=scale)
                # per term (shared by packages that inherit it): part name → party → per-path value
                valued: dict[str, dict[str, dict[str, np.ndarray]]] = {}
                decision_cache: dict[tuple[str, tuple[int, ...]], tuple[SimulatedWorld, list[ClauseDecision]]] = {}
                alternatives: dict[tuple, Any] = {}  # stake term × clause alternative → values
                for pkg in packages:
                    spec = scenario.packages[pkg]
                    if spec.restructured != state:
                        continue
                    base_ctx = world.with_triggers(spec.triggers)
                    overrides = f"@{pkg}" if spec.triggers else ""
                    # Packages with the same stakes in a controlled clause (the same term objects and
                    # trigger definitions) take the same decisions: decide once, share the values.
                    stakes = tuple(id(t) for t in resolved[pkg] if controlled_in(base_ctx.scenario, t.triggers()))
                    decided = decision_cache.get((overrides, stakes))
                    if decided is None:
                        decided = decide_clauses(base_ctx, resolved[pkg], parties, times, rule, alternatives, overrides)
                        decision_cache[(overrides, stakes)] = decided
                    ctx, decisions = decided
                    # a term's value depends on the decisions only through the decided times of the
                    # triggers it depends on: packages that decided the same way share it
                    digests = {d.trigger: hashlib.blake2b(d.times.tobytes(), digest_size=16).hexdigest()
                               for d in decisions}
                    totals = {party: np.zeros(n) for party in parties}
                    for d in decisions:
                        stats = clauses.setdefault((pkg, belief), {}).setdefault(d.trigger, np.zeros(3))
                        stats += (int(np.isfinite(d.eligible).sum()), int(d.declares.sum()), int(d.disputes.sum()))
                        for party in parties:
                            terms[(pkg, party, belief)].setdefault(f"clause.{d.trigger}", np.zeros(n_paths))[rows] = -d.costs[party]
                            totals[party] -= d.costs[party]
                    for term in resolved[pkg]:
                        # base_ctx: in ctx the decided triggers are already substituted by their times
                        depends = controlled_in(base_ctx.scenario, term.triggers()) if decisions else []
                        decided_key = "".join(f"|{name}:{digests[name]}" for name in depends)
                        cache_key = f"{term.key}#{id(term)}{overrides}{decided_key}"
                        if cache_key not in valued and depends:
                            # the clause decisions valued the term under each alternative: its values
                            # in the decided world are picked from those, path by path
                            assembled = decided_term_values(term, decisions, alternatives, overrides, depends)
                            if assembled is not None:
                                valued[cache_key] = assembled
                        if cache_key not in valued:
                            valued[cache_key] = {}
                            for name, (part, flows) in term_parts(term, ctx).items():
                                valued[cache_key][name] = {
                                    party: party_value(part, flows, party, times, rule.rate(part, party))
                                    for party in parties
                                }
                        for name, per_party in valued[cache_key].items():
                            for party in parties:
                                key = (pkg, party, belief)
                                terms[key].setdefault(name, np.zeros(n_paths))[rows] = per_party[party]
                                totals[party] += per_party[party]
                    for party in parties:
                        values[(pkg, party, belief)][rows] = totals[party]
        if progress is not None:
            progress(min(start + n, n_paths), n_paths)
    clause_rates = {k: {t: ClauseRates(*(c / n_paths)) for t, c in v.items()} for k, v in clauses.items()}
    for (pkg, _belief), per in clause_rates.items():
        for trigger in per:
            labels[pkg][f"clause.{trigger}"] = f"Declaration and litigation costs ({trigger})"
    return Valuation(scenario, seed, n_paths, tuple(packages), values, terms,
                     _time.perf_counter() - started, labels, cal, clause_rates, chunk_size=chunk_size,
                     pinned=tuple(sorted(quantiles or {})), mapped_noise=noise_paths is not None)


def join_beliefs(parts: Sequence[Valuation]) -> Valuation:
    """One valuation from valuations of the same packages on the same paths under different beliefs
    (:func:`value_scenario` with ``beliefs``)."""
    first = parts[0]
    for other in parts[1:]:
        if (other.n_paths, other.seed, other.packages) != (first.n_paths, first.seed, first.packages):
            raise ValueError("the valuations are not of the same packages on the same paths")
    return dataclasses.replace(
        first, values={k: v for part in parts for k, v in part.values.items()},
        terms={k: v for part in parts for k, v in part.terms.items()},
        clauses={k: v for part in parts for k, v in part.clauses.items()},
        term_labels={pkg: {k: v for part in parts for k, v in part.term_labels.get(pkg, {}).items()}
                     for pkg in first.packages},
        seconds=max(part.seconds for part in parts))


@dataclass(frozen=True)
class ClauseRates:
    """How a controlled clause was used: shares of paths on which it could be declared, was
    declared, and was disputed."""

    eligible: float
    declared: float
    disputed: float


def decided_term_values(term: TermBase, decisions: list[ClauseDecision], store: dict, overrides: str,
                        depends: list[str]) -> dict[str, dict[str, np.ndarray]] | None:
    """``term``'s per-part, per-party values once ``decisions`` are taken, assembled from what the last
    decision on one of its controlled triggers ``depends`` valued (``store``, keyed as
    :func:`decide_clauses` keeps stake values): that decision's alternatives were valued with the
    earlier ones already substituted, and none decided after it touches the term's triggers
    (:func:`zopa.clauses.decided_from_outcomes`). ``None`` when the values are not in ``store``."""
    deciding = [d for d in decisions if d.trigger in depends]
    if not deciding:
        return None
    last = deciding[-1]
    values = [store.get((id(term), overrides, tag)) for tag, _ in last.outcomes]
    if any(v is None for v in values):
        return None
    return decided_from_outcomes(last, values)


def decide_clauses(ctx: SimulatedWorld, resolved: list[TermBase], parties: list[str], times: np.ndarray,
                   rule: Discounter, cache: dict | None = None, overrides: str = "") -> tuple[SimulatedWorld, list[ClauseDecision]]:
    """Substitute the decided times of every controlled trigger the terms ``resolved`` depend on. The
    stakes of a decision on trigger ``T`` are the terms that depend on ``T``: the others are worth the
    same whatever is decided. ``cache`` (shared by packages valued on the same paths, with the same
    trigger ``overrides``) keeps each stake term's value under each alternative."""
    names = controlled_in(ctx.scenario, set().union(*(t.triggers() for t in resolved)) if resolved else set())
    if not names:
        return ctx, []
    depends = {id(t): set(controlled_in(ctx.scenario, t.triggers())) for t in resolved}
    store = cache if cache is not None else {}

    def value_of(c: SimulatedWorld, name: str, tag: tuple) -> dict[str, np.ndarray]:
        out = {party: np.zeros(c.n_paths) for party in parties}
        for term in resolved:
            if name not in depends[id(term)]:
                continue
            key = (id(term), overrides, tag)
            per_part = store.get(key)
            if per_part is None:
                per_part = {name: {party: party_value(part, flows, party, times, rule.rate(part, party))
                                   for party in parties}
                            for name, (part, flows) in term_parts(term, c).items()}
                store[key] = per_part
            for values in per_part.values():
                for party in parties:
                    out[party] += values[party]
        return out

    return decide_all(ctx, names, value_of, rule)
