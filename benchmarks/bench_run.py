"""End-to-end timings of the command line, the current checkout against a baseline commit.

The baseline's ``src/`` is extracted with ``git archive`` into a temporary directory and run with
the same interpreter and environment (``PYTHONPATH`` put first), so only the code differs. Every
figure is the best of ``--repeat`` fresh processes (wall clock; the CPU time of that process in
brackets), measured alternately for the two codes so that a busy machine slows both alike.

* ``run``: ``zopa run --no-report`` on the built-in case — the baseline at its defaults (20,000
  paths, the deal space at 4,000), the current code at 20,000 paths for both and ``--no-cache``
  (everything computed), and again with a warm cache (a second run);
* ``analyze`` and ``negotiate`` at the same paths for both (``--paths``, default 4,000; current with
  ``--no-cache``), and the current code at its default 20,000 paths after a ``zopa run`` (cache warm);
* ``zopa run`` with its run directory and report (HTML, tables, SVG copies of the charts), cold;
* ``--version``.

    uv run python benchmarks/bench_run.py [--baseline 8634caf] [--repeat 3] [--paths 4000]

Runnable from a clean checkout: it needs only git and the project's environment.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNNER = "import sys; sys.argv = ['zopa', *sys.argv[1:]]; from zopa.cli import main; main()"


def extract(rev: str, into: Path) -> Path:
    """``src/`` of commit ``rev`` under ``into`` (``git archive``: no worktree, nothing left behind)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def timed(src: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``zopa ARGS`` process running the code under ``src``."""
    env = {**env, "PYTHONPATH": str(src) + os.pathsep + env.get("PYTHONPATH", "")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], env=env, cwd=tempfile.gettempdir(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"zopa {' '.join(args)} failed ({src}):\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="8634caf", help="commit to compare with")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure (the best is kept)")
    parser.add_argument("--paths", type=int, default=4_000, help="paths for analyze and negotiate (both codes)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="zopa-bench-") as tmp:
        base_src = extract(args.baseline, Path(tmp) / "baseline")
        here_src = ROOT / "src"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
        env["ZOPA_CACHE_DIR"] = str(Path(tmp) / "cache")
        for src in (base_src, here_src):  # compile the bytecode once, as an installed package has it
            timed(src, ["--version"], env)
        n = str(args.paths)
        cases = [  # (label, baseline args, current args, warm: run `zopa run` first)
            ("zopa --version", ["--version"], ["--version"], False),
            ("zopa run --no-report (cold)", ["run", "--no-report"], ["run", "--no-report", "--no-cache"], False),
            ("zopa run, with the report (cold)", ["run", "-o", str(Path(tmp) / "base-run"), "--force"],
             ["run", "-o", str(Path(tmp) / "run"), "--force", "--no-cache"], False),
            (f"zopa analyze --paths {n}", ["analyze", "--paths", n], ["analyze", "--paths", n, "--no-cache"], False),
            (f"zopa negotiate --paths {n}", ["negotiate", "--paths", n], ["negotiate", "--paths", n, "--no-cache"], False),
            ("zopa run --no-report (warm cache)", ["run", "--no-report"], ["run", "--no-report"], True),
            ("zopa analyze, defaults (current: 20,000 paths, warm)", ["analyze"], ["analyze"], True),
            ("zopa negotiate, defaults (current: 20,000 paths, warm)", ["negotiate"], ["negotiate"], True),
        ]
        rows = []
        for label, base_args, here_args, warm in cases:
            if warm:
                timed(here_src, ["run", "--no-report"], env)  # fills the cache at the current defaults
            base, here = [], []
            for _ in range(args.repeat):  # alternate, so that a busy machine slows both alike
                base.append(timed(base_src, base_args, env))
                here.append(timed(here_src, here_args, env))
            rows.append((label, best(base), best(here)))
            b, h = rows[-1][1], rows[-1][2]
            print(f"  measured {label}: baseline {b[0]:.2f} s, current {h[0]:.2f} s", file=sys.stderr)

    print(f"baseline {args.baseline} (run: 20,000 paths, deal space 4,000) vs current checkout "
          f"(run: 20,000 paths, deal space 20,000); best of {args.repeat}, wall clock (CPU)")
    width = max(len(r[0]) for r in rows)
    print(f"{'command':<{width}}  {'baseline':>15}  {'current':>15}  {'ratio':>6}")
    for label, (bw, bc), (hw, hc) in rows:
        print(f"{label:<{width}}  {bw:7.2f} s ({bc:5.1f})  {hw:7.2f} s ({hc:5.1f})  {bw / hw:5.2f}x")
    print("(warm-cache rows: the baseline has no cache and recomputes; the current code reads the valuations "
          "`zopa run` kept, keyed by scenario digest, seed, paths and code version)")


if __name__ == "__main__":
    main()
