"""The threat game a scenario declares, with payoffs from the valuation engine.

For the threatener T (e.g. OpenAI) and the responder R (e.g. Microsoft)::

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
equivalent when risk averse), less the move's cost to T and the court costs to both. Backward
induction gives the subgame-perfect play; a threat is credible when T would carry it out if R
refused. The *threat-adjusted disagreement point* is the value of the same game without the
baseline deal (accepting it, or backing down to it): what each side expects if bargaining fails
and threats play out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zopa.threats.efg import to_efg
from zopa.threats.game import Chance, Decision, Game, Solution, Terminal, ThreatCheck, backward_induction, credible_threats
from zopa.value import Estimate, Valuation, value_scenario


@dataclass(frozen=True)
class ThreatAnalysis:
    """The solved threat game of a scenario."""

    game: Game
    solution: Solution
    checks: tuple[ThreatCheck, ...]
    disagreement_game: Game
    disagreement: Solution
    outcomes: dict[str, dict[str, Estimate]]
    threatener: str
    responder: str
    labels: dict[str, str]

    @property
    def disagreement_point(self) -> dict[str, float]:
        """Each side's value if bargaining fails and threats play out (subgame-perfect)."""
        return dict(self.disagreement.value)

    def efg(self, title: str) -> str:
        """The game in Gambit's .efg format (terminal payoffs only)."""
        return to_efg(self.game, title)


def threat_packages(scenario: Any) -> list[str]:
    """Every package the threat game can end in."""
    t = scenario.threats
    names = {t.baseline, scenario.meta.status_quo, t.responses.concede}
    for move in t.moves.values():
        names |= {move.if_success, move.if_failure}
    return sorted(names)


def build_threat_game(scenario: Any, valuation: Valuation, include_baseline: bool = True) -> Game:
    """The game tree with payoffs from ``valuation`` (which must cover :func:`threat_packages`)."""
    t = scenario.threats
    parties = tuple(scenario.party_ids)
    threatener = next(iter(t.moves.values())).by
    responder = scenario.other(threatener)

    def mean(q: Any, party: str) -> float:
        return float(q.for_party(party).mean()) if q is not None else 0.0

    def outcome(package: str, label: str, costs: dict[str, float] | None = None) -> Terminal:
        costs = costs or {}
        values = {p: valuation.estimate(package, p).value - costs.get(p, 0.0) for p in parties}
        errors = {p: valuation.estimate(package, p).value_se for p in parties}
        return Terminal(values, errors, label=f"{label}: {scenario.packages[package].label}")

    win = {p: mean(t.responses.litigate_win, p) for p in parties}
    court = {p: mean(t.responses.litigate_cost, p) for p in parties}
    root_actions: list[tuple[str, Any]] = []
    if include_baseline:
        root_actions.append((f"accept {t.baseline}", outcome(t.baseline, "baseline")))
    root_actions.append(("walk away", outcome(scenario.meta.status_quo, "no deal")))
    threats = set()
    for name, move in t.moves.items():
        cost = {threatener: mean(move.cost, threatener)}
        both = {p: cost.get(p, 0.0) + court[p] for p in parties}
        success = {p: mean(move.success, p) for p in parties}
        litigation = Chance(
            ((f"{responder} wins in court", win, outcome(move.if_failure, "threat defeated", both)),
             (f"{responder} loses in court", {p: 1 - win[p] for p in parties}, outcome(move.if_success, "threat upheld", both))),
            label=f"court on {name}",
        )
        after_success = Decision(responder, (("accept", outcome(move.if_success, "threat succeeds", cost)),
                                             ("litigate", litigation)),
                                 label=f"{responder} after {name} succeeds", threats=frozenset({"litigate"}))
        carried = Chance(((f"{name} succeeds", success, after_success),
                          (f"{name} fails", {p: 1 - success[p] for p in parties},
                           outcome(move.if_failure, "threat fails", cost))), label=f"{name} carried out")
        fallback = outcome(t.baseline, "backed down") if include_baseline else outcome(scenario.meta.status_quo, "backed down")
        follow = Decision(threatener, ((f"carry out {name}", carried), ("back down", fallback)),
                          label=f"{threatener} after refusal of {name}", threats=frozenset({f"carry out {name}"}))
        reply = Decision(responder, (("concede", outcome(t.responses.concede, "concession")), ("refuse", follow)),
                         label=f"{responder} answers {name}")
        root_actions.append((f"threaten: {name}", reply))
        threats.add(f"threaten: {name}")
    root = Decision(threatener, tuple(root_actions), label=f"{threatener} moves", threats=frozenset(threats))
    return Game(parties, root)  # type: ignore[arg-type]


def analyze_threats(scenario: Any, n_paths: int = 20_000, seed: int = 0, valuation: Valuation | None = None) -> ThreatAnalysis:
    """Value the outcome packages, build and solve the threat game and its disagreement subgame."""
    if scenario.threats is None:
        raise ValueError("the scenario has no [threats] section; declare moves to analyse threats")
    needed = threat_packages(scenario)
    if valuation is None or not set(needed) <= set(valuation.packages):
        valuation = value_scenario(scenario, n_paths, seed, packages=needed)
    game = build_threat_game(scenario, valuation)
    solution = backward_induction(game)
    no_deal = build_threat_game(scenario, valuation, include_baseline=False)
    threatener = next(iter(scenario.threats.moves.values())).by
    outcomes = {pkg: {p: valuation.estimate(pkg, p) for p in scenario.party_ids} for pkg in needed}
    labels = {name: move.label for name, move in scenario.threats.moves.items()}
    return ThreatAnalysis(game, solution, credible_threats(game, solution), no_deal, backward_induction(no_deal),
                          outcomes, threatener, scenario.other(threatener), labels)
