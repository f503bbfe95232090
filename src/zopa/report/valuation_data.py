"""Plain-data views of a valuation, shared by the terminal tables, JSON output and the HTML report."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from zopa.value import Estimate, Valuation


def estimate_dict(e: Estimate) -> dict[str, float | None]:
    """An estimate as a JSON-ready dict (raw numbers in the scenario's unit)."""
    return {k: (None if v is None else float(v)) for k, v in asdict(e).items()}


def valuation_dict(v: Valuation) -> dict[str, Any]:
    """Every package × party: value under own and other beliefs, gain over the status quo, and the
    per-term breakdown (own beliefs)."""
    s = v.scenario
    sq = s.meta.status_quo
    packages: dict[str, Any] = {}
    for pkg in v.packages:
        parties: dict[str, Any] = {}
        for p in v.parties:
            other = s.other(p)
            entry: dict[str, Any] = {
                "own_beliefs": estimate_dict(v.estimate(pkg, p)),
                "other_beliefs": estimate_dict(v.estimate(pkg, p, other)),
                "terms": {t: estimate_dict(e) for t, e in v.term_estimates(pkg, p).items()},
            }
            if sq in v.packages:
                entry["gain_over_status_quo"] = estimate_dict(v.difference(p, pkg, sq))
            parties[p] = entry
        packages[pkg] = {"label": s.packages[pkg].label, "restructured": s.packages[pkg].restructured,
                         "proposed_by": s.packages[pkg].proposed_by, "parties": parties}
    return {
        "scenario": s.meta.title,
        "as_of": s.meta.as_of.isoformat(),
        "unit": s.meta.unit,
        "seed": v.seed,
        "paths": v.n_paths,
        "status_quo": sq,
        "parties": {p: {"name": s.parties[p].name, "risk_aversion": v.risk_aversion(p),
                        "discount_rate": float(s.parties[p].discount_rate.for_party(p).mean())}
                    for p in v.parties},
        "packages": packages,
        "term_labels": v.term_labels,
    }
