"""HTML fragments of the report: tables, cards and the sources, in the report's language
(:mod:`zopa.report.i18n`) with amounts in the scenario's unit (:mod:`zopa.units`).

Every fragment is :class:`~zopa.report.safe.Markup` built with :func:`~zopa.report.safe.html` from a
literal template, so every piece of text from a scenario is escaped on the way in; a plain ``str``
handed to :func:`table` or :func:`~zopa.report.safe.join` is escaped too (see :mod:`zopa.report.safe`).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from zopa.analysis import Analysis
from zopa.noise import NOISE, NOISE_Z
from zopa.report.charts import PARTY_COLORS, differing_quantities
from zopa.report.context import ReportContext
from zopa.report.describe import spec_text
from zopa.report.i18n import t, th, unit_label
from zopa.report.safe import Markup, escape, html, is_markup, join
from zopa.scenario.schema import Scenario
from zopa.units import format_amount, format_pm
from zopa.value import Estimate, Valuation


def esc(x: Any) -> Markup:
    """Text as markup: escaped (quotes included), unless it already is markup."""
    return escape(x if is_markup(x) else str(x))


def gain_html(value: float, se: float) -> Markup:
    """A gain ± SE, green when above +2 SE, red below −2 SE, amber (within noise) in between."""
    if NOISE.clear(value, se):
        cls, note = "pos", Markup("")
    elif NOISE.clear(-value, se):
        cls, note = "neg", Markup("")
    else:
        cls, note = "noise", html(" <small>({})</small>", t("word.within_noise"))
    return html('<span class="{}">{}</span>{}', cls, format_pm(value, se, signed=True), note)


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
    """An estimate ± 1 SE, marked CE when it is a certainty equivalent."""
    text = format_pm(e.value, e.value_se)
    return esc(text + (" " + t("measure.ce") if e.ce is not None else ""))


# --- executive summary --------------------------------------------------------------------------------


def key_figures(scenario: Scenario, analysis: Analysis) -> Markup:
    """Cards with the headline numbers of a deal-space analysis (amounts in the scenario's unit)."""
    p = analysis.problem
    z = analysis.zopa
    unit = unit_label(ReportContext(scenario).unit)
    cards: list[tuple[Any, Any, Any]] = []
    if z.exists:
        sure = (t("card.within_noise") if analysis.existence_within_noise
                else t("card.robust", n=f"{analysis.robust_count:,}", z=f"{NOISE_Z:g}"))
        cards.append((t("card.zopa"), html('<span class="big pos">{}</span>', t("word.yes")),
                      t("card.zopa_count", count=f"{z.count:,}", total=f"{p.n_packages:,}",
                        share=f"{z.count / p.n_packages:.0%}", sure=sure)))
        cards.append((t("card.width"), html('<span class="big">{} / {}</span>', format_amount(z.width_1),
                                            format_amount(z.width_2)),
                      t("card.width_note", unit=unit, a=p.names[0], b=p.names[1])))
    else:
        cards.append((t("card.zopa"), html('<span class="big neg">{}</span>', t("word.no")),
                      t("card.no_zopa", shortfall=format_amount(z.shortfall), unit=unit)
                      + (t("card.no_zopa_noise") if analysis.existence_within_noise else "")))
    nash = analysis.solutions.get("nash")
    if nash is not None:
        for i, party in enumerate(p.parties):
            cards.append((t("card.nash_gain", name=p.names[i], measure=ReportContext(scenario).measure(party)),
                          html('<span class="big">{}</span>', gain_html(nash.gain[i], nash.gain_se[i])),
                          t("card.nash_note", unit=unit, package=ReportContext(scenario).package_label(p.batna_label[i]))))
    return html('<div class="cards">{}</div>', join(
        html('<div class="card"><div class="card-title">{}</div><div>{}</div><div class="card-note">{}</div></div>',
             title, value, note) for title, value, note in cards))


def settlement_block(analysis: Analysis) -> Markup:
    """The predicted settlement (Nash solution) as a list of issue → option."""
    nash = analysis.solutions.get("nash")
    if nash is None:
        return Markup("")
    items = join(html("<li><b>{}</b>: {}</li>", issue, option) for issue, option in nash.choices.items())
    return html('<h3>{}</h3><ul class="choices">{}</ul>', t("h.settlement"), items)


def named_gains_table(v: Valuation) -> Markup:
    """Each named package's gain over the contract in force to each side (own beliefs; CE for a
    risk-averse side)."""
    s = v.scenario
    sq = s.meta.status_quo
    if sq not in v.packages:
        return Markup("")
    context = ReportContext(s)
    rows = []
    for pkg in v.packages:
        if pkg == sq:
            continue
        row: list[Any] = [s.packages[pkg].label]
        for party in v.parties:
            d = v.difference(party, pkg, sq)
            row.append(gain_html(d.value, d.value_se))
        rows.append(row)
    headers = [t("th.package")] + [th("th.gain_to", name=party_name(s, p), measure=context.measure(p)) for p in v.parties]
    return table(headers, rows, cls="num")


# --- beliefs --------------------------------------------------------------------------------------------


#: Unit kinds of quantities with a word in the catalogues (``qunit.<kind>``).
QUNITS = ("year", "years", "probability", "share", "rate", "nonnegative", "any", "positive")


def quantity_unit(context: ReportContext, unit: str) -> str:
    """A quantity's unit kind in words (money in the scenario's unit)."""
    if unit == "money":
        return unit_label(context.unit)
    return t(f"qunit.{unit}") if unit in QUNITS else unit


def beliefs_table(scenario: Scenario) -> Markup:
    """Every quantity the parties believe differently, with each side's distribution."""
    context = ReportContext(scenario)
    rows = []
    for path, q, unit in differing_quantities(scenario):
        rows.append([html("<code>{}</code>", path), quantity_unit(context, unit)]
                    + [spec_text(q.for_party(p)) for p in scenario.party_ids])
    if not rows:
        return html("<p>{}</p>", t("beliefs.same"))
    return table([t("th.input"), t("th.unit")] + [party_name(scenario, p) for p in scenario.party_ids], rows)


def other_differences_table(scenario: Scenario) -> Markup:
    """What else differs between the parties: discount rates, risk aversion, delay costs, BATNAs."""
    ids = scenario.party_ids
    context = ReportContext(scenario)
    unit = unit_label(context.unit)
    rows = []

    def row(label: str, cell: Any) -> None:
        rows.append([label] + [cell(p) for p in ids])

    row(t("other.discount"), lambda p: spec_text(scenario.parties[p].discount_rate.for_party(p)))
    row(t("other.risk", unit=unit), lambda p: (
        spec_text(ra.for_party(p)) if (ra := scenario.parties[p].risk_aversion) is not None
        else t("other.neutral")))
    b = scenario.bargaining
    if b.delay_cost:
        row(t("other.delay", unit=unit), lambda p: spec_text(b.delay_cost[p].for_party(p)) if p in b.delay_cost else "—")
    if scenario.deal_space is not None:
        row(t("other.batna"), lambda p: t("sep.list").join(
            context.package_label(k) for k in [scenario.meta.status_quo, *scenario.deal_space.outside_options.get(p, [])]))
    return table([t("th.input")] + [party_name(scenario, p) for p in ids], rows)


def cross_beliefs_table(v: Valuation) -> Markup:
    """Each side's value of each package under its own and under the other side's beliefs
    (risk-neutral means ± 1 SE)."""
    s = v.scenario
    headers: list[Any] = [t("th.package")]
    for p in v.parties:
        theirs = s.parties[s.other(p)].name
        headers += [th("th.own_beliefs", name=party_name(s, p)), th("th.other_beliefs", name=party_name(s, p), other=theirs)]
    rows = []
    for pkg in v.packages:
        row: list[Any] = [s.packages[pkg].label]
        for p in v.parties:
            own, other = v.estimate(pkg, p), v.estimate(pkg, p, s.other(p))
            row += [format_pm(own.mean, own.se), format_pm(other.mean, other.se)]
        rows.append(row)
    return table(headers, rows, cls="num")
