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

Speed: e^{−K h} and e^{−E/T} are computed in the loop by the vectorisable
:func:`tlsmc._kernels.fast_exp.exp` (<= 1 ulp from ``np.exp``; arguments clipped at
X_CLIP: e^{−700} instead of a smaller number changes n_eq by < 1e-304 absolute), ψ and β
are formed without a branch, and a block goes in sub-blocks of SUB TLSs: a plain loop over
0-based views of the sub-block writes every TLS's terms to a scratch (no negative-index
wrap-around, no sum carried by the loop, ``error_model="numpy"`` so a division has no
ZeroDivisionError branch: the loop vectorises), then each scratch row is summed pairwise
down to LANES partial sums (a fixed order, without fastmath), which the block adds in order.
:func:`step_update_moments` fuses an update with the first moment pass of the next step
(rates unchanged, a new step length h2, centred at the new n_eq): one pass over the TLSs
(each sub-block updated, then its moments taken while it is in cache) instead of two, with
the same numbers as :func:`step_update` then :func:`step_moments` (``stored``).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .dynamics import BLOCK
from .fast_exp import exp

LANES = 4
"""Partial sums per block (fixed: results do not depend on the machine)."""
SUB = 512
"""TLSs per sub-block (a power of two; BLOCK is a multiple of it): their terms go to an
L1/L2-sized scratch, then are summed pairwise down to LANES partial sums per block."""
X_SERIES = 1e-2
"""Below x = K h, ψ and 1 − e^{−x} come from their series (see :func:`psi_beta_em`)."""
X_CLIP = 700.0
"""The kernels evaluate e^{−min(x, X_CLIP)}: the same to < 1e-300 absolute, never subnormal."""

N_MOMENTS = 11
"""Columns of :func:`step_moments`' output (and :func:`step_update_moments`' second):
D0, S0, S1, S2, S3, W, F, R0, R1, R2, R3."""
N_UPDATE = 3
"""Columns of :func:`step_update`' output: ΔU, U, Qdot."""


@njit(cache=True, inline="always", error_model="numpy")
def psi_beta_em(x, em):
    """(ψ, β, e^{−x}) of the module docstring for x = K h >= 0, given em = e^{−x} (used
    only for x >= X_SERIES); branch-free (both forms computed, one selected).

    Below x = X_SERIES a series (truncation error < x⁵/144, < 1e-12 relative), so
    nothing cancels; above, 1 − e^{−x} is formed directly (relative error < 1e-14).
    """
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


@njit(cache=True, inline="always", error_model="numpy")
def _moment_terms(tb, r, k, ai, ki, ni, n0, nq, q, y, psi, beta, e, inv_T):
    """Write one TLS's terms of :func:`step_moments` to column k of tb (rows r..r+10)."""
    inv_T2 = inv_T * inv_T
    m = 1.0 - 2.0 * nq
    g = y * m - 2.0
    yq = y * q * inv_T
    d1 = yq
    d2 = yq * g * inv_T
    d3 = yq * inv_T2 * (m * y * g - y * m - 2.0 * y * y * q - 3.0 * g)
    ab = ai * beta
    tb[r + 0, k] = ai * (psi * (n0 - ni) - beta * ni)
    tb[r + 1, k] = ab * nq
    tb[r + 2, k] = ab * d1
    tb[r + 3, k] = ab * d2
    tb[r + 4, k] = ab * d3
    tb[r + 5, k] = ai * d1 * psi
    ak = ai * ki
    tb[r + 6, k] = ak * (e * ni + psi * n0)
    ac = ak * (e + psi)
    tb[r + 7, k] = ac * nq
    tb[r + 8, k] = ac * d1
    tb[r + 9, k] = ac * d2
    tb[r + 10, k] = ac * d3


@njit(cache=True, inline="always", error_model="numpy")
def _lane_sums(tb, r0, r1, acc):
    """acc[c, ln] += the pairwise sum of row r0 + c of tb over the columns k ≡ ln (mod LANES):
    halving (column k += column k + half, half = SUB/2, SUB/4, .. LANES), a fixed order that
    does not depend on the machine, in loops without a loop-carried sum (they vectorise)."""
    half = SUB // 2
    while half >= LANES:
        for c in range(r0, r1):
            low = tb[c, :half]
            high = tb[c, half:2 * half]
            for k in range(half):
                low[k] += high[k]
        half //= 2
    for c in range(r1 - r0):
        for ln in range(LANES):
            acc[c, ln] += tb[r0 + c, ln]


@njit(cache=True, inline="always", error_model="numpy")
def _pad(tb, m):
    """Zero columns m..SUB−1 of tb (a partial sub-block adds exact zeros)."""
    for c in range(tb.shape[0]):
        for k in range(m, SUB):
            tb[c, k] = 0.0


@njit(cache=True, inline="always", error_model="numpy")
def _moment_sub(Es, As, Ks, Ns, Qs, h, inv_T, tb, stored):
    """Terms of :func:`step_moments` of one sub-block (views indexed from 0: no negative-
    index wrap-around, so the loop vectorises) into columns 0.. of tb, zero-padded to SUB."""
    for k in range(Es.shape[0]):
        ki = Ks[k]
        x = ki * h
        psi, beta, e = psi_beta_em(x, exp(-min(x, X_CLIP)))
        y = Es[k] * inv_T
        if stored:
            nq = Qs[k]
            q = nq * (1.0 - nq)
        else:
            en = exp(-min(y, X_CLIP))
            r = 1.0 / (1.0 + en)
            nq = en * r
            q = nq * r
        _moment_terms(tb, 0, k, As[k], ki, Ns[k], Qs[k], nq, q, y, psi, beta, e, inv_T)
    _pad(tb, Es.shape[0])


@njit(cache=True, inline="always", error_model="numpy")
def _moments_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, stored):
    """Lane sums of one block: in sub-blocks of SUB TLSs, every TLS's terms first (a plain
    loop that vectorises; ``stored`` is a literal at each call site), then the lane sums."""
    tb = np.empty((N_MOMENTS, SUB))
    for s0 in range(lo, hi, SUB):
        s1 = min(s0 + SUB, hi)
        _moment_sub(E[s0:s1], a[s0:s1], K[s0:s1], n[s0:s1], neq0[s0:s1], h, inv_T, tb, stored)
        _lane_sums(tb, 0, N_MOMENTS, acc)


@njit(cache=True, parallel=True, error_model="numpy")
def step_moments(E, a, K, n, neq0, h, T, stored, out):
    """Block sums for the energy balance of one step, expanded around a trial T' = T.

    e^{−K h} and (unless ``stored``) e^{−E/T} are computed here (module docstring).
    ``stored``: neq0 already holds n_eq(E/T) (T is the step's start temperature), so
    n_eq is not recomputed.

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
            _moments_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, True)
        else:
            _moments_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, False)
        _lanes_out(acc, out, b, 0)


@njit(cache=True, inline="always", error_model="numpy")
def _lanes_out(acc, out, b, c0):
    """out[b, c0 + c] = the lanes of acc[c] added in order."""
    for c in range(acc.shape[0]):
        t = 0.0
        for ln in range(LANES):
            t += acc[c, ln]
        out[b, c0 + c] = t


@njit(cache=True, inline="always", error_model="numpy")
def _update_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, acc2, h2, fused):
    """Update (and, if ``fused``, the next step's moments with step h2 centred at the new
    n_eq, into ``acc2``) over one block, in sub-blocks as :func:`_moments_block`: the update
    loop (scratch rows 0..2 the sums' terms, 3 and 4 n(h) and n1_eq, copied to n and neq0
    after the loop, so the loop stores only to the scratch), then, while the sub-block is
    in cache, the moment loop of :func:`step_moments` (``stored``) on the updated values."""
    tb = np.empty((N_UPDATE + 2, SUB))
    tm = np.empty((N_MOMENTS if fused else 1, SUB))
    for s0 in range(lo, hi, SUB):
        s1 = min(s0 + SUB, hi)
        Es, As, Ks, Ns, Qs = E[s0:s1], a[s0:s1], K[s0:s1], n[s0:s1], neq0[s0:s1]
        for k in range(s1 - s0):
            ki = Ks[k]
            x = ki * h
            psi, beta, e = psi_beta_em(x, exp(-min(x, X_CLIP)))
            en = exp(-min(Es[k] * inv_T, X_CLIP))
            n1 = en / (1.0 + en)
            old = Ns[k]
            n0 = Qs[k]
            dn = beta * (n1 - old) + psi * (n0 - old)
            new = old + dn
            ai = As[k]
            tb[0, k] = ai * dn
            tb[1, k] = ai * new
            # n(h) − n1 = e^{−x}(n − n1) + ψ(n0 − n1): no cancellation (K up to 1e30 s^-1)
            tb[2, k] = ai * ki * (e * (old - n1) + psi * (n0 - n1))
            tb[3, k] = new
            tb[4, k] = n1
        for k in range(s1 - s0):
            Ns[k] = tb[3, k]
            Qs[k] = tb[4, k]
        _pad(tb, s1 - s0)
        _lane_sums(tb, 0, N_UPDATE, acc)
        if fused:
            _moment_sub(Es, As, Ks, Ns, Qs, h2, inv_T, tm, True)
            _lane_sums(tm, 0, N_MOMENTS, acc2)


@njit(cache=True, parallel=True, error_model="numpy")
def step_update(E, a, K, n, neq0, h, T, out):
    """Advance every TLS through the step ending at temperature T (module docstring).

    e^{−K h} and e^{−E/T} are computed here.  On return n holds n(h) and neq0 holds
    n_eq(E/T) (the next step's start value); out[b, :] = Σ_block of a (n(h) − n), a n(h),
    a K (n(h) − n_eq(E/T)) (the last is −dU/dt at the end of the step, W m^-3).
    """
    N = E.shape[0]
    inv_T = 1.0 / T
    for b in prange(out.shape[0]):
        acc = np.zeros((N_UPDATE, LANES))
        lo = b * BLOCK
        hi = min(N, (b + 1) * BLOCK)
        _update_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, acc, 0.0, False)
        _lanes_out(acc, out, b, 0)


@njit(cache=True, parallel=True, error_model="numpy")
def step_update_moments(E, a, K, n, neq0, h, T, h2, out, out2):
    """:func:`step_update` (into ``out``) and then :func:`step_moments` with the same rates,
    step h2 and temperature T, ``stored`` (into ``out2``), in one pass over the TLSs."""
    N = E.shape[0]
    inv_T = 1.0 / T
    for b in prange(out.shape[0]):
        acc = np.zeros((N_UPDATE, LANES))
        acc2 = np.zeros((N_MOMENTS, LANES))
        lo = b * BLOCK
        hi = min(N, (b + 1) * BLOCK)
        _update_block(E, a, K, n, neq0, h, inv_T, lo, hi, acc, acc2, h2, True)
        _lanes_out(acc, out, b, 0)
        _lanes_out(acc2, out2, b, 0)
