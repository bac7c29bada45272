"""Metallic glass (issue 16): Monte Carlo against quadratures of the same model, by z-score.

Tunneling population relaxed by phonons and conduction electrons (normal above T_c = 2.6 K,
Black–Fulde suppressed below): C(T,t) from the STM quadrature with the independent electron
rate of tlsmc.analytic.quadrature.metals, and the electronic_expansion totals (α_TLS = 0 for
γ of random sign, C_TLS from the same quadrature, electrons from the Matsubara-gap reference).
Seeds are fixed; every |z| < 4.
"""
from __future__ import annotations

import numpy as np
import pytest

import tlsmc

TEMPS = [0.3, 0.8, 1.6, 2.4, 3.0]


@pytest.fixture(scope="module")
def electron_run():
    table = {
        "run": {"name": "z_metal", "n_tls": 4 * 65536, "seed": 1616, "chunk_size": 2 * 65536},
        "material": {"preset": "zrpd_glass", "P_bar_per_J_m3": 8e44, "nu_rad_s": 1e13},
        "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
                       "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 50.0}},
        "rates": [{"kind": "one_phonon"}, {"kind": "electron"}],
        "measurement": [{"kind": "heat_capacity", "temperatures_K": TEMPS,
                         "times": {"start_s": 1e-10, "stop_s": 1e4, "num": 8}},
                        {"kind": "electronic_expansion", "temperatures_K": TEMPS,
                         "times": {"start_s": 1e-10, "stop_s": 1e4, "num": 8}}],
        "comparison": {"analytic": True},
    }
    return tlsmc.run(tlsmc.parse_scenario(table)).comparison


@pytest.mark.parametrize("observable", ["C", "C_step", "C_eq", "alpha_total", "C_total",
                                        "Gamma_total"])
def test_z_scores(electron_run, observable):
    rows = electron_run[electron_run["observable"] == observable]
    assert len(rows) >= len(TEMPS)
    assert np.all(rows["mc_stderr"] > 0) and np.all(np.isfinite(rows["z"]))
    assert np.max(np.abs(rows["z"])) < 4.0, rows[["T_K", "t_s", "mc", "exact", "z"]]


def _model(rates, **material):
    from tlsmc.comparison.tunneling import quadrature_model
    table = {
        "run": {"name": "z_metal", "n_tls": 2048, "seed": 1},
        "material": {"preset": "zrpd_glass", "P_bar_per_J_m3": 8e44, "nu_rad_s": 1e13, **material},
        "population": {"model": "tunneling", "delta_max_K": 20.0, "delta_knee_K": 1e-3,
                       "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 50.0}},
        "rates": [{"kind": r} for r in rates],
        "measurement": [{"kind": "heat_capacity", "temperatures_K": [1.0],
                         "times": {"start_s": 1e-10, "stop_s": 1e4, "num": 8}}],
    }
    return quadrature_model(tlsmc.parse_scenario(table))


def test_electrons_freeze_out_below_tc(electron_run):
    """Far below T_c (0.3 K = 0.12 T_c) the electron channel is frozen out: C(T,t) equals the
    phonon-only one, while a normal metal (no T_c) relaxes much faster (larger C at short t)."""
    from tlsmc.analytic.quadrature import stm
    t = np.geomspace(1e-10, 1e4, 8)
    sc = electron_run[(electron_run["observable"] == "C") & (electron_run["T_K"] == 0.3)]
    sc = sc.sort_values("t_s")["exact"].to_numpy()
    phonon = stm.heat_capacity(_model(["one_phonon"]), 0.3, t)
    normal = stm.heat_capacity(_model(["one_phonon", "electron"], Tc_K=None), 0.3, t)
    assert np.allclose(sc, phonon, rtol=1e-3)
    assert np.all(normal > 1.1 * phonon)


def test_z_scores_would_catch_a_factor_of_two_in_the_electron_rate(electron_run):
    """Teeth: the exact C with the electron rate doubled differs from the MC by |z| > 6 above T_c."""
    from tlsmc.analytic.quadrature import stm
    model = _model(["one_phonon", "electron"], electron_coupling=0.4)
    rows = electron_run[(electron_run["observable"] == "C") & (electron_run["T_K"] == 3.0)]
    wrong = stm.heat_capacity(model, 3.0, rows["t_s"].to_numpy())
    z = (rows["mc"].to_numpy() - wrong) / rows["mc_stderr"].to_numpy()
    assert np.max(np.abs(z)) > 6
