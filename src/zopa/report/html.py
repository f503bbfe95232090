"""The HTML report: one self-contained file that opens offline.

plotly.js is inlined once in the page head; every chart is a ``<div>`` plus its figure as inline JSON
(``<script type="application/json">``, serialised with :func:`~zopa.report.safe.script_json`), drawn
by one small script at the end of the page. There are no external scripts, stylesheets, fonts or
images, so opening the file makes no network request.

Scenario text is untrusted. Every fragment is :class:`~zopa.report.safe.Markup` built from literal
templates, which escape what they are given (:mod:`zopa.report.safe`), and a Content-Security-Policy
forbids what an escaping bug could still smuggle in: scripts other than the two inlined ones (allowed
by their SHA-256 hashes), inline event handlers, ``javascript:`` URLs, plugins, forms and every
network source.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

import plotly.io as pio

from zopa import __version__
from zopa.analysis import Analysis
from zopa.report import html_sections as core
from zopa.report.charts import belief_figures, value_figure, waterfall_figure
from zopa.report.charts_space import frontier_figure
from zopa.report.context import ReportContext, resolve
from zopa.report.html_style import CSS
from zopa.report.i18n import HTML_LANG, current_language, report_language, t
from zopa.report.safe import Markup, html, is_markup, join, script_json
from zopa.scenario.schema import Scenario
from zopa.value import Valuation

#: Plotly options for every chart: no logo, SVG download from the mode bar.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "toImageButtonOptions": {"format": "svg", "scale": 1}}


@dataclass(frozen=True)
class ReportMeta:
    """What makes the run reproducible, shown in the report's footer."""

    seed: int | None = None
    paths: int | None = None
    scenario_hash: str | None = None
    version: str = __version__
    run_date: str | None = None
    command: str = ""
    scenario_path: str | None = None
    space_paths: int | None = None
    space_seed: int | None = None


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows. ``extra_sections`` are ``(title, content)`` pairs appended before
    the sources, where content is an HTML fragment, a plotly figure, or a sequence of those. The title
    is text (escaped). A fragment is inserted as is: build it as :class:`~zopa.report.safe.Markup` with
    :func:`~zopa.report.safe.html`, which escapes scenario text (as :mod:`zopa.report.sections` does); a
    plain ``str`` fragment is taken to be the caller's own trusted markup and must hold no scenario
    text. Titles and content may be :class:`~zopa.report.context.Deferred`, drawn when the report is
    built (:func:`resolve_data`). ``waterfall_package`` picks the package of the per-term waterfall
    (default: the first package other than the contract in force). ``lang`` is the report's language
    (None: the current one, :func:`~zopa.report.i18n.report_language`); ``negotiation`` the run's
    simulated negotiation, for the recommendation's words."""

    scenario: Scenario
    valuation: Valuation
    analysis: Analysis | None = None
    space_valuation: Any = None
    extra_sections: Sequence[tuple[str, Any]] = ()
    meta: ReportMeta = field(default_factory=ReportMeta)
    waterfall_package: str | None = None
    lead_sections: Sequence[tuple[str, Any]] = ()  # shown first, before the summary (the recommendation)
    lang: str | None = None
    negotiation: Any = None
    resolved: bool = False  # titles and content already drawn (:func:`resolve_data`)


def report_context(data: ReportData) -> ReportContext:
    """The scenario, analysis and negotiation of a report, as its parts need them."""
    return ReportContext(data.scenario, data.analysis, data.negotiation)


def _resolve_sections(sections: Sequence[tuple[Any, Any]], context: ReportContext) -> tuple[tuple[str, Any], ...]:
    out = []
    for title, content in sections:
        content = resolve(content, context)
        items = content if isinstance(content, (list, tuple)) else [content]
        drawn: list[Any] = []
        for item in items:
            item = resolve(item, context)
            drawn.extend(item if isinstance(item, (list, tuple)) else [item])
        out.append((str(resolve(title, context)), drawn))
    return tuple(out)


def resolve_data(data: ReportData) -> ReportData:
    """``data`` with its sections drawn (every :class:`~zopa.report.context.Deferred` title and item
    built, in the report's language) and its language fixed; a no-op on drawn data."""
    if data.resolved:
        return data
    lang = data.lang or current_language()
    with report_language(lang):
        context = report_context(data)
        return dataclasses.replace(data, extra_sections=_resolve_sections(data.extra_sections, context),
                                   lead_sections=_resolve_sections(data.lead_sections, context), lang=lang,
                                   resolved=True)


def waterfall_package(data: ReportData) -> str:
    v = data.valuation
    if data.waterfall_package is not None:
        if data.waterfall_package not in v.packages:
            raise ValueError(f"unknown package {data.waterfall_package!r}; known: {', '.join(v.packages)}")
        return data.waterfall_package
    others = [p for p in v.packages if p != data.scenario.meta.status_quo]
    return (others or list(v.packages))[0]


def _measures(data: ReportData) -> tuple[str, str]:
    if data.analysis is None:
        return (t("measure.value"), t("measure.value"))
    v = data.valuation
    return tuple(t("measure.ce_long") if p in v.parties and v.risk_aversion(p) else t("measure.mean_long")
                 for p in data.analysis.problem.parties)  # type: ignore[return-value]


def _is_figure(obj: Any) -> bool:
    return hasattr(obj, "to_plotly_json") and hasattr(obj, "layout")


def report_figures(data: ReportData) -> list[tuple[str, Any]]:
    """Every chart of the report as (name, plotly figure), in report order. Names hold scenario ids
    (``waterfall-<package>``), so :func:`zopa.report.figures.figure_paths` makes them file-safe."""
    data = resolve_data(data)
    with report_language(data.lang):
        figures: list[tuple[str, Any]] = list(belief_figures(data.scenario))
        figures.append(("values", value_figure(data.valuation)))
        pkg = waterfall_package(data)
        figures.append((f"waterfall-{pkg}", waterfall_figure(data.valuation, pkg)))
        if data.analysis is not None:
            figures.append(("frontier", frontier_figure(data.analysis, data.valuation, _measures(data),
                                                        report_context(data))))
    for i, (title, items) in enumerate(data.extra_sections, start=1):
        slug = "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in title.lower()).split())[:40]
        charts = [item for item in items if _is_figure(item)]
        for j, item in enumerate(charts, start=1):  # numbered only when the section has several
            figures.append((f"{i}-{slug or 'section'}" + (f"-{j}" if len(charts) > 1 else ""), item))
    return figures


#: Draws every chart from its inline JSON; allowed by the Content-Security-Policy through its hash.
CHART_SCRIPT = """(function () {
  var specs = document.querySelectorAll('script[type="application/json"][data-plotly]');
  for (var i = 0; i < specs.length; i++) {
    var div = document.getElementById(specs[i].getAttribute('data-plotly'));
    if (!div) continue;
    var fig = JSON.parse(specs[i].textContent);
    Plotly.newPlot(div, fig.data || [], fig.layout || {}, fig.config || {});
  }
})();"""


def csp_hash(script: str) -> str:
    """The CSP source expression allowing an inline script with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


@functools.cache
def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def content_security_policy(*scripts: str) -> str:
    """The report's policy: nothing from the network, no plugins, forms or base URL, and only the given
    inline scripts (by hash) — so no injected script or inline event handler can run. Inline styles
    stay allowed (the report and plotly.js set them); images only from ``data:``/``blob:`` URLs
    (plotly's downloads)."""
    return ("default-src 'none'; script-src " + " ".join(csp_hash(s) for s in scripts) + "; "
            "style-src 'unsafe-inline'; img-src data: blob:; font-src 'none'; connect-src 'none'; "
            "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def figure_json(fig: Any) -> str:
    """A figure (``data``, ``layout``) and the chart options (``config``) as JSON that is safe inside a
    ``<script>`` element (:func:`~zopa.report.safe.script_json`)."""
    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = PLOTLY_CONFIG
    return script_json(spec, separators=(",", ":"), allow_nan=False)


def figure_html(fig: Any, div_id: str) -> Markup:
    """A chart's ``<div>`` and its figure as inline JSON; plotly.js itself is inlined once, in the page
    head, and :data:`CHART_SCRIPT` draws every chart."""
    return html('<div class="chart"><div id="{id}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
                '<script type="application/json" data-plotly="{id}">{spec}</script></div>', id=div_id,
                spec=Markup(figure_json(fig)))


def _content(item: Any, div_id: str) -> Markup:
    """One item of a section: a figure, or a fragment (see :class:`ReportData`)."""
    if _is_figure(item):
        return figure_html(item, div_id)
    return Markup(item.__html__()) if is_markup(item) else Markup(str(item))


def _sections(sections: Sequence[tuple[str, Any]], prefix: str) -> list[Markup]:
    return [html('<section id="{}-{}"><h2>{}</h2>{}</section>', prefix, i, title,
                 join(_content(item, f"{prefix}-{i}-{j}") for j, item in enumerate(items, start=1)))
            for i, (title, items) in enumerate(sections, start=1)]


def build_report_html(data: ReportData, figures: Sequence[tuple[str, Any]] | None = None) -> str:
    """The whole report as one HTML document, in the report's language; ``figures`` (from
    :func:`report_figures`) avoids building the charts twice when the caller also exports them."""
    data = resolve_data(data)
    with report_language(data.lang):
        return _document(data, dict(figures if figures is not None else report_figures(data)))


def _document(data: ReportData, figs: dict[str, Any]) -> str:
    s = data.scenario
    context = report_context(data)
    sections = _sections(data.lead_sections, "lead")
    sections.append(core.summary_section(data, context))
    belief_charts = join(figure_html(fig, name) for name, fig in figs.items() if name.startswith("beliefs-"))
    sections.append(core.beliefs_section(data, belief_charts))
    sections.append(core.values_section(data, context, waterfall_package(data),
                                        lambda name, div: figure_html(figs[name], div)))
    if data.analysis is not None:
        sections.append(core.frontier_section(data, figure_html(figs["frontier"], "frontier-chart")))
        sections += core.deal_space_sections(data)
    sections += _sections(data.extra_sections, "extra")
    sections.append(core.sources_part(data))
    nav = join(html('<a href="#{}">{}</a>', sid, label)
               for sid, label in core.nav_items(data, list(data.lead_sections), list(data.extra_sections)))
    text = s.meta.description.strip()
    description = html('<p class="lede">{}</p>', text) if text else Markup("")
    plotlyjs = _plotlyjs()
    page = html("""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {kind}</title>
<style>{css}</style>
<script type="text/javascript">{plotlyjs}</script>
</head>
<body>
<header><div class="wrap"><div class="kicker">{kicker}</div>
<h1>{title}</h1>{description}<nav>{nav}</nav></div></header>
<main class="wrap">
{sections}
</main>
{footer}
<script>{charts}</script>
</body>
</html>
""", lang=HTML_LANG[data.lang or "en"], csp=content_security_policy(plotlyjs, CHART_SCRIPT), title=s.meta.title,
                kind=t("doc.kind"), kicker=t("doc.kicker", as_of=s.meta.as_of.isoformat()), css=Markup(CSS),
                plotlyjs=Markup(plotlyjs), description=description, nav=nav, sections=join(sections),
                footer=core.footer(data), charts=Markup(CHART_SCRIPT))
    return str(page)
