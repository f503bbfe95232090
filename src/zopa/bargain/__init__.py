"""Two-party bargaining over a finite set of packages.

Inputs are plain arrays: utilities ``u1, u2`` of shape ``(n,)`` and a
disagreement point ``(d1, d2)`` (each side's BATNA value).

- `frontier`: the Pareto frontier.
- `region`: the zone of possible agreement (ZOPA) and its size.
- `solutions`: Nash, Kalai–Smorodinsky, egalitarian and utilitarian solutions.
- `rubinstein`: alternating offers with discounting, deadlines and breakdown risk.
"""

from zopa.bargain.frontier import pareto_frontier, pareto_mask
from zopa.bargain.region import ZopaSummary, rational_frontier, summarize_zopa, zopa_mask
from zopa.bargain.rubinstein import (
    discount_factor,
    discount_factor_from_rate,
    finite_horizon_share,
    implied_nash_weight,
    rubinstein_share,
)
from zopa.bargain.solutions import (
    egalitarian_solution,
    kalai_smorodinsky_solution,
    nash_solution,
    solve_all,
    utilitarian_solution,
)

__all__ = [
    "ZopaSummary",
    "discount_factor",
    "discount_factor_from_rate",
    "egalitarian_solution",
    "finite_horizon_share",
    "implied_nash_weight",
    "kalai_smorodinsky_solution",
    "nash_solution",
    "pareto_frontier",
    "pareto_mask",
    "rational_frontier",
    "rubinstein_share",
    "solve_all",
    "summarize_zopa",
    "utilitarian_solution",
    "zopa_mask",
]
