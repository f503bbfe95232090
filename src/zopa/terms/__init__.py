"""Contract terms: composable claims with an explicit payer and payee.

Term kinds register themselves by ``kind`` (:func:`register_term`) and are compositions of the
contract algebra (:mod:`zopa.terms.algebra`). :data:`AnyTerm` is the type of a term field: it is
validated by the registry when a scenario is loaded, so kinds registered later — by a user's module
or an installed package's ``zopa.terms`` entry point — are accepted. A package is a list of terms;
its value to a party is the sum of its terms' values.
"""

from zopa.terms.base import (
    TERM_TYPES, PathContext, TermBase, Until, active_mask, register_term, term_type, until_time,
)
from zopa.terms.flows import CashFlows, Flows, Lump
from zopa.terms.algebra import cap_cumulative
from zopa.terms.combinators import Capped
from zopa.terms.rights import CarveOut, Exclusivity, IpAccess, PurchaseCommitment
from zopa.terms.transfers import EquityStake, FundingCost, Payment, ProfitShare, RevenueShare, Tier
from zopa.terms.commercial import Flow, LumpSum, Price, Sum

AnyTerm = term_type()

__all__ = [
    "AnyTerm", "CarveOut", "CashFlows", "Capped", "EquityStake", "Exclusivity", "Flow", "Flows", "FundingCost",
    "IpAccess", "Lump", "LumpSum", "PathContext", "Payment", "Price", "ProfitShare", "PurchaseCommitment",
    "RevenueShare", "Sum", "TERM_TYPES", "TermBase", "Tier", "Until", "active_mask", "cap_cumulative",
    "register_term", "term_type", "until_time",
]
