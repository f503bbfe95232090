"""Import bilateral negotiation domains in the GENIUS / ANAC XML format.

A domain file lists the issues and their values; one utility profile per party
gives linear-additive preferences over them. Following GENIUS, the utility of an
outcome ``w`` (one value ``w_i`` per issue) is::

    u(w) = sum_i  W_i * e_i(w_i)

- ``W_i``: the issue weights, attached to issues by their ``index`` attribute and
  normalised here to sum to 1.
- discrete issue: ``e_i(v) = eval_i(v) / max_x eval_i(x)``, the item's
  ``evaluation`` divided by the highest evaluation of that issue (0 for every
  value when that maximum is below 1e-5, as in GENIUS);
- integer issue (``lowerbound`` ``L`` to ``upperbound``): ``e_i(v) = clip(offset +
  slope * (v - L), 0, 1)`` from the profile's ``<evaluator slope= offset=>``.

Utilities therefore lie in [0, 1]. The ``<reservation value=>`` (default 0) is a
utility on that scale; the ``<discount_factor value=>`` (default 1) is reported,
not applied. Real-valued issues are rejected: the outcome space must be finite.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["GeniusDomain", "GeniusFormatError", "GeniusProfile", "load_genius", "outcome", "utilities"]

Value = str | int

_EVALUATION_FLOOR = 1e-5
"""GENIUS treats an issue whose highest evaluation is below this as worth nothing."""


class GeniusFormatError(ValueError):
    """A GENIUS file is missing, is not XML, or does not fit the domain."""


@dataclass(frozen=True)
class GeniusProfile:
    """One party's linear-additive preferences, in domain issue order.

    Attributes:
        name: the party, from the profile's file stem.
        weights: issue weights, normalised to sum to 1.
        evaluations: per issue, the value utilities ``e_i(v)`` in [0, 1], in the
            domain's value order.
        reservation_value: utility of no agreement, on the [0, 1] scale.
        discount_factor: the file's per-time discount factor (1 when absent).
    """

    name: str
    weights: tuple[float, ...]
    evaluations: tuple[tuple[float, ...], ...]
    reservation_value: float
    discount_factor: float


@dataclass(frozen=True)
class GeniusDomain:
    """Issues, their values and both parties' profiles.

    Outcomes are the cartesian product of the issues' values, numbered in
    numpy's C order over issues in domain order (the last issue varies fastest).
    """

    name: str
    issues: tuple[str, ...]
    values: tuple[tuple[Value, ...], ...]
    profiles: tuple[GeniusProfile, GeniusProfile]

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values of each issue."""
        return tuple(len(v) for v in self.values)

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes (product of the issue sizes)."""
        return math.prod(self.shape)

    @property
    def parties(self) -> tuple[str, str]:
        """Party names, from the profiles' file stems."""
        return (self.profiles[0].name, self.profiles[1].name)

    @property
    def reservation_values(self) -> tuple[float, float]:
        """Both parties' reservation utilities: the disagreement point."""
        return (self.profiles[0].reservation_value, self.profiles[1].reservation_value)

    @property
    def discount_factors(self) -> tuple[float, float]:
        """Both parties' discount factors as written in their profiles."""
        return (self.profiles[0].discount_factor, self.profiles[1].discount_factor)


@dataclass(frozen=True)
class _Issue:
    index: int
    name: str
    kind: str
    values: tuple[Value, ...]


def _read_xml(path: Path) -> ET.Element:
    if not path.is_file():
        raise GeniusFormatError(f"{path}: file not found")
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as err:
        raise GeniusFormatError(f"{path}: not well-formed XML ({err})") from None
    except OSError as err:
        raise GeniusFormatError(f"{path}: cannot be read ({err.strerror})") from None


def _attribute(element: ET.Element, name: str, path: Path) -> str:
    value = element.get(name)
    if value is None:
        raise GeniusFormatError(f"{path}: <{element.tag}> has no '{name}' attribute")
    return value


def _number(text: str, what: str, path: Path) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GeniusFormatError(f"{path}: {what} should be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise GeniusFormatError(f"{path}: {what} should be finite, got {text!r}")
    return value


def _integer(text: str, what: str, path: Path) -> int:
    try:
        return int(text)
    except ValueError:
        raise GeniusFormatError(f"{path}: {what} should be an integer, got {text!r}") from None


def _issue_kind(element: ET.Element, path: Path) -> str:
    kind = (element.get("type") or element.get("etype") or element.get("vtype") or "discrete").lower()
    if kind == "real":
        raise GeniusFormatError(
            f"{path}: issue '{element.get('name')}' is real-valued; "
            "only discrete and integer issues are supported"
        )
    if kind not in ("discrete", "integer"):
        raise GeniusFormatError(f"{path}: issue '{element.get('name')}' has unknown type {kind!r}")
    return kind


def _parse_domain(path: Path) -> list[_Issue]:
    root = _read_xml(path)
    issues: list[_Issue] = []
    for element in root.iter("issue"):
        name = _attribute(element, "name", path)
        index = _integer(_attribute(element, "index", path), f"index of issue '{name}'", path)
        kind = _issue_kind(element, path)
        values: tuple[Value, ...]
        if kind == "discrete":
            values = tuple(_attribute(item, "value", path) for item in element.iter("item"))
        else:
            lower = _integer(_attribute(element, "lowerbound", path), f"lowerbound of '{name}'", path)
            upper = _integer(_attribute(element, "upperbound", path), f"upperbound of '{name}'", path)
            values = tuple(range(lower, upper + 1))
        if not values:
            raise GeniusFormatError(f"{path}: issue '{name}' has no values")
        if len(set(values)) != len(values):
            raise GeniusFormatError(f"{path}: issue '{name}' lists a value twice")
        issues.append(_Issue(index, name, kind, values))
    if not issues:
        raise GeniusFormatError(f"{path}: no <issue> elements; expected a GENIUS domain file")
    for attr in ("index", "name"):
        keys = [getattr(issue, attr) for issue in issues]
        if len(set(keys)) != len(keys):
            raise GeniusFormatError(f"{path}: two issues share the same {attr}")
    return issues


def _discrete_evaluations(element: ET.Element, issue: _Issue, path: Path) -> tuple[float, ...]:
    raw: dict[Value, float] = {}
    for item in element.iter("item"):
        label = _attribute(item, "value", path)
        what = f"evaluation of '{label}' in issue '{issue.name}'"
        raw[label] = _number(_attribute(item, "evaluation", path), what, path)
        if raw[label] < 0.0:
            raise GeniusFormatError(f"{path}: {what} should be >= 0, got {raw[label]}")
    missing = [v for v in issue.values if v not in raw]
    unknown = [v for v in raw if v not in issue.values]
    if missing or unknown:
        raise GeniusFormatError(
            f"{path}: values of issue '{issue.name}' do not match the domain "
            f"(missing: {missing}, not in domain: {unknown})"
        )
    top = max(raw.values())
    if top < _EVALUATION_FLOOR:
        return tuple(0.0 for _ in issue.values)
    return tuple(raw[v] / top for v in issue.values)


def _integer_evaluations(element: ET.Element, issue: _Issue, path: Path) -> tuple[float, ...]:
    evaluator = element.find("evaluator")
    if evaluator is None:
        raise GeniusFormatError(f"{path}: integer issue '{issue.name}' has no <evaluator slope= offset=>")
    slope = _number(_attribute(evaluator, "slope", path), f"slope of '{issue.name}'", path)
    offset = _number(_attribute(evaluator, "offset", path), f"offset of '{issue.name}'", path)
    lower = _integer(element.get("lowerbound", str(issue.values[0])), f"lowerbound of '{issue.name}'", path)
    points = np.asarray(issue.values, dtype=np.float64)
    return tuple(float(x) for x in np.clip(offset + slope * (points - lower), 0.0, 1.0))


def _scalar(space: ET.Element, tag: str, default: float, path: Path) -> float:
    element = space.find(f".//{tag}")
    if element is None:
        return default
    return _number(_attribute(element, "value", path), f"<{tag}> value", path)


def _parse_profile(path: Path, issues: list[_Issue]) -> GeniusProfile:
    root = _read_xml(path)
    space = root if root.tag == "utility_space" else root.find(".//utility_space")
    if space is None:
        raise GeniusFormatError(f"{path}: no <utility_space> element; expected a GENIUS utility profile")
    elements: dict[int, ET.Element] = {}
    for element in space.iter("issue"):
        elements[_integer(_attribute(element, "index", path), "issue index", path)] = element
    weights: dict[int, float] = {}
    for element in space.iter("weight"):
        index = _integer(_attribute(element, "index", path), "weight index", path)
        weights[index] = _number(_attribute(element, "value", path), f"weight of issue index {index}", path)
    objectives = {_integer(o.get("index", "-1"), "objective index", path) for o in space.iter("objective")}
    extra = sorted(set(elements) - {i.index for i in issues})
    stray = sorted(set(weights) - {i.index for i in issues} - objectives)
    if extra or stray:
        raise GeniusFormatError(f"{path}: issue indices {extra or stray} are not in the domain")

    evaluations: list[tuple[float, ...]] = []
    issue_weights: list[float] = []
    for issue in issues:
        element = elements.get(issue.index)
        if element is None:
            raise GeniusFormatError(
                f"{path}: no <issue index=\"{issue.index}\"> for domain issue '{issue.name}'"
            )
        if element.get("name") != issue.name:
            raise GeniusFormatError(
                f"{path}: issue index {issue.index} is named {element.get('name')!r}, domain says {issue.name!r}"
            )
        if issue.index not in weights:
            raise GeniusFormatError(f"{path}: no <weight index=\"{issue.index}\"> for issue '{issue.name}'")
        if weights[issue.index] < 0.0:
            raise GeniusFormatError(f"{path}: weight of issue '{issue.name}' should be >= 0")
        issue_weights.append(weights[issue.index])
        parse = _discrete_evaluations if issue.kind == "discrete" else _integer_evaluations
        evaluations.append(parse(element, issue, path))
    total = sum(issue_weights)
    if total <= 0.0:
        raise GeniusFormatError(f"{path}: issue weights sum to {total}; expected a positive sum")
    return GeniusProfile(
        name=path.stem,
        weights=tuple(w / total for w in issue_weights),
        evaluations=tuple(evaluations),
        reservation_value=_scalar(space, "reservation", 0.0, path),
        discount_factor=_scalar(space, "discount_factor", 1.0, path),
    )


def load_genius(
    domain_path: str | Path, profile_a_path: str | Path, profile_b_path: str | Path
) -> GeniusDomain:
    """Read a GENIUS domain file and the two parties' utility profiles.

    Raises `GeniusFormatError` naming the file and the problem when a file is
    missing, is not XML, or a profile does not match the domain's issues/values.
    """
    domain_path = Path(domain_path)
    issues = _parse_domain(domain_path)
    profiles = (
        _parse_profile(Path(profile_a_path), issues),
        _parse_profile(Path(profile_b_path), issues),
    )
    return GeniusDomain(
        name=domain_path.stem,
        issues=tuple(issue.name for issue in issues),
        values=tuple(issue.values for issue in issues),
        profiles=profiles,
    )


def _profile_utilities(profile: GeniusProfile, shape: tuple[int, ...]) -> NDArray[np.float64]:
    total = np.zeros(shape)
    for axis, (weight, table) in enumerate(zip(profile.weights, profile.evaluations, strict=True)):
        view = [1] * len(shape)
        view[axis] = -1
        total = total + weight * np.asarray(table).reshape(view)
    return total.ravel()


def utilities(domain: GeniusDomain) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Utilities ``(u_a, u_b)`` of every outcome, each of shape ``(n_outcomes,)``.

    Built by broadcasting each issue's weighted table over the outcome grid.
    """
    a, b = domain.profiles
    return _profile_utilities(a, domain.shape), _profile_utilities(b, domain.shape)


def outcome(domain: GeniusDomain, index: int) -> dict[str, Value]:
    """The issue values of outcome number ``index`` (C order over issues)."""
    if isinstance(index, bool) or int(index) != index or not 0 <= index < domain.n_outcomes:
        raise ValueError(f"expected an outcome index in [0, {domain.n_outcomes}), got {index!r}")
    position = np.unravel_index(int(index), domain.shape)
    return {
        name: values[int(k)] for name, values, k in zip(domain.issues, domain.values, position, strict=True)
    }
