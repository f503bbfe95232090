"""Threat games: two-player game trees, subgame-perfect equilibrium and Gambit export."""

from zopa.threats.efg import to_efg
from zopa.threats.game import (
    Chance,
    Decision,
    Game,
    GameTreeError,
    NodeChoice,
    Solution,
    Terminal,
    ThreatCheck,
    backward_induction,
    credible_threats,
    walk,
)

__all__ = [
    "Chance",
    "Decision",
    "Game",
    "GameTreeError",
    "NodeChoice",
    "Solution",
    "Terminal",
    "ThreatCheck",
    "backward_induction",
    "credible_threats",
    "to_efg",
    "walk",
]
