r"""Closed forms for metallic glasses (GGP §VII; BCS limits; Korringa-type TLS relaxation).

Galperin, Gurevich & Parshin, PRB 32, 6873 (1985) (GGP), eqs. 7.3–7.5; weak-coupling BCS limits
(Bardeen, Cooper & Schrieffer 1957; Tinkham, *Introduction to Superconductivity*, ch. 3);
the electron relaxation rate of Golding et al., PRL 41, 1487 (1978) and Black (1981), and its
E ≪ Δ superconducting suppression (Black & Fulde, PRL 43, 453 (1979)).  Energies in K.
"""
from __future__ import annotations

import math

import numpy as np

from ...units import HBAR, K_B, PI

__all__ = ["DELTA0_OVER_TC", "GAP_SLOPE_AT_TC", "HEAT_CAPACITY_JUMP", "gap_near_tc",
           "alpha_e_normal", "ggp_ratio_eq75", "entropy_ratio_low_T", "electron_rate_normal",
           "superconducting_suppression", "tls_density_N0"]

_ZETA3 = 1.2020569031595942
DELTA0_OVER_TC: float = PI * math.exp(-0.57721566490153286)
"""Δ(0)/k_BT_c = π e^{−γ_E} ≈ 1.764."""
GAP_SLOPE_AT_TC: float = math.sqrt(8.0 * PI**2 / (7.0 * _ZETA3))
"""Δ ≈ 3.063 k_BT_c √(1 − T/T_c) near T_c."""
HEAT_CAPACITY_JUMP: float = 12.0 / (7.0 * _ZETA3)
"""ΔC/C_n = 1.426 at T_c."""


def gap_near_tc(T_K, Tc_K: float):
    """Δ(T) ≈ 3.063 T_c √(1 − T/T_c), K (leading order at T → T_c⁻)."""
    return GAP_SLOPE_AT_TC * Tc_K * np.sqrt(np.maximum(1.0 - np.asarray(T_K) / Tc_K, 0.0))


def alpha_e_normal(T_K, nu_F_per_J_m3: float, bulk_modulus_Pa: float,
                   lambda_prime: float = -2.0 / 3.0):
    """GGP eq. 7.3: α^(e) = −(π²/3) ν Λ' k_B² T / B, K^-1; Λ' = −2/3 gives eq. 7.4 (2π²/9)νk_B²T/B."""
    return -(PI**2 / 3.0) * nu_F_per_J_m3 * lambda_prime * K_B**2 * np.asarray(T_K) / bulk_modulus_Pa


def tls_density_N0(psi_per_m3: float, eta_L: float, W_K: float) -> float:
    """GGP's N0 = ψ η_L^{3/2}/W, J^-1 m^-3 (after eq. 7.5)."""
    return psi_per_m3 * eta_L**1.5 / (K_B * W_K)


def ggp_ratio_eq75(nu_F_per_J_m3: float, eta_L: float, N0_per_J_m3: float) -> float:
    """GGP eq. 7.5: α^(e)/|α_TLS| ≈ ν(μ) η_L / N0 (an order-of-magnitude estimate)."""
    return nu_F_per_J_m3 * eta_L / N0_per_J_m3


def entropy_ratio_low_T(T_K, Tc_K: float):
    """S_es/S_n ≈ (6/π²) e^{−Δ0/T}(1 + Δ0/T)√(πΔ0/2T) for T ≪ T_c (Δ0 = 1.764 T_c).

    From S_es = 2k_Bν∫dξ s(f) with s(f) ≈ f(1 + E/T) and E ≈ Δ0 + ξ²/2Δ0; relative
    corrections O(T/Δ0).
    """
    d = DELTA0_OVER_TC * Tc_K / np.asarray(T_K, dtype=float)
    return (6.0 / PI**2) * np.exp(-d) * (1.0 + d) * np.sqrt(PI * d / 2.0)


def electron_rate_normal(E_K, delta0_K, T_K: float, K_e: float):
    """Normal-state K = (π/2) K_e (Δ0/E)² (k_B E/ħ) coth(E/2T), s^-1 (E > 0)."""
    E = np.asarray(E_K, dtype=float)
    return 0.5 * PI * K_e * (np.asarray(delta0_K) / E) ** 2 * (K_B * E / HBAR) / np.tanh(E / (2.0 * T_K))


def superconducting_suppression(gap_K, T_K):
    """K_s/K_n = 2/(1 + e^{Δ/T}) for E ≪ Δ (Black & Fulde 1979)."""
    return 2.0 / (1.0 + np.exp(np.asarray(gap_K) / np.asarray(T_K)))
