"""The report's sources section: every number of the scenario with its distribution and source
(assumptions highlighted), then the sources themselves. Citations, notes and URLs are the scenario's
own text, shown as they are (escaped) in every language."""

from __future__ import annotations

from typing import Any

from zopa.report.charts import iter_quantities
from zopa.report.context import ReportContext
from zopa.report.describe import spec_text
from zopa.report.html_parts import quantity_unit, table
from zopa.report.i18n import t, th
from zopa.report.safe import Markup, html, join
from zopa.scenario.schema import Scenario

#: Kinds of source with a badge style (a CSS class) and a word in the catalogues.
KINDS = ("seed", "report", "filing", "assumption", "missing")


def _source_attrs(src: Any) -> tuple[str, str]:
    """A source's kind (a CSS class of its badge: only the known kinds) and date as text."""
    kind = src.kind if src else "missing"
    date = getattr(src, "date", None) if src else None
    return kind, "" if date is None else str(date)


def _kind_word(kind: str) -> str:
    return t(f"kind.{kind}") if kind in KINDS else kind


def sources_section(scenario: Scenario) -> Markup:
    """Every number of the scenario with its distribution and source; assumptions highlighted; then
    the sources themselves with their notes."""
    context = ReportContext(scenario)
    rows, classes = [], []
    n_assumed = 0
    for path, q, unit in iter_quantities(scenario):
        specs = [(None, q.shared)] if q.shared is not None else list((q.by_party or {}).items())
        for party, spec in specs:
            src = scenario.sources.get(spec.source)
            kind, date = _source_attrs(src)
            assumed = kind == "assumption"
            n_assumed += assumed
            who = Markup("") if party is None else html("<br><small>{}</small>",
                                                         t("sources.believed_by", name=context.name(party)))
            when = html("<br><small>{}</small>", date) if date else Markup("")
            rows.append([html("<code>{}</code>{}", path, who), spec_text(spec), quantity_unit(context, unit),
                         html('<span class="badge {kind}">{word}</span><br><a href="#src-{key}"><code>{key}</code></a>'
                              '{when}', kind=kind, word=_kind_word(kind), key=spec.source, when=when),
                         src.citation if src else t("sources.missing")])
            classes.append("assumed" if assumed else "")
    intro = th("sources.intro", n=len(rows), assumed=n_assumed)
    numbers = table([t("th.input"), t("th.distribution"), t("th.unit"), t("th.source"), t("th.citation")], rows,
                    cls="sources", row_classes=classes)
    items = []
    for key, src in scenario.sources.items():
        kind, date = _source_attrs(src)
        items.append(html('<li id="src-{key}"><span class="badge {kind}">{word}</span> <code>{key}</code>: '
                          '<span class="citation">{citation}</span>{date}{url}{note}</li>', key=key, kind=kind,
                          word=_kind_word(kind), citation=src.citation,
                          date=html(" ({})", date) if date else Markup(""), url=_source_url(src),
                          note=html("<br><small>{}</small>", src.note) if src.note else Markup("")))
    return intro + numbers + html('<h3>{}</h3><ul class="sources-list">{}</ul>', t("sources.list"), join(items))


def _source_url(src: Any) -> Markup:
    """A source's URL (when the schema has one) as text, never as a link: the report opens offline and
    a scenario's URL is untrusted (``javascript:`` and the like)."""
    url = getattr(src, "url", None)
    return html("<br><small><code>{}</code></small>", url) if url else Markup("")
