"""Calibration: make the model reprice the latest priced funding round.

A market-consistent model must value the company's equity at what investors just paid for it. With
exit value ``E_T = k · multiple · R_T`` and a calibrated stake ``s`` (the scenario's
``[calibration]``: a term of a package, e.g. 100% of the equity after dilution), the stake's value on
the round's date ``τ`` under a mixture of beliefs with weights ``w_b`` is

    V(k) = k · Σ_b w_b E_b[PV_τ(stake | k = 1)] / Σ_b w_b,

linear in ``k``, so ``k = price / V(1)`` exactly. ``PV_τ`` discounts at the stake's own market rate
(:mod:`zopa.discounting`) and is carried from the grid's start to ``τ``. The scale is estimated once
per scenario and seed on ``calibration.paths`` paths and then used by every valuation of that
scenario, so all stages of a run see one equity process. Its Monte Carlo standard error is reported,
and :func:`repricing_check` tells how closely a run's own paths reprice the round.

Which beliefs set the price is an assumption the scenario states (``beliefs``): the marginal investor
is neither party, so a mixture of the two sides' views is the neutral choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from zopa.discounting import discounter

_CACHE: dict[tuple[int, int, tuple[tuple[str, float], ...]], tuple[Any, "Calibration"]] = {}


@dataclass(frozen=True)
class Calibration:
    """The calibrated exit-value scale and how well the model reprices the round (USD bn)."""

    scale: float  # k: multiply every exit value by this
    price: float  # the round's price of the stake
    uncalibrated_value: float  # V(1): the stake's model value before scaling, on the round's date
    se: float  # Monte Carlo SE of the calibrated value k·V(1) (the calibration's own noise)
    paths: int
    date: str
    package: str
    term: str
    beliefs: dict[str, float]

    @property
    def relative_se(self) -> float:
        return self.se / self.price if self.price else float("nan")

    def describe(self) -> str:
        return (f"exit values scaled by {self.scale:.3f} so that {self.term} in {self.package} is worth "
                f"{self.price:,.1f} on {self.date} (before: {self.uncalibrated_value:,.1f}; "
                f"calibration noise ± {self.se:,.1f} on {self.paths:,} paths)")


def _scalar_pins(quantiles: Mapping[str, Any] | None) -> tuple[tuple[str, float], ...]:
    if not quantiles:
        return ()
    return tuple(sorted((k, float(v)) for k, v in quantiles.items() if np.ndim(v) == 0))


def stake_value_paths(scenario: Any, belief: str, seed: int, n_paths: int, exit_scale: float = 1.0,
                      quantiles: Mapping[str, Any] | None = None, start: int = 0) -> np.ndarray:
    """Per-path value on the calibration date of the calibrated stake to its payee, under ``belief``."""
    from zopa.world import RandomStreams, SimulatedWorld, year_fraction

    cal = scenario.calibration
    term = next(t for t in scenario.package_terms(cal.package) if t.id == cal.term)
    streams = RandomStreams(seed, start, n_paths, quantiles or {})
    world = SimulatedWorld(scenario, belief, scenario.packages[cal.package].restructured, streams,
                           exit_scale=exit_scale)
    flows = term.flows(world).to_payee
    rate = discounter(scenario).rate(term, term.payee or scenario.party_ids[0])
    times = scenario.time.times
    carry = (1.0 + rate) ** (year_fraction(cal.date) - float(times[0]))
    return flows.present_value(times, rate) * carry


def calibrate(scenario: Any, seed: int = 0, quantiles: Mapping[str, Any] | None = None) -> Calibration | None:
    """The exit-value scale of ``scenario`` (``None`` without a ``[calibration]``), cached per
    scenario object, seed and pinned inputs. Per-path designs (array pins) are not applied: the
    round is repriced by the unpinned model."""
    cal = scenario.calibration
    if cal is None:
        return None
    pins = _scalar_pins(quantiles)
    key = (id(scenario), int(seed), pins)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    total = sum(cal.beliefs.values())
    weights = {b: w / total for b, w in cal.beliefs.items()}
    means, variances = {}, {}
    for belief in weights:
        v = stake_value_paths(scenario, belief, seed, cal.paths, 1.0, dict(pins))
        means[belief], variances[belief] = float(v.mean()), float(v.var(ddof=1))
    value = sum(weights[b] * means[b] for b in weights)
    price = float(cal.price.for_party(scenario.party_ids[0]).mean())
    if not value > 0:
        raise ValueError(f"calibration: {cal.term} in {cal.package} is worth {value:.3g} before scaling; "
                         "it must be positive to reprice the round")
    scale = price / value
    se = scale * math.sqrt(sum(weights[b] ** 2 * variances[b] for b in weights) / cal.paths)
    result = Calibration(scale, price, value, se, cal.paths, cal.date.isoformat(), cal.package, cal.term, weights)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = (scenario, result)
    return result


def exit_scale(scenario: Any, seed: int = 0, quantiles: Mapping[str, Any] | None = None) -> float:
    """``k`` for ``scenario`` (1 without a calibration)."""
    c = calibrate(scenario, seed, quantiles)
    return 1.0 if c is None else c.scale


@dataclass(frozen=True)
class RepricingCheck:
    """The calibrated stake's value on a run's own paths against the round's price."""

    value: float
    se: float
    price: float
    tolerance: float

    @property
    def relative_error(self) -> float:
        return (self.value - self.price) / self.price

    @property
    def within_tolerance(self) -> bool:
        return abs(self.relative_error) <= self.tolerance


def repricing_check(scenario: Any, seed: int, n_paths: int, check_seed: int | None = None) -> RepricingCheck | None:
    """Reprice the round on ``n_paths`` paths of seed ``check_seed`` (default: another seed than the
    calibration's), with the scale calibrated for ``seed``: out-of-sample evidence that the calibrated
    model prices the stake at the round's price."""
    c = calibrate(scenario, seed)
    if c is None:
        return None
    other = seed + 1 if check_seed is None else check_seed
    total = {b: stake_value_paths(scenario, b, other, n_paths, c.scale) for b in c.beliefs}
    value = sum(c.beliefs[b] * float(v.mean()) for b, v in total.items())
    se = math.sqrt(sum(c.beliefs[b] ** 2 * float(v.var(ddof=1)) for b, v in total.items()) / n_paths)
    return RepricingCheck(value, se, c.price, scenario.calibration.tolerance)
