"""A run as an :class:`xarray.Dataset` (``Results.to_xarray()``; needs the ``xarray`` extra).

Layout
------
* One pair of data variables per observable and measurement: ``C`` (the values, SI) and
  ``C_stderr`` (one standard error), each with ``attrs["units"]``, ``observable``,
  ``measurement`` (index in the scenario's ``[[measurement]]`` list) and ``kind``.
* Several measurements reporting the same observable (``U`` from a heat-capacity and a
  heat-release measurement, three ``temperature_history`` ramps, ...) give one variable
  per measurement, named ``<observable>_m<index>`` (``Qdot_m1``, ``Qdot_m2``): their
  coordinate sets and grids differ, so separate variables are lossless where a
  ``measurement`` dimension would be mostly padding.  An observable from a single
  measurement keeps its plain name.
* Dimensions are the coordinate columns the observable's rows carry without NaN, renamed:
  ``T_K -> T``, ``t_s -> t``, ``T1_K -> T1``, ``f_Hz -> f``, ``field_V_m -> field``,
  ``polarization``, ``part``, ``tls``.  Exceptions: a coordinate that is a function of the
  others (``T_K`` of a ``temperature_history``, the segment temperature at t; ``step_K``
  always) becomes a non-index coordinate on the fewest dimensions that determine it,
  named after the column (``step_K``, ``T_K``), with ``_m<index>`` appended when the run
  has several measurements (``T_K_m2``: the segment temperatures of measurement 2); a
  single non-finite value (``t_s = inf`` of ``C_eq``) is dropped and recorded in the
  variable's ``attrs`` (``t_s = "inf"``).  Variables are outer-joined on shared
  dimensions, so a variable is NaN where its grid has no point.
* Dataset ``attrs``: the run metadata (``run.json``), scalars as they are and everything
  else (the scenario, wall times, provenance) as JSON strings; ``name`` is the scenario name.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_xarray", "DIMENSIONS"]

DIMENSIONS = {"T_K": "T", "t_s": "t", "T1_K": "T1", "f_Hz": "f", "polarization": "polarization",
              "part": "part", "field_V_m": "field", "tls": "tls"}
"""Coordinate column -> dimension name, in dimension order."""

_DEPENDENT = ("T_K",)          # a dimension only when not a function of the others
_AUXILIARY = ("step_K",)       # never a dimension


def _import_xarray():
    try:
        import xarray
    except ImportError:
        raise ImportError('Results.to_xarray needs xarray: pip install "tlsmc[xarray]"') from None
    return xarray


def _attr(value: Any) -> Any:
    """A netCDF-safe attribute: str/int/float as they are, anything else as JSON."""
    if isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value
    return json.dumps(value, default=str)


def _layout(rows: pd.DataFrame, name: str) -> tuple[list[str], list[str], dict[str, Any]]:
    """(dimension columns, auxiliary columns, dropped constant coordinates) of one variable."""
    present = [c for c in DIMENSIONS if c in rows.columns and rows[c].notna().all()]
    dropped = {}
    for c in list(present):
        values = rows[c].unique()
        if len(values) == 1 and isinstance(values[0], (float, np.floating)) \
                and not np.isfinite(values[0]):
            present.remove(c)
            dropped[c] = str(values[0])
    aux = [c for c in _AUXILIARY if c in rows.columns and rows[c].notna().all()]
    for c in _DEPENDENT:
        others = [d for d in present if d != c]
        if c in present and others and rows[c].nunique() > 1 and not rows.duplicated(others).any():
            present.remove(c)
            aux.append(c)
    if rows.duplicated(present).any():
        raise ValueError(f"to_xarray: the rows of {name} are not unique on {present}")
    return present, aux, dropped


def _variables(rows: pd.DataFrame, name: str, suffix: str,
               xr) -> tuple[dict[str, Any], dict[str, Any]]:
    """The value and stderr DataArrays of one (observable, measurement), and its auxiliary
    coordinates (keyed ``<column><suffix>``)."""
    dims, aux, dropped = _layout(rows, name)
    frame = rows.set_index(dims) if dims else rows.iloc[:1]
    if dims:
        ds = xr.Dataset.from_dataframe(frame[["value", "stderr"]])
        ds = ds.rename({c: DIMENSIONS[c] for c in dims})
        value, stderr = ds["value"], ds["stderr"]
        aux_arrays = {}
        for c in aux:        # on the fewest dimensions that determine it (step_K: T only)
            keep = list(dims)
            for d in dims:
                rest = [k for k in keep if k != d]
                if (rows.groupby(rest)[c].nunique() <= 1).all() if rest else rows[c].nunique() <= 1:
                    keep = rest
            sub = rows.drop_duplicates(keep)
            arr = (sub.set_index(keep)[c].to_xarray() if keep
                   else xr.DataArray(sub[c].iloc[0]))
            aux_arrays[c] = arr.rename({k: DIMENSIONS[k] for k in keep})
    else:
        value = xr.DataArray(float(frame["value"].iloc[0]))
        stderr = xr.DataArray(float(frame["stderr"].iloc[0]))
        aux_arrays = {c: xr.DataArray(frame[c].iloc[0]) for c in aux}
    observable = str(rows["observable"].iloc[0])
    unit = str(rows["unit"].iloc[0]) if "unit" in rows.columns else ""
    common = {"observable": observable, "units": unit, **dropped}
    if "measurement" in rows.columns:
        common["measurement"] = int(rows["measurement"].iloc[0])
    value.attrs = {**common, "long_name": observable}
    stderr.attrs = {**common, "long_name": f"one standard error of {observable}"}
    coords = {}
    for c, arr in aux_arrays.items():
        arr.attrs = {"units": "K"} if c in ("T_K", "step_K") else {}
        coords[f"{c}{suffix}"] = arr
    return {name: value, f"{name}_stderr": stderr}, coords


def to_xarray(results) -> Any:
    """The observables of a run as an :class:`xarray.Dataset` (layout: module docstring).

    Parameters
    ----------
    results : :class:`tlsmc.results.Results`

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ImportError
        xarray is not installed (names the ``tlsmc[xarray]`` extra).
    ValueError
        an observable's rows are not unique on their coordinates.
    """
    xr = _import_xarray()
    obs = results.observables
    meta = results.metadata
    kinds = [m.get("kind", "unknown") for m in meta.get("scenario", {}).get("measurement", []) or []]
    has_measurement = "measurement" in obs.columns
    keys = ["observable", "measurement"] if has_measurement else ["observable"]
    groups = list(obs.groupby(keys, sort=False))
    per_observable = obs.groupby("observable")["measurement"].nunique() if has_measurement else None
    several_measurements = has_measurement and obs["measurement"].nunique() > 1
    data_vars, coords = {}, {}
    for key, rows in groups:
        observable = key[0]
        several = has_measurement and per_observable[observable] > 1
        name = f"{observable}_m{int(key[1])}" if several else str(observable)
        suffix = f"_m{int(key[1])}" if several_measurements else ""
        variables, aux = _variables(rows, name, suffix, xr)
        data_vars.update(variables)
        coords.update(aux)
        if has_measurement:
            index = int(key[1])
            data_vars[name].attrs["kind"] = kinds[index] if 0 <= index < len(kinds) else "unknown"
            data_vars[f"{name}_stderr"].attrs["kind"] = data_vars[name].attrs["kind"]
    parts = [arr.to_dataset(name=var) for var, arr in data_vars.items()]
    parts += [xr.Dataset(coords={var: arr}) for var, arr in coords.items()]
    ds = xr.merge(parts, join="outer", combine_attrs="drop", compat="no_conflicts")
    for var in data_vars:      # merge keeps the attrs of the variables; make sure
        ds[var].attrs = data_vars[var].attrs
    for dim in ("T", "T1"):
        if dim in ds.coords:
            ds[dim].attrs["units"] = "K"
    if "t" in ds.coords:
        ds["t"].attrs["units"] = "s"
    if "f" in ds.coords:
        ds["f"].attrs["units"] = "Hz"
    if "field" in ds.coords:
        ds["field"].attrs["units"] = "V m^-1"
    ds.attrs = {"name": meta.get("scenario", {}).get("run", {}).get("name", ""),
                **{k: _attr(v) for k, v in meta.items()}}
    return ds
