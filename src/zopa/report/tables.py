"""Tables of a run as Arrow tables, written as Parquet and/or CSV.

* ``packages``: one row per named package × party × beliefs — value (mean ± SE, 5/50/95% quantiles,
  certainty equivalent ± SE for a risk-averse party) and the gain over the contract in force.
* ``terms``: one row per named package × party × beliefs × term — the per-term breakdown.
* ``deal_space``: one row per package of the deal space — its option on each issue (one column per
  issue id), each party's utility and gain over its BATNA ± SE, and whether it lies in the ZOPA
  (``in_zopa``), robustly so (``robust``) and on the Pareto frontier (``on_frontier``).

Money is raw present value in the scenario's unit (``meta.unit``, e.g. USD billions); ``se`` is one
Monte Carlo standard error.

CSV files are opened in spreadsheets, so text cells (and column names) that a spreadsheet would read
as a formula — starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — get a leading ``'``
(:func:`~zopa.report.safe.csv_cell`). Parquet files keep the text exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from zopa.analysis import Analysis
from zopa.report.analysis_data import frontier_mask, in_zopa_mask, robust_mask
from zopa.report.run_dir import atomic_write
from zopa.report.safe import FORMULA_PATTERN, csv_cell
from zopa.value import Valuation

TableFormat = Literal["parquet", "csv", "both"]
FORMATS: tuple[str, ...] = ("parquet", "csv", "both")


def _opt(x: float | None) -> float | None:
    return None if x is None else float(x)


def packages_table(v: Valuation) -> pa.Table:
    """Named packages × party × beliefs. ``gain`` is the party's decision value (certainty equivalent
    when risk averse, else the mean) minus the contract in force's, paired over paths, under the same
    beliefs; null for the contract in force itself when it is not among the packages."""
    s = v.scenario
    sq = s.meta.status_quo
    rows: dict[str, list[Any]] = {k: [] for k in (
        "package", "label", "party", "beliefs", "mean", "se", "q05", "q50", "q95", "ce", "ce_se", "gain", "gain_se")}
    for pkg in v.packages:
        for party in v.parties:
            for beliefs in v.parties:
                e = v.estimate(pkg, party, beliefs)
                d = v.difference(party, pkg, sq, beliefs) if sq in v.packages else None
                for key, value in (("package", pkg), ("label", s.packages[pkg].label), ("party", party),
                                   ("beliefs", beliefs), ("mean", e.mean), ("se", e.se), ("q05", e.q05),
                                   ("q50", e.q50), ("q95", e.q95), ("ce", _opt(e.ce)), ("ce_se", _opt(e.ce_se)),
                                   ("gain", None if d is None else d.value),
                                   ("gain_se", None if d is None else d.value_se)):
                    rows[key].append(value)
    return pa.table(rows, schema=_schema(rows, strings=("package", "label", "party", "beliefs")))


def terms_table(v: Valuation) -> pa.Table:
    """Named packages × party × beliefs × term: risk-neutral value of each term (mean ± SE, quantiles)."""
    rows: dict[str, list[Any]] = {k: [] for k in (
        "package", "party", "beliefs", "term", "label", "mean", "se", "q05", "q50", "q95")}
    for pkg in v.packages:
        for party in v.parties:
            for beliefs in v.parties:
                for term, e in v.term_estimates(pkg, party, beliefs).items():
                    for key, value in (("package", pkg), ("party", party), ("beliefs", beliefs), ("term", term),
                                       ("label", v.term_label(pkg, term)), ("mean", e.mean), ("se", e.se),
                                       ("q05", e.q05), ("q50", e.q50), ("q95", e.q95)):
                        rows[key].append(value)
    return pa.table(rows, schema=_schema(rows, strings=("package", "party", "beliefs", "term", "label")))


def _schema(rows: dict[str, list[Any]], strings: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(k, pa.string() if k in strings else pa.float64()) for k in rows])


def deal_space_table(analysis: Analysis, space_valuation: Any = None) -> pa.Table:
    """All K packages of the deal space: ``package`` (index), the option of each issue (dictionary-
    encoded strings, one column per issue id), then per party ``utility_<id>``, ``utility_se_<id>``,
    ``gain_<id>``, ``gain_se_<id>`` (and ``mean_<id>``, ``mean_se_<id>`` — the risk-neutral value —
    when the space valuation is given), and the flags ``in_zopa``, ``robust``, ``on_frontier``."""
    p = analysis.problem
    columns: dict[str, pa.Array] = {"package": pa.array(np.arange(p.n_packages, dtype=np.int64))}
    if p.choices is not None:
        for j, issue in enumerate(p.issues):
            options = pa.array(list(issue.options), type=pa.string())
            columns[issue.id] = pa.DictionaryArray.from_arrays(pa.array(p.choices[:, j].astype(np.int32)), options)
    gain = p.utility - np.asarray(p.batna)[:, None]
    for i, party in enumerate(p.parties):
        columns[f"utility_{party}"] = pa.array(p.utility[i], type=pa.float64())
        if p.utility_se is not None:
            columns[f"utility_se_{party}"] = pa.array(p.utility_se[i], type=pa.float64())
        columns[f"gain_{party}"] = pa.array(gain[i], type=pa.float64())
        if p.gain_se is not None:
            columns[f"gain_se_{party}"] = pa.array(p.gain_se[i], type=pa.float64())
        if space_valuation is not None and party in space_valuation.parties:
            pv = space_valuation.parties[party]
            columns[f"mean_{party}"] = pa.array(np.asarray(pv.mean, dtype=float))
            columns[f"mean_se_{party}"] = pa.array(np.asarray(pv.se, dtype=float))
    columns["in_zopa"] = pa.array(in_zopa_mask(analysis))
    columns["robust"] = pa.array(robust_mask(analysis))
    columns["on_frontier"] = pa.array(frontier_mask(analysis))
    return pa.table(columns)


def write_table(table: pa.Table, stem: Path, fmt: TableFormat = "parquet") -> list[Path]:
    """Write ``table`` as ``stem.parquet`` and/or ``stem.csv`` (atomically); return the paths."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected one of {', '.join(FORMATS)}")
    stem = Path(stem)
    written = []
    if fmt in ("parquet", "both"):
        import pyarrow.parquet as pq

        path = stem.with_suffix(".parquet")
        atomic_write(path, lambda handle: pq.write_table(table, handle, compression="zstd"))
        written.append(path)
    if fmt in ("csv", "both"):
        import pyarrow.csv as pacsv

        path = stem.with_suffix(".csv")
        plain = csv_safe_table(table)
        atomic_write(path, lambda handle: pacsv.write_csv(plain, handle))
        written.append(path)
    return written


def csv_safe_table(table: pa.Table) -> pa.Table:
    """``table`` for CSV: dictionary columns decoded, and every text cell and column name that a
    spreadsheet would evaluate as a formula prefixed with ``'`` (:func:`~zopa.report.safe.csv_cell`)."""
    import pyarrow.compute as pc

    columns, names = [], []
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            formula = pc.match_substring_regex(column, FORMULA_PATTERN)
            if pc.any(formula).as_py():
                column = pc.if_else(formula, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
        names.append(csv_cell(name))
    return pa.table(columns, names=names)
