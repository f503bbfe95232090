"""Export a threat game to Gambit's extensive-form ``.efg`` text format (``EFG 2 R``).

Layout written (one node per line, pre-order, children in branch order)::

    EFG 2 R "<title>" { "<player 1>" "<player 2>" }
    "<comment>"

    p "<label>" <player> <infoset> "" { "<action>" ... } 0
    c "<label>" <infoset> "" { "<outcome>" <p/q> ... } 0
    t "<label>" <outcome> "<label>" { <payoff 1>, <payoff 2> }

Players are numbered 1 and 2 in ``Game.players`` order.  The game has perfect information, so
every decision node gets its own information set (numbered per player in pre-order) and every
chance node its own chance information set.  Payoffs sit only at terminal nodes, each terminal
having its own outcome (numbered from 1 in pre-order); decision and chance nodes carry outcome 0.
Payoffs are written in plain decimal notation; probabilities as exact fractions (``7/10``), each
the nearest fraction with denominator at most 10**9 and the largest set to one minus the others,
so that every chance node's probabilities sum to exactly 1.  A Gambit chance node has a single
probability per outcome, so where the players' beliefs differ the probabilities of one player
are written: ``beliefs_of``, by default the first player.  Labels are quoted, with ``"`` and
``\\`` escaped by a backslash.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from zopa.threats.game import Chance, Decision, Game, GameTreeError, Node, Terminal


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: float) -> str:
    """Plain decimal, shortest round-trip digits, no exponent.

    >>> _number(-1.0), _number(0.25), _number(1e-7)
    ('-1', '0.25', '0.0000001')
    """
    text = np.format_float_positional(float(value), trim="-")
    return "0" if text == "-0" else text


def _fractions(probabilities: np.ndarray) -> list[str]:
    """Probabilities as fractions summing to exactly 1.

    >>> _fractions(np.array([0.7, 0.3])), _fractions(np.array([1 / 3, 1 / 3, 1 / 3]))
    (['7/10', '3/10'], ['1/3', '1/3', '1/3'])
    """
    fractions = [Fraction(float(p)).limit_denominator(10**9) for p in probabilities]
    largest = int(np.argmax(probabilities))
    fractions[largest] = 1 - sum(fractions[:largest] + fractions[largest + 1 :], Fraction(0))
    return [str(f) for f in fractions]


def to_efg(game: Game, title: str, *, comment: str = "", beliefs_of: str | None = None) -> str:
    """The ``.efg`` text of ``game`` (see the module docstring), ending with a newline.

    Args:
        game: the game tree.
        title: the game's title in the file header.
        comment: the comment string written under the header.
        beliefs_of: whose chance probabilities to write; the first player by default.
    """
    believer = game.players[0] if beliefs_of is None else beliefs_of
    if believer not in game.players:
        raise GameTreeError(f"beliefs_of must be one of {game.players}; got {beliefs_of!r}")
    lines = [
        f"EFG 2 R {_quote(title)} {{ {' '.join(_quote(p) for p in game.players)} }}",
        _quote(comment),
        "",
    ]
    infosets = {player: 0 for player in game.players}
    counters = {"chance": 0, "outcome": 0}

    def emit(node: Node) -> None:
        if isinstance(node, Terminal):
            counters["outcome"] += 1
            payoffs = ", ".join(_number(node.payoffs[p]) for p in game.players)
            lines.append(
                f"t {_quote(node.label)} {counters['outcome']} {_quote(node.label)} {{ {payoffs} }}"
            )
            return
        if isinstance(node, Chance):
            counters["chance"] += 1
            probabilities = _fractions(game.probabilities(node, believer))
            branches = " ".join(
                f"{_quote(name)} {p}"
                for (name, _, _), p in zip(node.outcomes, probabilities, strict=True)
            )
            lines.append(f"c {_quote(node.label)} {counters['chance']} \"\" {{ {branches} }} 0")
            for _, _, child in node.outcomes:
                emit(child)
            return
        assert isinstance(node, Decision)
        infosets[node.player] += 1
        number = game.players.index(node.player) + 1
        actions = " ".join(_quote(name) for name, _ in node.actions)
        lines.append(
            f"p {_quote(node.label)} {number} {infosets[node.player]} \"\" {{ {actions} }} 0"
        )
        for _, child in node.actions:
            emit(child)

    emit(game.root)
    return "\n".join(lines) + "\n"
