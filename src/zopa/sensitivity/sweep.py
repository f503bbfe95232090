"""Parameter sweeps of a point function on Dask, written point by point and resumable.

A *point function* ``point(params, seed) -> outputs`` analyses one scenario variant and returns
flat scalar outputs.  Point i of a grid gets the seed

    seed_i = first 63 bits of SeedSequence(seed, spawn_key=(i,)).generate_state(1, uint64),

i.e. the i-th child of ``SeedSequence(seed)``: it depends on (seed, i) only, never on which worker
runs the point or how points are batched, so the results are the same for any number of workers.

Layout of ``out_dir``::

    sweep.json                manifest: seed, number of points, hash of the whole grid
    points/point-000042.json  one file per finished point (params, seed, hash, status, outputs)
    results.parquet           every point, sorted by index (written at the end)
    results.duckdb            DuckDB database with a view ``results`` over results.parquet

Each point file carries sha256(params, seed_i); on a rerun, points whose file matches and has
status "ok" are reused, the rest are computed.  A grid that no longer matches the files is
refused unless ``force=True``, which discards the files that do not match.  :func:`sweep_summary`
reads one headline row per point off the results (:mod:`zopa.sensitivity.sweep_summary`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from zopa.sensitivity.sweep_grid import (  # re-exported: the grid helpers and errors
    GridMismatchError,
    Scalar,
    SweepError,
    normalise_grid,
)
from zopa.sensitivity.sweep_summary import SweepSummaryRow, sweep_summary, sweep_summary_table  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from distributed import Client

PointFunction = Callable[[dict[str, Scalar], int], Mapping[str, object]]
META_COLUMNS = ("point", "seed", "status", "error", "error_type", "elapsed_s")
MANIFEST = "sweep.json"
POINTS_DIR = "points"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class PointRecord:
    """The outcome of one point, as stored in its JSON file."""

    index: int
    params: dict[str, Scalar]
    seed: int
    hash: str
    status: str  # "ok" or "error"
    outputs: dict[str, Scalar | None]
    error: str | None = None
    error_type: str | None = None
    traceback: str | None = None
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class SweepResult:
    """Where a finished sweep's results are, and which points this run computed or reused."""

    out_dir: Path
    parquet_path: Path
    duckdb_path: Path
    n_points: int
    n_ok: int
    n_error: int
    computed: tuple[int, ...]
    reused: tuple[int, ...]

    def table(self) -> pa.Table:
        """The results table (one row per point, sorted by point index)."""
        return pq.read_table(self.parquet_path)


def point_seed(seed: int, index: int) -> int:
    """Seed of point ``index``: 63 bits of the index-th child of SeedSequence(seed).

    >>> point_seed(1, 5) == point_seed(1, 5) != point_seed(1, 6)
    True
    """
    state = np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def point_hash(params: Mapping[str, Scalar], seed: int) -> str:
    """sha256 of the canonical JSON of (params, seed)."""
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _output_value(name: str, value: object) -> Scalar | None:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"output {name!r} must be a scalar (float, int, str, bool or None), got {type(value).__name__}")


def execute_point(index: int, params: dict[str, Scalar], seed: int, digest: str, point: PointFunction) -> PointRecord:
    """Run one point, turning any exception into an "error" record (runs on a Dask worker)."""
    start = time.perf_counter()
    try:
        raw = point(dict(params), seed)
        if not isinstance(raw, Mapping):
            raise TypeError(f"point function must return a mapping of outputs, got {type(raw).__name__}")
        outputs = {str(k): _output_value(str(k), v) for k, v in raw.items()}
        clash = sorted(set(outputs) & (set(params) | set(META_COLUMNS)))
        if clash:
            raise ValueError(f"output names {clash} clash with parameter or reserved column names")
    except Exception as exc:  # noqa: BLE001 - a failed point is recorded, not raised
        return PointRecord(
            index, params, seed, digest, "error", {}, str(exc), type(exc).__name__,
            traceback.format_exc(), time.perf_counter() - start,
        )
    return PointRecord(index, params, seed, digest, "ok", outputs, elapsed_s=time.perf_counter() - start)


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_json(path: Path, data: object) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)

    _atomic_write(path, write)


def _point_path(points_dir: Path, index: int) -> Path:
    return points_dir / f"point-{index:06d}.json"


def _read_record(path: Path) -> PointRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PointRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def _existing_points(points_dir: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in points_dir.glob("point-*.json"):
        stem = path.stem.removeprefix("point-")
        if stem.isdigit():
            found[int(stem)] = path
    return found


def _reconcile(out_dir: Path, seed: int, hashes: list[str], resume: bool, force: bool) -> set[int]:
    """Check out_dir against the grid; return the indices whose stored result can be reused."""
    points_dir = out_dir / POINTS_DIR
    points_dir.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT_VERSION,
        "seed": seed,
        "n_points": len(hashes),
        "grid_hash": hashlib.sha256("".join(hashes).encode()).hexdigest(),
    }
    manifest_path = out_dir / MANIFEST
    if manifest_path.exists() and not force:
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            old = None
        if old != manifest:
            raise GridMismatchError(
                f"{out_dir} holds a different sweep (grid or seed changed); use another out_dir or force=True"
            )
    reusable: set[int] = set()
    stale: list[Path] = []
    for index, path in sorted(_existing_points(points_dir).items()):
        record = _read_record(path)
        if record is None:
            continue  # unreadable: recomputed and overwritten
        if index >= len(hashes) or record.hash != hashes[index] or record.index != index:
            stale.append(path)
        elif resume and record.status == "ok":
            reusable.add(index)
    if stale and not force:
        raise GridMismatchError(
            f"{len(stale)} point files in {points_dir} (first {stale[0].name}) do not match this grid; "
            "use another out_dir or force=True"
        )
    for path in stale:
        path.unlink()
    _write_json(manifest_path, manifest)
    return reusable


@contextmanager
def local_client(n_workers: int = 2, processes: bool = True) -> Iterator[Client]:
    """A Dask client on a fresh ``LocalCluster`` of single-threaded workers, closed on exit.

    Worker processes keep glibc's default malloc thresholds: Dask's default
    ``MALLOC_TRIM_THRESHOLD_`` makes every large temporary numpy array a fresh mmap, which
    slows numpy-heavy points several-fold.  The dashboard is off.
    """
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},  # health routes only, on a free port
            silence_logs=logging.ERROR,
        )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextmanager
def _client_for(scheduler: str | Client | None, n_workers: int, processes: bool) -> Iterator[Client]:
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
    elif scheduler is not None:
        with Client(scheduler) as client:
            yield client
    else:
        with local_client(n_workers, processes) as client:
            yield client


@contextmanager
def _progress_bar(enabled: bool, total: int, done: int) -> Iterator[Callable[[], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), disable=not enabled,
    ) as bar:
        task = bar.add_task("sweep", total=total, completed=done)
        yield lambda: bar.advance(task)


def _column(values: list[object]) -> pa.Array:
    """An Arrow column: bool, int64, float64 or string by the values' Python types (None → null)."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.nulls(len(values))
    for types, arrow in (({bool}, pa.bool_()), ({int}, pa.int64()), ({int, float}, pa.float64()), ({str}, pa.string())):
        if kinds <= types:
            try:
                return pa.array(values, type=arrow)
            except (pa.ArrowInvalid, OverflowError):
                break
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _collect(out_dir: Path, records: list[PointRecord]) -> tuple[Path, Path]:
    params = list(records[0].params) if records else []
    outputs: dict[str, None] = {}
    for r in records:
        outputs.update(dict.fromkeys(r.outputs))
    columns: dict[str, pa.Array] = {"point": pa.array([r.index for r in records], pa.int64())}
    columns.update({p: _column([r.params[p] for r in records]) for p in params})
    columns["seed"] = pa.array([r.seed for r in records], pa.int64())
    for name in ("status", "error", "error_type"):
        columns[name] = pa.array([getattr(r, name) for r in records], pa.string())
    columns.update({o: _column([r.outputs.get(o) for r in records]) for o in outputs})
    columns["elapsed_s"] = pa.array([r.elapsed_s for r in records], pa.float64())
    table = pa.table(columns)

    parquet_path = out_dir / "results.parquet"
    _atomic_write(parquet_path, lambda tmp: pq.write_table(table, tmp))

    import duckdb

    duckdb_path = out_dir / "results.duckdb"
    source = str(parquet_path.resolve()).replace("'", "''")

    def write_db(tmp: Path) -> None:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(f"CREATE VIEW results AS SELECT * FROM read_parquet('{source}')")
        finally:
            con.close()

    _atomic_write(duckdb_path, write_db)
    return parquet_path, duckdb_path


def run_sweep(
    point: PointFunction,
    grid: Sequence[Mapping[str, Scalar]],
    out_dir: Path | str,
    seed: int,
    scheduler: str | Client | None = None,
    n_workers: int = 2,
    resume: bool = True,
    progress: bool = True,
    force: bool = False,
    processes: bool = True,
    on_point: Callable[[PointRecord], None] | None = None,
) -> SweepResult:
    """Run ``point`` on every grid point on Dask, store each result as it lands, then tabulate.

    ``scheduler``: None starts a ``LocalCluster(n_workers, threads_per_worker=1, processes=...)``
    for the run; an address such as "tcp://127.0.0.1:8786" connects to a running scheduler; a
    ``distributed.Client`` is used as is and left open.  ``resume`` reuses stored "ok" points
    (failed points are always retried).  ``force`` discards stored points that do not belong to
    this grid instead of refusing.  ``on_point`` is called in this process after each computed
    point has been written.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SweepError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise SweepError(f"n_workers must be a positive integer, got {n_workers!r}")
    points = normalise_grid(grid)
    if clash := sorted(set(points[0]) & set(META_COLUMNS)):
        raise SweepError(f"parameter names {clash} are reserved for result columns {list(META_COLUMNS)}")
    out_dir = Path(out_dir)
    seeds = [point_seed(seed, i) for i in range(len(points))]
    hashes = [point_hash(p, s) for p, s in zip(points, seeds, strict=True)]
    reusable = _reconcile(out_dir, seed, hashes, resume, force)
    points_dir = out_dir / POINTS_DIR

    todo = [i for i in range(len(points)) if i not in reusable]
    computed: list[int] = []
    if todo:
        from distributed import as_completed

        with _client_for(scheduler, n_workers, processes) as client, _progress_bar(
            progress, len(points), len(points) - len(todo)
        ) as advance:
            futures = client.map(
                execute_point, todo, [points[i] for i in todo], [seeds[i] for i in todo],
                [hashes[i] for i in todo], point=point, pure=False,
            )
            index_of = {f.key: i for f, i in zip(futures, todo, strict=True)}
            try:
                for future, result in as_completed(futures, loop=client.loop, with_results=True, raise_errors=False):
                    i = index_of[future.key]
                    if isinstance(result, PointRecord):
                        record = result
                    else:  # the task itself failed, e.g. its worker died: result is (type, exc, tb)
                        exc = result[1] if isinstance(result, tuple) else result
                        record = PointRecord(
                            i, points[i], seeds[i], hashes[i], "error", {}, str(exc), type(exc).__name__
                        )
                    _write_json(_point_path(points_dir, i), asdict(record))
                    computed.append(i)
                    advance()
                    if on_point is not None:
                        on_point(record)
            finally:
                client.cancel(futures)

    records = []
    for i in range(len(points)):
        stored = _read_record(_point_path(points_dir, i))
        if stored is None or stored.hash != hashes[i]:
            raise SweepError(f"point {i} has no valid result file in {points_dir}")
        records.append(stored)
    parquet_path, duckdb_path = _collect(out_dir, records)
    n_ok = sum(r.status == "ok" for r in records)
    return SweepResult(
        out_dir=out_dir,
        parquet_path=parquet_path,
        duckdb_path=duckdb_path,
        n_points=len(records),
        n_ok=n_ok,
        n_error=len(records) - n_ok,
        computed=tuple(sorted(computed)),
        reused=tuple(sorted(reusable)),
    )
