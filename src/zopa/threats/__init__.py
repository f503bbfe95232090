"""Threat games: two-player game trees, subgame-perfect equilibrium and Gambit export, and
Nash's (1953) variable-threat bargaining game.

The scenario-level analyses live in :mod:`zopa.threats.scenario` (the sequential game,
``analyze_threats``) and :mod:`zopa.threats.variable_scenario` (``analyze_variable_threats``);
they are not imported here, to keep this package importable without the valuation engine.  The
variable-threat solvers (:mod:`zopa.threats.variable`, which needs SciPy's linear programming) are
imported on first use, so that the scenario schema, which uses :mod:`zopa.scenario.threat_tree`, loads fast.
"""

from typing import Any

from zopa.threats.efg import to_efg
from zopa.threats.credibility import ThreatCheck, credible_threats
from zopa.threats.game import (
    Chance,
    Decision,
    Game,
    GameTreeError,
    NodeChoice,
    Solution,
    Terminal,
    backward_induction,
    paired_se,
    walk,
)

_VARIABLE = {"NO_THREAT", "FiniteThreatSolution", "TUThreatSolution", "ZeroSumSolution", "finite_threat_solution",
             "pure_equilibria", "solve_zero_sum", "tu_threat_solution"}


def __getattr__(name: str) -> Any:
    """The variable-threat names, imported from :mod:`zopa.threats.variable` on first use."""
    if name in _VARIABLE:
        from zopa.threats import variable

        return getattr(variable, name)
    raise AttributeError(f"module 'zopa.threats' has no attribute {name!r}")

__all__ = [
    "NO_THREAT",
    "Chance",
    "Decision",
    "FiniteThreatSolution",
    "Game",
    "GameTreeError",
    "NodeChoice",
    "Solution",
    "TUThreatSolution",
    "Terminal",
    "ThreatCheck",
    "ZeroSumSolution",
    "backward_induction",
    "credible_threats",
    "finite_threat_solution",
    "paired_se",
    "pure_equilibria",
    "solve_zero_sum",
    "to_efg",
    "tu_threat_solution",
    "walk",
]
