"""Stage 6, measurements: what a scenario asks for, accumulated chunk by chunk (PHYSICS §6).

Receives each chunk's spectrum, weights and rates (through ``rates_at``) and reduces them
to partial sums; returns tidy rows.  The per-TLS dynamics they use is :mod:`tlsmc.dynamics`.

Each measurement kind is a frozen config dataclass (its ``[[measurement]]``
table) whose ``start(n_total, scenario)`` returns an accumulator with

* ``partial(spectrum, weight, rates_at)`` — the partial sums of one batch of samples
  (one seed block, in a run): ``weight`` (N,) in m^-3, ``rates_at(T_K) -> RateSet``;
  returns nested dicts/lists/tuples of numpy arrays, picklable, O(output points) — never
  the samples — and leaves the accumulator unchanged (so a worker can compute it);
* ``merge(total)`` — take the partial sums combined over the run's blocks
  (:func:`~tlsmc.measurements.common.combine_sums` in the fixed block tree of
  :mod:`tlsmc.executors.reduction`); ``add(...)`` = ``merge(partial(...))``;
* ``distributes`` — False where the partial keeps samples (the self-consistent heat pulse);
* ``rows()`` — the tidy result rows (observable, T_K, t_s, value, stderr, unit, ...).

Every observable is a weighted sum Σ_i x_i over N independent samples; its
standard error is sqrt(N/(N−1) (Σ x_i² − (Σ x_i)²/N)), from the per-sample
second moment accumulated alongside.  For a population drawn in antithetic units
(soft potentials with ``antithetic = true``: mirror pairs or type-2 quartets, PHYSICS §9)
the x_i are the unit sums and N the number of units (``common.UnitMoments``).  Registry :data:`MEASUREMENTS` maps
``kind`` to the config class: one module per family, one line here each.

What the ``T_K`` column of a result row means (one meaning per measurement kind):

=====================  ==========================================================  =========================
kind                   ``T_K`` (K)                                                 other temperature columns
=====================  ==========================================================  =========================
heat_capacity          T before the step T -> T + δT at t = 0 (C: δT -> 0;         ``step_K`` = δT (C_step, U)
                       C_step, U: rates at T + δT after the step)
heat_release           T0, the bath temperature after the quench T1 -> T0          ``T1_K`` = T1 (before)
temperature_history    the temperature of the protocol segment that contains t     ``T1_K`` = T for t < 0
heat_pulse             T_b, the bath temperature (the sample's own T(t) is the     ``T1_K`` = T_initial when
                       observable ``T_sample``)                                    it differs from T_b
thermal_expansion      T before the heating step (as heat_capacity)                ``step_K`` = δT (strain)
=====================  ==========================================================  =========================

Units are in :data:`UNITS` and in each row's ``unit``; ``alpha`` is the *volumetric*
thermal-expansion coefficient α_V = ∂ε/∂T (K^-1; the linear coefficient of dilatometry
is α_V/3), see :mod:`.expansion`.
"""
from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np

from .common import UNITS, PartialSums, TimeGrid, combine_sums, standard_error
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
           "standard_error", "UNITS", "PartialSums", "combine_sums"]



@runtime_checkable
class Accumulator(Protocol):
    """Partial sums of one measurement: ``partial`` of a batch of samples (``weight`` (N,) in
    m^-3, ``rates_at(T_K) -> RateSet``), ``merge`` the combined partials, ``add`` = both, then
    ``rows()`` the tidy result rows; ``distributes`` says whether partials may be computed in
    other processes."""

    distributes: bool

    def partial(self, spectrum, weight: np.ndarray, rates_at: Callable[[float], Any]) -> Any: ...

    def merge(self, total: Any) -> None: ...

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
