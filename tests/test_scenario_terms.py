"""Scenario terms (issue 18 items 1-3): population bounds in the field's usual terms
(Δ0, λ, ħω0, density per unit J0), explicit time lists, C_eq without a time grid, a list of
bath temperatures T0_K, and TF's absorbed energy E_tf."""
from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest

import tlsmc
from tlsmc.cli import main
from tlsmc.config import ConfigError
from tlsmc.scenario import parse_scenario
from tlsmc.units import HBAR, K_B

from conftest import BASE

M0 = "scenario.measurement[0]"
J0 = "scenario.population.J0"


def _base(**run) -> dict:
    t = copy.deepcopy(BASE)
    t["run"].update(run)
    return t


def _with(t: dict, path: tuple, value) -> dict:
    t = copy.deepcopy(t)
    node = t
    for key in path[:-1]:
        node = node[key]
    if value is _DEL:
        node.pop(path[-1])
    else:
        node[path[-1]] = value
    return t


_DEL = object()
_TERMS = {"distribution": "uniform", "delta0_max_K": 2.5, "lambda_max": 25.0}


def _j0(**fields) -> dict:
    return _with(_base(), ("population", "J0"), {"distribution": "uniform", **fields})


def _release(**fields) -> dict:
    t = _base()
    t["measurement"] = [{"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0],
                         "times": {"start_s": 1e-3, "stop_s": 1e3, "num": 3}, **fields}]
    return t


def _hc(**fields) -> dict:
    t = _base()
    t["measurement"] = [{"kind": "heat_capacity", "temperatures_K": [0.1], **fields}]
    return t


BAD = [
    # J0 bounds: one of each pair, each in range, the derived J0 in range
    (_j0(J_min=4.0, lambda_min=2.0, J_max=50.0),
     f"{J0}.lambda_min: give only one of {J0}.J_min or {J0}.delta0_max_K or {J0}.lambda_min"),
    (_j0(J_min=4.0, delta0_min_K=1e-9, lambda_max=25.0),
     f"{J0}.lambda_max: give only one of {J0}.J_max or"),
    (_j0(J_max=50.0), f"{J0}.J_min is missing (give one of {J0}.J_min or {J0}.delta0_max_K"),
    (_j0(J_min=4.0), f"{J0}.J_max is missing"),
    (_j0(delta0_max_K=-1.0, J_max=50.0), f"{J0}.delta0_max_K must be > 0"),
    (_j0(lambda_min=150.0, J_max=50.0), f"{J0}.lambda_min must be >= 0, within [0, 100]"),
    (_j0(J_min=4.0, delta0_min_K=1e-70), f"{J0}.delta0_min_K = 1e-70 gives {J0}.J_max must be"),
    (_j0(delta0_max_K=1e4, J_max=50.0), f"{J0}.delta0_max_K = 10000 gives {J0}.J_min must be"),
    (_j0(lambda_min=30.0, lambda_max=20.0), f"{J0}.J_min must be < {J0}.J_max (got 60 >= 40)"),
    (_with(_base(), ("population", "J0"), {"distribution": "structural", "J_str": 4.0,
                                           "lambda_min": 2.0, "J_max": 50.0}),
     f"{J0}.lambda_min: give only one of {J0}.J_str or"),
    # ν as ħω0, density per unit J0
    (_with(_base(), ("material", "hbar_omega0_K"), -3.0), "scenario.material.hbar_omega0_K must be > 0"),
    (_with(_with(_base(), ("material", "hbar_omega0_K"), 150.0), ("material", "nu_rad_s"), 1e13),
     "scenario.material.hbar_omega0_K: give only one of scenario.material.nu_rad_s or "
     "scenario.material.hbar_omega0_K"),
    (_with(_base(), ("material", "P_bar_per_J0_J_m3"), 1e60),
     "scenario.material.P_bar_per_J0_J_m3 must be > 0 J^-1 m^-3, within"),
    (_with(_with(_base(), ("material", "P_bar_per_J0_J_m3"), 4e44), ("material", "P_bar_per_J_m3"),
           8e44), "scenario.material.P_bar_per_J0_J_m3: give only one of"),
    # a derived table read back must match
    (_with(_j0(lambda_min=2.0, J_max=50.0), ("population", "J0", "derived"), {"J_min": 4.5}),
     f"{J0}.derived.J_min = 4.5 does not match the value derived from the given terms (4.0"),
    (_with(_base(), ("population", "J0", "derived"), {"J_min": 4.0}),
     f"{J0}.derived is written by tlsmc next to a quantity given in other terms"),
    # explicit time lists
    (_hc(times={"values_s": [1.0, 1e-3]}),
     f"{M0}.times.values_s[1] must be > {M0}.times.values_s[0] (sorted, distinct; got 0.001"),
    (_hc(times={"values_s": [1.0, 1.0]}), f"{M0}.times.values_s[1] must be >"),
    (_hc(times={"values_s": [1.0, 1e13]}), f"{M0}.times.values_s[1] must be > 0 s, within"),
    (_hc(times={"values_s": []}), f"{M0}.times.values_s must not be empty"),
    (_hc(times={"values_s": [1.0], "num": 3}),
     f"{M0}.times.values_s: give either {M0}.times.values_s or {M0}.times.start_s/stop_s/num"),
    (_hc(times={"start_s": 1.0, "stop_s": 2.0}), f"{M0}.times.num is missing"),
    (_hc(times={}), f"{M0}.times.start_s is missing"),
    # C_eq alone needs no grid; anything else does
    (_hc(observables=["C_eq", "C"]), f"{M0}.times is missing (needed by C; only C_eq has none)"),
    # T0_K a list
    (_release(T0_K=[0.1, 0.1]), f"{M0}.T0_K[1] repeats {M0}.T0_K[0]"),
    (_release(T0_K=[0.1, 1.0]), f"{M0}.T1_K[0] must differ from {M0}.T0_K[1] (got 1 == 1)"),
    (_release(T0_K=[0.1, 1e-9]), f"{M0}.T0_K[1] must be > 0 K, within"),
    (_release(T0_K=1e-300), f"{M0}.T0_K must be > 0 K, within [0.0001, 10000] K"),
    (_release(T0_K=[]), f"{M0}.T0_K must not be empty"),
    # E_tf is a heat_capacity observable
    (_release(observables=["E_tf"]), f"{M0}.observables[0] must be one of Qdot, U"),
]


@pytest.mark.parametrize("table, message", BAD, ids=[m[:60] for _, m in BAD])
def test_bad_terms_exit_2_naming_the_field(table, message, write_toml, tmp_path, capsys):
    with pytest.raises(ConfigError) as err:
        parse_scenario(table)
    assert message in str(err.value) and "\n" not in str(err.value)
    out = tmp_path / "out"
    assert main(["run", str(write_toml(table)), "--out", str(out), "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_derived_values_follow_the_definitions():
    """Independent of the loader: J0 = 2 ln(ħω0/Δ0), J0 = 2λ, ν = ħω0 k_B/(2ħ), P̄ = 2 n(0)."""
    t = _with(_base(), ("population", "J0"), _TERMS)
    t["material"].update(hbar_omega0_K=150.0, P_bar_per_J0_J_m3=4e44)
    sc = parse_scenario(t)
    nu = 150.0 * K_B / (2.0 * HBAR)
    assert sc.material.nu_rad_s == pytest.approx(nu, rel=1e-15)
    assert sc.material.P_bar_per_J_m3 == 8e44
    hw0 = 2.0 * HBAR * sc.material.nu_rad_s / K_B
    assert sc.population.J0.J_min == pytest.approx(2.0 * math.log(hw0 / 2.5), rel=1e-14)
    assert sc.population.J0.J_max == 50.0
    # the Δ0 of a sampled J0 at the bounds is the given one
    assert hw0 * math.exp(-sc.population.J0.J_min / 2) == pytest.approx(2.5, rel=1e-14)


def _alt_and_raw(j0_alt: dict, **material_alt) -> tuple[dict, dict]:
    """A scenario in the alternative terms and the same one written with the raw fields
    derived from it (so every derived float equals the raw one exactly)."""
    alt = _with(_base(n_tls=131072), ("population", "J0"), j0_alt)
    alt["material"].update(material_alt)
    alt["measurement"] = [
        {"kind": "heat_capacity", "temperatures_K": [0.1, 1.0],
         "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 7},
         "observables": ["C", "C_eq", "U", "C_tf", "E_tf"]},
        {"kind": "heat_release", "T0_K": [0.1], "T1_K": [1.0],
         "times": {"values_s": [1e-3, 1.0, 60.0]}}]
    alt["comparison"] = {"analytic": True}
    sc = parse_scenario(alt)
    raw = copy.deepcopy(alt)
    dist = sc.population.J0
    lower = "J_min" if j0_alt["distribution"] == "uniform" else "J_str"
    raw["population"]["J0"] = {k: v for k, v in j0_alt.items()
                               if not k.startswith(("delta0", "lambda"))}
    raw["population"]["J0"].update({lower: getattr(dist, lower), "J_max": dist.J_max})
    for key in material_alt:
        del raw["material"][key]
    raw["material"].update(nu_rad_s=sc.material.nu_rad_s, P_bar_per_J_m3=sc.material.P_bar_per_J_m3)
    return alt, raw


@pytest.mark.parametrize("j0_alt", [
    _TERMS,
    {"distribution": "structural", "lambda_min": 2.5, "delta0_min_K": 1e-8, "shape": "peaked",
     "peak_amplitude": 2.0, "peak_width": 1.0}], ids=["uniform", "structural"])
def test_alternative_terms_give_bit_identical_output(j0_alt, tmp_path):
    alt, raw = _alt_and_raw(j0_alt, hbar_omega0_K=150.0, P_bar_per_J0_J_m3=4e44)
    out = {}
    for name, table in (("alt", alt), ("raw", raw)):
        sc = parse_scenario(table)
        assert parse_scenario(json.loads(json.dumps(sc.to_table()))) == sc   # run.json round trip
        out[name] = tlsmc.run(sc)
    pd.testing.assert_frame_equal(out["alt"].to_dataframe(), out["raw"].to_dataframe(),
                                  check_exact=True)
    pd.testing.assert_frame_equal(out["alt"].comparison, out["raw"].comparison, check_exact=True)


def test_run_json_records_given_and_derived(write_toml, tmp_path):
    alt, _ = _alt_and_raw(_TERMS, hbar_omega0_K=150.0, P_bar_per_J0_J_m3=4e44)
    alt["measurement"] = alt["measurement"][1:]
    out = tmp_path / "out"
    assert main(["run", str(write_toml(alt)), "--out", str(out), "--quiet"]) == 0
    table = json.loads((out / "run.json").read_text())["scenario"]
    j0 = table["population"]["J0"]
    assert j0["delta0_max_K"] == 2.5 and j0["lambda_max"] == 25.0
    assert set(j0["derived"]) == {"J_min", "J_max"} and "J_min" not in j0
    mat = table["material"]
    assert mat["hbar_omega0_K"] == 150.0 and mat["P_bar_per_J0_J_m3"] == 4e44
    assert mat["derived"]["P_bar_per_J_m3"] == 8e44 and "nu_rad_s" in mat["derived"]
    assert parse_scenario(table) == parse_scenario(alt)


def _frame(table: dict) -> pd.DataFrame:
    return tlsmc.run(parse_scenario(table)).to_dataframe()


def test_explicit_time_list_matches_the_grid():
    grid = _hc(times={"start_s": 1e-3, "stop_s": 1e3, "num": 7},
               observables=["C", "C_step", "U", "C_eq"])
    listed = _with(grid, ("measurement", 0, "times"),
                   {"values_s": np.geomspace(1e-3, 1e3, 7).tolist()})
    a, b = _frame(grid), _frame(listed)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    odd = _with(grid, ("measurement", 0, "times"), {"values_s": [1e-3, 1.0, 60.0]})
    df = _frame(odd)
    assert sorted(df[df.observable == "C"]["t_s"]) == [1e-3, 1.0, 60.0]
    sc = parse_scenario(odd)
    assert sc.to_table()["measurement"][0]["times"] == {"values_s": [1e-3, 1.0, 60.0]}


def test_C_eq_needs_no_time_grid():
    bare = _hc(observables=["C_eq"])
    sc = parse_scenario(bare)
    assert sc.measurement[0].times is None
    assert parse_scenario(json.loads(json.dumps(sc.to_table()))) == sc
    df = _frame(bare)
    assert list(df["observable"]) == ["C_eq"] and np.isinf(df["t_s"]).all()
    ref = _frame(_hc(observables=["C_eq", "C"], times={"start_s": 1.0, "stop_s": 10.0, "num": 2}))
    ref = ref[ref.observable == "C_eq"].reset_index(drop=True)
    pd.testing.assert_frame_equal(df, ref, check_exact=True)
    bare["comparison"] = {"analytic": True}
    cmp = tlsmc.run(parse_scenario(bare)).comparison
    assert list(cmp["observable"]) == ["C_eq"] and abs(cmp["z"].iloc[0]) < 4


def test_T0_list_is_the_runs_of_each_bath_temperature():
    both = _frame(_release(T0_K=[0.05, 0.2], T1_K=[1.0, 0.5]))
    parts = pd.concat([_frame(_release(T0_K=T0, T1_K=[1.0, 0.5])) for T0 in (0.05, 0.2)],
                      ignore_index=True)
    pd.testing.assert_frame_equal(both, parts, check_exact=True)
    assert set(both["T_K"]) == {0.05, 0.2}
    sc = parse_scenario(_release(T0_K=0.1))          # a scalar stays accepted
    assert sc.measurement[0].T0_K == (0.1,)
    assert sc.to_table()["measurement"][0]["T0_K"] == [0.1]


def test_T0_list_comparison_and_plot(tmp_path):
    t = _release(T0_K=[0.05, 0.2], T1_K=[1.0])
    t["comparison"] = {"analytic": True}
    res = tlsmc.run(parse_scenario(t))
    cmp = res.comparison
    assert set(cmp["T_K"]) == {0.05, 0.2} and np.isfinite(cmp["exact"]).all()
    assert (cmp["z"].abs() < 4).all()
    from tlsmc.plotting import figures   # noqa: PLC0415 - optional extra
    assert len(figures(res)) == 1


N_ETF = 400_000


@pytest.fixture(scope="module")
def etf_run():
    t = _base(n_tls=N_ETF, seed=11)
    t["measurement"] = [{"kind": "heat_capacity", "temperatures_K": [0.1, 0.3],
                         "times": {"values_s": [1e-4, 1e-2, 1.0, 100.0]},
                         "observables": ["E_tf", "C_tf"]}]
    t["comparison"] = {"analytic": True}
    return tlsmc.run(parse_scenario(t))


def test_E_tf_matches_its_quadrature(etf_run):
    cmp = etf_run.comparison
    e = cmp[cmp.observable == "E_tf"]
    assert len(e) == 8 and np.isfinite(e["exact"]).all() and (e["mc_stderr"] > 0).all()
    assert (e["z"].abs() < 4).all(), e[["T_K", "t_s", "mc", "exact", "z"]]
    assert (e["mc_stderr"] < 0.05 * e["mc"]).all()
    df = etf_run.to_dataframe()
    assert (df[df.observable == "E_tf"]["unit"] == "J m^-3").all()


def test_E_tf_derivative_is_C_tf():
    """dE_tf/dT by a central difference on the same samples equals C_tf."""
    T, h = 0.3, 1e-3
    t = _base(n_tls=65536, seed=3)
    t["measurement"] = [{"kind": "heat_capacity", "temperatures_K": [T * (1 - h), T, T * (1 + h)],
                         "times": {"values_s": [1e-4, 1e-2, 1.0, 100.0]},
                         "observables": ["E_tf", "C_tf", "C"]}]
    df = _frame(t)
    E = {T_: g.sort_values("t_s")["value"].to_numpy()
         for T_, g in df[df.observable == "E_tf"].groupby("T_K")}
    c_tf = df[(df.observable == "C_tf") & (df.T_K == T)].sort_values("t_s")["value"].to_numpy()
    lo, hi = sorted(E)[0], sorted(E)[-1]
    dE = (E[hi] - E[lo]) / (hi - lo)
    np.testing.assert_allclose(dE, c_tf, rtol=1e-4)
    # and not the small-step C, which lacks TF's ∂K/∂T term
    c = df[(df.observable == "C") & (df.T_K == T)].sort_values("t_s")["value"].to_numpy()
    assert np.all(np.abs(dE / c - 1.0) > 1e-3)


def test_plots_without_a_time_axis_and_of_E_tf():
    from tlsmc.plotting import figures   # noqa: PLC0415 - optional extra
    t = _hc(observables=["C_eq"])
    t["measurement"][0]["temperatures_K"] = [0.1, 0.3]
    t["measurement"].append({"kind": "heat_capacity", "temperatures_K": [0.1],
                             "observables": ["E_tf"], "times": {"values_s": [1.0, 10.0]}})
    t["comparison"] = {"analytic": True}
    figs = figures(tlsmc.run(parse_scenario(t)))
    ax0, ax1 = (figs[k].axes[0] for k in ("heat_capacity_0", "heat_capacity_1"))
    assert ax0.get_xlabel().startswith("temperature") and len(ax0.containers) == 1
    assert "E_tf" in ax1.get_ylabel() and len(ax1.containers) == 1
