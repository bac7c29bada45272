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
"""
from __future__ import annotations

import math

from numba import njit, prange

from .dynamics import BLOCK

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


@njit(cache=True)
def occupation(y):
    """(n_eq, n_eq(1 − n_eq)) at y = E/T >= 0 with one exponential."""
    e = math.exp(-y)
    r = 1.0 / (1.0 + e)
    nq = e * r
    return nq, nq * r


@njit(cache=True, parallel=True)
def step_moments(E, a, K, n, neq0, h, T, stored, out):
    """Block sums for the energy balance of one step, expanded around a trial T' = T.

    ``stored``: neq0 already holds n_eq(E/T) (T is the step's start temperature), so
    the exponential is not recomputed.

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
    inv_T2 = inv_T * inv_T
    for b in prange(out.shape[0]):
        d0 = s0 = s1 = s2 = s3 = w = f = r0 = r1 = r2 = r3 = 0.0
        for i in range(b * BLOCK, min(N, (b + 1) * BLOCK)):
            psi, beta, em = psi_beta(K[i] * h)
            y = E[i] * inv_T
            if stored:
                nq = neq0[i]
                q = nq * (1.0 - nq)
            else:
                nq, q = occupation(y)
            m = 1.0 - 2.0 * nq
            g = y * m - 2.0
            yq = y * q * inv_T
            d1 = yq
            d2 = yq * g * inv_T
            d3 = yq * inv_T2 * (m * y * g - y * m - 2.0 * y * y * q - 3.0 * g)
            ai = a[i]
            ab = ai * beta
            d0 += ai * (psi * (neq0[i] - n[i]) - beta * n[i])
            s0 += ab * nq
            s1 += ab * d1
            s2 += ab * d2
            s3 += ab * d3
            w += ai * d1 * psi
            ak = ai * K[i]
            f += ak * (em * n[i] + psi * neq0[i])
            ac = ak * (em + psi)
            r0 += ac * nq
            r1 += ac * d1
            r2 += ac * d2
            r3 += ac * d3
        out[b, 0] = d0
        out[b, 1] = s0
        out[b, 2] = s1
        out[b, 3] = s2
        out[b, 4] = s3
        out[b, 5] = w
        out[b, 6] = f
        out[b, 7] = r0
        out[b, 8] = r1
        out[b, 9] = r2
        out[b, 10] = r3


@njit(cache=True, parallel=True)
def step_update(E, a, K, n, neq0, h, T, out):
    """Advance every TLS through the step ending at temperature T (module docstring).

    On return n holds n(h) and neq0 holds n_eq(E/T) (the next step's start value);
    out[b, :] = Σ_block of a (n(h) − n), a n(h), a K (n(h) − n_eq(E/T))  (the last is
    −dU/dt at the end of the step, W m^-3).
    """
    N = E.shape[0]
    inv_T = 1.0 / T
    for b in prange(out.shape[0]):
        du = u = q = 0.0
        for i in range(b * BLOCK, min(N, (b + 1) * BLOCK)):
            psi, beta, em = psi_beta(K[i] * h)
            n1, _ = occupation(E[i] * inv_T)
            old = n[i]
            dn = beta * (n1 - old) + psi * (neq0[i] - old)
            new = old + dn
            ai = a[i]
            du += ai * dn
            u += ai * new
            # n(h) − n1 = e^{−x}(n − n1) + ψ(n0 − n1): no cancellation (K up to 1e30 s^-1)
            q += ai * K[i] * (em * (old - n1) + psi * (neq0[i] - n1))
            n[i] = new
            neq0[i] = n1
        out[b, 0] = du
        out[b, 1] = u
        out[b, 2] = q
