"""Terminal tables for sensitivity, Sobol' indices and the belief gap (scenario text through
:func:`~zopa.report.safe.term_text`: no control characters, no Rich markup; amounts through
:mod:`zopa.units`)."""

from __future__ import annotations

from typing import Any, Sequence

from rich.table import Table

from zopa.report.safe import term_text as tt
from zopa.units import DEFAULT_UNIT, format_amount, format_pm, parse_unit


def tornado_table(result: Any, output: str, top: int = 15) -> Table:
    """The inputs that move ``output`` most, from their 10% to their 90% quantile."""
    rows = result.to_rows(output)
    table = Table(title=f"What moves {tt(output)}? Each input from its 10% to its 90% quantile, others as they are "
                        f"(base {format_amount(rows[0]['output_base'])})" if rows else tt(output))
    for col in ("input (10%–90% values)", "at 10%", "at 90%", "swing", "note"):
        table.add_column(col, justify="left" if col.startswith("input") or col == "note" else "right")
    for row in rows[:top]:
        table.add_row(tt(row["label"]), _value(row["output_low"], row.get("se_low")),
                      _value(row["output_high"], row.get("se_high")), _value(row["swing"], row.get("swing_se")),
                      "within noise" if row.get("within_noise") else "")
    if len(rows) > top:
        table.caption = f"{len(rows) - top} more inputs with smaller swings"
    return table


def _value(x: float, se: float | None) -> str:
    """``x ± se`` when the standard error is known, else the amount."""
    return format_pm(x, se) if se else format_amount(x)


def sobol_table(result: Any, output: str, top: int = 15) -> Table:
    """First-order and total Sobol' indices with confidence intervals, largest total first."""
    rows = sorted(result.to_rows(output), key=lambda r: -r["ST"])
    table = Table(title=f"Global sensitivity of {tt(output)} (Sobol' indices ± confidence half-width)")
    for col in ("input", "first order S1", "total ST"):
        table.add_column(col, justify="left" if col == "input" else "right")
    for row in rows[:top]:
        table.add_row(tt(row["input"]), f"{row['S1']:.3f} ± {row['S1_conf']:.3f}", f"{row['ST']:.3f} ± {row['ST_conf']:.3f}")
    return table


def belief_gap_table(points: Sequence[Any], names: tuple[str, str], mover: str, unit: str = DEFAULT_UNIT) -> Table:
    """The deal at each step of moving ``mover``'s beliefs toward the other side's (amounts in ``unit``)."""
    table = Table(title=f"Moving {tt(mover)}'s beliefs toward the other side's: the deal and how much of it is a bet "
                        f"({tt(parse_unit(unit).label)})",
                  caption="bet = the part of the joint gain each side expects to win on the disagreement itself "
                          "(negative: each side thinks the package favours the other); created value = joint gain − bet")
    for col in ("moved", "ZOPA packages", f"Nash gain {tt(names[0])}", f"Nash gain {tt(names[1])}", "joint gain", "bet",
                "created value", "Nash package"):
        table.add_column(col, justify="right" if col not in ("Nash package",) else "left")
    for p in points:
        items = list(p.nash_choices.items())
        terms = "; ".join(f"{tt(k)}: {tt(v)}" for k, v in items[:3]) + (f"; +{len(items) - 3} more" if len(items) > 3 else "")
        table.add_row(f"{p.fraction:.0%}", f"{p.zopa_count:,}", format_pm(p.nash_gain[0], p.nash_gain_se[0], signed=True),
                      format_pm(p.nash_gain[1], p.nash_gain_se[1], signed=True), format_amount(p.joint_gain),
                      format_amount(p.bet), format_amount(p.created), terms)
    return table
