"""The utility-space chart of a deal space: where every package leaves the two parties.

A deal space can hold hundreds of thousands of packages, so they are drawn as a density (packages per
cell, binned here, not in the browser) rather than as markers; the Pareto frontier, both BATNAs, the
ZOPA, the bargaining solutions and the named packages are drawn on top.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from zopa.analysis import Analysis
from zopa.report.analysis_data import in_zopa_mask
from zopa.report.charts import ERROR_Z, PARTY_COLORS, base_layout, wrap
from zopa.report.safe import plot_text
from zopa.value import Valuation

#: Up to this many packages are drawn as individual markers; more as a binned density.
SCATTER_MAX = 4_000
#: Density grid cells per axis.
BINS = 90
#: At most this many frontier points are drawn (evenly spaced along the frontier, ends kept).
FRONTIER_MAX = 1_500
SOLUTION_SYMBOLS = ("star", "diamond-wide", "triangle-up", "square", "pentagon", "hexagram")
SOLUTION_COLORS = ("#7c3aed", "#0891b2", "#be123c", "#15803d", "#a16207", "#4338ca")


def decimate(indices: np.ndarray, limit: int = FRONTIER_MAX) -> np.ndarray:
    """At most ``limit`` evenly spaced entries of ``indices``, always keeping the first and last.

    >>> decimate(np.arange(10), 4).tolist()
    [0, 3, 6, 9]
    """
    if indices.size <= limit:
        return indices
    keep = np.unique(np.linspace(0, indices.size - 1, limit).round().astype(int))
    return indices[keep]


def _density(fig: go.Figure, u1: np.ndarray, u2: np.ndarray) -> None:
    if u1.size <= SCATTER_MAX:
        fig.add_trace(go.Scatter(x=u1, y=u2, mode="markers", name=f"packages ({u1.size:,})",
                                   marker=dict(size=4, color="#94a3b8", opacity=0.6),
                                   hovertemplate="%{x:,.1f}, %{y:,.1f}<extra>package</extra>"))
        return
    counts, xe, ye = np.histogram2d(u1, u2, bins=BINS)
    z = np.where(counts > 0, np.log10(np.maximum(counts, 1)), np.nan).T  # rows = y; log scale
    top = max(1.0, float(np.nanmax(z)))
    ticks = [t for t in range(0, int(np.floor(top)) + 1)]
    fig.add_trace(go.Heatmap(
        x=(xe[:-1] + xe[1:]) / 2, y=(ye[:-1] + ye[1:]) / 2, z=z, name=f"packages ({u1.size:,}, density)",
        colorscale=[[0, "#dbe3ec"], [0.5, "#8a9bb0"], [1, "#1e293b"]], zmin=0, zmax=top, zsmooth=False,
        customdata=counts.T, showscale=True, showlegend=True,
        colorbar=dict(title=dict(text="packages per cell", side="top"), orientation="h", thickness=10, len=0.32,
                      x=1.0, xanchor="right", y=1.005, yanchor="bottom", tickvals=ticks,
                      ticktext=[f"{10 ** t:,}" for t in ticks]),
        hovertemplate="%{customdata:,} packages near (%{x:,.0f}, %{y:,.0f})<extra></extra>"))


def _zopa_polygon(fig: go.Figure, analysis: Analysis) -> None:
    p = analysis.problem
    u1, u2 = p.utility
    d1, d2 = p.batna
    inside = in_zopa_mask(analysis)
    rational = analysis.frontier[inside[analysis.frontier]]
    if rational.size == 0:
        return
    pts = decimate(rational)
    x, y = u1[pts], u2[pts]
    xs, ys = [d1, d1], [d2, float(y[0])]
    for i in range(x.size):
        xs += [float(x[i])] if i == 0 else [float(x[i - 1]), float(x[i])]
        ys += [float(y[0])] if i == 0 else [float(y[i]), float(y[i])]
    xs += [float(x[-1]), d1]
    ys += [d2, d2]
    fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines", line=dict(width=0),
                             fillcolor="rgba(22, 163, 74, 0.18)", name=f"ZOPA ({analysis.zopa.count:,} packages)",
                             hoverinfo="skip"))


def _batna_lines(fig: go.Figure, analysis: Analysis) -> None:
    p = analysis.problem
    for i, (d, se, label, name) in enumerate(zip(p.batna, p.batna_se, p.batna_label, p.names)):
        color = PARTY_COLORS[i]
        text = f"{plot_text(name)}'s BATNA ({plot_text(label)}): {d:,.1f} ± {se:,.1f}"
        if i == 0:
            if se > 0:
                fig.add_vrect(x0=d - ERROR_Z * se, x1=d + ERROR_Z * se, fillcolor=color, opacity=0.08, line_width=0)
            fig.add_vline(x=d, line=dict(color=color, dash="dash", width=2))
            fig.add_annotation(x=d, y=1.0, yref="paper", text=text, showarrow=False, xanchor="left", xshift=4,
                               yanchor="top", font=dict(color=color, size=12), bgcolor="rgba(255,255,255,0.8)")
        else:
            if se > 0:
                fig.add_hrect(y0=d - ERROR_Z * se, y1=d + ERROR_Z * se, fillcolor=color, opacity=0.08, line_width=0)
            fig.add_hline(y=d, line=dict(color=color, dash="dash", width=2))
            fig.add_annotation(x=1.0, xref="paper", y=d, text=text, showarrow=False, xanchor="right", yanchor="top",
                               yshift=-2, font=dict(color=color, size=12), bgcolor="rgba(255,255,255,0.8)")


def _solutions(fig: go.Figure, analysis: Analysis) -> None:
    grouped: dict[int, list[Any]] = {}
    for point in analysis.solutions.values():
        if point is not None:
            grouped.setdefault(point.package, []).append(point)
    for i, (k, points) in enumerate(grouped.items()):
        first = points[0]
        label = plot_text(" = ".join(pt.name for pt in points))
        symbol, color = SOLUTION_SYMBOLS[i % len(SOLUTION_SYMBOLS)], SOLUTION_COLORS[i % len(SOLUTION_COLORS)]
        choices = "<br>".join(f"{plot_text(issue)}: {plot_text(option)}" for issue, option in first.choices.items())
        fig.add_trace(go.Scatter(
            x=[first.utility[0]], y=[first.utility[1]], mode="markers", name=label, legendgroup="solutions",
            legendgrouptitle=dict(text="bargaining solutions") if i == 0 else None,
            marker=dict(symbol=symbol, size=15, color=color, line=dict(color="white", width=1.5)),
            error_x=dict(type="data", array=[ERROR_Z * first.utility_se[0]], color=color, thickness=1),
            error_y=dict(type="data", array=[ERROR_Z * first.utility_se[1]], color=color, thickness=1),
            hovertemplate=(f"<b>{label}</b> (package {k})<br>%{{x:,.1f}}, %{{y:,.1f}}<br>"
                           f"gains {first.gain[0]:+,.1f} ± {first.gain_se[0]:,.1f}, "
                           f"{first.gain[1]:+,.1f} ± {first.gain_se[1]:,.1f}<br>{choices}<extra></extra>")))
        fig.add_annotation(x=first.utility[0], y=first.utility[1], text=f"<b>{label}</b>", showarrow=True,
                           arrowhead=0, arrowcolor=color, ax=70 + 10 * i, ay=-30 - 26 * i, xanchor="left",
                           font=dict(color=color, size=12), bgcolor="rgba(255,255,255,0.85)")


def _named_packages(fig: go.Figure, analysis: Analysis, valuation: Valuation) -> None:
    """One numbered open circle per named package (±2 SE); the legend is the key to the numbers."""
    s = valuation.scenario
    parties = analysis.problem.parties
    if not all(p in valuation.parties for p in parties):
        return
    for i, pkg in enumerate(valuation.packages, start=1):
        e1, e2 = (valuation.estimate(pkg, p) for p in parties)
        label = s.packages[pkg].label
        fig.add_trace(go.Scatter(
            x=[e1.value], y=[e2.value], mode="markers+text", name=wrap(f"{i} · {label}", 36), text=[str(i)],
            textposition="top right", textfont=dict(size=12, color="#111827"), legendgroup="named",
            legendgrouptitle=dict(text="named packages (±2 SE)") if i == 1 else None,
            marker=dict(symbol="circle-open", size=11, color="#111827", line=dict(width=2)),
            error_x=dict(type="data", array=[ERROR_Z * e1.value_se], color="#6b7280", thickness=1),
            error_y=dict(type="data", array=[ERROR_Z * e2.value_se], color="#6b7280", thickness=1),
            hovertemplate=f"<b>{i}. {plot_text(label)}</b><br>%{{x:,.1f}}, %{{y:,.1f}}<extra>named package</extra>"))


def frontier_figure(analysis: Analysis, valuation: Valuation | None = None,
                    measures: tuple[str, str] = ("value", "value")) -> go.Figure:
    """All packages (density), Pareto frontier, BATNA lines (±2 SE bands), the shaded ZOPA, bargaining
    solutions and — given the valuation — the named packages (±2 SE). ``measures`` names what each
    axis measures (e.g. "certainty equivalent")."""
    p = analysis.problem
    u1, u2 = p.utility
    fig = go.Figure()
    _density(fig, u1, u2)
    _zopa_polygon(fig, analysis)
    front = decimate(analysis.frontier)
    fig.add_trace(go.Scatter(x=u1[front], y=u2[front], mode="lines", name=f"Pareto frontier ({analysis.frontier.size:,})",
                             line=dict(color="#111827", width=2.5), line_shape="vh",
                             hovertemplate="%{x:,.1f}, %{y:,.1f}<extra>frontier</extra>"))
    _batna_lines(fig, analysis)
    if valuation is not None:
        _named_packages(fig, analysis, valuation)
    _solutions(fig, analysis)
    fig.update_xaxes(title=plot_text(f"{p.names[0]}: {measures[0]}, {p.unit}"), color=PARTY_COLORS[0], showgrid=True)
    fig.update_yaxes(title=plot_text(f"{p.names[1]}: {measures[1]}, {p.unit}"), color=PARTY_COLORS[1], showgrid=True)
    fig = base_layout(fig, "Every package of the deal space in utility space", height=760)
    fig.update_layout(legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top", font=dict(size=11),
                                  tracegroupgap=12),
                      margin=dict(r=290))
    return fig
