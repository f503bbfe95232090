"""What a reader of the report's charts must be able to trust, checked in a real browser: no two text
labels of a chart overprint, every bar of Monte Carlo estimates carries error bars, and every trace is
in its chart's legend (or in the legend group of a trace that is). Shared by the browser tests."""

from __future__ import annotations

import html
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Two labels may touch by this many pixels in both directions before they count as overprinting.
TOLERANCE_PX = 2.0

#: Per chart: the bounding boxes of its text labels (annotations, text on points and bars, legend
#: entries and titles, axis and chart titles, colour-bar titles, tick labels), its bar traces' error
#: bars and its legend's coverage of the traces.
COLLECT = r"""(div) => {
  const selectors = ['g.annotation text', 'g.textpoint text', 'text.bartext', 'g.legend text.legendtext',
    'g.legend text.legendtitletext', 'text.gtitle', 'g.infolayer text[class$="title"]', 'g.cbtitle text',
    'g.xtick text', 'g.ytick text', 'g.g-xtitle text', 'g.g-ytitle text'];
  const seen = new Set();
  const labels = [];
  for (const sel of selectors) {
    for (const el of div.querySelectorAll(sel)) {
      if (seen.has(el)) continue;
      seen.add(el);
      const text = (el.textContent || '').trim();
      const style = window.getComputedStyle(el);
      if (!text || style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
      const b = el.getBBox();
      const m = el.getScreenCTM();
      if (!m || b.width < 0.5 || b.height < 0.5) continue;
      const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
        .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
      labels.push({kind: sel, text: text.slice(0, 80), poly: corners});
    }
  }
  const full = div._fullData || [];
  const layout = div._fullLayout || {};
  const traces = full.filter(t => t.visible === true).map(t => ({
    type: t.type, name: t.name || '', showlegend: !!t.showlegend && layout.showlegend !== false,
    legendgroup: t.legendgroup || '', n: (t.x || t.y || t.z || []).length,
    errors: ['error_x', 'error_y'].some(k => t[k] && t[k].visible && (t[k].array || []).length > 0),
  }));
  const legend = [...div.querySelectorAll('g.legend g.traces text.legendtext')].map(e => e.textContent.trim());
  // legend entries scrolled out of the legend's visible box (plotly scrolls a legend taller than its space)
  const bg = div.querySelector('g.legend rect.bg');
  const box = bg ? bg.getBoundingClientRect() : null;
  const hidden = box ? [...div.querySelectorAll('g.legend g.traces text.legendtext')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.top < box.top - 1 || r.bottom > box.bottom + 1;
  }).map(e => e.textContent.trim()) : [];
  return {id: div.id, labels: labels, traces: traces, legend: legend, hidden: hidden};
}"""


def require_chromium() -> None:
    """Skip without Debian's chromium — except under CI, where it must be there."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI=true: install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed: the chart checks need a real browser")


def _axes(poly: list[list[float]]) -> list[tuple[float, float]]:
    """Unit normals of a convex polygon's edges."""
    out = []
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        if norm > 0:
            out.append((-dy / norm, dx / norm))
    return out


def _depth(a: list[list[float]], b: list[list[float]]) -> float:
    """How far two convex polygons overlap along the axis where they overlap least (separating axis
    theorem): ≤ 0 when they are apart."""
    depth = math.inf
    for nx, ny in _axes(a) + _axes(b):
        pa = [nx * x + ny * y for x, y in a]
        pb = [nx * x + ny * y for x, y in b]
        depth = min(depth, min(max(pa), max(pb)) - max(min(pa), min(pb)))
    return depth


def overlaps(labels: list[dict[str, Any]], tolerance: float = TOLERANCE_PX) -> list[tuple[str, str]]:
    """Pairs of labels whose (possibly rotated) boxes overlap by more than ``tolerance`` pixels.

    >>> box = lambda t, x0, y0, x1, y1: {"text": t, "poly": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}
    >>> overlaps([box("a", 0, 0, 10, 10), box("b", 9, 0, 20, 10)])
    []
    >>> overlaps([box("a", 0, 0, 10, 10), box("c", 5, 5, 20, 20)])
    [('a', 'c')]
    >>> diamond = {"text": "d", "poly": [[20, 0], [30, 10], [20, 20], [10, 10]]}
    >>> overlaps([box("a", 0, 0, 12, 4), diamond])  # the boxes' bounding rectangles would overlap
    []
    """
    out = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if _depth(a["poly"], b["poly"]) > tolerance:
                out.append((a["text"], b["text"]))
    return out


def bars_without_error_bars(chart: dict[str, Any]) -> list[str]:
    """Bar-like traces (every bar of the report is a Monte Carlo estimate) that carry no error bars."""
    return [t["name"] or t["type"] for t in chart["traces"]
            if t["type"] in ("bar", "waterfall", "funnel") and t["n"] and not t["errors"]]


def plain(text: str) -> str:
    """Plotly label text as the page shows it, without spaces: tags dropped, entities decoded.

    >>> plain("a<br>b &amp; 5&#37;")
    'ab&5%'
    """
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", text)))


def traces_missing_from_legend(chart: dict[str, Any]) -> list[str]:
    """Traces that neither appear in the legend nor belong to a legend group that does."""
    shown_groups = {t["legendgroup"] for t in chart["traces"] if t["showlegend"] and t["legendgroup"]}
    entries = [plain(e) for e in chart["legend"]]
    missing = []
    for t in chart["traces"]:
        if t["showlegend"]:
            if t["name"] and plain(t["name"]) not in entries:
                missing.append(t["name"])
        elif not (t["legendgroup"] and t["legendgroup"] in shown_groups):
            missing.append(t["name"] or t["type"])
    return missing


def inspect_report(report: Path, shots: Path, profile: Path, width: int = 1280) -> list[dict[str, Any]]:
    """Open ``report`` offline in Chromium, screenshot every chart into ``shots`` and collect each
    chart's labels, traces and legend (:data:`COLLECT`); also returns console errors under ``errors``
    of the first entry's ``page`` key."""
    from playwright.sync_api import sync_playwright

    url = report.resolve().as_uri()
    shots.mkdir(parents=True, exist_ok=True)
    charts: list[dict[str, Any]] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": 900})
        try:
            context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url, wait_until="load")
            n = page.locator(".plotly-graph-div").count()
            page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {n}", timeout=60_000)
            page.evaluate("document.fonts.ready")
            for i in range(n):
                div = page.locator(".js-plotly-plot").nth(i)
                div.scroll_into_view_if_needed()
                chart = div.evaluate(COLLECT)
                chart["screenshot"] = str(shots / f"{i:02d}-{chart['id']}.png")
                div.screenshot(path=chart["screenshot"])
                charts.append(chart)
        finally:
            context.close()
    for chart in charts:
        chart["page_errors"] = errors
    return charts
