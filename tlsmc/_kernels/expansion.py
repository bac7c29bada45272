"""Kernel for relaxation sums summed over antithetic units before squaring.

For output times t_k and consecutive units of ``unit`` samples (an antithetic pair or group:
samples ``u*unit .. u*unit + unit - 1``) the kernel accumulates

    x_su(t) = Σ_{i in u} G[s, i] F(K_i t),     F(x) = 1 − e^{−x}  (F = 1 at t = inf),
    s1[s, k]    += Σ_u x_su(t_k),
    s2[s, r, k] += Σ_u x_su(t_k) x_ru(t_k).

Summing each unit before squaring is what makes the standard error of a quantity that is
a small even remainder of a large odd sum (thermal expansion, PHYSICS §9) meaningful: the
odd parts cancel inside the unit, not in a difference of two huge second moments.  The two
members of a unit relax with their own rates, so F is evaluated per sample (exactly, with
expm1), at a cost O(N) per output time.  Parallel over output times, serial over samples
inside each, so the sums do not depend on the thread count.
"""
from __future__ import annotations

import numpy as np

from .unit_sums import unit_moments_kinds


def unit_moments(G, K, unit, times, s1, s2):
    """Add the unit sums of Σ G F(K t) and their products into ``s1`` and ``s2`` (see module):
    :func:`tlsmc._kernels.unit_sums.unit_moments_kinds` with every series relaxed (kind 1).

    Parameters
    ----------
    G : (S, N) float64, one row per series
    K : (N,) float64 rates >= 0, s^-1
    unit : int >= 1, samples per antithetic unit (the last unit may be shorter)
    times : (T,) float64, > 0 s or inf (F = 1 for every sample, whatever its rate)
    s1 : (S, T) float64, accumulated in place
    s2 : (S, S, T) float64, accumulated in place
    """
    unit_moments_kinds(G, K, np.ones(G.shape[0], dtype=np.int64), unit, times, s1, s2)
