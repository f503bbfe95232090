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
``sd(ddof=1) / sqrt(seeds)`` (NaN for a single seed).  The table keeps each pair's per-seed
results (:attr:`TournamentTable.samples`) and the BATNAs, from which
:func:`zopa.negotiate.ranking.rank_strategies` ranks the strategies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from zopa.numbers import decimals
from zopa.results import Measure, PartyValue, Provenance

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
    """All ordered pairings, row-major: side a's strategy varies slowest.

    ``batna``: each side's BATNA (the value on breakdown); ``samples[key][i, j, r]``, for ``key`` in
    ``agreement`` (1 or 0), ``value_a`` and ``value_b``: the result of side a's strategy ``i``
    against side b's ``j`` in repetition ``r`` (shape ``(n, n, seeds)``).  ``sides``: who plays
    side a and side b (party ids; ``("a", "b")`` on a bare deal space) and ``measures`` which
    definition their utilities are, for :meth:`row_values`; ``provenance``: the root seed, the
    repetitions and the settings (paths: those behind the utilities, 0 when not given).
    """

    names: tuple[str, ...]
    rows: tuple[TournamentRow, ...]
    batna: tuple[float, float] = (0.0, 0.0)
    samples: Mapping[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    sides: tuple[str, str] = ("a", "b")
    measures: tuple[Measure, Measure] = ("mean", "mean")
    provenance: Provenance | None = field(default=None, compare=False)

    def row_values(self, row: TournamentRow) -> dict[str, PartyValue]:
        """A pairing's mean value to each side (net of delay costs; BATNA on breakdown), with its
        standard error across the seeds, keyed by :attr:`sides`."""
        a, b = self.sides
        return {a: PartyValue(row.mean_value_a, row.mean_value_a_se, self.measures[0]),
                b: PartyValue(row.mean_value_b, row.mean_value_b_se, self.measures[1])}

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
    ``SeedSequence`` whose ``seeds`` children drive the repetitions (same seed, same table; with
    ``seed=None`` fresh entropy is drawn and recorded in the table's provenance, so that the table
    can be reproduced).

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
    root_seed = int(root.entropy) if isinstance(root.entropy, int) else int(seed or 0)
    repetitions = root.spawn(seeds)
    distinct_runs = seeds if tie_tolerance > 0 else 1
    ranking = (ranking_of(ua), ranking_of(ub))
    rows: list[TournamentRow] = []
    samples: dict[str, list[np.ndarray]] = {"agreement": [], "value_a": [], "value_b": []}
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
            for key, values in (("agreement", agreed), ("value_a", value_a), ("value_b", value_b)):
                samples[key].append(values)
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
    n = len(strategies)
    stacked = {key: np.stack(v).reshape(n, n, seeds) for key, v in samples.items()}
    made = Provenance("alternating-offers tournament",
                      {"strategies": tuple(strategies), "rounds": int(rounds), "seeds": int(seeds),
                       "tie_tolerance": float(tie_tolerance), "delay_cost": (float(delay_cost_a), float(delay_cost_b)),
                       "first": first}, root_seed, 0)
    return TournamentTable(tuple(strategies), tuple(rows), (float(batna_a), float(batna_b)), stacked,
                           provenance=made)


# --- ranking -------------------------------------------------------------------------------------

#: What strategies can be ranked by (the fields of :class:`StrategyRank`).
RANK_KEYS = ("gain", "gain_a", "gain_b", "agreement_rate")


@dataclass(frozen=True)
class StrategyRank:
    """One strategy's mean results over a tournament, with standard errors across seeds.

    ``gain_a``: its mean gain over side a's BATNA when it plays side a, against every strategy for
    side b (itself included); ``gain_b`` likewise as side b; ``gain`` the average of the two;
    ``agreement_rate`` the share of its ``2n`` games (as a and as b) that end in agreement.  Each
    ``*_se`` is the standard error of the mean across the seeds (below); ``deterministic``: every
    seed gave the same results (then the standard errors are 0).
    """

    rank: int
    strategy: str
    gain: float
    gain_se: float
    gain_a: float
    gain_a_se: float
    gain_b: float
    gain_b_se: float
    agreement_rate: float
    agreement_rate_se: float
    seeds: int
    deterministic: bool


def _across_seeds(per_seed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error of the mean over the last axis (seeds); NaN SE for one seed."""
    seeds = per_seed.shape[-1]
    mean = per_seed.mean(axis=-1)
    if seeds < 2:
        return mean, np.full(mean.shape, np.nan)
    return mean, per_seed.std(axis=-1, ddof=1) / np.sqrt(seeds)


def rank_strategies(table: TournamentTable, by: str = "gain") -> tuple[StrategyRank, ...]:
    """The strategies of ``table`` ranked by ``by`` (one of :data:`RANK_KEYS`), best first.

    With ``V_a[i, j, r]``, ``V_b[i, j, r]`` the values of side a's strategy ``i`` against side b's
    ``j`` in seed ``r``, ``n`` strategies and BATNAs ``d_a, d_b``, strategy ``s`` scores in seed ``r``

        G^a_sr = (1/n) sum_j (V_a[s, j, r] - d_a),    G^b_sr = (1/n) sum_i (V_b[i, s, r] - d_b),
        G_sr = (G^a_sr + G^b_sr) / 2,    A_sr = (sum_j agree[s, j, r] + sum_i agree[i, s, r]) / (2n),

    and each reported figure is the mean over the ``R`` seeds with the standard error of that mean
    across seeds, ``sd_r(X_sr) / sqrt(R)`` (ddof 1; NaN for one seed): the seeds are the independent
    replications (common random numbers across pairs), so the spread within a seed is not noise.
    Ties keep the table's order of strategies.

    >>> x = np.linspace(0.0, 1.0, 11)
    >>> from zopa.negotiate.strategies import strategy_from_name
    >>> t = tournament(x, 1 - x, 0.0, 0.0, {n: strategy_from_name(n) for n in ("boulware", "conceder")}, 10, seeds=3)
    >>> [r.strategy for r in rank_strategies(t)], rank_strategies(t)[0].deterministic
    (['boulware', 'conceder'], True)
    """
    if by not in RANK_KEYS:
        raise KeyError(f"unknown ranking key {by!r}; expected one of {', '.join(RANK_KEYS)}")
    if not table.samples:
        raise ValueError("the table has no per-seed results; build it with tournament()")
    agree = np.asarray(table.samples["agreement"], dtype=float)  # (n, n, R)
    gain_a = np.asarray(table.samples["value_a"], dtype=float).mean(axis=1) - table.batna[0]  # (n, R)
    gain_b = np.asarray(table.samples["value_b"], dtype=float).mean(axis=0) - table.batna[1]
    rate = (agree.sum(axis=1) + agree.sum(axis=0)) / (2 * agree.shape[0])
    stats = {key: _across_seeds(x) for key, x in
             (("gain", (gain_a + gain_b) / 2), ("gain_a", gain_a), ("gain_b", gain_b), ("agreement_rate", rate))}
    order = np.argsort(-stats[by][0], kind="stable")
    same = np.all(agree == agree[..., :1], axis=(1, 2)) & np.all(agree == agree[..., :1], axis=(0, 2))
    for key in ("value_a", "value_b"):
        v = np.asarray(table.samples[key], dtype=float)
        same &= np.all(v == v[..., :1], axis=(1, 2)) & np.all(v == v[..., :1], axis=(0, 2))
    seeds = agree.shape[-1]

    def stat(key: str, s: int) -> tuple[float, float]:
        return float(stats[key][0][s]), float(stats[key][1][s])

    out = []
    for rank, s in enumerate(order):
        (gain, gain_se), (ga, ga_se), (gb, gb_se), (rate_s, rate_se) = (stat(k, int(s)) for k in RANK_KEYS)
        out.append(StrategyRank(rank + 1, table.names[s], gain, gain_se, ga, ga_se, gb, gb_se, rate_s, rate_se,
                                seeds=seeds, deterministic=bool(same[s])))
    return tuple(out)


def ranking_rows(ranking: tuple[StrategyRank, ...]) -> list[dict[str, str | int | float | bool]]:
    """One plain dict per strategy, best first, for printing, JSON or a data frame."""
    return [asdict(r) for r in ranking]


def mean_se_text(value: float, se: float, percent: bool = False) -> str:
    """``value ± se`` with the standard error to two significant digits and the value to match.

    >>> mean_se_text(192.8314, 0.0412), mean_se_text(0.5, 0.0, percent=True), mean_se_text(3.0, float("nan"))
    ('192.831 ± 0.041', '50% ± 0%', '3.00')
    """
    scale = 100.0 if percent else 1.0
    v, s = value * scale, se * scale
    places = 0 if percent else decimals(v)
    if np.isfinite(s) and s > 0:
        places = min(max(places, 1 - math.floor(math.log10(s))), 8)
    unit = "%" if percent else ""
    text = f"{v:,.{places}f}{unit}"
    if not np.isfinite(s):
        return text
    return f"{text} ± {s:,.{places}f}{unit}" if s > 0 else f"{text} ± 0{unit}"


def ranking_table(ranking: tuple[StrategyRank, ...], names: tuple[str, str], unit: str = "value") -> Any:
    """The ranking as a Rich table whose caption explains its columns (``names``: the two sides,
    already escaped for Rich markup; ``unit``: the units of the gains)."""
    from rich.table import Table

    seeds = ranking[0].seeds if ranking else 0
    table = Table(title=f"Strategies ranked by mean gain over the BATNA ({unit}), best first",
                  caption=(f"gain: the average of the strategy's mean gains as side a ({names[0]}) and as side b "
                           f"({names[1]}), each against every strategy, itself included; agreement: the share of its "
                           f"games that end in a deal. ± is the standard error of the mean across the {seeds} seeds "
                           "(each seed's average over opponents is one observation; seeds differ only in random "
                           "tie-breaking); ± 0 means every seed gave the same result."),
                  caption_justify="left")
    for col in ("rank", "strategy", "gain", f"gain as {names[0]}", f"gain as {names[1]}", "agreement"):
        table.add_column(col, justify="left" if col == "strategy" else "right")
    for r in ranking:
        table.add_row(str(r.rank), r.strategy, mean_se_text(r.gain, r.gain_se), mean_se_text(r.gain_a, r.gain_a_se),
                      mean_se_text(r.gain_b, r.gain_b_se), mean_se_text(r.agreement_rate, r.agreement_rate_se, True))
    return table
