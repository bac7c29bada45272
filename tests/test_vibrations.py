"""Vibrational enhancement J_eff(T): TF eq. 14 (Debye) and eq. 7 (Einstein with J'')."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import i0, sici

from tlsmc.units import HBAR, K_B
from tlsmc.rates.vibrations import (TFParameters, J1_debye, J2_debye, J_eff, J_eff_einstein,
                                    J_star, coth_half, debye_weight, einstein_phis, einstein_rate,
                                    n_bose, phi0_debye)

P = TFParameters.tf1982()
T_GRID = np.concatenate(([0.0], np.geomspace(1e-4, 300.0, 400)))


def test_J1_at_zero_temperature_closed_form():
    """J1(0) = (3/8)(1 − 4/π²) R (TF after eq. 14), to 1e-10 relative."""
    expected = 3.0 / 8.0 * (1.0 - 4.0 / math.pi**2) * P.R
    assert J1_debye(0.0, P) == pytest.approx(expected, rel=1e-10)
    assert J1_debye(1e-6, P) == pytest.approx(expected, rel=1e-10)


def test_J1_against_adaptive_quadrature():
    """The panel rule against scipy.quad of TF eq. 14 at a few temperatures (1e-9)."""
    for T in (0.3, 5.0, 40.0, 150.0, 300.0):
        f = lambda x, T=T: (x - math.sin(math.pi * x) / math.pi) / math.tanh(P.theta_D_K * x / (2 * T))
        ref = 0.75 * P.R * quad(f, 0.0, 1.0, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert J1_debye(T, P) == pytest.approx(ref, rel=1e-9)


def test_J1_classical_limit_slope():
    """T >> Θ: J1 = a T + b/T + O(T^-3), a = (3R/2Θ)(1 − Si(π)/π), b = (RΘ/8)(1/3 − 1/π²).

    From coth y = 1/y + y/3 − y³/45: the remainder is bounded by the y³ term,
    (3R/4)(Θ/2T)³/45 ∫x³ w dx with ∫x³w = 1/5 − (π² − 6)/π⁴; TF eq. 30 is J2(T) = J1(2T) = T/T0.
    """
    a = 1.5 * P.R / P.theta_D_K * (1.0 - sici(math.pi)[0] / math.pi)
    b = P.R * P.theta_D_K / 8.0 * (1.0 / 3.0 - 1.0 / math.pi**2)
    m3 = 0.2 - (math.pi**2 - 6.0) / math.pi**4
    for T in (300.0, 1e3, 1e4):
        bound = 0.75 * P.R * (P.theta_D_K / (2 * T)) ** 3 / 45.0 * m3
        assert abs(J1_debye(T, P) - (a * T + b / T)) <= 1.05 * bound
    slope = (J1_debye(2e4, P) - J1_debye(1e4, P)) / 1e4       # = a − b/(2T²) + O(T^-4)
    assert slope == pytest.approx(a - b / 2e8, rel=1e-10)
    assert slope == pytest.approx(a, rel=1e-5)


def test_J1_smooth_monotone_finite():
    J = J1_debye(T_GRID, P)
    assert np.all(np.isfinite(J))
    assert np.all(np.diff(J) >= 0.0)
    assert np.all(np.diff(J[T_GRID > 0.5]) > 0.0)
    # smooth: on the log-T grid the second difference is tiny compared with J itself
    assert np.max(np.abs(np.diff(J, 2))) < 1e-2 * J[-1]


def test_J2_and_phi0():
    """J2(T) = J1(2T) and Φ(0) = J2 − J1 ≈ (π⁶R/4)(T/Θ)⁴ for T << Θ."""
    T = np.array([0.0, 0.01, 1.0, 30.0, 300.0])
    assert np.allclose(J2_debye(T, P), J1_debye(2 * T, P), rtol=1e-14)
    assert np.allclose(phi0_debye(T, P), J2_debye(T, P) - J1_debye(T, P), rtol=1e-10, atol=1e-12)
    assert phi0_debye(0.2, P) == pytest.approx(math.pi**6 * P.R / 4 * (0.2 / P.theta_D_K) ** 4, rel=1e-3)


def test_einstein_at_zero_temperature():
    """T = 0: φ1 = a/(1+b), φ2 = 0, φ3 = (1+b)²; J* = J0 − φ1 = 19.1 for J0 = 50 (TF: ≈ 20)."""
    a, b = P.einstein_a, P.einstein_b
    phi1, phi2, phi3 = einstein_phis(0.0, P)
    assert phi1 == pytest.approx(a / (1 + b), rel=1e-14)
    assert phi2 == 0.0 and phi3 == pytest.approx((1 + b) ** 2, rel=1e-14)
    J_star0 = float(J_star(0.0, P, 50.0, model="einstein"))
    assert J_star0 == pytest.approx(50.0 - a / (1 + b), rel=1e-12)
    assert 18.0 < J_star0 < 21.0                     # 19.106


def test_einstein_without_J2_is_zero_phonon_line():
    """J'' = 0: eq. 7 must be the zero-phonon term e^{λ coth 2u} I0(λ/sinh 2u) of one mode,
    λ = ħJ'²/4MΩ, u = ħΩ/4T (independent derivation from the Debye-type generating function)."""
    p0 = dataclasses.replace(P, J2_per_m2=1e-300)
    lam = p0.einstein_a
    for T in (5.0, 30.0, 100.0, 300.0):
        u = p0.omega_E_K / (4 * T)
        ref = lam / math.tanh(2 * u) + math.log(i0(lam / math.sinh(2 * u)))
        assert J_eff_einstein(T, p0) == pytest.approx(ref, rel=1e-10)


def test_einstein_smooth_monotone_and_saturating():
    J = J_eff_einstein(T_GRID, P)
    assert np.all(np.isfinite(J)) and np.all(np.diff(J) >= -1e-12)
    # J = J0 (ΔR/ΔR0)²: J'²/2J'' = 50 is the T -> ∞ limit (the barrier closes)
    assert J_eff_einstein(1e7, P) == pytest.approx(P.J1_per_m**2 / (2 * P.J2_per_m2), rel=1e-4)


def test_einstein_rate_detailed_balance_and_finite():
    """Eq. 7 is a zero-phonon line: meant for |ΔE| ≲ T (it grows as e^{|ΔE|/2T})."""
    for T in (0.01, 1.0, 100.0):
        for x in (1e-6, 1.0, 100.0):
            up, down = einstein_rate(x * T, 1e-3, T, P), einstein_rate(-x * T, 1e-3, T, P)
            assert np.isfinite(down) and up > 0.0
            assert up == pytest.approx(down * math.exp(-x), rel=1e-12)


def test_J_eff_registry():
    assert J_eff(3.0, P) == J1_debye(3.0, P)
    assert J_eff(3.0, P, "einstein") == J_eff_einstein(3.0, P)
    with pytest.raises(ValueError, match="model"):
        J_eff(3.0, P, "lorentz")
    with pytest.raises(ValueError):
        J1_debye(-1.0, P)


def test_helpers_edge_cases():
    x = np.array([0.0, 1e-8, 2.0, 80.0, 1e5, np.inf])
    c = coth_half(x)
    assert c[0] == np.inf and c[1] == pytest.approx(2e8, rel=1e-12) and np.all(c[3:] == 1.0)
    n = n_bose(np.array([1e-9, 1.0, 800.0, 1e5, np.inf]))
    assert n[0] == pytest.approx(1e9, rel=1e-8) and n[1] == pytest.approx(1 / (math.e - 1), rel=1e-15)
    assert list(n[2:]) == [0.0, 0.0, 0.0]
    w = debye_weight(np.array([-0.1, 1e-9, 0.049999, 0.050001, 1.0, 1.0 + 1e-12]))
    assert w[0] == 0.0 and w[-1] == 0.0 and w[4] == 1.0
    assert w[1] == pytest.approx(math.pi**2 * 1e-27 / 6, rel=1e-12)
    x0 = 0.049999                                     # series branch vs the direct formula
    assert w[2] == pytest.approx(x0 - math.sin(math.pi * x0) / math.pi, rel=1e-11)


FIELDS = [f.name for f in dataclasses.fields(TFParameters)]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf])
def test_invalid_parameter_names_field(field, bad):
    with pytest.raises(ValueError, match=rf"TFParameters\.{field} must be a finite number in \(0, inf\)"):
        dataclasses.replace(P, **{field: bad})


def test_parameters_hashable_and_derived():
    assert hash(P) == hash(TFParameters.tf1982())
    assert P.alpha_K == pytest.approx(P.alpha_SI * K_B**5, rel=1e-12)
    assert P.alpha_K == pytest.approx(math.pi**3 * P.R / 4 * (K_B / HBAR) / P.theta_D_K**4, rel=1e-12)
    assert 190.0 < P.R < 230.0                       # TF: R ≈ 200 (215.6)
