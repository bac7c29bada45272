"""Measurements: what a scenario asks for, accumulated chunk by chunk (PHYSICS §6).

Each measurement kind is a frozen config dataclass (its ``[[measurement]]``
table) whose ``start(n_total)`` returns an accumulator with

* ``add(spectrum, weight, rates_at)`` — one chunk: ``weight`` (N,) in m^-3,
  ``rates_at(T_K) -> RateSet``;
* ``rows()`` — the tidy result rows (observable, T_K, t_s, value, stderr, unit, ...).

Every observable is a weighted sum Σ_i x_i over N independent samples; its
standard error is sqrt(N/(N−1) (Σ x_i² − (Σ x_i)²/N)), from the per-sample
second moment accumulated alongside.
Registry :data:`MEASUREMENTS` maps ``kind`` to the config class.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .config import param, require
from .dynamics import evolve
from .protocol import piecewise_protocol
from .relaxation import RelaxationSums
from .thermal import n_eq, occupation_and_derivative
from .units import K_B

__all__ = ["TimeGrid", "HeatCapacity", "HeatRelease", "TemperatureHistory", "MEASUREMENTS",
           "standard_error", "UNITS"]

UNITS = {"U": "J m^-3", "C": "J m^-3 K^-1", "C_step": "J m^-3 K^-1", "C_eq": "J m^-3 K^-1",
         "Qdot": "W m^-3"}


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


def _check_temperatures(values, prefix: str) -> None:
    for i, T in enumerate(values):
        require(T > 0, f"{prefix}[{i}] must be > 0 K (got {T:g})")


def _rows(observable, T_K, times, value, stderr, **extra) -> list[dict]:
    return [dict(observable=observable, T_K=float(T_K), t_s=float(t), value=float(v),
                 stderr=float(e), unit=UNITS[observable], **extra)
            for t, v, e in zip(np.broadcast_to(times, np.shape(value)), value, stderr)]


# --------------------------------------------------------------------------- heat capacity
@dataclass(frozen=True, slots=True)
class HeatCapacity:
    """Heat capacity after a small step T -> T + δT at t = 0 (PHYSICS §6).

    * ``C``: δT -> 0 limit, C(T,t) = Σ w E ∂n_eq/∂T (1 − e^{−K(T) t}) (k_B restored);
    * ``C_step``: finite step δT = step_fraction·T, [U(t) − U(0)]/δT with the
      rates at T + δT;
    * ``C_eq``: equilibrium Σ w E ∂n_eq/∂T (reported at t = inf);
    * ``U``: TLS energy U(t) = Σ w E n(t) after the finite step.
    """

    temperatures_K: tuple[float, ...] = param(unit="K")
    times: TimeGrid = param()
    step_fraction: float = param(0.01, gt=0, le=0.5, doc="δT / T of the finite step")
    observables: tuple[str, ...] = param(("C", "C_step", "C_eq", "U"),
                                         choices=("C", "C_step", "C_eq", "U"))

    def validate(self, prefix: str) -> None:
        _check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        for i, name in enumerate(self.observables):
            require(name in ("C", "C_step", "C_eq", "U"),
                    f"{prefix}.observables[{i}] must be one of C, C_step, C_eq, U (got {name!r})")

    def start(self, n_total: int) -> "_HeatCapacityAcc":
        return _HeatCapacityAcc(self, n_total)


class _HeatCapacityAcc:
    def __init__(self, cfg: HeatCapacity, n_total: int):
        self.cfg, self.n = cfg, n_total
        T = cfg.temperatures_K
        self.linear = [RelaxationSums(2) for _ in T]     # K(T): g, g²
        self.step = [RelaxationSums(3) for _ in T]       # K(T+δT): h, h², 2 a n_T a Δn
        self.plain = np.zeros((len(T), 2))                # Σ a n_T, Σ (a n_T)²

    def add(self, spectrum, weight, rates_at) -> None:
        a = K_B * weight * spectrum.E_K
        for j, T in enumerate(self.cfg.temperatures_K):
            dT = self.cfg.step_fraction * T
            n_T, dndT = occupation_and_derivative(spectrum.E_K, T)
            g = a * dndT
            self.linear[j].add(rates_at(T).K, np.stack([g, g * g]))
            dn = n_eq(spectrum.E_K, T + dT) - n_T
            h = a * dn / dT
            self.step[j].add(rates_at(T + dT).K, np.stack([h, h * h, 2.0 * (a * n_T) * (a * dn)]))
            self.plain[j] += [(a * n_T).sum(), ((a * n_T) ** 2).sum()]

    def rows(self) -> list[dict]:
        out: list[dict] = []
        t = self.cfg.times.values()
        want = set(self.cfg.observables)
        for j, T in enumerate(self.cfg.temperatures_K):
            dT = self.cfg.step_fraction * T
            lin, stp = self.linear[j], self.step[j]
            if "C" in want:
                out += _rows("C", T, t, lin.evaluate(0, "relaxed", t),
                             standard_error(lin.evaluate(0, "relaxed", t),
                                            lin.evaluate(1, "relaxed_sq", t), self.n))
            if "C_eq" in want:
                out += _rows("C_eq", T, [math.inf], [lin.total(0)],
                             standard_error([lin.total(0)], [lin.total(1)], self.n))
            c_step = stp.evaluate(0, "relaxed", t)
            if "C_step" in want:
                out += _rows("C_step", T, t, c_step,
                             standard_error(c_step, stp.evaluate(1, "relaxed_sq", t), self.n),
                             step_K=dT)
            if "U" in want:
                u0, u0_sq = self.plain[j]
                value = u0 + dT * c_step
                second = (u0_sq + stp.evaluate(2, "relaxed", t)
                          + dT * dT * stp.evaluate(1, "relaxed_sq", t))
                out += _rows("U", T, t, value, standard_error(value, second, self.n), step_K=dT)
        return out


# --------------------------------------------------------------------------- heat release
@dataclass(frozen=True, slots=True)
class HeatRelease:
    """Heat release after cooling T1 -> T0 at t = 0 (PHYSICS §6, §8).

    Occupations start at n_eq(T1); rates are those at the bath temperature T0.
    ``Qdot`` = −dU/dt = Σ w E (n(0) − n_eq(T0)) K e^{−K t} (exact derivative);
    ``U`` = Σ w E n(t).  Rows carry ``T_K`` = T0 and ``T1_K``.
    """

    T0_K: float = param(unit="K", gt=0, doc="bath temperature after the quench")
    T1_K: tuple[float, ...] = param(unit="K", doc="temperatures before the quench")
    times: TimeGrid = param()
    observables: tuple[str, ...] = param(("Qdot", "U"), choices=("Qdot", "U"))

    def validate(self, prefix: str) -> None:
        _check_temperatures(self.T1_K, f"{prefix}.T1_K")
        for i, T1 in enumerate(self.T1_K):
            require(T1 != self.T0_K, f"{prefix}.T1_K[{i}] must differ from {prefix}.T0_K "
                                     f"(got {T1:g} == {self.T0_K:g})")

    def start(self, n_total: int) -> "_HeatReleaseAcc":
        return _HeatReleaseAcc(self, n_total)


class _HeatReleaseAcc:
    def __init__(self, cfg: HeatRelease, n_total: int):
        self.cfg, self.n = cfg, n_total
        self.sums = [RelaxationSums(3) for _ in cfg.T1_K]   # d, d², a n1 d
        self.plain = np.zeros((len(cfg.T1_K), 2))            # Σ a n1, Σ (a n1)²

    def add(self, spectrum, weight, rates_at) -> None:
        a = K_B * weight * spectrum.E_K
        K0 = rates_at(self.cfg.T0_K).K
        n0 = n_eq(spectrum.E_K, self.cfg.T0_K)
        for j, T1 in enumerate(self.cfg.T1_K):
            n1 = n_eq(spectrum.E_K, T1)
            d = a * (n1 - n0)
            self.sums[j].add(K0, np.stack([d, d * d, a * n1 * d]))
            self.plain[j] += [(a * n1).sum(), ((a * n1) ** 2).sum()]

    def rows(self) -> list[dict]:
        out: list[dict] = []
        t = self.cfg.times.values()
        T0 = self.cfg.T0_K
        for j, T1 in enumerate(self.cfg.T1_K):
            s = self.sums[j]
            if "Qdot" in self.cfg.observables:
                q = s.evaluate(0, "flux", t) / t
                q2 = s.evaluate(1, "flux_sq", t) / t**2
                out += _rows("Qdot", T0, t, q, standard_error(q, q2, self.n), T1_K=T1)
            if "U" in self.cfg.observables:
                u1, u1_sq = self.plain[j]
                value = u1 - s.evaluate(0, "relaxed", t)
                second = u1_sq - 2.0 * s.evaluate(2, "relaxed", t) + s.evaluate(1, "relaxed_sq", t)
                out += _rows("U", T0, t, value, standard_error(value, second, self.n), T1_K=T1)
        return out


# --------------------------------------------------------------------------- T(t) history
@dataclass(frozen=True, slots=True)
class TemperatureHistory:
    """Any piecewise-constant phonon temperature: T_initial (equilibrium) for
    t < 0, then ``temperatures_K[s]`` from ``starts_s[s]`` on (starts_s[0] = 0).

    ``U`` = Σ w E n(t); ``Qdot`` = −dU/dt.  Rows carry ``T_K`` = the temperature
    of the segment that contains t.
    """

    T_initial_K: float = param(unit="K", gt=0)
    starts_s: tuple[float, ...] = param(unit="s", ge=0, le=1e12)
    temperatures_K: tuple[float, ...] = param(unit="K")
    times: TimeGrid = param()
    observables: tuple[str, ...] = param(("U", "Qdot"), choices=("U", "Qdot"))

    def validate(self, prefix: str) -> None:
        _check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        require(len(self.starts_s) == len(self.temperatures_K),
                f"{prefix}.starts_s and {prefix}.temperatures_K must have equal length "
                f"(got {len(self.starts_s)} and {len(self.temperatures_K)})")
        require(self.starts_s[0] == 0.0, f"{prefix}.starts_s[0] must be 0 s (got {self.starts_s[0]:g})")
        for i in range(1, len(self.starts_s)):
            require(self.starts_s[i] > self.starts_s[i - 1],
                    f"{prefix}.starts_s must increase strictly (starts_s[{i}] = "
                    f"{self.starts_s[i]:g} <= {self.starts_s[i - 1]:g})")

    def start(self, n_total: int) -> "_HistoryAcc":
        return _HistoryAcc(self, n_total)


class _HistoryAcc:
    def __init__(self, cfg: TemperatureHistory, n_total: int):
        self.cfg, self.n = cfg, n_total
        self.protocol = piecewise_protocol(cfg.T_initial_K, cfg.starts_s, cfg.temperatures_K)
        self.sums = None
        self.plain = np.zeros(2)

    def add(self, spectrum, weight, rates_at) -> None:
        a = K_B * weight * spectrum.E_K
        n_ref = n_eq(spectrum.E_K, self.cfg.T_initial_K)
        # row 1 gives the cross term 2 Σ a² n_ref Δn of Σ (a n)² = Σ (a n_ref + a Δn)²
        coef = np.stack([a, 2.0 * a * a * n_ref])
        sums = evolve(spectrum.E_K, coef, rates_at, self.protocol, self.cfg.times.values(), n_ref)
        self.sums = sums if self.sums is None else self.sums + sums
        self.plain += [(a * n_ref).sum(), ((a * n_ref) ** 2).sum()]

    def rows(self) -> list[dict]:
        t = self.cfg.times.values()
        seg = np.searchsorted(self.protocol.starts_s, t, side="right") - 1
        T_of_t = self.protocol.temperatures_K[seg]
        out: list[dict] = []
        s = self.sums
        for k in range(t.shape[0]):
            if "U" in self.cfg.observables:
                value = self.plain[0] + s.dn[0, k]
                second = self.plain[1] + s.dn[1, k] + s.dn_sq[0, k]
                out += _rows("U", T_of_t[k], [t[k]], [value],
                             standard_error([value], [second], self.n))
            if "Qdot" in self.cfg.observables:
                out += _rows("Qdot", T_of_t[k], [t[k]], [s.flux[0, k]],
                             standard_error([s.flux[0, k]], [s.flux_sq[0, k]], self.n))
        return out


MEASUREMENTS: dict[str, type] = {"heat_capacity": HeatCapacity, "heat_release": HeatRelease,
                                 "temperature_history": TemperatureHistory}
