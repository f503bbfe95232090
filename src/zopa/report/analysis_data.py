"""Plain-data views of a deal-space analysis, shared by ``summary.json``, the HTML report and tables."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zopa.analysis import Analysis, SolutionPoint
from zopa.noise import NOISE
from zopa.bargain import zopa_mask


def num(x: Any) -> float | None:
    """A JSON-safe number: ``None`` for NaN and ±inf.

    >>> num(1), num(float("nan")), num(float("inf"))
    (1.0, None, None)
    """
    if x is None:
        return None
    value = float(x)
    return value if math.isfinite(value) else None


def value_se(value: float, se: float) -> dict[str, float | None]:
    return {"value": num(value), "se": num(se)}


def in_zopa_mask(analysis: Analysis) -> np.ndarray:
    """Which of the K packages leave both sides at least as well off as their BATNAs."""
    p = analysis.problem
    return zopa_mask(p.utility[0], p.utility[1], *p.batna)


def robust_mask(analysis: Analysis) -> np.ndarray:
    """Packages in the ZOPA by more than ``NOISE_Z`` standard errors on both sides (all of the ZOPA
    when the utilities carry no error bars)."""
    p = analysis.problem
    if p.gain_se is None:
        return in_zopa_mask(analysis)
    gain = p.utility - np.asarray(p.batna)[:, None]
    return np.all(NOISE.clear(gain, p.gain_se), axis=0)


def frontier_mask(analysis: Analysis) -> np.ndarray:
    mask = np.zeros(analysis.problem.n_packages, dtype=bool)
    mask[analysis.frontier] = True
    return mask


def solution_dict(point: SolutionPoint, parties: tuple[str, str]) -> dict[str, Any]:
    return {
        "name": point.name,
        "package": point.package,
        "choices": dict(point.choices),
        "utility": {p: value_se(u, s) for p, u, s in zip(parties, point.utility, point.utility_se)},
        "gain": {p: value_se(g, s) for p, g, s in zip(parties, point.gain, point.gain_se)},
        "within_noise": point.within_noise,
    }


def option_shares(analysis: Analysis) -> dict[str, list[float | None]]:
    """Per issue id, per option: the share of the packages with that option that lie in the ZOPA."""
    p = analysis.problem
    if p.choices is None:
        return {}
    mask = in_zopa_mask(analysis)
    out: dict[str, list[float | None]] = {}
    for j, issue in enumerate(p.issues):
        column = p.choices[:, j]
        total = np.bincount(column, minlength=len(issue.options)).astype(float)
        inside = np.bincount(column[mask], minlength=len(issue.options)).astype(float)
        out[issue.id] = [num(i / t) if t else None for i, t in zip(inside, total)]
    return out


def analysis_dict(analysis: Analysis) -> dict[str, Any]:
    """BATNAs, the ZOPA, bargaining solutions, issue ranges, deadline bargaining and the verdict."""
    p = analysis.problem
    z = analysis.zopa
    parties = p.parties
    gap = analysis.gap
    shares = option_shares(analysis)
    deadline = analysis.deadline
    return {
        "parties": list(parties),
        "names": {party: name for party, name in zip(parties, p.names)},
        "unit": p.unit,
        "n_packages": p.n_packages,
        "issues": [{"id": i.id, "label": i.label, "options": list(i.options)} for i in p.issues],
        "batna": {party: {"value": num(d), "se": num(s), "package": label}
                  for party, d, s, label in zip(parties, p.batna, p.batna_se, p.batna_label)},
        "zopa": {
            "exists": z.exists,
            "count": z.count,
            "robust_count": analysis.robust_count,
            "near_count": analysis.near_count,
            "area": num(z.area),
            "width": {parties[0]: num(z.width_1), parties[1]: num(z.width_2)},
            "within_noise": analysis.existence_within_noise,
            "shortfall": None if z.exists else num(z.shortfall),
            "gap_closer": None if gap is None else {
                "shortfall": num(gap.shortfall), "package": gap.package, "choices": dict(gap.choices),
                "issue": gap.issue, "option": gap.option, "shortfall_after": num(gap.shortfall_after),
            },
        },
        "frontier_size": int(analysis.frontier.size),
        "solutions": {key: (None if point is None else solution_dict(point, parties))
                      for key, point in analysis.solutions.items()},
        "issue_ranges": [
            {"issue": r.issue.id, "label": r.issue.label, "status": r.status, "in_zopa": list(r.in_zopa),
             "share_in_zopa": {opt: share for opt, share in zip(r.issue.options, shares.get(r.issue.id, []))}}
            for r in analysis.issue_ranges
        ],
        "deadline": None if deadline is None else {
            "first_proposer": deadline.first_proposer,
            "rounds": deadline.rounds,
            "discount_factor": {party: num(d) for party, d in zip(parties, deadline.delta)},
            "breakdown_probability": num(deadline.breakdown_probability),
            "first_proposer_share_no_deadline": num(deadline.infinite_share),
            "first_proposer_share_with_deadline": num(deadline.finite_share),
            "first_proposer_share_random_proposer_no_deadline": None if deadline.stationary_share is None
            else num(deadline.stationary_share),
            "first_proposer_share_ultimatum": None if deadline.ultimatum_share is None else num(deadline.ultimatum_share),
            "loss_share": num(deadline.loss_share),
            "deadline_loss": num(deadline.deadline_loss),
            "proposer_probability": num(deadline.proposer_probability),
            "model": deadline.model,
            "nash_weight": {parties[0]: num(deadline.nash_weight), parties[1]: num(1 - deadline.nash_weight)},
        },
        "notes": list(analysis.notes),
        "verdict": analysis.verdict(),
    }
