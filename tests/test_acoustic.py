"""Acoustic measurement: validation, kernel, shell estimator, conventions (PHYSICS §10)."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tlsmc
from tlsmc._kernels.acoustics import relaxation_sums, relaxation_sums_numpy
from tlsmc.config import ConfigError
from tlsmc.measurements.acoustic import (pv_eval, pv_peak_eval, pv_peak_table, pv_table,
                                         shell_density, shell_model, shell_velocity)

ACOUSTIC = {"kind": "acoustic", "frequencies_Hz": [1e6, 1e9], "temperatures_K": [0.01, 0.3],
            "T_ref_K": 0.3, "polarizations": ["l", "t"]}


def _table(base_table, **changes):
    t = copy.deepcopy(base_table)
    t["measurement"] = [dict(ACOUSTIC, **changes)]
    return t


@pytest.mark.parametrize("changes, message", [
    ({"frequencies_Hz": [1e6, -1]},
     "scenario.measurement[0].frequencies_Hz[1] must be > 0 and <= 1e+13 Hz (got -1)"),
    ({"frequencies_Hz": [0.0]}, "scenario.measurement[0].frequencies_Hz[0] must be > 0"),
    ({"polarizations": ["l", "x"]}, "scenario.measurement[0].polarizations[1] must be one of"),
    ({"temperatures_K": [0.1, -2.0]}, "scenario.measurement[0].temperatures_K[1] must be > 0 K"),
    ({"T_ref_K": 0.0}, "scenario.measurement[0].T_ref_K must be > 0"),
])
def test_bad_input_rejected_by_name(base_table, changes, message):
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(_table(base_table, **changes))
    assert message in str(exc.value) and "\n" not in str(exc.value)


PEAKED = {"distribution": "structural", "J_str": 12.5, "J_max": 40.0, "shape": "peaked",
          "peak_amplitude": 20.0, "peak_width": 0.5}


def test_peaked_j0_accepted_but_conduction_still_refuses(base_table):
    """acoustic and dielectric evaluate the peak (pv_peak_table); the conduction kernel's
    resonant part assumes pdf = 1 on the shell and must still refuse it, at load time."""
    t = _table(base_table)
    t["population"]["J0"] = dict(PEAKED)
    sh = shell_model(tlsmc.parse_scenario(t), peaked=True)
    assert sh.peak_A == 20.0 and sh.peak_p == pytest.approx(4.0)
    t["material"].update(dipole_debye=1.0, eps_r=3.8)
    t["measurement"] = [{"kind": "dielectric", "frequencies_Hz": [5e9], "temperatures_K": [0.1],
                         "T_ref_K": 0.1}]
    tlsmc.parse_scenario(t)
    t["measurement"] = [{"kind": "thermal_conductivity", "temperatures_K": [0.1, 1.0]}]
    with pytest.raises(ConfigError, match="population.J0.shape must be 'sharp' for the"):
        tlsmc.parse_scenario(t)


@pytest.mark.parametrize("p", [40.0, 4.0, 2.0 / 3.0])
def test_pv_peak_table_against_quad(p):
    """G_p(E)/b0^p = P∫_0^E (E'/b0)^p F by the scaled table vs scipy's Cauchy-weight quad,
    p = 2/w up to the narrowest peak (w = 0.05), E on both sides of and inside the pole window."""
    from scipy import integrate
    w, T, Tr = 0.05, 0.02, 0.3
    tab = pv_peak_table(w, T, Tr, p)
    for E, b0 in ((0.02, 0.025), (0.03, 0.04), (0.049, 0.05), (0.051, 0.06), (0.08, 0.1),
                  (0.2, 0.25), (1.0, 1.2)):
        def g(e):
            return (math.tanh(e / (2 * T)) - math.tanh(e / (2 * Tr))) * e / (e + w) * (e / b0) ** p
        opts = dict(epsabs=0.0, epsrel=1e-12, limit=500)
        if E < w:
            ref = integrate.quad(lambda e: g(e) / (e - w), 0, E, **opts)[0]
        else:
            top = min(E, 2 * w)
            ref = integrate.quad(g, 0, top, weight="cauchy", wvar=w, **opts)[0]
            if E > top:
                ref += integrate.quad(lambda e: g(e) / (e - w), top, E, **opts)[0]
        got = pv_peak_eval(tab, np.array([E]), np.array([math.log(b0)]))[0]
        assert got == pytest.approx(ref, rel=2e-5, abs=1e-12), (E, b0)


@pytest.mark.parametrize("width", [0.05, 0.5, 3.0])
def test_peaked_velocity_term_brute_force(base_table, width):
    """Per sample, y_i = P∫ P̄ pdf(J0*(E, s_i)) 1[E s_i ≤ Δmax] F(E) dE with the population's own
    pdf (not the power law of the estimator) integrated by scipy over the sample's E-window."""
    from scipy import integrate
    t = _table(base_table)
    t["population"] = {"model": "tunneling", "delta_max_K": 0.5, "delta_sampling": "uniform",
                       "J0": dict(PEAKED, peak_width=width)}
    sh = shell_model(tlsmc.parse_scenario(t), peaked=True)
    w, T, Tr = 0.048, 0.1, 0.3
    s = np.array([0.02, 0.3, 0.7, 0.95])
    y = shell_velocity(sh, s, pv_table(w, T, Tr), pv_peak_table(w, T, Tr, sh.peak_p))
    for si, yi in zip(s, y):
        u = math.sqrt(1 - si * si)

        def g(E):                  # integrand times (E − w)
            J = 2 * math.log(sh.two_hbar_nu_K / (E * u))
            return (sh.J0.pdf(J) * (math.tanh(E / (2 * T)) - math.tanh(E / (2 * Tr)))
                    * E / (E + w))
        a, b = sh.delta0_min_K / u, min(sh.delta0_max_K / u, sh.delta_max_K / si)
        opts = dict(epsabs=0.0, epsrel=1e-11, limit=800)
        lo, hi = max(a, 0.5 * w), min(b, 1.5 * w)
        ref = 0.0
        if lo < w < hi:
            ref += integrate.quad(g, lo, hi, weight="cauchy", wvar=w, **opts)[0]
            pieces = [(a, lo), (hi, b)]
        else:
            pieces = [(a, b)]
        for x0, x1 in pieces:
            if x1 > x0:
                ref += integrate.quad(lambda e: g(e) / (e - w), x0, x1, **opts)[0]
        assert yi / sh.P_bar_per_J_m3 == pytest.approx(ref, rel=2e-5, abs=1e-9), si


def test_kernel_matches_numpy():
    rng = np.random.default_rng(3)
    n, om = 5000, np.array([1e6, 1e9, 3e10])
    wD2, E = rng.random(n) * 1e20, rng.random(n) * 2
    K, Kr = 10 ** rng.uniform(-5, 12, n), 10 ** rng.uniform(-5, 12, n)
    K[:3] = 0.0
    x, y = rng.random((n, 3)), rng.random((n, 3))
    a, b = np.zeros((3, 6)), np.zeros((3, 6))
    relaxation_sums(wD2, E, K, Kr, 0.3, 1.0, om, x, y, a)
    relaxation_sums_numpy(wD2, E, K, Kr, 0.3, 1.0, om, x, y, b)
    np.testing.assert_allclose(a, b, rtol=1e-11)


def test_pv_table_against_quad():
    """G(E) = P∫_0^E F by the subtracted-pole table vs scipy's Cauchy-weight quad."""
    from scipy import integrate
    w, T, Tr = 0.05, 0.02, 0.3
    tab = pv_table(w, T, Tr)

    def g(E):
        return (math.tanh(E / (2 * T)) - math.tanh(E / (2 * Tr))) * E / (E + w)
    for E in (0.03, 0.08, 0.2, 3.0):
        if E < w:
            ref = integrate.quad(lambda e: g(e) / (e - w), 0, E, epsrel=1e-12)[0]
        else:
            top = min(E, 2 * w)
            ref = integrate.quad(g, 0, top, weight="cauchy", wvar=w, epsrel=1e-12)[0]
            if E > top:
                ref += integrate.quad(lambda e: g(e) / (e - w), top, E, epsrel=1e-12)[0]
        assert pv_eval(tab, np.array([E]))[0] == pytest.approx(ref, rel=1e-6, abs=1e-9)


def test_shell_estimator_unbiased_vs_histogram(base_table):
    """Shell estimator of ñ(E) vs a brute-force histogram of a huge box sample (wide bin)."""
    t = _table(base_table)
    t["population"] = {"model": "tunneling", "delta_max_K": 0.5, "delta_sampling": "uniform",
                       "J0": {"distribution": "uniform", "J_min": 12.0, "J_max": 15.0}}
    sc = tlsmc.parse_scenario(t)
    shell = shell_model(sc)
    rng = np.random.default_rng(11)
    lo, hi = 0.4, 0.6                       # Δ0 ∈ [0.084, 0.38] K, Δ ≤ 0.5 K: cut-offs bite
    n, sums = 4_000_000, np.zeros(2)
    for _ in range(4):                      # box: Δ ~ U[0, 0.5], J0 ~ U[12, 15]
        d = rng.uniform(0, 0.5, n)
        d0 = shell.two_hbar_nu_K * np.exp(-rng.uniform(12.0, 15.0, n) / 2)
        E = np.hypot(d, d0)
        w = shell.P_bar_per_J_m3 * 0.5 * 0.5 * 3.0       # (P̄/2) · box volume per sample
        x = w * (d0 / E) ** 2 * ((E > lo) & (E < hi)) / (hi - lo)
        sums += (x.sum(), (x * x).sum())
    N = 4 * n
    hist, hist_err = sums[0] / N, math.sqrt((sums[1] / N - (sums[0] / N) ** 2) / N)
    s = rng.random(200_000)
    Es = np.linspace(lo, hi, 201)[:-1] + 0.0005
    shell_vals = np.array([shell_density(shell, s, e).mean() for e in Es])
    est = shell_vals.mean()
    err = math.sqrt(np.mean([shell_density(shell, s, e).var() for e in Es]) / s.size)
    assert abs(est - hist) < 4 * math.hypot(hist_err, err), (est, hist, hist_err, err)
    assert est < 0.9 * shell.P_bar_per_J_m3      # the cut-offs do matter here


def _run(base_table, **pop):
    t = _table(base_table, frequencies_Hz=[1e9], temperatures_K=[1e-3, 0.3])
    t["population"].update(pop)
    t["run"]["n_tls"] = 20000
    return tlsmc.run(tlsmc.parse_scenario(t)).to_dataframe()


def test_zero_temperature_resonant_is_pi_C_and_energy_attenuation(base_table):
    """Q⁻¹_res(T → 0) = πC with C = P̄γ²/ρv² (Δ ≥ 0 only, γ = ½∂Δ/∂ε) and l⁻¹ = Q⁻¹ ω/v
    (energy, not amplitude, attenuation)."""
    df = _run(base_table)
    m = tlsmc.parse_scenario(base_table).material
    for pol in ("l", "t"):
        g, v = getattr(m, f"gamma_{pol}_eV") * 1.602176634e-19, getattr(m, f"v_{pol}_m_s")
        C = m.P_bar_per_J_m3 * g * g / (m.density_kg_m3 * v * v)
        sel = df[(df.polarization == pol) & (df.part == "resonant") & (df.T_K == 1e-3)]
        q = sel[sel.observable == "Q_inv"].value.item()
        att = sel[sel.observable == "attenuation"].value.item()
        assert q == pytest.approx(math.pi * C, rel=1e-9)
        assert att == pytest.approx(math.pi * C * 2 * math.pi * 1e9 / v, rel=1e-9)


SOFT = {"run": {"name": "soft_acoustic_validation", "n_tls": 65536, "seed": 1},
        "material": {"preset": "soft_glass"},
        "population": {"model": "soft", "E_max_K": 2.0, "depth_max": 14.0,
                       "energy_knee_K": 0.01},
        "rates": [{"kind": "one_phonon"}]}


@pytest.mark.parametrize("population, freqs, message", [
    ({"antithetic": True}, [1e9], "scenario.population.antithetic must be false for the "
                                  "acoustic measurement"),
    ({}, [1e9, 5e10], "scenario.measurement[0].frequencies_Hz[1] = 5e+10 Hz: ħω/k_B = 2.39962 K "
                      "must be < scenario.population.E_max_K = 2 K"),
    ({"E_max_K": 50.0}, [2.5e11], "scenario.measurement[0].frequencies_Hz[0] = 2.5e+11 Hz: "
                                  "ħω/k_B = 11.9981 K must be below the splitting of the "
                                  "shallowest symmetric well"),
    ({"depth_max": 6.0}, [1e6], "scenario.measurement[0].frequencies_Hz[0] = 1e+06 Hz: no soft "
                                "TLS with E = ħω above depth_max = 6"),
])
def test_soft_bad_input_rejected_by_name(population, freqs, message):
    t = copy.deepcopy(SOFT)
    t["population"].update(population)
    t["measurement"] = [dict(ACOUSTIC, frequencies_Hz=freqs)]
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert message in str(exc.value) and "\n" not in str(exc.value)
