"""Shared pieces of the measurements: time grids, units, standard errors, result rows."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import param, require

__all__ = ["TimeGrid", "standard_error", "UNITS", "check_temperatures", "make_rows",
           "sample_unit", "unit_sums", "UnitMoments"]

UNITS = {"U": "J m^-3", "C": "J m^-3 K^-1", "C_step": "J m^-3 K^-1", "C_eq": "J m^-3 K^-1",
         "C_tf": "J m^-3 K^-1", "Qdot": "W m^-3",
         # heat pulses (measurements.heat_pulse): sample temperature, phonon energy,
         # apparent heat capacity, heater energy in, energy through the link
         "T_sample": "K", "U_ph": "J m^-3", "C_app": "J m^-3 K^-1", "E_in": "J m^-3",
         "E_link": "J m^-3"}


def standard_error(s1, s2, n: int):
    """Standard error of a sum of n iid terms from Σx (s1) and Σx² (s2).

    se = sqrt(n/(n−1) (Σx² − (Σx)²/n)): the sample variance of the terms times n.  With an
    antithetic population the terms are the unit sums and n the number of units
    (:func:`sample_unit`, :class:`UnitMoments`).
    """
    var = (np.asarray(s2) - np.asarray(s1) ** 2 / n) * (n / (n - 1.0))
    return np.sqrt(np.maximum(var, 0.0))


def sample_unit(population_model) -> int:
    """Samples per independent draw: the ``antithetic_unit`` (2: mirror pairs, 4: type-2
    quartets; PHYSICS §9) of a population drawn with ``antithetic = true``, else 1."""
    if population_model is not None and getattr(population_model, "antithetic", False):
        return int(population_model.antithetic_unit)
    return 1


def unit_sums(x: np.ndarray, unit: int) -> np.ndarray:
    """Σ of ``x`` (..., N) over consecutive units of ``unit`` samples (the last may be shorter)."""
    x = np.asarray(x, dtype=float)
    if unit == 1:
        return x
    return np.add.reduceat(x, np.arange(0, x.shape[-1], unit), axis=-1)


class UnitMoments:
    """Moments over antithetic units of relaxation sums x_s(t) = Σ G_s F_s(K t) at fixed times.

    Series s has the shape ``kinds[s]`` (0: 1, 1: 1 − e^{−Kt}, 2: Kt e^{−Kt}); all series
    of one instance share the rates K.  Each unit's terms are summed before squaring
    (:mod:`tlsmc._kernels.unit_sums`), so :meth:`stderr` is the error over independent
    units, also for a linear combination Σ_s c_s x_s (cross moments kept).

    Parameters
    ----------
    kinds : shape of every series
    times_s : (T,) output times, s (> 0, or inf)
    unit : samples per unit (> 1; a unit never straddles a chunk: seed blocks hold whole units)
    """

    def __init__(self, kinds, times_s, unit: int):
        self.kinds = np.asarray(kinds, dtype=np.int64)
        self.times = np.ascontiguousarray(times_s, dtype=np.float64)
        self.unit = int(unit)
        S, T = self.kinds.size, self.times.size
        self.s1, self.s2 = np.zeros((S, T)), np.zeros((S, S, T))

    def add(self, K: np.ndarray, G: np.ndarray) -> None:
        """One chunk: rates ``K`` (N,), s^-1, and series ``G`` (S, N)."""
        from .._kernels.unit_sums import unit_moments_kinds
        unit_moments_kinds(np.ascontiguousarray(G, dtype=np.float64),
                           np.ascontiguousarray(K, dtype=np.float64), self.kinds, self.unit,
                           self.times, self.s1, self.s2)

    def stderr(self, coeffs, n_units: int) -> np.ndarray:
        """Standard error over ``n_units`` units of Σ_s c_s x_s(t); ``coeffs`` (S,) of scalars
        or (T,) arrays (e.g. 1/t for a heat flux)."""
        c = [np.broadcast_to(np.asarray(ci, dtype=float), self.times.shape) for ci in coeffs]
        m1 = sum(ci * self.s1[s] for s, ci in enumerate(c))
        m2 = sum(ci * cr * self.s2[s, r] for s, ci in enumerate(c) for r, cr in enumerate(c))
        if n_units < 2:
            return np.full(self.times.shape, np.nan)
        return standard_error(m1, m2, n_units)


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


