"""Modeller's open questions as scenario branches, analysed side by side.

Some uncertainty is the analyst's, not the parties': both sides know whether the revenue share counts
toward Microsoft's cap, the public does not. Treating such a question as a lottery would let a
risk-averse party "pay" for a doubt it does not have (and blend two contracts into one that exists
in neither world). A ``[branches.<name>]`` table lists the possible answers; each is analysed as a
scenario of its own, and the answers are reported next to the headline (the scenario as written) so
that a reader sees which conclusions survive every branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from zopa.scenario.schema import Scenario


@dataclass(frozen=True)
class BranchResult:
    """The headline numbers of one branch option (USD bn)."""

    branch: str
    option: str
    label: str
    question: str
    status_quo: dict[str, tuple[float, float]]  # party → (value, SE) of the contract in force
    zopa_exists: bool
    zopa_width: tuple[float, float]
    nash: dict[str, str] | None  # issue → option of the Nash package
    nash_gain: tuple[tuple[float, float], tuple[float, float]] | None  # per party (gain, SE)


def branch_scenario(scenario: Scenario, branch: str, option: str) -> Scenario:
    """``scenario`` with the inputs of ``branch``'s ``option`` set (the same for both parties)."""
    from zopa.sensitivity.engine import with_values

    return with_values(scenario, scenario.branches[branch].options[option].set)


def analyze_branches(scenario: Scenario, n_paths: int = 5_000, space_paths: int = 2_000, seed: int = 0,
                     progress: Callable[[int, int], None] | None = None) -> list[BranchResult]:
    """Every option of every branch, valued and analysed on the same seed (common random numbers)."""
    from zopa.analysis import analyze_scenario
    from zopa.value import value_scenario

    jobs = [(b, o) for b, branch in scenario.branches.items() for o in branch.options]
    out: list[BranchResult] = []
    for i, (b, o) in enumerate(jobs):
        variant = branch_scenario(scenario, b, o)
        sq = variant.meta.status_quo
        valuation = value_scenario(variant, n_paths, seed, packages=[sq])
        status_quo = {p: (valuation.estimate(sq, p).value, valuation.estimate(sq, p).value_se) for p in variant.party_ids}
        analysis: Any = None
        if space_paths > 0 and (variant.deal_space is not None or len(variant.packages) > 1):
            analysis, _ = analyze_scenario(variant, space_paths, seed)
        nash = analysis.solutions.get("nash") if analysis is not None else None
        out.append(BranchResult(
            b, o, variant.branches[b].options[o].label, variant.branches[b].label, status_quo,
            bool(analysis.zopa.exists) if analysis is not None else False,
            (float(analysis.zopa.width_1), float(analysis.zopa.width_2)) if analysis is not None else (0.0, 0.0),
            dict(nash.choices) if nash is not None else None,
            ((nash.gain[0], nash.gain_se[0]), (nash.gain[1], nash.gain_se[1])) if nash is not None else None,
        ))
        if progress is not None:
            progress(i + 1, len(jobs))
    return out
