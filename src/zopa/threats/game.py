"""Two-player perfect-information threat games and their subgame-perfect equilibrium.

A game is a tree of plain frozen dataclasses:

* :class:`Terminal` — a payoff per player (value units, e.g. USD billions of present value),
  optionally the Monte Carlo standard error of each payoff and its per-path *influence* values
  (below);
* :class:`Chance` — named outcomes, each with a probability that may differ per player (each
  side evaluates the node under its own beliefs), and a child;
* :class:`Decision` — a mover, named actions each leading to a child, and the subset of
  actions that are *threats* (moves announced to influence the other side).

:func:`backward_induction` solves it from the leaves up.  The value of a node to player
``i`` is its payoff at a terminal, ``sum_o p_i(o) * v_i(child_o)`` at a chance node (own
beliefs ``p_i``), and the value of the mover's chosen child at a decision node, where the
mover picks the action maximising *its own* value; exact ties go to the earlier action in
the node's order.

Standard errors.  A Monte Carlo payoff estimated on ``N`` common paths is, to first order, the
mean of per-path *influence values* ``psi`` (the per-path values themselves for a mean; for a
CARA certainty equivalent ``CE = -ln E[exp(-aV)]/a`` the delta method gives
``psi = -exp(-a(V - CE))/a`` up to a constant), so any linear combination ``sum_j c_j v_j`` of
payoffs on the same paths has standard error ``sd(sum_j c_j psi_j)/sqrt(N)`` — the *paired*
standard error, which keeps the correlation common random numbers induce (Glasserman 2004,
*Monte Carlo Methods in Financial Engineering*, ch. 4; van der Vaart 1998, *Asymptotic
Statistics*, ch. 3).  When every terminal below a node carries influence values (all of the
same length ``N``), a chance node's are ``sum_o p_i(o) * psi_i(child_o)``, its standard error
``sd(psi_i)/sqrt(N)``, and a decision node's those of the chosen child.  Without them a chance
node gets ``sum_o p_i(o) * se_i(child_o)`` (a bound that holds whatever the correlation of the
Monte Carlo errors).  The *margin* of a decision is the mover's value of the chosen action less
that of the best other action; its standard error is the paired one,
``sd(psi_chosen - psi_runner_up)/sqrt(N)``, when both actions carry influence values, else
``sqrt(se_chosen**2 + se_runner_up**2)`` (exact for independent estimates, conservative for
positively correlated ones such as common random numbers).  A decision is ``within_noise`` when
``margin < z * margin_se`` under the engine's noise policy (:data:`zopa.noise.NOISE`, ``z = 2``).

A threat is *credible* when its mover would carry it out if its node were reached, i.e. the
mover picks it at that node in the subgame-perfect equilibrium (:func:`~zopa.threats.credibility.credible_threats`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from zopa.noise import NOISE

PROBABILITY_TOLERANCE = 1e-9


class GameTreeError(ValueError):
    """A game tree that is not of the expected form."""


@dataclass(frozen=True)
class Terminal:
    """End of play: ``payoffs[player]`` and, optionally, its Monte Carlo standard error.

    Players left out of ``se`` have standard error 0.  ``influence[player]``, when given (for
    every player), holds the payoff estimator's ``N`` per-path influence values on the paths
    shared by the whole game, so that comparisons are paired (see the module docstring).
    """

    payoffs: Mapping[str, float]
    se: Mapping[str, float] | None = None
    label: str = ""
    influence: Mapping[str, np.ndarray] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "payoffs", {str(k): float(v) for k, v in self.payoffs.items()})
        if self.se is not None:
            object.__setattr__(self, "se", {str(k): float(v) for k, v in self.se.items()})
        if self.influence is not None:
            arrays = {str(k): np.asarray(v, dtype=float) for k, v in self.influence.items()}
            object.__setattr__(self, "influence", arrays)


Probability = float | Mapping[str, float]


@dataclass(frozen=True)
class Chance:
    """Nature moves: ``outcomes`` are ``(label, probability, child)``.

    ``probability`` is one number shared by both players or a mapping ``player -> number``.
    """

    outcomes: tuple[tuple[str, Probability, Node], ...]
    label: str = ""

    def __post_init__(self) -> None:
        outcomes = tuple(
            (str(name), dict(p) if isinstance(p, Mapping) else p, child)
            for name, p, child in self.outcomes
        )
        _check_branches([name for name, _, _ in outcomes], "chance node", self.label)
        object.__setattr__(self, "outcomes", outcomes)


@dataclass(frozen=True, init=False)
class Decision:
    """``player`` picks one of ``actions`` (``(label, child)`` pairs, or a mapping).

    ``threats`` names the actions that are threats, for :func:`~zopa.threats.credibility.credible_threats`.
    The constructor accepts a mapping of actions and a single threat name; both are stored
    normalised, as a tuple of ``(label, child)`` pairs and a frozenset.
    """

    player: str
    actions: tuple[tuple[str, Node], ...]
    label: str
    threats: frozenset[str]

    def __init__(self, player: str, actions: Iterable[tuple[str, Node]] | Mapping[str, Node], label: str = "",
                 threats: AbstractSet[str] | Iterable[str] | str = frozenset()) -> None:
        pairs = actions.items() if isinstance(actions, Mapping) else actions
        normal = tuple((str(name), child) for name, child in pairs)
        names = [name for name, _ in normal]
        _check_branches(names, f"decision node of {player!r}", label)
        given = {threats} if isinstance(threats, str) else threats
        chosen = frozenset(str(name) for name in given)
        if not chosen <= set(names):
            raise GameTreeError(
                f"threats {sorted(chosen - set(names))} at decision node {label!r} "
                "are not among its actions"
            )
        object.__setattr__(self, "player", player)
        object.__setattr__(self, "actions", normal)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "threats", chosen)


Node = Terminal | Chance | Decision


def _check_branches(names: Sequence[str], kind: str, label: str) -> None:
    if not names:
        raise GameTreeError(f"{kind} {label!r} needs at least one branch")
    if len(set(names)) != len(names):
        raise GameTreeError(f"{kind} {label!r} has repeated branch labels {list(names)}")


@dataclass(frozen=True)
class Game:
    """A two-player game tree; ``players`` fixes the order used in vectors and exports."""

    players: tuple[str, str]
    root: Node

    def __post_init__(self) -> None:
        players = tuple(str(p) for p in self.players)
        if len(players) != 2 or players[0] == players[1]:
            raise GameTreeError(f"players must be two distinct names; got {self.players!r}")
        object.__setattr__(self, "players", players)
        lengths: set[int] = set()
        for path, node in walk(self.root):
            _check_node(node, players, path)
            if isinstance(node, Terminal) and node.influence is not None:
                lengths |= {v.size for v in node.influence.values()}
        if len(lengths) > 1:
            raise GameTreeError(f"influence values must all have the same number of paths; got {sorted(lengths)}")

    def probabilities(self, chance: Chance, player: str) -> np.ndarray:
        """Probabilities of ``chance``'s outcomes under ``player``'s beliefs."""
        return np.array([_probability(p, player) for _, p, _ in chance.outcomes])


def _probability(p: Probability, player: str) -> float:
    return float(p[player]) if isinstance(p, Mapping) else float(p)


def walk(root: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Node]]:
    """Every node with its path (branch labels from the root), in pre-order."""
    yield path, root
    for name, child in _branches(root):
        yield from walk(child, (*path, name))


def _branches(node: Node) -> Iterable[tuple[str, Node]]:
    if isinstance(node, Decision):
        return node.actions
    if isinstance(node, Chance):
        return ((name, child) for name, _, child in node.outcomes)
    return ()


def _check_node(node: object, players: tuple[str, ...], path: tuple[str, ...]) -> None:
    where = "/".join(path) or "root"
    if isinstance(node, Terminal):
        _check_terminal(node, players, where)
    elif isinstance(node, Chance):
        _check_chance(node, players, where)
    elif isinstance(node, Decision):
        if node.player not in players:
            raise GameTreeError(
                f"decision node at {where}: mover {node.player!r} is not one of {players}"
            )
    else:
        raise GameTreeError(
            f"node at {where} must be a Terminal, Chance or Decision; got {type(node).__name__}"
        )


def _check_terminal(node: Terminal, players: tuple[str, ...], where: str) -> None:
    se = node.se or {}
    if set(node.payoffs) != set(players):
        raise GameTreeError(
            f"terminal at {where}: payoffs must give a value for each of {players}, and no other"
        )
    if not set(se) <= set(players):
        raise GameTreeError(f"terminal at {where}: se names players outside {players}")
    if not all(np.isfinite(v) for v in [*node.payoffs.values(), *se.values()]):
        raise GameTreeError(f"terminal at {where}: payoffs and standard errors must be finite")
    if any(v < 0 for v in se.values()):
        raise GameTreeError(f"terminal at {where}: standard errors must be >= 0")
    if node.influence is not None:
        if set(node.influence) != set(players):
            raise GameTreeError(f"terminal at {where}: influence must give per-path values for each of {players}")
        arrays = list(node.influence.values())
        if any(a.ndim != 1 or a.size < 2 or not np.isfinite(a).all() for a in arrays):
            raise GameTreeError(f"terminal at {where}: influence values must be finite 1-D arrays of >= 2 paths")


def _check_chance(node: Chance, players: tuple[str, ...], where: str) -> None:
    for _, p, _ in node.outcomes:
        if isinstance(p, Mapping) and set(p) != set(players):
            raise GameTreeError(
                f"chance node at {where}: per-player probabilities must name exactly {players}"
            )
    for player in players:
        probs = np.array([_probability(p, player) for _, p, _ in node.outcomes])
        valid = np.isfinite(probs).all() and (probs >= 0).all()
        if not valid or abs(probs.sum() - 1.0) > PROBABILITY_TOLERANCE:
            raise GameTreeError(
                f"chance node at {where}: {player}'s probabilities must be >= 0 and sum to 1; "
                f"got {probs.tolist()}"
            )


@dataclass(frozen=True)
class NodeChoice:
    """The equilibrium choice at one decision node (values in the mover's own terms).

    ``difference_se[a]`` is the standard error of ``value(chosen) - value(a)`` (0 for the chosen
    action): paired over paths where both actions carry influence values, else the unpaired
    ``sqrt(se_chosen**2 + se_a**2)``; ``paired`` says whether ``margin_se`` is the paired one.
    """

    path: tuple[str, ...]
    label: str
    player: str
    action: str
    runner_up: str | None
    action_values: dict[str, float]
    action_se: dict[str, float]
    margin: float
    margin_se: float
    within_noise: bool
    reached: bool
    difference_se: dict[str, float] = field(default_factory=dict)
    paired: bool = False


@dataclass(frozen=True)
class Solution:
    """Subgame-perfect equilibrium found by backward induction.

    ``path`` lists the equilibrium actions from the root up to the first chance node or
    terminal; ``choices`` holds every decision node in pre-order, with ``reached`` telling
    whether equilibrium play gets there with positive probability under some player's beliefs.
    ``value``/``value_se`` give the root's value to each player under its own beliefs, and
    ``value_influence`` its per-path influence values when every terminal carries them.
    """

    players: tuple[str, str]
    path: tuple[str, ...]
    value: dict[str, float]
    value_se: dict[str, float]
    choices: tuple[NodeChoice, ...]
    value_influence: dict[str, np.ndarray] | None = field(default=None, compare=False, repr=False)

    def choice(self, path: Sequence[str] = ()) -> NodeChoice:
        """The choice at the decision node reached by ``path`` (branch labels from the root)."""
        key = tuple(path)
        for item in self.choices:
            if item.path == key:
                return item
        raise KeyError(f"no decision node at path {key}")

    @property
    def strategy(self) -> dict[tuple[str, ...], str]:
        """The equilibrium strategy profile: decision-node path -> chosen action."""
        return {item.path: item.action for item in self.choices}


# Decision-node path -> (node, index of the chosen action, mover's value and SE of each action,
# mover's influence values of each action or None).
_Raw = dict[tuple[str, ...], tuple[Decision, int, np.ndarray, np.ndarray, list[np.ndarray | None]]]


@dataclass(frozen=True)
class _Solved:
    value: np.ndarray  # (2,) value to each player, in Game.players order
    se: np.ndarray  # (2,) standard error of that value
    influence: np.ndarray | None = None  # (2, N) per-path influence values, when known


def paired_se(influence: np.ndarray) -> np.ndarray:
    """Standard error ``sd(psi)/sqrt(N)`` of the estimate whose per-path influence values are
    ``psi`` (last axis: paths).

    >>> float(paired_se(np.array([1.0, 2.0, 3.0, 4.0])).round(4))
    0.6455
    """
    psi = np.asarray(influence, dtype=float)
    return psi.std(axis=-1, ddof=1) / np.sqrt(psi.shape[-1])


def backward_induction(game: Game) -> Solution:
    """Solve ``game`` for its subgame-perfect equilibrium (see the module docstring).

    >>> entry = Game(("entrant", "incumbent"), Decision("entrant", (
    ...     ("stay out", Terminal({"entrant": 0, "incumbent": 2})),
    ...     ("enter", Decision("incumbent", (
    ...         ("fight", Terminal({"entrant": -1, "incumbent": -1})),
    ...         ("accommodate", Terminal({"entrant": 1, "incumbent": 1})))))),
    ... ))
    >>> backward_induction(entry).path
    ('enter', 'accommodate')
    """
    players = game.players
    raw: _Raw = {}

    def solve(node: Node, path: tuple[str, ...]) -> _Solved:
        if isinstance(node, Terminal):
            se = node.se or {}
            psi = None if node.influence is None else np.stack([node.influence[p] for p in players])
            return _Solved(
                np.array([node.payoffs[p] for p in players]),
                np.array([se.get(p, 0.0) for p in players]),
                psi,
            )
        if isinstance(node, Chance):
            children = [solve(child, (*path, name)) for name, _, child in node.outcomes]
            return _chance(np.stack([game.probabilities(node, p) for p in players]), children)
        children = [solve(child, (*path, name)) for name, child in node.actions]
        mover = players.index(node.player)
        own = np.array([c.value[mover] for c in children])
        own_se = np.array([c.se[mover] for c in children])
        own_psi = [None if c.influence is None else c.influence[mover] for c in children]
        best = int(own.argmax())  # first maximum: ties go to the earlier action
        raw[path] = (node, best, own, own_se, own_psi)
        return children[best]

    root = solve(game.root, ())
    reached = _reached_paths(game, raw)
    choices = tuple(
        _choice(path, *raw[path], reached=path in reached)
        for path, node in walk(game.root)
        if isinstance(node, Decision)
    )
    equilibrium_path: list[str] = []
    node = game.root
    while isinstance(node, Decision):
        name, node = node.actions[raw[tuple(equilibrium_path)][1]]
        equilibrium_path.append(name)
    return Solution(
        players=players,
        path=tuple(equilibrium_path),
        value={p: float(root.value[i]) for i, p in enumerate(players)},
        value_se={p: float(root.se[i]) for i, p in enumerate(players)},
        choices=choices,
        value_influence=None if root.influence is None else {p: root.influence[i] for i, p in enumerate(players)},
    )


def _chance(probs: np.ndarray, children: list[_Solved]) -> _Solved:
    """Each player's own-belief expectation over a chance node's children (``probs``: (2, outcomes))."""
    values = np.stack([c.value for c in children], axis=1)  # (2, outcomes)
    if all(c.influence is not None for c in children):
        psi = np.einsum("io,oin->in", probs, np.stack([c.influence for c in children]))  # type: ignore[misc]
        return _Solved((probs * values).sum(axis=1), paired_se(psi), psi)
    errors = np.stack([c.se for c in children], axis=1)
    return _Solved((probs * values).sum(axis=1), (probs * errors).sum(axis=1))


def _reached_paths(game: Game, raw: _Raw) -> set[tuple[str, ...]]:
    """Paths of decision nodes reached with positive probability under equilibrium play."""
    reached: set[tuple[str, ...]] = set()
    stack: list[tuple[Node, tuple[str, ...]]] = [(game.root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Decision):
            reached.add(path)
            name, child = node.actions[raw[path][1]]
            stack.append((child, (*path, name)))
        elif isinstance(node, Chance):
            for name, p, child in node.outcomes:
                if any(_probability(p, player) > 0 for player in game.players):
                    stack.append((child, (*path, name)))
    return reached


def _difference_se(best: int, own_se: np.ndarray, own_psi: list[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """SE of ``value(best) - value(a)`` for every action ``a`` and whether it is paired."""
    unpaired = np.hypot(own_se[best], own_se)
    paired = np.array([own_psi[best] is not None and psi is not None for psi in own_psi])
    out = unpaired.copy()
    chosen = own_psi[best]
    if chosen is not None and paired.any():
        others = np.stack([psi for psi, ok in zip(own_psi, paired, strict=True) if ok and psi is not None])
        out[paired] = paired_se(chosen - others)
    out[best] = 0.0
    paired[best] = own_psi[best] is not None
    return out, paired


def _choice(
    path: tuple[str, ...],
    node: Decision,
    best: int,
    own: np.ndarray,
    own_se: np.ndarray,
    own_psi: list[np.ndarray | None],
    *,
    reached: bool,
) -> NodeChoice:
    names = [name for name, _ in node.actions]
    diff_se, is_paired = _difference_se(best, own_se, own_psi)
    if len(names) > 1:
        others = np.delete(np.arange(len(names)), best)
        second = int(others[own[others].argmax()])
        margin = float(own[best] - own[second])
        margin_se = float(diff_se[second])
        runner_up: str | None = names[second]
        paired = bool(is_paired[second])
    else:
        margin, margin_se, runner_up, paired = float("inf"), 0.0, None, False
    return NodeChoice(
        path=path,
        label=node.label,
        player=node.player,
        action=names[best],
        runner_up=runner_up,
        action_values={n: float(v) for n, v in zip(names, own, strict=True)},
        action_se={n: float(s) for n, s in zip(names, own_se, strict=True)},
        margin=margin,
        margin_se=margin_se,
        within_noise=NOISE.within(margin, margin_se),
        reached=reached,
        difference_se={n: float(v) for n, v in zip(names, diff_se, strict=True)},
        paired=paired,
    )
