"""Deterministic STM quadrature (tlsmc.analytic.quadrature.stm): convergence, independent references,
analytic limits, energy consistency, closed forms inside and outside their regime."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate

from tlsmc.analytic.quadrature import stm
from tlsmc.analytic.closed_forms import stm as stm_closed
from tlsmc.units import EV, HBAR, K_B, PI, per_joule_to_per_kelvin, rad_per_s_to_kelvin

# vitreous silica, PHYSICS §4.1 parameters
A_SILICA = stm.one_phonon_coefficient(2200.0, 5800.0, 3750.0, 1.04, 0.65)
P_K = per_joule_to_per_kelvin(8e44)            # P̄ k_B, K^-1 m^-3
HW0 = rad_per_s_to_kelvin(2.0 * 1e13)          # ħω0 = 2ħν, ν = 1e13 s^-1


def silica(**kw) -> stm.STMModel:
    args = dict(P_bar_per_K_m3=P_K, delta_max_K=20.0, hbar_omega0_K=HW0,
                rate_coefficient=A_SILICA, J_lo=4.0, J_hi=50.0)
    args.update(kw)
    return stm.STMModel(**args)


MODEL = silica()
TEMPS = (0.1, 0.3, 1.0)
TIMES = np.logspace(-6, 4, 11)


def rel(x, y):
    return np.abs(np.asarray(x) / np.asarray(y) - 1.0)


# --------------------------------------------------------------------------- references
def _s(x: float) -> float:
    e = math.exp(-x)
    return x * x * e / (1.0 + e) ** 2


def _zrange(m: stm.STMModel, E: float):
    """Range of z = arsech(Δ0/E) allowed by the Δ and J0 cut-offs at energy E."""
    d0min = m.hbar_omega0_K * math.exp(-0.5 * m.J_hi)
    d0max = m.hbar_omega0_K * math.exp(-0.5 * m.J_lo)
    u_hi = min(1.0, d0max / E)
    u_lo = max(d0min / E, math.sqrt(max(0.0, 1.0 - (m.delta_max_K / E) ** 2)))
    return (math.acosh(1.0 / u_hi), math.acosh(1.0 / u_lo)) if u_lo < u_hi else None


def ref_E_integral(m: stm.STMModel, weight, pfactor, top: float, pts=()) -> float:
    """∫dE weight(E) ∫dz j(J) pfactor(E, p): the model in (E, z), p = sech²z, where the
    density is exactly P̄_K j(J) per unit E per unit z (Jacobian of (Δ, J0) -> (E, z)),
    J0 = 2 ln(ħω0/E) + 2 ln cosh z.  Nested adaptive quad, independent of the GL grid."""
    def inner(E):
        zr = _zrange(m, E)
        if zr is None:
            return 0.0

        def f(z):
            J = 2.0 * math.log(m.hbar_omega0_K / E) + 2.0 * math.log(math.cosh(z))
            jv = 1.0 if m.is_uniform else SCALAR_PDF[m.J_pdf](J)
            return jv * pfactor(E, 1.0 / math.cosh(z) ** 2)
        zk = [0.5 * (J - 2.0 * math.log(m.hbar_omega0_K / E)) for J in m.J_kinks]
        zk = [math.acosh(math.exp(x)) for x in zk if x > 0]
        zs = getattr(pfactor, "zstep", lambda E: None)(E)
        cuts = sorted(p for p in [*zk, zs] if p is not None and zr[0] < p < zr[1])
        if max(abs(f(z)) for z in (zr[0], *cuts, zr[1])) < 1e-280:
            return 0.0                            # underflows everywhere (e^{-Kt}, Kt > 700)
        return integrate.quad(f, zr[0], zr[1], points=cuts or None, epsabs=0.0,
                              epsrel=1e-11, limit=300)[0]
    d0min = m.hbar_omega0_K * math.exp(-0.5 * m.J_hi)
    d0max = m.hbar_omega0_K * math.exp(-0.5 * m.J_lo)
    top = min(top, math.hypot(m.delta_max_K, d0max))
    brk = sorted(p for p in (d0min, d0max, m.delta_max_K, *pts) if 0 < p < top)
    return m.P_bar_per_K_m3 * integrate.quad(lambda E: weight(E) * inner(E), 0.0, top,
                                             points=brk, epsabs=0.0, epsrel=1e-11,
                                             limit=400)[0]


def _rate_max(m, E, T):
    return m.rate_coefficient * E**3 / math.tanh(E / (2.0 * T))


def ref_heat_capacity(m, T, t):
    def pf(E, p):
        return -math.expm1(-_rate_max(m, E, T) * t * p)
    pf.zstep = lambda E: 0.5 * math.log(4.0 * max(_rate_max(m, E, T) * t, 1.0))
    return K_B * ref_E_integral(m, lambda E: _s(E / T), pf, 60.0 * T, (T,))


def ref_heat_release(m, T1, T0, t):
    n = lambda E, T: 1.0 / (math.exp(min(E / T, 700.0)) + 1.0)   # noqa: E731

    def pf(E, p):
        k = _rate_max(m, E, T0) * p
        return k * math.exp(-k * t)
    pf.zstep = lambda E: 0.5 * math.log(4.0 * max(_rate_max(m, E, T0) * t, 1.0))
    return K_B * ref_E_integral(m, lambda E: E * (n(E, T1) - n(E, T0)), pf,
                                60.0 * max(T1, T0), (T0, T1))


def dos_uniform(m, E):
    """g(E)/P̄_K = arsech(u_lo) − arsech(u_hi) for uniform j (closed form, per K per m³)."""
    zr = _zrange(m, E)
    return 0.0 if zr is None else zr[1] - zr[0]


# --------------------------------------------------------------------------- tests
def test_one_phonon_coefficient_matches_si_golden_rule():
    # K = (γl²/vl⁵ + 2γt²/vt⁵) Δ0² E coth(E/2T) / (2πρħ⁴), all energies in J
    d0, E, T = 0.7, 1.3, 0.4
    gl, gt = 1.04 * EV, 0.65 * EV
    k_si = ((gl**2 / 5800.0**5 + 2 * gt**2 / 3750.0**5) * (d0 * K_B) ** 2 * (E * K_B)
            / math.tanh(E / (2 * T)) / (2 * PI * 2200.0 * HBAR**4))
    k = stm.relaxation_rate(MODEL, E, d0**2, T)
    assert rel(k, k_si) < 1e-13
    assert 4e7 < A_SILICA < 6e7          # ~5e7 s^-1 K^-3 for vitreous silica


@pytest.mark.parametrize("T", TEMPS)
def test_convergence_doubling_nodes(T):
    """Doubling the nodes per panel, or a finer panel layout, changes nothing beyond 1e-9
    (measured: <= 6e-14, i.e. round-off)."""
    ref = stm.QuadratureOptions().refined(2)
    alt = stm.QuadratureOptions(panel_J=0.5, delta_ratio=1.5, delta_floor_T=1e-8)
    t = TIMES[::2]                                # 1e-6 ... 1e4 s, every second decade
    for f, args, layouts in ((stm.heat_capacity, (T, t), (ref, alt)),
                             (stm.heat_capacity_step, (T, 0.05 * T, t), (ref,)),
                             (stm.energy_after_step, (T, 0.05 * T, t), (ref,)),
                             (stm.heat_release, (3 * T, T, t), (ref, alt)),
                             (stm.heat_release, (30 * T, T, t), (ref,)),
                             (stm.energy_after_cooling, (3 * T, T, t), (ref,)),
                             (stm.heat_capacity_eq, (T,), (ref,)),
                             (stm.energy_eq, (T,), (ref,))):
        base = f(MODEL, *args)
        for opts in layouts:
            worst = float(np.max(rel(f(MODEL, *args, opts=opts), base)))
            assert worst < 1e-9, (f.__name__, args[:2], opts, worst)


@pytest.mark.parametrize("T,t", [(0.1, 3e-6), (0.1, 1e-2), (0.3, 1e4), (1.0, 1e-8),
                                 (1.0, 1e2)])
def test_heat_capacity_against_nested_quad(T, t):
    assert rel(stm.heat_capacity(MODEL, T, t), ref_heat_capacity(MODEL, T, t)) < 1e-9


@pytest.mark.parametrize("T1,T0,t", [(0.3, 0.1, 1e-5), (1.0, 0.1, 1e2), (3.0, 1.0, 1e-7)])
def test_heat_release_against_nested_quad(T1, T0, t):
    q = stm.heat_release(MODEL, T1, T0, t)
    assert rel(q, ref_heat_release(MODEL, T1, T0, t)) < 1e-9


def _kinked_pdf(J):
    return np.where(J < 20.0, 2.0, 1.0 + 0.5 * (J - 20.0) / 30.0)


def _peaked_pdf(J):
    return 1.0 + 5.0 * np.exp(-(J - 6.0) / 0.05)


SCALAR_PDF = {      # the same j(J0) in plain floats, for the adaptive references
    _kinked_pdf: lambda J: 2.0 if J < 20.0 else 1.0 + 0.5 * (J - 20.0) / 30.0,
    _peaked_pdf: lambda J: 1.0 + 5.0 * math.exp(-(J - 6.0) / 0.05),
}


def test_nonuniform_j_with_kink():
    m = silica(J_pdf=_kinked_pdf, J_kinks=(20.0,))
    for T, t in ((0.1, 1e-3), (1.0, 1e-6)):
        assert rel(stm.heat_capacity(m, T, t), ref_heat_capacity(m, T, t)) < 1e-9
    # superposition: j = 2 on [4, 20) plus the rising ramp on [20, 50]
    lo = silica(J_hi=20.0)
    hi = silica(J_lo=20.0, J_pdf=lambda J: 1.0 + 0.5 * (J - 20.0) / 30.0)
    c = stm.heat_capacity(m, 0.3, TIMES)
    parts = 2 * stm.heat_capacity(lo, 0.3, TIMES) + stm.heat_capacity(hi, 0.3, TIMES)
    assert np.max(rel(c, parts)) < 1e-11


def test_narrow_peak_above_structural_limit():
    """j = 1 + 5 exp(−(J0 − J_str)/0.05) on [J_str, 50] (PHYSICS §1a "peaked"): the graded
    J0 panels at the support ends resolve the boundary layer."""
    m = silica(J_lo=6.0, J_pdf=_peaked_pdf)
    for T, t in ((1.0, 1e-7), (3.0, 1e-9)):
        exact = ref_heat_capacity(m, T, t)
        assert rel(stm.heat_capacity(m, T, t), exact) < 1e-9
    coarse = stm.QuadratureOptions(J_grading=0)     # without grading: ~7e-9 off
    assert rel(stm.heat_capacity(m, 3.0, 1e-9, opts=coarse), exact) > 1e-9


@pytest.mark.parametrize("kw", [{}, {"delta_max_K": 0.5}, {"J_lo": 2.0, "delta_max_K": 3.0}])
def test_equilibrium_against_1d_dos_quad(kw):
    """C_eq and U_eq against k_B ∫ g(E) s(E/T) dE, g(E) = P̄_K[arsech(u_lo) − arsech(u_hi)]."""
    m = silica(**kw)
    d0max = HW0 * math.exp(-0.5 * m.J_lo)
    top = math.hypot(m.delta_max_K, d0max)
    for T in TEMPS:
        brk = sorted({m.delta_max_K, d0max, HW0 * math.exp(-0.5 * m.J_hi), T})
        brk = [b for b in brk if b < top]

        def q(f, brk=brk):
            return integrate.quad(lambda E: dos_uniform(m, E) * f(E), 0.0, top, points=brk,
                                  epsabs=0.0, epsrel=1e-12, limit=400)[0]
        c_ref = K_B * P_K * q(lambda E, T=T: _s(E / T))
        u_ref = K_B * P_K * q(lambda E, T=T: E / (math.exp(min(E / T, 700.0)) + 1.0))
        assert rel(stm.heat_capacity_eq(m, T), c_ref) < 1e-10
        assert rel(stm.energy_eq(m, T), u_ref) < 1e-10


@pytest.mark.parametrize("T", [0.01, 0.1, 1.0])
def test_equilibrium_constant_dos_limit(T):
    """J0 in [25, 50]: Δ0 <= Δ0_max = 5.7e-4 K << T, so E ≈ Δ and the DOS is constant,
    n0 = (P̄_K/2)(J_hi − J_lo) TLSs per K per m³ (n0/k_B per J): C = (π²/6) n0 k_B T.
    Leading correction from g(E) = n0[1 + (Δ0_max/E)²/(2ΔJ)]: +(Δ0_max/T)² 3/(2π² ΔJ)."""
    m = silica(J_lo=25.0)
    n0 = 0.5 * P_K * (m.J_hi - m.J_lo)
    c = stm.heat_capacity_eq(m, T)
    d0max = HW0 * math.exp(-0.5 * m.J_lo)
    pred = (d0max / T) ** 2 * 3.0 / (2 * PI**2 * (m.J_hi - m.J_lo))
    # minus the TLSs missing above Δ_max (E ≈ Δ): ∫_{Δmax/T}^∞ s / (π²/6)
    pred -= integrate.quad(_s, m.delta_max_K / T, 800.0)[0] / (PI**2 / 6)
    r = c / (PI**2 / 6 * n0 * K_B * T) - 1.0
    assert abs(r - pred) < 0.05 * abs(pred) + 1e-10     # (Δ0_max/T)³ left over
    assert abs(r) < 3e-5


@pytest.mark.parametrize("T", [0.01, 0.1, 0.3, 1.0, 3.0])
def test_equilibrium_log_closed_form(T):
    v = stm_closed.closed_form_validity(MODEL, "heat_capacity_eq", T_K=T)
    r = stm.heat_capacity_eq(MODEL, T) / stm_closed.heat_capacity_eq_closed_form(MODEL, T) - 1.0
    assert abs(r - v.predicted) <= v.cutoff + 1e-12
    assert abs(r) <= v.bound + 1e-12
    if T == 3.0:                                  # E ~ Δ_max: outside the regime
        assert abs(r) > 0.01 and not v.valid()


def test_single_tls_schottky():
    """Δ_max = 1e-5 Δ0 and a 1e-5-wide J0 window: N = (P̄_K/2) Δ_max ΔJ identical
    symmetric TLSs with E = Δ0 (corrections ~ (Δ_max/Δ0)², ΔJ² ~ 1e-10)."""
    Jc, dJ = 2.0 * math.log(HW0 / 1.0), 1e-5       # Δ0 = 1 K
    dmax = 1e-5
    m = silica(delta_max_K=dmax, J_lo=Jc - dJ / 2, J_hi=Jc + dJ / 2)
    N = 0.5 * P_K * dmax * dJ
    E = 1.0
    t = np.array([1e-10, 1e-9, 1e-8, 1e-7, np.inf])
    for T in (0.2, 0.5, 2.0):
        k = A_SILICA * E**3 / math.tanh(E / (2 * T))
        schottky = K_B * (E / T) ** 2 * math.exp(E / T) / (math.exp(E / T) + 1) ** 2
        n = lambda T_: 1.0 / (math.exp(E / T_) + 1.0)   # noqa: E731
        assert rel(stm.heat_capacity_eq(m, T), N * schottky) < 1e-9
        assert np.max(rel(stm.heat_capacity(m, T, t), N * schottky * -np.expm1(-k * t))) < 1e-9
        assert rel(stm.energy_eq(m, T), N * K_B * E * n(T)) < 1e-9
        k0 = A_SILICA * E**3 / math.tanh(E / (2 * 0.5 * T))
        q = N * K_B * E * (n(T) - n(0.5 * T)) * k0 * np.exp(-k0 * t[:-1])
        assert np.max(rel(stm.heat_release(m, T, 0.5 * T, t[:-1]), q)) < 1e-9


def test_long_time_limit_and_monotonicity():
    for T in TEMPS:
        ceq = stm.heat_capacity_eq(MODEL, T)
        c = stm.heat_capacity(MODEL, T, np.array([0.0, *np.logspace(-9, 20, 30), np.inf]))
        assert c[0] == 0.0 and rel(c[-1], ceq) < 1e-14
        assert rel(c[-2], ceq) < 1e-13            # t = 1e20 s >> 1/K(Δ0_min)
        assert np.all(np.diff(c) >= 0.0)
        u0 = stm.energy_after_cooling(MODEL, 2 * T, T, np.array([0.0, np.inf]))
        assert rel(u0[0], stm.energy_eq(MODEL, 2 * T)) < 1e-12
        assert rel(u0[1], stm.energy_eq(MODEL, T)) < 1e-12


@pytest.mark.parametrize("T", TEMPS)
def test_step_response_tends_to_small_step_limit(T):
    t = np.logspace(-7, 4, 12)
    c = stm.heat_capacity(MODEL, T, t)
    h = 1e-3 * T
    d_h = stm.heat_capacity_step(MODEL, T, h, t) - c
    d_h2 = stm.heat_capacity_step(MODEL, T, h / 2, t) - c
    d_mh = stm.heat_capacity_step(MODEL, T, -h, t) - c
    assert np.all(np.abs(d_h / c) < 3.0 * h / T)          # O(dT), coefficient O(1)
    np.testing.assert_allclose(d_h / d_h2, 2.0, rtol=3e-3)   # linear in dT: slope well defined
    assert np.all(np.abs(0.5 * (d_h + d_mh) / d_h) < 3e-3)  # symmetric part is O(dT²)
    # at t = ∞ the slope is ½ dC_eq/dT (the step averages C_eq over [T, T + dT])
    slope = (stm.heat_capacity_step(MODEL, T, h, np.inf) - stm.heat_capacity_eq(MODEL, T)) / h
    dceq = (stm.heat_capacity_eq(MODEL, T + h) - stm.heat_capacity_eq(MODEL, T - h)) / (2 * h)
    assert rel(slope, 0.5 * dceq) < 3e-3
    # exact identity: [U(t) − U(0)]/dT is the finite-step heat capacity
    u = stm.energy_after_step(MODEL, T, 0.1 * T, t)
    cs = stm.heat_capacity_step(MODEL, T, 0.1 * T, t)
    np.testing.assert_allclose((u - stm.energy_eq(MODEL, T)) / (0.1 * T), cs, rtol=1e-10)


@pytest.mark.parametrize("T1,T0", [(0.3, 0.1), (1.0, 0.3)])
def test_heat_release_is_minus_du_dt(T1, T0):
    t = np.logspace(-6, 4, 6)
    q = stm.heat_release(MODEL, T1, T0, t)
    h = 1e-3                                      # 4th-order central difference in t
    u = stm.energy_after_cooling(MODEL, T1, T0, np.outer([1 - 2 * h, 1 - h, 1 + h, 1 + 2 * h], t))
    dudt = (u[0] - 8 * u[1] + 8 * u[2] - u[3]) / (12 * h * t)
    np.testing.assert_allclose(-dudt, q, rtol=1e-7)
    # ∫_{t1}^{t2} Q̇ dt = U(t1) − U(t2): Gauss–Legendre in ln t, one panel per decade
    x, w = np.polynomial.legendre.leggauss(12)
    edges = np.arange(-6.0, 5.0)
    lt = ((edges[:-1, None] + edges[1:, None]) / 2 + x / 2).ravel() * math.log(10)
    wl = np.tile(w / 2, edges.size - 1) * math.log(10)
    ts = np.exp(lt)
    integral = np.sum(wl * ts * stm.heat_release(MODEL, T1, T0, ts))
    u12 = stm.energy_after_cooling(MODEL, T1, T0, np.array([1e-6, 1e4]))
    assert rel(integral, u12[0] - u12[1]) < 1e-9


@pytest.mark.parametrize("T", TEMPS)
def test_heat_capacity_closed_form(T):
    """C = (π²/12) P̄ k_B² T [ln(4t/τ_min) + γ_E + κ], τ_min = tanh(½)/(aT³)."""
    t = np.logspace(-9, 16, 26)
    v = stm_closed.closed_form_validity(MODEL, "heat_capacity", t, T_K=T)
    r = stm.heat_capacity(MODEL, T, t) / stm_closed.heat_capacity_closed_form(MODEL, T, t) - 1.0
    inside = v.valid(1e-3)
    assert inside.sum() >= 8                              # the regime is many decades wide
    assert np.all(np.abs(r[inside]) <= v.bound[inside] + 1e-9)
    # the first-order prediction explains the difference
    assert np.all(np.abs(r - v.predicted)[inside] <= 0.1 * np.abs(v.fast[inside])
                  + v.cutoff[inside] + 1e-9)
    # outside: t ~ τ_min (fast TLSs not yet in the log regime), and t >~ 1/K(Δ0_min)
    tm = stm_closed.tau_min(MODEL, T)
    early = (t > 0.1 * tm) & (t < 2 * tm)
    assert early.any() and np.all(np.abs(r[early]) > 0.01) and not v.valid(1e-2)[early].any()
    late = t >= 1e12
    assert np.all(np.abs(r[late]) > 0.1) and not v.valid(1e-2)[late].any()


@pytest.mark.parametrize("T1,T0", [(0.3, 0.1), (1.0, 0.1), (1.0, 0.5)])
def test_heat_release_closed_form(T1, T0):
    """Q̇ = (π²/24) P̄ k_B² (T1² − T0²)/t for τ_min(T0) << t << 1/K(Δ0_min)."""
    t = np.logspace(-9, 12, 22)
    v = stm_closed.closed_form_validity(MODEL, "heat_release", t, T1_K=T1, T0_K=T0)
    r = stm.heat_release(MODEL, T1, T0, t) / stm_closed.heat_release_closed_form(MODEL, T1, T0, t) - 1
    inside = v.valid(1e-3)
    assert inside.sum() >= 8
    assert np.all(np.abs(r[inside]) <= v.bound[inside] + 1e-9)
    assert np.all(np.abs(r - v.predicted)[inside] <= 0.1 * np.abs(v.fast[inside])
                  + v.cutoff[inside] + 1e-9)
    early = t < 0.3 * stm_closed.tau_min(MODEL, T0)
    assert np.all(np.abs(r[early]) > 0.01) and not v.valid(1e-2)[early].any()
    late = t >= 1e10
    assert np.all(np.abs(r[late]) > 0.5) and not v.valid(1e-2)[late].any()


def test_heat_release_closed_form_fails_when_delta_max_matters():
    t = np.logspace(-3, 3, 4)
    v = stm_closed.closed_form_validity(MODEL, "heat_release", t, T1_K=3.0, T0_K=1.0)
    r = stm.heat_release(MODEL, 3.0, 1.0, t) / stm_closed.heat_release_closed_form(MODEL, 3.0, 1.0, t)
    assert np.all(np.abs(r - 1) > 0.01) and np.all(np.abs(r - 1) <= v.bound)
    assert not v.valid(1e-2).any()


def test_extreme_inputs_no_warnings_or_nan():
    big = silica(delta_max_K=100.0, J_lo=0.0, J_hi=80.0)     # E/T up to 1e5 at T = 1e-3
    t = np.array([0.0, 1e-30, 1e-6, 1.0, 1e30, np.inf])
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        out = [stm.heat_capacity(big, 1e-3, t), stm.heat_capacity(big, 100.0, t),
               stm.heat_capacity_step(big, 1e-3, 1e-6, t),
               stm.heat_capacity_step(big, 1e-3, -5e-4, t),
               stm.energy_after_step(big, 1e-3, 50.0, t),
               stm.heat_release(big, 100.0, 1e-3, t), stm.heat_release(big, 1e-3 * 1.01, 1e-3, t),
               stm.energy_after_cooling(big, 100.0, 1e-3, t),
               stm.heat_capacity_eq(big, 1e-3), stm.energy_eq(big, 1e-3),
               stm.occupation(np.array([0.0, 1e5]), 1.0),
               stm_closed.heat_capacity_closed_form(big, 1e-3, t[1:]),
               stm_closed.heat_release_closed_form(big, 1.0, 1e-3, t[1:]),
               stm_closed.closed_form_validity(big, "heat_capacity", t[1:], T_K=1e-3).bound,
               stm_closed.closed_form_validity(big, "heat_release", t[1:], T1_K=1.0, T0_K=1e-3).bound]
    for o in out:
        assert not np.any(np.isnan(o))
    for o in out[:11]:                            # quadratures: finite everywhere
        assert np.all(np.isfinite(o))


@pytest.mark.parametrize("kw", [{"P_bar_per_K_m3": 0.0}, {"delta_max_K": -1.0},
                                {"hbar_omega0_K": math.nan}, {"rate_coefficient": 0.0},
                                {"J_lo": 50.0, "J_hi": 4.0}, {"J_kinks": (60.0,)}])
def test_invalid_model(kw):
    with pytest.raises(ValueError):
        silica(**kw)


def test_invalid_inputs():
    with pytest.raises(ValueError):
        stm.heat_capacity(MODEL, -1.0, 1.0)
    with pytest.raises(ValueError):
        stm.heat_capacity(MODEL, 1.0, -1.0)
    with pytest.raises(ValueError):
        stm.heat_capacity_step(MODEL, 1.0, -2.0, 1.0)
    with pytest.raises(ValueError):
        stm_closed.heat_capacity_closed_form(MODEL, 1.0, 0.0)
    with pytest.raises(ValueError):
        stm_closed.closed_form_validity(MODEL, "entropy", 1.0, T_K=1.0)
    with pytest.raises(ValueError):
        stm.heat_capacity(silica(J_pdf=lambda J: -np.ones_like(J)), 1.0, 1.0)
