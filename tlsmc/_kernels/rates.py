"""Rate-channel kernels: one value per TLS, parallel over TLSs (no reductions)."""
from __future__ import annotations

from numba import njit, prange

from .thermal import coth_half


@njit(cache=True, parallel=True)
def one_phonon(E_K, M_unit, coefficient, T_K, out):
    """out[i] += a (M_unit E)² E coth(E/2T)   [s^-1]; a in s^-1 K^-3."""
    for i in prange(E_K.shape[0]):
        E = E_K[i]
        m = M_unit[i] * E
        out[i] += coefficient * m * m * E * coth_half(E / T_K)
