"""Kernels for exact relaxation sums S(t) = Σ_i g_i F(K_i t) via log-rate moments.

TLSs are binned by log10 K (``PER_DECADE`` bins per decade between 10^LOG10_LO
and 10^LOG10_HI s^-1, plus an underflow and an overflow bin).  In bin b with
centre K_c the moments μ_j = Σ g u^j, u = K/K_c − 1 (|u| <= 0.0182), give

    Σ_{i in b} g_i F(K_i t) = Σ_j F^{(j)}(x_c) x_c^j μ_j / j!,   x_c = K_c t,

a Taylor series whose truncation after ORDER terms is below 1e-13 relative for
x_c <= X_FULL (beyond it e^{-x} < 1e-21 and F is at its limit).  The
underflow bin (K < 10^LOG10_LO) uses x_c = 0 and u = K t directly.
Moments are additive, so chunks accumulate into one array.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

PER_DECADE = 64
LOG10_LO = -40.0
LOG10_HI = 40.0
N_BINS = int((LOG10_HI - LOG10_LO) * PER_DECADE)
ORDER = 20
X_FULL = 50.0

RELAXED = 0      # F = 1 − e^{−x}
RELAXED_SQ = 1   # F = (1 − e^{−x})²
FLUX = 2         # F = x e^{−x}
FLUX_SQ = 3      # F = x² e^{−2x}
RELAXED_FLUX = 4  # F = (1 − e^{−x}) x e^{−x}
KINDS = {"relaxed": RELAXED, "relaxed_sq": RELAXED_SQ, "flux": FLUX, "flux_sq": FLUX_SQ,
         "relaxed_flux": RELAXED_FLUX}


def bin_centres() -> np.ndarray:
    """Centre rate K_c (s^-1) of every bin; 0 for the underflow, inf for the overflow bin."""
    c = np.empty(N_BINS + 2)
    c[0] = 0.0
    c[-1] = np.inf
    c[1:-1] = 10.0 ** (LOG10_LO + (np.arange(N_BINS) + 0.5) / PER_DECADE)
    return c


@njit(cache=True)
def _bin_of(k, centres):
    if k < 10.0 ** LOG10_LO:
        return 0, k
    if k >= 10.0 ** LOG10_HI:
        return N_BINS + 1, 0.0
    b = 1 + int((math.log10(k) - LOG10_LO) * PER_DECADE)
    b = min(max(b, 1), N_BINS)
    return b, k / centres[b] - 1.0


@njit(cache=True, parallel=True)
def assign_bins(K, centres, bins, u):
    """Bin index and u = K/K_c − 1 (u = K in the underflow bin) of every TLS."""
    for i in prange(K.shape[0]):
        bins[i], u[i] = _bin_of(K[i], centres)


@njit(cache=True, parallel=True)
def accumulate(bins, u, G, mu, counts):
    """mu[s, b, j] += Σ_{i in b} G[s, i] u_i^j ;  counts[b] += #TLS in b.

    Serial over TLSs inside each series (parallel over series), so the sums do
    not depend on the thread count.
    """
    n_series = G.shape[0]
    for s in prange(n_series + 1):
        if s == n_series:
            for i in range(bins.shape[0]):
                counts[bins[i]] += 1
            continue
        for i in range(bins.shape[0]):
            b = bins[i]
            ui = u[i]
            p = G[s, i]
            for j in range(ORDER + 1):
                mu[s, b, j] += p
                p *= ui


@njit(cache=True)
def _derivative(kind, j, x, e, r):
    """d^j F / dx^j at x for the five kinds, written without cancellation.

    ``e`` = e^{−x} and ``r`` = 1 − e^{−x} = −expm1(−x), computed once per bin.
    """
    sign = 1.0 if j % 2 == 0 else -1.0
    if kind == RELAXED:
        if j == 0:
            return r
        return -sign * e
    if kind == RELAXED_SQ:
        if j == 0:
            return r * r
        if j == 1:
            return 2.0 * e * r
        return -sign * e * (2.0 - 2.0 ** j * e)
    if kind == FLUX:
        return sign * (x - j) * e
    if kind == RELAXED_FLUX:
        # x e^{−x} − x e^{−2x}: d^j = (−1)^j [e^{−x}(x − j) − 2^j e^{−2x}(x − j/2)]
        if j == 0:
            return x * e * r
        return sign * (e * (x - j) - 2.0 ** j * e * e * (x - 0.5 * j))
    # FLUX_SQ: d^j[x² e^{−2x}] = (−2)^j e^{−2x} (x² − j x + j(j−1)/4)
    return sign * 2.0 ** j * e * e * (x * x - j * x + 0.25 * j * (j - 1))


@njit(cache=True)
def _limit(kind):
    """F(x -> inf)."""
    if kind == RELAXED or kind == RELAXED_SQ:
        return 1.0
    return 0.0  # FLUX, FLUX_SQ, RELAXED_FLUX


@njit(cache=True, parallel=True)
def evaluate(mu, counts, centres, times, kind, out):
    """out[k] = Σ_i g_i F(K_i t_k) from the moments of one series (t_k > 0, finite)."""
    nb = mu.shape[0]
    for k in prange(times.shape[0]):
        t = times[k]
        total = 0.0
        for b in range(nb):
            if counts[b] == 0:
                continue
            if b == nb - 1:
                total += _limit(kind) * mu[b, 0]
                continue
            if b == 0:
                x_c = 0.0
                scale = t          # u = K (absolute) in the underflow bin
                order = 3          # (K t)^4 < 1e-100 for t < 1e15 s
            else:
                x_c = centres[b] * t
                scale = x_c
                order = ORDER
            if x_c > X_FULL:
                total += _limit(kind) * mu[b, 0]
                continue
            e = math.exp(-x_c)
            r = -math.expm1(-x_c)
            acc = 0.0
            c = 1.0                # scale^j / j!
            for j in range(order + 1):
                acc += _derivative(kind, j, x_c, e, r) * c * mu[b, j]
                c *= scale / (j + 1)
            total += acc
        out[k] = total


@njit(cache=True, parallel=True)
def direct(K, g, times, kind, out):
    """Reference: out[k] = Σ_i g_i F(K_i t_k) evaluated term by term (serial sum per time)."""
    for k in prange(times.shape[0]):
        t = times[k]
        total = 0.0
        for i in range(K.shape[0]):
            x = K[i] * t
            if kind == RELAXED:
                f = -math.expm1(-x)
            elif kind == RELAXED_SQ:
                f = math.expm1(-x) ** 2
            elif kind == FLUX:
                f = x * math.exp(-x)
            elif kind == RELAXED_FLUX:
                f = -math.expm1(-x) * x * math.exp(-x)
            else:
                f = x * x * math.exp(-2.0 * x)
            total += g[i] * f
        out[k] = total
