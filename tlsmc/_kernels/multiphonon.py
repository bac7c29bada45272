"""Kernels of the TF rate channels (PHYSICS §4.2–4.3): one value per TLS, parallel, no reductions.

Called only by :mod:`tlsmc.rates.multiphonon`.  The multiphonon table is passed as one
row r(E_i, T) (already interpolated to the temperature) and the scalars of its
two-segment ln E grid (``MultiphononTable.grid()``).
"""
from __future__ import annotations

import math

from numba import njit, prange

from ..units import PI
from .thermal import coth_half, n_bose
from .vibrations import debye_weight


@njit(cache=True)
def _cell(s, n):
    """Cell index and weight for position s on nodes 0..n-1 (linear extrapolation outside)."""
    i = int(math.floor(s)) if s > 0.0 else 0
    if i > n - 2:
        i = n - 2
    return i, s - i


@njit(cache=True)
def r_at(logE, lA, dA, nA, lB, dB, nB, row):
    """r at ln E, linear in ln E on the two-segment grid (extrapolated outside)."""
    if logE < lB:
        i, w = _cell((logE - lA) / dA, nA)
    else:
        i, w = _cell((logE - lB) / dB, nB)
        i += nA
    return row[i] + w * (row[i + 1] - row[i])


@njit(cache=True, parallel=True)
def interp_r(E, lA, dA, nA, lB, dB, nB, row, out):
    """out[i] = r(E[i]) from a table row (one T)."""
    for i in prange(E.shape[0]):
        out[i] = r_at(math.log(E[i]), lA, dA, nA, lB, dB, nB, row)


@njit(cache=True)
def _k_over_n(e, delta, V, coef1, coef2, with_table, theta_D, lA, dA, nA, lB, dB, nB, row):
    """k = V²(Δ/E)² E³ [coef1 s(E) + coef2 e^{r(E)}] (with_table) or coef1 V²(Δ/E)² E³ (s^-1)."""
    g = delta / e
    k = V * V * g * g * e * e * e
    if with_table:
        u = e / theta_D
        s = 6.0 * debye_weight(u) / (PI * PI * u * u * u)
        return k * (coef1 * s + coef2 * math.exp(r_at(math.log(e), lA, dA, nA, lB, dB, nB, row)))
    return k * coef1


@njit(cache=True, parallel=True)
def rates(E, delta, V, T, coef1, coef2, with_table, theta_D, lA, dA, nA, lB, dB, nB, row, up, down):
    """K↑ = k n_B(E), K↓ = k [n_B(E) + 1] (s^-1), k of :func:`_k_over_n`.

    So K = K↑ + K↓ = k coth(E/2T) and K↑/K↓ = e^{-E/T} (n_B = 1/expm1(E/T): one
    transcendental, no overflow; T = 0 gives K↑ = 0).  ``row`` is the table row at T;
    ``with_table=False`` is channel 2, k = coef1 V²(Δ/E)² E³.
    """
    for i in prange(E.shape[0]):
        e = E[i]
        if not e > 0.0:
            up[i] = 0.0
            down[i] = 0.0
            continue
        k = _k_over_n(e, delta[i], V[i], coef1, coef2, with_table, theta_D, lA, dA, nA, lB, dB, nB, row)
        n_B = n_bose(e / T) if T > 0.0 else 0.0
        up[i] = k * n_B
        down[i] = k * n_B + k


@njit(cache=True, parallel=True)
def add_total(E, delta, V, T, coef1, coef2, with_table, theta_D, lA, dA, nA, lB, dB, nB, row, out):
    """out[i] += K = k coth(E/2T) (s^-1): the total rate of :func:`rates` without the split
    (the pipeline splits K by detailed balance itself).  E <= 0 adds nothing."""
    for i in prange(E.shape[0]):
        e = E[i]
        if not e > 0.0:
            continue
        k = _k_over_n(e, delta[i], V[i], coef1, coef2, with_table, theta_D, lA, dA, nA, lB, dB, nB, row)
        out[i] += k * (coth_half(e / T) if T > 0.0 else 1.0)


@njit(cache=True, parallel=True)
def interp_r_log(logE, lA, dA, nA, lB, dB, nB, row, out):
    """out[i] = r at ln E = logE[i] (:func:`interp_r` with the logarithm taken by the caller,
    vectorised)."""
    for i in prange(logE.shape[0]):
        out[i] = r_at(logE[i], lA, dA, nA, lB, dB, nB, row)


@njit(cache=True, parallel=True)
def add_total_er(E, delta, V, T, coef1, coef2, theta_D, er, out):
    """:func:`add_total` (with the table) given er[i] = e^{r(E_i)}: out[i] += k coth(E/2T),
    k = V²(Δ/E)² E³ [coef1 s(E) + coef2 er].  ``er`` comes from :func:`interp_r_log` and one
    vectorised np.exp, so this loop has no log and no exp."""
    for i in prange(E.shape[0]):
        e = E[i]
        if not e > 0.0:
            continue
        g = delta[i] / e
        k = V[i] * V[i] * g * g * e * e * e
        u = e / theta_D
        s = 6.0 * debye_weight(u) / (PI * PI * u * u * u)
        k = k * (coef1 * s + coef2 * er[i])
        out[i] += k * (coth_half(e / T) if T > 0.0 else 1.0)
