"""The heat_pulse measurement: end to end, fixed-bath limit, STM heat release, bad input."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tlsmc
from tlsmc.analytic.quadrature import stm
from tlsmc.analytic.closed_forms import stm as stm_closed
from tlsmc.cli import main
from tlsmc.comparison import stm_model
from tlsmc.config import ConfigError
from tlsmc.measurements import HeatRelease, TimeGrid
from tlsmc.population import sample_population
from tlsmc.rates import build_rates
from tlsmc.seeding import Chunk, seed_entropy
from tlsmc.spectrum import solve_spectrum

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PULSE = {"kind": "heat_pulse", "T_bath_K": 0.1,
         "times": {"start_s": 1e-6, "stop_s": 1e3, "num": 25},
         "thermal": {"G0_W_m3_K": 0.1, "G_exponent": 1.0},
         "heater": {"shape": "rect_pulse", "peak": 190.0, "duration_s": 1e-7},
         "batches": 4, "batch_fraction": 0.5,
         "observables": ["T_sample", "U", "U_ph", "C_app", "Qdot", "E_in", "E_link"]}


def _population(sc, n):
    pop = sample_population(sc.population, sc.material, seed_entropy(sc.run.seed),
                            Chunk(0, 0, n), n)
    return pop, solve_spectrum(pop, sc.material)


def test_heat_pulse_run_end_to_end(base_table, tmp_path):
    base_table["population"]["delta_max_K"] = 6.0
    base_table["population"]["J0"]["J_min"] = 8.0
    base_table["run"]["n_tls"] = 12288           # 3 blocks: single-threaded kernels
    base_table["run"]["chunk_size"] = 65536
    base_table["measurement"] = [copy.deepcopy(PULSE)]
    sc = tlsmc.parse_scenario(base_table)
    assert tlsmc.parse_scenario(sc.to_table()) == sc
    res = tlsmc.run(sc)
    df = res.to_dataframe()
    with_tls, without = df[df.tls == "with"], df[df.tls == "without"]
    assert set(with_tls.observable) == set(PULSE["observables"])
    assert set(without.observable) == {"T_sample", "U_ph", "C_app", "E_in", "E_link"}
    units = dict(zip(df.observable, df.unit))
    assert units["T_sample"] == "K" and units["C_app"] == "J m^-3 K^-1"
    assert units["Qdot"] == "W m^-3"
    T = with_tls[with_tls.observable == "T_sample"].sort_values("t_s")
    T0 = without[without.observable == "T_sample"].sort_values("t_s")
    # the TLSs take up the pulse energy: T(t) falls far below the phonons-only curve
    assert T["value"].iloc[0] < 0.1 + 0.2 * (T0["value"].iloc[0] - 0.1)
    assert np.all(T["stderr"].iloc[:-3] > 0) and np.all(T0["stderr"] == 0)
    c_app = with_tls[with_tls.observable == "C_app"].sort_values("t_s")["value"].to_numpy()
    assert np.all(np.diff(c_app[:15]) > 0)           # C_app(t) grows while the TLSs join in
    out = res.write(tmp_path / "run")
    back = tlsmc.Results.read(out)
    pd.testing.assert_frame_equal(back.observables, res.observables)
    # the "without" rows are the lumped model alone
    m = sc.measurement[0]
    acc = m.start(sc.run.n_tls, sc)
    bare = acc.integrate(None, None)
    np.testing.assert_allclose(T0["value"].to_numpy(), bare.T_K, rtol=1e-15)


def test_fixed_bath_limit_equals_step_dynamics(base_table):
    """G0 -> ∞: cooling T1 -> T_b through the link is the foundation's quench (heat_release)."""
    sc = tlsmc.parse_scenario(base_table)
    n = 8192
    pop, spec = _population(sc, n)
    times = TimeGrid(start_s=1e-4, stop_s=1e3, num=15)
    release = HeatRelease(T0_K=0.1, T1_K=(0.5,), times=times).start(n)
    release.add(spec, pop.weight, lambda T: build_rates(spec, sc.material, sc.rates, T))
    ref = pd.DataFrame(release.rows())
    errors = []
    for G0 in (1e6, 1e8, 1e10):
        table = copy.deepcopy(PULSE)
        table.update(T_initial_K=0.5, heater={"shape": "constant", "value": 0.0},
                     thermal={"G0_W_m3_K": G0}, times={"start_s": 1e-4, "stop_s": 1e3, "num": 15})
        base_table["measurement"] = [table]
        m = tlsmc.parse_scenario(base_table).measurement[0]
        tr = m.start(2**20, sc).integrate(spec, pop.weight)
        q_ref = ref[ref.observable == "Qdot"]["value"].to_numpy()
        u_ref = ref[ref.observable == "U"]["value"].to_numpy()
        errors.append((np.max(np.abs(tr.Qdot / q_ref - 1)), np.max(np.abs(tr.U_tls / u_ref - 1)),
                       np.max(tr.T_K - 0.1)))
    (q6, u6, dT6), (q8, u8, dT8), (q10, u10, dT10) = errors
    # the sample's own warming T − T_b = Q̇/G and the deviation from the fixed bath fall as 1/G0
    assert 50 < q6 / q8 < 200 and 50 < dT6 / dT8 < 200 and 50 < dT8 / dT10 < 200
    assert q10 < 1e-6 and u10 < 1e-6 and dT10 < 1e-7


@pytest.fixture(scope="module")
def release_scenario():
    sc = tlsmc.load_scenario(SCENARIOS / "silica_heat_release.toml")
    return sc.with_run(n_tls=12288, chunk_size=65536)  # 3 blocks: single-threaded kernels


def test_stm_heat_release_through_the_link(release_scenario):
    """Self-consistent cooling 1 K -> 0.1 K with a strong link: Q̇ against the STM quadrature
    (z-score) and (π²/24) P̄ k_B² (T1² − T0²)/t."""
    sc = release_scenario
    n = sc.run.n_tls
    pop, spec = _population(sc, n)
    table = {**copy.deepcopy(PULSE), "T_initial_K": 1.0,
             "heater": {"shape": "constant", "value": 0.0}, "thermal": {"G0_W_m3_K": 1e6},
             "times": {"start_s": 10.0, "stop_s": 1e4, "num": 7}, "batches": 8,
             "batch_fraction": 1.0, "observables": ["Qdot", "T_sample"]}
    sc_pulse = tlsmc.parse_scenario({**sc.to_table(), "measurement": [table]})
    acc = sc_pulse.measurement[0].start(n, sc_pulse)
    acc.add(spec, pop.weight, None)
    rows = pd.DataFrame(acc.rows())
    q = rows[(rows.observable == "Qdot") & (rows.tls == "with")].sort_values("t_s")
    t = q["t_s"].to_numpy()
    model = stm_model(sc)
    exact = stm.heat_release(model, 1.0, 0.1, t)
    closed = stm_closed.heat_release_closed_form(model, 1.0, 0.1, t)
    z = (q["value"].to_numpy() - exact) / q["stderr"].to_numpy()
    assert np.all(np.abs(z) < 4.5), z
    # closed form: exact to 1 % here (τ_min(0.1 K) = 9 µs << t), MC within its error of it
    assert np.all(np.abs(exact / closed - 1) < 0.01)
    assert np.all(np.abs(q["value"].to_numpy() - closed) < 4.5 * q["stderr"] + 0.01 * closed)
    assert np.all(q["T1_K"] == 1.0)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("edit,message", [
    (("thermal", "G0_W_m3_K", 0.0), "scenario.measurement[0].thermal.G0_W_m3_K must be > 0"),
    (("thermal", "G0_W_m3_K", -1.0), "scenario.measurement[0].thermal.G0_W_m3_K must be > 0"),
    (("thermal", "G_exponent", -1.0), "scenario.measurement[0].thermal.G_exponent must be >= 0"),
    (("thermal", "phonons", "none"),
     "scenario.measurement[0].thermal: the heat capacity must be > 0"),
    (("heater", "duration_s", -1e-7), "scenario.measurement[0].heater.duration_s must be > 0"),
    (("heater", "shape", "segments"), "scenario.measurement[0].heater.peak is not a known key"),
    ((None, "T_bath_K", 0.0), "scenario.measurement[0].T_bath_K must be > 0"),
    ((None, "batch_fraction", 0.0), "scenario.measurement[0].batch_fraction must be > 0"),
])
def test_bad_heat_pulse_field_is_named(base_table, edit, message):
    table = copy.deepcopy(PULSE)
    sub, key, value = edit
    (table if sub is None else table[sub])[key] = value
    base_table["measurement"] = [table]
    with pytest.raises(ConfigError) as err:
        tlsmc.parse_scenario(base_table)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_too_few_samples_for_the_batches_exit_2(tmp_path, capsys, base_table, write_toml):
    base_table["measurement"] = [{**copy.deepcopy(PULSE), "batches": 64, "batch_fraction": 0.25}]
    scen = write_toml(base_table, "s.toml")
    code = main(["run", str(scen), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "batches" in err and ">= 1024" in err
    assert not (tmp_path / "out").exists()


def test_step_control_against_a_100x_tighter_run():
    """The shipped heat-pulse scenario (0.1 K bath), 8192 TLSs: rtol 1e-3 against rtol 1e-5."""
    import dataclasses
    sc = tlsmc.load_scenario(SCENARIOS / "heat_pulse_silica.toml")
    pop, spec = _population(sc, 8192)
    m = sc.measurement[0]
    runs = {r: dataclasses.replace(m, rtol=r).start(2**22, sc).integrate(spec, pop.weight)
            for r in (1e-3, 1e-5)}
    ref, test = runs[1e-5], runs[1e-3]
    rise = ref.T_K - m.T_bath_K
    err = np.abs(test.T_K - ref.T_K)
    assert err.max() < 3e-4 * rise.max()
    big = rise > 1e-2 * rise.max()
    assert np.max(err[big] / rise[big]) < 3e-3
    c_ref, c_test = ref.E_in / rise, test.E_in / (test.T_K - m.T_bath_K)
    assert np.max(np.abs(c_test[big] / c_ref[big] - 1)) < 3e-3
    assert max(ref.stats["energy_residual"], test.stats["energy_residual"]) < 1e-9


def test_comparison_keeps_measurements_apart():
    """Two measurements with the same (observable, T_K, t_s, T1_K) — here the same quench twice,
    the second with a different time grid on overlapping points, a thermal expansion between
    them — are joined to their own MC rows through the ``measurement`` column every run
    writes: no duplicated comparison rows, indices as in the scenario."""
    table = {"run": {"name": "two", "n_tls": 4096, "seed": 3},
             "material": {"preset": "vitreous_silica"},
             "population": {"model": "tunneling", "delta_max_K": 20.0,
                            "J0": {"distribution": "uniform", "J_min": 4.0, "J_max": 30.0}},
             "rates": [{"kind": "one_phonon"}],
             "measurement": [
                 {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0],
                  "times": {"start_s": 10.0, "stop_s": 1e3, "num": 3}},
                 {"kind": "thermal_expansion", "temperatures_K": [0.1], "observables": ["alpha"],
                  "times": {"start_s": 10.0, "stop_s": 1e3, "num": 3}},
                 {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0], "observables": ["Qdot"],
                  "times": {"start_s": 10.0, "stop_s": 1e5, "num": 5}}],
             "comparison": {"analytic": True}}
    res = tlsmc.run(tlsmc.parse_scenario(table))
    obs, cmp = res.to_dataframe(), res.comparison
    assert sorted(obs.measurement.unique()) == [0, 1, 2]
    assert len(cmp) == 3 * 2 + 3 + 5 and cmp.mc.notna().all()
    assert sorted(cmp[cmp.observable == "alpha"].measurement.unique()) == [1]
    assert not cmp.duplicated(["observable", "t_s", "measurement"]).any()
    for i in (0, 1, 2):     # each measurement's rows carry its own MC values
        mine = obs[obs.measurement == i].set_index(["observable", "t_s"]).value
        got = cmp[cmp.measurement == i].set_index(["observable", "t_s"]).mc
        np.testing.assert_array_equal(got.to_numpy(), mine.loc[got.index].to_numpy())
