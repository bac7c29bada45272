"""STM closed forms of the dielectric response (PHYSICS §10); no cut-offs assumed.

With p the TLS dipole (H ∋ pF cosθ σz), ⟨cos²θ⟩ = 1/3 and ε0εr in place of ρv², the
dielectric "tunneling strength" is C_ε = P̄p²/(3ε0εr) (Δ ≥ 0 only), and (w = ħω/k_B, K):

* tan δ0 = πC_ε = πP̄p²/(3ε0εr); unsaturated resonant tan δ = tan δ0 tanh(w/2T);
* textbook saturation (one T1T2 for every TLS): tan δ = tan δ0 tanh(w/2T)/√(1 + (F/F_c)²);
  here F_c is defined by ⟨cos²θ⟩(pF_c/ħ)² T1 T2 = 1 with T1 = T1,min of the TLS with
  Δ0 = E = ħω, i.e. F_c = √3 ħ/(p√(T1,min T2));
* ensemble with one-phonon relaxation only (T1 ∝ (E/Δ0)², Ω_R² ∝ (Δ0/E)²: the saturation
  parameter Ω_R²T1T2 does not depend on Δ0/E) and isotropic dipoles:
  tan δ = tan δ0 tanh(w/2T) g(3F²/F_c²), g(a) = 3∫_0^1 c²/√(1 + ac²) dc
  = 3[√(1+a)/(2a) − asinh(√a)/(2a^{3/2})] → (√3/2) F_c/F at F ≫ F_c;
* relaxation: plateau tan δ = tan δ0/2; low-T law π⁴C_ε a T³/(12ω);
* Δε/ε(T) − Δε/ε(T_ref) = −2C_ε{ln(T/T_ref) + Re ψ(½ + iw/2πT) − Re ψ(½ + iw/2πT_ref)}
  (= −(2/π) tan δ0 ln(T/T_ref) for w ≪ T).
Regimes: those of :mod:`tlsmc.analytic.closed_forms.acoustics` (same model, same cut-offs).
"""
from __future__ import annotations

import math

from . import acoustics as _ac

__all__ = ["strength", "tan_delta0", "resonant_tan_delta", "critical_field",
           "textbook_tan_delta", "orientation_g", "ensemble_tan_delta", "plateau_tan_delta",
           "low_T_tan_delta", "digamma_deps"]

from ...units import DEBYE as _DEBYE, EPS0 as _EPS0, HBAR as _HBAR


def strength(P_bar: float, dipole_debye: float, eps_r: float) -> float:
    """C_ε = P̄p²/(3ε0εr) (P̄ in J^-1 m^-3)."""
    p = dipole_debye * _DEBYE
    return P_bar * p * p / (3.0 * _EPS0 * eps_r)


def tan_delta0(P_bar: float, dipole_debye: float, eps_r: float) -> float:
    """tan δ0 = πP̄p²/(3ε0εr)."""
    return math.pi * strength(P_bar, dipole_debye, eps_r)


def resonant_tan_delta(td0: float, w_K: float, T: float) -> float:
    """tan δ0 tanh(ħω/2kT)."""
    return td0 * math.tanh(w_K / (2.0 * T))


def critical_field(dipole_debye: float, T1_s: float, T2_s: float) -> float:
    """F_c = √3 ħ/(p√(T1T2)), V m^-1."""
    return math.sqrt(3.0) * _HBAR / (dipole_debye * _DEBYE * math.sqrt(T1_s * T2_s))


def textbook_tan_delta(td0: float, w_K: float, T: float, F: float, Fc: float) -> float:
    """tan δ0 tanh(ħω/2kT)/√(1 + (F/F_c)²)."""
    return resonant_tan_delta(td0, w_K, T) / math.sqrt(1.0 + (F / Fc) ** 2)


def orientation_g(a: float) -> float:
    """g(a) = 3[√(1+a)/(2a) − asinh(√a)/(2a^{3/2})], g(0) = 1."""
    if a < 1e-4:
        return 1.0 - 0.3 * a + 9.0 * a * a / 56.0
    r = math.sqrt(a)
    return 3.0 * (math.sqrt(1.0 + a) / (2.0 * a) - math.asinh(r) / (2.0 * a * r))


def ensemble_tan_delta(td0: float, w_K: float, T: float, F: float, Fc: float) -> float:
    """tan δ0 tanh(ħω/2kT) g(3F²/F_c²): isotropic dipoles, one-phonon T1, ñ = P̄."""
    return resonant_tan_delta(td0, w_K, T) * orientation_g(3.0 * (F / Fc) ** 2)


def plateau_tan_delta(C_eps: float) -> float:
    """(π/2) C_ε = tan δ0/2."""
    return _ac.plateau_Q_inv(C_eps)


def low_T_tan_delta(C_eps: float, a: float, T: float, omega: float) -> float:
    """π⁴ C_ε a T³/(12ω) (a: one-phonon coefficient, s^-1 K^-3)."""
    return _ac.low_T_Q_inv(C_eps, a, T, omega)


def digamma_deps(C_eps: float, w_K: float, T: float, T_ref: float) -> float:
    """−2C_ε{ln(T/T_ref) + Re ψ(½ + iw/2πT) − Re ψ(½ + iw/2πT_ref)}."""
    return -2.0 * _ac.digamma_velocity(C_eps, w_K, T, T_ref)
