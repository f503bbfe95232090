"""Sweep grids: cartesian products, Latin-hypercube or Sobol' samples, and sweep files (TOML)."""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

Scalar = float | int | str | bool


class SweepError(ValueError):
    """Bad sweep input: grid, seed, options or sweep file."""


class SweepFileError(SweepError):
    """A sweep file that cannot be read or does not have the expected shape."""


class GridMismatchError(SweepError):
    """Existing results in out_dir belong to a different grid or seed."""



def _param_value(name: str, value: object) -> Scalar:
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, bool | int | float | str):
        raise SweepError(f"parameter {name!r} must be a float, int, str or bool, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise SweepError(f"parameter {name!r} must be finite, got {value!r}")
    return value


def normalise_grid(grid: Sequence[Mapping[str, object]]) -> list[dict[str, Scalar]]:
    """Check a grid (non-empty, same parameter names at every point) and copy it as plain dicts."""
    if isinstance(grid, Mapping) or not isinstance(grid, Sequence) or len(grid) == 0:
        raise SweepError("grid must be a non-empty sequence of {parameter name: value} mappings")
    points: list[dict[str, Scalar]] = []
    for i, raw in enumerate(grid):
        if not isinstance(raw, Mapping) or not raw or not all(isinstance(k, str) for k in raw):
            raise SweepError(f"grid point {i} must be a non-empty mapping of parameter name to value")
        points.append({k: _param_value(k, v) for k, v in raw.items()})
        if set(points[-1]) != set(points[0]):
            raise SweepError(f"grid point {i} has parameters {sorted(points[-1])}, point 0 has {sorted(points[0])}")
    return points


def grid_from_vary(vary: Mapping[str, Sequence[Scalar]]) -> list[dict[str, Scalar]]:
    """Cartesian product of the listed values, the last parameter varying fastest.

    >>> grid_from_vary({"a": [1, 2], "b": ["x", "y"]})
    [{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    if not isinstance(vary, Mapping) or not vary:
        raise SweepError("vary must be a non-empty mapping of parameter name to a list of values")
    for name, values in vary.items():
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or len(values) == 0:
            raise SweepError(f"vary[{name!r}] must be a non-empty list of values, got {values!r}")
    names = list(vary)
    return normalise_grid([dict(zip(names, combo, strict=True)) for combo in itertools.product(*vary.values())])


def sample_grid(
    ranges: Mapping[str, Sequence[float]], n: int, seed: int = 0, method: str = "lhs"
) -> list[dict[str, float]]:
    """n points filling the box of (low, high) ranges: Latin hypercube ("lhs") or scrambled Sobol'.

    Sobol' points keep their balance properties only when n is a power of two.

    >>> g = sample_grid({"a": (0, 1), "b": (10, 20)}, 4, seed=1)
    >>> len(g), all(0 <= p["a"] <= 1 and 10 <= p["b"] <= 20 for p in g)
    (4, True)
    """
    from scipy.stats import qmc

    if not isinstance(ranges, Mapping) or not ranges:
        raise SweepError("ranges must be a non-empty mapping of parameter name to (low, high)")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SweepError(f"n must be a positive integer, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SweepError(f"seed must be a non-negative integer, got {seed!r}")
    bounds = []
    for name, rng in ranges.items():
        try:
            low, high = (float(v) for v in rng)
        except (TypeError, ValueError):
            raise SweepError(f"ranges[{name!r}] must be [low, high], got {rng!r}") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise SweepError(f"ranges[{name!r}] must be finite with low < high, got {rng!r}")
        bounds.append((low, high))
    gen = np.random.default_rng(np.random.SeedSequence(seed))
    if method == "lhs":
        engine: qmc.QMCEngine = qmc.LatinHypercube(d=len(bounds), rng=gen)
    elif method == "sobol":
        engine = qmc.Sobol(d=len(bounds), scramble=True, rng=gen)
    else:
        raise SweepError(f"method must be 'lhs' or 'sobol', got {method!r}")
    lows, highs = np.array(bounds).T
    values = qmc.scale(engine.random(n), lows, highs)
    return [dict(zip(ranges, map(float, row), strict=True)) for row in values]


@dataclass(frozen=True)
class SweepSpec:
    """A sweep read from a file: the grid and the sweep seed."""

    grid: tuple[dict[str, Scalar], ...]
    seed: int
    kind: str  # "vary" or "sample"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables to dotted names: {"a": {"b": 1}} → {"a.b": 1}."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def load_sweep_file(path: Path | str) -> SweepSpec:
    """Read a TOML sweep file.

    Either ``vary = { "world.revenue.initial" = [10, 12.7, 15], ... }`` (cartesian grid) or
    ``sample = { n = 200, ranges = { "world.revenue.initial" = [10, 15] }, method = "lhs" }``
    (space-filling sample, ``method`` "lhs" or "sobol", its own ``seed`` defaulting to the file's),
    plus an optional top-level ``seed`` (default 0).  Dotted names may also be written as nested
    tables (``[vary.world.revenue]`` with ``initial = [...]``).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SweepFileError(f"{path}: cannot read sweep file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SweepFileError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"vary", "sample", "seed"})
    if unknown:
        raise SweepFileError(f"{path}: unknown keys {unknown}; expected 'vary' or 'sample', and 'seed'")
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SweepFileError(f"{path}: seed must be a non-negative integer, got {seed!r}")
    if ("vary" in data) == ("sample" in data):
        raise SweepFileError(f"{path}: give exactly one of 'vary' or 'sample'")
    try:
        if "vary" in data:
            if not isinstance(data["vary"], Mapping):
                raise SweepError("'vary' must be a table of parameter name = [values]")
            return SweepSpec(tuple(grid_from_vary(_flatten(data["vary"]))), seed, "vary")
        sample = data["sample"]
        if not isinstance(sample, Mapping):
            raise SweepError("'sample' must be a table with n and ranges")
        extra = sorted(set(sample) - {"n", "ranges", "method", "seed"})
        if extra or "n" not in sample or not isinstance(sample.get("ranges"), Mapping):
            raise SweepError(f"'sample' needs n and a ranges table (optional method, seed); unexpected {extra}")
        ranges = _flatten(sample["ranges"])
        grid = sample_grid(ranges, sample["n"], sample.get("seed", seed), sample.get("method", "lhs"))
        return SweepSpec(tuple(dict[str, Scalar](point) for point in grid), seed, "sample")
    except SweepError as exc:
        raise SweepFileError(f"{path}: {exc}") from None
