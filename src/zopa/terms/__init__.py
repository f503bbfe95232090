"""Contract terms: composable claims with an explicit payer and payee.

Term types register themselves by ``kind``; :data:`AnyTerm` is the tagged union the scenario schema
accepts. A package is a list of terms; its value to a party is the sum of its terms' values.
"""

from typing import Annotated, Union

from pydantic import Field

from zopa.terms.base import TERM_TYPES, CashFlows, Flows, Lump, PathContext, TermBase, active_mask, register_term
from zopa.terms.combinators import Capped
from zopa.terms.rights import CarveOut, Exclusivity, IpAccess, PurchaseCommitment
from zopa.terms.transfers import EquityStake, FundingCost, Payment, ProfitShare, RevenueShare, Tier, cap_cumulative

AnyTerm = Annotated[Union[tuple(TERM_TYPES.values())], Field(discriminator="kind")]  # type: ignore[valid-type]
Capped.model_rebuild(_types_namespace={"AnyTerm": AnyTerm})

__all__ = [
    "AnyTerm", "CarveOut", "CashFlows", "Capped", "EquityStake", "Exclusivity", "Flows", "FundingCost", "IpAccess", "Lump",
    "PathContext", "Payment", "ProfitShare", "PurchaseCommitment", "RevenueShare", "TERM_TYPES", "TermBase",
    "Tier", "active_mask", "cap_cumulative", "register_term",
]
