"""Negotiation commands: negotiate, tournament, threats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from zopa.cli.core import analysis_with_progress
from zopa.cli.common import (
    CACHE_HELP, PATHS_HELP, SCENARIO_HELP, SEED_HELP, app, console, fail, guarded, job_cache, load,
)

def deal_problem(scenario: Optional[str], genius: Optional[list[Path]], paths: int, seed: int,
                 rounds: Optional[int], cache: Any = None, quiet: bool = False) -> tuple[Any, Any, Any]:
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
    analysis, _ = analysis_with_progress(s, paths, seed, cache, quiet)
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
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
) -> None:
    """Watch the parties negotiate round by round toward the deadline under chosen styles."""

    def go() -> None:
        from zopa.negotiate.scenario import negotiate_scenario
        from zopa.report.dynamics import negotiation_dict, negotiation_summary, negotiation_table

        s, problem, cal = deal_problem(scenario, genius, paths, seed, rounds, job_cache(no_cache), as_json)
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
    paths: int = typer.Option(20_000, "--paths", "-n", min=2, help=PATHS_HELP),
    seed: int = typer.Option(0, "--seed", "-s", help=SEED_HELP),
    pairs: bool = typer.Option(False, "--pairs", help="Also print every pair of strategies."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
) -> None:
    """Every pair of strategies over many seeds; the strategies ranked by mean gain with standard errors."""

    def go() -> None:
        from zopa.negotiate.scenario import tournament_scenario
        from zopa.negotiate.tournament import rank_strategies, ranking_rows, ranking_table
        from zopa.report.dynamics import tournament_rich
        from zopa.report.safe import term_text

        s, problem, cal = deal_problem(scenario, genius, paths, seed, rounds, job_cache(no_cache), as_json)
        names = [x.strip() for x in strategies.split(",") if x.strip()]
        tie = 0.5 if s is not None else 1e-3
        table = tournament_scenario(s, problem, names, seeds, seed, tie_tolerance=tie, cal=cal)
        ranking = rank_strategies(table)
        if as_json:
            data = {"ranking": ranking_rows(ranking), "pairs": table.to_rows()}
            sys.stdout.write(json.dumps(data, indent=2, default=float) + "\n")
            return
        sides = (term_text(problem.names[0]), term_text(problem.names[1]))
        from zopa.units import parse_unit

        console.print(ranking_table(ranking, sides, parse_unit(s.meta.unit).short if s is not None else "utility"))
        if pairs:
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
    no_cache: bool = typer.Option(False, "--no-cache", help=CACHE_HELP),
) -> None:
    """Which threats are credible (subgame-perfect play), and how they move the disagreement point."""

    def go() -> None:
        from zopa.report.dynamics import threats_dict, threats_summary, threats_table, tree_text
        from zopa.threats.scenario import analyze_threats

        from zopa.threats.variable_scenario import analyze_variable_threats

        s = load(scenario)
        valuation = job_cache(no_cache).valuation(s, paths, seed)  # every package: the one ``zopa run`` keeps
        result = analyze_threats(s, paths, seed, valuation=valuation)
        variable = analyze_variable_threats(s, valuation)
        if efg is not None:
            if efg.exists() and not force:
                fail(f"{efg}: already exists; pass --force to overwrite")
            from zopa.report.run_dir import atomic_write_text

            atomic_write_text(efg, result.efg(s.meta.title))
        names = {p: s.parties[p].name for p in s.party_ids}
        if as_json:
            from zopa.report.recommendation import variable_threats_dict

            data = {**threats_dict(result), "variable_threats": variable_threats_dict(variable, names)}
            sys.stdout.write(json.dumps(data, indent=2, default=float) + "\n")
            return
        console.print("\n".join(tree_text(result.game.root)), markup=False, highlight=False)
        console.print(threats_table(result, names))
        for line in threats_summary(result, names):
            console.print(line)
        from zopa.report.safe import term_text

        for line in variable.lines(names):
            console.print(term_text(line))

    guarded(go)
