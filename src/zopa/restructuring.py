"""What restructuring by the deadline is worth in itself, with the contract unchanged.

The *restructuring premium* of party ``p`` is ``V_p(status quo, restructured) − V_p(status quo)``,
paired over paths: what missing the deadline costs with nothing else changed (in the built-in case,
the friction of replacing the \\$10B SoftBank may withhold). Its sum over the parties is the joint
surplus lost if talks run past the deadline — the ``deadline_loss`` of the deadline bargaining model
(:func:`zopa.bargain.scenario.deadline_bargaining`): after the deadline the money is gone, the parties'
walk-away values are unchanged, and bargaining goes on over a smaller surplus.
"""

from __future__ import annotations

from typing import Any


def with_restructured_status_quo(scenario: Any) -> tuple[Any, str]:
    """``scenario`` plus the status quo as a restructured package; returns it and that package's id."""
    from zopa.scenario.schema import Scenario

    sq = scenario.meta.status_quo
    name = f"{sq}_restructured"
    if name in scenario.packages:
        return scenario, name
    data = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["packages"][name] = {"label": "contract in force, restructured in time", "base": sq, "restructured": True}
    return Scenario.model_validate(data), name


def restructuring_premium(scenario: Any, n_paths: int = 4_000, seed: int = 0) -> dict[str, Any]:
    """Each party's restructuring premium (an :class:`~zopa.value.Estimate` of the paired gain; its
    ``value`` is the certainty-equivalent gain for a risk-averse party). Empty when the scenario has
    no funding deadline or the status quo already restructures."""
    from zopa.value import value_scenario

    sq = scenario.meta.status_quo
    if scenario.world.funding is None or scenario.packages[sq].restructured:
        return {}
    variant, name = with_restructured_status_quo(scenario)
    v = value_scenario(variant, n_paths, seed, packages=[sq, name])
    return {p: v.difference(p, name, sq) for p in scenario.party_ids}


def deadline_loss(scenario: Any, n_paths: int = 4_000, seed: int = 0) -> float:
    """Joint surplus (USD bn) lost when the deadline passes without agreement, never negative."""
    premium = restructuring_premium(scenario, n_paths, seed)
    return max(sum(e.value for e in premium.values()), 0.0)
