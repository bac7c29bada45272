"""STM closed forms of the acoustic response (PHYSICS §10); no cut-offs assumed.

Per polarization, C = P̄γ²/(ρv²) (Δ ≥ 0 only), w = ħω/k_B, energies in K:

* resonant:  Q⁻¹ = πC tanh(w/2T), l⁻¹ = Q⁻¹ ω/v  (Q⁻¹(T=0) = πC);
* relaxation plateau (ωτ_min ≪ 1): Q⁻¹ = (π/2) C;
* relaxation low-T law (ωτ_min ≫ 1): Q⁻¹ = π⁴ C a T³/(12 ω), a the one-phonon coefficient
  (K = a Δ0² E coth(E/2T), s^-1 K^-3), from ∫_0^1 4u√(1−u²)du = 4/3 and
  ∫_0^∞ x³/(2 sinh x) dx = π⁴/16; independent of ω in l⁻¹ = Q⁻¹ ω/v;
* resonant velocity: Δv/v(T) − Δv/v(T_ref) = C{ln(T/T_ref) + Re ψ(½ + iw/2πT)
  − Re ψ(½ + iw/2πT_ref)} → C ln(T/T_ref) for w ≪ T, T_ref.

``*_regime`` functions say where each holds for a model with cut-offs Δ0 ∈ [Δ0min, Δ0max],
Δ ≤ Δ_max (factor margins stated in each).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import psi

__all__ = ["resonant_Q_inv", "plateau_Q_inv", "low_T_Q_inv", "digamma_velocity",
           "log_velocity", "resonant_regime", "plateau_regime", "low_T_regime",
           "velocity_regime", "log_regime"]


def resonant_Q_inv(C: float, w_K: float, T: float) -> float:
    """πC tanh(ħω/2kT)."""
    return math.pi * C * math.tanh(w_K / (2.0 * T))


def plateau_Q_inv(C: float) -> float:
    """(π/2) C."""
    return 0.5 * math.pi * C


def low_T_Q_inv(C: float, a: float, T: float, omega: float) -> float:
    """π⁴ C a T³ / (12 ω)."""
    return math.pi**4 * C * a * T**3 / (12.0 * omega)


def digamma_velocity(C: float, w_K: float, T: float, T_ref: float) -> float:
    """C{ln(T/T_ref) + Re ψ(½ + i w/2πT) − Re ψ(½ + i w/2πT_ref)}."""
    def re_psi(t):
        return float(np.real(psi(0.5 + 1j * w_K / (2.0 * math.pi * t))))
    return C * (math.log(T / T_ref) + re_psi(T) - re_psi(T_ref))


def log_velocity(C: float, T: float, T_ref: float) -> float:
    """C ln(T/T_ref)."""
    return C * math.log(T / T_ref)


def resonant_regime(w_K, d0_min, d0_max, delta_max) -> bool:
    """ñ(ħω) = P̄ within ~1e-4: 100 Δ0min < ħω < min(Δ0max, Δmax)/100."""
    return 100.0 * d0_min < w_K < 0.01 * min(d0_max, delta_max)


def plateau_regime(omega, a, T, d0_min, d0_max, delta_max) -> bool:
    """ω/(aT³) < 1e-3 (fastest thermal TLSs relax much faster than ω), the slow end of the
    τ distribution beyond ω ((Δ0min/T)² aT³/ω < 1e-3) and the upper cut-offs > 30 T."""
    r = omega / (a * T**3)
    return r < 1e-3 and (d0_min / T) ** 2 / r < 1e-3 and 30.0 * T < min(d0_max, delta_max)


def low_T_regime(omega, a, T, d0_max, delta_max) -> bool:
    """ω/(aT³) > 1e3 and the upper cut-offs > 30 T."""
    return omega / (a * T**3) > 1e3 and 30.0 * T < min(d0_max, delta_max)


def velocity_regime(w_K, T, T_ref, d0_min, d0_max, delta_max) -> bool:
    """30 max(T, T_ref, ħω) < min(Δ0max, Δmax) and Δ0min < 1e-3 min(T, T_ref, ħω)."""
    return (30.0 * max(T, T_ref, w_K) < min(d0_max, delta_max)
            and d0_min < 1e-3 * min(T, T_ref, w_K))


def log_regime(w_K, T, T_ref, d0_min, d0_max, delta_max) -> bool:
    """The digamma regime and ħω < 0.01 min(T, T_ref)."""
    return (velocity_regime(w_K, T, T_ref, d0_min, d0_max, delta_max)
            and w_K < 0.01 * min(T, T_ref))
