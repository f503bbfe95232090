"""What every part of the report needs to know about its scenario — the unit of its money, the
parties' names, which side decides on a certainty equivalent — and :class:`Deferred` content, drawn
only when the report is built (in the report's language, with the scenario at hand)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from zopa.report.i18n import t
from zopa.scenario.schema import Scenario
from zopa.units import Unit, parse_unit


@dataclass(frozen=True)
class ReportContext:
    """A scenario as the report shows it, with the run's deal-space analysis and negotiation when it
    has them."""

    scenario: Scenario
    analysis: Any = None
    negotiation: Any = None

    @property
    def unit(self) -> Unit:
        """The unit of every amount (the scenario's ``meta.unit``)."""
        return parse_unit(self.scenario.meta.unit)

    def name(self, party: str) -> str:
        """A party's name (the id itself for an unknown party)."""
        return self.scenario.parties[party].name if party in self.scenario.parties else party

    def risk_averse(self, party: str) -> bool:
        """Whether a party decides on a certainty equivalent (it declares a risk aversion)."""
        p = self.scenario.parties.get(party)
        return p is not None and p.risk_aversion is not None

    def measure(self, party: str) -> str:
        """What a party's value is: ``"CE"`` (certainty equivalent) or ``"mean"``, as displayed."""
        return t("measure.ce") if self.risk_averse(party) else t("measure.mean")

    def package_label(self, package: str) -> str:
        """A package's label (its id for an unknown package)."""
        pkg = self.scenario.packages.get(package)
        return pkg.label if pkg is not None else package


@dataclass(frozen=True)
class Deferred:
    """Report content (a figure, an HTML fragment, a title or a list of those) built by
    ``build(context)`` when the report is drawn: so a section made before the report knows the
    scenario's unit, labels and the report's language."""

    build: Callable[[ReportContext], Any]


def resolve(item: Any, context: ReportContext) -> Any:
    """``item`` drawn: a :class:`Deferred` is built (recursively), anything else is returned as is.

    >>> resolve(Deferred(lambda c: Deferred(lambda c: 1)), None)
    1
    """
    while isinstance(item, Deferred):
        item = item.build(context)
    return item
