"""A threat game declared in the scenario: ``[threats.tree]``, a game tree of named nodes.

Three kinds of node, each a table under ``[threats.tree.nodes.<id>]`` with a ``kind``:

* ``decision`` — ``player`` (a party id) picks one of ``actions``, a table ``action name → node
  id`` (in the order written: exact ties go to the earlier action); ``threats`` lists the actions
  that are threats, whose credibility is checked (:func:`~zopa.threats.credibility.credible_threats`);
* ``chance`` — ``outcomes``, a table ``outcome name → { to = node id, probability = Quantity }``;
  the probability may differ per party (each side evaluates the node under its own beliefs: the
  mean of its belief), and at most one outcome may leave it out, taking the rest, ``1 - sum`` of
  the others, under each party's beliefs;
* ``terminal`` — a ``package`` valued by the engine, less ``cost`` (a table party → Quantity, USD
  bn of present value that party pays on the way there, under its own beliefs); ``bargain = true``
  lets Nash bargaining over the deal problem follow this outcome (:mod:`zopa.threats.scenario`);
  ``deal = true`` marks an agreement on the deal on the table, which the threat point leaves out
  (an action to it is dropped, or leads to package ``if_no_deal`` when one is named; naming one
  implies ``deal = true``).

``root`` names the first node.  Nodes may be shared by several parents (the game is the tree they
unfold to), in any order and depth; either party may move at any node.  The checks of
:func:`tree_problems` (unknown nodes, parties, packages and actions, cycles, nodes without
branches, probabilities that do not sum to 1) run with the scenario's other reference checks and
give one line each.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field

#: Largest number of nodes a declared tree may unfold to (shared nodes count once per parent).
MAX_UNFOLDED_NODES = 100_000
#: Probabilities of a chance node must sum to 1 within this (each party's means).
PROBABILITY_TOLERANCE = 1e-9

Problem = tuple[str, str, str | None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TreeDecision(_Model):
    """``player`` chooses one of ``actions`` (action name → node id); ``threats``: the actions that
    are threats."""

    kind: Literal["decision"]
    player: str = Field(description="party id of the player who chooses here")
    label: str = ""
    actions: dict[str, str] = Field(default_factory=dict, description="action name → node id, in order")
    threats: list[str] = Field(default_factory=list, description="actions that are threats")


class TreeOutcome(_Model):
    """One outcome of a chance node: the node it leads to and its probability (none: the rest)."""

    to: str = Field(description="node id this outcome leads to")
    probability: Quantity | None = quantity_field("probability", "chance of this outcome (absent: the rest)", None)


class TreeChance(_Model):
    """Nature picks one of ``outcomes``; each party weighs them with its own probabilities."""

    kind: Literal["chance"]
    label: str = ""
    outcomes: dict[str, TreeOutcome] = Field(default_factory=dict, description="outcome name → outcome")


class TreeTerminal(_Model):
    """End of play: ``package``'s value to each party, less what it paid on the way (``cost``)."""

    kind: Literal["terminal"]
    package: str = Field(description="package id whose value each party gets here")
    label: str = ""
    cost: dict[str, Quantity] = quantity_field("money", "USD bn each party pays on the way here, by party", {})
    bargain: bool = Field(False, description="Nash bargaining over the deal problem follows this outcome")
    deal: bool = Field(False, description="an agreement on the deal on the table (left out of the threat point)")
    if_no_deal: str | None = Field(None, description="package reached instead when no deal is on the table")

    @property
    def is_deal(self) -> bool:
        return self.deal or self.if_no_deal is not None


TreeNode = Annotated[Union[TreeDecision, TreeChance, TreeTerminal], Field(discriminator="kind")]


class ThreatTree(_Model):
    """A declared threat game: named ``nodes`` and the ``root`` play starts from."""

    root: str = Field(description="node id where play starts")
    nodes: dict[str, TreeNode] = Field(default_factory=dict, description="node id → decision, chance or terminal node")


def children(node: Any) -> list[tuple[str, str, str]]:
    """``(field path under the node, branch name, child id)`` of a declared node."""
    if isinstance(node, TreeDecision):
        return [(f"actions.{a}", a, to) for a, to in node.actions.items()]
    if isinstance(node, TreeChance):
        return [(f"outcomes.{o}.to", o, out.to) for o, out in node.outcomes.items()]
    return []


def tree_packages(tree: ThreatTree) -> set[str]:
    """Every package a declared tree can end in (``if_no_deal`` included)."""
    out: set[str] = set()
    for node in tree.nodes.values():
        if isinstance(node, TreeTerminal):
            out.add(node.package)
            if node.if_no_deal is not None:
                out.add(node.if_no_deal)
    return out


def _mean(quantity: Quantity, party: str) -> float | None:
    """A probability's mean under ``party``'s beliefs (None when that belief is missing)."""
    if quantity.shared is None and party not in (quantity.by_party or {}):
        return None
    return float(quantity.for_party(party).mean())


def outcome_probabilities(node: TreeChance, party: str) -> dict[str, float] | None:
    """Each outcome's probability under ``party``'s beliefs, the rest to the outcome without one
    (None when a belief is missing)."""
    given: dict[str, float] = {}
    rest = [name for name, o in node.outcomes.items() if o.probability is None]
    for name, o in node.outcomes.items():
        if o.probability is not None:
            p = _mean(o.probability, party)
            if p is None:
                return None
            given[name] = p
    out = {name: given.get(name, 0.0) for name in node.outcomes}
    if len(rest) == 1:
        out[rest[0]] = 1.0 - sum(given.values())
    return out


def tree_problems(scenario: Any) -> list[Problem]:
    """Problems of ``[threats.tree]`` as ``(TOML path, message, suggestion)``, one per problem."""
    threats = scenario.threats
    tree = getattr(threats, "tree", None) if threats is not None else None
    if tree is None:
        return []
    base = "threats.tree"
    out: list[Problem] = []
    ids, parties, packages = list(tree.nodes), list(scenario.parties), list(scenario.packages)

    def ref(path: str, name: str | None, known: list[str], what: str) -> None:
        if name is not None and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            out.append((path, f"undefined {what} {name!r}",
                        f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(known) or 'none'}"))

    ref(f"{base}.root", tree.root, ids, "node")
    for nid, node in tree.nodes.items():
        at = f"{base}.nodes.{nid}"
        for field, _, child in children(node):
            ref(f"{at}.{field}", child, ids, "node")
        if isinstance(node, TreeDecision):
            ref(f"{at}.player", node.player, parties, "party")
            if not node.actions:
                out.append((f"{at}.actions", "a decision node needs at least one action",
                            'add actions = { "action name" = "node id" }'))
            for threat in node.threats if node.actions else ():
                ref(f"{at}.threats", threat, list(node.actions), "action")
        elif isinstance(node, TreeChance):
            out.extend(_chance_problems(at, node, parties))
        else:
            ref(f"{at}.package", node.package, packages, "package")
            ref(f"{at}.if_no_deal", node.if_no_deal, packages, "package")
            for pid in node.cost:
                ref(f"{at}.cost.{pid}", pid, parties, "party")
    out.extend(_cycle_problems(tree, base))
    if not out:
        out.extend(_no_deal_problems(tree, base))
    if not out and unfolded_size(tree) > MAX_UNFOLDED_NODES:
        out.append((base, f"the tree unfolds to more than {MAX_UNFOLDED_NODES:,} nodes",
                    "share fewer nodes between parents"))
    return out


def _chance_problems(at: str, node: TreeChance, parties: list[str]) -> list[Problem]:
    if not node.outcomes:
        return [(f"{at}.outcomes", "a chance node needs at least one outcome",
                 'add outcomes.<name> = { to = "node id", probability = { value = 0.5, source = "..." } }')]
    rest = [name for name, o in node.outcomes.items() if o.probability is None]
    if len(rest) > 1:
        return [(f"{at}.outcomes.{rest[1]}.probability", f"outcomes {', '.join(map(repr, rest))} have no probability; "
                 "only one outcome may take the rest", "give every outcome but one a probability")]
    for party in parties:
        probs = outcome_probabilities(node, party)
        if probs is None or any(not 0.0 <= p <= 1.0 for name, p in probs.items() if name not in rest):
            continue  # a missing belief or one outside [0, 1] is reported at the quantity
        given = sum(p for name, p in probs.items() if name not in rest)
        if rest and given > 1.0 + PROBABILITY_TOLERANCE:
            return [(f"{at}.outcomes", f"under {party}'s beliefs the probabilities sum to {given:.6g} before "
                     f"{rest[0]!r} takes the rest; expected at most 1", None)]
        if not rest and abs(given - 1.0) > PROBABILITY_TOLERANCE:
            return [(f"{at}.outcomes", f"under {party}'s beliefs the probabilities sum to {given:.6g}; expected 1",
                     "leave one outcome's probability out to give it the rest")]
    return []


def _cycle_problems(tree: ThreatTree, base: str) -> list[Problem]:
    """One problem per back edge found by a depth-first search from every node (iterative)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    out: list[Problem] = []
    for start in tree.nodes:
        if start in state:
            continue
        path = [start]
        stack: list[Iterator[tuple[str, str, str]]] = [iter(children(tree.nodes[start]))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            field, _, child = step
            if child not in tree.nodes or state.get(child) == 2:
                continue
            if state.get(child) == 1:
                loop = path[path.index(child):] + [child]
                out.append((f"{base}.nodes.{path[-1]}.{field}", f"cycle {' → '.join(loop)}",
                            "a game tree must not lead back to a node it came from"))
                continue
            state[child] = 1
            path.append(child)
            stack.append(iter(children(tree.nodes[child])))
    return out


def _no_deal_problems(tree: ThreatTree, base: str) -> list[Problem]:
    """The threat point drops actions to the deal: something must be left to play (tree acyclic)."""
    def dropped(nid: str) -> bool:
        node = tree.nodes[nid]
        return isinstance(node, TreeTerminal) and node.is_deal and node.if_no_deal is None

    out: list[Problem] = []
    if dropped(tree.root):
        out.append((f"{base}.root", "the root is the deal on the table: without it nothing is left to play",
                    "give the terminal if_no_deal"))
    for nid, node in tree.nodes.items():
        at = f"{base}.nodes.{nid}"
        if isinstance(node, TreeDecision) and node.actions and all(dropped(c) for c in node.actions.values()):
            out.append((f"{at}.actions", "every action leads to the deal on the table: without it nothing is left "
                        "to play", "give one of its terminals if_no_deal, or add an action"))
        if isinstance(node, TreeChance):
            for name, o in node.outcomes.items():
                if dropped(o.to):
                    out.append((f"{at}.outcomes.{name}.to", "a chance outcome cannot lead to the deal on the table "
                                "(deal = true) without if_no_deal", "give the terminal if_no_deal"))
    return out


def unfolded_size(tree: ThreatTree) -> int:
    """Number of nodes the (acyclic) tree unfolds to from its root: ``1 + sum`` over children."""
    size: dict[str, int] = {}
    stack = [(tree.root, False)]
    while stack:  # post-order with an explicit stack; a DAG's shared nodes are sized once
        nid, expanded = stack.pop()
        if nid in size:
            continue
        kids = [c for _, _, c in children(tree.nodes[nid])]
        if expanded:
            size[nid] = 1 + sum(size[c] for c in kids)
        else:
            stack.append((nid, True))
            stack.extend((c, False) for c in kids if c not in size)
    return size[tree.root]
