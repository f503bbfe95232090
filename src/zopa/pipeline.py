"""The whole job, start to finish, as one library call: value the named packages, analyse the deal
space, play a negotiation, solve the threat game and (on request) the sensitivity analyses, then
write a run directory with the report. ``zopa run`` and ``zopa report`` are thin wrappers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from zopa.scenario.schema import Scenario
from zopa.value import Valuation, value_scenario

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class JobSettings:
    """How much work to do. Paths: named packages; ``space_paths``: the deal space (0 = skip)."""

    paths: int = 20_000
    space_paths: int = 4_000
    seed: int = 0
    negotiation: tuple[str, str] | None = ("boulware", "conceder")
    threats: bool = True
    sensitivity: bool = False
    sensitivity_paths: int = 2_000
    sensitivity_space_paths: int = 300
    sobol_base: int = 1024
    belief_gap_paths: int = 600
    branches: bool = True
    branch_paths: int = 5_000
    branch_space_paths: int = 1_000


@dataclass
class JobResult:
    scenario: Scenario
    settings: JobSettings
    valuation: Valuation
    analysis: Any = None
    space_valuation: Any = None
    negotiation: Any = None
    threats: Any = None
    variable_threats: Any = None
    recommendation: Any = None
    branches: Any = None
    tornado: Any = None
    tornado_outputs: tuple[str, ...] = ()
    sobol: Any = None
    belief_gap: Any = None
    belief_gap_mover: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, Any]]:
        """The report sections beyond the core ones."""
        from zopa.report.sections import (
            belief_gap_section, negotiation_section, sobol_section, threats_section, tornado_section,
        )

        s = self.scenario
        names = {p: s.parties[p].name for p in s.party_ids}
        out = []
        if self.negotiation is not None:
            out.append(negotiation_section(self.negotiation))
        if self.threats is not None:
            out.append(threats_section(self.threats, names))
        if self.tornado is not None:
            out.append(tornado_section(self.tornado, self.tornado_outputs))
        if self.sobol is not None:
            out.append(sobol_section(self.sobol))
        if self.belief_gap is not None and self.belief_gap_mover is not None:
            out.append(belief_gap_section(self.belief_gap, (names[s.party_ids[0]], names[s.party_ids[1]]),
                                          names[self.belief_gap_mover]))
        return out


def run_job(scenario: Scenario, settings: JobSettings = JobSettings(), progress: Progress | None = None) -> JobResult:
    """Run every stage the settings ask for; ``progress(stage, done, total)`` reports each stage."""

    def tick(stage: str) -> Callable[[int, int], None] | None:
        return (lambda done, total: progress(stage, done, total)) if progress else None

    timings: dict[str, float] = {}
    start = time.perf_counter()
    valuation = value_scenario(scenario, settings.paths, settings.seed, progress=tick("valuing packages"))
    timings["valuation"] = time.perf_counter() - start
    result = JobResult(scenario, settings, valuation, timings=timings)
    if settings.space_paths > 0 and (scenario.deal_space is not None or len(scenario.packages) > 1):
        from zopa.analysis import analyze_scenario

        start = time.perf_counter()
        result.analysis, result.space_valuation = analyze_scenario(scenario, settings.space_paths, settings.seed,
                                                                   progress=tick("valuing the deal space"))
        timings["deal_space"] = time.perf_counter() - start
        if settings.negotiation is not None:
            from zopa.negotiate.scenario import negotiate_scenario

            start = time.perf_counter()
            result.negotiation = negotiate_scenario(scenario, result.analysis.problem, *settings.negotiation,
                                                    seed=settings.seed)
            timings["negotiation"] = time.perf_counter() - start
    problem = result.analysis.problem if result.analysis is not None else None
    if scenario.threats is not None and settings.threats:
        from zopa.threats.scenario import analyze_threats
        from zopa.threats.variable_scenario import analyze_variable_threats

        start = time.perf_counter()
        same_paths = settings.space_paths == settings.paths and result.space_valuation is not None
        problem_paths = (lambda p, k: result.space_valuation.package_paths(p, k)) if same_paths else None
        result.threats = analyze_threats(scenario, settings.paths, settings.seed, valuation=valuation,
                                         problem=problem, problem_paths=problem_paths)
        result.variable_threats = analyze_variable_threats(scenario, valuation, problem)
        timings["threats"] = time.perf_counter() - start
    if result.analysis is not None:
        start = time.perf_counter()
        result.recommendation = _recommendation(result)
        timings["recommendation"] = time.perf_counter() - start
    if scenario.branches and settings.branches:
        from zopa.branches import analyze_branches

        start = time.perf_counter()
        result.branches = analyze_branches(scenario, settings.branch_paths, settings.branch_space_paths, settings.seed,
                                           progress=tick("branches"))
        timings["branches"] = time.perf_counter() - start
    if settings.sensitivity:
        _sensitivity(result, tick)
    return result


def _recommendation(result: JobResult) -> Any:
    """The reconciled recommendation: patience-weighted Nash from the threat point (when threats are
    declared), the predicted package valued directly for its reasons."""
    from zopa.recommend import recommend_scenario

    threat_point = None
    vt = result.variable_threats
    if vt is not None:
        # the threat game's shift of the disagreement point, applied to the deal problem's status quo
        # (the shift is paired on the valuation's paths; the status quo is valued on the deal space's)
        problem = result.analysis.problem
        inside = problem.inside or problem.batna  # the threat game's shift is measured from the status quo
        threat_point = (inside[0] + float(vt.point[0] - vt.batna[0]), inside[1] + float(vt.point[1] - vt.batna[1]))
    return recommend_scenario(result.scenario, result.analysis, result.space_valuation, result.settings.paths,
                              result.settings.seed, threat_point, result.negotiation)


def _sensitivity(result: JobResult, tick: Callable[[str], Any]) -> None:
    from zopa.sensitivity.engine import run_belief_gap, run_sobol, run_tornado

    s, st = result.scenario, result.settings
    sq = s.meta.status_quo
    first = next((p for p in s.packages if p != sq), None)
    outputs = [f"gain.{first}.{p}" for p in s.party_ids] if first else []
    space = s.deal_space is not None and st.sensitivity_space_paths > 0
    if space:
        outputs += [f"zopa.width.{p}" for p in s.party_ids]
    start = time.perf_counter()
    result.tornado = run_tornado(s, None, st.sensitivity_paths, st.sensitivity_space_paths if space else None,
                                 st.seed, outputs, progress=tick("sensitivity: tornado"))
    result.tornado_outputs = tuple(outputs)
    result.timings["tornado"] = time.perf_counter() - start
    if first:
        start = time.perf_counter()
        result.sobol = run_sobol(s, None, st.sobol_base, st.seed, [f"value.{first}.{p}" for p in s.party_ids])
        result.timings["sobol"] = time.perf_counter() - start
    if space and any(q.differs_by_party for q in _quantities(s)):
        start = time.perf_counter()
        result.belief_gap_mover = s.party_ids[1]
        result.belief_gap = run_belief_gap(s, result.belief_gap_mover, (0.0, 0.25, 0.5, 0.75, 1.0),
                                           st.belief_gap_paths, st.seed, progress=tick("sensitivity: belief gap"))
        result.timings["belief_gap"] = time.perf_counter() - start


def _quantities(scenario: Scenario) -> list[Any]:
    from zopa.scenario.references import iter_quantities

    return [q for _, q, _ in iter_quantities(scenario)]


def write_job(result: JobResult, out_dir: Path, scenario_path: Path | str | None, fmt: str = "parquet",
              command: str = "") -> Any:
    """Write the run directory (report, summary, tables, manifest, figures) for a finished job."""
    from zopa.report.recommendation import (
        branches_dict, recommendation_dict, recommendation_section, variable_threats_dict,
    )
    from zopa.report.run import write_run

    s = result.scenario
    names = {p: s.parties[p].name for p in s.party_ids}
    lead = []
    if result.analysis is not None:
        lead.append(recommendation_section(result.recommendation, result.branches, names, result.variable_threats))
    extra = {"recommendation": recommendation_dict(result.recommendation), "branches": branches_dict(result.branches),
             "variable_threats": variable_threats_dict(result.variable_threats, names)}
    outputs = write_run(out_dir, result.scenario, scenario_path, result.valuation, result.analysis,
                        result.space_valuation, extra_sections=result.sections(), fmt=fmt,  # type: ignore[arg-type]
                        command=command, timings=result.timings, negotiation=result.negotiation,
                        threats=result.threats, lead_sections=lead, extra_summary=extra)
    return outputs
