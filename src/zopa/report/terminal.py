"""Rich tables for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from zopa.value import Estimate, Valuation


def fmt(e: Estimate, use_ce: bool = True) -> str:
    """``value ± se``; the certainty equivalent when the party is risk averse and ``use_ce``."""
    if use_ce and e.ce is not None:
        return f"{e.ce:,.1f} ± {e.ce_se:,.1f} CE"
    return f"{e.mean:,.1f} ± {e.se:,.1f}"


def valuation_table(v: Valuation) -> Table:
    """Packages × parties: value under the party's own beliefs and the gain over the status quo, each
    ± one Monte Carlo standard error (USD bn of present value). A gain within 2 SE is marked noise."""
    s = v.scenario
    sq = s.meta.status_quo
    table = Table(title=f"Value of each package to each side (USD bn, present value ± 1 SE; own beliefs; "
                        f"{v.n_paths:,} paths, seed {v.seed})")
    table.add_column("package", style="bold", max_width=44)
    for p in v.parties:
        table.add_column(f"{s.parties[p].name}", justify="right")
        table.add_column("gain vs status quo", justify="right")
    for pkg in v.packages:
        row = [s.packages[pkg].label]
        for p in v.parties:
            row.append(fmt(v.estimate(pkg, p)))
            row.append("—" if pkg == sq else gain_cell(v.difference(p, pkg, sq)))
        table.add_row(*row)
    return table


def gain_cell(d: Estimate) -> str:
    """A coloured gain: green above +2 SE, red below −2 SE, yellow (noise) in between."""
    value, se = (d.ce, d.ce_se) if d.ce is not None else (d.mean, d.se)
    assert se is not None and value is not None
    style = "green" if value > 2 * se else "red" if value < -2 * se else "yellow"
    note = "" if abs(value) > 2 * se else " noise"
    return f"[{style}]{value:+,.1f} ± {se:,.1f}{note}[/]"


def beliefs_table(v: Valuation) -> Table:
    """Each side's value of each package under its own and under the other side's beliefs: where the
    two columns differ, the parties disagree about what the package is worth (risk-neutral means)."""
    s = v.scenario
    table = Table(title="Where beliefs disagree: each side's value under its own vs the other side's beliefs (USD bn)")
    table.add_column("package", style="bold", max_width=44)
    for p in v.parties:
        other = s.parties[s.other(p)].name
        table.add_column(f"{s.parties[p].name}: own", justify="right")
        table.add_column(f"{s.parties[p].name}: {other}'s", justify="right")
    for pkg in v.packages:
        row = [s.packages[pkg].label]
        for p in v.parties:
            row += [fmt(v.estimate(pkg, p), use_ce=False), fmt(v.estimate(pkg, p, s.other(p)), use_ce=False)]
        table.add_row(*row)
    return table


def breakdown_table(v: Valuation, package: str) -> Table:
    """Which term moves how much value to whom, in one package (own beliefs, mean ± SE)."""
    s = v.scenario
    table = Table(title=f"{s.packages[package].label}: value by term (USD bn, own beliefs)")
    table.add_column("term")
    for p in v.parties:
        table.add_column(s.parties[p].name, justify="right")
    per_party = {p: v.term_estimates(package, p) for p in v.parties}
    for term in per_party[v.parties[0]]:
        cells = [per_party[p][term] for p in v.parties]
        table.add_row(v.term_labels.get(term, term), *[f"{c.mean:+,.1f} ± {c.se:,.1f}" for c in cells])
    return table


def print_valuation(v: Valuation, console: Console, breakdown: bool = True) -> None:
    console.print(valuation_table(v))
    console.print(beliefs_table(v))
    if breakdown:
        for pkg in v.packages:
            console.print(breakdown_table(v, pkg))
