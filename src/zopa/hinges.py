"""What the recommendation hinges on: a quick tornado of the predicted settlement's gains.

The predicted package ``k*`` is written out as a named package (``recommended``) and valued with
the contract in force on ``m`` paths, once with every input uncertain as in the scenario and once
with each uncertain input ``x_i`` held at each party's 10% and at its 90% quantile
(:data:`zopa.sensitivity.engine.LOW`, :data:`~zopa.sensitivity.engine.HIGH`). The outputs are each
side's gain from the predicted settlement over the contract in force,
``g_p = U_p(k*) − U_p(status quo)`` (USD bn; ``U`` the certainty equivalent of a risk-averse party,
else the mean: what the party decides on), with paired standard errors. All ``2k + 1`` variants
see the same ``m`` paths of random noise (common random numbers), so the swings
``|g_p(x_i at 90%) − g_p(x_i at 10%)|`` are measured precisely.

How an input is held. As in :func:`zopa.sensitivity.engine.run_tornado`, holding an input means
every path draws it at the level's quantile of each party's belief, and the exit-value calibration
reprices the latest round with the input held. Inputs drawn on the paths are held through the
valuation's ``quantiles``: the variants of inputs that do not move the calibrated stake (checked on
:data:`CHECK_PATHS` paths: its values are bit-identical with the input at either end) keep the
scenario's calibration, and all of them are valued in *one* vectorised valuation — variant ``j``'s
rows are paths ``0 … m−1`` of the noise, each input at its own draw except the one held. Inputs
that move the stake are valued one variant at a time, recalibrated; inputs not drawn on the paths
(e.g. a party's risk aversion) through :func:`~zopa.sensitivity.engine.pin`. Two packages are valued
per variant, about ``(2k + 1)·m·2`` package-paths in all: :func:`hinge_paths` sizes ``m`` to a fixed
budget.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence

import numpy as np

#: Outputs, per party: the predicted settlement's gain over the contract in force.
OUTPUT = "gain.recommended.{party}"
#: Paths on which an input's effect on the calibrated stake is checked.
CHECK_PATHS = 512


def hinge_paths(n_inputs: int, budget: int = 40_000, most: int = 1_000, least: int = 200) -> int:
    """Paths per variant for ``n_inputs`` inputs: ``budget / (2k + 1)`` rounded down to a hundred,
    between ``least`` and ``most`` (deterministic, so the same settings give the same numbers).

    >>> hinge_paths(38), hinge_paths(3), hinge_paths(500)
    (500, 1000, 200)
    """
    m = budget // (2 * n_inputs + 1) // 100 * 100
    return int(min(max(m, least), most))


def drawn_inputs(scenario: Any, include: Sequence[str] | None = None) -> list[str]:
    """The uncertain inputs of ``scenario`` drawn on the paths (held through ``quantiles``)."""
    from zopa.sensitivity.engine import DRAWN_SECTIONS, uncertain_inputs

    return [i.path for i in uncertain_inputs(scenario, include) if i.path.startswith(DRAWN_SECTIONS)]


def calibration_movers(scenario: Any, paths: Sequence[str], levels: Sequence[float] = (0.1, 0.9), seed: int = 0,
                       n_paths: int = CHECK_PATHS) -> set[str]:
    """The inputs among ``paths`` whose holding at any of ``levels`` changes the calibrated stake's
    per-path values on ``n_paths`` paths (under any belief the calibration uses); none without a
    calibration."""
    from zopa.calibration import stake_value_paths

    if scenario.calibration is None:
        return set()
    base = {b: stake_value_paths(scenario, b, seed, n_paths) for b in scenario.calibration.beliefs}
    return {path for path in paths
            if any(not np.array_equal(stake_value_paths(scenario, b, seed, n_paths, 1.0, {path: level}), values)
                   for b, values in base.items() for level in levels)}


def variant_gains(variant: Any, n_paths: int, seed: int, quantiles: dict[str, float] | None,
                  fixed: dict[str, float]) -> dict[str, float]:
    """Each side's gain (and SE) from ``recommended`` over the contract in force in ``variant`` with
    inputs held: drawn ones at ``quantiles`` levels (recalibrated), others ``fixed`` by
    :func:`~zopa.sensitivity.engine.pin` (a module-level function, so a helper process can run it)."""
    from zopa.sensitivity.engine import pin
    from zopa.value import value_scenario

    sq = variant.meta.status_quo
    target = pin(variant, fixed) if fixed else variant
    v = value_scenario(target, n_paths, seed, packages=[sq, "recommended"], quantiles=quantiles or None)
    return _gains(v, sq)


def _gains(v: Any, sq: str) -> dict[str, float]:
    row = {}
    for p in v.parties:
        d = v.difference(p, "recommended", sq)
        row[OUTPUT.format(party=p)], row[OUTPUT.format(party=p) + ".se"] = d.value, d.value_se
    return row


def recommendation_tornado(scenario: Any, space_valuation: Any, package: int, n_paths: int, seed: int = 0,
                           include: Sequence[str] | None = None,
                           progress: Callable[[int, int], None] | None = None, helper: Any = None,
                           movers: set[str] | None = None) -> Any:
    """The tornado of :data:`OUTPUT` for deal-space package ``package`` (a
    :class:`~zopa.sensitivity.tornado.TornadoResult`; see the module docstring). ``helper`` (a
    :class:`zopa.workers.Helper`) values the variants valued alone beside the batch; ``movers``: the
    inputs :func:`calibration_movers` finds, when already known (the calibrated stake is the
    scenario's, whatever package is added to it)."""
    from zopa.workers import serial_blas, worker_threads
    from zopa.recommend import package_scenario
    from zopa.sensitivity.engine import DRAWN_SECTIONS, HIGH, LOW, UNPINNED, uncertain_inputs
    from zopa.sensitivity.tornado import InputRange, tornado
    from zopa.value import value_scenario
    from zopa.world import RandomStreams

    variant = package_scenario(scenario, space_valuation.space, package)
    sq = scenario.meta.status_quo
    packages = [sq, "recommended"]
    inputs = uncertain_inputs(scenario, include)
    ranges = [InputRange(i.path, UNPINNED, LOW, HIGH, label=i.label) for i in inputs]
    drawn = [i.path for i in inputs if i.path.startswith(DRAWN_SECTIONS)]
    if movers is None:
        movers = calibration_movers(variant, drawn, (LOW, HIGH), seed)
    batched = [p for p in drawn if p not in movers]
    m = n_paths

    def evaluate(levels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        n_rows = len(next(iter(levels.values())))
        held = [{k: float(v[r]) for k, v in levels.items() if abs(float(v[r]) - UNPINNED) > 1e-12} for r in range(n_rows)]
        together = [r for r in range(n_rows) if set(held[r]) <= set(batched)]
        alone = [r for r in range(n_rows) if r not in together]
        rows: dict[int, dict[str, float]] = {}
        done = {"batch": 0, "alone": 0}  # variants finished, for the progress report
        lock = threading.RLock()

        def report() -> None:
            if progress is not None:
                with lock:  # reports in order, so the count never goes back
                    progress(done["batch"] + done["alone"], n_rows)

        def batch_progress(paths_done: int, paths_total: int) -> None:
            with lock:
                done["batch"] = paths_done * len(together) // paths_total
            report()

        def batch() -> None:
            # one valuation for every variant that keeps the calibration: variant j on rows j·m … j·m + m − 1
            natural = RandomStreams(seed, 0, m)
            quantiles = {}
            for path in batched:
                column = np.tile(natural.uniforms(path), len(together))
                for j, r in enumerate(together):
                    if path in held[r]:
                        column[j * m:(j + 1) * m] = held[r][path]
                quantiles[path] = column
            total = m * len(together)
            v = value_scenario(variant, total, seed, packages=packages, quantiles=quantiles,
                               noise_paths=np.arange(total) % m, progress=batch_progress)
            for j, r in enumerate(together):
                part = slice(j * m, (j + 1) * m)
                rows[r] = _gains(dataclasses.replace(v, n_paths=m, values={k: x[part] for k, x in v.values.items()}), sq)

        def arguments(r: int) -> tuple:  # recalibrated, or rebuilt with the input fixed
            return (variant, m, seed, {k: x for k, x in held[r].items() if k in drawn},
                    {k: x for k, x in held[r].items() if k not in drawn})

        def single(r: int) -> None:
            rows[r] = variant_gains(*arguments(r))
            with lock:
                done["alone"] += 1
            report()

        if helper is not None and helper.parallel:
            # the variants valued alone go to the helper; whichever it has not started when the batch
            # is done are taken back and valued here
            pending = {r: helper.submit(variant_gains, *arguments(r)) for r in alone}
            if together:
                batch()
                report()
            for r in reversed(alone):
                if pending[r].cancel():
                    single(r)
            for r in alone:
                if r not in rows:
                    rows[r] = pending[r].result()
                    with lock:
                        done["alone"] += 1
                    report()
        else:
            tasks = ([batch] if together else []) + [functools.partial(single, r) for r in alone]
            workers = worker_threads(len(tasks))
            if workers > 1:  # independent valuations: numpy releases the GIL in its loops
                with serial_blas(), ThreadPoolExecutor(workers) as pool:
                    list(pool.map(lambda task: task(), tasks))
            else:
                for task in tasks:
                    task()
        return {name: np.array([rows[r][name] for r in range(n_rows)]) for name in rows[0]}

    return tornado(evaluate, ranges, [OUTPUT.format(party=p) for p in scenario.party_ids])


def top_drivers(result: Any, names: dict[str, str], n: int = 5) -> list[str]:
    """Plain-words lines: the inputs whose 10%–90% swing moves each side's gain most, noise marked."""
    lines = []
    for output in result.outputs:
        party = output.rsplit(".", 1)[1]
        rows = [r for r in result.rows[output] if np.isfinite(r.swing)][:n]
        if not rows:
            continue
        base = rows[0].output_base
        parts = [f"{r.label}: {r.output_low:+.3g} to {r.output_high:+.3g}" + (" (within noise)" if r.within_noise else "")
                 for r in rows]
        lines.append(f"{names.get(party, party)}'s gain ({base:+.3g}) moves most with " + "; ".join(parts) + ".")
    return lines


def hinges_dict(result: Any, n_paths: int) -> dict[str, Any] | None:
    """Plain data for summary.json: per party, the rows of the tornado, largest swing first."""
    if result is None:
        return None
    return {"paths": int(n_paths), "definition": "gain of the predicted settlement over the contract in force "
            "(certainty equivalent for a risk-averse party, else mean), each input at its 10% and 90% quantile",
            "outputs": {o.rsplit(".", 1)[1]: result.to_rows(o) for o in result.outputs}}
