"""The report's findings in plain words, in the report's language and the scenario's unit: the
verdict of a deal-space analysis, the recommendation, the variable-threat game and the negotiation's
outcome. The same findings as :meth:`zopa.analysis.Analysis.verdict`,
:meth:`zopa.recommend.Recommendation.lines` and
:meth:`zopa.threats.variable_scenario.VariableThreatAnalysis.lines` (which summary.json keeps, in
English), written from the same numbers with :mod:`zopa.units`' formatting. Lines are plain text:
the caller escapes them for HTML or a terminal."""

from __future__ import annotations

from typing import Any

from zopa.analysis import Analysis
from zopa.noise import NOISE, NOISE_Z
from zopa.report.context import ReportContext
from zopa.report.i18n import current_language, t, unit_label
from zopa.units import Unit, format_amount, format_pm

#: Phrases of :mod:`zopa.recommend` (the basis of a recommendation, its views), by language.
PHRASES = {
    "zh": {
        "patience-weighted Nash on expected utilities": "基于期望效用的耐心加权纳什解",
        "Nash on expected utilities": "基于期望效用的纳什解",
        ", outside options as bounds": "，外部选择作为下限",
        ", from the threat-adjusted disagreement point": "，自威胁调整后的分歧点出发",
        "symmetric Nash": "对称纳什解",
        "patience-weighted Nash, outside options as bounds": "耐心加权纳什解（外部选择作为下限）",
        "patience-weighted Nash from the threat point": "自威胁点出发的耐心加权纳什解",
        "patience-weighted Nash": "耐心加权纳什解",
        "simulated negotiation": "模拟谈判",
        "if talks fail and threats play out": "若谈判破裂、威胁付诸实施",
    },
}


def phrase(text: str) -> str:
    """A phrase of the engine's in the report's language: known phrases (longest first) replaced,
    anything else kept as it is.

    >>> phrase("symmetric Nash")
    'symmetric Nash'
    """
    table = PHRASES.get(current_language())
    if not table:
        return text
    for english in sorted(table, key=len, reverse=True):
        text = text.replace(english, table[english])
    return text


def terms_text(choices: dict[str, str]) -> str:
    """Issue → option pairs: ``stake: 33%; cloud: none``."""
    return t("sep.terms").join(t("pair", k=k, v=v) for k, v in choices.items())


def verdict_lines(analysis: Analysis, unit_of: Unit) -> list[str]:
    """The answer of a deal-space analysis in plain words, amounts in ``unit_of`` (see
    :meth:`Analysis.verdict`)."""
    p = analysis.problem
    z = analysis.zopa
    unit = unit_label(unit_of)
    names = p.names
    lines = []
    deal_space = p.choices is not None
    if z.exists:
        robust = t("verdict.robust", n=f"{analysis.robust_count:,}", z=f"{NOISE_Z:g}") if p.gain_se is not None else ""
        lines.append(t("verdict.exists", count=f"{z.count:,}", total=f"{p.n_packages:,}",
                       scope=t("verdict.of_space") if deal_space else "", robust=robust))
        lines.append(t("verdict.width", w1=format_amount(z.width_1), w2=format_amount(z.width_2), unit=unit,
                       a=names[0], b=names[1]))
        if analysis.existence_within_noise:
            lines.append(t("verdict.exists_noise"))
    else:
        scope = t("verdict.scope_space") if deal_space else t("verdict.scope_named")
        lines.append(t("verdict.none", scope=scope, shortfall=format_amount(z.shortfall), unit=unit))
        if analysis.existence_within_noise:
            lines.append(t("verdict.none_noise", n=f"{analysis.near_count:,}"))
        gap = analysis.gap
        if gap is not None and gap.issue is not None and gap.shortfall_after is not None:
            lines.append(t("verdict.gap", issue=gap.issue, option=gap.option, gap=format_amount(gap.shortfall),
                           after=format_amount(gap.shortfall_after), unit=unit))
    nash = analysis.solutions.get("nash")
    if nash is not None:
        lines.append(t("verdict.nash", choices=terms_text(nash.choices), a=names[0], b=names[1], unit=unit,
                       ga=format_pm(nash.gain[0], nash.gain_se[0], signed=True),
                       gb=format_pm(nash.gain[1], nash.gain_se[1], signed=True)))
        averse = [n for n, a in zip(names, p.risk_aversion) if a]
        if averse:
            lines.append(t("verdict.averse_one" if len(averse) == 1 else "verdict.averse_both",
                           names=t("sep.and").join(averse)))
    st = analysis.stability
    if nash is not None and st is not None and st.package == nash.package:
        line = t("verdict.stability", n=st.n_boot, share=f"{st.share:.0%}")
        if st.alternatives:
            k, share = st.alternatives[0]
            mine, other = p.describe(nash.package), p.describe(k)
            diff = [t("pair", k=key, v=value) for key, value in other.items() if mine.get(key) != value]
            line += t("verdict.alternative", share=f"{share:.0%}", diff=t("sep.list").join(diff) or t("word.nothing"))
        lines.append(line + t("end"))
    return lines + list(analysis.notes)


def valuation_lines(v: Any, context: ReportContext) -> list[str]:
    """Plain-words findings from the named packages alone (no deal space): which packages both sides
    prefer to the contract in force, by more than two standard errors (see
    :func:`zopa.report.summary.valuation_verdict`)."""
    s = v.scenario
    sq = s.meta.status_quo
    if sq not in v.packages:
        return []
    a, b = (s.parties[p].name for p in v.parties)
    both: list[str] = []
    within: list[str] = []
    for pkg in v.packages:
        if pkg == sq:
            continue
        gains = [v.difference(p, pkg, sq) for p in v.parties]
        if all(g.value > 0 for g in gains):
            (both if all(NOISE.clear(g.value, g.value_se) for g in gains) else within).append(s.packages[pkg].label)
    lines = []
    if both:
        lines.append(t("verdict.named_both", a=a, b=b, packages=t("sep.terms").join(both)))
    if within:
        lines.append(t("verdict.named_within", packages=t("sep.terms").join(within)))
    if not both and not within:
        lines.append(t("verdict.named_none", a=a, b=b))
    return lines


def recommendation_lines(rec: Any, context: ReportContext, analysis: Analysis | None = None,
                         negotiation: Any = None) -> list[str]:
    """The recommendation in plain words, first thing a reader sees (see ``Recommendation.lines``)."""
    a, b = rec.names
    unit = unit_label(context.unit)
    gain = [format_pm(rec.gain[i], rec.gain_se[i], signed=True) for i in (0, 1)]
    out = [t("rec.settlement", basis=phrase(rec.basis), choices=terms_text(rec.choices)),
           t("rec.gains", a=a, b=b, ga=gain[0], gb=gain[1], unit=unit,
             a_lo=format_amount(rec.gain_range[0][0], True), a_hi=format_amount(rec.gain_range[0][1], True),
             b_lo=format_amount(rec.gain_range[1][0], True), b_hi=format_amount(rec.gain_range[1][1], True))]
    for side in rec.sides:
        diff = {k: v for k, v in side.opening.items() if rec.choices.get(k) != v}
        opening = terms_text(diff) if diff else t("rec.opening_same")
        i = rec.parties.index(side.party)
        floor = side.walk_away - rec.batna[i] if rec.batna is not None else None
        walk = t("rec.walk_value", value=format_amount(side.walk_away))
        if floor:
            walk += t("rec.walk_floor", floor=format_amount(floor, True))
        label = side.walk_away_label
        if label.startswith("its BATNA: "):
            label = t("rec.walk_batna", package=context.package_label(label[len("its BATNA: "):]))
        out.append(t("rec.side", name=side.name, target=format_amount(side.target_gain[0], True), opening=opening,
                     opening_gain=format_amount(side.opening_gain, True), walk=walk, label=phrase(label)))
    if rec.terms:
        top = sorted(rec.terms, key=lambda x: -abs(x.value[0]) - abs(x.value[1]))[:4]
        out.append(t("rec.why", terms=t("sep.terms").join(
            t("rec.term", label=x.label, a=a, b=b, va=format_amount(x.value[0], True), vb=format_amount(x.value[1], True))
            for x in top)))
    if rec.bet is not None:
        out.append(t("rec.bet", a=a, b=b, va=format_amount(rec.bet[0], True), vb=format_amount(rec.bet[1], True)))
    if rec.restructuring_premium is not None:
        joint, prem = sum(rec.gain), sum(rec.restructuring_premium)
        share = t("rec.premium_share", share=f"{prem / joint:.0%}") if joint > 0 else ""
        out.append(t("rec.premium", value=format_amount(prem, True), unit=unit, share=share))
    if rec.threat_shift is not None:
        out.append(t("rec.threats", a=a, b=b, va=format_amount(rec.threat_shift[0], True),
                     vb=format_amount(rec.threat_shift[1], True)))
    line = negotiation_line(negotiation, analysis) if negotiation is not None and analysis is not None else None
    if line is not None:
        out.append(line)
    elif rec.negotiation:
        out.append(rec.negotiation)
    if rec.stability is not None:
        out.append(t("rec.stability", share=f"{rec.stability:.0%}"))
    return out + edge_notes(analysis, rec.package) if analysis is not None else out + list(rec.notes)


def negotiation_line(negotiation: Any, analysis: Analysis) -> str:
    """What the simulated negotiation agrees on (gains over each side's BATNA)."""
    p = analysis.problem
    r = negotiation.result
    if not getattr(r, "agreement", False) or r.package is None:
        return t("rec.negotiation_none")
    k = int(r.package)
    g = [float(p.utility[i, k] - p.batna[i]) for i in (0, 1)]
    return t("rec.negotiation", sa=negotiation.strategies[0], sb=negotiation.strategies[1], a=p.names[0],
             b=p.names[1], ga=format_amount(g[0], True), gb=format_amount(g[1], True))


def edge_notes(analysis: Analysis, k: int) -> list[str]:
    """Say so when the predicted package sits at an end of a gridded range: it may lie beyond it."""
    p = analysis.problem
    if p.choices is None:
        return []
    out = []
    for pos, issue in enumerate(p.issues):
        j = int(p.choices[k, pos])
        if issue.ordered and j in (0, len(issue.options) - 1):
            out.append(t("rec.edge_low" if j == 0 else "rec.edge_high", issue=issue.label or issue.id,
                         option=issue.options[j]))
    return out


def variable_threat_lines(vt: Any, names: dict[str, str], context: ReportContext) -> list[str]:
    """Nash's variable-threat game in plain words (see ``VariableThreatAnalysis.lines``)."""
    n = [names.get(p, p) for p in vt.parties]
    unit = unit_label(context.unit)
    chosen = t("sep.terms").join(
        t("pair", k=names.get(p, p), v=t("sep.list").join(
            vt.labels.get(x, x) + ("" if share == 1.0 else f" ({share:.0%})") for x, share in mix.items()))
        for p, mix in vt.strategies().items())
    shift = vt.point - vt.batna
    out = [t("vt.threats", chosen=chosen),
           t("vt.point", unit=unit, points=t("sep.list").join(
               t("vt.point_one", name=n[q], value=format_pm(float(vt.point[q]), float(vt.point_se[q])),
                 shift=format_pm(float(shift[q]), float(vt.point_shift_se[q]), signed=True)) for q in range(2))),
           t("vt.settlement", package=context.package_label(vt.joint_package), joint=format_amount(float(vt.tu.joint)),
             unit=unit, values=t("sep.list").join(
                 f"{n[q]} {format_pm(float(vt.settlement[q]), float(vt.settlement_se[q]))}" for q in range(2)))]
    if vt.finite is not None:
        if not vt.equilibria:
            out.append(t("vt.no_equilibrium"))
        for e in vt.equilibria:
            what = terms_text(e.terms) if e.package is not None else t("vt.no_deal")
            out.append(t("vt.equilibrium", a=n[0], b=n[1], ta=vt.labels.get(e.threats[0], e.threats[0]),
                         tb=vt.labels.get(e.threats[1], e.threats[1]), what=what, values=t("sep.list").join(
                             f"{n[q]} {format_pm(e.payoff[q], e.payoff_se[q])}" for q in range(2))))
    return out + list(vt.notes)

