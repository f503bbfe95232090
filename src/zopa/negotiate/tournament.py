"""Round-robin tournaments of negotiation strategies over one deal space.

Every ordered pair (strategy for side a, strategy for side b) negotiates once per seed.  Seeds
only matter through seeded tie-breaking (``tie_tolerance > 0``): among offers whose opponent-
model score is within ``tie_tolerance`` of the best, one is drawn uniformly.  Repetition ``i``
uses the same seed for every pair (common random numbers), so pairs are compared on the same
draws.  With ``tie_tolerance == 0`` every run of a pair is identical, so each pair is
negotiated once and its result counted ``seeds`` times (standard errors are then 0).

Per pair the table reports the agreement rate, the mean value to each side (net of delay
costs, BATNA on breakdown), the mean joint value ``value_a + value_b`` and the mean Euclidean
distance to the Nash point, each with its standard error over seeds,
``sd(ddof=1) / sqrt(seeds)`` (NaN for a single seed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from zopa.negotiate.protocol import NegotiationInputError, Side, negotiate, ranking_of
from zopa.negotiate.strategies import Strategy


@dataclass(frozen=True)
class TournamentRow:
    """Summary of one ordered pairing over all seeds (values in the parties' units)."""

    strategy_a: str
    strategy_b: str
    runs: int
    agreement_rate: float
    agreement_rate_se: float
    mean_value_a: float
    mean_value_a_se: float
    mean_value_b: float
    mean_value_b_se: float
    mean_joint_value: float
    mean_joint_value_se: float
    mean_distance_to_nash: float
    mean_distance_to_nash_se: float
    mean_round: float


@dataclass(frozen=True)
class TournamentTable:
    """All ordered pairings, row-major: side a's strategy varies slowest."""

    names: tuple[str, ...]
    rows: tuple[TournamentRow, ...]

    def to_rows(self) -> list[dict[str, str | int | float]]:
        """One plain dict per pairing, for printing or a data frame."""
        return [asdict(row) for row in self.rows]

    def row(self, strategy_a: str, strategy_b: str) -> TournamentRow:
        """The pairing of ``strategy_a`` (side a) against ``strategy_b`` (side b)."""
        for row in self.rows:
            if row.strategy_a == strategy_a and row.strategy_b == strategy_b:
                return row
        raise KeyError(f"no pairing {strategy_a!r} vs {strategy_b!r}; names are {self.names}")

    def matrix(self, column: str) -> np.ndarray:
        """``column`` as an ``(n, n)`` array indexed ``[strategy for a, strategy for b]``."""
        numeric = [f.name for f in fields(TournamentRow)][2:]
        if column not in numeric:
            raise KeyError(f"unknown column {column!r}; expected one of {', '.join(numeric)}")
        n = len(self.names)
        return np.array([getattr(row, column) for row in self.rows], dtype=float).reshape(n, n)


def _mean_and_se(samples: np.ndarray) -> tuple[float, float]:
    if samples.size < 2:
        return float(samples.mean()), float("nan")
    if (samples == samples[0]).all():
        return float(samples[0]), 0.0
    mean = float(samples.mean())
    return mean, float(samples.std(ddof=1) / np.sqrt(samples.size))


def tournament(
    u_a: ArrayLike,
    u_b: ArrayLike,
    batna_a: float,
    batna_b: float,
    strategies: Mapping[str, Strategy],
    rounds: int,
    seeds: int,
    *,
    delay_cost_a: float = 0.0,
    delay_cost_b: float = 0.0,
    first: Side = "a",
    tie_tolerance: float = 0.0,
    seed: int | None = 0,
) -> TournamentTable:
    """Play every ordered pair of ``strategies`` against each other ``seeds`` times.

    Arguments are as for :func:`zopa.negotiate.negotiate`; ``seed`` is the root of the
    ``SeedSequence`` whose ``seeds`` children drive the repetitions (same seed, same table).

    >>> x = np.linspace(0.0, 1.0, 11)
    >>> from zopa.negotiate.strategies import strategy_from_name
    >>> table = tournament(x, 1 - x, 0.0, 0.0,
    ...     {n: strategy_from_name(n) for n in ("boulware", "conceder")}, 10, seeds=3)
    >>> table.matrix("agreement_rate").shape
    (2, 2)
    """
    if not strategies:
        raise NegotiationInputError("strategies must name at least one strategy")
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise NegotiationInputError(f"seeds must be an integer >= 1; got {seeds!r}")
    ua = np.ascontiguousarray(u_a, dtype=float)
    ub = np.ascontiguousarray(u_b, dtype=float)
    root = np.random.SeedSequence(seed)
    repetitions = root.spawn(seeds)
    distinct_runs = seeds if tie_tolerance > 0 else 1
    ranking = (ranking_of(ua), ranking_of(ub))
    rows: list[TournamentRow] = []
    for name_a, strategy_a in strategies.items():
        for name_b, strategy_b in strategies.items():
            results = [
                negotiate(
                    ua, ub, batna_a, batna_b, strategy_a, strategy_b, rounds,
                    delay_cost_a, delay_cost_b, first, repetitions[i], tie_tolerance=tie_tolerance,
                    ranking=ranking,
                )
                for i in range(distinct_runs)
            ]
            results = results * (seeds // distinct_runs)
            agreed = np.array([r.agreement for r in results], dtype=float)
            value_a = np.array([r.value_a for r in results])
            value_b = np.array([r.value_b for r in results])
            distance = np.array([r.distance_to_nash for r in results])
            ended = np.array([r.round for r in results], dtype=float)
            rows.append(
                TournamentRow(
                    name_a, name_b, seeds,
                    *_mean_and_se(agreed),
                    *_mean_and_se(value_a),
                    *_mean_and_se(value_b),
                    *_mean_and_se(value_a + value_b),
                    *_mean_and_se(distance),
                    float(ended.mean()),
                )
            )
    return TournamentTable(tuple(strategies), tuple(rows))
