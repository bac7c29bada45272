"""The self-consistent heat-pulse integrator (PHYSICS §5): kernels, limits, references, energy."""
from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tlsmc._kernels.self_consistent import (N_MOMENTS, N_UPDATE, step_moments, step_update,
                                            step_update_moments)
from tlsmc.materials import load_material
from tlsmc.dynamics.protocols import ConstantShape, RectPulseShape
from tlsmc.rates import RATE_CHANNELS, build_rates, one_phonon_coefficient
from tlsmc.dynamics.coupled import IntegratorOptions, integrate_coupled, link_theta
from tlsmc.spectrum import TwoLevelSpectrum
from tlsmc.dynamics.occupations import n_eq
from tlsmc.dynamics.sample_thermal import LumpedThermal, ThermalModel, debye_T3_coefficient
from tlsmc.units import HBAR, K_B, PI

SILICA = load_material({"preset": "vitreous_silica"})
CHANNELS = [RATE_CHANNELS["one_phonon"]()]
NONE = np.empty(0)


def _no_tls(thermal, heater, T0, times, rtol=1e-3):
    return integrate_coupled(NONE, NONE, lambda T: NONE, thermal, heater, T0, times,
                             IntegratorOptions(rtol=rtol))


def _spec(n, rng, lo=-9.0):
    """TLSs with one-phonon rates over ~20 decades at 0.1 K."""
    E = rng.uniform(0.02, 1.0, n)
    d0 = E * np.sqrt(10.0 ** rng.uniform(lo, 0.0, n))
    delta = np.sqrt(E**2 - d0**2)
    return TwoLevelSpectrum(E, delta, d0, d0 / E, 2 * delta / E)


# ----------------------------------------------------------------------------- kernels
def test_kernels_match_numpy_reference_over_all_rates():
    rng = np.random.default_rng(0)
    N = 3 * 4096 + 17
    E = 10.0 ** rng.uniform(-3, 1.5, N)
    a = rng.uniform(0.5, 2.0, N)
    K = 10.0 ** rng.uniform(-14, 14, N)
    n, neq0 = rng.uniform(0, 0.5, N), rng.uniform(0, 0.5, N)
    h, T = 1e-3, 0.2
    out = np.zeros(((N + 4095) // 4096, N_MOMENTS))
    step_moments(E, a, K, n, neq0, h, T, False, out)
    x = K * h
    em = np.exp(-x)
    # ψ = [1 − (1 + x)e^{−x}]/x = Σ_{m>=2} (−1)^m (m − 1) x^{m−1}/m!  (series, small x)
    series = sum((-1) ** m * (m - 1) * x ** (m - 1) / math.factorial(m) for m in range(2, 16))
    psi = np.where(x < 0.05, series, -np.expm1(-x) / x - em)
    beta = -np.expm1(-x) - psi
    y = E / T
    nq = n_eq(E, T)
    q = nq * (1 - nq)
    g = y * (1 - 2 * nq) - 2
    d1 = y * q / T
    d2 = d1 * g / T
    d3 = (y * q / T**3) * ((1 - 2 * nq) * y * g - y * (1 - 2 * nq) - 2 * y * y * q - 3 * g)
    ref = [np.sum(a * (psi * (neq0 - n) - beta * n)), np.sum(a * beta * nq), np.sum(a * beta * d1),
           np.sum(a * beta * d2), np.sum(a * beta * d3), np.sum(a * d1 * psi),
           np.sum(a * K * (em * n + psi * neq0))] + [np.sum(a * K * (em + psi) * v)
                                                     for v in (nq, d1, d2, d3)]
    np.testing.assert_allclose(out.sum(axis=0), ref, rtol=1e-10)
    # with n0_eq = n_eq(E/T) stored, the kernel may take it instead of recomputing it
    stored = np.zeros_like(out)
    step_moments(E, a, K, n, nq.copy(), h, T, True, stored)
    again = np.zeros_like(out)
    step_moments(E, a, K, n, nq.copy(), h, T, False, again)
    np.testing.assert_allclose(stored.sum(axis=0), again.sum(axis=0), rtol=1e-13)
    # update: exact solution for n_eq linear in time between neq0 and n_eq(T)
    upd = np.zeros((out.shape[0], N_UPDATE))
    n_new = n.copy()
    neq_new = neq0.copy()
    step_update(E, a, K, n_new, neq_new, h, T, upd)
    expect = n + beta * (nq - n) + psi * (neq0 - n)
    np.testing.assert_allclose(n_new, expect, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(neq_new, nq, rtol=1e-13)
    np.testing.assert_allclose(upd.sum(axis=0), [np.sum(a * (expect - n)), np.sum(a * expect),
                                                 np.sum(a * K * (em * (n - nq)
                                                                 + psi * (neq0 - nq)))],
                               rtol=1e-10)


def test_fused_update_and_moments_equal_the_two_separate_passes():
    """step_update_moments = step_update, then step_moments (stored) with a new step length,
    bit for bit (the integrator uses the fused sums in place of the second pass)."""
    rng = np.random.default_rng(5)
    N = 2 * 4096 + 515                       # partial sub-block and partial block
    E = 10.0 ** rng.uniform(-3, 2.5, N)      # E/T up to 1.6e3: e^{-E/T} clipped
    a = rng.uniform(0.5, 2.0, N)
    K = 10.0 ** rng.uniform(-14, 14, N)
    n, neq0 = rng.uniform(0, 0.5, N), rng.uniform(0, 0.5, N)
    h, T, h2 = 1e-3, 0.2, 2.7e-3
    nb = (N + 4095) // 4096
    upd, mom = np.zeros((nb, N_UPDATE)), np.zeros((nb, N_MOMENTS))
    n_a, q_a = n.copy(), neq0.copy()
    step_update(E, a, K, n_a, q_a, h, T, upd)
    step_moments(E, a, K, n_a, q_a, h2, T, True, mom)
    upd_f, mom_f = np.zeros_like(upd), np.zeros_like(mom)
    n_f, q_f = n.copy(), neq0.copy()
    step_update_moments(E, a, K, n_f, q_f, h, T, h2, upd_f, mom_f)
    assert np.array_equal(n_a, n_f) and np.array_equal(q_a, q_f)
    assert np.array_equal(upd, upd_f) and np.array_equal(mom, mom_f)


def test_occupation_derivatives_against_high_precision():
    """d1, d2, d3 of the moments kernel are the T-derivatives of n_eq(E/T) (mpmath, 40 digits)."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    T = 0.2
    E = np.array([0.01, 0.1, 0.3, 1.0, 3.0, 10.0])
    out = np.zeros((1, N_MOMENTS))
    for i, e in enumerate(E):
        f = lambda t, e=e: 1 / (mp.exp(e / t) + 1)  # noqa: E731
        # with β = 1 (x -> ∞) and a = 1 the sums S1..S3 are the derivatives themselves
        step_moments(E[i:i + 1], np.ones(1), np.array([1e300]), np.zeros(1), np.zeros(1), 1.0,
                     T, False, out)
        for k in (1, 2, 3):
            assert out[0, 1 + k] == pytest.approx(float(mp.diff(f, T, k)), rel=1e-12)


def test_update_is_the_exact_solution_for_linear_equilibrium():
    """n(h) against solve_ivp of dn/dt = K (n0_eq + (n1_eq − n0_eq) s/h − n), x = Kh over
    12 decades."""
    for x in (1e-6, 1e-3, 0.3, 3.0, 30.0, 3e5):
        K, h = x / 2.0, 2.0
        n0, neq0, E, T = 0.3, 0.1, 0.5, 0.4
        neq1 = float(n_eq(np.array([E]), T)[0])
        sol = solve_ivp(lambda s, y: [K * (neq0 + (neq1 - neq0) * s / h - y[0])], (0, h), [n0],
                        method="Radau", rtol=1e-12, atol=1e-15)
        n = np.array([n0])
        step_update(np.array([E]), np.ones(1), np.array([K]), n, np.array([neq0]), h, T,
                    np.zeros((1, N_UPDATE)))
        assert n[0] == pytest.approx(sol.y[0, -1], abs=1e-11)


def test_link_theta_makes_constant_C_G_exact_and_is_L_stable():
    for z in (1e-8, 1e-3, 0.1, 1.0, 10.0, 1e3):
        th = link_theta(z)
        assert (1 - (1 - th) * z) / (1 + th * z) == pytest.approx(math.exp(-z), rel=1e-12,
                                                                  abs=1e-15)
    assert link_theta(1e-6) == pytest.approx(0.5, abs=1e-6) and link_theta(1e9) > 0.999


# ----------------------------------------------------------------------------- lumped model
def test_without_tls_equals_the_analytic_lumped_solution():
    """Constant C and G, rectangular pulse: T − T_b = (P/G)(1 − e^{−t/τ}), then decay."""
    C, G, Tb, P0, tp = 2e-3, 1e-3, 0.1, 1e-2, 0.5
    th = LumpedThermal(c0=C, c1=0.0, c3=0.0, G0=G, n=0.0, T_bath_K=Tb)
    times = np.geomspace(1e-6, 1e3, 400)
    tr = _no_tls(th, RectPulseShape(peak=P0, duration_s=tp).compile(), Tb, times)
    tau = C / G
    rise = np.where(times < tp, (P0 / G) * -np.expm1(-times / tau),
                    (P0 / G) * -np.expm1(-tp / tau) * np.exp(-(times - tp) / tau))
    np.testing.assert_allclose(tr.T_K - Tb, rise, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(tr.E_in, P0 * np.minimum(times, tp), rtol=1e-12)
    assert tr.stats["energy_residual"] < 1e-10


def test_without_tls_debye_and_power_law_link_match_solve_ivp():
    th = ThermalModel(G0_W_m3_K=0.1, G_exponent=1.0, addenda_C1_J_m3_K2=1e-3).lumped(SILICA, 0.1)
    heater = RectPulseShape(peak=5e3, duration_s=1e-4).compile()
    times = np.geomspace(1e-5, 1e2, 60)
    tr = _no_tls(th, heater, 0.1, times, rtol=1e-4)

    def rhs(t, y):
        return [((5e3 if t < 1e-4 else 0.0) - th.link(y[0])) / th.heat_capacity(y[0])]
    s1 = solve_ivp(rhs, (0, 1e-4), [0.1], method="Radau", rtol=1e-12, atol=1e-15)
    s2 = solve_ivp(rhs, (1e-4, 1e2), s1.y[:, -1], method="Radau", rtol=1e-12, atol=1e-15,
                   t_eval=times[times > 1e-4])
    ref = np.concatenate([solve_ivp(rhs, (0, 1e-4), [0.1], method="Radau", rtol=1e-12,
                                    atol=1e-15, t_eval=times[times <= 1e-4]).y[0], s2.y[0]])
    peak = (ref - 0.1).max()
    assert peak > 0.05
    assert np.max(np.abs(tr.T_K - ref)) < 2e-4 * peak


# ----------------------------------------------------------------------------- with TLSs
def _coupled_reference(spec, a, th, P0, tp, times):
    """y = (T, n_1..n_N) of the coupled ODEs by Radau (rtol 1e-10) with their Jacobian;
    one-phonon rates written out here (the textbook formula, not tlsmc's kernel)."""
    coef = one_phonon_coefficient(SILICA) * spec.delta0_K**2 * spec.E_K  # K = coef coth(E/2T)

    def parts(T, n):
        u = spec.E_K / (2 * T)
        K = coef / np.tanh(u)
        dK = coef * u / (T * np.sinh(u) ** 2)
        neq = n_eq(spec.E_K, T)
        x = spec.E_K / T
        dneq = x / T * neq * (1 - neq)
        return K, dK, neq, dneq

    def rhs(t, y):
        T, n = y[0], y[1:]
        K, _, neq, _ = parts(T, n)
        dn = K * (neq - n)
        return np.concatenate([[((P0 if t < tp else 0.0) - th.link(T) - a @ dn)
                                / th.heat_capacity(T)], dn])

    def jac(t, y):
        T, n = y[0], y[1:]
        K, dK, neq, dneq = parts(T, n)
        C = th.heat_capacity(T)
        ddn_dT = dK * (neq - n) + K * dneq
        J = np.diag(np.concatenate([[0.0], -K]))
        J[1:, 0] = ddn_dT
        J[0, 1:] = a * K / C
        dT = ((P0 if t < tp else 0.0) - th.link(T) - a @ (K * (neq - n))) / C
        J[0, 0] = (-th.link_slope(T) - a @ ddn_dT) / C - dT * (th.c1 + 3 * th.c3 * T * T) / C
        return J

    y0 = np.concatenate([[th.T_bath_K], n_eq(spec.E_K, th.T_bath_K)])
    opts = dict(method="Radau", rtol=1e-10, atol=1e-14, jac=jac)
    s1 = solve_ivp(rhs, (0, tp), y0, **opts)
    s2 = solve_ivp(rhs, (tp, times[-1]), s1.y[:, -1], t_eval=times, **opts)
    return s2.y[0], a @ s2.y[1:]


@pytest.fixture(scope="module")
def small_system():
    rng = np.random.default_rng(1)
    spec = _spec(40, rng)
    a = K_B * spec.E_K * 3e20 / 40 * rng.uniform(0.5, 1.5, 40)
    th = ThermalModel(G0_W_m3_K=0.1, G_exponent=1.0).lumped(SILICA, 0.1)
    times = np.geomspace(1e-6, 1e3, 60)
    T_ref, U_ref = _coupled_reference(spec, a, th, 190.0, 1e-7, times)
    return spec, a, th, times, T_ref, U_ref


@pytest.mark.parametrize("rtol,bound", [(1e-3, 3e-4), (1e-5, 1e-5)])
def test_coupled_matches_stiff_ode_reference(small_system, rtol, bound):
    """40 TLSs with rates from 1e-9 to 1e8 s^-1, coupled through T: against Radau (rtol 1e-10)."""
    spec, a, th, times, T_ref, U_ref = small_system
    rates = lambda T: build_rates(spec, SILICA, CHANNELS, T).K  # noqa: E731
    tr = integrate_coupled(spec.E_K, a, rates, th, RectPulseShape(peak=190.0, duration_s=1e-7)
                           .compile(), 0.1, times, IntegratorOptions(rtol=rtol))
    rise = T_ref - 0.1
    err = np.abs(tr.T_K - T_ref)
    assert err.max() < bound * rise.max()
    big = rise > 1e-2 * rise.max()
    assert np.max(err[big] / rise[big]) < 10 * bound
    assert np.max(np.abs(tr.U_tls - U_ref)) < bound * np.ptp(U_ref) + 1e-15
    assert tr.stats["energy_residual"] < 1e-9


def test_energy_is_conserved_to_round_off(small_system):
    spec, a, th, times, _, _ = small_system
    rates = lambda T: build_rates(spec, SILICA, CHANNELS, T).K  # noqa: E731
    dense = np.geomspace(1e-8, 1e3, 2000)
    tr = integrate_coupled(spec.E_K, a, rates, th, RectPulseShape(peak=190.0, duration_s=1e-7)
                           .compile(), 0.1, dense, IntegratorOptions(rtol=1e-4))
    # each term on its own: ΔU_TLS = Σ a n(t) − Σ a n(0), ΔU_ph from T(t), ∫P from P(t)
    dU_tls = tr.U_tls - tr.U_tls0
    dU_ph = np.array([th.energy(T) for T in tr.T_K]) - th.energy(0.1)
    E_in = 190.0 * np.minimum(dense, 1e-7)
    balance = E_in - dU_ph - dU_tls - tr.E_link
    assert np.max(np.abs(balance)) < 1e-9 * E_in[-1]
    # ∫G(T − T_b)dt of the scheme against a quadrature of the recorded T(t) (trapezoid in ln t)
    flux = np.array([th.link(T) for T in tr.T_K])
    quad = np.concatenate([[tr.E_link[0]], tr.E_link[0] + np.cumsum(
        0.5 * (flux[1:] * dense[1:] + flux[:-1] * dense[:-1]) * np.diff(np.log(dense)))])
    assert abs(quad[-1] - tr.E_link[-1]) < 1e-4 * E_in[-1]


def test_fast_tls_follow_T_and_slow_tls_stay_frozen():
    """Fast TLSs end each step at n_eq(T(t)); TLSs with K t_end << 1 never move."""
    rng = np.random.default_rng(3)
    spec = _spec(4000, rng, lo=-20.0)
    a = K_B * spec.E_K * 1e17
    th = ThermalModel(G0_W_m3_K=0.05, G_exponent=1.0).lumped(SILICA, 0.1)
    rates = lambda T: build_rates(spec, SILICA, CHANNELS, T).K  # noqa: E731
    from tlsmc.dynamics.coupled import _Integrator
    integ = _Integrator(spec.E_K, a, rates, th, RectPulseShape(peak=20.0, duration_s=1e-3)
                        .compile(), 0.1, IntegratorOptions(rtol=1e-3))
    tr = integ.run(np.geomspace(1e-4, 1e-1, 13))
    assert tr.T_K.max() < 0.5 and tr.T_K[-1] > 0.3
    K_lo, K_hi = rates(0.1), rates(0.5)
    fast, slow = K_lo * 1e-2 > 1e4, K_hi * 1e-1 < 1e-13
    assert fast.sum() > 100 and slow.sum() > 100
    # fast: in equilibrium with T(t) (to their lag (dn_eq/dt)/K); slow: frozen at n_eq(0.1 K)
    np.testing.assert_allclose(integ.n[fast], n_eq(spec.E_K[fast], tr.T_K[-1]), rtol=1e-4)
    # |n(t) − n(0)| <= K t |Δn_eq| < 1e-13
    np.testing.assert_allclose(integ.n[slow], n_eq(spec.E_K[slow], 0.1), rtol=0, atol=1e-13)


def test_results_do_not_depend_on_thread_count():
    rng = np.random.default_rng(4)
    spec = _spec(3 * 4096 + 5, rng)
    a = K_B * spec.E_K * 1e17
    th = ThermalModel(G0_W_m3_K=0.1, G_exponent=1.0).lumped(SILICA, 0.1)
    rates = lambda T: build_rates(spec, SILICA, CHANNELS, T).K  # noqa: E731
    heater = RectPulseShape(peak=190.0, duration_s=1e-7).compile()
    times = np.geomspace(1e-6, 1e-2, 5)
    ref = integrate_coupled(spec.E_K, a, rates, th, heater, 0.1, times)
    assert spec.E_K.shape[0] > 3 * 4096  # more than PARALLEL_BLOCKS - 1 blocks: parallel kernels
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = integrate_coupled(spec.E_K, a, rates, th, heater, 0.1, times)
    finally:
        numba.set_num_threads(old)
    for name in ("T_K", "U_tls", "Qdot", "E_link"):
        np.testing.assert_array_equal(getattr(one, name), getattr(ref, name))


# ----------------------------------------------------------------------------- phonons
def test_debye_coefficient_from_velocities_equals_debye_form():
    c = debye_T3_coefficient(SILICA)
    v_d = (3.0 / (1 / SILICA.v_l_m_s**3 + 2 / SILICA.v_t_m_s**3)) ** (1 / 3)
    for n in (2.2e28, 6.6e28):      # SiO2 units or atoms per m³: n cancels
        theta = HBAR / K_B * v_d * (6 * PI**2 * n) ** (1 / 3)
        assert c == pytest.approx(12 * PI**4 / 5 * n * K_B / theta**3, rel=1e-12)
    # the preset's θ_D = 342 K goes with n = ρ N_A / M(SiO2), not with the atom density
    n_units = SILICA.density_kg_m3 / 0.06008 * 6.02214076e23
    assert 12 * PI**4 / 5 * n_units * K_B / SILICA.theta_D_K**3 == pytest.approx(c, rel=0.02)
    assert c / (SILICA.density_kg_m3 * 1e3) == pytest.approx(0.80e-6, rel=0.01)  # J g^-1 K^-4


def test_zero_heater_at_bath_temperature_stays_put():
    rng = np.random.default_rng(5)
    spec = _spec(300, rng)
    a = K_B * spec.E_K * 1e18
    th = ThermalModel(G0_W_m3_K=0.1).lumped(SILICA, 0.2)
    tr = integrate_coupled(spec.E_K, a, lambda T: build_rates(spec, SILICA, CHANNELS, T).K, th,
                           ConstantShape(0.0).compile(), 0.2, np.geomspace(1e-6, 1e3, 10))
    np.testing.assert_allclose(tr.T_K, 0.2, rtol=1e-14)
    np.testing.assert_allclose(tr.Qdot, 0.0, atol=1e-12)  # round-off of K (n − n_eq), K <= 1e8
    assert tr.stats["n_steps"] < 200
