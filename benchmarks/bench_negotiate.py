"""Benchmark alternating-offers negotiation and strategy tournaments.

1. A 100-round negotiation on a 100,000-package space (target < 0.5 s), against a baseline
   measured in the same run: the same negotiation with each proposal (feasibility, best
   package, offer selection) done by per-package Python loops, run on a 5,000-package space
   and scaled linearly to 100,000 packages.
2. A tournament of 6 strategies x 50 seeds on a 10,000-package space (target < 60 s).

Run: ``.venv/bin/python benchmarks/bench_negotiate.py``
"""

from __future__ import annotations

import time

import numpy as np

from zopa.negotiate import (
    STRATEGY_NAMES,
    RoundContext,
    negotiate,
    protocol,
    strategy_from_name,
    tournament,
)

ROUNDS = 100
BATNA_A, BATNA_B = 1.0, 0.6  # USD billions of present value
TIE_TOLERANCE = 0.002


def frontier_domain(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Packages trading value between the sides: 20 % on a concave frontier, the rest inside.

    Side a's value reaches 3.0, side b's 2.0 (USD billions); points lie at radius 1 (frontier)
    or ``sqrt(U(0.05, 1))`` (interior) along a random angle in the first quadrant.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    angle = rng.uniform(0.0, np.pi / 2, k)
    radius = np.where(rng.random(k) < 0.2, 1.0, np.sqrt(rng.uniform(0.05, 1.0, k)))
    return 3.0 * radius * np.cos(angle), 2.0 * radius * np.sin(angle)


def naive_propose(
    party: protocol._Party, t: int, rounds: int, seen: list[float], tie_tolerance: float
) -> int | None:
    """The proposal rule of ``protocol._propose`` written as plain loops over packages.

    Same rule and tie-breaking (first maximum in the proposer's own ranking); no tie noise.
    """
    shift, opp_shift = t * party.delay_cost, t * party.opp_delay_cost
    known = party.strategy.opponent_model == "known"
    best = None
    for p in range(party.own.size):
        rational = party.own[p] - shift >= party.batna
        if rational and (not known or party.opp[p] - opp_shift >= party.opp_batna):
            best = float(party.own[p]) if best is None else max(best, float(party.own[p]))
    if best is None:
        return None
    context = RoundContext(t, rounds, best, float(party.own[0]), party.batna, np.asarray(seen))
    target = min(float(party.strategy.target(context)), float(party.own[0]))
    chosen, top = None, -np.inf
    for p in range(party.own.size):
        if party.own[p] >= target and party.own[p] - shift >= party.batna:
            if known:
                score = party.opp[p]
            elif seen:
                score = -abs(party.own[p] - seen[-1])
            else:
                score = -party.own[p]
            if score > top:
                chosen, top = p, score
    return None if chosen is None else int(party.order[chosen])


def run_pair(u_a: np.ndarray, u_b: np.ndarray) -> protocol.NegotiationResult:
    """Two deadline-aware sides, known opponent models: b settles by ultimatum in the last round."""
    return negotiate(
        u_a, u_b, BATNA_A, BATNA_B, strategy_from_name("deadline"),
        strategy_from_name("deadline"), ROUNDS,
    )


def timed(fn, repeats: int = 1):  # noqa: ANN001, ANN201 - tiny timing helper
    start = time.perf_counter()
    for _ in range(repeats):
        value = fn()
    return (time.perf_counter() - start) / repeats, value


def main() -> None:
    big_k, small_k = 100_000, 5_000
    u_a, u_b = frontier_domain(big_k, seed=2025)
    fast_seconds, result = timed(lambda: run_pair(u_a, u_b), repeats=3)
    print(f"negotiation: {big_k:,} packages, {len(result.offers)} of {ROUNDS} rounds played, "
          f"agreement={result.agreement}: {fast_seconds:.3f} s (target < 0.5 s)")

    small_a, small_b = frontier_domain(small_k, seed=2025)
    vectorised_small = run_pair(small_a, small_b)
    original = protocol._propose
    protocol._propose = naive_propose
    try:
        naive_seconds, naive_small = timed(lambda: run_pair(small_a, small_b))
    finally:
        protocol._propose = original
    assert naive_small == vectorised_small, "naive and vectorised selection disagree"
    scaled = naive_seconds * big_k / small_k
    print(f"baseline (per-package loop): {naive_seconds:.3f} s on {small_k:,} packages, "
          f"{len(naive_small.offers)} rounds -> {scaled:.1f} s scaled to {big_k:,}; "
          f"speed-up x{scaled / fast_seconds:.0f}")

    t_a, t_b = frontier_domain(10_000, seed=7)
    strategies = {name: strategy_from_name(name) for name in STRATEGY_NAMES}
    seeds = 50
    tournament_seconds, table = timed(
        lambda: tournament(t_a, t_b, BATNA_A, BATNA_B, strategies, ROUNDS, seeds,
                           tie_tolerance=TIE_TOLERANCE, seed=3)
    )
    runs = len(table.rows) * seeds
    print(f"tournament: {len(strategies)} strategies x {seeds} seeds = {runs} negotiations on "
          f"10,000 packages, {ROUNDS} rounds: {tournament_seconds:.1f} s (target < 60 s), "
          f"{1000 * tournament_seconds / runs:.1f} ms per negotiation")

    from zopa.analysis import analyze_scenario
    from zopa.negotiate.scenario import tournament_scenario
    from zopa.scenario import builtin_path, load_scenario

    scenario = load_scenario(builtin_path())
    analysis, _ = analyze_scenario(scenario, n_paths=2_000, seed=0)  # utilities of every package (not timed)
    builtin_seconds, builtin_table = timed(lambda: tournament_scenario(scenario, analysis.problem, STRATEGY_NAMES,
                                                                       seeds=seeds, seed=3))
    runs = len(builtin_table.rows) * seeds
    print(f"tournament on the built-in case: {len(STRATEGY_NAMES)} strategies x {seeds} seeds = {runs} negotiations on "
          f"{analysis.problem.n_packages:,} packages to the deadline: {builtin_seconds:.1f} s (target < 60 s)")


if __name__ == "__main__":
    main()
