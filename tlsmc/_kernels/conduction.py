"""Numba kernels of :mod:`tlsmc.measurements.conduction` (its only caller): per-batch
scattering sums on a phonon-frequency grid.

For every TLS i (batch b_i) and grid node k (energy ħω_k = E_k in K, angular frequency ω_k):

* x_ik = x_k = P̄ W(E_k) / n_total (J^-1 m^-3), the δ-shell estimator of ñ(E_k) for a J0 pdf 1
  on its support (:func:`tlsmc.measurements.acoustic.shell_density`, divided by n_total so
  Σ_i x_ik = ñ̂): W(E_k) the width of the window of s = Δ/E the cut-offs allow on the shell
  (:func:`tlsmc.measurements.acoustic_base.shell_window`), the same for every sample (the
  caller passes x_k; zero variance);
* r_ik = w_i D_i² (−∂f/∂E)_i ω_k K_i/(K_i² + ω_k²)  (K^-1 m^-3), the relaxation sum of the
  acoustic formula (D per unit γ, −∂f/∂E in K^-1, K the total rate in s^-1).

Accumulated: ``S[b_i, k, 0] += x_ik``, ``S[b_i, k, 1] += r_ik`` and the per-sample second
moments ``Q[k] += (x², r², x r)``.  No fastmath: the second moments are the error bars.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["conduction_sums", "conduction_sums_numpy"]


@njit(cache=True)
def conduction_sums(E_K, wD2, K, batch, T, x_nodes, omegas, do_rel, S, Q):
    """Add one chunk's x_ik = x_nodes[k], r_ik (module docstring) to S (B, nk, 2) and Q (nk, 3)
    in place."""
    n = E_K.shape[0]
    nk = x_nodes.shape[0]
    for i in range(n):
        b = batch[i]
        g = 0.0
        if do_rel:
            q = math.exp(-E_K[i] / T)
            g = wD2[i] * q / (T * (1.0 + q) * (1.0 + q))
        ki = K[i]
        for k in range(nk):
            x = x_nodes[k]
            r = 0.0
            if g > 0.0:
                w = omegas[k]
                den = ki * ki + w * w
                if den > 0.0:
                    r = g * w * ki / den
            S[b, k, 0] += x
            S[b, k, 1] += r
            Q[k, 0] += x * x
            Q[k, 1] += r * r
            Q[k, 2] += x * r


def conduction_sums_numpy(E_K, wD2, K, batch, T, x_nodes, omegas, do_rel, S, Q):
    """Plain NumPy version of :func:`conduction_sums` (benchmark and test reference);
    ``batch`` must be non-decreasing (consecutive samples per batch, as the caller makes it)."""
    x = np.broadcast_to(x_nodes, (E_K.shape[0], x_nodes.shape[0]))
    r = np.zeros_like(x)
    if do_rel:
        q = np.exp(-E_K / T)
        g = wD2 * q / (T * (1.0 + q) ** 2)
        den = K[:, None] ** 2 + omegas[None, :] ** 2
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(den > 0, g[:, None] * omegas[None, :] * K[:, None] / den, 0.0)
    starts = np.flatnonzero(np.r_[True, batch[1:] != batch[:-1]])
    for c, v in ((0, x), (1, r)):
        S[batch[starts], :, c] += np.add.reduceat(v, starts, axis=0)
    Q[:, 0] += (x * x).sum(0)
    Q[:, 1] += (r * r).sum(0)
    Q[:, 2] += (x * r).sum(0)
