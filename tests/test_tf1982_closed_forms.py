"""TF 1982 closed forms: α_TF, eqs. 12, 17–19, 25, 26, 30, and the §3 parameter check."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from tlsmc.analytic.closed_forms import tf1982 as tf
from tlsmc.rates.multiphonon import nondiagonal_rate
from tlsmc.units import HBAR, K_B
from tlsmc.rates.vibrations import TFParameters, J1_debye, J2_debye, debye_density

P = TFParameters.tf1982()


def test_alpha_is_eq15_coefficient_times_2pi_over_hbar():
    """ħα/2π = coefficient of TF eq. 15, π²J'²/(8ħ³M(sq_D)⁵) (SI), and α_K = α k_B⁵."""
    coefficient = math.pi**2 * P.J1_per_m**2 / (8 * HBAR**3 * P.mass_kg * P.omega_D_rad_s**5)
    assert P.alpha_SI == pytest.approx(2 * math.pi / HBAR * coefficient, rel=1e-13)
    assert tf.alpha_tf(P) == pytest.approx(P.alpha_SI * K_B**5, rel=1e-13)


def test_eq15_from_the_debye_density():
    """(1/16)Σ|A|²δ(ΔE − ħω)/sinh(ħω/2T) = (ρ(E)/2)/sinh(E/2T) → eq. 15 for E << Θ."""
    E, T = 0.05, 0.3                                # K; E/Θ = 3e-4
    lhs = 0.5 * debye_density(E, P) / math.sinh(E / (2 * T))
    coefficient_K = math.pi**2 * P.R / (8 * P.theta_D_K**4)      # eq. 15 in K units (K^-4)
    rhs = coefficient_K * E**3 / math.expm1(E / T) * math.exp(E / (2 * T))
    assert lhs == pytest.approx(rhs, rel=1e-6)


def test_eq12_is_channel_2_with_delta_equal_E():
    E = np.geomspace(1e-3, 50.0, 20)
    for T in (0.0, 0.05, 3.0):
        up, down = tf.rate_eq12(E, 1e-3, T, P)
        ref = nondiagonal_rate(E, E, 1e-3, T, P)
        np.testing.assert_array_equal(up, ref[0])
        np.testing.assert_array_equal(down, ref[1])
    up, down = tf.rate_eq12(E, 1e-3, 0.0, P)       # spontaneous emission: α V² e^{J1(0)} E³
    np.testing.assert_allclose(down, P.alpha_K * 1e-6 * math.exp(J1_debye(0.0, P)) * E**3, rtol=1e-13)
    assert np.all(up == 0.0)


def test_tau_star_units_and_value():
    """1/τ* = α ħ²ν² T³ e^{-J* + 3} (s^-1): α_K (ħν/k_B)² T³ in K units."""
    T, J_min = 0.5, 60.0
    J_star = J_min - J1_debye(T, P)
    expected = 1.0 / (P.alpha_SI * (HBAR * P.nu_rad_s) ** 2 * (K_B * T) ** 3 * math.exp(-J_star + 3.0))
    assert tf.tau_star_eq19(T, P, J_min) == pytest.approx(expected, rel=1e-12)


def test_tau_star_constant_from_the_step_function():
    """Eqs. 16–18: with the step function, C(T,t) = dE/dT = (π²/6) n0 T [ln t + ln(α V0² T³) − J* + c].

    Differentiate the step-function energy numerically (J* held fixed) and recover
    c = tau_star_constant() = 3.616 (TF print 3)."""
    c = tf.tau_star_constant()
    assert c == pytest.approx(3.6161404, abs=1e-6)
    A, J_star, t = tf.alpha_tf(P) * P.V0_K**2, 10.0, 1.0

    def energy(T):
        f = lambda y: (T * y) / (math.exp(y) + 1) * (math.log(A * (T * y) ** 3 / math.tanh(y / 2) * t) - J_star)
        kw = {"limit": 200, "epsabs": 0.0, "epsrel": 1e-13}
        return T * (quad(f, 0, 1, **kw)[0] + quad(f, 1, 80, **kw)[0])       # ∫dE E f0 (J_b − J*)

    T, dT = 0.2, 1e-4
    C = (energy(T + dT) - energy(T - dT)) / (2 * dT)             # per n0, k_B = 1
    expected = math.pi**2 / 6 * T * (math.log(t * A * T**3) - J_star + c)
    assert C == pytest.approx(expected, rel=1e-7)


def test_heat_capacity_eq18():
    n0 = 1e44 * K_B / 2                                           # K^-1 m^-3 per unit J0
    T, t, J_min = 0.1, np.array([1e-3, 1.0, 1e3]), 60.0
    C = tf.heat_capacity_eq18(T, t, n0, P, J_min)
    tau = tf.tau_star_eq19(T, P, J_min)
    np.testing.assert_allclose(C, math.pi**2 / 6 * n0 * K_B * T * np.log(t / tau), rtol=1e-13)
    np.testing.assert_allclose(np.diff(C), math.pi**2 / 6 * n0 * K_B * T * math.log(1e3), rtol=1e-10)


def test_F_debye_low_T_form():
    """F = −Φ''(0) → 2π⁸R(T/Θ)⁶Θ² (TF's printed Debye F) for T << Θ.

    Next order from 1 − sinc y = y²/6 − y⁴/120: F/F_low = 1 − c2 (T/Θ)², c2 = (π²/5)·I7/I5,
    I_n = ∫u^n/sinh u du = 2(1 − 2^{-n-1}) n! ζ(n+1) (I5 = π⁶/4).
    """
    zeta8 = math.pi**8 / 9450
    c2 = math.pi**2 / 5 * (2 * (1 - 2**-8) * math.factorial(7) * zeta8) / (math.pi**6 / 4)
    for T in (0.2, 1.0):
        x = T / P.theta_D_K
        assert tf.F_debye(T, P) / tf.F_debye_low_T(T, P) == pytest.approx(1 - c2 * x**2, abs=1e4 * x**4)


def test_eq25_detailed_balance_and_gaussian():
    E, T = 20.0, 50.0
    assert tf.rate_eq25(E, 1e-3, T, P) == pytest.approx(tf.rate_eq25(-E, 1e-3, T, P) * math.exp(-E / T), rel=1e-13)
    ratio = tf.rate_eq25(E, 1e-3, T, P) / tf.rate_eq25(E, 1e-3, T, P, gaussian=False)
    assert ratio == pytest.approx(math.exp(-E**2 / (2 * tf.F_debye(T, P))), rel=1e-13)


def test_eq25_correction_is_small_only_above_20K():
    """Q/8F² (the steepest-descent parameter) vs TF's eq. 26 bound of ≈ 4 K."""
    assert tf.T_eq26(P) == pytest.approx(3.97, abs=0.01)
    assert tf.eq25_correction(0.0, 10.0, P) > 0.2
    assert tf.eq25_correction(0.0, 20.0, P) < 0.03
    assert tf.eq25_correction(0.0, 300.0, P) == pytest.approx(5.79e-4, rel=1e-2)


def test_eq30_classical_limit():
    """J2(T) = T/T0 + RΘ(1/3 − 1/π²)/(16 T) + O(T^-3) for T >> Θ; T0 = Θ/(3R[1 − Si(π)/π])."""
    T0 = tf.T0_eq30(P)
    assert T0 == pytest.approx(0.565, abs=1e-3)
    b = P.R * P.theta_D_K / 8 * (1 / 3 - 1 / math.pi**2)
    for T in (1e3, 1e4):
        assert J2_debye(T, P) == pytest.approx(T / T0 + b / (2 * T), rel=1e-6)


def test_tf_parameter_check():
    c = tf.tf_parameter_check()
    assert c["R"] == pytest.approx(215.59, abs=0.01)             # TF: ≈ 200
    assert c["J1_0_debye"] == pytest.approx(3 / 8 * (1 - 4 / math.pi**2) * c["R"], rel=1e-10)
    assert c["J_star_debye_T0"] == pytest.approx(1.92, abs=0.01)  # Debye alone: nearly transparent
    assert c["J_star_einstein_T0"] == pytest.approx(19.11, abs=0.01)   # TF: J* ≈ 20
    assert c["J_star_einstein_no_J2"] < 0.0
    assert c["J_eff_einstein_T_inf"] == pytest.approx(50.0, rel=1e-12)
    assert "1/16" in tf.tf_readings()
