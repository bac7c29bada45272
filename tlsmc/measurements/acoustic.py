"""Acoustic response of the TLSs: attenuation, Q⁻¹ and Δv/v (PHYSICS §10).

Conventions (PHYSICS §10): ``attenuation`` is the **energy (intensity)** attenuation
l⁻¹ in m⁻¹ (amplitude attenuation = l⁻¹/2, dB/m = 4.343 l⁻¹); Q⁻¹ = l⁻¹ v/ω;
``dv_over_v`` = Δv/v(T) − Δv/v(T_ref).  Per polarization α (l or t, never summed) the
coupling is γ_α ε σ_z (γ = ½ ∂Δ/∂ε); D = 2γΔ/E (relaxation), γΔ0/E (resonant).  Only
Δ ≥ 0 is counted (as P̄ is).  Every row has ``part`` = resonant / relaxation / total.

Relaxation part (the population's own samples, weights w_i, rates K_i = 1/τ_i):

.. math:: l^{-1}_{rel} = \\frac{\\omega}{\\rho v^3}\\sum_i w_i D_i^2
          \\Big(-\\frac{\\partial f}{\\partial E}\\Big)_i\\frac{\\omega\\tau_i}{1+\\omega^2\\tau_i^2},
          \\qquad \\frac{\\Delta v}{v}_{rel} = -\\frac{1}{2\\rho v^2}\\sum_i w_i D_i^2
          \\Big(-\\frac{\\partial f}{\\partial E}\\Big)_i\\frac{1}{1+\\omega^2\\tau_i^2}.

Resonant part: a δ-shell at E = ħω, estimated **on the shell** (never by binning).  For
the tunneling population, density (P̄/2) pdf(J0) per unit Δ per unit J0, integrating
δ(E − ħω) over J0 at fixed Δ (∂E/∂J0 = −Δ0²/2E) gives

.. math:: \\tilde n(E) = \\int dΔ\\,dJ_0\\,\\tfrac{\\bar P}{2}\\mathrm{pdf}(J_0)
          \\Big(\\frac{Δ_0}{E}\\Big)^2 δ(E - E_i) = \\bar P\\int_0^1 ds\\,
          \\mathrm{pdf}\\big(J_0^*(E, s)\\big)\\,\\mathbf 1[Es \\le Δ_{max}],

s = Δ/E, Δ0* = E√(1 − s²), J0* = 2 ln(2ħν/Δ0*).  (Equivalently u = Δ0/E on the shell
has density ∝ u/√(1 − u²).)  Each sample i supplies one uniform variate
s_i = F_q(Δ_i), the CDF of the population's Δ proposal at its own Δ_i (exactly uniform
and independent of J0_i), and the estimator is

.. math:: \\hat{\\tilde n}(E) = \\frac{1}{N}\\sum_i x_i,\\quad
          x_i = \\bar P\\,\\mathrm{pdf}(J_0^*(E, s_i))\\,\\mathbf 1[E s_i \\le Δ_{max}],

unbiased, variance Var(x)/N (finite: x is bounded; zero for the STM without cut-offs,
where ñ = P̄ exactly).  l⁻¹_res = (πωγ²/(ρv³)) ñ(ħω) tanh(ħω/2kT).

Resonant velocity: Δv/v_res(T) − Δv/v_res(T_ref) = −(γ²/(ρv²)) P∫dE ñ(E) F(E),
F = [tanh(E/2T) − tanh(E/2T_ref)] E/(E² − ħ²ω²).  With the same per-sample shell density
(for uniform J0, x_i(E) = P̄ on an E-interval [a_i, b_i] fixed by the cut-offs:
Δ0min ≤ E√(1 − s_i²) ≤ Δ0max, E s_i ≤ Δ_max), each sample contributes
y_i = P̄ [G(b_i) − G(a_i)] with G(E) = P∫_0^E F, tabulated once per (ω, T) with the pole
subtracted analytically: G = ∫_0^E [H(E') − H(ħω)]/(E' − ħω) dE' + H(ħω) ln|E/ħω − 1|,
H = (tanh diff) E/(E + ħω).  Unbiased for the PV integral, variance Var(y)/N.

Standard errors of ``total`` include the covariance of the two parts (same samples).
Population models: ``tunneling`` with a J0 pdf constant on its support — uniform, or
structural 'sharp' (uniform on [J_str, J_max]); a 'peaked' structural pdf is rejected at load
time: x_i stays unbiased for any pdf, but y_i = P̄[G(b_i) − G(a_i)] needs pdf = 1 on
[a_i, b_i] (a peak would need one more principal-value table per peak width); and ``soft``
(:mod:`.acoustic_soft`: D and M from the wavefunctions; resonant velocity in
:mod:`.acoustic_soft_velocity`).
With a TF rate channel (tf_multiphonon or tf_nondiagonal) the sound couples to the barrier
instead: :mod:`.acoustic_tf` (parts resonant / sideband / total, any J0 distribution).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .._kernels.acoustics import relaxation_sums
from ..config import ConfigError, param, registry_name, require
from ..units import HBAR, K_B, EV, PI
from .acoustic_tf import TFAcousticAcc, check_tf_scenario, tf_channel
from .common import FieldSums, check_temperatures, make_rows, standard_error

__all__ = ["Acoustic", "ShellModel", "shell_model", "resonance_setup", "shell_densities",
           "shell_velocities", "shell_variates", "pv_table",
           "pv_eval"]

_BY = "the acoustic measurement"
_N_PV = 20001     # log-grid points of a PV table (trapezoid in ln E, rel. error ~1e-7)


@dataclass(frozen=True)
class ShellModel:
    """What the shell estimator needs from a tunneling population (energies in K).

    P_bar_per_J_m3 : P̄ (Δ ≥ 0), J^-1 m^-3; delta_max_K : Δ_max;
    delta0_min_K, delta0_max_K : Δ0 at J_max and J_min; two_hbar_nu_K : 2ħν/k_B;
    J0 : the J0 distribution (``pdf``); delta_cdf : Δ -> F_q(Δ) of the Δ proposal.
    """

    P_bar_per_J_m3: float
    delta_max_K: float
    delta0_min_K: float
    delta0_max_K: float
    two_hbar_nu_K: float
    J0: object
    delta_cdf: object


def flat_j0(J0) -> bool:
    """True if the J0 pdf is constant on its support: uniform, or structural without a peak
    (shape 'sharp'): the shell and principal-value estimators below are exact for these."""
    return float(getattr(J0, "peak_amplitude", 0.0)) == 0.0


def shell_model(scenario, who: str = _BY) -> ShellModel:
    """ShellModel of a scenario; ConfigError unless it is a tunneling population with a J0
    pdf constant on its support (:func:`flat_j0`: the resonant velocity's y_i needs it)."""
    pop = scenario.population
    if getattr(pop, "delta_sampling", None) is None or not hasattr(pop, "J0"):
        raise ConfigError(f"scenario.population.model must be 'tunneling' for {who} "
                          f"(its soft-population shell estimator is in acoustic_soft)")
    if not flat_j0(pop.J0):
        raise ConfigError(f"scenario.population.J0.shape must be 'sharp' for {who} (the "
                          f"principal-value velocity needs a J0 pdf constant on its support; "
                          f"got 'peaked' with peak_amplitude = {pop.J0.peak_amplitude:g})")
    mat = scenario.material
    two_hbar_nu = 2.0 * HBAR * mat.need("nu_rad_s", who) / K_B
    lo, hi = pop.J0.support
    if pop.delta_sampling == "uniform":
        cdf = lambda d: np.clip(d / pop.delta_max_K, 0.0, 1.0)  # noqa: E731
    else:
        k, z = pop.delta_knee_K, 1.0 + math.log(pop.delta_max_K / pop.delta_knee_K)

        def cdf(d):
            d = np.asarray(d, dtype=float)
            with np.errstate(divide="ignore"):
                zz = np.where(d < k, d / k, 1.0 + np.log(np.maximum(d, k) / k))
            return np.clip(zz / z, 0.0, 1.0)
    return ShellModel(mat.need("P_bar_per_J_m3", who), pop.delta_max_K,
                      two_hbar_nu * math.exp(-hi / 2.0), two_hbar_nu * math.exp(-lo / 2.0),
                      two_hbar_nu, pop.J0, cdf)


def shell_variates(shell: ShellModel, delta_K: np.ndarray) -> np.ndarray:
    """s_i = F_q(Δ_i): one uniform variate per sample, from its own Δ (module docstring)."""
    return shell.delta_cdf(delta_K)


def shell_density(shell: ShellModel, s: np.ndarray, E_K: float) -> np.ndarray:
    """x_i = P̄ pdf(J0*(E, s_i)) 1[E s_i ≤ Δ_max], J^-1 m^-3 (mean over samples = ñ(E))."""
    d0 = E_K * np.sqrt(np.maximum(1.0 - s * s, 0.0))
    with np.errstate(divide="ignore"):
        J = 2.0 * np.log(shell.two_hbar_nu_K / d0)
    return shell.P_bar_per_J_m3 * shell.J0.pdf(J) * (E_K * s <= shell.delta_max_K)


@functools.lru_cache(maxsize=512)   # one table per (ω, T, T_ref) per process, not per chunk
def pv_table(w_K: float, T: float, T_ref: float, n: int = _N_PV):
    """Table of G(E) = P∫_0^E [tanh(E'/2T) − tanh(E'/2T_ref)] E'/(E'² − w²) dE' (module
    docstring): (ln E grid, regular part on it, H(w)); energies in K."""
    top = 80.0 * max(T, T_ref, w_K)
    lo = 1e-9 * min(T, T_ref, w_K)
    E = np.geomspace(lo, top, n)

    def H(x):
        return (np.tanh(x / (2 * T)) - np.tanh(x / (2 * T_ref))) * x / (x + w_K)
    hw = H(w_K)
    h = 1e-6 * w_K
    dH = (H(w_K + h) - H(w_K - h)) / (2 * h)
    diff = E - w_K
    near = np.abs(diff) < 1e-5 * w_K
    R = np.where(near, dH, (H(E) - hw) / np.where(near, 1.0, diff))
    f = R * E                                   # d/d(ln E)
    reg = np.concatenate(([lo * R[0]], lo * R[0] + np.cumsum(0.5 * (f[1:] + f[:-1])
                                                              * np.diff(np.log(E)))))
    return np.log(E), reg, hw, w_K


def pv_eval(table, E_K: np.ndarray) -> np.ndarray:
    """G(E) from :func:`pv_table` (0 below its grid, constant above it)."""
    lnE, reg, hw, w = table
    E = np.clip(E_K, math.exp(lnE[0]), math.exp(lnE[-1]))
    g = np.interp(np.log(E), lnE, reg)
    with np.errstate(divide="ignore"):
        g = g + hw * np.log(np.maximum(np.abs(E / w - 1.0), 1e-300))
    return np.where(E_K <= math.exp(lnE[0]), 0.0, g)


def shell_velocity(shell: ShellModel, s: np.ndarray, table) -> np.ndarray:
    """y_i = P̄ [G(b_i) − G(a_i)], J^-1 m^-3 (mean over samples = P∫ ñ F dE)."""
    c = np.sqrt(np.maximum(1.0 - s * s, 0.0))
    with np.errstate(divide="ignore"):
        a = shell.delta0_min_K / c
        b = np.minimum(shell.delta0_max_K / c, shell.delta_max_K / s)
    ok = np.isfinite(a) & (b > a)
    a, b = np.where(ok, a, 1.0), np.where(ok, b, 1.0)
    return np.where(ok, shell.P_bar_per_J_m3 * (pv_eval(table, np.minimum(b, 1e300))
                                                - pv_eval(table, a)), 0.0)


def polarization_constants(material, pol: str, who: str = _BY):
    """(γ in J, ρ, v) of polarization 'l' or 't'."""
    g = material.need(f"gamma_{pol}_eV", who) * EV
    return g, material.need("density_kg_m3", who), material.need(f"v_{pol}_m_s", who)


_OBS = ("attenuation", "Q_inv", "dv_over_v")


@dataclass(frozen=True, slots=True)
class Acoustic:
    """Sound attenuation, Q⁻¹ and Δv/v of the TLSs (module docstring; PHYSICS §10).

    Rows: observable ∈ {attenuation (energy l⁻¹, m⁻¹), Q_inv, dv_over_v}, T_K, t_s = inf
    (steady state), f_Hz, polarization, part ∈ {resonant, relaxation, total}.
    """

    frequencies_Hz: tuple[float, ...] = param(unit="Hz", gt=0, le=1e13, doc="sound frequencies f")
    temperatures_K: tuple[float, ...] = param(unit="K")
    T_ref_K: float = param(unit="K", gt=0, doc="reference temperature of dv_over_v")
    polarizations: tuple[str, ...] = param(("l", "t"), choices=("l", "t"))

    def validate(self, prefix: str) -> None:
        check_temperatures(self.temperatures_K, f"{prefix}.temperatures_K")
        for name in ("frequencies_Hz", "temperatures_K", "polarizations"):
            values = getattr(self, name)
            require(len(set(values)) == len(values), f"{prefix}.{name} has duplicates")

    def check_scenario(self, scenario, prefix: str) -> None:
        """ConfigError at load time unless the population has a shell estimator (tunneling,
        uniform or sharp structural J0, or soft: :func:`.acoustic_soft.check_soft`) and the
        material has what every polarization needs; with a TF rate channel, what
        :mod:`.acoustic_tf` needs instead."""
        if tf_channel(scenario) is not None:
            return check_tf_scenario(self, scenario, prefix)
        if _is_soft(scenario):
            from .acoustic_soft import check_soft
            check_soft(self, scenario, prefix)
        else:
            shell_model(scenario)
        for pol in self.polarizations:
            polarization_constants(scenario.material, pol)

    def start(self, n_total: int, scenario) -> "_AcousticAcc":
        if tf_channel(scenario) is not None:     # TF's barrier-modulation coupling (TF §4)
            return TFAcousticAcc(self, n_total, scenario)
        if _is_soft(scenario):
            from .acoustic_soft import SoftAcousticAcc
            return SoftAcousticAcc(self, n_total, scenario)
        return _AcousticAcc(self, n_total, scenario)


def _is_soft(scenario) -> bool:
    """Whether the scenario's population is the soft-potential model (by registry name)."""
    from ..population import POPULATION_MODELS
    return registry_name(POPULATION_MODELS, scenario.population) == "soft"


def shell_densities(shell: ShellModel, s: np.ndarray, w_K, n_total: int) -> np.ndarray:
    """Per-sample shell densities x (N, f) at every ħω of ``w_K`` (K), divided by the
    population size ``n_total`` (contiguous, for the kernels)."""
    return np.ascontiguousarray(np.stack([shell_density(shell, s, w) / n_total for w in w_K],
                                         axis=1))


def shell_velocities(shell: ShellModel, s: np.ndarray, tables_T, n_total: int) -> np.ndarray:
    """Per-sample principal-value velocity terms y (N, f) from one temperature's tables
    (``tables_T[f]``), divided by ``n_total`` (contiguous)."""
    return np.ascontiguousarray(np.stack([shell_velocity(shell, s, table) / n_total
                                          for table in tables_T], axis=1))


def resonance_setup(cfg, scenario, who: str = _BY):
    """What every shell-estimator accumulator needs: the shell model, ω (rad s^-1), ħω/k_B (K)
    and the principal-value tables per (frequency, temperature) of ``cfg`` (fields
    ``frequencies_Hz``, ``temperatures_K``, ``T_ref_K``)."""
    shell = shell_model(scenario, who)
    omega = 2.0 * PI * np.asarray(cfg.frequencies_Hz)
    w_K = HBAR * omega / K_B
    tables = [[pv_table(w, T, cfg.T_ref_K) for T in cfg.temperatures_K] for w in w_K]
    return shell, omega, w_K, tables


class _AcousticAcc(FieldSums):
    sum_fields = ('res', 'rel', 'vel')

    def __init__(self, cfg: Acoustic, n_total: int, scenario):
        self.cfg, self.n, self.material = cfg, n_total, scenario.material
        self.shell, self.omega, self.w_K, self.tables = resonance_setup(cfg, scenario)
        for pol in cfg.polarizations:
            polarization_constants(self.material, pol)
        nf, nt = len(self.omega), len(cfg.temperatures_K)
        self.res = np.zeros((nf, 2))          # Σx, Σx² (shell density at ħω)
        self.rel = np.zeros((nt, nf, 6))      # Σa, Σa², Σb, Σb², Σxa, Σyb
        self.vel = np.zeros((nt, nf, 2))      # Σy, Σy²

    def accumulate(self, spectrum, weight, rates_at, out: dict) -> None:
        s = shell_variates(self.shell, spectrum.delta_K)
        x = shell_densities(self.shell, s, self.w_K, self.n)
        out["res"][:, 0] += x.sum(0)
        out["res"][:, 1] += (x * x).sum(0)
        wD2 = weight * spectrum.D_unit**2
        K_ref = rates_at(self.cfg.T_ref_K).K
        for j, T in enumerate(self.cfg.temperatures_K):
            y = shell_velocities(self.shell, s, [tab[j] for tab in self.tables], self.n)
            out["vel"][j, :, 0] += y.sum(0)
            out["vel"][j, :, 1] += (y * y).sum(0)
            relaxation_sums(wD2, spectrum.E_K, rates_at(T).K, K_ref, T, self.cfg.T_ref_K,
                            self.omega, x, y, out["rel"][j])

    def rows(self) -> list[dict]:
        out: list[dict] = []
        n = self.n
        for pol in self.cfg.polarizations:
            g, rho, v = polarization_constants(self.material, pol)
            for f, (fr, w, wK) in enumerate(zip(self.cfg.frequencies_Hz, self.omega, self.w_K)):
                for j, T in enumerate(self.cfg.temperatures_K):
                    # attenuation: l⁻¹ = p_res Σx + p_rel Σa
                    p_res = PI * w * g * g / (rho * v**3) * math.tanh(wK / (2 * T))
                    p_rel = w * g * g / (K_B * rho * v**3)
                    r = self.rel[j, f]
                    parts = _parts(p_res, self.res[f], p_rel, r[0:2], r[4], n)
                    # velocity: Δv/v = q_res Σy + q_rel Σb
                    q_res = -g * g / (rho * v * v)
                    q_rel = -g * g / (2.0 * K_B * rho * v * v)
                    vparts = _parts(q_res, self.vel[j, f], q_rel, r[2:4], r[5], n)
                    coords = dict(f_Hz=float(fr), polarization=pol)
                    for part in ("resonant", "relaxation", "total"):
                        val, err = parts[part]
                        out += make_rows("attenuation", T, [math.inf], [val], [err], part=part, **coords)
                        out += make_rows("Q_inv", T, [math.inf], [val * v / w], [err * v / w],
                                         part=part, **coords)
                        val, err = vparts[part]
                        out += make_rows("dv_over_v", T, [math.inf], [val], [err], part=part, **coords)
        return out


def _parts(p1, m1, p2, m2, cross, n):
    """{part: (value, stderr)} of p1 Σx, p2 Σa and their sum (cross = Σ x a)."""
    tot = p1 * m1[0] + p2 * m2[0]
    tot2 = p1 * p1 * m1[1] + p2 * p2 * m2[1] + 2.0 * p1 * p2 * cross
    return {"resonant": (p1 * m1[0], abs(p1) * float(standard_error(m1[0], m1[1], n))),
            "relaxation": (p2 * m2[0], abs(p2) * float(standard_error(m2[0], m2[1], n))),
            "total": (tot, float(standard_error(tot, tot2, n)))}
