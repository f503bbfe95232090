"""Vectorised simulation of the world a deal lives in, under one party's beliefs.

Random numbers are *common*: every uncertain input has a stream of uniforms named by its TOML path;
path ``i`` of stream ``key`` comes from ``SeedSequence(seed, spawn_key=(block, crc32(key)))`` with
``block = i // BLOCK``. The same uniforms are mapped through each party's quantile functions, so two
parties' worlds differ only where their beliefs differ, and results do not depend on how paths are
chunked (nor on which other inputs a scenario has).

The world of one belief set on ``N`` paths and grid times ``t_0 … t_{T-1}``:

* revenue ``R_{k+1} = R_k · exp((g_{k+1} − σ²/2)·Δ + σ√Δ·Z_{k+1})`` with
  ``g_k = g_∞ + (g_0 − g_∞) e^{−κ (t_k − t_1)}``, plus ``agi_boost`` once AGI has arrived
  (``T_agi ≤ t_k``). ``E[R_k] = R_0 e^{Δ Σ_{j≤k} g_j}``. Revenue does not depend on whether the
  company restructures: missing the funding deadline costs money (a ``funding_cost`` term), not growth. Revenue and profit
  are annual rates; a period's flow is its rate times the step ``Δ`` (years).
* margin ``m_k = m_∞ + (m_0 − m_∞) e^{−c (t_k − t_0)}``, profit ``P_k = m_k R_k``.
* AGI arrival ``T_agi`` from the party's belief (``inf`` = not within the horizon), ASI at
  ``T_agi + lag``.
* exit equity value ``= k × multiple × R_{T−1}`` at ``t_{T−1}``, with ``k`` the calibration scale that
  makes the model reprice the latest funding round (``1`` without a ``[calibration]``;
  :mod:`zopa.calibration`).
* triggers: dates, declarations under a rule (board / counterparty agreement with disputes in court /
  expert panel), a missed restructuring deadline, and the first of several.
"""

from __future__ import annotations

import copy
import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from zopa.beliefs import Quantity
from zopa.drivers import EventDriver, simulate_driver
from zopa.terms.base import Until, until_time
from zopa.terms.transfers import MISSED_DEADLINE
from zopa.scenario.schema import (
    DateTrigger,
    DeclaredTrigger,
    EventTrigger,
    FirstOfTrigger,
    RestructuringMissedTrigger,
    Scenario,
)

#: Paths per random-number block; chunks of any size see identical numbers.
BLOCK = 4096


def year_fraction(date: dt.date) -> float:
    """Calendar time at the *end* of ``date``: 2030-12-31 → 2031.0."""
    days = (dt.date(date.year + 1, 1, 1) - dt.date(date.year, 1, 1)).days
    return date.year + date.timetuple().tm_yday / days


@dataclass
class RandomStreams:
    """Named streams of common random numbers for paths ``[start, start + n)`` of a run with ``seed``.

    ``quantiles`` pins inputs by key: a number holds the input at that quantile level on every path
    (a one-at-a-time sensitivity), an array of length ``n_paths`` sets it path by path (a designed
    sample, e.g. Sobol's); each party's belief maps the level through its own quantile function.
    ``noise_paths`` (length ``n_paths``) makes path ``i`` draw every other stream as path
    ``noise_paths[i]`` does, so the rows of a designed sample can share their random noise."""

    seed: int
    start: int
    n: int
    quantiles: Mapping[str, float | np.ndarray] = field(default_factory=dict)
    noise_paths: np.ndarray | None = None
    _cache: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)

    def _block(self, key: str, block: int, width: int) -> np.ndarray:
        seq = np.random.SeedSequence(self.seed, spawn_key=(block, zlib.crc32(key.encode())))
        return np.random.Generator(np.random.PCG64(seq)).random((BLOCK, width))

    def uniforms(self, key: str, width: int = 0) -> np.ndarray:
        """Uniforms on (0, 1): shape ``(n,)`` (``width = 0``) or ``(n, width)``."""
        cached = self._cache.get((key, width))
        if cached is not None:
            return cached
        if width == 0 and key in self.quantiles:
            level = np.asarray(self.quantiles[key], dtype=float)
            out = np.full(self.n, float(level)) if level.ndim == 0 else level[self.start: self.start + self.n]
            out = np.clip(out, 1e-12, 1 - 1e-12)
            self._cache[(key, width)] = out
            return out
        if self.noise_paths is not None:
            rows = np.asarray(self.noise_paths[self.start: self.start + self.n], dtype=np.int64)
            needed = np.unique(rows // BLOCK)
            blocks = np.stack([self._block(key, int(b), max(width, 1)) for b in needed])
            out = blocks[np.searchsorted(needed, rows // BLOCK), rows % BLOCK]
        else:
            first, last = self.start // BLOCK, (self.start + self.n - 1) // BLOCK
            blocks = np.concatenate([self._block(key, b, max(width, 1)) for b in range(first, last + 1)])
            offset = self.start - first * BLOCK
            out = blocks[offset: offset + self.n]
        out = np.clip(out, 1e-12, 1 - 1e-12)
        out = out[:, 0] if width == 0 else out
        self._cache[(key, width)] = out
        return out

    def normals(self, key: str, width: int) -> np.ndarray:
        """Standard normal shocks, shape ``(n, width)``."""
        from scipy.special import ndtri

        return ndtri(self.uniforms(key, width))


@dataclass
class SimulatedWorld:
    """One belief set's world on a batch of paths, in one restructuring state. Implements the
    :class:`~zopa.terms.base.PathContext` that terms read. ``draws`` caches inputs by (key, distribution); worlds of
    the same belief set may share it (no input depends on the restructuring state)."""

    scenario: Scenario
    belief: str
    restructured: bool
    streams: RandomStreams
    draws: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    exit_scale: float = 1.0
    times: np.ndarray = field(init=False)
    revenue: np.ndarray = field(init=False)
    profit: np.ndarray = field(init=False)
    exit_value: np.ndarray = field(init=False)
    exit_time: float = field(init=False)
    agi_arrival: np.ndarray = field(init=False)
    asi_arrival: np.ndarray = field(init=False)
    _triggers: dict[str, np.ndarray] = field(default_factory=dict, init=False)
    _series: dict[str, np.ndarray] = field(default_factory=dict, init=False)

    def with_triggers(self, overrides: Mapping[str, Any]) -> "SimulatedWorld":
        """The same paths with some triggers redefined (a package's own trigger definitions)."""
        if not overrides:
            return self
        view = copy.copy(self)
        view.scenario = self.scenario.model_copy(update={"triggers": {**self.scenario.triggers, **overrides}})
        view._triggers = {}
        # the redefined triggers' own quantities are other objects, so their draws are cached apart
        return view

    def __post_init__(self) -> None:
        self.times = self.scenario.time.times
        self.exit_time = float(self.times[-1])
        self._simulate()

    @property
    def n_paths(self) -> int:
        return self.streams.n

    @property
    def period(self) -> float:
        """Years per grid step."""
        return float(self.scenario.time.step)

    # -- PathContext ---------------------------------------------------------------------------------

    def draw(self, quantity: Quantity | None, key: str) -> np.ndarray:
        """``N`` draws of ``quantity`` as this world's belief holder sees it; a named input is drawn
        under its own name, so all its uses share draws."""
        if quantity is None:  # the schema's checks make this unreachable from a valid scenario
            raise ValueError(f"{key}: a value is required here")
        if quantity.input is not None:
            key = f"inputs.{quantity.input}"
        spec = quantity.for_party(self.belief)
        if spec.is_fixed:  # never cached: one key may stand for several fixed values (deal-space options)
            return np.full(self.n_paths, float(spec.value))
        cached = self.draws.get((key, id(spec)))
        if cached is not None:
            return cached
        values = spec.ppf(self.streams.uniforms(key))
        self.draws[(key, id(spec))] = values
        return values

    def uniform(self, key: str) -> np.ndarray:
        return self.streams.uniforms(f"event:{key}")

    def resource(self, name: str) -> Any:
        return self.scenario.world.resources[name]

    def series(self, name: str) -> np.ndarray:
        """A world driver on this world's paths: ``revenue``, ``profit``, ``cost`` (revenue − profit)
        ``(N, T)``, ``exit_value`` ``(N,)``, or a declared ``world.drivers`` entry (an event as the
        indicator ``1[arrival ≤ t_k]``)."""
        if name == "revenue":
            return self.revenue
        if name == "profit":
            return self.profit
        if name == "cost":
            return self.revenue - self.profit
        if name == "exit_value":
            return self.exit_value
        cached = self._series.get(name)
        if cached is None:
            driver = self.scenario.world.drivers.get(name)
            if driver is None:
                raise KeyError(f"world driver {name!r} is not declared")
            cached = simulate_driver(name, driver, self)
            if isinstance(driver, EventDriver):
                cached = (cached[:, None] <= self.times[None, :]).astype(float)
            self._series[name] = cached
        return cached

    def event_time(self, name: str) -> np.ndarray:
        """Arrival time of an event (calendar years, ``inf`` = never): ``agi``, ``asi`` or an event
        driver."""
        if name == "agi":
            return self.agi_arrival
        if name == "asi":
            return self.asi_arrival
        key = f"event:{name}"
        cached = self._series.get(key)
        if cached is None:
            cached = simulate_driver(name, self.scenario.world.drivers[name], self)
            self._series[key] = cached
        return cached

    def active(self, until: Until) -> np.ndarray:
        """``(N, T)`` booleans: period ``k`` is active while ``until`` has not fired by ``t_k``."""
        key = f"active:{until!r}"
        cached = self._triggers.get(key)
        if cached is None:
            cached = until_time(self, until)[:, None] > self.times[None, :]
            self._triggers[key] = cached
        return cached

    def eligible_time(self, name: str) -> np.ndarray:
        """When a trigger *can* fire: a date trigger at its date; a declared one at the event's arrival
        plus ``lag``, and — with a
        ``profit_test`` — not before the end of the first year whose cumulative profits since the grid's
        start reach the test (``inf`` when they never do within the horizon)."""
        trig = self.scenario.triggers[name]
        key = f"triggers.{name}"
        if isinstance(trig, DateTrigger):
            return np.full(self.n_paths, year_fraction(trig.date))
        if not isinstance(trig, DeclaredTrigger):
            raise TypeError(f"trigger {name!r} is not a date or a declaration")
        arrival = self.event_time(trig.event)
        lag = self.draw(trig.lag, f"{key}.lag") if trig.lag is not None else 0.0
        when = arrival + lag
        if trig.profit_test is not None:
            test = self.draw(trig.profit_test, f"{key}.profit_test")
            cumulative = np.cumsum(self.profit * self.period, axis=1)
            met = cumulative >= test[:, None]
            first = np.where(met.any(axis=1), self.times[np.argmax(met, axis=1)] + self.period, np.inf)
            when = np.maximum(when, first)
        return when

    def trigger_time(self, name: str) -> np.ndarray:
        cached = self._triggers.get(name)
        if cached is None:
            cached = self._trigger(name)
            self._triggers[name] = cached
        return cached

    # -- simulation ----------------------------------------------------------------------------------

    def _simulate(self) -> None:
        w = self.scenario.world
        n, steps = self.n_paths, self.times.size
        step = self.scenario.time.step
        never = np.full(n, np.inf)
        self.agi_arrival = self.draw(w.agi.arrival, "world.agi.arrival") if w.agi is not None else never
        lag = self.draw(w.agi.asi_lag, "world.agi.asi_lag") if w.agi is not None and w.agi.asi_lag is not None else never
        self.asi_arrival = self.agi_arrival + lag
        self.revenue = self.profit = np.zeros((n, steps))

        rv = w.revenue
        if rv is not None:
            g0 = self.draw(rv.growth_initial, "world.revenue.growth_initial")[:, None]
            ginf = self.draw(rv.growth_long_run, "world.revenue.growth_long_run")[:, None]
            kappa = self.draw(rv.growth_decay, "world.revenue.growth_decay")[:, None]
            sigma = self.draw(rv.volatility, "world.revenue.volatility")[:, None]
            into = self.times[1:][None, :]  # the year each step grows into
            growth = ginf + (g0 - ginf) * np.exp(-kappa * (into - self.times[min(1, steps - 1)]))
            if rv.agi_boost is not None:
                boost = self.draw(rv.agi_boost, "world.revenue.agi_boost")[:, None]
                growth = growth + boost * (self.agi_arrival[:, None] <= into)
            shocks = self.streams.normals("world.revenue.shocks", max(steps - 1, 1))[:, : steps - 1]
            log_steps = (growth - 0.5 * sigma**2) * step + sigma * np.sqrt(step) * shocks
            r0 = self.draw(rv.initial, "world.revenue.initial")
            self.revenue = r0[:, None] * np.exp(np.concatenate([np.zeros((n, 1)), np.cumsum(log_steps, axis=1)], axis=1))

        mg = w.margin
        if mg is not None:
            m0 = self.draw(mg.initial, "world.margin.initial")[:, None]
            minf = self.draw(mg.long_run, "world.margin.long_run")[:, None]
            conv = self.draw(mg.convergence, "world.margin.convergence")[:, None]
            margin = minf + (m0 - minf) * np.exp(-conv * (self.times[None, :] - self.times[0]))
            self.profit = margin * self.revenue
        self.exit_value = np.zeros(n)
        if w.exit is not None:
            multiple = self.draw(w.exit.revenue_multiple, "world.exit.revenue_multiple")
            self.exit_value = self.exit_scale * multiple * self.series(w.exit.of)[:, -1]

    def _trigger(self, name: str) -> np.ndarray:
        if name == MISSED_DEADLINE:
            funding = self.scenario.world.funding
            if funding is None or self.restructured:
                return np.full(self.n_paths, np.inf)
            return np.full(self.n_paths, year_fraction(funding.deadline))
        trig = self.scenario.triggers[name]
        n = self.n_paths
        key = f"triggers.{name}"
        if isinstance(trig, DateTrigger):
            return np.full(n, year_fraction(trig.date))
        if isinstance(trig, RestructuringMissedTrigger):
            funding = self.scenario.world.funding
            if funding is None or self.restructured:
                return np.full(n, np.inf)
            return np.full(n, year_fraction(funding.deadline))
        if isinstance(trig, FirstOfTrigger):
            return np.minimum.reduce([self.trigger_time(t) for t in trig.of])
        if isinstance(trig, EventTrigger):
            lag = self.draw(trig.lag, f"{key}.lag") if trig.lag is not None else 0.0
            return self.event_time(trig.driver) + lag
        if isinstance(trig, PathTimes):
            return trig.times
        assert isinstance(trig, DeclaredTrigger)
        declared = self.eligible_time(name)
        if trig.rule == "counterparty_agreement" and trig.controlled_by is not None:
            # Decided per package by zopa.clauses; standing alone, the controller declares when eligible
            # and the counterparty disputes whenever the court might rule for it.
            upheld = self.uniform(f"{key}.court") < self.draw(trig.court_upholds, f"{key}.court_upholds")
            return np.where(upheld, declared + self.draw(trig.court_delay, f"{key}.court_delay"), np.inf)
        if trig.rule == "counterparty_agreement":
            disputed = self.uniform(f"{key}.dispute") < self.draw(trig.dispute_probability, f"{key}.dispute_probability")
            upheld = self.uniform(f"{key}.court") < self.draw(trig.court_upholds, f"{key}.court_upholds")
            delay = self.draw(trig.court_delay, f"{key}.court_delay")
            return np.where(~disputed, declared, np.where(upheld, declared + delay, np.inf))
        if trig.rule == "expert_panel":
            confirms = self.uniform(f"{key}.panel") < self.draw(trig.panel_confirms, f"{key}.panel_confirms")
            return np.where(confirms, declared + self.draw(trig.panel_delay, f"{key}.panel_delay"), np.inf)
        return declared


@dataclass(frozen=True)
class PathTimes:
    """A trigger fixed path by path (calendar years, ``inf`` = never): how a decided clause is
    substituted for its rule when a package is valued."""

    times: np.ndarray
    kind: str = "path_times"


def simulate_world(scenario: Scenario, belief: str, restructured: bool, seed: int, start: int, n: int,
                   streams: RandomStreams | None = None, exit_scale: float = 1.0) -> SimulatedWorld:
    """Simulate paths ``[start, start + n)`` of the world as party ``belief`` sees it."""
    streams = streams or RandomStreams(seed, start, n)
    return SimulatedWorld(scenario, belief, restructured, streams, exit_scale=exit_scale)
