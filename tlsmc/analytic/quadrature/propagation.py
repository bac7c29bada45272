r"""Exact propagation and reductions of the ``exact`` column in plain NumPy (PHYSICS §5).

Independent of :mod:`tlsmc.dynamics` (numba block kernels): for a temperature constant over a
segment the master equation dn/dt = K↑(1 − n) − K↓ n has the exact solution

.. math:: n(t) = n_{eq} + (n(t_s) - n_{eq})\,e^{-K (t - t_s)},

chained segment by segment, and the energy flux is −dU/dt = Σ c K (n − n_eq).

Shares with the Monte Carlo: the compiled temperature protocol (a list of segment start
times and temperatures).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .rates import n_eq

__all__ = ["relaxed_sum", "history"]


def relaxed_sum(g: np.ndarray, K: np.ndarray, times_s) -> np.ndarray:
    """Σ_n g_n (1 − e^{−K_n t}) at every time (t = inf: Σ g), with −expm1 for small K t."""
    times = np.atleast_1d(np.asarray(times_s, dtype=float))
    g, K = np.asarray(g, dtype=float), np.asarray(K, dtype=float)
    return np.array([float(g.sum()) if np.isinf(t) else float(np.dot(g, -np.expm1(-K * t)))
                     for t in times])


def history(E_K: np.ndarray, coef: np.ndarray, rates_at: Callable[[float], np.ndarray],
            protocol, times_s) -> tuple[np.ndarray, np.ndarray]:
    """(U(t) − U(0⁻), −dU/dt) for U = Σ c n under a piecewise-constant T(t).

    Parameters
    ----------
    E_K : (N,) splittings, K
    coef : (N,) coefficients c (e.g. k_B w E, J m^-3)
    rates_at : T_K -> (N,) total rates K, s^-1
    protocol : object with ``T_initial_K``, ``starts_s`` (S,), ``temperatures_K`` (S,)
    times_s : (n_t,) output times >= 0, s

    Returns
    -------
    (dU, flux) : (n_t,) arrays in the units of c and c s^-1.
    """
    times = np.atleast_1d(np.asarray(times_s, dtype=float))
    starts = np.asarray(protocol.starts_s, dtype=float)
    temps = np.asarray(protocol.temperatures_K, dtype=float)
    n0 = n_eq(E_K, protocol.T_initial_K)
    n = n0.copy()
    dU, flux = np.full(times.size, np.nan), np.full(times.size, np.nan)
    for s in range(starts.size):
        K = rates_at(float(temps[s]))
        neq = n_eq(E_K, float(temps[s]))
        end = starts[s + 1] if s + 1 < starts.size else np.inf
        sel = np.nonzero((times >= starts[s]) & ((times < end) | (s + 1 == starts.size)))[0]
        for k in sel:
            decay = np.exp(-K * (times[k] - starts[s]))
            # n(t) − n0 = (neq − n0) + (n − neq) e^{−K τ}
            dU[k] = float(np.dot(coef, (neq - n0) + (n - neq) * decay))
            flux[k] = float(np.dot(coef * K, (n - neq) * decay))
        if np.isfinite(end):
            n = neq + (n - neq) * np.exp(-K * (end - starts[s]))
    return dU, flux
