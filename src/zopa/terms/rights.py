"""Rights that are not plain transfers: exclusivity, IP access, purchase commitments.

Their value to the holder and their cost to the grantor differ: the holder earns its margin on the
business the right locks in; the grantor pays a premium over a free market or loses competitive
value. The difference is value created or destroyed by the right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms import algebra as A
from zopa.terms.base import PathContext, TermBase, Until, register_term

#: The regime every resource must define: the share the holder captures in a free market.
FREE_MARKET = "none"


def _resource(resource: str, field: str) -> A.Obs:
    """A resource's quantity ``field`` (e.g. its holder margin) as an observable."""
    return A.WorldDraw(f"world.resources.{resource}.{field}")


def _holder_share(resource: str, regime: str) -> A.Obs:
    """The share of the resource's spend the holder captures under ``regime``."""
    return A.WorldDraw(f"world.resources.{resource}.holder_share.{regime}")


@dataclass(frozen=True)
class Need:
    """Observable ``(N, T)``: the buyer's spend on ``resource`` per year, ``spend_share × base``, where
    the base is revenue or operating cost ``revenue − profit`` (more than revenue while the buyer
    makes losses)."""

    resource: str

    def observe(self, ctx: PathContext) -> np.ndarray:
        model = ctx.resource(self.resource)
        base = ctx.series("revenue") if model.spend_base == "revenue" else np.maximum(ctx.series("cost"), 0.0)
        return A.observe(_resource(self.resource, "spend_share"), ctx)[:, None] * base


@dataclass(frozen=True)
class Supplied:
    """Observable ``(N,)``: the share of the need the holder supplies under ``regime``,
    ``min(h[regime], capacity)`` (``h[regime]`` without a capacity limit)."""

    resource: str
    regime: str

    def observe(self, ctx: PathContext) -> np.ndarray:
        share = A.observe(_holder_share(self.resource, self.regime), ctx)
        if ctx.resource(self.resource).capacity_share is None:
            return share
        return np.minimum(share, A.observe(_resource(self.resource, "capacity_share"), ctx))


@dataclass(frozen=True)
class Shortfall:
    """Observable ``(N, T)``: what the grantor loses per year on need the holder cannot supply and it
    may not buy elsewhere — ``shortfall_cost × need × max(h[regime] − capacity, 0)`` under a strict
    regime of a resource with a capacity and a shortfall cost, else 0."""

    resource: str
    regime: str

    def observe(self, ctx: PathContext) -> np.ndarray:
        model = ctx.resource(self.resource)
        if model.capacity_share is None or model.shortfall_cost is None or self.regime not in model.strict_regimes:
            return np.zeros((ctx.n_paths, ctx.times.size))
        short = np.maximum(A.observe(_holder_share(self.resource, self.regime), ctx)
                           - A.observe(_resource(self.resource, "capacity_share"), ctx), 0.0)
        return A.observe(_resource(self.resource, "shortfall_cost"), ctx)[:, None] * (
            Need(self.resource).observe(ctx) * short[:, None])


def buyer_need(ctx: PathContext, resource: str) -> np.ndarray:
    """``(N, T)`` the buyer's projected spend on ``resource`` per year (see :class:`Need`)."""
    return Need(resource).observe(ctx)


@register_term
class Exclusivity(TermBase):
    """Exclusivity (or a right of first refusal) over a resource the grantor buys, e.g. compute.

    With the grantor's need ``n_t`` (:func:`buyer_need`), the holder's share of it ``h[regime]`` versus
    ``h[none]`` in a free market, and the holder's capacity ``c`` (a share of the need), the holder
    supplies ``min(h, c)``: the right locks in ``Δ_t = n_t (min(h[regime], c) − min(h[none], c))`` per
    period while active. The holder (payee) earns ``holder_margin × Δ_t``; the grantor (payer) pays
    ``grantor_premium × Δ_t`` over market prices and, under a strict regime (it may not buy
    elsewhere), loses ``shortfall_cost × n_t × max(h[regime] − c, 0)`` on the need the holder cannot
    supply. A right therefore destroys value when the holder's capacity is short of what it locks in.
    """

    kind: Literal["exclusivity"] = "exclusivity"
    resource: str
    regime: str
    until: Until = None

    def compose(self) -> A.Contract:
        uplift = A.Sub(Supplied(self.resource, self.regime), Supplied(self.resource, FREE_MARKET))
        locked = A.Mul(Need(self.resource), uplift)
        cost = A.Add(A.Mul(_resource(self.resource, "grantor_premium"), locked), Shortfall(self.resource, self.regime))
        gain = A.Mul(_resource(self.resource, "holder_margin"), locked)
        return A.Until(self.until, A.Right(A.Flow(gain), A.Flow(cost)))


class CarveOut(BaseModel):
    """Technology excluded from the holder's access (e.g. an acquired company's IP)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    applies: bool = Field(True, description="whether the carve-out is in force (an issue may switch it)")
    holder_value_share: Quantity = quantity_field("share", "share of the access's value to the holder that is carved out")
    grantor_cost_share: Quantity = quantity_field("share", "share of the grantor's cost of granting access that is carved out")


@register_term
class IpAccess(TermBase):
    """The holder's right to use the grantor's IP in its products, until trigger ``until``.

    Per active period the holder gains ``value_to_holder × revenue_t × (1 − Σ carved holder shares)``
    and the grantor loses ``cost_to_grantor × revenue_t × (1 − Σ carved grantor shares)`` (competition
    with its own products), with ``value_to_holder``, ``cost_to_grantor`` from ``world.ip`` (shares of
    the grantor's revenue). With ``post_agi = false`` access to new technology stops when
    ``agi_trigger`` fires; from then until ``until`` both sides' flows are scaled by
    ``world.ip.residual_after_cutoff`` (the value of models already licensed).
    """

    kind: Literal["ip_access"] = "ip_access"
    until: Until = None
    post_agi: bool = True
    agi_trigger: str | None = None
    carve_outs: list[CarveOut] = Field(default_factory=list)

    def compose(self) -> A.Contract:
        weight: A.Obs = A.Const(1.0)
        if not self.post_agi and self.agi_trigger is not None:
            before = A.Before(self.agi_trigger)
            residual = A.WorldDraw("world.ip.residual_after_cutoff")
            weight = A.Add(before, A.Mul(A.Sub(A.Const(1.0), before), residual))
        applying = [c for c in self.carve_outs if c.applies]

        def kept(share: str) -> A.Obs:
            out: A.Obs = A.Const(1.0)
            for c in applying:
                out = A.Sub(out, A.Draw(getattr(c, share), f"{self.key}.carve_outs.{c.name}.{share}"))
            return A.positive(out)

        base = A.Mul(A.Series("revenue"), weight)
        return A.Until(self.until, A.Right(
            A.Flow(A.Mul(base, A.Mul(A.WorldDraw("world.ip.value_to_holder"), kept("holder_value_share")))),
            A.Flow(A.Mul(base, A.Mul(A.WorldDraw("world.ip.cost_to_grantor"), kept("grantor_cost_share"))))))


@register_term
class PurchaseCommitment(TermBase):
    """The payer commits to buy ``amount_per_year`` of a resource from the payee while active.

    With the payer's need ``n`` (:func:`buyer_need`: its own projected spend) and what it would buy from the payee anyway
    ``a = n × h[baseline_regime]``, a commitment ``c`` (per year) moves ``s = max(min(c, n) − a, 0)``
    from other providers — the payer pays ``grantor_premium`` on it — and makes it buy ``o = max(c − n, 0)``
    it does not need, at full price. The payee earns ``holder_margin`` on ``s + o``. Set
    ``baseline_regime`` to the exclusivity regime the same package grants (default ``none``, a free
    market), so that spend an exclusivity already locks in is not counted twice.
    """

    kind: Literal["purchase_commitment"] = "purchase_commitment"
    resource: str
    amount_per_year: Quantity = quantity_field("money", "USD bn per year")
    until: Until = None
    baseline_regime: str = Field(FREE_MARKET, description="regime in force alongside the commitment")

    def compose(self) -> A.Contract:
        need = Need(self.resource)
        anyway = A.Mul(need, Supplied(self.resource, self.baseline_regime))
        amount = A.Draw(self.amount_per_year, f"{self.key}.amount_per_year")
        shifted = A.positive(A.Sub(A.Min(amount, need), anyway))
        overbuy = A.positive(A.Sub(amount, need))
        margin, premium = _resource(self.resource, "holder_margin"), _resource(self.resource, "grantor_premium")
        return A.Until(self.until, A.Right(A.Flow(A.Mul(margin, A.Add(shifted, overbuy))),
                                           A.Flow(A.Add(A.Mul(premium, shifted), overbuy))))
