"""Channels 2 (TF non-diagonal) and 3 (exact Debye multiphonon), PHYSICS §4.2–4.3."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.integrate import quad

from tlsmc.rates import multiphonon as mp
from tlsmc.analytic.closed_forms.tf1982 import eq25_correction, rate_eq25
from tlsmc.rates.vibrations import TFParameters, J_eff, einstein_phis

P = TFParameters.tf1982()
V = 1e-3                                   # K; rates scale as V², V never enters the tables


@pytest.fixture(scope="module")
def table():
    return mp.multiphonon_table(P)


def _sinc_factor(E):
    """ρ/ρ_D = [1 − sinc(πE/Θ)]·6/(πE/Θ)² (PHYSICS §4.3), written independently."""
    y = math.pi * np.asarray(E) / P.theta_D_K
    return np.where(y < math.pi, 6.0 * (1.0 - np.sin(y) / y) / y**2, 0.0)


def _nondiag_total(E, delta, T, model="debye"):
    """Reference channel 2 in numpy: α V² e^{J_eff} (Δ/E)² E³ coth(E/2T), times φ3^{-1/2}
    of TF eq. 7 for the Einstein model (vibrations.log_enhancement)."""
    prefactor = 1.0 if model == "debye" else float(einstein_phis(T, P)[2]) ** -0.5
    return (prefactor * P.alpha_K * V**2 * math.exp(float(J_eff(T, P, model))) * (delta / E) ** 2 * E**3
            / np.tanh(E / (2 * T)))


# ------------------------------------------------------------------ detailed balance, finiteness

@pytest.mark.parametrize("channel", ["nondiagonal", "einstein", "multiphonon"])
def test_detailed_balance_over_E_over_T_1e_minus6_to_1e5(channel):
    x = np.geomspace(1e-6, 1e5, 300)
    for T in (1e-3, 0.1, 1.0, 30.0):
        E = x * T
        E = E[(E > 1e-7) & (E < 1e3)]
        xs = E / T
        if channel == "multiphonon":
            up, down = mp.multiphonon_rate(E, 0.6 * E, V, T, P)
        else:
            up, down = mp.nondiagonal_rate(E, 0.6 * E, V, T, P, "einstein" if channel == "einstein" else "debye")
        assert np.all(np.isfinite(up)) and np.all(np.isfinite(down)) and np.all(down > 0.0)
        assert np.all(up >= 0.0)
        normal = up > 1e-290
        np.testing.assert_allclose(up[normal] / down[normal], np.exp(-xs[normal]), rtol=1e-13)
        assert np.all(up[~normal] <= down[~normal] * 1e-290)


def test_nondiagonal_total_against_numpy_reference():
    rng = np.random.default_rng(3)
    E = np.exp(rng.uniform(math.log(1e-5), math.log(300.0), 200))
    delta = E * rng.uniform(0.0, 1.0, E.size)
    for T in (0.002, 0.7, 25.0, 300.0):
        for model in ("debye", "einstein"):
            up, down = mp.nondiagonal_rate(E, delta, V, T, P, model)
            np.testing.assert_allclose(up + down, _nondiag_total(E, delta, T, model), rtol=1e-12)


def test_rates_finite_and_positive_from_1mK_to_300K(table):
    E = np.geomspace(1e-8, 2e3, 400)           # beyond the table at both ends
    for T in np.concatenate(([0.0, 2e-4], np.geomspace(1e-3, 300.0, 25))):
        for fn in (mp.multiphonon_rate, mp.nondiagonal_rate):
            up, down = fn(E, 0.5 * E, V, T, P)
            K = up + down
            assert np.all(np.isfinite(K)) and np.all(K > 0.0), (fn.__name__, T)


def test_below_T_min_is_the_T_to_0_limit(table):
    """Below T_min the table row is held: the error is the Raman term (∝ T⁷), < 1e-9 relative;
    what remains is the E interpolation (≈ 1e-5 below 10 K)."""
    E = np.geomspace(1e-6, 10.0, 60)
    np.testing.assert_allclose(table.log_ratio(E, 4e-4), mp.log_multiphonon_ratio(E, 4e-4, P), rtol=0, atol=2e-5)
    E = np.geomspace(0.05, 500.0, 30)             # E/T >= 50: T = 0 and T = 1 mK coincide
    np.testing.assert_allclose(sum(mp.multiphonon_rate(E, E, V, 1e-3, P)),
                               sum(mp.multiphonon_rate(E, E, V, 0.0, P)), rtol=1e-12)


# ------------------------------------------------------------------ limits

def test_low_T_multiphonon_is_nondiagonal_with_sinc_factor(table):
    """T <= 1 K, T/2 <= E <= 40 K: K_multi = K_nondiag(J1) · 6[1 − sinc]/(πE/Θ)² within 1 %.

    (Outside: E > ~40 K the two-phonon emission adds > 1 %; E < ~0.02 T³ the two-phonon
    Raman process dominates — measured in test_raman_limit.)
    """
    worst = 0.0
    for T in (0.01, 0.1, 0.5, 1.0):
        E = np.geomspace(T / 2, 40.0, 60)
        K = sum(mp.multiphonon_rate(E, E, V, T, P))
        ratio = K / (_nondiag_total(E, E, T) * _sinc_factor(E))
        worst = max(worst, np.max(np.abs(ratio - 1.0)))
    assert worst < 1e-2                           # measured 6e-3 (at E = 40 K)


def test_raman_limit():
    """E << T: the two-phonon term π(p*p)(0) ∝ T⁷ makes K_multi flat in E while channel 2
    vanishes as E²: their ratio − 1 → ∫ρ²n(n+1)dω / (c E² T), ρ_D = cE³ (≈ 4e-4 T⁶/E² for T << Θ)."""
    T, E = 1.0, 1e-4
    m = mp.log_multiphonon_ratio(E, T, P)[0]
    c = math.pi**2 * P.R / (8 * P.theta_D_K**4)   # ρ_D = c ω³
    raman = quad(lambda w: (0.75 * P.R / P.theta_D_K * (w / P.theta_D_K - math.sin(math.pi * w / P.theta_D_K) / math.pi)) ** 2
                 * math.exp(w / T) / math.expm1(w / T) ** 2, 0, P.theta_D_K, limit=200)[0]
    expected = raman / (c * E**2 * T)             # (1 − e^{-E/T}) G_2(0)/(2πρ_D), G_2(0) = 2π∫ρ²n(n+1)
    assert math.expm1(m) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("T", [30.0, 100.0, 300.0])
def test_high_T_approaches_eq25(table, T):
    """K_multi / K_eq25 − 1 equals the first steepest-descent correction δ = Q/24 (3/F² − …)
    (≈ Q/8F²: 1.0e-2, 1.8e-3, 5.8e-4 at 30, 100, 300 K) to within 10 % of δ plus the
    table accuracy; eq. 25 itself is therefore good to |δ|."""
    E = np.array([0.01, 1.0, 10.0, 50.0, 100.0, 140.0])
    K = sum(mp.multiphonon_rate(E, E, V, T, P))
    K25 = rate_eq25(E, V, T, P) + rate_eq25(-E, V, T, P)
    delta = eq25_correction(E, T, P)
    err = K / K25 - 1.0
    assert np.all(np.abs(err - delta) <= 0.1 * np.abs(delta) + 6e-4)
    assert np.all(np.abs(err) <= 2 * np.abs(delta) + 6e-4)


def test_two_phonon_term_against_quadrature():
    """Low T (P = ∫p << 1): G_{≥2} is π(p*p); the tilted FFT lattice against scipy.quad."""
    T = 0.5
    E = np.array([1e-3, 1.0, 10.0])
    p = lambda eps: mp._tilted_p(np.array([eps]), 0.0, T, P)[0]
    for e, g in zip(E, mp._log_ge2(E, T, P)):
        pts = np.unique(np.clip([e - P.theta_D_K, -20 * T, -4 * T, 0.0, e, e + 4 * T, e + 20 * T, P.theta_D_K],
                                e - P.theta_D_K, P.theta_D_K))
        ref = math.pi * sum(quad(lambda s, e=e: p(s) * p(e - s), lo, hi, limit=400, epsabs=0, epsrel=1e-11)[0]
                            for lo, hi in zip(pts[:-1], pts[1:]))
        assert g == pytest.approx(math.log(ref), abs=1e-5)


def test_direct_evaluation_converged_in_lattice_spacing():
    for T in (0.003, 2.0, 15.0, 200.0):
        E = np.array([1e-5, 0.3, 7.0, 120.0, 299.0, 450.0])
        a = mp.log_multiphonon_ratio(E, T, P)
        b = mp.log_multiphonon_ratio(E, T, P, resolution=3.0)
        np.testing.assert_allclose(a, b, rtol=0, atol=3e-5)   # worst: E = 3Θ (kink of G_3)


# ------------------------------------------------------------------ the table and its kernel

def test_table_against_direct_evaluation_off_grid(table):
    """|ln K_table − ln K_direct| < 1e-3 at random off-grid (E, T) (measured max ≈ 5e-4)."""
    rng = np.random.default_rng(11)
    worst = 0.0
    for T in np.exp(rng.uniform(math.log(1e-3), math.log(300.0), 12)):
        E = np.exp(rng.uniform(math.log(1e-6), math.log(600.0), 80))
        worst = max(worst, np.max(np.abs(table.log_ratio(E, T) - mp.log_multiphonon_ratio(E, T, P))))
    assert worst < 1e-3


def test_rate_kernel_against_slow_reference(table):
    rng = np.random.default_rng(5)
    E = np.exp(rng.uniform(math.log(1e-7), math.log(900.0), 500))
    delta = E * rng.uniform(0.0, 1.0, E.size)
    for T in (0.0015, 0.4, 8.0, 120.0):
        up, down = mp.multiphonon_rate(E, delta, V, T, P, table=table)
        ref = _nondiag_total(E, delta, T) * np.exp(table.log_ratio(E, T))
        np.testing.assert_allclose(up + down, ref, rtol=1e-11)


def test_broadcasting_and_shape(table):
    E = np.full((3, 4), 2.0)
    up, down = mp.multiphonon_rate(E, 1.0, np.array([1e-3, 2e-3, 3e-3, 4e-3]), 1.0, P)
    assert up.shape == down.shape == (3, 4)
    np.testing.assert_allclose(down[:, 1] / down[:, 0], 4.0, rtol=1e-13)


def test_table_is_cached(table):
    assert mp.multiphonon_table(P) is table
    assert table.build_seconds > 0.0 and np.all(np.isfinite(table.r))


def test_invalid_inputs(table):
    with pytest.raises(ValueError, match="T_max"):
        mp.multiphonon_rate(1.0, 1.0, V, 301.0, P)
    with pytest.raises(ValueError, match="T_K"):
        mp.nondiagonal_rate(1.0, 1.0, V, -1.0, P)
    with pytest.raises(ValueError, match="T_K"):
        mp.multiphonon_rate(1.0, 1.0, V, np.array([1.0, 2.0]), P)
    with pytest.raises(ValueError, match="model"):
        mp.nondiagonal_rate(1.0, 1.0, V, 1.0, P, vibration="optic")
    other = dataclasses.replace(P, theta_D_K=200.0)
    with pytest.raises(ValueError, match="other parameters"):
        mp.multiphonon_rate(1.0, 1.0, V, 1.0, other, table=table)
    with pytest.raises(ValueError):
        mp.log_multiphonon_ratio([0.0, 1.0], 1.0, P)


@pytest.mark.parametrize("field,bad", [("mass_kg", -1.0), ("theta_D_K", 0.0), ("J1_per_m", math.nan),
                                       ("nu_rad_s", -1e13), ("omega_E_K", math.inf), ("J2_per_m2", 0.0)])
def test_bad_parameters_raise_naming_the_field(field, bad):
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(P, **{field: bad})
