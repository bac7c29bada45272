"""Closed forms of the phonon thermal conductivity (PHYSICS §11); no cut-offs, T ≪ Θ_D.

Kinetic formula κ = (1/3)Σ_α ∫dω C_α v_α l_α, C_α = k_B h(x) ω²/(2π²v_α³), h = x²eˣ/(eˣ−1)²,
x = ħω/k_BT; branches l (once) and t (twice).  Each law below is an exact limit of it:

* **STM, resonant scattering only** (ñ = P̄): l⁻¹ = πωγ²P̄ tanh(x/2)/(ρv³) gives
  C v l/3 = ρvω h/(6π³γ²P̄ tanh(x/2)) and, with ∫_0^∞ x³eˣ(eˣ+1)/(eˣ−1)³ dx = π²,
  κ = ρk_B³T²/(6πħ²P̄) Σ_α v_α/γ_α²  — the T² law;
* **boundary only**: κ = (1/3) C_D v l_b summed over branches, C_D,α = (2π²/15) k_B (k_BT/ħv_α)³
  (from ∫x⁴eˣ/(eˣ−1)² dx = 4π⁴/15);
* **Rayleigh A ω⁴ with a boundary** l⁻¹ = 1/l_b + Aω⁴ (Rayleigh alone diverges at ω → 0): for
  ω_c = (A l_b)^{-1/4} ≪ k_BT/ħ, writing h = 1 + (h − 1),
  κ_α = k_B/(6π²v_α²) [π l_b^{1/4}/(2√2 A^{3/4}) − ħ/(2 A k_B T)] + O((ħω_c/k_BT)²),
  from ∫_0^∞ ω² dω/(1/l_b + Aω⁴) = π l_b^{1/4}/(2√2 A^{3/4}) and
  ∫_0^∞ (h − 1)/x² dx = [1/x − 1/(eˣ − 1)]_∞^0 = −1/2: a T-independent (classical,
  equipartition) conductivity carried by the long waves below ω_c.
"""
from __future__ import annotations

import math

from ...units import HBAR as _HBAR, K_B as _KB, PI as _PI

__all__ = ["kappa_T2", "kappa_boundary", "kappa_rayleigh_boundary", "rayleigh_regime"]


def kappa_T2(T_K, density, P_bar_per_J_m3, branches) -> float:
    """ρk³T²/(6πħ²P̄) Σ_α m_α v_α/γ_α², W m⁻¹ K⁻¹; branches = [(multiplicity, γ in J, v)]."""
    s = sum(m * v / (g * g) for m, g, v in branches)
    return density * _KB**3 * T_K**2 / (6.0 * _PI * _HBAR**2 * P_bar_per_J_m3) * s


def kappa_boundary(T_K, l_b, branches) -> float:
    """Σ_α m_α (1/3) C_D,α v_α l_b, C_D,α = (2π²/15) k (kT/ħv)³; branches = [(m, v)]."""
    return sum(m * (2 * _PI**2 / 15) * _KB * (_KB * T_K / (_HBAR * v)) ** 3 * v * l_b / 3.0
               for m, v in branches)


def kappa_rayleigh_boundary(T_K, A, l_b, branches) -> float:
    """Rayleigh + boundary limit (module docstring), W m⁻¹ K⁻¹; branches = [(m, v)]."""
    bracket = _PI * l_b**0.25 / (2 * math.sqrt(2) * A**0.75) - _HBAR / (2 * A * _KB * T_K)
    return sum(m * _KB / (6 * _PI**2 * v * v) * bracket for m, v in branches)


def rayleigh_regime(T_K, A, l_b, margin: float = 0.01) -> bool:
    """ħω_c/k_BT < margin (the neglected terms are O(margin²))."""
    return _HBAR * (A * l_b) ** -0.25 / (_KB * T_K) < margin
