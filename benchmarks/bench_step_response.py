"""Benchmark: the C(T,t) reduction of tlsmc against plain NumPy, and streamed memory.

Part 1 (same run, same inputs): N TLSs of the silica scenario at T = 0.3 K,
200 log-spaced times from 1e-6 to 1e4 s.  Both compute

    C(t) = Σ_i g_i (1 − e^{−K_i t}),   Σ_i g_i² (1 − e^{−K_i t})²   (for the stderr)

with g_i = k_B w_i E_i ∂n_eq/∂T.  tlsmc: log-rate moments (tlsmc.dynamics.relaxation);
NumPy: -expm1 of the outer product K ⊗ t in blocks, then a matrix-vector product.
Both sides are timed in the same run, interleaved, best of ``--repeat`` (the machine may be
shared; the load average is printed).  Prints both times, the ratio (target >= 100, issue 17)
and the largest relative difference (target <= 1e-12).

Part 2: a whole ``tlsmc.run`` of N_mem TLSs (default 2e7) in a child process,
streamed in chunks; prints its peak resident memory (ru_maxrss).

Usage: python benchmarks/bench_step_response.py [--n 2e6] [--times 200] [--n-mem 2e7] [--repeat 3]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import best_interleaved, load, result  # noqa: E402

import tlsmc  # noqa: E402
from tlsmc.population import sample_population  # noqa: E402
from tlsmc.rates import build_rates  # noqa: E402
from tlsmc.dynamics.relaxation import RelaxationSums  # noqa: E402
from tlsmc.seeding import Chunk, seed_entropy  # noqa: E402
from tlsmc.spectrum import solve_spectrum  # noqa: E402
from tlsmc.dynamics.occupations import occupation_and_derivative  # noqa: E402
from tlsmc.units import K_B  # noqa: E402

SCENARIO = ROOT / "scenarios" / "silica_heat_capacity.toml"


def inputs(n: int, T: float):
    sc = tlsmc.load_scenario(SCENARIO)
    pop = sample_population(sc.population, sc.material, seed_entropy(1), Chunk(0, 0, n), n)
    spec = solve_spectrum(pop, sc.material)
    K = build_rates(spec, sc.material, sc.rates, T).K
    _, dndT = occupation_and_derivative(spec.E_K, T)
    return K, K_B * pop.weight * spec.E_K * dndT


def tlsmc_reduction(K, g, times):
    acc = RelaxationSums(2)
    acc.add(K, np.stack([g, g * g]))
    return acc.evaluate(0, "relaxed", times), acc.evaluate(1, "relaxed_sq", times)


def numpy_reduction(K, g, times, block=20_000):
    s1 = np.zeros(times.shape)
    s2 = np.zeros(times.shape)
    for start in range(0, K.shape[0], block):
        r = -np.expm1(-np.outer(K[start:start + block], times))
        gb = g[start:start + block]
        s1 += gb @ r
        s2 += (gb * gb) @ (r * r)
    return s1, s2


def memory_child(n: int) -> None:
    sc = tlsmc.load_scenario(SCENARIO)
    t0 = time.perf_counter()
    res = tlsmc.run(sc, n_tls=n)
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = res.to_dataframe().query("observable == 'C_eq'")
    print(f"  N = {n:.3g}: {res.metadata['n_chunks']} chunks, wall {wall:.1f} s, "
          f"peak RSS {peak_mb:.0f} MB; C_eq(0.1 K) = {c['value'].iloc[0]:.5g} "
          f"± {c['stderr'].iloc[0]:.2g} J m^-3 K^-1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=float, default=2e6)
    ap.add_argument("--times", type=int, default=200)
    ap.add_argument("--n-mem", type=float, default=2e7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-child", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(int(args.memory_child))
        return
    n, T = int(args.n), 0.3
    times = np.geomspace(1e-6, 1e4, args.times)
    K, g = inputs(n, T)
    tlsmc_reduction(K[:1000], g[:1000], times[:3])        # compile outside the timing
    print(f"before: {load()}")
    out = {}
    best = best_interleaved({"tlsmc": lambda: out.__setitem__("a", tlsmc_reduction(K, g, times)),
                             "numpy": lambda: out.__setitem__("b", numpy_reduction(K, g, times))},
                            args.repeat)
    t_tlsmc, t_numpy = best["tlsmc"], best["numpy"]
    cpu = best_interleaved({"tlsmc": lambda: tlsmc_reduction(K, g, times),
                            "numpy": lambda: numpy_reduction(K, g, times)}, args.repeat,
                           time.process_time)
    (a1, a2), (b1, b2) = out["a"], out["b"]
    rel1 = np.max(np.abs(a1 - b1) / np.abs(b1))
    rel2 = np.max(np.abs(a2 - b2) / np.abs(b2))
    print(f"C(T={T} K, t) reduction, N = {n:.3g} TLSs x {times.size} times "
          f"(rates over {np.log10(K.max() / K.min()):.0f} decades), best of {args.repeat} interleaved")
    print(f"  tlsmc (log-rate moments): {t_tlsmc:8.3f} s")
    print(f"  plain NumPy (blocked)   : {t_numpy:8.3f} s")
    print(f"  ratio NumPy / tlsmc     : {t_numpy / t_tlsmc:8.1f} x  (target >= 100)")
    print(f"  CPU time (all threads)  : tlsmc {cpu['tlsmc']:.3f} s, NumPy {cpu['numpy']:.3f} s, "
          f"ratio {cpu['numpy'] / cpu['tlsmc']:.1f} x  (insensitive to load)")
    print(f"  max relative difference : C {rel1:.2e}, Σ(g F)² {rel2:.2e}  (target <= 1e-12)")
    print(f"after: {load()}")
    result("step_response_ratio", t_numpy / t_tlsmc, 100.0, "ge", "x NumPy")
    result("step_response_ratio_cpu", cpu["numpy"] / cpu["tlsmc"], None, "info", "x NumPy CPU time")
    result("step_response_rel_diff", max(rel1, rel2), 1e-12, "le", "relative")
    if args.n_mem > 0:
        print("streamed run (whole pipeline, silica_heat_capacity scenario, 3 temperatures):")
        subprocess.run([sys.executable, __file__, "--memory-child", str(args.n_mem)], check=True)


if __name__ == "__main__":
    main()
