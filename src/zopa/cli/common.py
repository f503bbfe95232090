"""Shared pieces of the command line: the app, consoles, loading, one-line errors, progress bars."""

from __future__ import annotations

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


def _version(value: bool) -> None:
    if value:
        from zopa import __version__

        console.print(f"zopa {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """War-game a deal renegotiation: value the terms, find the ZOPA, predict the settlement."""
err_console = Console(stderr=True)

SCENARIO_HELP = "Scenario TOML file or built-in name (default: the built-in OpenAI–Microsoft case)."
PATHS_HELP = "Monte Carlo paths."
SEED_HELP = "Random seed; the same seed gives the same numbers."


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear line per problem to stderr and exit (2 = bad input)."""
    from zopa.report.safe import clean_text

    err_console.print(clean_text(message), markup=False, highlight=False, soft_wrap=True, emoji=False)
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
