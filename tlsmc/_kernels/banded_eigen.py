"""Numba kernels: lowest eigenpairs of a symmetric band matrix of half-width 4.

Generic linear algebra used by :mod:`tlsmc._kernels.soft_potential` (its only caller;
the fallback and the ``method="reduction"`` of the solver):
band -> tridiagonal reduction by Givens rotations (:func:`_band_to_tridiag`), Sturm
bisection for the lowest three eigenvalues, inverse iteration on the tridiagonal matrix
(LAPACK dgttrf/dgtts2-style LU), the back-transformation of eigenvectors and band matrix-vector products.  Band storage:
``ab[j, d] = H[j + d, j]`` for d <= 4, column 5 is bulge space.
"""
from __future__ import annotations

import math

from numba import njit

_EPS = 2.220446049250313e-16


@njit(cache=True, inline="always")
def _rot_interior(ab, p, q, k, c, s):
    """Off-diagonal part of :func:`_rotate` away from the matrix edges (k a literal)."""
    for dm in range(1, k + 1):
        a = ab[p - dm, dm]
        b = ab[p - dm, dm + 1]
        ab[p - dm, dm] = c * a + s * b
        ab[p - dm, dm + 1] = -s * a + c * b
    for dm in range(2, k + 2):
        a = ab[p, dm]
        b = ab[q, dm - 1]
        ab[p, dm] = c * a + s * b
        ab[q, dm - 1] = -s * a + c * b


@njit(cache=True)
def _rotate(ab, n, p, k, c, s):
    """H <- R H R^T with R = [[c, s], [-s, c]] in the plane (p, p+1); band half-width k.

    Band storage ab[j, d] = H[j + d, j], entries up to distance k + 1 (the bulge).
    """
    q = p + 1
    lo = max(0, p - k)
    hi = min(n - 1, p + k + 1)
    if lo == p - k and hi == p + k + 1:          # interior: fixed trip counts (unrolled)
        if k == 4:
            _rot_interior(ab, p, q, 4, c, s)
        elif k == 3:
            _rot_interior(ab, p, q, 3, c, s)
        else:
            _rot_interior(ab, p, q, 2, c, s)
    else:
        for m in range(lo, p):                    # columns left of the plane
            dpm = p - m
            a = ab[m, dpm]
            b = ab[m, dpm + 1]
            ab[m, dpm] = c * a + s * b
            ab[m, dpm + 1] = -s * a + c * b
        for m in range(q + 1, hi + 1):            # rows below the plane
            a = ab[p, m - p]
            b = ab[q, m - q]
            ab[p, m - p] = c * a + s * b
            ab[q, m - q] = -s * a + c * b
    a = ab[p, 0]
    d = ab[q, 0]
    b = ab[p, 1]
    ab[p, 0] = c * c * a + 2.0 * c * s * b + s * s * d
    ab[q, 0] = s * s * a - 2.0 * c * s * b + c * c * d
    ab[p, 1] = (c * c - s * s) * b + c * s * (d - a)


@njit(cache=True)
def _band_to_tridiag(ab, n, rp, rc, rs):
    """Reduce the symmetric band (half-width 4) in ab to tridiagonal form in place.

    One sweep per half-width k = 4, 3, 2 annihilates the outermost diagonal and
    chases the bulge (Rutishauser-Schwarz).  The rotations are stored in order in
    (rp, rc, rs); returns their number.  Entries are O(n²) at most, so
    sqrt(x² + y²) cannot overflow.
    """
    nrot = 0
    for k in range(4, 1, -1):
        for j in range(n - k):
            i = j + k
            col = j
            while i < n:
                y = ab[col, i - col]
                if y == 0.0:
                    break
                x = ab[col, i - 1 - col]
                r = 1.0 / math.sqrt(x * x + y * y)
                c = x * r
                s = y * r
                _rotate(ab, n, i - 1, k, c, s)
                ab[col, i - col] = 0.0
                rp[nrot] = i - 1
                rc[nrot] = c
                rs[nrot] = s
                nrot += 1
                col = i - 1
                i = i + k
    return nrot


@njit(cache=True)
def _sturm(d, e2, n, x, pivmin):
    """Number of eigenvalues of the tridiagonal (d, e²) below x."""
    cnt = 0
    q = d[0] - x
    for i in range(n):
        if i > 0:
            q = d[i] - x - e2[i - 1] / q
        if abs(q) < pivmin:
            q = -pivmin
        if q < 0.0:
            cnt += 1
    return cnt


@njit(cache=True)
def _bisect3(d, e2, n, lo, hi, pivmin, tol, lam):
    """The three smallest eigenvalues of the tridiagonal (d, e²) in [lo, hi], ± tol.

    Three bisections run in lockstep so that their Sturm sequences (a chain of
    divisions each) overlap.  Requires count(lo) = 0 and count(hi) >= 3.
    """
    a0 = lo
    a1 = lo
    a2 = lo
    b0 = hi
    b1 = hi
    b2 = hi
    for _ in range(200):
        if b0 - a0 <= tol and b1 - a1 <= tol and b2 - a2 <= tol:
            break
        x0 = 0.5 * (a0 + b0)
        x1 = 0.5 * (a1 + b1)
        x2 = 0.5 * (a2 + b2)
        c0 = 0
        c1 = 0
        c2 = 0
        q0 = d[0] - x0
        q1 = d[0] - x1
        q2 = d[0] - x2
        for i in range(n):
            if i > 0:
                q0 = d[i] - x0 - e2[i - 1] / q0
                q1 = d[i] - x1 - e2[i - 1] / q1
                q2 = d[i] - x2 - e2[i - 1] / q2
            if abs(q0) < pivmin:
                q0 = -pivmin
            if abs(q1) < pivmin:
                q1 = -pivmin
            if abs(q2) < pivmin:
                q2 = -pivmin
            c0 += 1 if q0 < 0.0 else 0
            c1 += 1 if q1 < 0.0 else 0
            c2 += 1 if q2 < 0.0 else 0
        if c0 >= 1:
            b0 = x0
        else:
            a0 = x0
        if c1 >= 2:
            b1 = x1
        else:
            a1 = x1
        if c2 >= 3:
            b2 = x2
        else:
            a2 = x2
    lam[0] = 0.5 * (a0 + b0)
    lam[1] = 0.5 * (a1 + b1)
    lam[2] = 0.5 * (a2 + b2)


@njit(cache=True)
def _tri_lu(d, e, n, sig, floor, dl, dd, du, du2, piv):
    """LU with partial pivoting of T − sig (LAPACK dgttrf); zero pivots raised to floor."""
    for i in range(n):
        dd[i] = d[i] - sig
    for i in range(n - 1):
        dl[i] = e[i]
        du[i] = e[i]
        du2[i] = 0.0
    for i in range(n - 1):
        if abs(dd[i]) >= abs(dl[i]):
            piv[i] = 0
            if dd[i] != 0.0:
                f = dl[i] / dd[i]
                dl[i] = f
                dd[i + 1] -= f * du[i]
            else:
                dl[i] = 0.0
        else:
            piv[i] = 1
            f = dd[i] / dl[i]
            dd[i] = dl[i]
            dl[i] = f
            tmp = du[i]
            du[i] = dd[i + 1]
            dd[i + 1] = tmp - f * dd[i + 1]
            if i < n - 2:
                du2[i] = du[i + 1]
                du[i + 1] = -f * du[i + 1]
    for i in range(n):
        if abs(dd[i]) < floor:
            dd[i] = floor if dd[i] >= 0.0 else -floor
        dd[i] = 1.0 / dd[i]                      # stored as reciprocals


@njit(cache=True)
def _tri_solve(n, dl, dd, du, du2, piv, b):
    """Solve with the factors of :func:`_tri_lu` (LAPACK dgtts2; dd holds 1/pivot), b overwritten."""
    for i in range(n - 1):
        if piv[i] == 0:
            b[i + 1] -= dl[i] * b[i]
        else:
            tmp = b[i]
            b[i] = b[i + 1]
            b[i + 1] = tmp - dl[i] * b[i]
    b[n - 1] *= dd[n - 1]
    if n > 1:
        b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) * dd[n - 2]
    for i in range(n - 3, -1, -1):
        b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) * dd[i]


@njit(cache=True)
def _normalize(x, n):
    s = 0.0
    for i in range(n):
        s += x[i] * x[i]
    s = math.sqrt(s)
    for i in range(n):
        x[i] /= s


@njit(cache=True)
def _orth(x, y, n):
    """x <- x − (y·x) y for a unit vector y."""
    s = 0.0
    for i in range(n):
        s += x[i] * y[i]
    for i in range(n):
        x[i] -= s * y[i]


@njit(cache=True)
def _inverse_iteration(d, e, n, sig, floor, x, prev, nprev, lu, piv):
    """Four steps of inverse iteration for T at shift sig, orthogonal to prev[:nprev]."""
    _tri_lu(d, e, n, sig, floor, lu[0], lu[1], lu[2], lu[3], piv)
    for _ in range(4):
        for k in range(nprev):
            _orth(x, prev[k], n)
        _normalize(x, n)
        _tri_solve(n, lu[0], lu[1], lu[2], lu[3], piv, x)
    for k in range(nprev):
        _orth(x, prev[k], n)
    _normalize(x, n)


@njit(cache=True)
def _back_transform(rp, rc, rs, nrot, x, y):
    """x, y <- Q^T x, Q^T y: eigenvectors of the band matrix from those of the tridiagonal."""
    for r in range(nrot - 1, -1, -1):
        p = rp[r]
        c = rc[r]
        s = rs[r]
        a = x[p]
        b = x[p + 1]
        x[p] = c * a - s * b
        x[p + 1] = s * a + c * b
        a = y[p]
        b = y[p + 1]
        y[p] = c * a - s * b
        y[p + 1] = s * a + c * b


@njit(cache=True)
def _band_matvec(ab, n, shift, x, y, absolute):
    """y = (H − shift) x for the lower band ab (half-width 4); |H − shift| |x| if absolute."""
    for i in range(n):
        y[i] = 0.0
    for j in range(n):
        a = ab[j, 0] - shift
        xj = x[j]
        if absolute:
            a = abs(a)
            xj = abs(xj)
        y[j] += a * xj
        for dd in range(1, 5):
            i = j + dd
            if i >= n:
                break
            h = ab[j, dd]
            xi = x[i]
            if absolute:
                h = abs(h)
                xi = abs(xi)
            y[i] += h * xj
            y[j] += h * xi



@njit(cache=True)
def _dot(x, y, n):
    s = 0.0
    for i in range(n):
        s += x[i] * y[i]
    return s


@njit(cache=True)
def _lowest3_reduction(ab0, ab, n, lo, wv, wr, wp, wi, lam):
    """Lowest three eigenvalues lam[:3] of the band ab0 and eigenvectors wv[3], wv[4] of the lowest two.

    Band -> tridiagonal reduction (Givens), Sturm bisection from the lower bound lo,
    inverse iteration on the tridiagonal matrix, back-transformation; ab is overwritten.
    """
    for j in range(n):
        for dd in range(6):
            ab[j, dd] = ab0[j, dd]
    nrot = _band_to_tridiag(ab, n, wp, wr[0], wr[1])
    d = wv[0]
    e = wv[1]
    e2 = wv[2]
    tnorm = 0.0
    emax = 0.0
    for i in range(n):
        d[i] = ab[i, 0]
        e[i] = ab[i, 1] if i < n - 1 else 0.0
        e2[i] = e[i] * e[i]
        emax = max(emax, e2[i])
        tnorm = max(tnorm, abs(d[i]) + 2.0 * abs(e[i]))
    pivmin = 1e-290 * max(1.0, emax)
    floor = _EPS * tnorm

    hi = lo + 16.0
    while _sturm(d, e2, n, hi, pivmin) < 3:
        hi = lo + 2.0 * (hi - lo)
    # shifts for inverse iteration, to 1e-6 of the bracket
    _bisect3(d, e2, n, lo, hi, pivmin, 1e-6 * (hi - lo), lam)

    # the lowest two eigenvectors (any basis of their span), in the oscillator basis
    p0 = wv[3]
    p1 = wv[4]
    lu = wv[5:9]
    for i in range(n):
        p0[i] = 1.0
        p1[i] = math.sin(1.3 * i + 0.7)
    _inverse_iteration(d, e, n, lam[0], floor, p0, wv[3:4], 0, lu, wi)
    _inverse_iteration(d, e, n, lam[1], floor, p1, wv[3:4], 1, lu, wi)
    # third level: inverse iteration orthogonal to the doublet, Rayleigh quotient on T
    p2 = wv[9]
    for i in range(n):
        p2[i] = math.cos(0.9 * i + 0.3)
    _inverse_iteration(d, e, n, lam[2], floor, p2, wv[3:5], 2, lu, wi)
    rq = 0.0
    for i in range(n):
        rq += d[i] * p2[i] * p2[i]
        if i < n - 1:
            rq += 2.0 * e[i] * p2[i] * p2[i + 1]
    lam[2] = rq
    _back_transform(wp, wr[0], wr[1], nrot, p0, p1)
