"""The ``zopa`` command line: parses, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import typer
from rich.console import Console

from zopa.scenario import ScenarioError

app = typer.Typer(
    name="zopa",
    help="War-game a deal renegotiation: value the terms, find the ZOPA, predict the settlement.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True)

SCENARIO_HELP = "Scenario TOML file or built-in name (default: the built-in OpenAI–Microsoft case)."
PATHS_HELP = "Monte Carlo paths."
SEED_HELP = "Random seed; the same seed gives the same numbers."


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear line per problem to stderr and exit (2 = bad input)."""
    err_console.print(message, markup=False, highlight=False, soft_wrap=True, emoji=False)
    raise typer.Exit(code)


def load(scenario: Optional[str]) -> Any:
    """Resolve a path or a built-in name to a validated scenario, or exit 2 with the problems."""
    from zopa.scenario import builtin_path, builtin_scenarios, load_scenario

    if scenario is None:
        target = builtin_path()
    elif Path(scenario).exists() or scenario.endswith(".toml") or "/" in scenario:
        target = Path(scenario)
    elif scenario in builtin_scenarios():
        target = builtin_path(scenario)
    else:
        fail(f"{scenario}: no such file or built-in scenario (built-ins: {', '.join(sorted(builtin_scenarios()))})")
    try:
        return load_scenario(target)
    except ScenarioError as exc:
        fail("\n".join(str(p) for p in exc.problems))


def guarded(fn: Callable[[], None]) -> None:
    """Run ``fn``; turn bad-input errors into one line and exit code 2, never a traceback."""
    try:
        fn()
    except typer.Exit:
        raise
    except ScenarioError as exc:
        fail("\n".join(str(p) for p in exc.problems))
    except (ValueError, KeyError, FileExistsError) as exc:
        fail(f"error: {exc}")
    except (RuntimeError, OSError) as exc:
        fail(f"error: {exc}", code=1)
    except Exception as exc:  # a bug, not bad input: one line, the traceback only on request
        if os.environ.get("ZOPA_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set ZOPA_DEBUG=1 for the traceback)", code=1)


def progress_bar(total_label: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn(total_label), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} paths"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)


REPORT_DIR_HELP = "Run directory for the report and data (default: zopa-runs/zopa-run-<timestamp>)."


def job_with_progress(scenario: Any, settings: Any) -> Any:
    """Run the job with one progress bar per stage (on a terminal)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from zopa.pipeline import run_job

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return run_job(scenario, settings, progress)


def scenario_source(scenario: Optional[str]) -> Path:
    from zopa.scenario import builtin_path, builtin_scenarios

    if scenario is None:
        return builtin_path()
    if scenario in builtin_scenarios() and not Path(scenario).exists():
        return builtin_path(scenario)
    return Path(scenario)


def run_and_report(scenario: Optional[str], settings: Any, out: Optional[Path], force: bool, fmt: str,
                   as_json: bool, breakdown: bool, write_report: bool) -> None:
    """Shared body of ``zopa run`` and ``zopa report``."""
    from zopa.pipeline import write_job
    from zopa.report.dynamics import negotiation_summary, threats_summary, threats_table
    from zopa.report.run_dir import new_run_dir
    from zopa.report.summary import summary_dict
    from zopa.report.terminal import print_analysis, print_valuation

    s = load(scenario)
    target = None
    if write_report:  # refuse an existing directory before any work starts
        target = new_run_dir(out.parent if out else Path("zopa-runs"), out.name if out else None, force)
    result = job_with_progress(s, settings)
    outputs = None
    if target is not None:
        outputs = write_job(result, target, scenario_source(scenario), fmt, command="zopa " + " ".join(sys.argv[1:]))
    if as_json:
        data = summary_dict(result.valuation, result.analysis, result.space_valuation)
        sys.stdout.write(json.dumps(data, indent=2, default=float) + "\n")
        return
    print_valuation(result.valuation, console, breakdown)
    if result.analysis is not None:
        print_analysis(result.analysis, console)
    if result.negotiation is not None:
        for line in negotiation_summary(result.negotiation):
            console.print(line)
    if result.threats is not None:
        names = {p: s.parties[p].name for p in s.party_ids}
        console.print(threats_table(result.threats, names))
        for line in threats_summary(result.threats, names):
            console.print(line)
    console.print(f"[dim]± is one Monte Carlo standard error; CE = certainty equivalent of a risk-averse party; "
                  f"{settings.paths:,} paths (deal space {settings.space_paths:,}), seed {settings.seed}.[/]")
    if outputs is not None:
        for note in getattr(outputs, "notes", []) or []:
            err_console.print(f"note: {note}", markup=False)
        console.print(f"Report: {outputs.report}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    space_paths: int = typer.Option(4_000, "--space-paths", min=0, help="Paths for the deal space (0: skip it)."),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=REPORT_DIR_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing run directory."),
    fmt: str = typer.Option("parquet", "--format", help="Tables as parquet, csv or both."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write the run directory with the HTML report."),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="Also run the tornado, Sobol' and belief-gap analyses."),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout instead of tables."),
    breakdown: bool = typer.Option(True, "--breakdown/--no-breakdown", help="Show the per-term breakdown."),
) -> None:
    """Value the contract in force and every package for both parties, analyse the deal space, play out
    a negotiation and the threat game, and write an HTML report (the main job)."""
    from zopa.pipeline import JobSettings

    if fmt not in ("parquet", "csv", "both"):
        fail(f"--format {fmt}: expected parquet, csv or both")
    settings = JobSettings(paths=paths, space_paths=space_paths, seed=seed, sensitivity=sensitivity)
    guarded(lambda: run_and_report(scenario, settings, out, force, fmt, as_json, breakdown, report))


@app.command(name="report")
def report_command(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=REPORT_DIR_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    space_paths: int = typer.Option(4_000, "--space-paths", min=0, help="Paths for the deal space (0: skip it)."),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing run directory."),
    fmt: str = typer.Option("parquet", "--format", help="Tables as parquet, csv or both."),
    sensitivity: bool = typer.Option(True, "--sensitivity/--no-sensitivity",
                                     help="Include the tornado, Sobol' and belief-gap analyses (about a minute)."),
) -> None:
    """Write the full report — every analysis — into a run directory."""
    from zopa.pipeline import JobSettings

    if fmt not in ("parquet", "csv", "both"):
        fail(f"--format {fmt}: expected parquet, csv or both")
    settings = JobSettings(paths=paths, space_paths=space_paths, seed=seed, sensitivity=sensitivity)
    guarded(lambda: run_and_report(scenario, settings, out, force, fmt, False, False, True))


def analysis_with_progress(scenario: Any, paths: int, seed: int) -> Any:
    from zopa.analysis import analyze_scenario

    with progress_bar("valuing the deal space") as bar:
        task = bar.add_task("space", total=paths)
        return analyze_scenario(scenario, paths, seed, progress=lambda done, total: bar.update(task, completed=done))


def print_analysis(analysis: Any) -> None:
    from zopa.report.terminal import print_analysis as show

    show(analysis, console)


@app.command()
def analyze(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    genius: Optional[list[Path]] = typer.Option(
        None, "--genius", help="GENIUS domain: DOMAIN.xml PROFILE_A.xml PROFILE_B.xml (give --genius three times or "
                               "once followed by the two profiles)."),
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Is there a ZOPA, how wide, and where should bargaining land (with error bars)?"""

    def go() -> None:
        from zopa.report.analysis_data import analysis_dict

        if genius:
            from zopa.analysis import analyze_genius
            from zopa.genius import load_genius

            files = list(genius) + ([Path(scenario)] if scenario else [])
            if len(files) != 3:
                fail("--genius needs three files: DOMAIN.xml PROFILE_A.xml PROFILE_B.xml")
            analysis = analyze_genius(load_genius(*files))
        else:
            analysis, _ = analysis_with_progress(load(scenario), paths, seed)
        if as_json:
            sys.stdout.write(json.dumps(analysis_dict(analysis), indent=2, default=float) + "\n")
            return
        print_analysis(analysis)

    guarded(go)


def deal_problem(scenario: Optional[str], genius: Optional[list[Path]], paths: int, seed: int,
                 rounds: Optional[int]) -> tuple[Any, Any, Any]:
    """(scenario or None, deal problem, calendar or None) for the negotiation commands."""
    from dataclasses import replace

    from zopa.negotiate.scenario import calendar, plain_calendar

    if genius:
        from zopa.analysis import analyze_genius
        from zopa.genius import load_genius

        files = list(genius) + ([Path(scenario)] if scenario else [])
        if len(files) != 3:
            fail("--genius needs three files: DOMAIN.xml PROFILE_A.xml PROFILE_B.xml")
        return None, analyze_genius(load_genius(*files)).problem, plain_calendar(rounds or 100)
    s = load(scenario)
    analysis, _ = analysis_with_progress(s, paths, seed)
    cal = calendar(s, analysis.problem)
    if rounds is not None:
        cal = replace(cal, rounds=rounds, dates=cal.dates[:rounds])
    return s, analysis.problem, cal


def _genius_args(args: list[str]) -> list[str]:
    """Let ``--genius D A B`` work: typer takes one value per option, so fold the two that follow."""
    if "--genius" not in args:
        return args
    i = args.index("--genius")
    out = args[: i + 2]
    rest = args[i + 2:]
    while rest and not rest[0].startswith("-") and len([a for a in out if a == "--genius"]) < 3:
        out += ["--genius", rest.pop(0)]
    return out + rest


@app.command()
def negotiate(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    a: str = typer.Option("boulware", "--a", help="Strategy of the first party (boulware, linear, conceder, hardliner, "
                                               "tit_for_tat, deadline)."),
    b: str = typer.Option("conceder", "--b", help="Strategy of the second party."),
    model: str = typer.Option("known", "--opponent-model", help="known (true utilities) or estimated (from offers)."),
    genius: Optional[list[Path]] = typer.Option(None, "--genius", help="Negotiate on a GENIUS domain: DOMAIN.xml A.xml B.xml."),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=1, help="Rounds (default: to the scenario's deadline; 100 for GENIUS)."),
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Watch the parties negotiate round by round toward the deadline under chosen styles."""

    def go() -> None:
        from zopa.negotiate.scenario import negotiate_scenario
        from zopa.report.dynamics import negotiation_dict, negotiation_summary, negotiation_table

        s, problem, cal = deal_problem(scenario, genius, paths, seed, rounds)
        run = negotiate_scenario(s, problem, a, b, seed=seed, opponent_model=model, cal=cal)
        if as_json:
            sys.stdout.write(json.dumps(negotiation_dict(run), indent=2, default=float) + "\n")
            return
        console.print(negotiation_table(run))
        for line in negotiation_summary(run):
            console.print(line)

    guarded(go)


@app.command()
def tournament(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    strategies: str = typer.Option("boulware,linear,conceder,hardliner,tit_for_tat,deadline", "--strategies",
                                   help="Comma-separated strategy names."),
    seeds: int = typer.Option(20, "--seeds", min=1, help="Repetitions per pair (random tie-breaking)."),
    genius: Optional[list[Path]] = typer.Option(None, "--genius", help="Play on a GENIUS domain: DOMAIN.xml A.xml B.xml."),
    rounds: Optional[int] = typer.Option(None, "--rounds", min=1, help="Rounds (default: to the scenario's deadline; 100 for GENIUS)."),
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Every pair of strategies over many seeds: agreement rate, values, distance to Nash."""

    def go() -> None:
        from zopa.negotiate.scenario import tournament_scenario
        from zopa.report.dynamics import tournament_rich

        s, problem, cal = deal_problem(scenario, genius, paths, seed, rounds)
        names = [x.strip() for x in strategies.split(",") if x.strip()]
        tie = 0.5 if s is not None else 1e-3
        table = tournament_scenario(s, problem, names, seeds, seed, tie_tolerance=tie, cal=cal)
        if as_json:
            sys.stdout.write(json.dumps(table.to_rows(), indent=2, default=float) + "\n")
            return
        console.print(tournament_rich(table, problem.names))

    guarded(go)


@app.command()
def threats(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    efg: Optional[Path] = typer.Option(None, "--efg", help="Also write the game tree in Gambit's .efg format here."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --efg file."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Which threats are credible (subgame-perfect play), and how they move the disagreement point."""

    def go() -> None:
        from zopa.report.dynamics import threats_dict, threats_summary, threats_table, tree_text
        from zopa.threats.scenario import analyze_threats

        s = load(scenario)
        result = analyze_threats(s, paths, seed)
        if efg is not None:
            if efg.exists() and not force:
                fail(f"{efg}: already exists; pass --force to overwrite")
            from zopa.report.run_dir import atomic_write_text

            atomic_write_text(efg, result.efg(s.meta.title))
        if as_json:
            sys.stdout.write(json.dumps(threats_dict(result), indent=2, default=float) + "\n")
            return
        names = {p: s.parties[p].name for p in s.party_ids}
        console.print("\n".join(tree_text(result.game.root)), markup=False, highlight=False)
        console.print(threats_table(result, names))
        for line in threats_summary(result, names):
            console.print(line)

    guarded(go)


def counting_bar(label: str, unit: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} " + unit),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)


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
    n_base: int = typer.Option(256, "--n-base", help="Sobol' base sample size (a power of two)."),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    list_inputs: bool = typer.Option(False, "--list", help="List the uncertain inputs and exit."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Which assumptions decide the answer: a tornado over inputs' 10%–90% ranges (and Sobol' indices)."""

    def go() -> None:
        from zopa.report.sensitivity_terminal import sobol_table, tornado_table
        from zopa.sensitivity.engine import run_sobol, run_tornado, uncertain_inputs

        s = load(scenario)
        include = [x.strip() for x in inputs.split(",") if x.strip()] if inputs else None
        if list_inputs:
            for item in uncertain_inputs(s, include):
                console.print(item.label, markup=False)
            return
        wanted = list(output) if output else default_outputs(s, space_paths > 0)
        n_inputs = len(uncertain_inputs(s, include))
        with counting_bar("tornado", "variants") as bar:
            task = bar.add_task("tornado", total=2 * n_inputs + 1)
            result = run_tornado(s, include, paths, space_paths or None, seed, wanted,
                                 progress=lambda done, total: bar.update(task, completed=done), thin=thin)
        indices = run_sobol(s, include, n_base, seed, [w for w in wanted if w.startswith(("value.", "gain."))]) \
            if sobol else None
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
        with counting_bar("belief gap", "steps") as bar:
            task = bar.add_task("gap", total=steps)
            points = run_belief_gap(s, who, fractions, paths, seed,
                                    progress=lambda done, total: bar.update(task, completed=done))
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
            grid = grid_from_vary(table)
        else:
            fail("give --vary PATH=v1,v2,... or --file SWEEP.toml")
        from zopa.sensitivity.engine import _quantity_at

        for key in grid[0]:
            _quantity_at(s, key)  # unknown paths fail before any work starts
        target = out or Path("zopa-sweeps") / dt.datetime.now().strftime("sweep-%Y%m%d-%H%M%S")
        point = partial(sweep_point, scenario=ref, n_paths=paths, space_paths=space_paths or None)
        result = run_sweep_cli(point, grid, target, run_seed, scheduler, workers, resume, force)
        console.print(f"{result.n_ok}/{result.n_points} points ok, {result.n_error} failed "
                      f"(computed {len(result.computed)}, reused {len(result.reused)})")
        console.print(f"results: {result.parquet_path}  (DuckDB view `results` in {result.duckdb_path})")

    guarded(go)


def run_sweep_cli(point: Any, grid: Any, target: Path, seed: int, scheduler: Any, workers: int, resume: bool,
                  force: bool) -> Any:
    from zopa.sensitivity.sweep import run_sweep

    return run_sweep(point, grid, target, seed, scheduler=scheduler, n_workers=workers, resume=resume,
                     progress=err_console.is_terminal, force=force)


@app.command()
def validate(scenario: str = typer.Argument(..., help="Scenario TOML file to check.")) -> None:
    """Check a scenario file; print every problem (file:line: path: message) and exit 2 if any."""

    def go() -> None:
        s = load(scenario)
        n_terms = sum(len(s.package_terms(p)) for p in s.packages)
        console.print(f"{scenario}: ok — {s.meta.title}; {len(s.packages)} packages, {n_terms} terms, "
                      f"{len(s.sources)} sources")

    guarded(go)


@app.command()
def new(
    file: Path = typer.Argument(..., help="Where to write a commented template scenario."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented template scenario that validates, to start a new case from."""
    from zopa.scenario.template import TEMPLATE

    if file.exists() and not force:
        fail(f"{file}: already exists; choose another name or pass --force to overwrite")
    try:
        file.write_text(TEMPLATE, encoding="utf-8")
    except OSError as exc:
        fail(f"{file}: cannot write: {exc.strerror}")
    console.print(f"wrote {file}; check it with `zopa validate {file}` and value it with `zopa run {file}`")


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from zopa.scenario import builtin_scenarios, load_scenario

    for name, path in sorted(builtin_scenarios().items()):
        s = load_scenario(path)
        console.print(f"[bold]{name}[/]  {s.meta.title} — {len(s.packages)} packages")


def main() -> None:  # pragma: no cover - console entry point
    sys.argv = [sys.argv[0], *_genius_args(sys.argv[1:])]
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
