"""The contract-term algebra: cash flows on simulated paths, and the context terms read them from.

A term is a claim with an explicit payer and payee. Evaluated on a batch of ``N`` simulated paths it
yields two :class:`CashFlows`: what the payee receives and what the payer gives (USD billions). For a
pure transfer (a revenue share, a stake) the two are the same array; for a right such as exclusivity
they differ (the holder's margin is not the grantor's premium), which is how terms create or destroy
value.

Flows live on the time grid ``t_k`` (calendar years; the flow of period ``k`` — an annual rate times
the period's length in years — is booked at ``t_k``)
plus *lumps*: amounts paid at exact, per-path times (a payment on a date, a stake at exit). Present
values use annual compounding from the grid's first point: ``df(t) = (1 + r)^{-(t - t_0)}``, at the
rate of the term's *risk class* (see :mod:`zopa.discounting`): the rate belongs to the stream, not
to the party that holds it.

A new term type is a pydantic model with a unique ``kind`` and a ``flows(ctx)`` method, registered
with :func:`register_term`; the simulator never needs to know about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from zopa.beliefs import Quantity


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


class PathContext(Protocol):
    """What a term may read from a simulated world (one belief set, one world state, N paths)."""

    n_paths: int
    times: np.ndarray  # (T,) calendar years of the grid
    period: float  # years per grid step: a period's flow is its annual rate × period
    revenue: np.ndarray  # (N, T) USD billions per year (an annual rate)
    profit: np.ndarray  # (N, T) USD billions per year (negative = loss)
    exit_value: np.ndarray  # (N,) equity value at the horizon, USD billions
    exit_time: float

    def draw(self, quantity: "Quantity", key: str) -> np.ndarray:
        """``N`` draws of ``quantity`` under this world's beliefs, common random numbers by ``key``."""

    def uniform(self, key: str) -> np.ndarray:
        """``N`` uniforms on (0, 1) named by ``key`` (common random numbers across parties)."""

    def active(self, until: "Until") -> np.ndarray:
        """``(N, T)`` booleans: whether each period starts before trigger ``until`` fires (all true for
        ``None``)."""

    def trigger_time(self, name: str) -> np.ndarray:
        """Per-path time (calendar years, ``inf`` = never) at which trigger ``name`` fires."""

    def resource(self, name: str) -> Any:
        """The world model of resource ``name`` (e.g. compute)."""

    @property
    def scenario(self) -> Any: ...


#: When a term ends: a trigger name, a list of them (whichever fires first), or never (``None``).
Until = str | list[str] | None


def until_time(ctx: PathContext, until: Until) -> np.ndarray:
    """Per-path time at which ``until`` fires: the earliest of the named triggers (``inf`` = never)."""
    if until is None:
        return np.full(ctx.n_paths, np.inf)
    names = [until] if isinstance(until, str) else until
    return np.minimum.reduce([ctx.trigger_time(name) for name in names])


def active_mask(ctx: PathContext, until: Until) -> np.ndarray:
    """``(N, T)`` booleans: period ``k`` is active while the ``until`` trigger has not fired by ``t_k``."""
    return ctx.active(until)


class TermBase(BaseModel):
    """Fields every term has. ``key`` is set by the scenario loader to the term's TOML path, which
    names its random numbers: a term inherited through ``base`` sees the same draws in every package,
    and so does a named input used anywhere; a term defined anew in another package gets its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="unique within its package, e.g. 'revenue_share'")
    label: str = ""
    payer: str | None = Field(None, description="party id that gives, or none (the outside world)")
    payee: str | None = Field(None, description="party id that receives, or none (the outside world)")
    key: str = Field("", description="set by the loader: the TOML path naming this term's random numbers")
    risk: str | None = Field(None, description="risk class of the term's flows (a key of discounting.rates); "
                             "default: the kind's own class")

    #: Risk class of this kind's flows when a term does not name one: ``equity`` (residual claims on the
    #: company), ``revenue`` (claims on its sales) or ``fixed`` (contractual amounts).
    default_risk: ClassVar[str] = "revenue"

    @property
    def risk_class(self) -> str:
        """The risk class whose market rate discounts this term's flows."""
        return self.risk or self.default_risk

    def flows(self, ctx: PathContext) -> Flows:  # pragma: no cover - abstract
        raise NotImplementedError

    def draw(self, ctx: PathContext, name: str) -> np.ndarray:
        """Draws of this term's quantity field ``name``."""
        return ctx.draw(getattr(self, name), f"{self.key}.{name}")

    def triggers(self) -> set[str]:
        """Names of the triggers this term refers to (checked by the validator)."""
        found: set[str] = set()
        for k, v in self:
            if k in ("until", "when", "agi_trigger"):
                found |= {v} if isinstance(v, str) else set(v or [])
        return found

    def parties(self) -> set[str]:
        return {p for p in (self.payer, self.payee) if p is not None}

    def children(self) -> list["TermBase"]:
        """Sub-terms, for combinators."""
        return []

    def quantities(self) -> dict[str, "Quantity"]:
        """This term's quantity fields (name → quantity), for provenance and sensitivity."""
        from zopa.beliefs import Quantity

        return {k: v for k, v in self if isinstance(v, Quantity)}


TERM_TYPES: dict[str, type[TermBase]] = {}


def register_term(cls: type[TermBase]) -> type[TermBase]:
    """Class decorator: make a term type known to the scenario schema by its ``kind``."""
    kind = cls.model_fields["kind"].default
    if kind in TERM_TYPES and TERM_TYPES[kind] is not cls:
        raise ValueError(f"term kind {kind!r} registered twice")
    TERM_TYPES[kind] = cls
    return cls


TermFactory = Callable[..., TermBase]
