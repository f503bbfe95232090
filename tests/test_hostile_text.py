"""Hostile scenario text: a scenario file is untrusted input, so every title, name, label, citation
and note is filled with a corpus of attack strings (``tests/hostile/corpus.json``: script tags, event
handlers, ``</script>``, ``javascript:`` and network URLs, quotes, spreadsheet formulas, Rich markup,
terminal escapes, RTL overrides, zero-width characters, line separators, a very long string) and the
scenario is run through the library path of ``zopa run`` / ``zopa report`` (:mod:`zopa.pipeline`)
and through the command line itself.

The report must show the strings as text: no tag, attribute or script of theirs in report.html, the
inline chart JSON or the SVG figures; opened in Chromium no dialog opens, no script of theirs runs, no
Content-Security-Policy violation and no request other than the page itself happens. CSV cells
cannot be read as formulas, file names stay inside the run directory, terminal output carries no
control characters.
"""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from hostile_scenario import CORPUS, hostile_data, text_fields, to_toml
from zopa.pipeline import JobSettings, run_job, write_job
from zopa.report.html import CHART_SCRIPT, csp_hash
from zopa.report.safe import FORMULA_START, clean_text, csv_cell, file_stem, plot_text, script_json
from zopa.report.summary import validate_summary
from zopa.scenario import ScenarioError, load_scenario

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Hostile strings with markup in them: they must never reach the HTML or SVG raw.
MARKUP = [s for s in CORPUS if "<" in s]
#: Control characters a terminal would obey (newline and tab are fine).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Markup the charts themselves use in plotly text; anything else with ``<`` came from the scenario.
PLOTLY_TAGS = re.compile(r"</?(b|br|i|extra|sup|sub)>|<span style='[^'<>]*'>|</span>")
#: What the report's own markup is made of.
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "header", "div", "h1", "h2", "h3", "nav",
                "a", "main", "section", "p", "ul", "li", "b", "span", "small", "br", "table", "thead", "tbody", "tr",
                "th", "td", "code", "footer", "details", "summary", "pre", "i"}
ALLOWED_ATTRS = {"lang", "charset", "http-equiv", "content", "name", "id", "class", "style", "href", "type",
                 "data-plotly", "open"}
ALLOWED_STYLE = re.compile(r"color:#[0-9a-f]{6}|background:rgba\(22,163,74,[0-9.]+\)|height:100%; width:100%;")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile scenario file, its loaded scenario and the hostile strings placed in it."""
    folder = tmp_path_factory.mktemp("hostile")
    for ids in (True, False):
        data, h = hostile_data(hostile_ids=ids)
        path = folder / "hostile.toml"
        path.write_text(to_toml(data), encoding="utf-8")
        try:
            scenario = load_scenario(path)
        except ScenarioError:
            if ids:  # the loader may refuse such ids, which is safe too; then run without them
                continue
            raise
        return {"path": path, "scenario": scenario, "placed": h.placed, "by_key": h.by_key, "hostile_id": ids}
    raise AssertionError("unreachable")


def test_every_text_field_holds_a_hostile_string(hostile):
    s = hostile["scenario"]
    fields = text_fields(s)
    placed = set(hostile["placed"])
    plain = [(p, v) for p, v in fields if v and v not in placed]
    assert plain == [], f"text fields the corpus missed: {plain[:5]}"
    kinds = {p.rsplit(".", 1)[-1].split("[")[0] for p, _ in fields}
    assert {"title", "description", "name", "label", "citation", "note", "labels"} <= kinds
    assert len(fields) > 100
    # the issue's own example: party names with an event handler and a script break-out
    names = [s.parties[p].name for p in s.party_ids]
    assert names[0].startswith("<img src=x onerror=") and names[1].startswith("</script><script>")
    assert any(v.startswith("long ") and len(v) > 5000 for _, v in fields)


# --- the run -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(hostile, tmp_path_factory):
    """``zopa run``'s library path: the whole job (no sensitivity) written as a run directory."""
    parent = tmp_path_factory.mktemp("runs")
    out = parent / "run"
    out.mkdir()
    result = run_job(hostile["scenario"], JobSettings(paths=200, space_paths=200, seed=0))
    assert result.negotiation is not None and result.threats is not None and result.analysis is not None
    outputs = write_job(result, out, hostile["path"], fmt="both",
                        command="zopa run '</script><script>alert(\"cmd\")</script>' <img src=x onerror=alert(1)>")
    return {"parent": parent, "out": out, "outputs": outputs, "result": result}


class Page(HTMLParser):
    """Tags, attributes, script bodies and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        else:
            self.text.append(data)


def _strings(node: Any):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def test_report_html_holds_no_hostile_markup(run, hostile):
    text = run["outputs"].report.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    # only the report's own tags and attributes; no handlers, no links out, no injected styles
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert set(attrs) <= ALLOWED_ATTRS, (tag, attrs)
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#"), attrs
        if "style" in attrs:
            assert ALLOWED_STYLE.fullmatch(attrs["style"] or ""), attrs["style"]
    # scripts: plotly.js, the chart data (inert JSON) and the page's own chart script — nothing else
    kinds = [attrs.get("type") for attrs, _ in page.scripts]
    assert kinds[0] == "text/javascript" and kinds[-1] is None
    assert set(kinds[1:-1]) == {"application/json"} and len(kinds) > 6
    assert page.scripts[-1][1] == CHART_SCRIPT
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert csp_hash(page.scripts[0][1]) in csp and csp_hash(CHART_SCRIPT) in csp
    own = text.replace(page.scripts[0][1], "")  # the page without the plotly.js library
    for s in MARKUP:
        assert s not in own, s
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", own)  # nor spoofing
    assert "</script><script>" not in own and "onerror=" not in "".join(f"{a}" for _, a in page.tags)
    # the chart data: no '<' at all in the raw JSON, and plotly sees scenario text as entities
    for attrs, body in page.scripts[1:-1]:
        assert "<" not in body and "\u2028" not in body and "\u2029" not in body
        spec = json.loads(body)
        for s in _strings(spec):
            assert "<" not in PLOTLY_TAGS.sub("", s), s[:200]
        assert "%{x} %{customdata[0]}" not in body
    assert "&#37;{x} &#37;{customdata[0]}" in text.replace("\\u0026", "&")
    # the text shows up, as text: the party names in the negotiation table's header, the title
    visible = "".join(page.text)
    names = [hostile["scenario"].parties[p].name for p in hostile["scenario"].party_ids]
    for name in names:
        assert f"<th>{name}</th>".replace("<th>", "").replace("</th>", "") in visible
    assert hostile["scenario"].meta.title in visible
    shown = sum(1 for s in hostile["placed"] if s in visible)
    assert shown >= 0.6 * len(hostile["placed"])  # most appear verbatim (the rest only in charts or wrapped)


def test_svg_figures_hold_no_hostile_markup(run):
    outputs = run["outputs"]
    if not outputs.figures:
        pytest.skip("no static figures: " + "; ".join(outputs.notes))
    for svg in outputs.figures:
        assert svg.parent == run["out"] / "figures" and re.fullmatch(r"[A-Za-z0-9_.-]+\.svg", svg.name)
        text = svg.read_text(encoding="utf-8")
        for s in MARKUP:
            assert s not in text
        root = ET.fromstring(text)
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe", "object", "embed", "a"), (svg.name, tag)
            for name, value in el.attrib.items():
                local = name.rsplit("}", 1)[-1]
                assert not local.lower().startswith("on"), (svg.name, name)
                if local == "href":
                    assert value.startswith(("#", "data:")), (svg.name, value)
                assert "javascript:" not in value.lower(), (svg.name, name, value)
    values = (run["out"] / "figures" / "values.svg").read_text(encoding="utf-8")
    assert "onerror=" in values  # the party name is there, as text


def test_csv_cells_are_not_formulas(run, hostile):
    tables = run["outputs"].tables
    neutralised = set()
    for name, paths in tables.items():
        parquet = next(p for p in paths if p.suffix == ".parquet")
        schema = pq.read_schema(parquet)
        text_columns = {f.name for f in schema if str(f.type) == "string" or str(f.type).startswith("dictionary")}
        with open(next(p for p in paths if p.suffix == ".csv"), newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            assert not any(h.startswith(FORMULA_START) for h in header)
            index = [i for i, h in enumerate(header) if h in text_columns]
            assert index, name
            for row in reader:
                for i in index:
                    cell = row[i]
                    assert not cell.startswith(FORMULA_START), (name, header[i], cell[:80])
                    if cell.startswith("'") and cell[1:2] in "=+-@":
                        neutralised.add(cell[1])
        if name == "packages":  # Parquet keeps the text exactly
            labels = set(pq.read_table(parquet).column("label").to_pylist())
            assert labels == {p.label for p in hostile["scenario"].packages.values()}
    assert neutralised == {"=", "+", "-", "@"}


def test_files_stay_inside_the_run_directory(run, hostile):
    out = run["out"].resolve()
    assert sorted(p.name for p in run["parent"].iterdir()) == ["run"]
    for path in run["out"].rglob("*"):
        assert path.resolve().is_relative_to(out)
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", path.name), path
    manifest = json.loads(run["outputs"].manifest.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert ".." not in Path(entry["path"]).parts and not Path(entry["path"]).is_absolute()
        assert (run["out"] / entry["path"]).resolve().is_relative_to(out)
    if hostile["hostile_id"] and run["outputs"].figures:
        assert any(p.name.startswith("waterfall-.._.._b_pwned_b_offer") for p in run["outputs"].figures)


def test_summary_keeps_the_text_exactly(run, hostile):
    document = json.loads(run["outputs"].summary.read_text(encoding="utf-8"))
    validate_summary(document)
    s = hostile["scenario"]
    assert document["scenario"]["title"] == s.meta.title
    assert {p: document["parties"][p]["name"] for p in s.party_ids} == {p: s.parties[p].name for p in s.party_ids}
    assert {pkg: document["packages"][pkg]["label"] for pkg in s.packages} == \
        {pkg: s.packages[pkg].label for pkg in s.packages}


# --- the browser -------------------------------------------------------------------------------------------


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI=true: install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")


_WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });"""


def open_in_chromium(report: Path, profile: Path, interact: bool = True) -> dict[str, Any]:
    """Load ``report`` offline and watch: dialogs, console errors, page errors, requests, CSP violations;
    hover every chart and tab through the page so that hover labels and focus handlers get their chance."""
    from playwright.sync_api import sync_playwright

    url = report.resolve().as_uri()
    seen: dict[str, Any] = {"dialogs": [], "errors": [], "requests": [], "failed": []}
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page = context.new_page()
            page.add_init_script(_WATCH)

            def dialog(d: Any) -> None:
                seen["dialogs"].append(d.message)
                d.dismiss()

            page.on("dialog", dialog)
            page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("requestfailed", lambda r: seen["failed"].append((r.url, r.failure)))
            page.goto(url, wait_until="load")
            charts = page.locator(".plotly-graph-div").count()
            seen["charts"] = charts
            if charts:
                page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {charts}",
                                       timeout=30_000)
            seen["rendered"] = page.locator(".js-plotly-plot").count()
            if interact:
                for i in range(charts):
                    chart = page.locator(".js-plotly-plot").nth(i)
                    chart.scroll_into_view_if_needed()
                    box = chart.bounding_box()
                    if box:
                        for fx, fy in ((0.5, 0.5), (0.3, 0.4), (0.7, 0.6)):
                            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                for _ in range(15):
                    page.keyboard.press("Tab")
                page.wait_for_timeout(300)
            seen["pwned"] = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
            seen["violations"] = page.evaluate("window.__violations")
            seen["h1"] = page.locator("h1").inner_text()
            seen["headers"] = page.locator("section[id^=extra] th").all_inner_texts()
        finally:
            context.close()
    seen["url"] = url
    return seen


@pytest.mark.browser
def test_hostile_report_runs_no_script_and_makes_no_request(run, hostile, tmp_path):
    require_chromium()
    seen = open_in_chromium(run["outputs"].report, tmp_path / "profile")
    assert seen["dialogs"] == []
    assert seen["pwned"] is None
    assert seen["violations"] == []
    assert seen["errors"] == []
    assert seen["requests"] == [seen["url"]]
    assert seen["rendered"] == seen["charts"] > 4  # plotly still draws every chart under the policy
    s = hostile["scenario"]
    assert seen["h1"].strip() == s.meta.title.strip()
    for p in s.party_ids:  # the case: the names are in the negotiation table's header, as text
        assert s.parties[p].name in seen["headers"]


@pytest.mark.browser
def test_the_policy_blocks_what_escaping_would_have_missed(run, tmp_path):
    """Defence in depth: with markup injected into the page as if an escape had been forgotten, the
    Content-Security-Policy still stops it (and says so), and the charts still render."""
    require_chromium()
    text = run["outputs"].report.read_text(encoding="utf-8")
    injected = ("<img src=x onerror=\"alert('inline handler')\"><script>alert('inline script')</script>"
                "<a id=js href=\"javascript:alert('js url')\">x</a><img src=\"https://evil.example/p.png\">")
    broken = tmp_path / "injected.html"
    broken.write_text(text.replace("<body>", "<body>" + injected, 1), encoding="utf-8")
    seen = open_in_chromium(broken, tmp_path / "profile", interact=False)
    assert seen["dialogs"] == []
    # Chromium reports the injected images' requests, and blocks them itself ("csp") before they leave
    others = [u for u in seen["requests"] if u != seen["url"]]
    assert others and sorted(seen["failed"]) == sorted((u, "csp") for u in others)
    directives = " ".join(seen["violations"])
    assert "script-src" in directives and "img-src" in directives
    assert seen["rendered"] == seen["charts"] > 4


# --- terminal and command line ----------------------------------------------------------------------------


def test_terminal_tables_carry_no_control_characters_or_markup(run, hostile):
    from rich.console import Console

    from zopa.report.dynamics import negotiation_summary, negotiation_table, threats_summary, threats_table, tree_text
    from zopa.report.terminal import print_analysis, print_valuation

    result = run["result"]
    s = hostile["scenario"]
    names = {p: s.parties[p].name for p in s.party_ids}
    console = Console(file=StringIO(), force_terminal=False, color_system=None, width=400)
    print_valuation(result.valuation, console)
    print_analysis(result.analysis, console)
    console.print(negotiation_table(result.negotiation))
    for line in negotiation_summary(result.negotiation) + threats_summary(result.threats, names):
        console.print(line)
    console.print(threats_table(result.threats, names))
    console.print("\n".join(tree_text(result.threats.game.root)), markup=False, highlight=False)
    out = console.file.getvalue()
    assert not CONTROL.search(out), repr(CONTROL.search(out))
    assert "rich markup" in out and "[bold red]" in out  # markup in a name or label shows as text


def test_command_line_run_and_report(hostile, tmp_path):
    from typer.testing import CliRunner

    from zopa.cli import app

    runner = CliRunner()
    for command in (["run", str(hostile["path"]), "--paths", "200", "--space-paths", "200", "-o", str(tmp_path / "r1")],
                    ["report", str(hostile["path"]), "--paths", "200", "--no-sensitivity",
                     "--space-paths", "0", "-o", str(tmp_path / "r2")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output[-2000:]
        assert "Traceback" not in result.output
        assert not CONTROL.search(result.output), repr(result.output[max(0, CONTROL.search(result.output).start() - 80):][:160])
        report = Path(command[command.index("-o") + 1]) / "report.html"
        own = report.read_text(encoding="utf-8")
        for s in MARKUP:
            assert s not in own
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1", "r2"]


# --- the helpers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("s", CORPUS)
def test_helpers_on_the_corpus(s):
    assert "<" not in script_json({"x": s}) and "\u2028" not in script_json([s]) and json.loads(script_json([s])) == [s]
    shown = plot_text(s)
    assert "<" not in shown and ">" not in shown and "%{" not in shown
    assert not CONTROL.search(clean_text(s))
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", file_stem(s)) and not file_stem(s).startswith(".")
    cell = csv_cell(s)
    assert not cell.startswith(FORMULA_START) and cell.lstrip("'") == s.lstrip("'")
