"""Terminal tables and plain data for negotiations, tournaments and threat games.

Amounts are printed with :mod:`zopa.units` (each estimate to the digits its standard error
supports). Tables, titles and the summary lines are for Rich (which reads ``[...]`` as markup): scenario text in
them goes through :func:`~zopa.report.safe.term_text`. The plain data (``*_dict``) keeps text as is;
:func:`tree_text` drops control characters only."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from zopa.negotiate.scenario import ScenarioNegotiation
from zopa.negotiate.tournament import TournamentTable
from zopa.threats.game import Chance, Decision, Terminal
from zopa.threats.scenario import ThreatAnalysis
from zopa.report.safe import clean_text
from zopa.units import format_amount as num
from zopa.units import format_pm as pm
from zopa.report.safe import term_text as tt


def negotiation_table(n: ScenarioNegotiation, max_terms: int = 4) -> Table:
    """The offer trace: round, date, proposer, both sides' utilities and what changed."""
    names = [tt(x) for x in n.problem.names]
    r = n.result
    title = (f"{names[0]} ({tt(n.strategies[0])}) vs {names[1]} ({tt(n.strategies[1])}): "
             f"{'agreement in round ' + str(r.round) if r.agreement else 'no agreement (' + tt(r.ending) + ')'}")
    table = Table(title=title)
    for col in ("round", "date", "proposer"):
        table.add_column(col)
    table.add_column(f"{names[0]} utility", justify="right")
    table.add_column(f"{names[1]} utility", justify="right")
    table.add_column("package (changes from the previous offer)")
    table.add_column("accepted")
    previous: dict[str, str] = {}
    for row in n.trace_rows():
        terms = row["terms"]
        changed = {k: v for k, v in terms.items() if previous.get(k) != v}
        shown = "; ".join(f"{tt(k)}: {tt(v)}" for k, v in list(changed.items())[:max_terms])
        if len(changed) > max_terms:
            shown += f"; +{len(changed) - max_terms} more"
        previous = terms
        table.add_row(str(row["round"]), tt(row["date"]), tt(row["proposer"]), f"{num(row['u_a'])}", f"{num(row['u_b'])}",
                      shown or "(same)", "yes" if row["accepted"] else "")
    return table


def negotiation_summary(n: ScenarioNegotiation, unit: str | None = None) -> list[str]:
    """The negotiation in a few lines, for ``console.print`` (Rich markup: scenario text escaped);
    amounts in ``unit`` (the scenario's, when given; the deal problem's own otherwise)."""
    r = n.result
    names = [tt(x) for x in n.problem.names]
    unit = tt(unit if unit is not None else n.problem.unit)
    start = f" from {n.calendar.dates[0]}" if n.calendar.dates else ""
    rounds = f"{n.calendar.rounds} round{'s' if n.calendar.rounds != 1 else ''}"
    lines = [f"Negotiation: {names[0]} plays {tt(n.strategies[0])}, {names[1]} plays {tt(n.strategies[1])}; {rounds}{start} "
             f"(a round of delay costs {names[0]} {num(n.calendar.delay_cost[0])} and {names[1]} "
             f"{num(n.calendar.delay_cost[1])} {unit})."]
    if r.agreement and r.package is not None:
        terms = "; ".join(f"{tt(k)}: {tt(v)}" for k, v in n.problem.describe(r.package).items())
        lines.append(f"Agreement in round {r.round}: {terms}.")
    else:
        lines.append(f"No agreement ({tt(r.ending)}): both sides fall back on their BATNAs.")
    lines.append(f"Final values net of delay: {names[0]} {num(r.value_a)} (BATNA {num(r.batna_a)}), "
                 f"{names[1]} {num(r.value_b)} (BATNA {num(r.batna_b)}) {unit}; distance to the Nash point "
                 f"{num(r.distance_to_nash)} {unit}.")
    return lines


def negotiation_dict(n: ScenarioNegotiation) -> dict[str, Any]:
    r = n.result
    return {
        "strategies": {"a": n.strategies[0], "b": n.strategies[1]},
        "parties": {"a": n.problem.parties[0], "b": n.problem.parties[1]},
        "rounds": n.calendar.rounds, "first": n.calendar.first,
        "delay_cost": list(n.calendar.delay_cost),
        "agreement": r.agreement, "package": r.package, "round": r.round, "ending": r.ending,
        "value_a": r.value_a, "value_b": r.value_b, "batna_a": r.batna_a, "batna_b": r.batna_b,
        "distance_to_nash": r.distance_to_nash,
        "terms": n.problem.describe(r.package) if r.package is not None else None,
        "trace": n.trace_rows(),
    }


def tournament_rich(table: TournamentTable, names: tuple[str, str]) -> Table:
    out = Table(title=f"Tournament: {tt(names[0])} plays strategy a, {tt(names[1])} strategy b; mean ± standard error over "
                      "seeds (random tie-breaking), values on the deal space's utilities")
    for col in ("a", "b", "agreement", tt(names[0]), tt(names[1]), "joint", "distance to Nash"):
        out.add_column(col, justify="right" if col not in ("a", "b") else "left")
    for row in table.rows:
        out.add_row(tt(row.strategy_a), tt(row.strategy_b), f"{row.agreement_rate:.0%}",
                    f"{pm(row.mean_value_a, row.mean_value_a_se)}",
                    f"{pm(row.mean_value_b, row.mean_value_b_se)}",
                    f"{num(row.mean_joint_value)}", f"{num(row.mean_distance_to_nash)}")
    return out


def threat_label(check: Any) -> str:
    """A threat with the move it answers, e.g. ``litigate (after threaten: antitrust)``."""
    return f"{check.threat} (after {check.path[0]})" if check.path else check.threat


def threats_table(t: ThreatAnalysis, names: dict[str, str] | None = None) -> Table:
    table = Table(title="Threats: would they be carried out? (subgame-perfect play; values under each side's own beliefs)")
    for col in ("who", "threat", "credible", "chosen instead", "shortfall ± SE", "note"):
        table.add_column(col)
    for c in t.checks:
        note = "within noise" if c.within_noise else ""
        if not c.reached:
            note = (note + "; " if note else "") + "off the equilibrium path"
        table.add_row(tt((names or {}).get(c.player, c.player)), tt(threat_label(c)), "yes" if c.credible else "no",
                      "" if c.credible else tt(c.chosen),
                      "" if c.credible else f"{pm(c.shortfall, c.shortfall_se)}", note)
    return table


def threats_summary(t: ThreatAnalysis, names: dict[str, str]) -> list[str]:
    """The threat game in two lines, for ``console.print`` (Rich markup: scenario text escaped)."""
    s = t.solution
    lines = [f"Subgame-perfect play: {tt(' → '.join(s.path))}; values "
             + ", ".join(f"{tt(names[p])} {pm(v, s.value_se[p])}" for p, v in s.value.items()) + "."]
    d = t.disagreement
    lines.append("A second game, with the baseline deal off the table (bargaining has failed and threats play out), "
                 "gives the threat-adjusted disagreement point: "
                 + ", ".join(f"{tt(names[p])} {num(v)}" for p, v in d.value.items())
                 + f" (play: {tt(' → '.join(d.path))}).")
    return lines


def tree_text(node: Any, indent: str = "", label: str = "") -> list[str]:
    """An indented drawing of a game tree (for terminals and the report; plain text, not Rich markup,
    control characters dropped)."""
    head = f"{indent}{clean_text(label) + ': ' if label else ''}"
    if isinstance(node, Terminal):
        pay = ", ".join(f"{clean_text(p)} {num(v)}" for p, v in node.payoffs.items())
        return [f"{head}[{clean_text(node.label)}] ({pay})"]
    if isinstance(node, Chance):
        lines = [f"{head}chance: {clean_text(node.label)}"]
        for name, prob, child in node.outcomes:
            p = ", ".join(f"{k} {v:.0%}" for k, v in prob.items()) if isinstance(prob, dict) else f"{prob:.0%}"
            lines += tree_text(child, indent + "    ", f"{name} ({p})")
        return lines
    assert isinstance(node, Decision)
    lines = [f"{head}{clean_text(node.player)} decides ({clean_text(node.label)})"]
    for name, child in node.actions:
        mark = " [threat]" if name in node.threats else ""
        lines += tree_text(child, indent + "    ", name + mark)
    return lines


def threats_dict(t: ThreatAnalysis) -> dict[str, Any]:
    return {
        "threatener": t.threatener, "responder": t.responder,
        "path": list(t.solution.path), "value": t.solution.value, "value_se": t.solution.value_se,
        "disagreement_point": t.disagreement_point, "disagreement_path": list(t.disagreement.path),
        "threats": [{"player": c.player, "threat": c.threat, "label": threat_label(c), "credible": c.credible, "chosen": c.chosen,
                     "shortfall": c.shortfall, "shortfall_se": c.shortfall_se, "within_noise": c.within_noise,
                     "reached": c.reached, "path": list(c.path)} for c in t.checks],
        "outcomes": {pkg: {p: {"value": e.value, "se": e.value_se} for p, e in v.items()} for pkg, v in t.outcomes.items()},
    }
