"""The scenario's threat game as a graph of named nodes, and its unfolding into a :class:`~zopa.threats.game.Game`.

Both ways of declaring threats end here.  A ``[threats.tree]`` (:mod:`zopa.scenario.threat_tree`) is
resolved by :func:`from_spec`: every probability becomes the mean of each party's belief (an
outcome without one takes ``1 - sum`` of the others, per party) and every cost the mean of the
paying party's belief (USD bn).  The fixed game of ``baseline``, ``moves`` and ``responses`` is
compiled by :func:`from_fixed` into the same graph, node for node the tree that
:mod:`zopa.threats.scenario` documents, with the same labels, so both are solved, exported and
reported by one path.

:func:`to_game` unfolds the graph from its root (a node shared by several parents appears under
each) with a caller's function for the terminals' payoffs.  ``deal=False`` builds the game
*without the deal on the table*, whose value is the threat point: an action leading to an
outcome marked ``deal`` is dropped, or, when the outcome names ``if_no_deal``, leads to that
package instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zopa.threats.game import Chance, Decision, Game, GameTreeError, Node, Terminal
from zopa.threats.paths import quantity_mean
from zopa.scenario.threat_tree import ThreatTree, TreeChance, TreeDecision, outcome_probabilities, tree_packages


@dataclass(frozen=True)
class Outcome:
    """A terminal: ``package`` less ``cost[party]`` (USD bn); ``label`` prefixes the package's label."""

    package: str
    label: str = ""
    cost: dict[str, float] = field(default_factory=dict)
    bargain: bool = False
    deal: bool = False
    if_no_deal: str | None = None


@dataclass(frozen=True)
class Move:
    """A decision of ``player`` among ``actions`` ``(name, node id)``; ``threats``: the threat actions."""

    player: str
    actions: tuple[tuple[str, str], ...]
    label: str = ""
    threats: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lottery:
    """A chance node: ``outcomes`` ``(name, party → probability, node id)``."""

    outcomes: tuple[tuple[str, dict[str, float], str], ...]
    label: str = ""


GraphNode = Outcome | Move | Lottery


@dataclass(frozen=True)
class ThreatGraph:
    """Named nodes and a root; ``parties`` in the scenario's order."""

    parties: tuple[str, str]
    root: str
    nodes: dict[str, GraphNode]

    def packages(self) -> set[str]:
        """Every package an outcome names (``if_no_deal`` included)."""
        out: set[str] = set()
        for node in self.nodes.values():
            if isinstance(node, Outcome):
                out |= {node.package} | ({node.if_no_deal} if node.if_no_deal else set())
        return out

    def first_mover(self) -> str:
        """The player of the first decision node in pre-order (the first party when there is none)."""
        stack = [self.root]
        while stack:
            node = self.nodes[stack.pop()]
            if isinstance(node, Move):
                return node.player
            if isinstance(node, Lottery):
                stack.extend(child for _, _, child in reversed(node.outcomes))
        return self.parties[0]

    @property
    def has_deal(self) -> bool:
        """Whether some outcome is the deal on the table (then the threat point differs from the game)."""
        return any(isinstance(n, Outcome) and n.deal for n in self.nodes.values())


def from_spec(tree: ThreatTree, parties: tuple[str, str]) -> ThreatGraph:
    """Resolve a declared tree's quantities to each party's means (module docstring)."""
    nodes: dict[str, GraphNode] = {}
    for nid, node in tree.nodes.items():
        if isinstance(node, TreeDecision):
            nodes[nid] = Move(node.player, tuple(node.actions.items()), node.label, frozenset(node.threats))
        elif isinstance(node, TreeChance):
            probs = {p: outcome_probabilities(node, p) for p in parties}
            if any(v is None for v in probs.values()):
                raise GameTreeError(f"chance node {nid!r}: every party needs a belief about each probability")
            nodes[nid] = Lottery(tuple((name, {p: probs[p][name] for p in parties}, o.to)  # type: ignore[index]
                                       for name, o in node.outcomes.items()), node.label)
        else:
            cost = {p: quantity_mean(q, p) for p, q in node.cost.items()}
            nodes[nid] = Outcome(node.package, node.label, cost, node.bargain, node.is_deal, node.if_no_deal)
    return ThreatGraph(parties, tree.root, nodes)


def from_fixed(scenario: Any) -> ThreatGraph:
    """The fixed game of ``baseline``, the threatener's ``moves`` and ``responses`` as a graph.

    The threatener T is the party of the first move, R the other; only T's moves are in the tree
    (R's enter Nash's variable-threat game).  Costs: T pays the move's cost (its belief's mean),
    each side the court cost under its own belief; probabilities: each side's own means.
    """
    t = scenario.threats
    parties = tuple(scenario.party_ids)
    sq = scenario.meta.status_quo
    threatener = next(iter(t.moves.values())).by
    responder = scenario.other(threatener)
    win = {p: quantity_mean(t.responses.litigate_win, p) for p in parties}
    court = {p: quantity_mean(t.responses.litigate_cost, p) for p in parties}
    nodes: dict[str, GraphNode] = {
        "baseline": Outcome(t.baseline, "baseline", deal=True),
        "walk away": Outcome(sq, "no deal"),
    }
    root_actions = [(f"accept {t.baseline}", "baseline"), ("walk away", "walk away")]
    threats = set()
    for name, move in t.moves.items():
        if move.by != threatener:
            continue
        cost = {threatener: quantity_mean(move.cost, threatener)}
        both = {p: cost.get(p, 0.0) + court[p] for p in parties}
        success = {p: quantity_mean(move.success, p) for p in parties}
        n = lambda part: f"{name}/{part}"  # noqa: E731
        nodes.update({
            n("defeated"): Outcome(move.if_failure, "threat defeated", both, bargain=True),
            n("upheld"): Outcome(move.if_success, "threat upheld", both, bargain=True),
            n("court"): Lottery(((f"{responder} wins in court", win, n("defeated")),
                                 (f"{responder} loses in court", {p: 1 - win[p] for p in parties}, n("upheld"))),
                                label=f"court on {name}"),
            n("succeeds"): Outcome(move.if_success, "threat succeeds", cost, bargain=True),
            n("after success"): Move(responder, (("accept", n("succeeds")), ("litigate", n("court"))),
                                     f"{responder} after {name} succeeds", frozenset({"litigate"})),
            n("fails"): Outcome(move.if_failure, "threat fails", cost, bargain=True),
            n("carried out"): Lottery(((f"{name} succeeds", success, n("after success")),
                                       (f"{name} fails", {p: 1 - success[p] for p in parties}, n("fails"))),
                                      label=f"{name} carried out"),
            n("backed down"): Outcome(t.baseline, "backed down", deal=True, if_no_deal=sq),
            n("follow"): Move(threatener, ((f"carry out {name}", n("carried out")), ("back down", n("backed down"))),
                              f"{threatener} after refusal of {name}", frozenset({f"carry out {name}"})),
            n("concession"): Outcome(t.responses.concede, "concession"),
            n("reply"): Move(responder, (("concede", n("concession")), ("refuse", n("follow"))),
                             f"{responder} answers {name}"),
        })
        root_actions.append((f"threaten: {name}", n("reply")))
        threats.add(f"threaten: {name}")
    nodes["root"] = Move(threatener, tuple(root_actions), f"{threatener} moves", frozenset(threats))
    return ThreatGraph(parties, "root", nodes)  # type: ignore[arg-type]


def scenario_graph(scenario: Any) -> ThreatGraph:
    """The scenario's threat game: its declared tree, else the compiled fixed game."""
    tree = getattr(scenario.threats, "tree", None)
    return from_spec(tree, tuple(scenario.party_ids)) if tree is not None else from_fixed(scenario)  # type: ignore[arg-type]


def declared_packages(scenario: Any) -> set[str]:
    """The packages of the scenario's threat game, without building it."""
    t = scenario.threats
    tree = getattr(t, "tree", None)
    if tree is not None:
        return tree_packages(tree)
    return {t.baseline, scenario.meta.status_quo, t.responses.concede} | {
        pkg for m in t.moves.values() for pkg in (m.if_success, m.if_failure)}


Leaf = Callable[[Outcome, str], Terminal]


def to_game(graph: ThreatGraph, leaf: Leaf, *, deal: bool = True) -> Game:
    """Unfold ``graph`` into a game; ``leaf(outcome, package)`` gives a terminal's payoffs (the
    package is ``outcome.if_no_deal`` where the deal is off the table).  ``deal=False``: without
    the deal on the table (module docstring).  Shared nodes are built once and reused."""
    built: dict[str, Node | None] = {}

    def build(nid: str) -> Node | None:  # None: dropped (the deal, off the table)
        if nid in built:
            return built[nid]
        node = graph.nodes[nid]
        out: Node | None
        if isinstance(node, Outcome):
            if deal or not node.deal:
                out = leaf(node, node.package)
            else:
                out = None if node.if_no_deal is None else leaf(node, node.if_no_deal)
        elif isinstance(node, Lottery):
            kids = [(name, p, build(child)) for name, p, child in node.outcomes]
            if any(k is None for _, _, k in kids):
                raise GameTreeError(f"chance node {nid!r} leads to the deal on the table without if_no_deal")
            out = Chance(tuple(kids), label=node.label)  # type: ignore[arg-type]
        else:
            kept = [(name, k) for name, child in node.actions if (k := build(child)) is not None]
            if not kept:
                raise GameTreeError(f"decision node {nid!r}: every action leads to the deal on the table")
            names = {name for name, _ in kept}
            out = Decision(node.player, tuple(kept), label=node.label, threats=node.threats & names)
        built[nid] = out
        return out

    root = build(graph.root)
    if root is None:
        raise GameTreeError("the root is the deal on the table: without it nothing is left to play")
    return Game(graph.parties, root)
