"""What the answer hinges on: sensitivity, beliefgap, sweep."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from zopa.cli.common import (
    PATHS_HELP, SCENARIO_HELP, SEED_HELP, StageProgress, app, console, err_console, fail, guarded, load,
)


@app.command()
def sensitivity(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    inputs: Optional[str] = typer.Option(None, "--inputs", help="Comma-separated input paths or prefixes "
                                         "(e.g. world.agi,inputs.dilution); default: every uncertain input."),
    output: Optional[list[str]] = typer.Option(None, "--output", "-o", help="Output(s) to rank inputs by (repeatable); "
                                               "default: each side's gain from the first non-status-quo package, "
                                               "the ZOPA widths and the Nash stake."),
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help="Paths for the named packages."),
    space_paths: int = typer.Option(500, "--space-paths", min=0, help="Paths for the deal space (0: skip it)."),
    thin: int = typer.Option(4, "--thin", min=1, help="Keep every n-th value of gridded issues in the deal space."),
    sobol: bool = typer.Option(False, "--sobol/--no-sobol", help="Also compute Sobol' indices (per-path design)."),
    n_base: int = typer.Option(1024, "--n-base", help="Sobol' base sample size (a power of two)."),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    list_inputs: bool = typer.Option(False, "--list", help="List the uncertain inputs and exit."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Which assumptions decide the answer: a tornado over inputs' 10%–90% ranges (and Sobol' indices)."""

    def go() -> None:
        from zopa.report.sensitivity_terminal import sobol_table, tornado_table
        from zopa.report.safe import clean_text
        from zopa.sensitivity.engine import run_sobol, run_tornado, uncertain_inputs

        s = load(scenario)
        include = [x.strip() for x in inputs.split(",") if x.strip()] if inputs else None
        if list_inputs:
            for item in uncertain_inputs(s, include):
                console.print(clean_text(item.label), markup=False)
            return
        wanted = list(output) if output else default_outputs(s, space_paths > 0)
        n_inputs = len(uncertain_inputs(s, include))
        with StageProgress(quiet=as_json) as progress:
            stage = "sensitivity: tornado"
            progress(stage, 0, 2 * n_inputs + 1)
            result = run_tornado(s, include, paths, space_paths or None, seed, wanted,
                                 progress=lambda done, total: progress(stage, done, total), thin=thin)
            indices = None
            if sobol:
                progress("sensitivity: Sobol'", 0, 1)
                indices = run_sobol(s, include, n_base, seed, [w for w in wanted if w.startswith(("value.", "gain."))],
                                    progress=lambda done, total: progress("sensitivity: Sobol'", done, total))
        if as_json:
            data = {"tornado": {o: result.to_rows(o) for o in result.outputs}}
            if indices is not None:
                data["sobol"] = {o: indices.to_rows(o) for o in indices.outputs}
            sys.stdout.write(json.dumps(data, indent=2, default=float) + "\n")
            return
        for o in result.outputs:
            console.print(tornado_table(result, o))
        if indices is not None:
            for o in indices.outputs:
                console.print(sobol_table(indices, o))

    guarded(go)


def default_outputs(scenario: Any, with_space: bool) -> list[str]:
    """Each side's gain from the first package on the table, and the deal-space headline numbers."""
    sq = scenario.meta.status_quo
    first = next((p for p in scenario.packages if p != sq), None)
    out = [f"gain.{first}.{p}" for p in scenario.party_ids] if first else []
    if with_space and scenario.deal_space is not None:
        out += [f"zopa.width.{p}" for p in scenario.party_ids]
        numeric = [i for i, issue in scenario.deal_space.issues.items() if issue.range is not None]
        out += [f"nash.{i}" for i in numeric[:1]]
    return out


@app.command()
def beliefgap(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    mover: Optional[str] = typer.Option(None, "--mover", help="Party whose beliefs move (default: the second party)."),
    steps: int = typer.Option(5, "--steps", min=2, help="Points from 0% to 100% of the way."),
    paths: int = typer.Option(1_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Move one side's beliefs toward the other's: how the ZOPA and the settlement change, and how much
    of the joint gain is a bet on the disagreement rather than created value."""

    def go() -> None:
        from dataclasses import asdict

        from zopa.report.sensitivity_terminal import belief_gap_table
        from zopa.sensitivity.engine import run_belief_gap

        s = load(scenario)
        who = mover or s.party_ids[1]
        fractions = [i / (steps - 1) for i in range(steps)]
        with StageProgress(quiet=as_json) as progress:
            stage = "sensitivity: belief gap"
            progress(stage, 0, steps)
            points = run_belief_gap(s, who, fractions, paths, seed,
                                    progress=lambda done, total: progress(stage, done, total))
        if as_json:
            sys.stdout.write(json.dumps([asdict(p) for p in points], indent=2, default=float) + "\n")
            return
        names = (s.parties[s.party_ids[0]].name, s.parties[s.party_ids[1]].name)
        console.print(belief_gap_table(points, names, s.parties[who].name))

    guarded(go)


@app.command()
def sweep(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    vary: Optional[list[str]] = typer.Option(None, "--vary", help="PATH=v1,v2,... (repeatable): a grid over inputs."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="A sweep file (TOML with vary or sample)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Sweep directory (default: zopa-sweeps/<timestamp>)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Local Dask workers."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of an existing Dask scheduler."),
    paths: int = typer.Option(2_000, "--paths", "-n", min=2, help="Paths per point."),
    space_paths: int = typer.Option(300, "--space-paths", min=0, help="Deal-space paths per point (0: skip)."),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Reuse finished points in the directory."),
    force: bool = typer.Option(False, "--force", help="Discard stored points of a different grid."),
) -> None:
    """Run many variants of a scenario on Dask; results in one Parquet table (and a DuckDB view)."""

    def go() -> None:
        import datetime as dt
        from functools import partial

        from zopa.sensitivity.engine import sweep_point
        from zopa.sensitivity.sweep_grid import grid_from_vary, load_sweep_file

        s = load(scenario)
        ref = str(Path(scenario).resolve()) if scenario and Path(scenario).exists() else (scenario or "openai_microsoft_2025")
        run_seed = seed
        if file is not None:
            spec = load_sweep_file(file)
            grid, run_seed = spec.grid, spec.seed if spec.seed is not None else seed
        elif vary:
            table = {}
            for item in vary:
                if "=" not in item:
                    fail(f"--vary {item}: expected PATH=v1,v2,... e.g. world.revenue.initial=10,12.7,15")
                key, values = item.split("=", 1)
                try:
                    table[key.strip()] = [float(v) for v in values.split(",") if v.strip()]
                except ValueError:
                    fail(f"--vary {item}: values must be numbers separated by commas")
            grid = tuple(grid_from_vary(table))
        else:
            fail("give --vary PATH=v1,v2,... or --file SWEEP.toml")
        from zopa.sensitivity.engine import _quantity_at

        for key in grid[0]:
            _quantity_at(s, key)  # unknown paths fail before any work starts
        target = out or Path("zopa-sweeps") / dt.datetime.now().strftime("sweep-%Y%m%d-%H%M%S")
        point = partial(sweep_point, scenario=ref, n_paths=paths, space_paths=space_paths or None)
        result = run_sweep_cli(point, grid, target, run_seed, scheduler, workers, resume, force)
        from zopa.report.safe import term_text
        from zopa.sensitivity.sweep import sweep_summary, sweep_summary_table

        summary = sweep_summary(result.table(), s.party_ids, params=list(grid[0]))
        from zopa.units import parse_unit

        console.print(sweep_summary_table(summary, s.party_ids, {p: term_text(s.parties[p].name) for p in s.party_ids},
                                          unit=parse_unit(s.meta.unit).short))
        console.print(f"{result.n_ok}/{result.n_points} points ok, {result.n_error} failed "
                      f"(computed {len(result.computed)}, reused {len(result.reused)})")
        console.print(f"results: {result.parquet_path}  (DuckDB view `results` in {result.duckdb_path})")

    guarded(go)


def run_sweep_cli(point: Any, grid: Any, target: Path, seed: int, scheduler: Any, workers: int, resume: bool,
                  force: bool) -> Any:
    from zopa.sensitivity.sweep import run_sweep

    if err_console.is_terminal:  # run_sweep's own bar
        return run_sweep(point, grid, target, seed, scheduler=scheduler, n_workers=workers, resume=resume,
                         progress=True, force=force)
    done = [0]
    with StageProgress() as progress:  # plain lines on stderr: points computed (stored ones are reused)

        def landed(record: Any) -> None:
            done[0] += 1
            progress("sweep", done[0], len(grid))

        progress("sweep", 0, len(grid))
        result = run_sweep(point, grid, target, seed, scheduler=scheduler, n_workers=workers, resume=resume,
                           progress=False, force=force, on_point=landed)
        progress("sweep", len(grid), len(grid))
        return result
