"""The scenario file reference (``docs/scenario.md``), generated from the schema itself.

Every table and field comes from the pydantic models (:mod:`zopa.scenario.schema`, :mod:`zopa.drivers`,
:mod:`zopa.dealspace`, :mod:`zopa.beliefs`) and every term kind from the registry
(:data:`zopa.terms.TERM_TYPES`, the kinds shipped with zopa): its type, its unit, its default and its
description. What a model does not say about a field is said once here (:data:`NOTES`). The worked
example (:data:`EXAMPLE`) is a complete scenario that the tests validate and run.

Regenerate the committed file with::

    python -m zopa.scenario.reference > docs/scenario.md
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from zopa import beliefs, dealspace, drivers
from zopa.scenario import schema, threat_tree
from zopa.terms import TERM_TYPES, TermBase, rights, transfers
from zopa.units import SCALES
from zopa.scenario.reference_example import EXAMPLE_INTRO, EXAMPLE, EXAMPLE_OUTRO

#: How to regenerate the committed reference (the test's message repeats it).
COMMAND = "python -m zopa.scenario.reference > docs/scenario.md"

#: Words for the units of quantity fields (:data:`zopa.beliefs.UNIT_BOUNDS`).
UNIT_WORDS = {
    "money": "money (`meta.unit`), ≥ 0",
    "rate": "annual rate, > −0.99",
    "share": "share, 0–1",
    "probability": "probability, 0–1",
    "years": "years, ≥ 0",
    "year": "calendar year",
    "nonnegative": "≥ 0",
    "any": "any number",
}

#: What the models do not say about a field, by ``Model.field`` (or ``*.field`` for every model).
NOTES = {
    "*.label": "short name shown in tables and the report",
    "*.description": "a sentence or two shown in the report",
    "*.until": "trigger name, or a list of names (whichever fires first); the term pays before it fires; "
               "none: to the horizon",
    "*.source": "key of the `[sources]` table",
    "Meta.title": "title of the scenario, shown on every output",
    "TimeGrid.start": "first grid year (flows of period k are booked at t_k; present values are taken at `start`)",
    "TimeGrid.horizon": "last grid year, inclusive; lumps after it are not paid",
    "TimeGrid.step": "years between grid points (0.25 for quarters)",
    "Source.citation": "what the source is: publisher, title, the facts used",
    "Source.date": "publication date; only facts known on `meta.as_of` may be used (reports and filings "
                   "need a date on or before it)",
    "Source.note": "for an assumption: why the number is what it is",
    "Party.name": "display name",
    "ResourceModel.spend_base": "what `spend_share` is a share of: `revenue`, or operating cost (revenue − profit)",
    "FundingModel.deadline": "date by which the company must restructure to keep the money",
    "Discounting.method": "`market`: each term at its risk class's rate, the same for both parties; `party`: "
                          "each party at its own `discount_rate`",
    "ExitCalibration.date": "date of the priced round (on or before `meta.as_of`)",
    "ExitCalibration.package": "package holding the priced stake",
    "ExitCalibration.term": "the `equity_stake` term that is the priced stake",
    "ExitCalibration.beliefs": "party id → weight of its beliefs in the calibration mixture",
    "ExitCalibration.paths": "Monte Carlo paths of the calibration",
    "ExitCalibration.tolerance": "relative repricing error accepted on the run's own paths",
    "BranchOption.label": "what this answer says",
    "BranchOption.set": "TOML path of a quantity (or `inputs.<name>`) → the fixed value it takes",
    "Branch.label": "the question",
    "Branch.options": "option id → [branch option](#branchesidoptionsoption)",
    "World.revenue": "the company's revenue (terms `revenue_share`, `ip_access`, resources)",
    "World.margin": "the company's profit margin (profit = margin × revenue)",
    "World.agi": "AGI/ASI arrival (events `agi`, `asi`)",
    "World.exit": "the equity value at the horizon (`equity_stake`, terminal claims)",
    "World.resources": "resource name → [resource](#worldresourcesname) (exclusivity, purchase commitments)",
    "World.ip": "value and cost of IP access (`ip_access`)",
    "World.funding": "funding conditional on restructuring by a deadline (`funding_cost`, "
                     "`restructuring_missed`)",
    "DeclaredTrigger.rule": "how a declaration is made and contested (see the table's description)",
    "DeclaredTrigger.controlled_by": "party that decides to declare, path by path, when declaring pays it",
    "DateTrigger.date": "the trigger fires at the end of this day (2030-12-31 fires at 2031.0)",
    "DateTrigger.controlled_by": "party holding the option: it exercises on each path where that pays it",
    "EventTrigger.driver": "an `event` driver of `world.drivers`, or `agi`/`asi`",
    "FirstOfTrigger.of": "trigger names",
    "Package.proposed_by": "party id of the side that proposes it",
    "Package.base": "package whose terms this one starts from",
    "Package.drop": "term ids of the base not kept",
    "Package.restructured": "whether this package meets the funding deadline (`world.funding`)",
    "Package.terms": "terms added (a term with the id of a base term replaces it)",
    "Bargaining.round_months": "months between offers",
    "ThreatMove.by": "party id of the threatener",
    "ThreatMove.if_success": "package that holds if the threat succeeds",
    "ThreatMove.if_failure": "package that holds if it fails",
    "ThreatResponses.concede": "package the responder concedes to",
    "Threats.baseline": "the package on the table without threats",
    "Threats.moves": "move id → [move](#threatsmovesid)",
    "Threats.responses": "[responses](#threatsresponses)",
    "Threats.tree": "a declared game tree instead of the fixed game: [tree](#threatstree)",
    "Scenario.meta": "[meta](#meta)",
    "Scenario.time": "[time](#time)",
    "Scenario.sources": "source key → [source](#sourceskey); every number cites one",
    "Scenario.parties": "party id → [party](#partiesid); exactly two",
    "Scenario.world": "[world](#world)",
    "Scenario.triggers": "trigger name → [trigger](#triggersname)",
    "Scenario.packages": "package id → [package](#packagesid); must include `meta.status_quo`",
    "Scenario.deal_space": "[deal space](#deal_space)",
    "Scenario.bargaining": "[bargaining](#bargaining)",
    "Scenario.threats": "[threat game](#threats)",
    "Scenario.discounting": "[discounting](#discounting)",
    "Scenario.calibration": "[calibration](#calibration)",
    "DealSpace.label": "name of the deal space in the report",
    "DealSpace.base": "package every deal-space package starts from",
    "DealSpace.drop": "term ids of the base not kept",
    "DealSpace.restructured": "whether deal-space packages meet the funding deadline",
    "DealSpace.issues": "issue id → [issue](#deal_spaceissuesid)",
    "DealSpace.terms": "term templates: terms whose fields may read issues (see below)",
    "DealSpace.exclude": "combinations left out: tables of issue id → option value",
    "DealSpace.outside_options": "party id → packages it can take by walking away (bound the settlement)",
    "Issue.values": "the options: numbers or names (a name may be a trigger, driver or regime a template uses)",
    "Issue.range": "a gridded range instead of `values`: `{ low, high, steps }`",
    "Issue.labels": "display labels, one per option",
    "Issue.terms": "option value → extra terms that option puts in the package",
    "GridRange.low": "first value",
    "GridRange.high": "last value (inclusive)",
    "GridRange.steps": "number of values",
    "RatioDriver.of": "a declared driver, or `revenue`, `profit`, `cost`",
    "CarveOut.name": "name of the carved-out technology",
    "Capped.members": "terms (each with the capped term's payer and payee)",
    "Sum.members": "terms between the sum's two parties, in either direction",
    "Exclusivity.resource": "a `world.resources` entry",
    "Exclusivity.regime": "a regime of that resource's `holder_share`",
    "PurchaseCommitment.resource": "a `world.resources` entry",
    "IpAccess.post_agi": "whether access includes technology made after `agi_trigger` fires",
    "IpAccess.agi_trigger": "trigger after which (with `post_agi = false`) only already-licensed models count",
    "IpAccess.carve_outs": "list of [carve-outs](#carve-outs)",
    "RevenueShare.base": "`revenue`, or `profit` (its positive part)",
    "ProfitShare.tiers": "list of [tiers](#tiers), in order",
    "ProfitShare.terminal": "value the claim left at the horizon as a share of the exit value",
    "Payment.when": "trigger name",
    "Payment.amount": "amount paid",
    "PurchaseCommitment.amount_per_year": "amount committed per year",
    "Source.kind": "`seed`: the document the scenario is built on; `report` or `filing`: a dated public report or "
                   "filing; `assumption`: our own number, whose note says why",
    "Fixed.value": "the number",
    "Uniform.low": "lower bound", "Uniform.high": "upper bound",
    "Triangular.low": "lower bound", "Triangular.mode": "most likely value", "Triangular.high": "upper bound",
    "Normal.mean_": "mean", "Normal.sd": "standard deviation, > 0",
    "Lognormal.lo": "lower end of the credible interval, > 0", "Lognormal.hi": "upper end, > 0",
    "Lognormal.interval": "probability of the interval",
    "Beta.alpha": "shape α, > 0", "Beta.beta": "shape β, > 0", "Beta.low": "lower end of the range",
    "Beta.high": "upper end of the range",
    "Pert.low": "lower bound", "Pert.mode": "most likely value", "Pert.high": "upper bound",
    "Pert.lamb": "weight λ of the mode",
    "Exponential.rate": "hazard per year, > 0", "Exponential.start": "earliest value",
    "Discrete.values": "the possible values", "Discrete.probs": "their probabilities, summing to 1",
    "Mixture.components": "the component distributions", "Mixture.weights": "their weights, summing to 1",
    "Blend.a": "the distribution at weight 0", "Blend.b": "the distribution at weight 1",
    "Blend.weight": "how far from `a` toward `b`, 0–1",
    "TermBase.id": "unique within its package, e.g. `licence_fees`",
    "TermBase.payer": "party id that pays, or none (the outside world)",
    "TermBase.payee": "party id that receives, or none (the outside world)",
    "TermBase.risk": "risk class of its flows (a key of `discounting.rates`); default: the kind's own",
}

#: The order of the shipped term kinds in the reference (any other shipped kind follows, by name).
KIND_ORDER = ("flow", "lump", "price", "sum", "capped", "payment", "revenue_share", "profit_share", "equity_stake",
              "funding_cost", "exclusivity", "ip_access", "purchase_commitment")

#: Fields every term has, documented once.
COMMON_TERM_FIELDS = ("id", "kind", "label", "payer", "payee", "risk")


# --- rendering ---------------------------------------------------------------------------------------


def tag(model: type[BaseModel], name: str) -> str:
    """The literal value of a model's tag field (``kind``, ``process``, ``dist``)."""
    field = model.model_fields[name]
    if field.default is not PydanticUndefined and field.default is not None:
        return str(field.default)
    return str(get_args(field.annotation)[0])


def money_words(text: str) -> str:
    """Descriptions written for the built-in case's USD billions, in words for any ``meta.unit``.

    >>> money_words("USD bn the controller pays; CARA coefficient per USD bn; per USD of unmet need")
    'money the controller pays; CARA coefficient per unit of money; per unit of unmet need'
    """
    text = re.sub(r"per USD (?:bn|billions?)\b", "per unit of money", text)
    text = re.sub(r"\bUSD (?:bn|billions?)\b", "money", text)
    return text.replace("per USD of", "per unit of")


def rst_to_md(text: str) -> str:
    """A docstring's reStructuredText roles and literals as Markdown.

    >>> rst_to_md("see :class:`~zopa.beliefs.Quantity` and ``x = 1``")
    'see `Quantity` and `x = 1`'
    """
    text = re.sub(r":(?:class|mod|func|meth|data|attr|obj):`~([^`]+)`",
                  lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    text = re.sub(r":(?:class|mod|func|meth|data|attr|obj):`([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def doc(obj: Any) -> str:
    """The cleaned docstring of a class, as Markdown paragraphs (its own docstring only)."""
    text = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not text:
        return ""
    paragraphs = [" ".join(line.strip() for line in p.splitlines()) if not p.lstrip().startswith(("-", "*")) else p
                  for p in inspect.cleandoc(text).split("\n\n")]
    return money_words(rst_to_md("\n\n".join(paragraphs)))


def type_text(ann: Any) -> str:
    """A field's type in words."""
    if ann is beliefs.Quantity:
        return "quantity"
    if ann == dict[str, Any]:
        return "term template"
    if ann is TermBase or _is_term(ann):
        return "term"
    if ann is beliefs.Distribution or _is_distribution(ann):
        return "distribution"
    if ann == schema.Trigger or _is_trigger(ann):
        return "trigger"
    origin, args = get_origin(ann), get_args(ann)
    if origin is Annotated:
        return type_text(args[0])
    if origin in (Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        if set(parts) == {str, list[str]}:
            return "trigger name or list of names"
        return " or ".join(dict.fromkeys(type_text(a) for a in parts))
    if origin is Literal:
        return " \\| ".join(f'`"{a}"`' for a in args)
    if origin is list:
        inner = type_text(args[0])
        return f"list of {inner.replace('list of', 'lists of', 1) if inner.startswith('list of') else _plural(inner)}"
    if origin is dict:
        inner = type_text(args[1])
        return f"table of {inner.replace('list of', 'lists of', 1) if inner.startswith('list of') else _plural(inner)}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "table"
    return {str: "string", int: "integer", float: "number", bool: "boolean", dt.date: "date",
            type(None): "none"}.get(ann, getattr(ann, "__name__", str(ann)))


def _plural(word: str) -> str:
    if " or " in word or "\\|" in word:
        return f"({word})"
    return {"quantity": "quantities", "string": "strings", "number": "numbers", "table": "tables",
            "term": "terms", "trigger": "triggers", "integer": "integers", "distribution": "distributions",
            "boolean": "booleans", "date": "dates", "term template": "term templates"}.get(word, word)


def _is_term(ann: Any) -> bool:
    return get_origin(ann) is Annotated and get_args(ann)[0] is TermBase


def _is_distribution(ann: Any) -> bool:
    if get_origin(ann) is Annotated:
        inner = get_args(ann)[0]
        return get_origin(inner) in (Union, types.UnionType) and beliefs.Fixed in get_args(inner)
    return False


def _is_trigger(ann: Any) -> bool:
    if get_origin(ann) is Annotated:
        inner = get_args(ann)[0]
        return get_origin(inner) in (Union, types.UnionType) and schema.DateTrigger in get_args(inner)
    return False


def default_text(field: Any) -> str:
    """A field's default in words: *required*, empty, none, or the value."""
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "its defaults"
        return "empty" if not value else f"`{json.dumps(value)}`"
    value = field.default
    if value is None or value is PydanticUndefined:
        return "none"
    if isinstance(value, (dict, list)) and not value:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float, str)):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


def field_unit(field: Any) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    unit = str(extra.get("unit") or "")
    return UNIT_WORDS.get(unit, unit)


def field_description(model: type, name: str, field: Any) -> str:
    text = NOTES.get(f"{model.__name__}.{name}") or field.description
    if text is None and issubclass(model, TermBase):
        text = NOTES.get(f"TermBase.{name}")
    return money_words(rst_to_md(text or NOTES.get(f"*.{name}", "")))


def field_table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    """A Markdown table of a model's fields: key, type, unit, default, description."""
    rows = ["| key | type | unit | default | description |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in skip or name in ("key", "kind", "process", "dist"):
            continue
        key = field.alias or name
        desc = field_description(model, name, field).replace("|", "\\|")
        rows.append(f"| `{key}` | {type_text(field.annotation)} | {field_unit(field)} | {default_text(field)} | {desc} |")
    return rows if len(rows) > 2 else []


def section(level: int, title: str, model: type[BaseModel] | None = None, intro: str = "",
            skip: tuple[str, ...] = ()) -> list[str]:
    out = ["", f"{'#' * level} {title}", ""]
    text = intro or (doc(model) if model is not None else "")
    if text:
        out += [text, ""]
    if model is not None:
        out += field_table(model, skip)
    return out


# --- the document ------------------------------------------------------------------------------------


INTRO = """\
A scenario is one TOML file: what the deal is and when it was known, the time grid, the two parties,
the world the terms read (drivers, events), triggers, the contract in force and the packages on the
table, optionally a deal space of negotiable issues, bargaining settings, a threat game, discounting,
a calibration and the modeller's open questions. `zopa validate FILE` checks one (every problem as
`file:line: path: message`, with a "did you mean"), `zopa new FILE` writes a commented template, and
`zopa run FILE` runs the whole analysis. This reference is generated from the schema (`{command}`);
[model.md](model.md) gives the equations behind each table.

Conventions used below:

* **money** is a number of the scenario's unit, `meta.unit` (e.g. `"USD millions"`: 12.5 means
  $12.5M); the engine never rescales, only the printed text depends on it.
* **time** is in calendar years (2027.5 is mid-2027); dates are TOML dates (`2025-12-31`).
* a **quantity** is a table with a distribution and a `source` (see [Numbers](#numbers-quantities-and-distributions));
  its **unit** column says what range the validator allows.
* **ids** (parties, packages, triggers, sources, terms) are TOML keys: letters, digits and `_`.
* a table marked "table of X" is keyed by names you choose: `[parties.vendor]`, `[parties.buyer]`.
"""

QUANTITIES = """\
Every uncertain or sourced number is a *quantity*: an inline table naming a distribution (`dist`,
default `fixed`), its parameters and the `source` it comes from.

```toml
rate = {{ value = 0.20, source = "term_sheet" }}                         # fixed: dist may be omitted
growth = {{ dist = "triangular", low = 0.0, mode = 0.05, high = 0.12, source = "assume_growth" }}
```

A belief that differs between the parties is a table keyed by party id; each side values every
package under its own beliefs, and the same random numbers feed both (common random numbers), so the
sides' values differ only where their beliefs do:

```toml
drift.vendor = {{ dist = "uniform", low = 0.00, high = 0.06, source = "assume_growth" }}
drift.buyer = {{ dist = "uniform", low = -0.04, high = 0.02, source = "assume_growth" }}
```

A number used in several places is defined once under `[inputs]` and referred to by name; every use
sees the same draws (`{{ input = "name" }}`; an input may itself differ by party):

```toml
[inputs]
migration_cost = {{ dist = "triangular", low = 1500, mode = 2500, high = 4000, source = "assume_migration" }}

[[packages.status_quo.terms]]
amount = {{ input = "migration_cost" }}
```

Event times (a quantity with unit "calendar year") may add `p_never`, the chance the event never
happens within the horizon. The distributions:
"""

UNITS = """\
`meta.unit` is `"<ISO 4217 currency code> <scale>"`, e.g. `"USD billions"` (the default),
`"EUR millions"`, `"GBP k"`, `"JPY units"`; the scale is a word or its abbreviation:

| scale | factor | accepted spellings |
|---|---|---|
{rows}

Every amount of the scenario is in this unit, including CARA risk aversion (per unit of money) and
delay costs.
"""

DRIVERS_INTRO = """\
`[world.drivers.<name>]` declares a stochastic process or an event that terms read by name (a `flow`
with `of = "usage"`, a `price` with `volume = "seats"`), that triggers fire on
(`{ kind = "event", driver = "launch" }`), or that the exit value follows. None is mandatory, and
every other world table is optional: declare what the terms read. The built-in series `revenue`,
`profit`, `cost` (revenue − profit) and `exit_value` exist when `[world.revenue]`/`[world.margin]`/
`[world.exit]` do. Each driver is simulated on the time grid with random numbers named by its TOML
path. Fields of every driver: `label` (name in the report) and `unit` (what it counts, for people).
"""

TRIGGERS_INTRO = """\
`[triggers.<name>]` defines when something happens; terms end at a trigger (`until`), pay at one
(`at`, `when`), and packages may redefine a trigger (`[packages.<id>.triggers.<name>]`). A trigger with
`controlled_by` is a *decision*: its holder fires it on each path where that pays it (an option to
terminate, to buy out, to declare). In a deal space such a decision is taken term template by term
template, so a clause whose stakes span several terms belongs in named packages, or its stakes in one
`sum`. Kinds:
"""

TERMS_INTRO = """\
A term is a claim with a payer and a payee (either may be omitted: money to or from the outside world,
such as a migration cost or a venture's profit). Each kind is a composition of the contract algebra
(`zopa.terms.algebra`: flow, once, scale, until, cap, both, give, right, tiered), evaluated path by
path; its `kind` selects it from the registry, `zopa.terms.TERM_TYPES` (kinds registered by installed
packages through the `zopa.terms` entry-point group are accepted too; see
[CONTRIBUTING.md](../CONTRIBUTING.md)). Terms sit
in `[[packages.<id>.terms]]`, `[[common_terms]]` (in every package) and deal-space templates.

Fields every term has:
"""

PACKAGES_INTRO = """\
`[packages.<id>]` is a set of terms: the contract in force (`meta.status_quo`, the disagreement
point), the offers on the table, and the packages threats lead to. A package may start from another
(`base`), drop some of its terms and add or replace others by id; `[[common_terms]]` are in every
package.
"""

DEAL_SPACE_INTRO = """\
`[deal_space]` spans many packages: the cartesian product of its issues' options, minus `exclude`d
combinations, each package starting from `base` (minus `drop`). What a choice means is written as
term templates:

* a quantity field reads an issue's option: `rate = {{ issue = "discount", source = "assume_range" }}`;
* a string field names one: `until = "$term"`, `volume = "$basis"` (the option's value: a trigger,
  driver or regime name);
* an option may add terms of its own: `[[deal_space.issues.<id>.terms.<value>]]`.

Templates cannot compute (no `1 − discount`): choose the terms' parametrisation so that each field reads
one issue, or give an option its own terms. Keep the space to a few thousand packages; each template is
valued once per combination of the issues it reads.
"""

CHECKS = """\
Besides types and ranges, `zopa validate` checks what no single field can see: every party, package,
trigger, source, term, resource, regime, driver and input a field names exists (with a "did you
mean"); dates lie on the time grid and sources, calibrations and deadlines respect `meta.as_of`; a term
reading `revenue`, `profit`, `agi` or a resource has the world table it needs; payer and payee differ;
members of a `sum` are between its two parties and members of a `capped` term have its payer and payee;
every risk class has a market rate; a funding cost falls on the party that raises the money;
deal-space templates expand to valid terms for every option.
"""

PROVENANCE = """\
Every number cites a key of `[sources]`. A source is the seed document (`seed`), a named, dated
public report or filing (`report`, `filing`: with the `date` of publication), or an `assumption`
whose `note` says why the number is what it is. Only facts known on `meta.as_of` may be used: no
source dated after it. A scenario that is not sourced from real public reports says so in its
title or description ("illustrative"). The report lists every number with its source.
"""


def distributions_section() -> list[str]:
    out: list[str] = []
    for cls in get_args(get_args(beliefs.Distribution)[0]):
        out += ["", f"### `{tag(cls, 'dist')}`", "", doc(cls), ""]
        rows = ["| key | type | default | description |", "|---|---|---|---|"]
        for name, field in cls.model_fields.items():
            if name in ("dist", "source", "p_never"):
                continue
            rows.append(f"| `{field.alias or name}` | {type_text(field.annotation)} | {default_text(field)} | "
                        f"{field_description(cls, name, field)} |")
        if len(rows) > 2:
            out += rows
    out += ["", "Every distribution also takes `source` (**required**) and `p_never` (default 0: the "
            "chance an event time never comes within the horizon, drawn as +∞)."]
    return out


def shipped_kinds() -> list[tuple[str, type[TermBase]]]:
    """The term kinds shipped with zopa, in reference order (kinds registered from outside are left out)."""
    shipped = {k: c for k, c in TERM_TYPES.items() if c.__module__.startswith("zopa.")}
    order = [k for k in KIND_ORDER if k in shipped] + sorted(k for k in shipped if k not in KIND_ORDER)
    return [(k, shipped[k]) for k in order]


#: Default risk classes of the kinds that choose theirs by their fields.
RISK_NOTES = {"flow": "`fixed` without `of`, `revenue` with one", "lump": "`fixed`"}


def risk_text(kind: str, cls: type[TermBase]) -> str:
    if kind in RISK_NOTES:
        return f"default risk class: {RISK_NOTES[kind]}"
    if cls.risk_class.fget is not TermBase.risk_class.fget:  # type: ignore[attr-defined]
        return "default risk class: see the description"
    return f"default risk class: `{cls.default_risk}`"


def terms_section() -> list[str]:
    out = ["", "## Terms", "", TERMS_INTRO]
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    sample = TERM_TYPES["lump"]
    for name in COMMON_TERM_FIELDS:
        if name == "kind":
            rows.append("| `kind` | string | **required** | the term kind, one of the headings below |")
            continue
        field = sample.model_fields[name]
        rows.append(f"| `{name}` | {type_text(field.annotation)} | {default_text(field)} | "
                    f"{field_description(TermBase, name, field)} |")
    out += rows
    for kind, cls in shipped_kinds():
        out += ["", f"### `{kind}`", "", doc(cls), "", f"*{risk_text(kind, cls)}.*", ""]
        own = [n for n in cls.model_fields if n not in COMMON_TERM_FIELDS and n != "key"]
        if own:
            out += field_table(cls, skip=COMMON_TERM_FIELDS)
        else:
            out += ["No fields beyond the common ones."]
    out += section(4, "Tiers", transfers.Tier, "A tier of a `profit_share` (`tiers = [{ rate = ..., up_to = ... }, ...]`). "
                   + doc(transfers.Tier))
    out += section(4, "Carve-outs", rights.CarveOut, "A carve-out of an `ip_access` (`carve_outs = [{ name = ..., ... }]`). "
                   + doc(rights.CarveOut))
    return out


def drivers_section() -> list[str]:
    out = ["", "### `[world.drivers.<name>]`", "", DRIVERS_INTRO]
    for cls in get_args(get_args(drivers.Driver)[0]):
        out += section(4, f'`process = "{tag(cls, "process")}"`', cls, skip=("label", "unit"))
    return out


def triggers_section() -> list[str]:
    out = ["", "## `[triggers.<name>]`", "", TRIGGERS_INTRO]
    for cls in get_args(get_args(schema.Trigger)[0]):
        out += section(3, f'`kind = "{tag(cls, "kind")}"`', cls, skip=("kind",))
        if len(cls.model_fields) == 1:
            out += ["No fields beyond `kind`."]
    return out


def reference() -> str:
    """The whole reference, as Markdown."""
    s = schema
    scales = "\n".join(f"| {word} | {factor:g} | {', '.join(f'`{a}`' for a in aliases)} |"
                       for word, (factor, _, aliases) in SCALES.items())
    lines = ["# Scenario file reference", "",
             f"<!-- Generated from the schema by `{COMMAND}`; do not edit by hand. -->", "",
             INTRO.format(command=COMMAND), "## Contents", ""]
    toc = ["Numbers: quantities and distributions", "Money units", "Top level", "[meta]", "[time]",
           "[sources.<key>]", "[inputs]", "[parties.<id>]", "[world]", "[triggers.<name>]", "Terms",
           "[packages.<id>]", "[deal_space]", "[bargaining]", "[threats]", "[discounting]", "[calibration]",
           "[branches.<id>]", "What the validator checks", "Provenance", "Worked example: an office lease renewal"]
    lines += [f"* [{t}](#{anchor(t)})" for t in toc]
    lines += ["", "## Numbers: quantities and distributions", "", QUANTITIES.format()]
    lines += distributions_section()
    lines += ["", "## Money units", "", UNITS.format(rows=scales)]
    lines += section(2, "Top level", s.Scenario, intro="The tables of a scenario file.")
    lines += section(2, "`[meta]`", s.Meta)
    lines += section(2, "`[time]`", s.TimeGrid)
    lines += section(2, "`[sources.<key>]`", s.Source)
    lines += ["", "## `[inputs]`", "", "Named quantities used in several places: `name = { dist = ..., source = ... }`, "
              "referred to as `{ input = \"name\" }` (see [Numbers](#numbers-quantities-and-distributions))."]
    lines += section(2, "`[parties.<id>]`", s.Party)
    lines += section(2, "`[world]`", s.World)
    lines += drivers_section()
    lines += section(3, "`[world.revenue]`", s.RevenueModel)
    lines += section(3, "`[world.margin]`", s.MarginModel)
    lines += section(3, "`[world.agi]`", s.AgiModel)
    lines += section(3, "`[world.exit]`", s.ExitModel)
    lines += section(3, "`[world.resources.<name>]`", s.ResourceModel)
    lines += section(3, "`[world.ip]`", s.IpModel)
    lines += section(3, "`[world.funding]`", s.FundingModel)
    lines += triggers_section()
    lines += terms_section()
    lines += ["", "## `[packages.<id>]`", "", PACKAGES_INTRO] + field_table(s.Package)
    lines += ["", "## `[deal_space]`", "", DEAL_SPACE_INTRO.format()] + field_table(dealspace.DealSpace)
    lines += section(3, "`[deal_space.issues.<id>]`", dealspace.Issue)
    lines += section(4, "`range`", dealspace.GridRange)
    lines += section(2, "`[bargaining]`", s.Bargaining)
    lines += section(2, "`[threats]`", s.Threats)
    lines += section(3, "`[threats.moves.<id>]`", s.ThreatMove)
    lines += section(3, "`[threats.responses]`", s.ThreatResponses)
    lines += section(3, "`[threats.tree]`", threat_tree.ThreatTree)
    lines += section(4, "`[threats.tree.nodes.<id>]` with `kind = \"decision\"`", threat_tree.TreeDecision)
    lines += section(4, "`[threats.tree.nodes.<id>]` with `kind = \"chance\"`", threat_tree.TreeChance)
    lines += section(5, "`[threats.tree.nodes.<id>.outcomes.<name>]`", threat_tree.TreeOutcome)
    lines += section(4, "`[threats.tree.nodes.<id>]` with `kind = \"terminal\"`", threat_tree.TreeTerminal)
    lines += section(2, "`[discounting]`", s.Discounting)
    lines += section(2, "`[calibration]`", s.ExitCalibration)
    lines += section(2, "`[branches.<id>]`", s.Branch)
    lines += section(3, "`[branches.<id>.options.<option>]`", s.BranchOption)
    lines += ["", "## What the validator checks", "", CHECKS, "## Provenance", "", PROVENANCE]
    lines += ["## Worked example: an office lease renewal", "", EXAMPLE_INTRO, "", "```toml", EXAMPLE.rstrip(), "```", "",
              EXAMPLE_OUTRO]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


def anchor(title: str) -> str:
    """GitHub's anchor for a heading.

    >>> anchor("[deal_space]"), anchor("Numbers: quantities and distributions")
    ('deal_space', 'numbers-quantities-and-distributions')
    """
    text = title.lower().strip()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def main() -> None:
    import sys

    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
