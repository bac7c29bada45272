"""Exact per-TLS propagation through one constant-temperature segment."""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

BLOCK = 4096
"""TLSs per partial-sum block (fixed: results do not depend on the thread count)."""


@njit(cache=True, parallel=True)
def advance_segment(n, n_ref, K, neq, coef, t_out, duration, s1_dn, s2_dn, s1_fl, s2_fl, unit=1):
    """Propagate occupations through a segment of constant rates and record sums.

    For every TLS i, with n_i the occupation at the segment start:
        n_i(τ) = neq_i + (n_i − neq_i) exp(−K_i τ)        (exact, PHYSICS §5)
    At each output offset τ_k (0 <= τ_k <= duration) the block partial sums
        s1_dn[b, c, k] += coef[c, i] (n_i(τ_k) − n_ref_i),  s2_dn: its square,
        s1_fl[b, c, k] += coef[c, i] K_i (n_i(τ_k) − neq_i), s2_fl: its square
    are accumulated (the flux is −dn/dt).  With ``unit`` > 1 the squares are those of the
    sums over consecutive antithetic units of ``unit`` TLSs (BLOCK is a multiple of the
    unit, so units never straddle blocks).  On return n holds n(duration)
    (duration = inf leaves n unchanged: the last segment).
    """
    N = n.shape[0]
    n_blocks = (N + BLOCK - 1) // BLOCK
    n_coef = coef.shape[0]
    n_t = t_out.shape[0]
    for b in prange(n_blocks):
        lo = b * BLOCK
        hi = min(N, (b + 1) * BLOCK)
        ua = np.zeros((n_coef, n_t))
        uf = np.zeros((n_coef, n_t))
        for i in range(lo, hi):
            d0 = n[i] - neq[i]
            k = K[i]
            for kk in range(n_t):
                d = d0 * math.exp(-k * t_out[kk])
                dn = neq[i] + d - n_ref[i]
                fl = k * d
                for c in range(n_coef):
                    a = coef[c, i] * dn
                    f = coef[c, i] * fl
                    s1_dn[b, c, kk] += a
                    s1_fl[b, c, kk] += f
                    if unit == 1:
                        s2_dn[b, c, kk] += a * a
                        s2_fl[b, c, kk] += f * f
                    else:
                        ua[c, kk] += a
                        uf[c, kk] += f
            if unit > 1 and ((i - lo + 1) % unit == 0 or i == hi - 1):
                for kk in range(n_t):
                    for c in range(n_coef):
                        s2_dn[b, c, kk] += ua[c, kk] * ua[c, kk]
                        s2_fl[b, c, kk] += uf[c, kk] * uf[c, kk]
                        ua[c, kk] = 0.0
                        uf[c, kk] = 0.0
            if math.isfinite(duration):
                n[i] = neq[i] + d0 * math.exp(-k * duration)
