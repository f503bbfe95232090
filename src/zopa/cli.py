"""The ``zopa`` command line: parses, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import json
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


def progress_bar(total_label: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn(total_label), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} paths"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)


def valuation_with_progress(scenario: Any, paths: int, seed: int) -> Any:
    from zopa.value import value_scenario

    with progress_bar("simulating") as bar:
        task = bar.add_task("sim", total=paths)
        return value_scenario(scenario, paths, seed,
                              progress=lambda done, total: bar.update(task, completed=done))


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables."),
    breakdown: bool = typer.Option(True, "--breakdown/--no-breakdown", help="Show the per-term breakdown."),
) -> None:
    """Value the contract in force and every package for both parties (own and other beliefs)."""

    def go() -> None:
        from zopa.report.terminal import print_valuation
        from zopa.report.valuation_data import valuation_dict

        s = load(scenario)
        v = valuation_with_progress(s, paths, seed)
        if as_json:
            sys.stdout.write(json.dumps(valuation_dict(v), indent=2) + "\n")
            return
        print_valuation(v, console, breakdown)
        console.print(f"[dim]{v.n_paths:,} paths in {v.seconds:.2f} s; ± is one Monte Carlo standard error; "
                      "CE = certainty equivalent of a risk-averse party.[/]")

    guarded(go)


def analysis_with_progress(scenario: Any, paths: int, seed: int) -> Any:
    from zopa.analysis import analyze_scenario

    with progress_bar("valuing the deal space") as bar:
        task = bar.add_task("space", total=paths)
        return analyze_scenario(scenario, paths, seed, progress=lambda done, total: bar.update(task, completed=done))


def print_analysis(analysis: Any) -> None:
    from zopa.report.analysis_terminal import analysis_tables

    for table in analysis_tables(analysis):
        console.print(table)
    for line in analysis.verdict():
        console.print(line)


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
        from zopa.report.summary import analysis_dict

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
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Watch the parties negotiate round by round toward the deadline under chosen styles."""

    def go() -> None:
        from zopa.negotiate.scenario import negotiate_scenario
        from zopa.report.dynamics import negotiation_dict, negotiation_summary, negotiation_table

        s = load(scenario)
        analysis, _ = analysis_with_progress(s, paths, seed)
        run = negotiate_scenario(s, analysis.problem, a, b, seed=seed, opponent_model=model)
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
    paths: int = typer.Option(4_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Every pair of strategies over many seeds: agreement rate, values, distance to Nash."""

    def go() -> None:
        from zopa.negotiate.scenario import tournament_scenario
        from zopa.report.dynamics import tournament_rich

        s = load(scenario)
        analysis, _ = analysis_with_progress(s, paths, seed)
        names = [x.strip() for x in strategies.split(",") if x.strip()]
        table = tournament_scenario(s, analysis.problem, names, seeds, seed)
        if as_json:
            sys.stdout.write(json.dumps(table.to_rows(), indent=2, default=float) + "\n")
            return
        console.print(tournament_rich(table, analysis.problem.names))

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
        console.print(threats_table(result))
        for line in threats_summary(result, names):
            console.print(line)

    guarded(go)


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
