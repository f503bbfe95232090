"""One row per sweep point: what was varied, each side's gain, the ZOPA and the predicted package.

Built from the results table of a sweep of :func:`zopa.sensitivity.engine.sweep_point` (its
columns: the varied parameters, ``status``, and the point's outputs).  For a point with the deal
space analysed (``zopa.count`` present):

* *gain* of party ``p``: ``nash.gain.<p>`` ± ``nash.gain.<p>.se`` — its gain over the status quo
  at the predicted settlement, the Nash package of the deal space (USD bn; a certainty equivalent
  for a risk-averse party), with its paired Monte Carlo standard error;
* *ZOPA*: yes when ``zopa.count > 0``, with its width ``zopa.width.<p>`` (the largest gain of
  ``p`` inside the ZOPA);
* *predicted package*: the Nash package's numeric issue values ``nash.<issue>`` (the values a
  sweep point records; categorical issues are not among them).

Without a deal space the same is read off the named packages, whose gains ``gain.<k>.<p>`` ±
``.se`` every point records: the ZOPA is the set of packages with both gains ``>= 0`` and its
width per party the largest such gain; the predicted package is the one in it maximising the
Nash product ``g_1 g_2`` (the first on ties), whose gains are reported.  A failed point keeps
its parameters and its error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zopa.numbers import num, pm
from zopa.sensitivity.sweep_grid import Scalar

__all__ = ["SweepSummaryRow", "sweep_summary", "sweep_summary_rows", "sweep_summary_table"]

_META = ("point", "seed", "status", "error", "error_type", "elapsed_s")


@dataclass(frozen=True)
class SweepSummaryRow:
    """The headline of one sweep point (module docstring); ``gain[p] = (gain, standard error)``."""

    point: int
    params: dict[str, Scalar]
    status: str
    gain: dict[str, tuple[float, float]] = field(default_factory=dict)
    zopa: bool | None = None
    width: dict[str, float] = field(default_factory=dict)
    package: str = ""
    basis: str = ""  # "deal space" or "named packages"
    error: str | None = None


def _number(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    if value is None or isinstance(value, (bool, str)):
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _from_space(row: Mapping[str, Any], parties: Sequence[str]) -> dict[str, Any]:
    gain = {p: (_number(row, f"nash.gain.{p}"), _number(row, f"nash.gain.{p}.se")) for p in parties}
    issues = sorted({k[5:] for k in row if k.startswith("nash.") and not k.startswith("nash.gain.")
                     and _number(row, k) is not None})
    package = ", ".join(f"{i}={_number(row, f'nash.{i}'):g}" for i in issues)
    return {"gain": {p: (g, s if s is not None else math.nan) for p, (g, s) in gain.items() if g is not None},
            "zopa": (_number(row, "zopa.count") or 0.0) > 0,
            "width": {p: w for p in parties if (w := _number(row, f"zopa.width.{p}")) is not None},
            "package": package or ("no rational package" if (_number(row, "zopa.count") or 0.0) == 0 else ""),
            "basis": "deal space"}


def _from_packages(row: Mapping[str, Any], parties: Sequence[str]) -> dict[str, Any]:
    packages = [k[5:-len(parties[0]) - 1] for k in row if k.startswith("gain.") and k.endswith(f".{parties[0]}")]
    found = {k: [_number(row, f"gain.{k}.{p}") for p in parties] for k in packages}
    gains = {k: [x for x in g if x is not None] for k, g in found.items() if all(x is not None for x in g)}
    rational = [k for k, g in gains.items() if all(x >= 0 for x in g)]
    width = {p: max(gains[k][i] for k in rational) for i, p in enumerate(parties)} if rational else {}
    if not rational:
        return {"gain": {}, "zopa": False, "width": {}, "package": "none beats the status quo",
                "basis": "named packages"}
    best = max(rational, key=lambda k: gains[k][0] * gains[k][1])  # first maximum in column order
    se = {p: _number(row, f"gain.{best}.{p}.se") for p in parties}
    return {"gain": {p: (gains[best][i], se[p] if se[p] is not None else math.nan) for i, p in enumerate(parties)},
            "zopa": True, "width": width, "package": best, "basis": "named packages"}


def sweep_summary(results: Any, parties: Sequence[str], params: Sequence[str] | None = None) -> list[SweepSummaryRow]:
    """One :class:`SweepSummaryRow` per point of a sweep's results, in point order.

    ``results``: the results table (a ``pyarrow.Table``, e.g. :meth:`SweepResult.table`, or a
    sequence of row mappings); ``parties``: the scenario's party ids; ``params``: the varied
    parameters (default: the columns between ``point`` and ``seed``, as the results table lays
    them out).
    """
    rows = results.to_pylist() if hasattr(results, "to_pylist") else [dict(r) for r in results]
    if params is None:
        columns = list(results.column_names) if hasattr(results, "column_names") else list(rows[0]) if rows else []
        start = columns.index("point") + 1 if "point" in columns else 0
        stop = columns.index("seed") if "seed" in columns else start
        params = [c for c in columns[start:stop] if c not in _META]
    out = []
    for i, row in enumerate(sorted(rows, key=lambda r: r.get("point", 0))):
        point = int(row.get("point", i))
        values = {p: row.get(p) for p in params}
        status = str(row.get("status", "ok"))
        if status != "ok":
            out.append(SweepSummaryRow(point, values, status, error=row.get("error")))
            continue
        found = _from_space(row, parties) if "zopa.count" in row and row["zopa.count"] is not None \
            else _from_packages(row, parties)
        out.append(SweepSummaryRow(point, values, status, **found))
    return out


def _pm(value: float, se: float) -> str:
    return pm(value, se, signed=True) if math.isfinite(se) else f"{value:+,.2f}"


def sweep_summary_rows(summary: Sequence[SweepSummaryRow], parties: Sequence[str]) -> list[dict[str, str]]:
    """The summary as text cells, one dict per point (column name → cell), for printing or CSV."""
    out = []
    for r in summary:
        cells = {"point": str(r.point), **{k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in r.params.items()}}
        if r.status != "ok":
            cells.update({f"gain {p}": "" for p in parties})
            cells.update({"ZOPA": "", **{f"width {p}": "" for p in parties}, "predicted package": f"failed: {r.error}"})
        else:
            cells.update({f"gain {p}": _pm(*r.gain[p]) if p in r.gain else "" for p in parties})
            cells["ZOPA"] = "yes" if r.zopa else "no"
            cells.update({f"width {p}": num(r.width[p]) if p in r.width else "" for p in parties})
            cells["predicted package"] = r.package
        out.append(cells)
    return out


def sweep_summary_table(summary: Sequence[SweepSummaryRow], parties: Sequence[str],
                        names: Mapping[str, str] | None = None, unit: str = "USD bn") -> Any:
    """The summary as a Rich table whose caption explains its columns (``names``: party id → name,
    already escaped for Rich markup)."""
    from rich.table import Table

    names = dict(names or {})
    rows = sweep_summary_rows(summary, parties)
    basis = {r.basis for r in summary if r.basis}
    where = "the deal space's Nash package" if basis == {"deal space"} else (
        "the named package with the largest Nash product of gains" if basis == {"named packages"}
        else "the Nash package of the deal space, or of the named packages where there is none")
    table = Table(title=f"Sweep: one row per point ({unit})",
                  caption=(f"gain: each side's gain over the status quo at the predicted package, {where}, ± one "
                           "paired Monte Carlo standard error; ZOPA: whether some package leaves both sides better "
                           "off, width: each side's largest gain inside it; predicted package: its numeric issue "
                           "values (or its name)."),
                  caption_justify="left")
    if not rows:
        return table
    for column in rows[0]:
        kind, _, party = column.partition(" ")
        label = f"{kind} {names.get(party, party)}" if kind in ("gain", "width") and party in parties else column
        table.add_column(label, justify="left" if column == "predicted package" else "right")
    for cells in rows:
        table.add_row(*cells.values())
    return table
