"""Money transfers: revenue shares, tiered profit participation, stakes and one-off payments.

All amounts in USD billions. Every term here is a pure transfer: the payee receives exactly what the
payer gives, path by path.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms import algebra as A
from zopa.terms.algebra import cap_cumulative
from zopa.terms.base import TermBase, Until, register_term

__all__ = ["EquityStake", "FundingCost", "Payment", "ProfitShare", "RevenueShare", "Tier", "cap_cumulative"]


@register_term
class RevenueShare(TermBase):
    """``rate × base_t`` each period while active, where base is revenue (or positive profit), with an
    optional cumulative ``cap``. Ends when trigger ``until`` fires (``None``: runs to the horizon)."""

    kind: Literal["revenue_share"] = "revenue_share"
    rate: Quantity = quantity_field("share", "share of the base paid each period")
    base: Literal["revenue", "profit"] = "revenue"
    until: Until = None
    cap: Quantity | None = quantity_field("money", "cumulative cap, USD bn", None)

    def compose(self) -> A.Contract:
        base = A.Series("revenue") if self.base == "revenue" else A.positive(A.Series("profit"))
        paid: A.Contract = A.Until(self.until, A.Flow(A.Mul(A.Draw(self.rate, f"{self.key}.rate"), base)))
        if self.cap is not None:
            paid = A.Cap(A.Draw(self.cap, f"{self.key}.cap"), (A.Member(self.id, paid),))
        return paid


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

    def compose(self) -> A.Contract:
        tiers = tuple(A.Tier(A.Draw(t.rate, f"{self.key}.tiers[{j}].rate"),
                             A.Draw(t.up_to, f"{self.key}.tiers[{j}].up_to") if t.up_to is not None else None)
                      for j, t in enumerate(self.tiers))
        cap = A.Draw(self.cap, f"{self.key}.cap") if self.cap is not None else None
        terminal = A.positive(A.Series("exit_value")) if self.terminal else None
        return A.Until(self.until, A.Tiered(A.positive(A.Series("profit")), tiers, cap, terminal))


@register_term
class EquityStake(TermBase):
    """A ``stake`` (fraction) of the company's equity, diluted by ``dilution`` before exit, valued at
    the horizon: ``stake × (1 − dilution) × exit value``, received at the exit time."""

    kind: Literal["equity_stake"] = "equity_stake"
    default_risk: ClassVar[str] = "equity"
    stake: Quantity = quantity_field("share", "fraction of the equity")
    dilution: Quantity | None = quantity_field("share", "fraction diluted away before exit", None)

    def compose(self) -> A.Contract:
        amount: A.Obs = A.Draw(self.stake, f"{self.key}.stake")
        if self.dilution is not None:
            amount = A.Mul(amount, A.Sub(A.Const(1.0), A.Draw(self.dilution, f"{self.key}.dilution")))
        return A.Once(A.Mul(amount, A.Series("exit_value")), "exit")


@register_term
class Payment(TermBase):
    """A one-off ``amount`` paid when trigger ``when`` fires (a date, a missed deadline, a declaration);
    nothing if it never fires within the horizon. Discounted exactly to the firing time."""

    kind: Literal["payment"] = "payment"
    default_risk: ClassVar[str] = "fixed"
    amount: Quantity = quantity_field("money", "USD bn")
    when: str

    def compose(self) -> A.Contract:
        return A.Once(A.Draw(self.amount, f"{self.key}.amount"), self.when)


@register_term
class FundingCost(TermBase):
    """What losing the money at risk costs the party that raises it, when the funding deadline is
    missed: ``world.funding.at_risk × world.funding.replacement_cost``, paid (to no one) at the
    deadline in packages that do not restructure, nothing in those that do. The money itself is not
    the loss — fairly priced equity is worth what it costs — only the friction of replacing it is."""

    kind: Literal["funding_cost"] = "funding_cost"
    default_risk: ClassVar[str] = "fixed"

    def compose(self) -> A.Contract:
        cost = A.Mul(A.WorldDraw("world.funding.at_risk"), A.WorldDraw("world.funding.replacement_cost"))
        return A.Once(cost, MISSED_DEADLINE)


#: The trigger every world with a funding deadline defines: the deadline, in packages that do not
#: restructure; never in those that do.
MISSED_DEADLINE = "@funding_deadline_missed"
