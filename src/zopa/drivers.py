"""Declared world drivers: the stochastic processes and events a scenario composes.

A scenario's ``[world.drivers]`` table names any number of drivers; terms read them by name (a
``flow`` with ``of = "volume"``, a ``price`` with ``volume = "seats"``), triggers fire on events
(``{ kind = "event", driver = "launch" }``) and an exit value may follow one. None is mandatory: the
built-in case's revenue, margin and AGI models are drivers of the same world, declared in their own
tables for its sake. Each driver is simulated on the time grid ``t_0 … t_{T−1}`` (step ``Δ`` years)
with common random numbers named by its TOML path, so each party's series differ only where
their beliefs do.

Processes (``process = …``):

* ``gbm`` — geometric Brownian motion ``X_{k+1} = X_k exp((μ − σ²/2)Δ + σ√Δ Z_{k+1})`` from
  ``initial``: ``E[X_k] = X_0 e^{μ (t_k − t_0)}`` (Black & Scholes 1973; Dixit & Pindyck 1994, ch. 3
  for its use for demand and prices).
* ``level`` — one draw per path, growing deterministically: ``X_k = level × (1 + growth)^{t_k − t_0}``
  (an uncertain but stable quantity, e.g. seats under contract).
* ``ratio`` — ``factor × X^{of}_k``: a driver proportional to another (usage as a share of sales).
* ``event`` — an arrival time (calendar year; ``p_never`` for never within the horizon); as a series
  it is ``1`` once the event has happened by ``t_k``, else ``0``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field


class _Driver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = ""
    unit: str = Field("", description="what the driver counts, e.g. 'seats' or 'USD millions per year'")


class GbmDriver(_Driver):
    """Geometric Brownian motion from ``initial`` with drift ``drift`` (per year) and volatility
    ``volatility`` (per √year)."""

    process: Literal["gbm"]
    initial: Quantity = quantity_field("nonnegative", "value at the grid's first point")
    drift: Quantity = quantity_field("any", "expected log-growth per year (μ)")
    volatility: Quantity = quantity_field("nonnegative", "volatility per √year (σ)")


class LevelDriver(_Driver):
    """One draw per path, ``level × (1 + growth)^{t − t_0}``."""

    process: Literal["level"]
    level: Quantity = quantity_field("any", "value at the grid's first point")
    growth: Quantity | None = quantity_field("rate", "deterministic growth per year", None)


class RatioDriver(_Driver):
    """``factor × `` the driver ``of`` (a declared driver, ``revenue``, ``profit`` or ``cost``)."""

    process: Literal["ratio"]
    of: str
    factor: Quantity = quantity_field("any", "multiplier of the other driver")


class EventDriver(_Driver):
    """An event arriving in calendar year ``arrival`` (``p_never``: it may never happen)."""

    process: Literal["event"]
    arrival: Quantity = quantity_field("year", "calendar year the event happens")


Driver = Annotated[Union[GbmDriver, LevelDriver, RatioDriver, EventDriver], Field(discriminator="process")]

#: Series every world may provide without declaring them (when its tables exist).
BUILT_IN_SERIES = ("revenue", "profit", "cost", "exit_value")


def simulate_driver(name: str, driver: Any, world: Any) -> np.ndarray:
    """The path values of driver ``name`` in ``world`` (a :class:`~zopa.world.SimulatedWorld`):
    ``(N, T)`` for processes, ``(N,)`` arrival times (calendar years, ``inf`` = never) for events."""
    key = f"world.drivers.{name}"
    times = world.times
    elapsed = (times - times[0])[None, :]
    if isinstance(driver, GbmDriver):
        steps, dt = times.size, float(world.period)
        x0 = world.draw(driver.initial, f"{key}.initial")
        mu = world.draw(driver.drift, f"{key}.drift")[:, None]
        sigma = world.draw(driver.volatility, f"{key}.volatility")[:, None]
        shocks = world.streams.normals(f"{key}.shocks", max(steps - 1, 1))[:, : steps - 1]
        log_steps = (mu - 0.5 * sigma**2) * dt + sigma * np.sqrt(dt) * shocks
        cumulative = np.concatenate([np.zeros((x0.size, 1)), np.cumsum(log_steps, axis=1)], axis=1)
        return x0[:, None] * np.exp(cumulative)
    if isinstance(driver, LevelDriver):
        level = world.draw(driver.level, f"{key}.level")[:, None]
        if driver.growth is None:
            return np.broadcast_to(level, (level.shape[0], times.size)).copy()
        growth = world.draw(driver.growth, f"{key}.growth")[:, None]
        return level * np.power(1.0 + growth, elapsed)
    if isinstance(driver, RatioDriver):
        return world.draw(driver.factor, f"{key}.factor")[:, None] * world.series(driver.of)
    if isinstance(driver, EventDriver):
        return world.draw(driver.arrival, f"{key}.arrival")
    raise TypeError(f"unknown driver process for {name!r}")
