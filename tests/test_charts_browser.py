"""Charts an analyst can trust, checked where they are drawn: in Chromium.

The main job runs once on the built-in scenario (fewer paths than the default, plus the sensitivity
analyses of ``zopa report`` on a few inputs, so that every kind of chart is in the report). The report
is opened offline; every chart is screenshotted (into the test's ``tmp_path``) and must have no two
text labels that overprint (annotations, text on points and bars, legend entries, axis, chart and
colour-bar titles, tick labels; rotated boxes compared exactly), error bars on every bar of Monte Carlo
estimates, and every trace in its legend. The same holds for a deal in USD millions
(``tests/fixtures/cloud_millions.toml``), whose report must show non-zero ZOPA widths and readable
error bars.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chart_checks import (
    bars_without_error_bars, inspect_report, overlaps, require_chromium, traces_missing_from_legend,
)
from zopa.pipeline import JobSettings, run_job, write_job
from zopa.scenario import builtin_path, load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
#: The main job, smaller than the default: enough paths for stable charts, seconds to run.
SETTINGS = JobSettings(paths=1_000, space_paths=400, seed=0, branch_paths=400, branch_space_paths=150)
#: The tornado's inputs (those of them the scenario has), to keep its one engine run per input cheap.
TORNADO_INPUTS = ("world.agi.arrival", "world.revenue.growth_initial", "inputs.microsoft_cap",
                  "world.exit.revenue_multiple")


def main_job(scenario_path: Path, out: Path):
    """``zopa run``'s library path, plus the sensitivity sections of ``zopa report`` (small)."""
    from zopa.sensitivity.engine import run_belief_gap, run_sobol, run_tornado, uncertain_inputs

    scenario = load_scenario(scenario_path)
    result = run_job(scenario, SETTINGS)
    first = next(p for p in scenario.packages if p != scenario.meta.status_quo)
    outputs = [f"gain.{first}.{p}" for p in scenario.party_ids] + [f"zopa.width.{p}" for p in scenario.party_ids]
    have = {i.path for i in uncertain_inputs(scenario)}
    result.tornado = run_tornado(scenario, [i for i in TORNADO_INPUTS if i in have], 150, 80, 0, outputs)
    result.tornado_outputs = tuple(outputs)
    result.sobol = run_sobol(scenario, ["world.agi", "world.revenue"], 32, 0,
                             [f"value.{first}.{p}" for p in scenario.party_ids])
    result.belief_gap_mover = scenario.party_ids[1]
    result.belief_gap = run_belief_gap(scenario, result.belief_gap_mover, (0.0, 0.25, 0.5, 0.75, 1.0), 120, 0)
    out.mkdir(parents=True, exist_ok=True)
    return write_job(result, out, scenario_path, command="zopa report (test)")


@pytest.fixture(scope="module")
def builtin_report(tmp_path_factory):
    return main_job(builtin_path(), tmp_path_factory.mktemp("builtin") / "run").report


@pytest.fixture(scope="module")
def millions_report(tmp_path_factory):
    return main_job(FIXTURES / "cloud_millions.toml", tmp_path_factory.mktemp("millions") / "run").report


def check_charts(report: Path, tmp_path: Path) -> list[dict]:
    """Open the report, screenshot every chart, and fail on overprinting labels, bars without error
    bars and traces missing from the legend (all charts' problems in one message)."""
    charts = inspect_report(report, tmp_path / "charts", tmp_path / "profile")
    html = report.read_text(encoding="utf-8")
    assert len(charts) == html.count('class="plotly-graph-div"') > 8
    problems = []
    for chart in charts:
        assert Path(chart["screenshot"]).stat().st_size > 5_000  # a real picture of the chart
        for a, b in overlaps(chart["labels"]):
            problems.append(f"{chart['id']}: labels overprint: {a!r} / {b!r}")
        for name in bars_without_error_bars(chart):
            problems.append(f"{chart['id']}: bars without error bars: {name!r}")
        for name in traces_missing_from_legend(chart):
            problems.append(f"{chart['id']}: trace missing from the legend: {name!r}")
        for name in chart["hidden"]:
            problems.append(f"{chart['id']}: legend entry scrolled out of sight: {name!r}")
    assert charts[0]["page_errors"] == []
    assert problems == [], "\n".join(problems)
    return charts


@pytest.mark.browser
def test_builtin_charts_have_no_overprinting_labels_and_complete_error_bars_and_legends(builtin_report, tmp_path):
    require_chromium()
    charts = check_charts(builtin_report, tmp_path)
    ids = [c["id"] for c in charts]
    assert {"values-chart", "waterfall-chart", "frontier-chart"} <= set(ids)
    assert sum(i.startswith("beliefs-") for i in ids) >= 2 and sum(i.startswith("extra-") for i in ids) >= 5
    # human labels: no TOML path, package id or raw distribution parameters in the chart text
    text = " ".join(label["text"] for c in charts for label in c["labels"])
    for raw in ("gain.openai_offer.openai", "world.revenue.growth_initial (", "lambda=", "(status_quo)",
                "zopa.width."):
        assert raw not in text, raw
    assert "λ = 4" in text and "Contract in force" in text


@pytest.mark.browser
def test_belief_gap_bars_are_evenly_stepped_with_error_bars(builtin_report, tmp_path):
    require_chromium()
    charts = inspect_report(builtin_report, tmp_path / "charts", tmp_path / "profile")
    gap = charts[-1]  # the belief gap is the report's last chart
    ticks = [label for label in gap["labels"] if label["kind"] == "g.xtick text"]
    assert [t["text"] for t in ticks] == ["0%", "25%", "50%", "75%", "100%"]  # one category per step
    centres = [sum(x for x, _ in t["poly"]) / 4 for t in ticks]
    steps = [b - a for a, b in zip(centres, centres[1:])]
    assert max(steps) - min(steps) < 1.5  # evenly spaced
    bars = [t for t in gap["traces"] if t["type"] == "bar"]
    assert len(bars) == 2 and all(t["errors"] for t in bars)


@pytest.mark.browser
def test_a_deal_in_usd_millions_reads_in_millions(millions_report, tmp_path):
    require_chromium()
    check_charts(millions_report, tmp_path)
    html = millions_report.read_text(encoding="utf-8")
    # the cards: the ZOPA's width for each side, non-zero, in the scenario's unit
    wide = re.search(r'How wide\?</div><div><span class="big">([^<]+)</span></div><div class="card-note">([^<]+)<', html)
    assert wide, "no 'How wide?' card"
    widths = [float(w.replace(",", "")) for w in wide.group(1).split(" / ")]
    assert all(w > 0.5 for w in widths) and "USD millions" in wide.group(2)
    # every ± shows its standard error (never rounded away to "± 0.000"), and no amount in billions
    head, _, rest = html.partition("* plotly.js v")
    own = (head + rest.split("</script>", 1)[1]).replace("\\u00b1", "±")  # the charts' JSON escapes it
    shown = re.findall(r"± ([0-9][0-9.,]*)", own)
    assert len(shown) > 50
    rounded_away = [s for s in shown if "." in s and float(s.replace(",", "")) == 0]
    assert rounded_away == []
    assert "USD bn" not in own and "USD billions" not in own and "USD millions (present value)" in own
