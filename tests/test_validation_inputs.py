"""Bad input, any field (issue 11 items 2-4): ConfigError, one line naming the dotted field with
its allowed range; exit code 2 from the CLI, nothing written.  The same checks apply to a
scenario built or changed in Python (``tlsmc.run`` validates whatever it is given)."""
from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import tlsmc
from tlsmc.cli import main
from tlsmc.config import ConfigError
from tlsmc.materials import with_fields

from conftest import BASE

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
_TIMES = {"start_s": 1e-6, "stop_s": 1e4, "num": 5}


def _table(kind: str) -> dict:
    """A small valid scenario table of each family."""
    t = copy.deepcopy(BASE)
    if kind == "release":
        t["measurement"] = [{"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0], "times": _TIMES}]
    elif kind == "history":
        t["measurement"] = [{"kind": "temperature_history", "times": _TIMES,
                             "protocol": {"shape": "ramp", "initial": 1.0, "final": 0.1,
                                          "duration_s": 10.0}}]
    elif kind == "flat_history":
        t["measurement"] = [{"kind": "temperature_history", "times": _TIMES, "T_initial_K": 1.0,
                             "starts_s": [0.0, 10.0], "temperatures_K": [0.1, 0.2]}]
    elif kind == "expansion":
        t["measurement"] = [{"kind": "thermal_expansion", "temperatures_K": [0.1, 1.0],
                             "times": _TIMES}]
    elif kind == "pulse":
        t["measurement"] = [{"kind": "heat_pulse", "T_bath_K": 0.1, "times": _TIMES,
                             "thermal": {"phonons": "debye", "G0_W_m3_K": 0.1, "G_exponent": 1.0},
                             "heater": {"shape": "rect_pulse", "peak": 190.0, "duration_s": 1e-7}}]
    elif kind == "soft":
        t["material"] = {"preset": "soft_glass"}
        t["population"] = {"model": "soft", "E_max_K": 25.0, "depth_max": 20.0,
                           "energy_knee_K": 5e-3}
    elif kind == "soft_chi4":      # the quadrature of the same model is on
        t = _table("soft")
        t["material"]["soft_chi"] = 4.0
        t["population"]["ratio_cut"] = 4.0
        t["population"]["E_max_K"] = 15.0
        t["comparison"]["analytic"] = True
    elif kind == "tf":
        t["material"] = {"preset": "tf1982"}
        t["population"]["J0"] = {"distribution": "structural", "J_str": 50.0, "J_max": 70.0}
        t["rates"] = [{"kind": "tf_nondiagonal", "vibration": "einstein"}]
    return t


def _edit(table: dict, path: tuple, value) -> dict:
    node = table
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return table


M0 = ("measurement", 0)
# (family, edit path, bad value, text the one-line message must contain)
BAD = [
    # [run]
    ("base", ("run", "n_tls"), 0, "scenario.run.n_tls must be > 1"),
    ("base", ("run", "n_tls"), 10**12, "scenario.run.n_tls must be > 1 and <= 1e+11"),
    ("base", ("run", "n_tls"), True, "scenario.run.n_tls must be an integer"),
    ("base", ("run", "n_tls"), 1e6, "scenario.run.n_tls must be an integer"),
    ("base", ("run", "seed"), -1, "scenario.run.seed must be >= 0"),
    ("base", ("run", "chunk_size"), 2**40, "scenario.run.chunk_size must be > 0 and <= 6.71"),
    ("base", ("run", "name"), "", "scenario.run.name must be 1 to 200 characters"),
    # [material]: every numeric field has a physical range
    ("base", ("material", "density_kg_m3"), 1e-300, "scenario.material.density_kg_m3 must be > 0 kg m^-3, within [1, 100000]"),
    ("base", ("material", "density_kg_m3"), 1e6, "scenario.material.density_kg_m3 must be > 0"),
    ("base", ("material", "density_kg_m3"), "dense", "scenario.material.density_kg_m3 must be a number"),
    ("base", ("material", "v_l_m_s"), 1.0, "scenario.material.v_l_m_s must be > 0 m s^-1, within [10, 100000]"),
    ("base", ("material", "v_t_m_s"), 1e7, "scenario.material.v_t_m_s must be > 0"),
    ("base", ("material", "gamma_l_eV"), 1e300, "scenario.material.gamma_l_eV must be > 0 eV, within [0.001, 100] eV"),
    ("base", ("material", "gamma_l_eV"), 1e-5, "scenario.material.gamma_l_eV must be > 0"),
    ("base", ("material", "gamma_l_eV"), math.inf, "scenario.material.gamma_l_eV must be finite"),
    ("base", ("material", "gamma_t_eV"), -0.1, "scenario.material.gamma_t_eV must be >= 0"),
    ("base", ("material", "P_bar_per_J_m3"), 1e60, "scenario.material.P_bar_per_J_m3 must be > 0 J^-1 m^-3, within [1e+30, 1e+50]"),
    ("base", ("material", "theta_D_K"), 1e5, "scenario.material.theta_D_K must be > 0 K, within [1, 10000] K"),
    ("base", ("material", "bulk_modulus_Pa"), 1.0, "scenario.material.bulk_modulus_Pa must be > 0 Pa, within"),
    ("base", ("material", "nu_rad_s"), 1e300, "scenario.material.nu_rad_s must be > 0 rad s^-1, within [1e+09, 1e+16]"),
    ("base", ("material", "nu_rad_s"), 1e-300, "scenario.material.nu_rad_s must be > 0"),
    ("base", ("material", "nu_rad_s"), math.nan, "scenario.material.nu_rad_s must be finite"),
    ("base", ("material", "preset"), "glass", "scenario.material.preset must be one of"),
    # [population] tunneling
    ("base", ("population", "delta_max_K"), 1e300, "scenario.population.delta_max_K must be > 0 K, within [1e-06, 10000] K"),
    ("base", ("population", "delta_max_K"), 0.0, "scenario.population.delta_max_K must be > 0"),
    ("base", ("population", "delta_knee_K"), 1e-20, "scenario.population.delta_knee_K must be > 0 K, within"),
    ("base", ("population", "delta_knee_K"), 30.0, "scenario.population.delta_knee_K must be < scenario.population.delta_max_K"),
    ("base", ("population", "delta_sampling"), "bogus", "scenario.population.delta_sampling must be one of uniform, loguniform"),
    ("base", ("population", "J0", "J_min"), -1.0, "scenario.population.J0.J_min must be >= 0, within [0, 200]"),
    ("base", ("population", "J0", "J_max"), 1400.0, "scenario.population.J0.J_max must be > 0, within [0, 200]"),
    ("base", ("population", "J0", "J_min"), 60.0, "scenario.population.J0.J_min must be < scenario.population.J0.J_max"),
    ("base", ("population", "J0", "distribution"), "gauss", "scenario.population.J0.distribution must be one of"),
    # [[measurement]] heat_capacity
    ("base", M0 + ("temperatures_K",), [1e-300], "scenario.measurement[0].temperatures_K[0] must be > 0 K, within [0.0001, 10000] K"),
    ("base", M0 + ("temperatures_K",), [0.1, 1e5], "scenario.measurement[0].temperatures_K[1] must be > 0 K, within"),
    ("base", M0 + ("temperatures_K",), [-1.0], "scenario.measurement[0].temperatures_K[0] must be > 0 K"),
    ("base", M0 + ("temperatures_K",), [math.nan], "scenario.measurement[0].temperatures_K[0] must be finite"),
    ("base", M0 + ("temperatures_K",), [0.1, 1.0, 0.1], "scenario.measurement[0].temperatures_K[2] repeats scenario.measurement[0].temperatures_K[0]"),
    ("base", M0 + ("temperatures_K",), [], "scenario.measurement[0].temperatures_K must not be empty"),
    ("base", M0 + ("step_fraction",), 5.0, "scenario.measurement[0].step_fraction must be > 0 and <= 0.5"),
    ("base", M0 + ("step_fraction",), 1e-9, "scenario.measurement[0].step_fraction must be > 0 and <= 0.5, within [1e-06, 0.5]"),
    ("base", M0 + ("times", "num"), 0, "scenario.measurement[0].times.num must be > 0"),
    ("base", M0 + ("times", "start_s"), 1e-20, "scenario.measurement[0].times.start_s must be > 0 s, within [1e-15, 1e+12] s"),
    ("base", M0 + ("times", "stop_s"), 1e13, "scenario.measurement[0].times.stop_s must be > 0 s, within"),
    ("base", M0 + ("times", "start_s"), 1e5, "scenario.measurement[0].times.start_s must be < scenario.measurement[0].times.stop_s"),
    ("base", M0 + ("observables",), ["C", "C"], "scenario.measurement[0].observables[1] repeats 'C'"),
    ("base", M0 + ("observables",), ["Z"], "scenario.measurement[0].observables[0] must be one of"),
    ("base", M0 + ("kind",), "entropy", "scenario.measurement[0].kind must be one of"),
    # [[rates]] and [comparison]
    ("base", ("rates",), [{"kind": "one_phonon"}, {"kind": "one_phonon"}], "scenario.rates[1].kind lists channel 'one_phonon' twice"),
    ("base", ("rates",), [{"kind": "activated"}], "scenario.rates[0].kind = 'activated' needs scenario.population.model = 'soft'"),
    ("base", ("rates", 0, "x"), 1, "scenario.rates[0].x is not a known key"),
    ("base", ("comparison", "analytic"), "yes", "scenario.comparison.analytic must be true or false"),
    # heat_release
    ("release", M0 + ("T0_K",), 1e-300, "scenario.measurement[0].T0_K must be > 0 K, within [0.0001, 10000] K"),
    ("release", M0 + ("T1_K",), [2.0, 2.0], "scenario.measurement[0].T1_K[1] repeats"),
    ("release", M0 + ("T1_K",), [1e5], "scenario.measurement[0].T1_K[0] must be > 0 K, within"),
    ("release", M0 + ("T1_K",), [0.1], "scenario.measurement[0].T1_K[0] must differ from scenario.measurement[0].T0_K"),
    # temperature_history
    ("history", M0 + ("protocol", "final"), 1e5, "scenario.measurement[0].protocol.final (temperature) must be > 0 K, within [0.0001, 10000] K"),
    ("history", M0 + ("protocol", "initial"), 1e-300, "scenario.measurement[0].protocol.initial (temperature) must be > 0 K, within"),
    ("history", M0 + ("protocol", "duration_s"), 1e-20, "scenario.measurement[0].protocol.duration_s must be > 0 s, within [1e-15, 1e+12] s"),
    ("flat_history", M0 + ("T_initial_K",), 1e-9, "scenario.measurement[0].T_initial_K must be > 0 K, within"),
    ("flat_history", M0 + ("temperatures_K",), [0.1, 2e4], "scenario.measurement[0].temperatures_K[1] must be > 0 K, within"),
    # thermal_expansion
    ("expansion", M0 + ("extra_times_s",), [60.0, 1e13], "scenario.measurement[0].extra_times_s[1] must be > 0 s, within"),
    ("expansion", M0 + ("gamma_eV",), 1e3, "scenario.measurement[0].gamma_eV must be > 0 eV, within"),
    ("expansion", M0 + ("temperatures_K",), [1.0, 1.0], "scenario.measurement[0].temperatures_K[1] repeats"),
    # heat_pulse
    ("pulse", M0 + ("T_bath_K",), 1e-3, "scenario.measurement[0].T_bath_K must be > 0 K, within [0.01, 1000] K"),
    ("pulse", M0 + ("heater", "peak"), 1e20, "scenario.measurement[0].heater.peak (heater power) must be >= 0 W m^-3, within [0, 1e+12] W m^-3"),
    ("pulse", M0 + ("heater", "duration_s"), 0.0, "scenario.measurement[0].heater.duration_s must be > 0"),
    ("pulse", M0 + ("thermal", "G0_W_m3_K"), 1e30, "scenario.measurement[0].thermal.G0_W_m3_K must be > 0"),
    ("pulse", M0 + ("thermal", "addenda_C0_J_m3_K"), 1e20, "scenario.measurement[0].thermal.addenda_C0_J_m3_K must be >= 0"),
    ("pulse", M0 + ("batches",), 1, "scenario.measurement[0].batches must be >= 2"),
    ("pulse", M0 + ("batches",), 64, "scenario.measurement[0].batches: scenario.run.n_tls / ceil(batches / batch_fraction) must be >= 1024"),
    ("pulse", M0 + ("rtol",), 1e-12, "scenario.measurement[0].rtol must be > 0 and <= 0.05, within [1e-08, 0.05]"),
    ("soft_chi4", ("population", "E_max_K"), 27.0, "scenario.population.E_max_K = 27 K is too large for the quadrature"),
    # soft population
    ("soft", ("population", "E_max_K"), 1e5, "scenario.population.E_max_K must be > 0 K, within"),
    ("soft", ("population", "E_max_K"), 100.0, "scenario.population.E_max_K must be <= 2 W"),
    ("soft", ("population", "energy_knee_K"), 1e-20, "scenario.population.energy_knee_K must be > 0 K, within"),
    ("soft", ("population", "type2_ratio"), 1e6, "scenario.population.type2_ratio must be >= 0, within [0, 1000]"),
    ("soft", ("population", "Phi"), {"shape": "gaussian", "width": 1e-9}, "scenario.population.Phi.width must be > 0, within"),
    ("soft", ("material", "soft_chi"), 11.0, "scenario.material.soft_chi must be >= 0, within [0, 10]"),
    ("soft", ("material", "eta_L"), 2.0, "scenario.material.eta_L must be > 0, within"),
    ("soft", ("material", "W_K"), 1e6, "scenario.material.W_K must be > 0 K, within"),
    ("soft", ("rates",), [{"kind": "tf_nondiagonal"}], "scenario.rates[0].kind = 'tf_nondiagonal' needs scenario.population.model = 'tunneling' (got 'soft')"),
    ("soft", ("rates",), [{"kind": "tf_multiphonon"}], "scenario.rates[0].kind = 'tf_multiphonon' needs scenario.population.model = 'tunneling'"),
    # TF 1982
    ("tf", ("material", "J1_per_m"), 1e20, "scenario.material.J1_per_m must be > 0 m^-1, within"),
    ("tf", ("material", "J0_max"), 1400.0, "scenario.material.J0_max must be > 0, within [0, 200]"),
    ("tf", ("population", "J0", "J_str"), 700.0, "scenario.population.J0.J_str must be >= 0, within [0, 200]"),
    ("tf", ("population", "J0"), {"distribution": "structural", "J_str": 50.0, "J_max": 70.0, "shape": "peaked", "peak_amplitude": 1e300}, "scenario.population.J0.peak_amplitude must be >= 0, within"),
    ("tf", ("population", "J0"), {"distribution": "structural", "J_str": 50.0, "J_max": 70.0, "shape": "peaked", "peak_amplitude": 1.0, "peak_width": 1e-300}, "scenario.population.J0.peak_width must be > 0, within [0.05, 100]"),
    ("tf", ("rates",), [{"kind": "tf_multiphonon"}], None),   # valid: the next case edits it
]
_TF_HOT = ("tf", ("measurement",), [{"kind": "heat_capacity", "temperatures_K": [1.0, 400.0], "times": _TIMES}],
           "scenario.measurement[0].temperatures_K[1] must be <= 300 K with rate channel 'tf_multiphonon'")
BAD = [b for b in BAD if b[3] is not None] + [_TF_HOT]


def _bad_table(family, path, value):
    table = _table(family)
    if family == "tf" and path == ("measurement",):
        table["rates"] = [{"kind": "tf_multiphonon"}]
    return _edit(table, path, value)


def _ids():
    return [f"{i}-{b[3].split(' ')[0]}" for i, b in enumerate(BAD)]


def test_enough_bad_inputs():
    assert len(BAD) >= 60


@pytest.mark.parametrize("family,path,value,message", BAD, ids=_ids())
def test_bad_input_cli_exit_2_one_line_nothing_written(tmp_path, capsys, write_toml, family, path,
                                                       value, message):
    scen = write_toml(_bad_table(family, path, value), "bad.toml")
    out = tmp_path / "out"
    code = main(["run", str(scen), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == [scen]


@pytest.mark.parametrize("family,path,value,message", BAD, ids=_ids())
def test_bad_input_parse_scenario(family, path, value, message):
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(_bad_table(family, path, value))
    assert message in str(err.value) and "\n" not in str(err.value)


# ------------------------------------------------------------------ Python API (item 3)
def _sc(family="base"):
    return tlsmc.parse_scenario(_table(family))


def _m0(sc, **changes):
    return dataclasses.replace(sc, measurement=(dataclasses.replace(sc.measurement[0], **changes),))


def _api_cases():
    sc = _sc()
    pop, mat = sc.population, sc.material
    return [
        (dataclasses.replace(sc, run=dataclasses.replace(sc.run, n_tls=0)), "scenario.run.n_tls must be > 1"),
        (dataclasses.replace(sc, run=dataclasses.replace(sc.run, seed=-1)), "scenario.run.seed must be >= 0"),
        (dataclasses.replace(sc, run=dataclasses.replace(sc.run, seed=2**128)), "scenario.run.seed must be >= 0 and <= 3.40282e+38"),
        (dataclasses.replace(sc, run=dataclasses.replace(sc.run, n_tls=True)), "scenario.run.n_tls must be an integer"),
        (_m0(sc, temperatures_K=(-1.0,)), "scenario.measurement[0].temperatures_K[0] must be > 0 K"),
        (_m0(sc, temperatures_K=(math.nan,)), "scenario.measurement[0].temperatures_K[0] must be finite"),
        (_m0(sc, temperatures_K=(1e-300,)), "scenario.measurement[0].temperatures_K[0] must be > 0 K, within"),
        (_m0(sc, step_fraction=5.0), "scenario.measurement[0].step_fraction must be > 0 and <= 0.5"),
        (_m0(sc, times=dataclasses.replace(sc.measurement[0].times, num=0)), "scenario.measurement[0].times.num must be > 0"),
        (dataclasses.replace(sc, measurement=()), "scenario.measurement must not be empty"),
        (dataclasses.replace(sc, rates=()), "scenario.rates must not be empty"),
        (dataclasses.replace(sc, rates=("one_phonon",)), "scenario.rates[0] must be one of the kinds"),
        (dataclasses.replace(sc, population=dataclasses.replace(pop, delta_sampling="bogus")), "scenario.population.delta_sampling must be one of"),
        (dataclasses.replace(sc, population=dataclasses.replace(pop, J0=dataclasses.replace(pop.J0, J_min=60.0))), "scenario.population.J0.J_min must be < scenario.population.J0.J_max"),
        (dataclasses.replace(sc, population=dataclasses.replace(pop, delta_max_K=1e300)), "scenario.population.delta_max_K must be > 0 K, within"),
        (dataclasses.replace(sc, material=with_fields(mat, nu_rad_s=1e300)), "scenario.material.nu_rad_s must be > 0"),
        (dataclasses.replace(sc, material=with_fields(mat, density_kg_m3=1e-300)), "scenario.material.density_kg_m3 must be > 0"),
        (dataclasses.replace(sc, material=with_fields(mat, gamma_l_eV=math.nan)), "scenario.material.gamma_l_eV must be finite"),
        (dataclasses.replace(sc, material={"preset": "vitreous_silica"}), "scenario.material must be a tlsmc.materials.Material"),
    ]


@pytest.mark.parametrize("case", range(19))
def test_python_api_validates_code_built_scenarios(tmp_path, case):
    scenario, message = _api_cases()[case]
    with pytest.raises(ConfigError) as err:
        tlsmc.run(scenario)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_python_api_overrides_are_checked():
    sc = _sc()
    with pytest.raises(ConfigError, match=r"scenario\.run\.n_tls must be > 1"):
        tlsmc.run(sc, n_tls=0)
    with pytest.raises(ConfigError, match=r"scenario\.run\.seed must be >= 0"):
        tlsmc.run(sc, seed=-1)
    with pytest.raises(ConfigError, match=r"scenario\.run\.n_tls must be an integer"):
        tlsmc.run(sc, n_tls=np.float64(65536.0))
    with pytest.raises(ConfigError, match=r"scenario must be a tlsmc\.Scenario"):
        tlsmc.run(42)


def test_numpy_scalars_are_accepted():
    sc = _sc()
    sc = _m0(sc, temperatures_K=(np.float64(0.1), np.float32(1.0)),
             times=dataclasses.replace(sc.measurement[0].times, num=np.int64(5)))
    res = tlsmc.run(sc, n_tls=np.int64(65536), seed=np.uint32(3))
    assert res.metadata["n_tls"] == 65536 and type(res.metadata["n_tls"]) is int
    df = res.to_dataframe()
    assert np.isfinite(df["value"]).all() and sorted(set(df["T_K"])) == [0.1, 1.0]
    assert tlsmc.validate_scenario(sc) == tlsmc.validate_scenario(tlsmc.validate_scenario(sc))


# ------------------------------------------------------------------ round trip (item 2)
@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip_and_override(path):
    sc = tlsmc.load_scenario(path)
    assert tlsmc.parse_scenario(sc.to_table()) == sc
    assert tlsmc.validate_scenario(sc) == sc
    again = sc.with_run(n_tls=np.int64(131072), seed=np.int64(5))
    assert again.run.n_tls == 131072 and again.run.seed == 5
    assert dataclasses.replace(again, run=sc.run) == sc


def test_round_trip_of_empty_and_none_fields(base_table):
    base_table["measurement"] = [{"kind": "thermal_expansion", "temperatures_K": [0.1],
                                  "times": _TIMES},
                                 {"kind": "temperature_history", "times": _TIMES,
                                  "T_initial_K": 1.0, "starts_s": [0.0], "temperatures_K": [0.1]}]
    sc = tlsmc.parse_scenario(base_table)
    assert sc.measurement[0].extra_times_s == () and sc.measurement[1].protocol.initial is None
    assert tlsmc.parse_scenario(sc.to_table()) == sc
    assert sc.with_run(n_tls=65536, seed=1).measurement == sc.measurement


@pytest.mark.parametrize("family", ["base", "release", "history", "flat_history", "expansion",
                                    "pulse", "soft", "soft_chi4", "tf"])
def test_family_tables_are_valid(family):
    """The unedited tables load, so each bad case fails for its own edit only."""
    assert tlsmc.parse_scenario(_table(family)).run.n_tls == BASE["run"]["n_tls"]
