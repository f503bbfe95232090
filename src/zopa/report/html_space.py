"""HTML fragments of a deal-space analysis: the bargaining solutions side by side, which issues can
move inside the ZOPA, and bargaining against the deadline (report language; amounts in the scenario's
unit; scenario text escaped by :func:`~zopa.report.safe.html`)."""

from __future__ import annotations

from typing import Any

from zopa.analysis import Analysis
from zopa.report.analysis_data import option_shares
from zopa.report.charts_space import grouped_solutions
from zopa.report.context import ReportContext
from zopa.report.html_parts import gain_html, table
from zopa.report.i18n import t, th, unit_label
from zopa.report.safe import Markup, html, join
from zopa.scenario.schema import Scenario
from zopa.units import format_amount, format_pm


#: Message of each status of an issue inside the ZOPA.
STATUS = {"free": "issues.free", "limited": "issues.limited", "fixed": "issues.fixed", "none": "issues.none_status"}


def solutions_table(analysis: Analysis) -> Markup:
    """Bargaining solutions side by side: the option on each issue (rows where they differ are
    highlighted), each side's value and gain over its BATNA ± SE."""
    p = analysis.problem
    solutions = grouped_solutions(analysis)
    if not solutions:
        return html("<p>{}</p>", t("solutions.none"))
    points = [pt for _, pt in solutions]
    headers = ["", *(name for name, _ in solutions)]
    rows: list[list[Any]] = []
    classes = []
    for issue in points[0].choices:
        options = [pt.choices.get(issue, "") for pt in points]
        rows.append([html("<b>{}</b>", issue), *options])
        classes.append("differs" if len(set(options)) > 1 else "")
    measures = [t("measure.ce") if a else t("measure.mean") for a in p.risk_aversion]
    for i, name in enumerate(p.names):
        rows.append([th("solutions.value", name=name, measure=measures[i]),
                     *(format_pm(pt.utility[i], pt.utility_se[i]) for pt in points)])
        classes.append("sep")
    for i, name in enumerate(p.names):
        rows.append([th("solutions.gain", name=name, measure=measures[i]),
                     *(gain_html(pt.gain[i], pt.gain_se[i]) for pt in points)])
        classes.append("")
    rows.append([th("solutions.package"), *(str(pt.package) for pt in points)])
    classes.append("muted")
    return table(headers, rows, cls="solutions", row_classes=classes)


def issues_table(analysis: Analysis) -> Markup:
    """Which options of each issue occur inside the ZOPA, with the share of packages that do."""
    if not analysis.issue_ranges:
        return html("<p>{}</p>", t("issues.none"))
    shares = option_shares(analysis)
    rows = []
    for r in analysis.issue_ranges:
        chips = []
        for option, share in zip(r.issue.options, shares.get(r.issue.id, [])):
            pct = "" if share is None else f" {share:.0%}"
            alpha = 0.1 + 0.6 * (share or 0.0)
            if option in r.in_zopa:
                chips.append(html('<span class="chip" style="background:rgba(22,163,74,{})">{}{}</span>',
                                  f"{alpha:.2f}", option, pct))
            else:
                chips.append(html('<span class="chip out">{}{}</span>', option, pct))
        status = t(STATUS[r.status]) if r.status in STATUS else r.status
        rows.append([html("<b>{}</b>", r.issue.label), html('<span class="status {}">{}</span>', r.status, status),
                     join(chips, " ")])
    return table([t("th.issue"), t("th.inside"), t("th.options")], rows)


def deadline_block(analysis: Analysis, scenario: Scenario) -> Markup:
    """Bargaining against the deadline: the model in words, then its numbers."""
    d = analysis.deadline
    if d is None:
        return html("<p>{}</p>", t("deadline.none"))
    p = analysis.problem
    first = scenario.parties[d.first_proposer].name if d.first_proposer in scenario.parties else d.first_proposer
    b = scenario.bargaining
    deadline = b.deadline or (scenario.world.funding.deadline if scenario.world.funding else None)
    na = t("word.na")
    stationary = na if d.stationary_share is None else f"{d.stationary_share:.1%}"
    text = th("deadline.text", first=first, months=f"{b.round_months:g}", deadline=deadline, rounds=d.rounds,
              q=f"{d.proposer_probability:.0%}", breakdown=f"{d.breakdown_probability:.0%}",
              loss=f"{d.loss_share:.1%}", infinite=f"{d.infinite_share:.1%}", finite=f"{d.finite_share:.1%}",
              stationary=stationary)
    unit = unit_label(ReportContext(scenario).unit)
    rows = [[t("deadline.rounds"), str(d.rounds), ""],
            *[[t("deadline.delta", name=name), f"{delta:.4f}", t("deadline.delta_note", name=name, loss=f"{1 - delta:.2%}")]
              for name, delta in zip(p.names, d.delta)],
            [t("deadline.breakdown"), f"{d.breakdown_probability:.1%}", ""],
            [t("deadline.lost"), f"{d.loss_share:.1%} ({format_amount(d.deadline_loss)})", t("deadline.lost_note", unit=unit)],
            [t("deadline.rubinstein", first=first), f"{d.infinite_share:.1%}", t("deadline.rubinstein_note")],
            [t("deadline.stationary", first=first), stationary, t("deadline.stationary_note")],
            [t("deadline.finite", first=first), f"{d.finite_share:.1%}", t("deadline.finite_note")],
            [t("deadline.ultimatum", first=first), na if d.ultimatum_share is None else f"{d.ultimatum_share:.1%}",
             t("deadline.ultimatum_note")],
            [t("deadline.weight", a=p.names[0], b=p.names[1]), f"{d.nash_weight:.3f} / {1 - d.nash_weight:.3f}",
             t("deadline.weight_note")]]
    return text + table([t("th.quantity"), t("th.value"), t("th.meaning")], rows)
