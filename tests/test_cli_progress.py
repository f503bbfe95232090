"""Piped commands: progress as plain lines on stderr only (``run``, ``sensitivity``, ``beliefgap``);
``zopa run`` puts the recommendation and what it hinges on first on stdout, per-term tables only
with ``--breakdown``."""

from __future__ import annotations

import os
import subprocess
import sys

RUNNER = "import sys; sys.argv = ['zopa', *sys.argv[1:]]; from zopa.cli import main; main()"


def zopa(*args: str, cache_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZOPA_CACHE_DIR": cache_dir, "COLUMNS": "160"}
    out = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    return out


def test_piped_run_reports_progress_on_stderr_and_leads_with_the_answer(tmp_path):
    out = zopa("run", "--paths", "300", "--no-report", cache_dir=str(tmp_path))
    lines = out.stderr.splitlines()
    assert any(line.startswith("[zopa] valuing the deal space 300/300 paths (") for line in lines), out.stderr
    assert any(line.startswith("[zopa] what the answer hinges on ") and "variants" in line for line in lines)
    assert all(line.startswith("[zopa] ") for line in lines if line.strip()), "stderr carries progress only"
    assert "[zopa]" not in out.stdout
    text = out.stdout
    assert text.index("Recommendation") < text.index("What the recommendation hinges on") \
        < text.index("A ZOPA exists") < text.index("Value of each package")
    assert "value by term" not in text
    assert "deal space 300" in text


def test_breakdown_on_request(tmp_path):
    scenario = str(tmp_path / "deal.toml")
    zopa("new", scenario, cache_dir=str(tmp_path))
    plain = zopa("run", scenario, "--paths", "300", "--no-report", cache_dir=str(tmp_path))
    assert "value by term" not in plain.stdout
    detailed = zopa("run", scenario, "--paths", "300", "--no-report", "--breakdown", cache_dir=str(tmp_path))
    assert "value by term" in detailed.stdout


def test_piped_sensitivity_and_belief_gap_report_progress_on_stderr(tmp_path):
    out = zopa("sensitivity", "--paths", "300", "--space-paths", "0", "--inputs", "world.agi", "--sobol",
               "--n-base", "32", cache_dir=str(tmp_path))
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert any(line.startswith("[zopa] sensitivity: tornado 5/5 variants (") for line in lines), out.stderr
    assert any(line.startswith("[zopa] sensitivity: Sobol' ") and "design rows" in line for line in lines), out.stderr
    assert all(line.startswith("[zopa] ") for line in lines) and "[zopa]" not in out.stdout
    gap = zopa("beliefgap", "--paths", "200", "--steps", "3", cache_dir=str(tmp_path))
    assert "[zopa] sensitivity: belief gap 3/3 steps (" in gap.stderr and "[zopa]" not in gap.stdout
    quiet = zopa("sensitivity", "--paths", "300", "--space-paths", "0", "--inputs", "world.agi", "--json",
                 cache_dir=str(tmp_path))
    assert quiet.stderr.strip() == ""  # --json: the document alone
