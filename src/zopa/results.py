"""Typed pieces shared by the engine's results: per-party values and provenance.

Per-party values.  What a party decides on is one number with a Monte Carlo standard error, in
the scenario's unit (USD bn of present value unless the scenario says otherwise), and it is one
of two definitions: the *mean* ``E[V]`` of its per-path values, or — for a risk-averse party
with CARA coefficient ``a`` — its *certainty equivalent* ``CE = -ln E[exp(-aV)]/a``.
:class:`PartyValue` carries the three together; :data:`PerParty` maps party ids to them (in
the scenario's party order). The constructors below build them from a
:class:`~zopa.value.Estimate`, from ``(value, se)`` arrays in party order, or from a
:class:`~zopa.analysis.SolutionPoint`'s gains.

Provenance.  :class:`Provenance` records how a result was computed — the method, its parameters,
the root seed of its random streams and the number of Monte Carlo paths behind its figures — so
that a result can be reproduced and a reader can judge its precision. ``paths = 0`` means the
result drew no paths of its own (it was computed from figures given to it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike

from zopa.noise import NOISE, NoisePolicy

__all__ = [
    "Measure",
    "PartyValue",
    "PerParty",
    "Provenance",
    "measure_of",
    "package_gains",
    "pairs",
    "per_party",
    "per_party_estimates",
    "per_party_pairs",
    "solution_gains",
    "ses",
    "values",
]

#: Which definition a party's value is: its certainty equivalent or the plain mean.
Measure = Literal["CE", "mean"]


class EstimateLike(Protocol):
    """What :meth:`PartyValue.of` reads from an estimate (:class:`~zopa.value.Estimate` has it)."""

    @property
    def value(self) -> float: ...
    @property
    def value_se(self) -> float: ...
    @property
    def ce(self) -> float | None: ...


def measure_of(risk_aversion: float | None) -> Measure:
    """``"CE"`` for a risk-averse party (CARA ``a > 0``), ``"mean"`` for a risk-neutral one.

    >>> measure_of(0.02), measure_of(None), measure_of(0.0)
    ('CE', 'mean', 'mean')
    """
    return "CE" if risk_aversion else "mean"


@dataclass(frozen=True)
class PartyValue:
    """The number a party decides on, its Monte Carlo standard error, and which definition it is.

    ``value`` and ``se`` are in the result's unit (USD bn of present value, or a gain over a
    BATNA in the same unit); ``se = 0`` for an exact figure, NaN where it is unknown.

    >>> v = PartyValue(1.5, 0.25, "CE")
    >>> v.clear(), v.within(), v.pair, str(v)
    (True, False, (1.5, 0.25), '1.50 ± 0.25 (CE)')
    >>> PartyValue(0.1, 0.25, "mean").sign()
    0
    """

    value: float
    se: float
    measure: Measure

    def __post_init__(self) -> None:
        if self.measure not in ("CE", "mean"):
            raise ValueError(f"measure must be 'CE' or 'mean', got {self.measure!r}")
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "se", float(self.se))

    @classmethod
    def of(cls, estimate: EstimateLike) -> PartyValue:
        """The decision value of an estimate: its CE (± CE SE) when it has one, else its mean."""
        return cls(estimate.value, estimate.value_se, "CE" if estimate.ce is not None else "mean")

    @property
    def pair(self) -> tuple[float, float]:
        """``(value, se)``, the shape older results used."""
        return (self.value, self.se)

    def clear(self, policy: NoisePolicy = NOISE) -> bool:
        """Whether the value is positive beyond the noise, ``value > z · se``."""
        return policy.clear(self.value, self.se)

    def sign(self, policy: NoisePolicy = NOISE) -> int:
        """``+1``/``-1`` when clearly positive/negative, ``0`` within ``z`` standard errors."""
        return policy.sign(self.value, self.se)

    def within(self, policy: NoisePolicy = NOISE) -> bool:
        """Whether ``|value| < z · se`` (never for an exact figure)."""
        return policy.within(self.value, self.se)

    def shifted(self, by: float) -> PartyValue:
        """The same estimate less a known constant ``by`` (e.g. a cost): ``value - by``, same SE."""
        return PartyValue(self.value - by, self.se, self.measure)

    def __str__(self) -> str:
        return f"{self.value:,.2f} ± {self.se:,.2f} ({self.measure})"


#: Party id → its value, in the scenario's party order.
PerParty = Mapping[str, PartyValue]


def _measures(parties: Sequence[str], measure: Measure | Sequence[Measure] | Mapping[str, Measure]) -> list[Measure]:
    if isinstance(measure, str):
        return [measure] * len(parties)
    if isinstance(measure, Mapping):
        return [measure[p] for p in parties]
    out = list(measure)
    if len(out) != len(parties):
        raise ValueError(f"{len(out)} measures for {len(parties)} parties")
    return out


def per_party(parties: Sequence[str], value: ArrayLike, se: ArrayLike | None = None,
              measure: Measure | Sequence[Measure] | Mapping[str, Measure] = "mean") -> dict[str, PartyValue]:
    """Per-party values from ``value`` and ``se`` arrays in ``parties`` order (``se`` None: exact,
    0); ``measure`` one for all, one per party (in order) or a mapping party → measure.

    >>> v = per_party(("a", "b"), [1.0, 2.0], [0.1, 0.2], ("CE", "mean"))
    >>> v["a"], v["b"].pair
    (PartyValue(value=1.0, se=0.1, measure='CE'), (2.0, 0.2))
    """
    x = np.asarray(value, dtype=float).reshape(-1)
    s = np.zeros_like(x) if se is None else np.asarray(se, dtype=float).reshape(-1)
    if x.size != len(parties) or s.size != len(parties):
        raise ValueError(f"{x.size} values and {s.size} standard errors for {len(parties)} parties")
    return {p: PartyValue(float(x[i]), float(s[i]), m) for i, (p, m) in enumerate(zip(parties, _measures(parties, measure)))}


def per_party_estimates(estimates: Mapping[str, EstimateLike]) -> dict[str, PartyValue]:
    """Per-party values from a mapping party → :class:`~zopa.value.Estimate` (its decision value)."""
    return {p: PartyValue.of(e) for p, e in estimates.items()}


def per_party_pairs(items: Mapping[str, tuple[float, float]],
                    measure: Measure | Mapping[str, Measure] = "mean") -> dict[str, PartyValue]:
    """Per-party values from a mapping party → ``(value, se)``, the shape older results used."""
    parties = list(items)
    return {p: PartyValue(v, s, m) for (p, (v, s)), m in zip(items.items(), _measures(parties, measure))}


class SolutionLike(Protocol):
    """A bargaining solution's gains over the BATNAs (:class:`~zopa.analysis.SolutionPoint` has them)."""

    @property
    def gain(self) -> tuple[float, float]: ...
    @property
    def gain_se(self) -> tuple[float, float]: ...


def solution_gains(point: SolutionLike, parties: Sequence[str],
                   risk_aversion: Sequence[float | None] = (None, None)) -> dict[str, PartyValue]:
    """A bargaining solution's gain over each side's BATNA, as per-party values (an adapter for
    :class:`~zopa.analysis.SolutionPoint`, whose ``gain``/``gain_se`` are pairs in party order)."""
    return per_party(parties, point.gain, point.gain_se, [measure_of(a) for a in risk_aversion])


def package_gains(problem: Any, k: int, batna: Sequence[float] | None = None) -> dict[str, PartyValue]:
    """Each side's gain ``u_i[k] − d_i`` at package ``k`` of a :class:`~zopa.analysis.DealProblem`
    (``d``: ``batna``, default the problem's BATNAs), with the paired standard error
    ``gain_se[i, k]`` (0 when the problem has none) and each side's measure (an adapter for the
    analysis's ``(2, K)`` arrays).

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(parties=("a", "b"), utility=np.array([[3.0, 5.0], [4.0, 1.0]]), batna=(1.0, 1.0),
    ...                     gain_se=np.full((2, 2), 0.1), risk_aversion=(0.02, None))
    >>> package_gains(p, 0)
    {'a': PartyValue(value=2.0, se=0.1, measure='CE'), 'b': PartyValue(value=3.0, se=0.1, measure='mean')}
    """
    d = problem.batna if batna is None else batna
    ra = getattr(problem, "risk_aversion", (None, None))
    se = getattr(problem, "gain_se", None)
    return {p: PartyValue(float(problem.utility[i, k] - d[i]), 0.0 if se is None else float(se[i, k]), measure_of(ra[i]))
            for i, p in enumerate(problem.parties)}


def values(per: PerParty, parties: Iterable[str] | None = None) -> tuple[float, ...]:
    """The values, in ``parties`` order (default: the mapping's)."""
    return tuple(per[p].value for p in (per if parties is None else parties))


def ses(per: PerParty, parties: Iterable[str] | None = None) -> tuple[float, ...]:
    """The standard errors, in ``parties`` order (default: the mapping's)."""
    return tuple(per[p].se for p in (per if parties is None else parties))


def pairs(per: PerParty) -> dict[str, tuple[float, float]]:
    """party → ``(value, se)``, the shape older results used."""
    return {p: v.pair for p, v in per.items()}


def _plain(x: Any) -> Any:
    """A JSON-ready copy of a parameter value (numbers, strings, lists and dicts of them)."""
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


@dataclass(frozen=True)
class Provenance:
    """How a result was computed: ``method``, its ``parameters``, the root ``seed`` of its random
    streams and the number of Monte Carlo ``paths`` behind its figures (0: none drawn).

    ``parameters`` is copied on construction (typed read-only; kept a plain dict so that results
    pickle, deep-copy and convert with :func:`dataclasses.asdict`).

    >>> p = Provenance("monte-carlo valuation", {"chunk_size": 16384}, seed=7, paths=2000)
    >>> p.describe()
    'monte-carlo valuation: seed 7, 2,000 paths (chunk_size=16384)'
    >>> p.as_dict()["parameters"], p.derived("tornado", levels=(0.1, 0.9)).parameters["levels"]
    ({'chunk_size': 16384}, (0.1, 0.9))
    """

    method: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    paths: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.method, str) or not self.method:
            raise ValueError(f"method must be a non-empty string, got {self.method!r}")
        for name in ("seed", "paths"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {v!r}")
            object.__setattr__(self, name, int(v))
        object.__setattr__(self, "parameters", dict(self.parameters))

    def derived(self, method: str, **parameters: Any) -> Provenance:
        """A result computed by ``method`` from this one's figures: same seed and paths, these
        parameters added to (or replacing) the inherited ones."""
        return Provenance(method, {**self.parameters, **parameters}, self.seed, self.paths)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON)."""
        return {"method": self.method, "parameters": _plain(dict(self.parameters)), "seed": self.seed,
                "paths": self.paths}

    def describe(self) -> str:
        """One line, e.g. ``"monte-carlo valuation: seed 0, 20,000 paths (chunk_size=16384)"``."""
        params = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
        return f"{self.method}: seed {self.seed}, {self.paths:,} paths" + (f" ({params})" if params else "")
