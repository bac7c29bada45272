"""Results.to_xarray(): the tidy observables as an xarray.Dataset, value for value."""
from __future__ import annotations

import copy
import json
import sys

import numpy as np
import pytest

xr = pytest.importorskip("xarray")

import tlsmc  # noqa: E402
from tlsmc.xarray_export import DIMENSIONS  # noqa: E402

from conftest import BASE  # noqa: E402


@pytest.fixture(scope="module")
def results():
    """Heat capacity, heat release and a temperature history (U from all three)."""
    table = copy.deepcopy(BASE)
    table["run"].update(name="xr", n_tls=65536, seed=5)
    table["measurement"] = [
        {"kind": "heat_capacity", "temperatures_K": [0.1, 1.0], "step_fraction": 0.01,
         "times": {"start_s": 1e-6, "stop_s": 1e4, "num": 5}},
        {"kind": "heat_release", "T0_K": 0.1, "T1_K": [1.0, 4.0],
         "times": {"start_s": 10.0, "stop_s": 1e5, "num": 4}},
        {"kind": "temperature_history",
         "protocol": {"shape": "ramp", "initial": 0.3, "final": 0.1, "duration_s": 1.0},
         "times": {"start_s": 1e-3, "stop_s": 10.0, "num": 4}},
    ]
    return tlsmc.run(tlsmc.parse_scenario(table))


def _points(ds, var, rows):
    """ds[var] at the coordinates of ``rows`` (pointwise selection)."""
    sel = {DIMENSIONS[c]: xr.DataArray(rows[c].to_numpy(), dims="point")
           for c in DIMENSIONS if DIMENSIONS[c] in ds[var].dims}
    return ds[var].sel(sel).to_numpy() if sel else np.full(len(rows), ds[var].item())


def test_round_trip_values_and_stderr(results):
    ds = results.to_xarray()
    obs = results.observables
    seen = 0
    for var in ds.data_vars:
        if var.endswith("_stderr"):
            continue
        attrs = ds[var].attrs
        rows = obs[(obs.observable == attrs["observable"]) & (obs.measurement == attrs["measurement"])]
        assert len(rows) > 0
        np.testing.assert_array_equal(_points(ds, var, rows), rows["value"].to_numpy())
        np.testing.assert_array_equal(_points(ds, f"{var}_stderr", rows), rows["stderr"].to_numpy())
        assert int(ds[var].notnull().sum()) == len(rows)      # nothing invented
        assert attrs["units"] == rows["unit"].iloc[0] == ds[f"{var}_stderr"].attrs["units"]
        seen += len(rows)
    assert seen == len(obs)                                   # nothing lost


def test_dimensions_names_and_attrs(results):
    ds = results.to_xarray()
    assert ds["C"].dims == ("T", "t") and ds["C_eq"].dims == ("T",)
    assert ds["C_eq"].attrs["t_s"] == "inf"
    assert set(ds["Qdot_m1"].dims) == {"T", "t", "T1"}         # heat release: T is the bath T0
    assert ds["Qdot_m2"].dims == ("t", "T1")                   # history: T is a function of t
    assert "T_K_m2" in ds.coords and ds["T_K_m2"].dims == ("t",)       # segment temperatures
    assert ds["step_K_m0"].dims == ("T",)
    np.testing.assert_allclose(ds["step_K_m0"], 0.01 * ds["T"])
    assert {"U_m0", "U_m1", "U_m2"} <= set(ds.data_vars) and "U" not in ds.data_vars
    assert ds["C"].attrs["kind"] == "heat_capacity" and ds["Qdot_m2"].attrs["kind"] == \
        "temperature_history"
    assert ds["T"].attrs["units"] == "K" and ds["t"].attrs["units"] == "s"
    assert ds.attrs["name"] == "xr" and ds.attrs["n_tls"] == 65536
    assert json.loads(ds.attrs["scenario"]) == json.loads(json.dumps(results.metadata["scenario"]))
    for dim in ds.dims:
        assert not ds[dim].isnull().any()


def test_read_back_equals_in_memory(results, tmp_path):
    results.write(tmp_path / "run")
    xr.testing.assert_identical(tlsmc.Results.read(tmp_path / "run").to_xarray(),
                                results.to_xarray())


def test_single_measurement_names(results):
    one = tlsmc.Results(results.observables[results.observables.measurement == 0],
                        None, results.metadata)
    ds = one.to_xarray()
    assert {"C", "C_stderr", "U", "C_eq"} <= set(ds.data_vars) and ds["step_K"].dims == ("T",)


def test_missing_xarray_names_the_extra(results, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(ImportError, match=r'pip install "tlsmc\[xarray\]"'):
        results.to_xarray()
