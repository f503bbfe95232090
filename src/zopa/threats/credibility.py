"""Which threats are credible: an action flagged as a threat is credible when its mover would carry
it out at its node in the subgame-perfect equilibrium (Selten 1975; a threat that would not be
carried out when called on is empty)."""

from __future__ import annotations

from dataclasses import dataclass

from zopa.noise import NOISE
from zopa.threats.game import Decision, Game, Solution, walk


@dataclass(frozen=True)
class ThreatCheck:
    """Whether a threat would be carried out if its node were reached.

    ``shortfall`` is the mover's value of its equilibrium action less that of the threat (0
    when the threat is the equilibrium action), ``shortfall_se`` its standard error — paired over
    paths when both actions carry influence values (:attr:`NodeChoice.difference_se`), else
    ``sqrt(se_chosen**2 + se_threat**2)``; ``within_noise`` flags a verdict the Monte Carlo
    precision does not settle (for a credible threat: its own decision margin is within noise; for a
    non-credible one: the shortfall is, ``shortfall < z * shortfall_se`` under :data:`zopa.noise.NOISE`).
    """

    path: tuple[str, ...]
    player: str
    threat: str
    credible: bool
    chosen: str
    shortfall: float
    shortfall_se: float
    within_noise: bool
    reached: bool


def credible_threats(game: Game, solution: Solution) -> tuple[ThreatCheck, ...]:
    """Every action flagged as a threat, with whether its mover would carry it out.

    A threat is credible when the mover chooses it at its node in the subgame-perfect
    equilibrium ``solution`` (of ``game``); otherwise the threatener would not follow through
    when called on it.  Results are in pre-order of the nodes, then action order.
    """
    checks: list[ThreatCheck] = []
    for path, node in walk(game.root):
        if not isinstance(node, Decision) or not node.threats:
            continue
        choice = solution.choice(path)
        for name, _ in node.actions:
            if name not in node.threats:
                continue
            credible = name == choice.action
            if credible:
                shortfall, shortfall_se, noisy = 0.0, 0.0, choice.within_noise
            else:
                shortfall = choice.action_values[choice.action] - choice.action_values[name]
                shortfall_se = choice.difference_se[name]
                noisy = NOISE.within(shortfall, shortfall_se)
            checks.append(
                ThreatCheck(path, node.player, name, credible, choice.action,
                            shortfall, shortfall_se, noisy, choice.reached)
            )
    return tuple(checks)
