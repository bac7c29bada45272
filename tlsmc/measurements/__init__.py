"""Measurements: what a scenario asks for, accumulated chunk by chunk (PHYSICS §6).

Each measurement kind is a frozen config dataclass (its ``[[measurement]]``
table) whose ``start(n_total, scenario)`` returns an accumulator with

* ``add(spectrum, weight, rates_at)`` — one chunk: ``weight`` (N,) in m^-3,
  ``rates_at(T_K) -> RateSet``;
* ``rows()`` — the tidy result rows (observable, T_K, t_s, value, stderr, unit, ...).

Every observable is a weighted sum Σ_i x_i over N independent samples; its
standard error is sqrt(N/(N−1) (Σ x_i² − (Σ x_i)²/N)), from the per-sample
second moment accumulated alongside.  Registry :data:`MEASUREMENTS` maps
``kind`` to the config class: one module per family, one line here each.
"""
from .common import UNITS, TimeGrid, standard_error
from .expansion import ThermalExpansion
from .heat_pulse import HeatPulse
from .history import TemperatureHistory
from .step import HeatCapacity, HeatRelease

__all__ = ["MEASUREMENTS", "TimeGrid", "HeatCapacity", "HeatRelease", "TemperatureHistory",
           "HeatPulse",
           "standard_error", "UNITS"]

MEASUREMENTS: dict[str, type] = {
    "heat_capacity": HeatCapacity,
    "heat_release": HeatRelease,
    "temperature_history": TemperatureHistory,
    "heat_pulse": HeatPulse,
    "thermal_expansion": ThermalExpansion,
}
