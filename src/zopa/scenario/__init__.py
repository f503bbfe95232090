"""Scenario files: schema, loading, validation and the built-in cases."""

from zopa.scenario.errors import Problem, ScenarioError
from zopa.scenario.load import load_scenario, parse_scenario, scenario_hash
from zopa.scenario.schema import Scenario
from zopa.scenario.builtin import builtin_path, builtin_scenarios

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "builtin_path",
    "builtin_scenarios",
    "load_scenario",
    "parse_scenario",
    "scenario_hash",
]
