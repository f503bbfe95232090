"""``summary.json``: every headline number of a run in one documented, versioned JSON document.

The structure is described by the JSON Schema shipped with the package
(``zopa/report/schema/summary.schema.json``, draft 2020-12); :func:`validate_summary` checks a
document against it. Numbers are raw present values in the scenario's unit (``scenario.unit``, e.g.
``"USD billions"``: see :mod:`zopa.units`); ``se`` is one Monte Carlo standard error; non-finite
numbers are written as ``null``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from importlib import resources
from typing import Any

from zopa import __version__
from zopa.analysis import Analysis
from zopa.noise import NOISE
from zopa.report.analysis_data import analysis_dict
from zopa.report.valuation_data import valuation_dict
from zopa.scenario import scenario_hash
from zopa.value import Valuation

#: Version of the ``summary.json`` layout; bumped on any incompatible change.
SCHEMA_VERSION = "1.0"
#: ``$id`` of the shipped schema; documents name it in ``$schema``.
SCHEMA_ID = "urn:zopa:schema:summary:1.0"
SCHEMA_FILE = "summary.schema.json"


@functools.cache
def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of ``summary.json``."""
    text = resources.files("zopa.report").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def validate_summary(document: dict[str, Any]) -> None:
    """Raise :class:`jsonschema.ValidationError` if ``document`` does not match the schema."""
    import jsonschema

    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)


def summary_dict(
    valuation: Valuation,
    analysis: Analysis | None = None,
    space_valuation: Any = None,
    *,
    scenario_digest: str | None = None,
    run_date: str | None = None,
    negotiation: Any = None,
    threats: Any = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the ``summary.json`` document (``negotiation`` and ``threats``: the run's
    :class:`~zopa.negotiate.scenario.ScenarioNegotiation` and threat analysis, when it has them).

    ``valuation`` gives the named packages × parties (own and other's beliefs, gain over the status
    quo, per-term breakdown); ``analysis`` (with the ``space_valuation`` it came from, for its paths
    and seed) adds the deal space: BATNAs, the ZOPA, bargaining solutions, issue ranges, deadline
    bargaining and the verdict. ``scenario_digest`` defaults to :func:`scenario_hash`.
    """
    s = valuation.scenario
    values = valuation_dict(valuation)
    deal_space = None
    if analysis is not None:
        deal_space = analysis_dict(analysis)
        deal_space["paths"] = None if space_valuation is None else int(space_valuation.n_paths)
        deal_space["seed"] = None if space_valuation is None else int(space_valuation.seed)
        deal_space["label"] = s.deal_space.label if s.deal_space is not None else None
        deal_space["unit"] = s.meta.unit  # the deal problem's own unit text is generic
    document = {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "zopa", "version": __version__,
                      "run_date": run_date or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
        "scenario": {
            "title": s.meta.title,
            "as_of": s.meta.as_of.isoformat(),
            "hash": scenario_digest or scenario_hash(s),
            "unit": s.meta.unit,
            "status_quo": s.meta.status_quo,
        },
        "seed": valuation.seed,
        "paths": valuation.n_paths,
        "parties": {p: {**info, "decides_on": "certainty_equivalent" if info["risk_aversion"] else "mean"}
                    for p, info in values["parties"].items()},
        "packages": values["packages"],
        "term_labels": values["term_labels"],
        "deal_space": deal_space,
        "verdict": list(deal_space["verdict"]) if deal_space else valuation_verdict(valuation),
        "negotiation": _dynamics(negotiation, "negotiation_dict"),
        "threats": _dynamics(threats, "threats_dict"),
        "calibration": _calibration(valuation),
        "discounting": _discounting(s),
    }
    for key in ("recommendation", "branches", "variable_threats"):
        document[key] = (extra or {}).get(key)
    return _json_safe(document)


def _calibration(valuation: Valuation) -> dict[str, Any] | None:
    c = valuation.calibration
    if c is None:
        return None
    return {"scale": c.scale, "price": c.price, "uncalibrated_value": c.uncalibrated_value, "se": c.se,
            "paths": c.paths, "date": c.date, "package": c.package, "term": c.term, "beliefs": c.beliefs}


def _discounting(s: Any) -> dict[str, Any]:
    from zopa.discounting import discounter

    d = discounter(s)
    return {"method": d.method, "rates": d.rates if d.market else d.party_rates}


def valuation_verdict(v: Valuation) -> list[str]:
    """Plain-words findings from the named packages alone (no deal space): which packages both sides
    prefer to the contract in force, by more than two standard errors."""
    s = v.scenario
    sq = s.meta.status_quo
    if sq not in v.packages:
        return []
    names = [s.parties[p].name for p in v.parties]
    both: list[str] = []
    within: list[str] = []
    for pkg in v.packages:
        if pkg == sq:
            continue
        gains = [v.difference(p, pkg, sq) for p in v.parties]
        if all(g.value > 0 for g in gains):
            (both if all(NOISE.clear(g.value, g.value_se) for g in gains) else within).append(s.packages[pkg].label)
    lines = []
    if both:
        lines.append(f"Both {names[0]} and {names[1]} prefer these packages to the contract in force "
                     f"(by more than 2 standard errors): {'; '.join(both)}.")
    if within:
        lines.append(f"Both prefer these too, but within Monte Carlo noise: {'; '.join(within)}.")
    if not both and not within:
        lines.append(f"No named package is better than the contract in force for both {names[0]} and {names[1]}.")
    return lines


def _json_safe(obj: Any) -> Any:
    """Replace NaN/inf by ``None`` (strict JSON) everywhere in a nested structure."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def summary_json(document: dict[str, Any]) -> str:
    """Serialise a summary document (strict JSON: no NaN)."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _dynamics(result: Any, name: str) -> Any:
    """A negotiation or threat game as plain data (None when the run had none)."""
    if result is None:
        return None
    from zopa.report import dynamics

    return getattr(dynamics, name)(result)
