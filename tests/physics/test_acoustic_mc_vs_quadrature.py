"""Acoustic response: MC vs the independent quadrature (z-scores), closed forms in their
regimes, plateau and T = 0 values (PHYSICS §10)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import acoustics as cf
from tlsmc.comparison.acoustics import NUMERICAL_RTOL, acoustic_quadrature
from tlsmc.analytic.quadrature.acoustics import acoustic_exact

TABLE = {
    "run": {"name": "z_acoustic", "n_tls": 131072, "seed": 303, "chunk_size": 65536},
    "material": {"preset": "vitreous_silica"},
    "population": {"model": "tunneling", "delta_max_K": 5.0, "delta_knee_K": 1e-4,
                   "J0": {"distribution": "uniform", "J_min": 1.0, "J_max": 45.0}},
    "rates": [{"kind": "one_phonon"}],
    "measurement": [{"kind": "acoustic", "frequencies_Hz": [1e6, 1e9],
                     "temperatures_K": [0.02, 0.3, 3.0], "T_ref_K": 0.3}],
    "comparison": {"analytic": True},
}


@pytest.fixture(scope="module")
def comparison():
    return tlsmc.run(tlsmc.parse_scenario(TABLE)).comparison


def test_every_part_within_4_sigma(comparison):
    c = comparison
    assert len(c) == 3 * 3 * 2 * 3 * 2 and c.mc.notna().all() and c.exact.notna().all()
    for part in ("resonant", "relaxation", "total"):
        assert (c.part == part).sum() == 36
    # zero-variance rows (the shell estimator is exact for constant ñ): relative agreement
    tiny = c.mc_stderr <= 1e-7 * c.exact.abs()
    rel = ((c.mc - c.exact) / c.exact.abs().where(c.exact != 0, 1.0)).abs()
    assert (rel[tiny] < 1e-5).all(), c[tiny & (rel >= 1e-5)]
    z = c.z[~tiny].abs()
    assert (z < 4).all(), c[~tiny][z >= 4]
    # the velocity really has statistical error here (Δ_max = 5 K cuts the shell)
    vel = c[(c.observable == "dv_over_v") & (c.part == "resonant") & (c.T_K == 3.0)]
    assert (vel.mc_stderr > 1e-6 * vel.exact.abs()).all()


def test_structural_sharp_j0_within_4_sigma():
    """A structural 'sharp' J0 (uniform on [J_str, J_max]): every row of MC vs quadrature."""
    t = dict(TABLE, run=dict(TABLE["run"], n_tls=65536),
             population=dict(TABLE["population"],
                             J0={"distribution": "structural", "J_str": 3.0, "J_max": 40.0}),
             measurement=[dict(TABLE["measurement"][0], temperatures_K=[0.3, 3.0])])
    c = tlsmc.run(tlsmc.parse_scenario(t)).comparison
    assert len(c) == 2 * 2 * 2 * 3 * 3 and c.exact.notna().all()
    tiny = c.mc_stderr <= 1e-7 * c.exact.abs()       # zero-variance shell rows: numerics only
    assert ((c.mc - c.exact)[tiny].abs() <= NUMERICAL_RTOL * c.exact[tiny].abs()).all()
    assert (c.z[~tiny].abs() < 4).all(), c[~tiny][c.z[~tiny].abs() >= 4]


@pytest.fixture(scope="module")
def wide():
    t = dict(TABLE, population={"model": "tunneling", "delta_max_K": 1e4, "delta_knee_K": 1e-4,
                                "J0": {"distribution": "uniform", "J_min": 0.0, "J_max": 80.0}})
    sc = tlsmc.parse_scenario(t)
    m = sc.material
    return acoustic_quadrature(sc), m


def _C(m, pol="l"):
    g, v = getattr(m, f"gamma_{pol}_eV") * 1.602176634e-19, getattr(m, f"v_{pol}_m_s")
    return m.P_bar_per_J_m3 * g * g / (m.density_kg_m3 * v * v), g, v


def test_resonant_T0_is_pi_C(wide):
    q, m = wide
    C, g, v = _C(m)
    ex = acoustic_exact(q, 1e9, 1e-4, 1.0, m.gamma_l_eV, m.density_kg_m3, v)
    assert ex[("Q_inv", "resonant")] == pytest.approx(math.pi * C, rel=1e-6)
    assert ex[("attenuation", "resonant")] == pytest.approx(math.pi * C * 2e9 * math.pi / v,
                                                            rel=1e-6)


def test_relaxation_plateau(wide):
    q, m = wide
    C, g, v = _C(m)
    omega, T = 2 * math.pi * 1e3, 3.0
    assert cf.plateau_regime(omega, q.a_rate, T, q.d0_min, q.d0_max, q.delta_max_K)
    ex = acoustic_exact(q, 1e3, T, 1.0, m.gamma_l_eV, m.density_kg_m3, v)
    assert ex[("Q_inv", "relaxation")] == pytest.approx(0.5 * math.pi * C, rel=1e-2)


def test_relaxation_low_T_cubic_law(wide):
    q, m = wide
    C, g, v = _C(m)
    for f, T in ((1e9, 0.01), (1e8, 0.005)):
        omega = 2 * math.pi * f
        assert cf.low_T_regime(omega, q.a_rate, T, q.d0_max, q.delta_max_K)
        ex = acoustic_exact(q, f, T, 1.0, m.gamma_l_eV, m.density_kg_m3, v)
        assert ex[("Q_inv", "relaxation")] == pytest.approx(cf.low_T_Q_inv(C, q.a_rate, T, omega),
                                                            rel=2e-3)
        # l⁻¹ independent of ω in this regime
        assert ex[("attenuation", "relaxation")] == pytest.approx(
            math.pi**4 * C * q.a_rate * T**3 / (12 * v), rel=2e-3)


@pytest.mark.parametrize("f, T", [(1e9, 0.01), (1e9, 0.1), (1e7, 0.02), (1e6, 2.0)])
def test_velocity_digamma_and_log(wide, f, T):
    q, m = wide
    C, g, v = _C(m)
    w = 1.054571817e-34 * 2 * math.pi * f / 1.380649e-23
    ex = acoustic_exact(q, f, T, 1.0, m.gamma_l_eV, m.density_kg_m3, v)[("dv_over_v", "resonant")]
    assert cf.velocity_regime(w, T, 1.0, q.d0_min, q.d0_max, q.delta_max_K)
    assert ex == pytest.approx(cf.digamma_velocity(C, w, T, 1.0), rel=1e-5)
    if cf.log_regime(w, T, 1.0, q.d0_min, q.d0_max, q.delta_max_K):
        assert ex == pytest.approx(C * math.log(T), rel=1e-3)


def test_closed_form_columns_in_regime(comparison):
    c = comparison.dropna(subset=["closed_form"])
    assert len(c) > 0
    res = c[c.part == "resonant"]
    assert np.allclose(res.exact, res.closed_form, rtol=2e-4, atol=0)


@pytest.mark.parametrize("amplitude, width", [(20.0, 0.5), (5.0, 3.0)])
def test_peaked_structural_j0_within_4_sigma(amplitude, width):
    """A peaked structural J0, pdf = 1 + A e^{−(J0 − J_str)/w} (Δ0max = 0.29 K between ħω at
    1 and 10 GHz): every row of MC vs the quadrature (which integrates the peak itself, over θ
    and J0), and the peak really moves the resonant rows (by ≫ their error bars)."""
    from dataclasses import replace
    t = dict(TABLE, run=dict(TABLE["run"], n_tls=32768),
             population={"model": "tunneling", "delta_max_K": 2.0, "delta_knee_K": 1e-4,
                         "J0": {"distribution": "structural", "J_str": 12.5, "J_max": 40.0,
                                "shape": "peaked", "peak_amplitude": amplitude,
                                "peak_width": width}},
             measurement=[dict(TABLE["measurement"][0], frequencies_Hz=[1e9, 1e10],
                               temperatures_K=[0.05, 3.0], polarizations=["l"])])
    sc = tlsmc.parse_scenario(t)
    c = tlsmc.run(sc).comparison
    assert len(c) == 2 * 2 * 3 * 3 and c.exact.notna().all() and c.closed_form.isna().all()
    tiny = c.mc_stderr <= 1e-7 * c.exact.abs()
    assert ((c.mc - c.exact)[tiny].abs() <= NUMERICAL_RTOL * c.exact[tiny].abs()).all()
    assert (c.z[~tiny].abs() < 4).all(), c[~tiny][c.z[~tiny].abs() >= 4]
    q = acoustic_quadrature(sc, peaked=True)
    flat = replace(q, peak_A=0.0)
    m = sc.material
    res = c[(c.part == "resonant") & (c.observable != "Q_inv") & (c.exact != 0)]
    assert len(res) == 8
    for r in res.itertuples():
        sharp = acoustic_exact(flat, r.f_Hz, r.T_K, 0.3, m.gamma_l_eV, m.density_kg_m3,
                               m.v_l_m_s)[(r.observable, "resonant")]
        assert abs(r.exact - sharp) > 10 * r.mc_stderr, r


def test_velocity_with_delta0_max_just_above_hbar_omega():
    """Δ0max = 0.0512 K, 7 % above ħω(1 GHz): the quadrature's breakpoints Δmax and
    hypot(Δmax, Δ0min) are 1e-14 apart, which made QUADPACK fail silently (velocity 15 % off,
    z = −13) until kinks() merged them."""
    t = dict(TABLE, run=dict(TABLE["run"], n_tls=16384),
             population={"model": "tunneling", "delta_max_K": 2.0, "delta_knee_K": 1e-4,
                         "J0": {"distribution": "structural", "J_str": 16.0, "J_max": 40.0}},
             measurement=[dict(TABLE["measurement"][0], frequencies_Hz=[1e9],
                               temperatures_K=[0.05, 3.0], polarizations=["l"])])
    c = tlsmc.run(tlsmc.parse_scenario(t)).comparison
    v = c[(c.observable == "dv_over_v") & (c.part == "resonant")]
    assert len(v) == 2 and (v.mc_stderr > 0).all()
    assert (v.z.abs() < 4).all(), v
