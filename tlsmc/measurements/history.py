"""Prescribed temperature histories T(t), propagated exactly segment by segment."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import param, require
from ..dynamics.propagation import EvolutionSums, evolve
from ..dynamics.protocols import PROTOCOL_SHAPES, Protocol, SegmentsShape, temperature_protocol
from ..dynamics.occupations import n_eq
from ..units import K_B
from .common import (T_RANGE_K, PartialSums, TimeGrid, check_temperatures, make_rows,
                     sample_unit, standard_error, unit_sums)

__all__ = ["TemperatureHistory"]


@dataclass(frozen=True, slots=True)
class TemperatureHistory:
    """A prescribed phonon temperature T(t), equilibrium at T(t < 0).

    Either a ``protocol`` table (any shape of :data:`tlsmc.dynamics.protocols.PROTOCOL_SHAPES`,
    values in K: step, rect_pulse, ramp, exp_pulse, table, segments), or the flat
    form ``T_initial_K`` for t < 0 then ``temperatures_K[s]`` from ``starts_s[s]``
    on (starts_s[0] = 0).  Both compile to exact piecewise-constant segments.

    ``U`` = Σ w E n(t); ``Qdot`` = −dU/dt.  Rows carry ``T_K`` = the temperature
    of the segment that contains t and ``T1_K`` = the temperature before t = 0 (as the
    heat-release rows do).  Standard errors over samples, or over the antithetic units of
    a soft population with ``antithetic = true`` (unit sums squared; PHYSICS §9).
    """

    times: TimeGrid = param()
    T_initial_K: float | None = param(None, unit="K", gt=0, range=T_RANGE_K,
                                      doc="temperature for t < 0; 1e-4..1e4 K")
    starts_s: tuple[float, ...] | None = param(None, unit="s", ge=0, le=1e12,
                                               doc="segment starts, 0 then increasing, <= 1e12 s")
    temperatures_K: tuple[float, ...] | None = param(None, unit="K",
                                                     doc="segment temperatures, 1e-4..1e4 K")
    protocol: object = param(SegmentsShape(), registry=PROTOCOL_SHAPES, registry_key="shape",
                             doc="temperature protocol shape (values in K)")
    observables: tuple[str, ...] = param(("U", "Qdot"), choices=("U", "Qdot"))

    def _flat(self) -> bool:
        return isinstance(self.protocol, SegmentsShape) and self.protocol.is_unset()

    def validate(self, prefix: str) -> None:
        flat = (self.T_initial_K, self.starts_s, self.temperatures_K)
        if not self._flat():
            require(all(v is None for v in flat),
                    f"{prefix}.protocol and {prefix}.T_initial_K/starts_s/temperatures_K "
                    f"are alternatives (give one)")
            temperature_protocol(self.protocol, f"{prefix}.protocol")
            return
        for name, value in zip(("T_initial_K", "starts_s", "temperatures_K"), flat):
            require(value is not None, f"{prefix}.{name} is missing (or give {prefix}.protocol)")
        require(len(self.starts_s) == len(self.temperatures_K),
                f"{prefix}.starts_s and {prefix}.temperatures_K must have equal length "
                f"(got {len(self.starts_s)} and {len(self.temperatures_K)})")
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K", distinct=False)
        SegmentsShape(self.T_initial_K, self.starts_s, self.temperatures_K).validate(prefix)

    def compiled(self) -> Protocol:
        """The temperature history as exact piecewise-constant segments."""
        if self._flat():
            return temperature_protocol(SegmentsShape(self.T_initial_K, self.starts_s,
                                                      self.temperatures_K))
        return temperature_protocol(self.protocol)

    def start(self, n_total: int, scenario=None) -> "_HistoryAcc":
        return _HistoryAcc(self, n_total, sample_unit(getattr(scenario, "population", None)))


class _HistoryAcc(PartialSums):
    """Sums: ``evolution`` (dn, dn_sq, flux, flux_sq of :class:`EvolutionSums`, squares over
    antithetic units when the population has them) and ``plain`` (Σ_u A_u, Σ_u A_u², A_u
    the unit sum of a n_ref)."""

    def __init__(self, cfg: TemperatureHistory, n_total: int, unit: int = 1):
        self.cfg, self.unit = cfg, unit
        self.n = -(-n_total // unit)          # independent draws: samples or units
        self.protocol = cfg.compiled()

    def partial(self, spectrum, weight, rates_at) -> dict:
        a = K_B * weight * spectrum.E_K
        n_ref = n_eq(spectrum.E_K, self.protocol.T_initial_K)
        # row 1 gives the cross term 2 Σ_u A_u (Σ_{i in u} a Δn) of Σ_u (A_u + Σ_{i in u} a Δn)²,
        # A_u = Σ_{i in u} a n_ref (unit 1: 2 Σ a² n_ref Δn)
        A = unit_sums(a * n_ref, self.unit)
        A_i = np.repeat(A, self.unit)[:a.shape[0]]
        coef = np.stack([a, 2.0 * A_i * a])
        sums = evolve(spectrum.E_K, coef, rates_at, self.protocol, self.cfg.times.values(), n_ref,
                      unit=self.unit)
        return {"evolution": (sums.dn, sums.dn_sq, sums.flux, sums.flux_sq),
                "plain": np.array([A.sum(), (A ** 2).sum()])}

    def rows(self) -> list[dict]:
        t = self.cfg.times.values()
        seg = np.searchsorted(self.protocol.starts_s, t, side="right") - 1
        T_of_t = self.protocol.temperatures_K[seg]
        T1 = float(self.protocol.T_initial_K)
        out: list[dict] = []
        s = EvolutionSums(*self.sums["evolution"])
        plain = self.sums["plain"]
        for k in range(t.shape[0]):
            if "U" in self.cfg.observables:
                value = plain[0] + s.dn[0, k]
                second = plain[1] + s.dn[1, k] + s.dn_sq[0, k]
                out += make_rows("U", T_of_t[k], [t[k]], [value],
                                 standard_error([value], [second], self.n), T1_K=T1)
            if "Qdot" in self.cfg.observables:
                out += make_rows("Qdot", T_of_t[k], [t[k]], [s.flux[0, k]],
                                 standard_error([s.flux[0, k]], [s.flux_sq[0, k]], self.n),
                                 T1_K=T1)
        return out
