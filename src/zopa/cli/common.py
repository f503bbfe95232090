"""Shared pieces of the command line: the app, consoles, loading, one-line errors, progress.

Start-up stays light: this module and the command modules import only typer and rich at the top;
each command imports the engine (numpy, SciPy, pydantic, plotly) when it runs, so ``zopa --help``,
``zopa --version`` and a bad option answer at once.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import typer
from rich.console import Console

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
CACHE_HELP = ("Neither read nor keep valuations in the on-disk cache ($ZOPA_CACHE_DIR, default ~/.cache/zopa); "
              "by default a valuation is computed once per scenario, seed, paths and code version.")


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
    from zopa.scenario import ScenarioError

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
    except ValueError as exc:
        problems = getattr(exc, "problems", None)  # a ScenarioError: one line per problem
        fail("\n".join(str(p) for p in problems) if problems is not None else f"error: {exc}")
    except (KeyError, FileExistsError) as exc:
        fail(f"error: {exc}")
    except (RuntimeError, OSError) as exc:
        fail(f"error: {exc}", code=1)
    except Exception as exc:  # a bug, not bad input: one line, the traceback only on request
        if os.environ.get("ZOPA_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set ZOPA_DEBUG=1 for the traceback)", code=1)


def job_cache(no_cache: bool) -> Any:
    """The cache a command uses: on disk by default, in process only with ``--no-cache``."""
    from zopa.cache import Cache

    return Cache(None) if no_cache else Cache.default()


#: What each stage of a job counts (plain-text progress lines).
UNITS = {"valuing packages": "paths", "valuing the deal space": "paths", "what the answer hinges on": "variants",
         "branches": "options", "sensitivity: tornado": "variants", "sensitivity: belief gap": "steps",
         "sensitivity: Sobol'": "design rows", "sweep": "points"}


class StageProgress:
    """Progress of a job, stage by stage, on stderr only: a rich bar per stage on a terminal;
    otherwise plain lines such as ``[zopa] valuing the deal space 12,000/20,000 paths (8.1 s)``, at
    most one every ``interval`` seconds per stage, plus one when the stage is done (none with
    ``quiet``, e.g. under ``--json``, whose reader wants the document alone even when the streams are
    merged). ``progress(stage, done, total)`` is the callback :func:`zopa.pipeline.run_job` takes."""

    def __init__(self, console: Console = err_console, interval: float = 5.0, plain: bool | None = None,
                 quiet: bool = False) -> None:
        self.console = console
        self.interval = interval
        self.plain = (not console.is_terminal) if plain is None else plain
        self.quiet = quiet
        self.started: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.finished: set[str] = set()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> "StageProgress":
        if not self.plain:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            # redrawn on each update, not by a refresh thread: a job forks its helper process only
            # while it runs a single thread
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.completed:,}/{task.total:,} {task.fields[unit]}"),
                                TimeElapsedColumn(), console=self.console, transient=True, auto_refresh=False)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        unit = UNITS.get(stage, "")
        if stage not in self.started:
            self.started[stage] = now
            self.last[stage] = now
            if self.bar is not None:
                self.tasks[stage] = self.bar.add_task(stage, total=max(total, 1), unit=unit)
        if self.bar is not None:
            self.bar.update(self.tasks[stage], completed=done, total=max(total, 1), refresh=True)
            return
        complete = total > 0 and done >= total
        if self.quiet or stage in self.finished or not (complete or now - self.last[stage] >= self.interval):
            return
        self.last[stage] = now
        elapsed = now - self.started[stage]
        if complete:
            self.finished.add(stage)
        count = f" {done:,}/{total:,} {unit}".rstrip() if unit else (" done" if complete else "")
        self.console.print(f"[zopa] {stage}{count} ({elapsed:.1f} s)", markup=False, highlight=False,
                           soft_wrap=True)
