"""The built-in scenarios end to end: each one validates and keeps the provenance rule; the scenarios
of other kinds than the flagship run through ``zopa run`` and ``zopa analyze`` (one of them with the
full report), have a ZOPA of non-zero width, and reproduce their golden ``summary.json`` numbers.

Golden files live in ``tests/golden/<scenario>_summary.json`` and hold a stable subset of the summary
(values, gains, the ZOPA, the Nash and predicted packages, the negotiation and the threat game),
rounded to six significant figures and compared with a relative tolerance of 1e-5. After an intended
model change, regenerate them with ``ZOPA_REGENERATE_GOLDEN=1 pytest tests/test_builtin_scenarios.py``;
a missing file is a failure (and under CI nothing is ever written).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from zopa.cli import app
from zopa.report.summary import validate_summary
from zopa.scenario import builtin_path, builtin_scenarios, load_scenario
from zopa.scenario.schema import Scenario
from zopa.units import parse_unit

#: The built-in scenarios of other kinds than the flagship (they are illustrative).
OTHER_KINDS = ("cloud_renewal_2025", "licence_renewal_2025", "battery_jv_2025")
#: Small, fixed run settings: the golden numbers belong to them.
RUN = ("--paths", "1000", "--space-paths", "500", "--seed", "0")
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = "ZOPA_REGENERATE_GOLDEN"
#: Relative tolerance of the golden comparison (the stored numbers have six significant figures).
REL = 1e-5

runner = CliRunner()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, Any]]:
    """``zopa run NAME --json --no-report`` for each scenario of another kind."""
    return {name: json.loads(invoke("run", name, *RUN, "--json", "--no-report").output) for name in OTHER_KINDS}


# --- every built-in scenario -----------------------------------------------------------------------


def test_the_builtins_are_discovered():
    found = builtin_scenarios()
    assert {"openai_microsoft_2025", *OTHER_KINDS} <= set(found)
    listing = invoke("scenarios").output
    for name in OTHER_KINDS:
        assert name in listing


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_provenance(name: str):
    """Every source is dated on or before the scenario's as-of date (reports and filings must be
    dated), every assumption says why, every issue of the deal space names a source, and a scenario
    not sourced from real public reports says it is illustrative."""
    s = load_scenario(builtin_path(name))
    for key, source in s.sources.items():
        if source.kind in ("report", "filing"):
            assert source.date is not None, f"{name}: sources.{key} ({source.kind}) has no date"
        if source.date is not None:
            assert source.date <= s.meta.as_of, f"{name}: sources.{key} is dated after as_of {s.meta.as_of}"
        if source.kind == "assumption":
            assert source.note.strip(), f"{name}: sources.{key} is an assumption without a note saying why"
    if s.deal_space is not None:
        for issue_id, issue in s.deal_space.issues.items():
            assert issue.source in s.sources, f"{name}: deal_space.issues.{issue_id} cites no source"
    for pkg_id, pkg in s.packages.items():
        assert pkg.source is None or pkg.source in s.sources, f"{name}: packages.{pkg_id}.source"
    if not any(src.kind == "seed" for src in s.sources.values()):
        text = f"{s.meta.title} {s.meta.description}".lower()
        assert "illustrative" in text, f"{name}: not sourced from a seed document, so it must say it is illustrative"


@pytest.mark.parametrize("name", OTHER_KINDS)
def test_other_kinds_are_small_bilateral_deals(name: str):
    s = load_scenario(builtin_path(name))
    assert isinstance(s, Scenario) and len(s.parties) == 2
    w = s.world
    assert w.agi is None and w.revenue is None and w.margin is None and w.funding is None, "no AI/company tables"
    outcomes = {x for m in s.threats.moves.values() for x in (m.if_success, m.if_failure)} if s.threats else set()
    offers = [p for p in s.packages if p != s.meta.status_quo and p not in outcomes]
    assert 2 <= len(offers) <= 4, offers
    assert s.deal_space is not None and s.bargaining.deadline is not None
    from zopa.dealspace import expand

    assert 20 <= expand(s.deal_space).n_packages <= 5_000
    assert any(q.differs_by_party for _, q, _ in _quantities(s)), "the parties' beliefs must differ somewhere"


def _quantities(s: Scenario) -> list[Any]:
    from zopa.scenario.references import iter_quantities

    return list(iter_quantities(s))


@pytest.mark.parametrize("name", OTHER_KINDS)
def test_validate_cli(name: str):
    out = invoke("validate", str(builtin_path(name))).output
    assert ": ok — " in out


# --- running them ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OTHER_KINDS)
def test_run_json(summaries, name: str):
    data = summaries[name]
    validate_summary(data)
    s = load_scenario(builtin_path(name))
    assert data["scenario"]["unit"] == s.meta.unit
    zopa = data["deal_space"]["zopa"]
    assert zopa["exists"] and zopa["count"] > 0
    assert all(width > 0 for width in zopa["width"].values()), zopa["width"]
    assert data["recommendation"] is not None and data["recommendation"]["choices"]
    gains = data["recommendation"]["gain"]
    assert all(g["value"] > 2 * g["se"] for g in gains.values()), gains
    assert data["negotiation"] is not None
    assert (data["threats"] is not None) == (s.threats is not None)
    short = parse_unit(s.meta.unit).short  # the plain-words lines speak the scenario's unit
    lines = " ".join(data["recommendation"]["lines"])
    assert short in lines and "USD bn" not in lines


@pytest.mark.parametrize("name", OTHER_KINDS)
def test_analyze_json(name: str):
    data = json.loads(invoke("analyze", name, "--paths", "400", "--json").output)
    assert data["zopa"]["exists"]
    assert min(data["zopa"]["width"].values()) > 0
    assert "nash" in data["solutions"]


def test_full_report_in_millions(tmp_path):
    """The cloud renewal's report: non-zero ZOPA widths, and every headline number in USD millions."""
    out = tmp_path / "cloud"
    result = invoke("run", "cloud_renewal_2025", *RUN, "-o", str(out), "--no-breakdown")
    assert result.output.strip().splitlines()[-1].endswith("report.html")
    summary = json.loads((out / "summary.json").read_text())
    validate_summary(summary)
    assert summary["scenario"]["unit"] == "USD millions" and summary["deal_space"]["unit"] == "USD millions"
    widths = summary["deal_space"]["zopa"]["width"]
    assert all(w > 0 for w in widths.values())
    assert any("USD m" in line and "width" in line.lower() for line in summary["verdict"]), summary["verdict"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "USD m" in html and "±" in html
    assert "Cloud contract renewal" in html


# --- golden summaries --------------------------------------------------------------------------------


def _r(x: Any) -> Any:
    """Six significant figures (``None`` stays)."""
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        return x
    return float(f"{x:.6g}") if math.isfinite(x) else None


def _value(x: Any) -> Any:
    """An estimate's value, whether written as a number or as ``{value, se}``."""
    return x["value"] if isinstance(x, dict) else x


def golden_subset(summary: dict[str, Any]) -> dict[str, Any]:
    """The stable part of a ``summary.json``: no dates, hashes or versions; numbers rounded."""
    out: dict[str, Any] = {
        "title": summary["scenario"]["title"],
        "unit": summary["scenario"]["unit"],
        "paths": summary["paths"],
        "seed": summary["seed"],
        "packages": {
            pkg: {party: {"mean": _r(v["own_beliefs"]["mean"]), "ce": _r(v["own_beliefs"]["ce"]),
                          "gain": _r(v["gain_over_status_quo"]["mean"])}
                  for party, v in spec["parties"].items()}
            for pkg, spec in summary["packages"].items()
        },
    }
    space = summary["deal_space"]
    if space is not None:
        zopa = space["zopa"]
        nash = space["solutions"]["nash"]
        out["deal_space"] = {
            "n_packages": space["n_packages"], "paths": space["paths"],
            "batna": {p: _r(b["value"]) for p, b in space["batna"].items()},
            "zopa": {"exists": zopa["exists"], "count": zopa["count"], "robust_count": zopa["robust_count"],
                     "width": {p: _r(w) for p, w in zopa["width"].items()}},
            "nash": {"choices": nash["choices"], "gain": {p: _r(_value(g)) for p, g in nash["gain"].items()}},
        }
    rec = summary.get("recommendation")
    if rec is not None:
        out["recommendation"] = {"choices": rec["choices"], "gain": {p: _r(_value(g)) for p, g in rec["gain"].items()}}
    neg = summary.get("negotiation")
    if neg is not None:
        out["negotiation"] = {"agreement": neg["agreement"], "round": neg["round"], "terms": neg["terms"]}
    threats = summary.get("threats")
    if threats is not None:
        out["threats"] = {"path": threats["path"], "disagreement_path": threats["disagreement_path"],
                          "value": {p: _r(v) for p, v in threats["value"].items()}}
    return out


def _compare(mine: Any, theirs: Any, where: str) -> None:
    if isinstance(theirs, dict):
        assert isinstance(mine, dict) and mine.keys() == theirs.keys(), f"{where}: keys {sorted(mine)} ≠ {sorted(theirs)}"
        for k in theirs:
            _compare(mine[k], theirs[k], f"{where}.{k}")
    elif isinstance(theirs, float) and not isinstance(theirs, bool):
        assert mine == pytest.approx(theirs, rel=REL, abs=1e-9), f"{where}: {mine} ≠ golden {theirs}"
    else:
        assert mine == theirs, f"{where}: {mine!r} ≠ golden {theirs!r}"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.mark.parametrize("name", OTHER_KINDS)
def test_golden_summary(summaries, name: str):
    """The scenario's headline numbers, compared with the stored golden subset."""
    data = golden_subset(summaries[name])
    path = GOLDEN / f"{name}_summary.json"
    if os.environ.get(REGENERATE) == "1" and not _in_ci():
        path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(f"golden file {path.name} is missing; after checking the numbers, create it with "
                    f"{REGENERATE}=1 pytest tests/test_builtin_scenarios.py" + (" (never under CI)" if _in_ci() else ""))
    golden = json.loads(path.read_text(encoding="utf-8"))
    _compare(data, golden, name)
