"""Strategic clauses: a trigger one party controls is a decision on each path, not weather.

A declared trigger with ``controlled_by = o`` (e.g. OpenAI's board declaring AGI) — or a date
trigger with one (a right to terminate on the date, exercised alone like the ``board`` rule) — can
fire from its
*eligible time* ``τ`` (the event has arrived and the clause's financial test, if any, is met on the
simulated profits; :meth:`zopa.world.SimulatedWorld.eligible_time`). On each path, with ``V_p(x)`` the
value of the package to party ``p`` when the trigger fires at ``x`` (all its terms, valued on that path):

* ``board`` rule — declaring gives the controller ``V_o(τ) − K`` (``K``: exercise cost, discounted);
* ``expert_panel`` — the panel confirms with probability ``q`` after ``δ`` years:
  ``q V_o(τ + δ) + (1 − q) V_o(∞) − K``;
* ``counterparty_agreement`` — the counterparty ``c`` disputes iff disputing pays it,
  ``u V_c(τ + d) + (1 − u) V_c(∞) − L > V_c(τ)`` (court upholds with ``u`` after ``d`` years;
  ``L``: each side's litigation cost); the controller's value of declaring is then
  ``u V_o(τ + d) + (1 − u) V_o(∞) − L − K`` if disputed, else ``V_o(τ) − K``.

The controller declares iff that beats never declaring, ``V_o(∞)``: backward induction of the
two-stage game on each path (Dixit & Pindyck 1994 on exercising real options; a declaration clause is
an option held by one side). Probabilities ``u``, ``q`` are those of the belief set being simulated.
Decisions use each path's own future (perfect foresight along the path): an upper bound on the
value of the option to its holder — a regression on the information at ``τ`` (Longstaff & Schwartz
2001) would be the refinement. Court and panel outcomes are then drawn from the same common random
numbers as the exogenous rules use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from zopa.scenario.schema import DateTrigger, DeclaredTrigger, FirstOfTrigger
from zopa.world import PathTimes

#: ``value_of(ctx, name, tag)``: each party's per-path value of the stakes in trigger ``name`` under
#: ``ctx``; ``tag`` names the alternative being valued (and the decisions already taken), so callers
#: may cache values across packages that share terms.
ValueOf = Callable[[Any, str, tuple], dict[str, np.ndarray]]


@dataclass(frozen=True)
class ClauseDecision:
    """What the parties do with one controlled trigger on each path of a batch."""

    trigger: str
    controller: str
    counterparty: str
    eligible: np.ndarray  # (N,) earliest declaration time, inf = never eligible
    declares: np.ndarray  # (N,) bool
    disputes: np.ndarray  # (N,) bool
    times: np.ndarray  # (N,) when the trigger fires, inf = never
    costs: dict[str, np.ndarray]  # party → (N,) present value of declaration and litigation costs paid
    #: the alternatives the decision valued: (``value_of``'s tag, the trigger's times under it)
    outcomes: tuple[tuple[tuple, np.ndarray], ...] = ()


def decided_from_outcomes(decision: ClauseDecision, values: list[Any]) -> Any:
    """A stake's per-path values once ``decision`` is taken, from its values under the decision's
    alternatives (``values[j]`` under ``decision.outcomes[j]``; each a nested ``dict`` whose leaves
    are ``(N,)`` arrays): on each path the trigger fires at one of the alternatives' times, and a
    path's values depend on that path's trigger time only, so they are picked path by path — the
    same numbers as valuing the stake again with the decided times. ``None`` when some path's time
    is none of the alternatives'."""
    masks = [decision.times == times for _, times in decision.outcomes]
    if not masks or not np.logical_or.reduce(masks).all():
        return None

    def pick(leaves: list[Any]) -> Any:
        if isinstance(leaves[0], dict):
            return {k: pick([leaf[k] for leaf in leaves]) for k in leaves[0]}
        return np.select(masks, leaves)

    return pick(values)


def controlled_in(scenario: Any, triggers: Iterable[str]) -> list[str]:
    """Controlled declared triggers among ``triggers`` and the triggers they are the first of."""
    found: list[str] = []
    stack = list(triggers)
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen or name not in scenario.triggers:
            continue
        seen.add(name)
        trig = scenario.triggers[name]
        if isinstance(trig, FirstOfTrigger):
            stack.extend(trig.of)
        elif isinstance(trig, (DeclaredTrigger, DateTrigger)) and trig.controlled_by is not None:
            found.append(name)
    return sorted(found)


def _pv_at(amount: np.ndarray, when: np.ndarray, t0: float, horizon: float, rate: float) -> np.ndarray:
    finite = np.isfinite(when) & (when <= horizon + 1e-9)
    return np.where(finite, amount * np.power(1.0 + rate, -(np.where(finite, when, t0) - t0)), 0.0)


def decide(world: Any, name: str, value_of: ValueOf, rule: Any, priors: tuple = ()) -> ClauseDecision:
    """Decide controlled trigger ``name`` on every path of ``world``; ``value_of`` gives each party's
    per-path value of the stakes (the package's terms that depend on ``name``) under a context's
    trigger definitions; ``rule`` is the scenario's :class:`~zopa.discounting.Discounter` (costs are
    ``fixed`` flows); ``priors`` identifies decisions already substituted in ``world``."""
    trig = world.scenario.triggers[name]
    owner = trig.controlled_by
    other = world.scenario.other(owner)
    key = f"triggers.{name}"
    n = world.n_paths
    tau = world.eligible_time(name)
    t0, horizon = float(world.times[0]), float(world.exit_time)

    outcomes: list[tuple[tuple, np.ndarray]] = []

    def at(times: np.ndarray, alternative: str) -> dict[str, np.ndarray]:
        times = np.asarray(times, dtype=float)
        ctx = world.with_triggers({name: PathTimes(times)})
        outcomes.append(((name, alternative, priors), times))
        return value_of(ctx, name, (name, alternative, priors))

    never = np.full(n, np.inf)
    v_never, v_fire = at(never, "never"), at(tau, "eligible")
    zero = np.zeros(n)
    cost = world.draw(trig.exercise_cost, f"{key}.exercise_cost") if trig.exercise_cost is not None else zero
    pv_cost = _pv_at(cost, tau, t0, horizon, rule.flow_rate("fixed", owner))
    disputes = np.zeros(n, dtype=bool)
    pv_lit = {p: zero for p in (owner, other)}
    rule_name = getattr(trig, "rule", "board")  # a controlled date is an option its holder exercises alone
    if rule_name == "counterparty_agreement":
        upholds = world.draw(trig.court_upholds, f"{key}.court_upholds")
        delay = world.draw(trig.court_delay, f"{key}.court_delay")
        v_late = at(tau + delay, "after court")
        lit = world.draw(trig.litigation_cost, f"{key}.litigation_cost") if trig.litigation_cost is not None else zero
        pv_lit = {p: _pv_at(lit, tau, t0, horizon, rule.flow_rate("fixed", p)) for p in (owner, other)}
        disputed_value = {p: upholds * v_late[p] + (1 - upholds) * v_never[p] - pv_lit[p] for p in (owner, other)}
        disputes = disputed_value[other] > v_fire[other]
        declared_value = np.where(disputes, disputed_value[owner], v_fire[owner]) - pv_cost
        upheld = world.uniform(f"{key}.court") < upholds
        outcome = np.where(disputes, np.where(upheld, tau + delay, np.inf), tau)
    elif rule_name == "expert_panel":
        confirms_p = world.draw(trig.panel_confirms, f"{key}.panel_confirms")
        delay = world.draw(trig.panel_delay, f"{key}.panel_delay")
        v_late = at(tau + delay, "after panel")
        declared_value = confirms_p * v_late[owner] + (1 - confirms_p) * v_never[owner] - pv_cost
        confirmed = world.uniform(f"{key}.panel") < confirms_p
        outcome = np.where(confirmed, tau + delay, np.inf)
    else:
        declared_value = v_fire[owner] - pv_cost
        outcome = tau
    declares = np.isfinite(tau) & (declared_value > v_never[owner])
    disputes = disputes & declares
    times = np.where(declares, outcome, np.inf)
    costs = {owner: np.where(declares, pv_cost, 0.0) + np.where(disputes, pv_lit[owner], 0.0),
             other: np.where(disputes, pv_lit[other], 0.0)}
    return ClauseDecision(name, owner, other, tau, declares, disputes, times, costs, tuple(outcomes))


def decide_all(world: Any, triggers: Iterable[str], value_of: ValueOf, rule: Any) -> tuple[Any, list[ClauseDecision]]:
    """Decide each controlled trigger in turn (earlier decisions held fixed); returns the world with
    the decided times substituted and the decisions."""
    decisions: list[ClauseDecision] = []
    for name in controlled_in(world.scenario, triggers):
        # by content: the arrays of discarded decisions may be freed and their ids reused
        priors = tuple((d.trigger, hashlib.blake2b(d.times.tobytes(), digest_size=16).hexdigest()) for d in decisions)
        decision = decide(world, name, value_of, rule, priors)
        world = world.with_triggers({name: PathTimes(decision.times)})
        decisions.append(decision)
    return world, decisions
