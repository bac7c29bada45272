"""Dielectric response of the TLSs: loss tangent and Δε/ε, with saturation (PHYSICS §10).

The acoustic formulas (:mod:`tlsmc.measurements.acoustic`) with γε → p·F = pF cosθ,
ρv² → ε0εr and the isotropic orientational average ⟨cos²θ⟩ = 1/3; the shell estimator,
the principal-value table and the relaxation kernel are **the acoustic ones** (imported from
:mod:`.acoustic_base`).
Hamiltonian (p = ½ ∂Δ/∂F along the dipole, the analogue of γ = ½ ∂Δ/∂ε)

.. math:: H = \\tfrac12(Δσ_z + Δ_0σ_x) + pF\\cosθ\\cos(ωt)\\,σ_z .

In the eigenbasis σ_z = (Δ/E)τ_z − (Δ0/E)τ_x: the diagonal element 2pF cosθ Δ/E drives
relaxation, the off-diagonal element M = pF cosθ Δ0/E drives resonant absorption.
**Rabi convention**: M cos(ωt) τ_x → (rotating wave) (M/2)τ_x in the rotating frame, so
the on-resonance nutation frequency is

.. math:: \\hbar Ω_R = pF\\cosθ\\,Δ_0/E  \\qquad (P_\\uparrow(t) = \\sin^2(Ω_R t/2)),

F the amplitude of F cos ωt (tested against a lab-frame integration of the Bloch
equations, tests/test_dielectric.py).  Steady-state absorbed power of one TLS detuned by
δ = E/ħ − ω, with T1 = 1/K and the dephasing time T2:
P = (ħω/2) tanh(ħω/2kT) Ω_R² T2 / (1 + δ²T2² + Ω_R²T1T2).

Observables (``tan_delta`` = ε''/ε', ``deps_over_eps`` = Δε/ε(T) − Δε/ε(T_ref)):

* resonant tan δ at drive amplitude F: tan δ = 2P_vol/(ωε0εrF²).  Each TLS's Lorentzian
  in E is integrated analytically across the shell E = ħω (∫dδ T2/(1 + δ²T2² + S) =
  π/√(1 + S), S = Ω_R²T1T2; the density, Δ0/E and T1 are taken constant over the
  power-broadened width √(1 + S)/T2, valid while that is ≪ ω), and cos²θ is averaged
  **analytically** over the sphere:

  .. math:: \\tan δ_{res}(F) = \\frac{π p^2}{3 ε_0 ε_r}\\tanh\\frac{ħω}{2kT}
            \\frac1N\\sum_i x_i\\, g(a_i),\\qquad
            g(a) = 3\\int_0^1\\frac{c^2\\,dc}{\\sqrt{1 + a c^2}}
            = 3\\Big[\\frac{\\sqrt{1+a}}{2a} - \\frac{\\operatorname{asinh}\\sqrt a}{2a^{3/2}}\\Big],

  x_i the acoustic shell density of sample i (its s_i = F_q(Δ_i) placed on the shell:
  Δ = s_iħω, Δ0 = u_iħω, u_i = √(1 − s_i²)), a_i = (pF u_i/ħ)² T1_i T2 and
  T1_i = 1/K_i from the scenario's rate channels (:func:`tlsmc.rates.build_rates`) for that
  shell TLS at T.  g(0) = 1, so at F = 0 the estimator *is* the unsaturated one
  (πp²ñ(ħω)tanh/(3ε0εr); ñ = P̄ gives tan δ0 = πP̄p²/(3ε0εr)); unbiased for every F (a
  function of the same uniform s_i), variance Var(x g)/N ≤ Var(x)/N + (E x)²/N.
* relaxation: tan δ_rel = (p²/(3ε0εr)) Σ w D_u² (−∂f/∂E) ωτ/(1+ω²τ²),
  Δε/ε_rel = (p²/(3ε0εr)) Σ w D_u² (−∂f/∂E)/(1+ω²τ²) (T minus T_ref), D_u = 2Δ/E; linear
  response (not saturated; same value at every field).
* resonant Δε/ε(T) − Δε/ε(T_ref) = (2p²/(3ε0εr)) P∫dE ñ(E)[tanh(E/2T) − tanh(E/2T_ref)]
  E/(E² − ħ²ω²) (→ −(2/π) tan δ0 ln(T/T_ref) for ħω ≪ kT), weak field.

Rows: ``tan_delta`` at every (f, T, field_V_m) and ``deps_over_eps`` at field_V_m = 0,
each with ``part`` = resonant / relaxation / total (total's error includes the covariance
of the parts: same samples).  Material: ``dipole_debye``, ``eps_r``, ``T2_s`` (T2 used as
given, not capped at 2T1).  Population: tunneling with a uniform or structural J0, 'sharp'
or 'peaked' (as the acoustic one: x_i evaluates the pdf on the shell, and y_i adds the peak's
power-law term P̄A(u_i/Δ0max)^{2/w}[G_p(b_i) − G_p(a_i)] from one more principal-value table
per (ω, T), :func:`tlsmc.measurements.acoustic.pv_peak_table`), or soft potentials
(:mod:`.dielectric_soft`: field coupled to the coordinate y, dipole ``soft_dipole_debye`` per
unit y; no resonant Δε/ε rows).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..config import ConfigError, param, require
from .acoustic import _is_soft
from .acoustic_base import shell_model
from .common import check_temperatures
from .dielectric_base import (DielectricAcc, dielectric_constants, orientation_factor,
                              rabi_frequency, shell_spectrum)
from .dielectric_soft import SoftDielectricAcc, check_soft_dielectric

__all__ = ["Dielectric", "orientation_factor", "rabi_frequency", "shell_spectrum",
           "dielectric_constants"]

_BY = "the dielectric measurement"


@dataclass(frozen=True, slots=True)
class Dielectric:
    """Loss tangent and Δε/ε of the TLSs with resonant saturation (module docstring).

    Rows: observable ∈ {tan_delta, deps_over_eps}, T_K, t_s = inf (steady state), f_Hz,
    field_V_m (drive amplitude F of F cos ωt; deps_over_eps only at 0), part.
    """

    frequencies_Hz: tuple[float, ...] = param(unit="Hz", gt=0, le=1e13, doc="drive frequencies f")
    temperatures_K: tuple[float, ...] = param(unit="K")
    T_ref_K: float = param(unit="K", gt=0, doc="reference temperature of deps_over_eps")
    fields_V_m: tuple[float, ...] = param((0.0,), unit="V m^-1", ge=0, le=1e9,
                                          doc="drive field amplitudes F (0: weak-field limit)")

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        for name in ("frequencies_Hz", "temperatures_K", "fields_V_m"):
            values = getattr(self, name)
            require(len(values) > 0, f"{prefix}.{name} must not be empty")
            require(len(set(values)) == len(values), f"{prefix}.{name} has duplicates")

    def check_scenario(self, scenario, prefix: str) -> None:
        """ConfigError at load time: tunneling population (uniform or structural J0, sharp or
        peaked), material p, εr (and T2 and at least one rate channel when a field is > 0);
        soft population: :func:`.dielectric_soft.check_soft_dielectric`."""
        if _is_soft(scenario):
            return check_soft_dielectric(self, scenario, prefix)
        shell_model(scenario, _BY, peaked=True)
        saturating = any(F > 0 for F in self.fields_V_m)
        dielectric_constants(scenario.material, need_T2=saturating)
        if saturating and not tuple(scenario.rates):
            raise ConfigError(f"scenario.rates must name at least one channel: {prefix}."
                              f"fields_V_m > 0 needs T1 = 1/K of the resonant TLSs")

    def start(self, n_total: int, scenario) -> "DielectricAcc":
        if _is_soft(scenario):
            return SoftDielectricAcc(self, n_total, scenario)
        return DielectricAcc(self, n_total, scenario)
