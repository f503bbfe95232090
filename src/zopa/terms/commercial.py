"""Terms of ordinary commercial deals, written directly in the contract algebra.

* ``flow`` — ``rate × driver`` per year (or a fixed ``rate`` per year with no driver), optionally
  only positive values of the driver, until a trigger, up to a cumulative cap: a royalty, a fee, a
  share of a joint venture's profit.
* ``lump`` — a one-off ``amount`` at a trigger's time or at exit (a signing fee, a milestone).
* ``price`` — a price × quantity contract: ``price × (1 − discount) × (1 + escalation)^{t − t_0} ×
  volume`` per year, with the volume a declared driver (``world.drivers``) or a number of units per
  year: a licence renewal, a cloud commitment.
* ``sum`` — several terms as one, each with its own payer and payee (a member with the parties
  swapped is the algebra's ``give``), reported member by member in the breakdown.

Amounts are in the scenario's money unit (``meta.unit``), time in calendar years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms import algebra as A
from zopa.terms.base import Flows, PathContext, TermBase, Until, register_term, term_type


@register_term
class Flow(TermBase):
    """``rate × of_t`` per year while active (``of``: a world driver — ``revenue``, ``profit``,
    ``cost`` or a declared ``world.drivers`` entry; without it ``rate`` is an amount per year), with
    only the positive part of the driver when ``positive = true``, until trigger ``until``, up to a
    cumulative ``cap``. Risk class: ``fixed`` for a fixed amount, ``revenue`` when it follows a
    driver (override with ``risk``)."""

    kind: Literal["flow"] = "flow"
    rate: Quantity = quantity_field("any", "multiplier of the driver, or the amount per year without one")
    of: str | None = Field(None, description="world driver the flow follows")
    positive: bool = Field(False, description="pay on the driver's positive part only (e.g. profits, not losses)")
    until: Until = None
    cap: Quantity | None = quantity_field("money", "cumulative cap on payments", None)

    @property
    def risk_class(self) -> str:
        return self.risk or ("fixed" if self.of is None else "revenue")

    def compose(self) -> A.Contract:
        rate: A.Obs = A.Draw(self.rate, f"{self.key}.rate")
        if self.of is not None:
            driver: A.Obs = A.Series(self.of)
            rate = A.Mul(rate, A.positive(driver) if self.positive else driver)
        paid: A.Contract = A.Until(self.until, A.Flow(rate))
        if self.cap is not None:
            paid = A.Cap(A.Draw(self.cap, f"{self.key}.cap"), (A.Member(self.id, paid),))
        return paid


@register_term
class LumpSum(TermBase):
    """A one-off ``amount`` paid when trigger ``at`` fires, or at the horizon (``at = "exit"``);
    nothing if the trigger never fires within the horizon."""

    kind: Literal["lump"] = "lump"
    amount: Quantity = quantity_field("money", "amount paid")
    at: str = Field(description="trigger name, or 'exit' for the horizon")

    @property
    def risk_class(self) -> str:
        return self.risk or "fixed"

    def compose(self) -> A.Contract:
        return A.Once(A.Draw(self.amount, f"{self.key}.amount"), self.at)


@dataclass(frozen=True)
class Escalation:
    """Observable ``(N, T)``: ``(1 + e)^{t_k − t_0}``, a price indexed at annual rate ``e``."""

    rate: A.Obs

    def observe(self, ctx: PathContext) -> np.ndarray:
        e = np.broadcast_to(A.observe(self.rate, ctx), (ctx.n_paths,))
        return np.power(1.0 + e[:, None], (ctx.times - ctx.times[0])[None, :])


@register_term
class Price(TermBase):
    """Price × quantity: the payer buys ``volume`` units per year at ``price`` per unit, less a
    ``discount`` (a share), the price escalating at ``escalation`` per year from the grid's start:
    ``price × (1 − discount) × (1 + escalation)^{t_k − t_0} × volume_k × Δ`` per period while active.
    ``volume``: a declared driver (``world.drivers``) or units per year (a quantity)."""

    kind: Literal["price"] = "price"
    price: Quantity = quantity_field("money", "price per unit")
    volume: str | Quantity = Field(description="world driver of units per year, or a number of units per year")
    discount: Quantity | None = quantity_field("share", "discount off the price", None)
    escalation: Quantity | None = quantity_field("rate", "annual price escalation", None)
    until: Until = None

    def compose(self) -> A.Contract:
        rate: A.Obs = A.Draw(self.price, f"{self.key}.price")
        if self.discount is not None:
            rate = A.Mul(rate, A.Sub(A.Const(1.0), A.Draw(self.discount, f"{self.key}.discount")))
        if self.escalation is not None:
            rate = A.Mul(rate, Escalation(A.Draw(self.escalation, f"{self.key}.escalation")))
        volume = A.Series(self.volume) if isinstance(self.volume, str) else A.Draw(self.volume, f"{self.key}.volume")
        return A.Until(self.until, A.Flow(A.Mul(rate, volume)))

    def quantities(self) -> dict[str, Quantity]:
        found = super().quantities()
        if isinstance(self.volume, Quantity):
            found["volume"] = self.volume
        return found


if TYPE_CHECKING:
    TermField = TermBase
else:
    TermField = term_type()


@register_term
class Sum(TermBase):
    """Several terms as one, each with its own payer, payee and risk class; the breakdown shows each
    member as ``id.member``. A member whose payer and payee are the sum's, swapped, pays the other
    way (the algebra's ``give``)."""

    kind: Literal["sum"] = "sum"
    members: list[TermField] = Field(min_length=1)

    def children(self) -> list[TermBase]:
        return list(self.members)

    def triggers(self) -> set[str]:
        return set().union(*(m.triggers() for m in self.members))

    def series(self) -> set[str]:
        return set().union(*(m.series() for m in self.members))

    def parties(self) -> set[str]:
        return super().parties().union(*(m.parties() for m in self.members))

    def parts(self, ctx: PathContext) -> dict[str, tuple[TermBase, Flows]]:
        out: dict[str, tuple[TermBase, Flows]] = {}
        for m in self.members:
            for name, (term, flows) in m.parts(ctx).items():
                out[f"{self.id}.{name}"] = (term, flows)
        return out

    def part_labels(self) -> dict[str, str]:
        return {f"{self.id}.{name}": label for m in self.members for name, label in m.part_labels().items()}

    def flows(self, ctx: PathContext) -> Flows:
        raise TypeError("a sum's members have their own parties: value its parts")

