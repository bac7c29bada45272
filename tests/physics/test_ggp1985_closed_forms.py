"""GGP 1985 closed forms (tlsmc.analytic.closed_forms.ggp1985): each asymptotic step redone numerically.

Tolerances are the size of the step's neglected order, stated per test: ℓ = ln(W/E),
𝓛 = ln(W/T), L = ln(W/E√p) >> 1.  Independent references: barrier action by quadrature,
a sinc-DVR Schrödinger solver (below), finite-difference Jacobians, exact δ of eq. 3.3.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, linalg, special

from tlsmc.analytic.closed_forms import ggp1985 as g
from tlsmc.analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from tlsmc.units import K_B, PI

W = 30.0                 # K
ETA_L = 1e-2
PSI = 1e25               # m^-3 per unit η per unit t
B = 3e10                 # Pa
KW = dict(c=1.3, chi=2.0, eta_L=ETA_L, W_K=W)


def schottky(x):
    """x-independent part of E ∂n/∂T: n(1−n) = e^x/(1+e^x)²."""
    return special.expit(x) * special.expit(-x)


# <ln x> with the weight x² n(1−n), normalised (∫ = π²/6): first-order log corrections
LN_X = integrate.quad(lambda x: x * x * schottky(x) * np.log(x), 0, 80)[0] / (PI**2 / 6)


P_FLOOR = 1e-250          # below it p^-1 ψ overflows; p0 = 0 adds the analytic tail


def p_integral(fun, E, p0, tail_per_w=None):
    """∫_{p0}^1 fun(p) dp for integrands ~ p^-1 L^-4/3 (p -> 0) and (1−p)^-1/2 (p -> 1):
    w = L^{-1/3} on [p0, 1/2], u = (1−p)^{1/2} on [1/2, 1]; both smooth.  For p0 = 0 the
    part below P_FLOOR is tail_per_w × w(P_FLOOR) (integrand per unit w constant there)."""
    ell = np.log(W / E)
    total = 0.0
    if p0 == 0:
        p0 = P_FLOOR
        total = tail_per_w * (ell - 0.5 * np.log(P_FLOOR)) ** (-1 / 3)
    if p0 < 0.5:
        wa, wb = (ell - 0.5 * np.log(p0)) ** (-1 / 3), (ell + 0.5 * np.log(2)) ** (-1 / 3)

        def fa(w):
            p = np.exp(-2.0 * (w**-3 - ell))
            return fun(p) * 6.0 * p * w**-4
        total += integrate.quad(fa, wa, wb, limit=200, epsrel=1e-11)[0]
    ub = np.sqrt(1.0 - max(p0, 0.5))
    return total + integrate.quad(lambda u: fun(1.0 - u * u) * 2.0 * u, 0.0, ub,
                                  limit=200, epsrel=1e-11)[0]


def delta0_exact_symmetric(eta, h=0.07):
    """Exact Δ0/W of η x² + x⁴ (η < 0): sinc-DVR on the half line, even/odd blocks, and the
    subtraction-free identity Δ0 = ψ_e(0) ψ_o'(0) / ∫_0^∞ ψ_e ψ_o (PHYSICS §9)."""
    a = abs(eta)
    xmax = np.sqrt(a / 2) + 6.0 / (2 * a) ** 0.25 + 3.0
    j = np.arange(int(np.ceil(xmax / h)) + 1)
    x = j * h

    def kin(d):
        d = np.asarray(d, float)
        out = np.full(d.shape, PI**2 / (3 * h * h))
        nz = d != 0
        out[nz] = 2.0 * (-1.0) ** np.abs(d[nz]) / (h * h * d[nz] ** 2)
        return out
    I, J = np.meshgrid(j, j, indexing="ij")
    V = eta * x * x + x**4
    Te = kin(I - J) + kin(I + J)
    Te[0, 1:] = np.sqrt(2.0) * kin(j[1:])
    Te[1:, 0] = Te[0, 1:]
    Te[0, 0] = PI**2 / (3 * h * h)
    _, ve = linalg.eigh(Te + np.diag(V), subset_by_index=[0, 0])
    _, vo = linalg.eigh((kin(I - J) - kin(I + J))[1:, 1:] + np.diag(V[1:]),
                        subset_by_index=[0, 0])
    ve, vo = ve[:, 0], vo[:, 0]
    k = j[1:]
    pe0 = ve[0] / np.sqrt(h)
    # odd state: coefficient ±vo/√2 on sinc functions at ±k h; φ_{±k}'(0) = ∓(−1)^k/(k h^{3/2})
    dpo0 = np.sum(vo / np.sqrt(2.0) * (-2.0) * (-1.0) ** k / (k * h)) / np.sqrt(h)
    overlap = np.sum(ve[1:] * vo) / 2.0
    return pe0 * dpo0 / overlap


# ------------------------------------------------------------------ constants as printed
@pytest.mark.parametrize("exact, printed, digits", [
    (2 * 6 ** (-1 / 3), 1.10, 2), (0.75 ** (1 / 3), 0.91, 2),
    (2 ** (1 / 3) * 3 ** (-5 / 3), 0.2, 1), (36 ** (1 / 3), 3.30, 2),
    (24 * 48 ** (-5 / 3), 0.038, 3), (2 * 0.75 ** (1 / 3), 1.82, 2), (2 / 27, 0.07, 2),
    ((22 / 9) * 24 * 48 ** (-5 / 3), 0.09, 2), (11 * PI**2 / 972, 0.11, 2),
    (6 ** (-1 / 3), 0.55, 2), (4.5 ** (1 / 3) / 6 ** (-1 / 3) / 3, 1.0, 9)])
def test_exact_constants_round_to_printed(exact, printed, digits):
    # last row: γ2/γ1 = (9/2)^{1/3} L^{2/3} / (6^{-1/3} χ L^{-1/3}) = 3L/χ (eq. 4.10)
    assert round(exact, digits) == pytest.approx(printed)


# ------------------------------------------------------------------ §II: WKB, (η,t)->(E,p)
@pytest.mark.parametrize("eta", [-4.0, -10.0, -25.0])
def test_wkb_exponent_is_the_barrier_action(eta):
    x0 = np.sqrt(-eta / 2)
    action = integrate.quad(lambda x: np.sqrt(eta * x * x + x**4 + eta**2 / 4), -x0, x0)[0]
    assert -np.log(g.delta0_wkb_type1(eta)) == pytest.approx(action, rel=1e-10)
    u = abs(eta) ** 1.5
    slope = (np.log(g.delta0_wkb_type1(-(u * 1.001) ** (2 / 3)))
             - np.log(g.delta0_wkb_type1(-(u * 0.999) ** (2 / 3)))) / (0.002 * u)
    assert slope == pytest.approx(-np.sqrt(2) / 3, rel=1e-9)


def test_wkb_slope_against_exact_spectrum():
    # GGP: η̃ = −6 gives 1e-3 by eq. 2.8 against 0.04 exact (PHYSICS §2: 0.0414)
    assert delta0_exact_symmetric(-6.0) == pytest.approx(0.0414, rel=2e-3)
    assert 20 < delta0_exact_symmetric(-6.0) / g.delta0_wkb_type1(-6.0) < 60
    etas = np.linspace(-8.0, -20.0, 13)
    exact = np.array([delta0_exact_symmetric(e) for e in etas])
    u = np.abs(etas) ** 1.5
    slope = np.polyfit(u, np.log(exact), 1)[0]
    # prefactor ∝ |η|^{5/4} shifts the mean slope by (5/6) ln(u2/u1)/(u2−u1) ≈ 3.6 %
    assert slope / (-g.WKB_COEFF_TYPE1) == pytest.approx(1.0, abs=0.05)
    corrected = np.polyfit(u, np.log(exact / np.abs(etas) ** 1.25), 1)[0]
    assert corrected / (-g.WKB_COEFF_TYPE1) == pytest.approx(1.0, abs=0.005)


def test_wkb_slope_against_soft_potential_solver():
    sp = pytest.importorskip("tlsmc.spectrum.soft_solver")
    if not hasattr(sp, "solve_soft"):
        pytest.skip("tlsmc.spectrum.soft_solver.solve_soft not available")
    etas = np.linspace(-8.0, -20.0, 7)
    d0 = np.array([float(np.ravel(sp.solve_soft(e, 0.0).delta0)[0]) for e in etas])
    assert np.all(np.isfinite(d0) & (d0 > 0))
    slope = np.polyfit(np.abs(etas) ** 1.5, np.log(d0), 1)[0]     # units of Δ0 drop out
    assert slope / (-g.WKB_COEFF_TYPE1) == pytest.approx(1.0, abs=0.06)


def test_type2_splitting_is_type1_at_the_mapped_point():
    for tt in (4.0, 7.0, -9.0):                    # parabola point -> t' = 0 with σ = sgn t
        m = g.stationary_point_map(tt * tt / 4, tt, branch=int(np.sign(tt)))
        assert m.t == pytest.approx(0.0, abs=1e-12)
        assert m.eta == pytest.approx(-tt * tt / 8, rel=1e-12)
        assert g.delta0_wkb_type2(tt) == pytest.approx(g.delta0_wkb_type1(m.eta), rel=1e-12)
    back = g.stationary_point_map(-5.0, 0.0, branch=1)             # A' -> A (GGP Fig. 3)
    assert (back.eta, back.t) == pytest.approx((10.0, np.sqrt(40.0)))


def test_asymmetries_from_the_potential():
    eta, t = -12.0, 1e-5                 # type 1: well-bottom difference, eq. 2.9
    xm = np.sort(np.roots([4.0, 3 * t, 2 * eta, 0.0]).real)[[0, 2]]
    v = eta * xm**2 + t * xm**3 + xm**4
    assert g.asymmetry_type1(eta, t) == pytest.approx(abs(v[1] - v[0]), rel=1e-4)
    tt, R = 8.0, 2e-4                    # type 2 via the map: eqs. 2.12–2.13
    m = g.stationary_point_map(tt * tt / 4 + R, tt, branch=1)
    assert m.t == pytest.approx(-8 * R / tt, rel=2e-3)
    assert g.asymmetry_type2(tt * tt / 4 + R, tt) == pytest.approx(
        g.asymmetry_type1(m.eta, m.t), rel=0.02)


def test_inverse_parameter_maps_round_trip():
    rng = np.random.default_rng(1)
    e, p = 10 ** rng.uniform(-5, -1, 50), rng.uniform(1e-6, 0.999, 50)
    for inv, fwd in ((g.parameters_type1, g.energy_p_type1),
                     (g.parameters_type2, g.energy_p_type2)):
        eta, t = inv(e, p)
        e2, p2 = fwd(eta, t)
        assert np.allclose(e2, e, rtol=1e-10) and np.allclose(p2, p, rtol=1e-9)
    eta, t = g.parameters_type1(e, p, sign_t=-1)
    assert np.all(eta < 0) and np.all(t < 0)


# ------------------------------------------------------------------ eq. 2.10
def _random_points(n=40, seed=3):
    rng = np.random.default_rng(seed)
    eta, t = rng.uniform(-10, 5, n), rng.uniform(-6, 6, n)
    keep = 9 * t * t - 32 * eta > 1.0
    return eta[keep], t[keep]


@pytest.mark.parametrize("branch", [1, -1])
def test_map_preserves_the_potential_shape(branch):
    P = np.polynomial.Polynomial
    for eta, t in zip(*_random_points()):
        m = g.stationary_point_map(eta, t, branch)
        shifted = P([0, 0, eta, t, 1.0])(P([m.s, 1.0])) - m.shift
        assert np.allclose(shifted.coef, [0, 0, m.eta, m.t, 1.0], atol=1e-12)


@pytest.mark.parametrize("branch", [1, -1])
def test_map_is_an_involution_up_to_branch(branch):
    eta, t = _random_points()
    m = g.stationary_point_map(eta, t, branch)
    back_branch = branch * np.sign(np.sqrt(9 * t * t - 32 * eta) + 3 * branch * t)
    for i in range(eta.size):
        b = g.stationary_point_map(m.eta[i], m.t[i], int(back_branch[i]))
        assert (b.eta, b.t, b.shift) == pytest.approx((eta[i], t[i], -m.shift[i]), abs=1e-10)


def test_map_jacobian():
    h = 1e-6
    for eta, t in zip(*_random_points()):
        for br in (1, -1):
            def f(e, tt, br=br):
                return np.array(g.stationary_point_map(e, tt, br)[:2])
            J = np.column_stack([(f(eta + h, t) - f(eta - h, t)) / (2 * h),
                                 (f(eta, t + h) - f(eta, t - h)) / (2 * h)])
            assert np.linalg.det(J) == pytest.approx(
                g.stationary_point_map_jacobian(eta, t, br), rel=1e-6)
    eta = np.array([-3.0, -8.0, -20.0])
    for br in (1, -1):
        assert np.allclose(g.stationary_point_map_jacobian(eta, 0.0, br), -0.5)
        t_strip = np.abs(eta) ** -1.5                        # edge of the type-1 strip
        assert np.allclose(np.abs(g.stationary_point_map_jacobian(eta, t_strip, br)), 0.5,
                           atol=1.1 * t_strip / np.sqrt(np.abs(eta)))
    e, t = _random_points()
    assert np.allclose(g.stationary_point_map_jacobian(e, t, 1)
                       + g.stationary_point_map_jacobian(e, t, -1), -1.0)


def test_map_spectra_coincide():
    def levels(eta, t, centre):
        y = centre + np.arange(-4000, 4001) * 0.0015
        d = 2.0 / 0.0015**2 + eta * y * y + t * y**3 + y**4
        return linalg.eigh_tridiagonal(d, np.full(y.size - 1, -1.0 / 0.0015**2),
                                       select="i", select_range=(0, 2), eigvals_only=True)
    eta, t = -4.0, 0.7
    E = levels(eta, t, 0.0)
    for br in (1, -1):
        m = g.stationary_point_map(eta, t, br)
        assert np.allclose(levels(m.eta, m.t, -m.s), E - m.shift, atol=2e-5)


# ------------------------------------------------------------------ §V: DOS
@pytest.mark.parametrize("kind", [1, 2])
def test_dos_is_the_jacobian_of_the_wkb_map(kind):
    inv = g.parameters_type1 if kind == 1 else g.parameters_type2
    preimages = 2 if kind == 1 else 4                   # ±t ; ±t and ±R
    for E, p in [(0.05, 0.3), (0.5, 0.01), (1e-3, 0.9), (2.0, 1e-5)]:
        hE, hp = 1e-4 * E, 1e-4 * min(p, 1 - p)
        f = lambda e, q: np.array(inv(e / W, q))
        J = np.column_stack([(f(E + hE, p) - f(E - hE, p)) / (2 * hE),
                             (f(E, p + hp) - f(E, p - hp)) / (2 * hp)])
        expected = PSI * ETA_L**1.5 * preimages * abs(np.linalg.det(J))
        # type 2: η = t²/4 + R carries R with absolute round-off ~1e-16 t² (FD noise 1e-5)
        assert ggp_thermo.dos_E_p(E, p, psi_per_m3=PSI, eta_L=ETA_L, W_K=W) == pytest.approx(
            expected, rel=1e-6 if kind == 1 else 3e-5)


@pytest.mark.parametrize("E", [0.1, 1e-3, 1e-6, 1e-12])
@pytest.mark.parametrize("p0", [0.0, 1e-8, 1e-3])
def test_p_integral_of_dos_is_the_energy_dos(E, p0):
    dos = dict(psi_per_m3=PSI, eta_L=ETA_L, W_K=W)
    pref = g.DOS_PREFACTOR * PSI * ETA_L**1.5 / W
    quad = p_integral(lambda p: ggp_thermo.dos_E_p(E, p, **dos), E, p0, tail_per_w=6 * pref)
    lead = ggp_thermo.dos_energy(E, p0=p0, **dos)
    nxt = ggp_thermo.dos_energy(E, p0=p0, next_order=True, **dos)
    ell = np.log(W / E)
    term = 2 * np.log1p(np.sqrt(1 - p0)) * pref * ell ** (-4 / 3)
    # the leading form misses the (1−p)^{-1/2} − 1 part: term, to relative ≈ 0.3/ℓ
    assert quad - lead == pytest.approx(term, rel=0.5 / ell)
    assert abs(nxt - quad) < abs(lead - quad) / 3        # next_order: error 0.3/ℓ × term
    if p0 == 0:
        assert quad / lead - 1 == pytest.approx(np.log(2) / 3 / ell, rel=0.5 / ell)


def test_energy_dos_and_heat_capacity_limits():
    dos = dict(psi_per_m3=PSI, eta_L=ETA_L, W_K=W)
    p0 = np.array([0.0, 1e-300, 1e-20, 1e-8, 1e-2, 1.0])
    n = ggp_thermo.dos_energy(0.1, p0=p0, **dos)
    c = ggp_thermo.heat_capacity(0.1, p0=p0, **dos)
    assert np.all(np.isfinite(n)) and np.all(np.diff(n) < 0) and n[-1] == 0.0
    assert np.all(np.isfinite(c)) and np.all(np.diff(c) < 0) and c[-1] == 0.0
    ell = np.log(W / 0.1)                                   # slow: (ℓ/(ℓ+½ln 1/p0))^{1/3}
    assert n[1] / n[0] == pytest.approx(1 - (ell / (ell - 0.5 * np.log(1e-300))) ** (1 / 3))
    assert ggp_thermo.p0_cutoff(1e-8, np.inf) == 0.0 and ggp_thermo.p0_cutoff(1e-8, 1.0) == 1e-8
    assert ggp_thermo.p0_cutoff(2.0, 1.0) == 1.0


# ------------------------------------------------------------------ §VI: C, α, Γ
def test_heat_capacity_is_eq_6_3_at_infinite_time():
    T = np.array([0.01, 0.1, 1.0])
    printed = (2 / 3) * (4 / 3) ** (1 / 3) * PI**2 * PSI * ETA_L**1.5 * K_B * T / W \
        * np.log(W / T) ** (-1 / 3)
    assert np.allclose(ggp_thermo.heat_capacity(T, psi_per_m3=PSI, eta_L=ETA_L, W_K=W), printed,
                       rtol=1e-13)


@pytest.mark.parametrize("T", [0.3, 0.03, 1e-4, 1e-8])
@pytest.mark.parametrize("p0", [0.0, 1e-8])
def test_heat_capacity_is_the_energy_integral_of_the_dos(T, p0):
    dos = dict(psi_per_m3=PSI, eta_L=ETA_L, W_K=W)
    f = lambda x: K_B * T * x * x * schottky(x) * ggp_thermo.dos_energy(x * T, p0=p0, **dos)
    quad = integrate.quad(f, 0, 60, limit=200, epsrel=1e-10)[0]
    calL = np.log(W / T)
    v0 = np.inf if p0 == 0 else -0.5 * np.log(p0)
    # N(E) ∝ ℓ^{-1/3} − (ℓ+v0)^{-1/3} taken at ℓ = 𝓛: first order −<ln x> d ln N/dℓ
    dlnN = (-(calL ** (-4 / 3)) + (calL + v0) ** (-4 / 3)) / 3 \
        / (calL ** (-1 / 3) - (calL + v0) ** (-1 / 3))
    rel = quad / ggp_thermo.heat_capacity(T, p0=p0, **dos) - 1
    assert rel == pytest.approx(-LN_X * dlnN, abs=2.5 / calL**2)   # 2nd order: 0.3-1.9/𝓛²


@pytest.mark.parametrize("E", [0.1, 1e-3, 1e-6])
@pytest.mark.parametrize("p0", [1e-200, 1e-8, 1e-3, 0.3])
def test_q1_is_the_p_integral_of_d1(E, p0):
    def weight(p):                        # p^-1 (1−p)^-1/2 L^-4/3 of eq. 5.3
        return ggp_thermo.dos_E_p(E, p, psi_per_m3=1.0, eta_L=1.0, W_K=W) * W / g.DOS_PREFACTOR
    q = lambda chi: p_integral(lambda p: g.deformation_potential_type1(
        E, p, 0, **dict(KW, chi=chi)) * weight(p), E, p0)
    q0 = q(0.0)                           # first term of eq. 5.5: exact (a total derivative)
    assert q0 == pytest.approx(ggp_thermo.q_type1(E, p0=p0, **dict(KW, chi=0.0)), rel=1e-8)
    both = p_integral(lambda p: sum(g.deformation_potential_type1(E, p, s, **KW)
                                    for s in (1, -1)) / 2 * weight(p), E, p0)
    assert both == pytest.approx(q(KW["chi"]), rel=1e-9)       # sgn t term averages out
    if p0 == 1e-200:                      # χ² term: leading order in 1/ℓ, for p0 -> 0
        ell = np.log(W / E)
        chi2 = q(KW["chi"]) - q0
        assert chi2 == pytest.approx(ggp_thermo.q_type1(E, p0=p0, **KW)
                                     - ggp_thermo.q_type1(E, p0=p0, **dict(KW, chi=0.0)), rel=2.0 / ell)


@pytest.mark.parametrize("E", [0.1, 1e-3, 1e-6, 1e-12])
def test_q2_is_the_p_integral_of_d2(E):
    def weight(p):                        # p^-1 (1−p)^-1/2 L^-4/3 of eq. 5.3
        return ggp_thermo.dos_E_p(E, p, psi_per_m3=1.0, eta_L=1.0, W_K=W) * W / g.DOS_PREFACTOR
    q = p_integral(lambda p: g.deformation_potential_type2(E, p, 0, **KW) * weight(p), E, 1e-300)
    ell = np.log(W / E)
    assert q == pytest.approx(ggp_thermo.q_type2(E, **KW), rel=1.0 / ell)


def _alpha_quad(T, qfun):
    """α = −(k_B/B) ∫dx x n(1−n) ∫dp N D  with ∫dp N D = 0.734 ψ η_L^{3/2}/W · Q(E)."""
    f = lambda x: x * schottky(x) * qfun(x * T)
    return -(K_B / B) * g.DOS_PREFACTOR * PSI * ETA_L**1.5 / W \
        * integrate.quad(f, 0, 80, limit=200, epsrel=1e-11)[0]


@pytest.mark.parametrize("T", [1e-3, 1e-8])
def test_alpha_is_the_energy_integral_of_q(T):
    calL = np.log(W / T)
    th = dict(psi_per_m3=PSI, B_Pa=B)
    kw0, p0 = dict(KW, chi=0.0), 1e-8
    L0 = calL - 0.5 * np.log(p0)
    rel1 = _alpha_quad(T, lambda E: ggp_thermo.q_type1(E, p0=p0, **kw0)) \
        / ggp_thermo.thermal_expansion_type1(T, p0=p0, **th, **kw0) - 1
    assert rel1 == pytest.approx(LN_X / L0, abs=2.0 / L0**2)   # ln(W/E) -> 𝓛, first order
    # χ² terms ∝ ℓ^{-3}: first-order correction 3<ln x>/𝓛, second ≈ 10/𝓛²
    rel1c = _alpha_quad(T, lambda E: ggp_thermo.q_type1(E, p0=0.0, **KW)) \
        / ggp_thermo.thermal_expansion_type1(T, p0=0.0, **th, **KW) - 1
    rel2 = _alpha_quad(T, lambda E: ggp_thermo.q_type2(E, **KW)) \
        / ggp_thermo.thermal_expansion_type2(T, **th, **KW) - 1
    for rel in (rel1c, rel2):
        assert rel == pytest.approx(3 * LN_X / calL, abs=15.0 / calL**2)


def test_alpha_tau_expt_dependence():
    th = dict(psi_per_m3=PSI, B_Pa=B, **KW)
    p0 = np.array([1.0, 1e-2, 1e-8, 1e-30, 0.0])
    a = ggp_thermo.thermal_expansion_type1(0.3, p0=p0, **th)
    assert np.all(np.diff(a) > 0)                              # c > 0: contraction first
    calL = np.log(W / 0.3)
    a_inf = -(2 * PI**2 / 9) * KW["c"] * PSI * np.sqrt(ETA_L) * K_B * 0.3 / (W * B) \
        * (-(2 / 27) * KW["chi"] ** 2 * calL**-3)
    assert a[-1] == pytest.approx(a_inf, rel=1e-12) and a[-1] > 0


@pytest.mark.parametrize("psi_ratio", [0.0, 0.3, 2.0])
@pytest.mark.parametrize("p0", [0.0, 1e-8, 1e-3])
@pytest.mark.parametrize("p0_hc", [0.0, 1e-6])
def test_gruneisen_is_the_ratio_of_6_1_6_2_to_6_3(psi_ratio, p0, p0_hc):
    T = np.array([0.05, 0.3, 1.0])
    th = dict(eta_L=ETA_L, W_K=W)
    alpha = ggp_thermo.thermal_expansion_type1(T, psi_per_m3=PSI, B_Pa=B, p0=p0, c=KW["c"],
                                      chi=KW["chi"], **th) \
        + ggp_thermo.thermal_expansion_type2(T, psi_per_m3=psi_ratio * PSI, B_Pa=B, c=KW["c"],
                                    chi=KW["chi"], **th)
    C = ggp_thermo.heat_capacity(T, psi_per_m3=PSI * (1 + psi_ratio), p0=p0_hc, **th)
    gam = ggp_thermo.gruneisen(T, psi_ratio=psi_ratio, p0=p0, p0_heat_capacity=p0_hc, **KW)
    assert np.allclose(gam, B * alpha / C, rtol=1e-12)


def test_printed_gruneisen_prefactor_is_off():
    kw = dict(psi_ratio=0.5, eta_L=ETA_L, W_K=W, c=1.0)
    ratio = ggp_thermo.gruneisen_as_printed(0.3, chi=0.0, p0=1e-8, **kw) / ggp_thermo.gruneisen(
        0.3, chi=0.0, p0=1e-8, **kw)
    assert ratio == pytest.approx(0.55 / g.GRUNEISEN_PREFACTOR, rel=1e-12)
    assert ratio == pytest.approx(1.816, abs=2e-3)
    assert g.GRUNEISEN_PSI * g.GRUNEISEN_CHI2 * 2 * PI**2 / 9 == pytest.approx(11 * PI**2 / 972)


# ------------------------------------------------------------------ §IV: deformation pot.
GRID_E = np.array([0.02, 0.5, 2.0, 1e-4])
GRID_P = np.array([1e-6, 0.1, 0.5, 0.97])


@pytest.mark.parametrize("sign", [1, -1])
def test_d1_e_p_form_equals_eq_4_1_with_4_2_4_3(sign):
    E, p = np.meshgrid(GRID_E, GRID_P)
    eta, t = g.parameters_type1(E / W, p, sign_t=sign)
    d = g.strain_derivatives_type1(eta, t, **KW)
    D41 = g.deformation_potential_eq41(W * g.delta0_wkb_type1(eta),
                                       W * g.asymmetry_type1(eta, t), d.d_delta0, d.d_delta)
    assert np.allclose(g.deformation_potential_type1(E, p, sign, **KW), D41, rtol=1e-10)
    first = KW["c"] * W / ETA_L * 1.10 * KW["chi"] * np.sqrt(1 - p) * sign \
        / g.log_L(E, p, W_K=W) ** (1 / 3)                 # the corrected reading of eq. 4.5
    odd = (g.deformation_potential_type1(E, p, sign, **KW)
           - g.deformation_potential_type1(E, p, 0, **KW))
    assert np.allclose(odd, first, rtol=1e-3)
    assert np.allclose(odd, 2 * g.gamma_type1(E, p, sign, **KW) * np.sqrt(1 - p), rtol=1e-12)


@pytest.mark.parametrize("sign", [1, -1])
def test_d2_e_p_form_equals_eq_4_1_with_4_7_4_8(sign):
    E, p = np.meshgrid(GRID_E, GRID_P)
    eta, t = g.parameters_type2(E / W, p, sign_t=1, sign_R=sign)
    d = g.strain_derivatives_type2(eta, t, **KW)
    D41 = g.deformation_potential_eq41(W * g.delta0_wkb_type2(t), W * g.asymmetry_type2(eta, t),
                                       d.d_delta0, d.d_delta)
    D2 = g.deformation_potential_type2(E, p, sign, **KW)
    assert np.allclose(D2, D41, rtol=1e-6)        # R = η − t²/4 from η: round-off
    odd = D2 - g.deformation_potential_type2(E, p, 0, **KW)
    assert np.allclose(odd, 2 * g.gamma_type2(E, p, sign, c=KW["c"], eta_L=ETA_L, W_K=W)
                       * np.sqrt(1 - p), rtol=1e-12)
    gam_ratio = g.gamma_type2(E, p, 1, c=1.0, eta_L=ETA_L, W_K=W) / g.gamma_type1(
        E, p, 1, c=1.0, chi=KW["chi"], eta_L=ETA_L, W_K=W)
    assert np.allclose(gam_ratio, 3 * g.log_L(E, p, W_K=W) / KW["chi"], rtol=1e-12)  # eq 4.10


def test_odd_parts_flip_and_limits_are_finite():
    E, p = np.meshgrid(GRID_E, np.array([0.0, 1e-9, 0.3, 1.0]))
    for f in (g.deformation_potential_type1, g.deformation_potential_type2):
        plus, minus, even = (f(E[1:], p[1:], s, **KW) for s in (1, -1, 0))
        assert np.allclose(plus + minus, 2 * even, rtol=0, atol=1e-12 * np.abs(plus).max())
        assert np.all(np.isfinite(f(E, p, 0, **KW)))          # t-even parts: finite, p in [0, 1]
    D1 = g.deformation_potential_type1(E, p, 1, **KW)
    assert np.all(np.isfinite(D1)) and np.all(D1[0] == 0.0)     # p -> 0: D1 -> 0
    assert np.allclose(D1[-1], KW["c"] / ETA_L * E[-1] * 0.75 ** (1 / 3)
                       * np.log(W / E[-1]) ** (1 / 3))          # p = 1: Δ = 0, from ∂Δ0/∂ε
    assert np.all(np.isinf(g.deformation_potential_type2(E[0], 0.0, 1, **KW)))  # γ2 ∝ L^{2/3}
    for s in (1, -1):
        assert np.allclose(g.gamma_type1(E, p, s, **KW), -g.gamma_type1(E, p, -s, **KW))
        assert np.allclose(g.offdiagonal_coupling(g.gamma_type1(E, p, s, **KW), p)[-1],
                           g.gamma_type1(E, p, s, **KW)[-1])


def _delta_exact(eta, t, chi, iters=60):
    """Root of eq. 3.3 on the branch through δ = 0 at χ = 0 (Newton from −χ/2η)."""
    d = -chi / (2 * eta)
    for _ in range(iters):
        d = d - (chi + 2 * eta * d - 3 * t * d * d + 4 * d**3) / (2 * eta - 6 * t * d + 12 * d * d)
    return d


def test_eqs_3_8_3_9_by_straining_the_bare_potential():
    chi, h = 1.5, 1e-6
    for eta, t in [(-10.0, 1e-3), (-6.0, -0.05), (-12.0, 0.3)]:
        d = _delta_exact(eta, t, chi)
        eta0, t0 = eta - 3 * t * d + 6 * d * d, t - 4 * d          # eq. 3.4
        out = []
        for de in (h, -h):                                         # η0 -> η0 + (c/η_L)ε
            dd = d
            for _ in range(60):
                e0 = eta0 + de
                dd -= (chi + 2 * e0 * dd + 3 * t0 * dd**2 + 4 * dd**3) \
                    / (2 * e0 + 6 * t0 * dd + 12 * dd**2)
            out.append((e0 + 3 * t0 * dd + 6 * dd**2, t0 + 4 * dd))
        deta, dt = (np.array(out[0]) - np.array(out[1])) / (2 * h)
        assert deta == pytest.approx(1 - 3 * t * d / eta, rel=1e-7)   # eq. 3.8 (PHYSICS §9)
        assert dt == pytest.approx(-4 * d / eta, rel=1e-7)             # eq. 3.9


@pytest.mark.parametrize("eta, t, chi", [(-10.0, 1e-3, 1.0), (-15.0, 2e-4, 2.0),
                                         (-20.0, 1e-5, 3.0)])
def test_eq_4_3_against_exact_shift(eta, t, chi):
    """∂Δ/∂ε = Δ_η ∂η/∂ε + Δ_t ∂t/∂ε with WKB Δ and the exact δ: odd and even parts,
    including the χ² term GGP keep (agreement to the neglected order χ/|η|^{3/2})."""
    gL, m = KW["c"] / ETA_L, abs(eta)

    def exact(tt):
        d = _delta_exact(eta, tt, chi)
        return W * (-1.5 * abs(tt) * np.sqrt(m) / np.sqrt(2) * gL * (1 - 3 * tt * d / eta)
                    + np.sign(tt) * m**1.5 / np.sqrt(2) * (-4 * gL * d / eta))
    kw = dict(KW, chi=chi)
    ex = np.array([exact(t), exact(-t)])
    fo = np.array([g.strain_derivatives_type1(eta, s, **kw).d_delta for s in (t, -t)])
    assert (ex[0] - ex[1]) / (fo[0] - fo[1]) == pytest.approx(1.0, abs=1e-3)
    lead = -np.sqrt(2) * gL * W / np.sqrt(m) * 0.75 * m * t
    chi2_exact, chi2_ggp = ex.mean() - lead, fo.mean() - lead
    assert chi2_exact == pytest.approx(chi2_ggp, rel=5e-3)


@pytest.mark.parametrize("t, R, chi", [(10.0, 1e-3, 1.0), (15.0, 1e-4, 3.0)])
def test_eqs_4_7_4_8_against_exact_shift(t, R, chi):
    """Type 2: the parts of ∂Δ0/∂ε, ∂Δ/∂ε even in t and R (average over ±t, ±R) with the
    exact δ; GGP's are leading order in 1/|t|³."""
    gL = KW["c"] / ETA_L
    kw = dict(KW, chi=chi)
    ex, fo = np.zeros(2), np.zeros(2)
    for st in (1, -1):
        for sr in (1, -1):
            tt, RR = st * t, sr * R
            eta = tt * tt / 4 + RR
            d = _delta_exact(eta, tt, chi)
            deta, dt = gL * (1 - 3 * tt * d / eta), -4 * gL * d / eta
            dR = deta - 0.5 * tt * dt
            ex += W * np.array([-(tt * abs(tt) / 16) * g.delta0_wkb_type2(tt) * dt,
                                np.sign(RR) * tt * tt / 4 * dR + abs(RR) * tt / 2 * dt]) / 4
            f = g.strain_derivatives_type2(eta, tt, **kw)
            fo += np.array([f.d_delta0, f.d_delta]) / 4
    assert ex == pytest.approx(fo, rel=1e-2)


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("bad", [dict(W_K=0.0), dict(W_K=np.nan), dict(eta_L=-1e-2),
                                 dict(psi_per_m3=-1.0), dict(p0=1.5), dict(p0=-0.1)])
def test_invalid_parameters_rejected(bad):
    args = dict(psi_per_m3=PSI, eta_L=ETA_L, W_K=W, p0=0.0)
    args.update(bad)
    with pytest.raises(ValueError):
        ggp_thermo.heat_capacity(0.1, **args)


def test_invalid_other():
    with pytest.raises(ValueError):
        ggp_thermo.thermal_expansion_type1(0.1, psi_per_m3=PSI, B_Pa=0.0, **KW)
    with pytest.raises(ValueError):
        ggp_thermo.heat_capacity(-1.0, psi_per_m3=PSI, eta_L=ETA_L, W_K=W)
    with pytest.raises(ValueError):
        g.stationary_point_map(-1.0, 0.0, branch=0)
    with pytest.raises(ValueError):
        ggp_thermo.p0_cutoff(-1.0, 1.0)
    with pytest.raises(ValueError):
        ggp_thermo.gruneisen(0.1, psi_ratio=-1.0, **KW)
    assert np.isnan(ggp_thermo.dos_E_p(40.0, 0.9, psi_per_m3=PSI, eta_L=ETA_L, W_K=W))  # E > W: no TLS
    assert np.isnan(g.stationary_point_map(1.0, 0.0).eta)                      # single well
