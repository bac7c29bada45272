"""Numba kernels of :mod:`tlsmc.measurements.acoustic` (its only caller): relaxation sums.

For every TLS i and angular frequency ω_f, with g_i = w_i D_i² (−∂f/∂E)_i in K^-1 m^-3
(D per unit γ, −∂f/∂E = n(1 − n)/T = 1/(4T cosh²(E/2T))) and K the total rate (s^-1):

* a_i = g_i ω K/(K² + ω²)                          (= g ωτ/(1 + ω²τ²), absorption)
* b_i = g_i K²/(K² + ω²) − g_ref K_ref²/(K_ref² + ω²)  (= g/(1 + ω²τ²) at T minus T_ref, velocity)

and their squares and cross moments with given per-sample resonant terms x_if, y_if are
summed into ``out[f] = (Σa, Σa², Σb, Σb², Σx a, Σy b)``.  No fastmath: the
per-sample second moments are the standard errors.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["neg_dfde", "relaxation_sums", "relaxation_sums_numpy"]


@njit(cache=True)
def _neg_dfde(E, T):
    """−∂n_eq/∂E = e^{−x}/(T (1 + e^{−x})²), x = E/T ≥ 0, K^-1 (no overflow for x up to 1e5)."""
    q = math.exp(-E / T)
    return q / (T * (1.0 + q) * (1.0 + q))


@njit(cache=True)
def relaxation_sums(wD2, E_K, K, K_ref, T, T_ref, omegas, x, y, out):
    """Add Σa, Σa², Σb, Σb², Σxa, Σyb of one chunk to ``out`` (F, 6) in place; x, y (N, F)."""
    n = wD2.shape[0]
    nf = omegas.shape[0]
    for i in range(n):
        g = wD2[i] * _neg_dfde(E_K[i], T)
        g_ref = wD2[i] * _neg_dfde(E_K[i], T_ref)
        k, k_ref = K[i], K_ref[i]
        k2, k2_ref = k * k, k_ref * k_ref
        for f in range(nf):
            w = omegas[f]
            w2 = w * w
            den = k2 + w2
            den_ref = k2_ref + w2
            a = g * w * k / den if den > 0.0 else 0.0
            b = (g * k2 / den if den > 0.0 else 0.0) - (g_ref * k2_ref / den_ref
                                                       if den_ref > 0.0 else 0.0)
            out[f, 0] += a
            out[f, 1] += a * a
            out[f, 2] += b
            out[f, 3] += b * b
            out[f, 4] += x[i, f] * a
            out[f, 5] += y[i, f] * b


def neg_dfde(E_K, T):
    """NumPy twin of the kernel's −∂n_eq/∂E, K^-1."""
    q = np.exp(-np.asarray(E_K) / T)
    return q / (T * (1.0 + q) ** 2)


def relaxation_sums_numpy(wD2, E_K, K, K_ref, T, T_ref, omegas, x, y, out):
    """Plain NumPy version of :func:`relaxation_sums` (benchmark and test reference)."""
    g = wD2 * neg_dfde(E_K, T)
    g_ref = wD2 * neg_dfde(E_K, T_ref)
    for f, w in enumerate(omegas):
        a = g * w * K / (K * K + w * w)
        b = g * K * K / (K * K + w * w) - g_ref * K_ref * K_ref / (K_ref * K_ref + w * w)
        out[f] += (a.sum(), (a * a).sum(), b.sum(), (b * b).sum(), (x[:, f] * a).sum(),
                   (y[:, f] * b).sum())
