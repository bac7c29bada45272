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
          x_i = \\bar P\\,\\mathrm{pdf}(J_0^*(E, s_{lo} + W s_i))\\,W,

where [s_lo, s_lo + W] is the window of s the cut-offs allow on the shell (Δ0min ≤ E√(1 − s²)
≤ Δ0max, Es ≤ Δ_max; :func:`~.acoustic_base.shell_window`): unbiased, variance Var(x)/N (zero for
a J0 pdf constant on its support).  With Δ0max ≪ ħω the window is (Δ0max/ħω)²/2 wide: a uniform
s on [0, 1] would miss it (MC 0 ± 0 against ñ ~ 1e-12 P̄); an empty window gives exactly 0.
l⁻¹_res = (πωγ²/(ρv³)) ñ(ħω) tanh(ħω/2kT).

Resonant velocity: Δv/v_res(T) − Δv/v_res(T_ref) = −(γ²/(ρv²)) P∫dE ñ(E) F(E),
F = [tanh(E/2T) − tanh(E/2T_ref)] E/(E² − ħ²ω²).  With the same per-sample shell density
(for uniform J0, x_i(E) = P̄ on an E-interval [a_i, b_i] fixed by the cut-offs:
Δ0min ≤ E√(1 − s_i²) ≤ Δ0max, E s_i ≤ Δ_max), each sample contributes
y_i = P̄ [G(b_i) − G(a_i)] with G(E) = P∫_0^E F, tabulated once per (ω, T) with the pole
subtracted analytically: G = ∫_0^E [H(E') − H(ħω)]/(E' − ħω) dE' + H(ħω) ln|E/ħω − 1|,
H = (tanh diff) E/(E + ħω).  Unbiased for the PV integral, variance Var(y)/N.  When Δ0max <
15 max(T, T_ref, ħω) the s integral is stratified (half the samples log-uniform in
c = √(1 − s²) < 1/2, weighted: :func:`~.acoustic_base.velocity_points`), since only samples with
c < Δ0max/E reach E above Δ0max.

Peaked structural J0 (pdf = 1 + A e^{−(J0 − J_str)/w} on [J_str, J_max]): on the shell
J0*(E, s) − J_str = 2 ln(Δ0max/(E u_i)), u_i = √(1 − s_i²), so the peak term is the power law
A (E u_i/Δ0max)^p, p = 2/w, and

.. math:: y_i = \\bar P\\,[G(b_i) − G(a_i)] + \\bar P A\\,\\Big(\\frac{u_i}{Δ_{0max}}\\Big)^p
          [G_p(b_i) − G_p(a_i)],\\qquad G_p(E) = P\\!\\int_0^E E'^p F(E')\\,dE',

one more table per (ω, T) (:func:`pv_peak_table`).  E^p overflows for narrow peaks (p ≤ 40),
so the table holds g(E) = E^{−p} G_p(E) (a recurrence with factors e^{−p Δln E} ≤ 1,
product-integrated exactly in the weight; the pole subtracted in ln E, its weighted PV integral
an exponential integral Ei), and a sample evaluates (E/b0_i)^p g(E), b0_i = Δ0max/u_i ≥
b_i ≥ E: every factor ≤ 1.  x_i needs nothing new (pdf evaluated on the shell).

Standard errors of ``total`` include the covariance of the two parts (same samples).
Population models: ``tunneling`` with a uniform or structural J0 ('sharp' or 'peaked');
and ``soft`` (:mod:`.acoustic_soft`: D and M from the wavefunctions; resonant velocity in
:mod:`.acoustic_soft_velocity`).
With a TF rate channel (tf_multiphonon or tf_nondiagonal) the sound couples to the barrier
instead: :mod:`.acoustic_tf` (parts resonant / sideband / total, any J0 distribution; Δv/v of
the zero-phonon line, :mod:`.tf_velocity`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..config import param, registry_name, require
from .acoustic_base import (ShellModel, _AcousticAcc, flat_j0, polarization_constants, pv_eval,
                            pv_peak_eval, pv_peak_table, pv_table, resonance_setup,
                            shell_density, shell_densities, shell_model, shell_variates,
                            shell_velocities, shell_velocity)
from .acoustic_soft import check_soft
from .acoustic_soft_acc import SoftAcousticAcc
from .acoustic_tf import TFAcousticAcc, check_tf_scenario, tf_channel
from .common import check_temperatures

# the shell estimator lives in .acoustic_base (shared with acoustic_soft, dielectric and
# conduction without an import cycle); its names stay importable from here
__all__ = ["Acoustic", "ShellModel", "flat_j0", "polarization_constants", "pv_eval",
           "pv_peak_eval", "pv_peak_table", "pv_table", "resonance_setup", "shell_density",
           "shell_densities", "shell_model", "shell_variates", "shell_velocities",
           "shell_velocity"]

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
        uniform or structural J0, or soft: :func:`.acoustic_soft.check_soft`) and the
        material has what every polarization needs; with a TF rate channel, what
        :mod:`.acoustic_tf` needs instead."""
        if tf_channel(scenario) is not None:
            return check_tf_scenario(self, scenario, prefix)
        if _is_soft(scenario):
            check_soft(self, scenario, prefix)
        else:
            shell_model(scenario, peaked=True)
        for pol in self.polarizations:
            polarization_constants(scenario.material, pol)

    def start(self, n_total: int, scenario) -> "_AcousticAcc":
        if tf_channel(scenario) is not None:     # TF's barrier-modulation coupling (TF §4)
            return TFAcousticAcc(self, n_total, scenario)
        if _is_soft(scenario):
            return SoftAcousticAcc(self, n_total, scenario)
        return _AcousticAcc(self, n_total, scenario)


def _is_soft(scenario) -> bool:
    """Whether the scenario's population is the soft-potential model (by registry name)."""
    from ..population import POPULATION_MODELS
    return registry_name(POPULATION_MODELS, scenario.population) == "soft"
