"""The sweep's summary: one row per point with the varied values, each side's gain ± SE, the ZOPA
and the predicted package."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pytest
from rich.console import Console
from typer.testing import CliRunner

from zopa.sensitivity.sweep import SweepSummaryRow, run_sweep, sweep_summary, sweep_summary_table
from zopa.sensitivity.sweep_summary import sweep_summary_rows

PARTIES = ("a", "b")


def space_row(point: int, x: float, count: float) -> dict:
    """A point as a deal-space sweep records it (outputs of ``sweep_point``)."""
    row = {"point": point, "x": x, "seed": 7, "status": "ok", "error": None, "error_type": None,
           "gain.deal.a": 1.0, "gain.deal.a.se": 0.1, "gain.deal.b": 2.0, "gain.deal.b.se": 0.2,
           "zopa.count": count, "zopa.robust_count": 0.0, "zopa.width.a": 3.0 * x, "zopa.width.b": 4.0,
           "elapsed_s": 0.1}
    if count:
        row.update({"nash.gain.a": 1.5 * x, "nash.gain.a.se": 0.25, "nash.gain.b": 2.5, "nash.gain.b.se": 0.5,
                    "nash.stake": 0.15, "nash.fee": 2.0})
    return row


def packages_row(point: int, gains: dict[str, tuple[float, float]]) -> dict:
    """A point without a deal space: only the named packages' gains."""
    row: dict = {"point": point, "x": float(point), "seed": 1, "status": "ok", "error": None}
    for k, (ga, gb) in gains.items():
        row.update({f"gain.{k}.a": ga, f"gain.{k}.a.se": 0.01, f"gain.{k}.b": gb, f"gain.{k}.b.se": 0.02})
    return row


def test_deal_space_points() -> None:
    rows = [space_row(1, 2.0, 0.0), space_row(0, 1.0, 12.0)]
    first, second = sweep_summary(rows, PARTIES, params=["x"])
    assert first == SweepSummaryRow(0, {"x": 1.0}, "ok", {"a": (1.5, 0.25), "b": (2.5, 0.5)}, True,
                                    {"a": 3.0, "b": 4.0}, "fee=2, stake=0.15", "deal space")
    assert second.point == 1 and second.zopa is False and second.gain == {}
    assert second.package == "no rational package"


def test_named_packages_pick_the_largest_nash_product() -> None:
    """Rational packages (both gains >= 0): p (1, 4) product 4, q (3, 2) product 6, r (5, 0) product 0;
    s (9, -1) is not rational.  Widths: a 5 (r), b 4 (p)."""
    (row,) = sweep_summary([packages_row(0, {"p": (1, 4), "q": (3, 2), "r": (5, 0), "s": (9, -1)})], PARTIES)
    assert row.basis == "named packages" and row.package == "q" and row.zopa
    assert row.gain == {"a": (3.0, 0.01), "b": (2.0, 0.02)} and row.width == {"a": 5.0, "b": 4.0}
    (none,) = sweep_summary([packages_row(0, {"s": (9, -1)})], PARTIES)
    assert none.zopa is False and none.package == "none beats the status quo"


def test_params_from_the_table_layout_and_failed_points() -> None:
    ok = space_row(0, 1.0, 3.0)
    failed = {"point": 1, "x": 2.0, "seed": 3, "status": "error", "error": "boom", "error_type": "ValueError"}
    table = pa.Table.from_pylist([ok, {**{k: None for k in ok}, **failed}])
    rows = sweep_summary(table, PARTIES)
    assert [r.params for r in rows] == [{"x": 1.0}, {"x": 2.0}]
    assert rows[1].status == "error" and rows[1].error == "boom"
    cells = sweep_summary_rows(rows, PARTIES)
    assert list(cells[0]) == ["point", "x", "gain a", "gain b", "ZOPA", "width a", "width b", "predicted package"]
    assert cells[0]["gain a"] == "+1.50 ± 0.25" and cells[0]["ZOPA"] == "yes" and cells[0]["width a"] == "3.00"
    assert cells[1]["predicted package"] == "failed: boom" and cells[1]["gain a"] == ""
    console = Console(width=200, record=True)
    console.print(sweep_summary_table(rows, PARTIES, {"a": "Alpha", "b": "Beta"}))
    text = " ".join(console.export_text().split())
    assert "gain Alpha" in text and "width Beta" in text and "paired Monte Carlo standard error" in text


def test_missing_standard_error_prints_the_value_alone() -> None:
    row = space_row(0, 1.0, 1.0)
    row["nash.gain.a.se"] = None
    (summary,) = sweep_summary([row], PARTIES, params=["x"])
    assert math.isnan(summary.gain["a"][1])
    assert sweep_summary_rows([summary], PARTIES)[0]["gain a"] == "+1.50"


def toy_engine_point(params: dict, seed: int) -> dict:
    """Engine-shaped outputs: a ZOPA only for x > 1."""
    x = float(params["x"])
    out = {"gain.deal.a": x, "gain.deal.a.se": 0.1, "gain.deal.b": 1.0, "gain.deal.b.se": 0.1,
           "zopa.count": float(x > 1), "zopa.width.a": x, "zopa.width.b": 1.0}
    if x > 1:
        out.update({"nash.gain.a": x / 2, "nash.gain.a.se": 0.05, "nash.gain.b": 0.5, "nash.gain.b.se": 0.05,
                    "nash.fee": x})
    return out


def test_summary_of_a_real_sweep(tmp_path: Path) -> None:
    result = run_sweep(toy_engine_point, [{"x": 1.0}, {"x": 2.0}], tmp_path / "s", seed=0, n_workers=1,
                       progress=False, processes=False)
    rows = sweep_summary(result.table(), PARTIES)
    assert [(r.point, r.params, r.zopa, r.package) for r in rows] == [
        (0, {"x": 1.0}, False, "no rational package"), (1, {"x": 2.0}, True, "fee=2")]
    assert rows[1].gain == {"a": (1.0, 0.05), "b": (0.5, 0.05)}


def test_cli_sweep_prints_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zopa.cli import app
    from zopa.cli import sensitivity as cli
    from zopa.scenario.template import TEMPLATE

    def in_process(point, grid, target, seed, scheduler, workers, resume, force):  # noqa: ANN001, ANN202
        return run_sweep(point, grid, target, seed, n_workers=1, progress=False, processes=False)

    monkeypatch.setattr(cli, "run_sweep_cli", in_process)
    scenario = tmp_path / "deal.toml"
    scenario.write_text(TEMPLATE, encoding="utf-8")
    result = CliRunner().invoke(app, ["sweep", str(scenario), "--vary", "world.revenue.initial=1,2",
                                      "--paths", "200", "--space-paths", "0", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Sweep: one row per point" in text and "world.revenue.initial" in text and "gain Vendor" in text
    assert "2/2 points ok" in text
