"""Plotly figures of a valuation: the parties' beliefs, package values with error bars, per-term
waterfalls. (The utility-space chart of a deal space is in :mod:`zopa.report.charts_space`.)

Error bars are ±2 Monte Carlo standard errors (about a 95% confidence interval for the mean); they
measure simulation noise, not the spread of outcomes, which the hover text gives as 5–95% quantiles.

Scenario text in a chart (names, labels, paths) goes through :func:`~zopa.report.safe.plot_text`
(directly or through :func:`wrap`): plotly shows it literally, never as its HTML-like markup.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from zopa.beliefs import describe
from zopa.report.safe import plot_text
from zopa.scenario.schema import Scenario
from zopa.value import Valuation

try:
    from zopa.scenario.references import iter_quantities
except ImportError:  # older layout
    from zopa.scenario.load import iter_quantities  # type: ignore[no-redef]

#: Colours of the first and second party, used in every chart and table.
PARTY_COLORS = ("#2563eb", "#ea580c")
#: Error bars are this many standard errors wide on each side.
ERROR_Z = 2.0
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def base_layout(fig: go.Figure, title: str, height: int = 460) -> go.Figure:
    """The common look: white template, system fonts, a left-aligned title, legend on top."""
    fig.update_layout(
        template="plotly_white", height=height, font=dict(family=FONT, size=13, color="#1f2937"),
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)),
        margin=dict(l=70, r=30, t=60, b=60),
        legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
        hoverlabel=dict(font=dict(family=FONT)),
    )
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


#: Axis titles for the units of :data:`zopa.beliefs.UNIT_BOUNDS` that name a physical unit.
UNIT_TITLES = {"year": "calendar year", "money": "USD bn", "probability": "probability", "share": "share",
               "rate": "rate per year"}


def belief_figure(scenario: Scenario, path: str, quantity: Any, unit: str) -> go.Figure:
    """Both parties' cumulative distributions of one quantity on one chart. The probability that an
    event never happens within the horizon (``p_never``) is where a curve stops short of 1, marked
    "not within horizon"."""
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
            x=x[finite], y=u[finite], mode="lines", name=f"{name}: {plot_text(describe(spec))}",
            line=dict(color=color, width=2.5),
            hovertemplate=f"{name}<br>P(≤ %{{x:.4g}}) = %{{y:.0%}}<extra></extra>"))
        if spec.p_never > 0:
            fig.add_annotation(x=float(x[finite][-1]), y=1.0 - spec.p_never, text=f"not within horizon: "
                               f"{spec.p_never:.0%}", showarrow=True, arrowhead=0, ax=-10, ay=-22, xanchor="right",
                               font=dict(color=color, size=12), arrowcolor=color, bgcolor="rgba(255,255,255,0.85)")
    if not np.isfinite(lo):
        lo, hi = 0.0, 1.0
    pad = 0.04 * (hi - lo) if hi > lo else 1.0
    description = field_description(scenario, path)
    fig.update_yaxes(title="cumulative probability", tickformat=".0%", range=[0, 1.04])
    fig.update_xaxes(title=UNIT_TITLES.get(unit, description or "value"), range=[lo - pad, hi + pad])
    heading = plot_text((description[:1].upper() + description[1:]) if description else path)
    title = f"{heading} <span style='font-size:12px;color:#6b7280'>({plot_text(path)})</span>"
    return base_layout(fig, title, height=400)


def belief_figures(scenario: Scenario) -> list[tuple[str, go.Figure]]:
    """A CDF chart per uncertain quantity that differs by party, named ``beliefs-<path>``. (Inputs on
    which the parties hold different fixed numbers are better read from a table.)"""
    return [(f"beliefs-{path.replace('.', '-')}", belief_figure(scenario, path, q, unit))
            for path, q, unit in differing_quantities(scenario) if is_uncertain(q)]


# --- package values -----------------------------------------------------------------------------------


def value_figure(v: Valuation) -> go.Figure:
    """Each named package's value to each party (left) and its gain over the contract in force
    (right), with ±2 SE error bars; own beliefs; the certainty equivalent for a risk-averse party."""
    s = v.scenario
    sq = s.meta.status_quo
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("value to each side (own beliefs)", "gain over the contract in force"))
    labels = [wrap(s.packages[pkg].label, 34) for pkg in v.packages]
    for party in v.parties:
        name = plot_text(s.parties[party].name)
        color = party_color(s, party)
        est = [v.estimate(pkg, party) for pkg in v.packages]
        measure = "CE" if v.risk_aversion(party) else "mean"
        fig.add_trace(go.Bar(
            y=labels, x=[e.value for e in est], orientation="h", name=f"{name} ({measure})",
            marker_color=color, legendgroup=party,
            error_x=dict(type="data", array=[ERROR_Z * e.value_se for e in est], color="#111827", thickness=1.2),
            customdata=[[e.value_se, e.q05, e.q95] for e in est],
            hovertemplate=(f"{name}: %{{x:,.1f}} ± %{{customdata[0]:,.1f}} (1 SE)<br>"
                           "5–95% of outcomes: %{customdata[1]:,.0f} to %{customdata[2]:,.0f}<extra></extra>")),
            row=1, col=1)
        if sq in v.packages:
            gains = [v.difference(party, pkg, sq) for pkg in v.packages]
            fig.add_trace(go.Bar(
                y=labels, x=[g.value for g in gains], orientation="h", name=name, showlegend=False,
                marker_color=color, legendgroup=party, opacity=0.85,
                error_x=dict(type="data", array=[ERROR_Z * g.value_se for g in gains], color="#111827",
                             thickness=1.2),
                customdata=[[g.value_se] for g in gains],
                hovertemplate=f"{name}: %{{x:+,.1f}} ± %{{customdata[0]:,.1f}} (1 SE)<extra></extra>"),
                row=1, col=2)
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=8)
    fig.update_xaxes(title_text=f"{s.meta.unit}, present value", zeroline=True, zerolinecolor="#6b7280")
    height = 180 + 70 * len(v.packages)
    fig = base_layout(fig, "What each package is worth to each side (bars: ±2 SE)", height=max(height, 400))
    fig.update_layout(barmode="group", bargap=0.25, margin=dict(t=100),
                      legend=dict(orientation="h", yanchor="bottom", y=1.07, xanchor="right", x=1))
    return fig


def waterfall_figure(v: Valuation, package: str) -> go.Figure:
    """Per-term contributions to one package's value, one panel per party (own beliefs, risk-neutral
    means; the last bar is the total)."""
    s = v.scenario
    parties = v.parties
    fig = make_subplots(rows=1, cols=len(parties), horizontal_spacing=0.28,
                        subplot_titles=[f"to {plot_text(s.parties[p].name)}" for p in parties])
    for col, party in enumerate(parties, start=1):
        # terms that move nothing to this party (e.g. the other side's own equity) are left out
        terms = {t: e for t, e in v.term_estimates(package, party).items() if e.mean != 0.0 or e.se > 0.0}
        total = v.estimate(package, party)
        names = [wrap(v.term_label(package, t), 30) for t in terms] + ["<b>total (mean)</b>"]
        values = [e.mean for e in terms.values()] + [total.mean]
        ses = [e.se for e in terms.values()] + [total.se]
        fig.add_trace(go.Waterfall(
            orientation="h", y=names, x=values, measure=["relative"] * len(terms) + ["total"],
            name=plot_text(s.parties[party].name), showlegend=False, connector=dict(line=dict(color="#9ca3af", width=1)),
            increasing=dict(marker=dict(color="#16a34a")), decreasing=dict(marker=dict(color="#dc2626")),
            totals=dict(marker=dict(color=party_color(s, party))),
            customdata=ses, text=[f"{x:+,.1f}" for x in values], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{x:+,.1f} ± %{customdata:,.1f} (1 SE)<extra></extra>"),
            row=1, col=col)
        running = np.concatenate([[0.0], np.cumsum(values[:-1]), [values[-1]]])
        span = float(running.max() - running.min()) or 1.0
        fig.update_yaxes(autorange="reversed", ticklabelstandoff=8, row=1, col=col)
        fig.update_xaxes(title_text=s.meta.unit, row=1, col=col,
                         range=[float(running.min()) - 0.22 * span, float(running.max()) + 0.22 * span])
    n = max(len(v.term_estimates(package, p)) for p in parties) + 1  # subplots share the height
    title = f"Where the value of “{s.packages[package].label}” comes from, term by term"
    fig = base_layout(fig, wrap(title, 110), height=max(380, 150 + 48 * n))
    fig.update_layout(margin=dict(l=200, r=60, t=100))
    return fig
