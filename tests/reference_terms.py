"""The term kinds as they were written before the contract algebra: direct NumPy implementations,
kept as the reference each kind's composition must equal path by path."""

from __future__ import annotations

import numpy as np

from zopa.terms.flows import CashFlows, Flows, Lump
from zopa.terms.base import active_mask, until_time

FREE_MARKET = "none"


def _draw(term, ctx, name):
    return ctx.draw(getattr(term, name), f"{term.key}.{name}")


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


def _missed_deadline(ctx) -> np.ndarray:
    """The funding deadline on paths of a world that does not restructure; never otherwise."""
    from zopa.world import year_fraction

    funding = ctx.scenario.world.funding
    if getattr(ctx, "restructured", True):
        return np.full(ctx.n_paths, np.inf)
    return np.full(ctx.n_paths, year_fraction(funding.deadline))


def _resource_draw(ctx, resource: str, field: str) -> np.ndarray:
    """Draws of a resource's quantity ``field`` (e.g. its holder margin)."""
    return ctx.draw(getattr(ctx.resource(resource), field), f"world.resources.{resource}.{field}")


def _holder_share(ctx, resource: str, regime: str) -> np.ndarray:
    """Draws of the share of the resource's spend the holder captures under ``regime``."""
    return ctx.draw(ctx.resource(resource).holder_share[regime], f"world.resources.{resource}.holder_share.{regime}")


def buyer_need(ctx, resource: str) -> np.ndarray:
    """``(N, T)`` the buyer's spend on the resource per year: ``spend_share × base``, where the base is
    revenue or operating cost ``revenue − profit`` (more than revenue while the buyer makes losses)."""
    model = ctx.resource(resource)
    base = ctx.revenue if model.spend_base == "revenue" else np.maximum(ctx.revenue - ctx.profit, 0.0)
    return _resource_draw(ctx, resource, "spend_share")[:, None] * base


def _capacity(ctx, resource: str) -> np.ndarray:
    """Share of the buyer's need the holder can supply (``inf``: unlimited)."""
    if ctx.resource(resource).capacity_share is None:
        return np.full(ctx.n_paths, np.inf)
    return _resource_draw(ctx, resource, "capacity_share")


def old_RevenueShare(self, ctx) -> Flows:
    base = ctx.revenue if self.base == "revenue" else np.maximum(ctx.profit, 0.0)
    grid = _draw(self, ctx, "rate")[:, None] * base * active_mask(ctx, self.until) * ctx.period
    if self.cap is not None:
        grid = cap_cumulative(grid, _draw(self, ctx, "cap"))
    return Flows.transfer(CashFlows(grid))


def old_ProfitShare(self, ctx) -> Flows:
    n, steps = ctx.profit.shape
    rates = [ctx.draw(t.rate, f"{self.key}.tiers[{j}].rate") for j, t in enumerate(self.tiers)]
    ups = [
        ctx.draw(t.up_to, f"{self.key}.tiers[{j}].up_to") if t.up_to is not None else np.full(n, np.inf)
        for j, t in enumerate(self.tiers)
    ]
    cap = _draw(self, ctx, "cap") if self.cap is not None else np.full(n, np.inf)
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


def old_EquityStake(self, ctx) -> Flows:
    stake = _draw(self, ctx, "stake")
    kept = 1.0 - _draw(self, ctx, "dilution") if self.dilution is not None else 1.0
    amount = stake * kept * ctx.exit_value
    return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (Lump(amount, np.full(ctx.n_paths, ctx.exit_time)),)))


def old_Payment(self, ctx) -> Flows:
    lump = Lump(_draw(self, ctx, "amount"), ctx.trigger_time(self.when))
    return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (lump,)))


def old_FundingCost(self, ctx) -> Flows:
    funding = ctx.scenario.world.funding
    if funding is None or funding.replacement_cost is None:
        raise ValueError("a funding_cost term needs world.funding with replacement_cost")
    amount = (ctx.draw(funding.at_risk, "world.funding.at_risk")
              * ctx.draw(funding.replacement_cost, "world.funding.replacement_cost"))
    lump = Lump(amount, _missed_deadline(ctx))
    return Flows.transfer(CashFlows(np.zeros((ctx.n_paths, ctx.times.size)), (lump,)))


def old_locked_spend(self, ctx) -> np.ndarray:
    cap = _capacity(ctx, self.resource)
    supplied = np.minimum(_holder_share(ctx, self.resource, self.regime), cap)
    uplift = supplied - np.minimum(_holder_share(ctx, self.resource, FREE_MARKET), cap)
    return buyer_need(ctx, self.resource) * uplift[:, None] * active_mask(ctx, self.until) * ctx.period

def old_unmet_need(self, ctx) -> np.ndarray:
    """``(N, T)`` need the grantor may neither get from the holder nor buy elsewhere."""
    model = ctx.resource(self.resource)
    if model.capacity_share is None or self.regime not in model.strict_regimes:
        return np.zeros((ctx.n_paths, ctx.times.size))
    short = np.maximum(_holder_share(ctx, self.resource, self.regime) - _capacity(ctx, self.resource), 0.0)
    return buyer_need(ctx, self.resource) * short[:, None] * active_mask(ctx, self.until) * ctx.period

def old_Exclusivity(self, ctx) -> Flows:
    locked = old_locked_spend(self, ctx)
    margin = _resource_draw(ctx, self.resource, "holder_margin")[:, None]
    premium = _resource_draw(ctx, self.resource, "grantor_premium")[:, None]
    cost = premium * locked
    if ctx.resource(self.resource).shortfall_cost is not None:
        cost = cost + _resource_draw(ctx, self.resource, "shortfall_cost")[:, None] * old_unmet_need(self, ctx)
    return Flows(CashFlows(margin * locked), CashFlows(cost))


def old_IpAccess(self, ctx) -> Flows:
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


def old_PurchaseCommitment(self, ctx) -> Flows:
    need = buyer_need(ctx, self.resource)
    supplied = np.minimum(_holder_share(ctx, self.resource, self.baseline_regime), _capacity(ctx, self.resource))
    anyway = need * supplied[:, None]
    amount = _draw(self, ctx, "amount_per_year")[:, None]
    weight = active_mask(ctx, self.until) * ctx.period
    shifted = np.maximum(np.minimum(amount, need) - anyway, 0.0) * weight
    overbuy = np.maximum(amount - need, 0.0) * weight
    margin = _resource_draw(ctx, self.resource, "holder_margin")[:, None]
    premium = _resource_draw(ctx, self.resource, "grantor_premium")[:, None]
    return Flows(CashFlows(margin * (shifted + overbuy)), CashFlows(premium * shifted + overbuy))


def old_member_parts(self, ctx) -> dict[str, Flows]:
    """Each member's flows after the cap, keyed by member id."""
    raw = {m.id: OLD[m.kind](m, ctx).to_payee for m in self.members}
    counts = {
        m.id: (
            ctx.uniform(f"{self.key}.count_probability.{m.id}")
            < ctx.draw(self.count_probability[m.id], f"{self.key}.count_probability.{m.id}")
            if m.id in self.count_probability
            else np.ones(ctx.n_paths, dtype=bool)
        )
        for m in self.members
    }
    cap = _draw(self, ctx, "cap")
    counted = sum((np.where(counts[k][:, None], f.grid, 0.0) for k, f in raw.items()), np.zeros_like(ctx.revenue))
    cum = np.cumsum(counted, axis=1)
    allowed = np.diff(np.minimum(cum, cap[:, None]), axis=1, prepend=0.0)
    binding = (cum > cap[:, None]) & (counted > 0)
    scale = np.where(binding, allowed / np.where(counted > 0, counted, 1.0), 1.0)
    room = np.maximum(cap - np.minimum(cum[:, -1], cap), 0.0)
    parts: dict[str, Flows] = {}
    for key, f in raw.items():  # a handful of members, vectorised over paths
        grid = np.where(counts[key][:, None], f.grid * scale, f.grid)
        lumps = []
        for lump in f.lumps:
            amount = np.where(counts[key], np.minimum(lump.amount, room), lump.amount)
            room = np.where(counts[key], room - amount, room)
            lumps.append(Lump(amount, lump.time))
        parts[key] = Flows.transfer(CashFlows(grid, tuple(lumps)))
    return parts

def old_Capped(self, ctx) -> Flows:
    parts = list(old_member_parts(self, ctx).values())
    total = parts[0].to_payee
    for p in parts[1:]:
        total = total + p.to_payee
    return Flows.transfer(total)


OLD = {
    "revenue_share": old_RevenueShare, "profit_share": old_ProfitShare, "equity_stake": old_EquityStake,
    "payment": old_Payment, "funding_cost": old_FundingCost, "exclusivity": old_Exclusivity,
    "ip_access": old_IpAccess, "purchase_commitment": old_PurchaseCommitment, "capped": old_Capped,
}
