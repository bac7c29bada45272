"""Dielectric measurement: validation, Rabi convention vs the Bloch equations, orientation
average, F → 0 limit, T = 0 value tan δ0 (PHYSICS §10)."""
from __future__ import annotations

import copy
import functools
import math

import numpy as np
import pytest
from scipy import integrate

import tlsmc
from tlsmc.config import ConfigError
from tlsmc.measurements import dielectric as dm
from tlsmc.measurements import dielectric_base
from tlsmc.units import DEBYE, EPS0

DIEL = {"kind": "dielectric", "frequencies_Hz": [5e9], "temperatures_K": [1e-3, 0.1],
        "T_ref_K": 0.1, "fields_V_m": [0.0, 1e-6, 100.0]}
MAT = {"preset": "vitreous_silica", "dipole_debye": 1.0, "eps_r": 3.8, "T2_s": 1e-6}


def _table(base_table, material=None, **changes):
    t = copy.deepcopy(base_table)
    t["material"] = dict(MAT, **(material or {}))
    t["measurement"] = [dict(DIEL, **changes)]
    return t


@pytest.mark.parametrize("material, changes, message", [
    (None, {"fields_V_m": [0.0, -1.0]}, "scenario.measurement[0].fields_V_m[1] must be >= 0"),
    (None, {"frequencies_Hz": [0.0]}, "scenario.measurement[0].frequencies_Hz[0] must be > 0"),
    (None, {"frequencies_Hz": [-5e9]}, "scenario.measurement[0].frequencies_Hz[0] must be > 0"),
    (None, {"fields_V_m": [1.0, 1.0]}, "scenario.measurement[0].fields_V_m has duplicates"),
    ({"T2_s": 0.0}, {}, "material.T2_s must be > 0"),
    ({"T2_s": -1e-6}, {}, "material.T2_s must be > 0"),
    ({"dipole_debye": -1.0}, {}, "material.dipole_debye must be > 0"),
    ({"eps_r": 0.5}, {}, "material.eps_r must be >= 1"),
    ({"T2_s": None}, {}, "material.T2_s is required by the dielectric measurement"),
])
def test_bad_input_rejected_by_name(base_table, material, changes, message):
    t = _table(base_table, material, **changes)
    if material and None in material.values():
        t["material"] = {k: v for k, v in t["material"].items() if v is not None}
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(t)
    assert message in str(exc.value) and "\n" not in str(exc.value), str(exc.value)


def test_weak_field_needs_no_T2(base_table):
    t = _table(base_table, fields_V_m=[0.0])
    t["material"].pop("T2_s")
    tlsmc.parse_scenario(t)


def test_orientation_factor_against_quad():
    for a in (0.0, 1e-7, 1e-4, 9.99e-4, 1e-3, 0.3, 3.0, 1e3, 1e8):
        ref = 3 * integrate.quad(lambda c: c * c / math.sqrt(1 + a * c * c), 0, 1,
                                 epsabs=0, epsrel=1e-12)[0]
        assert dm.orientation_factor(a) == pytest.approx(ref, rel=1e-10)
    assert dm.orientation_factor(np.inf) == 0.0


# --- Rabi convention: lab-frame Bloch equations (no rotating-wave approximation) -------
@functools.lru_cache(maxsize=None)   # the accuracy report reuses the Rabi test's integrations
def _bloch_power(eps, u, w0, w, T1, T2, periods=40):
    """Steady-state mean absorbed power ⟨∂H/∂t⟩ (ħ = 1) of H = ½ b·τ in the eigenbasis,
    b = (−2εu cos ωt, 0, w0 + 2εs cos ωt): H = ½ E τz + ε cos(ωt) σz, ε = pF cosθ,
    σz = (Δ/E) τz − (Δ0/E) τx, u = Δ0/E, s = Δ/E; T = 0 (z_eq = −1)."""
    s = math.sqrt(1 - u * u)

    def rhs(t, r):                  # dr/dt = b × r − relaxation, b_y = 0, written out
        c = math.cos(w * t)
        bx, bz = -2 * eps * u * c, w0 + 2 * eps * s * c
        x, y, z = r
        return np.array([-bz * y - x / T2, bz * x - bx * z - y / T2, bx * y - (z + 1.0) / T1])

    period = 2 * math.pi / w
    t_end = 12 * T1 + periods * period
    t0 = t_end - periods * period
    ts = np.linspace(t0, t_end, periods * 64 + 1)
    sol = integrate.solve_ivp(rhs, (0, t_end), [0.0, 0.0, -1.0], t_eval=ts, rtol=1e-9,
                              atol=1e-12, method="DOP853")
    r = sol.y
    db = np.array([2 * eps * u * w * np.sin(w * ts), 0 * ts, -2 * eps * s * w * np.sin(w * ts)])
    P = 0.5 * np.sum(db * r, axis=0)
    return integrate.trapezoid(P, ts) / (t_end - t0)


def _bloch_formula(omega_R, w, delta, T1, T2):
    """(ħω/2) tanh Ω²T2/(1 + δ²T2² + Ω²T1T2) at T = 0 (ħ = 1)."""
    return 0.5 * w * omega_R**2 * T2 / (1 + (delta * T2) ** 2 + omega_R**2 * T1 * T2)


@pytest.mark.parametrize("S, detune", [(0.05, 0.0), (1.0, 0.0), (10.0, 0.0), (1.0, 1.5)])
def test_rabi_convention_against_bloch_equations(S, detune):
    w0, T1, T2, u = 1.0, 300.0, 100.0, 0.6
    omega_R = math.sqrt(S / (T1 * T2))
    eps = omega_R / u                       # ħΩ_R = pF cosθ Δ0/E  <=>  Ω_R = ε u
    assert dm.rabi_frequency(eps, 1.0, u) * 1.054571817e-34 == pytest.approx(omega_R)
    w = w0 - detune * math.sqrt(1 + S) / T2
    P = _bloch_power(eps, u, w0, w, T1, T2)
    assert P == pytest.approx(_bloch_formula(omega_R, w, w0 - w, T1, T2), rel=0.03)
    if detune == 0.0 and S <= 1.0:        # the other convention ħΩ_R = 2pF cosθ Δ0/E fails
        wrong = _bloch_formula(2 * omega_R, w, 0.0, T1, T2)
        assert abs(P / wrong - 1) > 0.2


# --- estimator: F -> 0 limit and T = 0 value -------------------------------------------
WIDE = {"model": "tunneling", "delta_max_K": 1e4, "delta_knee_K": 1e-4,
        "J0": {"distribution": "uniform", "J_min": 0.0, "J_max": 60.0}}


def _run(base_table, **changes):
    t = _table(base_table, **changes)
    t["population"] = copy.deepcopy(WIDE)
    t["run"]["n_tls"] = 20000
    return tlsmc.run(tlsmc.parse_scenario(t)).to_dataframe()


def _tan_delta0(mat=MAT):
    p = mat["dipole_debye"] * DEBYE
    return math.pi * 8.0e44 * p * p / (3 * EPS0 * mat["eps_r"])


def _t0_ok(df):
    sel = df[(df.observable == "tan_delta") & (df.part == "resonant") & (df.T_K == 1e-3)
             & (df.field_V_m == 0.0)]
    return abs(sel.value.item() / _tan_delta0() - 1) < 1e-9


def test_zero_temperature_value_is_tan_delta0(base_table):
    """tan δ(T → 0, F = 0) = πP̄p²/(3ε0εr) = 2.77e-4 for P̄ = 8e44, p = 1 D, εr = 3.8."""
    assert _tan_delta0() == pytest.approx(2.7704e-4, rel=1e-4)
    assert _t0_ok(_run(base_table))


@pytest.mark.parametrize("fake", ["doubled_dipole", "missing_third"])
def test_wrong_factors_break_the_T0_test(base_table, monkeypatch, fake):
    real = dm.dielectric_constants

    def broken(*a, **k):
        p, eps, T2 = real(*a, **k)
        return (2 * p, eps, T2) if fake == "doubled_dipole" else (p, eps / 3, T2)
    monkeypatch.setattr(dielectric_base, "dielectric_constants", broken)   # the accumulator's
    assert not _t0_ok(_run(base_table))


def test_saturation_limit_F_to_zero(base_table):
    df = _run(base_table)
    res = df[(df.observable == "tan_delta") & (df.part == "resonant")]
    for T in (1e-3, 0.1):
        v = res[res.T_K == T].set_index("field_V_m").value
        assert v[1e-6] == pytest.approx(v[0.0], rel=1e-12)
        assert v[100.0] < 0.9 * v[0.0]          # and saturates at finite field
    unsat = res[(res.T_K == 0.1) & (res.field_V_m == 0.0)].value.item()
    w = 1.054571817e-34 * 2 * math.pi * 5e9 / 1.380649e-23
    assert unsat == pytest.approx(_tan_delta0() * math.tanh(w / 0.2), rel=1e-9)


def test_bloch_accuracy_report():
    """The lab-frame integration agrees with the Bloch formula to < 1 % (RWA, ω0T2 = 100)."""
    w0, T1, T2, u = 1.0, 300.0, 100.0, 0.6
    for S in (0.05, 1.0, 10.0):
        om = math.sqrt(S / (T1 * T2))
        P = _bloch_power(om / u, u, w0, w0, T1, T2)
        assert P == pytest.approx(_bloch_formula(om, w0, 0.0, T1, T2), rel=1e-2)
