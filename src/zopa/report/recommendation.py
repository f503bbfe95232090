"""The recommendation, the threat point and the modeller's branches, for the terminal, the HTML
report and summary.json. All scenario text goes through :mod:`zopa.report.safe`."""

from __future__ import annotations

from typing import Any, Sequence

from zopa.report.context import Deferred, ReportContext
from zopa.report.i18n import t
from zopa.report.prose import phrase, recommendation_lines, terms_text, variable_threat_lines
from zopa.report.safe import Markup, html, join, term_text
from zopa.units import format_amount, format_pm


def recommendation_dict(rec: Any, unit: str = "USD bn") -> dict[str, Any] | None:
    """Plain data for summary.json (raw numbers in the scenario's unit, ``unit`` its short name for
    the plain-words lines; gains over each side's BATNA)."""
    if rec is None:
        return None
    a, b = rec.parties
    return {
        "basis": rec.basis,
        "package": rec.package,
        "choices": rec.choices,
        "gain": {a: {"value": rec.gain[0], "se": rec.gain_se[0]}, b: {"value": rec.gain[1], "se": rec.gain_se[1]}},
        "gain_range": {a: list(rec.gain_range[0]), b: list(rec.gain_range[1])},
        "views": [{"view": name, "choices": choices, "gain": {a: g[0], b: g[1]}} for name, choices, g in rec.views],
        "sides": {s.party: {"target_gain": s.target_gain[0], "target_gain_se": s.target_gain[1], "opening": s.opening,
                            "opening_gain": s.opening_gain, "walk_away": s.walk_away, "walk_away_basis": s.walk_away_label}
                  for s in rec.sides},
        "terms": [{"term": t.term, "label": t.label, "value": {a: t.value[0], b: t.value[1]}} for t in rec.terms],
        "bet": None if rec.bet is None else {a: rec.bet[0], b: rec.bet[1]},
        "restructuring_premium": None if rec.restructuring_premium is None else
        {a: rec.restructuring_premium[0], b: rec.restructuring_premium[1]},
        "threat_shift": None if rec.threat_shift is None else {a: rec.threat_shift[0], b: rec.threat_shift[1]},
        "stability": rec.stability,
        "lines": rec.lines(unit),
    }


def branches_dict(rows: Sequence[Any] | None) -> list[dict[str, Any]] | None:
    if not rows:
        return None
    return [{"branch": r.branch, "option": r.option, "label": r.label, "question": r.question,
             "status_quo": {p: {"value": v, "se": se} for p, (v, se) in r.status_quo.items()},
             "zopa_exists": r.zopa_exists, "zopa_width": list(r.zopa_width), "nash": r.nash,
             "nash_gain": None if r.nash_gain is None else [list(g) for g in r.nash_gain],
             "headline": r.headline, "paths": r.paths, "space_paths": r.space_paths} for r in rows]


def print_recommendation(rec: Any, console: Any, no_zopa: str | None = None, scenario: Any = None) -> None:
    """The recommendation as the first thing ``zopa run`` prints (amounts in the scenario's unit when
    the scenario is given)."""
    from rich.panel import Panel

    if rec is None:
        body = no_zopa or "No package leaves both sides better off than walking away: no settlement to recommend."
    else:
        lines = rec.lines() if scenario is None else recommendation_lines(rec, ReportContext(scenario))
        body = "\n\n".join(term_text(line) for line in lines)
    console.print(Panel(body, title="Recommendation", border_style="green", expand=True))


def print_branches(rows: Sequence[Any] | None, names: dict[str, str], console: Any) -> None:
    """One table per open question: each answer's headline numbers side by side."""
    from rich.table import Table

    if not rows:
        return
    for question in dict.fromkeys(r.question for r in rows):
        table_ = Table(title=term_text(f"Open question: {question}"), title_justify="left")
        table_.add_column("answer")
        for p, n in names.items():
            table_.add_column(term_text(f"{n}: contract in force"), justify="right")
        table_.add_column("ZOPA")
        table_.add_column("Nash package (differences from the first answer)")
        mine = [r for r in rows if r.question == question]
        first = mine[0].nash or {}
        for r in mine:
            diff = {k: v for k, v in (r.nash or {}).items() if first.get(k) != v} if r is not mine[0] else (r.nash or {})
            table_.add_row(term_text(r.label) + (" (the headline)" if r.headline else ""),
                           *(format_pm(*r.status_quo[p]) for p in names),
                           "yes" if r.zopa_exists else "no",
                           term_text("; ".join(f"{k}: {v}" for k, v in diff.items()) or "the same"))
        console.print(table_)


def recommendation_section(rec: Any, branches: Sequence[Any] | None, names: dict[str, str],
                           variable_threats: Any = None) -> tuple[Any, list[Any]]:
    """The report's lead section: the recommendation, then the open questions and the threat point
    (drawn when the report is built: :class:`~zopa.report.context.Deferred`)."""

    def build(context: ReportContext) -> list[Any]:
        from zopa.report.html_parts import table  # the HTML side only: it loads the charts (plotly)

        parts: list[Any] = []
        if rec is None:
            parts.append(html("<p>{}</p>", t("rec.no_zopa")))
        else:
            lines = recommendation_lines(rec, context, context.analysis, context.negotiation)
            parts.append(html("<p class='lead'><b>{}</b></p>", lines[0]))
            parts.append(html("<ul>{}</ul>", join(html("<li>{}</li>", line) for line in lines[1:])))
            a, b = rec.names
            rows = [[phrase(name), terms_text(choices), format_amount(g[0], True), format_amount(g[1], True)]
                    for name, choices, g in rec.views]
            parts.append(html("<h3>{}</h3>", t("rec.views")))
            parts.append(table([t("th.view"), t("th.package"), t("th.gain_of", name=a), t("th.gain_of", name=b)], rows))
            if rec.terms:
                parts.append(html("<h3>{}</h3>", t("rec.terms_title")))
                parts.append(table([t("th.term"), a, b], [[x.label, format_amount(x.value[0], True),
                                                             format_amount(x.value[1], True)] for x in rec.terms],
                                   cls="num"))
        if variable_threats is not None:
            parts.append(html("<h3>{}</h3>", t("rec.vt_title")))
            parts.append(html("<ul>{}</ul>", join(html("<li>{}</li>", line)
                                                  for line in variable_threat_lines(variable_threats, names, context))))
        if branches:
            parts.append(html("<h3>{}</h3>", t("rec.branches")))
            header = [t("th.question"), t("th.answer"), *(t("th.in_force", name=n) for n in names.values()), "ZOPA",
                      t("th.nash_package")]
            rows = [[r.question, r.label + (" " + t("rec.branch_headline") if r.headline else ""),
                     *(format_pm(*r.status_quo[p]) for p in names),
                     t("word.yes") if r.zopa_exists else t("word.no"), terms_text(r.nash or {})] for r in branches]
            parts.append(table(header, rows))
        return [Markup(join(parts))]

    return Deferred(lambda context: t("section.recommendation")), [Deferred(build)]


def variable_threats_dict(vt: Any, names: dict[str, str]) -> dict[str, Any] | None:
    """Nash's variable-threat game as plain data for summary.json (raw numbers in the scenario's unit)."""
    if vt is None:
        return None
    parties = list(vt.parties)
    return {
        "threats": {p: list(t) for p, t in zip(parties, vt.threats)},
        "strategies": vt.strategies(),
        "batna": {p: float(vt.batna[i]) for i, p in enumerate(parties)},
        "threat_point": {p: {"value": float(vt.point[i]), "se": float(vt.point_se[i]),
                             "shift": float(vt.point[i] - vt.batna[i]), "shift_se": float(vt.point_shift_se[i])}
                         for i, p in enumerate(parties)},
        "settlement": {p: {"value": float(vt.settlement[i]), "se": float(vt.settlement_se[i])} for i, p in enumerate(parties)},
        "joint_package": vt.joint_package,
        "lines": vt.lines(names),
    }
