"""Acoustic measurement with TF channels (TF §4, PHYSICS §10): validation, the Net kernel
against TF eq. 22 per TLS, conventions, MC against the independent quadrature."""
from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

import tlsmc
from tlsmc.analytic.closed_forms import tf1982_sound as cf
from tlsmc.analytic.quadrature.tf_acoustics import sideband_sum, resonant_sum, coupling_volume
from tlsmc.comparison.tf_acoustics import tf_sound_quadrature
from tlsmc.config import ConfigError
from tlsmc.measurements.tf_sound import (debye_velocity, shell_zero_phonon, sideband_net,
                                         sound_coupling)
from tlsmc.rates.vibrations import TFParameters
from tlsmc.units import HBAR, K_B, PI

SCENARIO = Path(__file__).parents[1] / "scenarios" / "tf1982_acoustics.toml"
P = TFParameters.tf1982()


def _table(**measurement):
    t = tomllib.loads(SCENARIO.read_text())
    t["measurement"][0].update(measurement)
    return t


@pytest.mark.parametrize("edit, message", [
    (lambda t: t["rates"].append({"kind": "tf_nondiagonal"}),
     "scenario.rates must be one TF channel alone"),
    (lambda t: t["measurement"][0].update(temperatures_K=[1.0, 301.0]),
     "scenario.measurement[0].temperatures_K[1] must be <= 300 K"),
    (lambda t: t["material"].pop("v_t_m_s"), "v_t_m_s"),
    (lambda t: (t.update(rates=[{"kind": "tf_nondiagonal"}]),
                t["measurement"][0].update(temperatures_K=[1.0, 2000.0])),
     "scenario.measurement[0].temperatures_K[1] = 2000 K is too hot for rate channel"),
    (lambda t: t["measurement"][0].update(polarizations=["l", "q"]),
     "scenario.measurement[0].polarizations[1] must be one of"),
    (lambda t: t["measurement"][0].update(frequencies_Hz=[-1.0]),
     "scenario.measurement[0].frequencies_Hz[0] must be > 0"),
])
def test_bad_input_rejected_by_name(edit, message):
    t = _table()
    edit(t)
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_net_is_tf_eq22_per_tls():
    """The one-phonon Debye Net (tf_nondiagonal) equals TF eq. 22 read signed, l1(ħω) − l1(−ħω),
    for TLSs below and above ħω; the unsigned |x|³ reading does not."""
    E = np.array([0.05, 0.3, 0.69, 0.71, 1.5, 40.0])
    V = np.full(E.size, 1e-10)
    for T, hw in ((0.3, 0.7), (2.0, 0.01), (0.05, 0.2)):
        net = sideband_net(E, E, V, T, [hw], P, "tf_nondiagonal")[:, 0]
        ref = cf.eq22_net(E, hw, T, V, P)
        np.testing.assert_allclose(net, ref, rtol=1e-10)
    x = E - 0.7
    unsigned = np.abs(x) ** 3 / -np.expm1(-np.abs(x) / 0.3)     # the |ΔE − ħω| reading
    signed = x**3 / -np.expm1(-x / 0.3)
    assert np.max(np.abs(unsigned / signed - 1)) > 0.5


def test_net_finite_at_extremes():
    """E/T and ħω/T up to 1e5 and near-zero transfers give finite, non-negative Net."""
    E = np.array([1e-9, 0.02, 0.020000001, 1e3, 5e3])
    net = sideband_net(E, E, np.full(5, 1e-10), 0.05, [0.02, 5e3], P)
    assert np.all(np.isfinite(net)) and np.all(net >= 0)


def test_coupling_matches_independent_form():
    q = tf_sound_quadrature(tlsmc.parse_scenario(_table()))
    v_D = debye_velocity(q.v_l, q.v_t)
    for pol in ("l", "t"):
        v = q.v_l if pol == "l" else q.v_t
        for omega in (2 * PI * 1e8, 0.05 * P.omega_D_rad_s, 0.9 * P.omega_D_rad_s):
            a = sound_coupling(omega, pol, v, v_D, P)     # ultrasound and thermal phonons
            assert a == pytest.approx(coupling_volume(q, omega, pol), rel=1e-9)
    # l + 2t with one velocity is TF eq. 14's 2(1 − sin(ka)/ka) (the bath's coupling density)
    x = 2.0
    omega = x * v_D * P.omega_D_rad_s / (PI * v_D)         # ka = x with a = π/q_D
    tot = sound_coupling(omega, "l", v_D, v_D, P) + 2 * sound_coupling(omega, "t", v_D, v_D, P)
    q_D = P.omega_D_rad_s / v_D
    assert tot == pytest.approx(HBAR * P.J1_per_m**2 / (8 * P.mass_kg * omega) * 6 * PI**2
                                / q_D**3 * 2 * (1 - math.sin(x) / x), rel=1e-12)
    # c_l per atom = (π²/40) R (ω/ω_D) (v_D/v_l)²: TF eq. 21's γ times R/2
    v_D = debye_velocity(q.v_l, q.v_t)
    q_D = P.omega_D_rad_s / v_D
    per_atom = sound_coupling(1e9, "l", q.v_l, v_D, P) / (6 * PI**2 / q_D**3)
    assert per_atom == pytest.approx(PI**2 / 40 * P.R * 1e9 / P.omega_D_rad_s
                                     * (v_D / q.v_l) ** 2, rel=1e-8)   # (ka)² ≈ 1e-8


def test_shell_zero_phonon_unbiased_for_peaked_j0():
    """Mean of x_i over J0 drawn from a peaked structural pdf = the J0 integral (quadrature)."""
    t = _table()
    t["population"]["J0"].update(shape="peaked", peak_amplitude=30.0, peak_width=0.7)
    sc = tlsmc.parse_scenario(t)
    rng = np.random.default_rng(5)
    n = 40000
    J0 = sc.population.J0.sample(rng, n)
    V = P.V0_K * np.exp(-0.5 * J0)
    scale = 0.5 * sc.material.P_bar_per_J_m3 * K_B * sc.population.J0.norm / n
    hw = HBAR * 2 * PI * 1e8 / K_B
    x = shell_zero_phonon(V, [hw], sc.population.delta_max_K, scale)[:, 0]
    q = tf_sound_quadrature(sc)
    exact = resonant_sum(q, hw, 1.0) / (2 * PI * K_B / HBAR * math.exp(
        float(__import__("tlsmc.analytic.quadrature.multiphonon", fromlist=["J1"]).J1(1.0, P)))
        * math.tanh(0.5 * hw / 1.0))
    se = math.sqrt(n) * x.std()
    assert abs(x.sum() - exact) < 4 * se


@pytest.mark.parametrize("kind, temps", [("tf_nondiagonal", [0.3, 3.0]),
                                         ("tf_multiphonon", [1.0])])
def test_mc_against_quadrature(kind, temps):
    """Every part, both polarizations: |z| < 4 (small N; quadrature independent of the MC)."""
    t = _table(frequencies_Hz=[1e8], temperatures_K=temps)
    t["rates"] = [{"kind": kind}]
    t["run"].update(n_tls=6000)
    sc = tlsmc.parse_scenario(t)
    res = tlsmc.run(sc)
    c = res.comparison
    c = c[c.observable == "attenuation"]
    assert set(c.part) == {"resonant", "sideband", "total"} and len(c) == 6 * len(temps)
    assert np.all(np.isfinite(c.z)) and c.z.abs().max() < 4.0, c[["T_K", "part", "mc", "exact", "z"]]
    # the sideband is the part that carries the rates: it must be resolved, not zero
    sb = c[c.part == "sideband"]
    assert np.all(sb.mc_stderr < 0.2 * sb.mc)


def test_einstein_vibration_runs_without_quadrature():
    """tf_nondiagonal with eq. 7's J_eff: rows for every part; no quadrature (a note says so)."""
    t = _table(frequencies_Hz=[1e8], temperatures_K=[2.0, 60.0], polarizations=["t"])
    t["rates"] = [{"kind": "tf_nondiagonal", "vibration": "einstein"}]
    t["run"].update(n_tls=3000)
    res = tlsmc.run(tlsmc.parse_scenario(t))
    df = res.to_dataframe()
    a = df[df.observable == "attenuation"]
    assert len(a) == 6 and np.all(np.isfinite(a.value)) and np.all(a.value > 0)
    assert "Debye vibration model only" in res.metadata["comparison_note"]
