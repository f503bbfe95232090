"""The report's own sections — summary, beliefs, package values, utility space, issues, deadline,
sources — and its footer, in the report's language (every template from the catalogues through
:func:`~zopa.report.i18n.th`, which escapes scenario text)."""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any, Callable

from zopa.report import html_parts as parts
from zopa.report.context import ReportContext
from zopa.report.html_sources import sources_section
from zopa.report.html_space import deadline_block, issues_table, solutions_table
from zopa.report.i18n import t, th, unit_label
from zopa.report.prose import valuation_lines, verdict_lines
from zopa.report.safe import Markup, html, join


def section(sid: str, title: str, intro: Any, body: Any) -> Markup:
    """A report section: heading, a muted introduction, the body."""
    return html('<section id="{}"><h2>{}</h2><p class="intro">{}</p>{}</section>', sid, title, intro, body)


def summary_section(data: Any, context: ReportContext) -> Markup:
    """The answer in plain words: key figures, the verdict, the predicted settlement, each named
    package against the contract in force, and how sure the numbers are."""
    s, v, a = data.scenario, data.valuation, data.analysis
    lines = verdict_lines(a, context.unit) if a is not None else valuation_lines(v, context)
    body = html('<ul class="verdict">{}</ul>', join(html("<li>{}</li>", line) for line in lines))
    if a is not None:
        body = parts.key_figures(s, a) + body + parts.settlement_block(a)
    body += html("<h3>{}</h3><p class=\"intro\">{}</p>", t("h.named_gains"), t("intro.named_gains")) + \
        parts.named_gains_table(v)
    space = "" if data.space_valuation is None else t("note.space_paths", n=f"{data.space_valuation.n_paths:,}")
    how_sure = t("note.how_sure", n=f"{v.n_paths:,}", space=space)
    return section("summary", t("section.summary"), t("intro.summary"), body + html('<p class="note">{}</p>', how_sure))


def beliefs_section(data: Any, belief_charts: Markup) -> Markup:
    """Both sides' distributions of every input they disagree about, and what else differs."""
    s = data.scenario
    names = [s.parties[p].name for p in s.party_ids]
    return section("beliefs", t("section.beliefs"), th("intro.beliefs", a=names[0], b=names[1]),
                   belief_charts + html("<h3>{}</h3>", t("h.beliefs_table")) + parts.beliefs_table(s)
                   + html("<h3>{}</h3>", t("h.other_differences")) + parts.other_differences_table(s))


def values_section(data: Any, context: ReportContext, package: str, chart: Callable[[str, str], Markup]) -> Markup:
    """The value of the contract in force and of each package to each side, under its own and the
    other side's beliefs, and one package term by term."""
    s, v = data.scenario, data.valuation
    return section(
        "values", t("section.values"), th("intro.values", unit=unit_label(context.unit), paths=f"{v.n_paths:,}"),
        chart("values", "values-chart")
        + html("<h3>{}</h3><p class=\"intro\">{}</p>", t("h.cross_beliefs"), t("intro.cross_beliefs"))
        + parts.cross_beliefs_table(v)
        + html("<h3>{}</h3>", t("h.term_by_term", package=s.packages[package].label))
        + html("<p class=\"intro\">{}</p>", t("intro.waterfall"))
        + chart(f"waterfall-{package}", "waterfall-chart"))


def frontier_section(data: Any, chart: Markup) -> Markup:
    """The utility space and the bargaining solutions side by side."""
    a = data.analysis
    p = a.problem
    intro = th("intro.frontier", n=f"{p.n_packages:,}", a=p.names[0], b=p.names[1])
    return section("frontier", t("section.frontier"), intro,
                   chart + html("<h3>{}</h3><p class=\"intro\">{}</p>", t("h.solutions"), t("intro.solutions"))
                   + solutions_table(a))


def deal_space_sections(data: Any) -> list[Markup]:
    """Which issues can move inside the ZOPA, and bargaining against the deadline."""
    a, s = data.analysis, data.scenario
    return [section("issues", t("section.issues"), t("intro.issues"), issues_table(a)),
            section("deadline", t("section.deadline"), t("intro.deadline"), deadline_block(a, s))]


def sources_part(data: Any) -> Markup:
    return section("sources", t("section.sources"), t("intro.sources"), sources_section(data.scenario))


def nav_items(data: Any, lead: list[tuple[str, Any]], extra: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(section id, label) of every section, in order."""
    items = [(f"lead-{i}", title) for i, (title, _) in enumerate(lead, start=1)]
    items += [("summary", t("nav.summary")), ("beliefs", t("nav.beliefs")), ("values", t("nav.values"))]
    if data.analysis is not None:
        items += [("frontier", t("nav.frontier")), ("issues", t("nav.issues")), ("deadline", t("nav.deadline"))]
    items += [(f"extra-{i}", title) for i, (title, _) in enumerate(extra, start=1)]
    return items + [("sources", t("nav.sources")), ("reproducibility", t("nav.reproducibility"))]


def footer(data: Any) -> Markup:
    """What makes the run reproducible: version, scenario and its hash, seed, paths, date, command."""
    from zopa.scenario import scenario_hash

    m = data.meta
    v = data.valuation
    rows = [
        (t("footer.version"), m.version),
        (t("footer.scenario"), data.scenario.meta.title),
        (t("footer.file"), m.scenario_path or "—"),
        (t("footer.hash"), m.scenario_hash or scenario_hash(data.scenario)),
        (t("footer.seed"), m.seed if m.seed is not None else v.seed),
        (t("footer.paths"), f"{(m.paths if m.paths is not None else v.n_paths):,}"),
    ]
    sv = data.space_valuation
    space_paths = m.space_paths if m.space_paths is not None else (sv.n_paths if sv is not None else None)
    space_seed = m.space_seed if m.space_seed is not None else (sv.seed if sv is not None else None)
    if space_paths is not None:
        rows.append((t("footer.space"), f"{space_paths:,} / {space_seed if space_seed is not None else '—'}"))
    rows += [(t("footer.date"), m.run_date or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
             ("Python", platform.python_version()),
             (t("footer.command"), m.command or "—")]
    cells = join(html("<tr><th>{}</th><td><code>{}</code></td></tr>", k, str(val)) for k, val in rows)
    return html('<footer id="reproducibility"><div class="wrap"><h2>{}</h2><p>{}</p><table class="meta">{}</table>'
                "</div></footer>", t("nav.reproducibility"), t("footer.same"), cells)
