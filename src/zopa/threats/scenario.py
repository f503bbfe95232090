"""The threat game a scenario declares, with payoffs from the valuation engine.

The game is the scenario's ``[threats.tree]`` when it declares one (:mod:`zopa.scenario.threat_tree`:
decision, chance and terminal nodes in any order and depth, either party moving), else the fixed
game of ``baseline``, ``moves`` and ``responses``, which :func:`zopa.threats.tree.from_fixed`
compiles into the same kind of graph.  For the threatener T (e.g. OpenAI) and the responder R
(e.g. Microsoft) the fixed game is::

    T: accept the baseline deal  → baseline
       walk away                 → status quo
       threaten with move m      → R: concede → the concession package
                                      refuse  → T: back down   → baseline
                                                   carry out m → chance (each side's own odds):
                                                       m succeeds → R: accept   → m's success package
                                                                     litigate → chance: R wins → failure package
                                                                                        R loses → success package
                                                       m fails    → m's failure package

Payoffs are each side's value of the outcome package under its own beliefs (its certainty
equivalent when risk averse; USD bn of present value), less the move's cost to T and the court
costs to both. Backward induction gives the subgame-perfect play; a threat is credible when T
would carry it out if R refused. The *threat-adjusted disagreement point* is the value of the same
game without the deal on the table (in the fixed game: without accepting the baseline, and backing
down leads to the status quo; in a declared tree: without its outcomes marked ``deal``): what each
side expects if bargaining fails and threats play out.

Bargaining after a threat.  A carried-out threat changes the status quo but leaves gains from a
deal.  Given a :class:`~zopa.analysis.DealProblem`, every outcome reached by carrying out a
threat (the four terminals under "carry out m"; in a declared tree, each outcome marked
``bargain``) is followed by Nash bargaining over the
problem's packages with that outcome as the disagreement point ``d`` (Nash 1950, "The bargaining
problem", *Econometrica* 18): the package ``k`` maximising ``(u1_k - d1)(u2_k - d2)`` among those
with ``u_k >= d``, found by :func:`zopa.bargain.nash_solution` (on expected-utility gains for
the CARA parties the problem declares, as :func:`zopa.analysis.analyze_problem` does); the costs already paid are sunk,
so the payoff is ``u_k - c`` and ``d = V(outcome) - c``.  Where no package is individually rational
for ``d`` the outcome itself stands.  Walking away, backing down and conceding end as before, and
the disagreement game is built without this continuation (its value is the threat point from
which bargaining would continue).  The tree's shape and labels are unchanged; a bargained
terminal's label gains ``→ bargain: <package>``.

Standard errors.  Terminal payoffs carry per-path influence values (:mod:`zopa.threats.paths`),
so every comparison the solver makes — a decision margin, a threat's shortfall, a chance node's
expectation — has the paired standard error of the common-random-number paths
(:mod:`zopa.threats.game`).  A bargained terminal's package has per-path values only when
``problem_paths`` supplies them on the same paths; without them comparisons involving it fall
back to the unpaired (conservative) figure, and the result says so in its notes.

Moves by both parties.  A declared tree lets either party move at any node.  The fixed tree has one
threatener, the party of the first declared move; moves declared by the other party are not dropped silently: they are left out of the tree,
listed in :attr:`ThreatAnalysis.left_out` and a note, and enter Nash's simultaneous
variable-threat game (:func:`zopa.threats.variable_scenario.analyze_variable_threats`), where
either side may threaten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zopa.results import Measure, PartyValue, PerParty, Provenance, measure_of, per_party_estimates
from zopa.threats.efg import to_efg
from zopa.threats.credibility import ThreatCheck, credible_threats
from zopa.threats.game import Game, Solution, Terminal, backward_induction
from zopa.threats.paths import influence, package_influence, paired_se
from zopa.threats.tree import Outcome, ThreatGraph, declared_packages, scenario_graph, to_game
from zopa.threats.variable import RiskAversion, nash_package
from zopa.threats.variable_scenario import problem_risk_aversion
from zopa.value import Estimate, Valuation, value_scenario

#: ``problem_paths(party, k)``: per-path values (USD bn, own beliefs) of the problem's package ``k``.
ProblemPaths = Callable[[str, int], np.ndarray]


@dataclass(frozen=True)
class ThreatAnalysis:
    """The solved threat game of a scenario.

    ``shift_values[p]`` is ``d_p - V_p(status quo)`` with its paired SE: how far the threat-adjusted
    disagreement point moves each side from the plain status quo (``shift[p]``: the same as a
    ``(value, se)`` pair).  ``measures[p]`` says whether ``p``'s payoffs are certainty equivalents or
    means.  ``left_out`` names the moves of the responder, which the sequential tree does not model
    (see the module docstring); ``bargained`` says whether carried-out threats are followed by
    bargaining; ``provenance`` the valuation's seed and paths behind the payoffs.
    """

    game: Game
    solution: Solution
    checks: tuple[ThreatCheck, ...]
    disagreement_game: Game
    disagreement: Solution
    outcomes: dict[str, dict[str, Estimate]]
    threatener: str
    responder: str
    labels: dict[str, str]
    shift_values: PerParty = field(default_factory=dict)
    left_out: tuple[str, ...] = ()
    bargained: bool = False
    notes: tuple[str, ...] = ()
    graph: ThreatGraph | None = None
    measures: Mapping[str, Measure] = field(default_factory=dict)
    provenance: Provenance | None = None

    @property
    def disagreement_point(self) -> dict[str, float]:
        """Each side's value if bargaining fails and threats play out (subgame-perfect)."""
        return dict(self.disagreement.value)

    @property
    def shift(self) -> dict[str, tuple[float, float]]:
        """``party -> (d_p - V_p(status quo), paired SE)``: :attr:`shift_values` as pairs."""
        return {p: v.pair for p, v in self.shift_values.items()}

    def _values(self, solution: Solution) -> dict[str, PartyValue]:
        return {p: PartyValue(v, solution.value_se[p], self.measures.get(p, "mean")) for p, v in solution.value.items()}

    @property
    def disagreement_values(self) -> dict[str, PartyValue]:
        """The threat-adjusted disagreement point with its standard errors."""
        return self._values(self.disagreement)

    @property
    def equilibrium_values(self) -> dict[str, PartyValue]:
        """Each side's value of subgame-perfect play (the game with the deal on the table)."""
        return self._values(self.solution)

    @property
    def outcome_values(self) -> dict[str, dict[str, PartyValue]]:
        """``package -> party -> value`` of every outcome package (own beliefs)."""
        return {pkg: per_party_estimates(v) for pkg, v in self.outcomes.items()}

    def efg(self, title: str) -> str:
        """The game in Gambit's .efg format (terminal payoffs only)."""
        return to_efg(self.game, title)


def threat_packages(scenario: Any) -> list[str]:
    """Every package the threat games (sequential and variable-threat) can end in."""
    t = scenario.threats
    names = declared_packages(scenario) | {scenario.meta.status_quo}
    for move in t.moves.values():
        names |= {move.if_success, move.if_failure}
    return sorted(names)


def threatener_of(scenario: Any) -> str:
    """The sequential game's first mover: the party of the first declared move, or the first to
    decide in the declared tree."""
    if getattr(scenario.threats, "tree", None) is not None:
        return scenario_graph(scenario).first_mover()
    return next(iter(scenario.threats.moves.values())).by


def sequential_moves(scenario: Any) -> dict[str, Any]:
    """The moves in the fixed sequential tree: the threatener's, in declaration order (none with a
    declared tree, whose nodes are its own)."""
    if getattr(scenario.threats, "tree", None) is not None:
        return {}
    threatener = threatener_of(scenario)
    return {name: m for name, m in scenario.threats.moves.items() if m.by == threatener}


@dataclass(frozen=True)
class _Settle:
    """Nash bargaining over a problem after a carried-out threat (module docstring)."""

    parties: tuple[str, str]
    utility: np.ndarray  # (2, K) in ``parties`` order
    utility_se: np.ndarray  # (2, K)
    name: Callable[[int], str]
    psi: Callable[[int], np.ndarray | None]
    risk_aversion: RiskAversion = (None, None)

    def __call__(self, outcome: Terminal, costs: dict[str, float]) -> Terminal:
        c = np.array([costs.get(p, 0.0) for p in self.parties])
        u = self.utility - c[:, None]
        d = (outcome.payoffs[self.parties[0]], outcome.payoffs[self.parties[1]])
        k = nash_package(u[0], u[1], *d, risk_aversion=self.risk_aversion)
        if k is None:
            return outcome
        psi = self.psi(k)
        return Terminal({p: float(u[i, k]) for i, p in enumerate(self.parties)},
                        {p: float(self.utility_se[i, k]) for i, p in enumerate(self.parties)},
                        label=f"{outcome.label} → bargain: {self.name(k)}",
                        influence=None if psi is None else {p: psi[i] for i, p in enumerate(self.parties)})


def _settler(problem: Any, parties: tuple[str, str], valuation: Valuation,
             problem_paths: ProblemPaths | None) -> _Settle:
    order = [list(problem.parties).index(p) for p in parties]
    utility = np.asarray(problem.utility, dtype=float)[order]
    se = np.zeros_like(utility) if problem.utility_se is None else np.asarray(problem.utility_se, dtype=float)[order]

    def name(k: int) -> str:
        return problem.labels[k] if k < len(problem.labels) else "; ".join(f"{a}: {b}" for a, b in problem.describe(k).items())

    def psi(k: int) -> np.ndarray | None:
        if problem_paths is None:
            return None
        x = [np.asarray(problem_paths(p, k), dtype=float) for p in parties]
        if any(v.shape != (valuation.n_paths,) for v in x):
            return None
        return np.stack([influence(v, valuation.risk_aversion(p)) for v, p in zip(x, parties, strict=True)])

    return _Settle(parties, utility, se, name, psi, problem_risk_aversion(problem, order))


def build_threat_game(scenario: Any, valuation: Valuation, include_baseline: bool = True, problem: Any = None,
                      problem_paths: ProblemPaths | None = None, graph: ThreatGraph | None = None) -> Game:
    """The game tree with payoffs from ``valuation`` (which must cover :func:`threat_packages`).

    The tree is ``graph``, by default the scenario's (:func:`~zopa.threats.tree.scenario_graph`:
    its declared ``[threats.tree]``, else the compiled fixed game, in which only the threatener's
    moves (:func:`sequential_moves`) are).  ``include_baseline=False``: the game without the deal on
    the table (:func:`~zopa.threats.tree.to_game`).  With ``problem`` (a
    :class:`~zopa.analysis.DealProblem`) outcomes marked ``bargain`` — in the fixed game those
    reached by carrying out a threat — are followed by Nash bargaining over its packages (module
    docstring); ``problem_paths`` pairs their SEs.
    """
    parties = tuple(scenario.party_ids)
    graph = scenario_graph(scenario) if graph is None else graph
    settle = None if problem is None else _settler(problem, parties, valuation, problem_paths)  # type: ignore[arg-type]

    def leaf(node: Outcome, package: str) -> Terminal:
        costs = node.cost
        worth = {p: valuation.party_value(package, p).shifted(costs.get(p, 0.0)) for p in parties}
        values = {p: v.value for p, v in worth.items()}
        errors = {p: v.se for p, v in worth.items()}
        paths = {p: package_influence(valuation, package, p) for p in parties}
        name = scenario.packages[package].label
        reached = Terminal(values, errors, label=f"{node.label}: {name}" if node.label else name, influence=paths)
        return settle(reached, costs) if settle is not None and node.bargain else reached

    return to_game(graph, leaf, deal=include_baseline)


def _shift(scenario: Any, valuation: Valuation, disagreement: Solution) -> dict[str, PartyValue]:
    """``d_p - V_p(status quo)`` with its paired SE (unpaired bound without influence values)."""
    sq = scenario.meta.status_quo
    out = {}
    for p in scenario.party_ids:
        base = valuation.party_value(sq, p)
        diff = disagreement.value[p] - base.value
        if disagreement.value_influence is None:
            se = disagreement.value_se[p] + base.se
        else:
            se = float(paired_se(disagreement.value_influence[p] - package_influence(valuation, sq, p)))
        out[p] = PartyValue(diff, se, base.measure)
    return out


def _notes(scenario: Any, left_out: tuple[str, ...], problem: Any, paired: bool, graph: ThreatGraph) -> tuple[str, ...]:
    notes = []
    declared = getattr(scenario.threats, "tree", None) is not None
    if left_out:
        other = scenario.other(threatener_of(scenario))
        notes.append(f"Moves by {other} ({', '.join(left_out)}) are not in this sequential game, whose threatener is "
                     f"{threatener_of(scenario)}; they enter Nash's variable-threat game, where both sides threaten at once.")
    if declared and scenario.threats.moves:
        notes.append("The sequential game is the declared tree; the declared moves enter Nash's variable-threat game.")
    if declared and not graph.has_deal:
        notes.append("No outcome of the tree is the deal on the table (deal = true): the threat point is the game's "
                     "own value.")
    if problem is not None:
        what = "An outcome marked bargain" if declared else "A carried-out threat"
        notes.append(f"{what} is followed by Nash bargaining over the deal's packages from the outcome it "
                     "leaves (threat and court costs sunk); where no package beats that outcome, it stands.")
        if not paired:
            notes.append("Comparisons involving a post-threat settlement use unpaired (conservative) standard errors: "
                         "its package has no per-path values on these paths.")
    return tuple(notes)


def analyze_threats(scenario: Any, n_paths: int = 20_000, seed: int = 0, valuation: Valuation | None = None,
                    problem: Any = None, *, problem_paths: ProblemPaths | None = None) -> ThreatAnalysis:
    """Value the outcome packages, build and solve the threat game and its disagreement subgame.

    ``problem`` (a :class:`~zopa.analysis.DealProblem`): bargaining continues after a carried-out
    threat (module docstring); without it the game is as before.  ``problem_paths(party, k)``:
    per-path values of the problem's package ``k`` on the valuation's paths, to pair the
    standard errors of comparisons with post-threat settlements.
    """
    if scenario.threats is None:
        raise ValueError("the scenario has no [threats] section; declare moves to analyse threats")
    needed = threat_packages(scenario)
    if valuation is None or not set(needed) <= set(valuation.packages):
        valuation = value_scenario(scenario, n_paths, seed, packages=needed)
    graph = scenario_graph(scenario)
    game = build_threat_game(scenario, valuation, problem=problem, problem_paths=problem_paths, graph=graph)
    solution = backward_induction(game)
    no_deal = build_threat_game(scenario, valuation, include_baseline=False, graph=graph)
    disagreement = backward_induction(no_deal)
    threatener = graph.first_mover()
    outcomes = {pkg: {p: valuation.estimate(pkg, p) for p in scenario.party_ids} for pkg in needed}
    labels = {name: move.label for name, move in scenario.threats.moves.items()}
    left_out = () if getattr(scenario.threats, "tree", None) is not None else tuple(
        name for name in scenario.threats.moves if name not in sequential_moves(scenario))
    paired = solution.value_influence is not None
    made = valuation.provenance.derived(
        "threat game (subgame-perfect, backward induction)", tree="declared" if declared_tree(scenario) else "fixed",
        bargained=problem is not None, threatener=threatener)
    return ThreatAnalysis(game, solution, credible_threats(game, solution), no_deal, disagreement,
                          outcomes, threatener, scenario.other(threatener), labels,
                          shift_values=_shift(scenario, valuation, disagreement), left_out=left_out,
                          bargained=problem is not None, notes=_notes(scenario, left_out, problem, paired, graph),
                          graph=graph, measures={p: measure_of(valuation.risk_aversion(p)) for p in scenario.party_ids},
                          provenance=made)


def declared_tree(scenario: Any) -> bool:
    """Whether the scenario declares its own ``[threats.tree]`` (else the fixed game is compiled)."""
    return getattr(scenario.threats, "tree", None) is not None
