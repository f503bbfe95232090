"""Plotly figures of a valuation: the parties' beliefs, package values with error bars, per-term
waterfalls. (The utility space is in :mod:`zopa.report.charts_space`, the sensitivity analyses in
:mod:`zopa.report.charts_sensitivity`.)

Error bars are ±2 Monte Carlo standard errors (about a 95% confidence interval for the mean); they
measure simulation noise, not the spread of outcomes, which the hover text gives as 5–95% quantiles.
Every bar of an estimate carries its error bar; every trace is in its chart's legend (or in the
legend group of one that is); no text is placed where it could overprint other text: what a mark
means is said in the legend, not in labels beside it. Amounts are printed in the scenario's unit
(:mod:`zopa.units`), titles in the report's language (:mod:`zopa.report.i18n`).

Scenario text in a chart (names, labels, paths) goes through :func:`~zopa.report.safe.plot_text`
(directly or through :func:`wrap`): plotly shows it literally, never as its HTML-like markup.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from zopa.report.context import ReportContext
from zopa.report.describe import spec_text
from zopa.report.i18n import money_axis, t, unit_label
from zopa.report.safe import plot_text
from zopa.noise import NOISE
from zopa.scenario.schema import Scenario
from zopa.units import format_amount, format_pm
from zopa.value import Valuation

from zopa.scenario.references import iter_quantities

#: Colours of the first and second party, used in every chart and table.
PARTY_COLORS = ("#2563eb", "#ea580c")
#: Colours of terms that add value to a side, take it away, and of a chart's reference lines.
GAIN_COLOR, LOSS_COLOR, MUTED_COLOR = "#16a34a", "#dc2626", "#6b7280"
#: Error bars are this many standard errors wide on each side.
ERROR_Z = NOISE.z
#: The charts' fonts: the system's sans-serif, then a CJK face for Chinese text (names, sources).
FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans CJK SC', "
        "'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif")


def base_layout(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    """The common look: white template, system fonts, a left-aligned title, the legend below the
    plot and always shown (every trace is named there)."""
    fig.update_layout(
        template="plotly_white", height=height, font=dict(family=FONT, size=13, color="#1f2937"),
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)),
        margin=dict(l=70, r=30, t=60, b=60), showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    return fig


#: Pixels per line of a legend entry, and below the plot for its tick labels and axis title.
LEGEND_LINE_PX, AXIS_PX = 20, 72
#: Pixels per line of a category label, with room between labels.
ROW_PX = 18


def label_lines(labels: list[str]) -> int:
    """The most lines any plotly label (lines split by ``<br>``) has.

    >>> label_lines(["a", "b<br>c"])
    2
    """
    return max((label.count("<br>") + 1 for label in labels), default=1)


def legend_below(fig: go.Figure, axis_px: int = AXIS_PX) -> go.Figure:
    """Put the legend in the figure's bottom margin, one entry per row (its height then depends on
    the entries alone, not on the chart's width), and make the margin hold the axis title above it:
    the legend can overprint nothing."""
    lines = 0
    groups: set[str] = set()
    for trace in fig.data:
        if trace.showlegend is False:
            continue
        lines += 1 + str(trace.name or "").count("<br>")
        group = trace.legendgroup or ""
        if trace.legendgrouptitle and trace.legendgrouptitle.text and group not in groups:
            groups.add(group)
            lines += 1
    bottom = axis_px + LEGEND_LINE_PX * lines + 16
    fig.update_layout(legend=dict(orientation="v", yref="container", y=0.0, yanchor="bottom", x=0.0, xanchor="left",
                                  traceorder="normal", tracegroupgap=4),
                      margin=dict(b=bottom), height=(fig.layout.height or 460) + bottom - 60)
    return fig


def wrap(text: str, width: int = 38) -> str:
    """Wrap a long label (plain text, shown literally: see :func:`~zopa.report.safe.plot_text`) onto
    several lines for plotly (``<br>``).

    >>> wrap("a b c", 3)
    'a b<br>c'
    >>> wrap("<b>x</b>", 40)
    '&lt;b&gt;x&lt;/b&gt;'
    """
    return "<br>".join(plot_text(line) for line in textwrap.wrap(str(text), width)) or plot_text(text)


def party_color(scenario: Scenario, party: str) -> str:
    return PARTY_COLORS[scenario.party_ids.index(party) % len(PARTY_COLORS)]


def error_bars(se: list[float] | np.ndarray, color: str = "#111827", thickness: float = 1.2) -> dict[str, Any]:
    """Plotly error bars of ±:data:`ERROR_Z` standard errors."""
    return dict(type="data", array=[ERROR_Z * float(s) for s in se], color=color, thickness=thickness, visible=True)


# --- beliefs ----------------------------------------------------------------------------------------


def field_description(scenario: Scenario, path: str) -> str:
    """The schema's description of the field at a TOML path (``world.agi.arrival``), or ``""``."""
    node: Any = scenario
    description = ""
    for part in path.split("."):
        fields = getattr(type(node), "model_fields", None)
        if fields is not None and part in fields:
            description = fields[part].description or description
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    return description


def differing_quantities(scenario: Scenario) -> list[tuple[str, Any, str]]:
    """Quantities the two parties believe differently: (TOML path, quantity, unit)."""
    return [(path, q, unit) for path, q, unit in iter_quantities(scenario) if q.differs_by_party]


def is_uncertain(quantity: Any) -> bool:
    """Whether some party holds a real distribution (not just a different fixed number)."""
    return any(not spec.is_fixed for spec in quantity.specs)


#: Axis-title messages for the units of :data:`zopa.beliefs.UNIT_BOUNDS` that name a physical unit.
UNIT_TITLES = {"year": "axis.year", "years": "axis.years", "probability": "axis.probability",
               "share": "axis.share", "rate": "axis.rate"}


def quantity_axis(context: ReportContext, unit: str, description: str) -> str:
    """The axis title of a quantity of the given unit kind (money in the scenario's unit)."""
    if unit == "money":
        return unit_label(context.unit)
    key = UNIT_TITLES.get(unit)
    return t(key) if key else (description or t("axis.value"))


def belief_figure(scenario: Scenario, path: str, quantity: Any, unit: str) -> go.Figure:
    """Both parties' cumulative distributions of one quantity on one chart. Where an event may not
    happen within the horizon (``p_never``) a curve stops short of 1 at an open circle; the legend
    says by how much."""
    context = ReportContext(scenario)
    fig = go.Figure()
    u = np.linspace(0.0005, 0.9995, 600)
    lo, hi = np.inf, -np.inf
    for party in scenario.party_ids:
        spec = quantity.for_party(party)
        x = spec.ppf(u)
        finite = np.isfinite(x)
        if not finite.any():  # the event never happens under this party's beliefs
            continue
        lo, hi = min(lo, float(x[finite].min())), max(hi, float(x[finite].max()))
        name = plot_text(scenario.parties[party].name)
        color = party_color(scenario, party)
        fig.add_trace(go.Scatter(
            x=x[finite], y=u[finite], mode="lines", name=wrap(f"{scenario.parties[party].name}: {spec_text(spec)}", 90),
            line=dict(color=color, width=2.5), legendgroup=party,
            hovertemplate=f"{name}<br>P(≤ %{{x:.4g}}) = %{{y:.0%}}<extra></extra>"))
        if spec.p_never > 0:
            fig.add_trace(go.Scatter(
                x=[float(x[finite][-1])], y=[1.0 - spec.p_never], mode="markers", legendgroup=party, showlegend=False,
                name=name, marker=dict(symbol="circle-open", size=10, color=color, line=dict(width=2)),
                hovertemplate=plot_text(t("chart.beliefs.never", name=scenario.parties[party].name,
                                          p=f"{spec.p_never:.0%}")) + "<extra></extra>"))
    if not np.isfinite(lo):
        lo, hi = 0.0, 1.0
    pad = 0.04 * (hi - lo) if hi > lo else 1.0
    description = field_description(scenario, path).replace("USD bn", context.unit.short)
    fig.update_yaxes(title=t("axis.cumulative"), tickformat=".0%", range=[0, 1.04])
    fig.update_xaxes(title=plot_text(quantity_axis(context, unit, description)), range=[lo - pad, hi + pad])
    heading = plot_text((description[:1].upper() + description[1:]) if description else path)
    title = f"{heading} <span style='font-size:12px;color:#6b7280'>({plot_text(path)})</span>"
    return legend_below(base_layout(fig, title, height=400))


def belief_figures(scenario: Scenario) -> list[tuple[str, go.Figure]]:
    """A CDF chart per uncertain quantity that differs by party, named ``beliefs-<path>``. (Inputs on
    which the parties hold different fixed numbers are better read from a table.)"""
    return [(f"beliefs-{path.replace('.', '-')}", belief_figure(scenario, path, q, unit))
            for path, q, unit in differing_quantities(scenario) if is_uncertain(q)]


# --- package values -----------------------------------------------------------------------------------


def value_figure(v: Valuation) -> go.Figure:
    """Each named package's value to each party (left) and its gain over the contract in force
    (right), with ±2 SE error bars; own beliefs; the certainty equivalent (CE) for a risk-averse
    party, the mean otherwise — the legend says which."""
    s = v.scenario
    context = ReportContext(s)
    short = context.unit.short
    sq = s.meta.status_quo
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(t("chart.values.left"), t("chart.values.right")))
    labels = [wrap(s.packages[pkg].label, 34) for pkg in v.packages]
    for party in v.parties:
        name = plot_text(s.parties[party].name)
        color = party_color(s, party)
        measure = t("measure.ce") if v.risk_aversion(party) else t("measure.mean")
        est = [v.estimate(pkg, party) for pkg in v.packages]
        hover = [t("hover.value", name=name, measure=measure, value=format_pm(e.value, e.value_se), unit=short,
                   q05=format_amount(e.q05), q95=format_amount(e.q95))
                 for e in est]
        fig.add_trace(go.Bar(
            y=labels, x=[e.value for e in est], orientation="h", name=f"{name} ({measure})",
            marker_color=color, legendgroup=party, error_x=error_bars([e.value_se for e in est]),
            customdata=hover, hovertemplate="%{customdata}<extra></extra>"), row=1, col=1)
        if sq in v.packages:
            gains = [v.difference(party, pkg, sq) for pkg in v.packages]
            hover = [t("hover.gain", name=name, measure=measure, value=format_pm(g.value, g.value_se, signed=True),
                       unit=short) for g in gains]
            fig.add_trace(go.Bar(
                y=labels, x=[g.value for g in gains], orientation="h", name=f"{name} ({measure})", showlegend=False,
                marker_color=color, legendgroup=party, opacity=0.85, error_x=error_bars([g.value_se for g in gains]),
                customdata=hover, hovertemplate="%{customdata}<extra></extra>"), row=1, col=2)
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    fig.update_xaxes(title_text=plot_text(money_axis(context.unit)), zeroline=True, zerolinecolor=MUTED_COLOR, row=1, col=1)
    fig.update_xaxes(title_text=plot_text(money_axis(context.unit, "what.gain_sq")), zeroline=True,
                     zerolinecolor=MUTED_COLOR, row=1, col=2)
    height = 180 + 70 * len(v.packages)
    fig = base_layout(fig, t("chart.values.title"), height=max(height, 400))
    fig.update_layout(barmode="group", bargap=0.25, margin=dict(t=100),
                      legend=dict(orientation="h", yanchor="bottom", y=1.07, xanchor="right", x=1))
    return fig


def waterfall_figure(v: Valuation, package: str) -> go.Figure:
    """Per-term contributions to one package's value, one panel per party (own beliefs, risk-neutral
    means): each term a bar from the running total before it to the running total after it, ±2 SE;
    the last bar is the total. Each term's value ± 1 SE is printed under its name."""
    s = v.scenario
    context = ReportContext(s)
    parties = v.parties
    per_party = {}
    for party in parties:  # terms that move nothing to a party (the other side's own equity) are left out
        per_party[party] = {k: e for k, e in v.term_estimates(package, party).items() if e.mean != 0.0 or e.se > 0.0}
    rows = [len(per_party[p]) + 1 for p in parties]
    gap_px = 120  # between panels: tick labels and axis title of one, the panel title of the next
    height = max(420, 170 + ROW_PX * 3 * sum(rows) + gap_px * (len(parties) - 1))
    plot_px = height - 90 - 60
    fig = make_subplots(rows=len(parties), cols=1, vertical_spacing=min(0.5, gap_px / plot_px) if len(parties) > 1 else 0.0,
                        row_heights=rows, subplot_titles=[t("chart.waterfall.panel", name=plot_text(s.parties[p].name))
                                                          for p in parties])
    shown: set[str] = set()
    for row, party in enumerate(parties, start=1):
        terms = per_party[party]
        total = v.estimate(package, party)
        values = np.array([e.mean for e in terms.values()])
        ses = np.array([e.se for e in terms.values()])
        starts = np.concatenate([[0.0], np.cumsum(values)[:-1]]) if values.size else values
        names = [wrap(v.term_label(package, k), 40) + f"<br><span style='color:#6b7280'>"
                 f"{format_pm(e.mean, e.se, signed=True)}</span>" for k, e in terms.items()]
        total_name = (f"<b>{plot_text(t('chart.waterfall.total'))}</b><br><span style='color:#6b7280'>"
                      f"{format_pm(total.mean, total.se)}</span>")
        for group, mask, color in (("adds", values >= 0, GAIN_COLOR), ("takes", values < 0, LOSS_COLOR)):
            if not mask.any():
                continue
            fig.add_trace(go.Bar(
                y=[n for n, m in zip(names, mask) if m], x=values[mask], base=starts[mask], orientation="h",
                marker_color=color, name=t(f"chart.waterfall.{group}"), legendgroup=group,
                showlegend=group not in shown, error_x=error_bars(ses[mask]),
                hovertemplate="%{y}<extra></extra>"), row=row, col=1)
            shown.add(group)
        fig.add_trace(go.Bar(
            y=[total_name], x=[total.mean], orientation="h", marker_color=party_color(s, party),
            name=t("chart.waterfall.total_of", name=plot_text(s.parties[party].name)), legendgroup=f"total-{party}",
            error_x=error_bars([total.se]), hovertemplate="%{y}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(autorange="reversed", ticklabelstandoff=8, categoryorder="array",
                         categoryarray=names + [total_name], row=row, col=1)
        fig.update_xaxes(title_text=plot_text(money_axis(context.unit, "what.mean")), zeroline=True,
                         zerolinecolor=MUTED_COLOR, row=row, col=1)
    title = t("chart.waterfall.title", package=s.packages[package].label)
    fig = base_layout(fig, wrap(title, 110), height=height)
    fig.update_layout(barmode="overlay", margin=dict(l=70, r=40, t=90))
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    return legend_below(fig)
