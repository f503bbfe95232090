"""What the answer hinges on: the valuation engine as an evaluator for tornado, Sobol', belief-gap
and sweep analyses.

Inputs are named by their TOML path (``world.revenue.growth_initial``, ``inputs.dilution``); a
named input covers all its uses. An input is moved by its *quantile level*: each party's belief
is pinned at that quantile of its own distribution (level 0.1 = each side's 10% quantile), so
beliefs that differ stay different. Level 0.5 in a tornado batch means "leave the input uncertain".

Outputs (all USD bn of present value, the party's decision value: CE if risk averse, else mean):
``value.<package>.<party>``, ``gain.<package>.<party>`` (over the status quo), and for a deal space
``zopa.count``, ``zopa.width.<party>``, ``nash.gain.<party>``, ``nash.<issue>`` (numeric issues),
each with ``.se`` where Monte Carlo error applies.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence, overload

import numpy as np

from zopa.noise import NOISE
from zopa.results import PartyValue, Provenance, measure_of, per_party
from zopa.scenario.references import iter_quantities
from zopa.scenario.schema import Scenario
from zopa.value import value_scenario

#: Quantile levels of a tornado's low and high ends.
LOW, HIGH = 0.1, 0.9
#: Level meaning "leave the input as it is".
UNPINNED = 0.5
#: TOML sections whose quantities are drawn per path (usable in a per-path Sobol' design).
DRAWN_SECTIONS = ("world", "triggers", "inputs", "packages", "common_terms")


@dataclass(frozen=True)
class EngineInput:
    """An uncertain input: its path, unit, and each party's values at the low and high levels."""

    path: str
    unit: str
    values: dict[str, tuple[float, float]]  # party → (value at LOW, value at HIGH)

    @property
    def label(self) -> str:
        def num(x: float) -> str:
            return "never" if np.isinf(x) else f"{x:.4g}"

        parts = {f"{num(lo)}–{num(hi)}" for lo, hi in self.values.values()}
        if len(parts) == 1:
            return f"{self.path} ({parts.pop()})"
        return f"{self.path} (" + "; ".join(f"{p} {num(lo)}–{num(hi)}" for p, (lo, hi) in self.values.items()) + ")"


def uncertain_inputs(scenario: Scenario, include: Sequence[str] | None = None, drawn_only: bool = False) -> list[EngineInput]:
    """Inputs with a range (not fixed for every party), optionally only those whose path starts with
    one of ``include``. Uses of named inputs are covered by their ``inputs.<name>`` entry."""
    out = []
    for path, quantity, unit in iter_quantities(scenario):
        if quantity.input is not None or all(spec.is_fixed for spec in quantity.specs):
            continue
        if include and not any(path == i or path.startswith(i + ".") for i in include):
            continue
        if drawn_only and not path.startswith(DRAWN_SECTIONS):
            continue
        values = {p: (float(quantity.for_party(p).quantile(LOW)), float(quantity.for_party(p).quantile(HIGH)))
                  for p in scenario.party_ids}
        out.append(EngineInput(path, unit, values))
    if include:
        known = {i.path for i in out}
        unknown = [i for i in include if not any(k == i or k.startswith(i + ".") for k in known)]
        if unknown:
            raise ValueError(f"no uncertain input matches {', '.join(unknown)}; see `zopa sensitivity --list`")
    return out


# --- scenario transforms -------------------------------------------------------------------------


def _dump(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="python", by_alias=True, exclude_none=True)


def _locate(data: Any, path: str) -> tuple[Any, Any]:
    """The container and key of the node at a TOML path (list items named by ``id``/``name``/[i])."""
    node: Any = data
    parent: Any = None
    key: Any = None
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        parent = node
        if isinstance(node, list):
            if part.startswith("["):
                key = int(part.strip("[]"))
            else:
                key = next(i for i, item in enumerate(node) if isinstance(item, dict)
                           and (item.get("id") == part or item.get("name") == part))
        else:
            key = part
        node = parent[key]
    return parent, key


def replace_quantity(scenario: Scenario, path: str, make: Callable[[dict[str, Any], str], dict[str, Any]]) -> Scenario:
    """A copy of ``scenario`` whose quantity at ``path`` (every use, for ``inputs.<name>``) becomes
    ``make(spec_dict, party)`` per party."""
    data = _dump(scenario)

    def rebuilt(q: dict[str, Any]) -> dict[str, Any]:
        if q.get("shared") is not None:
            shared = q["shared"]
            per = {p: make(copy.deepcopy(shared), p) for p in scenario.party_ids}
        else:
            per = {p: make(copy.deepcopy(spec), p) for p, spec in q["by_party"].items()}
        if all(v == per[scenario.party_ids[0]] for v in per.values()):
            out: dict[str, Any] = {"shared": per[scenario.party_ids[0]]}
        else:
            out = {"by_party": per}
        if q.get("input"):
            out["input"] = q["input"]
        return out

    if path.startswith("inputs."):
        name = path.split(".", 1)[1]

        def walk(node: Any) -> Any:
            if isinstance(node, dict):
                if node.get("input") == name:  # a use: re-expanded from the new [inputs] entry on validation
                    return {"input": name}
                return {k: walk(v) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v) for v in node]
            return node

        data["inputs"][name] = {k: v for k, v in rebuilt(data["inputs"][name]).items() if k != "input"}
        data = {k: (v if k == "inputs" else walk(v)) for k, v in data.items()}
    else:
        parent, key = _locate(data, path)
        parent[key] = rebuilt(parent[key])
    from zopa.scenario.load import validate_data

    return validate_data(data, f"<{path} changed>")  # the same checks as a file: ranges, references


def pin(scenario: Scenario, levels: Mapping[str, float]) -> Scenario:
    """Each party's belief of each input held at the given quantile level (a fixed number)."""
    out = scenario
    for path, level in levels.items():
        q = _quantity_at(out, path)

        def fixed_at(spec: dict[str, Any], party: str, q: Any = q, level: float = level) -> dict[str, Any]:
            return {"dist": "fixed", "value": float(q.for_party(party).quantile(level)), "source": spec["source"]}

        out = replace_quantity(out, path, fixed_at)
    return out


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """Inputs set to given numbers (the same for both parties), e.g. for a sweep."""
    out = scenario
    for path, value in values.items():
        _quantity_at(out, path)

        def fixed(spec: dict[str, Any], party: str, v: float = float(value)) -> dict[str, Any]:
            return {"dist": "fixed", "value": v, "source": spec["source"]}

        out = replace_quantity(out, path, fixed)
    return out


def blend_beliefs(scenario: Scenario, mover: str, weight: float) -> Scenario:
    """``mover``'s beliefs moved ``weight`` of the way (quantile by quantile) to the other side's."""
    other = scenario.other(mover)
    out = scenario
    for path, quantity, _ in iter_quantities(scenario):
        if quantity.input is not None or quantity.by_party is None or not quantity.differs_by_party:
            continue

        def blended(spec: dict[str, Any], party: str, q: Any = quantity) -> dict[str, Any]:
            if party != mover:
                return spec
            target = q.for_party(other).model_dump(mode="python", by_alias=True)
            return {"dist": "blend", "a": spec, "b": target, "weight": float(weight), "source": spec["source"]}

        out = replace_quantity(out, path, blended)
    return out


def _quantity_at(scenario: Scenario, path: str) -> Any:
    import difflib

    paths = {p: q for p, q, _ in iter_quantities(scenario) if q.input is None}
    if path in paths:
        return paths[path]
    close = difflib.get_close_matches(path, list(paths), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "inputs are TOML paths such as world.revenue.growth_initial"
    raise ValueError(f"no input at {path!r} ({hint})")


# --- outputs -------------------------------------------------------------------------------------


def scenario_outputs(scenario: Scenario, n_paths: int, seed: int, space_paths: int | None,
                     quantiles: Mapping[str, float | np.ndarray] | None = None, thin: int = 1) -> dict[str, float]:
    """The standard outputs of one scenario (see the module docstring)."""
    v = value_scenario(scenario, n_paths, seed, quantiles=quantiles)
    sq = scenario.meta.status_quo
    out: dict[str, float] = {}
    for pkg in v.packages:
        for p in v.parties:
            e = v.estimate(pkg, p)
            out[f"value.{pkg}.{p}"], out[f"value.{pkg}.{p}.se"] = e.value, e.value_se
            if pkg != sq:
                d = v.difference(p, pkg, sq)
                out[f"gain.{pkg}.{p}"] = d.ce if d.ce is not None else d.mean
                out[f"gain.{pkg}.{p}.se"] = d.ce_se if d.ce_se is not None else d.se
    if space_paths and scenario.deal_space is not None:
        out.update(deal_space_outputs(scenario, space_paths, seed, quantiles, thin))
    return out


def thinned_space(scenario: Scenario, every: int) -> Any:
    """The deal space with every gridded (``range``) issue kept only at every ``every``-th option
    (and its last), for quick repeated analyses."""
    from dataclasses import replace

    from zopa.dealspace import expand

    assert scenario.deal_space is not None
    space = expand(scenario.deal_space)
    if every <= 1:
        return space
    keep = np.ones(space.n_packages, dtype=bool)
    for j, issue_id in enumerate(space.issue_ids):
        issue = scenario.deal_space.issues[issue_id]
        if issue.range is not None:
            n = len(issue.options)
            ok = np.zeros(n, dtype=bool)
            ok[::every] = True
            ok[-1] = True
            keep &= ok[space.choices[:, j]]
    return replace(space, choices=space.choices[keep])


def deal_space_outputs(scenario: Scenario, n_paths: int, seed: int,
                       quantiles: Mapping[str, float | np.ndarray] | None = None, thin: int = 1) -> dict[str, float]:
    from zopa.analysis import analyze_problem, problem_from_space
    from zopa.basis import value_space

    space = thinned_space(scenario, thin)
    analysis = analyze_problem(problem_from_space(value_space(scenario, n_paths, seed, expanded=space,
                                                              quantiles=quantiles)))
    parties = scenario.party_ids
    out = {"zopa.count": float(analysis.zopa.count), "zopa.robust_count": float(analysis.robust_count),
           f"zopa.width.{parties[0]}": analysis.zopa.width_1, f"zopa.width.{parties[1]}": analysis.zopa.width_2}
    nash = analysis.solutions.get("nash")
    if nash is not None:
        for i, p in enumerate(parties):
            out[f"nash.gain.{p}"], out[f"nash.gain.{p}.se"] = nash.gain[i], nash.gain_se[i]
        ds = scenario.deal_space
        assert ds is not None
        for j, (issue_id, issue) in enumerate(ds.issues.items()):
            option = issue.options[int(analysis.problem.choices[nash.package, j])]  # type: ignore[index]
            if isinstance(option, float):
                out[f"nash.{issue_id}"] = option
    return out


def tornado_evaluator(scenario: Scenario, n_paths: int, seed: int, space_paths: int | None,
                      progress: Callable[[int, int], None] | None = None,
                      thin: int = 4) -> Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]:
    """A batch evaluator: row ``m`` pins every input whose level is not 0.5 and runs the engine
    (same seed for every row: common random numbers make the swings precise)."""

    def evaluate(levels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        m = len(next(iter(levels.values())))
        rows: list[dict[str, float]] = []
        for i in range(m):  # one full engine run per variant
            pinned = {k: float(v[i]) for k, v in levels.items() if abs(float(v[i]) - UNPINNED) > 1e-12}
            rows.append(scenario_outputs(pin(scenario, pinned), n_paths, seed, space_paths, thin=thin))
            if progress is not None:
                progress(i + 1, m)
        names = sorted(set().union(*rows))
        return {n: np.array([r.get(n, np.nan) for r in rows]) for n in names}

    return evaluate


def run_tornado(scenario: Scenario, include: Sequence[str] | None = None, n_paths: int = 4_000,
                space_paths: int | None = 500, seed: int = 0, outputs: Sequence[str] | None = None,
                progress: Callable[[int, int], None] | None = None, thin: int = 4) -> Any:
    """One-at-a-time swings of every uncertain input from its 10% to its 90% quantile. The deal
    space is analysed with ``space_paths`` paths on a grid thinned ``thin``-fold (0 = skip it)."""
    from zopa.sensitivity.tornado import InputRange, tornado

    inputs = uncertain_inputs(scenario, include)
    ranges = [InputRange(i.path, UNPINNED, LOW, HIGH, label=i.label) for i in inputs]
    made = Provenance("monte-carlo valuation per variant",
                      {"levels": (LOW, HIGH), "space_paths": space_paths or 0, "thin": thin}, seed, n_paths)
    return tornado(tornado_evaluator(scenario, n_paths, seed, space_paths, progress, thin), ranges, outputs,
                   provenance=made)


def run_sobol(scenario: Scenario, include: Sequence[str] | None = None, n_base: int = 256, seed: int = 0,
              outputs: Sequence[str] | None = None, progress: Callable[[int, int], None] | None = None) -> Any:
    """Sobol' indices of each package's per-path value over the drawn inputs' quantile levels.

    Each Saltelli row is one Monte Carlo path with its inputs set to the row's levels (one vectorised
    engine run for the whole design). The ``k + 2`` rows built from one base sample share their revenue
    shocks and chance events (common random numbers), so the estimators compare like with like; that
    noise still counts as unexplained variance (first-order indices sum to less than one).
    ``progress(done, total)`` reports the design's rows valued."""
    from zopa.sensitivity.sobol import uniform_problem, sobol_indices

    inputs = uncertain_inputs(scenario, include, drawn_only=True)
    problem = uniform_problem({i.path: (1e-6, 1 - 1e-6) for i in inputs})
    sq = scenario.meta.status_quo

    block = len(inputs) + 2  # SALib's row order: A, AB_1 … AB_k, B for each base sample

    def evaluate(levels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        m = len(next(iter(levels.values())))
        v = value_scenario(scenario, m, seed, quantiles=levels, noise_paths=np.arange(m) // block, progress=progress)
        out = {}
        for pkg in v.packages:
            for p in v.parties:
                out[f"value.{pkg}.{p}"] = v.values[(pkg, p, p)]
                if pkg != sq:
                    out[f"gain.{pkg}.{p}"] = v.values[(pkg, p, p)] - v.values[(sq, p, p)]
        return out

    result = sobol_indices(evaluate, problem, n_base=n_base, seed=seed, outputs=outputs)
    made = result.provenance
    if made is not None:  # one Monte Carlo path per Saltelli row
        made = Provenance(made.method, {**made.parameters, "common_noise_block": block}, seed, result.n_evaluations)
    return dataclasses.replace(result, provenance=made)


@dataclass(frozen=True)
class BeliefGapPoint:
    """The deal at one step of moving ``mover``'s beliefs toward the other side's."""

    fraction: float
    zopa_count: int
    width: tuple[float, float]
    nash_gain: tuple[float, float]
    nash_gain_se: tuple[float, float]
    nash_choices: dict[str, str]
    joint_gain: float  # under each side's own beliefs
    bet: float  # the part of the joint gain that comes from disagreement
    created: float  # the part both sides would agree exists


@dataclass(frozen=True)
class BeliefGapRun(Sequence[BeliefGapPoint]):
    """The points of :func:`run_belief_gap`, in order of ``fractions`` (a sequence of
    :class:`BeliefGapPoint`), with who moved, the parties and how the points were computed."""

    points: tuple[BeliefGapPoint, ...]
    mover: str
    parties: tuple[str, str]
    risk_aversion: tuple[float | None, float | None] = (None, None)
    provenance: Provenance | None = field(default=None, compare=False)

    @overload
    def __getitem__(self, i: int) -> BeliefGapPoint: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[BeliefGapPoint, ...]: ...

    def __getitem__(self, i: int | slice) -> BeliefGapPoint | tuple[BeliefGapPoint, ...]:
        return self.points[i]

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[BeliefGapPoint]:
        return iter(self.points)

    def nash_values(self, point: BeliefGapPoint) -> dict[str, PartyValue]:
        """Each side's gain at the point's Nash package (own beliefs), with its paired SE."""
        return per_party(self.parties, point.nash_gain, point.nash_gain_se,
                         [measure_of(a) for a in self.risk_aversion])


def run_belief_gap(scenario: Scenario, mover: str, fractions: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
                   n_paths: int = 1_000, seed: int = 0,
                   progress: Callable[[int, int], None] | None = None) -> BeliefGapRun:
    """Move ``mover``'s beliefs 0 … 100% of the way to the other side's and re-analyse the deal.

    At the Nash package, each side's gain is valued under its own and under the other side's
    beliefs: ``bet = ½[(g_A^A − g_A^B) + (g_B^B − g_B^A)]`` is what each side expects to win on the
    disagreement itself, ``created = joint gain − bet`` the gain they would agree on. With identical
    beliefs the bet is exactly zero. Every step values the deal space on ``n_paths`` paths from
    ``seed`` (common random numbers across steps)."""
    from zopa.analysis import analyze_problem, problem_from_space
    from zopa.basis import value_space

    if mover not in scenario.parties:
        raise ValueError(f"unknown party {mover!r}; parties: {', '.join(scenario.party_ids)}")
    a, b = scenario.party_ids
    points = []
    for step, f in enumerate(fractions):
        variant = blend_beliefs(scenario, mover, f)
        own = value_space(variant, n_paths, seed)
        analysis = analyze_problem(problem_from_space(own))
        nash = analysis.solutions.get("nash")
        if nash is None:
            points.append(BeliefGapPoint(f, 0, (0.0, 0.0), (0.0, 0.0), (0.0, 0.0), {}, 0.0, 0.0, 0.0))
            continue
        swapped = value_space(variant, n_paths, seed, expanded=own.space, beliefs={a: b, b: a})
        k = nash.package
        other_gain = [swapped.parties[p].utility[k] - swapped.parties[p].batna for p in (a, b)]
        bet = 0.5 * ((nash.gain[0] - other_gain[0]) + (nash.gain[1] - other_gain[1]))
        joint = nash.gain[0] + nash.gain[1]
        points.append(BeliefGapPoint(f, analysis.zopa.count, (analysis.zopa.width_1, analysis.zopa.width_2),
                                     nash.gain, nash.gain_se, nash.choices, joint, bet, joint - bet))
        if progress is not None:
            progress(step + 1, len(fractions))
    made = Provenance("belief gap (deal-space analysis per step)",
                      {"mover": mover, "fractions": tuple(float(f) for f in fractions), "noise_z": NOISE.z},
                      seed, n_paths)
    ra = tuple(float(q.for_party(p).mean()) if (q := scenario.parties[p].risk_aversion) is not None else None
               for p in (a, b))
    return BeliefGapRun(tuple(points), mover, (a, b), (ra[0], ra[1]), made)


def sweep_point(params: dict[str, Any], seed: int, scenario: str = "openai_microsoft_2025", n_paths: int = 2_000,
                space_paths: int | None = 300) -> dict[str, Any]:
    """One sweep point: the scenario (a built-in name or a file path) with ``params`` set, analysed.
    A top-level function, so Dask can ship it to workers."""
    from pathlib import Path

    from zopa.scenario import builtin_path, builtin_scenarios, load_scenario

    base = load_scenario(builtin_path(scenario) if scenario in builtin_scenarios() else Path(scenario))
    numeric = {k: float(v) for k, v in params.items()}
    return scenario_outputs(with_values(base, numeric), n_paths, seed, space_paths)
