"""Step measurements: heat capacity after a small step, heat release after a quench.

After the step the temperature is constant, so every observable is a sum
Σ g F(K t) evaluated exactly by :class:`tlsmc.dynamics.relaxation.RelaxationSums`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import param, require
from ..dynamics.relaxation import RelaxationSums
from ..dynamics.occupations import n_eq, occupation_and_derivative
from ..units import K_B
from .common import (T_RANGE_K, PartialSums, TimeGrid, UnitMoments, check_temperatures,
                     make_rows, sample_unit, standard_error)

__all__ = ["HeatCapacity", "HeatRelease"]


_HC_OBSERVABLES = ("C", "C_step", "C_eq", "U", "C_tf", "E_tf")
_LOG_STEP = 1e-4   # relative temperature step of the ∂ ln K/∂T central difference


@dataclass(frozen=True, slots=True)
class HeatCapacity:
    """Heat capacity after a small step T -> T + δT at t = 0 (PHYSICS §6).

    * ``C``: δT -> 0 limit, C(T,t) = Σ w E ∂n_eq/∂T (1 − e^{−K(T) t}) (k_B restored);
    * ``C_step``: finite step δT = step_fraction·T, [U(t) − U(0)]/δT with the
      rates at T + δT;
    * ``C_eq``: equilibrium Σ w E ∂n_eq/∂T (reported at t = inf);
    * ``U``: TLS energy U(t) = Σ w E n(t) after the finite step;
    * ``C_tf``: TF's own definition (TF eqs. 10–11): dE(t)/dT of the energy
      E(t) = Σ w E n_eq(T)(1 − e^{−K(T) t}) absorbed after heating from a cold
      start, = Σ w E [∂n_eq/∂T (1 − e^{−Kt}) + n_eq (∂ ln K/∂T) K t e^{−Kt}];
      ∂ ln K/∂T by a central difference with relative step 1e-4 (error ~1e-8);
    * ``E_tf``: that absorbed energy E(t) itself, J m^-3 (C_tf = dE_tf/dT).

    ``times`` may be left out when the only observable is ``C_eq`` (reported at t = inf).

    Standard errors: over samples, or over antithetic units (mirror pairs / type-2 quartets
    of a soft population with ``antithetic = true``, PHYSICS §9) whose terms are summed
    before squaring (:class:`~.common.UnitMoments`); the members of a unit are correlated,
    and per-sample moments would underestimate the error by up to sqrt(unit).
    """

    temperatures_K: tuple[float, ...] = param(unit="K", doc="temperatures T before the step, "
                                              "distinct, each 1e-4..1e4 K")
    times: TimeGrid | None = param(None, doc="output times (not needed for C_eq alone)")
    step_fraction: float = param(0.01, gt=0, le=0.5, range=(1e-6, 0.5),
                                 doc="δT / T of the finite step; 1e-6..0.5 (smaller steps lose "
                                     "C_step to round-off in U(t) − U(0))")
    observables: tuple[str, ...] = param(("C", "C_step", "C_eq", "U"), choices=_HC_OBSERVABLES)

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        timed = [o for o in self.observables if o != "C_eq"]
        require(self.times is not None or not timed,
                f"{prefix}.times is missing (needed by {', '.join(timed)}; only C_eq has none)")

    def time_values(self) -> np.ndarray:
        """The output times; [inf] without a time grid (C_eq only)."""
        return np.array([math.inf]) if self.times is None else self.times.values()

    def start(self, n_total: int, scenario=None) -> "_HeatCapacityAcc":
        return _HeatCapacityAcc(self, n_total, sample_unit(getattr(scenario, "population", None)))


class _HeatCapacityAcc(PartialSums):
    """Sums: ``linear`` (per T, RelaxationSums moments at K(T) of g, g² [, g2, 2 g g2, g2²
    for C_tf]), ``step`` (per T, at K(T+δT): h, h², 2 a n_T a Δn), ``plain`` (per T:
    Σ a n_T, Σ (a n_T)²); with antithetic units also ``u_lin`` (at K(T): g const, g relaxed,
    g2 flux) and ``u_stp`` (at K(T+δT): a n_T const, h relaxed), :class:`UnitMoments` sums."""

    def __init__(self, cfg: HeatCapacity, n_total: int, unit: int = 1):
        self.cfg, self.n = cfg, n_total
        self.tf = "C_tf" in cfg.observables
        self.etf = "E_tf" in cfg.observables
        self.unit, self.n_units = unit, -(-n_total // unit)
        # series of ``linear``: g, g² [, g2, 2 g g2, g2² (C_tf)] [, e, e² (E_tf)]
        self.n_lin = 2 + 3 * self.tf + 2 * self.etf
        self.u_kinds = (0, 1, 2) + ((1,) if self.etf else ())

    def partial(self, spectrum, weight, rates_at) -> dict:
        T_list = self.cfg.temperatures_K
        linear = [RelaxationSums(self.n_lin) for _ in T_list]
        step = [RelaxationSums(3) for _ in T_list]
        plain = np.zeros((len(T_list), 2))
        t = self.cfg.time_values()
        u_lin = [UnitMoments(self.u_kinds, t, self.unit) for _ in T_list] if self.unit > 1 else None
        u_stp = [UnitMoments((0, 1), t, self.unit) for _ in T_list] if self.unit > 1 else None
        a = K_B * weight * spectrum.E_K
        for j, T in enumerate(T_list):
            dT = self.cfg.step_fraction * T
            n_T, dndT = occupation_and_derivative(spectrum.E_K, T)
            g = a * dndT
            K = rates_at(T).K
            series = [g, g * g]
            if self.tf:
                h = _LOG_STEP * T
                dlnK_dT = (np.log(rates_at(T + h).K) - np.log(rates_at(T - h).K)) / (2 * h)
                g2 = a * n_T * dlnK_dT
                series += [g2, 2.0 * g * g2, g2 * g2]
            e = a * n_T
            if self.etf:
                series += [e, e * e]
            linear[j].add(K, np.stack(series))
            dn = n_eq(spectrum.E_K, T + dT) - n_T
            h = a * dn / dT
            K_step = rates_at(T + dT).K
            step[j].add(K_step, np.stack([h, h * h, 2.0 * (a * n_T) * (a * dn)]))
            plain[j] += [(a * n_T).sum(), ((a * n_T) ** 2).sum()]
            if self.unit > 1:
                u_lin[j].add(K, np.stack([g, g, series[2] if self.tf else 0.0 * g]
                                         + ([e] if self.etf else [])))
                u_stp[j].add(K_step, np.stack([a * n_T, h]))
        out = {"linear": [r.moments() for r in linear], "step": [r.moments() for r in step],
               "plain": plain}
        if self.unit > 1:
            out["u_lin"] = [u.moments() for u in u_lin]
            out["u_stp"] = [u.moments() for u in u_stp]
        return out

    def rows(self) -> list[dict]:
        out: list[dict] = []
        t = self.cfg.time_values()
        want = set(self.cfg.observables)
        for j, T in enumerate(self.cfg.temperatures_K):
            dT = self.cfg.step_fraction * T
            lin = RelaxationSums.from_moments(*self.sums["linear"][j])
            stp = RelaxationSums.from_moments(*self.sums["step"][j])
            units = self.unit > 1
            u_lin = u_stp = None
            if units:
                u_lin = [UnitMoments.from_moments(self.u_kinds, t, self.unit, *m)
                         for m in self.sums["u_lin"]]
                u_stp = [UnitMoments.from_moments((0, 1), t, self.unit, *m)
                         for m in self.sums["u_stp"]]

            def se(value, second, coeffs, acc):   # per sample, or over antithetic units
                if units:
                    return acc[j].stderr(coeffs, self.n_units)
                return standard_error(value, second, self.n)
            if "C" in want:
                value = lin.evaluate(0, "relaxed", t)
                out += make_rows("C", T, t, value,
                                 se(value, lin.evaluate(1, "relaxed_sq", t), (0, 1, 0), u_lin))
            if "C_eq" in want:
                err = (u_lin[j].stderr((1, 0, 0), self.n_units)[:1] if units else
                       standard_error([lin.total(0)], [lin.total(1)], self.n))
                out += make_rows("C_eq", T, [math.inf], [lin.total(0)], err)
            if self.tf:
                value = lin.evaluate(0, "relaxed", t) + lin.evaluate(2, "flux", t)
                second = (lin.evaluate(1, "relaxed_sq", t) + lin.evaluate(3, "relaxed_flux", t)
                          + lin.evaluate(4, "flux_sq", t))
                out += make_rows("C_tf", T, t, value, se(value, second, (0, 1, 1), u_lin))
            if self.etf:
                k = self.n_lin - 2
                value = lin.evaluate(k, "relaxed", t)
                out += make_rows("E_tf", T, t, value, se(value, lin.evaluate(k + 1, "relaxed_sq", t),
                                                         (0, 0, 0, 1), u_lin))
            if not want & {"C_step", "U"}:
                continue
            c_step = stp.evaluate(0, "relaxed", t)
            if "C_step" in want:
                out += make_rows("C_step", T, t, c_step,
                                 se(c_step, stp.evaluate(1, "relaxed_sq", t), (0, 1), u_stp),
                                 step_K=dT)
            if "U" in want:
                u0, u0_sq = self.sums["plain"][j]
                value = u0 + dT * c_step
                second = (u0_sq + stp.evaluate(2, "relaxed", t)
                          + dT * dT * stp.evaluate(1, "relaxed_sq", t))
                out += make_rows("U", T, t, value, se(value, second, (1, dT), u_stp),
                                 step_K=dT)
        return out


@dataclass(frozen=True, slots=True)
class HeatRelease:
    """Heat release after cooling T1 -> T0 at t = 0 (PHYSICS §6, §8).

    Occupations start at n_eq(T1); rates are those at the bath temperature T0.
    ``Qdot`` = −dU/dt = Σ w E (n(0) − n_eq(T0)) K e^{−K t} (exact derivative);
    ``U`` = Σ w E n(t).  Rows carry ``T_K`` = T0 and ``T1_K``.  Standard errors over
    samples or antithetic units, as for :class:`HeatCapacity`.  ``T0_K`` is a list (one
    bath temperature per entry, every T1 quenched to every T0); one number is accepted and
    read as a one-item list.
    """

    T0_K: tuple[float, ...] = param(unit="K", gt=0, range=T_RANGE_K, scalar_ok=True,
                                    doc="bath temperatures after the quench, distinct, each "
                                        "1e-4..1e4 K (one number: a one-item list)")
    T1_K: tuple[float, ...] = param(unit="K", doc="temperatures before the quench, distinct, "
                                                  "each 1e-4..1e4 K")
    times: TimeGrid = param()
    observables: tuple[str, ...] = param(("Qdot", "U"), choices=("Qdot", "U"))

    def __post_init__(self) -> None:
        if not isinstance(self.T0_K, tuple):        # built in code with one number
            object.__setattr__(self, "T0_K", tuple(float(x) for x in np.atleast_1d(self.T0_K)))

    def validate(self, prefix: str) -> None:
        check_temperatures(self.T0_K, f"{prefix}.T0_K")
        check_temperatures(self.T1_K, f"{prefix}.T1_K")
        for k, T0 in enumerate(self.T0_K):
            name = f"{prefix}.T0_K" + (f"[{k}]" if len(self.T0_K) > 1 else "")
            for i, T1 in enumerate(self.T1_K):
                require(T1 != T0, f"{prefix}.T1_K[{i}] must differ from {name} "
                                  f"(got {T1:g} == {T0:g})")

    def pairs(self) -> list[tuple[float, float]]:
        """(T0, T1) of every quench, T0 outer."""
        return [(T0, T1) for T0 in self.T0_K for T1 in self.T1_K]

    def start(self, n_total: int, scenario=None) -> "_HeatReleaseAcc":
        return _HeatReleaseAcc(self, n_total, sample_unit(getattr(scenario, "population", None)))


class _HeatReleaseAcc(PartialSums):
    """Sums per quench (T0, T1) (:meth:`HeatRelease.pairs`): ``relax`` (RelaxationSums moments
    at K(T0) of d, d², a n1 d) and ``plain`` (Σ a n1, Σ (a n1)²); with antithetic units also
    ``u`` (a n1 const, d relaxed, d flux at K(T0)), :class:`UnitMoments` sums."""

    def __init__(self, cfg: HeatRelease, n_total: int, unit: int = 1):
        self.cfg, self.n = cfg, n_total
        self.unit, self.n_units = unit, -(-n_total // unit)

    def partial(self, spectrum, weight, rates_at) -> dict:
        pairs = self.cfg.pairs()
        relax = [RelaxationSums(3) for _ in pairs]
        plain = np.zeros((len(pairs), 2))
        u = ([UnitMoments((0, 1, 2), self.cfg.times.values(), self.unit) for _ in pairs]
             if self.unit > 1 else None)
        a = K_B * weight * spectrum.E_K
        j = 0
        for T0 in self.cfg.T0_K:
            K0 = rates_at(T0).K
            n0 = n_eq(spectrum.E_K, T0)
            for T1 in self.cfg.T1_K:
                n1 = n_eq(spectrum.E_K, T1)
                d = a * (n1 - n0)
                relax[j].add(K0, np.stack([d, d * d, a * n1 * d]))
                plain[j] += [(a * n1).sum(), ((a * n1) ** 2).sum()]
                if self.unit > 1:
                    u[j].add(K0, np.stack([a * n1, d, d]))
                j += 1
        out = {"relax": [r.moments() for r in relax], "plain": plain}
        if self.unit > 1:
            out["u"] = [x.moments() for x in u]
        return out

    def rows(self) -> list[dict]:
        out: list[dict] = []
        t = self.cfg.times.values()
        units = ([UnitMoments.from_moments((0, 1, 2), t, self.unit, *m) for m in self.sums["u"]]
                 if self.unit > 1 else None)
        for j, (T0, T1) in enumerate(self.cfg.pairs()):
            s = RelaxationSums.from_moments(*self.sums["relax"][j])
            if "Qdot" in self.cfg.observables:
                q = s.evaluate(0, "flux", t) / t
                q2 = s.evaluate(1, "flux_sq", t) / t**2
                err = (units[j].stderr((0, 0, 1.0 / t), self.n_units) if self.unit > 1
                       else standard_error(q, q2, self.n))
                out += make_rows("Qdot", T0, t, q, err, T1_K=T1)
            if "U" in self.cfg.observables:
                u1, u1_sq = self.sums["plain"][j]
                value = u1 - s.evaluate(0, "relaxed", t)
                second = u1_sq - 2.0 * s.evaluate(2, "relaxed", t) + s.evaluate(1, "relaxed_sq", t)
                err = (units[j].stderr((1, -1, 0), self.n_units) if self.unit > 1
                       else standard_error(value, second, self.n))
                out += make_rows("U", T0, t, value, err, T1_K=T1)
        return out
