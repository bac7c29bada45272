"""Equilibrium occupations of a two-level system, vectorised and overflow-safe.

n_eq(E, T) = 1 / (exp(E/T) + 1) and its temperature derivative
∂n_eq/∂T = (E/T²) n_eq (1 − n_eq), energies and temperatures in K.
Finite for E/T up to 1e5 and beyond (PHYSICS §0).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from .._kernels.thermal import occupations as _occupations

__all__ = ["n_eq", "occupation_and_derivative"]


def n_eq(E_K, T_K):
    """Upper-level occupation 1/(e^{E/T} + 1), dimensionless."""
    return expit(-np.asarray(E_K, dtype=float) / T_K)


def occupation_and_derivative(E_K: np.ndarray, T_K: float) -> tuple[np.ndarray, np.ndarray]:
    """(n_eq, ∂n_eq/∂T in K^-1) for an array of splittings at one temperature."""
    E = np.ascontiguousarray(E_K, dtype=np.float64)
    n = np.empty_like(E)
    dndT = np.empty_like(E)
    _occupations(E, float(T_K), n, dndT)
    return n, dndT
