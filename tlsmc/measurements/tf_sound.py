"""Absorption of a sound phonon by TF's barrier-modulation coupling (TF §4; PHYSICS §10).

Reusable pieces (the ``acoustic`` measurement and the thermal conductivity call them for an
array of phonon energies ħω at one T).  Energies and temperatures in K, rates in s^-1.

Model.  The sound wave is one more phonon mode λ of TF eq. 6: it modulates the barrier
transparency, V e^{−J({q})/2}, exactly as the bath phonons do.  With K(x) the rate at which
the TLS takes x from the bath, K(x) = G(x) e^{−x/2T} (G even), the four processes of TF
eq. 22 (TLS up/down × sound phonon absorbed/emitted, occupations f_l, f_u) give per TLS and
per sound phonon (absorbed − emitted, stimulated part)

.. math:: c_\\lambda\\,\\mathrm{Net}(E),\\qquad
          \\mathrm{Net}(E) = \\Big(\\frac{\\Delta}{E}\\Big)^2\\frac{\\sinh(\\hbar\\omega/2T)}
          {\\cosh(E/2T)}\\big[G(E - \\hbar\\omega) + G(E + \\hbar\\omega)\\big],

c_λ = |A_λ|²/8 the coupling of mode λ (TF eq. 13; the same normalisation as the bath's
coupling density ρ(ω) = (1/8)Σ|A_μ|²δ(ω − ħω_μ) of TF eq. 14), (Δ/E)² the eigenbasis factor
of a σ_x perturbation (as in the tf rate channels).  G has two parts:

* the **zero-phonon line** 2π(k_B/ħ) V² e^{L(T)} δ(x): the *resonant* absorption, TF eq. 20;
  L = J1 (TF eq. 14) for ``tf_multiphonon``, ``log_enhancement`` for ``tf_nondiagonal``.
  Its δ(E − ħω) is integrated per sample (:func:`shell_zero_phonon`), never binned.
* the **sideband** G_sb(x) = K_tot(|x|)/(2 cosh(x/2T)), K_tot the channel's total rate at
  splitting |x| with the TLS's V and eigenbasis factor 1: one-phonon + all orders for
  ``tf_multiphonon`` (the exact Debye table, PHYSICS §4.3), the one-phonon
  α V² e^{L} x³ coth(x/2T) for ``tf_nondiagonal``.  It is *not* relaxation absorption (no
  diagonal coupling is involved): the TLS and a bath phonon share the sound phonon's energy
  (TF's "nonresonant" absorption, eqs. 22–27).  Rows call it ``part = "sideband"``.

Coupling of a sound wave of polarization α (TF eqs. 13–14, 21).  In TF's Debye model
(q_D³ = 6π²N/Ω0, interatomic distance a = π/q_D along the TLS axis ĵ, atomic volume
v_a = 6π²/q_D³), |A_λ|² = J'²(ħ/MωN)(ê·ĵ)²|e^{ik·a2} − e^{ik·a1}|², k = ω/v_α, averaged over
random axes (μ = k̂·ĵ uniform on [0, 1], q = ka):
I_l(q) = ⟨μ² 2(1 − cos qμ)⟩, I_t(q) = ⟨(1 − μ²)(1 − cos qμ)⟩ (one transverse polarization);
I_l + 2 I_t = 2(1 − sin q/q) is TF eq. 14's bracket.  Per unit volume (Σ_TLS = Ω0 ∫ n):

.. math:: c_\\alpha\\Omega_0 = \\frac{\\hbar J'^2}{8 M\\omega}\\, v_a\\, I_\\alpha(\\omega a/v_\\alpha)
          \\;\\to\\; \\frac{3\\pi^4}{4}\\, g_\\alpha\\,
          \\frac{\\hbar J'^2\\omega}{M v_\\alpha^2 q_D^5}\\quad[\\mathrm{m^3}]\\quad(ka \\ll 1),

g_l = ⟨cos⁴θ⟩ = 1/5, g_t = ⟨sin²θ cos²θ cos²φ⟩ = 1/15; q_D = ω_D/v_D, 3/v_D³ = 1/v_l³ + 2/v_t³.
Ultrasound has ka < 1e-3 (the two forms agree to 1e-7); thermal phonons need the full I_α.

Per atom this is c_l = (π²/40) R (ω/ω_D)(v_D/v_l)²/N: TF's eq. 21, γ = (π²/20)(ω/ω_D), lacks
the factor R/2 (γ has no J' at all) — we use the derived coupling everywhere.  Then the
phonon number decays as dN/dx = −N Σ c Net / v: the **energy** attenuation is

.. math:: l^{-1}_\\alpha(\\omega) = \\frac{c_\\alpha\\Omega_0}{v_\\alpha}\\sum_i w_i\\,\\mathrm{Net}_i,

resonant part (c Ω0/v) Z(T) tanh(ħω/2T) Σ_i x_i with Z = 2π(k_B/ħ)e^{L(T)} and x_i of
:func:`shell_zero_phonon` (TF eq. 20 with V̄² = c_λ V²).
"""
from __future__ import annotations

import math

import numpy as np

from .._kernels.tf_sound import net_combine
from ..rates.multiphonon import add_multiphonon_total, add_nondiagonal_total, multiphonon_table
from ..rates.vibrations import TFParameters, J1_debye, log_enhancement
from ..units import HBAR, K_B, PI

__all__ = ["TF_SOUND_CHANNELS", "sideband_net", "zero_phonon_weight", "shell_zero_phonon",
           "sound_coupling", "debye_velocity", "ORIENTATION"]

TF_SOUND_CHANNELS = ("tf_multiphonon", "tf_nondiagonal")
"""Rate channels whose G this module knows."""

ORIENTATION = {"l": 1.0 / 5.0, "t": 1.0 / 15.0}
"""g_α: orientation average of (ê·ĵ)²(k̂·ĵ)² over random TLS axes ĵ (module docstring)."""

_X_FLOOR = 1e-12
"""Smallest transfer |x| passed to the rate functions, in units of (T + ħω): G is continuous
at x = 0 (0 for the one-phonon sideband, the Raman limit for the multiphonon one)."""


def _check(channel: str, T_K: float) -> None:
    if channel not in TF_SOUND_CHANNELS:
        raise ValueError(f"channel must be one of {TF_SOUND_CHANNELS} (got {channel!r})")
    if not (math.isfinite(T_K) and T_K > 0.0):
        raise ValueError(f"T_K must be finite and > 0 (got {T_K!r})")


def sideband_net(E_K, delta_K, V_K, T_K: float, hw_K, params: TFParameters,
                 channel: str = "tf_multiphonon", vibration: str = "debye",
                 table=None) -> np.ndarray:
    """Per-TLS sideband Net_i(ħω_f) at one temperature, for an array of phonon energies.

    .. math:: \\mathrm{Net}_i(\\hbar\\omega) = \\Big(\\frac{\\Delta_i}{E_i}\\Big)^2
              \\frac{\\sinh(\\hbar\\omega/2T)}{\\cosh(E_i/2T)}
              \\big[G_{sb}(E_i - \\hbar\\omega) + G_{sb}(E_i + \\hbar\\omega)\\big],\\quad
              G_{sb}(x) = \\frac{K_{tot}(|x|)}{2\\cosh(x/2T)}

    (module docstring; PHYSICS §10 "TF §4").  The zero-phonon line is *not* included
    (:func:`shell_zero_phonon`, :func:`zero_phonon_weight`).

    Parameters
    ----------
    E_K, delta_K, V_K : array_like, shape (N,)
        Splitting E, asymmetry Δ and TF's matrix element V = Δ0/2 of every TLS, K.
    T_K : float
        Phonon temperature, K, > 0 (≤ 300 K for ``tf_multiphonon``: its table's top).
    hw_K : array_like, shape (F,)
        Sound-phonon energies ħω/k_B, K, ≥ 0.
    params : TFParameters
    channel : {"tf_multiphonon", "tf_nondiagonal"}
    vibration : {"debye", "einstein"}
        J_eff model of ``tf_nondiagonal`` (ignored by ``tf_multiphonon``).
    table : MultiphononTable, optional
        Default ``multiphonon_table(params)`` (cached).

    Returns
    -------
    ndarray, shape (N, F), float64
        Net_i in s^-1 per unit coupling c_λ (multiply by c_α Ω0 / v_α from
        :func:`sound_coupling` and sum with the weights w_i, m^-3, to get l⁻¹ in m^-1).
        Finite for E/T, ħω/T up to 1e5.
    """
    T = float(T_K)
    _check(channel, T)
    E = np.ascontiguousarray(E_K, dtype=np.float64).ravel()
    d = np.ascontiguousarray(delta_K, dtype=np.float64).ravel()
    V = np.ascontiguousarray(V_K, dtype=np.float64).ravel()
    hw = np.atleast_1d(np.asarray(hw_K, dtype=np.float64))
    if not (E.shape == d.shape == V.shape) or hw.ndim != 1 or np.any(~(hw >= 0.0)):
        raise ValueError("E_K, delta_K, V_K must have one shape (N,); hw_K must be (F,) >= 0")
    if channel == "tf_multiphonon" and table is None:
        table = multiphonon_table(params)
    out = np.empty((E.size, hw.size))
    km, kp, col = np.empty_like(E), np.empty_like(E), np.empty_like(E)
    for f, w in enumerate(hw):
        floor = _X_FLOOR * (T + w)
        xm = np.maximum(np.abs(E - w), floor)
        xp = np.maximum(E + w, floor)
        for x, k in ((xm, km), (xp, kp)):
            k[:] = 0.0
            if channel == "tf_multiphonon":
                add_multiphonon_total(x, x, V, T, params, k, table)
            else:
                add_nondiagonal_total(x, x, V, T, params, k, vibration)
        net_combine(E, d, float(w), T, km, kp, col)
        out[:, f] = col
    return out


def zero_phonon_weight(T_K: float, params: TFParameters, channel: str = "tf_multiphonon",
                       vibration: str = "debye") -> float:
    """Z(T) = 2π (k_B/ħ) e^{L(T)}, s^-1 K^-1: the zero-phonon line of G is Z V² δ(x).

    L = J1(T) (TF eq. 14) for ``tf_multiphonon``; ``log_enhancement(T, vibration)`` for
    ``tf_nondiagonal``.  The resonant Net of a TLS is Z V² (Δ/E)² tanh(ħω/2T) δ(E − ħω).
    """
    _check(channel, float(T_K))
    L = (J1_debye(float(T_K), params) if channel == "tf_multiphonon"
         else log_enhancement(float(T_K), params, vibration))
    return 2.0 * PI * (K_B / HBAR) * math.exp(float(L))


def shell_zero_phonon(V_K, hw_K, delta_max_K: float, scale_K_m3: float) -> np.ndarray:
    """Per-sample estimate x_i of Σ_i w_i V_i² (Δ_i/E_i)² δ(E_i − ħω), K m^-3 (δ in K^-1).

    The δ is integrated over Δ at the sample's own J0 (V_i = V0 e^{−J0_i/2}), which the
    population draws exactly from pdf(J0)/norm: with density (P̄/2) pdf(J0) per K of Δ per
    unit J0, ∫dΔ δ(E − ħω) V²(Δ/E)² = V² Δ*/ħω at Δ* = √(ħ²ω² − 4V²), so

    .. math:: x_i = s\\,V_i^2\\,\\frac{\\Delta^*_i}{\\hbar\\omega}\\,
              \\mathbf 1[2V_i < \\hbar\\omega,\\ \\Delta^*_i \\le \\Delta_{max}],\\qquad
              s = \\frac{\\bar P}{2}\\,\\frac{\\mathrm{norm}_{J_0}}{N}

    is unbiased for any J0 distribution the population samples exactly (uniform,
    structural sharp or peaked); its variance is Var(x)/N, finite (x is bounded by s V0²).

    Parameters
    ----------
    V_K : (N,) TF's V = Δ0/2 of every sample, K
    hw_K : (F,) ħω/k_B, K (> 0)
    delta_max_K : Δ_max of the population, K
    scale_K_m3 : s = (P̄/2 in K^-1 m^-3) · norm_J0 / N_total (the population's weight scale
        without the Δ proposal), K^-1 m^-3

    Returns
    -------
    ndarray, shape (N, F), K m^-3 (sum over samples = the weighted δ-shell sum)
    """
    V = np.asarray(V_K, dtype=float)[:, None]
    w = np.atleast_1d(np.asarray(hw_K, dtype=float))[None, :]
    d2 = w * w - 4.0 * V * V
    ds = np.sqrt(np.maximum(d2, 0.0))
    ok = (d2 > 0.0) & (ds <= delta_max_K)
    return np.where(ok, scale_K_m3 * V * V * ds / w, 0.0)


def debye_velocity(v_l: float, v_t: float) -> float:
    """Debye mean velocity v_D, 3/v_D³ = 1/v_l³ + 2/v_t³, m s^-1."""
    return (3.0 / (v_l ** -3 + 2.0 * v_t ** -3)) ** (1.0 / 3.0)


def _bracket(q, pol: str) -> np.ndarray:
    """I_α(q)/q² (module docstring): series below q = 0.1 (no cancellation), closed form above."""
    q = np.asarray(q, dtype=float)
    q2 = q * q
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sin(q) / q
        m2 = s + 2 * np.cos(q) / q2 - 2 * np.sin(q) / (q2 * q)   # ∫_0^1 μ² cos(qμ) dμ
        if pol == "l":
            series = 2 * (1 / 10 - q2 / 168 + q2**2 / 6480 - q2**3 / 443520)
            exact = 2 * (1 / 3 - m2) / q2
        else:
            series = 1 / 15 - q2 / 420 + q2**2 / 22680 - q2**3 / 1995840
            exact = ((1 - s) - (1 / 3 - m2)) / q2
    return np.where(q < 0.1, series, exact)


def sound_coupling(omega_rad_s, pol: str, v_alpha: float, v_debye: float,
                   params: TFParameters) -> np.ndarray:
    """c_α Ω0 = (ħJ'²/8Mω) v_a I_α(ωa/v_α), m³ (module docstring; TF eqs. 13–14, 21);
    = (3π⁴/4) g_α ħJ'²ω/(M v_α² q_D⁵) for ωa/v_α ≪ 1 (ultrasound).

    Parameters
    ----------
    omega_rad_s : angular frequency ω of the sound, rad s^-1 (scalar or array)
    pol : "l" or "t"
    v_alpha : sound velocity of that polarization, m s^-1
    v_debye : Debye mean velocity (q_D = ω_D/v_D), m s^-1
    """
    if pol not in ORIENTATION:
        raise ValueError(f"pol must be 'l' or 't' (got {pol!r})")
    q_D = params.omega_D_rad_s / v_debye
    a, v_atom = PI / q_D, 6 * PI**2 / q_D**3
    omega = np.asarray(omega_rad_s, dtype=float)
    return (HBAR * params.J1_per_m**2 * omega * v_atom * a * a
            / (8 * params.mass_kg * v_alpha**2) * _bracket(omega * a / v_alpha, pol))
