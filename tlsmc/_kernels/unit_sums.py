"""Kernel: first and second moments of relaxation sums over antithetic units.

For output times t_k, consecutive units of ``unit`` samples and series s with a relaxation
shape ``kinds[s]`` the kernel accumulates

    x_su(t) = Σ_{i in u} G[s, i] F_s(K_i t),
    F_s(x) = 1 (kind 0), 1 − e^{−x} (kind 1), x e^{−x} (kind 2)   (at t = inf: 1, 1, 0),
    s1[s, k]    += Σ_u x_su(t_k),
    s2[s, r, k] += Σ_u x_su(t_k) x_ru(t_k).

The unit, not the sample, is the independent draw of an antithetic population (PHYSICS §9;
mirror pairs or type-2 quartets), so the standard error of Σ_i G F is
sqrt(n_u/(n_u−1) (s2 − s1²/n_u)) over the n_u units.  The cross moments s2[s, r] give the
error of linear combinations of series (e.g. U = Σ a n_T + δT Σ h F).  Same scheme as
:mod:`tlsmc._kernels.expansion` (kind 1 only there): parallel over output times, serial
over samples, so the sums do not depend on the thread count.  Cost O(N S² T).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def unit_moments_kinds(G, K, kinds, unit, times, s1, s2):
    """Add the unit sums of Σ G F_kind(K t) and their products into ``s1``, ``s2`` (module doc).

    Parameters
    ----------
    G : (S, N) float64, one row per series
    K : (N,) float64 rates >= 0, s^-1
    kinds : (S,) int64, 0 constant, 1 relaxed 1 − e^{−Kt}, 2 flux Kt e^{−Kt}
    unit : int >= 1, samples per antithetic unit (the last unit may be shorter)
    times : (T,) float64, > 0 s or inf
    s1 : (S, T) float64, accumulated in place
    s2 : (S, S, T) float64, accumulated in place
    """
    n_series = G.shape[0]
    n = K.shape[0]
    for k in prange(times.shape[0]):
        t = times[k]
        full = math.isinf(t)
        a1 = np.zeros(n_series)
        a2 = np.zeros((n_series, n_series))
        x = np.zeros(n_series)
        for start in range(0, n, unit):
            stop = min(start + unit, n)
            for s in range(n_series):
                x[s] = 0.0
            for i in range(start, stop):
                if full:
                    f1 = 1.0
                    f2 = 0.0
                else:
                    kt = K[i] * t
                    f1 = -math.expm1(-kt)
                    f2 = kt * math.exp(-kt) if kt < 1e300 else 0.0
                for s in range(n_series):
                    kd = kinds[s]
                    f = 1.0 if kd == 0 else (f1 if kd == 1 else f2)
                    x[s] += G[s, i] * f
            for s in range(n_series):
                a1[s] += x[s]
                for r in range(n_series):
                    a2[s, r] += x[s] * x[r]
        for s in range(n_series):
            s1[s, k] += a1[s]
            for r in range(n_series):
                s2[s, r, k] += a2[s, r]
