"""Scalar thermal functions for use inside numba kernels, safe for x = E/T in [0, inf].

None of them overflows or returns NaN for x up to 1e5 or x = inf (T -> 0).
"""
from __future__ import annotations

import math

from numba import njit, prange


@njit(cache=True)
def n_eq(x: float) -> float:
    """Upper-level occupation 1/(e^x + 1) (x = E/T)."""
    if x >= 0.0:
        e = math.exp(-x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(x))


@njit(cache=True)
def n_one_minus_n(x: float) -> float:
    """n_eq (1 − n_eq) = e^{-|x|} / (1 + e^{-|x|})²."""
    e = math.exp(-abs(x))
    return e / ((1.0 + e) * (1.0 + e))


@njit(cache=True)
def coth_half(x: float) -> float:
    """coth(x/2) for x = E/T in [0, inf] (= 1 to double precision for x > 40; inf at x = 0).

    The one implementation in tlsmc: ``tlsmc.rates.vibrations.coth_half`` is its numpy ufunc.
    """
    if x > 40.0:
        return 1.0
    if x == 0.0:
        return math.inf
    return 1.0 / math.tanh(0.5 * x)


@njit(cache=True)
def n_bose(x: float) -> float:
    """Bose occupation 1/(e^x − 1) for x = E/T in [0, inf]; e^{-x} for x > 40 (no overflow),
    0 at x = inf (T = 0), inf at x = 0.  ``tlsmc.rates.vibrations.n_bose`` is its numpy ufunc."""
    if x > 40.0:
        return math.exp(-x)
    if x == 0.0:
        return math.inf
    return 1.0 / math.expm1(x)


@njit(cache=True)
def softplus(x: float) -> float:
    """ln(1 + e^x) without overflow."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@njit(cache=True, parallel=True)
def occupations(E_K, T_K, n_out, dndT_out):
    """n_eq(E, T) and ∂n_eq/∂T = (E/T²) n(1−n) (K^-1) for every TLS."""
    for i in prange(E_K.shape[0]):
        x = E_K[i] / T_K
        n_out[i] = n_eq(x)
        dndT_out[i] = (x / T_K) * n_one_minus_n(x)
