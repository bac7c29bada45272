"""Shared pieces of the measurements: time grids, units, standard errors, result rows."""
from __future__ import annotations

import math

from dataclasses import dataclass

import numpy as np

from ..config import param, require

__all__ = ["TimeGrid", "standard_error", "UNITS", "check_temperatures", "make_rows",
           "T_RANGE_K", "TIME_RANGE_S", "combine_sums", "PartialSums", "FieldSums",
           "sample_unit", "unit_sums", "UnitMoments", "check_times"]

T_RANGE_K = (1e-4, 1e4)
"""Accepted temperatures, K: 0.1 mK (below any dilution refrigerator's sample) to 10 kK
(above any glass transition); E/T and the rates stay finite for every accepted population."""
TIME_RANGE_S = (1e-15, 1e12)
"""Accepted times, s: 1 fs (one phonon period) to 1e12 s (30 000 years)."""

#: Units of the observables.  ``alpha`` (thermal_expansion) is the *volumetric* coefficient
#: α_V = (1/V) ∂V/∂T = ∂ε/∂T with ε the volumetric strain (GGP eq. 1.5), K^-1; dilatometry
#: reports the linear coefficient α_L = α_V / 3 of an isotropic glass.
UNITS = {"U": "J m^-3", "C": "J m^-3 K^-1", "C_step": "J m^-3 K^-1", "C_eq": "J m^-3 K^-1",
         "C_tf": "J m^-3 K^-1", "E_tf": "J m^-3", "Qdot": "W m^-3",
         # heat pulses (measurements.heat_pulse): sample temperature, phonon energy,
         # apparent heat capacity, heater energy in, energy through the link
         "T_sample": "K", "U_ph": "J m^-3", "C_app": "J m^-3 K^-1", "E_in": "J m^-3",
         "E_link": "J m^-3",
         "attenuation": "m^-1", "Q_inv": "1", "dv_over_v": "1", "tan_delta": "1", "deps_over_eps": "1",
         # thermal conductivity (measurements.conduction) and luminescence
         "kappa": "W m^-1 K^-1", "kappa_bias": "W m^-1 K^-1", "inverse_mfp": "m^-1",
         "luminescence_yield": "1"}


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

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """(s1, s2): the additive sums (partial sums of a block, combined across blocks)."""
        return self.s1, self.s2

    @classmethod
    def from_moments(cls, kinds, times_s, unit: int, s1, s2) -> "UnitMoments":
        """An instance holding the sums ``s1``, ``s2`` (e.g. combined partials)."""
        out = cls(kinds, times_s, unit)
        out.s1, out.s2 = np.asarray(s1, dtype=float), np.asarray(s2, dtype=float)
        return out

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
    """Output times: ``num`` log-spaced points from ``start_s`` to ``stop_s``, or the explicit
    list ``values_s`` (sorted, distinct; exactly one of the two forms)."""

    start_s: float | None = param(None, unit="s", gt=0, range=TIME_RANGE_S, term=True,
                                  doc="first time, 1e-15..1e12 s")
    stop_s: float | None = param(None, unit="s", gt=0, range=TIME_RANGE_S, term=True,
                                 doc="last time, 1e-15..1e12 s")
    num: int | None = param(None, gt=0, le=100_000, term=True, doc="number of times, 1..100 000")
    values_s: tuple[float, ...] | None = param(None, unit="s", gt=0, range=TIME_RANGE_S,
                                               term=True, doc="explicit times, increasing, "
                                               "each 1e-15..1e12 s (at most 100 000)")

    def validate(self, prefix: str) -> None:
        grid = [n for n in ("start_s", "stop_s", "num") if getattr(self, n) is not None]
        if self.values_s is not None:
            require(not grid, f"{prefix}.values_s: give either {prefix}.values_s or "
                              f"{prefix}.start_s/stop_s/num (got also {', '.join(grid)})")
            v = self.values_s
            require(len(v) <= 100_000, f"{prefix}.values_s must have at most 100 000 times "
                                       f"(got {len(v)})")
            for i in range(1, len(v)):
                require(v[i] > v[i - 1], f"{prefix}.values_s[{i}] must be > "
                                         f"{prefix}.values_s[{i - 1}] (sorted, distinct; got "
                                         f"{v[i]:g} after {v[i - 1]:g})")
            return
        for n in ("start_s", "stop_s", "num"):
            require(n in grid, f"{prefix}.{n} is missing (give {prefix}.start_s, stop_s and num, "
                               f"or {prefix}.values_s)")
        require(self.start_s < self.stop_s or (self.num == 1 and self.start_s == self.stop_s),
                f"{prefix}.start_s must be < {prefix}.stop_s (got {self.start_s:g} >= {self.stop_s:g})")

    def values(self) -> np.ndarray:
        if self.values_s is not None:
            return np.array(self.values_s, dtype=float)
        return np.geomspace(self.start_s, self.stop_s, self.num)


def check_times(values, prefix: str) -> None:
    """ConfigError unless every time is finite and within :data:`TIME_RANGE_S` (> 0)."""
    lo, hi = TIME_RANGE_S
    for i, t in enumerate(values):
        require(math.isfinite(t) and lo <= t <= hi,
                f"{prefix}[{i}] must be > 0 s, within [{lo:g}, {hi:g}] s (got {t:g})")


def check_temperatures(values, prefix: str, distinct: bool = True) -> None:
    """ConfigError unless every temperature is > 0 and within :data:`T_RANGE_K` (and, with
    ``distinct``, no value appears twice: it would duplicate rows and comparison rows)."""
    lo, hi = T_RANGE_K
    seen: dict[float, int] = {}
    for i, T in enumerate(values):
        require(T > 0, f"{prefix}[{i}] must be > 0 K (got {T:g})")
        require(lo <= T <= hi, f"{prefix}[{i}] must be > 0 K, within [{lo:g}, {hi:g}] K "
                               f"(got {T:g})")
        require(not distinct or T not in seen,
                f"{prefix}[{i}] repeats {prefix}[{seen.get(T)}] (got {T:g} twice; "
                f"temperatures must be distinct)")
        seen[T] = i


def make_rows(observable, T_K, times, value, stderr, **extra) -> list[dict]:
    return [dict(observable=observable, T_K=float(T_K), t_s=float(t), value=float(v),
                 stderr=float(e), unit=UNITS[observable], **extra)
            for t, v, e in zip(np.broadcast_to(times, np.shape(value)), value, stderr)]




def combine_sums(left, right):
    """Sum of two partial sums of the same shape: nested dicts, lists and tuples of arrays
    (element by element), or any objects with ``+`` (left = earlier samples)."""
    if isinstance(left, dict):
        return {key: combine_sums(left[key], right[key]) for key in left}
    if isinstance(left, (list, tuple)):
        return type(left)(combine_sums(a, b) for a, b in zip(left, right, strict=True))
    return left + right


class PartialSums:
    """Accumulator base: a chunk's samples go to :meth:`partial`, which returns their partial
    sums (nested dicts/lists/tuples of numpy arrays, picklable, no per-sample data) without
    touching the accumulator; the caller combines partials in a fixed order
    (:mod:`tlsmc.executors.reduction`) and hands the total to :meth:`merge`.  ``rows()``
    reads ``self.sums``.  ``distributes`` is False for measurements whose partials are not
    small sums (they keep samples) and so run only in the client's process.
    """

    distributes = True
    sums = None

    def partial(self, spectrum, weight, rates_at):  # pragma: no cover - per kind
        raise NotImplementedError

    def merge(self, part) -> None:
        """Add partial sums (of later samples than those merged so far)."""
        self.sums = part if self.sums is None else combine_sums(self.sums, part)

    def add(self, spectrum, weight, rates_at) -> None:
        """``merge(partial(...))``: add one batch of samples directly."""
        self.merge(self.partial(spectrum, weight, rates_at))


def _zeros_like(obj):
    """Zeroed arrays of the same nested shape (arrays, or lists/tuples of arrays)."""
    if isinstance(obj, (list, tuple)):
        return type(obj)(_zeros_like(x) for x in obj)
    return np.zeros_like(obj)


class FieldSums(PartialSums):
    """A :class:`PartialSums` whose sums are named numpy arrays (the attributes listed in
    ``sum_fields``, created zeroed by ``__init__``): :meth:`accumulate` adds one batch of
    samples into ``out`` (a dict of zeroed arrays of the same shapes); after :meth:`merge` the
    attributes hold the totals, which ``rows()`` reads."""

    sum_fields: tuple[str, ...] = ()

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:  # pragma: no cover
        raise NotImplementedError

    def partial(self, spectrum, weight, rates_at) -> dict:
        out = {k: _zeros_like(getattr(self, k)) for k in self.sum_fields}
        self.accumulate(spectrum, weight, rates_at, out)
        return out

    def merge(self, part) -> None:
        super().merge(part)
        for k in self.sum_fields:
            setattr(self, k, self.sums[k])
