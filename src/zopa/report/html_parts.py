"""HTML fragments of the report: number formatting, tables and the plain-words summary.

Every piece of text from a scenario is escaped; fragments are plain strings assembled by
:mod:`zopa.report.html`.
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Sequence

from zopa.analysis import NOISE_Z, Analysis
from zopa.beliefs import describe
from zopa.report.analysis_data import option_shares
from zopa.report.charts import PARTY_COLORS, differing_quantities, iter_quantities
from zopa.scenario.schema import Scenario
from zopa.value import Estimate, Valuation
from zopa.numbers import num, pm


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def gain_html(value: float, se: float) -> str:
    """A gain ± SE, green when above +2 SE, red below −2 SE, amber (within noise) in between."""
    if value > NOISE_Z * se:
        cls, note = "pos", ""
    elif value < -NOISE_Z * se:
        cls, note = "neg", ""
    else:
        cls, note = "noise", " <small>(within noise)</small>"
    return f'<span class="{cls}">{esc(pm(value, se, signed=True))}</span>{note}'


def party_name(scenario: Scenario, party: str) -> str:
    color = PARTY_COLORS[scenario.party_ids.index(party) % len(PARTY_COLORS)]
    return f'<span class="party" style="color:{color}">{esc(scenario.parties[party].name)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "", row_classes: Sequence[str] = ()) -> str:
    """An HTML table; headers and cells are HTML already (escape text with :func:`esc`)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        rc = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        body.append(f'<tr class="{rc}">' + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return (f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def value_cell(e: Estimate) -> str:
    text = pm(e.value, e.value_se)
    return esc(text + (" CE" if e.ce is not None else ""))


# --- executive summary --------------------------------------------------------------------------------


def key_figures(scenario: Scenario, analysis: Analysis) -> str:
    """Cards with the headline numbers of a deal-space analysis."""
    p = analysis.problem
    z = analysis.zopa
    cards = []
    if z.exists:
        sure = ("within Monte Carlo noise" if analysis.existence_within_noise
                else f"{analysis.robust_count:,} by more than {NOISE_Z:g} SE")
        cards.append(("Is there a ZOPA?", '<span class="big pos">Yes</span>',
                      f"{z.count:,} of {p.n_packages:,} packages ({z.count / p.n_packages:.0%}); {sure}"))
        cards.append(("How wide?", f'<span class="big">{z.width_1:,.0f} / {z.width_2:,.0f}</span>',
                      f"largest gain over walking away, {esc(p.unit)}: {esc(p.names[0])} / {esc(p.names[1])}"))
    else:
        cards.append(("Is there a ZOPA?", '<span class="big neg">No</span>',
                      f"the closest package misses by {num(z.shortfall)} {esc(p.unit)} in total"
                      + ("; within noise" if analysis.existence_within_noise else "")))
    nash = analysis.solutions.get("nash")
    if nash is not None:
        for i, party in enumerate(p.parties):
            cards.append((f"{esc(p.names[i])} gains (Nash)",
                          f'<span class="big">{gain_html(nash.gain[i], nash.gain_se[i])}</span>',
                          f"{esc(p.unit)} over its BATNA ({esc(p.batna_label[i])}), ± 1 SE"))
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="card-title">{t}</div><div>{v}</div><div class="card-note">{n}</div></div>'
        for t, v, n in cards) + "</div>"


def settlement_block(analysis: Analysis) -> str:
    """The predicted settlement (Nash solution) as a list of issue → option."""
    nash = analysis.solutions.get("nash")
    if nash is None:
        return ""
    items = "".join(f"<li><b>{esc(issue)}</b>: {esc(option)}</li>" for issue, option in nash.choices.items())
    return f'<h3>Predicted settlement (Nash bargaining solution)</h3><ul class="choices">{items}</ul>'


def named_gains_table(v: Valuation) -> str:
    """Each named package's gain over the contract in force to each side (own beliefs)."""
    s = v.scenario
    sq = s.meta.status_quo
    if sq not in v.packages:
        return ""
    rows = []
    for pkg in v.packages:
        if pkg == sq:
            continue
        row = [esc(s.packages[pkg].label)]
        for party in v.parties:
            d = v.difference(party, pkg, sq)
            row.append(gain_html(d.value, d.value_se))
        rows.append(row)
    headers = ["package"] + [f"gain to {party_name(s, p)}" for p in v.parties]
    return table(headers, rows, cls="num")


# --- beliefs --------------------------------------------------------------------------------------------


def beliefs_table(scenario: Scenario) -> str:
    """Every quantity the parties believe differently, with each side's distribution."""
    rows = []
    for path, q, unit in differing_quantities(scenario):
        rows.append([f"<code>{esc(path)}</code>", esc(unit)]
                    + [esc(describe(q.for_party(p))) for p in scenario.party_ids])
    if not rows:
        return "<p>The parties hold the same beliefs about every input.</p>"
    return table(["input", "unit"] + [party_name(scenario, p) for p in scenario.party_ids], rows)


def other_differences_table(scenario: Scenario) -> str:
    """What else differs between the parties: discount rates, risk aversion, delay costs, BATNAs."""
    ids = scenario.party_ids
    rows = []

    def row(label: str, cell: Any) -> None:
        rows.append([esc(label)] + [cell(p) for p in ids])

    row("discount rate (per year)", lambda p: esc(describe(scenario.parties[p].discount_rate.for_party(p))))
    row("risk aversion (CARA, per USD bn)", lambda p: esc(
        describe(scenario.parties[p].risk_aversion.for_party(p)) if scenario.parties[p].risk_aversion
        else "none (risk neutral)"))
    b = scenario.bargaining
    if b.delay_cost:
        row("cost of a round of delay (USD bn)", lambda p: esc(describe(b.delay_cost[p].for_party(p)))
            if p in b.delay_cost else "—")
    if scenario.deal_space is not None:
        row("walk-away alternatives (BATNA candidates)", lambda p: esc(", ".join(
            [scenario.meta.status_quo, *scenario.deal_space.outside_options.get(p, [])])))
    return table(["input"] + [party_name(scenario, p) for p in ids], rows)


def cross_beliefs_table(v: Valuation) -> str:
    """Each side's value of each package under its own and under the other side's beliefs."""
    s = v.scenario
    headers = ["package"]
    for p in v.parties:
        other = s.parties[s.other(p)].name
        headers += [f"{party_name(s, p)}: own beliefs", f"{party_name(s, p)}: {esc(other)}'s beliefs"]
    rows = []
    for pkg in v.packages:
        row = [esc(s.packages[pkg].label)]
        for p in v.parties:
            own, other = v.estimate(pkg, p), v.estimate(pkg, p, s.other(p))
            row += [esc(pm(own.mean, own.se)), esc(pm(other.mean, other.se))]
        rows.append(row)
    return table(headers, rows, cls="num")


# --- deal space -------------------------------------------------------------------------------------------


def solutions_table(analysis: Analysis) -> str:
    """Bargaining solutions side by side: the option on each issue (rows where they differ are
    highlighted), each side's value and gain over its BATNA ± SE."""
    p = analysis.problem
    grouped: dict[int, list[Any]] = {}
    for point in analysis.solutions.values():
        if point is not None:
            grouped.setdefault(point.package, []).append(point)
    if not grouped:
        return "<p>No package is in the ZOPA, so no bargaining solution exists.</p>"
    points = [pts[0] for pts in grouped.values()]
    headers = ["", *(esc(" = ".join(pt.name for pt in pts)) for pts in grouped.values())]
    rows, classes = [], []
    for issue in points[0].choices:
        options = [pt.choices.get(issue, "") for pt in points]
        rows.append([f"<b>{esc(issue)}</b>", *(esc(o) for o in options)])
        classes.append("differs" if len(set(options)) > 1 else "")
    for i, name in enumerate(p.names):
        rows.append([f"<b>{esc(name)}: value</b>", *(esc(pm(pt.utility[i], pt.utility_se[i])) for pt in points)])
        classes.append("sep")
    for i, name in enumerate(p.names):
        rows.append([f"<b>{esc(name)}: gain over BATNA</b>", *(gain_html(pt.gain[i], pt.gain_se[i]) for pt in points)])
        classes.append("")
    rows.append(["<b>package #</b>", *(str(pt.package) for pt in points)])
    classes.append("muted")
    return table(headers, rows, cls="solutions", row_classes=classes)


def issues_table(analysis: Analysis) -> str:
    """Which options of each issue occur inside the ZOPA, with the share of packages that do."""
    if not analysis.issue_ranges:
        return "<p>The deal space has no issues to report.</p>"
    shares = option_shares(analysis)
    words = {"free": "can move freely", "limited": "can move within limits", "fixed": "fixed", "none": "no ZOPA"}
    rows = []
    for r in analysis.issue_ranges:
        chips = []
        for option, share in zip(r.issue.options, shares.get(r.issue.id, [])):
            inside = option in r.in_zopa
            pct = "" if share is None else f" {share:.0%}"
            alpha = 0.1 + 0.6 * (share or 0.0)
            style = f' style="background:rgba(22,163,74,{alpha:.2f})"' if inside else ""
            chips.append(f'<span class="chip{"" if inside else " out"}"{style}>{esc(option)}{pct}</span>')
        rows.append([f"<b>{esc(r.issue.label)}</b>", f'<span class="status {r.status}">{words[r.status]}</span>',
                     " ".join(chips)])
    return table(["issue", "inside the ZOPA", "options (share of packages with this option that are in the ZOPA)"], rows)


def deadline_block(analysis: Analysis, scenario: Scenario) -> str:
    d = analysis.deadline
    if d is None:
        return ("<p>No deadline bargaining: the scenario sets no deadline (or there is no surplus to share).</p>")
    p = analysis.problem
    first = scenario.parties[d.first_proposer].name if d.first_proposer in scenario.parties else d.first_proposer
    b = scenario.bargaining
    deadline = b.deadline or (scenario.world.funding.deadline if scenario.world.funding else None)
    text = (f"<p>{esc(first)} proposes first; offers alternate every {b.round_months:g} month(s) until "
            f"{esc(deadline)}: <b>{d.rounds} rounds</b>. Each round of delay shrinks the pie by the discount factors "
            f"below; after a rejected offer talks collapse with probability {d.breakdown_probability:.0%}. "
            f"Without a deadline {esc(first)} would get {d.infinite_share:.1%} of the surplus (Rubinstein); "
            f"with it, <b>{d.finite_share:.1%}</b>.</p>")
    rows = [["rounds to the deadline", str(d.rounds), ""],
            *[[f"per-round discount factor δ: {esc(name)}", f"{delta:.4f}",
               f"{esc(name)} loses {(1 - delta):.2%} of the surplus per round of delay"]
              for name, delta in zip(p.names, d.delta)],
            ["breakdown probability per rejected offer", f"{d.breakdown_probability:.1%}", ""],
            [f"{esc(first)}'s share of the surplus, no deadline", f"{d.infinite_share:.1%}", "Rubinstein (1982)"],
            [f"{esc(first)}'s share of the surplus, with the deadline", f"{d.finite_share:.1%}",
             "backward induction from the last round"],
            [f"bargaining weight of {esc(p.names[0])} / {esc(p.names[1])}",
             f"{d.nash_weight:.3f} / {1 - d.nash_weight:.3f}", "used by the patience-weighted Nash solution"]]
    return text + table(["quantity", "value", "meaning"], rows)


# --- sources ------------------------------------------------------------------------------------------


def sources_section(scenario: Scenario) -> str:
    """Every number of the scenario with its distribution and source; assumptions highlighted; then
    the sources themselves with their notes."""
    rows, classes = [], []
    n_assumed = 0
    for path, q, unit in iter_quantities(scenario):
        specs = [(None, q.shared)] if q.shared is not None else list((q.by_party or {}).items())
        for party, spec in specs:
            src = scenario.sources.get(spec.source)
            kind = src.kind if src else "missing"
            assumed = kind == "assumption"
            n_assumed += assumed
            who = "" if party is None else \
                f"<br><small>believed by {esc(scenario.parties[party].name if party in scenario.parties else party)}</small>"
            date = f"<br><small>{esc(src.date)}</small>" if src and src.date else ""
            rows.append([f"<code>{esc(path)}</code>{who}", esc(describe(spec)), esc(unit),
                         f'<span class="badge {esc(kind)}">{esc(kind)}</span><br>'
                         f'<a href="#src-{esc(spec.source)}"><code>{esc(spec.source)}</code></a>{date}',
                         esc(src.citation if src else "(no such source)")])
            classes.append("assumed" if assumed else "")
    intro = (f"<p>{len(rows)} numbers; <b>{n_assumed} rest on our own assumptions</b> (highlighted) rather than a "
             "dated public report, filing or the seed document. The error bars elsewhere measure simulation noise "
             "only: they do not cover these assumptions being wrong.</p>")
    numbers = table(["input", "distribution", "unit", "source", "citation"], rows, cls="sources",
                    row_classes=classes)
    items = []
    for key, src in scenario.sources.items():
        date = f" ({esc(src.date)})" if src.date else ""
        note = f"<br><small>{esc(src.note)}</small>" if src.note else ""
        items.append(f'<li id="src-{esc(key)}"><span class="badge {esc(src.kind)}">{esc(src.kind)}</span> '
                     f"<code>{esc(key)}</code>: {esc(src.citation)}{date}{note}</li>")
    return intro + numbers + f'<h3>The sources</h3><ul class="sources-list">{"".join(items)}</ul>'
