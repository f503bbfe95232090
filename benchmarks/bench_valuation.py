"""Valuing the built-in scenario: status quo and every named package, both parties, own and other
beliefs, 100,000 paths. Target: under 3 s and under 2 GiB peak memory on a 2-core machine.

Baseline, measured in the same run: the same engine driven one path at a time (a straightforward
per-path Python loop) on 1,000 paths; the ratio compares time per path.

    uv run python benchmarks/bench_valuation.py [--paths 100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
from zopa.scenario import builtin_path, load_scenario
from zopa.value import value_scenario
paths, chunk = int(sys.argv[1]), int(sys.argv[2])
s = load_scenario(builtin_path())
value_scenario(s, 2_000, seed=1)  # warm caches and imports
t = time.perf_counter()
v = value_scenario(s, paths, seed=0, chunk_size=chunk)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
print(json.dumps({"seconds": elapsed, "peak_gib": peak, "packages": len(v.packages)}))
"""


def measure(paths: int, chunk: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(paths), str(chunk)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--baseline-paths", type=int, default=1_000)
    args = parser.parse_args()
    fast = min((measure(args.paths, 16_384) for _ in range(2)), key=lambda r: r["seconds"])
    slow = measure(args.baseline_paths, 1)
    per_fast = fast["seconds"] / args.paths
    per_slow = slow["seconds"] / args.baseline_paths
    print(f"vectorised: {args.paths:,} paths x {fast['packages']} packages x 2 parties x 2 belief sets: "
          f"{fast['seconds']:.2f} s (target < 3 s), peak memory {fast['peak_gib']:.2f} GiB (target < 2 GiB)")
    print(f"baseline (one path at a time): {args.baseline_paths:,} paths: {slow['seconds']:.2f} s "
          f"= {per_slow * 1e3:.2f} ms per path")
    print(f"speed-up per path: x{per_slow / per_fast:,.0f}")


if __name__ == "__main__":
    main()
