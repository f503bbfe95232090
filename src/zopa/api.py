"""The library in seven calls, plus tables: what the command line does, as typed functions.

``import zopa`` is cheap; each function loads the engine when first called::

    import zopa
    s = zopa.load()                                   # the built-in case (or a name, or a TOML path)
    v = zopa.value(s, paths=20_000)                   # every package, both parties, both beliefs
    a = zopa.analyze(s)                               # the deal space: ZOPA, solutions, error bars
    n = zopa.negotiate(s, "boulware", "conceder")     # alternating offers to the deadline
    t = zopa.threats(s)                               # the threat game, solved
    h = zopa.sensitivity(s, inputs=["world.agi"])     # a tornado of what the answer hinges on
    job = zopa.run(s)                                 # the main job (zopa run), optionally written out
    zopa.to_frame(v)                                  # any of these as a pandas DataFrame

Values are USD billions of present value; ``utility``/``value`` is what a party decides on (its
certainty equivalent when risk averse, else the mean), ``se`` one Monte Carlo standard error.

Valuations are shared: every call with the same scenario (by digest), seed and paths reuses the
valuation already made in this process; ``cache=True`` also keeps it on disk for later processes
(:mod:`zopa.cache`; ``cache=False``: always compute).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, Union

if TYPE_CHECKING:  # pragma: no cover - types only
    import pandas as pd

    from zopa.analysis import Analysis
    from zopa.cache import Cache
    from zopa.negotiate.scenario import ScenarioNegotiation
    from zopa.pipeline import JobResult
    from zopa.scenario.schema import Scenario
    from zopa.sensitivity.tornado import TornadoResult
    from zopa.threats.scenario import ThreatAnalysis
    from zopa.value import Valuation

__all__ = ["load", "value", "analyze", "negotiate", "threats", "sensitivity", "run", "to_frame"]

ScenarioLike = Union["Scenario", str, Path, None]
CacheLike = Union["Cache", bool, str, Path, None]


def load(scenario: str | Path | None = None) -> "Scenario":
    """A validated scenario: ``None`` for the built-in case, a built-in name, or a TOML path.

    Raises :class:`zopa.scenario.ScenarioError` listing every problem of a bad file.

    >>> s = load()
    >>> s.party_ids, len(s.packages)
    (['openai', 'microsoft'], 9)
    """
    from zopa.scenario import builtin_path, builtin_scenarios, load_scenario

    if scenario is None:
        return load_scenario(builtin_path())
    if isinstance(scenario, str) and scenario in builtin_scenarios() and not Path(scenario).exists():
        return load_scenario(builtin_path(scenario))
    return load_scenario(Path(scenario))


def _scenario(scenario: ScenarioLike) -> "Scenario":
    from zopa.scenario.schema import Scenario

    return scenario if isinstance(scenario, Scenario) else load(scenario)  # type: ignore[arg-type]


def _cache(cache: CacheLike) -> "Cache":
    from zopa.cache import resolve

    return resolve(cache)


def value(scenario: ScenarioLike = None, paths: int = 20_000, seed: int = 0, packages: Sequence[str] | None = None,
          cache: CacheLike = None) -> "Valuation":
    """Every package (or ``packages``) valued for both parties under both parties' beliefs.

    ``valuation.estimate(package, party)`` is the value under the party's own beliefs (mean ± SE;
    ``ce`` for a risk-averse party), ``valuation.difference(party, package, reference)`` a paired gain.

    >>> v = value(paths=400, packages=["status_quo", "openai_offer"])
    >>> frame = to_frame(v)
    >>> frame.shape[0], sorted(set(frame["beliefs"]))   # 2 packages x 2 parties x 2 belief sets
    (8, ['microsoft', 'openai'])
    """
    s = _scenario(scenario)
    return _cache(cache).valuation(s, paths, seed, packages=list(packages) if packages else None)


def analyze(scenario: ScenarioLike = None, paths: int = 20_000, seed: int = 0, cache: CacheLike = None,
            progress: Callable[[int, int], None] | None = None) -> "Analysis":
    """The deal-space analysis: BATNAs, the ZOPA, bargaining solutions with error bars, deadline
    bargaining and the Nash package's bootstrap stability (without a deal space: over the named
    packages). ``analysis.verdict()`` says it in words.

    >>> a = analyze(paths=300)
    >>> a.problem.n_packages, a.zopa.exists in (True, False)
    (141120, True)
    >>> to_frame(a).shape[0]
    141120
    """
    from zopa.analysis import analyze_scenario
    from zopa.workers import serial_blas
    from zopa.workers import Helper

    s = _scenario(scenario)
    with serial_blas(), Helper() as helper:
        return analyze_scenario(s, paths, seed, progress=progress, cache=_cache(cache), helper=helper)[0]


def negotiate(scenario: ScenarioLike = None, a: str = "boulware", b: str = "conceder", paths: int = 20_000,
              seed: int = 0, opponent_model: str = "known", analysis: "Analysis | None" = None,
              cache: CacheLike = None) -> "ScenarioNegotiation":
    """Alternating offers round by round to the deadline between strategies ``a`` and ``b``
    (boulware, linear, conceder, hardliner, tit_for_tat, deadline) on the deal space's packages.

    >>> n = negotiate(paths=300)
    >>> n.strategies, list(to_frame(n).columns[:4])
    (('boulware', 'conceder'), ['round', 'date', 'proposer', 'package'])
    """
    from zopa.negotiate.scenario import negotiate_scenario

    s = _scenario(scenario)
    problem = (analysis or analyze(s, paths, seed, cache)).problem
    return negotiate_scenario(s, problem, a, b, seed=seed, opponent_model=opponent_model)


def threats(scenario: ScenarioLike = None, paths: int = 20_000, seed: int = 0,
            cache: CacheLike = None) -> "ThreatAnalysis":
    """The scenario's threat game solved by backward induction: which threats are credible and
    where the disagreement point moves (``analysis.checks``, ``analysis.shift``).

    >>> t = threats(paths=400)
    >>> sorted(to_frame(t).columns)[:3]
    ['chosen', 'credible', 'path']
    """
    from zopa.threats.scenario import analyze_threats

    s = _scenario(scenario)
    valuation = _cache(cache).valuation(s, paths, seed)
    return analyze_threats(s, paths, seed, valuation=valuation)


def sensitivity(scenario: ScenarioLike = None, inputs: Sequence[str] | None = None,
                outputs: Sequence[str] | None = None, paths: int = 4_000, space_paths: int | None = 500,
                seed: int = 0, thin: int = 4) -> "TornadoResult":
    """A tornado: each uncertain input (or those under ``inputs``) from its 10% to its 90% quantile,
    the outputs (default: each side's gain from the first package on the table; with
    ``space_paths``, the ZOPA widths and the Nash stake) recomputed at both ends on common random
    numbers. Output names are those of :mod:`zopa.sensitivity.engine`.

    >>> r = sensitivity(inputs=["world.exit"], paths=300, space_paths=None)
    >>> r.outputs
    ('gain.openai_offer.openai', 'gain.openai_offer.microsoft')
    >>> to_frame(r)["input"].unique().tolist()
    ['world.exit.revenue_multiple']
    """
    from zopa.sensitivity.engine import run_tornado

    s = _scenario(scenario)
    if outputs is None:
        sq = s.meta.status_quo
        first = next((p for p in s.packages if p != sq), None)
        outputs = [f"gain.{first}.{p}" for p in s.party_ids] if first else []
        if space_paths and s.deal_space is not None:
            outputs += [f"zopa.width.{p}" for p in s.party_ids]
    return run_tornado(s, list(inputs) if inputs else None, paths, space_paths or None, seed, list(outputs),
                       thin=thin)


def run(scenario: ScenarioLike = None, paths: int = 20_000, space_paths: int | None = None, seed: int = 0,
        sensitivity: bool = False, hinges: bool = True, branches: bool = True, out: str | Path | None = None,
        cache: CacheLike = None, progress: Callable[[str, int, int], None] | None = None,
        **settings: Any) -> "JobResult":
    """The main job (``zopa run``): package values, the deal space, a negotiation, the threat games,
    the recommendation, what it hinges on and the modeller's branches; with ``out``, the run
    directory (report, summary.json, tables) is written there (which must not exist yet).
    ``space_paths`` defaults to ``paths``; other :class:`~zopa.pipeline.JobSettings` fields may be
    given by name.

    >>> job = run(paths=300, hinges=False, branches=False)
    >>> job.recommendation is not None, sorted(to_frame(job)["package"].unique())[:2]
    (True, ['agi_declared_early', 'asi_trigger'])
    """
    from zopa.pipeline import JobSettings, run_job, write_job

    s = _scenario(scenario)
    settings.setdefault("branch_paths", paths)
    job_settings = JobSettings(paths=paths, space_paths=paths if space_paths is None else space_paths, seed=seed,
                               sensitivity=sensitivity, hinges=hinges, branches=branches, **settings)
    result = run_job(s, job_settings, progress, cache=_cache(cache))
    if out is not None:
        from zopa.report.run_dir import new_run_dir

        target = new_run_dir(Path(out).parent, Path(out).name, False)
        write_job(result, target, None, command="zopa.run()")
    return result


# --- tables -----------------------------------------------------------------------------------------


def to_frame(result: Any) -> "pd.DataFrame":
    """A result as a pandas DataFrame (USD bn; one row per ...):

    * :class:`~zopa.value.Valuation`, or a :class:`~zopa.pipeline.JobResult` (its valuation):
      package × party × beliefs — ``mean``, ``se``, quantiles, ``ce``/``ce_se`` (risk-averse party,
      own beliefs), ``value``/``value_se`` (what the party decides on), ``gain``/``gain_se`` over the
      status quo (paired);
    * :class:`~zopa.analysis.Analysis`: package of the deal problem — each issue's option,
      ``utility.<party>``, ``utility_se.<party>``, ``gain.<party>``, ``gain_se.<party>`` over the BATNA,
      ``in_zopa``, ``robust`` (both gains clear of the noise) and ``frontier``;
    * :class:`~zopa.negotiate.scenario.ScenarioNegotiation`: offer, with each issue's option;
    * :class:`~zopa.threats.scenario.ThreatAnalysis`: threat checked for credibility;
    * :class:`~zopa.sensitivity.tornado.TornadoResult`: output × input of the tornado.
    """
    import pandas as pd

    from zopa.analysis import Analysis
    from zopa.value import Valuation

    if isinstance(result, Valuation):
        return _valuation_frame(result)
    if isinstance(result, Analysis):
        return _analysis_frame(result)
    kind = type(result).__name__
    if kind == "JobResult":
        return _valuation_frame(result.valuation)
    if kind == "ScenarioNegotiation":
        rows = []
        for row in result.trace_rows():
            terms = row.pop("terms")
            rows.append({**row, **{(k if k not in row else f"term: {k}"): v for k, v in terms.items()}})
        return pd.DataFrame(rows)
    if kind == "ThreatAnalysis":
        rows = [{**dataclasses.asdict(c), "path": " → ".join(c.path)} for c in result.checks]
        return pd.DataFrame(rows)
    if kind == "TornadoResult":
        return pd.DataFrame([{"output": o, **row} for o in result.outputs for row in result.to_rows(o)])
    raise TypeError(f"no table for a {kind}; expected a Valuation, Analysis, ScenarioNegotiation, ThreatAnalysis, "
                    "TornadoResult or JobResult")


def _valuation_frame(v: "Valuation") -> "pd.DataFrame":
    import pandas as pd

    sq = v.scenario.meta.status_quo
    rows = []
    for pkg in v.packages:
        for party in v.parties:
            for beliefs in v.parties:
                e = v.estimate(pkg, party, beliefs)
                row: dict[str, Any] = {"package": pkg, "label": v.scenario.packages[pkg].label, "party": party,
                                       "beliefs": beliefs, "mean": e.mean, "se": e.se, "q05": e.q05, "q50": e.q50,
                                       "q95": e.q95, "ce": e.ce, "ce_se": e.ce_se, "value": e.value,
                                       "value_se": e.value_se, "gain": None, "gain_se": None}
                if sq in v.packages and pkg != sq:
                    d = v.difference(party, pkg, sq, beliefs)
                    row["gain"], row["gain_se"] = d.value, d.value_se
                rows.append(row)
    return pd.DataFrame(rows)


def _analysis_frame(a: "Analysis") -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    from zopa.bargain import zopa_mask
    from zopa.bargain.noise import clear_of_noise

    p = a.problem
    columns: dict[str, Any] = {}
    if p.choices is not None:
        for j, issue in enumerate(p.issues):
            columns[issue.label or issue.id] = pd.Categorical.from_codes(p.choices[:, j], categories=list(issue.options))
    elif p.labels:
        columns["package"] = list(p.labels)
    gain = p.utility - np.asarray(p.batna)[:, None]
    for i, party in enumerate(p.parties):
        columns[f"utility.{party}"] = p.utility[i]
        if p.utility_se is not None:
            columns[f"utility_se.{party}"] = p.utility_se[i]
        columns[f"gain.{party}"] = gain[i]
        if p.gain_se is not None:
            columns[f"gain_se.{party}"] = p.gain_se[i]
    columns["in_zopa"] = zopa_mask(p.utility[0], p.utility[1], p.batna[0], p.batna[1])
    if p.gain_se is not None:
        columns["robust"] = np.all(clear_of_noise(gain, p.gain_se), axis=0)
    frontier = np.zeros(p.n_packages, dtype=bool)
    frontier[np.asarray(a.frontier, dtype=np.int64)] = True
    columns["frontier"] = frontier
    return pd.DataFrame(columns)
