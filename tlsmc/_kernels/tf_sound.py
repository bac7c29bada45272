"""Numba kernel of :mod:`tlsmc.measurements.tf_sound` (its only caller): TF's Net per TLS.

For one sound-phonon energy ħω = ``hw`` (K) at temperature T (K), per TLS i of splitting E_i,
asymmetry Δ_i, with the channel's total bath rates K_tot(x∓) at the shifted transfers
x− = |E − ħω| and x+ = E + ħω (s^-1, computed by the caller with the TLS's own V and an
eigenbasis factor 1):

.. math:: \\mathrm{Net}_i = \\Big(\\frac{\\Delta_i}{E_i}\\Big)^2
          \\frac{\\sinh(\\hbar\\omega/2T)}{\\cosh(E_i/2T)}\\big[G(x_-) + G(x_+)\\big],\\qquad
          G(x) = \\frac{K_{tot}(x)}{2\\cosh(x/2T)}

(PHYSICS §10, TF §4).  The thermal factor sinh(a)/(2 cosh b cosh c), a = ħω/2T, b = E/2T,
c = x/2T, is evaluated as e^{a−b−c}(1 − e^{−2a})/((1 + e^{−2b})(1 + e^{−2c})): finite for
E/T, ħω/T up to 1e5 and T → 0 (T = 0 exactly is the caller's business: it passes T > 0).
"""
from __future__ import annotations

import math

from numba import njit

__all__ = ["net_combine"]


@njit(cache=True)
def _half_ratio(a, b, c):
    """sinh(a)/(2 cosh(b) cosh(c)) for a, b, c >= 0, overflow-free."""
    return (math.exp(a - b - c) * -math.expm1(-2.0 * a)
            / ((1.0 + math.exp(-2.0 * b)) * (1.0 + math.exp(-2.0 * c))))


@njit(cache=True)
def net_combine(E_K, delta_K, hw_K, T_K, k_minus, k_plus, out):
    """out[i] = Net_i (s^-1) from the total rates ``k_minus`` = K_tot(|E − ħω|) and
    ``k_plus`` = K_tot(E + ħω) (s^-1); all arrays (N,), ``out`` written, not added."""
    n = E_K.shape[0]
    a = 0.5 * hw_K / T_K
    for i in range(n):
        E = E_K[i]
        if E <= 0.0:
            out[i] = 0.0
            continue
        b = 0.5 * E / T_K
        cm = 0.5 * abs(E - hw_K) / T_K
        cp = 0.5 * (E + hw_K) / T_K
        r = delta_K[i] / E
        out[i] = r * r * (k_minus[i] * _half_ratio(a, b, cm) + k_plus[i] * _half_ratio(a, b, cp))
