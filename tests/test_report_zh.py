"""The Chinese edition of the report (``--lang zh``): every heading, sentence, table header and chart
title from the Chinese catalogue, numbers, names and sources unchanged, ``<html lang="zh-Hans">``, a
CJK font that Chromium really uses (the built-in case cites a Chinese-language source, which must
render as glyphs in both editions), charts that still do not overprint, and the hostile-text and
Content-Security-Policy guarantees of the English edition."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from chart_checks import CHROMIUM, CHROMIUM_ARGS, inspect_report, overlaps, require_chromium
from hostile_scenario import CORPUS, hostile_data, to_toml
from zopa.pipeline import JobSettings, run_job, write_job
from zopa.report.html import CHART_SCRIPT, csp_hash
from zopa.report.i18n import CATALOGUES, report_language
from zopa.report.messages_en import MESSAGES as EN
from zopa.report.messages_zh import MESSAGES as ZH
from zopa.scenario import builtin_path, load_scenario

#: The built-in case's Chinese-language source, by its title.
CHINESE_TITLE = "当AI之子要求「独立自主」"
SETTINGS = JobSettings(paths=600, space_paths=300, seed=0, branch_paths=300, branch_space_paths=120)
MARKUP = [s for s in CORPUS if "<" in s]
CJK = re.compile("[\u4e00-\u9fff]")


def test_catalogues_have_the_same_messages_and_placeholders():
    assert set(EN) == set(ZH) and set(CATALOGUES) == {"en", "zh"}
    fields = re.compile(r"\{(\w*)\}")
    for key, text in EN.items():
        assert sorted(fields.findall(text)) == sorted(fields.findall(ZH[key])), key
        assert re.findall(r"</?\w+>", text) == re.findall(r"</?\w+>", ZH[key]) or key.startswith("hover."), key


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The built-in case run once, written in both languages."""
    result = run_job(load_scenario(builtin_path()), SETTINGS)
    out = {}
    for lang in ("en", "zh"):
        target = tmp_path_factory.mktemp(lang) / "run"
        target.mkdir()
        with report_language(lang):
            out[lang] = write_job(result, target, builtin_path(), command=f"zopa run --lang {lang}")
    return out


def test_the_chinese_edition_is_chinese_with_the_same_numbers_names_and_sources(editions):
    en = editions["en"].report.read_text(encoding="utf-8")
    zh = editions["zh"].report.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in zh and '<html lang="en">' in en
    for heading in (ZH["section.summary"], ZH["section.values"], ZH["section.frontier"], ZH["section.sources"],
                    ZH["section.negotiation"], ZH["section.threats"], ZH["th.package"]):
        assert f">{heading}<" in zh, heading
    for english in (EN["section.summary"], EN["section.values"], "Every package of the deal space", "What each package"):
        assert english not in zh, english
    charts = [json.loads(body) for body in re.findall(r'<script type="application/json" data-plotly="[^"]+">(.*?)</script>',
                                                        zh, re.S)]
    titles = [c["layout"]["title"]["text"] for c in charts]
    assert all(CJK.search(t) for t in titles if "(world." not in t and "(inputs." not in t), titles
    # what is the scenario's own stays as it is: names, labels, sources, the numbers of summary.json
    for same in ("OpenAI", "Microsoft", CHINESE_TITLE, "status_quo", "reuters_2025_05"):
        assert same in zh and same in en
    summaries = [json.loads(editions[lang].summary.read_text()) for lang in ("en", "zh")]
    assert summaries[0]["packages"] == summaries[1]["packages"] and summaries[0]["verdict"] == summaries[1]["verdict"]
    assert 'font-family: "Noto Sans CJK SC"' in zh and '"Noto Sans CJK SC"' in en


def test_the_command_line_writes_the_chinese_edition(tmp_path):
    from typer.testing import CliRunner

    from zopa.cli import app

    runner = CliRunner()
    done = runner.invoke(app, ["report", "--lang", "zh", "--no-sensitivity", "--paths", "200", "--space-paths", "0",
                               "-o", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output[-2000:]
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in html and f">{ZH['section.summary']}<" in html
    wrong = runner.invoke(app, ["run", "--lang", "fr", "--no-report"])
    assert wrong.exit_code == 2 and "--lang fr: expected one of en, zh" in wrong.output


_WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"""

_FONTS = """() => {
  const cite = [...document.querySelectorAll('#sources .citation')].find(e => /[\\u4e00-\\u9fff]/.test(e.textContent));
  const text = cite ? cite.textContent : '';
  const cjk = [...text].filter(c => /[\\u4e00-\\u9fff]/.test(c));
  const ctx = document.createElement('canvas').getContext('2d');
  const style = cite ? getComputedStyle(cite) : getComputedStyle(document.body);
  ctx.font = style.fontSize + ' ' + style.fontFamily;
  const size = parseFloat(style.fontSize);
  const width = cjk.length ? ctx.measureText(cjk.join('')).width / cjk.length : 0;
  ctx.font = style.fontSize + ' "Noto Sans CJK SC"';
  const noto = cjk.length ? ctx.measureText(cjk.join('')).width / cjk.length : 0;
  return {check: document.fonts.check('16px "Noto Sans CJK SC"', '中文'),
          checkCitation: document.fonts.check(style.fontSize + ' ' + style.fontFamily, cjk.join('') || '中文'),
          family: style.fontFamily, size: size, width: width, noto: noto, n: cjk.length,
          lang: document.documentElement.lang, violations: window.__violations,
          rendered: document.querySelectorAll('.js-plotly-plot').length,
          charts: document.querySelectorAll('.plotly-graph-div').length};
}"""


def open_report(report: Path, profile: Path) -> dict[str, Any]:
    """Open a report offline and read its fonts, policy violations, dialogs, errors and requests."""
    from playwright.sync_api import sync_playwright

    url = report.resolve().as_uri()
    seen: dict[str, Any] = {"dialogs": [], "errors": [], "requests": []}
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                        args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        try:
            context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page = context.new_page()
            page.add_init_script(_WATCH)
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.goto(url, wait_until="load")
            n = page.locator(".plotly-graph-div").count()
            page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {n}", timeout=60_000)
            page.evaluate("document.fonts.ready")
            seen.update(page.evaluate(_FONTS))
        finally:
            context.close()
    seen["url"] = url
    return seen


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chinese_text_renders_as_glyphs_under_the_policy(editions, lang, tmp_path):
    require_chromium()
    seen = open_report(editions[lang].report, tmp_path / "profile")
    assert seen["lang"] == {"zh": "zh-Hans", "en": "en"}[lang]
    assert seen["check"] and seen["checkCitation"], seen  # the CJK face is there and covers the text
    assert "Noto Sans CJK SC" in seen["family"]
    # the cited title is drawn in a CJK face: full-width glyphs, as wide as Noto Sans CJK's (1 em)
    assert seen["n"] >= 10 and abs(seen["width"] - seen["noto"]) < 0.05 * seen["size"], seen
    assert abs(seen["width"] - seen["size"]) < 0.1 * seen["size"], seen
    assert seen["violations"] == [] and seen["dialogs"] == [] and seen["errors"] == []
    assert seen["requests"] == [seen["url"]]
    assert seen["rendered"] == seen["charts"] > 4


@pytest.mark.browser
def test_chinese_charts_do_not_overprint(editions, tmp_path):
    require_chromium()
    charts = inspect_report(editions["zh"].report, tmp_path / "charts", tmp_path / "profile")
    problems = [f"{c['id']}: {a!r} / {b!r}" for c in charts for a, b in overlaps(c["labels"])]
    assert problems == [], "\n".join(problems)
    assert sum(bool(CJK.search(label["text"])) for c in charts for label in c["labels"]) > 30


@pytest.fixture(scope="module")
def hostile_zh(tmp_path_factory):
    """The hostile scenario (every text field an attack string) written as the Chinese edition."""
    folder = tmp_path_factory.mktemp("hostile-zh")
    data, _ = hostile_data(hostile_ids=False)
    path = folder / "hostile.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    result = run_job(load_scenario(path), JobSettings(paths=200, space_paths=200, seed=0))
    out = folder / "run"
    out.mkdir()
    with report_language("zh"):
        return write_job(result, out, path, fmt="csv", command="zopa run --lang zh")


def test_hostile_text_stays_text_in_the_chinese_edition(hostile_zh):
    html = hostile_zh.report.read_text(encoding="utf-8")
    head, _, rest = html.partition("* plotly.js v")
    own = head + rest.split("</script>", 1)[1]
    for s in MARKUP:
        assert s not in own, s
    assert "</script><script>" not in own
    csp = unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert csp_hash(CHART_SCRIPT) in csp
    plotly = re.search(r'<script type="text/javascript">(.*?)</script>', html, re.S).group(1)
    assert csp_hash(plotly) in csp
    assert html.count("<script") == html.count('<script type="application/json"') + 2


@pytest.mark.browser
def test_hostile_chinese_edition_runs_no_script_and_makes_no_request(hostile_zh, tmp_path):
    require_chromium()
    seen = open_report(hostile_zh.report, tmp_path / "profile")
    assert seen["dialogs"] == [] and seen["violations"] == [] and seen["errors"] == []
    assert seen["requests"] == [seen["url"]] and seen["rendered"] == seen["charts"] > 4
