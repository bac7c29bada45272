"""TF rate channels in the pipeline: preset, wiring (V = Δ0/2, units), limits, validation.

Issue 3 items 1, 3, 4 and 8 (bad TF parameters rejected by name at scenario load).
"""
from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

import tlsmc
from tlsmc.rates import multiphonon as mp
from tlsmc.cli import main
from tlsmc.config import ConfigError
from tlsmc.materials import load_material
from tlsmc.rates import RATE_CHANNELS, build_rates, tf_parameters
from tlsmc.spectrum import TwoLevelSpectrum
from tlsmc.units import AMU, ANGSTROM, HBAR, K_B
from tlsmc.rates.vibrations import J1_debye, TFParameters, einstein_phis, log_enhancement

ROOT = Path(__file__).resolve().parents[1]
TF = load_material({"preset": "tf1982"})
P = TFParameters.tf1982()

TF_TABLE = {
    "run": {"name": "tf", "n_tls": 131072, "seed": 3, "chunk_size": 65536},
    "material": {"preset": "tf1982"},
    "population": {"model": "tunneling", "delta_max_K": 100.0, "delta_knee_K": 1e-3,
                   "J0": {"distribution": "structural", "J_str": 50.0, "J_max": 70.0}},
    "rates": [{"kind": "tf_nondiagonal", "vibration": "einstein"}],
    "measurement": [{"kind": "heat_capacity", "temperatures_K": [1.0],
                     "times": {"start_s": 1e-3, "stop_s": 1e3, "num": 3},
                     "observables": ["C", "C_tf"]}],
    "comparison": {"analytic": False},
}


def _spectrum(delta_K, J0, nu=1e13):
    delta = np.asarray(delta_K, float)
    d0 = 2.0 * HBAR * nu / K_B * np.exp(-0.5 * np.asarray(J0, float))
    E = np.hypot(delta, d0)
    return TwoLevelSpectrum(E_K=E, delta_K=delta, delta0_K=d0, M_unit=d0 / E, D_unit=2 * delta / E)


# ------------------------------------------------------------------ item 1: the preset

def test_preset_is_tf_section_3_with_sources():
    assert tf_parameters(TF, "test") == P                         # ν, J', J'', M, Θ, Ω of TF §3
    assert TF.J1_per_m * ANGSTROM == pytest.approx(200.0) and TF.J2_per_m2 * ANGSTROM**2 == pytest.approx(400.0)
    assert TF.tf_mass_amu * AMU == pytest.approx(P.mass_kg) and TF.theta_D_K == 150.0 and TF.omega_E_K == 100.0
    assert (TF.J0_str, TF.J0_max, TF.delta_E0_K) == (50.0, 70.0, 100.0)
    sourced = {line.split(":")[0] for line in TF.sources}
    for field in ("nu_rad_s", "theta_D_K", "J1_per_m", "J2_per_m2", "tf_mass_amu", "omega_E_K",
                  "P_bar_per_J_m3", "J0_str", "J0_max", "delta_E0_K"):
        assert field in sourced, field
    # the inconsistency note: R = 215.6 vs TF's ≈ 200; Debye J* = 50 − 48.08 ≈ 2 vs TF's 20
    assert P.R == pytest.approx(215.6, abs=0.05) and "215.6" in TF.description
    assert J1_debye(0.0, P) == pytest.approx(3 / 8 * (1 - 4 / math.pi**2) * P.R, rel=1e-10)
    assert J1_debye(0.0, P) == pytest.approx(48.08, abs=0.005) and "48.1" in TF.description


def test_shipped_tf_scenario_uses_the_preset_reference_population():
    sc = tlsmc.load_scenario(ROOT / "scenarios" / "tf1982_heat_capacity.toml")
    assert sc.material.name == "tf1982"
    assert sc.population.J0.support == (sc.material.J0_str, sc.material.J0_max)
    assert sc.population.delta_max_K == sc.material.delta_E0_K
    (m,) = sc.measurement
    assert min(m.temperatures_K) == 0.05 and max(m.temperatures_K) == 5.0
    assert (m.times.start_s, m.times.stop_s) == (1e-9, 1e5) and "C_tf" in m.observables
    assert [type(r) for r in sc.rates] == [RATE_CHANNELS["tf_nondiagonal"]]
    assert sc.rates[0].vibration == "einstein"
    assert tlsmc.parse_scenario(sc.to_table()) == sc


# ------------------------------------------------------------------ item 3: wiring and limits

@pytest.mark.parametrize("vibration", ["debye", "einstein"])
def test_nondiagonal_channel_is_tf_eq12_in_SI_with_V_half_delta0(vibration):
    """K = α V² e^{L} (Δ/E)² E³ coth(E/2T), α = π³J'²/(4ħ⁴Mω_D⁵), V = ħν e^{−J0/2} (TF eq. 9), in SI."""
    delta, J0, T = np.array([0.02, 0.7, 3.0]), np.array([30.0, 50.0, 20.0]), 0.4
    spec = _spectrum(delta, J0)
    K = build_rates(spec, TF, [RATE_CHANNELS["tf_nondiagonal"](vibration=vibration)], T).K
    omega_D = K_B * 150.0 / HBAR
    M, J1 = 60.0 * AMU, 200.0 / ANGSTROM
    alpha = math.pi**3 * J1**2 / (4 * HBAR**4 * M * omega_D**5)        # s^-1 J^-5
    V = HBAR * 1e13 * np.exp(-J0 / 2)                                   # J
    E = np.sqrt((delta * K_B) ** 2 + 4 * V**2)
    if vibration == "debye":
        L = float(J1_debye(T, P))
    else:
        phi1, phi2, phi3 = (float(v) for v in einstein_phis(T, P))
        L = phi1 * (1 - phi2) + math.log(np.i0(phi1 * phi2)) - 0.5 * math.log(phi3)
    expected = alpha * V**2 * math.exp(L) * (delta * K_B / E) ** 2 * E**3 / np.tanh(E / (2 * K_B * T))
    np.testing.assert_allclose(K, expected, rtol=1e-11)


def test_einstein_enhancement_includes_phi3_prefactor():
    """The decision of vibrations.log_enhancement: eq. 7's φ3^{-1/2} (0.38 at T = 0) multiplies the rate."""
    assert float(einstein_phis(0.0, P)[2]) ** -0.5 == pytest.approx(0.382, abs=1e-3)
    assert 50.0 - float(log_enhancement(0.0, P, "einstein")) == pytest.approx(20.07, abs=0.01)
    assert 50.0 - float(log_enhancement(0.0, P, "debye")) == pytest.approx(1.92, abs=0.01)


def test_multiphonon_channel_is_the_tabulated_rate_and_tends_to_nondiagonal():
    """Pipeline = multiphonon_rate(E, Δ, Δ0/2) to round-off; at low T, 0.02T³ <~ E <~ 40 K, it is
    the Debye non-diagonal channel times 6[1 − sinc(πE/Θ)]/(πE/Θ)² within 1 % (TF eq. 12)."""
    rng = np.random.default_rng(4)
    delta = np.exp(rng.uniform(math.log(1e-3), math.log(40.0), 400))
    J0 = rng.uniform(40.0, 80.0, delta.size)
    spec = _spectrum(delta, J0)
    worst = 0.0
    for T in (0.01, 0.1, 1.0):
        K = build_rates(spec, TF, [RATE_CHANNELS["tf_multiphonon"]()], T).K
        up, down = mp.multiphonon_rate(spec.E_K, spec.delta_K, spec.delta0_K / 2, T, P)
        np.testing.assert_allclose(K, up + down, rtol=1e-13)
        K2 = build_rates(spec, TF, [RATE_CHANNELS["tf_nondiagonal"]()], T).K
        y = math.pi * spec.E_K / P.theta_D_K
        ok = spec.E_K >= max(0.5 * T, 0.02 * T**3)
        ratio = K[ok] / (K2[ok] * 6 * (1 - np.sin(y[ok]) / y[ok]) / y[ok] ** 2)
        worst = max(worst, np.max(np.abs(ratio - 1)))
    assert worst < 1e-2


@pytest.mark.parametrize("kind,options", [("tf_nondiagonal", {}), ("tf_nondiagonal", {"vibration": "einstein"}),
                                          ("tf_multiphonon", {})])
def test_rates_finite_positive_and_balanced_from_1mK_to_300K(kind, options):
    """Physical TLSs (J0 in [0, 80], Δ in [1e-6, 100] K): K finite, > 0, K↑/K↓ = e^{−E/T}."""
    d, J = np.meshgrid(np.geomspace(1e-6, 100.0, 60), np.linspace(0.0, 80.0, 17))
    spec = _spectrum(d.ravel(), J.ravel())
    for T in np.geomspace(1e-3, 300.0, 12):
        r = build_rates(spec, TF, [RATE_CHANNELS[kind](**options)], T)
        assert np.all(np.isfinite(r.K)) and np.all(r.K > 0), T
        np.testing.assert_allclose(r.log_k_up - r.log_k_down, -spec.E_K / T, rtol=1e-12, atol=1e-12)


def test_total_rate_kernels_match_the_split_rates():
    rng = np.random.default_rng(9)
    E = np.exp(rng.uniform(math.log(1e-7), math.log(900.0), 300))
    d = E * rng.uniform(0, 1, E.size)
    V = np.exp(rng.uniform(-40, 0, E.size))
    for T in (0.0, 2e-3, 0.5, 40.0):
        out = np.zeros(E.size)
        mp.add_multiphonon_total(E, d, V, T, P, out)
        np.testing.assert_allclose(out, sum(mp.multiphonon_rate(E, d, V, T, P)), rtol=1e-12, atol=0)
        before = out.copy()
        mp.add_multiphonon_total(E, d, V, T, P, out)                     # adds, does not overwrite
        np.testing.assert_allclose(out, 2 * before, rtol=1e-15)
        out = np.zeros(E.size)
        mp.add_nondiagonal_total(E, d, V, T, P, out, "einstein")
        np.testing.assert_allclose(out, sum(mp.nondiagonal_rate(E, d, V, T, P, "einstein")), rtol=1e-13)
    with pytest.raises(ValueError, match="same length"):
        mp.add_nondiagonal_total(E, d, V, 1.0, P, np.zeros(3))


# ------------------------------------------------------------------ validation (item 8)

BAD = [
    (("material", "tf_mass_amu"), -60.0, "scenario.material.tf_mass_amu must be > 0"),
    (("material", "tf_mass_amu"), 0.0, "scenario.material.tf_mass_amu must be > 0"),
    (("material", "theta_D_K"), 0.0, "scenario.material.theta_D_K must be > 0"),
    (("material", "theta_D_K"), -150.0, "scenario.material.theta_D_K must be > 0"),
    (("material", "J1_per_m"), -2e12, "scenario.material.J1_per_m must be > 0"),
    (("material", "J2_per_m2"), math.nan, "scenario.material.J2_per_m2 must be finite"),
    (("material", "omega_E_K"), 0.0, "scenario.material.omega_E_K must be > 0"),
    (("material", "nu_rad_s"), -1e13, "scenario.material.nu_rad_s must be > 0"),
    (("material", "J0_max"), 40.0, "scenario.material.J0_str must be < scenario.material.J0_max"),
    (("population", "J0", "J_max"), 50.0, "scenario.population.J0.J_str must be < scenario.population.J0.J_max"),
    (("population", "J0", "J_max"), 45.0, "scenario.population.J0.J_str must be < scenario.population.J0.J_max"),
    (("rates", 0, "vibration"), "optic", "scenario.rates[0].vibration must be one of debye, einstein"),
    (("rates", 0), {"kind": "tf_multiphonon", "vibration": "einstein"},
     "scenario.rates[0].vibration is not a known key"),
]


@pytest.mark.parametrize("path,value,message", BAD, ids=[m.split(" must")[0].split(" is")[0] for *_, m in BAD])
def test_bad_tf_parameters_rejected_at_load_by_name(path, value, message):
    table = copy.deepcopy(TF_TABLE)
    node = table
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as exc:
        tlsmc.parse_scenario(table)
    assert str(exc.value).startswith(message), str(exc.value)
    assert "\n" not in str(exc.value)


def test_bad_tf_parameter_cli_exit_2(tmp_path, capsys, write_toml):
    table = copy.deepcopy(TF_TABLE)
    table["material"]["tf_mass_amu"] = -60.0
    code = main(["run", str(write_toml(table)), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and not (tmp_path / "out").exists()
    assert "scenario.material.tf_mass_amu must be > 0" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["tf_nondiagonal", "tf_multiphonon"])
def test_missing_tf_field_names_it(kind):
    spec = _spectrum([1.0], [50.0])
    silica = load_material({"preset": "vitreous_silica"})
    with pytest.raises(ConfigError, match=f"material.J1_per_m is required by rate channel {kind}"):
        build_rates(spec, silica, [RATE_CHANNELS[kind]()], 1.0)


def test_multiphonon_above_its_table_is_a_config_error():
    with pytest.raises(ConfigError, match="tabulated for T <= 300 K"):
        build_rates(_spectrum([1.0], [50.0]), TF, [RATE_CHANNELS["tf_multiphonon"]()], 400.0)


# ------------------------------------------------------------------ item 4: structural J0 in a TF run

@pytest.mark.parametrize("shape", [{"shape": "sharp"}, {"shape": "peaked", "peak_amplitude": 4.0, "peak_width": 0.5}])
def test_structural_J0_in_a_tf_run(shape):
    """TF §3–4: nothing below J_str; the peaked shape puts extra TLSs just above it (density × (1 + A))."""
    table = copy.deepcopy(TF_TABLE)
    table["population"]["J0"].update(shape)
    sc = tlsmc.parse_scenario(table)
    from tlsmc.population import sample_population
    from tlsmc.seeding import Chunk, seed_entropy
    pop = sample_population(sc.population, sc.material, seed_entropy(5), Chunk(0, 0, 65536), 65536)
    assert pop.J0.min() >= 50.0 and pop.J0.max() <= 70.0
    near = np.mean(pop.J0 < 50.5) / np.mean((pop.J0 > 60.0) & (pop.J0 < 60.5))
    # ∫ pdf over [50, 50.5] / over [60, 60.5]: (0.5 + A w (1 − e^{-0.5/w})) / 0.5 for the peak
    expected = (0.5 + 4.0 * 0.5 * -math.expm1(-1.0)) / 0.5 if shape["shape"] == "peaked" else 1.0
    assert near == pytest.approx(expected, rel=0.08)
    res = tlsmc.run(sc)
    C = res.observables.query("observable == 'C_tf'")["value"].to_numpy()
    assert np.all(np.isfinite(C)) and np.all(np.diff(C) > 0)
