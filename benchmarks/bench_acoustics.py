"""Benchmark of the acoustic relaxation estimator: numba kernel vs plain NumPy, same run.

1e6 TLSs (vitreous silica STM sample) × 4 frequencies × 50 temperatures: the per-sample
sums Σa, Σa², Σb, Σb², Σxa, Σyb of :mod:`tlsmc._kernels.acoustics`.  Prints both wall
times, the ratio, and the largest relative difference of the sums.

    python benchmarks/bench_acoustics.py [N]
"""
from __future__ import annotations

import sys
import time

import numpy as np

import tlsmc
from tlsmc._kernels.acoustics import relaxation_sums, relaxation_sums_numpy
from tlsmc.rates import build_rates
from tlsmc.spectrum import solve_spectrum


def main(n: int = 1_000_000) -> None:
    sc = tlsmc.load_scenario("scenarios/silica_acoustics.toml")
    pop = sc.population.sample(sc.material, np.random.default_rng(1), n, n)
    spec = solve_spectrum(pop, sc.material)
    temps = np.geomspace(0.01, 10.0, 50)
    omegas = 2 * np.pi * np.array([1e6, 1e7, 1e8, 1e9])
    K = {T: build_rates(spec, sc.material, sc.rates, T).K for T in (*temps, 1.0)}
    wD2 = pop.weight * spec.D_unit**2
    x, y = np.zeros((n, 4)), np.zeros((n, 4))
    out_nb, out_np = np.zeros((50, 4, 6)), np.zeros((50, 4, 6))
    relaxation_sums(wD2[:10], spec.E_K[:10], K[1.0][:10], K[1.0][:10], 1.0, 1.0, omegas,
                    x[:10], y[:10], np.zeros((4, 6)))          # compile / load cache
    t0 = time.perf_counter()
    for j, T in enumerate(temps):
        relaxation_sums(wD2, spec.E_K, K[T], K[1.0], T, 1.0, omegas, x, y, out_nb[j])
    t_nb = time.perf_counter() - t0
    t0 = time.perf_counter()
    for j, T in enumerate(temps):
        relaxation_sums_numpy(wD2, spec.E_K, K[T], K[1.0], T, 1.0, omegas, x, y, out_np[j])
    t_np = time.perf_counter() - t0
    rel = np.max(np.abs(out_nb - out_np) / np.maximum(np.abs(out_np), 1e-300))
    print(f"N = {n:,} TLSs x 4 frequencies x 50 temperatures")
    print(f"numba kernel : {t_nb:8.3f} s")
    print(f"plain NumPy  : {t_np:8.3f} s")
    print(f"ratio NumPy/numba = {t_np / t_nb:.2f};  max relative difference {rel:.1e}")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
