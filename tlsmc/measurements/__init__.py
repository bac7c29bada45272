"""Stage 6, measurements: what a scenario asks for, accumulated chunk by chunk (PHYSICS §6).

Receives each chunk's spectrum, weights and rates (through ``rates_at``) and reduces them
to partial sums; returns tidy rows.  The per-TLS dynamics they use is :mod:`tlsmc.dynamics`.

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
from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np

from .common import UNITS, TimeGrid, standard_error
from .acoustic import Acoustic
from .electronic import ElectronicExpansion
from .dielectric import Dielectric
from .conduction import ThermalConductivity
from .luminescence import Luminescence
from .expansion import ThermalExpansion
from .heat_pulse import HeatPulse
from .history import TemperatureHistory
from .step import HeatCapacity, HeatRelease

__all__ = ["MEASUREMENTS", "Measurement", "Accumulator", "TimeGrid", "HeatCapacity", "HeatRelease", "TemperatureHistory",
           "HeatPulse",
           "standard_error", "UNITS"]



@runtime_checkable
class Accumulator(Protocol):
    """Partial sums of one measurement: ``add`` one chunk (``weight`` (N,) in m^-3,
    ``rates_at(T_K) -> RateSet``), then ``rows()`` the tidy result rows."""

    def add(self, spectrum, weight: np.ndarray, rates_at: Callable[[float], Any]) -> None: ...

    def rows(self) -> list[dict]: ...


@runtime_checkable
class Measurement(Protocol):
    """Contract of a ``[[measurement]]`` kind (a frozen config dataclass): ``validate(prefix)``
    checks cross-field constraints at load time, ``start(n_total, scenario)`` returns a fresh
    :class:`Accumulator`."""

    def validate(self, prefix: str) -> None: ...

    def start(self, n_total: int, scenario: Any) -> Accumulator: ...


MEASUREMENTS: dict[str, type[Measurement]] = {
    "heat_capacity": HeatCapacity,
    "heat_release": HeatRelease,
    "temperature_history": TemperatureHistory,
    "heat_pulse": HeatPulse,
    "thermal_expansion": ThermalExpansion,
    "acoustic": Acoustic,
    "electronic_expansion": ElectronicExpansion,
    "dielectric": Dielectric,
    "thermal_conductivity": ThermalConductivity,
    "luminescence": Luminescence,
}
