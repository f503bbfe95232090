"""The utility-space chart of a deal space: where every package leaves the two parties.

A deal space can hold hundreds of thousands of packages, so they are drawn as a density (packages per
cell, binned here, not in the browser) rather than as markers; the Pareto frontier, both BATNAs (with
±2 SE bands), the ZOPA, the bargaining solutions and the named packages are drawn on top.

Nothing is written beside a mark: the legend is the key. The one exception is each named package's
number, written centred on its marker; numbers whose boxes would touch are merged into one label
(``2, 3``) by :func:`place_numbers`, with the axis ranges fixed here so that the placement holds at
any chart width of at least :data:`MIN_PLOT_PX`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from zopa.analysis import Analysis
from zopa.report.analysis_data import in_zopa_mask
from zopa.report.charts import ERROR_Z, LEGEND_LINE_PX, PARTY_COLORS, base_layout, error_bars, wrap
from zopa.report.context import ReportContext
from zopa.report.i18n import t, unit_label
from zopa.report.safe import plot_text
from zopa.units import format_pm
from zopa.value import Valuation

#: Up to this many packages are drawn as individual markers; more as a binned density.
SCATTER_MAX = 4_000
#: Density grid cells per axis.
BINS = 90
#: At most this many frontier points are drawn (evenly spaced along the frontier, ends kept).
FRONTIER_MAX = 1_500
SOLUTION_SYMBOLS = ("star", "diamond-wide", "triangle-up", "square", "pentagon", "hexagram")
SOLUTION_COLORS = ("#7c3aed", "#0891b2", "#be123c", "#15803d", "#a16207", "#4338ca")
#: The smallest plot area (pixels across, down) for which the package numbers are placed apart.
MIN_PLOT_PX = (520.0, 520.0)
#: Size of one character of a package number and the line height, in pixels (12px font, with room).
CHAR_PX, LINE_PX = 8.0, 17.0


def decimate(indices: np.ndarray, limit: int = FRONTIER_MAX) -> np.ndarray:
    """At most ``limit`` evenly spaced entries of ``indices``, always keeping the first and last.

    >>> decimate(np.arange(10), 4).tolist()
    [0, 3, 6, 9]
    """
    if indices.size <= limit:
        return indices
    keep = np.unique(np.linspace(0, indices.size - 1, limit).round().astype(int))
    return indices[keep]


def place_numbers(points: list[tuple[float, float]], ranges: tuple[tuple[float, float], tuple[float, float]],
                  plot_px: tuple[float, float] = MIN_PLOT_PX) -> list[tuple[list[int], float, float]]:
    """Group markers so that their numbers (``1``, ``2``…, centred on the markers) never overprint.

    Positions are mapped to pixels of a ``plot_px`` plot area over the axis ``ranges``; two labels
    collide when their boxes (:data:`CHAR_PX` per character, :data:`LINE_PX` high) overlap. Colliding
    groups are merged, their label centred on the members' mean, until no two collide. Labels are
    centred, so on a larger plot every distance only grows: no collision appears. Returns
    ``(member indices, x, y)`` per label, in data coordinates.

    >>> place_numbers([(0.0, 0.0), (0.001, 0.0), (1.0, 1.0)], ((0.0, 1.0), (0.0, 1.0)))
    [([0, 1], 0.0005, 0.0), ([2], 1.0, 1.0)]
    """
    (x0, x1), (y0, y1) = ranges
    sx = plot_px[0] / ((x1 - x0) or 1.0)
    sy = plot_px[1] / ((y1 - y0) or 1.0)
    groups: list[list[int]] = [[i] for i in range(len(points))]

    def centre(g: list[int]) -> tuple[float, float]:
        return (float(np.mean([points[i][0] for i in g])), float(np.mean([points[i][1] for i in g])))

    def width(g: list[int]) -> float:
        return CHAR_PX * len(", ".join(str(i + 1) for i in g)) + 4.0

    merged = True
    while merged:
        merged = False
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                (xa, ya), (xb, yb) = centre(groups[a]), centre(groups[b])
                if (abs(xa - xb) * sx < (width(groups[a]) + width(groups[b])) / 2 + 2
                        and abs(ya - yb) * sy < LINE_PX + 2):
                    groups[a] = sorted(groups[a] + groups[b])
                    del groups[b]
                    merged = True
                    break
            if merged:
                break
    return [(g, *centre(g)) for g in groups]


def _density(fig: go.Figure, u1: np.ndarray, u2: np.ndarray) -> None:
    if u1.size <= SCATTER_MAX:
        fig.add_trace(go.Scatter(x=u1, y=u2, mode="markers", name=t("chart.space.packages", n=f"{u1.size:,}"),
                                 marker=dict(size=4, color="#94a3b8", opacity=0.6),
                                 hovertemplate="%{x:,.4g}, %{y:,.4g}<extra></extra>"))
        return
    counts, xe, ye = np.histogram2d(u1, u2, bins=BINS)
    z = np.where(counts > 0, np.log10(np.maximum(counts, 1)), np.nan).T  # rows = y; log scale
    top = max(1.0, float(np.nanmax(z)))
    ticks = [k for k in range(0, int(np.floor(top)) + 1)]
    fig.add_trace(go.Heatmap(
        x=(xe[:-1] + xe[1:]) / 2, y=(ye[:-1] + ye[1:]) / 2, z=z, name=t("chart.space.density", n=f"{u1.size:,}"),
        colorscale=[[0, "#dbe3ec"], [0.5, "#8a9bb0"], [1, "#1e293b"]], zmin=0, zmax=top, zsmooth=False,
        customdata=counts.T, showscale=True, showlegend=True,
        colorbar=dict(title=dict(text=t("chart.space.per_cell"), side="top"), orientation="h", thickness=10,
                      len=0.32, x=1.0, xanchor="right", y=1.005, yanchor="bottom", tickvals=ticks,
                      ticktext=[f"{10 ** k:,}" for k in ticks]),
        hovertemplate=t("hover.cell") + "<extra></extra>"))


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
                             fillcolor="rgba(22, 163, 74, 0.18)",
                             name=t("chart.space.zopa", n=f"{analysis.zopa.count:,}"), hoverinfo="skip"))


def _batna_lines(fig: go.Figure, analysis: Analysis, context: ReportContext,
                 ranges: tuple[tuple[float, float], tuple[float, float]]) -> None:
    """Each BATNA as a dashed line across the plot, named in the legend, with its ±2 SE band."""
    p = analysis.problem
    for i, (d, se, label, name) in enumerate(zip(p.batna, p.batna_se, p.batna_label, p.names)):
        color = PARTY_COLORS[i]
        measure = t("measure.ce") if p.risk_aversion[i] else t("measure.mean")
        text = wrap(t("chart.space.batna", name=name, package=context.package_label(label), value=format_pm(d, se),
                      measure=measure), 44)
        if i == 0:
            if se > 0:
                fig.add_vrect(x0=d - ERROR_Z * se, x1=d + ERROR_Z * se, fillcolor=color, opacity=0.08, line_width=0)
            xs, ys = [d, d], list(ranges[1])
        else:
            if se > 0:
                fig.add_hrect(y0=d - ERROR_Z * se, y1=d + ERROR_Z * se, fillcolor=color, opacity=0.08, line_width=0)
            xs, ys = list(ranges[0]), [d, d]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=text, line=dict(color=color, dash="dash", width=2),
                                 legendgroup="batna", hoverinfo="skip"))


#: Bargaining solutions with a name in the catalogues (``solution.<key>``).
KNOWN_SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian", "weighted_nash")


def solution_name(key: str, point: Any) -> str:
    """A bargaining solution's name in the report's language (the analysis's own name otherwise)."""
    return t(f"solution.{key}") if key in KNOWN_SOLUTIONS else point.name


def grouped_solutions(analysis: Analysis) -> list[tuple[str, Any]]:
    """Solutions that pick the same package, merged: (``"Nash = egalitarian"``, the first point)."""
    grouped: dict[int, list[tuple[str, Any]]] = {}
    for key, point in analysis.solutions.items():
        if point is not None:
            grouped.setdefault(point.package, []).append((key, point))
    return [(" = ".join(solution_name(k, pt) for k, pt in items), items[0][1]) for items in grouped.values()]


def _solutions(fig: go.Figure, analysis: Analysis, context: ReportContext) -> None:
    for i, (label, first) in enumerate(grouped_solutions(analysis)):
        label = plot_text(label)
        symbol, color = SOLUTION_SYMBOLS[i % len(SOLUTION_SYMBOLS)], SOLUTION_COLORS[i % len(SOLUTION_COLORS)]
        choices = "<br>".join(f"{plot_text(issue)}: {plot_text(option)}" for issue, option in first.choices.items())
        gains = t("hover.solution_gains", a=format_pm(first.gain[0], first.gain_se[0], signed=True),
                  b=format_pm(first.gain[1], first.gain_se[1], signed=True), unit=plot_text(context.unit.short))
        fig.add_trace(go.Scatter(
            x=[first.utility[0]], y=[first.utility[1]], mode="markers", name=label, legendgroup="solutions",
            legendgrouptitle=dict(text=t("chart.space.solutions")) if i == 0 else None,
            marker=dict(symbol=symbol, size=15, color=color, line=dict(color="white", width=1.5)),
            error_x=error_bars([first.utility_se[0]], color, 1), error_y=error_bars([first.utility_se[1]], color, 1),
            hovertemplate=f"<b>{label}</b><br>{gains}<br>{choices}<extra></extra>"))


def _named_packages(fig: go.Figure, analysis: Analysis, valuation: Valuation,
                    ranges: tuple[tuple[float, float], tuple[float, float]]) -> None:
    """One open circle per named package (±2 SE), its number centred on it (merged where numbers
    would touch: :func:`place_numbers`); the legend is the key to the numbers."""
    s = valuation.scenario
    parties = analysis.problem.parties
    if not all(p in valuation.parties for p in parties):
        return
    points = []
    for i, pkg in enumerate(valuation.packages, start=1):
        e1, e2 = (valuation.estimate(pkg, p) for p in parties)
        points.append((e1.value, e2.value))
        label = s.packages[pkg].label
        fig.add_trace(go.Scatter(
            x=[e1.value], y=[e2.value], mode="markers", name=wrap(f"{i} · {label}", 36), legendgroup="named",
            legendgrouptitle=dict(text=t("chart.space.named")) if i == 1 else None,
            marker=dict(symbol="circle-open", size=20, color="#111827", line=dict(width=1.5)),
            error_x=error_bars([e1.value_se], "#6b7280", 1), error_y=error_bars([e2.value_se], "#6b7280", 1),
            hovertemplate=(f"<b>{i}. {plot_text(label)}</b><br>{format_pm(e1.value, e1.value_se)}, "
                           f"{format_pm(e2.value, e2.value_se)}<extra></extra>")))
    groups = place_numbers(points, ranges)
    fig.add_trace(go.Scatter(
        x=[x for _, x, _ in groups], y=[y for _, _, y in groups], mode="text", legendgroup="named", showlegend=False,
        text=[", ".join(str(i + 1) for i in g) for g, _, _ in groups], textposition="middle center",
        textfont=dict(size=12, color="#111827"), name=t("chart.space.named"), hoverinfo="skip"))


def _ranges(analysis: Analysis, valuation: Valuation | None) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges holding every package, both BATNA bands, the solutions and the named packages with
    their error bars, padded by 5% on each side."""
    p = analysis.problem
    xs = [p.utility[0].min(), p.utility[0].max(), p.batna[0] - ERROR_Z * p.batna_se[0], p.batna[0] + ERROR_Z * p.batna_se[0]]
    ys = [p.utility[1].min(), p.utility[1].max(), p.batna[1] - ERROR_Z * p.batna_se[1], p.batna[1] + ERROR_Z * p.batna_se[1]]
    for point in analysis.solutions.values():
        if point is not None:
            xs += [point.utility[0] - ERROR_Z * point.utility_se[0], point.utility[0] + ERROR_Z * point.utility_se[0]]
            ys += [point.utility[1] - ERROR_Z * point.utility_se[1], point.utility[1] + ERROR_Z * point.utility_se[1]]
    if valuation is not None and all(q in valuation.parties for q in p.parties):
        for pkg in valuation.packages:
            e1, e2 = (valuation.estimate(pkg, q) for q in p.parties)
            xs += [e1.value - ERROR_Z * e1.value_se, e1.value + ERROR_Z * e1.value_se]
            ys += [e2.value - ERROR_Z * e2.value_se, e2.value + ERROR_Z * e2.value_se]
    out = []
    for values in (xs, ys):
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        out.append((lo - pad, hi + pad))
    return out[0], out[1]


def frontier_figure(analysis: Analysis, valuation: Valuation | None = None,
                    measures: tuple[str, str] = ("value", "value"), context: ReportContext | None = None) -> go.Figure:
    """All packages (density), Pareto frontier, BATNA lines (±2 SE bands), the shaded ZOPA, bargaining
    solutions and — given the valuation — the named packages (±2 SE). ``measures`` names what each
    axis measures (e.g. "certainty equivalent"); amounts are in the scenario's unit (``context``, or
    the valuation's scenario)."""
    if context is None and valuation is not None:
        context = ReportContext(valuation.scenario)
    p = analysis.problem
    u1, u2 = p.utility
    ranges = _ranges(analysis, valuation)
    fig = go.Figure()
    _density(fig, u1, u2)
    _zopa_polygon(fig, analysis)
    front = decimate(analysis.frontier)
    fig.add_trace(go.Scatter(x=u1[front], y=u2[front], mode="lines",
                             name=t("chart.space.frontier", n=f"{analysis.frontier.size:,}"),
                             line=dict(color="#111827", width=2.5), line_shape="vh",
                             hovertemplate="%{x:,.4g}, %{y:,.4g}<extra></extra>"))
    if context is not None:
        _batna_lines(fig, analysis, context, ranges)
        if valuation is not None:
            _named_packages(fig, analysis, valuation, ranges)
        _solutions(fig, analysis, context)
        unit = unit_label(context.unit)
    else:
        unit = p.unit
    fig.update_xaxes(title=plot_text(t("axis.party_value", name=p.names[0], measure=measures[0], unit=unit)),
                     color=PARTY_COLORS[0], showgrid=True, range=list(ranges[0]), autorange=False)
    fig.update_yaxes(title=plot_text(t("axis.party_value", name=p.names[1], measure=measures[1], unit=unit)),
                     color=PARTY_COLORS[1], showgrid=True, range=list(ranges[1]), autorange=False)
    # the legend (the key to every mark) must fit beside the plot, never scroll
    lines = sum(1 + str(tr.name or "").count("<br>") for tr in fig.data if tr.showlegend is not False)
    fig = base_layout(fig, t("chart.space.title"), height=max(760, 160 + LEGEND_LINE_PX * lines + 3 * 12 + 2 * 20))
    fig.update_layout(legend=dict(orientation="v", x=1.02, xanchor="left", y=1, yanchor="top", font=dict(size=11),
                                  tracegroupgap=12),
                      margin=dict(r=290))
    return fig
