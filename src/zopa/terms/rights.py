"""Rights that are not plain transfers: exclusivity, IP access, purchase commitments.

Their value to the holder and their cost to the grantor differ: the holder earns its margin on the
business the right locks in; the grantor pays a premium over a free market or loses competitive
value. The difference is value created or destroyed by the right.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms.base import CashFlows, Flows, Until, PathContext, TermBase, active_mask, register_term

#: The regime every resource must define: the share the holder captures in a free market.
FREE_MARKET = "none"


def _resource_draw(ctx: PathContext, resource: str, field: str) -> np.ndarray:
    """Draws of a resource's quantity ``field`` (e.g. its holder margin)."""
    return ctx.draw(getattr(ctx.resource(resource), field), f"world.resources.{resource}.{field}")


def _holder_share(ctx: PathContext, resource: str, regime: str) -> np.ndarray:
    """Draws of the share of the resource's spend the holder captures under ``regime``."""
    return ctx.draw(ctx.resource(resource).holder_share[regime], f"world.resources.{resource}.holder_share.{regime}")


def buyer_need(ctx: PathContext, resource: str) -> np.ndarray:
    """``(N, T)`` the buyer's spend on the resource per year: ``spend_share × base``, where the base is
    revenue or operating cost ``revenue − profit`` (more than revenue while the buyer makes losses)."""
    model = ctx.resource(resource)
    base = ctx.revenue if model.spend_base == "revenue" else np.maximum(ctx.revenue - ctx.profit, 0.0)
    return _resource_draw(ctx, resource, "spend_share")[:, None] * base


def _capacity(ctx: PathContext, resource: str) -> np.ndarray:
    """Share of the buyer's need the holder can supply (``inf``: unlimited)."""
    if ctx.resource(resource).capacity_share is None:
        return np.full(ctx.n_paths, np.inf)
    return _resource_draw(ctx, resource, "capacity_share")


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

    def locked_spend(self, ctx: PathContext) -> np.ndarray:
        cap = _capacity(ctx, self.resource)
        supplied = np.minimum(_holder_share(ctx, self.resource, self.regime), cap)
        uplift = supplied - np.minimum(_holder_share(ctx, self.resource, FREE_MARKET), cap)
        return buyer_need(ctx, self.resource) * uplift[:, None] * active_mask(ctx, self.until) * ctx.period

    def unmet_need(self, ctx: PathContext) -> np.ndarray:
        """``(N, T)`` need the grantor may neither get from the holder nor buy elsewhere."""
        model = ctx.resource(self.resource)
        if model.capacity_share is None or self.regime not in model.strict_regimes:
            return np.zeros((ctx.n_paths, ctx.times.size))
        short = np.maximum(_holder_share(ctx, self.resource, self.regime) - _capacity(ctx, self.resource), 0.0)
        return buyer_need(ctx, self.resource) * short[:, None] * active_mask(ctx, self.until) * ctx.period

    def flows(self, ctx: PathContext) -> Flows:
        locked = self.locked_spend(ctx)
        margin = _resource_draw(ctx, self.resource, "holder_margin")[:, None]
        premium = _resource_draw(ctx, self.resource, "grantor_premium")[:, None]
        cost = premium * locked
        if ctx.resource(self.resource).shortfall_cost is not None:
            cost = cost + _resource_draw(ctx, self.resource, "shortfall_cost")[:, None] * self.unmet_need(ctx)
        return Flows(CashFlows(margin * locked), CashFlows(cost))


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

    def flows(self, ctx: PathContext) -> Flows:
        ip = ctx.scenario.world.ip
        if ip is None:
            raise ValueError("an ip_access term needs world.ip")
        weight = active_mask(ctx, self.until).astype(float)
        if not self.post_agi and self.agi_trigger is not None:
            residual = ctx.draw(ip.residual_after_cutoff, "world.ip.residual_after_cutoff")[:, None]
            weight = weight * np.where(active_mask(ctx, self.agi_trigger), 1.0, residual)
        holder_keep = 1.0 - sum((ctx.draw(c.holder_value_share, f"{self.key}.carve_outs.{c.name}.holder_value_share")
                                 for c in self.carve_outs if c.applies), np.zeros(ctx.n_paths))
        grantor_keep = 1.0 - sum((ctx.draw(c.grantor_cost_share, f"{self.key}.carve_outs.{c.name}.grantor_cost_share")
                                  for c in self.carve_outs if c.applies), np.zeros(ctx.n_paths))
        value = ctx.draw(ip.value_to_holder, "world.ip.value_to_holder")
        cost = ctx.draw(ip.cost_to_grantor, "world.ip.cost_to_grantor")
        base = ctx.revenue * weight * ctx.period
        return Flows(
            CashFlows(base * (value * np.maximum(holder_keep, 0.0))[:, None]),
            CashFlows(base * (cost * np.maximum(grantor_keep, 0.0))[:, None]),
        )


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

    def flows(self, ctx: PathContext) -> Flows:
        need = buyer_need(ctx, self.resource)
        supplied = np.minimum(_holder_share(ctx, self.resource, self.baseline_regime), _capacity(ctx, self.resource))
        anyway = need * supplied[:, None]
        amount = self.draw(ctx, "amount_per_year")[:, None]
        weight = active_mask(ctx, self.until) * ctx.period
        shifted = np.maximum(np.minimum(amount, need) - anyway, 0.0) * weight
        overbuy = np.maximum(amount - need, 0.0) * weight
        margin = _resource_draw(ctx, self.resource, "holder_margin")[:, None]
        premium = _resource_draw(ctx, self.resource, "grantor_premium")[:, None]
        return Flows(CashFlows(margin * (shifted + overbuy)), CashFlows(premium * shifted + overbuy))
