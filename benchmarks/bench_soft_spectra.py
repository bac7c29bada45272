"""Benchmark: batched soft-potential spectra (tlsmc.solve_soft) vs a plain SciPy loop.

Draws TLS-region potentials with a fixed seed (type 1: η uniform in [−16, −3],
asymmetry 2^{-1/2}|t||η|^{3/2} (GGP eq. 2.9) uniform in [−0.3, 0.3]; 30 % of them
moved to their type-2 partner by GGP eq. 2.10), solves them with ``solve_soft``
and, in the same run, with a per-potential loop of ``scipy.linalg.eigh_tridiagonal``
on a finite-difference Hamiltonian with three-level Richardson extrapolation
(h = 0.04, 0.02, 0.01; its E agrees with solve_soft to ~1e-11, printed below).
The SciPy loop runs on the first ``--n-ref`` potentials; its time per potential
sets the ratio.

    python benchmarks/bench_soft_spectra.py [--n N] [--n-ref M] [--big]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np
import scipy.linalg as sl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a checkout
from tlsmc.soft_potential import solve_soft


def draw(n: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    """TLS-region (η, t), dimensionless."""
    rng = np.random.default_rng(seed)
    eta = -rng.uniform(3.0, 16.0, n)
    t = rng.uniform(-0.3, 0.3, n) * np.sqrt(2.0) / np.abs(eta) ** 1.5
    move = rng.random(n) < 0.3
    s = np.sqrt(9 * t[move] ** 2 - 32 * eta[move])
    eta2 = (9 * t[move] ** 2 - 32 * eta[move] - 3 * t[move] * s) / 16
    t2 = (s - t[move]) / 2
    eta[move], t[move] = eta2, t2
    return eta, t


def fd_levels(eta: float, t: float, h: float) -> np.ndarray:
    """Lowest three eigenvalues of the 3-point finite-difference Hamiltonian."""
    centre = -3.0 * t / 8.0
    half = 5.0 + np.sqrt(max(9 * t * t - 32 * eta, 0.0)) / 8.0
    y = np.arange(centre - half, centre + half + h / 2, h)
    d = 2.0 / h ** 2 + eta * y ** 2 + t * y ** 3 + y ** 4
    return sl.eigh_tridiagonal(d, np.full(y.size - 1, -1.0 / h ** 2), eigvals_only=True,
                               select="i", select_range=(0, 2))


def scipy_reference(eta: float, t: float, h: float = 0.04) -> float:
    """E = ε1 − ε0 with Richardson extrapolation in h² (errors h², h⁴ removed)."""
    e = [np.diff(fd_levels(eta, t, h / 2 ** k)[:2])[0] for k in range(3)]
    r = [(4 * e[k + 1] - e[k]) / 3 for k in range(2)]
    return (16 * r[1] - r[0]) / 15


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="potentials for solve_soft")
    ap.add_argument("--n-ref", type=int, default=1_000, help="potentials for the SciPy loop")
    ap.add_argument("--big", action="store_true", help="also time 1e6 potentials")
    args = ap.parse_args()

    eta, t = draw(args.n)
    solve_soft(eta[:64], t[:64])                                   # warm up (compile/load)
    solve_soft(eta[:64], t[:64], parallel=False)
    print(f"threads: {numba.get_num_threads()}")

    t0 = time.perf_counter()
    sp = solve_soft(eta, t)
    t_fast = (time.perf_counter() - t0) / args.n
    print(f"solve_soft: {args.n} potentials in {t_fast * args.n:.2f} s "
          f"({t_fast * 1e6:.1f} us/potential, mean basis {sp.n_basis.mean():.1f}, "
          f"resolved {sp.resolved.mean():.3f})")

    m = min(args.n_ref, args.n)
    t0 = time.perf_counter()
    ref = np.array([scipy_reference(a, b) for a, b in zip(eta[:m], t[:m])])
    t_ref = (time.perf_counter() - t0) / m
    err = np.max(np.abs(ref / sp.E[:m] - 1))
    print(f"scipy eigh_tridiagonal loop (FD + Richardson): {m} potentials, "
          f"{t_ref * 1e3:.2f} ms/potential")
    print(f"max relative difference of E: {err:.2e}")
    print(f"speed-up: {t_ref / t_fast:.1f}x")

    if args.big:
        eta_b, t_b = draw(1_000_000, seed=7)
        t0 = time.perf_counter()
        solve_soft(eta_b, t_b)
        print(f"1e6 potentials: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
