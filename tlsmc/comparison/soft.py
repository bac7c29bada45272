"""Analytic comparison for soft-potential scenarios (MC vs quadrature vs GGP eq. 6.3).

``exact``: :class:`tlsmc.analytic.quadrature.soft.SoftQuadrature` — the same model (cuts,
densities, rate channels) on a deterministic grid, computed with code independent of the Monte
Carlo (issue 12); ``closed_form``: GGP eq. 6.3
summed over the two types (ψ2 = r ψ1),

.. math:: C = \\sum_{j=1,2} C_j(T;\\,p_{0,j}),\\qquad p_{0,j} = \\tau_{\\min,j}(T)/t
          \\ \\text{(GGP eq. 5.4)},

with τ_min,j(T) the relaxation time (all the scenario's channels) of the symmetric type-j
TLS with Δ0 = E = T, for ``C``; and for ``C_eq`` the same with p0 = (Δ0(h_max)/T)², the
depth cut of the model in GGP's variable (its t -> ∞ limit; GGP's own eq. 6.3 has p0 = 0).
GGP's forms go through the leading WKB formula 2.8 and keep the leading power of 1/ℒ:
order-unity ratios to the exact numbers are expected (PHYSICS §9).  ``C_step`` and ``U``
get the quadrature of the same finite step; ``C_tf`` has no counterpart (NaN).

Heat release (``HeatRelease`` quench rows Qdot, U; ``TemperatureHistory`` rows Qdot, U,
with ``T1_K`` = T before the history; every row keyed by ``measurement``): ``exact`` = the quadrature of the same quench or protocol
(:meth:`SoftQuadrature.heat_release`, :meth:`SoftQuadrature.history`); ``closed_form`` =
:func:`tlsmc.analytic.closed_forms.soft_heat_release.heat_release_closed_form` for Qdot (quench: T_eff = T1; a cooling ``ramp`` to T0:
T_eff = min(T1, T_f), t → t − t_ramp, NaN for t − t_ramp < t_ramp; other protocols and U:
NaN).

Used by :func:`soft_comparison_table`, which has the signature of
:func:`tlsmc.comparison.comparison_table` for ``population.model = "soft"``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..analytic.closed_forms import ggp1985_thermodynamics as ggp_thermo
from ..analytic.closed_forms.soft_heat_release import heat_release_closed_form
from ..analytic.quadrature.soft import SoftQuadrature
from ..dynamics.protocols import RampShape
from ..measurements import HeatCapacity, HeatRelease, TemperatureHistory
from ..population.soft import SoftPotentialModel
from ..rates.reference import tau_min
from ..spectrum.soft_solver import depth_delta0
from .common import points

__all__ = ["closed_form_heat_capacity", "cooling_ramp_s", "soft_comparison_table",
           "heat_capacity_rows", "heat_release_rows", "history_rows", "note"]


def closed_form_heat_capacity(model: SoftPotentialModel, material, T_K: float, p0_1, p0_2):
    """GGP eq. 6.3 with the cut-off p0 (ggp1985.heat_capacity) summed over both types."""
    kw = {"eta_L": material.need("eta_L", "GGP eq. 6.3"), "W_K": material.need("W_K", "GGP eq. 6.3")}
    psi = material.need("psi_per_m3", "GGP eq. 6.3")
    return (ggp_thermo.heat_capacity(T_K, psi_per_m3=psi, p0=p0_1, **kw)
            + ggp_thermo.heat_capacity(T_K, psi_per_m3=model.type2_ratio * psi, p0=p0_2, **kw))


def _step(quad: SoftQuadrature, T: float, dT: float, times) -> np.ndarray:
    """Quadrature of C_step = [U(t) − U(0)]/δT with the rates at T + δT."""
    return quad.heat_capacity_step(T, dT, times)


def heat_capacity_rows(m: HeatCapacity, quad: SoftQuadrature, scenario) -> list[dict]:
    model, mat = scenario.population, scenario.material
    t = m.time_values()
    rows = []
    d0_cut = depth_delta0(model) * mat.need("W_K", "the soft comparison")
    for T in m.temperatures_K:
        dT = m.step_fraction * T
        nan = np.full(t.shape, np.nan)
        if "C" in m.observables:
            tau1, tau2 = tau_min(model, mat, scenario.rates, T)
            cf = closed_form_heat_capacity(model, mat, T, np.minimum(tau1 / t, 1.0),
                                           np.minimum(tau2 / t, 1.0))
            rows += points("C", T, t, quad.heat_capacity(T, t), cf)
        if "C_eq" in m.observables:
            p0 = min((d0_cut / T) ** 2, 1.0)
            rows += points("C_eq", T, [np.inf], [quad.heat_capacity_eq(T)],
                            [closed_form_heat_capacity(model, mat, T, p0, p0)])
        step = None
        if "C_step" in m.observables or "U" in m.observables:
            step = _step(quad, T, dT, t)
        if "C_step" in m.observables:
            rows += points("C_step", T, t, step, nan)
        if "U" in m.observables:
            u0 = quad.energy_eq(T)
            rows += points("U", T, t, u0 + dT * step, nan)
        if "C_tf" in m.observables:
            rows += points("C_tf", T, t, nan, nan)
        if "E_tf" in m.observables:             # no quadrature of E_tf for the soft model yet
            rows += points("E_tf", T, t, nan, nan)
    return rows


def cooling_ramp_s(m: TemperatureHistory) -> float | None:
    """Duration (s) of a ``ramp`` protocol that cools from t = 0, else None."""
    p = m.protocol
    if isinstance(p, RampShape) and p.start_s == 0.0 and p.final < p.initial:
        return float(p.duration_s)
    return None


def heat_release_rows(m: HeatRelease, quad: SoftQuadrature, scenario) -> list[dict]:
    t, rows = m.times.values(), []
    nan = np.full(t.shape, np.nan)
    for T0, T1 in m.pairs():
        if "Qdot" in m.observables:
            cf = heat_release_closed_form(scenario.population, scenario.material, scenario.rates,
                                          T1, T0, t)
            rows += points("Qdot", T0, t, quad.heat_release(T1, T0, t), cf, T1_K=T1)
        if "U" in m.observables:
            rows += points("U", T0, t, quad.energy_after_quench(T1, T0, t), nan, T1_K=T1)
    return rows


def history_rows(m: TemperatureHistory, quad: SoftQuadrature, scenario) -> list[dict]:
    prot = m.compiled()
    t = m.times.values()
    U, Q = quad.history(prot, t)
    seg = np.searchsorted(prot.starts_s, t, side="right") - 1
    T_of_t = prot.temperatures_K[seg]
    ramp = cooling_ramp_s(m)
    cf = np.full(t.shape, np.nan)
    if ramp is not None:
        cf = heat_release_closed_form(scenario.population, scenario.material, scenario.rates,
                                      prot.T_initial_K, float(prot.temperatures_K[-1]), t,
                                      ramp_s=ramp)
    rows = []
    for k in range(t.size):
        extra = {"T1_K": prot.T_initial_K}
        if "U" in m.observables:
            rows += points("U", T_of_t[k], t[k:k + 1], U[k:k + 1], [np.nan], **extra)
        if "Qdot" in m.observables:
            rows += points("Qdot", T_of_t[k], t[k:k + 1], Q[k:k + 1], cf[k:k + 1], **extra)
    return rows


def note(quad: SoftQuadrature, kinds: set[str]) -> str:
    """What the soft comparison compared, for the measurement kinds ``kinds``."""
    parts = [("exact: tlsmc.analytic.quadrature.soft (same model: cuts, densities, rate "
              f"channels; {quad.n_nodes} nodes x 6 frames), computed independently of the Monte "
              "Carlo (own FD solver, counted set, delta shift, couplings, rates, propagation); "
              "shares with the Monte Carlo: tlsmc.units, the material container, the density "
              "shapes Phi, F and the channel options (tf_nondiagonal: tlsmc.rates.vibrations)")]
    if "heat_capacity" in kinds:
        parts.append("closed_form for C: GGP eq. 6.3 summed over both types with p0 = "
                     "tau_min(T)/t (eq. 5.4; tau_min of the symmetric TLS with Delta0 = T), for "
                     "C_eq: p0 = (Delta0(depth_max)/T)^2 (the depth cut)")
    if kinds & {"heat_release", "temperature_history"}:
        parts.append("closed_form for Qdot: t Qdot = sum_j int_0^Emax dE k_B E [n_eq(E,T_eff) - "
                     "n_eq(E,T0)] p N_j(E,p) with GGP eq. 5.1 at the p whose one-phonon rate at "
                     "T0 is 1/t (GGP eqs. 4.4, 4.9 couplings); quench: T_eff = T1; cooling ramp: "
                     "t -> t - t_ramp, T_eff = min(T1, T_f), T_f where the activated rate of the "
                     "symmetric well with that Delta0 meets the cooling rate (nu e^{-V/T_f}(1 + "
                     "e^{-E/T_f}) T_f^2 = e^{-gamma_E} V dT/dt; Parshin & Sahling, PRB 47, 5677 "
                     "(1993) tunneling and intermediate regions), NaN for t - t_ramp < t_ramp "
                     "and for other protocols")
    if "acoustic" in kinds:
        from .acoustics_soft import NOTE
        parts.append(NOTE)
    if "dielectric" in kinds:
        parts.append("dielectric (soft): exact = tlsmc.analytic.quadrature.soft_dielectric "
                     "(field on the coordinate y; saturated shell with each frame point's own "
                     "T1; relaxation with (x11 - x00)^2); no resonant deps_over_eps rows; "
                     "closed_form NaN")
    parts.append("order-unity ratios to exact are expected (leading WKB, PHYSICS §9)")
    return "; ".join(parts)


def soft_comparison_table(scenario, observables: pd.DataFrame,
                          quadrature: SoftQuadrature | None = None):
    """(comparison DataFrame or None, note) for a soft-potential scenario.

    ``quadrature``: a prebuilt :class:`SoftQuadrature` of this scenario (tests); default:
    built with its default grid (~3e4 independent solves, ~50 s on 2 cores).  The same as
    :func:`tlsmc.comparison.comparison_table`, which this calls.
    """
    if not isinstance(scenario.population, SoftPotentialModel):
        return None, "not a soft-potential scenario"
    from . import comparison_table
    return comparison_table(scenario, observables, soft_quadrature=quadrature)
