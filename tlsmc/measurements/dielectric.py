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

import math
from dataclasses import dataclass

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..config import ConfigError, param, require
from ..rates import build_rates
from ..spectrum.two_level import TwoLevelSpectrum
from ..units import DEBYE, EPS0, HBAR, K_B, PI
from .acoustic import _is_soft
from .acoustic_base import (_parts, resonance_setup, shell_densities, shell_model,
                            shell_variates, velocity_sums)
from .common import FieldSums, check_temperatures, make_rows

__all__ = ["Dielectric", "orientation_factor", "rabi_frequency", "shell_spectrum",
           "dielectric_constants"]

_BY = "the dielectric measurement"


def orientation_factor(a) -> np.ndarray:
    """g(a) = 3∫_0^1 c²/√(1 + a c²) dc: the saturation factor π/√(1 + a cos²θ) of one
    Lorentzian times cos²θ, averaged over the sphere and divided by ⟨cos²θ⟩ = 1/3.

    g(0) = 1, g(a) → 3/(2√a) for a → ∞ (series 1 − 3a/10 + 9a²/56 − 5a³/48 below 1e-3).
    """
    a = np.asarray(a, dtype=float)
    small = a < 1e-3
    big = np.where(small, 1.0, a)
    r = np.sqrt(big)
    with np.errstate(invalid="ignore", over="ignore"):
        exact = 3.0 * (np.sqrt(1.0 + big) / (2.0 * big) - np.arcsinh(r) / (2.0 * big * r))
    exact = np.where(np.isinf(a), 0.0, exact)
    x = np.where(small, a, 0.0)
    series = 1.0 - 0.3 * x + (9.0 / 56.0) * x * x - (5.0 / 48.0) * x**3
    return np.where(small, series, exact)


def rabi_frequency(p_C_m: float, F_V_m, u) -> np.ndarray:
    """Ω_R = pF u/ħ (rad s^-1) for cosθ = 1, u = Δ0/E (convention ħΩ_R = pF cosθ Δ0/E)."""
    return p_C_m * np.asarray(F_V_m, dtype=float) * np.asarray(u, dtype=float) / HBAR


def shell_spectrum(E_K: float, s: np.ndarray) -> TwoLevelSpectrum:
    """TwoLevelSpectrum of shell TLSs at E = ħω: Δ = sE, Δ0 = uE, u = √(1 − s²)."""
    s = np.ascontiguousarray(s, dtype=float)
    u = np.sqrt(np.maximum(1.0 - s * s, 0.0))
    E = np.full(s.shape, float(E_K))
    return TwoLevelSpectrum(E_K=E, delta_K=s * E_K, delta0_K=u * E_K, M_unit=u.copy(),
                            D_unit=2.0 * s)


def dielectric_constants(material, who: str = _BY, need_T2: bool = True,
                         dipole: str = "dipole_debye"):
    """(p in C m, ε0εr in F m^-1, T2 in s or None) of a material; ``dipole``: the field of p
    (``soft_dipole_debye`` for soft potentials: p0 per unit y, :mod:`.dielectric_soft`)."""
    p = material.need(dipole, who) * DEBYE
    eps = EPS0 * material.need("eps_r", who)
    return p, eps, (material.need("T2_s", who) if need_T2 else None)


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
            from .dielectric_soft import check_soft_dielectric
            return check_soft_dielectric(self, scenario, prefix)
        shell_model(scenario, _BY, peaked=True)
        saturating = any(F > 0 for F in self.fields_V_m)
        dielectric_constants(scenario.material, need_T2=saturating)
        if saturating and not tuple(scenario.rates):
            raise ConfigError(f"scenario.rates must name at least one channel: {prefix}."
                              f"fields_V_m > 0 needs T1 = 1/K of the resonant TLSs")

    def start(self, n_total: int, scenario) -> "_DielectricAcc":
        if _is_soft(scenario):
            from .dielectric_soft import SoftDielectricAcc
            return SoftDielectricAcc(self, n_total, scenario)
        return _DielectricAcc(self, n_total, scenario)


class _DielectricAcc(FieldSums):
    sum_fields = ('res', 'rel', 'vel')

    def __init__(self, cfg: Dielectric, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.channels = tuple(scenario.rates)
        self.shell, self.omega, self.w_K, self.tables = resonance_setup(cfg, scenario, _BY)
        self.fields = np.asarray(cfg.fields_V_m, dtype=float)
        self.p, self.eps, self.T2 = dielectric_constants(self.material,
                                                         need_T2=bool((self.fields > 0).any()))
        nf, nt, nF = len(self.omega), len(cfg.temperatures_K), len(self.fields)
        self.res = np.zeros((nt, nF, nf, 2))       # Σ x g, Σ (x g)²
        self.rel = np.zeros((nt, nF, nf, 6))       # kernel sums, cross term with x g
        self.vel = np.zeros((nt, nf, 2))           # Σ y, Σ y²

    def _saturation(self, s, x, T) -> np.ndarray:
        """(F, N, f) factors g(a_i) of every shell sample (1 at F = 0)."""
        g = np.ones((len(self.fields),) + x.shape)
        if not (self.fields > 0).any():
            return g
        u = np.sqrt(np.maximum(1.0 - s * s, 0.0))
        for f, w in enumerate(self.w_K):
            K = build_rates(shell_spectrum(w, s), self.material, self.channels, T).K
            live = x[:, f] > 0
            T1 = np.divide(1.0, K, out=np.full(K.shape, np.inf), where=K > 0)
            for k, F in enumerate(self.fields):
                if F > 0:
                    om = rabi_frequency(self.p, F, u)
                    with np.errstate(invalid="ignore"):
                        a = np.where(live, om * om * T1 * self.T2, 0.0)
                    g[k, :, f] = orientation_factor(np.nan_to_num(a, nan=0.0))
        return g

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        s = shell_variates(self.shell, spectrum.delta_K)
        x = shell_densities(self.shell, s, self.w_K, self.n)
        wD2 = weight * spectrum.D_unit**2
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            y = velocity_sums(self.shell, s, self.tables, j, self.n, out["vel"][j])
            K = rates_at(T).K
            for k, gk in enumerate(self._saturation(s, x, T)):
                xg = np.ascontiguousarray(x * gk)
                out["res"][j, k, :, 0] += xg.sum(0)
                out["res"][j, k, :, 1] += (xg * xg).sum(0)
                relaxation_sums(wD2, spectrum.E_K, K, K_ref, T, self.cfg.T_ref_K,
                                self.omega, xg, y, out["rel"][j, k])

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n, c = self.n, self.p * self.p / (3.0 * self.eps)        # p²/(3ε0εr), J m^3
        for f, (fr, wK) in enumerate(zip(self.cfg.frequencies_Hz, self.w_K)):
            for j, T in enumerate(self.cfg.temperatures_K):
                p_res = PI * c * math.tanh(wK / (2.0 * T))
                p_rel = c / K_B
                for k, F in enumerate(self.fields):
                    r = self.rel[j, k, f]
                    parts = _parts(p_res, self.res[j, k, f], p_rel, r[0:2], r[4], n)
                    for part in ("resonant", "relaxation", "total"):
                        val, err = parts[part]
                        out += make_rows("tan_delta", T, [math.inf], [val], [err], part=part,
                                         f_Hz=float(fr), field_V_m=float(F))
                r = self.rel[j, 0, f]
                vparts = _parts(2.0 * c, self.vel[j, f], p_rel, r[2:4], r[5], n)
                for part in ("resonant", "relaxation", "total"):
                    val, err = vparts[part]
                    out += make_rows("deps_over_eps", T, [math.inf], [val], [err], part=part,
                                     f_Hz=float(fr), field_V_m=0.0)
        return out
