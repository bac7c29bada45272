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
  equipartition) conductivity carried by the long waves below ω_c;
* **boundary only with a Debye cut-off** ω_D,α per branch: κ = Σ_α m_α (1/3) C_α v_α l_b with
  C_α = k_B (k_BT/ħv_α)³ D₄(y_α)/(2π²), y_α = ħω_D,α/k_BT, D₄(y) = ∫_0^y x⁴eˣ/(eˣ−1)² dx
  = 4 I₃(y) − y⁴/(e^y − 1), I₃(y) = ∫_0^y x³/(eˣ−1) dx (Bernoulli series for y < 2, the
  series π⁴/15 − Σ_k e^{−ky}(y³/k + 3y²/k² + 6y/k³ + 6/k⁴) above).  Limits: y → ∞ gives
  the law above; T ≫ Θ_D gives D₄ → y³/3, C_α → k_B k_D,α³/(6π²) (equipartition, k_B per
  mode; k_D,α = ω_D,α/v_α), i.e. κ → (1/3) Σ_α m_α n_α k_B v_α l_b.
"""
from __future__ import annotations

import math

from ...units import HBAR as _HBAR, K_B as _KB, PI as _PI

__all__ = ["kappa_T2", "kappa_boundary", "kappa_rayleigh_boundary", "rayleigh_regime",
           "debye_D4", "kappa_boundary_debye"]

# Bernoulli numbers B_0..B_30 (B_1 = −1/2, odd ones above vanish): x/(eˣ−1) = Σ B_n xⁿ/n!
_BERNOULLI = {0: 1.0, 1: -0.5, 2: 1 / 6, 4: -1 / 30, 6: 1 / 42, 8: -1 / 30, 10: 5 / 66,
              12: -691 / 2730, 14: 7 / 6, 16: -3617 / 510, 18: 43867 / 798, 20: -174611 / 330,
              22: 854513 / 138, 24: -236364091 / 2730, 26: 8553103 / 6, 28: -23749461029 / 870,
              30: 8615841276005 / 14322}


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


def _I3(y: float) -> float:
    """∫_0^y x³/(eˣ − 1) dx (module docstring), relative accuracy ~1e-15."""
    if y < 2.0:       # x³/(eˣ−1) = Σ B_n x^{n+2}/n!: term ~ (y/2π)^n, 30 terms to 1e-16
        return sum(b * y ** (n + 3) / ((n + 3) * math.factorial(n)) for n, b in _BERNOULLI.items())
    tail = 0.0
    for k in range(1, 60):
        tail += math.exp(-k * y) * (y**3 / k + 3 * y**2 / k**2 + 6 * y / k**3 + 6 / k**4)
    return _PI**4 / 15 - tail


def debye_D4(y: float) -> float:
    """D₄(y) = ∫_0^y x⁴eˣ/(eˣ−1)² dx = 4 I₃(y) − y⁴/(e^y − 1) (→ 4π⁴/15 as y → ∞, y³/3 as y → 0)."""
    return 4.0 * _I3(y) - (y**4 / math.expm1(y) if y < 700 else 0.0)


def kappa_boundary_debye(T_K, l_b, branches) -> float:
    """Boundary-only κ with a Debye cut-off (module docstring), W m⁻¹ K⁻¹;
    branches = [(m, v in m s⁻¹, ω_D in rad s⁻¹)]."""
    out = 0.0
    for m, v, w_d in branches:
        c = _KB * (_KB * T_K / (_HBAR * v)) ** 3 * debye_D4(_HBAR * w_d / (_KB * T_K)) / (2 * _PI**2)
        out += m * c * v * l_b / 3.0
    return out
