"""The command line end to end, with small path counts: exit codes, outputs, files, JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zopa.cli import _genius_args, app

GENIUS = Path(os.environ.get("ZOPA_GENIUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "genius"))
runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def laptop() -> list[str]:
    d = GENIUS / "Laptop"
    if not d.is_dir():
        pytest.skip("GENIUS domains not found")
    return ["--genius", str(d / "laptop_domain.xml"), "--genius", str(d / "laptop_buyer_utility.xml"),
            "--genius", str(d / "laptop_seller_utility.xml")]


def test_run_writes_a_report_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "run1"
    result = invoke("run", "--paths", "600", "--space-paths", "300", "-o", str(out), "--no-breakdown")
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Report: ") and last.endswith("report.html")
    for name in ("report.html", "summary.json", "manifest.json", "packages.parquet", "deal_space.parquet"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["paths"] == 600
    again = invoke("run", "--paths", "600", "--space-paths", "0", "-o", str(out))
    assert again.exit_code == 2 and "--force" in again.output
    forced = invoke("run", "--paths", "600", "--space-paths", "0", "-o", str(out), "--force", "--no-breakdown")
    assert forced.exit_code == 0, forced.output


def test_run_json_without_report():
    result = invoke("run", "--paths", "500", "--space-paths", "0", "--json", "--no-report")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "openai_offer" in json.dumps(data)


def test_analyze_json_builtin():
    result = invoke("analyze", "--paths", "300", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["zopa"]["exists"] in (True, False)
    assert "nash" in data["solutions"]


def test_analyze_and_negotiate_genius():
    result = invoke("analyze", *laptop())
    assert result.exit_code == 0 and "ZOPA" in result.output
    nego = invoke("negotiate", *laptop(), "--rounds", "10", "--json")
    assert nego.exit_code == 0, nego.output
    trace = json.loads(nego.output)["trace"]
    assert 1 <= len(trace) <= 10


def test_genius_needs_three_files():
    d = GENIUS / "Laptop"
    result = invoke("analyze", "--genius", str(d / "laptop_domain.xml"))
    assert result.exit_code == 2 and "three files" in result.output


def test_genius_arguments_fold():
    assert _genius_args(["analyze", "--genius", "d.xml", "a.xml", "b.xml", "--json"]) == \
        ["analyze", "--genius", "d.xml", "--genius", "a.xml", "--genius", "b.xml", "--json"]


def test_threats_and_efg(tmp_path):
    efg = tmp_path / "game.efg"
    result = invoke("threats", "--paths", "800", "--efg", str(efg))
    assert result.exit_code == 0, result.output
    assert "credible" in result.output and efg.read_text().startswith("EFG 2 R")
    refused = invoke("threats", "--paths", "200", "--efg", str(efg))
    assert refused.exit_code == 2


def test_bad_strategy_name():
    result = invoke("negotiate", "--a", "bulware", "--paths", "200")
    assert result.exit_code == 2 and "boulware" in result.output


def test_sensitivity_list_and_small_tornado():
    listed = invoke("sensitivity", "--list")
    assert listed.exit_code == 0 and "world.agi.arrival" in listed.output
    result = invoke("sensitivity", "--inputs", "world.exit", "--paths", "400", "--space-paths", "0", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["tornado"]
    assert all(r[0]["input"] == "world.exit.revenue_multiple" for r in rows.values())
    bad = invoke("sensitivity", "--inputs", "world.nothing")
    assert bad.exit_code == 2


def test_sweep_vary_and_bad_path(tmp_path):
    bad = invoke("sweep", "--vary", "world.revenue.inital=10", "-o", str(tmp_path / "x"))
    assert bad.exit_code == 2 and "world.revenue.initial" in bad.output
    none = invoke("sweep")
    assert none.exit_code == 2


def test_scenario_without_deal_space_is_analysed_over_its_packages(tmp_path):
    scenario = tmp_path / "deal.toml"
    assert invoke("new", str(scenario)).exit_code == 0
    result = invoke("analyze", str(scenario), "--paths", "2000")
    assert result.exit_code == 0, result.output
    assert "ZOPA" in result.output and "Renewal" in result.output
    run = invoke("run", str(scenario), "--paths", "1000", "-o", str(tmp_path / "out"), "--no-breakdown")
    assert run.exit_code == 0, run.output
    assert (tmp_path / "out" / "report.html").is_file()
