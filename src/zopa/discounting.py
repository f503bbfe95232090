"""Discounting: the annual rate that turns each term's flows into present values.

A claim's value is the expectation of its cash flows discounted at a rate for *the claim's* risk,
whoever holds it (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 9: "the cost of
capital depends on the use to which the capital is put", not on who supplies it). With
``method = "market"`` every term is discounted at the market rate of its *risk class* — ``equity``
for residual claims on the company (a stake, profit participation), ``revenue`` for claims on its
sales (a revenue share, the margin on locked-in spend, IP value), ``fixed`` for contractual amounts
— the same rate for both parties. Then, under equal beliefs, a pure transfer is worth to the payee
exactly what it costs the payer: bargaining can no longer "create" value by moving a claim from a
high-rate to a low-rate party. The parties' views enter only as beliefs (different distributions of
the same drivers).

``method = "party"`` (the default when a scenario has no ``[discounting]`` table) discounts every
flow at the holder's own ``discount_rate``: a simplification for quick sketches, which makes
transfers between parties with different rates non-zero-sum.

>>> from zopa.discounting import Discounter
>>> d = Discounter("market", {"equity": 0.12, "revenue": 0.09}, None, {})
>>> d.class_rate("equity"), d.class_rate("revenue")
(0.12, 0.09)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from zopa.terms.base import TermBase

#: Risk classes the built-in term kinds use.
RISK_CLASSES = ("equity", "revenue", "fixed")


@dataclass(frozen=True)
class Discounter:
    """Which annual rate discounts a term's flows for a party.

    ``rates``: market rate by risk class; ``default``: the class used for a class without a rate;
    ``party_rates``: each party's own rate (``method = "party"`` only).
    """

    method: str
    rates: dict[str, float]
    default: str | None
    party_rates: dict[str, float]

    def class_rate(self, risk_class: str) -> float:
        """Market rate of ``risk_class`` (falling back to the default class)."""
        if risk_class in self.rates:
            return self.rates[risk_class]
        if self.default is not None and self.default in self.rates:
            return self.rates[self.default]
        raise KeyError(f"no discount rate for risk class {risk_class!r}; known: {', '.join(self.rates)}")

    def rate(self, term: "TermBase", party: str) -> float:
        """Annual rate for ``term``'s flows to ``party``."""
        if self.method == "party":
            return self.party_rates[party]
        return self.class_rate(term.risk_class)

    def flow_rate(self, risk_class: str, party: str) -> float:
        """Annual rate for a flow of ``risk_class`` to ``party`` that no term carries (e.g. a clause's
        litigation costs)."""
        return self.party_rates[party] if self.method == "party" else self.class_rate(risk_class)

    @property
    def market(self) -> bool:
        return self.method == "market"


def discounter(scenario: Any) -> Discounter:
    """The scenario's discounting rule (``party`` when it declares none)."""
    party_rates = {p: float(spec.discount_rate.for_party(p).mean()) for p, spec in scenario.parties.items()}
    d = scenario.discounting
    if d is None or d.method == "party":
        return Discounter("party", {}, None, party_rates)
    first = scenario.party_ids[0]
    rates = {k: float(q.for_party(first).mean()) for k, q in d.rates.items()}
    return Discounter("market", rates, d.default, party_rates)
