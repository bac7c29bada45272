"""Metallic glasses (issue 16): BCS gap, electron relaxation channel, electronic expansion, config.

References: tlsmc.analytic.quadrature.metals (independent code: Matsubara-sum gap, adaptive
entropy integral, C = T dS/dT) and tlsmc.analytic.closed_forms.metals (BCS and GGP limits).
"""
from __future__ import annotations

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import metals as cf
from tlsmc.analytic.quadrature import metals as ref
from tlsmc.config import ConfigError
from tlsmc.materials import load_material, with_fields
from tlsmc.measurements.electronic import alpha_e, electronic_heat_capacity
from tlsmc.rates import RATE_CHANNELS, build_rates
from tlsmc.rates import bcs
from tlsmc.rates.electron import Electron, electron_rate, superconducting_factor
from tlsmc.spectrum.two_level import TwoLevelSpectrum
from tlsmc.units import HBAR, K_B

TC = 2.6
MAT = load_material({"preset": "zrpd_glass"})


def _spectrum(E, d0):
    E, d0 = np.asarray(E, float), np.asarray(d0, float)
    delta = np.sqrt(np.maximum(E**2 - d0**2, 0.0))
    return TwoLevelSpectrum(E_K=E, delta_K=delta, delta0_K=d0, M_unit=d0 / E, D_unit=2 * delta / E)


# --- BCS gap -------------------------------------------------------------------------------

def test_gap_at_zero_temperature_is_1764_kTc():
    assert abs(bcs.gap_ratio(0.0) / 1.764 - 1.0) < 1e-4
    assert abs(bcs.gap_K(0.01, TC) / (1.764 * TC) - 1.0) < 1e-4
    assert bcs.DELTA0_OVER_TC == pytest.approx(cf.DELTA0_OVER_TC, rel=1e-14)


def test_gap_near_tc_is_306_sqrt_one_minus_t():
    for eps in (1e-3, 1e-4, 1e-5):
        g = bcs.gap_ratio(1.0 - eps)
        assert g / np.sqrt(eps) == pytest.approx(3.06, rel=2e-3)          # the 3.06 of the brief
        assert g / np.sqrt(eps) == pytest.approx(cf.GAP_SLOPE_AT_TC, rel=3 * eps + 1e-6)
    assert bcs.gap_ratio(1.0) == 0.0 and bcs.gap_ratio(1.5) == 0.0


@pytest.mark.parametrize("t", [0.03, 0.1, 0.25, 0.5, 0.7, 0.85, 0.95, 0.99, 0.999, 0.99999])
def test_gap_against_matsubara_reference(t):
    assert bcs.gap_ratio(t) == pytest.approx(ref.gap_over_Tc(t), rel=1e-7)


def test_gap_is_monotone_and_tabulated_once():
    t = np.linspace(0.0, 1.2, 2001)
    g = bcs.gap_ratio(t)
    assert np.all(np.diff(g) <= 1e-10)      # spline wiggles of the flat low-T end: ~1e-11
    assert bcs._table.cache_info().currsize == 1


def test_entropy_and_heat_capacity_limits():
    t = np.array([0.15, 0.3, 0.5, 0.8, 0.95])
    for ti in t:   # against the independent references
        assert bcs.entropy_ratio(ti * TC, TC)[0] == pytest.approx(ref.entropy_ratio(ti * TC, TC), rel=1e-7)
        assert bcs.heat_capacity_ratio(ti * TC, TC)[0] == pytest.approx(
            ref.heat_capacity_ratio(ti * TC, TC), rel=1e-5)
    # continuity of S at T_c, the BCS jump of C, exponential suppression at T << T_c
    assert bcs.entropy_ratio(TC * (1 - 1e-7), TC)[0] == pytest.approx(1.0, abs=1e-6)
    assert bcs.heat_capacity_ratio(TC * (1 - 1e-6), TC)[0] == pytest.approx(
        1.0 + cf.HEAT_CAPACITY_JUMP, rel=1e-3)
    for ti in (0.05, 0.08, 0.1):
        r = bcs.entropy_ratio(ti * TC, TC)[0]
        assert r == pytest.approx(cf.entropy_ratio_low_T(ti * TC, TC), rel=0.12)
    assert bcs.entropy_ratio(0.05 * TC, TC)[0] < 1e-13


# --- electron rate -------------------------------------------------------------------------

def test_normal_state_rate_matches_closed_form():
    E = np.geomspace(1e-3, 20.0, 50)
    d0 = E * np.linspace(0.01, 1.0, 50)
    for T in (0.01, 0.3, 3.0, 10.0):
        K = electron_rate(E, d0, T, 0.2, None)
        assert np.allclose(K, cf.electron_rate_normal(E, d0, T, 0.2), rtol=1e-12)
        assert np.allclose(K, ref.electron_rate(E, d0, T, 0.2, None), rtol=1e-9)
    # at T > T_c the superconducting material gives the normal rate
    assert np.allclose(electron_rate(E, d0, 3.0, 0.2, TC), electron_rate(E, d0, 3.0, 0.2, None))
    # explicit number: E = Δ0 = 1 K, T -> 0: K = (π/2)(0.2) k_B (1 K)/ħ
    assert electron_rate([1.0], [1.0], 1e-3, 0.2)[0] == pytest.approx(0.1 * np.pi * K_B / HBAR, rel=1e-12)


def test_rate_limits_are_finite():
    K = electron_rate([0.0, 1e-12, 1e5], [0.0, 1e-12, 1e5], 1e-3, 0.2, None)
    assert np.all(np.isfinite(K))
    assert K[0] == pytest.approx(0.5 * np.pi * 0.2 * 2e-3 * K_B / HBAR)


@pytest.mark.parametrize("t", [0.2, 0.4, 0.6, 0.8, 0.95])
def test_superconducting_suppression_small_E(t):
    T = t * TC
    E = np.array([1e-4, 1e-3]) * TC          # E << Δ(T)
    d0 = E
    ratio = electron_rate(E, d0, T, 0.2, TC) / electron_rate(E, d0, T, 0.2, None)
    gap = ref.gap_over_Tc(t) * TC
    assert np.allclose(ratio, 2.0 / (1.0 + np.exp(gap / T)), rtol=1e-7)
    assert np.allclose(ratio, cf.superconducting_suppression(gap, T), rtol=1e-7)
    assert np.allclose(electron_rate(E, d0, T, 0.2, TC), ref.electron_rate(E, d0, T, 0.2, TC), rtol=1e-7)


def test_suppression_is_continuous_at_tc_and_vanishes_at_low_T():
    assert superconducting_factor(TC * (1 - 1e-8), TC) == pytest.approx(1.0, abs=1e-3)
    assert superconducting_factor(TC, TC) == 1.0
    assert superconducting_factor(0.1 * TC, TC) == pytest.approx(2 * np.exp(-cf.DELTA0_OVER_TC * 10), rel=1e-6)


@pytest.mark.parametrize("Tc", [None, TC])
def test_detailed_balance_1mK_to_10K(Tc):
    mat = with_fields(MAT, Tc_K=Tc)
    E = np.geomspace(1e-4, 50.0, 200)
    spec = _spectrum(E, 0.5 * E)
    for T in np.geomspace(1e-3, 10.0, 13):
        rs = build_rates(spec, mat, [Electron()], T)
        ok = rs.K > 0
        assert np.all(np.isfinite(rs.K)) and np.all(rs.K >= 0)
        assert np.allclose(rs.log_k_up[ok] - rs.log_k_down[ok], -E[ok] / T, rtol=1e-12, atol=1e-9)
        assert np.allclose((rs.k_up + rs.k_down)[ok], rs.K[ok], rtol=1e-12)


def test_channel_is_registered_and_uses_delta0_over_E():
    assert RATE_CHANNELS["electron"] is Electron
    E = np.array([1.0, 2.0])
    spec = _spectrum(E, [0.5, 2.0])
    out = np.zeros(2)
    Electron().add_rate(spec, with_fields(MAT, Tc_K=None), 0.5, out)
    assert np.allclose(out, electron_rate(E, [0.5, 2.0], 0.5, MAT.electron_coupling))


# --- electronic thermal expansion ----------------------------------------------------------

def test_alpha_e_normal_state_is_linear_with_ggp_slope():
    nu, B = MAT.nu_F_per_J_m3, MAT.bulk_modulus_Pa
    T = np.array([2.7, 3.0, 5.0, 10.0])
    a = alpha_e(T, nu, B, TC)
    slope = 2 * np.pi**2 / 9 * nu * K_B**2 / B                     # GGP eq. 7.4
    assert np.allclose(a / T, slope, rtol=1e-12)
    assert np.allclose(a, cf.alpha_e_normal(T, nu, B), rtol=1e-12)
    assert np.allclose(alpha_e(T, nu, B, TC, lambda_prime=-1.0), 1.5 * a, rtol=1e-12)  # eq. 7.3


def test_alpha_e_superconducting_continuity_and_suppression():
    nu, B = MAT.nu_F_per_J_m3, MAT.bulk_modulus_Pa
    above, below = alpha_e([TC * (1 + 1e-9), TC * (1 - 1e-7)], nu, B, TC)
    assert below == pytest.approx(above, rel=1e-6)
    for t in (0.2, 0.5, 0.9):
        assert alpha_e(t * TC, nu, B, TC)[0] == pytest.approx(ref.alpha_e(t * TC, nu, B, TC), rel=1e-7)
    low = alpha_e(0.08 * TC, nu, B, TC)[0] / cf.alpha_e_normal(0.08 * TC, nu, B)
    assert low < 1e-7
    assert alpha_e(0.05 * TC, nu, B, TC)[0] / cf.alpha_e_normal(0.05 * TC, nu, B) < 1e-13
    assert low == pytest.approx(cf.entropy_ratio_low_T(0.08 * TC, TC), rel=0.12)


def test_electronic_heat_capacity():
    nu = MAT.nu_F_per_J_m3
    assert electronic_heat_capacity(3.0, nu, TC)[0] == pytest.approx(np.pi**2 / 3 * nu * K_B**2 * 3.0)
    assert electronic_heat_capacity(1.3, nu, TC)[0] == pytest.approx(ref.electron_heat_capacity(1.3, nu, TC),
                                                                     rel=1e-5)


# --- configuration -------------------------------------------------------------------------

def _table(**material):
    return {
        "run": {"name": "x", "n_tls": 2048, "seed": 1},
        "material": {"preset": "zrpd_glass", "P_bar_per_J_m3": 8e44, "nu_rad_s": 1e13, **material},
        "population": {"model": "tunneling", "delta_max_K": 5.0,
                       "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 30.0}},
        "rates": [{"kind": "electron"}],
        "measurement": [{"kind": "electronic_expansion", "temperatures_K": [1.0],
                         "times": {"start_s": 1e-6, "stop_s": 1.0, "num": 3}}],
    }


@pytest.mark.parametrize("field, value", [("Tc_K", -1.0), ("Tc_K", 0.0), ("Tc_K", 1e3),
                                          ("electron_coupling", 0.0), ("electron_coupling", 2.0),
                                          ("nu_F_per_J_m3", -1e47), ("nu_F_per_J_m3", 0.0)])
def test_bad_metal_fields_are_named(field, value):
    with pytest.raises(ConfigError, match=rf"scenario\.material\.{field}"):
        tlsmc.parse_scenario(_table(**{field: value}))


def test_missing_fields_are_named():
    table = _table()
    table["material"] = {"preset": "vitreous_silica"}
    with pytest.raises(ConfigError, match=r"material\.electron_coupling.*rate channel electron"):
        tlsmc.parse_scenario(table)
    table["rates"] = [{"kind": "one_phonon"}]
    with pytest.raises(ConfigError, match=r"material\.nu_F_per_J_m3.*electronic_expansion"):
        tlsmc.run(tlsmc.parse_scenario(table))
    with pytest.raises(ConfigError, match=r"material\.Tc_K"):
        Electron().check_material(with_fields(MAT, Tc_K=-2.0))
    with pytest.raises(ConfigError, match=r"material\.electron_coupling"):
        Electron().check_material(with_fields(MAT, electron_coupling=-0.1))
