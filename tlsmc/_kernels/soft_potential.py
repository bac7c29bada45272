"""Numba kernels of the soft-potential (quartic) spectrum solver.

Only caller: :mod:`tlsmc.soft_potential` (the physics, the method and its accuracy
are documented there).  Everything here works on plain arrays, in the
dimensionless units of GGP eq. 2.6 (energies in units of W, coordinates in units
of a η_L^½), and writes into caller-allocated outputs.

Per potential: move to the barrier-top frame (GGP eq. 2.10), build
H − V(c) in a harmonic-oscillator basis centred at c (exact band, half-width 4),
reduce the band to tridiagonal form with Givens rotations, locate the lowest three
eigenvalues by Sturm bisection, get the lowest two eigenvectors by inverse
iteration, rotate them to the well-localised pair (u, v) that diagonalises y, and
obtain the 2x2 Hamiltonian of that pair without subtracting large numbers: the
tunnelling element from the Wronskian identity at the barrier top, the asymmetry
from Rayleigh quotients or, for a nearly symmetric double well, from first-order
perturbation theory in the cubic coefficient.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

ELL = 0.45
"""Oscillator length of the basis (coordinate units); near-optimal for -40 <= η <= 40."""
N_MIN = 44
"""Smallest basis size chosen by the size rule."""
N_CAP = 400
"""Largest basis size chosen by the size rule (potentials needing more are not resolved)."""
CHUNK = 16
"""Potentials per parallel work item (fixed: results do not depend on the thread count)."""
RESOLVED_RTOL = 1e-6
"""A potential is `resolved` when its estimated relative error of E and Δ0 is below this."""
_EPS = 2.220446049250313e-16
# error model of the first-order asymmetry t_b (<v|y³|v> − <u|y³|u>): relative error
# ≈ 0.5 Δ0 (rotation of the pair with t_b) + 0.2 t_b² (third order), calibrated
_KPERT_D0 = 0.5
_KPERT_T2 = 0.2

# columns of the float output
F_EPS0, F_EPS1, F_EPS2, F_E, F_E21 = 0, 1, 2, 3, 4
F_X00, F_X11, F_X01 = 5, 6, 7
F_X2_00, F_X2_11, F_X2_01 = 8, 9, 10
F_X3_00, F_X3_11, F_X3_01 = 11, 12, 13
F_DELTA0, F_DELTA, F_RELERR = 14, 15, 16
NF = 17
# columns of the int output
I_GEOM, I_NBASIS, I_RESOLVED = 0, 1, 2
NI = 3
# vector workspace rows
_NV = 14
_BINOM = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 2.0, 1.0, 0.0], [1.0, 3.0, 3.0, 1.0]])


@njit(cache=True)
def geometry(eta, t):
    """Shape of η y² + t y³ + y⁴ and its barrier-top frame.

    Returns ``(geom, s, eta_b, t_b, v_s)``: geom 1 (η < 0) or 2 (0 < η < 9t²/32)
    for a double well, 0 for a single well; s is the barrier top (0 for geom 1),
    (eta_b, t_b) the coefficients about it (GGP eq. 2.10; η_b < 0) and v_s = V(s).
    A single well is returned unchanged (s = 0).
    """
    if eta < 0.0:
        return 1, 0.0, eta, t, 0.0
    if eta > 0.0 and 9.0 * t * t > 32.0 * eta:
        S = math.sqrt(9.0 * t * t - 32.0 * eta)
        sg = 1.0 if t > 0.0 else -1.0
        r_far = (-3.0 * t - sg * S) / 8.0
        s = 0.5 * eta / r_far                        # middle stationary point
        eta_b = -abs(s) * S / 2.0
        t_b = -sg * 16.0 * (eta - 0.25 * t * t) / (S + abs(t))
        v_s = s * s * (eta + s * (t + s))
        return 2, s, eta_b, t_b, v_s
    return 0, 0.0, eta, t, 0.0


@njit(cache=True)
def _poly(eta, t, y):
    return y * y * (eta + y * (t + y))


@njit(cache=True)
def basis_size(eta, t, n_override):
    """Basis size for one potential and whether the size rule hit N_CAP."""
    if n_override > 0:
        return n_override, False
    _geom, _s, eb, tb, _vs = geometry(eta, t)
    c = -3.0 * tb / 8.0
    vmin = 0.0
    disc = 9.0 * tb * tb - 32.0 * eb
    if disc >= 0.0:
        r = math.sqrt(disc)
        vmin = min(vmin, _poly(eb, tb, (-3.0 * tb + r) / 8.0), _poly(eb, tb, (-3.0 * tb - r) / 8.0))
    depth = max(0.0, _poly(eb, tb, c) - vmin)
    # calibrated: eigenvector coefficients of the doublet below 1e-14 beyond n
    # (1e-12 for shallow wells, whose tunnelling tails are not small)
    n = 52.0 + 4.0 * math.sqrt(depth) - 8.0 * min(1.0, max(0.0, (40.0 - depth) / 24.0))
    if n > N_CAP:
        return N_CAP, True
    return max(N_MIN, math.ceil(n)), False


@njit(cache=True)
def basis_sizes(eta, t, n_override, nb, capped):
    """Fill nb[i], capped[i] with :func:`basis_size` for every potential."""
    for i in range(eta.shape[0]):
        n, cp = basis_size(eta[i], t[i], n_override)
        nb[i] = n
        capped[i] = cp


@njit(cache=True)
def _fill_band(eb, tb, c, ell, n, ab):
    """Lower band (half-width 4) of H − V(c) in the oscillator basis y = c + ell ξ.

    ab[j, d] = H[j + d, j] for d <= 4; column 5 (bulge space) and rows >= n are zeroed.
    """
    v1 = 2.0 * eb * c + 3.0 * tb * c * c + 4.0 * c ** 3
    v2 = eb + 3.0 * tb * c + 6.0 * c * c
    v3 = tb + 4.0 * c
    l2 = ell * ell
    l3 = l2 * ell
    l4 = l2 * l2
    for j in range(ab.shape[0]):
        for d in range(6):
            ab[j, d] = 0.0
    for j in range(n):
        m = float(j)
        ab[j, 0] = (m + 0.5) / l2 + v2 * l2 * (2.0 * m + 1.0) / 2.0 + l4 * (6.0 * m * m + 6.0 * m + 3.0) / 4.0
        if j + 1 < n:
            r = math.sqrt((m + 1.0) / 2.0)
            ab[j, 1] = v1 * ell * r + v3 * l3 * 1.5 * (m + 1.0) * r
        if j + 2 < n:
            r = math.sqrt((m + 1.0) * (m + 2.0))
            ab[j, 2] = -r / (2.0 * l2) + v2 * l2 * r / 2.0 + l4 * (2.0 * m + 3.0) * r / 2.0
        if j + 3 < n:
            ab[j, 3] = v3 * l3 * math.sqrt((m + 1.0) * (m + 2.0) * (m + 3.0)) / (2.0 * math.sqrt(2.0))
        if j + 4 < n:
            ab[j, 4] = l4 * math.sqrt((m + 1.0) * (m + 2.0) * (m + 3.0) * (m + 4.0)) / 4.0


@njit(cache=True)
def _rotate(ab, n, p, k, c, s):
    """H <- R H R^T with R = [[c, s], [-s, c]] in the plane (p, p+1); band half-width k.

    Band storage ab[j, d] = H[j + d, j], entries up to distance k + 1 (the bulge).
    """
    q = p + 1
    lo = max(0, p - k)
    hi = min(n - 1, p + k + 1)
    if k == 4 and lo == p - 4 and hi == p + 5:   # interior, fixed trip counts (unrolled)
        for dm in range(1, 5):
            a = ab[p - dm, dm]
            b = ab[p - dm, dm + 1]
            ab[p - dm, dm] = c * a + s * b
            ab[p - dm, dm + 1] = -s * a + c * b
        for dm in range(2, 6):
            a = ab[p, dm]
            b = ab[q, dm - 1]
            ab[p, dm] = c * a + s * b
            ab[q, dm - 1] = -s * a + c * b
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
def _xi_apply(x, m, y):
    """y[:m+1] = ξ x[:m] (oscillator-basis coordinate, no truncation)."""
    for i in range(m + 1):
        v = 0.0
        if i >= 1:
            v += math.sqrt(0.5 * i) * x[i - 1]
        if i + 1 < m:
            v += math.sqrt(0.5 * (i + 1)) * x[i + 1]
        y[i] = v


@njit(cache=True)
def _dot(x, y, n):
    s = 0.0
    for i in range(n):
        s += x[i] * y[i]
    return s


@njit(cache=True)
def _hermite(a, m, f, g):
    """f[k] = φ_k(a) for k <= m+1, g[k] = φ_k'(a) for k <= m (Hermite functions in ξ)."""
    f[0] = math.exp(-0.5 * a * a) / math.pi ** 0.25
    f[1] = math.sqrt(2.0) * a * f[0]
    for k in range(1, m + 1):
        f[k + 1] = math.sqrt(2.0 / (k + 1)) * a * f[k] - math.sqrt(k / (k + 1.0)) * f[k - 1]
    for k in range(m + 1):
        g[k] = -math.sqrt(0.5 * (k + 1)) * f[k + 1]
        if k > 0:
            g[k] += math.sqrt(0.5 * k) * f[k - 1]


@njit(cache=True)
def _value(x, n, a, f, g):
    """Σ x_k φ_k(a) (ξ units) using f as scratch."""
    _hermite(a, n, f, g)
    return _dot(x, f, n)


@njit(cache=True)
def _half_line_overlaps(a, n, f, g, u, v, scratch):
    """∫_a^∞ of u², v², uv over ξ for oscillator-basis vectors u, v (f, g from _hermite).

    Off-diagonal basis integrals by the Wronskian identity
    ∫_a^∞ φ_k φ_l = [φ_k φ_l' − φ_l φ_k'](a) / (2(l − k)); diagonal ones by an
    upward recurrence from ∫_a^∞ φ_0² = erfc(a)/2.  scratch: (5, >= n) work array.
    """
    uf = scratch[0]
    ug = scratch[1]
    vf = scratch[2]
    vg = scratch[3]
    winv = scratch[4]
    for k in range(n):
        uf[k] = u[k] * f[k]
        ug[k] = u[k] * g[k]
        vf[k] = v[k] * f[k]
        vg[k] = v[k] * g[k]
        winv[k] = 0.5 / k if k > 0 else 0.0
    auu = 0.0
    avv = 0.0
    auv = 0.0
    gkk = 0.5 * math.erfc(a)
    for k in range(n):
        if k > 0:
            acc = f[k] * f[k - 1] + math.sqrt(0.5 * (k + 1)) * (f[k + 1] * g[k - 1] - f[k - 1] * g[k + 1]) / 4.0
            if k >= 2:
                acc -= math.sqrt(0.5 * (k - 1)) * (f[k] * g[k - 2] - f[k - 2] * g[k]) / 4.0
            gkk = gkk + acc / math.sqrt(0.5 * k)
        auu += u[k] * u[k] * gkk
        avv += v[k] * v[k] * gkk
        auv += u[k] * v[k] * gkk
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        s4 = 0.0
        for l in range(k + 1, n):
            w = winv[l - k]
            s1 += w * ug[l]
            s2 += w * uf[l]
            s3 += w * vg[l]
            s4 += w * vf[l]
        # Σ_{l>k} G_kl x_k y_l with G_kl = (f_k g_l − f_l g_k) / (2(l − k))
        auu += 2.0 * (uf[k] * s1 - ug[k] * s2)
        avv += 2.0 * (vf[k] * s3 - vg[k] * s4)
        auv += uf[k] * s3 - ug[k] * s4 + vf[k] * s1 - vg[k] * s2
    return auu, avv, auv


@njit(cache=True)
def solve_one(eta, t, n, ell, wb, wv, wr, wp, wi, out, iout):
    """Solve one potential with basis size n; write out[:NF] and iout[:NI]."""
    geom, s, eb, tb, vs = geometry(eta, t)
    c = -3.0 * tb / 8.0
    a0 = -c / ell                          # barrier top in ξ units (double wells)
    vc = _poly(eb, tb, c)
    ab0 = wb[0]
    ab = wb[1]
    _fill_band(eb, tb, c, ell, n, ab0)
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

    # lowest three eigenvalues: H >= V_min, so lo is a lower bound
    lo = -vc - 1.0
    disc = 9.0 * tb * tb - 32.0 * eb
    if disc >= 0.0:
        r = math.sqrt(disc)
        lo = min(lo, _poly(eb, tb, (-3.0 * tb + r) / 8.0) - vc - 1.0,
                 _poly(eb, tb, (-3.0 * tb - r) / 8.0) - vc - 1.0)
    hi = lo + 16.0
    while _sturm(d, e2, n, hi, pivmin) < 3:
        hi = lo + 2.0 * (hi - lo)
    # shifts for inverse iteration, to 1e-6 of the bracket
    lam = wb[2, 3]
    _bisect3(d, e2, n, lo, hi, pivmin, 1e-6 * (hi - lo), lam)
    lam0 = lam[0]
    lam1 = lam[1]
    lam2 = lam[2]

    # the lowest two eigenvectors (any basis of their span), in the oscillator basis
    p0 = wv[3]
    p1 = wv[4]
    lu = wv[5:9]
    for i in range(n):
        p0[i] = 1.0
        p1[i] = math.sin(1.3 * i + 0.7)
    _inverse_iteration(d, e, n, lam0, floor, p0, wv[3:4], 0, lu, wi)
    _inverse_iteration(d, e, n, lam1, floor, p1, wv[3:4], 1, lu, wi)
    # third level: inverse iteration orthogonal to the doublet, Rayleigh quotient on T
    p2 = wv[9]
    for i in range(n):
        p2[i] = math.cos(0.9 * i + 0.3)
    _inverse_iteration(d, e, n, lam2, floor, p2, wv[3:5], 2, lu, wi)
    rq = 0.0
    for i in range(n):
        rq += d[i] * p2[i] * p2[i]
        if i < n - 1:
            rq += 2.0 * e[i] * p2[i] * p2[i + 1]
    lam2 = rq
    _back_transform(wp, wr[0], wr[1], nrot, p0, p1)

    # well-localised pair: eigenvectors of ξ restricted to span(p0, p1)
    q = wv[9]
    _xi_apply(p0, n, q)
    x00 = _dot(p0, q, n)
    x01 = _dot(p1, q, n)
    _xi_apply(p1, n, q)
    x11 = _dot(p1, q, n)
    th = 0.5 * math.atan2(-2.0 * x01, x11 - x00)
    ct = math.cos(th)
    st = math.sin(th)
    xu = ct * ct * x00 + 2.0 * ct * st * x01 + st * st * x11
    xv = st * st * x00 - 2.0 * ct * st * x01 + ct * ct * x11
    u = wv[10]
    v = wv[11]
    for i in range(n + 4):
        u[i] = 0.0
        v[i] = 0.0
    for i in range(n):
        u[i] = ct * p0[i] + st * p1[i]
        v[i] = -st * p0[i] + ct * p1[i]
    f = wv[12]
    g = wv[13]
    # phase: each positive at its own centroid
    if _value(u, n, xu, f, g) < 0.0:
        for i in range(n):
            u[i] = -u[i]
    if _value(v, n, xv, f, g) < 0.0:
        for i in range(n):
            v[i] = -v[i]

    # Rayleigh quotients with H shifted to the doublet
    shift = 0.5 * (lam0 + lam1)
    _band_matvec(ab0, n, shift, v, q, False)
    hvv = _dot(v, q, n)
    huv_direct = _dot(u, q, n)
    _band_matvec(ab0, n, shift, u, q, False)
    huu = _dot(u, q, n)
    _band_matvec(ab0, n, shift, u, q, True)
    err_r = 0.0
    for i in range(n):
        err_r += abs(u[i]) * q[i]
    _band_matvec(ab0, n, shift, v, q, True)
    for i in range(n):
        err_r += abs(v[i]) * q[i]
    hscale = 0.5 * err_r               # |H − shift| where u, v live
    err_r *= 0.5 * _EPS                # rounding of the Rayleigh quotients (calibrated)
    delta_r = hvv - huu
    tail = 0.0
    for i in range(max(0, n - 4), n):
        tail = max(tail, abs(u[i]), abs(v[i]))

    # matrix elements of ξ, ξ², ξ³ in (u, v)
    xi = wb[2, :3, :3]                    # [power-1, (uu, vv, uv)]
    w1 = wv[5]
    w2 = wv[6]
    w3 = wv[7]
    for pair in range(2):
        a = u if pair == 0 else v
        _xi_apply(a, n, w1)
        _xi_apply(w1, n + 1, w2)
        _xi_apply(w2, n + 2, w3)
        xi[0, pair] = _dot(a, w1, n)
        xi[1, pair] = _dot(a, w2, n)
        xi[2, pair] = _dot(a, w3, n)
        if pair == 1:
            xi[0, 2] = _dot(u, w1, n)
            xi[1, 2] = _dot(u, w2, n)
            xi[2, 2] = _dot(u, w3, n)

    if geom > 0:
        # Wronskian identity at the barrier top y = 0 (Green's theorem on [0, ∞)):
        # (h_vv − h_uu) A_uv + h_uv (A_uu − A_vv) = u v' − v u'
        _hermite(a0, n + 1, f, g)
        uf = _dot(u, f, n)
        ug = _dot(u, g, n)
        vf = _dot(v, f, n)
        vg = _dot(v, g, n)
        suf = 0.0
        sug = 0.0
        svf = 0.0
        svg = 0.0
        for i in range(n):
            suf += abs(u[i] * f[i])
            sug += abs(u[i] * g[i])
            svf += abs(v[i] * f[i])
            svg += abs(v[i] * g[i])
        wr_ = (uf * vg - vf * ug) / (ell * ell)
        # error of W: rounding of the four sums and of the eigenvectors (calibrated
        # against 40-digit solutions: it bounds the observed error by 4-100x) and
        # basis truncation
        ftail = abs(f[n - 1]) + abs(f[n - 2])
        gtail = abs(g[n - 1]) + abs(g[n - 2])
        dw = (8.0 * _EPS * (suf * abs(vg) + abs(uf) * svg + svf * abs(ug) + abs(vf) * sug)
              + tail * (ftail * (abs(vg) + abs(ug)) + gtail * (abs(uf) + abs(vf)))) / (ell * ell)
        auu, avv, auv = _half_line_overlaps(a0, n, f, g, u, v, wv[4:9])
        den = auu - avv
        huv = (wr_ - delta_r * auv) / den
        # nearly symmetric well: asymmetry to first order in t_b (odd in t_b, error O(t_b³))
        y3u = c ** 3 + 3.0 * c * c * ell * xi[0, 0] + 3.0 * c * ell * ell * xi[1, 0] + ell ** 3 * xi[2, 0]
        y3v = c ** 3 + 3.0 * c * c * ell * xi[0, 1] + 3.0 * c * ell * ell * xi[1, 1] + ell ** 3 * xi[2, 1]
        delta_p = tb * (y3v - y3u)
        err_p = abs(delta_p) * (_KPERT_D0 * 2.0 * abs(huv) + _KPERT_T2 * tb * tb)
        if err_p < err_r:
            delta = delta_p
            err_d = err_p
        else:
            delta = delta_r
            err_d = err_r
        huv = (wr_ - delta * auv) / den
        dh = (dw + abs(delta) * (2.0 * _EPS + tail) + err_d * abs(auv)) / abs(den)
        if dh > err_r:                 # lowest two states in one well: den ~ 0
            huv = huv_direct
            dh = err_r
    else:
        delta = delta_r
        err_d = err_r
        huv = huv_direct
        dh = err_r
    big_e = math.hypot(delta, 2.0 * huv)
    delta0 = 2.0 * abs(huv)
    if big_e > 0.0:
        rel_e = 4.0 * _EPS + (abs(delta) * err_d + 4.0 * abs(huv) * dh) / (big_e * big_e)
    else:
        rel_e = math.inf
    rel_d0 = 4.0 * _EPS + dh / abs(huv) if huv != 0.0 else math.inf
    # basis truncation: eigenvector coefficients beyond n are ~ the last ones kept
    rel_d0 += 10.0 * tail * big_e / max(delta0, 1e-300)
    rel_e += 10.0 * tail * tail * hscale / max(big_e, 1e-300)

    # eigenvectors in the (u, v) basis; each made positive on its larger component
    th = 0.5 * math.atan2(-2.0 * huv, delta)
    c0 = math.cos(th)
    s0 = math.sin(th)
    c1 = -s0
    s1 = c0
    if (abs(c0) > abs(s0) and c0 < 0.0) or (abs(c0) <= abs(s0) and s0 < 0.0):
        c0 = -c0
        s0 = -s0
    if (abs(c1) > abs(s1) and c1 < 0.0) or (abs(c1) <= abs(s1) and s1 < 0.0):
        c1 = -c1
        s1 = -s1

    mean = 0.5 * (huu + hvv)
    out[F_EPS0] = shift + mean - 0.5 * big_e + vc + vs
    out[F_EPS1] = shift + mean + 0.5 * big_e + vc + vs
    out[F_EPS2] = lam2 + vc + vs
    out[F_E] = big_e
    out[F_E21] = (lam2 - shift - mean) - 0.5 * big_e
    out[F_DELTA0] = delta0
    out[F_DELTA] = abs(delta)
    out[F_RELERR] = max(rel_e, rel_d0)
    # y^k of the given potential: y = C + ell ξ, C the basis centre in its frame
    cc = c + s
    for k in range(3):
        # 2x2 matrix of y^(k+1) in (u, v)
        m_uu = 0.0
        m_vv = 0.0
        m_uv = 0.0
        for j in range(k + 2):         # binomial: y^(k+1) = Σ_j C(k+1, j) C^(k+1-j) ell^j ξ^j
            coef = _BINOM[k, j] * cc ** (k + 1 - j) * ell ** j
            if j == 0:
                m_uu += coef
                m_vv += coef
            else:
                m_uu += coef * xi[j - 1, 0]
                m_vv += coef * xi[j - 1, 1]
                m_uv += coef * xi[j - 1, 2]
        out[F_X00 + 3 * k] = c0 * c0 * m_uu + 2.0 * c0 * s0 * m_uv + s0 * s0 * m_vv
        out[F_X11 + 3 * k] = c1 * c1 * m_uu + 2.0 * c1 * s1 * m_uv + s1 * s1 * m_vv
        out[F_X01 + 3 * k] = c0 * c1 * m_uu + (c0 * s1 + s0 * c1) * m_uv + s0 * s1 * m_vv
    iout[I_GEOM] = geom
    iout[I_NBASIS] = n
    # (a barrier top beyond 30 oscillator lengths is outside the basis' reach)
    iout[I_RESOLVED] = 1 if (out[F_RELERR] <= RESOLVED_RTOL and (geom == 0 or abs(a0) < 30.0)) else 0


@njit(cache=True)
def _solve_chunk(eta, t, nb, nmax, out, iout, start, stop):
    rotmax = (6 * nmax * nmax) // 10 + 4 * nmax + 16
    wb = np.zeros((3, max(nmax, 3), 6))
    wv = np.zeros((_NV, nmax + 8))
    wr = np.empty((2, rotmax))
    wp = np.empty(rotmax, dtype=np.int32)
    wi = np.empty(nmax, dtype=np.int32)
    for i in range(start, stop):
        solve_one(eta[i], t[i], nb[i], ELL, wb, wv, wr, wp, wi, out[i], iout[i])


@njit(cache=True)
def solve_batch_serial(eta, t, nb, nmax, out, iout):
    """Solve every potential (serial); out (n, NF) float64, iout (n, NI) int64."""
    nchunk = (eta.shape[0] + CHUNK - 1) // CHUNK
    for ch in range(nchunk):
        _solve_chunk(eta, t, nb, nmax, out, iout, ch * CHUNK, min(eta.shape[0], (ch + 1) * CHUNK))


@njit(cache=True, parallel=True)
def solve_batch_parallel(eta, t, nb, nmax, out, iout):
    """Same as :func:`solve_batch_serial`, chunks of CHUNK potentials in parallel."""
    nchunk = (eta.shape[0] + CHUNK - 1) // CHUNK
    for ch in prange(nchunk):
        _solve_chunk(eta, t, nb, nmax, out, iout, ch * CHUNK, min(eta.shape[0], (ch + 1) * CHUNK))


@njit(cache=True)
def _g(eta, t, x):
    return x * (2.0 * eta + x * (-3.0 * t + 4.0 * x))


@njit(cache=True)
def delta_branch(eta, t, chi):
    """Root δ of χ + 2ηδ − 3tδ² + 4δ³ = 0 on the branch through δ = 0 at χ = 0.

    With g(δ) = 2ηδ − 3tδ² + 4δ³ the branch is δ(χ) = g⁻¹(−χ) restricted to the
    interval from 0 to the first stationary point of g in the direction of motion
    (sign −χ/η): g is monotone there, so the root is unique and is exactly what a
    continuation in χ from 0 follows.  Beyond that fold the branch does not exist:
    returns (nan, False).  For t = 0, η < 0 this is χ > 4|η|^{3/2}/(3√6).
    """
    if chi == 0.0:
        return 0.0, True
    if eta == 0.0:
        return math.nan, False
    direction = -1.0 if (chi > 0.0) == (eta > 0.0) else 1.0
    target = -chi
    disc = 9.0 * t * t - 24.0 * eta
    bound = math.inf
    if disc >= 0.0:
        r = math.sqrt(disc)
        for root in ((3.0 * t + r) / 12.0, (3.0 * t - r) / 12.0):
            if root * direction > 0.0:
                bound = min(bound, abs(root))
    if bound < math.inf:
        gb = _g(eta, t, direction * bound)
        if abs(target) > abs(gb):
            return math.nan, False
        hi = bound
    else:
        hi = max(1.0, abs(chi / (2.0 * eta)))
        while abs(_g(eta, t, direction * hi)) < abs(target):
            hi *= 2.0
    sgn = 1.0 if chi > 0.0 else -1.0
    zl = 0.0
    zh = hi
    z = min(abs(chi / (2.0 * eta)), hi)
    for _ in range(200):
        # safeguarded Newton in z = |δ| on the bracket [zl, zh]
        gz = _g(eta, t, direction * z) - target
        if gz == 0.0:
            break
        if gz * sgn > 0.0:
            zl = z
        else:
            zh = z
        x = direction * z
        dg = direction * (2.0 * eta + x * (-6.0 * t + 12.0 * x))
        zn = z - gz / dg if dg != 0.0 else -1.0
        if not (zl < zn < zh):
            zn = 0.5 * (zl + zh)
        if abs(zn - z) <= 2.0 * _EPS * zn or zh - zl <= 4.0 * _EPS * zh:
            z = zn
            break
        z = zn
    x = direction * z
    return x, True


@njit(cache=True)
def delta_branches(eta, t, chi, delta, ok):
    """Fill delta[i], ok[i] with :func:`delta_branch` for every potential."""
    for i in range(eta.shape[0]):
        x, good = delta_branch(eta[i], t[i], chi[i])
        delta[i] = x
        ok[i] = good
