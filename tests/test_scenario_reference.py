"""docs/scenario.md is generated from the schema and must be current; it documents every table,
field, term kind, driver, trigger and distribution; its worked example validates and runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from zopa import beliefs, dealspace, drivers
from zopa.scenario import schema
from zopa.scenario.load import parse_scenario
from zopa.scenario.reference import COMMAND, EXAMPLE, reference, shipped_kinds

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"


def test_committed_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == reference(), (
        f"docs/scenario.md is out of date with the schema; regenerate it with `{COMMAND}`")


def test_every_field_kind_driver_and_distribution_is_documented():
    text = reference()
    models = [schema.Meta, schema.TimeGrid, schema.Source, schema.Party, schema.World, schema.RevenueModel,
              schema.MarginModel, schema.AgiModel, schema.ExitModel, schema.ResourceModel, schema.IpModel,
              schema.FundingModel, schema.Package, schema.Bargaining, schema.Threats, schema.ThreatMove,
              schema.ThreatResponses, schema.Discounting, schema.ExitCalibration, schema.Branch,
              schema.BranchOption, schema.Scenario, dealspace.DealSpace, dealspace.Issue, dealspace.GridRange,
              *get_args(get_args(schema.Trigger)[0]), *get_args(get_args(drivers.Driver)[0])]
    for model in models:
        for name, field in model.model_fields.items():
            if name in ("kind", "process"):
                continue
            assert f"| `{field.alias or name}` |" in text, f"{model.__name__}.{name} is not documented"
    for kind, cls in shipped_kinds():
        assert f"### `{kind}`" in text
        for name in cls.model_fields:
            if name not in ("key", "kind"):
                assert f"| `{name}` |" in text, f"{kind}.{name} is not documented"
    for cls in get_args(get_args(beliefs.Distribution)[0]):
        assert f"### `{cls.model_fields['dist'].default}`" in text
    for process in ("gbm", "level", "ratio", "event"):
        assert f'`process = "{process}"`' in text


def test_no_field_is_left_without_a_description():
    rows = [line for line in reference().splitlines() if line.startswith("| `")]
    empty = [row for row in rows if re.search(r"\|\s*\|\s*$", row)]
    assert rows and not empty, "fields without a description (add one to zopa.scenario.reference.NOTES):\n" + "\n".join(empty)


def test_worked_example_is_in_the_document_and_runs():
    from zopa.analysis import analyze_scenario
    from zopa.value import value_scenario

    block = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1], re.S)
    assert block is not None and block.group(1) == EXAMPLE
    s = parse_scenario(EXAMPLE, "lease.toml")
    assert s.meta.unit == "EUR thousands" and s.world.agi is None and s.world.revenue is None
    v = value_scenario(s, n_paths=400, seed=0)
    assert set(v.packages) == set(s.packages)
    analysis, _ = analyze_scenario(s, n_paths=300, seed=0)
    assert analysis.zopa.exists and analysis.zopa.width_1 > 0 and analysis.zopa.width_2 > 0


def test_contributing_examples_run():
    """The code in CONTRIBUTING.md works: the term kind values a scenario, the strategy negotiates."""
    import numpy as np

    from zopa.negotiate import negotiate, strategy_from_name
    from zopa.terms import TERM_TYPES
    from zopa.value import value_scenario

    text = (DOC.parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 2
    if "volume_bonus" not in TERM_TYPES:
        exec(compile(blocks[0], "CONTRIBUTING.md", "exec", dont_inherit=True), {"__name__": "contributing_example"})
    s = parse_scenario(EXAMPLE + '''
[[packages.landlord_offer.terms]]
id = "bonus"
kind = "volume_bonus"
payer = "tenant"
payee = "landlord"
of = "space"
bonus = { value = 0.1, source = "assumption" }
threshold = { value = 1500, source = "assumption" }
''', "lease.toml")
    v = value_scenario(s, n_paths=200, seed=0)
    assert v.term_estimates("landlord_offer", "landlord")["bonus"].mean > 0
    namespace: dict = {"__name__": "contributing_example"}
    exec(compile(blocks[1], "CONTRIBUTING.md", "exec", dont_inherit=True), namespace)
    x = np.linspace(0.0, 1.0, 21)
    result = negotiate(x, 1 - x, 0.2, 0.2, namespace["HalfwayThenHold"](), strategy_from_name("conceder"), 10)
    if result.agreement:
        assert x[result.package] >= 0.2 and 1 - x[result.package] >= 0.2
