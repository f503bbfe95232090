"""HTML fragments of the report: number formatting, tables and the plain-words summary.

Every fragment is :class:`~zopa.report.safe.Markup` built with :func:`~zopa.report.safe.html` from a
literal template, so every piece of text from a scenario is escaped on the way in; a plain ``str``
handed to :func:`table` or :func:`~zopa.report.safe.join` is escaped too (see :mod:`zopa.report.safe`).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from zopa.analysis import NOISE_Z, Analysis
from zopa.beliefs import describe
from zopa.report.analysis_data import option_shares
from zopa.report.charts import PARTY_COLORS, differing_quantities, iter_quantities
from zopa.report.safe import Markup, escape, html, is_markup, join
from zopa.scenario.schema import Scenario
from zopa.value import Estimate, Valuation
from zopa.numbers import num, pm


def esc(x: Any) -> Markup:
    """Text as markup: escaped (quotes included), unless it already is markup."""
    return escape(x if is_markup(x) else str(x))


def gain_html(value: float, se: float) -> Markup:
    """A gain ± SE, green when above +2 SE, red below −2 SE, amber (within noise) in between."""
    if value > NOISE_Z * se:
        cls, note = "pos", Markup("")
    elif value < -NOISE_Z * se:
        cls, note = "neg", Markup("")
    else:
        cls, note = "noise", Markup(" <small>(within noise)</small>")
    return html('<span class="{}">{}</span>{}', cls, pm(value, se, signed=True), note)


def party_name(scenario: Scenario, party: str) -> Markup:
    color = PARTY_COLORS[scenario.party_ids.index(party) % len(PARTY_COLORS)]
    return html('<span class="party" style="color:{}">{}</span>', color, scenario.parties[party].name)


def table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], cls: str = "",
          row_classes: Sequence[str] = ()) -> Markup:
    """An HTML table. Headers and cells that are :class:`Markup` go in as they are; anything else is
    text and is escaped."""
    head = join(html("<th>{}</th>", h) for h in headers)
    body = []
    for i, row in enumerate(rows):
        rc = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        body.append(html('<tr class="{}">{}</tr>', rc, join(html("<td>{}</td>", c) for c in row)))
    return html('<div class="table-wrap"><table class="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>',
                cls, head, join(body))


def value_cell(e: Estimate) -> Markup:
    text = pm(e.value, e.value_se)
    return esc(text + (" CE" if e.ce is not None else ""))


# --- executive summary --------------------------------------------------------------------------------


def key_figures(scenario: Scenario, analysis: Analysis) -> Markup:
    """Cards with the headline numbers of a deal-space analysis."""
    p = analysis.problem
    z = analysis.zopa
    cards: list[tuple[Any, Any, Any]] = []
    if z.exists:
        sure = ("within Monte Carlo noise" if analysis.existence_within_noise
                else f"{analysis.robust_count:,} by more than {NOISE_Z:g} SE")
        cards.append(("Is there a ZOPA?", Markup('<span class="big pos">Yes</span>'),
                      f"{z.count:,} of {p.n_packages:,} packages ({z.count / p.n_packages:.0%}); {sure}"))
        cards.append(("How wide?", html('<span class="big">{}</span>', f"{z.width_1:,.0f} / {z.width_2:,.0f}"),
                      f"largest gain over walking away, {p.unit}: {p.names[0]} / {p.names[1]}"))
    else:
        cards.append(("Is there a ZOPA?", Markup('<span class="big neg">No</span>'),
                      f"the closest package misses by {num(z.shortfall)} {p.unit} in total"
                      + ("; within noise" if analysis.existence_within_noise else "")))
    nash = analysis.solutions.get("nash")
    if nash is not None:
        for i, party in enumerate(p.parties):
            cards.append((f"{p.names[i]} gains (Nash)",
                          html('<span class="big">{}</span>', gain_html(nash.gain[i], nash.gain_se[i])),
                          f"{p.unit} over its BATNA ({p.batna_label[i]}), ± 1 SE"))
    return html('<div class="cards">{}</div>', join(
        html('<div class="card"><div class="card-title">{}</div><div>{}</div><div class="card-note">{}</div></div>',
             t, v, n) for t, v, n in cards))


def settlement_block(analysis: Analysis) -> Markup:
    """The predicted settlement (Nash solution) as a list of issue → option."""
    nash = analysis.solutions.get("nash")
    if nash is None:
        return Markup("")
    items = join(html("<li><b>{}</b>: {}</li>", issue, option) for issue, option in nash.choices.items())
    return html('<h3>Predicted settlement (Nash bargaining solution)</h3><ul class="choices">{}</ul>', items)


def named_gains_table(v: Valuation) -> Markup:
    """Each named package's gain over the contract in force to each side (own beliefs)."""
    s = v.scenario
    sq = s.meta.status_quo
    if sq not in v.packages:
        return Markup("")
    rows = []
    for pkg in v.packages:
        if pkg == sq:
            continue
        row: list[Any] = [s.packages[pkg].label]
        for party in v.parties:
            d = v.difference(party, pkg, sq)
            row.append(gain_html(d.value, d.value_se))
        rows.append(row)
    headers = ["package"] + [html("gain to {}", party_name(s, p)) for p in v.parties]
    return table(headers, rows, cls="num")


# --- beliefs --------------------------------------------------------------------------------------------


def beliefs_table(scenario: Scenario) -> Markup:
    """Every quantity the parties believe differently, with each side's distribution."""
    rows = []
    for path, q, unit in differing_quantities(scenario):
        rows.append([html("<code>{}</code>", path), unit] + [describe(q.for_party(p)) for p in scenario.party_ids])
    if not rows:
        return Markup("<p>The parties hold the same beliefs about every input.</p>")
    return table(["input", "unit"] + [party_name(scenario, p) for p in scenario.party_ids], rows)


def other_differences_table(scenario: Scenario) -> Markup:
    """What else differs between the parties: discount rates, risk aversion, delay costs, BATNAs."""
    ids = scenario.party_ids
    rows = []

    def row(label: str, cell: Any) -> None:
        rows.append([label] + [cell(p) for p in ids])

    row("discount rate (per year)", lambda p: describe(scenario.parties[p].discount_rate.for_party(p)))
    row("risk aversion (CARA, per USD bn)", lambda p: (
        describe(scenario.parties[p].risk_aversion.for_party(p)) if scenario.parties[p].risk_aversion
        else "none (risk neutral)"))
    b = scenario.bargaining
    if b.delay_cost:
        row("cost of a round of delay (USD bn)", lambda p: describe(b.delay_cost[p].for_party(p))
            if p in b.delay_cost else "—")
    if scenario.deal_space is not None:
        row("walk-away alternatives (BATNA candidates)", lambda p: ", ".join(
            [scenario.meta.status_quo, *scenario.deal_space.outside_options.get(p, [])]))
    return table(["input"] + [party_name(scenario, p) for p in ids], rows)


def cross_beliefs_table(v: Valuation) -> Markup:
    """Each side's value of each package under its own and under the other side's beliefs."""
    s = v.scenario
    headers: list[Any] = ["package"]
    for p in v.parties:
        other = s.parties[s.other(p)].name
        headers += [html("{}: own beliefs", party_name(s, p)), html("{}: {}'s beliefs", party_name(s, p), other)]
    rows = []
    for pkg in v.packages:
        row: list[Any] = [s.packages[pkg].label]
        for p in v.parties:
            own, other = v.estimate(pkg, p), v.estimate(pkg, p, s.other(p))
            row += [pm(own.mean, own.se), pm(other.mean, other.se)]
        rows.append(row)
    return table(headers, rows, cls="num")


# --- deal space -------------------------------------------------------------------------------------------


def solutions_table(analysis: Analysis) -> Markup:
    """Bargaining solutions side by side: the option on each issue (rows where they differ are
    highlighted), each side's value and gain over its BATNA ± SE."""
    p = analysis.problem
    grouped: dict[int, list[Any]] = {}
    for point in analysis.solutions.values():
        if point is not None:
            grouped.setdefault(point.package, []).append(point)
    if not grouped:
        return Markup("<p>No package is in the ZOPA, so no bargaining solution exists.</p>")
    points = [pts[0] for pts in grouped.values()]
    headers = ["", *(" = ".join(pt.name for pt in pts) for pts in grouped.values())]
    rows: list[list[Any]] = []
    classes = []
    for issue in points[0].choices:
        options = [pt.choices.get(issue, "") for pt in points]
        rows.append([html("<b>{}</b>", issue), *options])
        classes.append("differs" if len(set(options)) > 1 else "")
    for i, name in enumerate(p.names):
        rows.append([html("<b>{}: value</b>", name), *(pm(pt.utility[i], pt.utility_se[i]) for pt in points)])
        classes.append("sep")
    for i, name in enumerate(p.names):
        rows.append([html("<b>{}: gain over BATNA</b>", name), *(gain_html(pt.gain[i], pt.gain_se[i]) for pt in points)])
        classes.append("")
    rows.append([Markup("<b>package #</b>"), *(str(pt.package) for pt in points)])
    classes.append("muted")
    return table(headers, rows, cls="solutions", row_classes=classes)


def issues_table(analysis: Analysis) -> Markup:
    """Which options of each issue occur inside the ZOPA, with the share of packages that do."""
    if not analysis.issue_ranges:
        return Markup("<p>The deal space has no issues to report.</p>")
    shares = option_shares(analysis)
    words = {"free": "can move freely", "limited": "can move within limits", "fixed": "fixed", "none": "no ZOPA"}
    rows = []
    for r in analysis.issue_ranges:
        chips = []
        for option, share in zip(r.issue.options, shares.get(r.issue.id, [])):
            inside = option in r.in_zopa
            pct = "" if share is None else f" {share:.0%}"
            alpha = 0.1 + 0.6 * (share or 0.0)
            if inside:
                chips.append(html('<span class="chip" style="background:rgba(22,163,74,{})">{}{}</span>',
                                  f"{alpha:.2f}", option, pct))
            else:
                chips.append(html('<span class="chip out">{}{}</span>', option, pct))
        rows.append([html("<b>{}</b>", r.issue.label),
                     html('<span class="status {}">{}</span>', r.status, words.get(r.status, r.status)),
                     join(chips, " ")])
    return table(["issue", "inside the ZOPA", "options (share of packages with this option that are in the ZOPA)"], rows)


def deadline_block(analysis: Analysis, scenario: Scenario) -> Markup:
    d = analysis.deadline
    if d is None:
        return Markup("<p>No deadline bargaining: the scenario sets no deadline (or there is no surplus to share).</p>")
    p = analysis.problem
    first = scenario.parties[d.first_proposer].name if d.first_proposer in scenario.parties else d.first_proposer
    b = scenario.bargaining
    deadline = b.deadline or (scenario.world.funding.deadline if scenario.world.funding else None)
    text = html("<p>Offers every {months} month(s) until {deadline}: <b>{rounds} rounds</b>; in each round either "
                "side proposes with probability {q} ({first} is named first). Each round of delay costs each side "
                "its impatience (the discount factors below); after a rejected offer talks collapse with probability "
                "{breakdown}. If the deadline passes, {loss} of the surplus is lost (the restructuring premium) and "
                "talks go on over the rest. {first}'s expected share: <b>{finite}</b> (without the deadline "
                "{stationary}; Rubinstein's alternating offers without breakdown risk: {infinite}).</p>",
                first=first, months=f"{b.round_months:g}", deadline=deadline, rounds=d.rounds,
                q=f"{d.proposer_probability:.0%}", breakdown=f"{d.breakdown_probability:.0%}",
                loss=f"{d.loss_share:.1%}", infinite=f"{d.infinite_share:.1%}", finite=f"{d.finite_share:.1%}",
                stationary="n/a" if d.stationary_share is None else f"{d.stationary_share:.1%}")
    rows = [["rounds to the deadline", str(d.rounds), ""],
            *[[f"per-round discount factor δ: {name}", f"{delta:.4f}",
               f"{name} loses {(1 - delta):.2%} of the surplus per round of delay"]
              for name, delta in zip(p.names, d.delta)],
            ["breakdown probability per rejected offer", f"{d.breakdown_probability:.1%}", ""],
            ["surplus lost at the deadline", f"{d.loss_share:.1%} ({d.deadline_loss:,.2f})",
             "the joint restructuring premium, USD bn"],
            [f"{first}'s share of the surplus, Rubinstein", f"{d.infinite_share:.1%}",
             "alternating offers, no breakdown risk, no deadline (Rubinstein 1982)"],
            [f"{first}'s share, random proposer, no deadline", "n/a" if d.stationary_share is None else
             f"{d.stationary_share:.1%}", "Binmore, Rubinstein & Wolinsky (1986)"],
            [f"{first}'s share, with the deadline", f"{d.finite_share:.1%}",
             "random proposer; the loss at the deadline, then talks go on"],
            [f"{first}'s share if the deadline ended talks with an ultimatum", "n/a" if d.ultimatum_share is None
             else f"{d.ultimatum_share:.1%}", "for comparison only: flips with the parity of the round count"],
            [f"bargaining weight of {p.names[0]} / {p.names[1]}",
             f"{d.nash_weight:.3f} / {1 - d.nash_weight:.3f}", "used by the patience-weighted Nash solution"]]
    return text + table(["quantity", "value", "meaning"], rows)


# --- sources ------------------------------------------------------------------------------------------


def _source_attrs(src: Any) -> tuple[str, str]:
    """A source's kind (a CSS class of its badge: only the known kinds) and date as text."""
    kind = src.kind if src else "missing"
    date = getattr(src, "date", None) if src else None
    return kind, "" if date is None else str(date)


def sources_section(scenario: Scenario) -> Markup:
    """Every number of the scenario with its distribution and source; assumptions highlighted; then
    the sources themselves with their notes."""
    rows, classes = [], []
    n_assumed = 0
    for path, q, unit in iter_quantities(scenario):
        specs = [(None, q.shared)] if q.shared is not None else list((q.by_party or {}).items())
        for party, spec in specs:
            src = scenario.sources.get(spec.source)
            kind, date = _source_attrs(src)
            assumed = kind == "assumption"
            n_assumed += assumed
            who = Markup("") if party is None else html(
                "<br><small>believed by {}</small>",
                scenario.parties[party].name if party in scenario.parties else party)
            when = html("<br><small>{}</small>", date) if date else Markup("")
            rows.append([html("<code>{}</code>{}", path, who), describe(spec), unit,
                         html('<span class="badge {kind}">{kind}</span><br><a href="#src-{key}"><code>{key}</code></a>{when}',
                              kind=kind, key=spec.source, when=when),
                         src.citation if src else "(no such source)"])
            classes.append("assumed" if assumed else "")
    intro = html("<p>{} numbers; <b>{} rest on our own assumptions</b> (highlighted) rather than a dated public "
                 "report, filing or the seed document. The error bars elsewhere measure simulation noise only: they "
                 "do not cover these assumptions being wrong.</p>", len(rows), n_assumed)
    numbers = table(["input", "distribution", "unit", "source", "citation"], rows, cls="sources",
                    row_classes=classes)
    items = []
    for key, src in scenario.sources.items():
        kind, date = _source_attrs(src)
        items.append(html('<li id="src-{key}"><span class="badge {kind}">{kind}</span> <code>{key}</code>: '
                          "{citation}{date}{url}{note}</li>", key=key, kind=kind, citation=src.citation,
                          date=html(" ({})", date) if date else Markup(""),
                          url=_source_url(src), note=html("<br><small>{}</small>", src.note) if src.note else Markup("")))
    return intro + numbers + html('<h3>The sources</h3><ul class="sources-list">{}</ul>', join(items))


def _source_url(src: Any) -> Markup:
    """A source's URL (when the schema has one) as text, never as a link: the report opens offline and
    a scenario's URL is untrusted (``javascript:`` and the like)."""
    url = getattr(src, "url", None)
    return html("<br><small><code>{}</code></small>", url) if url else Markup("")
