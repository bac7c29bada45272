"""Numba kernels of the soft-potential (quartic) spectrum solver.

Only caller: :mod:`tlsmc.spectrum.soft_solver` (the physics, the method and its accuracy
are documented there).  Everything here works on plain arrays, in the
dimensionless units of GGP eq. 2.6 (energies in units of W, coordinates in units
of a η_L^½), and writes into caller-allocated outputs.

Per potential: move to the barrier-top frame (GGP eq. 2.10), build
H − V(c) in a harmonic-oscillator basis centred at c (exact band, half-width 4),
find the lowest three eigenvalues and the lowest two eigenvectors by certified
shift-and-invert on the band (:mod:`.banded_shift_invert`; or, if its certificate
fails or on request, by reduction to tridiagonal form, Sturm bisection and inverse
iteration, :func:`.banded_eigen._lowest3_reduction`), rotate them to the well-localised pair (u, v) that diagonalises y, and
obtain the 2x2 Hamiltonian of that pair without subtracting large numbers: the
tunnelling element from the Wronskian identity at the barrier top, the asymmetry
from Rayleigh quotients or, for a nearly symmetric double well, from first-order
perturbation theory in the cubic coefficient.

(numba caches a function by its own file only: after changing a kernel this module calls,
edit this file too, or clear ``__pycache__``, so that no stale compiled solver is loaded.)
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .banded_eigen import (  # noqa: F401
    _EPS,
    _back_transform,
    _band_matvec,
    _band_to_tridiag,
    _bisect3,
    _dot,
    _inverse_iteration,
    _lowest3_reduction,
    _rotate,
    _sturm,
)
from .banded_shift_invert import NBLOCK, lowest3
from .oscillator_basis import (
    _displaced_states,
    _fill_band,
    _half_line_overlaps,
    _hermite,
    _value,
    _xi_apply,
)

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
I_GEOM, I_NBASIS, I_RESOLVED, I_FALLBACK = 0, 1, 2, 3
NI = 4
METHOD_SHIFT_INVERT, METHOD_REDUCTION = 0, 1
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
def solve_one(eta, t, n, ell, method, wb, wv, wr, wp, wi, ws, wl, wg, out, iout):
    """Solve one potential with basis size n; write out[:NF] and iout[:NI].

    method: METHOD_SHIFT_INVERT (falls back to the reduction if its certificate fails)
    or METHOD_REDUCTION.
    """
    geom, s, eb, tb, vs = geometry(eta, t)
    c = -3.0 * tb / 8.0
    a0 = -c / ell                          # barrier top in ξ units (double wells)
    vc = _poly(eb, tb, c)
    ab0 = wb[0]
    _fill_band(eb, tb, c, ell, n, ab0)
    # lowest three eigenvalues: H >= V_min, so lo is a lower bound
    lo = -vc - 1.0
    disc = 9.0 * tb * tb - 32.0 * eb
    if disc >= 0.0:
        r = math.sqrt(disc)
        lo = min(lo, _poly(eb, tb, (-3.0 * tb + r) / 8.0) - vc - 1.0,
                 _poly(eb, tb, (-3.0 * tb - r) / 8.0) - vc - 1.0)
    # shift of the subspace iteration: below the lowest level by half the harmonic
    # zero-point energy of the deepest minimum
    sig0 = lo + 1.0
    vmn = math.inf
    ymin = 0.0
    for k in range(3):
        if k < 2 and disc < 0.0:
            continue
        ym = 0.0 if k == 2 else (-3.0 * tb + (1.0 if k == 0 else -1.0) * math.sqrt(disc)) / 8.0
        curv = 2.0 * eb + 6.0 * tb * ym + 12.0 * ym * ym
        vm = _poly(eb, tb, ym) - vc
        if curv >= 0.0 and vm < vmn:
            vmn = vm
            ymin = ym
            sig0 = vm + 0.5 * math.sqrt(0.5 * curv)
    sig0 = max(sig0, lo)
    # start vectors: displaced number states 0-2 in each well (0-5 in a single well)
    if disc > 0.0 and eb < 0.0:
        r = math.sqrt(disc)
        _displaced_states(((-3.0 * tb + r) / 8.0 - c) / ell, n, ws, 0, NBLOCK // 2)
        _displaced_states(((-3.0 * tb - r) / 8.0 - c) / ell, n, ws, NBLOCK // 2, NBLOCK // 2)
    else:
        _displaced_states((ymin - c) / ell, n, ws, 0, NBLOCK)
    hnorm = 0.0                            # Gershgorin bound of |H − V(c)|
    for j in range(n):
        rs = abs(ab0[j, 0])
        for dd in range(1, 5):
            if j + dd < n:
                rs += abs(ab0[j, dd])
            if j - dd >= 0:
                rs += abs(ab0[j - dd, dd])
        hnorm = max(hnorm, rs)
    p0 = wv[3]
    p1 = wv[4]
    lam = wg[2, 1, :3]
    fallback = 0
    if method == METHOD_SHIFT_INVERT and lowest3(ab0, n, lo, sig0, hnorm, ws[:NBLOCK], ws[NBLOCK:],
                                                 wl, wg[0], wg[1], lam, wg[2, 0, :3]):
        for i in range(n):
            p0[i] = ws[0, i]
            p1[i] = ws[1, i]
    else:                                  # certificate failed: band -> tridiagonal reduction
        fallback = 1 if method == METHOD_SHIFT_INVERT else 0
        _lowest3_reduction(ab0, wb[1], n, lo, wv, wr, wp, wi, lam)
    lam0 = lam[0]
    lam1 = lam[1]
    lam2 = lam[2]

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
        if den == 0.0:                 # both states on one side of the barrier top
            delta = delta_r
            err_d = err_r
            huv = huv_direct
            dh = err_r
        else:
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
    iout[I_FALLBACK] = fallback
    # (a barrier top beyond 30 oscillator lengths is outside the basis' reach)
    iout[I_RESOLVED] = 1 if (out[F_RELERR] <= RESOLVED_RTOL and (geom == 0 or abs(a0) < 30.0)) else 0


@njit(cache=True)
def _solve_chunk(eta, t, nb, nmax, method, out, iout, start, stop):
    rotmax = (6 * nmax * nmax) // 10 + 4 * nmax + 16
    wb = np.zeros((3, max(nmax, 3), 6))
    wv = np.zeros((_NV, nmax + 8))
    wr = np.empty((2, rotmax))
    wp = np.empty(rotmax, dtype=np.int32)
    wi = np.empty(nmax, dtype=np.int32)
    ws = np.zeros((2 * NBLOCK, nmax + 8))
    wl = np.zeros((nmax + 8, 10))
    wg = np.zeros((3, NBLOCK, NBLOCK))
    for i in range(start, stop):
        solve_one(eta[i], t[i], nb[i], ELL, method, wb, wv, wr, wp, wi, ws, wl, wg, out[i], iout[i])


@njit(cache=True)
def solve_batch_serial(eta, t, nb, nmax, method, out, iout):
    """Solve every potential (serial); out (n, NF) float64, iout (n, NI) int64."""
    nchunk = (eta.shape[0] + CHUNK - 1) // CHUNK
    for ch in range(nchunk):
        _solve_chunk(eta, t, nb, nmax, method, out, iout, ch * CHUNK, min(eta.shape[0], (ch + 1) * CHUNK))


@njit(cache=True, parallel=True)
def solve_batch_parallel(eta, t, nb, nmax, method, out, iout):
    """Same as :func:`solve_batch_serial`, chunks of CHUNK potentials in parallel."""
    nchunk = (eta.shape[0] + CHUNK - 1) // CHUNK
    for ch in prange(nchunk):
        _solve_chunk(eta, t, nb, nmax, method, out, iout, ch * CHUNK, min(eta.shape[0], (ch + 1) * CHUNK))


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
