"""Run outputs: summary.json against its schema and the library's numbers, tables, manifest, the
self-contained HTML report (loaded in a real headless Chromium), static figures and terminal tables."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import jsonschema
import numpy as np
import plotly.graph_objects as go
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from zopa.analysis import DealProblem, IssueSpec, analyze_problem, analyze_scenario
from zopa.report.html import ReportData, build_report_html, report_figures
from zopa.report.run import write_run
from zopa.report.summary import SCHEMA_ID, load_schema, summary_dict, validate_summary
from zopa.report.tables import deal_space_table, packages_table, terms_table, write_table
from zopa.scenario import builtin_path, load_scenario, scenario_hash
from zopa.value import value_scenario

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PATHS = 1000


@pytest.fixture(scope="module")
def case():
    scenario = load_scenario(builtin_path())
    valuation = value_scenario(scenario, PATHS, seed=0)
    analysis, space = analyze_scenario(scenario, n_paths=PATHS, seed=0)
    return scenario, valuation, analysis, space


@pytest.fixture(scope="module")
def run(case, tmp_path_factory):
    scenario, valuation, analysis, space = case
    out = tmp_path_factory.mktemp("run")
    extra = [("Negotiation traces", "<p id='extra-fragment'>offers go here</p>"),
             ("A later chart", go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))]
    outputs = write_run(out, scenario, builtin_path(), valuation, analysis, space, extra_sections=extra,
                        command="zopa run --paths 1000 --seed 0", timings={"analysis": 1.5}, static_figures=False)
    return outputs


def require_chromium() -> None:
    """Skip without Debian's chromium — except under CI, where it must be there."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI=true: install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")


# --- summary.json ---------------------------------------------------------------------------------------


def test_summary_validates_against_the_shipped_schema(run):
    document = json.loads(run.summary.read_text())
    validate_summary(document)
    assert document["$schema"] == SCHEMA_ID == load_schema()["$id"]
    assert document["schema_version"] == "1.0"


def test_schema_rejects_broken_documents(case):
    _, valuation, analysis, space = case
    document = summary_dict(valuation, analysis, space)
    for broken in (
        {k: v for k, v in document.items() if k != "seed"},
        {**document, "paths": "many"},
        {**document, "deal_space": {**document["deal_space"], "zopa": {"exists": "yes"}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_summary(broken)


def test_summary_numbers_equal_the_library(case, run):
    scenario, valuation, analysis, space = case
    s = json.loads(run.summary.read_text())
    assert s["seed"] == 0 and s["paths"] == PATHS
    assert s["scenario"]["hash"] == scenario_hash(scenario)
    sq = scenario.meta.status_quo
    for pkg in valuation.packages:
        for party in valuation.parties:
            entry = s["packages"][pkg]["parties"][party]
            own, other = valuation.estimate(pkg, party), valuation.estimate(pkg, party, scenario.other(party))
            assert entry["own_beliefs"]["mean"] == own.mean and entry["own_beliefs"]["se"] == own.se
            assert entry["own_beliefs"]["ce"] == own.ce and entry["other_beliefs"]["q95"] == other.q95
            gain = valuation.difference(party, pkg, sq)
            assert entry["gain_over_status_quo"]["mean"] == gain.mean
            assert entry["gain_over_status_quo"]["ce"] == gain.ce
            for term, e in valuation.term_estimates(pkg, party).items():
                assert entry["terms"][term]["mean"] == e.mean
    ds = s["deal_space"]
    p = analysis.problem
    assert ds["paths"] == PATHS and ds["seed"] == 0 and ds["n_packages"] == p.n_packages
    for i, party in enumerate(p.parties):
        assert ds["batna"][party] == {"value": p.batna[i], "se": p.batna_se[i], "package": p.batna_label[i]}
    z = ds["zopa"]
    assert (z["exists"], z["count"], z["robust_count"], z["near_count"]) == (
        analysis.zopa.exists, analysis.zopa.count, analysis.robust_count, analysis.near_count)
    assert z["area"] == analysis.zopa.area
    assert z["width"] == {p.parties[0]: analysis.zopa.width_1, p.parties[1]: analysis.zopa.width_2}
    assert z["within_noise"] == analysis.existence_within_noise
    for key, point in analysis.solutions.items():
        got = ds["solutions"][key]
        assert got["package"] == point.package and got["choices"] == point.choices
        for i, party in enumerate(p.parties):
            assert got["utility"][party] == {"value": point.utility[i], "se": point.utility_se[i]}
            assert got["gain"][party] == {"value": point.gain[i], "se": point.gain_se[i]}
    assert [r["in_zopa"] for r in ds["issue_ranges"]] == [list(r.in_zopa) for r in analysis.issue_ranges]
    d = analysis.deadline
    assert ds["deadline"]["rounds"] == d.rounds
    assert ds["deadline"]["first_proposer_share_with_deadline"] == d.finite_share
    assert s["verdict"] == ds["verdict"] == analysis.verdict()


def test_same_seed_same_summary(case):
    scenario, valuation, _, _ = case
    again = value_scenario(scenario, PATHS, seed=0)
    first = summary_dict(valuation, run_date="fixed")
    assert summary_dict(again, run_date="fixed") == first
    assert summary_dict(value_scenario(scenario, PATHS, seed=1), run_date="fixed")["packages"] != first["packages"]


def test_summary_without_a_deal_space_and_without_a_zopa(case):
    _, valuation, _, _ = case
    plain = summary_dict(valuation)
    validate_summary(plain)
    assert plain["deal_space"] is None and plain["verdict"]
    # two packages, neither acceptable to both: no ZOPA, a gap closer, no solutions
    problem = DealProblem(parties=("openai", "microsoft"), names=("OpenAI", "Microsoft"),
                          utility=np.array([[1.0, 3.0], [3.0, 1.0]]), batna=(2.0, 2.5),
                          choices=np.array([[0], [1]]), issues=(IssueSpec("x", "X", ("a", "b")),))
    document = summary_dict(valuation, analyze_problem(problem))
    validate_summary(document)
    z = document["deal_space"]["zopa"]
    assert not z["exists"] and z["shortfall"] == 1.0 and z["gap_closer"]["package"] == 0
    assert all(v is None for v in document["deal_space"]["solutions"].values())
    assert document["deal_space"]["paths"] is None


# --- tables ------------------------------------------------------------------------------------------


def test_package_and_term_tables(case, run):
    scenario, valuation, _, _ = case
    table = pq.read_table(run.tables["packages"][0]).to_pylist()
    assert len(table) == len(valuation.packages) * 2 * 2
    row = next(r for r in table if r["package"] == "openai_offer" and r["party"] == "openai" and r["beliefs"] == "openai")
    e = valuation.estimate("openai_offer", "openai")
    d = valuation.difference("openai", "openai_offer", scenario.meta.status_quo)
    assert (row["mean"], row["se"], row["q05"], row["ce"], row["gain"], row["gain_se"]) == (
        e.mean, e.se, e.q05, e.ce, d.ce, d.ce_se)
    ms = next(r for r in table if r["package"] == "openai_offer" and r["party"] == "microsoft" and r["beliefs"] == "microsoft")
    assert ms["ce"] is None and ms["gain"] == valuation.difference("microsoft", "openai_offer", "status_quo").mean
    terms = pq.read_table(run.tables["terms"][0])
    assert {"package", "party", "beliefs", "term", "label", "mean", "se"} <= set(terms.column_names)
    assert terms.num_rows == sum(len(valuation.terms[k]) for k in valuation.terms)


def test_deal_space_table(case, run):
    _, _, analysis, space = case
    t = pq.read_table(run.tables["deal_space"][0])
    p = analysis.problem
    assert t.num_rows == p.n_packages
    assert [i.id for i in p.issues] == t.column_names[1:1 + len(p.issues)]
    assert t.column("in_zopa").to_numpy().sum() == analysis.zopa.count
    assert t.column("robust").to_numpy().sum() == analysis.robust_count
    assert t.column("on_frontier").to_numpy().sum() == analysis.frontier.size
    np.testing.assert_array_equal(t.column("utility_openai").to_numpy(), p.utility[0])
    np.testing.assert_array_equal(t.column("gain_se_microsoft").to_numpy(), p.gain_se[1])
    nash = analysis.solutions["nash"]
    row = t.slice(nash.package, 1).to_pylist()[0]
    assert {i.label: row[i.id] for i in p.issues} == nash.choices


def test_csv_format(case, tmp_path):
    _, valuation, analysis, space = case
    written = write_table(packages_table(valuation), tmp_path / "packages", "csv")
    assert [p.name for p in written] == ["packages.csv"]
    assert pacsv.read_csv(written[0]).num_rows == len(valuation.packages) * 4
    both = write_table(terms_table(valuation), tmp_path / "terms", "both")
    assert sorted(p.suffix for p in both) == [".csv", ".parquet"]
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(terms_table(valuation), tmp_path / "terms", "xlsx")  # type: ignore[arg-type]
    small = deal_space_table(analysis, space).slice(0, 50)
    row = pacsv.read_csv(write_table(small, tmp_path / "ds", "csv")[0]).slice(0, 1).to_pylist()[0]
    assert row["cloud"] == analysis.problem.issues[3].options[int(analysis.problem.choices[0, 3])]


# --- manifest ----------------------------------------------------------------------------------------


def test_manifest_lists_inputs_and_every_file_with_its_hash(case, run):
    scenario, _, _, _ = case
    m = json.loads(run.manifest.read_text())
    src = m["inputs"]["scenario"]
    assert src["path"] == str(builtin_path().resolve())
    assert src["sha256"] == hashlib.sha256(builtin_path().read_bytes()).hexdigest()
    assert src["scenario_hash"] == scenario_hash(scenario)
    assert m["seed"] == 0 and m["paths"] == PATHS and m["deal_space"]["paths"] == PATHS
    assert m["command"] == "zopa run --paths 1000 --seed 0"
    assert set(m["environment"]["libraries"]) >= {"numpy", "scipy"} and m["environment"]["python"]
    assert m["timings_s"]["analysis"] == 1.5
    assert {"summary", "tables", "report", "manifest", "valuation"} <= set(m["timings_s"])
    listed = {f["path"]: f for f in m["files"]}
    assert set(listed) == {"report.html", "summary.json", "packages.parquet", "terms.parquet", "deal_space.parquet"}
    for rel, entry in listed.items():
        data = (run.out_dir / rel).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert "static figures not requested" in m["notes"]


def test_valuation_only_run_as_csv(case, tmp_path):
    scenario, valuation, _, _ = case
    out = write_run(tmp_path / "run", scenario, None, valuation, fmt="csv", static_figures=False)
    assert sorted(out.tables) == ["packages", "terms"] and out.tables["packages"][0].suffix == ".csv"
    validate_summary(json.loads(out.summary.read_text()))
    m = json.loads(out.manifest.read_text())
    assert m["inputs"]["scenario"]["path"] is None and m["deal_space"] is None
    assert {f["path"] for f in m["files"]} == {"report.html", "summary.json", "packages.csv", "terms.csv"}
    assert all(p.exists() for p in out.files)


# --- HTML ------------------------------------------------------------------------------------------


def test_report_is_self_contained(run):
    html = run.report.read_text()
    assert html.count("* plotly.js v") == 1  # the library is inlined exactly once
    assert not re.search(r"<script[^>]+src=", html) and "<link" not in html and "@import" not in html
    head, _, rest = html.partition("* plotly.js v")
    own = head + rest.split("</script>", 1)[1]  # the page without the plotly.js library itself
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", own)
    for sid in ("summary", "beliefs", "values", "frontier", "issues", "deadline", "sources", "reproducibility"):
        assert f'id="{sid}"' in html
    assert "id='extra-fragment'" in html and "Negotiation traces" in html and 'id="extra-2-1"' in html
    assert scenario_hash(load_scenario(builtin_path())) in html and "zopa run --paths 1000 --seed 0" in html
    assert "not within horizon" in html and "assumption" in html


def test_report_without_deal_space(case):
    scenario, valuation, _, _ = case
    html = build_report_html(ReportData(scenario, valuation, waterfall_package="status_quo"))
    assert 'id="summary"' in html and 'id="frontier"' not in html
    names = [n for n, _ in report_figures(ReportData(scenario, valuation))]
    assert "frontier" not in names and "values" in names and "beliefs-world-agi-arrival" in names
    with pytest.raises(ValueError, match="unknown package"):
        report_figures(ReportData(scenario, valuation, waterfall_package="nope"))


def test_static_figures_skip_or_fail_without_a_browser(tmp_path, monkeypatch):
    import zopa.report.figures as figures

    monkeypatch.setattr(figures, "find_chromium", lambda: None)
    fig = [("x", go.Figure())]
    monkeypatch.setenv("CI", "false")
    result = figures.export_static_figures(fig, tmp_path)
    assert result.written == [] and "no Chromium" in result.note
    monkeypatch.setenv("CI", "true")
    with pytest.raises(RuntimeError, match="CI=true"):
        figures.export_static_figures(fig, tmp_path)


@pytest.mark.browser
def test_report_loads_offline_in_chromium(run, tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    url = run.report.resolve().as_uri()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url, wait_until="load")
            page.wait_for_selector("#frontier .plotly .main-svg", state="attached", timeout=20_000)
            assert page.locator("#summary").is_visible() and page.locator("#frontier").is_visible()
            assert page.locator("#frontier .plotly .main-svg").count() >= 1
            charts = len(re.findall(r'class="plotly-graph-div"', run.report.read_text()))
            assert page.locator(".js-plotly-plot").count() == charts > 4  # every chart rendered
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
    assert errors == []
    assert requests == [url]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 100_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1280 and height > 5_000


@pytest.mark.browser
def test_static_svg_figures(case, tmp_path):
    require_chromium()
    from zopa.report.figures import export_static_figures

    scenario, valuation, analysis, _ = case
    figures = [(n, f) for n, f in report_figures(ReportData(scenario, valuation, analysis)) if n in ("values", "frontier")]
    result = export_static_figures(figures, tmp_path / "figures", browser=CHROMIUM)
    assert result.note is None
    assert sorted(p.name for p in result.written) == ["frontier.svg", "values.svg"]
    svg = (tmp_path / "figures" / "frontier.svg").read_text()
    assert svg.startswith("<svg") and "Pareto frontier" in svg
    assert not re.search(r"""href=["']https?:""", svg)  # no external references


@pytest.mark.browser
def test_background_export_writes_what_the_direct_export_writes(case, tmp_path):
    """The browser started before the figures exist (:class:`BackgroundExport`) writes the same SVG
    files as the direct export; cancelled before the figures are made, it writes nothing and stops."""
    require_chromium()
    from zopa.report.figures import BackgroundExport, export_static_figures

    scenario, valuation, analysis, _ = case
    figures = [(n, f) for n, f in report_figures(ReportData(scenario, valuation, analysis)) if n in ("values", "frontier")]
    direct = export_static_figures(figures, tmp_path / "direct", browser=CHROMIUM)
    background = BackgroundExport(tmp_path / "background", browser=CHROMIUM).finish(figures)
    assert background.note is None
    assert [p.name for p in background.written] == [p.name for p in direct.written] == ["values.svg", "frontier.svg"]
    def plain(svg: str) -> str:  # plotly.js gives each rendering's defs and gradients random hex ids
        return re.sub(r"[0-9a-f]{6,}", "#", svg)

    for a, b in zip(direct.written, background.written):
        assert plain(a.read_text()) == plain(b.read_text())
    stopped = BackgroundExport(tmp_path / "stopped", browser=CHROMIUM)
    stopped.cancel()
    assert not (tmp_path / "stopped").exists()


def test_background_export_hands_on_a_failure(tmp_path, monkeypatch):
    import zopa.report.figures as figures

    monkeypatch.setattr(figures, "find_chromium", lambda: None)
    monkeypatch.setenv("CI", "false")
    result = figures.BackgroundExport(tmp_path).finish([("x", go.Figure())])
    assert result.written == [] and "no Chromium" in result.note
    monkeypatch.setenv("CI", "true")
    with pytest.raises(RuntimeError, match="CI=true"):
        figures.BackgroundExport(tmp_path).finish([("x", go.Figure())])


# --- terminal ----------------------------------------------------------------------------------------


def test_analysis_tables(case):
    from rich.console import Console

    from zopa.report.terminal import analysis_tables, print_analysis

    _, _, analysis, _ = case
    console = Console(record=True, width=200)
    tables = analysis_tables(analysis)
    assert len(tables) == 4
    print_analysis(analysis, console)
    text = console.export_text()
    nash = analysis.solutions["nash"]
    assert f"{nash.gain[0]:+,.1f} ± {nash.gain_se[0]:,.1f}" in text
    assert f"{analysis.zopa.count:,} packages" in text and f"Deadline bargaining: {analysis.deadline.rounds} rounds" in text
