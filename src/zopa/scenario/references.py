"""Checks no single field can see: cross-references between parts of a scenario, dates on the
grid, and every number within the range its unit allows."""

from __future__ import annotations

import difflib
import math
from typing import Any

from pydantic import BaseModel

from zopa.beliefs import UNIT_BOUNDS, Quantity, support
from zopa.scenario.schema import DateTrigger, FirstOfTrigger, Scenario, resolve_terms
from zopa.terms import TermBase
from zopa.scenario.threat_tree import tree_problems

def check_references(s: Scenario) -> list[tuple[str, str, str | None]]:
    """Problems no single field can see: undefined parties, triggers, sources, resources, packages,
    dates off the grid, values outside their unit's range. Returns (path, message, suggestion)."""
    out: list[tuple[str, str, str | None]] = []
    parties = list(s.parties)

    def ref(path: str, name: str | None, known: list[str], what: str) -> None:
        if name is not None and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            out.append((path, f"undefined {what} {name!r}",
                        f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(known) or 'none'}"))

    for path, quantity, unit in _walk_quantities(s):
        _check_quantity(out, s, path, quantity, unit, ref)

    ref("meta.status_quo", s.meta.status_quo, list(s.packages), "package")
    for name, resource in s.world.resources.items():
        for regime in resource.strict_regimes:
            ref(f"world.resources.{name}.strict_regimes", regime, list(resource.holder_share), "regime")
    if s.world.funding is not None:
        ref("world.funding.party", s.world.funding.party, parties, "party")
        if s.world.funding.deadline <= s.meta.as_of and s.bargaining.deadline is None:
            out.append(("world.funding.deadline", f"deadline {s.world.funding.deadline} is not after the as-of date "
                        f"{s.meta.as_of}", "set bargaining.deadline or move the funding deadline"))
        _check_date(out, s, "world.funding.deadline", s.world.funding.deadline)
    for name, trig in s.triggers.items():
        ref(f"triggers.{name}.controlled_by", getattr(trig, "controlled_by", None), parties, "party")
        if isinstance(trig, DateTrigger):
            _check_date(out, s, f"triggers.{name}.date", trig.date)
        if isinstance(trig, FirstOfTrigger):
            for other in trig.of:
                ref(f"triggers.{name}.of", other, [t for t in s.triggers if t != name], "trigger")
    for pid, package in s.packages.items():
        prefix = f"packages.{pid}"
        ref(f"{prefix}.base", package.base, [p for p in s.packages if p != pid], "package")
        ref(f"{prefix}.proposed_by", package.proposed_by, parties, "party")
        ref(f"{prefix}.source", package.source, list(s.sources), "source")
        if package.base in s.packages:
            base_ids: list[str] | None = None
            try:
                base_ids = [t.id for t in resolve_terms(s, package.base, (pid,))]
            except KeyError:  # a package further down the chain is undefined; reported at its own base
                pass
            except ValueError as exc:
                out.append((f"{prefix}.base", str(exc).split(": ", 1)[-1], None))
            for dropped in package.drop if base_ids is not None else []:
                ref(f"{prefix}.drop", dropped, base_ids or [], "term")
        ids = [t.id for t in package.terms]
        for dup in {i for i in ids if ids.count(i) > 1}:
            out.append((f"{prefix}.terms.{dup}", "duplicate term id", "give each term a unique id"))
        for name, trig in package.triggers.items():
            ref(f"{prefix}.triggers.{name}", name, list(s.triggers), "trigger")
            if isinstance(trig, DateTrigger):
                _check_date(out, s, f"{prefix}.triggers.{name}.date", trig.date)
            if isinstance(trig, FirstOfTrigger):
                for other in trig.of:
                    ref(f"{prefix}.triggers.{name}.of", other, [t for t in s.triggers if t != name], "trigger")
    all_terms = [("common_terms", t) for t in s.common_terms] + [
        (f"packages.{pid}.terms", t) for pid, p in s.packages.items() for t in p.terms]
    for prefix, term in all_terms:
        _check_term(out, s, f"{prefix}.{term.id}", term, ref)
    _check_world(out, s)
    _check_bargaining(out, s, ref)
    _check_discounting(out, s, all_terms)
    _check_calibration(out, s, ref)
    _check_branches(out, s, ref)
    _check_threats(s, ref)
    out.extend(tree_problems(s))
    _check_deal_space(out, s, ref)
    return out


def _leaf_terms(term: TermBase) -> list[TermBase]:
    children = term.children()
    return [leaf for c in children for leaf in _leaf_terms(c)] if children else [term]


def _check_discounting(out: list, s: Scenario, all_terms: list[tuple[str, TermBase]]) -> None:
    d = s.discounting
    if d is None or d.method == "party":
        return
    for cls, quantity in d.rates.items():
        if quantity.by_party is not None:
            out.append((f"discounting.rates.{cls}", "a market rate belongs to the stream, not to a party: "
                        "expected one value for both parties", "give one value; put the parties' views in beliefs"))
    known = list(d.rates)
    if d.default is not None and d.default not in d.rates:
        out.append(("discounting.default", f"undefined risk class {d.default!r}", f"defined: {', '.join(known) or 'none'}"))
    if d.default in d.rates:
        return
    for prefix, term in all_terms:
        for leaf in _leaf_terms(term):
            if leaf.risk_class not in d.rates:
                path = f"{prefix}.{term.id}" + (f".members.{leaf.id}" if leaf is not term else "")
                close = difflib.get_close_matches(leaf.risk_class, known, n=1, cutoff=0.5)
                out.append((f"{path}.risk" if leaf.risk else path,
                            f"no market rate for risk class {leaf.risk_class!r}",
                            f"did you mean '{close[0]}'?" if close and leaf.risk else
                            f"add discounting.rates.{leaf.risk_class} or set discounting.default"))


def _check_branches(out: list, s: Scenario, ref: Any) -> None:
    if not s.branches:
        return
    known = [p for p, q, _ in iter_quantities(s) if q.input is None] + [f"inputs.{k}" for k in s.inputs]
    for name, branch in s.branches.items():
        ref(f"branches.{name}.source", branch.source, list(s.sources), "source")
        for oid, option in branch.options.items():
            for path in option.set:
                ref(f"branches.{name}.options.{oid}.set", path, known, "input")


def _check_calibration(out: list, s: Scenario, ref: Any) -> None:
    c = s.calibration
    if c is None:
        return
    ref("calibration.package", c.package, list(s.packages), "package")
    for party, weight in c.beliefs.items():
        ref(f"calibration.beliefs.{party}", party, list(s.parties), "party")
        if weight < 0:
            out.append((f"calibration.beliefs.{party}", f"expected a weight >= 0, got {weight}", None))
    if sum(c.beliefs.values()) <= 0:
        out.append(("calibration.beliefs", "expected weights that add up to more than 0", None))
    if c.date > s.meta.as_of:
        out.append(("calibration.date", f"{c.date} is after the as-of date {s.meta.as_of}",
                    "calibrate to a price known on the scenario's date"))
    if c.package in s.packages:
        try:
            terms = {t.id: t for t in s.package_terms(c.package)}
        except (KeyError, ValueError):
            return
        ref("calibration.term", c.term, list(terms), "term")
        term = terms.get(c.term)
        if term is not None and term.kind != "equity_stake":
            out.append(("calibration.term", f"expected an equity_stake term (linear in the exit value), got {term.kind!r}",
                        "calibrate to the stake the round priced"))


def _check_bargaining(out: list, s: Scenario, ref: Any) -> None:
    b = s.bargaining
    ref("bargaining.first_proposer", b.first_proposer, list(s.parties), "party")
    for pid in b.delay_cost:
        ref(f"bargaining.delay_cost.{pid}", pid, list(s.parties), "party")
    if b.deadline is not None:
        _check_date(out, s, "bargaining.deadline", b.deadline)
        if b.deadline <= s.meta.as_of:
            out.append(("bargaining.deadline", f"deadline {b.deadline} is not after the as-of date {s.meta.as_of}",
                        "bargaining needs at least one round before the deadline"))


def _check_threats(s: Scenario, ref: Any) -> None:
    t = s.threats
    if t is None:
        return
    packages = list(s.packages)
    ref("threats.baseline", t.baseline, packages, "package")
    if t.responses is not None:
        ref("threats.responses.concede", t.responses.concede, packages, "package")
    for name, move in t.moves.items():
        ref(f"threats.moves.{name}.by", move.by, list(s.parties), "party")
        ref(f"threats.moves.{name}.if_success", move.if_success, packages, "package")
        ref(f"threats.moves.{name}.if_failure", move.if_failure, packages, "package")
        ref(f"threats.moves.{name}.source", move.source, list(s.sources), "source")


def _check_deal_space(out: list, s: Scenario, ref: Any) -> None:
    from zopa.dealspace import expand

    ds = s.deal_space
    if ds is None:
        return
    ref("deal_space.base", ds.base, list(s.packages), "package")
    if ds.base in s.packages:
        try:
            base_ids = [t.id for t in resolve_terms(s, ds.base, ())]
            for dropped in ds.drop:
                ref("deal_space.drop", dropped, base_ids, "term")
        except (KeyError, ValueError):
            pass
    for pid, options in ds.outside_options.items():
        ref(f"deal_space.outside_options.{pid}", pid, list(s.parties), "party")
        for pkg in options:
            ref(f"deal_space.outside_options.{pid}", pkg, list(s.packages), "package")
    for issue_id, issue in ds.issues.items():
        ref(f"deal_space.issues.{issue_id}.source", issue.source, list(s.sources), "source")
    try:
        space = expand(ds)
    except ValueError as exc:
        out.append(("deal_space", str(exc), None))
        return
    checked: set[int] = set()
    for column in space.columns:  # one materialised term per template is enough
        if column.term is None or column.template in checked:
            continue
        checked.add(column.template)
        term = column.term
        path = space.templates[column.template].key
        _check_term(out, s, path, term, ref)
        for qpath, quantity, unit in _walk_quantities(term, path):
            _check_quantity(out, s, qpath, quantity, unit, ref)


def _check_quantity(out: list, s: Scenario, path: str, quantity: Quantity, unit: str, ref: Any) -> None:
    """A quantity's beliefs: known parties, known sources, values within the unit's range."""
    parties = list(s.parties)
    if quantity.by_party == {}:
        out.append((path, 'expected a value and a source, e.g. { value = 1.0, source = "..." }, got an empty table',
                    None))
        return
    if quantity.by_party is not None:
        unknown = [p for p in quantity.by_party if p not in parties]
        missing = [p for p in parties if p not in quantity.by_party]
        for pid in unknown:
            # A misspelt party is one problem, not also a belief missing for the party it was meant to be.
            meant = difflib.get_close_matches(pid, missing, n=1, cutoff=0.5) or (
                [missing[0]] if len(missing) == 1 and len(unknown) == 1 else [])
            if meant:
                missing.remove(meant[0])
            out.append((f"{path}.{pid}", f"undefined party {pid!r}",
                        f"did you mean '{meant[0]}'?" if meant else f"defined: {', '.join(parties)}"))
        if missing:
            out.append((path, f"belief missing for party {', '.join(missing)}", "give every party a distribution"))
    for spec_path, spec in _specs_with_paths(path, quantity):
        ref(f"{spec_path}.source", spec.source, list(s.sources), "source")
        lo, hi = UNIT_BOUNDS[unit]
        a, b = support(spec)
        if a < lo - 1e-12 or b > hi + 1e-12:
            what = {"probability": "a probability in [0, 1]", "share": "a share in [0, 1]",
                    "money": "a non-negative amount of money", "nonnegative": "a non-negative number", "years": "a non-negative number of years",
                    "rate": "a rate above -0.99"}.get(unit, f"a value in [{lo}, {hi}]")
            percent = unit in ("probability", "share") and 1 < b <= 100 and a >= 0
            out.append((spec_path, f"expected {what}, but values range over [{a:.4g}, {b:.4g}]",
                        f"write a fraction, not a percentage: {b:g}% is {b / 100:g}" if percent else None))
        if unit == "year" and math.isfinite(a) and not (s.time.start - 50 <= a and b <= s.time.horizon + 200):
            out.append((spec_path, f"expected calendar years near the grid {s.time.start}–{s.time.horizon}", None))


#: Term fields that never name a trigger.
_NOT_TRIGGERS = {"id", "label", "key", "kind", "payer", "payee", "members"}


def _check_term(out: list, s: Scenario, path: str, term: TermBase, ref: Any) -> None:
    parties = list(s.parties)
    ref(f"{path}.payer", term.payer, parties, "party")
    ref(f"{path}.payee", term.payee, parties, "party")
    if term.payer is not None and term.payer == term.payee:
        out.append((f"{path}.payee", "payer and payee are the same party", None))
    for trig in sorted(t for t in term.triggers() if not t.startswith("@")):  # "@…": the world's own
        # Report at the field that names it; a trigger named only by a member is reported there.
        field = next((k for k, v in term if k not in _NOT_TRIGGERS
                      and (v == trig or isinstance(v, (list, tuple)) and trig in v)), None)
        if field is not None or not term.children():
            ref(f"{path}.{field or 'until'}", trig, list(s.triggers), "trigger")
    for name in sorted(term.series()):
        missing = _missing_series(s, name)
        if missing:
            field = next((k for k, v in term if v == name), None)
            out.append((f"{path}.{field}" if field else path, missing[0], missing[1]))
    resource = getattr(term, "resource", None)
    if resource is not None:
        ref(f"{path}.resource", resource, list(s.world.resources), "resource")
        for field in ("regime", "baseline_regime"):
            regime = getattr(term, field, None)
            if regime is not None and resource in s.world.resources:
                ref(f"{path}.{field}", regime, list(s.world.resources[resource].holder_share), "regime")
    if getattr(term, "kind", "") == "funding_cost":
        funding = s.world.funding
        if funding is None or funding.replacement_cost is None:
            out.append((path, "a funding_cost term needs world.funding with replacement_cost",
                        "add world.funding.replacement_cost"))
        elif term.payer != funding.party:
            out.append((f"{path}.payer", f"the funding cost falls on the party that raises the money ({funding.party!r})", None))
    if getattr(term, "kind", "") == "ip_access" and s.world.ip is None:
        out.append((path, "an ip_access term needs a [world.ip] table", "add world.ip with its three shares"))
    for child in term.children():
        _check_term(out, s, f"{path}.members.{child.id}", child, ref)
        if getattr(term, "kind", "") == "capped" and (child.payer != term.payer or child.payee != term.payee):
            out.append((f"{path}.members.{child.id}", "members of a capped term must have its payer and payee", None))
        elif {child.payer, child.payee} != {term.payer, term.payee}:
            out.append((f"{path}.members.{child.id}", "members of a sum are between its two parties, either way",
                        f"payer and payee: {term.payer!r} and {term.payee!r}, in either order"))
    for key in getattr(term, "count_probability", {}) or {}:
        ref(f"{path}.count_probability.{key}", key, [c.id for c in term.children()], "member")


def _missing_series(s: Scenario, name: str) -> tuple[str, str] | None:
    """Why driver ``name`` is not available in the world of ``s`` (message, suggestion), or ``None``."""
    w = s.world
    needs = {"revenue": ("revenue", w.revenue), "profit": ("margin", w.margin if w.revenue else None),
             "cost": ("margin", w.margin if w.revenue else None), "exit_value": ("exit", w.exit)}
    if name in needs:
        table, model = needs[name]
        if model is None:
            wanted = "world.revenue and world.margin" if table == "margin" else f"world.{table}"
            return f"reads {name}, but the scenario has no {wanted}", f"add [{wanted.split(' and ')[-1]}] or declare a driver"
        return None
    if name not in w.drivers:
        known = list(w.drivers) + [n for n, m in (("revenue", w.revenue), ("profit", w.margin), ("exit_value", w.exit)) if m]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        return f"undefined world driver {name!r}", f"did you mean '{close[0]}'?" if close else (
            f"declare it under [world.drivers.{name}]")
    return None


def _check_world(out: list, s: Scenario) -> None:
    """Drivers that refer to others, exit values and event triggers."""
    from zopa.drivers import EventDriver, RatioDriver

    for name, driver in s.world.drivers.items():
        if name in ("revenue", "profit", "cost", "exit_value", "agi", "asi"):
            out.append((f"world.drivers.{name}", f"{name!r} is a built-in series name", "choose another name"))
        if isinstance(driver, RatioDriver):
            seen: list[str] = [name]
            node: Any = driver
            while isinstance(node, RatioDriver) and node.of in s.world.drivers and node.of not in seen:
                seen.append(node.of)
                node = s.world.drivers[node.of]
            if isinstance(node, RatioDriver) and node.of in seen:
                out.append((f"world.drivers.{name}.of", f"drivers refer to each other in a cycle: {' → '.join(seen + [node.of])}", None))
            else:
                problem = _missing_series(s, driver.of)
                if problem or isinstance(s.world.drivers.get(driver.of), EventDriver):
                    message, hint = problem or (f"{driver.of!r} is an event, not a series", None)
                    out.append((f"world.drivers.{name}.of", message, hint))
    if s.world.exit is not None:
        exit_problem: tuple[str, str | None] | None = (
            _missing_series(s, s.world.exit.of) if s.world.exit.of != "exit_value"
            else ("an exit value cannot be a multiple of itself", None))
        if exit_problem:
            out.append(("world.exit.of", exit_problem[0], exit_problem[1]))
    events = [n for n, d in s.world.drivers.items() if isinstance(d, EventDriver)]
    if s.world.agi is not None:
        events += ["agi", "asi"]
    for tname, trig in s.triggers.items():
        event = getattr(trig, "event", None) or getattr(trig, "driver", None)
        if event is not None and event not in events:
            close = difflib.get_close_matches(event, events, n=1, cutoff=0.5)
            field = "event" if hasattr(trig, "event") else "driver"
            out.append((f"triggers.{tname}.{field}", f"undefined event {event!r}",
                        f"did you mean '{close[0]}'?" if close else
                        ("add [world.agi]" if event in ("agi", "asi") else f"declare [world.drivers.{event}] with process = \"event\"")))


def _check_date(out: list, s: Scenario, path: str, date: Any) -> None:
    year = date.year + (date.timetuple().tm_yday) / (366 if _leap(date.year) else 365)
    if not s.time.contains(year):
        out.append((path, f"date {date} is off the time grid {s.time.start}–{s.time.horizon}",
                    "move the date inside the grid or extend [time]"))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _walk_quantities(model: Any, path: str = "") -> list[tuple[str, Quantity, str]]:
    """Every quantity in a model tree with its TOML path and unit."""
    found: list[tuple[str, Quantity, str]] = []
    if isinstance(model, BaseModel) and not isinstance(model, Quantity):
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            key = field.alias or name
            sub = f"{path}.{key}" if path else key
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            unit = str(extra.get("unit") or "any")
            if isinstance(value, Quantity):
                found.append((sub, value, unit or "any"))
            elif isinstance(value, dict):
                for k, v in value.items():
                    if isinstance(v, Quantity):
                        found.append((f"{sub}.{k}", v, unit or "any"))
                    else:
                        found.extend(_walk_quantities(v, f"{sub}.{k}"))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    label = getattr(v, "id", None) or getattr(v, "name", None) or f"[{i}]"
                    found.extend(_walk_quantities(v, f"{sub}.{label}" if not label.startswith("[") else sub + label))
            elif isinstance(value, BaseModel):
                found.extend(_walk_quantities(value, sub))
    return found


def _specs_with_paths(path: str, quantity: Quantity) -> list[tuple[str, Any]]:
    if quantity.shared is not None:
        return [(path, quantity.shared)]
    return [(f"{path}.{pid}", spec) for pid, spec in (quantity.by_party or {}).items()]


def iter_quantities(scenario: Scenario) -> list[tuple[str, Quantity, str]]:
    """Public: every quantity of a scenario as (TOML path, quantity, unit)."""
    return _walk_quantities(scenario)
