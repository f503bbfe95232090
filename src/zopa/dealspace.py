"""The deal space: negotiable issues, their options, and the terms each choice puts in a package.

A scenario's ``[deal_space]`` names issues with discrete options (``values``) or gridded continuous
ranges (``range = {low, high, steps}``). Packages are the cartesian product of the options, minus
excluded combinations. What a choice *means* is written as term templates:

* a quantity field may read an issue's value: ``stake = { issue = "stake", source = "ft_2025_06" }``;
* a string field may name one: ``until = "$revenue_share_end"`` (the option's value, e.g. a trigger);
* an option may add terms of its own: ``[[deal_space.issues.cloud.terms.none]]`` (none = no terms).

Each template depends on the few issues it mentions, so it is materialised once per combination of
*those* issues' options: a handful of concrete terms. A package's value is then the sum, over
templates, of the column for its combination (the basis decomposition in :mod:`zopa.basis`).
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from zopa.terms import AnyTerm, TermBase

_PLACEHOLDER = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")
_TERM = TypeAdapter(AnyTerm)


class GridRange(BaseModel):
    """``steps`` evenly spaced values from ``low`` to ``high`` inclusive."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float
    high: float
    steps: int = Field(ge=2, le=100_000)

    @model_validator(mode="after")
    def _ordered(self) -> "GridRange":
        if not self.low < self.high:
            raise ValueError(f"expected low < high, got low={self.low}, high={self.high}")
        return self

    def values(self) -> list[float]:
        return [float(v) for v in np.linspace(self.low, self.high, self.steps)]


class Issue(BaseModel):
    """A negotiable issue: discrete ``values`` (numbers or names) or a gridded ``range``, optional
    display ``labels``, and per-value lists of extra ``terms``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = ""
    values: list[float | str] | None = None
    range: GridRange | None = None
    labels: list[str] | None = None
    display: Literal["number", "percent"] = Field("number", description="how numeric options are shown")
    source: str | None = None
    terms: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> "Issue":
        if (self.values is None) == (self.range is None):
            raise ValueError("give either values = [...] or range = { low, high, steps }")
        if self.values is not None and len(self.values) == 0:
            raise ValueError("expected at least one value")
        if self.labels is not None and len(self.labels) != len(self.options):
            raise ValueError(f"expected {len(self.options)} labels, got {len(self.labels)}")
        unknown = [k for k in self.terms if k not in {str(v) for v in self.options}]
        if unknown:
            raise ValueError(f"terms given for unknown value(s) {', '.join(unknown)}")
        return self

    @property
    def options(self) -> list[float | str]:
        if self.values is not None:
            return list(self.values)
        assert self.range is not None  # one of the two, checked by the validator
        return list(self.range.values())

    def option_label(self, i: int) -> str:
        if self.labels is not None:
            return self.labels[i]
        v = self.options[i]
        if isinstance(v, float):
            return f"{v:.0%}" if self.display == "percent" else f"{v:g}"
        return str(v)


class DealSpace(BaseModel):
    """Issues, term templates and excluded combinations; packages start from ``base``'s terms minus
    ``drop`` (and the common terms) and add what the issues' choices put in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = "Deal space"
    base: str | None = None
    drop: list[str] = Field(default_factory=list)
    restructured: bool = True
    issues: dict[str, Issue] = Field(min_length=1)
    terms: list[dict[str, Any]] = Field(default_factory=list)
    exclude: list[dict[str, float | str]] = Field(default_factory=list)
    outside_options: dict[str, list[str]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    """One term template and the issues it reads. ``gate`` = (issue, value) for an option's own terms."""

    raw: dict[str, Any]
    key: str
    issues: tuple[str, ...]
    gate: tuple[str, str] | None = None

    @property
    def id(self) -> str:
        return str(self.raw.get("id", self.key))


@dataclass(frozen=True)
class Column:
    """A concrete term for one combination of its template's issues (``None``: the template does not
    apply to that combination, e.g. an option's terms when another option is chosen)."""

    template: int
    combo: tuple[int, ...]
    term: TermBase | None


@dataclass(frozen=True)
class ExpandedSpace:
    """Everything the basis needs: issues in order, templates, their columns and the packages."""

    space: DealSpace
    issue_ids: tuple[str, ...]
    templates: tuple[Template, ...]
    columns: tuple[Column, ...]
    template_columns: tuple[np.ndarray, ...]  # per template: column index by mixed-radix combo index
    choices: np.ndarray  # (K, n_issues) option index of each package

    @property
    def n_packages(self) -> int:
        return int(self.choices.shape[0])

    def sizes(self) -> list[int]:
        return [len(self.space.issues[i].options) for i in self.issue_ids]

    def column_index(self, choices: np.ndarray) -> np.ndarray:
        """``(K, n_templates)`` basis column of each template for packages given by option indices."""
        out = np.empty((choices.shape[0], len(self.templates)), dtype=np.int64)
        sizes = self.sizes()
        pos = {issue: j for j, issue in enumerate(self.issue_ids)}
        for t, template in enumerate(self.templates):  # a few templates; vectorised over packages
            flat = np.zeros(choices.shape[0], dtype=np.int64)
            for issue in template.issues:
                flat = flat * sizes[pos[issue]] + choices[:, pos[issue]]
            out[:, t] = self.template_columns[t][flat]
        return out

    def describe(self, k: int) -> dict[str, str]:
        """The options of package ``k``, by issue id."""
        return {issue: self.space.issues[issue].option_label(int(i)) for issue, i in zip(self.issue_ids, self.choices[k])}

    def package_name(self, k: int) -> str:
        return ", ".join(f"{self.space.issues[i].label or i}: {v}" for i, v in self.describe(k).items())


def referenced_issues(raw: Any) -> set[str]:
    """Issue ids a raw template mentions via ``{ issue = ... }`` or ``"$issue"``."""
    found: set[str] = set()
    if isinstance(raw, dict):
        if "issue" in raw and isinstance(raw["issue"], str):
            found.add(raw["issue"])
        for v in raw.values():
            found |= referenced_issues(v)
    elif isinstance(raw, list):
        for v in raw:
            found |= referenced_issues(v)
    elif isinstance(raw, str):
        match = _PLACEHOLDER.match(raw)
        if match:
            found.add(match.group(1))
    return found


def substitute(raw: Any, values: dict[str, float | str]) -> Any:
    """Replace issue references by the chosen values (a quantity becomes a fixed value)."""
    if isinstance(raw, dict):
        if "issue" in raw and isinstance(raw["issue"], str) and raw["issue"] in values:
            rest = {k: v for k, v in raw.items() if k != "issue"}
            return {"value": values[raw["issue"]], **rest}
        return {k: substitute(v, values) for k, v in raw.items()}
    if isinstance(raw, list):
        return [substitute(v, values) for v in raw]
    if isinstance(raw, str):
        match = _PLACEHOLDER.match(raw)
        if match and match.group(1) in values:
            return values[match.group(1)]
    return raw


def templates_of(space: DealSpace) -> list[Template]:
    """All templates: the global ones, then each option's own terms (gated by that option)."""
    out = [Template(raw, f"deal_space.terms.{raw.get('id', i)}", tuple(sorted(referenced_issues(raw))))
           for i, raw in enumerate(space.terms)]
    for issue_id, issue in space.issues.items():
        for value, terms in issue.terms.items():
            for i, raw in enumerate(terms):
                deps = tuple(sorted(referenced_issues(raw) | {issue_id}))
                out.append(Template(raw, f"deal_space.issues.{issue_id}.terms.{value}.{raw.get('id', i)}", deps,
                                    (issue_id, value)))
    return out


def expand(space: DealSpace) -> ExpandedSpace:
    """Materialise every template for every combination of its issues, and enumerate the packages.

    Raises ``ValueError`` naming the template and combination when a substituted term is invalid.
    """
    issue_ids = tuple(space.issues)
    unknown = sorted({i for t in templates_of(space) for i in t.issues} - set(issue_ids))
    if unknown:
        raise ValueError(f"deal_space: templates refer to undefined issue(s) {', '.join(unknown)}")
    templates = templates_of(space)
    columns: list[Column] = []
    template_columns: list[np.ndarray] = []
    for t, template in enumerate(templates):
        ranges = [range(len(space.issues[i].options)) for i in template.issues]
        index = []
        for combo in itertools.product(*ranges):
            values = {issue: space.issues[issue].options[j] for issue, j in zip(template.issues, combo)}
            term = None
            if template.gate is None or str(values[template.gate[0]]) == template.gate[1]:
                raw = substitute(copy.deepcopy(template.raw), values)
                raw["key"] = template.key
                for m, member in enumerate(raw.get("members", []) or []):
                    if isinstance(member, dict):
                        member["key"] = f"{template.key}.members.{member.get('id', m)}"
                try:
                    term = _TERM.validate_python(raw)
                except Exception as exc:  # pydantic's ValidationError, reported in one line
                    choice = ", ".join(f"{k}={v}" for k, v in values.items())
                    first = str(exc).splitlines()
                    detail = "; ".join(line.strip() for line in first[1:3]) if len(first) > 1 else str(exc)
                    raise ValueError(f"{template.key} with {choice or 'no issue'}: {detail}") from None
            index.append(len(columns))
            columns.append(Column(t, combo, term))
        template_columns.append(np.asarray(index, dtype=np.int64))
    choices = enumerate_packages(space, issue_ids)
    return ExpandedSpace(space, issue_ids, tuple(templates), tuple(columns), tuple(template_columns), choices)


def enumerate_packages(space: DealSpace, issue_ids: tuple[str, ...]) -> np.ndarray:
    """``(K, n_issues)`` option indices of every allowed package (C order over issues)."""
    sizes = [len(space.issues[i].options) for i in issue_ids]
    total = int(np.prod(sizes, dtype=np.int64))
    if total > 20_000_000:
        raise ValueError(f"deal_space has {total:,} packages; coarsen a range (at most 20,000,000)")
    choices = np.stack(np.unravel_index(np.arange(total), sizes), axis=1).astype(np.int32)
    keep = np.ones(total, dtype=bool)
    for rule in space.exclude:
        match = np.ones(total, dtype=bool)
        for issue, value in rule.items():
            if issue not in space.issues:
                raise ValueError(f"deal_space.exclude: undefined issue {issue!r}")
            options = [str(v) for v in space.issues[issue].options]
            if str(value) not in options:
                raise ValueError(f"deal_space.exclude: {issue} has no value {value!r} (values: {', '.join(options)})")
            match &= choices[:, issue_ids.index(issue)] == options.index(str(value))
        keep &= ~match
    return choices[keep]
