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

Exact arithmetic.  Every number in the files is a decimal, so every utility is a
rational number: ``W_i = w_i / sum_j w_j`` and ``e_i(v) = eval_i(v) / max_x eval_i(x)``
are read as :class:`fractions.Fraction` (the integer evaluator likewise), and
with ``D`` the least common multiple of the denominators of all ``W_i e_i(v)``,
``u(w) = N(w) / D`` with the integer ``N(w) = sum_i D W_i e_i(w_i)``
(:func:`exact_utilities`).  Floating-point sums of the same terms can differ by an
ulp between outcomes whose utilities are equal, which leaves spurious points on a
Pareto frontier; :func:`utilities` therefore returns ``N / D`` rounded to the
nearest double, and where distinct exact values would round to the same double
it spreads them over consecutive doubles in exact order.  Float comparisons of
the returned utilities then agree with exact ones (equal exactly ⇔ equal as
doubles, ``<`` likewise), so every dominance test downstream is exact, and each
utility is within a few ulps of its exact value.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["ExactUtilities", "GeniusDomain", "GeniusFormatError", "GeniusProfile", "exact_utilities", "load_genius",
           "outcome", "utilities"]

Value = str | int

_EVALUATION_FLOOR = Fraction(1, 100_000)
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
        exact_weights, exact_evaluations: the same as exact rationals, read from
            the files' decimals (module docstring).
    """

    name: str
    weights: tuple[float, ...]
    evaluations: tuple[tuple[float, ...], ...]
    reservation_value: float
    discount_factor: float
    exact_weights: tuple[Fraction, ...] = field(default=(), compare=False, repr=False)
    exact_evaluations: tuple[tuple[Fraction, ...], ...] = field(default=(), compare=False, repr=False)


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


def _exact(text: str, what: str, path: Path) -> Fraction:
    """A finite decimal (or integer) of the file as an exact rational."""
    _number(text, what, path)  # the same checks and messages as for floats
    try:
        return Fraction(text.strip())
    except ValueError:  # a spelling float() reads but Fraction() does not, e.g. "1_0"
        return Fraction(float(text))


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


def _discrete_evaluations(element: ET.Element, issue: _Issue, path: Path) -> tuple[Fraction, ...]:
    raw: dict[Value, Fraction] = {}
    for item in element.iter("item"):
        label = _attribute(item, "value", path)
        what = f"evaluation of '{label}' in issue '{issue.name}'"
        raw[label] = _exact(_attribute(item, "evaluation", path), what, path)
        if raw[label] < 0:
            raise GeniusFormatError(f"{path}: {what} should be >= 0, got {float(raw[label])}")
    missing = [v for v in issue.values if v not in raw]
    unknown = [v for v in raw if v not in issue.values]
    if missing or unknown:
        raise GeniusFormatError(
            f"{path}: values of issue '{issue.name}' do not match the domain "
            f"(missing: {missing}, not in domain: {unknown})"
        )
    top = max(raw.values())
    if top < _EVALUATION_FLOOR:
        return tuple(Fraction(0) for _ in issue.values)
    return tuple(raw[v] / top for v in issue.values)


def _integer_evaluations(element: ET.Element, issue: _Issue, path: Path) -> tuple[Fraction, ...]:
    evaluator = element.find("evaluator")
    if evaluator is None:
        raise GeniusFormatError(f"{path}: integer issue '{issue.name}' has no <evaluator slope= offset=>")
    slope = _exact(_attribute(evaluator, "slope", path), f"slope of '{issue.name}'", path)
    offset = _exact(_attribute(evaluator, "offset", path), f"offset of '{issue.name}'", path)
    lower = _integer(element.get("lowerbound", str(issue.values[0])), f"lowerbound of '{issue.name}'", path)
    return tuple(min(max(offset + slope * (int(v) - lower), Fraction(0)), Fraction(1)) for v in issue.values)


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
    weights: dict[int, Fraction] = {}
    for element in space.iter("weight"):
        index = _integer(_attribute(element, "index", path), "weight index", path)
        weights[index] = _exact(_attribute(element, "value", path), f"weight of issue index {index}", path)
    objectives = {_integer(o.get("index", "-1"), "objective index", path) for o in space.iter("objective")}
    extra = sorted(set(elements) - {i.index for i in issues})
    stray = sorted(set(weights) - {i.index for i in issues} - objectives)
    if extra or stray:
        raise GeniusFormatError(f"{path}: issue indices {extra or stray} are not in the domain")

    evaluations: list[tuple[Fraction, ...]] = []
    issue_weights: list[Fraction] = []
    for issue in issues:
        found = elements.get(issue.index)
        if found is None:
            raise GeniusFormatError(
                f"{path}: no <issue index=\"{issue.index}\"> for domain issue '{issue.name}'"
            )
        element = found
        if element.get("name") != issue.name:
            raise GeniusFormatError(
                f"{path}: issue index {issue.index} is named {element.get('name')!r}, domain says {issue.name!r}"
            )
        if issue.index not in weights:
            raise GeniusFormatError(f"{path}: no <weight index=\"{issue.index}\"> for issue '{issue.name}'")
        if weights[issue.index] < 0:
            raise GeniusFormatError(f"{path}: weight of issue '{issue.name}' should be >= 0")
        issue_weights.append(weights[issue.index])
        parse = _discrete_evaluations if issue.kind == "discrete" else _integer_evaluations
        evaluations.append(parse(element, issue, path))
    total = sum(issue_weights, Fraction(0))
    if total <= 0:
        raise GeniusFormatError(f"{path}: issue weights sum to {float(total)}; expected a positive sum")
    exact_weights = tuple(w / total for w in issue_weights)
    return GeniusProfile(
        name=path.stem,
        weights=tuple(float(w) for w in exact_weights),
        evaluations=tuple(tuple(float(e) for e in table) for table in evaluations),
        reservation_value=_scalar(space, "reservation", 0.0, path),
        discount_factor=_scalar(space, "discount_factor", 1.0, path),
        exact_weights=exact_weights,
        exact_evaluations=tuple(evaluations),
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


@dataclass(frozen=True)
class ExactUtilities:
    """One party's utilities as exact rationals: ``u[k] = numerators[k] / denominator``.

    ``numerators`` is an object array of Python integers, one per outcome (C order).
    """

    numerators: NDArray[np.object_]
    denominator: int

    def value(self, index: int) -> Fraction:
        """The exact utility of outcome ``index``."""
        return Fraction(int(self.numerators[index]), self.denominator)

    def as_float(self) -> NDArray[np.float64]:
        """Doubles in the exact order: ``N / D`` rounded to nearest, except that distinct values
        rounding to the same double are spread over the next doubles up (module docstring)."""
        distinct, inverse = np.unique(self.numerators, return_inverse=True)
        rounded = np.array([int(n) / self.denominator for n in distinct], dtype=np.float64)  # int / int: correctly rounded
        if rounded.size > 1 and not (rounded[1:] > rounded[:-1]).all():
            for i in range(1, rounded.size):
                if rounded[i] <= rounded[i - 1]:
                    rounded[i] = np.nextafter(rounded[i - 1], np.inf)
        return rounded[inverse.reshape(-1)]


def _profile_exact(profile: GeniusProfile, shape: tuple[int, ...]) -> ExactUtilities:
    terms = [[w * e for e in table] for w, table in zip(profile.exact_weights, profile.exact_evaluations, strict=True)]
    denominator = math.lcm(*(t.denominator for row in terms for t in row))
    total = np.zeros(shape, dtype=object)
    for axis, row in enumerate(terms):
        view = [1] * len(shape)
        view[axis] = -1
        total = total + np.array([int(t * denominator) for t in row], dtype=object).reshape(view)
    return ExactUtilities(total.reshape(-1), denominator)


def exact_utilities(domain: GeniusDomain) -> tuple[ExactUtilities, ExactUtilities]:
    """Both parties' utilities of every outcome as exact rationals (module docstring).

    Built by broadcasting each issue's integer table (``D W_i e_i``) over the outcome grid.
    """
    a, b = domain.profiles
    return _profile_exact(a, domain.shape), _profile_exact(b, domain.shape)


def utilities(domain: GeniusDomain) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Utilities ``(u_a, u_b)`` of every outcome, each of shape ``(n_outcomes,)``.

    The exact rationals as doubles that compare as the rationals do
    (:meth:`ExactUtilities.as_float`), so that Pareto dominance on them is exact.
    """
    a, b = exact_utilities(domain)
    return a.as_float(), b.as_float()


def outcome(domain: GeniusDomain, index: int) -> dict[str, Value]:
    """The issue values of outcome number ``index`` (C order over issues)."""
    if isinstance(index, bool) or int(index) != index or not 0 <= index < domain.n_outcomes:
        raise ValueError(f"expected an outcome index in [0, {domain.n_outcomes}), got {index!r}")
    position = np.unravel_index(int(index), domain.shape)
    return {
        name: values[int(k)] for name, values, k in zip(domain.issues, domain.values, position, strict=True)
    }
