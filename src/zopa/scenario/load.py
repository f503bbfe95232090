"""Load a scenario file: TOML → validated, immutable :class:`Scenario`, or every problem at once.

Each problem names the file, the TOML path (``parties.microsoft.discount_rate``), the line where it
can be found, and a "did you mean" for misspellings.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from zopa.beliefs import UNIT_BOUNDS, Quantity, support
from zopa.scenario.errors import Problem, ScenarioError
from zopa.scenario.schema import DateTrigger, FirstOfTrigger, Scenario, resolve_terms
from zopa.terms import TERM_TYPES, TermBase


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(name, "", "file not found", suggestion="check the path, or run `zopa scenarios`")])
    except IsADirectoryError:
        raise ScenarioError([Problem(name, "", "is a directory, expected a .toml scenario file")])
    except OSError as exc:
        raise ScenarioError([Problem(name, "", f"cannot be read: {exc.strerror}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(name, "", "is not UTF-8 text (a binary file?); expected a TOML scenario")])
    return parse_scenario(text, name)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate TOML ``text`` as a scenario; ``file`` is used in messages."""
    if not text.strip():
        raise ScenarioError([Problem(file, "", "is empty", suggestion="run `zopa new FILE` for a template")])
    if "\x00" in text:
        raise ScenarioError([Problem(file, "", "contains NUL bytes (a binary file?); expected a TOML scenario")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _line_of_decode_error(str(exc))
        raise ScenarioError([Problem(file, "", f"is not valid TOML: {exc}", line=line)])
    return validate_data(data, file, text)


def validate_data(data: dict[str, Any], file: str = "<scenario>", text: str = "") -> Scenario:
    """Validate an already-parsed TOML document."""
    data = _with_term_keys(copy.deepcopy(data))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from_pydantic(exc, data, file, text)) from None
    problems = [
        Problem(file, path, message, _find_line(text, path), suggestion)
        for path, message, suggestion in check_references(scenario)
    ]
    if problems:
        raise ScenarioError(problems)
    return scenario


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (independent of formatting and comments)."""
    blob = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


# --- term keys --------------------------------------------------------------------------------------


def _with_term_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Give every term its TOML path as ``key``; random numbers are named by it."""

    def tag(terms: Any, prefix: str) -> None:
        if not isinstance(terms, list):
            return
        for i, term in enumerate(terms):
            if isinstance(term, dict):
                term["key"] = f"{prefix}.{term.get('id', i)}"
                tag(term.get("members"), f"{term['key']}.members")

    tag(data.get("common_terms"), "common_terms")
    packages = data.get("packages")
    if isinstance(packages, dict):
        for pid, package in packages.items():
            if isinstance(package, dict):
                tag(package.get("terms"), f"packages.{pid}.terms")
    return data


# --- pydantic errors → problems ---------------------------------------------------------------------


def _problems_from_pydantic(exc: ValidationError, data: dict[str, Any], file: str, text: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc, node = _clean_loc(err["loc"], data)
        path = _format_path(loc)
        kind = err["type"]
        suggestion = None
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            options = _allowed_keys(loc[:-1], data)
            close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
            message = "unknown key"
            suggestion = f"did you mean '{close[0]}'?" if close else (
                f"allowed: {', '.join(sorted(options))}" if options else None)
        elif kind == "missing":
            message = "missing required field"
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            ctx = err.get("ctx", {})
            tag = ctx.get("tag", "?")
            expected = ctx.get("expected_tags", "")
            field = ctx.get("discriminator", "'kind'").strip("'")
            message = f"unknown {field} {tag!r}" if kind == "union_tag_invalid" else f"missing '{field}'"
            options = [t.strip(" '") for t in str(expected).split(",") if t.strip()]
            close = difflib.get_close_matches(str(tag), options, n=1, cutoff=0.5)
            suggestion = f"did you mean '{close[0]}'?" if close else f"expected one of: {expected}"
        else:
            message = err["msg"].removeprefix("Value error, ")
            if "input" in err and kind.endswith("_type") or kind.endswith("_parsing"):
                message += f", got {_short(err.get('input'))}"
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(Problem(file, path, message, _find_line(text, path), suggestion))
    return problems


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], Any]:
    """Drop pydantic's internal segments (union tags, ``shared``/``by_party``); name terms by id."""
    out: list[Any] = []
    node = data
    skip_next = False
    for part in loc:
        if skip_next:
            skip_next = False
            continue
        if part in ("shared", "by_party") or (isinstance(part, str) and part in TERM_TYPES and isinstance(node, dict)
                                              and node.get("kind") == part):
            continue
        if isinstance(part, str) and part.startswith("function-") or part in DIST_TAGS:
            continue
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            item = node[part]
            out.append(item.get("id", part) if isinstance(item, dict) else part)
            node = item
            continue
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else None
    return tuple(out), node


DIST_TAGS = {"fixed", "uniform", "triangular", "normal", "lognormal", "beta", "pert", "exponential", "discrete",
             "mixture", "declared", "date", "restructuring_missed", "first_of"}


def _format_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _allowed_keys(loc: tuple[Any, ...], data: dict[str, Any]) -> list[str]:
    """Field names of the model at ``loc`` (best effort, for 'did you mean')."""
    model: Any = Scenario
    node: Any = data
    for part in loc:
        node = node.get(part) if isinstance(node, dict) else None
        if model is None:
            return []
        model = _child_model(model, part, node)
    if model is None and isinstance(node, dict) and "kind" in node:
        model = TERM_TYPES.get(node["kind"])
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items() if n != "key"]
    if model is Quantity and isinstance(node, dict):
        from zopa.beliefs import DIST_NAMES

        return ["dist", "value", "source", "p_never", "lo", "hi", "low", "high", "mode", "mean", "sd"]
    return []


def _child_model(model: Any, part: Any, node: Any) -> Any:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    field = model.model_fields.get(part) if isinstance(part, str) else None
    if field is None:
        return None
    ann = field.annotation
    args = getattr(ann, "__args__", ())
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in args:  # dict[str, Model], list[Model], Model | None
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return _DictOf(arg) if getattr(ann, "__origin__", None) is dict else arg
    if isinstance(node, dict) and "kind" in node:
        return TERM_TYPES.get(node["kind"])
    return None


class _DictOf:
    def __init__(self, model: type[BaseModel]):
        self.model = model


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- line numbers -----------------------------------------------------------------------------------


def _line_of_decode_error(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _find_line(text: str, path: str) -> int | None:
    """Best-effort line of a TOML path: the deepest table header that prefixes it, then the key."""
    if not text or not path:
        return None
    parts = [p for p in re.split(r"\.|\[\d+\]", path) if p]
    lines = text.splitlines()
    best_line, depth = None, 0
    for i, line in enumerate(lines, 1):
        header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            names = [n.strip().strip('"') for n in header.group(1).split(".")]
            if names == parts[: len(names)] and len(names) >= depth:
                best_line, depth = i, len(names)
    start = best_line or 1
    for j in range(len(parts), depth, -1):
        key = parts[j - 1]
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*(=|\.)|[{{,]\s*"?{re.escape(key)}"?\s*=')
        for i in range(start, len(lines) + 1):
            if i > start and re.match(r"\s*\[", lines[i - 1]) and depth:
                break
            if pattern.search(lines[i - 1]):
                return i
    return best_line


# --- cross-references and ranges --------------------------------------------------------------------


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
        if quantity.by_party is not None:
            for pid in quantity.by_party:
                ref(f"{path}.{pid}", pid, parties, "party")
            missing = [p for p in parties if p not in quantity.by_party]
            if missing:
                out.append((path, f"belief missing for party {', '.join(missing)}", "give every party a distribution"))
        for spec_path, spec in _specs_with_paths(path, quantity):
            ref(f"{spec_path}.source", spec.source, list(s.sources), "source")
            lo, hi = UNIT_BOUNDS[unit]
            a, b = support(spec)
            if a < lo - 1e-12 or b > hi + 1e-12:
                what = {"probability": "a probability in [0, 1]", "share": "a share in [0, 1]",
                        "money": "a non-negative amount of money", "nonnegative": "a non-negative number",
                        "rate": "a rate above -0.99"}.get(unit, f"a value in [{lo}, {hi}]")
                out.append((spec_path, f"expected {what}, but values range over [{a:.4g}, {b:.4g}]", None))
            if unit == "year" and math.isfinite(a) and not (s.time.start - 50 <= a and b <= s.time.horizon + 200):
                out.append((spec_path, f"expected calendar years near the grid {s.time.start}–{s.time.horizon}", None))

    ref("meta.status_quo", s.meta.status_quo, list(s.packages), "package")
    if s.world.funding is not None:
        ref("world.funding.party", s.world.funding.party, parties, "party")
        _check_date(out, s, "world.funding.deadline", s.world.funding.deadline)
    for name, trig in s.triggers.items():
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
            try:
                base_ids = [t.id for t in resolve_terms(s, package.base, (pid,))]
            except ValueError as exc:
                out.append((f"{prefix}.base", str(exc).split(": ", 1)[-1], None))
                base_ids = []
            for dropped in package.drop:
                ref(f"{prefix}.drop", dropped, base_ids, "term")
        ids = [t.id for t in package.terms]
        for dup in {i for i in ids if ids.count(i) > 1}:
            out.append((f"{prefix}.terms.{dup}", "duplicate term id", "give each term a unique id"))
    all_terms = [("common_terms", t) for t in s.common_terms] + [
        (f"packages.{pid}.terms", t) for pid, p in s.packages.items() for t in p.terms]
    for prefix, term in all_terms:
        _check_term(out, s, f"{prefix}.{term.id}", term, ref)
    return out


def _check_term(out: list, s: Scenario, path: str, term: TermBase, ref: Any) -> None:
    parties = list(s.parties)
    ref(f"{path}.payer", term.payer, parties, "party")
    ref(f"{path}.payee", term.payee, parties, "party")
    if term.payer is not None and term.payer == term.payee:
        out.append((f"{path}.payee", "payer and payee are the same party", None))
    for trig in sorted(term.triggers()):
        field = next((k for k, v in term if v == trig), "until")
        ref(f"{path}.{field}", trig, list(s.triggers), "trigger")
    resource = getattr(term, "resource", None)
    if resource is not None:
        ref(f"{path}.resource", resource, list(s.world.resources), "resource")
        regime = getattr(term, "regime", None)
        if regime is not None and resource in s.world.resources:
            ref(f"{path}.regime", regime, list(s.world.resources[resource].holder_share), "regime")
    if getattr(term, "kind", "") == "ip_access" and s.world.ip is None:
        out.append((path, "an ip_access term needs a [world.ip] table", "add world.ip with its three shares"))
    for child in term.children():
        _check_term(out, s, f"{path}.members.{child.id}", child, ref)
        if child.payer != term.payer or child.payee != term.payee:
            out.append((f"{path}.members.{child.id}", "members of a capped term must have its payer and payee", None))
    for key in getattr(term, "count_probability", {}) or {}:
        ref(f"{path}.count_probability.{key}", key, [c.id for c in term.children()], "member")


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
            unit = extra.get("unit")
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
