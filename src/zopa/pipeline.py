"""The whole job, start to finish, as one library call: value the named packages, analyse the deal
space, play a negotiation, solve the threat game, find what the recommendation hinges on and (on
request) the sensitivity analyses, then write a run directory with the report. ``zopa run`` and
``zopa report`` are thin wrappers.

One valuation per run: the named packages are valued once (``paths``), the deal space once
(``space_paths``, by default the same paths, so its BATNAs *are* the named valuation's status quo and
outside options, path for path), and every stage reads those. With a :class:`zopa.cache.Cache` the
two valuations are also kept between runs and commands (keyed by scenario digest, seed, paths and
code version). Independent pieces — one party's deal-space columns, the restructured contract in
force, the calibration check, the branches, the predicted package's own valuation, hinge variants —
go to a helper process (:mod:`zopa.workers`) while the main one carries on; where they ran never
changes a number.

Which figure each stage uses: a party *decides on* its certainty equivalent (CE) when it is risk
averse and on the risk-neutral mean otherwise (:attr:`zopa.value.Estimate.value`). The deal space's
utilities and BATNAs, the threat game's payoffs, the recommendation's gains and the hinges are all
that decision value; the per-term breakdowns and the "own vs other side's beliefs" comparison are
risk-neutral means (terms are not additive in CE).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover - types only; the modules load when a job runs
    from zopa.cache import Cache
    from zopa.scenario.schema import Scenario
    from zopa.value import Valuation

Progress = Callable[[str, int, int], None]

#: Stage names reported to ``progress`` (done and total are paths, variants or jobs).
STAGES = ("valuing packages", "valuing the deal space", "bargaining analysis", "threats", "recommendation",
          "what the answer hinges on", "branches", "sensitivity: tornado", "sensitivity: Sobol'",
          "sensitivity: belief gap")


@dataclass(frozen=True)
class JobSettings:
    """How much work to do. ``paths``: named packages; ``space_paths``: the deal space (0 = skip);
    ``hinges``: the quick tornado of the recommendation (paths per variant sized by
    :func:`zopa.hinges.hinge_paths`, at most ``paths / 20``); ``branch_paths``: each branch's contract
    in force (as many as the headline's, so both carry the same Monte Carlo error), and
    ``branch_space_paths`` its deal space."""

    paths: int = 20_000
    space_paths: int = 20_000
    seed: int = 0
    negotiation: tuple[str, str] | None = ("boulware", "conceder")
    threats: bool = True
    hinges: bool = True
    hinge_budget: int = 40_000
    sensitivity: bool = False
    sensitivity_paths: int = 2_000
    sensitivity_space_paths: int = 300
    sobol_base: int = 1024
    belief_gap_paths: int = 600
    branches: bool = True
    branch_paths: int = 20_000
    branch_space_paths: int = 1_000


@dataclass
class JobResult:
    """Everything a job computed. ``hinges``: what the recommendation hinges on (a
    :class:`~zopa.sensitivity.tornado.TornadoResult` of each side's gain from the predicted
    settlement over the contract in force, ``hinge_paths`` paths per variant)."""

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
    hinges: Any = None
    hinge_paths: int = 0
    premium: dict[str, Any] | None = None  # party → restructuring premium (Estimate), when valued
    tornado: Any = None
    tornado_outputs: tuple[str, ...] = ()
    sobol: Any = None
    belief_gap: Any = None
    belief_gap_mover: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, Any]]:
        """The report sections beyond the core ones."""
        from zopa.report.sections import (
            belief_gap_section, hinges_section, negotiation_section, sobol_section, threats_section, tornado_section,
        )

        s = self.scenario
        names = {p: s.parties[p].name for p in s.party_ids}
        out = []
        if self.negotiation is not None:
            out.append(negotiation_section(self.negotiation))
        if self.threats is not None:
            out.append(threats_section(self.threats, names))
        if self.hinges is not None and self.recommendation is not None:
            out.append(hinges_section(self.hinges, self.hinge_paths, self.recommendation.choices))
        if self.tornado is not None:
            out.append(tornado_section(self.tornado, self.tornado_outputs))
        if self.sobol is not None:
            out.append(sobol_section(self.sobol))
        if self.belief_gap is not None and self.belief_gap_mover is not None:
            out.append(belief_gap_section(self.belief_gap, (names[s.party_ids[0]], names[s.party_ids[1]]),
                                          names[self.belief_gap_mover]))
        return out

    def summary_extra(self) -> dict[str, Any]:
        """The job's own parts of summary.json: the recommendation (with its hinges), the branches and
        the variable-threat game."""
        from zopa.hinges import hinges_dict
        from zopa.report.recommendation import branches_dict, recommendation_dict, variable_threats_dict
        from zopa.units import parse_unit

        s = self.scenario
        names = {p: s.parties[p].name for p in s.party_ids}
        rec = recommendation_dict(self.recommendation, parse_unit(s.meta.unit).short)
        if rec is not None:
            rec["hinges"] = hinges_dict(self.hinges, self.hinge_paths)
        return {"recommendation": rec, "branches": branches_dict(self.branches),
                "variable_threats": variable_threats_dict(self.variable_threats, names)}


def run_job(scenario: Scenario, settings: JobSettings = JobSettings(), progress: Progress | None = None,
            cache: "Cache | None" = None) -> JobResult:
    """Run every stage the settings ask for; ``progress(stage, done, total)`` reports each stage
    (:data:`STAGES`). ``cache``: where the valuations are kept (default: in process only)."""
    from zopa.workers import serial_blas
    from zopa.workers import Helper

    # a helper process takes the independent pieces (a party's deal-space columns, the branches, hinge
    # variants); BLAS single-threaded in both, so that they do not compete for the cores
    with serial_blas(), Helper() as helper:
        return _run_job(scenario, settings, progress, cache, helper)


def _run_job(scenario: Scenario, settings: JobSettings, progress: Progress | None, cache: "Cache | None",
             helper: Any) -> JobResult:
    from zopa.cache import Cache

    store = cache if cache is not None else Cache(None)

    def tick(stage: str, total: int = 0) -> Callable[[int, int], None] | None:
        """The progress callback of one stage; reports the stage's start (0 of ``total``) at once."""
        if progress is None:
            return None
        progress(stage, 0, total)
        return lambda done, of: progress(stage, done, of)

    timings: dict[str, float] = {}
    clock = _Clock(timings)
    branches = None
    run_branches = bool(scenario.branches) and settings.branches
    with_space = settings.space_paths > 0 and scenario.deal_space is not None
    # while the named packages are valued here, the helper starts on what needs nothing else: which
    # inputs move the calibration (for the hinges) and the restructured contract in force (premium)
    movers = restructured = None

    def queue_independent() -> None:
        nonlocal movers, restructured, branches
        if with_space and settings.hinges:
            from zopa.hinges import calibration_movers, drawn_inputs

            movers = helper.submit(calibration_movers, scenario, drawn_inputs(scenario), seed=settings.seed)
        if with_space and settings.space_paths == settings.paths and scenario.bargaining is not None:
            restructured = _restructured(scenario, settings, store, helper)
        if run_branches and not with_space:
            branches = _branches(scenario, settings, tick, helper)  # nothing to wait for

    with clock("valuation"):
        # the other party's belief worlds go to the helper first, then what needs nothing else
        valuation = store.valuation(scenario, settings.paths, settings.seed,
                                    progress=tick("valuing packages", settings.paths), helper=helper,
                                    queued=queue_independent)
    result = JobResult(scenario, settings, valuation, timings=timings)
    if settings.space_paths > 0 and (scenario.deal_space is not None or len(scenario.packages) > 1):
        from zopa.analysis import analyze_scenario

        space_paths = settings.space_paths if scenario.deal_space is not None else settings.paths
        if scenario.deal_space is not None:
            def queue_branches() -> None:  # the open questions' scenarios, behind the helper's deal-space share
                nonlocal branches
                if run_branches:
                    branches = _branches(scenario, settings, tick, helper)

            with clock("deal_space"):
                result.space_valuation = store.space(
                    scenario, space_paths, settings.seed, progress=tick("valuing the deal space", space_paths),
                    valuation=valuation if space_paths == settings.paths else None, helper=helper,
                    queued=queue_branches)
        with clock("analysis"):
            done = tick("bargaining analysis", 1)
            loss = None
            if space_paths == settings.paths and scenario.bargaining is not None:
                # the joint restructuring premium, valued once for the deadline model and the recommendation
                result.premium = _premium(scenario, valuation, store, restructured)
                loss = max(sum(e.value for e in result.premium.values()), 0.0)
            result.analysis, _ = analyze_scenario(scenario, space_paths, settings.seed, deadline_loss=loss,
                                                  valuation=valuation, space_valuation=result.space_valuation,
                                                  cache=store)
            if done:
                done(1, 1)
        if settings.negotiation is not None:
            from zopa.negotiate.scenario import negotiate_scenario

            with clock("negotiation"):
                result.negotiation = negotiate_scenario(scenario, result.analysis.problem, *settings.negotiation,
                                                        seed=settings.seed)
    problem = result.analysis.problem if result.analysis is not None else None
    if scenario.threats is not None and settings.threats:
        from zopa.threats.scenario import analyze_threats
        from zopa.threats.variable_scenario import analyze_variable_threats

        with clock("threats"):
            done = tick("threats", 1)
            space = result.space_valuation
            same_paths = space is not None and space.n_paths == settings.paths
            problem_paths = (lambda p, k: space.package_paths(p, k)) if same_paths else None
            result.threats = analyze_threats(scenario, settings.paths, settings.seed, valuation=valuation,
                                             problem=problem, problem_paths=problem_paths)
            result.variable_threats = analyze_variable_threats(scenario, valuation, problem)
            if done:
                done(1, 1)
    if result.analysis is not None:
        def hinges() -> None:  # once the predicted package is known, while its reasons are valued
            if settings.hinges and result.recommendation is not None and result.space_valuation is not None:
                with clock("hinges"):
                    _hinges(result, lambda total: tick("what the answer hinges on", total), helper,
                            movers.result() if movers is not None else None)

        done = tick("recommendation", 1)
        start = time.perf_counter()
        result.recommendation = _recommendation(result, store, helper, hinges)
        timings["recommendation"] = time.perf_counter() - start - timings.get("hinges", 0.0)
        if done:
            done(1, 1)
    if branches is not None:
        with clock("branches"):  # the time the job waited for them
            result.branches = _with_headline(result, branches.result())
        if progress is not None:
            n_options = sum(len(b.options) for b in scenario.branches.values())
            progress("branches", n_options, n_options)
    if settings.sensitivity:
        _sensitivity(result, tick)
    return result


def _branches(scenario: Scenario, settings: JobSettings, tick: Callable[..., Any], helper: Any) -> Any:
    """The branches' analysis, submitted to ``helper`` (a future; its progress is reported when done).
    An option that leaves the scenario as written is the headline itself: when the job analyses it
    on the branches' paths or more, its row is the job's own (:func:`_with_headline`), so each
    quantity has one value per run."""
    from zopa.branches import analyze_branches, branch_options

    options = branch_options(scenario)
    reused = _reused(scenario, settings)
    tick("branches", len(options))
    return helper.submit(analyze_branches, scenario, settings.branch_paths, settings.branch_space_paths,
                         settings.seed, options=[o for o in options if o not in reused])


def _reused(scenario: Scenario, settings: JobSettings) -> set[tuple[str, str]]:
    """The branch options whose rows are the job's own numbers: those equal to the scenario as
    written, when the job values its contract in force on the branches' paths and analyses it
    whenever the branches would."""
    from zopa.branches import headline_options

    same = settings.branch_paths == settings.paths and (settings.space_paths > 0 or settings.branch_space_paths == 0)
    return headline_options(scenario) if same else set()


def _with_headline(result: JobResult, rows: list[Any]) -> list[Any]:
    """The branch rows in the scenario's order, the headline options' rows from the job's results."""
    from zopa.branches import branch_options, branch_result

    s, st = result.scenario, result.settings
    reused = _reused(s, st)
    computed = iter(rows)
    space_paths = st.space_paths if s.deal_space is not None else st.paths
    return [branch_result(s, b, o, result.valuation, result.analysis, space_paths, True) if (b, o) in reused
            else next(computed) for b, o in branch_options(s)]


class _Clock:
    """``with clock(stage):`` adds the block's wall time to ``timings[stage]`` (seconds)."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def __call__(self, stage: str) -> "_Clock":
        self.stage = stage
        return self

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: Any) -> None:
        self.timings[self.stage] = self.timings.get(self.stage, 0.0) + time.perf_counter() - self.start


def _restructured(scenario: Scenario, settings: JobSettings, store: "Cache", helper: Any) -> Any:
    """The restructured contract in force valued in the helper (a future; None when it does not apply)."""
    from zopa.cache import cached_valuation
    from zopa.restructuring import with_restructured_status_quo

    sq = scenario.meta.status_quo
    if scenario.world.funding is None or scenario.packages[sq].restructured:
        return None
    variant, name = with_restructured_status_quo(scenario)
    return helper.submit(cached_valuation, store.root, store.enabled, variant, settings.paths, settings.seed, [name])


def _premium(scenario: Scenario, valuation: Valuation, store: "Cache", restructured: Any = None) -> dict[str, Any]:
    """Each party's restructuring premium (:func:`zopa.restructuring.restructuring_premium`) on the
    valuation's paths: only the restructured contract in force is valued (``restructured``: that
    valuation, pending), the contract in force is the valuation's."""
    from zopa.cache import with_packages
    from zopa.restructuring import with_restructured_status_quo

    sq = scenario.meta.status_quo
    if scenario.world.funding is None or scenario.packages[sq].restructured:
        return {}
    variant, name = with_restructured_status_quo(scenario)
    extra = restructured.result() if restructured is not None else \
        store.valuation(variant, valuation.n_paths, valuation.seed, packages=[name])
    v = with_packages(valuation, extra)
    return {p: v.difference(p, name, sq) for p in scenario.party_ids}


def _recommendation(result: JobResult, store: "Cache", helper: Any = None,
                    meanwhile: Callable[[], None] | None = None) -> Any:
    """The reconciled recommendation (:func:`zopa.recommend.recommend_scenario`): patience-weighted
    Nash from the threat point (when threats are declared), the predicted package valued directly for
    its reasons on the valuation's paths (in ``helper``, while ``meanwhile()`` runs with
    ``result.recommendation`` already naming the package), and the restructuring premium already
    valued."""
    from zopa.cache import cached_valuation, with_packages
    from zopa.recommend import package_scenario, recommend
    from zopa.results import PartyValue, Provenance

    threat_point = None
    vt = result.variable_threats
    if vt is not None:
        # the threat game's shift of the disagreement point, applied to the deal problem's status quo
        # (the shift is paired on the valuation's paths; the status quo is valued on the deal space's)
        problem = result.analysis.problem
        inside = problem.inside or problem.batna  # the threat game's shift is measured from the status quo
        threat_point = (inside[0] + float(vt.point[0] - vt.batna[0]), inside[1] + float(vt.point[1] - vt.batna[1]))
    s, v = result.scenario, result.valuation
    space_paths = int(getattr(result.space_valuation, "n_paths", v.n_paths))
    made = Provenance("deal-space analysis", {"reason_paths": v.n_paths}, v.seed, space_paths)
    first = recommend(result.analysis, threat_point, result.negotiation, provenance=made)
    result.recommendation = first  # the package is settled; its reasons follow
    if first is None or result.space_valuation is None:
        if meanwhile is not None:
            meanwhile()
        return first
    variant = package_scenario(s, result.space_valuation.space, first.package)
    pending = helper.submit(cached_valuation, store.root, store.enabled, variant, v.n_paths, v.seed,
                            ["recommended"]) if helper is not None else None
    if meanwhile is not None:
        meanwhile()
    extra = pending.result() if pending is not None else \
        store.valuation(variant, v.n_paths, v.seed, packages=["recommended"])
    named = with_packages(v, extra)
    premium = result.premium if result.premium is not None else _premium(s, v, store)
    prem = {p: PartyValue.of(premium[p]) for p in first.parties} if premium else None
    return recommend(result.analysis, threat_point, result.negotiation, package_valuation=named,
                     package_name="recommended", premium=prem, provenance=made)


def _hinges(result: JobResult, tick: Callable[[int], Callable[[int, int], None] | None], helper: Any = None,
            movers: set[str] | None = None) -> None:
    """The quick tornado of the recommendation, on :func:`~zopa.hinges.hinge_paths` paths per variant;
    ``tick(variants)`` starts the stage's progress."""
    from zopa.hinges import hinge_paths, recommendation_tornado
    from zopa.sensitivity.engine import uncertain_inputs

    s, st = result.scenario, result.settings
    n_inputs = len(uncertain_inputs(s))
    if n_inputs == 0:
        return
    m = min(hinge_paths(n_inputs, st.hinge_budget), max(200, st.paths // 20))
    result.hinges = recommendation_tornado(s, result.space_valuation, result.recommendation.package, m, st.seed,
                                           progress=tick(2 * n_inputs + 1), helper=helper, movers=movers)
    result.hinge_paths = m


def _sensitivity(result: JobResult, tick: Callable[..., Any]) -> None:
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
                                 st.seed, outputs, progress=tick("sensitivity: tornado", 2 * _n_inputs(s) + 1))
    result.tornado_outputs = tuple(outputs)
    result.timings["tornado"] = time.perf_counter() - start
    if first:
        start = time.perf_counter()
        result.sobol = run_sobol(s, None, st.sobol_base, st.seed, [f"value.{first}.{p}" for p in s.party_ids],
                                 progress=tick("sensitivity: Sobol'", 1))
        result.timings["sobol"] = time.perf_counter() - start
    if space and any(q.differs_by_party for q in _quantities(s)):
        start = time.perf_counter()
        result.belief_gap_mover = s.party_ids[1]
        result.belief_gap = run_belief_gap(s, result.belief_gap_mover, (0.0, 0.25, 0.5, 0.75, 1.0),
                                           st.belief_gap_paths, st.seed, progress=tick("sensitivity: belief gap", 5))
        result.timings["belief_gap"] = time.perf_counter() - start


def _n_inputs(scenario: Scenario) -> int:
    from zopa.sensitivity.engine import uncertain_inputs

    return len(uncertain_inputs(scenario))


def _quantities(scenario: Scenario) -> list[Any]:
    from zopa.scenario.references import iter_quantities

    return [q for _, q, _ in iter_quantities(scenario)]


def write_job(result: JobResult, out_dir: Path, scenario_path: Path | str | None, fmt: str = "parquet",
              command: str = "") -> Any:
    """Write the run directory (report, summary, tables, manifest, figures) for a finished job."""
    from zopa.report.recommendation import recommendation_section
    from zopa.report.run import write_run

    s = result.scenario
    names = {p: s.parties[p].name for p in s.party_ids}
    lead = []
    if result.analysis is not None:
        lead.append(recommendation_section(result.recommendation, result.branches, names, result.variable_threats))
    extra = result.summary_extra()
    outputs = write_run(out_dir, result.scenario, scenario_path, result.valuation, result.analysis,
                        result.space_valuation, extra_sections=result.sections(), fmt=fmt,  # type: ignore[arg-type]
                        command=command, timings=result.timings, negotiation=result.negotiation,
                        threats=result.threats, lead_sections=lead, extra_summary=extra)
    return outputs
