"""Shared helpers of the benchmarks: interleaved best-of-k timing, load, RESULT lines.

The machine may be shared, so every benchmark times tlsmc and its reference in the same
run, interleaved (A, B, A, B, ...) and keeps the best of k of each; the ratio of the two
bests is what is compared with a target.  ``result`` prints one machine-readable line

    RESULT <name> value=<float> target=<float or -> sense=<ge|le|info> unit=<text>

that ``benchmarks/run_all.py`` collects into its summary table.
"""
from __future__ import annotations

import os
import time
from typing import Callable


def load() -> str:
    """The 1, 5 and 15 minute load averages and the CPU count, as text."""
    a, b, c = os.getloadavg()
    return f"load average {a:.2f} {b:.2f} {c:.2f} on {os.cpu_count()} CPUs"


def best_interleaved(fns: dict[str, Callable[[], object]], repeat: int,
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Best-of-``repeat`` time of each function, the functions run in turn each round."""
    best = {k: float("inf") for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = clock()
            fn()
            best[k] = min(best[k], clock() - t0)
    return best


def result(name: str, value: float, target: float | None, sense: str, unit: str = "") -> None:
    """Print a RESULT line (sense: 'ge' = value must be >= target, 'le' = <=, 'info')."""
    tgt = "-" if target is None else f"{target:g}"
    print(f"RESULT {name} value={value:.6g} target={tgt} sense={sense} unit={unit.replace(' ', '_')}",
          flush=True)
