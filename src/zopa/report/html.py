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
import datetime as dt
import functools
import hashlib
import json
import platform
from dataclasses import dataclass, field
from typing import Any, Sequence

import plotly.io as pio

from zopa import __version__
from zopa.analysis import Analysis
from zopa.report import html_parts as parts
from zopa.report.charts import belief_figures, value_figure, waterfall_figure
from zopa.report.charts_space import frontier_figure
from zopa.report.html_style import CSS
from zopa.report.safe import Markup, html, is_markup, join, script_json
from zopa.report.summary import valuation_verdict
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
    text. ``waterfall_package`` picks the package of the per-term waterfall (default:
    the first package other than the contract in force)."""

    scenario: Scenario
    valuation: Valuation
    analysis: Analysis | None = None
    space_valuation: Any = None
    extra_sections: Sequence[tuple[str, Any]] = ()
    meta: ReportMeta = field(default_factory=ReportMeta)
    waterfall_package: str | None = None
    lead_sections: Sequence[tuple[str, Any]] = ()  # shown first, before the summary (the recommendation)


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
        return ("value", "value")
    v = data.valuation
    return tuple("certainty equivalent" if p in v.parties and v.risk_aversion(p) else "mean value"
                 for p in data.analysis.problem.parties)  # type: ignore[return-value]


def _is_figure(obj: Any) -> bool:
    return hasattr(obj, "to_plotly_json") and hasattr(obj, "layout")


def report_figures(data: ReportData) -> list[tuple[str, Any]]:
    """Every chart of the report as (name, plotly figure), in report order. Names hold scenario ids
    (``waterfall-<package>``), so :func:`zopa.report.figures.figure_paths` makes them file-safe."""
    figures: list[tuple[str, Any]] = list(belief_figures(data.scenario))
    figures.append(("values", value_figure(data.valuation)))
    pkg = waterfall_package(data)
    figures.append((f"waterfall-{pkg}", waterfall_figure(data.valuation, pkg)))
    if data.analysis is not None:
        figures.append(("frontier", frontier_figure(data.analysis, data.valuation, _measures(data))))
    for i, (title, content) in enumerate(data.extra_sections, start=1):
        items = content if isinstance(content, (list, tuple)) else [content]
        for j, item in enumerate(items, start=1):
            if _is_figure(item):
                slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:40]
                figures.append((f"{i}-{slug or 'section'}-{j}", item))
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


def _section(sid: str, title: str, intro: Any, body: Any) -> Markup:
    return html('<section id="{}"><h2>{}</h2><p class="intro">{}</p>{}</section>', sid, title, intro, body)


def _content(item: Any, div_id: str) -> Markup:
    """One item of an extra section: a figure, or a fragment (see :class:`ReportData`)."""
    if _is_figure(item):
        return figure_html(item, div_id)
    return Markup(item.__html__()) if is_markup(item) else Markup(str(item))


def build_report_html(data: ReportData, figures: Sequence[tuple[str, Any]] | None = None) -> str:
    """The whole report as one HTML document; ``figures`` (from :func:`report_figures`) avoids
    building the charts twice when the caller also exports them."""
    s, v, a = data.scenario, data.valuation, data.analysis
    figs = dict(figures if figures is not None else report_figures(data))
    names = [s.parties[p].name for p in s.party_ids]
    sections = []
    for i, (title, content) in enumerate(data.lead_sections, start=1):
        items = content if isinstance(content, (list, tuple)) else [content]
        body = join(_content(item, f"lead-{i}-{j}") for j, item in enumerate(items, start=1))
        sections.append(html('<section id="lead-{}"><h2>{}</h2>{}</section>', i, title, body))
    sections.append(_summary(data))
    belief_charts = join(figure_html(fig, name) for name, fig in figs.items() if name.startswith("beliefs-"))
    sections.append(_section(
        "beliefs", "Where the parties' beliefs differ",
        html("Each chart shows both sides' cumulative distribution of an input they disagree about: the height of "
             "a curve at x is the probability that the input is at most x. Where a curve stops short of 100%, the "
             "remainder is the chance the event does not happen within the scenario's horizon. "
             "{} is blue, {} orange.", names[0], names[1]),
        belief_charts + Markup("<h3>Every input the parties believe differently</h3>") + parts.beliefs_table(s)
        + Markup("<h3>Other inputs that differ between the parties</h3>") + parts.other_differences_table(s)))
    pkg = waterfall_package(data)
    sections.append(_section(
        "values", "What the contract in force and each package are worth",
        html("Present values in {} at the market rate of each cash flow's risk (the same for both sides), under "
             "each side's own beliefs, over {} simulated paths. A risk-averse side is valued at its certainty equivalent (CE). Error bars are ±2 Monte Carlo "
             "standard errors (about a 95% confidence interval for the estimate); they measure simulation noise, "
             "not the spread of outcomes (hover for the 5–95% range).", s.meta.unit, f"{v.n_paths:,}"),
        figure_html(figs["values"], "values-chart")
        + Markup("<h3>Each side's value under its own and the other side's beliefs (mean ± 1 SE)</h3>"
                 "<p class=\"intro\">Where the two columns differ, the sides disagree about what the package is "
                 "worth: that disagreement is what a deal can trade on.</p>")
        + parts.cross_beliefs_table(v)
        + html("<h3>Term by term: {}</h3>", s.packages[pkg].label)
        + Markup("<p class=\"intro\">Green terms add value to that side, red ones take it away; the last bar is "
                 "the total (risk-neutral mean, own beliefs). Hover for ±1 SE.</p>")
        + figure_html(figs[f"waterfall-{pkg}"], "waterfall-chart")))
    if a is not None:
        sections.append(_frontier(data, figs["frontier"]))
        sections.append(_section(
            "issues", "Which issues can move inside the ZOPA",
            "For each issue: the options that occur in at least one package of the ZOPA (green chips, darker "
            "when a larger share of the packages with that option lies in the ZOPA) and those that never do "
            "(grey). An issue that can move freely is a bargaining chip; a fixed one is decided by the BATNAs.",
            parts.issues_table(a)))
        sections.append(_section(
            "deadline", "Bargaining against the deadline",
            "Offers until the deadline and, if it passes, after it over a smaller surplus: the side that loses more "
            "per round of delay concedes more.",
            parts.deadline_block(a, s)))
    for i, (title, content) in enumerate(data.extra_sections, start=1):
        items = content if isinstance(content, (list, tuple)) else [content]
        body = join(_content(item, f"extra-{i}-{j}") for j, item in enumerate(items, start=1))
        sections.append(html('<section id="extra-{}"><h2>{}</h2>{}</section>', i, title, body))
    sections.append(_section(
        "sources", "Sources and assumptions",
        "Every number of the scenario: its distribution (per party where the sides disagree), its unit and where "
        "it comes from.", parts.sources_section(s)))
    nav = join(html('<a href="#{}">{}</a>', sid, label) for sid, label in _nav(data))
    text = s.meta.description.strip()
    description = html('<p class="lede">{}</p>', text) if text else Markup("")
    plotlyjs = _plotlyjs()
    page = html("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — zopa report</title>
<style>{css}</style>
<script type="text/javascript">{plotlyjs}</script>
</head>
<body>
<header><div class="wrap"><div class="kicker">zopa report · as of {as_of}</div>
<h1>{title}</h1>{description}<nav>{nav}</nav></div></header>
<main class="wrap">
{sections}
</main>
{footer}
<script>{charts}</script>
</body>
</html>
""", csp=content_security_policy(plotlyjs, CHART_SCRIPT), title=s.meta.title, css=Markup(CSS),
                plotlyjs=Markup(plotlyjs), as_of=s.meta.as_of.isoformat(), description=description, nav=nav,
                sections=join(sections), footer=_footer(data), charts=Markup(CHART_SCRIPT))
    return str(page)


def _nav(data: ReportData) -> list[tuple[str, str]]:
    items = [(f"lead-{i}", t) for i, (t, _) in enumerate(data.lead_sections, start=1)]
    items += [("summary", "Summary"), ("beliefs", "Beliefs"), ("values", "Package values")]
    if data.analysis is not None:
        items += [("frontier", "Utility space"), ("issues", "Issues"), ("deadline", "Deadline")]
    items += [(f"extra-{i}", t) for i, (t, _) in enumerate(data.extra_sections, start=1)]
    return items + [("sources", "Sources"), ("reproducibility", "Reproducibility")]


def _summary(data: ReportData) -> Markup:
    s, v, a = data.scenario, data.valuation, data.analysis
    lines = a.verdict() if a is not None else valuation_verdict(v)
    verdict = join(html("<li>{}</li>", line) for line in lines)
    body = html('<ul class="verdict">{}</ul>', verdict)
    if a is not None:
        body = parts.key_figures(s, a) + body + parts.settlement_block(a)
    body += (Markup("<h3>Each named package against the contract in force</h3>"
                    "<p class=\"intro\">Gain to each side over keeping the contract in force, under its own beliefs, "
                    "± 1 standard error; green and red are clear of the noise (more than 2 SE), amber is not.</p>")
             + parts.named_gains_table(v))
    how_sure = (f"How sure are these numbers? Each ± is one Monte Carlo standard error over {v.n_paths:,} simulated "
                f"paths{'' if data.space_valuation is None else f' ({data.space_valuation.n_paths:,} for the deal space)'}; "
                "a figure is called clear when it exceeds two standard errors. That is simulation noise only: the "
                "answer also rests on the assumptions listed under Sources.")
    intro = ("The answer in plain words. A ZOPA (zone of possible agreement) is the set of packages that leave both "
             "sides at least as well off as walking away (their BATNA, best alternative to a negotiated agreement).")
    return _section("summary", "Executive summary", intro, body + html('<p class="note">{}</p>', how_sure))


def _frontier(data: ReportData, fig: Any) -> Markup:
    a = data.analysis
    assert a is not None
    p = a.problem
    intro = html("Each of the {n} packages of the deal space is a point: its value to {a} (across) and to {b} (up); "
                 "grey shading counts packages per cell. Dashed lines are each side's BATNA (with a ±2 SE band): "
                 "packages up and to the right of both form the ZOPA (green). The black staircase is the Pareto "
                 "frontier — no package is better for both sides. The markers are the bargaining solutions (where "
                 "theory predicts a settlement), open circles the named packages, all with ±2 SE error bars.",
                 n=f"{p.n_packages:,}", a=p.names[0], b=p.names[1])
    return _section("frontier", "The utility space: ZOPA, Pareto frontier and predicted settlements", intro,
                    figure_html(fig, "frontier-chart") + Markup("<h3>The bargaining solutions side by side</h3>"
                    "<p class=\"intro\">Highlighted rows are the issues on which the solutions disagree.</p>")
                    + parts.solutions_table(a))


def _footer(data: ReportData) -> Markup:
    m = data.meta
    v = data.valuation
    from zopa.scenario import scenario_hash

    rows = [
        ("zopa version", m.version),
        ("scenario", data.scenario.meta.title),
        ("scenario file", m.scenario_path or "—"),
        ("scenario hash (SHA-256, canonical)", m.scenario_hash or scenario_hash(data.scenario)),
        ("seed", m.seed if m.seed is not None else v.seed),
        ("paths", f"{(m.paths if m.paths is not None else v.n_paths):,}"),
    ]
    sv = data.space_valuation
    space_paths = m.space_paths if m.space_paths is not None else (sv.n_paths if sv is not None else None)
    space_seed = m.space_seed if m.space_seed is not None else (sv.seed if sv is not None else None)
    if space_paths is not None:
        rows.append(("deal-space paths / seed", f"{space_paths:,} / {space_seed if space_seed is not None else '—'}"))
    rows += [("run date", m.run_date or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
             ("Python", platform.python_version()),
             ("command", m.command or "—")]
    cells = join(html("<tr><th>{}</th><td><code>{}</code></td></tr>", k, str(val)) for k, val in rows)
    return html('<footer id="reproducibility"><div class="wrap"><h2>Reproducibility</h2>'
                '<p>The same scenario, seed and paths give the same numbers.</p><table class="meta">{}</table>'
                "</div></footer>", cells)
