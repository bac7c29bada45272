"""Numba kernels: lowest three eigenpairs of a symmetric band matrix by shift-and-invert.

Used by :mod:`tlsmc._kernels.soft_potential` (its only caller) instead of the band ->
tridiagonal reduction of :mod:`~tlsmc._kernels.banded_eigen`: every step costs O(n b²)
(b = 4 the half-width) instead of O(n² b).

1. Subspace iteration with (H − σ0)⁻¹, σ0 a little below the lowest eigenvalue (then
   H − σ0 is positive definite and its LDLᵀ factorisation without pivoting is a stable
   Cholesky), on a block of :data:`NBLOCK` vectors, then Rayleigh–Ritz: estimates of
   the lowest three eigenpairs.
2. Rayleigh-quotient iteration for each of them (a banded LDLᵀ of H − σ per step), the
   k-th kept orthogonal to the first k − 1.
3. Certificate: the three residuals are small, and one more LDLᵀ (Sylvester's law of
   inertia: the number of negative pivots of H − x is the number of eigenvalues below
   x) shows that exactly two eigenvalues lie below λ2 − r2 − tol; with Kahan's residual
   bound this proves that the pair found spans the lowest two eigenvectors and λ2 is
   the third eigenvalue (or one of a cluster equal to it within tol).
If the certificate fails the caller falls back to the reduction method.

Band storage as in :mod:`~tlsmc._kernels.banded_eigen`: ``ab[j, d] = H[j + d, j]``, d <= 4.
"""
from __future__ import annotations

import math

from numba import njit

from .banded_eigen import _EPS, _band_matvec, _dot, _normalize, _orth

NBLOCK = 6
"""Block size of the subspace iteration."""
N_SUBSPACE = 2
"""Subspace iterations (the start vectors are already localised in the wells)."""
N_RQI = 6
"""Most Rayleigh-quotient steps per eigenpair (they stop at a residual <= 64 ε ||H||; the
third at :data:`RTOL3` ||H||)."""
RTOL3 = 1e-9
"""Residual tolerance of the third eigenpair relative to ||H||: its Rayleigh quotient (block
Ritz value of the pair (x2, x3)) is then within r²/gap ~ 1e-18 ||H||²/gap of λ2 (the gap to
λ1 and λ4, both outside the block), and only λ2 is used, not its vector."""


@njit(cache=True)
def ldl_band(ab, n, sig, floor, lw):
    """LDLᵀ of H − sig without pivoting (band half-width 4); returns the number of negative pivots.

    lw (>= n + 4, 10) receives, for column k in row k + 4 (rows 0-3 stay zero):
    lw[k + 4, m] = L[k + m, k] and lw[k + 4, 5 + m] = L[k + m, k] D[k] (m = 1..4),
    lw[k + 4, 0] = D[k], lw[k + 4, 5] = 1/D[k].  Requires ab[j, d] = 0 for j + d >= n
    (as :func:`~tlsmc._kernels.oscillator_basis._fill_band` leaves it).  A pivot of
    modulus below ``floor`` is counted by its sign (zero as negative) and replaced by ±floor.
    """
    neg = 0
    for k in range(4):
        for m in range(10):
            lw[k, m] = 0.0
    for j in range(n):
        r = j + 4
        s = ab[j, 0] - sig
        for m in range(4, 0, -1):                # the last term depends on column j − 1
            s -= lw[r - m, m] * lw[r - m, 5 + m]
        if s <= 0.0:
            neg += 1
        if abs(s) < floor:
            s = -floor if s <= 0.0 else floor
        dinv = 1.0 / s
        lw[r, 0] = s
        lw[r, 5] = dinv
        for q in range(1, 5):
            w = ab[j, q]
            for m in range(4 - q, 0, -1):
                w -= lw[r - m, q + m] * lw[r - m, 5 + m]
            lw[r, 5 + q] = w
            lw[r, q] = w * dinv
    return neg


@njit(cache=True)
def ldl_solve(lw, n, b):
    """b <- (L D Lᵀ)⁻¹ b with the factors of :func:`ldl_band`."""
    for i in range(min(n, 4)):
        s = b[i]
        for k in range(i):
            s -= lw[k + 4, i - k] * b[k]
        b[i] = s
    for i in range(4, n):                         # b[i − 1] enters last (short dependency chain)
        b[i] = (((b[i] - lw[i, 4] * b[i - 4]) - lw[i + 1, 3] * b[i - 3]) - lw[i + 2, 2] * b[i - 2]) \
            - lw[i + 3, 1] * b[i - 1]
    for i in range(n):
        b[i] *= lw[i + 4, 5]
    for i in range(n - 1, max(n - 5, -1), -1):
        s = b[i]
        for m in range(1, n - i):
            s -= lw[i + 4, m] * b[i + m]
        b[i] = s
    for i in range(n - 5, -1, -1):
        b[i] = (((b[i] - lw[i + 4, 4] * b[i + 4]) - lw[i + 4, 3] * b[i + 3]) - lw[i + 4, 2] * b[i + 2]) \
            - lw[i + 4, 1] * b[i + 1]


@njit(cache=True)
def _jacobi(g, m, vec):
    """Eigen-decomposition of the small symmetric g[:m, :m] in place (cyclic Jacobi).

    On return the diagonal of g holds the eigenvalues and the columns of vec the eigenvectors.
    """
    for i in range(m):
        for j in range(m):
            vec[i, j] = 1.0 if i == j else 0.0
    for _ in range(30):
        off = 0.0
        dia = 0.0
        for p in range(m):
            dia += g[p, p] * g[p, p]
            for q in range(p + 1, m):
                off += g[p, q] * g[p, q]
        if off <= 1e-24 * dia:                 # off-diagonal below ~1e-12 of the scale: the
            break                              # Ritz pairs only start the RQI, which refines them
        for p in range(m):
            for q in range(p + 1, m):
                if g[p, q] == 0.0:
                    continue
                theta = (g[q, q] - g[p, p]) / (2.0 * g[p, q])
                tt = (1.0 if theta >= 0.0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(tt * tt + 1.0)
                s = tt * c
                for k in range(m):
                    gkp = g[k, p]
                    gkq = g[k, q]
                    g[k, p] = c * gkp - s * gkq
                    g[k, q] = s * gkp + c * gkq
                for k in range(m):
                    gpk = g[p, k]
                    gqk = g[q, k]
                    g[p, k] = c * gpk - s * gqk
                    g[q, k] = s * gpk + c * gqk
                for k in range(m):
                    vkp = vec[k, p]
                    vkq = vec[k, q]
                    vec[k, p] = c * vkp - s * vkq
                    vec[k, q] = s * vkp + c * vkq


@njit(cache=True)
def _residual(x, hx, sig, n):
    """||hx − sig x||."""
    s = 0.0
    for i in range(n):
        d = hx[i] - sig * x[i]
        s += d * d
    return math.sqrt(s)


@njit(cache=True)
def _inverse_step(lw, n, x, r):
    """One shift-invert step on x[r], kept orthonormal to x[0..r-1] before and after."""
    for k in range(r):
        _orth(x[r], x[k], n)
    _normalize(x[r], n)
    ldl_solve(lw, n, x[r])
    for k in range(r):
        _orth(x[r], x[k], n)
    _normalize(x[r], n)


@njit(cache=True)
def lowest3(ab, n, lo, sig0, hnorm, x, y, lw, g, vec, lam, res):
    """Lowest three eigenpairs of the band matrix ab (n x n) by shift-and-invert.

    Parameters: lo < the smallest eigenvalue; sig0 >= lo the shift of the subspace
    iteration (best a little below the smallest eigenvalue); hnorm a norm bound of H
    (sets the tolerances); workspaces x (>= NBLOCK, >= n), y (>= max(NBLOCK, 4), >= n), lw (>= n + 4, 10),
    g, vec (NBLOCK, NBLOCK).  x[:NBLOCK] holds the start vectors on entry (linearly
    independent, best close to the span of the lowest eigenvectors).  On return x[0], x[1], x[2] are orthonormal
    approximate eigenvectors, lam[:3] their Rayleigh quotients and res[:3] the
    residual norms ||H x − λ x||.  Returns True if the certificate holds (see the
    module docstring), False otherwise (the results must then not be used).
    """
    floor = _EPS * hnorm
    ldl_band(ab, n, sig0, floor, lw)
    for it in range(N_SUBSPACE):
        for k in range(NBLOCK):
            for kk in range(k):
                _orth(x[k], x[kk], n)
            _normalize(x[k], n)
            if it < N_SUBSPACE - 1:
                ldl_solve(lw, n, x[k])
    # Rayleigh–Ritz
    for k in range(NBLOCK):
        _band_matvec(ab, n, 0.0, x[k], y[k], False)
    for p in range(NBLOCK):
        for q in range(p, NBLOCK):
            g[p, q] = _dot(x[p], y[q], n)
            g[q, p] = g[p, q]
    _jacobi(g, NBLOCK, vec)
    for r in range(4):                        # the four smallest Ritz values, in order
        best = r
        for q in range(r + 1, NBLOCK):
            if g[q, q] < g[best, best]:
                best = q
        if best != r:
            tmp = g[r, r]
            g[r, r] = g[best, best]
            g[best, best] = tmp
            for k in range(NBLOCK):
                tmp = vec[k, r]
                vec[k, r] = vec[k, best]
                vec[k, best] = tmp
    for r in range(4):
        for i in range(n):
            s = 0.0
            for k in range(NBLOCK):
                s += vec[k, r] * x[k, i]
            y[r, i] = s
    for r in range(4):
        for i in range(n):
            x[r, i] = y[r, i]
    for r in range(3):
        lam[r] = g[r, r]
    # the lowest two: Rayleigh-quotient iteration for each (the second orthogonal to the
    # first) until the residual is below tol
    tol = 64.0 * _EPS * hnorm
    hx = y[0]
    hy = y[1]
    for r in range(2):
        sig = lam[r]
        for _ in range(N_RQI):
            ldl_band(ab, n, sig, floor, lw)
            _inverse_step(lw, n, x, r)
            _band_matvec(ab, n, 0.0, x[r], hx, False)
            sig = _dot(x[r], hx, n)
            res[r] = _residual(x[r], hx, sig, n)
            if res[r] <= tol:
                break
        lam[r] = sig
    # the third: block Rayleigh-quotient iteration on (x2, x3) orthogonal to the lowest two
    # (the fourth level may be close to the third), Rayleigh–Ritz on the pair each step
    tol3 = max(tol, RTOL3 * hnorm)
    sig = lam[2]
    for _ in range(N_RQI):
        ldl_band(ab, n, sig, floor, lw)
        for r in range(2, 4):
            _inverse_step(lw, n, x, r)
        _band_matvec(ab, n, 0.0, x[2], hx, False)
        _band_matvec(ab, n, 0.0, x[3], hy, False)
        a22 = _dot(x[2], hx, n)
        a33 = _dot(x[3], hy, n)
        a23 = _dot(x[2], hy, n)
        th = 0.5 * math.atan2(2.0 * a23, a33 - a22)
        c = math.cos(th)
        s = math.sin(th)
        for i in range(n):
            p = x[2, i]
            q = x[3, i]
            x[2, i] = c * p - s * q
            x[3, i] = s * p + c * q
            hx[i] = c * hx[i] - s * hy[i]
        sig = c * c * a22 - 2.0 * c * s * a23 + s * s * a33
        res[2] = _residual(x[2], hx, sig, n)
        if res[2] <= tol3:
            break
    lam[2] = sig
    # certificate
    for r in range(3):
        if not res[r] <= (tol if r < 2 else tol3):
            return False
    if lam[1] < lam[0]:                       # order the doublet (vectors follow)
        tmp = lam[0]
        lam[0] = lam[1]
        lam[1] = tmp
        for i in range(n):
            tmp = x[0, i]
            x[0, i] = x[1, i]
            x[1, i] = tmp
    cut = lam[2] - res[2] - tol
    if not lam[1] + res[1] + tol < cut:
        return False
    return ldl_band(ab, n, cut, floor, lw) == 2
