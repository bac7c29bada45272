r"""TF 1982 §4 (ultrasound attenuation), eqs. 20–34, as closed forms; each a limit of the Net
formula of PHYSICS §10 (:mod:`tlsmc.analytic.quadrature.tf_acoustics`, the tests check each).

Units: energies and temperatures K, sums S in s^-1 m^-3 *per unit coupling*: l⁻¹_α =
(c_α Ω0/v_α) S (c_α Ω0 of :mod:`tlsmc.measurements.tf_sound`).  TF's n(ΔE)V̄_λ² is here
``nV2`` = ∫dJ0 (P̄/2) pdf(J0) V² (K m^-3, :func:`nV2_structural`) times the coupling c_λ:
TF's eq. 21 (γ = (π²/20)ω/ω_D) lacks the factor R/2 that TF's own eqs. 13–14 give (c_l =
(π²/40)R ω/ω_D per atom); V̄² = c_λ V² is used throughout.

Readings (each justified by the limit its test checks; :func:`readings`):

* eq. 22: x = ΔE − ħω **signed** in x³ and in [1 − e^{−βx}]^{-1}, and l⁻¹ = l₁(ħω) − l₁(−ħω)
  (TF: l₂ "differs by the sign of ħω, absorbed (+) or emitted (−)"): with |x| the ε < ħω
  TLSs would absorb with the wrong Boltzmann factor; with l₁ + l₂ eq. 24's "l₁ = l₂" fails.
  Then eq. 22 is the one-phonon Debye Net exactly.
* eq. 23 (kT ≪ ħω) is the g(E + ħω) half of Net only (TLS lowered, sound phonon captured);
  the other half does not vanish: TLSs with E < ħω absorb the sound phonon and *emit* a bath
  phonon ħω − E, a T-independent (π³R/16)(ħω)⁴/Θ⁴ (:func:`sideband_T0`).  The full sideband is
  that constant + O(T²), not TF's ∝ T.
* eq. 24: "π^γ" is π⁷ (∫x³/sinh x = π⁴/8).  Valid for T ≪ (4/π⁶R)^{1/4}Θ = 10 K (the printed
  exponent 1/6 would give 25 K; TF quote 10 K).
* eq. 25: g(x) = (k_B/ħ)V² e^{J2}(2π/F)^{1/2} e^{−x²/2F}, F = −Φ''(0) = 2π⁸R(T/Θ)⁶Θ²
  (``tf1982.F_debye``).
* eq. 27: the exponent "s" is 3; with eq. 25 as read, the coefficient is π^{−5/2}R^{−1/2}, a
  factor √2 below TF's printed 2/(π²(2πR)^{1/2}) (TF's [2π/F]^{1/2} with their 1/16-F).
  Like eq. 31 we keep the finite ΔE0: ∫_0^{ΔE0/2T}dx/cosh x instead of π/2.
* eq. 29: the minimum of (Θ/T)³e^{J2(T)} with J2 = J2(0) + (4π⁶R/15)(T/Θ)⁴ is at
  T2 = (45/(16π⁶R))^{1/4}Θ; TF's printed (2/π)(15/(64π²R))^{1/4}Θ = (15/(4π⁶R))^{1/4}Θ is
  (4/3)^{1/4} higher.
* eq. 31: eq. 7's rate as G (flat in x: a zero-phonon line of width ħΩ) in Net for ħω ≪ T.
* eq. 32: arccoth(ħJ''/2MΩ) (real for TF's b = 1.62): T < 34.7 K.
* eq. 33: not a property of eq. 31: without J'' eq. 31 has no minimum (∫dE/cosh(E/2T) ∝ T
  cancels the 1/T of sinh(ħω/2T); J_eff(T) only rises) — the decrease TF describe is the
  resonant line's tanh(ħω/2T), which eq. 31 does not contain.
"""
from __future__ import annotations

import math

import numpy as np

from ...rates.vibrations import TFParameters, J1_debye, J2_debye, J_eff_einstein, einstein_phis
from ...units import HBAR, K_B, PI
from .tf1982 import F_debye

__all__ = ["nV2_structural", "gd", "eq20", "eq22_net", "eq23", "sideband_T0", "eq24",
           "T_eq24", "eq27", "T2_eq29", "eq31", "T_eq32", "T2_eq33", "T3_eq34", "readings"]

_KH = K_B / HBAR


def nV2_structural(P_bar_per_J_m3: float, V0_K: float, J_str: float, J_max: float,
                   peak_amplitude: float = 0.0, peak_width: float = 1.0) -> float:
    """∫dJ0 (P̄/2) pdf(J0) V0² e^{−J0} (K m^-3) for the structural J0 distribution
    (pdf = 1 + A e^{−(J0 − J_str)/w} on [J_str, J_max]; A = 0: sharp or uniform)."""
    half = 0.5 * P_bar_per_J_m3 * K_B
    flat = math.exp(-J_str) * -math.expm1(-(J_max - J_str))
    k = 1.0 + 1.0 / peak_width
    peak = peak_amplitude * math.exp(-J_str) * -math.expm1(-k * (J_max - J_str)) / k
    return half * V0_K**2 * (flat + peak)


def gd(X):
    """∫_0^X dx/cosh x = 2 arctan(tanh(X/2)) (→ π/2)."""
    return 2.0 * np.arctan(np.tanh(0.5 * np.asarray(X, dtype=float)))


def eq20(hw_K, T_K, nV2: float, params: TFParameters):
    """TF eq. 20 (resonant, zero-phonon line): S = 2π(k_B/ħ) e^{J1(T)} tanh(ħω/2T) nV2.
    Regime: 2V ≪ ħω ≤ ΔE0 (then exact for the model)."""
    return 2 * PI * _KH * np.exp(J1_debye(T_K, params)) * np.tanh(0.5 * np.asarray(hw_K) / T_K) * nV2


def eq22_net(E_K, hw_K, T_K, V_K, params: TFParameters):
    """TF eq. 22 per TLS (s^-1 per unit coupling), read signed: l₁(ħω) − l₁(−ħω),

    .. math:: l_1 = \\frac{\\pi^3 R V^2 e^{J_1}}{4\\hbar\\Theta^4}\\,x^3
              \\frac{e^{\\hbar\\omega/T} - 1}{(1 - e^{-x/T})(1 + e^{E/T})},\\quad x = E - \\hbar\\omega.

    Regime: one phonon (T ≪ 10 K), E + ħω ≪ Θ (ρ ≈ ρ_D), V ≪ E.
    """
    E, T = np.asarray(E_K, dtype=float), float(T_K)
    pre = PI**3 * params.R * _KH * np.asarray(V_K) ** 2 * math.exp(J1_debye(T, params)) \
        / (4 * params.theta_D_K**4)

    def l1(w):
        x = E - w
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = np.where(x == 0.0, T * x * x, x**3 / -np.expm1(-x / T))
            return r * np.expm1(w / T) / (1.0 + np.exp(E / T))     # as printed (0 for E/T > 709)

    return pre * (l1(hw_K) - l1(-hw_K))


def eq23(hw_K, T_K, nV2: float, params: TFParameters):
    """TF eq. 23 (kT ≪ ħω): S = (π³ ln2/4) R (k_B/ħ) nV2 e^{J1} (ħω)³ T/Θ⁴ — the g(E + ħω)
    half of Net only (module docstring)."""
    th = params.theta_D_K
    return (PI**3 * math.log(2) / 4 * params.R * _KH * nV2 * np.exp(J1_debye(T_K, params))
            * np.asarray(hw_K) ** 3 * T_K / th**4)


def sideband_T0(hw_K, nV2: float, params: TFParameters):
    """T → 0 limit of the one-phonon sideband (not in TF): TLSs with E < ħω absorb the
    sound phonon and emit ħω − E; S = (π³R/16)(k_B/ħ) nV2 e^{J1(0)} (ħω)⁴/Θ⁴."""
    return (PI**3 * params.R / 16 * _KH * nV2 * math.exp(J1_debye(0.0, params))
            * np.asarray(hw_K) ** 4 / params.theta_D_K**4)


def eq24(hw_K, T_K, nV2: float, params: TFParameters):
    """TF eq. 24 (ħω ≪ kT, one phonon): S = (π⁷/32) R (k_B/ħ) nV2 e^{J1} ħω T³/Θ⁴."""
    return (PI**7 / 32 * params.R * _KH * nV2 * np.exp(J1_debye(T_K, params))
            * np.asarray(hw_K) * np.asarray(T_K) ** 3 / params.theta_D_K**4)


def T_eq24(params: TFParameters) -> float:
    """Upper end of eq. 24 (one-phonon regime): (4/π⁶R)^{1/4}Θ (K; TF: ≈ 10 K)."""
    return (4.0 / (PI**6 * params.R)) ** 0.25 * params.theta_D_K


def eq27(hw_K, T_K, nV2: float, params: TFParameters, delta_E0_K: float = math.inf,
         printed: bool = False, exact_F: bool = False):
    """TF eq. 27 (ħω ≪ kT, steepest descent, T ≪ Θ):
    S = C (k_B/ħ) nV2 e^{J2(T)} R^{-1/2} (ħω/Θ)(Θ/T)³ gd(ΔE0/2T)/(π/2),
    C = π^{−5/2} (read here) or √2 π^{−5/2} (``printed``).

    ``exact_F``: the same steepest descent with the Debye F(T) itself instead of its T ≪ Θ
    form 2π⁸R(T/Θ)⁶Θ², i.e. S = ħω (k_B/ħ) nV2 e^{J2}(2π/F)^{1/2} 2 gd(ΔE0/2T).  Where the
    steepest descent holds (Q/8F² ≪ 1: T ≳ 16 K for TF's parameters) F has already left its
    T⁶ law (factor 2.0 in (Θ/T)³ at 16 K, 4.0 at 25 K): the (Θ/T)³ fall never holds there."""
    T = np.asarray(T_K, dtype=float)
    if exact_F:
        return (2 * _KH * nV2 * np.asarray(hw_K) * np.exp(J2_debye(T, params))
                * np.sqrt(2 * PI / F_debye(T, params)) * gd(delta_E0_K / (2 * T)))
    c = PI**-2.5 * (math.sqrt(2.0) if printed else 1.0)
    th = params.theta_D_K
    return (c * _KH * nV2 * np.exp(J2_debye(T, params)) / math.sqrt(params.R)
            * np.asarray(hw_K) / th * (th / T) ** 3 * gd(delta_E0_K / (2 * T)) / (PI / 2))


def T2_eq29(params: TFParameters, printed: bool = False) -> float:
    """Minimum of eq. 27: (45/(16π⁶R))^{1/4}Θ, or TF's printed (2/π)(15/(64π²R))^{1/4}Θ (K)."""
    R, th = params.R, params.theta_D_K
    if printed:
        return 2 / PI * (15 / (64 * PI**2 * R)) ** 0.25 * th
    return (45 / (16 * PI**6 * R)) ** 0.25 * th


def eq31(hw_K, T_K, nV2: float, params: TFParameters, delta_E0_K: float = math.inf):
    """TF eq. 31 (Einstein with J'', eq. 7's rate as G, ħω ≪ kT):
    S = 4π (k_B/ħ) nV2 (ħω/ħΩ) φ3^{-1/2} e^{φ1(1−φ2)} I0(φ1φ2) gd(ΔE0/2T)."""
    T = np.asarray(T_K, dtype=float)
    _, _, phi3 = einstein_phis(T, params)
    return (4 * PI * _KH * nV2 * np.asarray(hw_K) / params.omega_E_K / np.sqrt(phi3)
            * np.exp(J_eff_einstein(T, params)) * gd(delta_E0_K / (2 * T)))


def T_eq32(params: TFParameters) -> float:
    """TF eq. 32: J'' negligible in eq. 31 for 4kT < ħΩ/arccoth(ħJ''/2MΩ) (K; b = ħJ''/2MΩ > 1,
    else no bound: inf)."""
    b = params.einstein_b
    return params.omega_E_K / (4 * math.atanh(1 / b)) if b > 1 else math.inf


def T2_eq33(params: TFParameters) -> float:
    """TF eq. 33: minimum of eq. 31 without J'', ħΩ/(2 ln(ħJ'²/MΩ)) (K)."""
    return params.omega_E_K / (2 * math.log(4 * params.einstein_a))


def T3_eq34(params: TFParameters) -> float:
    """TF eq. 34: maximum of eq. 31 with J'', J'²MΩ²/(4k_B J''²) (K)."""
    omega = params.omega_E_K * K_B / HBAR
    return params.J1_per_m**2 * params.mass_kg * omega**2 / (4 * K_B * params.J2_per_m2**2)


def readings() -> str:
    """The readings of TF eqs. 20–34 used here (the module docstring's list)."""
    return __doc__.split("its test checks; :func:`readings`):")[1].strip()
