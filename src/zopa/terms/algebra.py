"""The contract algebra: a few primitives that compose into every term, and one evaluator.

In the spirit of Peyton Jones, Eber & Seward, *Composing contracts* (ICFP 2000), a term is an
expression built from a handful of combinators over *observables* (numbers the simulated world
produces, path by path). Evaluated on ``N`` paths, a contract expression yields :class:`Flows`:
what the payee receives and what the payer gives, both in the scenario's money unit.

Observables (:class:`Obs`), each ``(N,)`` (one number per path) or ``(N, T)`` (a series on the grid):

* :class:`Draw` — a quantity of the term (``{key}.{field}`` names its random numbers);
* :class:`WorldDraw` — a quantity of the world, by its TOML path (``world.ip.value_to_holder``);
* :class:`Series` — a world driver: ``revenue``, ``profit``, ``cost`` (revenue − profit),
  ``exit_value``, or any declared ``world.drivers`` entry;
* :class:`Before` — ``1`` while a trigger has not fired by ``t_k``, else ``0``;
* arithmetic: :class:`Mul`, :class:`Add`, :class:`Sub`, :class:`Min`, :class:`Max`, :class:`Const`.

Contracts (:class:`Contract`):

* :class:`Flow` ``(rate)`` — pays ``rate_k × Δ`` each period (an annual rate times the period);
* :class:`Once` ``(amount, at)`` — pays ``amount`` once, at a trigger's time or at exit;
* :class:`Scale` ``(factor, c)`` — multiplies every payment of ``c``;
* :class:`Until` ``(trigger, c)`` — ``c``'s payments before the trigger fires only
  (period ``k`` counts while ``τ > t_k``, a lump at ``s`` while ``τ > s``);
* :class:`Cap` ``(amount, members)`` — the members' counting payments limited to a cumulative
  ``amount``; each member keeps its pro-rata part, lumps take the room left in order;
* :class:`Both` ``(members)`` — the sum of named members (the per-term breakdown names them);
* :class:`Give` ``(c)`` — ``c`` with payer and payee swapped;
* :class:`Right` ``(to_holder, from_grantor)`` — a right whose value to its holder (the payee)
  and cost to its grantor (the payer) differ: how a term creates or destroys value;
* :class:`Tiered` ``(base, tiers, cap)`` — a waterfall: ``rate_j`` of the base while cumulative
  receipts are in tier ``j``, spilling into the next tier within a period, with an optional
  terminal claim at exit.

A term kind is a pydantic model whose :meth:`~zopa.terms.base.TermBase.compose` returns such an
expression; :func:`evaluate` values it, :func:`parts` splits it for the breakdown, and
:func:`triggers_of` / :func:`draws_of` walk it for validation and provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Protocol, Union

import numpy as np

from zopa.terms.flows import CashFlows, Flows, Lump as LumpFlow

if TYPE_CHECKING:  # pragma: no cover
    from zopa.beliefs import Quantity
    from zopa.terms.base import PathContext, Until as UntilSpec


# --- observables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    """A number, the same on every path."""

    value: float


@dataclass(frozen=True)
class Draw:
    """One draw per path of a term's ``quantity`` (random numbers named by ``key``)."""

    quantity: "Quantity"
    key: str


@dataclass(frozen=True)
class WorldDraw:
    """One draw per path of the world quantity at TOML path ``path`` (e.g. ``world.ip.cost_to_grantor``)."""

    path: str


@dataclass(frozen=True)
class Series:
    """A world driver on the grid ``(N, T)`` — ``revenue``, ``profit``, ``cost``, a declared
    ``world.drivers`` entry — or ``exit_value`` ``(N,)``."""

    name: str


@dataclass(frozen=True)
class Before:
    """``(N, T)``: 1.0 while ``until`` has not fired by ``t_k``, else 0.0."""

    until: "UntilSpec"


@dataclass(frozen=True)
class Mul:
    a: "Obs"
    b: "Obs"


@dataclass(frozen=True)
class Add:
    a: "Obs"
    b: "Obs"


@dataclass(frozen=True)
class Sub:
    a: "Obs"
    b: "Obs"


@dataclass(frozen=True)
class Min:
    a: "Obs"
    b: "Obs"


@dataclass(frozen=True)
class Max:
    a: "Obs"
    b: "Obs"


class Observable(Protocol):
    """A domain observable of its own (e.g. a resource's need): any object with ``observe(ctx)``."""

    def observe(self, ctx: "PathContext") -> np.ndarray: ...


Obs = Union[Const, Draw, WorldDraw, Series, Before, Mul, Add, Sub, Min, Max, Observable]


def positive(x: Obs) -> Obs:
    """``max(x, 0)``."""
    return Max(x, Const(0.0))


def product(*factors: Obs) -> Obs:
    """``f_1 × f_2 × …`` evaluated left to right."""
    out = factors[0]
    for f in factors[1:]:
        out = Mul(out, f)
    return out


def observe(x: Obs, ctx: "PathContext", memo: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """The values of observable ``x`` on ``ctx``'s paths: shape ``(N,)`` or ``(N, T)``. ``memo``
    (one per evaluation) computes a node shared by several parts of an expression once."""
    if memo is None:
        return _observe(x, ctx, {})
    found = memo.get(id(x))
    if found is None:
        found = _observe(x, ctx, memo)
        memo[id(x)] = found
    return found


def _observe(x: Obs, ctx: "PathContext", memo: dict[int, np.ndarray]) -> np.ndarray:
    if isinstance(x, Const):
        return np.asarray(x.value, dtype=float)
    custom = getattr(x, "observe", None)
    if custom is not None:  # a domain observable (e.g. a resource's need) or a user's own
        return custom(ctx)
    if isinstance(x, Draw):
        return ctx.draw(x.quantity, x.key)
    if isinstance(x, WorldDraw):
        return ctx.draw(world_quantity(ctx.scenario, x.path), x.path)
    if isinstance(x, Series):
        return ctx.series(x.name)
    if isinstance(x, Before):
        return ctx.active(x.until)
    if not isinstance(x, (Mul, Add, Sub, Min, Max)):
        raise TypeError(f"not an observable: {x!r}")
    a, b = _column(observe(x.a, ctx, memo)), _column(observe(x.b, ctx, memo))
    if {a.ndim, b.ndim} == {1, 2}:  # one number per path against a series: per path, every period
        a, b = (a[:, None], b) if a.ndim < b.ndim else (a, b[:, None])
    if isinstance(x, Mul):
        return a * b
    if isinstance(x, Add):
        return a + b
    if isinstance(x, Sub):
        return a - b
    if isinstance(x, Min):
        return np.minimum(a, b)
    if isinstance(x, Max):
        return np.maximum(a, b)
    raise TypeError(f"not an observable: {x!r}")


def _column(v: np.ndarray) -> np.ndarray:
    return v.astype(float) if v.dtype == bool else v


def world_quantity(scenario: Any, path: str) -> "Quantity":
    """The quantity at a TOML path under ``world`` (attributes and table keys)."""
    node: Any = scenario
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


# --- contracts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """Pays ``rate × Δ`` each period (``rate``: an annual rate, per path or per period)."""

    rate: Obs


@dataclass(frozen=True)
class Once:
    """Pays ``amount`` once: at the time trigger ``at`` fires, or at exit (``at = "exit"``)."""

    amount: Obs
    at: str


@dataclass(frozen=True)
class Scale:
    factor: Obs
    contract: "Contract"


@dataclass(frozen=True)
class Until:
    until: "UntilSpec"
    contract: "Contract"


@dataclass(frozen=True)
class Member:
    """A named part of a :class:`Both` or :class:`Cap`; ``counts``: the chance it counts toward the
    cap, drawn once per path (``None``: always)."""

    name: str
    contract: "Contract"
    counts: Obs | None = None
    count_key: str = ""
    label: str = ""


@dataclass(frozen=True)
class Both:
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Cap:
    amount: Obs
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Give:
    contract: "Contract"


@dataclass(frozen=True)
class Right:
    to_holder: "Contract"
    from_grantor: "Contract"


@dataclass(frozen=True)
class Tier:
    rate: Obs
    up_to: Obs | None = None


@dataclass(frozen=True)
class Tiered:
    """``rate_j`` of ``base`` while cumulative receipts are below ``min(up_to_j, cap)``; with
    ``terminal``, the claim left at exit: ``min(room under the cap, current rate × terminal)``."""

    base: Obs
    tiers: tuple[Tier, ...]
    cap: Obs | None = None
    terminal: Obs | None = None


class Evaluable(Protocol):
    """A contract defined by its own flows: any object with ``evaluate(ctx)``."""

    def evaluate(self, ctx: "PathContext") -> Flows: ...


Contract = Union[Flow, Once, Scale, Until, Both, Cap, Give, Right, Tiered, Evaluable]


def evaluate(c: Contract, ctx: "PathContext", memo: dict[int, np.ndarray] | None = None) -> Flows:
    """The flows of contract ``c`` on ``ctx``'s paths."""
    memo = {} if memo is None else memo
    n, steps = ctx.n_paths, ctx.times.size
    if isinstance(c, Flow):
        rate = observe(c.rate, ctx, memo)
        grid = np.broadcast_to(rate[:, None] if rate.ndim == 1 else rate, (n, steps)) * ctx.period
        return Flows.transfer(CashFlows(grid))
    if isinstance(c, Once):
        amount = np.broadcast_to(observe(c.amount, ctx, memo), (n,))
        when = np.full(n, ctx.exit_time) if c.at == "exit" else ctx.trigger_time(c.at)
        return Flows.transfer(CashFlows(np.zeros((n, steps)), (LumpFlow(amount, when),)))
    if isinstance(c, Scale):
        factor = observe(c.factor, ctx, memo)
        inner = evaluate(c.contract, ctx, memo)
        return _map(inner, lambda f: _scaled(f, factor))
    if isinstance(c, Until):
        inner = evaluate(c.contract, ctx, memo)
        return _map(inner, lambda f: _until(f, ctx, c.until))
    if isinstance(c, Both):
        return _sum([evaluate(m.contract, ctx, memo) for m in c.members], n, steps)
    if isinstance(c, Cap):
        return _sum(list(cap_parts(c, ctx, memo).values()), n, steps)
    if isinstance(c, Give):
        inner = evaluate(c.contract, ctx, memo)
        return Flows(inner.from_payer.scaled(-1.0), inner.to_payee.scaled(-1.0))
    if isinstance(c, Right):
        return Flows(evaluate(c.to_holder, ctx, memo).to_payee, evaluate(c.from_grantor, ctx, memo).from_payer)
    if isinstance(c, Tiered):
        return Flows.transfer(_tiered(c, ctx, memo))
    custom = getattr(c, "evaluate", None)
    if custom is not None:  # a contract defined by its own flows
        return custom(ctx)
    raise TypeError(f"not a contract: {c!r}")


def parts(c: Contract, ctx: "PathContext") -> dict[str, Flows] | None:
    """The named members of a top-level :class:`Both` or :class:`Cap` of several members (after the
    cap), for the per-term breakdown; ``None`` for any other contract (it is one part)."""
    if isinstance(c, (Both, Cap)) and len(c.members) == 1:
        return None
    if isinstance(c, Cap):
        return cap_parts(c, ctx)
    if isinstance(c, Both):
        return {m.name: evaluate(m.contract, ctx) for m in c.members}
    return None


def cap_parts(c: Cap, ctx: "PathContext", memo: dict[int, np.ndarray] | None = None) -> dict[str, Flows]:
    """Each member's flows after the cap. Counting grid flows are summed and capped cumulatively
    (``min(cumsum, cap)``), each counting member keeping its pro-rata part of every period's capped
    total; lumps are then limited in order to the room left. A single member that always counts is
    capped exactly (its flows untouched, bit for bit, until the cap binds)."""
    n = ctx.n_paths
    memo = {} if memo is None else memo
    raw = {m.name: evaluate(m.contract, ctx, memo).to_payee for m in c.members}
    cap = np.broadcast_to(observe(c.amount, ctx, memo), (n,))
    if len(c.members) == 1 and c.members[0].counts is None:
        (name, f), = raw.items()
        room = np.maximum(cap - np.minimum(f.grid.sum(axis=1), cap), 0.0)
        lumps = []
        for lump in f.lumps:
            amount = np.minimum(lump.amount, room)
            room = room - amount
            lumps.append(LumpFlow(amount, lump.time))
        return {name: Flows.transfer(CashFlows(cap_cumulative(f.grid, cap), tuple(lumps)))}
    counts = {m.name: (ctx.uniform(m.count_key) < observe(m.counts, ctx, memo) if m.counts is not None
                       else np.ones(n, dtype=bool)) for m in c.members}
    counted = sum((np.where(counts[k][:, None], f.grid, 0.0) for k, f in raw.items()),
                  np.zeros((n, ctx.times.size)))
    cum = np.cumsum(counted, axis=1)
    allowed = np.diff(np.minimum(cum, cap[:, None]), axis=1, prepend=0.0)
    binding = (cum > cap[:, None]) & (counted > 0)
    scale = np.where(binding, allowed / np.where(counted > 0, counted, 1.0), 1.0)
    room = np.maximum(cap - np.minimum(cum[:, -1], cap), 0.0)
    out: dict[str, Flows] = {}
    for key, f in raw.items():  # a handful of members, vectorised over paths
        grid = np.where(counts[key][:, None], f.grid * scale, f.grid)
        lumps = []
        for lump in f.lumps:
            amount = np.where(counts[key], np.minimum(lump.amount, room), lump.amount)
            room = np.where(counts[key], room - amount, room)
            lumps.append(LumpFlow(amount, lump.time))
        out[key] = Flows.transfer(CashFlows(grid, tuple(lumps)))
    return out


def cap_cumulative(grid: np.ndarray, cap: np.ndarray | float) -> np.ndarray:
    """Flows ``f[:, k]`` limited so that their running total never exceeds ``cap`` (per path).

    The capped flow is ``diff(min(cumsum(f), cap))``: payments stop once the cap is reached.

    >>> cap_cumulative(np.array([[3.0, 3.0, 3.0]]), 7.0).tolist()
    [[3.0, 3.0, 1.0]]
    """
    cap = np.asarray(cap, dtype=float)
    cum = np.cumsum(grid, axis=1)
    limit = cap[..., None] if cap.ndim else cap
    capped = np.diff(np.minimum(cum, limit), axis=1, prepend=0.0)
    return np.where(cum <= limit, grid, capped)  # untouched (bit for bit) until the cap binds


def _tiered(c: Tiered, ctx: "PathContext", memo: dict[int, np.ndarray]) -> CashFlows:
    n, steps = ctx.n_paths, ctx.times.size
    base = np.broadcast_to(observe(c.base, ctx, memo), (n, steps)) * ctx.period
    rates = [np.broadcast_to(observe(t.rate, ctx, memo), (n,)) for t in c.tiers]
    ups = [np.broadcast_to(observe(t.up_to, ctx, memo), (n,)) if t.up_to is not None else np.full(n, np.inf)
           for t in c.tiers]
    cap = np.broadcast_to(observe(c.cap, ctx, memo), (n,)) if c.cap is not None else np.full(n, np.inf)
    thresholds = [np.minimum(u, cap) for u in ups]  # the last tier's up_to, if any, also ends payments
    received = np.zeros(n)
    grid = np.zeros((n, steps))
    for k in range(steps):  # time steps, vectorised over paths: receipts carry from period to period
        left = base[:, k].copy()
        for rate, ceiling in zip(rates, thresholds):
            room = np.maximum(ceiling - received, 0.0)
            pay = np.minimum(rate * left, room)
            used = np.where(rate > 0, pay / np.where(rate > 0, rate, 1.0), 0.0)
            left = np.maximum(left - used, 0.0)
            received = received + pay
            grid[:, k] += pay
    if c.terminal is None:
        return CashFlows(grid)
    current_rate = np.select([received < t for t in thresholds], rates, default=0.0)
    terminal = np.broadcast_to(observe(c.terminal, ctx, memo), (n,))
    claim = np.minimum(np.maximum(cap - received, 0.0), current_rate * terminal)
    return CashFlows(grid, (LumpFlow(claim, np.full(n, ctx.exit_time)),))


def _map(flows: Flows, fn: Any) -> Flows:
    if flows.to_payee is flows.from_payer:
        return Flows.transfer(fn(flows.to_payee))
    return Flows(fn(flows.to_payee), fn(flows.from_payer))


def _scaled(f: CashFlows, factor: np.ndarray) -> CashFlows:
    fg = factor[:, None] if factor.ndim == 1 else factor
    lf = factor if factor.ndim <= 1 else None
    if lf is None and f.lumps:
        raise ValueError("a lump cannot be scaled by a series")
    return CashFlows(f.grid * fg, tuple(LumpFlow(l.amount * lf, l.time) for l in f.lumps))


def _until(f: CashFlows, ctx: "PathContext", until: "UntilSpec") -> CashFlows:
    from zopa.terms.base import until_time

    if until is None:
        return f
    lumps = f.lumps
    if lumps:
        ends = until_time(ctx, until)
        lumps = tuple(LumpFlow(np.where(ends > l.time, l.amount, 0.0), l.time) for l in lumps)
    return CashFlows(f.grid * ctx.active(until), lumps)


def _sum(flows: list[Flows], n: int, steps: int) -> Flows:
    if not flows:
        return Flows.transfer(CashFlows.zeros(n, steps))
    to_payee, from_payer = flows[0].to_payee, flows[0].from_payer
    transfer = all(f.to_payee is f.from_payer for f in flows)
    for f in flows[1:]:
        to_payee = to_payee + f.to_payee
        from_payer = to_payee if transfer else from_payer + f.from_payer
    return Flows(to_payee, to_payee if transfer else from_payer)


# --- walking an expression --------------------------------------------------------------------------


def nodes(x: Any) -> Iterator[Any]:
    """Every node of an expression (contracts and observables), pre-order."""
    yield x
    if isinstance(x, (Const, Draw, WorldDraw, Series)) or not hasattr(x, "__dataclass_fields__"):
        return
    if isinstance(x, (Member,)):
        yield from nodes(x.contract)
        if x.counts is not None:
            yield from nodes(x.counts)
        return
    for value in vars(x).values():
        if isinstance(value, tuple):
            for item in value:
                yield from nodes(item)
        elif hasattr(value, "__dataclass_fields__"):
            yield from nodes(value)


def triggers_of(c: Contract) -> set[str]:
    """Names of the triggers an expression refers to."""
    found: set[str] = set()
    for node in nodes(c):
        spec = node.until if isinstance(node, (Until, Before)) else (
            node.at if isinstance(node, Once) and node.at != "exit" else None)
        if spec is not None:
            found |= {spec} if isinstance(spec, str) else set(spec)
    return found


def series_of(c: Contract) -> set[str]:
    """Names of the world drivers an expression reads."""
    return {node.name for node in nodes(c) if isinstance(node, Series)}


def world_paths_of(c: Contract) -> set[str]:
    """TOML paths of the world quantities an expression draws."""
    return {node.path for node in nodes(c) if isinstance(node, WorldDraw)}
