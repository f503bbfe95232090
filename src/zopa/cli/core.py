"""The main job and the scenario commands: run, report, analyze, validate, new, scenarios."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from zopa.cli.common import (
    CACHE_HELP, PATHS_HELP, SCENARIO_HELP, SEED_HELP, StageProgress, app, console, err_console, fail, guarded,
    job_cache, load,
)

REPORT_DIR_HELP = "Run directory for the report and data (default: zopa-runs/zopa-run-<timestamp>)."
LANG_HELP = "Language of the HTML report and its figures: en (English) or zh (Chinese)."
SPACE_PATHS_HELP = "Paths for the deal space (default: --paths, so it shares the named packages' paths; 0: skip it)."


def term_text(text: str) -> str:
    """Scenario text made safe for the terminal (:func:`zopa.report.safe.term_text`)."""
    from zopa.report.safe import term_text as safe

    return safe(text)


def job_with_progress(scenario: Any, settings: Any, cache: Any = None, quiet: bool = False) -> Any:
    """Run the job with its progress on stderr (bars on a terminal, plain lines otherwise)."""
    from zopa.pipeline import run_job

    with StageProgress(quiet=quiet) as progress:
        return run_job(scenario, settings, progress, cache=cache)


def mutual_gains(valuation: Any) -> list[str]:
    """Named packages that beat the status quo for both sides by more than two standard errors."""
    s = valuation.scenario
    sq = s.meta.status_quo
    out = []
    for pkg in valuation.packages:
        if pkg == sq:
            continue
        gains = [valuation.difference(p, pkg, sq) for p in valuation.parties]
        values = [(g.ce if g.ce is not None else g.mean, g.ce_se if g.ce_se is not None else g.se) for g in gains]
        if all(v > 2 * se for v, se in values):
            out.append(f"Note: the named package '{term_text(s.packages[pkg].label)}' beats the status quo for both sides ("
                       + ", ".join(f"{term_text(s.parties[p].name)} {v:+.3g} ± {se:.2g}"
                                   for p, (v, se) in zip(valuation.parties, values))
                       + "), though no package of the deal space does.")
    return out


def scenario_source(scenario: Optional[str]) -> Path:
    from zopa.scenario import builtin_path, builtin_scenarios

    if scenario is None:
        return builtin_path()
    if scenario in builtin_scenarios() and not Path(scenario).exists():
        return builtin_path(scenario)
    return Path(scenario)


def run_and_report(scenario: Optional[str], settings: Any, out: Optional[Path], force: bool, fmt: str,
                   as_json: bool, breakdown: bool, write_report: bool, cache: Any = None, lang: str = "en") -> None:
    """Shared body of ``zopa run`` and ``zopa report``: the recommendation and the ZOPA verdict first,
    what the recommendation hinges on, then the package values (per-term tables with ``breakdown``),
    the branches, the negotiation and the threats. ``lang``: the report's language."""
    from zopa.pipeline import write_job
    from zopa.report.dynamics import negotiation_summary, threats_summary, threats_table
    from zopa.report.run_dir import new_run_dir
    from zopa.report.summary import summary_dict
    from zopa.report.recommendation import print_branches, print_recommendation
    from zopa.report.terminal import print_analysis, print_valuation

    s = load(scenario)
    target = None
    if write_report:  # refuse an existing directory before any work starts
        target = new_run_dir(out.parent if out else Path("zopa-runs"), out.name if out else None, force)
    result = job_with_progress(s, settings, cache, quiet=as_json)
    outputs = None
    if target is not None:
        from zopa.report.i18n import report_language

        with report_language(lang):
            outputs = write_job(result, target, scenario_source(scenario), fmt, command="zopa " + " ".join(sys.argv[1:]))
    if as_json:
        data = summary_dict(result.valuation, result.analysis, result.space_valuation,
                            negotiation=result.negotiation, threats=result.threats, extra=result.summary_extra())
        sys.stdout.write(json.dumps(data, indent=2, default=float) + "\n")
        return
    names = {p: s.parties[p].name for p in s.party_ids}
    if result.analysis is not None:
        print_recommendation(result.recommendation, console, scenario=s)
        print_hinges(result, names)
        print_analysis(result.analysis, console, unit=s.meta.unit)
        if not result.analysis.zopa.exists:
            for line in mutual_gains(result.valuation):
                console.print(line)
    print_valuation(result.valuation, console, breakdown)
    print_branches(result.branches, names, console)
    if result.negotiation is not None:
        for line in negotiation_summary(result.negotiation, s.meta.unit):
            console.print(line)
    if result.threats is not None:
        console.print(threats_table(result.threats, names))
        for line in threats_summary(result.threats, names):
            console.print(line)
    if result.variable_threats is not None:
        for line in result.variable_threats.lines(names):
            console.print(term_text(line))
    space = result.space_valuation.n_paths if result.space_valuation is not None else 0
    console.print(f"[dim]± is one Monte Carlo standard error; CE = certainty equivalent of a risk-averse party; "
                  f"{settings.paths:,} paths (deal space {space:,}), seed {settings.seed}.[/]")
    if outputs is not None:
        for note in getattr(outputs, "notes", []) or []:
            err_console.print(f"note: {note}", markup=False)
        console.print(f"Report: {outputs.report}", markup=False, highlight=False, soft_wrap=True)


def print_hinges(result: Any, names: dict[str, str], n: int = 4) -> None:
    """The inputs the recommendation hinges on most (the quick tornado of the main job)."""
    if result.hinges is None:
        return
    from zopa.hinges import top_drivers

    console.print(f"[bold]What the recommendation hinges on[/] (each input from its 10% to its 90% quantile; "
                  f"{result.hinge_paths:,} paths per variant):")
    for line in top_drivers(result.hinges, names, n):
        console.print(f"• {term_text(line)}")


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    space_paths: Optional[int] = typer.Option(None, "--space-paths", min=0, help=SPACE_PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=REPORT_DIR_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing run directory."),
    fmt: str = typer.Option("parquet", "--format", help="Tables as parquet, csv or both."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write the run directory with the HTML report."),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="Also run the full tornado, Sobol' and belief-gap analyses."),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout instead of tables."),
    breakdown: bool = typer.Option(False, "--breakdown/--no-breakdown", help="Also show the per-term breakdown tables."),
    lang: str = typer.Option("en", "--lang", help=LANG_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
) -> None:
    """Value the contract in force and every package for both parties, analyse the deal space, play out
    a negotiation and the threat game, find what the recommendation hinges on, and write an HTML report
    (the main job)."""
    if fmt not in ("parquet", "csv", "both"):
        fail(f"--format {fmt}: expected parquet, csv or both")
    check_lang(lang)

    def go() -> None:
        from zopa.pipeline import JobSettings

        settings = JobSettings(paths=paths, space_paths=paths if space_paths is None else space_paths, seed=seed,
                               sensitivity=sensitivity, branch_paths=paths)
        run_and_report(scenario, settings, out, force, fmt, as_json, breakdown, report, job_cache(no_cache), lang)

    guarded(go)


@app.command(name="report")
def report_command(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=REPORT_DIR_HELP),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    space_paths: Optional[int] = typer.Option(None, "--space-paths", min=0, help=SPACE_PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing run directory."),
    fmt: str = typer.Option("parquet", "--format", help="Tables as parquet, csv or both."),
    sensitivity: bool = typer.Option(True, "--sensitivity/--no-sensitivity",
                                     help="Include the tornado, Sobol' and belief-gap analyses (about a minute)."),
    lang: str = typer.Option("en", "--lang", help=LANG_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
) -> None:
    """Write the full report — every analysis — into a run directory."""
    if fmt not in ("parquet", "csv", "both"):
        fail(f"--format {fmt}: expected parquet, csv or both")
    check_lang(lang)

    def go() -> None:
        from zopa.pipeline import JobSettings

        settings = JobSettings(paths=paths, space_paths=paths if space_paths is None else space_paths, seed=seed,
                               sensitivity=sensitivity, branch_paths=paths)
        run_and_report(scenario, settings, out, force, fmt, False, False, True, job_cache(no_cache), lang)

    guarded(go)


def check_lang(lang: str) -> None:
    """Exit with status 2 for a report language without a catalogue."""
    from zopa.report.i18n import LANGUAGES

    if lang not in LANGUAGES:
        fail(f"--lang {lang}: expected one of {', '.join(LANGUAGES)}")


def analysis_with_progress(scenario: Any, paths: int, seed: int, cache: Any = None, quiet: bool = False) -> Any:
    """The deal-space analysis (:func:`zopa.analysis.analyze_scenario`) with its progress on stderr;
    the valuation comes from ``cache`` when ``zopa run`` (or another command) already made it."""
    from zopa.analysis import analyze_scenario
    from zopa.workers import serial_blas
    from zopa.workers import Helper

    with StageProgress(quiet=quiet) as progress, serial_blas(), Helper() as helper:
        stage = "valuing the deal space" if scenario.deal_space is not None else "valuing packages"
        return analyze_scenario(scenario, paths, seed, progress=lambda done, total: progress(stage, done, total),
                                cache=cache, helper=helper)


def print_analysis(analysis: Any, unit: Optional[str] = None) -> None:
    from zopa.report.terminal import print_analysis as show

    show(analysis, console, unit=unit)


@app.command()
def analyze(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    genius: Optional[list[Path]] = typer.Option(
        None, "--genius", help="GENIUS domain: DOMAIN.xml PROFILE_A.xml PROFILE_B.xml (give --genius three times or "
                               "once followed by the two profiles)."),
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
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
            analysis, unit = analyze_genius(load_genius(*files)), None
        else:
            s = load(scenario)
            analysis, _ = analysis_with_progress(s, paths, seed, job_cache(no_cache), quiet=as_json)
            unit = s.meta.unit
        if as_json:
            sys.stdout.write(json.dumps(analysis_dict(analysis), indent=2, default=float) + "\n")
            return
        print_analysis(analysis, unit)

    guarded(go)


@app.command()
def validate(scenario: str = typer.Argument(..., help="Scenario TOML file to check.")) -> None:
    """Check a scenario file; print every problem (file:line: path: message) and exit 2 if any."""

    def go() -> None:
        s = load(scenario)
        n_terms = sum(len(s.package_terms(p)) for p in s.packages)
        console.print(f"{term_text(scenario)}: ok — {term_text(s.meta.title)}; {len(s.packages)} packages, {n_terms} terms, "
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
        console.print(f"[bold]{term_text(name)}[/]  {term_text(s.meta.title)} — {len(s.packages)} packages")
