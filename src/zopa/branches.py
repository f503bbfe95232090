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
from typing import Any, Callable, Sequence

from zopa.scenario.schema import Scenario


@dataclass(frozen=True)
class BranchResult:
    """The headline numbers of one branch option (USD bn). ``paths``: the contract in force's paths;
    ``space_paths``: the deal space's (0: no deal-space analysis); ``headline``: the option is the
    scenario as written, so its numbers are the headline's own."""

    branch: str
    option: str
    label: str
    question: str
    status_quo: dict[str, tuple[float, float]]  # party → (value, SE) of the contract in force
    zopa_exists: bool
    zopa_width: tuple[float, float]
    nash: dict[str, str] | None  # issue → option of the Nash package
    nash_gain: tuple[tuple[float, float], tuple[float, float]] | None  # per party (gain, SE)
    paths: int = 0
    space_paths: int = 0
    headline: bool = False


def branch_scenario(scenario: Scenario, branch: str, option: str) -> Scenario:
    """``scenario`` with the inputs of ``branch``'s ``option`` set (the same for both parties)."""
    from zopa.sensitivity.engine import with_values

    return with_values(scenario, scenario.branches[branch].options[option].set)


def branch_options(scenario: Scenario) -> list[tuple[str, str]]:
    """Every (branch, option) pair, in the scenario's order."""
    return [(b, o) for b, branch in scenario.branches.items() for o in branch.options]


def headline_options(scenario: Scenario) -> set[tuple[str, str]]:
    """The options that leave the scenario as written: every input they set is already fixed at that
    number for both parties. Their analysis is the headline's."""
    from zopa.scenario.references import iter_quantities

    quantities = {path: q for path, q, _ in iter_quantities(scenario) if q.input is None}

    def fixed_at(path: str, value: float) -> bool:
        q = quantities.get(path)
        if q is None:
            return False
        specs = [q.for_party(p) for p in scenario.party_ids]
        return all(spec.is_fixed and float(spec.value) == float(value) for spec in specs)

    return {(b, o) for b, o in branch_options(scenario)
            if all(fixed_at(path, v) for path, v in scenario.branches[b].options[o].set.items())}


def branch_result(scenario: Scenario, branch: str, option: str, valuation: Any, analysis: Any, space_paths: int,
                  headline: bool = False) -> BranchResult:
    """One option's row from its valuation of the contract in force and its bargaining analysis on
    ``space_paths`` paths (or ``None``); ``scenario`` is the headline scenario (labels are read from it)."""
    sq = scenario.meta.status_quo
    status_quo = {p: (valuation.estimate(sq, p).value, valuation.estimate(sq, p).value_se) for p in scenario.party_ids}
    nash = analysis.solutions.get("nash") if analysis is not None else None
    return BranchResult(
        branch, option, scenario.branches[branch].options[option].label, scenario.branches[branch].label, status_quo,
        bool(analysis.zopa.exists) if analysis is not None else False,
        (float(analysis.zopa.width_1), float(analysis.zopa.width_2)) if analysis is not None else (0.0, 0.0),
        dict(nash.choices) if nash is not None else None,
        ((nash.gain[0], nash.gain_se[0]), (nash.gain[1], nash.gain_se[1])) if nash is not None else None,
        int(valuation.n_paths), int(space_paths) if analysis is not None else 0, headline)


def analyze_branches(scenario: Scenario, n_paths: int = 5_000, space_paths: int = 2_000, seed: int = 0,
                     progress: Callable[[int, int], None] | None = None,
                     options: Sequence[tuple[str, str]] | None = None) -> list[BranchResult]:
    """Every option of every branch (or ``options``), valued and analysed on the same seed (common
    random numbers)."""
    from zopa.analysis import analyze_scenario
    from zopa.value import value_scenario

    jobs = list(options) if options is not None else branch_options(scenario)
    headline = headline_options(scenario)
    out: list[BranchResult] = []
    for i, (b, o) in enumerate(jobs):
        variant = branch_scenario(scenario, b, o)
        valuation = value_scenario(variant, n_paths, seed, packages=[variant.meta.status_quo])
        analysis: Any = None
        if space_paths > 0 and (variant.deal_space is not None or len(variant.packages) > 1):
            analysis, _ = analyze_scenario(variant, space_paths, seed)
        out.append(branch_result(scenario, b, o, valuation, analysis, space_paths, (b, o) in headline))
        if progress is not None:
            progress(i + 1, len(jobs))
    return out
