"""Thermal conductivity with TF-channel scattering (PHYSICS §10–§11, TF eqs. 35–37)."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import tf_conduction as tc
from tlsmc.analytic.quadrature.tf_conduction import TFConductionQuad
from tlsmc.comparison import comparison_table
from tlsmc.comparison.conduction import EQ37_TOLERANCE as tc_tol
from tlsmc.config import ConfigError
from tlsmc.rates.tf import tf_parameters
from tlsmc.units import HBAR, K_B

S = 2500.0                                   # one sound velocity (TF eq. 35), m/s
BR = [("l", 1, S), ("t", 2, S)]
TABLE = {
    "run": {"name": "tfk", "n_tls": 16384, "seed": 11, "chunk_size": 65536},
    "material": {"preset": "tf1982", "v_l_m_s": S, "v_t_m_s": S},
    "population": {"model": "tunneling", "delta_max_K": 400.0, "delta_sampling": "loguniform",
                   "delta_knee_K": 1e-3,
                   "J0": {"distribution": "structural", "J_str": 50.0, "J_max": 70.0,
                          "shape": "sharp"}},
    "rates": [{"kind": "tf_nondiagonal", "vibration": "debye"}],
    "measurement": [{"kind": "thermal_conductivity", "tls_parts": ["tf"],
                     "temperatures_K": [2.0, 10.0]}],
    "comparison": {"analytic": True},
}


def _scenario(**changes):
    t = copy.deepcopy(TABLE)
    for k, v in changes.items():
        sect, _, key = k.partition("__")
        if sect == "measurement":
            t["measurement"][0][key] = v
        elif sect == "rates":
            t["rates"] = v
        else:
            t[sect][key] = v
    return tlsmc.parse_scenario(t)


def _setup(sc):
    p = tf_parameters(sc.material, "test")
    scale = sc.population.density_scale(sc.material)
    lo, hi = sc.population.J0.support
    return p, TFConductionQuad(p, "tf_nondiagonal", scale, lo, hi,
                               sc.population.delta_max_K, BR, S)


def test_eq36_constant_against_quadrature():
    """TF eq. 36 with the constant π²R/8 equals the independent quadrature of the Net formula
    (one-phonon ρ_D sideband: tf_nondiagonal, Debye J_eff) where the sideband matters (the
    correction changes κ by 1.06–2.9x at 5–15 K) to 1e-5; the OCR's π³R/8 fails."""
    p, q = _setup(_scenario())
    for T in (5.0, 10.0, 15.0):
        ex = q.kappa(T)["all"]
        cf = tc.kappa_eq36(T, BR, S, p, q.N_V)["all"]
        assert cf == pytest.approx(ex, rel=1e-5)
        bare = tc.kappa_eq36(T, BR, S, p, q.N_V, correction=False)["all"]
        assert bare / cf > 1.05                          # the correction is visible
    # the misprinted constant π³R/8 is π times the correction: far off at 10 K
    good = tc.Phi_eq36(10.0, p.R, p.theta_D_K)
    bad = tc.Phi_eq36(10.0, math.pi * p.R, p.theta_D_K)
    assert abs(bad / good - 1) > 0.2


def test_eq36_T2_limit():
    """Without the sideband Φ = 4π² (the T² law), and at 0.1 K the sideband is < 1e-6 of it:
    κ = (m/3) k_B/(2π²v²) (k_BT/ħ)² π²/(K_α Z N_V) ∝ T² e^{−J1(T)}."""
    p, q = _setup(_scenario())
    assert tc.Phi_eq36(0.1, p.R, p.theta_D_K, correction=False) == pytest.approx(tc.phi_T2(),
                                                                                rel=1e-8)
    assert tc.Phi_eq36(0.1, p.R, p.theta_D_K) == pytest.approx(tc.phi_T2(), rel=1e-6)
    k1 = tc.kappa_eq36(0.1, BR, S, p, q.N_V)["all"]
    k2 = tc.kappa_eq36(0.2, BR, S, p, q.N_V)["all"]
    from tlsmc.rates.vibrations import J1_debye
    ratio = 4.0 * math.exp(float(J1_debye(0.1, p)) - float(J1_debye(0.2, p)))
    assert k2 / k1 == pytest.approx(ratio, rel=1e-5)
    assert q.kappa(0.1)["all"] == pytest.approx(k1, rel=1e-5)


def test_mc_against_quadrature_and_eq36_z():
    """MC (tf_nondiagonal, Debye) against the independent quadrature, by z, and eq. 36."""
    sc = _scenario()
    res = tlsmc.run(sc)
    tab, _ = comparison_table(sc, res.observables)
    assert len(tab) == 6 and np.all(tab.mc_stderr > 0)
    assert np.all(np.abs(tab.z) < 4), tab
    assert np.all(np.isfinite(tab.closed_form))
    np.testing.assert_allclose(tab.closed_form, tab.exact, rtol=1e-5)
    o = res.observables
    b = o[o.observable == "kappa_bias"].value.values
    k = o[(o.observable == "kappa") & (o.polarization == "all")].stderr.values
    assert np.all(np.abs(b) < 0.1 * k)                 # the ratio bias


def test_mc_multiphonon_and_eq37():
    """tf_multiphonon: MC against the quadrature at 1 K (z) and against eq. 37 at 60 and 150 K,
    within the flat-G + steepest-descent error the regime states (0.1; scenario run: −6.6 %,
    −7.3 % ± 3 %);
    the Debye cut-off (common_omega) is in all three."""
    sc = _scenario(rates=[{"kind": "tf_multiphonon"}], population__delta_max_K=100.0,
                   measurement__temperatures_K=[1.0, 60.0, 150.0],
                   measurement__debye_cutoff="common_omega", run__n_tls=4096)
    res = tlsmc.run(sc)
    tab, _ = comparison_table(sc, res.observables)
    tab = tab[tab.polarization == "all"].sort_values("T_K")
    assert abs(tab.z.values[0]) < 4
    assert np.isnan(tab.exact.values[1:]).all()        # beyond the independent quadrature
    p = tf_parameters(sc.material, "test")
    rel = tab.mc.values[1:] / tab.closed_form.values[1:] - 1
    sig = tab.mc_stderr.values[1:] / tab.mc.values[1:]
    assert np.all(np.abs(rel) < tc_tol + 4 * sig), (rel, sig)
    # e^{-T/T0}: κ(150)/κ(60) follows e^{-(J2(150) − J2(60))} up to the power-law factors
    from tlsmc.rates.vibrations import J2_debye
    drop = math.log(tab.mc.values[1] / tab.mc.values[2])
    assert drop == pytest.approx(float(J2_debye(150.0, p) - J2_debye(60.0, p)), rel=0.02)


@pytest.mark.parametrize("changes, message", [
    ({"measurement__tls_parts": ["tf", "resonant"]}, "tls_parts: 'tf' excludes the other parts"),
    ({"rates": [{"kind": "one_phonon"}], "material__gamma_l_eV": 1.0, "material__gamma_t_eV": 0.6,
      "material__density_kg_m3": 2200.0}, "scenario.rates must include tf_nondiagonal or"),
])
def test_tf_rejected_by_name(changes, message):
    with pytest.raises(ConfigError) as exc:
        _scenario(**changes)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_scenario_loads_and_cutoff():
    sc = tlsmc.load_scenario("scenarios/tf1982_conductivity.toml")
    m = sc.measurement[0]
    assert m.tls_parts == ("tf",) and m.debye_cutoff == "common_omega"
    assert sc.material.theta_D_K * K_B / HBAR > 0


def test_lattice_factor_against_tf_sound():
    """r_α(ka) of the closed forms (own μ-quadrature) = tf_sound's coupling over its ka ≪ 1
    limit (MC side) to 1e-9; r → 1 at small ka, r_l(π) = 0.543."""
    from tlsmc.measurements.tf_sound import sound_coupling
    p = tf_parameters(_scenario().material, "test")
    qD = p.theta_D_K * K_B / HBAR / S
    for pol in ("l", "t"):
        w = np.geomspace(1e8, p.theta_D_K * K_B / HBAR, 25)
        ratio = sound_coupling(w, pol, S, S, p) / (tc.coupling_K(pol, S, S, p) * S * w)
        np.testing.assert_allclose(tc.lattice_factor(math.pi * w / (qD * S), pol), ratio,
                                   rtol=1e-9)
    assert tc.lattice_factor(1e-3, "l")[0] == pytest.approx(1.0, abs=1e-6)
    assert tc.lattice_factor(math.pi, "l")[0] == pytest.approx(0.543, abs=1e-3)
