"""Shared pieces of the measurements: time grids, units, standard errors, result rows."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import param, require

__all__ = ["TimeGrid", "standard_error", "UNITS", "check_temperatures", "make_rows"]

UNITS = {"U": "J m^-3", "C": "J m^-3 K^-1", "C_step": "J m^-3 K^-1", "C_eq": "J m^-3 K^-1",
         "C_tf": "J m^-3 K^-1", "Qdot": "W m^-3",
         # heat pulses (measurements.heat_pulse): sample temperature, phonon energy,
         # apparent heat capacity, heater energy in, energy through the link
         "T_sample": "K", "U_ph": "J m^-3", "C_app": "J m^-3 K^-1", "E_in": "J m^-3",
         "E_link": "J m^-3",
         "attenuation": "m^-1", "Q_inv": "1", "dv_over_v": "1", "tan_delta": "1", "deps_over_eps": "1",
         # thermal conductivity (measurements.conduction) and luminescence
         "kappa": "W m^-1 K^-1", "kappa_bias": "W m^-1 K^-1", "inverse_mfp": "m^-1",
         "luminescence_yield": "1"}


def standard_error(s1, s2, n: int):
    """Standard error of a sum of n iid terms from Σx (s1) and Σx² (s2)."""
    var = (np.asarray(s2) - np.asarray(s1) ** 2 / n) * (n / (n - 1.0))
    return np.sqrt(np.maximum(var, 0.0))


@dataclass(frozen=True, slots=True)
class TimeGrid:
    """Log-spaced output times: ``num`` points from ``start_s`` to ``stop_s``."""

    start_s: float = param(unit="s", gt=0, le=1e12)
    stop_s: float = param(unit="s", gt=0, le=1e12)
    num: int = param(gt=0, le=100_000)

    def validate(self, prefix: str) -> None:
        require(self.start_s < self.stop_s or (self.num == 1 and self.start_s == self.stop_s),
                f"{prefix}.start_s must be < {prefix}.stop_s (got {self.start_s:g} >= {self.stop_s:g})")

    def values(self) -> np.ndarray:
        return np.geomspace(self.start_s, self.stop_s, self.num)


def check_temperatures(values, prefix: str) -> None:
    for i, T in enumerate(values):
        require(T > 0, f"{prefix}[{i}] must be > 0 K (got {T:g})")


def make_rows(observable, T_K, times, value, stderr, **extra) -> list[dict]:
    return [dict(observable=observable, T_K=float(T_K), t_s=float(t), value=float(v),
                 stderr=float(e), unit=UNITS[observable], **extra)
            for t, v, e in zip(np.broadcast_to(times, np.shape(value)), value, stderr)]


