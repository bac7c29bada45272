"""Heat pulses and heat release with a self-consistent sample temperature (PHYSICS §5, §6).

The sample is not held at a fixed temperature: a heater P(t) warms the phonons,
the TLSs exchange energy with them at their own rates and a link G(T) drains
heat to a bath at T_b (:mod:`tlsmc.dynamics.coupled`).  All TLSs are coupled
through T(t), so the accumulator keeps every chunk's spectrum and weights
(48 bytes per TLS: five spectrum arrays and the weight) and integrates the
whole population in ``rows()`` (then ≈ 130 bytes per TLS: a concatenated copy
of the spectrum and the integrator's five work arrays).

Standard errors (batch means): T(t) is a nonlinear functional of the whole
population, not a sum of independent terms.  The samples are split by index
into M = ceil(B / f) parts (sample i -> part (i // u) mod M, u the antithetic unit of the
population or 1, so that a unit stays in one part; weights × M, so each part
is an unbiased population of N/M samples); B of them (``batches``, fraction
f = ``batch_fraction`` of the samples) are integrated self-consistently on
their own.  Each part's value has variance ≈ M σ²/N, so the standard error of
the full-population value is sd(part values)/sqrt(M).  Cost: a fraction f of
one full integration.  The parts carry an O(M/N) bias of the nonlinear map
that the spread does not see; N/M >= 1024 is required (a ConfigError otherwise).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ..config import param, require
from ..dynamics.protocols import PROTOCOL_SHAPES, ConstantShape, SegmentsShape, check_profile_range
from ..rates import build_rates
from ..dynamics.coupled import CoupledTrajectory, IntegratorOptions, integrate_coupled
from ..dynamics.sample_thermal import ThermalModel
from ..units import K_B
from .common import T_RANGE_K, PartialSums, TimeGrid, make_rows, sample_unit

__all__ = ["HeatPulse", "HEAT_PULSE_OBSERVABLES"]

HEAT_PULSE_OBSERVABLES = ("T_sample", "U", "U_ph", "C_app", "Qdot", "E_in", "E_link")
_TLS_ONLY = ("U", "Qdot")
HEATER_RANGE_W_M3 = (0.0, 1e12)
"""Accepted heater powers, W m^-3 (1e12 W m^-3 for 1 µs heats silica from 0.1 K to ~40 K)."""


@dataclass(frozen=True, slots=True)
class HeatPulse:
    """Self-consistent T(t) of a sample with TLSs, a heater and a link to a bath.

    .. math:: C_{ph}(T)\\dot T = P(t) - G(T)(T - T_b) - \\dot U_{TLS},\\quad
              \\dot n_i = K_i(T)[n_{eq}(E_i/T) - n_i]

    Equilibrium at ``T_initial_K`` (default T_b) for t < 0.  A heater pulse with
    T_initial = T_b is a heat-pulse experiment; T_initial > T_b without heater
    is cooling through the link (heat release; G0 -> ∞ gives the fixed-bath quench).

    Observables (rows carry T_K = T_b, ``tls`` = "with" / "without", and T1_K =
    T_initial when it differs from T_b):

    * ``T_sample`` — T(t), K;
    * ``U`` — TLS energy Σ k_B w E n(t); ``U_ph`` — ∫_0^T C_ph dT, J m^-3;
    * ``C_app`` — the apparent heat capacity E_in(t)/(T(t) − T_initial), with
      E_in = ∫_0^t P dt (what an experimenter takes from the pulse), J m^-3 K^-1;
    * ``Qdot`` — TLS heat release −dU/dt, W m^-3;
    * ``E_in``, ``E_link`` — ∫P dt and ∫G(T − T_b) dt, J m^-3 (energy bookkeeping).

    With ``without_tls`` the same lumped model without TLSs is reported too.
    """

    T_bath_K: float = param(unit="K", gt=0, range=(1e-2, 1e3),
                            doc="bath temperature T_b; 0.01..1000 K: below 10 mK the Debye "
                                "C_ph = c_D T³ (< 2e-6 J m^-3 K^-1 in silica) is so small that "
                                "a pulse's T(t) spans decades and C_app = E_in/(T − T_b) is "
                                "dominated by integration error")
    times: TimeGrid = param()
    thermal: ThermalModel = param(doc="heat capacity and link")
    heater: object = param(ConstantShape(), registry=PROTOCOL_SHAPES, registry_key="shape",
                           doc="heater power P(t) (values in W m^-3, >= 0)")
    T_initial_K: float | None = param(None, unit="K", gt=0, range=T_RANGE_K,
                                      doc="T for t < 0 (default T_bath_K); 1e-4..1e4 K")
    without_tls: bool = param(True, doc="also report the lumped model without TLSs")
    batches: int = param(8, ge=2, le=256, doc="sub-populations run for the standard errors")
    batch_fraction: float = param(0.25, gt=0, le=1, doc="fraction of the samples they use")
    rtol: float = param(1e-3, gt=0, le=0.05, range=(1e-8, 0.05),
                        doc="step-size control: local error / excursion |T − T_b|")
    observables: tuple[str, ...] = param(("T_sample", "U", "U_ph", "C_app", "Qdot"),
                                         choices=HEAT_PULSE_OBSERVABLES)

    def validate(self, prefix: str) -> None:
        heater = self.heater
        require(not (isinstance(heater, SegmentsShape) and heater.is_unset()),
                f"{prefix}.heater: shape 'segments' needs initial, starts_s and values")
        check_profile_range(heater, f"{prefix}.heater", "heater power", 0.0, False, "W m^-3",
                            HEATER_RANGE_W_M3)
        heater.compile(f"{prefix}.heater")

    @property
    def T0_K(self) -> float:
        """Sample temperature before t = 0, K."""
        return self.T_bath_K if self.T_initial_K is None else self.T_initial_K

    @property
    def parts(self) -> int:
        """M: the samples are split into M parts, ``batches`` of which are run."""
        return math.ceil(self.batches / self.batch_fraction - 1e-9)

    def check_scenario(self, scenario, prefix: str) -> None:
        """At load time: enough samples per part for the batch-means standard errors."""
        require(scenario.run.n_tls // self.parts >= 1024,
                f"{prefix}.batches: scenario.run.n_tls / ceil(batches / batch_fraction) must be "
                f">= 1024 (got {scenario.run.n_tls} / {self.parts}); lower batches, raise "
                f"batch_fraction or run.n_tls")

    def start(self, n_total: int, scenario=None) -> "_HeatPulseAcc":
        if scenario is None:
            raise ValueError("heat_pulse needs the scenario (material and rate channels)")
        require(n_total // self.parts >= 1024,
                f"heat_pulse: run.n_tls / ceil(batches / batch_fraction) must be >= 1024 "
                f"(got {n_total} / {self.parts}); lower batches, raise batch_fraction or run.n_tls")
        return _HeatPulseAcc(self, n_total, scenario.material, scenario.rates,
                             sample_unit(scenario.population))


def _concat(parts):
    cls = type(parts[0])
    return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                  for f in dataclasses.fields(cls)})


def _subset(spectrum, sel):
    cls = type(spectrum)
    return cls(**{f.name: np.ascontiguousarray(getattr(spectrum, f.name)[sel])
                  for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class _Kept:
    """The samples themselves (spectra and weights, in order): ``+`` concatenates."""

    spectra: tuple
    weights: tuple

    def __add__(self, other: "_Kept") -> "_Kept":
        return _Kept(self.spectra + other.spectra, self.weights + other.weights)


class _HeatPulseAcc(PartialSums):
    """Keeps the chunks (so it does not distribute: its "partial sums" are the samples);
    ``rows()`` integrates (full population, batches, no TLSs) and leaves the trajectories in
    ``self.trajectories`` (keys full, batch<b>, without)."""

    distributes = False

    def __init__(self, cfg: HeatPulse, n_total: int, material, channels, unit: int = 1):
        self.cfg, self.n_total, self.unit = cfg, n_total, unit
        self.material, self.channels = material, tuple(channels)
        self.trajectories: dict[str, CoupledTrajectory] = {}

    def partial(self, spectrum, weight, rates_at) -> _Kept:
        return _Kept((spectrum,), (np.asarray(weight, dtype=float),))

    def integrate(self, spectrum, weight) -> CoupledTrajectory:
        """The self-consistent run of one (sub-)population (``spectrum`` may be None: no TLSs)."""
        cfg = self.cfg
        lumped = cfg.thermal.lumped(self.material, cfg.T_bath_K)
        heater = cfg.heater.compile()
        opts = IntegratorOptions(rtol=cfg.rtol)
        if spectrum is None:
            empty = np.empty(0)
            return integrate_coupled(empty, empty, lambda T: empty, lumped, heater, cfg.T0_K,
                                     cfg.times.values(), opts)
        a = K_B * weight * spectrum.E_K

        def rates(T_K: float) -> np.ndarray:
            return build_rates(spectrum, self.material, self.channels, T_K).K

        return integrate_coupled(spectrum.E_K, a, rates, lumped, heater, cfg.T0_K,
                                 cfg.times.values(), opts)

    def rows(self) -> list[dict]:
        cfg = self.cfg
        spectrum = _concat(self.sums.spectra)
        weight = np.concatenate(self.sums.weights)
        full = self.integrate(spectrum, weight)
        part = (np.arange(weight.shape[0]) // self.unit) % cfg.parts
        batches = [self.integrate(_subset(spectrum, part == b), cfg.parts * weight[part == b])
                   for b in range(cfg.batches)]
        self.trajectories = {"full": full, **{f"batch{b}": tr for b, tr in enumerate(batches)}}
        out = self._rows(full, batches, "with", cfg.observables)
        if cfg.without_tls:
            bare = self.integrate(None, None)
            self.trajectories["without"] = bare
            out += self._rows(bare, [], "without",
                              [o for o in cfg.observables if o not in _TLS_ONLY])
        return out

    def _rows(self, full: CoupledTrajectory, batches, tls: str, observables) -> list[dict]:
        cfg = self.cfg
        extra = {"tls": tls}
        if cfg.T0_K != cfg.T_bath_K:
            extra["T1_K"] = cfg.T0_K
        out: list[dict] = []
        for name in observables:
            value = _observable(full, name)
            if batches:
                spread = np.stack([_observable(tr, name) for tr in batches])
                stderr = spread.std(axis=0, ddof=1) / math.sqrt(cfg.parts)
            else:
                stderr = np.zeros_like(value)
            out += make_rows(name, cfg.T_bath_K, full.times_s, value, stderr, **extra)
        return out


_FIELDS = {"T_sample": "T_K", "U": "U_tls", "U_ph": "U_ph", "Qdot": "Qdot", "E_in": "E_in",
           "E_link": "E_link"}


def _observable(tr: CoupledTrajectory, name: str) -> np.ndarray:
    if name in _FIELDS:
        return getattr(tr, _FIELDS[name])
    rise = tr.T_K - tr.T_initial_K  # C_app = E_in / (T − T_initial); NaN before any rise
    safe = np.where(rise != 0.0, rise, 1.0)
    return np.where(rise != 0.0, tr.E_in / safe, np.nan)
