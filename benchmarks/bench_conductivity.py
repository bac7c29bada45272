"""Benchmark of the thermal-conductivity estimator: numba kernel vs plain NumPy, same run.

N TLSs (default 1e6; the vitreous-silica STM sample of scenarios/silica_conductivity.toml)
× 50 temperatures (0.05–100 K) × the default frequency grid (72 Gauss–Legendre nodes in
ħω/kT): the per-batch node sums ñ̂_k, R̂_k and second moments of
:mod:`tlsmc._kernels.conduction`, then κ(T) from them.  Prints both wall times, the ratio,
the largest relative difference of the sums and of κ.  The NumPy version works in blocks
of 65536 TLSs (an (N × nodes) array at once would need N·72·8 bytes per temporary).

    python benchmarks/bench_conductivity.py [N]
"""
from __future__ import annotations

import sys
import time

import numpy as np

import tlsmc
from tlsmc._kernels.conduction import conduction_sums, conduction_sums_numpy
from tlsmc.measurements.acoustic import shell_model
from tlsmc.measurements.acoustic_base import shell_window
from tlsmc.measurements.conduction import branch_constants, frequency_nodes, kappa_from_sums
from tlsmc.rates import build_rates
from tlsmc.spectrum import solve_spectrum
from tlsmc.units import HBAR, K_B


def main(n: int = 1_000_000) -> None:
    sc = tlsmc.load_scenario("scenarios/silica_conductivity.toml")
    cfg = sc.measurement[0]
    pop = sc.population.sample(sc.material, np.random.default_rng(1), n, n)
    spec = solve_spectrum(pop, sc.material)
    sh = shell_model(sc)
    x, wx = frequency_nodes(cfg.x_min, cfg.x_max, cfg.nodes_per_panel)
    temps = np.geomspace(0.05, 100.0, 50)
    wD2 = pop.weight * spec.D_unit**2
    B = 32
    batch = (np.arange(n) * B // n).astype(np.int64)
    nk = x.size
    S_nb, Q_nb = np.zeros((50, B, nk, 2)), np.zeros((50, nk, 3))
    S_np, Q_np = np.zeros((50, B, nk, 2)), np.zeros((50, nk, 3))
    xs = [np.array([sh.P_bar_per_J_m3 * shell_window(sh, e)[1] / n for e in x * T]) for T in temps]
    conduction_sums(spec.E_K[:10], wD2[:10], np.ones(10), batch[:10], 1.0, xs[0], x,
                    True, np.zeros((B, nk, 2)), np.zeros((nk, 3)))   # compile / load cache
    t_rates = time.perf_counter()
    K = [build_rates(spec, sc.material, sc.rates, T).K for T in temps]
    t_rates = time.perf_counter() - t_rates
    t0 = time.perf_counter()
    for j, T in enumerate(temps):
        conduction_sums(spec.E_K, wD2, K[j], batch, T, xs[j], x * K_B * T / HBAR,
                        True, S_nb[j], Q_nb[j])
    t_nb = time.perf_counter() - t0
    t0 = time.perf_counter()
    blk = 65536
    for j, T in enumerate(temps):
        for a in range(0, n, blk):
            sl = slice(a, a + blk)
            conduction_sums_numpy(spec.E_K[sl], wD2[sl], K[j][sl], batch[sl], T, xs[j],
                                  x * K_B * T / HBAR, True, S_np[j], Q_np[j])
    t_np = time.perf_counter() - t0
    br = branch_constants(sc.material)
    kap = [[sum(kappa_from_sums(T, x, wx, S[j].sum(0)[:, 0], S[j].sum(0)[:, 1], br,
                                cfg.boundary_length_m, None, cfg.tls_parts)[0].values())
            for j, T in enumerate(temps)] for S in (S_nb, S_np)]
    dS = np.max(np.abs(S_nb - S_np) / np.maximum(np.abs(S_np), 1e-300))
    dk = np.max(np.abs(np.array(kap[0]) / np.array(kap[1]) - 1))
    print(f"N = {n}, {len(temps)} temperatures, {nk} frequency nodes (rates: {t_rates:.2f} s)")
    print(f"numba kernel: {t_nb:.2f} s   numpy: {t_np:.2f} s   ratio numpy/numba = {t_np / t_nb:.1f}")
    print(f"max rel. difference: node sums {dS:.2e}, kappa {dk:.2e}")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
