"""Combinators: terms built from other terms.

``capped`` puts a cumulative cap on the combined payments of its members — e.g. Microsoft's total
economics of about $92B, where it is not public whether the revenue share counts toward the cap.
That doubt is modelled, not hidden: each member has a probability of counting toward the cap, drawn
once per path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms.base import CashFlows, Flows, Lump, PathContext, TermBase, register_term

if TYPE_CHECKING:  # pragma: no cover
    AnyTerm = TermBase


@register_term
class Capped(TermBase):
    """Members' payments, with those that count toward the cap limited to a cumulative ``cap``.

    On path ``i`` member ``j`` counts with probability ``count_probability[j]`` (default 1). Counting
    grid flows are summed and capped cumulatively (``min(cumsum, cap)``); each counting member keeps
    its pro-rata part of every period's capped total. Lumps (e.g. a terminal claim) are then limited
    in order to the room left. All members must be transfers between the same payer and payee.
    """

    kind: Literal["capped"] = "capped"
    cap: Quantity = quantity_field("money", "cumulative cap, USD bn")
    members: list["AnyTerm"] = Field(min_length=1)
    count_probability: dict[str, Quantity] = quantity_field("probability", "chance each member counts toward the cap", {})

    def children(self) -> list[TermBase]:
        return list(self.members)

    def triggers(self) -> set[str]:
        return set().union(*(m.triggers() for m in self.members))

    def parties(self) -> set[str]:
        return super().parties().union(*(m.parties() for m in self.members))

    def member_parts(self, ctx: PathContext) -> dict[str, Flows]:
        """Each member's flows after the cap, keyed by member id."""
        raw = {m.id: m.flows(ctx).to_payee for m in self.members}
        counts = {
            m.id: (
                ctx.uniform(f"{self.key}.count_probability.{m.id}")
                < ctx.draw(self.count_probability[m.id], f"{self.key}.count_probability.{m.id}")
                if m.id in self.count_probability
                else np.ones(ctx.n_paths, dtype=bool)
            )
            for m in self.members
        }
        cap = self.draw(ctx, "cap")
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

    def flows(self, ctx: PathContext) -> Flows:
        parts = list(self.member_parts(ctx).values())
        total = parts[0].to_payee
        for p in parts[1:]:
            total = total + p.to_payee
        return Flows.transfer(total)
