"""``zopa run`` piped: progress as plain lines on stderr only, the recommendation and what it hinges
on first on stdout, per-term tables only with ``--breakdown``."""

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
