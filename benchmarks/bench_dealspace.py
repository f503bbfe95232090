"""Valuing a deal space: 100,000 packages x 10,000 paths per party, with risk aversion (certainty
equivalents for every package). Target: under 30 s and under 4 GiB.

The built-in case's deal space (141,120 packages) is trimmed to its first 100,000 packages.
Baseline, measured in the same run: per-package Python loop summing each package's basis columns
path by path and taking its certainty equivalent, on 300 packages, scaled to 100,000.

    uv run python benchmarks/bench_dealspace.py [--packages 100000] [--paths 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
import numpy as np
from dataclasses import replace
from zopa.scenario import builtin_path, load_scenario
from zopa.dealspace import expand
from zopa.basis import value_space
from zopa.basis_moments import direct_certainty_equivalents
from zopa.value import certainty_equivalent
packages, paths, baseline = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = load_scenario(builtin_path())
space = expand(s.deal_space)
space = replace(space, choices=space.choices[:packages])
t = time.perf_counter()
sv = value_space(s, paths, seed=0, expanded=space)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
pv = sv.parties["openai"]
cols = space.column_index(space.choices[:baseline])
t = time.perf_counter()
for k in range(baseline):  # the straightforward way: one package at a time
    v = pv.constant.copy()
    for c in cols[k]:
        v += pv.columns[:, c]
    certainty_equivalent(v, pv.risk_aversion)
slow = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "peak_gib": peak, "K": int(space.n_packages), "baseline_seconds": slow,
                  "risk_averse": [p for p, v in sv.parties.items() if v.risk_aversion]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=100_000)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=300)
    args = parser.parse_args()
    out = subprocess.run([sys.executable, "-c", CHILD, str(args.packages), str(args.paths), str(args.baseline)],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    scaled = r["baseline_seconds"] / args.baseline * r["K"]
    print(f"deal space: {r['K']:,} packages x {args.paths:,} paths x 2 parties (risk averse: "
          f"{', '.join(r['risk_averse']) or 'none'}): {r['seconds']:.1f} s (target < 30 s), "
          f"peak memory {r['peak_gib']:.2f} GiB (target < 4 GiB)")
    print(f"baseline (per-package loop, risk-averse party only): {args.baseline} packages in "
          f"{r['baseline_seconds']:.2f} s -> {scaled:.0f} s scaled to {r['K']:,}; speed-up x{scaled / r['seconds']:,.0f}")


if __name__ == "__main__":
    main()
