"""The scenario schema: typed, immutable models of a deal, its parties, world and packages.

Money is in USD billions, time in calendar years. Every uncertain or sourced number is a
:class:`~zopa.beliefs.Quantity` that cites a key of the ``sources`` table. Cross-references (parties,
triggers, sources, resources, packages) are checked by :func:`check_references`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from zopa.beliefs import Quantity, quantity_field
from zopa.dealspace import DealSpace
from zopa.drivers import Driver
from zopa.terms import AnyTerm
from zopa.scenario.threat_tree import ThreatTree
from zopa.units import DEFAULT_UNIT, UnitText


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(_Model):
    """What the scenario is about and when it was known."""

    title: str
    as_of: dt.date = Field(description="facts known on this date only")
    unit: UnitText = Field(DEFAULT_UNIT, description="unit of every amount: an ISO 4217 currency code and a scale, "
                                                     "e.g. \"USD billions\", \"EUR millions\", \"GBP k\"")
    description: str = ""
    status_quo: str = Field("status_quo", description="package id of the contract in force (the disagreement point)")


class TimeGrid(_Model):
    """Grid points ``t_k = start + k · step`` up to ``horizon`` (calendar years, inclusive)."""

    start: int = Field(ge=1900, le=2300)
    horizon: int = Field(ge=1900, le=2300)
    step: float = Field(1.0, gt=0, le=5)

    @model_validator(mode="after")
    def _ordered(self) -> "TimeGrid":
        if self.horizon <= self.start:
            raise ValueError(f"expected horizon after start, got start={self.start}, horizon={self.horizon}")
        return self

    @property
    def times(self) -> np.ndarray:
        """Calendar times of the grid points, shape ``(T,)``."""
        n = int(np.floor((self.horizon - self.start) / self.step + 1e-9)) + 1
        return self.start + self.step * np.arange(n)

    def contains(self, year: float) -> bool:
        """Whether a calendar time lies within ``[start, horizon + step]``."""
        return self.start <= year <= self.horizon + self.step


class Source(_Model):
    """Where numbers come from: a dated public report, the seed document, or our own assumption."""

    citation: str
    kind: Literal["seed", "report", "filing", "assumption"]
    date: dt.date | None = None
    note: str = ""


class Party(_Model):
    """A side of the deal. ``discount_rate``: the party's own annual rate — its impatience when a
    round of bargaining is delayed, and (only with ``discounting.method = "party"``) the rate of its
    present values; ``risk_aversion``: absolute (CARA) risk aversion per USD billion, for certainty
    equivalents."""

    name: str
    discount_rate: Quantity = quantity_field("rate", "annual rate of time preference")
    risk_aversion: Quantity | None = quantity_field("nonnegative", "CARA coefficient per USD bn", None)
    description: str = ""


class RevenueModel(_Model):
    """Log-growth decaying from ``growth_initial`` toward ``growth_long_run`` at rate ``growth_decay``
    (per year), volatility ``volatility`` (per √year), plus ``agi_boost`` log-growth after AGI arrives.
    ``initial``: revenue of the first grid year (USD bn)."""

    initial: Quantity = quantity_field("money", "revenue of the first grid year, USD bn")
    growth_initial: Quantity = quantity_field("any", "log-growth per year at the start")
    growth_long_run: Quantity = quantity_field("any", "long-run log-growth per year")
    growth_decay: Quantity = quantity_field("nonnegative", "speed of decay toward the long run, per year")
    volatility: Quantity = quantity_field("nonnegative", "volatility of log revenue per √year")
    agi_boost: Quantity | None = quantity_field("any", "extra log-growth per year after AGI arrives", None)


class MarginModel(_Model):
    """Profit margin ``m_t = long_run + (initial − long_run) e^{−convergence (t − t_0)}``."""

    initial: Quantity = quantity_field("any", "profit margin of the first grid year")
    long_run: Quantity = quantity_field("any", "long-run profit margin")
    convergence: Quantity = quantity_field("nonnegative", "speed of convergence, per year")


class AgiModel(_Model):
    """Arrival year of AGI (per party's beliefs; ``p_never`` = not within the horizon) and the lag from
    AGI to ASI (years)."""

    arrival: Quantity = quantity_field("year", "calendar year AGI arrives")
    asi_lag: Quantity | None = quantity_field("years", "years from AGI to ASI", None)


class ResourceModel(_Model):
    """A resource the company buys (e.g. compute): spend as a share of revenue or of operating cost
    (``spend_base``; cost = revenue − profit, so a loss-making buyer can spend more than it sells),
    the share the holder captures under each regime (must include ``none``, the free market), the
    holder's margin on captured spend and the premium the grantor pays over market prices.

    ``capacity_share``: the share of the buyer's need the holder can supply (default: unlimited).
    Under a regime listed in ``strict_regimes`` the buyer may not buy elsewhere what the holder cannot
    supply, and loses ``shortfall_cost`` per USD of unmet need; under other regimes (a right of first
    refusal) it buys the rest in the market."""

    spend_share: Quantity = quantity_field("nonnegative", "spend as a share of the spend base")
    spend_base: Literal["revenue", "cost"] = "revenue"
    capacity_share: Quantity | None = quantity_field("nonnegative", "share of the buyer's need the holder can supply", None)
    strict_regimes: list[str] = Field(default_factory=lambda: ["exclusive"],
                                      description="regimes under which the buyer may not buy elsewhere")
    shortfall_cost: Quantity | None = quantity_field("nonnegative", "value lost per USD of need left unmet", None)
    holder_share: dict[str, Quantity] = quantity_field("share", "share of spend the holder captures, by regime")
    holder_margin: Quantity = quantity_field("share", "holder's margin on captured spend")
    grantor_premium: Quantity = quantity_field("share", "grantor's premium over market on locked spend")

    @model_validator(mode="after")
    def _has_free_market(self) -> "ResourceModel":
        if "none" not in self.holder_share:
            raise ValueError("holder_share needs a 'none' regime: the share captured in a free market")
        return self


class IpModel(_Model):
    """Value of IP access as shares of the grantor's revenue."""

    value_to_holder: Quantity = quantity_field("share", "value to the holder per year, share of grantor revenue")
    cost_to_grantor: Quantity = quantity_field("share", "cost to the grantor per year, share of its revenue")
    residual_after_cutoff: Quantity = quantity_field("share", "value kept after the post-AGI cutoff")


class ExitModel(_Model):
    """Equity value at the horizon = ``revenue_multiple`` × the driver ``of`` (default revenue) in the
    last grid year."""

    revenue_multiple: Quantity = quantity_field("nonnegative", "equity value / revenue at exit")
    of: str = Field("revenue", description="the driver the exit value is a multiple of")


class FundingModel(_Model):
    """Funding conditional on restructuring by ``deadline``. Missing it (packages with
    ``restructured = false``) loses the ``at_risk`` money; what that costs the raising party is
    ``replacement_cost`` per USD lost (the price of replacing fairly priced money on worse terms or
    doing without it), booked by a ``funding_cost`` term at the deadline. There is no free-standing
    growth penalty: money raised at a fair price is not a gift, so losing it costs only the friction of
    replacing it."""

    party: str = Field(description="party id that raises the money")
    deadline: dt.date
    at_risk: Quantity = quantity_field("money", "funding at risk, USD bn")
    replacement_cost: Quantity | None = quantity_field("share", "value lost per USD of funding lost", None)


class Discounting(_Model):
    """How present values are taken (see :mod:`zopa.discounting`). ``market``: each term at the rate
    of its risk class, the same for both parties; ``party``: each party at its own discount rate."""

    method: Literal["market", "party"] = "market"
    rates: dict[str, Quantity] = quantity_field("rate", "annual market rate by risk class", {})
    default: str | None = Field(None, description="risk class whose rate serves classes without one")


class ExitCalibration(_Model):
    """Scale the exit value so that the market reprices a funding round: term ``term`` of package
    ``package`` (a stake in the company) is worth ``price`` on ``date`` under a mixture of the
    parties' beliefs with weights ``beliefs`` (party id → weight), on ``paths`` calibration paths.
    ``tolerance``: the relative repricing error accepted on the run's own paths."""

    price: Quantity = quantity_field("money", "price of the stake, USD bn")
    date: dt.date
    package: str
    term: str
    beliefs: dict[str, float] = Field(min_length=1)
    paths: int = Field(20_000, ge=100, le=1_000_000)
    tolerance: float = Field(0.05, gt=0, le=1)


class BranchOption(_Model):
    """One answer to a modeller's open question: inputs set to given numbers (TOML path → value)."""

    label: str
    set: dict[str, float] = Field(min_length=1)


class Branch(_Model):
    """A question the modeller cannot answer but the parties can (they know their own contract), e.g.
    whether the revenue share counts toward the cap. Not a lottery either side bears: each option is
    analysed as its own scenario and reported side by side; the scenario as written is the headline."""

    label: str
    source: str
    options: dict[str, BranchOption] = Field(min_length=2)


class World(_Model):
    """The world a deal lives in. Every table is optional: declare what the terms read. ``revenue``
    and ``margin`` give the company's revenue and profit series, ``agi`` the AGI/ASI events,
    ``exit`` the equity value at the horizon, ``drivers`` any other processes and events
    (:mod:`zopa.drivers`)."""

    revenue: RevenueModel | None = None
    margin: MarginModel | None = None
    agi: AgiModel | None = None
    exit: ExitModel | None = None
    drivers: dict[str, Driver] = Field(default_factory=dict, description="declared stochastic processes and events")
    resources: dict[str, ResourceModel] = Field(default_factory=dict)
    ip: IpModel | None = None
    funding: FundingModel | None = None


class DeclaredTrigger(_Model):
    """Fires when an event (AGI or ASI arrival) is *declared* under a rule.

    - ``board``: declared ``lag`` years after arrival.
    - ``counterparty_agreement``: the counterparty disputes with ``dispute_probability``; a dispute goes
      to court for ``court_delay`` years and the declaration stands with ``court_upholds``, else never.
    - ``expert_panel``: a panel confirms with ``panel_confirms`` after ``panel_delay`` years.

    ``profit_test``: the clause's financial test — the declaration is possible only once cumulative
    profits since the grid's start reach this amount (USD bn), evaluated on the simulated profits.

    ``controlled_by``: the party whose board declares. Declaring is then a *decision* on each path
    (:mod:`zopa.clauses`): the controller declares at the first eligible time when that pays it, net of
    ``exercise_cost``; under ``counterparty_agreement`` the counterparty disputes when that pays it,
    net of ``litigation_cost`` (each side's), instead of with a fixed ``dispute_probability``.
    """

    kind: Literal["declared"]
    event: str = Field(description="'agi' or 'asi' (world.agi), or an event driver of world.drivers")
    rule: Literal["board", "counterparty_agreement", "expert_panel"]
    controlled_by: str | None = None
    profit_test: Quantity | None = quantity_field("money", "cumulative profits (USD bn) the clause's test requires", None)
    exercise_cost: Quantity | None = quantity_field("money", "USD bn the controller pays to declare", None)
    litigation_cost: Quantity | None = quantity_field("money", "USD bn each side spends on a dispute", None)
    lag: Quantity | None = quantity_field("years", "years from arrival to declaration", None)
    dispute_probability: Quantity | None = quantity_field("probability", "chance the counterparty disputes", None)
    court_delay: Quantity | None = quantity_field("years", "years a dispute spends in court", None)
    court_upholds: Quantity | None = quantity_field("probability", "chance the court upholds the declaration", None)
    panel_delay: Quantity | None = quantity_field("years", "years the expert panel takes", None)
    panel_confirms: Quantity | None = quantity_field("probability", "chance the panel confirms", None)

    @model_validator(mode="after")
    def _rule_fields(self) -> "DeclaredTrigger":
        needed = {
            "board": (),
            "counterparty_agreement": (("court_delay", "court_upholds") if self.controlled_by else
                                       ("dispute_probability", "court_delay", "court_upholds")),
            "expert_panel": ("panel_delay", "panel_confirms"),
        }[self.rule]
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"rule {self.rule!r} needs {', '.join(missing)}")
        return self


class DateTrigger(_Model):
    """Fires at the end of ``date``: e.g. 2030-12-31 fires at 2031.0, so 2030 is the last active year.

    With ``controlled_by`` it is an *option* of that party (e.g. a right to terminate on the date): on
    each path the party exercises it when that pays it, net of ``exercise_cost``
    (:mod:`zopa.clauses`), and the trigger never fires where it does not."""

    kind: Literal["date"]
    date: dt.date
    controlled_by: str | None = None
    exercise_cost: Quantity | None = quantity_field("money", "USD bn the controller pays to exercise", None)


class EventTrigger(_Model):
    """Fires when event driver ``driver`` (``world.drivers``; or ``agi``/``asi``) happens, plus ``lag`` years."""

    kind: Literal["event"]
    driver: str
    lag: Quantity | None = quantity_field("years", "years from the event to the trigger", None)


class RestructuringMissedTrigger(_Model):
    """Fires at the funding deadline in packages that do not restructure; never in those that do."""

    kind: Literal["restructuring_missed"]


class FirstOfTrigger(_Model):
    """Fires when the first of the named triggers fires."""

    kind: Literal["first_of"]
    of: list[str] = Field(min_length=1)


Trigger = Annotated[
    Union[DeclaredTrigger, DateTrigger, EventTrigger, RestructuringMissedTrigger, FirstOfTrigger],
    Field(discriminator="kind")
]


class Package(_Model):
    """A set of terms on the table. ``base``: start from another package's terms, ``drop`` some of them
    by id and add ``terms`` (a term with an existing id replaces it). ``restructured``: whether this
    package lets the company restructure by the funding deadline."""

    label: str
    description: str = ""
    proposed_by: str | None = None
    base: str | None = None
    drop: list[str] = Field(default_factory=list)
    restructured: bool = True
    source: str | None = None
    triggers: dict[str, Trigger] = Field(default_factory=dict, description="triggers redefined in this package")
    terms: list[AnyTerm] = Field(default_factory=list)


class Bargaining(_Model):
    """How the parties bargain over time: who proposes first, how often, until when, and what a round
    of delay costs each side (USD bn per round; default: its discount rate over the round)."""

    first_proposer: str | None = Field(None, description="party id; default: the party that raises the funding")
    round_months: float = Field(1.0, gt=0, le=24)
    deadline: dt.date | None = Field(None, description="last round; default: the funding deadline")
    delay_cost: dict[str, Quantity] = quantity_field("money", "USD bn lost per round of delay, by party", {})
    breakdown_probability: Quantity | None = quantity_field("probability", "chance talks collapse after a rejected offer", None)


class ThreatMove(_Model):
    """A move either party can make if talks fail, e.g. an antitrust complaint.

    Carried out, it costs its mover ``cost`` and succeeds with probability ``success`` (each side
    believes its own number), leading to package ``if_success``, else ``if_failure``."""

    label: str
    by: str
    cost: Quantity | None = quantity_field("money", "USD bn the mover pays to carry it out", None)
    success: Quantity = quantity_field("probability", "chance it succeeds if carried out and not litigated")
    if_success: str
    if_failure: str
    source: str | None = None


class ThreatResponses(_Model):
    """How the threatened side can answer: give in (``concede``: a package), refuse, or — once a
    threat is carried out and succeeds — take it to court, winning with ``litigate_win`` at a cost
    ``litigate_cost`` to each side."""

    concede: str
    litigate_win: Quantity = quantity_field("probability", "chance the responder defeats the threat in court")
    litigate_cost: Quantity = quantity_field("money", "USD bn each side spends in court")


class Threats(_Model):
    """The threat games. Either a declared ``tree`` (:class:`~zopa.scenario.threat_tree.ThreatTree`: decision,
    chance and terminal nodes in any order, either party moving), or the fixed game: the threatener
    (the party of the first move) may accept ``baseline`` (the deal on the table without threats),
    walk away (the status quo) or announce a threat; the other side concedes or refuses; the
    threatener then carries the threat out or backs down to ``baseline``, and a threat carried out
    sets the point bargaining continues from. ``moves`` (of either party) are the threats of Nash's
    variable-threat game (:mod:`zopa.threats.variable`)."""

    baseline: str | None = None
    moves: dict[str, ThreatMove] = Field(default_factory=dict)
    responses: ThreatResponses | None = None
    tree: ThreatTree | None = None

    @model_validator(mode="after")
    def _one_game(self) -> "Threats":
        if self.tree is None:
            missing = [k for k in ("baseline", "moves", "responses") if not getattr(self, k)]
            if missing:
                raise ValueError(f"the fixed threat game needs {', '.join(missing)}; or declare a [threats.tree]")
        elif self.baseline is not None or self.responses is not None:
            raise ValueError("baseline and responses belong to the fixed threat game; with a tree, make them its nodes")
        return self


class Scenario(_Model):
    """A whole deal: parties, beliefs, world, triggers, packages and the sources of every number."""

    meta: Meta
    time: TimeGrid
    sources: dict[str, Source]
    inputs: dict[str, Quantity] = Field(default_factory=dict, description="named inputs used in several places")
    parties: dict[str, Party]
    world: World
    triggers: dict[str, Trigger] = Field(default_factory=dict)
    common_terms: list[AnyTerm] = Field(default_factory=list, description="terms present in every package")
    packages: dict[str, Package]
    deal_space: DealSpace | None = None
    bargaining: Bargaining = Field(default_factory=Bargaining)
    threats: Threats | None = None
    discounting: Discounting | None = None
    calibration: ExitCalibration | None = None
    branches: dict[str, Branch] = Field(default_factory=dict, description="modeller's open questions, analysed side by side")

    @model_validator(mode="before")
    @classmethod
    def _resolve_inputs(cls, data: Any) -> Any:
        """Replace every ``{ input = "name" }`` by the named input's table (keeping the name, which
        names its random numbers)."""
        inputs = data.get("inputs") if isinstance(data, dict) else None
        if not isinstance(inputs, dict):
            return data

        def walk(node: Any) -> Any:
            if isinstance(node, dict):
                name = node.get("input")
                if set(node) == {"input"} and isinstance(name, str) and isinstance(inputs.get(name), dict):
                    return {**inputs[name], "input": name}
                return {k: walk(v) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v) for v in node]
            return node

        return {k: (v if k == "inputs" else walk(v)) for k, v in data.items()}

    @model_validator(mode="after")
    def _two_parties(self) -> "Scenario":
        if len(self.parties) != 2:
            raise ValueError(f"expected exactly two parties, got {len(self.parties)}: {', '.join(self.parties)}")
        return self

    @property
    def party_ids(self) -> list[str]:
        return list(self.parties)

    def other(self, party: str) -> str:
        """The counterparty of ``party``."""
        return next(p for p in self.parties if p != party)

    def package_terms(self, package: str) -> list[AnyTerm]:
        """The resolved terms of a package: its base's terms (recursively), minus ``drop``, with its own
        terms added or replacing by id, plus the common terms."""
        return resolve_terms(self, package, ()) + list(self.common_terms)


def resolve_terms(scenario: Scenario, package: str, seen: tuple[str, ...]) -> list[AnyTerm]:
    """Terms of ``package`` without the common terms; ``seen`` guards against cycles of ``base``."""
    if package in seen:
        raise ValueError(f"packages.{package}.base: cycle {' → '.join(seen + (package,))}")
    spec = scenario.packages[package]
    terms = resolve_terms(scenario, spec.base, seen + (package,)) if spec.base else []
    own = {t.id for t in spec.terms}
    kept = [t for t in terms if t.id not in spec.drop and t.id not in own]
    return kept + list(spec.terms)
