"""Cash flows on simulated paths: what a term pays, on the time grid and at exact times.

Amounts are in the scenario's money unit (``meta.unit``; USD billions in the built-in case). Flows
live on the grid ``t_k`` (calendar years; the flow of period ``k`` — an annual rate times the period's
length in years — is booked at ``t_k``) plus *lumps* paid at exact, per-path times. Present values use
annual compounding from the grid's first point: ``df(t) = (1 + r)^{-(t - t_0)}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Lump:
    """``amount[i]`` paid at time ``time[i]`` (calendar years, ``inf`` = never) on path ``i``."""

    amount: np.ndarray
    time: np.ndarray


@dataclass(frozen=True)
class CashFlows:
    """Flows on the grid, shape ``(N, T)``, plus lumps at exact times."""

    grid: np.ndarray
    lumps: tuple[Lump, ...] = field(default_factory=tuple)

    @staticmethod
    def zeros(n_paths: int, n_steps: int) -> "CashFlows":
        return CashFlows(np.zeros((n_paths, n_steps)))

    def scaled(self, factor: np.ndarray | float) -> "CashFlows":
        """Multiply every flow by ``factor`` (a scalar or one number per path)."""
        f = np.asarray(factor, dtype=float)
        fg = f[:, None] if f.ndim == 1 else f
        return CashFlows(self.grid * fg, tuple(Lump(l.amount * f, l.time) for l in self.lumps))

    def __add__(self, other: "CashFlows") -> "CashFlows":
        return CashFlows(self.grid + other.grid, self.lumps + other.lumps)

    def present_value(self, times: np.ndarray, rate: float) -> np.ndarray:
        """Per-path PV at annual rate ``rate``: ``Σ_k grid[:, k] df(t_k) + Σ_lumps amount · df(time)``."""
        t0 = times[0]
        pv = self.grid @ np.power(1.0 + rate, -(times - t0))
        for lump in self.lumps:
            finite = np.isfinite(lump.time) & (lump.time <= times[-1] + 1e-9)
            df = np.where(finite, np.power(1.0 + rate, -(np.where(finite, lump.time, t0) - t0)), 0.0)
            pv = pv + lump.amount * df
        return pv

    def total(self) -> np.ndarray:
        """Undiscounted per-path sum (lumps within the horizon only are not filtered here)."""
        tot = self.grid.sum(axis=1)
        for lump in self.lumps:
            tot = tot + np.where(np.isfinite(lump.time), lump.amount, 0.0)
        return tot


@dataclass(frozen=True)
class Flows:
    """A term's effect on a batch of paths: what the payee receives and what the payer gives."""

    to_payee: CashFlows
    from_payer: CashFlows

    @staticmethod
    def transfer(flows: CashFlows) -> "Flows":
        """A pure transfer: the payee receives exactly what the payer gives."""
        return Flows(flows, flows)
