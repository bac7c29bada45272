"""Arbitrary piecewise-constant temperature histories, propagated exactly segment by segment."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import param, require
from ..dynamics import evolve
from ..protocol import piecewise_protocol
from ..thermal import n_eq
from ..units import K_B
from .common import TimeGrid, check_temperatures, make_rows, standard_error

__all__ = ["TemperatureHistory"]


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
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        require(len(self.starts_s) == len(self.temperatures_K),
                f"{prefix}.starts_s and {prefix}.temperatures_K must have equal length "
                f"(got {len(self.starts_s)} and {len(self.temperatures_K)})")
        require(self.starts_s[0] == 0.0, f"{prefix}.starts_s[0] must be 0 s (got {self.starts_s[0]:g})")
        for i in range(1, len(self.starts_s)):
            require(self.starts_s[i] > self.starts_s[i - 1],
                    f"{prefix}.starts_s must increase strictly (starts_s[{i}] = "
                    f"{self.starts_s[i]:g} <= {self.starts_s[i - 1]:g})")

    def start(self, n_total: int, scenario=None) -> "_HistoryAcc":
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
                out += make_rows("U", T_of_t[k], [t[k]], [value],
                             standard_error([value], [second], self.n))
            if "Qdot" in self.cfg.observables:
                out += make_rows("Qdot", T_of_t[k], [t[k]], [s.flux[0, k]],
                             standard_error([s.flux[0, k]], [s.flux_sq[0, k]], self.n))
        return out


