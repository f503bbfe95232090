"""Money transfers: revenue shares, tiered profit participation, stakes and one-off payments.

All amounts in USD billions. Every term here is a pure transfer: the payee receives exactly what the
payer gives, path by path.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms.base import CashFlows, Flows, Until, until_time, Lump, PathContext, TermBase, active_mask, register_term


def cap_cumulative(grid: np.ndarray, cap: np.ndarray | float) -> np.ndarray:
    """Flows ``f[:, k]`` limited so that their running total never exceeds ``cap`` (per path).

    The capped flow is ``diff(min(cumsum(f), cap))``: payments stop once the cap is reached.

    >>> cap_cumulative(np.array([[3.0, 3.0, 3.0]]), 7.0).tolist()
    [[3.0, 3.0, 1.0]]
    """
    cap = np.asarray(cap, dtype=float)
    cum = np.cumsum(grid, axis=1)
    limit = cap[..., None] if cap.ndim else cap
    capped = np.diff(np.minimum(cum, limit), axis=1, prepend=0.0)
    return np.where(cum <= limit, grid, capped)  # untouched (bit for bit) until the cap binds


@register_term
class RevenueShare(TermBase):
    """``rate × base_t`` each period while active, where base is revenue (or positive profit), with an
    optional cumulative ``cap``. Ends when trigger ``until`` fires (``None``: runs to the horizon)."""

    kind: Literal["revenue_share"] = "revenue_share"
    rate: Quantity = quantity_field("share", "share of the base paid each period")
    base: Literal["revenue", "profit"] = "revenue"
    until: Until = None
    cap: Quantity | None = quantity_field("money", "cumulative cap, USD bn", None)

    def flows(self, ctx: PathContext) -> Flows:
        base = ctx.revenue if self.base == "revenue" else np.maximum(ctx.profit, 0.0)
        grid = self.draw(ctx, "rate")[:, None] * base * active_mask(ctx, self.until) * ctx.period
        if self.cap is not None:
            grid = cap_cumulative(grid, self.draw(ctx, "cap"))
        return Flows.transfer(CashFlows(grid))


class Tier(BaseModel):
    """Pay ``rate`` of positive profit until the payee's cumulative receipts reach ``up_to``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: Quantity = quantity_field("share", "share of positive profit")
    up_to: Quantity | None = quantity_field("money", "cumulative receipts (USD bn) at which this tier ends", None)


@register_term
class ProfitShare(TermBase):
    """Tiered participation in positive profits, e.g. 75% until the investment is recouped, then 49%,
    up to a total ``cap``.

    Per period the payee gets profit × the rate of the tier its cumulative receipts are in, spilling
    into the next tier when a threshold is crossed within the period. With ``terminal = true`` the
    claim left at the horizon is valued as a share of the exit equity value: ``min(room under the
    cap, current tier rate × exit value)``, paid at exit.
    """

    kind: Literal["profit_share"] = "profit_share"
    default_risk: ClassVar[str] = "equity"
    tiers: list[Tier] = Field(min_length=1)
    cap: Quantity | None = quantity_field("money", "total cap on receipts, USD bn", None)
    until: Until = None
    terminal: bool = False

    def flows(self, ctx: PathContext) -> Flows:
        n, steps = ctx.profit.shape
        rates = [ctx.draw(t.rate, f"{self.key}.tiers[{j}].rate") for j, t in enumerate(self.tiers)]
        ups = [
            ctx.draw(t.up_to, f"{self.key}.tiers[{j}].up_to") if t.up_to is not None else np.full(n, np.inf)
            for j, t in enumerate(self.tiers)
        ]
        cap = self.draw(ctx, "cap") if self.cap is not None else np.full(n, np.inf)
        thresholds = [np.minimum(u, cap) for u in ups]  # the last tier's up_to, if any, also ends payments
        positive = np.maximum(ctx.profit, 0.0) * active_mask(ctx, self.until) * ctx.period
        received = np.zeros(n)
        grid = np.zeros((n, steps))
        for k in range(steps):  # time steps, vectorised over paths
            left = positive[:, k].copy()
            for rate, ceiling in zip(rates, thresholds):
                room = np.maximum(ceiling - received, 0.0)
                pay = np.minimum(rate * left, room)
                used = np.where(rate > 0, pay / np.where(rate > 0, rate, 1.0), 0.0)
                left = np.maximum(left - used, 0.0)
                received = received + pay
                grid[:, k] += pay
        flows = CashFlows(grid)
        if self.terminal:
            current_rate = np.select([received < t for t in thresholds], rates, default=0.0)
            claim = np.minimum(np.maximum(cap - received, 0.0), current_rate * np.maximum(ctx.exit_value, 0.0))
            if self.until is not None:
                claim = np.where(until_time(ctx, self.until) > ctx.exit_time, claim, 0.0)
            flows = CashFlows(grid, (Lump(claim, np.full(n, ctx.exit_time)),))
        return Flows.transfer(flows)


@register_term
class EquityStake(TermBase):
    """A ``stake`` (fraction) of the company's equity, diluted by ``dilution`` before exit, valued at
    the horizon: ``stake × (1 − dilution) × exit value``, received at the exit time."""

    kind: Literal["equity_stake"] = "equity_stake"
    default_risk: ClassVar[str] = "equity"
    stake: Quantity = quantity_field("share", "fraction of the equity")
    dilution: Quantity | None = quantity_field("share", "fraction diluted away before exit", None)

    def flows(self, ctx: PathContext) -> Flows:
        stake = self.draw(ctx, "stake")
        kept = 1.0 - self.draw(ctx, "dilution") if self.dilution is not None else 1.0
        amount = stake * kept * ctx.exit_value
        return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (Lump(amount, np.full(ctx.n_paths, ctx.exit_time)),)))


@register_term
class Payment(TermBase):
    """A one-off ``amount`` paid when trigger ``when`` fires (a date, a missed deadline, a declaration);
    nothing if it never fires within the horizon. Discounted exactly to the firing time."""

    kind: Literal["payment"] = "payment"
    default_risk: ClassVar[str] = "fixed"
    amount: Quantity = quantity_field("money", "USD bn")
    when: str

    def flows(self, ctx: PathContext) -> Flows:
        lump = Lump(self.draw(ctx, "amount"), ctx.trigger_time(self.when))
        return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (lump,)))


@register_term
class FundingCost(TermBase):
    """What losing the money at risk costs the party that raises it, when the funding deadline is
    missed: ``world.funding.at_risk × world.funding.replacement_cost``, paid (to no one) at the
    deadline in packages that do not restructure, nothing in those that do. The money itself is not
    the loss — fairly priced equity is worth what it costs — only the friction of replacing it is."""

    kind: Literal["funding_cost"] = "funding_cost"
    default_risk: ClassVar[str] = "fixed"

    def flows(self, ctx: PathContext) -> Flows:
        funding = ctx.scenario.world.funding
        if funding is None or funding.replacement_cost is None:
            raise ValueError("a funding_cost term needs world.funding with replacement_cost")
        amount = (ctx.draw(funding.at_risk, "world.funding.at_risk")
                  * ctx.draw(funding.replacement_cost, "world.funding.replacement_cost"))
        lump = Lump(amount, _missed_deadline(ctx))
        return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (lump,)))


def _missed_deadline(ctx: PathContext) -> np.ndarray:
    """The funding deadline on paths of a world that does not restructure; never otherwise."""
    from zopa.world import year_fraction

    funding = ctx.scenario.world.funding
    if getattr(ctx, "restructured", True):
        return np.full(ctx.n_paths, np.inf)
    return np.full(ctx.n_paths, year_fraction(funding.deadline))
