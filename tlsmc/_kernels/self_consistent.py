"""Per-TLS work of one step of the self-consistent (heat-pulse) integrator.

Within a step of length h the phonon temperature goes from T_k to T' and each
TLS follows the exact solution of dn/dt = K (n_eq(s) − n) for n_eq linear in s
between n0_eq = n_eq(T_k) and n1_eq = n_eq(T') (K constant over the step):

    n(h) = n + β (n1_eq − n) + ψ (n0_eq − n),
    x = K h,  ψ = [1 − (1 + x) e^{−x}] / x,  β = 1 − e^{−x} − ψ.

x -> ∞: n(h) -> n1_eq (fast TLSs in equilibrium with T'); x -> 0: n(h) -> n
(slow TLSs frozen).  Sums are accumulated in fixed blocks of BLOCK TLSs
(partial sums per block, combined by the caller in a fixed order), so results
do not depend on the thread count.

Speed: e^{−K h} comes in as an array (``em``, from one vectorised ``np.exp`` that the
moment pass and the update pass of a step share, :func:`exp_neg`), ψ and β are formed
without a branch, and every block sum is kept in LANES interleaved partial sums (TLS i
of a block goes to lane i mod LANES; lanes added in order at the end of the block), so
the loop vectorises without reassociating any floating-point sum (no fastmath).  The
old entry points :func:`step_moments` and :func:`step_update` compute ``em`` themselves.  Likewise
e^{−E/T} comes in as ``en`` (clipped like e^{−Kh}: n_eq = e/(1 + e) then differs from
the unclipped value by < 1e-304 absolute).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .dynamics import BLOCK

LANES = 4
"""Interleaved partial sums per block (fixed: results do not depend on the machine)."""
X_SERIES = 1e-2
"""Below x = K h, ψ and 1 − e^{−x} come from their series (see :func:`psi_beta`)."""
X_CLIP = 700.0
"""exp_neg evaluates e^{−min(x, X_CLIP)}: the same to < 1e-300 absolute, never subnormal."""

N_MOMENTS = 11
"""Columns of :func:`step_moments`' output: D0, S0, S1, S2, S3, W, F, R0, R1, R2, R3."""
N_UPDATE = 3
"""Columns of :func:`step_update`' output: ΔU, U, Qdot."""


@njit(cache=True)
def psi_beta(x):
    """(ψ, β, e^{−x}) of the module docstring for x = K h >= 0.

    Below x = 1e-2 a series (truncation error < x⁵/144, < 1e-12 relative), so
    nothing cancels; above, 1 − e^{−x} is formed directly (relative error < 1e-14).
    """
    if x < 1e-2:
        psi = x * (0.5 - x * (1.0 / 3.0 - x * (0.125 - x * (1.0 / 30.0 - x / 144.0))))
        one_minus = x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x / 120.0))))
        em = 1.0 - one_minus
    else:
        em = math.exp(-x)
        one_minus = 1.0 - em
        psi = (one_minus - x * em) / x
    return psi, one_minus - psi, em


@njit(cache=True, inline="always")
def psi_beta_em(x, em):
    """(ψ, β, e^{−x}) as :func:`psi_beta`, given em = e^{−x} (used only for x >= X_SERIES);
    branch-free (both forms computed, one selected)."""
    psi_s = x * (0.5 - x * (1.0 / 3.0 - x * (0.125 - x * (1.0 / 30.0 - x / 144.0))))
    om_s = x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x / 120.0))))
    small = x < X_SERIES
    xs = 1.0 if small else x
    om_b = 1.0 - em
    psi_b = (om_b - x * em) / xs
    psi = psi_s if small else psi_b
    one_minus = om_s if small else om_b
    e = 1.0 - om_s if small else em
    return psi, one_minus - psi, e


@njit(cache=True, parallel=True)
def exp_neg(K, h, em):
    """em[i] = e^{−min(K[i] h, X_CLIP)} (also e^{−E/T} with h = 1/T; the driver uses the
    same formula with NumPy)."""
    for i in prange(K.shape[0]):
        em[i] = math.exp(-min(K[i] * h, X_CLIP))


@njit(cache=True)
def occupation(y):
    """(n_eq, n_eq(1 − n_eq)) at y = E/T >= 0 with one exponential."""
    e = math.exp(-y)
    r = 1.0 / (1.0 + e)
    nq = e * r
    return nq, nq * r


@njit(cache=True, inline="always")
def _moments_block(E, a, K, n, neq0, em, en, h, inv_T, lo, hi, acc, stored):
    """Lane sums of one block (``stored`` is a literal at each call site, so the loop
    has no branch on it and vectorises)."""
    inv_T2 = inv_T * inv_T
    for i0 in range(lo, hi, LANES):
        for ln in range(LANES):
            # past the block's end: repeat its last TLS with weight 0 (adds exact zeros)
            i = min(i0 + ln, hi - 1)
            ki = K[i]
            psi, beta, e = psi_beta_em(ki * h, em[i])
            y = E[i] * inv_T
            if stored:
                nq = neq0[i]
                q = nq * (1.0 - nq)
            else:
                r = 1.0 / (1.0 + en[i])
                nq = en[i] * r
                q = nq * r
            m = 1.0 - 2.0 * nq
            g = y * m - 2.0
            yq = y * q * inv_T
            d1 = yq
            d2 = yq * g * inv_T
            d3 = yq * inv_T2 * (m * y * g - y * m - 2.0 * y * y * q - 3.0 * g)
            ai = a[i] if i0 + ln < hi else 0.0
            ni = n[i]
            n0 = neq0[i]
            ab = ai * beta
            acc[0, ln] += ai * (psi * (n0 - ni) - beta * ni)
            acc[1, ln] += ab * nq
            acc[2, ln] += ab * d1
            acc[3, ln] += ab * d2
            acc[4, ln] += ab * d3
            acc[5, ln] += ai * d1 * psi
            ak = ai * ki
            acc[6, ln] += ak * (e * ni + psi * n0)
            ac = ak * (e + psi)
            acc[7, ln] += ac * nq
            acc[8, ln] += ac * d1
            acc[9, ln] += ac * d2
            acc[10, ln] += ac * d3


@njit(cache=True, parallel=True)
def step_moments_em(E, a, K, n, neq0, em, en, h, T, stored, out):
    """Block sums for the energy balance of one step, expanded around a trial T' = T.

    ``em`` = e^{−K h} and ``en`` = e^{−E/T} (:func:`exp_neg`; ``en`` is not read when
    ``stored``).  ``stored``: neq0 already holds n_eq(E/T) (T is the step's start
    temperature), so n_eq is not recomputed.

    With y = E/T, q = n_eq(1 − n_eq), and the T-derivatives of n_eq(E/T)
        d1 = y q / T,  d2 = d1 [y(1 − 2n_eq) − 2] / T,
        d3 = (y q / T³)[(1 − 2n_eq) y g − y(1 − 2n_eq) − 2 y² q − 3 g],
        g = y(1 − 2n_eq) − 2,
    out[b, :] = Σ_block of
        D0 = a [ψ (n0_eq − n) − β n]      (ΔU = D0 + Σ a β n_eq(E/T'))
        S0 = a β n_eq,  S1 = a β d1,  S2 = a β d2,  S3 = a β d3
        W  = a d1 ψ                        (path sensitivity, for step-size control)
        F  = a K (e^{−x} n + ψ n0_eq),  Rj = a K (e^{−x} + ψ) × (n_eq, d1, d2, d3)
                                           (the end-of-step heat flow
                                            Q(T') = F − Σ a K (e^{−x} + ψ) n_eq(E/T'))
    a = k_B w E (J m^-3), K in s^-1, h in s, T in K.
    """
    N = E.shape[0]
    inv_T = 1.0 / T
    for b in prange(out.shape[0]):
        acc = np.zeros((N_MOMENTS, LANES))
        lo = b * BLOCK
        hi = min(N, (b + 1) * BLOCK)
        if stored:
            _moments_block(E, a, K, n, neq0, em, en, h, inv_T, lo, hi, acc, True)
        else:
            _moments_block(E, a, K, n, neq0, em, en, h, inv_T, lo, hi, acc, False)
        for c in range(N_MOMENTS):
            t = 0.0
            for ln in range(LANES):
                t += acc[c, ln]
            out[b, c] = t


@njit(cache=True, parallel=True)
def step_update_em(E, a, K, n, neq0, em, en, h, T, out):
    """Advance every TLS through the step ending at temperature T (module docstring).

    ``em`` = e^{−K h} (the same array as the step's last moment pass), ``en`` = e^{−E/T}
    (:func:`exp_neg`).  On return n holds n(h) and neq0 holds n_eq(E/T) (the next step's
    start value); out[b, :] = Σ_block of a (n(h) − n), a n(h), a K (n(h) − n_eq(E/T))
    (the last is −dU/dt at the end of the step, W m^-3).
    """
    N = E.shape[0]
    for b in prange(out.shape[0]):
        acc = np.zeros((N_UPDATE, LANES))
        lo = b * BLOCK
        hi = min(N, (b + 1) * BLOCK)
        for i0 in range(lo, hi, LANES):
            for ln in range(LANES):
                i = min(i0 + ln, hi - 1)           # past the end: last TLS again, weight 0
                live = i0 + ln < hi
                ki = K[i]
                psi, beta, e = psi_beta_em(ki * h, em[i])
                n1 = en[i] / (1.0 + en[i])
                old = n[i]
                n0 = neq0[i]
                dn = beta * (n1 - old) + psi * (n0 - old)
                new = old + dn
                ai = a[i] if live else 0.0
                acc[0, ln] += ai * dn
                acc[1, ln] += ai * new
                # n(h) − n1 = e^{−x}(n − n1) + ψ(n0 − n1): no cancellation (K up to 1e30 s^-1)
                acc[2, ln] += ai * ki * (e * (old - n1) + psi * (n0 - n1))
                if live:
                    n[i] = new
                    neq0[i] = n1
        for c in range(N_UPDATE):
            t = 0.0
            for ln in range(LANES):
                t += acc[c, ln]
            out[b, c] = t


@njit(cache=True)
def step_moments(E, a, K, n, neq0, h, T, stored, out):
    """:func:`step_moments_em` computing e^{−K h} itself."""
    em = np.empty(K.shape[0])
    en = np.empty(E.shape[0])
    exp_neg(K, h, em)
    exp_neg(E, 1.0 / T, en)
    step_moments_em(E, a, K, n, neq0, em, en, h, T, stored, out)


@njit(cache=True)
def step_update(E, a, K, n, neq0, h, T, out):
    """:func:`step_update_em` computing e^{−K h} itself."""
    em = np.empty(K.shape[0])
    en = np.empty(E.shape[0])
    exp_neg(K, h, em)
    exp_neg(E, 1.0 / T, en)
    step_update_em(E, a, K, n, neq0, em, en, h, T, out)
