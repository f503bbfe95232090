"""Report sections for negotiations, threat games and sensitivity analyses: ``(title, content)``
pairs for :class:`zopa.report.html.ReportData.extra_sections` (content: plotly figures, or HTML as
:class:`~zopa.report.safe.Markup` built with :func:`~zopa.report.safe.html`, which escapes every piece
of scenario text; chart text goes through :func:`~zopa.report.safe.plot_text`)."""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go

from zopa.negotiate.scenario import ScenarioNegotiation
from zopa.report.charts import PARTY_COLORS, base_layout
from zopa.report.dynamics import threat_label, tree_text
from zopa.report.html_parts import table
from zopa.report.safe import Markup, html, plot_text
from zopa.threats.scenario import ThreatAnalysis


def negotiation_section(n: ScenarioNegotiation) -> tuple[str, list[Any]]:
    """The offer trace as a chart (each side's utility of every offer, by round) and a table."""
    names = n.problem.names
    pn = [plot_text(x) for x in names]
    rows = n.trace_rows()
    fig = go.Figure()
    for side, name, color in (("a", names[0], PARTY_COLORS[0]), ("b", names[1], PARTY_COLORS[1])):
        mine = [r for r in rows if r["proposer"] == name]
        for key, label, dash in (("u_a", pn[0], "solid"), ("u_b", pn[1], "dot")):
            fig.add_trace(go.Scatter(
                x=[r["round"] for r in mine], y=[r[key] for r in mine], mode="lines+markers",
                name=f"{plot_text(name)}'s offers: value to {label}", line=dict(color=color, dash=dash),
                hovertext=["; ".join(f"{plot_text(k)}: {plot_text(v)}" for k, v in r["terms"].items()) for r in mine],
                hoverinfo="text+y"))
    r = n.result
    for value, label, color in ((r.batna_a, f"{pn[0]} BATNA", PARTY_COLORS[0]), (r.batna_b, f"{pn[1]} BATNA", PARTY_COLORS[1])):
        fig.add_hline(y=value, line=dict(color=color, width=1, dash="dash"), annotation_text=label)
    if r.nash.package is not None:
        for value, label in ((r.nash.u_a, f"Nash: {pn[0]}"), (r.nash.u_b, f"Nash: {pn[1]}")):
            fig.add_hline(y=value, line=dict(color="#6b7280", width=1, dash="dashdot"), annotation_text=label,
                          annotation_position="bottom right")
    base_layout(fig, f"Offers round by round: {pn[0]} ({plot_text(n.strategies[0])}) vs {pn[1]} "
                     f"({plot_text(n.strategies[1])})")
    fig.update_xaxes(title="round (monthly to the deadline)", dtick=1)
    fig.update_yaxes(title="value of the offer (USD bn)")
    outcome = (f"Agreement in round {r.round} on: " + "; ".join(f"{k}: {v}" for k, v in n.problem.describe(r.package).items())
               if r.agreement and r.package is not None else f"No agreement ({r.ending}): both sides fall back on their BATNAs.")
    intro = html("<p>How play unfolds when {a} bargains <b>{sa}</b> and {b} <b>{sb}</b>, one offer a round from "
                 "{start} to the deadline ({rounds} rounds; a round of delay costs {a} {ca} and {b} {cb} USD bn). "
                 "Solid lines: value to {a}; dotted: to {b}. {outcome} Distance to the Nash point: {dist}.</p>",
                 a=names[0], b=names[1], sa=n.strategies[0], sb=n.strategies[1], start=n.calendar.dates[0],
                 rounds=n.calendar.rounds, ca=f"{n.calendar.delay_cost[0]:,.2f}", cb=f"{n.calendar.delay_cost[1]:,.2f}",
                 outcome=outcome, dist=f"{r.distance_to_nash:,.1f}")
    trace = table(["round", "date", "proposer", names[0], names[1], "accepted"],
                  [[str(x["round"]), x["date"], x["proposer"], f"{x['u_a']:,.1f}", f"{x['u_b']:,.1f}",
                    "yes" if x["accepted"] else ""] for x in rows])
    return "Negotiation toward the deadline", [intro, fig, trace]


def threats_section(t: ThreatAnalysis, names: dict[str, str]) -> tuple[str, list[Any]]:
    """The game tree (drawn as an indented outline), which threats are credible, and the outcome."""
    s = t.solution
    intro = Markup("<p>The threat game is solved by backward induction: each side, at each of its moves, picks what is best "
             "for it given how play continues, valuing chance outcomes under its own beliefs. A threat is "
             "<b>credible</b> when the threatener would carry it out if refused. Payoffs are each side's value of "
             "the resulting package (USD bn), net of the threat's and the court's costs.</p>")
    path = html("<p><b>Subgame-perfect play:</b> {}; values {}. <b>If bargaining fails</b> and threats play out, "
                "the disagreement point is {}.</p>", " → ".join(s.path),
                ", ".join(f"{names.get(p, p)} {v:,.1f} ± {s.value_se[p]:,.1f}" for p, v in s.value.items()),
                ", ".join(f"{names.get(p, p)} {v:,.1f}" for p, v in t.disagreement_point.items()))
    checks = table(["who", "threat", "credible", "chosen instead", "shortfall ± SE", "note"],
                   [[names.get(c.player, c.player), threat_label(c), "yes" if c.credible else "no",
                     "" if c.credible else c.chosen,
                     "" if c.credible else f"{c.shortfall:,.1f} ± {c.shortfall_se:,.1f}",
                     ("within noise" if c.within_noise else "") + ("" if c.reached else " (off the equilibrium path)")]
                    for c in t.checks])
    tree = html("<details open><summary>The game tree</summary><pre class='tree'>{}</pre></details>",
                "\n".join(tree_text(t.game.root)))
    return "Threats and their credibility", [intro, path, checks, tree]


def tornado_section(result: Any, outputs: Sequence[str]) -> tuple[str, list[Any]]:
    from zopa.sensitivity.tornado import tornado_figure

    intro = Markup("<p>Each bar moves one input from its 10% to its 90% quantile (each side's own quantiles where beliefs "
             "differ), every other input staying uncertain as in the scenario; bars are sorted by how far the output "
             "moves. Faded bars are within Monte Carlo noise.</p>")
    figures = []
    for o in outputs:
        fig = tornado_figure(result, o)
        rows = len(result.to_rows(o))
        fig.update_layout(height=max(420, 24 * rows + 160), margin=dict(l=360))
        fig.update_yaxes(automargin=True, dtick=1)
        fig.update_xaxes(title=f"{o} (USD bn)")
        figures.append(fig)
    intro += Markup("<p><small>These runs use fewer paths and a thinned deal-space grid than the headline figures, so "
              "their base values differ slightly from those above; the swings are what matter.</small></p>")
    return "What the answer hinges on: one input at a time", [intro, *figures]


def sobol_section(result: Any) -> tuple[str, list[Any]]:
    from zopa.sensitivity.sobol import sobol_figure

    intro = Markup("<p>Sobol' indices split the variance of a package's value across paths among the inputs: the "
             "first-order index is the share an input explains alone, the total index includes its interactions. "
             "Revenue shocks and chance events remain random, so the indices sum to less than one.</p>")
    figures = []
    for o in result.outputs:
        fig = sobol_figure(result, o)
        fig.update_layout(height=620, margin=dict(b=260))
        fig.update_xaxes(automargin=True, tickangle=-60)
        figures.append(fig)
    return "Global sensitivity (Sobol')", [intro, *figures]


def belief_gap_section(points: Sequence[Any], names: tuple[str, str], mover: str) -> tuple[str, list[Any]]:
    fractions = [p.fraction * 100 for p in points]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=fractions, y=[p.nash_gain[0] for p in points], name=f"Nash gain: {plot_text(names[0])}",
                             line=dict(color=PARTY_COLORS[0]),
                             error_y=dict(type="data", array=[2 * p.nash_gain_se[0] for p in points])))
    fig.add_trace(go.Scatter(x=fractions, y=[p.nash_gain[1] for p in points], name=f"Nash gain: {plot_text(names[1])}",
                             line=dict(color=PARTY_COLORS[1]),
                             error_y=dict(type="data", array=[2 * p.nash_gain_se[1] for p in points])))
    fig.add_trace(go.Bar(x=fractions, y=[p.bet for p in points], name="bet on the disagreement", marker_color="#a855f7",
                         opacity=0.5))
    fig.add_trace(go.Bar(x=fractions, y=[p.created for p in points], name="created value", marker_color="#10b981",
                         opacity=0.5))
    base_layout(fig, f"Moving {plot_text(mover)}'s beliefs toward the other side's")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=f"% of the way {plot_text(mover)}'s beliefs move", ticksuffix="%")
    fig.update_yaxes(title="USD bn over walking away")
    intro = Markup("<p>Where the parties disagree (above all on when AGI arrives), each can expect to gain from the same "
             "clause. The <b>bet</b> is the part of the joint gain at the Nash package that exists only because each "
             "side values the deal under its own beliefs; <b>created value</b> is what both would agree on. With "
             "identical beliefs the bet is zero.</p>")
    return "The belief gap", [intro, fig]
