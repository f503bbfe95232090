"""Start-up stays light: ``zopa --version`` and ``zopa --help`` load neither the numerical stack nor
the report's plotting, and ``import zopa`` loads nothing heavy until a library call is used.
Each check runs in a fresh interpreter and reads ``sys.modules`` (no timing: CI machines vary)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "pydantic", "plotly", "pandas", "pyarrow")

RUNNER = """
import json, sys
argv = sys.argv[1:]
sys.argv = ["zopa", *argv]
from zopa.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n@@" + json.dumps(sorted(m for m in {heavy} if m in sys.modules)))
"""


def loaded_by(*args: str) -> tuple[list[str], str]:
    code = RUNNER.replace("{heavy}", repr(HEAVY))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    text, _, tail = out.stdout.rpartition("\n@@")
    return json.loads(tail), text


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_start_up_loads_no_numerical_stack(args):
    heavy, text = loaded_by(*args)
    assert heavy == [], f"zopa {' '.join(args)} imported {heavy}"
    assert text.strip()


@pytest.mark.parametrize("args", [["run", "--help"], ["analyze", "--help"], ["validate", "--help"]])
def test_command_help_loads_no_engine(args):
    """A command's help needs only its options (typer itself reads them with pydantic)."""
    heavy, text = loaded_by(*args)
    assert [m for m in heavy if m != "pydantic"] == [], f"zopa {' '.join(args)} imported {heavy}"
    assert "Usage: zopa" in text


def test_version_prints_the_version():
    from zopa import __version__

    _, text = loaded_by("--version")
    assert text.strip() == f"zopa {__version__}"


def test_import_zopa_is_cheap_and_the_calls_load_on_use():
    code = ("import sys, zopa; before = sorted(m for m in %r if m in sys.modules); "
            "f = zopa.load; print(before, callable(f), callable(zopa.value), zopa.value.value_scenario.__name__)"
            % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "True", "True", "value_scenario"]


def test_the_main_job_without_a_report_loads_no_plotting_or_tables(tmp_path):
    """``zopa run --no-report`` prints to the terminal: plotly, pandas and pyarrow (the report's
    figures and tables) stay unloaded, and so do SALib and Dask (the full sensitivity analyses)."""
    code = RUNNER.replace("{heavy}", repr(("plotly", "pandas", "pyarrow", "SALib", "dask")))
    out = subprocess.run([sys.executable, "-c", code, "run", "--no-report", "--no-cache", "--paths", "400"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "ZOPA_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    text, _, tail = out.stdout.rpartition("\n@@")
    assert json.loads(tail) == [], f"zopa run --no-report imported {tail}"
    assert "Recommendation" in text


def test_validate_loads_no_scipy_or_plotting():
    """``zopa validate`` reads, checks and reports: SciPy (the simulation's special functions) and
    the report's libraries stay unloaded."""
    from zopa.scenario import builtin_path

    heavy, text = loaded_by("validate", str(builtin_path()))
    assert [m for m in heavy if m not in ("numpy", "pydantic")] == [], f"zopa validate imported {heavy}"
    assert ": ok" in text
