"""The contract-term algebra: cash flows on simulated paths, and the context terms read them from.

A term is a claim with an explicit payer and payee. Evaluated on a batch of ``N`` simulated paths it
yields two :class:`CashFlows`: what the payee receives and what the payer gives (USD billions). For a
pure transfer (a revenue share, a stake) the two are the same array; for a right such as exclusivity
they differ (the holder's margin is not the grantor's premium), which is how terms create or destroy
value.

Flows live on the time grid ``t_k`` (calendar years; the flow of period ``k`` — an annual rate times
the period's length in years — is booked at ``t_k``)
plus *lumps*: amounts paid at exact, per-path times (a payment on a date, a stake at exit). Present
values use annual compounding from the grid's first point: ``df(t) = (1 + r)^{-(t - t_0)}``, at the
rate of the term's *risk class* (see :mod:`zopa.discounting`): the rate belongs to the stream, not
to the party that holds it.

A term kind is a pydantic model with a unique ``kind`` whose :meth:`TermBase.compose` returns an
expression of the contract algebra (:mod:`zopa.terms.algebra`); its flows, triggers, breakdown and
provenance all come from that expression. A kind registered with :func:`register_term` — inside the
package, in a user's module, or through the ``zopa.terms`` entry-point group — is accepted by the
scenario loader at once; the simulator never needs to know about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, ClassVar, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from zopa.terms.flows import Flows

if TYPE_CHECKING:
    from zopa.beliefs import Quantity
    from zopa.terms.algebra import Contract


class PathContext(Protocol):
    """What a term may read from a simulated world (one belief set, one world state, N paths)."""

    times: np.ndarray  # (T,) calendar years of the grid
    exit_time: float

    @property
    def n_paths(self) -> int:
        """Paths in the batch."""

    @property
    def period(self) -> float:
        """Years per grid step: a period's flow is its annual rate × period."""

    def series(self, name: str) -> np.ndarray:
        """A world driver: ``revenue``, ``profit``, ``cost`` (annual rates, ``(N, T)``), a declared
        ``world.drivers`` entry, or ``exit_value`` (``(N,)``, at ``exit_time``)."""

    def draw(self, quantity: "Quantity", key: str) -> np.ndarray:
        """``N`` draws of ``quantity`` under this world's beliefs, common random numbers by ``key``."""

    def uniform(self, key: str) -> np.ndarray:
        """``N`` uniforms on (0, 1) named by ``key`` (common random numbers across parties)."""

    def active(self, until: "Until") -> np.ndarray:
        """``(N, T)`` booleans: whether each period starts before trigger ``until`` fires (all true for
        ``None``)."""

    def trigger_time(self, name: str) -> np.ndarray:
        """Per-path time (calendar years, ``inf`` = never) at which trigger ``name`` fires."""

    def resource(self, name: str) -> Any:
        """The world model of resource ``name`` (e.g. compute)."""

    @property
    def scenario(self) -> Any: ...


#: When a term ends: a trigger name, a list of them (whichever fires first), or never (``None``).
Until = str | list[str] | None


def until_time(ctx: PathContext, until: Until) -> np.ndarray:
    """Per-path time at which ``until`` fires: the earliest of the named triggers (``inf`` = never)."""
    if until is None:
        return np.full(ctx.n_paths, np.inf)
    names = [until] if isinstance(until, str) else until
    return np.minimum.reduce([ctx.trigger_time(name) for name in names])


def active_mask(ctx: PathContext, until: Until) -> np.ndarray:
    """``(N, T)`` booleans: period ``k`` is active while the ``until`` trigger has not fired by ``t_k``."""
    return ctx.active(until)


class TermBase(BaseModel):
    """Fields every term has. ``key`` is set by the scenario loader to the term's TOML path, which
    names its random numbers: a term inherited through ``base`` sees the same draws in every package,
    and so does a named input used anywhere; a term defined anew in another package gets its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="unique within its package, e.g. 'revenue_share'")
    label: str = ""
    payer: str | None = Field(None, description="party id that gives, or none (the outside world)")
    payee: str | None = Field(None, description="party id that receives, or none (the outside world)")
    key: str = Field("", description="set by the loader: the TOML path naming this term's random numbers")
    risk: str | None = Field(None, description="risk class of the term's flows (a key of discounting.rates); "
                             "default: the kind's own class")

    #: Risk class of this kind's flows when a term does not name one: ``equity`` (residual claims on the
    #: company), ``revenue`` (claims on its sales) or ``fixed`` (contractual amounts).
    default_risk: ClassVar[str] = "revenue"

    @property
    def risk_class(self) -> str:
        """The risk class whose market rate discounts this term's flows."""
        return self.risk or self.default_risk

    def compose(self) -> "Contract":  # pragma: no cover - abstract
        """This term as an expression of the contract algebra (:mod:`zopa.terms.algebra`)."""
        raise NotImplementedError(f"term kind {type(self).__name__} defines neither compose() nor flows()")

    def flows(self, ctx: PathContext) -> Flows:
        """What the payee receives and the payer gives on ``ctx``'s paths."""
        from zopa.terms.algebra import evaluate

        return evaluate(self.expression(), ctx)

    def parts(self, ctx: PathContext) -> dict[str, tuple["TermBase", Flows]]:
        """The term's flows split into its named members (``id.member``, each with the term whose
        parties and risk class apply) for the breakdown, or the whole term under its id."""
        from zopa.terms.algebra import parts

        split = parts(self.expression(), ctx) if self._composes() else None
        if split is None:
            return {self.id: (self, self.flows(ctx))}
        members = {m.id: m for m in self.children()}
        return {f"{self.id}.{name}": (members.get(name, self), flows) for name, flows in split.items()}

    def part_labels(self) -> dict[str, str]:
        """Breakdown names → labels (members of a sum or cap by their own labels)."""
        from zopa.terms.algebra import Both, Cap

        expr = self.expression() if self._composes() else None
        if isinstance(expr, (Both, Cap)) and len(expr.members) > 1:
            return {f"{self.id}.{m.name}": m.label or m.name for m in expr.members}
        return {self.id: self.label or self.id}

    def _composes(self) -> bool:
        return type(self).compose is not TermBase.compose

    def expression(self) -> "Contract":
        """:meth:`compose`, built once per term (terms are immutable)."""
        found = _EXPRESSIONS.get(id(self))
        if found is None or found[0] is not self:
            if len(_EXPRESSIONS) > 50_000:  # many scenarios built in one process (a sweep)
                _EXPRESSIONS.clear()
            found = (self, self.compose(), {})
            _EXPRESSIONS[id(self)] = found
        return found[1]

    def _walked(self, what: str, walk: Callable[[Any], set[str]]) -> set[str]:
        self.expression()
        memo = _EXPRESSIONS[id(self)][2]
        if what not in memo:
            memo[what] = walk(self.expression())
        return memo[what]

    def draw(self, ctx: PathContext, name: str) -> np.ndarray:
        """Draws of this term's quantity field ``name``."""
        return ctx.draw(getattr(self, name), f"{self.key}.{name}")

    def triggers(self) -> set[str]:
        """Names of the triggers this term refers to (checked by the validator): from its
        expression, or — for a kind defined by ``flows`` alone — its ``until``/``when`` fields."""
        if self._composes():
            from zopa.terms.algebra import triggers_of

            return set(self._walked("triggers", triggers_of))
        found: set[str] = set()
        for k, v in self:
            if k in ("until", "when", "agi_trigger"):
                found |= {v} if isinstance(v, str) else set(v or [])
        return found

    def series(self) -> set[str]:
        """World drivers this term reads (``revenue``, ``profit``, ``exit_value``, declared drivers)."""
        if not self._composes():
            return set()
        from zopa.terms.algebra import series_of

        return set(self._walked("series", series_of))

    def parties(self) -> set[str]:
        return {p for p in (self.payer, self.payee) if p is not None}

    def children(self) -> list["TermBase"]:
        """Sub-terms, for combinators."""
        return []

    def quantities(self) -> dict[str, "Quantity"]:
        """This term's quantity fields (name → quantity), for provenance and sensitivity."""
        from zopa.beliefs import Quantity

        return {k: v for k, v in self if isinstance(v, Quantity)}


TERM_TYPES: dict[str, type[TermBase]] = {}

#: Each term's expression, by ``id`` (with the term, so that a reused id is never mistaken).
_EXPRESSIONS: dict[int, tuple[TermBase, Any, dict[str, set[str]]]] = {}

#: Entry-point group through which installed packages register term kinds.
ENTRY_POINT_GROUP = "zopa.terms"


def register_term(cls: type[TermBase]) -> type[TermBase]:
    """Class decorator: make a term kind known to the scenario loader by its ``kind``. Works from
    any module at any time: the loader reads the registry when it validates a scenario."""
    kind = cls.model_fields["kind"].default
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"{cls.__name__} needs a default 'kind' string")
    if kind in TERM_TYPES and TERM_TYPES[kind] is not cls:
        raise ValueError(f"term kind {kind!r} registered twice")
    TERM_TYPES[kind] = cls
    return cls


_ENTRY_POINTS_LOADED = False


def load_entry_points() -> None:
    """Import the modules that installed packages declare under the ``zopa.terms`` entry-point group
    (each registers its kinds with :func:`register_term`); done once, at the first validation."""
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        point.load()


def validate_term(data: Any, info: Any = None) -> TermBase:
    """A term table → its registered kind's model (raising pydantic's errors at their locations)."""
    from pydantic_core import PydanticCustomError

    if isinstance(data, TermBase):
        return data
    if not isinstance(data, dict):
        raise PydanticCustomError("model_type", "Input should be a table")
    load_entry_points()
    kind = data.get("kind")
    if kind is None:
        raise PydanticCustomError("union_tag_not_found", "Unable to extract tag using discriminator 'kind'",
                                  {"discriminator": "'kind'"})
    cls = TERM_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        expected = ", ".join(repr(k) for k in TERM_TYPES)
        raise PydanticCustomError("union_tag_invalid", "Input tag {tag} found using {discriminator} does not match "
                                  "any of the expected tags: {expected_tags}",
                                  {"discriminator": "'kind'", "tag": repr(kind), "expected_tags": expected})
    context = getattr(info, "context", None) or {}
    return cls.model_validate(data, strict=bool(context.get("strict", False)), context=context)


def _dump_term(term: TermBase) -> dict[str, Any]:
    return term.model_dump(mode="json")


def term_type() -> Any:
    """The annotated type of a term field: validated by the registry at validation time (so kinds
    registered after import are accepted), dumped as its own kind."""
    from typing import Annotated

    from pydantic import PlainSerializer, WithJsonSchema
    from pydantic.functional_validators import PlainValidator

    return Annotated[TermBase, PlainValidator(validate_term), PlainSerializer(_dump_term),
                     WithJsonSchema({"type": "object", "required": ["id", "kind"]})]


TermFactory = Callable[..., TermBase]
