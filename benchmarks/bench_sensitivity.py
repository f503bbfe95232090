"""Tornado over every uncertain input of the built-in case: each input from its 10% to its 90%
quantile, outputs = each side's gain from OpenAI's offer and the ZOPA's widths. Target: under 60 s on
a 2-core machine.

Baseline, measured in the same run: the same tornado done the straightforward way — every variant
re-analysing the full, unthinned deal space with as many paths as `zopa analyze` uses — timed on two
variants and scaled to all of them.

    uv run python benchmarks/bench_sensitivity.py
"""

from __future__ import annotations

import time

from zopa.scenario import builtin_path, load_scenario
from zopa.sensitivity.engine import pin, run_tornado, scenario_outputs, uncertain_inputs


def main() -> None:
    s = load_scenario(builtin_path())
    inputs = uncertain_inputs(s)
    outputs = [f"gain.openai_offer.{p}" for p in s.party_ids] + [f"zopa.width.{p}" for p in s.party_ids]
    start = time.perf_counter()
    result = run_tornado(s, None, n_paths=2_000, space_paths=300, seed=0, outputs=outputs, thin=4)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    for level in (0.1, 0.9):
        scenario_outputs(pin(s, {inputs[0].path: level}), 20_000, 0, 4_000, thin=1)
    slow = (time.perf_counter() - start) / 2 * (2 * len(inputs) + 1)
    top = result.to_rows(outputs[0])[:3]
    print(f"tornado: {len(inputs)} inputs, {2 * len(inputs) + 1} variants, {len(outputs)} outputs: {fast:.1f} s "
          f"(target < 60 s)")
    print(f"baseline (full deal space, 20,000/4,000 paths per variant): {slow:.0f} s estimated; speed-up x{slow / fast:.1f}")
    print("largest swings of " + outputs[0] + ": " + "; ".join(f"{r['input']} {r['swing']:.1f}" for r in top))


if __name__ == "__main__":
    main()
