"""Combinators: terms built from other terms.

``capped`` puts a cumulative cap on the combined payments of its members — e.g. Microsoft's total
economics of about $92B, where it is not public whether the revenue share counts toward the cap.
That doubt is modelled, not hidden: each member has a probability of counting toward the cap, drawn
once per path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from zopa.beliefs import Quantity, quantity_field
from zopa.terms import algebra as A
from zopa.terms.base import Flows, PathContext, TermBase, register_term, term_type

if TYPE_CHECKING:
    TermField = TermBase
else:
    TermField = term_type()


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
    members: list[TermField] = Field(min_length=1)
    count_probability: dict[str, Quantity] = quantity_field("probability", "chance each member counts toward the cap", {})

    def children(self) -> list[TermBase]:
        return list(self.members)

    def triggers(self) -> set[str]:
        return set().union(*(m.triggers() for m in self.members))

    def parties(self) -> set[str]:
        return super().parties().union(*(m.parties() for m in self.members))

    def compose(self) -> A.Contract:
        members = tuple(
            A.Member(m.id, m.compose() if m._composes() else Opaque(m),
                     A.Draw(self.count_probability[m.id], f"{self.key}.count_probability.{m.id}")
                     if m.id in self.count_probability else None,
                     f"{self.key}.count_probability.{m.id}", m.label)
            for m in self.members)
        return A.Cap(A.Draw(self.cap, f"{self.key}.cap"), members)


@dataclass(frozen=True)
class Opaque:
    """A term defined by its ``flows`` alone, as a contract of the algebra."""

    term: TermBase

    def evaluate(self, ctx: PathContext) -> Flows:
        return self.term.flows(ctx)
