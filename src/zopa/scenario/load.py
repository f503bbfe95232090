"""Load a scenario file: TOML → validated, immutable :class:`Scenario`, or every problem at once.

Each problem names the file, the TOML path (``parties.microsoft.discount_rate``), the line where it
can be found, and a "did you mean" for misspellings.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import re
import tomllib
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from zopa.beliefs import Distribution, Quantity
from zopa.scenario.errors import Problem, ScenarioError
from zopa.scenario.lines import find_line, path_at_line
from zopa.scenario.references import check_references
from zopa.scenario.schema import Scenario
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
        message = "is not UTF-8 text (a binary file?); expected a TOML scenario"
        raise ScenarioError([Problem(name, "", message)]) from None
    return parse_scenario(text, name)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate TOML ``text`` as a scenario; ``file`` is used in messages."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write
    if not text.strip():
        raise ScenarioError([Problem(file, "", "is empty", suggestion="run `zopa new FILE` for a template")])
    if "\x00" in text:
        raise ScenarioError([Problem(file, "", "contains NUL bytes (a binary file?); expected a TOML scenario")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([_toml_problem(file, text, exc)]) from None
    except RecursionError:
        raise ScenarioError([Problem(file, "", "is nested too deeply to be a scenario")]) from None
    # TOML values are typed: a quoted number or date is a mistake, not something to convert.
    return validate_data(data, file, text, strict=True)


def validate_data(data: dict[str, Any], file: str = "<scenario>", text: str = "", *, strict: bool = False) -> Scenario:
    """Validate an already-parsed TOML document. ``strict``: refuse strings where numbers, dates or
    booleans are expected instead of converting them."""
    data = _with_term_keys(copy.deepcopy(data))
    try:
        scenario = Scenario.model_validate(data, strict=strict, context={"strict": strict})
    except ValidationError as exc:
        problems = _problems_from_pydantic(exc, data, file, text)
        seen = {p.path for p in problems}
        problems += [p for p in _raw_source_problems(data, file, text) if p.path not in seen]
        raise ScenarioError(problems) from None
    problems = [
        Problem(file, path, message, find_line(text, path), suggestion)
        for path, message, suggestion in dict.fromkeys(check_references(scenario))
    ]
    if problems:
        raise ScenarioError(problems)
    return scenario


def _raw_source_problems(data: dict[str, Any], file: str, text: str) -> list[Problem]:
    """Undefined source keys, found on the raw document so that they are reported together with
    schema problems (the full cross-reference checks need a valid document)."""
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return []
    known = list(sources)
    out: list[Problem] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            name = node.get("source")
            if isinstance(name, str) and name not in sources and path != "sources" and not path.startswith("sources."):
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
                where = f"{path}.source" if path else "source"
                out.append(Problem(file, where, f"undefined source {name!r}", find_line(text, where),
                                   f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(known) or 'none'}"))
            for key, value in node.items():
                if key != "sources" or path:
                    walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                label = item.get("id", item.get("name", i)) if isinstance(item, dict) else i
                walk(item, f"{path}.{label}" if not isinstance(label, int) else f"{path}[{label}]")

    walk(data, "")
    return out


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
    errors = [(err, *_clean_loc(err["loc"], data, missing=err["type"] == "missing")) for err in exc.errors()]
    absent: dict[tuple[Any, ...], list[str]] = {}  # required keys missing from each table
    unknown: dict[tuple[Any, ...], list[str]] = {}  # unknown keys in each table
    for err, loc, _ in errors:
        if err["type"] in ("missing", "extra_forbidden") and loc:
            (absent if err["type"] == "missing" else unknown).setdefault(loc[:-1], []).append(str(loc[-1]))
    found: list[tuple[str, str, str | None]] = []
    replaced: set[str] = set()  # required keys that a misspelt key was meant to be: reported once, there
    for err, loc, node in errors:
        loc, message, suggestion = _describe(err, loc, node, data)
        if err["type"] == "extra_forbidden" and loc:
            parent, key = loc[:-1], str(loc[-1])
            meant = re.fullmatch(r"did you mean '(.*)'\?", suggestion or "")
            if meant:
                target = meant.group(1)
            else:  # a key too short to look alike, in a table that lacks exactly one required key
                left = absent.get(parent, [])
                close = difflib.get_close_matches(key, left, n=1, cutoff=0.4)
                target = close[0] if close else (left[0] if len(left) == len(unknown[parent]) == 1 else "")
                suggestion = f"did you mean '{target}'?" if target else suggestion
            if target:
                replaced.add(_format_path(parent + (target,)))
        found.append((_format_path(loc), message, suggestion))
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for path, message, suggestion in _merge_alternatives(found):
        if (path, message) in seen or (message == "missing required field" and path in replaced):
            continue
        seen.add((path, message))
        problems.append(Problem(file, path, message, find_line(text, path), suggestion))
    return problems


def _merge_alternatives(found: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    """A value that fits none of a union's types fails once per type; say it once: 'should be a valid
    string or an array, got nan'. When the value has the shape of one type (an array, a table) and
    fails inside it, the other types' complaints about its shape are left out."""
    pattern = re.compile(r"should be (.*?)(, got .*)?")
    paths = [path for path, _, _ in found]
    merged: dict[str, int] = {}
    out: list[tuple[str, str, str | None]] = []
    for path, message, suggestion in found:
        match = pattern.fullmatch(message)
        if match and re.search(r", got an? (empty )?(array|table)$", message) and any(
                p != path and (p.startswith(path + ".") or p.startswith(path + "[")) for p in paths):
            continue
        if match and path in merged:
            i = merged[path]
            first = pattern.fullmatch(out[i][1])
            assert first is not None
            message = f"should be {first.group(1)} or {match.group(1)}{first.group(2) or ''}"
            out[i] = (path, message, out[i][2] or suggestion)
            continue
        if match:
            merged[path] = len(out)
        out.append((path, message, suggestion))
    return out


def _describe(
    err: Any, loc: tuple[Any, ...], node: Any, data: dict[str, Any]
) -> tuple[tuple[Any, ...], str, str | None]:
    """One pydantic error as (location, message, suggestion), in the words of a scenario file."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        options = _keys_of(_type_at(loc[:-1], data))
        return loc, "unknown key", _did_you_mean(key, options) or (
            f"allowed: {', '.join(sorted(options))}" if options else None)
    if kind == "missing":
        return loc, "missing required field", None
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        field = str(ctx.get("discriminator", "'kind'")).strip("'")
        union = _type_at(loc, data)
        options = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))) or sorted(
            {t for m in _members(union) for t in _tags(m)})
        expected = f"expected one of: {', '.join(options)}" if options else None
        if kind == "union_tag_invalid":
            tag = node.get(field) if isinstance(node, dict) else ctx.get("tag", "?")
            message = f"unknown {field} {_toml_repr(tag)}" if isinstance(tag, str) else (
                f"expected a {field} name, got {_toml_repr(tag)}")
            return loc + (field,), message, _did_you_mean(str(tag), options, 0.5) or expected
        return loc + (field,), f"missing {field!r}", _misspelt_key_hint(node, _keys_of(union)) or expected
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        message = f"expected one of {', '.join(_toml_repr(o) for o in options)}, got {_toml_repr(value)}"
        return loc, message, _did_you_mean(str(value), options, 0.5)
    message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error"):
        # A check of a whole table: point at the key its message names first, when there is one.
        if isinstance(node, dict):
            named = [(m.start(), k) for k in node if isinstance(k, str)
                     if (m := re.search(rf"(?<![\w.]){re.escape(k)}(?!\w)", message))]
            if named:
                loc = loc + (min(named)[1],)
        return loc, message, None
    message = _PLAIN.get(kind, message).removeprefix("Input ")
    if "input" in err:
        message += f", got {_toml_repr(value)}"
    return loc, message, _unquote_hint(value) if kind.endswith("_type") else None


#: Pydantic messages for which TOML has plainer words.
_PLAIN = {
    "model_type": "should be a table",
    "model_attributes_type": "should be a table",
    "dict_type": "should be a table",
    "list_type": "should be an array",
}


def _did_you_mean(word: str, options: list[str], cutoff: float = 0.6) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else None


def _misspelt_key_hint(node: Any, options: list[str]) -> str | None:
    """For a table without its tag: a key that looks like a misspelling of an allowed one."""
    if not isinstance(node, dict) or not options:
        return None
    for key in node:
        if key not in options and (close := difflib.get_close_matches(str(key), options, n=1, cutoff=0.6)):
            return f"did you mean '{close[0]}' instead of '{key}'?"
    return None


def _unquote_hint(value: Any) -> str | None:
    """A quoted number, date or boolean: say to write it bare."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        float(text)
    except ValueError:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            if text not in ("true", "false"):
                return None
    return f"write it without quotes: {text}"


def _tag_of(node: Any) -> str | None:
    """The union tag of a table: its ``kind``, or its ``dist`` (``fixed`` when it only has a ``value``)."""
    if not isinstance(node, dict):
        return None
    if "kind" in node:
        return str(node["kind"])
    if "dist" in node:
        return str(node["dist"])
    return "fixed" if "value" in node else None


#: Segments pydantic adds to a location: validators and members of a plain union ("list[str]", "str").
_INTERNAL = re.compile(r"[\w-]+\[.*\]")
_TYPE_NAME = re.compile(r"str|int|float|bool|bytes|list|dict|tuple|set|frozenset|date|datetime|none|literal")


def _clean_loc(loc: tuple[Any, ...], data: Any, missing: bool = False) -> tuple[tuple[Any, ...], Any]:
    """Map pydantic's location onto the file: drop internal segments (``shared``/``by_party``, union
    tags and members, validator names) and name list items by their ``id``. ``missing``: the location
    ends in a key that is absent. Returns the location and its node (``None`` where absent)."""
    out: list[Any] = []
    node = data
    tag_skipped = False
    for i, part in enumerate(loc):
        if isinstance(part, str):
            if not tag_skipped and part == _tag_of(node):
                tag_skipped = True
                continue
            if not (isinstance(node, dict) and part in node):
                absent_key = missing and i == len(loc) - 1
                if isinstance(node, dict) and part in ("shared", "by_party") or _INTERNAL.fullmatch(part):
                    continue
                if not absent_key and (_TYPE_NAME.fullmatch(part) or node is not None and not isinstance(node, dict)):
                    continue
        if isinstance(node, list) and isinstance(part, int):
            item = node[part] if 0 <= part < len(node) else None
            out.append(item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else part)
            node = item
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
        tag_skipped = False
    return tuple(out), node


def _format_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _type_at(loc: tuple[Any, ...], data: dict[str, Any]) -> Any:
    """The schema type of the table at a (clean) location, following the data through unions."""
    tp: Any = Scenario
    node: Any = data
    for part in loc:
        tp = _concrete(tp, node)
        if isinstance(node, list):
            node = next((x for x in node if isinstance(x, dict) and x.get("id") == part), None) if isinstance(
                part, str) else (node[part] if isinstance(part, int) and 0 <= part < len(node) else None)
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = _field(tp, part)
            tp = field.annotation if field is not None else None
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        else:
            return None
    return _concrete(tp, node)


def _concrete(tp: Any, node: Any) -> Any:
    """Unwrap ``Annotated`` and ``X | None``, pick a union member by the node's tag, and route a
    :class:`Quantity` to one distribution or a table of them keyed by party. An undecided union stays."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            tag = _tag_of(node)
            chosen = members if len(members) == 1 else [m for m in members if tag in _tags(m)]
            if len(chosen) != 1:
                return tp
            tp = chosen[0]
        elif tp is TermBase:
            kind = TERM_TYPES.get(_tag_of(node) or "")
            if kind is None:
                return tp
            tp = kind
        elif tp is Quantity and isinstance(node, dict):
            shared = {"dist", "value", "source", "shared", "by_party"} & node.keys()
            tp = Distribution if shared else dict[str, Distribution]
        else:
            return tp


def _tags(model: Any) -> set[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        for key in ("kind", "dist"):
            field = model.model_fields.get(key)
            if field is not None and get_origin(field.annotation) is Literal:
                return {str(a) for a in get_args(field.annotation)}
    return set()


def _field(model: type[BaseModel], name: Any) -> Any:
    fields = model.model_fields
    return fields.get(name) or next((f for f in fields.values() if f.alias == name), None)


def _keys_of(tp: Any) -> list[str]:
    """Keys a table of type ``tp`` may have (every member's, for an undecided union)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or n for n, f in tp.model_fields.items() if n != "key"]
    if get_origin(tp) in (Union, types.UnionType, Annotated):
        args = get_args(tp)[:1] if get_origin(tp) is Annotated else get_args(tp)
        return sorted({k for a in args for k in _keys_of(a)})
    return []


def _members(tp: Any) -> list[Any]:
    """The types a (possibly annotated, possibly optional) union allows."""
    if get_origin(tp) is Annotated:
        return _members(get_args(tp)[0])
    if get_origin(tp) in (Union, types.UnionType):
        return [m for a in get_args(tp) for m in _members(a)]
    return [] if tp is type(None) else [tp]


def _toml_repr(value: Any) -> str:
    """A value as it is written in TOML, shortened: 'x', 1.5, true, 2025-01-01, a table, an array."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "an empty table" if not value else "a table"
    if isinstance(value, list):
        return "an empty array" if not value else "an array"
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _toml_problem(file: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """A TOML syntax error as a problem at its line, naming the key being written there."""
    message = str(exc)
    where = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    line = int(where.group(1)) if where else None
    if where:
        message = message[: where.start()] + message[where.end():] + f" (column {where.group(2)})"
    message = re.sub(r"\(((?:'[^']*'(?:, )?)+),?\)", lambda m: ".".join(re.findall(r"'([^']*)'", m.group(1))),
                     message)
    message = message[:1].lower() + message[1:]
    path = path_at_line(text, line) if line else ""
    return Problem(file, path, f"is not valid TOML: {message}", line)


