"""Report sections for negotiations, threat games and sensitivity analyses: ``(title, content)``
pairs for :class:`zopa.report.html.ReportData.extra_sections`. Title and content are
:class:`~zopa.report.context.Deferred`: drawn when the report is built, in its language and with the
scenario's unit and labels at hand. Content is plotly figures or HTML as
:class:`~zopa.report.safe.Markup` built with :func:`~zopa.report.safe.html` (through
:func:`~zopa.report.i18n.th`), which escapes every piece of scenario text; chart text goes through
:func:`~zopa.report.safe.plot_text`."""

from __future__ import annotations

from typing import Any, Sequence

from zopa.negotiate.scenario import ScenarioNegotiation
from zopa.report.charts_sections import belief_gap_figure, negotiation_figure, sobol_figure, tornado_figure
from zopa.report.context import Deferred, ReportContext
from zopa.report.dynamics import threat_label, tree_text
from zopa.report.html_parts import table
from zopa.report.i18n import t, th, unit_label
from zopa.report.prose import terms_text
from zopa.report.safe import html
from zopa.threats.scenario import ThreatAnalysis
from zopa.units import format_amount, format_pm


def title(key: str) -> Deferred:
    """A section title, looked up when the report is drawn."""
    return Deferred(lambda context: t(key))


def negotiation_section(n: ScenarioNegotiation) -> tuple[Any, list[Any]]:
    """The offer trace as a chart (each side's utility of every offer, by round) and a table."""

    def build(context: ReportContext) -> list[Any]:
        names = n.problem.names
        r = n.result
        if r.agreement and r.package is not None:
            outcome = t("negotiation.agreement", round=r.round, terms=terms_text(n.problem.describe(r.package)))
        else:
            outcome = t("negotiation.none", ending=r.ending)
        intro = th("negotiation.intro", a=names[0], b=names[1], sa=n.strategies[0], sb=n.strategies[1],
                   start=n.calendar.dates[0] if n.calendar.dates else "", rounds=n.calendar.rounds,
                   ca=format_amount(n.calendar.delay_cost[0]), cb=format_amount(n.calendar.delay_cost[1]),
                   unit=unit_label(context.unit), outcome=outcome, dist=format_amount(r.distance_to_nash))
        rows = n.trace_rows()
        trace = table([t("th.round"), t("th.date"), t("th.proposer"), names[0], names[1], t("th.accepted")],
                      [[str(x["round"]), x["date"], x["proposer"], format_amount(x["u_a"]), format_amount(x["u_b"]),
                        t("word.yes") if x["accepted"] else ""] for x in rows], cls="num")
        return [intro, negotiation_figure(n, context), trace]

    return title("section.negotiation"), [Deferred(build)]


def threats_section(threats: ThreatAnalysis, names: dict[str, str]) -> tuple[Any, list[Any]]:
    """The game tree (drawn as an indented outline), which threats are credible, and the outcome."""

    def build(context: ReportContext) -> list[Any]:
        s = threats.solution
        intro = th("threats.intro", unit=unit_label(context.unit))
        path = th("threats.path", path=" → ".join(s.path),
                  values=t("sep.list").join(f"{names.get(p, p)} {format_pm(v, s.value_se[p])}" for p, v in s.value.items()),
                  point=t("sep.list").join(f"{names.get(p, p)} {format_amount(v)}"
                                           for p, v in threats.disagreement_point.items()))
        notes = []
        for c in threats.checks:
            note = t("threats.within_noise") if c.within_noise else ""
            if not c.reached:
                note = (note + t("sep.list") if note else "") + t("threats.off_path")
            notes.append(note)
        checks = table([t("th.who"), t("th.threat"), t("th.credible"), t("th.chosen"), t("th.shortfall"), t("th.note")],
                       [[names.get(c.player, c.player), threat_label(c), t("word.yes") if c.credible else t("word.no"),
                         "" if c.credible else c.chosen, "" if c.credible else format_pm(c.shortfall, c.shortfall_se),
                         note] for c, note in zip(threats.checks, notes)])
        tree = html("<details open><summary>{}</summary><pre class='tree'>{}</pre></details>", t("threats.tree"),
                    "\n".join(tree_text(threats.game.root)))
        return [intro, path, checks, tree]

    return title("section.threats"), [Deferred(build)]


def tornado_section(result: Any, outputs: Sequence[str]) -> tuple[Any, list[Any]]:
    """One tornado chart per output: each input from its 10% to its 90% quantile."""

    def build(context: ReportContext) -> list[Any]:
        intro = th("tornado.intro") + th("tornado.note")
        return [intro, *(tornado_figure(result, o, context) for o in outputs)]

    return title("section.tornado"), [Deferred(build)]


def hinges_section(result: Any, n_paths: int, choices: dict[str, str]) -> tuple[Any, list[Any]]:
    """What the recommendation hinges on: the quick tornado of each side's gain from the predicted
    settlement (``choices``) over the contract in force, ``n_paths`` paths per variant
    (:mod:`zopa.hinges`)."""

    def build(context: ReportContext) -> list[Any]:
        n_variants = 2 * len(next(iter(result.rows.values()), [])) + 1
        intro = th("hinges.intro", package=terms_text(choices), variants=f"{n_variants:,}", paths=f"{n_paths:,}")
        return [intro, *(tornado_figure(result, o, context) for o in result.outputs)]

    return title("section.hinges"), [Deferred(build)]


def sobol_section(result: Any) -> tuple[Any, list[Any]]:
    """One chart of Sobol' indices per output."""

    def build(context: ReportContext) -> list[Any]:
        return [th("sobol.intro"), *(sobol_figure(result, o, context) for o in result.outputs)]

    return title("section.sobol"), [Deferred(build)]


def belief_gap_section(points: Sequence[Any], names: tuple[str, str], mover: str) -> tuple[Any, list[Any]]:
    """The deal as one side's beliefs move toward the other's: the bet and the value created."""

    def build(context: ReportContext) -> list[Any]:
        return [th("gap.intro"), belief_gap_figure(points, names, mover, context)]

    return title("section.gap"), [Deferred(build)]

