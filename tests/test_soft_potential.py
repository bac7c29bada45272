"""Soft-potential spectrum solver (tlsmc.spectrum.soft_solver) against independent references.

References built here: a large oscillator basis centred at the origin solved densely
with scipy.linalg.eigh (float64), a sinc-DVR grid, and 30-digit inverse iteration
with mpmath (30 digits) for tiny splittings.  Tolerances are stated next to each check.
"""
from __future__ import annotations

import dataclasses
import math

import mpmath as mp
import numba
import numpy as np
import pytest
import scipy.linalg as sl
from scipy import integrate, special

from tlsmc._kernels import banded_shift_invert as BSI
from tlsmc._kernels import soft_potential as K
from tlsmc.spectrum.soft_solver import (NOT_TLS, SINGLE_WELL, TYPE1, TYPE2, SoftSpectrum,
                                        delta_shift, solve_soft)


# ----------------------------------------------------------------------------- references
def ho_band(eta, t, c, ell, n, num=float, sqrt=math.sqrt):
    """Lower band rows ab[d][j] = H[j+d, j] of −d² + V in the oscillator basis y = c + ell ξ."""
    v1 = 2 * eta * c + 3 * t * c ** 2 + 4 * c ** 3
    v2 = eta + 3 * t * c + 6 * c ** 2
    v3 = t + 4 * c
    ab = [[num(0)] * n for _ in range(5)]
    for j in range(n):
        m = num(j)
        ab[0][j] = (m + num(1) / 2) / ell ** 2 + v2 * ell ** 2 * (2 * m + 1) / 2 \
            + ell ** 4 * (6 * m * m + 6 * m + 3) / 4
        if j + 1 < n:
            ab[1][j] = v1 * ell * sqrt((m + 1) / 2) + v3 * ell ** 3 * 3 * (m + 1) * sqrt((m + 1) / 2) / 2
        if j + 2 < n:
            s = sqrt((m + 1) * (m + 2))
            ab[2][j] = -s / 2 / ell ** 2 + v2 * ell ** 2 * s / 2 + ell ** 4 * (2 * m + 3) * s / 2
        if j + 3 < n:
            ab[3][j] = v3 * ell ** 3 * sqrt((m + 1) * (m + 2) * (m + 3)) / (2 * sqrt(num(2)))
        if j + 4 < n:
            ab[4][j] = ell ** 4 * sqrt((m + 1) * (m + 2) * (m + 3) * (m + 4)) / 4
    return ab


def dense(ab, n):
    h = np.diag(np.asarray(ab[0], float))
    for d in range(1, 5):
        h += np.diag(np.asarray(ab[d][:n - d], float), -d) + np.diag(np.asarray(ab[d][:n - d], float), d)
    return h


def two_level(e0, e1, x):
    """E and Δ0 from the lowest two levels and the 2x2 matrix of y (PHYSICS §2)."""
    E = e1 - e0
    return E, E * 2 * abs(x[0][1]) / math.sqrt((x[1][1] - x[0][0]) ** 2 + 4 * x[0][1] ** 2)


def ref_dense(eta, t, n=170, ell=0.5):
    """Float64 reference: oscillator basis centred at y = 0, dense scipy eigh."""
    h = dense(ho_band(eta, t, 0.0, ell, n), n)
    w, v = sl.eigh(h, subset_by_index=[0, 2])
    xi = np.diag(np.sqrt(np.arange(1, n) / 2), 1)
    x = v[:, :2].T @ (ell * (xi + xi.T)) @ v[:, :2]
    E, D0 = two_level(w[0], w[1], x)
    return E, D0, w[2] - w[1], w


def ref_sinc_dvr(eta, t, half_width=5.5, h=0.035):
    """Independent discretisation: sinc-DVR (Colbert–Miller) on a uniform grid."""
    y = np.arange(-half_width, half_width + h / 2, h)
    k = np.arange(y.size)
    dk = k[:, None] - k[None, :]
    with np.errstate(divide="ignore"):
        tkin = np.where(dk == 0, np.pi ** 2 / 3, 2.0 * (-1.0) ** dk / np.where(dk == 0, 1, dk) ** 2) / h ** 2
    w, v = sl.eigh(tkin + np.diag(eta * y ** 2 + t * y ** 3 + y ** 4), subset_by_index=[0, 2])
    x = v[:, :2].T @ (y[:, None] * v[:, :2])
    E, D0 = two_level(w[0], w[1], x)
    return E, D0, w[2] - w[1]


def ref_mp(eta, t, n=170, ell=0.5, dps=30):
    """30-digit reference: block inverse iteration on the banded matrix with mpmath."""
    c = -3.0 * t / 8.0
    h = dense(ho_band(eta, t, c, ell, n), n)
    w, v = sl.eigh(h, subset_by_index=[0, 2])
    with mp.workdps(dps):
        ab = ho_band(mp.mpf(eta), mp.mpf(t), mp.mpf(c), mp.mpf(ell), n, num=mp.mpf, sqrt=mp.sqrt)
        sig = mp.mpf(w[0]) - mp.mpf(w[2] - w[0]) / 1000
        lo = [[mp.mpf(0)] * n for _ in range(5)]          # banded Cholesky of H − sig
        for j in range(n):
            s = ab[0][j] - sig - mp.fsum(lo[j - k][k] ** 2 for k in range(max(0, j - 4), j))
            lo[0][j] = mp.sqrt(s)
            for i in range(j + 1, min(n, j + 5)):
                s = ab[i - j][j] - mp.fsum(lo[i - k][k] * lo[j - k][k] for k in range(max(0, i - 4), j))
                lo[i - j][j] = s / lo[0][j]

        def solve(b):
            y = list(b)
            for i in range(n):
                y[i] = (y[i] - mp.fsum(lo[i - k][k] * y[k] for k in range(max(0, i - 4), i))) / lo[0][i]
            for i in range(n - 1, -1, -1):
                y[i] = (y[i] - mp.fsum(lo[k - i][i] * y[k] for k in range(i + 1, min(n, i + 5)))) / lo[0][i]
            return y

        def dot(a, b):
            return mp.fsum(p * q for p, q in zip(a, b))

        def matvec(x):
            out = [ab[0][j] * x[j] for j in range(n)]
            for d in range(1, 5):
                for j in range(n - d):
                    out[j + d] += ab[d][j] * x[j]
                    out[j] += ab[d][j] * x[j + d]
            return out

        def ymat(x):
            out = [mp.mpf(c) * xj for xj in x]
            for j in range(n - 1):
                s = mp.mpf(ell) * mp.sqrt(mp.mpf(j + 1) / 2)
                out[j] += s * x[j + 1]
                out[j + 1] += s * x[j]
            return out

        X = [[mp.mpf(float(a)) for a in v[:, k]] for k in range(2)]
        for _ in range(6):                                # factor ~1e-3 per step
            X = [solve(x) for x in X]
            X[0] = [a / mp.sqrt(dot(X[0], X[0])) for a in X[0]]
            X[1] = [a - dot(X[0], X[1]) * b for a, b in zip(X[1], X[0])]
            X[1] = [a / mp.sqrt(dot(X[1], X[1])) for a in X[1]]
        hx = [matvec(x) for x in X]
        h00, h01, h11 = dot(X[0], hx[0]), dot(X[0], hx[1]), dot(X[1], hx[1])
        split = mp.sqrt((h11 - h00) ** 2 + 4 * h01 ** 2)
        th = mp.atan2(2 * h01, h00 - h11) / 2
        p0 = [mp.cos(th) * a + mp.sin(th) * b for a, b in zip(X[0], X[1])]
        p1 = [-mp.sin(th) * a + mp.cos(th) * b for a, b in zip(X[0], X[1])]
        y0, y1 = ymat(p0), ymat(p1)
        x = [[dot(p0, y0), dot(p0, y1)], [dot(p0, y1), dot(p1, y1)]]
        d0 = split * 2 * abs(x[0][1]) / mp.sqrt((x[1][1] - x[0][0]) ** 2 + 4 * x[0][1] ** 2)
        return float(split), float(d0)


def vpot(eta, t, y):
    return eta * y ** 2 + t * y ** 3 + y ** 4


# ----------------------------------------------------------------------------- accuracy
TLS_POINTS = [(-2.0, 0.3), (-4.0, 0.05), (-6.0, 0.01), (-8.0, -0.02), (-9.0, 0.004), (-1.0, 1.5),
              (-3.0, -2.0), (-5.0, 0.4),
              (9 / 4 + 0.01, 3.0), (4.5 ** 2 / 4 - 0.02, 4.5), (5.5 ** 2 / 4 + 0.003, -5.5),
              (6.0 ** 2 / 4 - 0.001, 6.0), (2.0, -4.0)]


def test_agrees_with_dense_reference():
    """E, Δ0 and E21 to 1e-8 relative against a 170-function basis centred at y = 0."""
    eta, t = np.array(TLS_POINTS).T
    sp = solve_soft(eta, t)
    assert set(sp.kind) <= {TYPE1, TYPE2, NOT_TLS}
    assert set(sp.kind[eta < 0]) <= {TYPE1, NOT_TLS} and set(sp.kind[eta > 0]) <= {TYPE2, NOT_TLS}
    for i, (e, tt) in enumerate(TLS_POINTS):
        E, D0, E21, w = ref_dense(e, tt)
        assert sp.resolved[i]
        assert sp.E[i] == pytest.approx(E, rel=1e-8)
        assert sp.delta0[i] == pytest.approx(D0, rel=1e-8)
        assert sp.E21[i] == pytest.approx(E21, rel=1e-8)
        assert sp.eps0[i] == pytest.approx(w[0], rel=1e-11, abs=1e-11)
        assert sp.eps2[i] == pytest.approx(w[2], rel=1e-11, abs=1e-11)


@pytest.mark.parametrize("eta,t", [(-5.0, 0.05), (6.0 ** 2 / 4 + 0.01, -6.0)])
def test_agrees_with_sinc_dvr(eta, t):
    """An independent discretisation (sinc-DVR) agrees to 1e-8."""
    E, D0, E21 = ref_sinc_dvr(eta, t)
    sp = solve_soft(eta, t)
    assert float(sp.E) == pytest.approx(E, rel=1e-8)
    assert float(sp.delta0) == pytest.approx(D0, rel=1e-8)
    assert float(sp.E21) == pytest.approx(E21, rel=1e-8)


def test_symmetric_well_eta_minus_6():
    """Δ0/W = 0.0413980035004 at η = −6, t = 0 (GGP quote 0.04; eq. 2.8 gives 1e-3)."""
    sp = solve_soft(-6.0, 0.0)
    assert float(sp.delta0) == pytest.approx(0.041398003500433, rel=1e-11)
    assert float(sp.E) == float(sp.delta0) and float(sp.p) == 1.0 and float(sp.delta) == 0.0
    assert math.exp(-math.sqrt(2) / 3 * 6 ** 1.5) == pytest.approx(1e-3, rel=0.2)
    assert 80 < float(sp.ratio) < 200                      # "third level ~100 Δ0 above"


@pytest.mark.parametrize("eta,t,resolved", [
    (-12.0, 1e-3, True),      # Δ0 = 3.5e-7, Δ0/E = 1.2e-5
    (-16.0, 0.0, True),       # Δ0 = 1.3e-11: the Wronskian identity
    (-17.0, 0.0, True),       # Δ0 ≈ 1e-12
    (-16.0, 1e-6, True),      # tiny E, first-order asymmetry
    (-20.0, 1e-4, False),     # Δ0/E = 2e-14: beyond the floor
    (-26.0, 0.0, False),      # Δ0 = 2e-25: beyond the floor
])
def test_tiny_splittings_against_30_digits(eta, t, resolved):
    """Resolved points agree with 30-digit solutions to 1e-8; the floor is flagged."""
    E, D0 = ref_mp(eta, t)
    sp = solve_soft(eta, t)
    assert bool(sp.resolved) is resolved
    err = max(abs(float(sp.E) / E - 1), abs(float(sp.delta0) / D0 - 1))
    if resolved:
        assert err < 1e-8
    assert err <= float(sp.rel_err) + 1e-14                 # the estimate is conservative


# ----------------------------------------------------------------------------- physics checks
@pytest.mark.parametrize("eta,t", [(-6.0, 0.02), (-10.0, -0.05), (-3.0, 0.5), (-12.0, 0.003)])
def test_ggp_eq_2_10_maps_to_the_same_potential(eta, t):
    """Both branches of eq. 2.10 give the same E, E21, Δ0 and levels shifted by V(s)."""
    S = math.sqrt(9 * t * t - 32 * eta)
    etas, ts, shifts = [eta], [t], [0.0]
    for sign in (1.0, -1.0):
        etas.append((9 * t * t - 32 * eta - sign * 3 * t * S) / 16)
        ts.append((sign * S - t) / 2)
        shifts.append(vpot(eta, t, (-3 * t + sign * S) / 8))
    sp = solve_soft(np.array(etas), np.array(ts))
    assert list(sp.kind[1:]) == [TYPE2, TYPE2] or set(sp.kind[1:]) <= {TYPE2, NOT_TLS}
    for f in ("E", "E21", "delta0"):
        a = getattr(sp, f)
        np.testing.assert_allclose(a[1:], a[0], rtol=1e-9)
    for f in ("eps0", "eps1", "eps2"):
        np.testing.assert_allclose(getattr(sp, f)[1:], getattr(sp, f)[0] - np.array(shifts[1:]),
                                   rtol=0, atol=1e-10)
    # Jacobians of the two branches: -(1 ± 3t/S)/2, i.e. 1/2 only at t = 0, but they
    # add up to 1 (the type-2 region is the image of the type-1 region, area for area)
    jac = []
    for sign in (1.0, -1.0):
        def image(e, tt, sign=sign):
            s_ = math.sqrt(9 * tt * tt - 32 * e)
            return np.array([(9 * tt * tt - 32 * e - sign * 3 * tt * s_) / 16, (sign * s_ - tt) / 2])
        h = 1e-6
        jm = np.column_stack([(image(eta + h, t) - image(eta - h, t)) / (2 * h),
                              (image(eta, t + h) - image(eta, t - h)) / (2 * h)])
        jac.append(np.linalg.det(jm))
    np.testing.assert_allclose(jac, [-(1 + 3 * t / S) / 2, -(1 - 3 * t / S) / 2], rtol=1e-6)


def test_deep_well_two_level_structure():
    """E ≈ (Δ² + Δ0²)^½ with Δ from harmonic zero-point energies (leading order)."""
    eta = -14.0
    d0 = float(solve_soft(eta, 0.0).delta0)
    ts = d0 * np.array([0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0]) / (eta ** 2 / 2 ** 0.5 / abs(eta) ** 0.5)
    sp = solve_soft(eta, ts)
    for i, t in enumerate(ts):
        m = np.sort(np.roots([4.0, 3.0 * t, 2.0 * eta]).real)
        well = [vpot(eta, t, y) + math.sqrt((2 * eta + 6 * t * y + 12 * y * y) / 2) for y in m]
        asym = abs(well[1] - well[0])                        # eq. 2.9 plus zero-point energies
        assert sp.delta[i] == pytest.approx(asym, rel=0.02, abs=1e-3 * d0)
        assert sp.E[i] == pytest.approx(math.hypot(asym, d0), rel=0.02)
        assert sp.delta0[i] == pytest.approx(d0, rel=1e-6)
    assert asym == pytest.approx(2 ** -0.5 * ts[-1] * abs(eta) ** 1.5, rel=0.05)


@pytest.mark.parametrize("eta,t,chi", [(-6.0, 0.1, 0.5), (-8.0, -0.05, 1.0), (4.1, 4.0, 0.7),
                                       (-4.0, 0.0, 0.3)])
def test_hellmann_feynman_deformation_potential(eta, t, chi):
    """D_over_c = dE/dε for the bare potential χy + (η0 + ε)y² + t0 y³ + y⁴ (PHYSICS §3)."""
    sp = solve_soft(eta, t, chi=chi)
    d = float(sp.delta_shift)
    eta0, t0 = eta - 3 * t * d + 6 * d * d, t - 4 * d          # GGP eqs. 3.4a,b
    energies = []
    h = 1e-4
    for eps in (h, -h):
        x = d                                                 # renormalise: Newton from δ
        for _ in range(50):
            x -= (chi + 2 * (eta0 + eps) * x + 3 * t0 * x * x + 4 * x ** 3) / \
                 (2 * (eta0 + eps) + 6 * t0 * x + 12 * x * x)
        energies.append(float(solve_soft(eta0 + eps + 3 * t0 * x + 6 * x * x, t0 + 4 * x).E))
    assert float(sp.D_over_c) == pytest.approx((energies[0] - energies[1]) / (2 * h), rel=1e-6)
    # Δ0, Δ and M are consistent with the same eigenstates
    assert abs(float(sp.M_over_c)) > 0


def test_wkb_exponents_eq_2_8_and_2_11():
    """d ln Δ0 / d|η|^{3/2} → −√2/3 (eq. 2.8) and d ln Δ0 / d|t|³ → −1/48 (eq. 2.11)."""
    eta = -np.arange(8.0, 18.5, 2.0)
    sp = solve_soft(eta, 0.0)
    assert sp.resolved.all()
    slope = np.diff(np.log(sp.delta0)) / np.diff(np.abs(eta) ** 1.5)
    dev = np.abs(slope / (-math.sqrt(2) / 3) - 1)
    assert dev[-1] < 0.05 and np.all(np.diff(dev) < 0)       # approaches the WKB exponent
    t = np.arange(6.0, 11.5, 1.0)
    sp2 = solve_soft(t * t / 4, t)                           # on the parabola η = t²/4 (R = 0)
    assert (sp2.kind == TYPE2).all() and sp2.resolved.all()
    slope2 = np.diff(np.log(sp2.delta0)) / np.diff(t ** 3)
    dev2 = np.abs(slope2 / (-1 / 48) - 1)
    assert dev2[-1] < 0.05 and np.all(np.diff(dev2) < 0)
    # the two forms are the same potential (A ↔ A' of GGP Fig. 3)
    np.testing.assert_allclose(sp2.delta0, solve_soft(-t * t / 8, 0.0).delta0, rtol=1e-9)


# ----------------------------------------------------------------------------- δ of eq. 3.3
def test_delta_branch_continuity_and_fold():
    """δ(χ) follows the branch from δ = 0 continuously; flagged beyond the fold."""
    eta, t = -6.0, 0.0
    chi_fold = 4 * abs(eta) ** 1.5 / (3 * math.sqrt(6))     # |η|^{3/2} = (3√6/4) χ
    chi = np.linspace(0.0, 0.999 * chi_fold, 400)
    d, ok = delta_shift(eta, t, chi)
    assert ok.all() and d[0] == 0.0 and np.all(np.diff(d) > 0)
    x = 0.0                                                  # Newton continuation in χ
    for c, dk in zip(chi, d):
        for _ in range(30):
            x -= (c + 2 * eta * x - 3 * t * x * x + 4 * x ** 3) / (2 * eta - 6 * t * x + 12 * x * x)
        assert dk == pytest.approx(x, rel=1e-12, abs=1e-15)
    assert np.max(np.diff(d)) < 20 * np.median(np.diff(d))   # no jump
    assert not delta_shift(eta, t, 1.001 * chi_fold)[1]
    assert delta_shift(eta, t, -0.999 * chi_fold)[1] and not delta_shift(eta, t, -1.001 * chi_fold)[1]
    # the smallest-|δ| root jumps to another branch where this one still exists
    c = 0.98 * chi_fold
    roots = np.roots([4.0, -3 * 0.5, 2 * eta, c])
    real = roots[np.abs(roots.imag) < 1e-12].real
    db = float(delta_shift(eta, 0.5, c)[0])
    assert np.any(np.abs(real - db) < 1e-9)
    # single wells and type-2 points: no fold for χ of the sign that moves away from it
    assert delta_shift(3.0, 0.0, np.array([-50.0, 50.0]))[1].all()
    assert not delta_shift(0.0, 1.0, 0.1)[1] and delta_shift(0.0, 1.0, 0.0)[1]
    sp = solve_soft(eta, t, chi=1.001 * chi_fold)
    assert not sp.branch_ok and np.isnan(sp.D_over_c) and np.isnan(sp.M_over_c) and np.isfinite(sp.E)


# ----------------------------------------------------------------------------- kernels
def test_band_reduction_against_scipy():
    n = 60
    ab = np.zeros((n, 6))
    K._fill_band(-7.0, 0.3, -0.1125, K.ELL, n, ab)
    full = dense([list(ab[:, d]) for d in range(5)], n)
    rot = n * n
    rp, rc, rs = np.empty(rot, np.int32), np.empty(rot), np.empty(rot)
    nrot = K._band_to_tridiag(ab, n, rp, rc, rs)
    assert np.all(ab[:, 2:] == 0)
    tri = sl.eigvalsh_tridiagonal(ab[:, 0].copy(), ab[:-1, 1].copy())
    np.testing.assert_allclose(tri, sl.eigvalsh(full), rtol=1e-12, atol=1e-11)
    # back-transformation maps a tridiagonal eigenvector to one of the band matrix
    w, v = sl.eigh_tridiagonal(ab[:, 0].copy(), ab[:-1, 1].copy(), select="i", select_range=(0, 0))
    x = v[:, 0].copy()
    K._back_transform(rp, rc, rs, nrot, x, x.copy())
    np.testing.assert_allclose(full @ x, w[0] * x, atol=1e-10)


def test_hermite_functions_and_half_line_overlaps():
    a, n = 0.37, 12
    f, g = np.empty(n + 3), np.empty(n + 3)
    K._hermite(a, n + 1, f, g)
    k = np.arange(n + 1)
    norm = 1 / np.sqrt(2.0 ** k * special.factorial(k) * np.sqrt(np.pi))
    np.testing.assert_allclose(f[:n + 1], norm * special.eval_hermite(k, a) * np.exp(-a * a / 2), rtol=1e-12)
    dh = np.where(k > 0, 2 * k * special.eval_hermite(np.maximum(k - 1, 0), a), 0.0)
    np.testing.assert_allclose(g[:n + 1], norm * (dh - a * special.eval_hermite(k, a)) * np.exp(-a * a / 2),
                               rtol=1e-11, atol=1e-14)
    rng = np.random.default_rng(3)
    u, v = rng.normal(size=n + 3), rng.normal(size=n + 3)
    u[n:] = v[n:] = 0

    def psi(x, c):
        kk = np.arange(n)
        nn = 1 / np.sqrt(2.0 ** kk * special.factorial(kk) * np.sqrt(np.pi))
        return np.sum(c[:n] * nn * special.eval_hermite(kk, x) * np.exp(-x * x / 2))
    want = [integrate.quad(lambda x, p=p, q=q: psi(x, p) * psi(x, q), a, np.inf, epsabs=1e-13)[0]
            for p, q in ((u, u), (v, v), (u, v))]
    got = K._half_line_overlaps(a, n, f, g, u, v, np.empty((5, n + 3)))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_serial_parallel_and_thread_count_bit_identical():
    rng = np.random.default_rng(11)
    eta = np.concatenate([-rng.uniform(2, 18, 60), rng.uniform(0, 8, 20)])
    t = np.concatenate([rng.normal(0, 0.05, 60), rng.uniform(-6, 6, 20)])
    a = solve_soft(eta, t, chi=0.4, parallel=False)
    b = solve_soft(eta, t, chi=0.4, parallel=True)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        c = solve_soft(eta, t, chi=0.4, parallel=True)
    finally:
        numba.set_num_threads(old)
    for f in SoftSpectrum.__slots__:
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
        np.testing.assert_array_equal(getattr(a, f), getattr(c, f))
    # one potential alone gives the same numbers as inside a batch
    one = solve_soft(eta[7], t[7], chi=0.4)
    assert float(one.E) == a.E[7] and float(one.M_over_c) == a.M_over_c[7]


# ----------------------------------------------------------------------------- API
def test_classification_and_phase_convention():
    sp = solve_soft([-6.0, 6.25 + 0.01, 1.0, 0.0, -14.0, 3.0, -6.0],
                    [0.0, 5.0, 0.0, 0.0, 0.3, 3.0, 1e-3], ratio_cut=10.0)
    assert list(sp.kind) == [TYPE1, NOT_TLS, SINGLE_WELL, SINGLE_WELL, NOT_TLS, SINGLE_WELL, TYPE1]
    assert solve_soft(6.25 + 0.01, 5.0, ratio_cut=3.0).kind == TYPE2
    assert sp.x01[0] > 0 and sp.x01[6] != 0                   # ψ1 positive on the right well
    assert sp.n_basis.dtype == np.int32 and sp.kind.dtype == np.int8
    np.testing.assert_allclose(sp.p, (sp.delta0 / sp.E) ** 2)
    np.testing.assert_allclose(sp.delta ** 2 + sp.delta0 ** 2, sp.E ** 2, rtol=1e-12)
    grid = solve_soft(np.array([[-6.0], [-8.0]]), np.array([0.0, 0.1, 0.2]))
    assert grid.E.shape == (2, 3) and grid.kind.shape == (2, 3)


@pytest.mark.parametrize("kwargs,name", [
    ({"eta": np.nan, "t": 0.0}, "eta"), ({"eta": [-1.0, np.inf], "t": 0.0}, "eta"),
    ({"eta": -1.0, "t": np.nan}, "t"), ({"eta": -1.0, "t": 0.0, "chi": np.inf}, "chi"),
    ({"eta": -1.0, "t": 0.0, "n_basis": 4}, "n_basis"), ({"eta": -1.0, "t": 0.0, "n_basis": 50.5}, "n_basis"),
    ({"eta": -1.0, "t": 0.0, "ratio_cut": -1.0}, "ratio_cut"),
])
def test_bad_input_names_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        solve_soft(**kwargs)


def test_container_checks_shapes_and_dtypes():
    sp = solve_soft([-6.0, -8.0], 0.0)
    values = {f: getattr(sp, f) for f in SoftSpectrum.__slots__}
    with pytest.raises(ValueError, match="E"):
        SoftSpectrum(**dict(values, E=values["E"][:1]))
    with pytest.raises(TypeError, match="kind"):
        SoftSpectrum(**dict(values, kind=values["kind"].astype(float)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        sp.E = sp.E                                            # frozen


def test_explicit_basis_size_and_no_warnings():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = solve_soft(-6.0, 0.05, n_basis=120)
        b = solve_soft(-6.0, 0.05)
        solve_soft(np.array([-40.0, 40.0, 0.0, 1e-12, -1e-12]), np.array([0.0, 0.0, 0.0, 0.0, 3.0]),
                   chi=np.array([100.0, -100.0, 0.0, 1.0, 1.0]))
    assert int(a.n_basis) == 120
    assert float(a.E) == pytest.approx(float(b.E), rel=1e-11)


# ----------------------------------------------------------------------------- shift-and-invert solver
def _band_and_dense(eta, t):
    _geom, _s, eb, tb, _vs = K.geometry(eta, t)
    n, _ = K.basis_size(eta, t, 0)
    ab = np.zeros((n + 8, 6))
    K._fill_band(eb, tb, -3 * tb / 8, K.ELL, n, ab)
    return ab, n, dense([list(ab[:n, d]) for d in range(5)], n)


def test_banded_ldl_inertia_and_solve():
    """Negative pivots of LDLᵀ(H − σ) = eigenvalues below σ (Sylvester); the solve is exact."""
    ab, n, h = _band_and_dense(-9.0, 0.2)
    w = sl.eigvalsh(h)
    lw = np.zeros((n + 4, 10))
    for sig in np.concatenate([w[:6] - 1e-6, w[:6] + 1e-6, [w[0] - 10.0, 0.5 * (w[2] + w[3])]]):
        assert BSI.ldl_band(ab, n, sig, 1e-300, lw) == np.count_nonzero(w < sig)
        b = np.random.default_rng(5).normal(size=n)
        x = b.copy()
        BSI.ldl_solve(lw, n, x)
        np.testing.assert_allclose((h - sig * np.eye(n)) @ x, b, rtol=0, atol=1e-9 * np.abs(x).max())


@pytest.mark.parametrize("eta,t", [(-8.0, 0.3), (-12.0, 0.05), (5.0, 4.0), (-3.0, 0.0), (2.0, 0.5)])
def test_shift_invert_certificate(eta, t):
    """lowest3 is certified from good start vectors, and never certifies a wrong answer."""
    ab, n, h = _band_and_dense(eta, t)
    w = sl.eigvalsh(h)
    hn = np.abs(h).sum(1).max()
    accepted = rejected = 0
    for start in [None] + list(range(0, n - 6, 9)):
        x = np.zeros((BSI.NBLOCK, n + 8))
        if start is None:                                  # the solver's start: states in each well
            _g, _s, eb, tb, _vs = K.geometry(eta, t)
            ys = np.roots([4.0, 3.0 * tb, 2.0 * eb]).real if eb < 0 else [0.0] * 2
            for k, y in enumerate(ys):
                K._displaced_states((y + 3 * tb / 8) / K.ELL, n, x, 3 * k, 3)
        else:                                              # bad start: high oscillator states
            x[np.arange(BSI.NBLOCK), start + np.arange(BSI.NBLOCK)] = 1.0
        lam, res = np.zeros(3), np.zeros(3)
        ok = BSI.lowest3(ab, n, w[0] - 5, w[0] - 5, hn, x, np.zeros((BSI.NBLOCK, n + 8)),
                         np.zeros((n + 8, 10)), np.zeros((BSI.NBLOCK, BSI.NBLOCK)),
                         np.zeros((BSI.NBLOCK, BSI.NBLOCK)), lam, res)
        if start is None:
            assert ok
        if ok:
            accepted += 1
            np.testing.assert_allclose(lam, w[:3], rtol=0, atol=1e-12 * hn)
            v = sl.eigh(h, subset_by_index=[0, 1])[1]
            span = v.T @ x[:2, :n].T                       # doublet span: singular values 1
            np.testing.assert_allclose(np.linalg.svd(span, compute_uv=False), 1.0, atol=1e-10)
        else:
            rejected += 1
    assert accepted >= 1 and rejected >= 1


def test_shift_invert_agrees_with_reduction():
    """Both eigensolvers give the same spectra (every alternative method agrees with the default)."""
    rng = np.random.default_rng(17)
    eta = np.concatenate([-rng.uniform(2, 40, 150), rng.uniform(0, 30, 150), rng.uniform(0, 15, 50)])
    t = np.concatenate([rng.normal(0, 0.2, 150), rng.uniform(-12, 12, 150), rng.uniform(-1, 1, 50)])
    a = solve_soft(eta, t, chi=0.3)
    b = solve_soft(eta, t, chi=0.3, method="reduction")
    np.testing.assert_array_equal(a.kind, b.kind)
    np.testing.assert_array_equal(a.resolved, b.resolved)
    ok = a.resolved
    assert ok.mean() > 0.7
    for f in ("eps0", "eps1", "eps2"):
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-12, atol=1e-11)
    tol = 2.0 * np.maximum(a.rel_err, b.rel_err)[ok] + 1e-12
    for f in ("E", "delta0"):
        assert np.all(np.abs(getattr(a, f)[ok] / getattr(b, f)[ok] - 1) <= tol), f
    np.testing.assert_allclose(a.E21[ok], b.E21[ok], rtol=1e-9)
    for f in ("x00", "x11", "x01", "x2_00", "x2_11", "x2_01", "x3_01", "D_over_c", "M_over_c"):
        np.testing.assert_allclose(getattr(a, f)[ok], getattr(b, f)[ok], rtol=1e-7, atol=1e-8)


def test_shift_invert_rarely_falls_back():
    """The certificate holds for nearly all TLS-region potentials (else the reduction is used)."""
    rng = np.random.default_rng(2)
    eta = -rng.uniform(3, 16, 2000)
    t = rng.uniform(-0.3, 0.3, 2000) * 2 ** 0.5 / np.abs(eta) ** 1.5
    nb = np.empty(eta.size, np.int64)
    K.basis_sizes(eta, t, 0, nb, np.empty(eta.size, np.bool_))
    out, iout = np.empty((eta.size, K.NF)), np.empty((eta.size, K.NI), np.int64)
    K.solve_batch_serial(eta, t, nb, int(nb.max()), K.METHOD_SHIFT_INVERT, out, iout)
    assert iout[:, K.I_FALLBACK].mean() < 0.01


def test_invalid_method():
    with pytest.raises(ValueError, match="method must be one of"):
        solve_soft(-6.0, 0.0, method="lapack")
