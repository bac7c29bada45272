"""Exact propagation of TLS occupations under a piecewise-constant T(t) (PHYSICS §5).

The master equation dn/dt = K↑(1 − n) − K↓ n has, at constant temperature,
the exact solution n(t) = n_eq + (n(0) − n_eq) e^{−K t}; segments are chained
exactly, so any rate from 1e-30 to 1e30 s^-1 is handled without a step size.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._kernels.dynamics import BLOCK, advance_segment
from .protocols import Protocol
from ..rates import RateSet
from .occupations import n_eq

__all__ = ["EvolutionSums", "evolve"]


@dataclass(frozen=True, slots=True)
class EvolutionSums:
    """Sums over TLSs at the output times, for each coefficient vector c.

    ``dn[c, k] = Σ_i c_i (n_i(t_k) − n_i(0⁻))`` and ``flux[c, k] = Σ_i c_i (−dn_i/dt)(t_k)``,
    with ``*_sq`` the sums of squares of the per-TLS terms (for standard errors).
    """

    dn: np.ndarray
    dn_sq: np.ndarray
    flux: np.ndarray
    flux_sq: np.ndarray

    def __add__(self, other: "EvolutionSums") -> "EvolutionSums":
        return EvolutionSums(self.dn + other.dn, self.dn_sq + other.dn_sq,
                             self.flux + other.flux, self.flux_sq + other.flux_sq)


def evolve(E_K: np.ndarray, coef: np.ndarray, rates_at: Callable[[float], RateSet],
           protocol: Protocol, times_s: np.ndarray, n_initial: np.ndarray | None = None,
           unit: int = 1) -> EvolutionSums:
    """Evolve every TLS through ``protocol`` and reduce at ``times_s``.

    Parameters
    ----------
    E_K : (N,) splittings, K (for the initial equilibrium occupations)
    coef : (C, N) per-TLS coefficients c (e.g. weight·E·k_B for the energy)
    rates_at : T_K -> RateSet of these TLSs (called once per segment)
    protocol : the temperature history
    times_s : (n_t,) output times >= 0, s (any order)
    n_initial : (N,) occupations at t = 0⁻; default n_eq(E, T_initial)
    unit : the ``*_sq`` sums square the sums over consecutive units of ``unit`` TLSs
        (antithetic units, PHYSICS §9); 1: per TLS
    """
    times = np.asarray(times_s, dtype=float)
    if np.any(times < 0) or not np.all(np.isfinite(times)):
        raise ValueError("output times must be finite and >= 0 s")
    coef = np.ascontiguousarray(coef, dtype=np.float64)
    n_ref = n_eq(E_K, protocol.T_initial_K) if n_initial is None else np.array(n_initial, float)
    n = n_ref.copy()
    n_coef, N = coef.shape
    n_blocks = (N + BLOCK - 1) // BLOCK
    shape = (n_blocks, n_coef, times.shape[0])
    parts = [np.zeros(shape) for _ in range(4)]
    starts = protocol.starts_s
    ends = np.append(starts[1:], np.inf)
    for s in range(protocol.n_segments):
        rates = rates_at(float(protocol.temperatures_K[s]))
        neq = n_eq(E_K, rates.T_K)
        last = s == protocol.n_segments - 1
        sel = np.nonzero((times >= starts[s]) & ((times < ends[s]) | last))[0]
        offsets = np.ascontiguousarray(times[sel] - starts[s])
        seg = [np.zeros((n_blocks, n_coef, sel.shape[0])) for _ in range(4)]
        advance_segment(n, n_ref, rates.K, neq, coef, offsets, ends[s] - starts[s], *seg, unit)
        for full, part in zip(parts, seg):
            full[:, :, sel] = part
    return EvolutionSums(*(p.sum(axis=0) for p in parts))
