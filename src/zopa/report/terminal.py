"""Rich tables for the terminal (amounts in the scenario's unit, each estimate ± one standard error
shown to the digits its standard error supports: :mod:`zopa.units`).

Rich reads ``[...]`` in strings as markup, and terminals obey escape sequences: every piece of
scenario text goes in through :func:`~zopa.report.safe.term_text` (control characters dropped,
markup escaped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from zopa.noise import NOISE
from zopa.report.safe import term_text as tt
from zopa.units import format_amount as num
from zopa.units import format_pm as pm
from zopa.units import parse_unit
from zopa.value import Estimate, Valuation

if TYPE_CHECKING:
    from zopa.analysis import Analysis


def fmt(e: Estimate, use_ce: bool = True) -> str:
    """``value ± se``; the certainty equivalent when the party is risk averse and ``use_ce``."""
    if use_ce and e.ce is not None and e.ce_se is not None:
        return f"{pm(e.ce, e.ce_se)} CE"
    return f"{pm(e.mean, e.se)}"


def valuation_table(v: Valuation) -> Table:
    """Packages × parties: value under the party's own beliefs and the gain over the status quo, each
    ± one Monte Carlo standard error (present value in the scenario's unit). A gain within 2 SE is
    marked noise."""
    s = v.scenario
    sq = s.meta.status_quo
    table = Table(title=f"Value of each package to each side ({tt(s.meta.unit)}, present value ± 1 SE; own beliefs; "
                        f"{v.n_paths:,} paths, seed {v.seed})")
    table.add_column("package", style="bold", max_width=44)
    for p in v.parties:
        table.add_column(tt(s.parties[p].name), justify="right")
        table.add_column("gain vs status quo", justify="right")
    for pkg in v.packages:
        row = [tt(s.packages[pkg].label)]
        for p in v.parties:
            row.append(fmt(v.estimate(pkg, p)))
            row.append("—" if pkg == sq else gain_cell(v.difference(p, pkg, sq)))
        table.add_row(*row)
    return table


def gain_cell(d: Estimate) -> str:
    """A coloured gain: green above +2 SE, red below −2 SE, yellow (noise) in between."""
    value, se = (d.ce, d.ce_se) if d.ce is not None else (d.mean, d.se)
    assert se is not None and value is not None
    sign = NOISE.sign(value, se)
    style = {1: "green", -1: "red", 0: "yellow"}[sign]
    note = "" if sign else " noise"
    return f"[{style}]{pm(value, se, signed=True)}{note}[/]"


def beliefs_table(v: Valuation) -> Table:
    """Each side's value of each package under its own and under the other side's beliefs: where the
    two columns differ, the parties disagree about what the package is worth (risk-neutral means)."""
    s = v.scenario
    table = Table(title="Where beliefs disagree: each side's value under its own vs the other side's beliefs "
                        f"({tt(s.meta.unit)}, risk-neutral mean ± 1 SE)")
    table.add_column("package", style="bold", max_width=44)
    for p in v.parties:
        other = tt(s.parties[s.other(p)].name)
        table.add_column(f"{tt(s.parties[p].name)}: own", justify="right")
        table.add_column(f"{tt(s.parties[p].name)}: {other}'s", justify="right")
    for pkg in v.packages:
        row = [tt(s.packages[pkg].label)]
        for p in v.parties:
            row += [fmt(v.estimate(pkg, p), use_ce=False), fmt(v.estimate(pkg, p, s.other(p)), use_ce=False)]
        table.add_row(*row)
    return table


def breakdown_table(v: Valuation, package: str) -> Table:
    """Which term moves how much value to whom, in one package (own beliefs, mean ± SE)."""
    s = v.scenario
    table = Table(title=f"{tt(s.packages[package].label)}: value by term ({tt(s.meta.unit)}, risk-neutral mean ± 1 SE, "
                        "own beliefs)")
    table.add_column("term")
    for p in v.parties:
        table.add_column(tt(s.parties[p].name), justify="right")
    per_party = {p: v.term_estimates(package, p) for p in v.parties}
    for term in per_party[v.parties[0]]:
        cells = [per_party[p][term] for p in v.parties]
        table.add_row(tt(v.term_label(package, term)), *[f"{pm(c.mean, c.se, signed=True)}" for c in cells])
    return table


def print_valuation(v: Valuation, console: Console, breakdown: bool = True) -> None:
    console.print(valuation_table(v))
    console.print(beliefs_table(v))
    if breakdown:
        for pkg in v.packages:
            console.print(breakdown_table(v, pkg))


# --- deal-space analysis ------------------------------------------------------------------------------


def _unit(a: "Analysis", unit: str | None) -> str:
    """The unit to print: the scenario's (``unit``) or the deal problem's own."""
    return unit if unit is not None else a.problem.unit


def zopa_table(a: "Analysis", unit: str | None = None) -> Table:
    """BATNAs and the ZOPA: whether it exists, how many packages (robustly), how wide, within noise
    (amounts in ``unit``, the scenario's, when given)."""
    from zopa.noise import NOISE_Z

    p, z = a.problem, a.zopa
    table = Table(title=f"Zone of possible agreement over {p.n_packages:,} packages ({tt(_unit(a, unit))}, ± 1 SE)")
    table.add_column("", style="bold")
    table.add_column("value", justify="right")
    for name, d, se, label in zip(p.names, p.batna, p.batna_se, p.batna_label):
        table.add_row(f"{tt(name)}'s BATNA ({tt(label)})", f"{pm(d, se)}")
    if z.exists:
        table.add_row("ZOPA", f"[green]yes[/]: {z.count:,} packages ({z.count / max(p.n_packages, 1):.0%})")
        table.add_row(f"  by more than {NOISE_Z:g} SE", f"{a.robust_count:,}")
        table.add_row(f"  width for {tt(p.names[0])}", f"{num(z.width_1)}")
        table.add_row(f"  width for {tt(p.names[1])}", f"{num(z.width_2)}")
        table.add_row("  area", f"{num(z.area)} ({tt(_unit(a, unit))})²")
    else:
        table.add_row("ZOPA", f"[red]no[/]: the closest package misses by {num(z.shortfall)}")
        if a.gap is not None and a.gap.issue is not None and a.gap.shortfall_after is not None:
            table.add_row("  issue that matters most", f"{tt(a.gap.issue)}: best {tt(a.gap.option)} "
                                                         f"(at its worst option the gap is {num(a.gap.shortfall_after)})")
    if a.near_count:
        table.add_row(f"  missing by less than {NOISE_Z:g} SE", f"{a.near_count:,}")
    table.add_row("existence within noise", "[yellow]yes[/]" if a.existence_within_noise else "no")
    return table


def solutions_table(a: "Analysis", unit: str | None = None) -> Table:
    """Solution | choices | each side's value ± SE | gain ± SE | within-noise note. The choices column
    lists the issues on which the solutions differ; those they agree on are in the caption."""
    p = a.problem
    points = [pt for pt in a.solutions.values() if pt is not None]
    issues = list(points[0].choices) if points else []
    shared = {i: points[0].choices[i] for i in issues if len({pt.choices.get(i) for pt in points}) == 1}
    caption = ("All solutions agree on: " + "; ".join(f"{tt(k)}: {tt(v)}" for k, v in shared.items())) if shared and \
        len(points) > 1 else None
    table = Table(title=f"Bargaining solutions ({tt(_unit(a, unit))}, ± 1 SE; gains over each side's BATNA)",
                  caption=caption)
    table.add_column("solution", style="bold")
    table.add_column("choices" if len(points) <= 1 else "where the solutions differ", max_width=60)
    for name in p.names:
        table.add_column(tt(name), justify="right")
        table.add_column("gain", justify="right")
    table.add_column("note")
    for point in points:
        differing = {k: v for k, v in point.choices.items() if k not in shared or len(points) <= 1}
        row = [tt(point.name), "; ".join(f"{tt(k)}: {tt(v)}" for k, v in differing.items()) or "—"]
        for i in range(2):
            row += [f"{pm(point.utility[i], point.utility_se[i])}",
                    gain_cell(Estimate(point.gain[i], point.gain_se[i], 0.0, 0.0, 0.0))]
        row.append("[yellow]within noise[/]" if point.within_noise else "")
        table.add_row(*row)
    if not points:
        table.add_row("—", "no package is in the ZOPA", *[""] * 5)
    return table


def issue_ranges_table(a: "Analysis") -> Table:
    """Which options of each issue occur inside the ZOPA."""
    table = Table(title="Which issues can move inside the ZOPA")
    table.add_column("issue", style="bold")
    table.add_column("inside the ZOPA")
    table.add_column("options possible in the ZOPA", max_width=80)
    styles = {"free": "green", "limited": "yellow", "fixed": "red", "none": "red"}
    for r in a.issue_ranges:
        table.add_row(tt(r.issue.label), f"[{styles[r.status]}]{r.status}[/]", ", ".join(tt(o) for o in r.in_zopa) or "—")
    return table


def deadline_line(a: "Analysis") -> str | None:
    """One line on bargaining against the deadline (Rich markup: names escaped), or None without one."""
    d = a.deadline
    if d is None:
        return None
    p = a.problem
    first = tt(p.names[p.parties.index(d.first_proposer)] if d.first_proposer in p.parties else d.first_proposer)
    deltas = ", ".join(f"{tt(n)} {x:.4f}" for n, x in zip(p.names, d.delta))
    stationary = "n/a" if d.stationary_share is None else f"{d.stationary_share:.1%}"
    return (f"Deadline bargaining: {d.rounds} rounds, either side proposes with probability "
            f"{d.proposer_probability:.0%} ({first} named first); per-round discount factors {deltas}; breakdown "
            f"{d.breakdown_probability:.0%} per rejected offer; {d.loss_share:.1%} of the surplus lost at the deadline, "
            f"then talks go on. {first}'s expected share {d.finite_share:.1%} ({stationary} without the deadline; "
            f"Rubinstein {d.infinite_share:.1%}); Nash weight of {tt(p.names[0])} {d.nash_weight:.3f}.")


def analysis_tables(a: "Analysis", unit: str | None = None) -> list[Table]:
    """The ZOPA summary, the bargaining solutions, the issue ranges and the deadline-bargaining line
    (as a one-row table), for printing in order."""
    tables = [zopa_table(a, unit), solutions_table(a, unit)]
    if a.issue_ranges:
        tables.append(issue_ranges_table(a))
    line = deadline_line(a)
    if line is not None:
        deadline = Table(title="Bargaining against the deadline", show_header=False)
        deadline.add_column("")
        deadline.add_row(line)
        tables.append(deadline)
    return tables


def print_analysis(a: "Analysis", console: Console, unit: str | None = None) -> None:
    """The verdict in plain words, then :func:`analysis_tables` (amounts in ``unit``, the scenario's
    unit such as ``"USD millions"``, when given; the deal problem's own otherwise)."""
    if unit is not None:
        from zopa.report.prose import verdict_lines

        lines = verdict_lines(a, parse_unit(unit))
    else:
        lines = a.verdict()
    for line in lines:
        console.print(f"• {tt(line)}")
    for table in analysis_tables(a, parse_unit(unit).short if unit is not None else None):
        console.print(table)

