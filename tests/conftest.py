"""Shared builders: small scenarios written as plain dicts, validated like a TOML file."""

from __future__ import annotations

import copy
from typing import Any

import os

import pytest
from hypothesis import settings

from zopa.scenario.load import validate_data

# Property tests explore new examples locally; under CI they replay a fixed set, so a run is repeatable.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


def fixed(value: float, source: str = "test") -> dict[str, Any]:
    return {"value": value, "source": source}


def base_dict(
    *,
    start: int = 2025,
    horizon: int = 2030,
    revenue: float = 10.0,
    growth: float = 0.1,
    volatility: float = 0.0,
    rate_a: float = 0.0,
    rate_b: float = 0.0,
    arrival: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Two parties ``a`` and ``b``; revenue ``R_k = revenue · e^{growth·k}`` in expectation; no terms."""
    return {
        "meta": {"title": "test", "as_of": "2025-01-01", "status_quo": "none"},
        "time": {"start": start, "horizon": horizon, "step": 1},
        "sources": {"test": {"citation": "test", "kind": "assumption"}},
        "parties": {
            "a": {"name": "A", "discount_rate": fixed(rate_a)},
            "b": {"name": "B", "discount_rate": fixed(rate_b)},
        },
        "world": {
            "revenue": {
                "initial": fixed(revenue),
                "growth_initial": fixed(growth),
                "growth_long_run": fixed(growth),
                "growth_decay": fixed(0.0),
                "volatility": fixed(volatility),
            },
            "margin": {"initial": fixed(0.2), "long_run": fixed(0.2), "convergence": fixed(0.0)},
            "agi": {"arrival": arrival or {"dist": "uniform", "low": 2030, "high": 2040, "source": "test"}},
            "exit": {"revenue_multiple": fixed(5.0)},
        },
        "triggers": {},
        "packages": {"none": {"label": "nothing", "restructured": True, "terms": []}},
    }


def with_terms(data: dict[str, Any], terms: list[dict[str, Any]], package: str = "deal") -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["packages"][package] = {"label": package, "terms": terms}
    return out


def build(data: dict[str, Any]):
    return validate_data(data, "<test>")


@pytest.fixture
def builtin():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())
