"""Two-party bargaining over a finite set of packages.

Inputs are plain arrays: utilities ``u1, u2`` of shape ``(n,)`` and a
disagreement point ``(d1, d2)`` (each side's BATNA value).

- `frontier`: the Pareto frontier.
- `region`: the zone of possible agreement (ZOPA) and its size.
- `solutions`: Nash, Kalai–Smorodinsky, egalitarian and utilitarian solutions.
- `rubinstein`: alternating offers with discounting, deadlines and breakdown risk.
- `deadline`: random proposers and a deadline that destroys part of the pie (no parity artefact).
- `utility`: CARA expected utility, for Nash bargaining on utilities rather than dollars.
- `noise`: the one rule for "clear of the Monte Carlo noise".
- `stability`: how often the Nash package stays the Nash package when the paths are resampled.
"""

from zopa.bargain.deadline import deadline_share, random_proposer_share
from zopa.bargain.frontier import pareto_frontier, pareto_mask
from zopa.bargain.noise import NOISE, NOISE_Z, NoisePolicy, clear_of_noise, noise_sign
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
from zopa.bargain.stability import NashStability, nash_stability
from zopa.bargain.utility import cara_certainty_equivalent, cara_inverse, cara_nash_share, cara_utility

__all__ = [
    "NOISE",
    "NOISE_Z",
    "NoisePolicy",
    "NashStability",
    "ZopaSummary",
    "cara_certainty_equivalent",
    "cara_inverse",
    "cara_nash_share",
    "cara_utility",
    "clear_of_noise",
    "deadline_share",
    "discount_factor",
    "discount_factor_from_rate",
    "egalitarian_solution",
    "finite_horizon_share",
    "implied_nash_weight",
    "kalai_smorodinsky_solution",
    "nash_solution",
    "nash_stability",
    "noise_sign",
    "pareto_frontier",
    "pareto_mask",
    "random_proposer_share",
    "rational_frontier",
    "rubinstein_share",
    "solve_all",
    "summarize_zopa",
    "utilitarian_solution",
    "zopa_mask",
]
