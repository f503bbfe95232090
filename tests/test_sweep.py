"""Sweeps on small Dask clusters: determinism across workers, failures, resume, storage."""

from __future__ import annotations

import functools
import json
import os
import uuid
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zopa.sensitivity import (
    GridMismatchError,
    PointRecord,
    SweepError,
    SweepFileError,
    SweepResult,
    grid_from_vary,
    load_sweep_file,
    local_client,
    point_seed,
    run_sweep,
    sample_grid,
)

GRID = grid_from_vary({"x": [0, 1, 2, 3, 4, 5], "kind": ["a", "b"]})  # 12 points; x = 3 fails


def toy_point(params: dict, seed: int, marker_dir: str | None = None) -> dict:
    """Deterministic math plus a seeded draw; x = 3 always fails."""
    if marker_dir is not None:
        Path(marker_dir, f"{params['x']}-{params['kind']}-{uuid.uuid4().hex}").touch()
    if params["x"] == 3:
        raise ValueError("x = 3 is outside the model's domain")
    rng = np.random.default_rng(seed)
    return {
        "y": params["x"] ** 2 + (10 if params["kind"] == "b" else 0),
        "noise": float(rng.normal()),
        "draw": int(rng.integers(1_000_000)),
        "label": f"{params['kind']}{params['x']}",
        "big": params["x"] > 2,
    }


def dying_point(params: dict, seed: int, die: bool = True) -> dict:
    """Kills its worker process for x = 1 (when ``die``)."""
    if die and params["x"] == 1:
        os._exit(1)
    return {"y": float(params["x"])}


def bad_output_point(params: dict, seed: int) -> dict:
    return {"x": 1.0} if params["x"] == 0 else ["not", "a", "mapping"]  # type: ignore[return-value]


def markers(path: Path) -> list[str]:
    return sorted(p.name.rsplit("-", 1)[0] for p in path.iterdir())


def without_timing(table: pa.Table) -> pa.Table:
    return table.drop_columns(["elapsed_s"])


def quick(out: Path, **kw: Any) -> SweepResult:
    """run_sweep with the toy defaults: threads, no progress bar, GRID, seed 42."""
    kw.setdefault("processes", False)
    kw.setdefault("progress", False)
    kw.setdefault("point", toy_point)
    kw.setdefault("grid", GRID)
    kw.setdefault("seed", 42)
    return run_sweep(out_dir=out, **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """The table of an uninterrupted 1-worker run."""
    res = quick(tmp_path_factory.mktemp("ref"), n_workers=1)
    return res.table()


def test_table_contents(reference: pa.Table) -> None:
    t = reference
    assert t.column_names == [
        "point", "x", "kind", "seed", "status", "error", "error_type",
        "y", "noise", "draw", "label", "big", "elapsed_s",
    ]
    assert t["point"].to_pylist() == list(range(12))
    assert t["seed"].to_pylist() == [point_seed(42, i) for i in range(12)]
    assert len(set(t["seed"].to_pylist())) == 12
    rows = t.to_pylist()
    ok = [r for r in rows if r["x"] != 3]
    assert all(r["status"] == "ok" and r["error"] is None for r in ok)
    assert [r["y"] for r in ok] == [r["x"] ** 2 + (10 if r["kind"] == "b" else 0) for r in ok]
    for r in ok:  # the draws come from each point's own seed
        rng = np.random.default_rng(r["seed"])
        assert (r["noise"], r["draw"]) == (rng.normal(), rng.integers(1_000_000))
    failed = [r for r in rows if r["x"] == 3]
    assert len(failed) == 2
    for r in failed:
        assert r["status"] == "error" and r["error_type"] == "ValueError"
        assert r["error"] == "x = 3 is outside the model's domain"
        assert r["y"] is None and r["label"] is None
    assert t.schema.field("y").type == pa.int64() and t.schema.field("big").type == pa.bool_()


@pytest.mark.parametrize("n_workers", [2, 4])
def test_same_table_whatever_the_number_of_workers(tmp_path: Path, reference: pa.Table, n_workers: int) -> None:
    res = quick(tmp_path, n_workers=n_workers)
    assert (res.n_points, res.n_ok, res.n_error) == (12, 10, 2)
    assert without_timing(res.table()).equals(without_timing(reference))


def test_real_processes_give_the_same_table(tmp_path: Path, reference: pa.Table) -> None:
    point = functools.partial(toy_point, marker_dir=None)  # a partial must pickle too
    res = quick(tmp_path, point=point, n_workers=2, processes=True, progress=True)
    assert without_timing(res.table()).equals(without_timing(reference))


def test_failed_point_file_keeps_error_and_traceback(tmp_path: Path) -> None:
    quick(tmp_path, n_workers=2)
    record = json.loads((tmp_path / "points" / "point-000006.json").read_text())
    assert record["params"] == {"x": 3, "kind": "a"} and record["status"] == "error"
    assert record["error_type"] == "ValueError" and "outside the model's domain" in record["traceback"]
    ok = json.loads((tmp_path / "points" / "point-000008.json").read_text())
    assert ok["status"] == "ok" and ok["outputs"]["label"] == "a4" and ok["error"] is None
    assert sorted(p.name for p in (tmp_path / "points").iterdir()) == [f"point-{i:06d}.json" for i in range(12)]


def test_resume_after_interruption_recomputes_only_missing(tmp_path: Path, reference: pa.Table) -> None:
    out, first, second = tmp_path / "out", tmp_path / "m1", tmp_path / "m2"
    first.mkdir()
    second.mkdir()
    seen: list[PointRecord] = []

    def stop_after_five(record: PointRecord) -> None:
        seen.append(record)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        quick(out, point=functools.partial(toy_point, marker_dir=str(first)), n_workers=2, on_point=stop_after_five)
    stored = {r["index"]: r["status"] for r in (json.loads(p.read_text()) for p in (out / "points").iterdir())}
    assert len(stored) == 5 and not (out / "results.parquet").exists()

    res = quick(out, point=functools.partial(toy_point, marker_dir=str(second)), n_workers=2)
    done_ok = {i for i, s in stored.items() if s == "ok"}
    assert set(res.reused) == done_ok
    assert set(res.computed) == set(range(12)) - done_ok  # missing points plus any stored failures
    assert len(markers(second)) == len(res.computed)
    assert without_timing(res.table()).equals(without_timing(reference))


def test_deleted_point_files_are_recomputed_and_failures_retried(tmp_path: Path) -> None:
    out, marks = tmp_path / "out", tmp_path / "marks"
    marks.mkdir()
    quick(out, n_workers=2)
    for i in (0, 5, 11):
        (out / "points" / f"point-{i:06d}.json").unlink()
    res = quick(out, point=functools.partial(toy_point, marker_dir=str(marks)), n_workers=2)
    assert res.computed == (0, 5, 6, 7, 11)  # 6 and 7 are the failing x = 3 points
    assert markers(marks) == ["0-a", "2-b", "3-a", "3-b", "5-b"]
    assert res.n_ok == 10


def test_nothing_to_do_starts_no_cluster_and_resume_false_recomputes(tmp_path: Path) -> None:
    grid = [p for p in GRID if p["x"] != 3]
    first = quick(tmp_path, grid=grid)
    again = quick(tmp_path, grid=grid, scheduler="tcp://127.0.0.1:1")  # unreachable: must not be used
    assert (again.computed, len(again.reused)) == ((), 10)
    assert without_timing(again.table()).equals(without_timing(first.table()))
    fresh = quick(tmp_path, grid=grid, resume=False)
    assert fresh.computed == tuple(range(10)) and fresh.reused == ()


def test_changed_grid_or_seed_is_refused_unless_forced(tmp_path: Path) -> None:
    quick(tmp_path, grid=GRID[:6])
    with pytest.raises(GridMismatchError, match="different sweep"):
        quick(tmp_path, grid=GRID[:6], seed=43)
    with pytest.raises(GridMismatchError, match="different sweep"):
        quick(tmp_path, grid=GRID[:4])
    changed = [dict(p, x=p["x"] + 10) for p in GRID[:4]]
    res = quick(tmp_path, grid=changed, force=True)
    assert res.computed == (0, 1, 2, 3) and res.table()["x"].to_pylist() == [10, 10, 11, 11]
    assert sorted(p.name for p in (tmp_path / "points").iterdir()) == [f"point-{i:06d}.json" for i in range(4)]
    # the same first four points under force are reused, not recomputed
    assert quick(tmp_path, grid=changed, force=True).reused == (0, 1, 2, 3)


def test_tampered_point_file_is_refused(tmp_path: Path) -> None:
    quick(tmp_path, grid=GRID[:4])
    path = tmp_path / "points" / "point-000002.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps(dict(data, hash="0" * 64)))
    with pytest.raises(GridMismatchError, match="point-000002.json"):
        quick(tmp_path, grid=GRID[:4])


def test_existing_scheduler_address(tmp_path: Path, reference: pa.Table) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        res = quick(tmp_path, scheduler=cluster.scheduler_address)
    assert without_timing(res.table()).equals(without_timing(reference))


@pytest.mark.slow
def test_a_dead_worker_is_recorded_as_an_error(tmp_path: Path) -> None:
    import dask

    grid = grid_from_vary({"x": [0, 1, 2, 3]})
    quick(tmp_path, point=functools.partial(dying_point, die=False), grid=grid)
    (tmp_path / "points" / "point-000001.json").unlink()
    # only the guilty point runs (tasks on a dying worker all count as suspects); fail it at once
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        res = quick(tmp_path, point=dying_point, grid=grid, processes=True, n_workers=1)
    assert res.computed == (1,)
    rows = res.table().to_pylist()
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "ok"]
    assert rows[1]["error_type"] == "KilledWorker" and rows[3]["y"] == 3.0


def test_a_given_client_is_reused_and_left_open(tmp_path: Path, reference: pa.Table) -> None:
    with local_client(n_workers=2, processes=False) as client:
        first = quick(tmp_path / "a", scheduler=client)
        second = quick(tmp_path / "b", scheduler=client, grid=GRID[:3])
        assert client.status == "running"
    assert without_timing(first.table()).equals(without_timing(reference))
    assert second.table()["label"].to_pylist() == ["a0", "b0", "a1"]


def test_duckdb_view_works_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = quick(tmp_path / "out", grid=GRID[:4])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with duckdb.connect(str(res.duckdb_path), read_only=True) as con:
        rows = con.execute('select point, "kind", y from results order by point').fetchall()
    assert rows == [(0, "a", 0), (1, "b", 10), (2, "a", 1), (3, "b", 11)]
    assert pq.read_table(res.parquet_path).num_rows == 4
    assert not [p for p in os.listdir(res.out_dir) if ".tmp-" in p]


def test_bad_outputs_become_error_records(tmp_path: Path) -> None:
    res = quick(tmp_path, point=bad_output_point, grid=[{"x": 0}, {"x": 1}])
    t = res.table().to_pylist()
    assert "clash" in t[0]["error"] and t[0]["error_type"] == "ValueError"
    assert "mapping" in t[1]["error"] and t[1]["error_type"] == "TypeError"


@pytest.mark.parametrize(
    ("grid", "match"),
    [
        ([], "non-empty sequence"),
        ({"x": 1}, "non-empty sequence"),
        ([{"x": 1}, {"y": 2}], "has parameters"),
        ([{"x": [1, 2]}], "float, int, str or bool"),
        ([{"x": float("nan")}], "finite"),
        ([{"seed": 1}], "reserved"),
    ],
)
def test_bad_grids(tmp_path: Path, grid: object, match: str) -> None:
    with pytest.raises(SweepError, match=match):
        quick(tmp_path, grid=grid)


def test_grid_from_vary_and_sample_grid() -> None:
    g = grid_from_vary({"a.b": [1, 2, 3], "c": [0.5, 1.5]})
    assert len(g) == 6 and g[1] == {"a.b": 1, "c": 1.5} and g[-1] == {"a.b": 3, "c": 1.5}
    with pytest.raises(SweepError, match="non-empty list"):
        grid_from_vary({"a": []})
    s = sample_grid({"u": (10, 20), "v": (-1, 0)}, 8, seed=3)
    assert s == sample_grid({"u": (10, 20), "v": (-1, 0)}, 8, seed=3)
    assert s != sample_grid({"u": (10, 20), "v": (-1, 0)}, 8, seed=4)
    u = np.array([p["u"] for p in s])
    assert sorted(np.floor((u - 10) / 10 * 8).astype(int)) == list(range(8))  # one point per stratum
    sob = sample_grid({"u": (0, 1)}, 16, seed=0, method="sobol")
    assert sorted(np.floor(np.array([p["u"] for p in sob]) * 16).astype(int)) == list(range(16))
    for bad, match in [({"u": (1, 1)}, "low < high"), ({"u": (0,)}, r"\[low, high\]")]:
        with pytest.raises(SweepError, match=match):
            sample_grid(bad, 4)
    with pytest.raises(SweepError, match="'lhs' or 'sobol'"):
        sample_grid({"u": (0, 1)}, 4, method="grid")


def test_load_sweep_file(tmp_path: Path) -> None:
    f = tmp_path / "vary.toml"
    f.write_text('seed = 9\nvary = { "world.revenue.initial" = [10, 12.7, 15], "mode" = ["x", "y"] }\n')
    spec = load_sweep_file(f)
    assert spec.seed == 9 and spec.kind == "vary" and len(spec.grid) == 6
    assert spec.grid[2] == {"world.revenue.initial": 12.7, "mode": "x"}
    nested = tmp_path / "nested.toml"
    nested.write_text("[vary.world.revenue]\ninitial = [1, 2]\n")
    assert load_sweep_file(nested).grid == ({"world.revenue.initial": 1}, {"world.revenue.initial": 2})
    sample = tmp_path / "sample.toml"
    sample.write_text('seed = 4\n[sample]\nn = 5\nranges = { "a.b" = [0, 1], "c" = [5, 6] }\n')
    spec = load_sweep_file(sample)
    assert spec.kind == "sample" and spec.seed == 4
    assert list(spec.grid) == sample_grid({"a.b": (0, 1), "c": (5, 6)}, 5, seed=4)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("vary = [1, 2", "not valid TOML"),
        ("seed = 1\n", "exactly one of"),
        ('vary = { a = [1] }\nsample = { n = 2, ranges = { a = [0, 1] } }', "exactly one of"),
        ('vary = { a = [1] }\nsed = 3', "unknown keys"),
        ('vary = { a = [] }', "non-empty list"),
        ('seed = -1\nvary = { a = [1] }', "non-negative"),
        ('sample = { n = 0, ranges = { a = [0, 1] } }', "positive integer"),
        ('sample = { n = 3 }', "ranges table"),
        ('sample = { n = 3, ranges = { a = [2, 1] } }', "low < high"),
    ],
)
def test_bad_sweep_files(tmp_path: Path, text: str, match: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(SweepFileError, match=match) as info:
        load_sweep_file(f)
    assert str(f) in str(info.value)
    with pytest.raises(SweepFileError, match="cannot read"):
        load_sweep_file(tmp_path / "missing.toml")
