"""Luminescence yield with vibration-assisted tunneling quenching (PHYSICS §11, TF eq. 38)."""
from __future__ import annotations

import numpy as np
import pytest

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.population import sample_population
from tlsmc.rates import build_rates
from tlsmc.rates.tf import tf_parameters
from tlsmc.rates.vibrations import J1_debye
from tlsmc.seeding import plan_chunks, seed_entropy
from tlsmc.spectrum import solve_spectrum


def _table(M=1460.0, J_str=20.0, **meas):
    m = {"kind": "luminescence", "temperatures_K": [1.0, 100.0, 250.0, 300.0], "tau_r_s": 1e-6,
         "E_min_K": 1800.0}
    m.update(meas)
    return {"run": {"name": "l", "n_tls": 65536, "seed": 3, "chunk_size": 65536},
            "material": {"preset": "tf1982", "tf_mass_amu": M},
            "population": {"model": "tunneling", "delta_max_K": 2000.0, "delta_sampling": "uniform",
                           "J0": {"distribution": "structural", "J_str": J_str, "J_max": J_str + 2}},
            "rates": [{"kind": "tf_nondiagonal", "vibration": "debye"}],
            "measurement": [m], "comparison": {"analytic": False}}


def _yield(table):
    o = tlsmc.run(tlsmc.parse_scenario(table)).observables
    return o.T_K.values, o.value.values, o.stderr.values


@pytest.mark.parametrize("changes, message", [
    ({"tau_r_s": -1.0}, "scenario.measurement[0].tau_r_s must be > 0 and <= 1e+06 s (got -1)"),
    ({"tau_r_s": 0.0}, "scenario.measurement[0].tau_r_s must be > 0"),
    ({"E_min_K": -1.0}, "scenario.measurement[0].E_min_K must be >= 0 K (got -1)"),
    ({"nonradiative": "up"}, "scenario.measurement[0].nonradiative must be one of down, total"),
])
def test_bad_input_rejected_by_name(changes, message):
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(_table(**changes))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_needs_a_tf_channel():
    t = _table()
    t["rates"] = [{"kind": "one_phonon"}]
    t["material"] = {"preset": "vitreous_silica"}
    with pytest.raises(ConfigError, match="scenario.rates must include tf_nondiagonal"):
        tlsmc.parse_scenario(t)


def test_limits():
    """yield -> 1 as τ_r K_nr -> 0; -> ⟨1/(τ_r K↓)⟩ (weights normalised) when τ_r K ≫ 1."""
    _, y, _ = _yield(_table(tau_r_s=1e-30))
    assert np.all(y > 1 - 1e-9) and np.all(y <= 1)
    t = _table(tau_r_s=1e3)
    T, y, err = _yield(t)
    sc = tlsmc.parse_scenario(t)
    cfg = sc.run
    chunk = plan_chunks(cfg.n_tls, cfg.chunk_size)[0]
    pop = sample_population(sc.population, sc.material, seed_entropy(cfg.seed), chunk, cfg.n_tls)
    sp = solve_spectrum(pop, sc.material)
    w = np.where(sp.E_K >= 1800.0, pop.weight, 0.0)
    for Ti, yi in zip(T, y):
        kd = build_rates(sp, sc.material, sc.rates, Ti).k_down
        assert np.min(1e3 * kd[w > 0]) > 1e4
        ref = np.sum(w / (1e3 * kd)) / np.sum(w)
        assert yi == pytest.approx(ref, rel=1e-4, abs=0.0)
    # K↓ vs total K: they differ by 1 + e^{-E/T}; at E ≥ 1800 K, T = 300 K by < 0.3 %
    _, y_tot, _ = _yield(_table(tau_r_s=1e3, nonradiative="total"))
    assert np.all(y_tot <= y) and y_tot[-1] == pytest.approx(y[-1], rel=3e-3, abs=0.0)


def test_inverse_arrhenius_slope_is_dJ1_dT():
    """Narrow E, τ_r K ≫ 1: −d ln I/dT = dJ1/dT (TF eq. 38 with eq. 30); T0 ∝ M."""
    T, y, err = _yield(_table())
    sc = tlsmc.parse_scenario(_table())
    J = J1_debye(T, tf_parameters(sc.material, "test"))
    slope = -np.diff(np.log(y)) / np.diff(T)
    np.testing.assert_allclose(slope[1:], (np.diff(J) / np.diff(T))[1:], rtol=0.02)
    T0 = 1.0 / slope[-1]
    assert 26.0 < T0 < 30.0                         # TF's g-As2S3 T0 ≈ 28 K at M ≈ 1460 amu
    T2, y2, _ = _yield(_table(M=2 * 1460.0))
    T0_2 = 1.0 / (-np.diff(np.log(y2)) / np.diff(T2))[-1]
    assert T0_2 / T0 == pytest.approx(2.0, rel=0.02)
