"""Charts of the report's later sections: the negotiation trace, the tornado, Sobol' indices and the
belief gap. Same rules as :mod:`zopa.report.charts`: human labels (schema descriptions, package labels
and party names, never ids), error bars on every bar of an estimate, every trace in the legend, no
text beside a mark (reference lines are legend entries, not annotations)."""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go

from zopa.report.charts import (
    GAIN_COLOR, MUTED_COLOR, PARTY_COLORS, ROW_PX, base_layout, error_bars, label_lines, legend_below, wrap,
)
from zopa.report.context import ReportContext
from zopa.report.describe import input_label, output_label, range_text
from zopa.report.i18n import money_axis, t, unit_label
from zopa.report.safe import plot_text
from zopa.units import format_amount, format_pm

#: Colours of an input at its low (10%) and high (90%) quantile in the tornado.
LOW_COLOR, HIGH_COLOR = "#d62728", "#1f77b4"
#: Colours of Sobol' first-order and total indices.
S1_COLOR, ST_COLOR = "#1f77b4", "#ff7f0e"
BET_COLOR = "#a855f7"


def _measure(problem: Any, i: int) -> str:
    return t("measure.ce") if problem.risk_aversion[i] else t("measure.mean")


def negotiation_figure(n: Any, context: ReportContext) -> go.Figure:
    """Each side's value of every offer, by round (solid: value to the first side, dotted: to the
    second), with both BATNAs and the Nash point as legend-named reference lines."""
    p = n.problem
    names = p.names
    pn = [plot_text(x) for x in names]
    rows = n.trace_rows()
    rounds = [r["round"] for r in rows] or [0]
    span = [min(rounds) - 0.5, max(rounds) + 0.5]
    fig = go.Figure()
    for name, color in ((names[0], PARTY_COLORS[0]), (names[1], PARTY_COLORS[1])):
        mine = [r for r in rows if r["proposer"] == name]
        if not mine:
            continue
        for i, (key, dash) in enumerate((("u_a", "solid"), ("u_b", "dot"))):
            fig.add_trace(go.Scatter(
                x=[r["round"] for r in mine], y=[r[key] for r in mine], mode="lines+markers",
                name=t("chart.negotiation.offers", proposer=plot_text(name), to=pn[i], measure=_measure(p, i)),
                line=dict(color=color, dash=dash),
                hovertext=["; ".join(f"{plot_text(k)}: {plot_text(v)}" for k, v in r["terms"].items()) for r in mine],
                hoverinfo="text+y"))
    r = n.result
    for i, (value, color) in enumerate(((r.batna_a, PARTY_COLORS[0]), (r.batna_b, PARTY_COLORS[1]))):
        se = p.batna_se[i] if len(p.batna_se) > i else 0.0
        fig.add_trace(go.Scatter(x=span, y=[value, value], mode="lines", line=dict(color=color, width=1, dash="dash"),
                                 name=t("chart.negotiation.batna", name=pn[i], value=format_pm(value, se)),
                                 hoverinfo="skip"))
    if r.nash.package is not None:
        for i, (value, dash) in enumerate(((r.nash.u_a, "dashdot"), (r.nash.u_b, "longdashdot"))):
            fig.add_trace(go.Scatter(x=span, y=[value, value], mode="lines",
                                     line=dict(color=MUTED_COLOR, width=1, dash=dash),
                                     name=t("chart.negotiation.nash", name=pn[i], value=format_amount(value)),
                                     hoverinfo="skip"))
    base_layout(fig, t("chart.negotiation.title", a=pn[0], sa=plot_text(n.strategies[0]), b=pn[1],
                       sb=plot_text(n.strategies[1])), height=500)
    fig.update_xaxes(title=t("axis.round"), dtick=1, range=span)
    fig.update_yaxes(title=plot_text(money_axis(context.unit, "what.offer")))
    return legend_below(fig)


def tornado_figure(result: Any, output: str, context: ReportContext) -> go.Figure:
    """Each input from its 10% to its 90% quantile, one row each (largest swing on top): a bar from
    the base value to the output at each end, ±2 SE; faded rows are within Monte Carlo noise."""
    from zopa.sensitivity.engine import uncertain_inputs

    rows = result.to_rows(output)
    values = {i.path: i.values for i in uncertain_inputs(context.scenario)}
    base = rows[0]["output_base"] if rows else 0.0
    base_se = (rows[0].get("se_base") or 0.0) if rows else 0.0
    labels = []
    for row in rows:
        noise = t("chart.tornado.noise") if row.get("within_noise") else ""
        spread = range_text(values[row["input"]], context) if row["input"] in values else ""
        labels.append(wrap(input_label(context, row["input"]) + noise, 60)
                      + (f"<br><span style='color:#6b7280'>{plot_text(spread)}</span>" if spread else ""))
    opacity = [0.35 if row.get("within_noise") else 1.0 for row in rows]
    fig = go.Figure()
    for end, color, width in (("high", HIGH_COLOR, 0.8), ("low", LOW_COLOR, 0.45)):
        ys = [row[f"output_{end}"] for row in rows]
        ses = [row.get(f"se_{end}") or 0.0 for row in rows]
        fig.add_trace(go.Bar(
            name=t(f"chart.tornado.{end}"), orientation="h", y=labels, x=[y - base for y in ys], base=base, width=width,
            marker=dict(color=color, opacity=opacity), error_x=error_bars(ses),
            customdata=[format_pm(y, s) for y, s in zip(ys, ses)],
            hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[base, base], y=[labels[0], labels[-1]] if labels else [0, 1], mode="lines",
                             line=dict(color="#111827", dash="dash", width=1.5),
                             name=t("chart.tornado.base", value=format_pm(base, base_se)), hoverinfo="skip"))
    what = output_label(context, output)
    base_layout(fig, wrap(t("chart.tornado.title", output=output_label(context, output)), 100),
                height=max(400, (ROW_PX * label_lines(labels) + 8) * len(rows) + 130))
    fig.update_layout(barmode="overlay", margin=dict(l=70, t=90))
    fig.update_yaxes(autorange="reversed", automargin=True, categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title=wrap(f"{what} ({unit_label(context.unit)})", 70), automargin=True)
    return legend_below(fig, axis_px=92)


def sobol_figure(result: Any, output: str, context: ReportContext) -> go.Figure:
    """First-order and total Sobol' indices per input (largest total on top), with the estimator's
    confidence intervals as error bars."""
    rows = result.to_rows(output)
    labels = [wrap(input_label(context, r["input"]), 60) for r in rows]
    pct = round(100 * result.confidence_level)
    fig = go.Figure()
    for key, color in (("S1", S1_COLOR), ("ST", ST_COLOR)):
        fig.add_trace(go.Bar(
            name=t(f"chart.sobol.{key}", pct=pct), orientation="h", y=labels, x=[r[key] for r in rows],
            marker_color=color,
            error_x=dict(type="data", array=[r[f"{key}_conf"] for r in rows], visible=True, color="#111827",
                         thickness=1.2),
            customdata=[f"{r[key]:.3f} ± {r[f'{key}_conf']:.3f}" for r in rows],
            hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    base_layout(fig, wrap(t("chart.sobol.title", output=output_label(context, output), n=result.n_base), 100),
                height=max(400, (ROW_PX * label_lines(labels) + 12) * len(rows) + 130))
    fig.update_layout(barmode="group", bargap=0.2, margin=dict(l=70, t=90))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=t("axis.sobol"), automargin=True, rangemode="tozero")
    return legend_below(fig)


def belief_gap_figure(points: Sequence[Any], names: tuple[str, str], mover: str, context: ReportContext) -> go.Figure:
    """At each step of moving ``mover``'s beliefs toward the other side's: each side's gain at the Nash
    package (lines, ±2 SE) and the joint gain split into the bet on the disagreement and the value
    created (bars side by side). The bars' ±2 SE bound takes the gains under the other side's
    beliefs to be as noisy as under one's own: SE(bet), SE(created) ≤ SE_A + SE_B."""
    steps = [f"{p.fraction:.0%}" for p in points]
    bound = [float(p.nash_gain_se[0] + p.nash_gain_se[1]) for p in points]
    fig = go.Figure()
    for key, values, color in (("bet", [p.bet for p in points], BET_COLOR),
                               ("created", [p.created for p in points], GAIN_COLOR)):
        fig.add_trace(go.Bar(x=steps, y=values, name=t(f"chart.gap.{key}"), marker_color=color,
                             error_y=error_bars(bound),
                             customdata=[format_pm(v, b) for v, b in zip(values, bound)],
                             hovertemplate="%{x}: %{customdata}<extra></extra>"))
    ids = {context.name(p): p for p in context.scenario.party_ids}
    for i in range(2):
        color = PARTY_COLORS[i]
        measure = context.measure(ids.get(names[i], ""))
        fig.add_trace(go.Scatter(
            x=steps, y=[p.nash_gain[i] for p in points], mode="lines+markers",
            name=t("chart.gap.nash", name=plot_text(names[i]), measure=measure), line=dict(color=color, width=2.5),
            error_y=error_bars([p.nash_gain_se[i] for p in points], color, 1.2),
            customdata=[format_pm(p.nash_gain[i], p.nash_gain_se[i], signed=True) for p in points],
            hovertemplate="%{x}: %{customdata}<extra></extra>"))
    base_layout(fig, t("chart.gap.title", mover=plot_text(mover)), height=460)
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_xaxes(title=t("axis.gap", mover=plot_text(mover)), type="category")
    fig.update_yaxes(title=plot_text(money_axis(context.unit, "what.gain_batna")), zeroline=True,
                     zerolinecolor=MUTED_COLOR)
    return legend_below(fig)
