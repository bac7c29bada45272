r"""Closed forms of Trakhtenberg & Flerov 1982 (TF), as read in PHYSICS §4.2 and §7.

Energies and temperatures in K (E/k_B), times s, rates s^-1; heat capacities SI.
The OCR of TF is garbled in places; the readings used here, and the misprints
found, are listed in :func:`tf_readings`.

* α_TF (eqs. 15–16): :func:`alpha_tf`;
* eq. 12 (one-phonon non-diagonal rate, exponent J1 as corrected): :func:`rate_eq12`;
* eqs. 17–19 (step-function C(T, t), τ*): :func:`J_b_eq17`, :func:`heat_capacity_eq18`,
  :func:`tau_star_eq19`, :func:`tau_star_constant`, :func:`step_function_constants`;
* the channels' rates as numpy functions of (E, Δ, Δ0, T) for quadratures: :func:`tls_rate`;
* eq. 25 (steepest descent at high T) and its first correction: :func:`rate_eq25`,
  :func:`F_debye`, :func:`eq25_correction`;
* eq. 30 (classical limit J2 = T/T0): :func:`T0_eq30`;
* are TF's §3 numbers consistent? :func:`tf_parameter_check`.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from scipy.special import sici

from ...rates.multiphonon import nondiagonal_rate
from ..quadrature.checked import quad
from ..quadrature.multiphonon import multiphonon_total_rate
from ...units import EULER_GAMMA, HBAR, K_B, PI
from ...rates.vibrations import (TFParameters, J1_debye, J2_debye, J_eff_einstein, _debye_integral,
                                 coth_half, einstein_phis, inv_sinh_half, log_enhancement)

__all__ = ["alpha_tf", "rate_eq12", "J_b_eq17", "tau_star_constant", "tau_star_eq19",
           "heat_capacity_eq18", "step_function_constants", "tls_rate", "F_debye", "F_debye_low_T", "rate_eq25", "eq25_correction",
           "T_eq26", "T0_eq30", "tf_parameter_check", "tf_readings"]


def alpha_tf(params: TFParameters) -> float:
    """α_TF of TF eqs. 15–16 in s^-1 K^-5 (energies in K).

    .. math:: \\alpha = \\frac{\\pi^3 J'^2}{4\\hbar^4 M \\omega_D^5}
              \\;[\\mathrm{s^{-1}\\,J^{-5}}],\\qquad
              \\alpha_K = \\alpha k_B^5 = \\frac{\\pi^3 R}{4}\\frac{k_B/\\hbar}{\\Theta^4}

    ħα/2π is the coefficient of eq. 15 (PHYSICS §4.2).  ``params.alpha_SI`` is the SI value.
    """
    return params.alpha_K


def rate_eq12(E_K, V_K, T_K: float, params: TFParameters) -> tuple[np.ndarray, np.ndarray]:
    """TF eq. 12 (with eq. 15) for ΔE = E > 0: (K↑, K↓) in s^-1.

    .. math:: K_\\uparrow = \\alpha V^2 e^{J_1(T)} E^3 n_B(E),\\qquad
              K_\\downarrow = \\alpha V^2 e^{J_1(T)} E^3 [n_B(E) + 1]

    The exponent is −ΔE/2T + J1(T) (PHYSICS §4.2: the printed eq. 12 lacks the 1/8);
    the e^{-ΔE/2T} combines with e^{+ΔE/2T} of eq. 15 into n_B.  No (Δ/E)² factor
    (TF's regime V << Δ): this is ``multiphonon.nondiagonal_rate`` with Δ = E.
    """
    return nondiagonal_rate(E_K, E_K, V_K, T_K, params, vibration="debye")


def J_b_eq17(E_K, T_K: float, t_s, params: TFParameters):
    """Boundary J_b of the step function, TF eq. 17 (dimensionless).

    .. math:: J_b = \\ln[\\alpha\\hbar^2\\nu^2 E^3\\coth(E/2T)\\, t]

    TLSs with J* < J_b have relaxed by time t (K* t > 1 with K* = αħ²ν²e^{-J*}E³coth).
    """
    E = np.asarray(E_K, dtype=float)
    return np.log(alpha_tf(params) * params.V0_K**2 * E**3 * coth_half(E / T_K) * np.asarray(t_s))


@functools.lru_cache(maxsize=1)
def tau_star_constant() -> float:
    """The constant c of 1/τ* ∝ exp(−J*_min + c) that the step function of eq. 17 gives.

    Differentiating eq. 16 with the step function (J_max -> ∞, dJ1/dT neglected):

    .. math:: c = \\frac{3}{2} + \\frac{12}{\\pi^2}\\int_0^\\infty
              \\frac{y\\ln[y^3\\coth(y/2)]}{e^y + 1}\\,dy = 3.6161...

    TF print 3 (dropping the coth gives 3.138).  The difference is a shift of
    ln t by 0.62 in eq. 18.
    """
    f = lambda y: y * math.log(y**3 / math.tanh(0.5 * y)) / (math.exp(y) + 1.0)
    integral = quad(f, 0.0, 1.0, limit=200)[0] + quad(f, 1.0, 80.0, limit=200)[0]
    return 1.5 + 12.0 / PI**2 * integral


@functools.lru_cache(maxsize=1)
def step_function_constants() -> dict[str, float]:
    """The constant c of C = (π²/6) n(0) k_B² T [ln(αħ²ν²T³t) − J*_min + c] in the logarithmic
    regime (J_min << J_b << J_max, Δ_max >> T, L(T) constant), for both observables.

    * ``C_tf_step`` = 3.6161: TF's dE/dT with the step function of eq. 17
      (:func:`tau_star_constant`; TF print 3).
    * ``C_tf_exact`` = 3.6161 + γ_E = 4.1934: the exact dynamics.  Per TLS with J_b the
      boundary of eq. 17, ∫_{J_min}^∞ [1 − exp(−e^{J_b − J})] dJ = J_b − J_min + γ_E + O(e^{J_min − J_b})
      (∫_0^∞ e^{-e^u}du = E1(1), ∫_{-∞}^0 (1 − e^{-e^u})du = Ein(1), Ein(1) − E1(1) = γ_E);
      the shift multiplies ∂f0/∂T only, whose Δ-average is the equilibrium C.
    * ``C_step`` = (6/π²)∫ s(x) ln[x³ coth(x/2)] dx, s = x²e^x/(e^x + 1)²: the small-step C
      (PHYSICS §6, no ∂K/∂T term) with the step function.
    * ``C_exact`` = C_step + γ_E: the small-step C with the exact dynamics.

    So eq. 19's 3 puts τ* too long by e^{4.193 − 3} = 3.30 against the exact dynamics
    (by e^{0.616} = 1.85 from the step-function algebra, by e^{γ_E} = 1.78 from the step itself).
    """
    s = lambda x: x * x * math.exp(-x) / (1.0 + math.exp(-x)) ** 2
    f = lambda x: s(x) * math.log(x**3 / math.tanh(0.5 * x))
    c_step = 6.0 / PI**2 * (quad(f, 0.0, 1.0, limit=200)[0] + quad(f, 1.0, 80.0, limit=200)[0])
    c_tf = tau_star_constant()
    return {"C_tf_step": c_tf, "C_tf_exact": c_tf + EULER_GAMMA,
            "C_step": c_step, "C_exact": c_step + EULER_GAMMA}


def tau_star_eq19(T_K, params: TFParameters, J_min: float, model: str = "debye",
                  constant: float = 3.0):
    """τ*(T) of TF eq. 19, s.

    .. math:: 1/\\tau^* = \\alpha\\hbar^2\\nu^2 T^3 \\exp(-J^*_{min} + 3),\\qquad
              J^*_{min} = J_{min} - L(T)

    L = ``vibrations.log_enhancement``: the ln of the vibrational factor of the rate
    (J1 for the Debye model as TF print; J_eff − ½ ln φ3 for the Einstein model, so that
    τ* belongs to the same rate as channel 2 and only the constant is TF's).

    In kelvin units αħ²ν²T³ = α_K V0² T³ with V0 = ħν/k_B, so 1/τ* is in s^-1.

    Parameters
    ----------
    T_K : float or array
        Temperature, K.
    J_min : float
        Smallest bare transparency J0 of the population (TF: J_str).
    model : {"debye", "einstein"}
        Vibration model of L(T).
    constant : float
        TF's 3 by default; ``tau_star_constant()`` (3.616) is what the step function gives,
        ``step_function_constants()["C_tf_exact"]`` (4.194) what the exact dynamics give.
    """
    T = np.asarray(T_K, dtype=float)
    J_star_min = J_min - log_enhancement(T, params, model)
    return 1.0 / (alpha_tf(params) * params.V0_K**2 * T**3 * np.exp(-J_star_min + constant))


def heat_capacity_eq18(T_K, t_s, n0_per_K_m3: float, params: TFParameters, J_min: float,
                       model: str = "debye", constant: float = 3.0):
    """TF eq. 18, the step-function time-dependent heat capacity, J K^-1 m^-3.

    .. math:: C(T,t) = \\frac{\\pi^2}{6}\\, n(0)\\, k_B^2 T \\ln\\frac{t}{\\tau^*(T)}

    Parameters
    ----------
    n0_per_K_m3 : float
        n(0): TLS density per unit energy (K^-1, i.e. n_SI k_B) per unit J0 per m³
        (= P̄_K/2 in the STM language of PHYSICS §1a).  Then C = (π²/6) n0 k_B T ln(t/τ*).
    Other parameters as :func:`tau_star_eq19`.

    Valid for J_min < J_b(t) < J_max; TF's E(t) counts the energy absorbed from a
    cold start (PHYSICS §6), so this is dE/dT of TF eqs. 10–11, not the small-step C.
    """
    tau = tau_star_eq19(T_K, params, J_min, model, constant)
    return PI**2 / 6.0 * n0_per_K_m3 * K_B * np.asarray(T_K, dtype=float) * np.log(np.asarray(t_s) / tau)


def tls_rate(params: TFParameters, kind: str = "nondiagonal", vibration: str = "debye",
             frozen_T_K: float | None = None):
    """The total rate K(E, Δ, Δ0, T) (s^-1) of a TF channel, as a numpy function for quadratures.

    Written from PHYSICS §4.2–4.3 independently of the pipeline's channel wiring
    (``tlsmc.rates.tf``): V = Δ0/2 (TF eq. 9 with Δ0 = 2ħν e^{−J0/2}) and

    .. math:: K = \\alpha V^2 e^{L(T)} (\\Delta/E)^2 E^3 \\coth\\frac{E}{2T}\\times
              \\begin{cases}1 & \\text{nondiagonal}\\\\ e^{m(E,T)} & \\text{multiphonon}\\end{cases}

    with L = ``vibrations.log_enhancement`` (``vibration``) for the non-diagonal channel.
    The multiphonon rate (TF eq. 6 with B = 0) is the exact column's own
    :func:`tlsmc.analytic.quadrature.multiphonon.multiphonon_total_rate` (Kubo–Toyozawa sum
    order by order with scipy quadrature), independent of the Monte Carlo's FFT table
    (issue 12), so an error in the channel's table shows up as an MC-vs-exact z-score.
    Shares with the Monte Carlo: :mod:`tlsmc.units`, the TF parameter container and, for
    the non-diagonal channel, ``vibrations.log_enhancement``.

    Parameters
    ----------
    kind : {"nondiagonal", "multiphonon"}
    vibration : {"debye", "einstein"}
        L(T) of the non-diagonal channel (multiphonon is the Debye model).
    frozen_T_K : float, optional
        Evaluate L at this fixed temperature (non-diagonal only): the rate without the
        T-dependence of the vibrational enhancement (what TF's step-function algebra neglects).

    Returns
    -------
    callable
        ``rate(E_K, delta_K, delta0_K, T_K) -> K`` (broadcasting arrays, scalar T).
    """
    if kind not in ("nondiagonal", "multiphonon"):
        raise ValueError(f"kind must be nondiagonal or multiphonon (got {kind!r})")
    if kind == "multiphonon" and (vibration != "debye" or frozen_T_K is not None):
        raise ValueError("the multiphonon rate is the Debye model with its own J1(T), J2(T)")

    def rate(E_K, delta_K, delta0_K, T_K):
        E, d, d0 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (E_K, delta_K, delta0_K)))
        if kind == "multiphonon":
            return multiphonon_total_rate(E, d, d0, float(T_K), params)
        L = float(log_enhancement(T_K if frozen_T_K is None else frozen_T_K, params, vibration))
        return params.alpha_K * (0.5 * d0) ** 2 * math.exp(L) * d * d * E * coth_half(E / T_K)

    return rate


def _debye_moment(T_K, params: TFParameters, power: int):
    """∫ρ(ω) ω^power / sinh(ω/2T) dω (K^power) for the Debye density of TF eq. 14."""
    T = np.asarray(T_K, dtype=float)
    kernel = lambda a: np.where(np.isinf(a), 0.0, a**power * inv_sinh_half(a))
    return 0.75 * params.R * T**power * _debye_integral(T, params.theta_D_K, kernel)


def F_debye(T_K, params: TFParameters):
    """F(T) = −Φ''(0) = (1/8)Σ|A_μ|²(ħω_μ)²/sinh(ħω_μ/2T) in K² (Debye model).

    The curvature that eq. 25's steepest descent uses:  Φ(v) ≈ Φ(0) − F v²/2.
    For T << Θ it is 2π⁸R(T/Θ)⁶Θ² (:func:`F_debye_low_T`), which is TF's printed
    Debye F; the definition printed under eq. 25 has 1/16 instead of 1/8 (misprint:
    with 1/16 the prefactor would be (π/F)^½, not (2π/F)^½).
    """
    return _debye_moment(T_K, params, 2)


def F_debye_low_T(T_K, params: TFParameters):
    """TF's Debye form F = 2π⁸ R (T/Θ)⁶ Θ² (K²), valid for T << Θ."""
    T = np.asarray(T_K, dtype=float)
    return 2.0 * PI**8 * params.R * (T / params.theta_D_K) ** 6 * params.theta_D_K**2


def rate_eq25(dE_K, V_K, T_K: float, params: TFParameters, gaussian: bool = True):
    """TF eq. 25: steepest-descent rate (s^-1) of a transition changing the energy by dE.

    .. math:: K = \\frac{V^2}{\\hbar}\\Big[\\frac{2\\pi}{F(T)}\\Big]^{1/2}
              \\exp\\Big[-\\frac{\\Delta E}{2T} + J_2(T) - \\frac{\\Delta E^2}{2F}\\Big],
              \\qquad J_2 = \\frac18\\sum_\\mu |A_\\mu|^2\\coth\\frac{\\hbar\\omega_\\mu}{4T}

    ((k_B/ħ)V_K² in kelvin units).  TF drop the Gaussian e^{-ΔE²/2F} (ΔE² << F);
    ``gaussian=False`` reproduces that.  dE > 0 is K↑, dE < 0 is K↓; multiply by
    (Δ/E)² to compare with channel 3.  Relative error: :func:`eq25_correction`.
    """
    dE = np.asarray(dE_K, dtype=float)
    F = F_debye(T_K, params)
    expo = -0.5 * dE / T_K + J2_debye(T_K, params) - (0.5 * dE**2 / F if gaussian else 0.0)
    return (K_B / HBAR) * np.asarray(V_K, dtype=float) ** 2 * np.sqrt(2.0 * PI / F) * np.exp(expo)


def eq25_correction(E_K, T_K: float, params: TFParameters):
    """First correction to eq. 25 (with the Gaussian): the quartic term of Φ(v).

    With Φ(v) = Φ(0) − Fv²/2 + Qv⁴/24 − …, Q = ∫ρω⁴/sinh(ω/2T),

    .. math:: \\frac{K_{exact}}{K_{25}} - 1 \\approx \\frac{Q}{24}
              \\Big(\\frac{3}{F^2} - \\frac{6E^2}{F^3} + \\frac{E^4}{F^4}\\Big)
              \\;\\to\\; \\frac{Q}{8F^2}\\quad (E^2 \\ll F)

    Q/8F² ~ 1/(number of phonons exchanged): 0.25 at 10 K, 0.025 at 20 K, 6e-4 at
    300 K for TF's parameters, so eq. 25 needs T ≳ 20 K, not just eq. 26's 4 K.
    """
    E = np.asarray(E_K, dtype=float)
    F, Q = F_debye(T_K, params), _debye_moment(T_K, params, 4)
    return Q / 24.0 * (3.0 / F**2 - 6.0 * E**2 / F**3 + E**4 / F**4)


def T_eq26(params: TFParameters) -> float:
    """TF eq. 26's lower bound for eq. 25, (π⁸R)^{-1/4} Θ in K (TF: ≈ 4 K).

    It is T²/F ≈ 1 with TF's F; the relevant small parameter is Q/8F² (above).
    """
    return (PI**8 * params.R) ** -0.25 * params.theta_D_K


def T0_eq30(params: TFParameters) -> float:
    """T0 of TF eq. 30 (K): J2(T) → T/T0 for T >> Θ (Debye), T0^{-1} = Σ|A|²/(2ħω).

    .. math:: T_0 = \\frac{\\Theta}{3R\\,[1 - \\mathrm{Si}(\\pi)/\\pi]}

    (0.565 K for TF's parameters; TF quote ≈ 1 K).  J1 → T/(2T0) + RΘ(1/3 − 1/π²)/(8T).
    """
    return params.theta_D_K / (3.0 * params.R * (1.0 - sici(PI)[0] / PI))


def tf_parameter_check(params: TFParameters | None = None, J0: float = 50.0) -> dict[str, float]:
    """Are TF's §3 numbers (J0 ≈ 50, J' ≈ 200 Å⁻¹, J'' ≈ 400 Å⁻², M ≈ 60 amu, Θ ≈ 150 K,
    ħΩ ≈ 100 K, R ≈ 200) mutually consistent?  Returns the derived numbers.

    Answer (``TFParameters.tf1982()``): yes, with one caveat.
    * R = ħJ'²/(Mω_D) = 215.6 — consistent with TF's "≈ 200" (8 %).
    * Debye zero-point enhancement J1(0) = (3/8)(1 − 4/π²)R = 48.1 ≈ J0: the linear
      (J''= 0) model would leave J* = J0 − J1 ≈ 2, i.e. an almost transparent
      barrier — which is why TF switch to eq. 7 with J''.
    * Einstein with J'': φ1(0) = a/(1+b) = 30.9 (a = ħJ'²/4MΩ = 80.8, b = ħJ''/2MΩ = 1.62),
      so J* = J0 − φ1 = 19.1 ≈ TF's "J* ≈ 20".  Without J'' (b = 0) J* = 50 − 80.8 < 0.
      Eq. 7's prefactor φ3^{-1/2} = 1/(1+b) = 0.38 (``vibrations.log_enhancement``) makes
      the rate that of J* = 20.07.
    * J'' = 400 Å⁻² and J' = 200 Å⁻¹ are exactly J ∝ ΔR² with J0 = 50 at ΔR = 0.5 Å
      (J' = 2J0/ΔR, J'' = 2J0/ΔR²); then J'²/2J'' = J0, so the Einstein J_eff(T)
      saturates at J0 (J* → 0: the barrier closes) as T → ∞.
    * eq. 30: T0 = 0.565 K (TF: ≈ 1 K); eq. 34: T3 = J'²MΩ²/(4k_B J''²) = 773 K for
      J'' = 400 Å⁻² and 86 K for 1200 Å⁻² (TF: T3 ≈ 50 K "⇒ J'' ≈ 1200 Å⁻²").
    """
    p = TFParameters.tf1982() if params is None else params
    a, b = p.einstein_a, p.einstein_b
    omega = p.omega_E_K * K_B / HBAR
    return {
        "R": p.R,
        "J1_0_debye": float(J1_debye(0.0, p)),
        "J_star_debye_T0": J0 - float(J1_debye(0.0, p)),
        "einstein_a": a,
        "einstein_b": b,
        "phi1_0": float(einstein_phis(0.0, p)[0]),
        "J_star_einstein_T0": J0 - float(J_eff_einstein(0.0, p)),
        "J_star_einstein_rate_T0": J0 - float(log_enhancement(0.0, p, "einstein")),
        "J_star_einstein_no_J2": J0 - a,
        "J_eff_einstein_T_inf": p.J1_per_m**2 / (2.0 * p.J2_per_m2),
        "T0_eq30_K": T0_eq30(p),
        "T3_eq34_K": p.J1_per_m**2 * p.mass_kg * omega**2 / (4.0 * K_B * p.J2_per_m2**2),
        "T_eq26_K": T_eq26(p),
    }


def tf_readings() -> str:
    """How the OCR of TF is read here, and the misprints found (returns the text)."""
    return """\
eq. 7   prefactor 2πV²/(ħ²Ω φ3^½) (OCR: ħΩφ²); 'ch' in φ3 is coth (PHYSICS §4.2).
eq. 12  exponent −ΔE/2T + J1(T): the printed Σ|A|² cth lacks the 1/8 (PHYSICS §4.2).
eq. 14  J1 = (3ħJ'²/4Mq_D³)∫k²/ω_k[1 − sinc]coth = (3R/4)∫x[1 − sinc(πx)]coth(Θx/2T)dx.
eq. 19  the '+3' is approximate: the step function gives +3.616 (tau_star_constant).
eq. 25  F is (1/8)Σ|A|²(ħω)²/sinh (= −Φ''(0), TF's own Debye form 2π⁸R(T/Θ)⁶Θ²);
        the printed 1/16 would need (π/F)^½, not (2π/F)^½.  The Gaussian e^{-ΔE²/2F}
        is dropped by TF; its validity needs Q/8F² << 1 (T ≳ 20 K), not eq. 26's 4 K.
eq. 24  valid for T << (4/π⁶R)^{1/4}Θ ≈ 10 K (exponent 1/4, as the quoted 10 K requires).
eq. 26  T >> (π⁸R)^{-1/4}Θ ≈ 4 K (exponent −1/4, as the quoted 4 K requires).
eq. 30  T0 = Θ/(3R[1 − Si(π)/π]) = 0.565 K in the Debye model (TF: ≈ 1 K).
§3      m ≈ 16 amu is called 'carbon' (16 is oxygen)."""
