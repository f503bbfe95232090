"""Benchmark: Pareto frontier and bargaining solutions over many packages.

Prints
1. the time of ``pareto_frontier`` + ``solve_all`` (all solutions, weighted Nash
   included) over 1,000,000 random packages (target: under 0.5 s), for three
   clouds of packages: independent uniform utilities, a cloud hugging a concave
   frontier, and an exactly linear frontier (every package Pareto optimal);
2. NegMAS 0.16's Pareto frontier against ours on the first 100,000 uniform
   packages, with the ratio (target: at least 20x), and on 10,000 packages near a
   concave frontier, where NegMAS's cost grows with the frontier size. NegMAS is
   fed both ways it offers: ``pareto_frontier(ufuns, outcomes)`` with one
   ``MappingUtilityFunction`` per party, and ``pareto_frontier_numpy(points)`` on
   precomputed utilities.

Run: ``.venv/bin/python benchmarks/bench_frontier.py``. Times are the best of a
few repeats (``time.perf_counter``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from zopa.bargain import pareto_frontier, solve_all

N_LARGE = 1_000_000
N_PEER = 100_000
N_SMALL = 10_000


def best_time(run: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def clouds(rng: np.random.Generator, n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    x = rng.random(n)
    return {
        "uniform": (x, rng.random(n)),
        "near a concave frontier": (x, np.sqrt(1.0 - x**2) * (1.0 - 0.01 * rng.random(n))),
        "all on a linear frontier": (x, 1.0 - x),
    }


def frontier_and_solutions(u1: np.ndarray, u2: np.ndarray) -> None:
    pareto_frontier(u1, u2)
    solve_all(u1, u2, 0.2, 0.1, nash_weight=0.3)


def compare_with_negmas(label: str, u1: np.ndarray, u2: np.ndarray, repeats: int) -> None:
    import negmas.preferences.ops as ops
    from negmas.preferences import MappingUtilityFunction

    outcomes = [(k,) for k in range(u1.size)]
    ufuns = [
        MappingUtilityFunction(dict(zip(outcomes, u.tolist())), reserved_value=float("-inf"))
        for u in (u1, u2)
    ]
    points = np.column_stack([u1, u2])
    ours = pareto_frontier(u1, u2)
    theirs = ops.pareto_frontier_numpy(points)  # NegMAS keeps one copy of duplicated pairs
    assert {(u1[k], u2[k]) for k in theirs} == {(u1[k], u2[k]) for k in ours}
    zopa_s = best_time(lambda: pareto_frontier(u1, u2))
    with_ufuns = best_time(lambda: ops.pareto_frontier(ufuns, outcomes=outcomes), repeats)
    on_points = best_time(lambda: ops.pareto_frontier_numpy(points), repeats)
    print(f"  {label} (frontier size {ours.size:,})")
    print(f"    zopa pareto_frontier(u1, u2)          {zopa_s * 1e3:10.2f} ms")
    print(f"    NegMAS pareto_frontier(ufuns, ...)    {with_ufuns * 1e3:10.2f} ms   ratio {with_ufuns / zopa_s:7.0f}x")
    print(f"    NegMAS pareto_frontier_numpy(points)  {on_points * 1e3:10.2f} ms   ratio {on_points / zopa_s:7.0f}x")


def main() -> None:
    seed = np.random.SeedSequence(20250709)
    large, small = (np.random.default_rng(s) for s in seed.spawn(2))

    print(f"frontier + all solutions, {N_LARGE:,} packages (target < 0.5 s)")
    large_clouds = clouds(large, N_LARGE)
    for name, (u1, u2) in large_clouds.items():
        seconds = best_time(lambda: frontier_and_solutions(u1, u2))
        size = pareto_frontier(u1, u2).size
        print(f"  {name:<26} {seconds * 1e3:8.1f} ms   frontier size {size:,}")

    print("\nPareto frontier: NegMAS 0.16 vs zopa (target ratio >= 20x)")
    u1, u2 = large_clouds["uniform"]
    compare_with_negmas(f"uniform, first {N_PEER:,} packages", u1[:N_PEER], u2[:N_PEER], repeats=3)
    u1, u2 = clouds(small, N_SMALL)["near a concave frontier"]
    compare_with_negmas(f"near a concave frontier, {N_SMALL:,} packages", u1, u2, repeats=3)


if __name__ == "__main__":
    main()
